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

# ---- models: EDSR / RCAN with optional attention (docs/MODELS.md) ----
import json as _json
import weakref as _weakref

__all__ += ["Model", "LOAD_IGNORE_TAIL", "LOAD_KEEP_MISSING_ATTENTION"]

LOAD_IGNORE_TAIL = 1
LOAD_KEEP_MISSING_ATTENTION = 2

_model_handle_t = ctypes.c_void_p
_model_size_t = ctypes.c_size_t
_model_f32p = ctypes.POINTER(ctypes.c_float)
_proto("acla_model_create", _status, _cstr, ctypes.POINTER(_model_handle_t))
_proto("acla_model_load", _status, _cstr, _cstr, ctypes.POINTER(_model_handle_t))
_proto("acla_model_load_ex", _status, _cstr, _cstr, ctypes.c_uint32, ctypes.POINTER(_model_handle_t))
_proto("acla_model_save", _status, _model_handle_t, _cstr)
_proto("acla_model_destroy", None, _model_handle_t)
_proto("acla_model_config", _status, _model_handle_t, ctypes.c_char_p, _model_size_t, ctypes.POINTER(_model_size_t))
_proto("acla_model_parameter_count", _status, _model_handle_t, ctypes.POINTER(ctypes.c_uint64))
_proto("acla_model_macs", _status, _model_handle_t, ctypes.c_int32, ctypes.c_int32, ctypes.POINTER(ctypes.c_uint64))
_proto("acla_model_output_size", _status, _model_handle_t, ctypes.c_int32, ctypes.c_int32,
       ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int32))
_proto("acla_model_forward", _status, _model_handle_t, _model_f32p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32,
       ctypes.c_int32, _model_f32p, _model_size_t)
_proto("acla_model_get_parameter", _status, _model_handle_t, _cstr, _model_f32p, _model_size_t)
_proto("acla_model_set_parameter", _status, _model_handle_t, _cstr, _model_f32p, _model_size_t)
_proto("acla_model_parameter_names", _status, _model_handle_t, ctypes.c_char_p, _model_size_t, ctypes.POINTER(_model_size_t))
_proto("acla_model_parameter_shape", _status, _model_handle_t, _cstr, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32,
       ctypes.POINTER(ctypes.c_int32))


def _model_config_text(config) -> bytes:
    """A config given as a dict (serialised here) or as JSON text."""
    if isinstance(config, dict):
        return _json.dumps(config).encode("utf-8")
    if isinstance(config, (str, bytes)):
        return config.encode("utf-8") if isinstance(config, str) else config
    raise AclaError(ERR_INVALID_ARGUMENT, f"config must be a dict or JSON text, got {type(config).__name__}")


def _model_sized_string(fn, *args) -> str:
    """Calls a function with the (buf, cap, needed) protocol of acla_model_config."""
    needed = _model_size_t(0)
    status = fn(*args, None, 0, ctypes.byref(needed))
    if status not in (OK, ERR_SHAPE):
        _check(status)
    buf = ctypes.create_string_buffer(needed.value)
    _check(fn(*args, buf, needed.value, ctypes.byref(needed)))
    return buf.value.decode("utf-8")


def _model_numpy():
    try:
        import numpy
    except ImportError as e:  # only the array functions need numpy
        raise ImportError("acla.Model.forward/get_parameter/set_parameter need numpy") from e
    return numpy


class Model:
    """An EDSR/RCAN network, optionally with cross-layer attention (one acla_model handle).

    Create with Model.create(config) or Model.load(path); free with close() or a `with` block
    (a finalizer frees it otherwise). Not for concurrent use from several threads.
    """

    def __init__(self, handle: ctypes.c_void_p):
        if not handle or not handle.value:
            raise AclaError(ERR_INVALID_ARGUMENT, "use Model.create or Model.load")
        self._h = handle
        self._finalizer = _weakref.finalize(self, _lib.acla_model_destroy, handle.value)

    @classmethod
    def create(cls, config) -> "Model":
        """A new model from a config dict (or JSON text); weights from its "seed"."""
        h = _model_handle_t()
        _check(_lib.acla_model_create(_model_config_text(config), ctypes.byref(h)))
        return cls(h)

    @classmethod
    def load(cls, path, config=None, *, ignore_tail: bool = False, keep_missing_attention: bool = False) -> "Model":
        """Loads a safetensors checkpoint. `config` (dict or JSON) is required for files without
        acla metadata and overrides the file's otherwise. `ignore_tail` loads an x2 checkpoint
        into an x3/x4 config (tail tensors load only where they fit); `keep_missing_attention`
        starts an attention model from a plain backbone checkpoint."""
        flags = (LOAD_IGNORE_TAIL if ignore_tail else 0) | (LOAD_KEEP_MISSING_ATTENTION if keep_missing_attention else 0)
        h = _model_handle_t()
        cfg = None if config is None else _model_config_text(config)
        _check(_lib.acla_model_load_ex(_encode_path(path), cfg, flags, ctypes.byref(h)))
        return cls(h)

    def _live(self):
        if not self._finalizer.alive:
            raise AclaError(ERR_STATE, "model is closed")
        return self._h

    def close(self) -> None:
        """Frees the model now; later calls raise AclaError(ERR_STATE)."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def save(self, path) -> None:
        """Writes a safetensors checkpoint with the config in its metadata (atomically)."""
        _check(_lib.acla_model_save(self._live(), _encode_path(path)))

    @property
    def config_json(self) -> str:
        """The canonical JSON config."""
        return _model_sized_string(_lib.acla_model_config, self._live())

    @property
    def config(self) -> dict:
        return _json.loads(self.config_json)

    @property
    def parameter_count(self) -> int:
        n = ctypes.c_uint64(0)
        _check(_lib.acla_model_parameter_count(self._live(), ctypes.byref(n)))
        return n.value

    @property
    def parameter_names(self) -> list:
        text = _model_sized_string(_lib.acla_model_parameter_names, self._live())
        return text.split("\n") if text else []

    def macs(self, height: int, width: int) -> int:
        """Multiply-accumulates of one forward pass on a height x width input."""
        n = ctypes.c_uint64(0)
        _check(_lib.acla_model_macs(self._live(), _int32(height, "height"), _int32(width, "width"), ctypes.byref(n)))
        return n.value

    def output_size(self, height: int, width: int) -> tuple:
        """(channels, height, width) of the output for a height x width input."""
        c, h, w = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
        _check(_lib.acla_model_output_size(self._live(), _int32(height, "height"), _int32(width, "width"),
                                           ctypes.byref(c), ctypes.byref(h), ctypes.byref(w)))
        return c.value, h.value, w.value

    def forward(self, x):
        """Runs the model (evaluation mode) on a float NCHW array (or CHW, returned as CHW) with
        values in 0..255; returns the raw float32 output, unclamped."""
        np = _model_numpy()
        a = np.ascontiguousarray(x, dtype=np.float32)
        if a.ndim not in (3, 4):
            raise AclaError(ERR_SHAPE, f"input must be NCHW or CHW, got shape {a.shape}")
        batched = a if a.ndim == 4 else a[None]
        n, c, h, w = (_int32(int(d), "input dimension") for d in batched.shape)
        oc, oh, ow = self.output_size(h, w)
        out = np.empty((n, oc, oh, ow), dtype=np.float32)
        _check(_lib.acla_model_forward(self._live(), batched.ctypes.data_as(_model_f32p), n, c, h, w,
                                       out.ctypes.data_as(_model_f32p), out.size))
        return out if a.ndim == 4 else out[0]

    def parameter_shape(self, name: str) -> tuple:
        dims = (ctypes.c_int64 * 8)()
        rank = ctypes.c_int32(0)
        _check(_lib.acla_model_parameter_shape(self._live(), name.encode("utf-8"), dims, 8, ctypes.byref(rank)))
        return tuple(dims[i] for i in range(rank.value))

    def get_parameter(self, name: str):
        """A copy of the named parameter as a float32 array of its shape."""
        np = _model_numpy()
        out = np.empty(self.parameter_shape(name), dtype=np.float32)
        _check(_lib.acla_model_get_parameter(self._live(), name.encode("utf-8"), out.ctypes.data_as(_model_f32p), out.size))
        return out

    def set_parameter(self, name: str, value) -> None:
        """Replaces the named parameter; `value` must have its exact shape and finite values."""
        np = _model_numpy()
        shape = self.parameter_shape(name)
        a = np.ascontiguousarray(value, dtype=np.float32)
        if a.shape != shape:
            raise AclaError(ERR_SHAPE, f"parameter {name!r} has shape {shape}, got {a.shape}")
        _check(_lib.acla_model_set_parameter(self._live(), name.encode("utf-8"), a.ctypes.data_as(_model_f32p), a.size))

    def __repr__(self):
        if not self._finalizer.alive:
            return "<acla.Model (closed)>"
        return f"<acla.Model {self.config_json}>"

# @@ATTENTION@@

# @@IMAGING@@
