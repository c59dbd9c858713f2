"""The Python package: same public names as the single-file binding it replaced, docstrings
help() shows, the library search order, `pip install examples/python` and `make install`."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import acla
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYDIR = ROOT / "examples" / "python"
LIB = ROOT / "build" / "lib" / "libacla.so.0"

# Every public name of examples/python/acla.py 0.1 (the single file this package replaced).
NAMES_0_1 = """OK ERR_INVALID_ARGUMENT ERR_SHAPE ERR_IO ERR_FORMAT ERR_UNSUPPORTED ERR_OUT_OF_MEMORY
ERR_CANCELLED ERR_STATE ERR_INTERNAL AclaError library version version_number status_string
set_num_threads get_num_threads LOAD_IGNORE_TAIL LOAD_KEEP_MISSING_ATTENTION Model AttentionModule
ProbedKey IMAGE_FORMAT_PNG IMAGE_FORMAT_JPEG IMAGE_NOTE_ALPHA_DROPPED IMAGE_NOTE_16BIT_REDUCED
BOUNDARY_SYMMETRIC BOUNDARY_REPLICATE MEASURE_RGB MEASURE_Y AclaWarning set_image_pixel_limit
get_image_pixel_limit image_info read_image write_image resize_bicubic modcrop degrade_noise
degrade_mosaic degrade_jpeg rgb_to_gray rgb_to_y psnr ssim""".split()


def test_public_names_of_the_single_file_binding_remain():
    missing = [n for n in NAMES_0_1 if not hasattr(acla, n)]
    assert not missing, missing
    assert set(acla.__all__) >= set(NAMES_0_1) - {"OK"} | {"Model"}
    assert acla.Model.open_fraction and acla.Model.derive and acla.Model.probe_keys
    assert Path(acla.__file__).parent.name == "acla" and Path(acla.__file__).name == "__init__.py"


def test_help_shows_docstrings_and_type_hints():
    import pydoc
    text = pydoc.render_doc(acla.Model, renderer=pydoc.plaintext)
    for needle in ("Model.create(config)", "Runs the model (evaluation mode)", "open_fraction(self, index: 'int') -> 'float'",
                   "Loads a safetensors checkpoint", "allow_nonfinite_input"):
        assert needle in text, needle
    for fn in (acla.read_image, acla.resize_bicubic, acla.psnr, acla.set_num_threads):
        assert fn.__doc__ and fn.__annotations__, fn.__name__


def _python(code, env_extra, cwd):
    """Runs `code` in a fresh interpreter that sees only the given PYTHONPATH and pkg-config setup."""
    env = {k: v for k, v in os.environ.items() if k not in ("ACLA_LIBRARY", "PYTHONPATH", "PKG_CONFIG_PATH")}
    env.update({"PKG_CONFIG_LIBDIR": str(cwd), "PKG_CONFIG_PATH": ""}, **env_extra)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    return r


SHOW = "import acla; print(acla.library_path); print(acla.version())"


@pytest.fixture
def built():
    if not LIB.exists():
        pytest.skip(f"{LIB} is not built (make build)")
    return LIB


def test_library_search_order(built, tmp_path):
    src = {"PYTHONPATH": str(PYDIR)}
    # 4. the build tree, when nothing else is configured
    r = _python(SHOW, src, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == str(ROOT / "build" / "lib" / "libacla.so.0")
    # 2. pkg-config's libdir beats the build tree
    libdir = tmp_path / "pc" / "lib"
    libdir.mkdir(parents=True)
    shutil.copy(built, libdir / "libacla.so.0")
    (tmp_path / "acla.pc").write_text(f"libdir={libdir}\nName: acla\nDescription: x\nVersion: 0.1.0\nLibs: -L${{libdir}} -lacla\n")
    r = _python(SHOW, src, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(libdir / "libacla.so.0"), "0.1.0"]
    # 1. ACLA_LIBRARY beats everything, and a wrong one is an error naming it (nothing else tried)
    r = _python(SHOW, dict(src, ACLA_LIBRARY=str(built)), tmp_path)
    assert r.stdout.split()[0] == str(built)
    r = _python(SHOW, dict(src, ACLA_LIBRARY=str(tmp_path / "nope.so")), tmp_path)
    assert r.returncode != 0 and "nope.so (ACLA_LIBRARY): not found" in r.stderr and "pkg-config" not in r.stderr


def test_make_install_puts_the_package_in_the_prefix(built, tmp_path):
    prefix = tmp_path / "prefix"
    r = subprocess.run(["make", "--no-print-directory", "install-python", f"PREFIX={prefix}", f"PYTHON={sys.executable}"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    site = next(prefix.glob("lib/python3*/site-packages"))
    assert f"installed the acla package in {site}" in r.stdout
    (prefix / "lib" / "libacla.so.0").symlink_to(built)
    # 3. the installed prefix recorded by make install (no pkg-config, no build tree near it)
    r = _python("import acla; print(acla.library_path); print(acla.__file__)", {"PYTHONPATH": str(site)}, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(prefix / "lib" / "libacla.so.0"), str(site / "acla" / "__init__.py")]


def test_pip_install_needs_no_network_and_installs_the_package(built, tmp_path):
    source = tmp_path / "src"
    shutil.copytree(PYDIR, source, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--target", str(target),
                        str(source)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(p.name for p in (target / "acla").glob("*.py")) == sorted(
        p.name for p in (PYDIR / "acla").glob("*.py") if p.name != "_install.py")
    assert (target / "acla-0.1.0.dist-info" / "METADATA").read_text().startswith("Metadata-Version")
    r = _python("import acla, sys; print(acla.__file__); m = acla.Model.create({'backbone': 'edsr', 'scale': 2, 'blocks': 1, "
                "'features': 4}); print(m.output_size(5, 6))", {"PYTHONPATH": str(target), "ACLA_LIBRARY": str(built)},
                tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == [str(target / "acla" / "__init__.py"), "(3, 10, 12)"]
