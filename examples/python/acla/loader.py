"""Finding and loading libacla.so.

Search order (the first that loads wins; `candidates()` lists them):

1. ``$ACLA_LIBRARY``: a path to libacla.so (when set, nothing else is tried);
2. ``pkg-config --variable=libdir acla`` (honours ``PKG_CONFIG_PATH``);
3. the installed prefix: the lib folder recorded by ``make install`` (``_install.py``), then
   ``sys.prefix/lib`` (a ``make install PREFIX=`` into the same prefix as ``pip install``);
4. the build tree, when the package runs from a checkout: ``build/lib``, ``.build/release``,
   ``.build/debug``;
5. the dynamic loader's own search (``libacla.so.0``).
"""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

from .errors import OK, AclaError

__all__ = ["library", "library_path", "candidates"]

_NAME = "libacla.so.0"


def _pkg_config_libdir() -> Optional[str]:
    tool = shutil.which("pkg-config")
    if tool is None:
        return None
    try:
        r = subprocess.run([tool, "--variable=libdir", "acla"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = r.stdout.strip()
    return libdir if r.returncode == 0 and libdir else None


def _recorded_libdir() -> Optional[str]:
    try:
        from ._install import LIBDIR  # written by `make install` into the installed copy only
    except ImportError:
        return None
    return LIBDIR


def candidates() -> Iterator[Tuple[str, str]]:
    """(where the candidate comes from, path) in search order."""
    env = os.environ.get("ACLA_LIBRARY")
    if env:
        yield "ACLA_LIBRARY", env
        return
    libdir = _pkg_config_libdir()
    if libdir:
        yield "pkg-config", os.path.join(libdir, _NAME)
    recorded = _recorded_libdir()
    if recorded:
        yield "installed prefix", os.path.join(recorded, _NAME)
    yield "installed prefix", os.path.join(sys.prefix, "lib", _NAME)
    root = Path(__file__).resolve().parents[3]  # <checkout>/examples/python/acla/loader.py
    if (root / "include" / "acla.h").is_file():
        for sub in ("build/lib", ".build/release", ".build/debug"):
            yield "build tree", str(root / sub / ("libacla.so" if sub.startswith(".") else _NAME))
    yield "system", _NAME


def _load() -> Tuple[ctypes.CDLL, str]:
    tried: List[str] = []
    for source, path in candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} ({source}): not found")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path} ({source}): {e}")
    raise OSError("cannot load libacla.so; set ACLA_LIBRARY to its path, or PKG_CONFIG_PATH to the folder of "
                  "acla.pc. Tried: " + "; ".join(tried))


library, library_path = _load()
_lib = library


def proto(name: str, restype, *argtypes):
    """Declares the C signature of one exported function."""
    fn = getattr(_lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


def check(status: int) -> None:
    """Raises AclaError with the library's message for a failing status."""
    if status != OK:
        msg = _lib.acla_last_error_message().decode("utf-8", "replace")
        raise AclaError(status, msg or _lib.acla_status_string(status).decode())


status_t = ctypes.c_int32
cstr = ctypes.c_char_p
proto("acla_version_string", cstr)
proto("acla_version_number", ctypes.c_uint32)
proto("acla_status_string", cstr, status_t)
proto("acla_last_error_message", cstr)
proto("acla_set_num_threads", status_t, ctypes.c_int32)
proto("acla_get_num_threads", ctypes.c_int32)
proto("acla_get_max_threads", ctypes.c_int32)
proto("acla_set_memory_limit", status_t, ctypes.c_uint64)
proto("acla_get_memory_limit", ctypes.c_uint64)
