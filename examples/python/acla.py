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

# ---- attention: per-module statistics, the Figure-2 probe, measured cost, search outcome ----
# (docs/ATTENTION.md). These extend acla.Model; statistics describe the model's last forward().

__all__ += ["AttentionModule", "ProbedKey"]

_i32p = ctypes.POINTER(ctypes.c_int32)
_proto("acla_model_attention_count", _status, _model_handle_t, _i32p)
_proto("acla_model_attention_module", _status, _model_handle_t, ctypes.c_int32, _i32p, _i32p, _i32p)
_proto("acla_model_attention_sources", _status, _model_handle_t, ctypes.c_int32, _i32p, ctypes.c_int32, _i32p)
_proto("acla_model_attention_open_fraction", _status, _model_handle_t, ctypes.c_int32, ctypes.POINTER(ctypes.c_double))
_proto("acla_model_attention_macs", _status, _model_handle_t, ctypes.c_int32, ctypes.POINTER(ctypes.c_uint64))
_proto("acla_model_measured_macs", _status, _model_handle_t, ctypes.POINTER(ctypes.c_uint64))
_proto("acla_model_set_probe", _status, _model_handle_t, ctypes.c_int32, ctypes.c_int32)
_proto("acla_model_probe_keys", _status, _model_handle_t, ctypes.c_int32, _i32p, ctypes.POINTER(ctypes.c_float),
       ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_uint8),
       _model_size_t, ctypes.POINTER(_model_size_t))
_proto("acla_model_set_attention_memory_limit", _status, _model_handle_t, ctypes.c_uint64)
_proto("acla_model_search_positions", _status, _model_handle_t, _i32p, ctypes.c_int32, _i32p)
_proto("acla_model_derive", _status, _model_handle_t, _i32p, ctypes.c_int32, ctypes.POINTER(_model_handle_t))


class AttentionModule:
    """One attention module: `position` (it runs after that layer), `sources` (the layers it reads
    keys from, its own last) and `keys` (K; 0 for NL, CLNL, SE)."""

    def __init__(self, index, position, sources, keys):
        self.index, self.position, self.sources, self.keys = index, position, sources, keys

    def __repr__(self):
        return f"AttentionModule(index={self.index}, position={self.position}, sources={self.sources}, keys={self.keys})"


class ProbedKey:
    """A key of the probed query pixel: the source layer it was read from, its sampling location
    (y, x) in input pixels, its attention weight, and whether it was open."""

    def __init__(self, source_layer, y, x, weight, open):
        self.source_layer, self.y, self.x, self.weight, self.open = source_layer, y, x, weight, open

    def __repr__(self):
        return f"ProbedKey(source_layer={self.source_layer}, y={self.y:.3f}, x={self.x:.3f}, weight={self.weight:.4f}, open={self.open})"


def _int32_list(fn, *args) -> list:
    """Calls a function with the (buf, cap, count) protocol of acla_model_attention_sources."""
    count = ctypes.c_int32(0)
    status = fn(*args, None, 0, ctypes.byref(count))
    if status not in (OK, ERR_SHAPE):
        _check(status)
    buf = (ctypes.c_int32 * max(count.value, 1))()
    _check(fn(*args, buf, count.value, ctypes.byref(count)))
    return list(buf[:count.value])


def _attention_modules(self) -> list:
    """The attention modules, in insert-position order (empty for attention "none")."""
    h = self._live()
    count = ctypes.c_int32(0)
    _check(_lib.acla_model_attention_count(h, ctypes.byref(count)))
    modules = []
    for i in range(count.value):
        p, r, k = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
        _check(_lib.acla_model_attention_module(h, i, ctypes.byref(p), ctypes.byref(r), ctypes.byref(k)))
        modules.append(AttentionModule(i, p.value, _int32_list(_lib.acla_model_attention_sources, h, i), k.value))
    return modules


def _open_fraction(self, index: int) -> float:
    """Fraction of keys module `index` gathered in the last forward pass."""
    f = ctypes.c_double()
    _check(_lib.acla_model_attention_open_fraction(self._live(), _int32(index, "index"), ctypes.byref(f)))
    return f.value


def _attention_macs(self, index: int) -> int:
    """MACs module `index` executed in the last forward pass, per image (gathered keys only)."""
    n = ctypes.c_uint64()
    _check(_lib.acla_model_attention_macs(self._live(), _int32(index, "index"), ctypes.byref(n)))
    return n.value


def _measured_macs(self) -> int:
    """MACs of the last forward pass per image: backbone plus the attention actually executed."""
    n = ctypes.c_uint64()
    _check(_lib.acla_model_measured_macs(self._live(), ctypes.byref(n)))
    return n.value


def _set_probe(self, y, x) -> None:
    """Records the keys of input pixel (y, x) in the following forward passes; None switches off."""
    if y is None and x is None:
        y = x = -1
    _check(_lib.acla_model_set_probe(self._live(), _int32(y, "y"), _int32(x, "x")))


def _probe_keys(self, index: int) -> list:
    """The probed pixel's keys in module `index` from the last forward pass (Figure 2 data)."""
    h, i = self._live(), _int32(index, "index")
    count = _model_size_t(0)
    status = _lib.acla_model_probe_keys(h, i, None, None, None, None, None, 0, ctypes.byref(count))
    if status not in (OK, ERR_SHAPE):
        _check(status)
    n = count.value
    layers, ys, xs = (ctypes.c_int32 * max(n, 1))(), (ctypes.c_float * max(n, 1))(), (ctypes.c_float * max(n, 1))()
    weights, opens = (ctypes.c_float * max(n, 1))(), (ctypes.c_uint8 * max(n, 1))()
    _check(_lib.acla_model_probe_keys(h, i, layers, ys, xs, weights, opens, n, ctypes.byref(count)))
    return [ProbedKey(layers[j], ys[j], xs[j], weights[j], bool(opens[j])) for j in range(count.value)]


def _set_attention_memory_limit(self, nbytes: int) -> None:
    """Largest NL/CLNL attention matrix in bytes (default 1 GiB); larger inputs raise ERR_OUT_OF_MEMORY."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or not 1 <= nbytes < (1 << 64):
        raise AclaError(ERR_INVALID_ARGUMENT, f"memory limit must be an integer in 1..2**64-1, got {nbytes!r}")
    _check(_lib.acla_model_set_attention_memory_limit(self._live(), nbytes))


def _search_positions(self) -> list:
    """A search supernet's current insert positions {j : alpha_j >= 0}."""
    return _int32_list(_lib.acla_model_search_positions, self._live())


def _derive(self, positions=None) -> "Model":
    """The derived network of a search supernet, at `positions` (default: search_positions()),
    re-using the trained weights. A new Model."""
    out = _model_handle_t()
    if positions is None:
        _check(_lib.acla_model_derive(self._live(), None, 0, ctypes.byref(out)))
    else:
        values = [_int32(p, "position") for p in positions]
        arr = (ctypes.c_int32 * max(len(values), 1))(*values)
        _check(_lib.acla_model_derive(self._live(), arr, len(values), ctypes.byref(out)))
    return Model(out)


Model.attention_modules = property(_attention_modules)
Model.open_fraction = _open_fraction
Model.attention_macs = _attention_macs
Model.measured_macs = property(_measured_macs)
Model.set_probe = _set_probe
Model.probe_keys = _probe_keys
Model.set_attention_memory_limit = _set_attention_memory_limit
Model.search_positions = property(_search_positions)
Model.derive = _derive

# @@IMAGING@@
# ---- images, degradations and metrics (include/acla.h, docs/IMAGING.md) ----
# Images are numpy arrays of shape (H, W) (gray), (H, W, 1) or (H, W, 3) (RGB): uint8, or float
# with values on the 0..255 scale. numpy is needed only by the functions taking or returning
# arrays; image_info and the pixel limit work without it.
__all__ += ["AclaWarning", "set_image_pixel_limit", "get_image_pixel_limit", "image_info",
            "read_image", "write_image", "resize_bicubic", "modcrop", "degrade_noise",
            "degrade_mosaic", "degrade_jpeg", "rgb_to_gray", "rgb_to_y", "psnr", "ssim"]

IMAGE_FORMAT_PNG = 1
IMAGE_FORMAT_JPEG = 2
IMAGE_NOTE_ALPHA_DROPPED = 1
IMAGE_NOTE_16BIT_REDUCED = 2
BOUNDARY_SYMMETRIC = 0
BOUNDARY_REPLICATE = 1
MEASURE_RGB = 0
MEASURE_Y = 1

_u8p = ctypes.POINTER(ctypes.c_uint8)
_f32p = ctypes.POINTER(ctypes.c_float)
_i32p = ctypes.POINTER(ctypes.c_int32)
_u32p = ctypes.POINTER(ctypes.c_uint32)
_f64p = ctypes.POINTER(ctypes.c_double)
_i32 = ctypes.c_int32
_sz = ctypes.c_size_t

_proto("acla_image_set_pixel_limit", _status, ctypes.c_int64)
_proto("acla_image_get_pixel_limit", ctypes.c_int64)
_proto("acla_image_info", _status, _cstr, _i32p, _i32p, _i32p, _i32p, _u32p)
_proto("acla_image_read", _status, _cstr, _u8p, _sz, _i32p, _i32p, _i32p, _u32p)
_proto("acla_image_write", _status, _cstr, _u8p, _sz, _i32, _i32, _i32, _i32)
_proto("acla_resize_bicubic", _status, _u8p, _sz, _i32, _i32, _i32, ctypes.c_double, _i32, _u8p, _sz)
_proto("acla_resize_bicubic_f32", _status, _f32p, _sz, _i32, _i32, _i32, ctypes.c_double, _i32, _f32p, _sz)
_proto("acla_resize_output_size", _status, _i32, _i32, ctypes.c_double, _i32p, _i32p)
_proto("acla_modcrop", _status, _u8p, _sz, _i32, _i32, _i32, _i32, _u8p, _sz)
_proto("acla_degrade_noise", _status, _f32p, _f32p, _sz, _i32, _i32, _i32, ctypes.c_double, ctypes.c_uint64)
_proto("acla_degrade_noise_u8", _status, _u8p, _u8p, _sz, _i32, _i32, _i32, ctypes.c_double, ctypes.c_uint64)
_proto("acla_degrade_mosaic", _status, _u8p, _u8p, _sz, _i32, _i32)
_proto("acla_degrade_jpeg", _status, _u8p, _u8p, _sz, _i32, _i32, _i32, _i32)
_proto("acla_rgb_to_gray", _status, _u8p, _sz, _i32, _i32, _u8p, _sz)
_proto("acla_rgb_to_y", _status, _u8p, _sz, _i32, _i32, _f32p, _sz)
for _name in ("acla_psnr", "acla_ssim"):
    _proto(_name, _status, _u8p, _u8p, _sz, _i32, _i32, _i32, _i32, _i32, _f64p)
    _proto(_name + "_f32", _status, _f32p, _f32p, _sz, _i32, _i32, _i32, _i32, _i32, _f64p)
del _name

_NOTE_TEXT = {IMAGE_NOTE_ALPHA_DROPPED: "alpha channel dropped",
              IMAGE_NOTE_16BIT_REDUCED: "16-bit samples reduced to 8 bits as round(v/257)"}


class AclaWarning(UserWarning):
    """Something a read dropped or reduced (alpha, 16-bit precision)."""


def _numpy():
    try:
        import numpy
    except ImportError as e:  # numpy is optional for the rest of the binding
        raise ImportError("this acla function needs numpy (pip install numpy)") from e
    return numpy


def _geometry(a, name):
    """(channels, height, width) of an (H, W), (H, W, 1) or (H, W, 3) array."""
    if a.ndim == 2:
        c = 1
    elif a.ndim == 3 and a.shape[2] in (1, 3):
        c = a.shape[2]
    else:
        raise AclaError(ERR_SHAPE, f"{name} must have shape (H, W), (H, W, 1) or (H, W, 3), got {a.shape}")
    return c, _int32(int(a.shape[0]), f"{name} height"), _int32(int(a.shape[1]), f"{name} width")


def _as_u8(image, name):
    """A C-contiguous uint8 array; other integer types only when every value fits 0..255."""
    np = _numpy()
    a = np.asarray(image)
    if a.dtype != np.uint8:
        if a.dtype.kind not in "biu":
            raise AclaError(ERR_INVALID_ARGUMENT,
                            f"{name} must be an 8-bit (uint8) image, got dtype {a.dtype}; quantise float images first")
        if a.size and (a.min() < 0 or a.max() > 255):
            raise AclaError(ERR_INVALID_ARGUMENT, f"{name} has values outside 0..255")
        a = a.astype(np.uint8)
    return np.ascontiguousarray(a), _geometry(a, name)


def _as_f32(image, name):
    np = _numpy()
    a = np.asarray(image)
    if a.dtype.kind not in "biuf":
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be a numeric array, got dtype {a.dtype}")
    a = np.ascontiguousarray(a, dtype=np.float32)
    return a, _geometry(a, name)


def _is_u8(image):
    np = _numpy()
    return np.asarray(image).dtype == np.uint8


def _shape_like(template, c, h, w):
    """The output shape convention of the input: (H, W) stays 2-D, (H, W, C) stays 3-D."""
    return (h, w) if template.ndim == 2 and c == 1 else (h, w, c)


def _boundary(boundary):
    table = {"symmetric": BOUNDARY_SYMMETRIC, "replicate": BOUNDARY_REPLICATE}
    if boundary not in table:
        raise AclaError(ERR_INVALID_ARGUMENT, f"boundary must be 'symmetric' or 'replicate', got {boundary!r}")
    return table[boundary]


def _uint64(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << 64):
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be an integer in 0..2**64-1, got {value!r}")
    return value


def _float(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be a number, got {value!r}")
    return float(value)


def set_image_pixel_limit(max_pixels: int) -> None:
    """Largest image (height*width) decoded, accepted or produced; default 100,000,000."""
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or not 1 <= max_pixels < (1 << 63):
        raise AclaError(ERR_INVALID_ARGUMENT, f"max_pixels must be a positive integer, got {max_pixels!r}")
    _check(_lib.acla_image_set_pixel_limit(max_pixels))


def get_image_pixel_limit() -> int:
    return _lib.acla_image_get_pixel_limit()


def image_info(path) -> dict:
    """Header of a PNG/JPEG file: format ('png'/'jpeg'), channels, height, width, notes."""
    fmt, c, h, w, notes = _i32(), _i32(), _i32(), _i32(), ctypes.c_uint32()
    _check(_lib.acla_image_info(_encode_path(path), ctypes.byref(fmt), ctypes.byref(c), ctypes.byref(h),
                                ctypes.byref(w), ctypes.byref(notes)))
    return {"format": "png" if fmt.value == IMAGE_FORMAT_PNG else "jpeg", "channels": c.value,
            "height": h.value, "width": w.value,
            "notes": [text for bit, text in _NOTE_TEXT.items() if notes.value & bit]}


def read_image(path):
    """Decodes a PNG/JPEG file to uint8 (H, W) or (H, W, 3); dropped alpha or reduced 16-bit
    precision is reported with an AclaWarning."""
    np = _numpy()
    import warnings
    info = image_info(path)
    out = np.empty((info["height"], info["width"], info["channels"]), dtype=np.uint8)
    c, h, w, notes = _i32(), _i32(), _i32(), ctypes.c_uint32()
    _check(_lib.acla_image_read(_encode_path(path), out.ctypes.data_as(_u8p), out.size, ctypes.byref(c),
                                ctypes.byref(h), ctypes.byref(w), ctypes.byref(notes)))
    if (c.value, h.value, w.value) != (info["channels"], info["height"], info["width"]):
        raise AclaError(ERR_STATE, f"{os.fspath(path)} changed while being read")
    for bit, text in _NOTE_TEXT.items():
        if notes.value & bit:
            warnings.warn(f"{os.fspath(path)}: {text}", AclaWarning, stacklevel=2)
    return out[:, :, 0] if c.value == 1 else out


def write_image(path, image, quality: int = 95) -> None:
    """Writes a uint8 image as PNG (.png) or JPEG (.jpg/.jpeg at `quality` 1..100), atomically."""
    a, (c, h, w) = _as_u8(image, "image")
    _check(_lib.acla_image_write(_encode_path(path), a.ctypes.data_as(_u8p), a.size, c, h, w,
                                 _int32(quality, "quality")))


def resize_bicubic(image, scale: float, boundary: str = "symmetric"):
    """MATLAB imresize(image, scale, 'bicubic'): uint8 in, uint8 out (per-pass rounding, bit-exact
    with MATLAB); float in, float32 out. Downscaling by s is scale=1/s."""
    np = _numpy()
    scale = _float(scale, "scale")
    rule = _boundary(boundary)
    u8 = _is_u8(image)
    a, (c, h, w) = _as_u8(image, "image") if u8 else _as_f32(image, "image")
    oh, ow = _i32(), _i32()
    _check(_lib.acla_resize_output_size(h, w, scale, ctypes.byref(oh), ctypes.byref(ow)))
    out = np.empty(_shape_like(a, c, oh.value, ow.value), dtype=np.uint8 if u8 else np.float32)
    if u8:
        _check(_lib.acla_resize_bicubic(a.ctypes.data_as(_u8p), a.size, c, h, w, scale, rule,
                                        out.ctypes.data_as(_u8p), out.size))
    else:
        _check(_lib.acla_resize_bicubic_f32(a.ctypes.data_as(_f32p), a.size, c, h, w, scale, rule,
                                            out.ctypes.data_as(_f32p), out.size))
    return out


def modcrop(image, scale: int):
    """MATLAB modcrop: the top-left part whose sides are multiples of `scale` (uint8)."""
    np = _numpy()
    a, (c, h, w) = _as_u8(image, "image")
    s = _int32(scale, "scale")
    if s < 1:
        raise AclaError(ERR_INVALID_ARGUMENT, f"scale must be >= 1, got {s}")
    out = np.empty(_shape_like(a, c, h - h % s, w - w % s), dtype=np.uint8)
    _check(_lib.acla_modcrop(a.ctypes.data_as(_u8p), a.size, c, h, w, s, out.ctypes.data_as(_u8p), out.size))
    return out


def degrade_noise(image, sigma: float, seed: int, convention: str = "uint8"):
    """Gaussian noise of `sigma` (0..255 scale) from `seed`. convention 'uint8': uint8 in,
    rounded and clipped uint8 out (RNAN); 'float': float32 out, unrounded (DnCNN/SwinIR)."""
    np = _numpy()
    sigma = _float(sigma, "sigma")
    seed = _uint64(seed, "seed")
    if convention == "uint8":
        a, (c, h, w) = _as_u8(image, "image")
        out = np.empty_like(a)
        _check(_lib.acla_degrade_noise_u8(a.ctypes.data_as(_u8p), out.ctypes.data_as(_u8p), a.size, c, h, w,
                                          sigma, seed))
        return out
    if convention == "float":
        a, (c, h, w) = _as_f32(image, "image")
        out = np.empty_like(a)
        _check(_lib.acla_degrade_noise(a.ctypes.data_as(_f32p), out.ctypes.data_as(_f32p), a.size, c, h, w,
                                       sigma, seed))
        return out
    raise AclaError(ERR_INVALID_ARGUMENT, f"convention must be 'uint8' or 'float', got {convention!r}")


def degrade_mosaic(image):
    """Bayer GRBG mosaic of a uint8 (H, W, 3) image, 3 channels with zeros."""
    np = _numpy()
    a, (c, h, w) = _as_u8(image, "image")
    if c != 3:
        raise AclaError(ERR_INVALID_ARGUMENT, f"mosaicking needs an RGB (H, W, 3) image, got shape {a.shape}")
    out = np.empty_like(a)
    _check(_lib.acla_degrade_mosaic(a.ctypes.data_as(_u8p), out.ctypes.data_as(_u8p), a.size, h, w))
    return out


def degrade_jpeg(image, quality: int):
    """JPEG round trip (libjpeg-turbo) at `quality` 1..100: gray as one component (the
    benchmark setting), RGB as a colour JPEG (YCbCr 4:2:0)."""
    np = _numpy()
    a, (c, h, w) = _as_u8(image, "image")
    out = np.empty_like(a)
    _check(_lib.acla_degrade_jpeg(a.ctypes.data_as(_u8p), out.ctypes.data_as(_u8p), a.size, c, h, w,
                                  _int32(quality, "quality")))
    return out


def _rgb(image, name):
    a, (c, h, w) = _as_u8(image, name)
    if c != 3:
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be an RGB (H, W, 3) image, got shape {a.shape}")
    return a, h, w


def rgb_to_gray(image):
    """MATLAB rgb2gray of a uint8 RGB image: uint8 (H, W)."""
    np = _numpy()
    a, h, w = _rgb(image, "image")
    out = np.empty((h, w), dtype=np.uint8)
    _check(_lib.acla_rgb_to_gray(a.ctypes.data_as(_u8p), a.size, h, w, out.ctypes.data_as(_u8p), out.size))
    return out


def rgb_to_y(image):
    """BT.601 Y (MATLAB rgb2ycbcr) of a uint8 RGB image: float32 (H, W), not rounded."""
    np = _numpy()
    a, h, w = _rgb(image, "image")
    out = np.empty((h, w), dtype=np.float32)
    _check(_lib.acla_rgb_to_y(a.ctypes.data_as(_u8p), a.size, h, w, out.ctypes.data_as(_f32p), out.size))
    return out


def _metric(name, a, b, border, y):
    np = _numpy()
    _int32(border, "border")
    if _is_u8(a) and _is_u8(b):
        x, (c, h, w) = _as_u8(a, "a")
        z, gz = _as_u8(b, "b")
        suffix, ptr = "", _u8p
    else:  # float path: both quantised as round(clamp(x, 0, 255)) by the library
        x, (c, h, w) = _as_f32(a, "a")
        z, gz = _as_f32(b, "b")
        suffix, ptr = "_f32", _f32p
    if x.shape != z.shape:
        raise AclaError(ERR_SHAPE, f"images differ in shape: {x.shape} and {z.shape}")
    out = ctypes.c_double()
    fn = getattr(_lib, name + suffix)
    _check(fn(x.ctypes.data_as(ptr), z.ctypes.data_as(ptr), x.size, c, h, w, border,
              MEASURE_Y if y else MEASURE_RGB, ctypes.byref(out)))
    return out.value


def psnr(a, b, border: int = 0, y: bool = False) -> float:
    """PSNR in dB (inf for identical images), float64, `border` pixels shaved, RGB or Y."""
    return _metric("acla_psnr", a, b, border, y)


def ssim(a, b, border: int = 0, y: bool = False) -> float:
    """SSIM (Zhou Wang's ssim_index, 11x11 Gaussian sigma 1.5), channels averaged."""
    return _metric("acla_ssim", a, b, border, y)

# ---- restore ----
# Restoring 8-bit images with a model: tiles with overlap, self-ensemble, progress and
# cancellation (include/acla.h "Restoring 8-bit images", docs/RESTORE.md).
__all__ += ["restore_file", "RESTORE_DEFAULT_TILE", "RESTORE_DEFAULT_OVERLAP"]

RESTORE_DEFAULT_TILE = 256
RESTORE_DEFAULT_OVERLAP = 64
RESTORE_NOTE_GRAY_AS_RGB = 1
RESTORE_NOTE_LUMA_ONLY = 2
RESTORE_NOTE_PER_CHANNEL = 4
RESTORE_NOTE_BAYER_RAW = 8
RESTORE_NOTE_ALPHA_RESIZED = 16
RESTORE_NOTE_ALPHA_COPIED = 32
_RESTORE_NOTE_TEXT = {
    RESTORE_NOTE_GRAY_AS_RGB: "gray input restored as RGB (replicated); the output is the luma of the result",
    RESTORE_NOTE_LUMA_ONLY: "colour input: the 1-channel model restored the luma (Y); chroma (Cb, Cr) is kept",
    RESTORE_NOTE_PER_CHANNEL: "colour input: the 1-channel model restored R, G and B one at a time",
    RESTORE_NOTE_BAYER_RAW: "1-channel input read as a raw GRBG Bayer image; the output is RGB",
    RESTORE_NOTE_ALPHA_RESIZED: "alpha channel upscaled bicubically, not restored",
    RESTORE_NOTE_ALPHA_COPIED: "alpha channel copied unchanged, not restored",
}

_restore_options_t = ctypes.c_void_p
_proto("acla_restore_options_create", _status, ctypes.POINTER(_restore_options_t))
_proto("acla_restore_options_destroy", None, _restore_options_t)
_proto("acla_restore_options_set_tile", _status, _restore_options_t, ctypes.c_int32, ctypes.c_int32)
_proto("acla_restore_options_get_tile", _status, _restore_options_t, ctypes.POINTER(ctypes.c_int32),
       ctypes.POINTER(ctypes.c_int32))
_proto("acla_restore_options_set_ensemble", _status, _restore_options_t, ctypes.c_int32)
_proto("acla_restore_options_set_progress", _status, _restore_options_t, _PROGRESS, ctypes.c_void_p)
_proto("acla_model_restore_output_size", _status, _model_handle_t, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32,
       ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int32),
       ctypes.POINTER(ctypes.c_uint32))
_proto("acla_model_restore", _status, _model_handle_t, _restore_options_t, ctypes.POINTER(ctypes.c_uint8), ctypes.c_size_t,
       ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.POINTER(ctypes.c_uint8), ctypes.c_size_t)


def _restore_geometry(image):
    """(array, channels, height, width) of a uint8 (H, W) or (H, W, C) image, C in 1..4."""
    np = _numpy()
    a = np.asarray(image)
    if a.dtype != np.uint8:
        raise AclaError(ERR_INVALID_ARGUMENT, f"image must be uint8, got dtype {a.dtype}")
    if a.ndim == 2:
        c = 1
    elif a.ndim == 3 and 1 <= a.shape[2] <= 4:
        c = a.shape[2]
    else:
        raise AclaError(ERR_SHAPE, f"image must have shape (H, W) or (H, W, C) with C 1..4, got {a.shape}")
    return np.ascontiguousarray(a), c, _int32(int(a.shape[0]), "image height"), _int32(int(a.shape[1]), "image width")


def _restore_output_size(self, channels: int, height: int, width: int):
    """(channels, height, width, notes) of restoring a `channels`-channel height x width image;
    notes are sentences saying what happens to the channels (gray as RGB, luma only, alpha...)."""
    c, h, w, notes = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32(), ctypes.c_uint32()
    _check(_lib.acla_model_restore_output_size(self._live(), _int32(channels, "channels"), _int32(height, "height"),
                                               _int32(width, "width"), ctypes.byref(c), ctypes.byref(h),
                                               ctypes.byref(w), ctypes.byref(notes)))
    return c.value, h.value, w.value, [t for bit, t in _RESTORE_NOTE_TEXT.items() if notes.value & bit]


def _restore(self, image, tile: int = RESTORE_DEFAULT_TILE, overlap: int = RESTORE_DEFAULT_OVERLAP,
             ensemble: bool = False, progress=None):
    """Restores a uint8 image, (H, W) or (H, W, C) with C = 1 (gray), 2 (gray + alpha),
    3 (RGB) or 4 (RGBA), with the model's task; returns a uint8 array (2-D for 1 channel).

    `tile` (input pixels; 0 = the whole image at once) and `overlap` bound memory by the tile;
    `ensemble` averages the 8 flips/transpositions; `progress(done, total)` is called before any
    work and after every forward pass, and cancels by returning True (AclaError ERR_CANCELLED).
    What happens to each channel layout: Model.restore_output_size(c, h, w)[3], docs/RESTORE.md."""
    np = _numpy()
    a, c, h, w = _restore_geometry(image)
    oc, oh, ow, _ = _restore_output_size(self, c, h, w)
    out = np.empty((oh, ow, oc), dtype=np.uint8)
    if not isinstance(ensemble, bool):
        raise AclaError(ERR_INVALID_ARGUMENT, f"ensemble must be True or False, got {ensemble!r}")
    opts = _restore_options_t()
    _check(_lib.acla_restore_options_create(ctypes.byref(opts)))
    raised = []

    def trampoline(_user, done, total):
        try:
            return 1 if progress(done, total) else 0
        except BaseException as e:  # re-raised below: an exception must not cross the C frames
            raised.append(e)
            return 1
    try:
        _check(_lib.acla_restore_options_set_tile(opts, _int32(tile, "tile"), _int32(overlap, "overlap")))
        _check(_lib.acla_restore_options_set_ensemble(opts, 1 if ensemble else 0))
        callback = None
        if progress is not None:
            if not callable(progress):
                raise AclaError(ERR_INVALID_ARGUMENT, f"progress must be callable, got {progress!r}")
            callback = _PROGRESS(trampoline)
            _check(_lib.acla_restore_options_set_progress(opts, callback, None))
        status = _lib.acla_model_restore(self._live(), opts, a.ctypes.data_as(_u8p), a.size, c, h, w,
                                         out.ctypes.data_as(_u8p), out.size)
        if raised:
            raise raised[0]
        _check(status)
    finally:
        _lib.acla_restore_options_destroy(opts)
    return out[:, :, 0] if oc == 1 else out


def restore_file(model, in_path, out_path, tile: int = RESTORE_DEFAULT_TILE, overlap: int = RESTORE_DEFAULT_OVERLAP,
                 ensemble: bool = False, progress=None, quality: int = 95):
    """Reads a PNG/JPEG, restores it with `model` (Model.restore's options) and writes the
    result (format from out_path's extension; written atomically). Returns the output array."""
    out = model.restore(read_image(in_path), tile=tile, overlap=overlap, ensemble=ensemble, progress=progress)
    write_image(out_path, out, quality=quality)
    return out


Model.restore = _restore
Model.restore_output_size = _restore_output_size
