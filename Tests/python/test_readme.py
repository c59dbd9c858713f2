"""Every ```sh and ```python snippet of README.md runs, in order, as a new user would run them
in one terminal: in a clean copy of the repository (the tracked files only, no ../shared beside
it) whose build/ is this checkout's build. The environment a sh snippet leaves (`export`)
carries on to the next snippets, HOME is a fresh folder, `pip install` installs into a folder
on PYTHONPATH (not into this interpreter), and the make targets that build or test
(`setup`, `build`, `test`) are checked with `make -n` instead of being run inside the test run;
`make install` runs as `make install-files` (the same install, without rebuilding).
A python snippet that imports PIL runs only when Pillow is installed."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def snippets(text):
    """(language, code, line) of every ```sh / ```python block, in order."""
    out = []
    for m in re.finditer(r"^```(sh|python)\n(.*?)^```", text, flags=re.S | re.M):
        out.append((m.group(1), m.group(2), text[:m.start()].count("\n") + 1))
    return out


def shell_line(line):
    """A README command line as the test runs it (see the module docstring)."""
    parts = []
    for part in re.split(r"\s&&\s", line):
        words = part.split()
        if words[:1] == ["make"]:
            targets = [w for w in words[1:] if "=" not in w and not w.startswith("-")]
            assert targets, f"a bare `make` in the README: {line}"
            if set(targets) <= {"setup", "build", "test", "all"}:
                part = "make -n " + " ".join(words[1:]) + " >/dev/null"
            elif targets == ["install"]:
                part = part.replace("make install", "make --no-print-directory install-files", 1)
            else:
                raise AssertionError(f"the README runs make {targets}: teach this test how to check it")
        elif words[:2] == ["pip", "install"]:
            part = part.replace("pip install", f'{sys.executable} -m pip install -q --no-index --no-deps --target "$README_SITE"', 1)
        parts.append(part)
    return " && ".join(parts)


def test_readme_has_snippets_of_both_kinds():
    kinds = {lang for lang, _, _ in snippets(README.read_text())}
    assert kinds == {"sh", "python"}


def test_every_readme_snippet_runs_from_a_clean_clone(tmp_path):
    if not (ROOT / "build" / "lib" / "libacla.so.0").exists() or not (ROOT / "build" / "bin" / "acla").exists():
        pytest.skip("build/ is not built (make build)")
    clone = tmp_path / "work" / "acla"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / os.fsdecode(name)
        if src.is_file():
            dst = clone / os.fsdecode(name)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    (clone / "build").symlink_to(ROOT / "build")
    assert not (clone.parent / "shared").exists()
    home, site = tmp_path / "home", tmp_path / "site"
    home.mkdir()
    site.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("ACLA_LIBRARY", "PYTHONPATH", "PKG_CONFIG_PATH", "VIRTUAL_ENV")}
    env.update(HOME=str(home), README_SITE=str(site), PYTHONPATH=str(site), PYTHON=sys.executable)
    have_pil = subprocess.run([sys.executable, "-c", "import PIL"], capture_output=True).returncode == 0
    envfile = tmp_path / "env"
    ran = 0
    for lang, code, line in snippets(README.read_text()):
        where = f"README.md line {line}"
        if lang == "sh":
            lines = [shell_line(x) for x in code.splitlines() if x.strip() and not x.lstrip().startswith("#")]
            script = "set -euo pipefail\n" + "\n".join(lines) + f"\nenv -0 > {envfile}\n"
            r = subprocess.run(["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=600)
            assert r.returncode == 0, f"{where}:\n{script}\n{r.stdout}\n{r.stderr}"
            env = dict(item.split("=", 1) for item in envfile.read_text().split("\0") if "=" in item)
        else:
            if "from PIL import" in code and not have_pil:
                print(f"{where}: skipped, Pillow is not installed")
                continue
            r = subprocess.run([sys.executable, "-c", code], cwd=clone, env=env, capture_output=True, text=True,
                               timeout=600)
            assert r.returncode == 0, f"{where}:\n{code}\n{r.stdout}\n{r.stderr}"
        ran += 1
    assert ran >= 6
