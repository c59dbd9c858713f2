"""ctypes binding of libacla.so: Cross-Layer Attention for image restoration.

Library discovery: the ACLA_LIBRARY environment variable (a path to libacla.so), then the
project's build folder (build/lib, .build/release, .build/debug next to this file's project),
then the system (ctypes.util.find_library / libacla.so.0).

Every failing call raises AclaError carrying the status code and the library's message.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

__all__ = ["AclaError", "library", "version", "version_number", "status_string",
           "set_num_threads", "get_num_threads"]

# ---- status codes (pinned, as in include/acla.h) ----
OK = 0
ERR_INVALID_ARGUMENT = 1
ERR_SHAPE = 2
ERR_IO = 3
ERR_FORMAT = 4
ERR_UNSUPPORTED = 5
ERR_OUT_OF_MEMORY = 6
ERR_CANCELLED = 7
ERR_STATE = 8
ERR_INTERNAL = 9


class AclaError(Exception):
    """A failed library call: `status` is the acla_status code, `message` the library's text."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(f"[{status}] {message}")


def _candidates():
    env = os.environ.get("ACLA_LIBRARY")
    if env:
        yield env
        return
    root = Path(__file__).resolve().parents[2]
    for sub in ("build/lib/libacla.so", ".build/release/libacla.so", ".build/debug/libacla.so"):
        yield str(root / sub)
    found = ctypes.util.find_library("acla")
    if found:
        yield found
    yield "libacla.so.0"


def _load():
    errors = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            errors.append(f"{path}: not found")
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise OSError("cannot load libacla.so; set ACLA_LIBRARY. Tried: " + "; ".join(errors))


library = _load()
_lib = library

# Range checks before values reach ctypes, which would otherwise wrap them silently.
_INT32 = (-(1 << 31), (1 << 31) - 1)
_SIZE = (0, (1 << 64) - 1)


def _int32(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or not _INT32[0] <= value <= _INT32[1]:
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be a 32-bit integer, got {value!r}")
    return value


def _proto(name, restype, *argtypes):
    fn = getattr(_lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


def _check(status):
    if status != OK:
        msg = _lib.acla_last_error_message().decode("utf-8", "replace")
        raise AclaError(status, msg or _lib.acla_status_string(status).decode())


_status = ctypes.c_int32
_cstr = ctypes.c_char_p
_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)

# ---- core ----
_proto("acla_version_string", _cstr)
_proto("acla_version_number", ctypes.c_uint32)
_proto("acla_status_string", _cstr, _status)
_proto("acla_last_error_message", _cstr)
_proto("acla_set_num_threads", _status, ctypes.c_int32)
_proto("acla_get_num_threads", ctypes.c_int32)


def version() -> str:
    return _lib.acla_version_string().decode()


def version_number() -> int:
    return _lib.acla_version_number()


def status_string(status: int) -> str:
    return _lib.acla_status_string(_int32(status, "status")).decode()


def set_num_threads(n: int) -> None:
    _check(_lib.acla_set_num_threads(_int32(n, "n")))


def get_num_threads() -> int:
    return _lib.acla_get_num_threads()


def _encode_path(path) -> bytes:
    return os.fsencode(os.fspath(path))

# @@MODELS@@

# @@ATTENTION@@

# @@IMAGING@@
