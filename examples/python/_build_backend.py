"""A minimal PEP 517 / PEP 660 build backend for the pure-Python `acla` package.

It needs nothing beyond the standard library, so `pip install examples/python` works without
network access or setuptools. It builds a wheel of acla/*.py with the metadata of
pyproject.toml's [project] table (the simple subset that file uses), an sdist, and an editable
wheel (a .pth file pointing at this folder).
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
PACKAGE = "acla"


def _project() -> Dict[str, object]:
    """[project] string keys and [project.optional-dependencies] lists of pyproject.toml."""
    table, section = {}, None
    extras: Dict[str, List[str]] = {}
    for raw in (HERE / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[([^\]]+)\]", line)
        if header:
            section = header.group(1)
            continue
        m = re.fullmatch(r'([A-Za-z0-9_-]+)\s*=\s*(.+)', line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if section == "project" and value.startswith('"'):
            table[key] = value.strip('"')
        elif section == "project.optional-dependencies":
            extras[key] = re.findall(r'"([^"]+)"', value)
    table["extras"] = extras
    return table


def _metadata() -> str:
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}",
             f"Summary: {p.get('description', '')}", f"Requires-Python: {p.get('requires-python', '>=3.8')}"]
    for extra, requirements in sorted(p["extras"].items()):
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in requirements]
    return "\n".join(lines) + "\n"


def _dist_info() -> str:
    p = _project()
    return f"{p['name']}-{p['version']}.dist-info"


def _wheel_name() -> str:
    p = _project()
    return f"{p['name']}-{p['version']}-py3-none-any.whl"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(directory: str, files: List[Tuple[str, bytes]]) -> str:
    info = _dist_info()
    files = files + [(f"{info}/METADATA", _metadata().encode()),
                     (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: acla _build_backend\n"
                                       b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
                     (f"{info}/top_level.txt", f"{PACKAGE}\n".encode())]
    record = "\n".join(_record_line(n, d) for n, d in files) + f"\n{info}/RECORD,,\n"
    path = os.path.join(directory, _wheel_name())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files + [(f"{info}/RECORD", record.encode())]:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return os.path.basename(path)


def _sources() -> List[Path]:
    return sorted(p for p in (HERE / PACKAGE).glob("*.py") if p.name != "_install.py")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(f"{PACKAGE}/{p.name}", p.read_bytes()) for p in _sources()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(f"_{PACKAGE}_editable.pth", f"{HERE}\n".encode())])


def build_sdist(sdist_directory, config_settings=None):
    p = _project()
    base = f"{p['name']}-{p['version']}"
    path = os.path.join(sdist_directory, base + ".tar.gz")
    members = [HERE / "pyproject.toml", HERE / "_build_backend.py"] + _sources()
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            tar.add(member, arcname=f"{base}/{member.relative_to(HERE)}")
        pkg_info = _metadata().encode()
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size = len(pkg_info)
        tar.addfile(ti, io.BytesIO(pkg_info))
    return os.path.basename(path)
