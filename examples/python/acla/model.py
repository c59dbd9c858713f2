"""EDSR / RCAN networks with optional cross-layer attention (docs/MODELS.md): one acla_model handle."""
from __future__ import annotations

import ctypes
import json
import os
import weakref
from typing import Any, Dict, List, Optional, Tuple, Union

from ._args import PathLike, encode_path, int32, is_pil_image, numpy
from .attention import AttentionMethods
from .errors import ERR_INVALID_ARGUMENT, ERR_SHAPE, ERR_STATE, OK, AclaError
from .loader import _lib, check, cstr, proto, status_t

__all__ = ["Model", "models_catalog", "LOAD_IGNORE_TAIL", "LOAD_KEEP_MISSING_ATTENTION"]

LOAD_IGNORE_TAIL = 1
LOAD_KEEP_MISSING_ATTENTION = 2

Config = Union[Dict[str, Any], str, bytes, PathLike]

handle_t = ctypes.c_void_p
size_t = ctypes.c_size_t
f32p = ctypes.POINTER(ctypes.c_float)
proto("acla_model_create", status_t, cstr, ctypes.POINTER(handle_t))
proto("acla_model_load", status_t, cstr, cstr, ctypes.POINTER(handle_t))
proto("acla_model_load_ex", status_t, cstr, cstr, ctypes.c_uint32, ctypes.POINTER(handle_t))
proto("acla_model_load_default", status_t, cstr, ctypes.POINTER(handle_t))
proto("acla_models_catalog", status_t, ctypes.c_char_p, size_t, ctypes.POINTER(size_t))
proto("acla_model_save", status_t, handle_t, cstr)
proto("acla_model_destroy", None, handle_t)
proto("acla_model_config", status_t, handle_t, ctypes.c_char_p, size_t, ctypes.POINTER(size_t))
proto("acla_model_parameter_count", status_t, handle_t, ctypes.POINTER(ctypes.c_uint64))
proto("acla_model_macs", status_t, handle_t, ctypes.c_int32, ctypes.c_int32, ctypes.POINTER(ctypes.c_uint64))
proto("acla_model_output_size", status_t, handle_t, ctypes.c_int32, ctypes.c_int32,
      ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_int32))
proto("acla_model_forward", status_t, handle_t, f32p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32,
      ctypes.c_int32, f32p, size_t)
proto("acla_model_set_allow_nonfinite", status_t, handle_t, ctypes.c_int32)
proto("acla_model_get_parameter", status_t, handle_t, cstr, f32p, size_t)
proto("acla_model_set_parameter", status_t, handle_t, cstr, f32p, size_t)
proto("acla_model_parameter_names", status_t, handle_t, ctypes.c_char_p, size_t, ctypes.POINTER(size_t))
proto("acla_model_parameter_shape", status_t, handle_t, cstr, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32,
      ctypes.POINTER(ctypes.c_int32))


def _config_text(config: Config) -> bytes:
    """A config as JSON bytes: a dict (serialised here), JSON text, or the path of a JSON file."""
    if isinstance(config, dict):
        return json.dumps(config).encode("utf-8")
    if isinstance(config, os.PathLike):
        return _read_config_file(config)
    if isinstance(config, (str, bytes)):
        text = config.encode("utf-8") if isinstance(config, str) else config
        if text.lstrip()[:1] == b"{":
            return text
        if os.path.isfile(text):
            return _read_config_file(text)
        if text.lower().endswith(b".json") or os.sep.encode() in text:
            raise AclaError(ERR_INVALID_ARGUMENT, f"config {config!r} looks like a path, and there is no such file")
        return text  # other JSON values: the library names what is wrong with them
    raise AclaError(ERR_INVALID_ARGUMENT, f"config must be a dict, JSON text or a path, got {type(config).__name__}")


def _read_config_file(path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(1 << 20)
    except OSError as e:
        raise AclaError(ERR_INVALID_ARGUMENT, f"cannot read config file {os.fsdecode(path)!r}: {e.strerror}") from None


def _sized_string(fn, *args) -> str:
    """Calls a function with the (buf, cap, needed) protocol of acla_model_config."""
    needed = size_t(0)
    status = fn(*args, None, 0, ctypes.byref(needed))
    if status not in (OK, ERR_SHAPE):
        check(status)
    buf = ctypes.create_string_buffer(needed.value)
    check(fn(*args, buf, needed.value, ctypes.byref(needed)))
    return buf.value.decode("utf-8")


def _hwc_hint(shape: Tuple[int, ...], channels: int) -> str:
    """A fix for an (H, W, C) array given where (C, H, W) is expected, or "" when it is not one."""
    if len(shape) in (3, 4) and shape[-1] == channels and shape[-3] != channels:
        axes = "(2, 0, 1)" if len(shape) == 3 else "(0, 3, 1, 2)"
        return (f"; the shape looks like {'HWC' if len(shape) == 3 else 'NHWC'} (channels last): "
                f"pass x.transpose{axes}, or a PIL image")
    return ""


class Model(AttentionMethods):
    """An EDSR/RCAN network, optionally with cross-layer attention (one acla_model handle).

    Create with ``Model.create(config)`` or ``Model.load(path)``; free with ``close()`` or a
    ``with`` block (a finalizer frees it otherwise). Not for concurrent use from several threads.

    Arrays are numpy float32 NCHW (or CHW) with values on the 0..255 scale; ``forward`` also
    takes a PIL image and then returns one.
    """

    def __init__(self, handle: ctypes.c_void_p):
        if not handle or not handle.value:
            raise AclaError(ERR_INVALID_ARGUMENT, "use Model.create or Model.load")
        self._h = handle
        self._allow_nonfinite = False
        self._finalizer = weakref.finalize(self, _lib.acla_model_destroy, handle.value)

    @classmethod
    def create(cls, config: Config) -> "Model":
        """A new model from a config (a dict, JSON text, or the path of a JSON file); weights from its "seed"."""
        h = handle_t()
        check(_lib.acla_model_create(_config_text(config), ctypes.byref(h)))
        return cls(h)

    @classmethod
    def load(cls, path: PathLike, config: Optional[Config] = None, *, ignore_tail: bool = False,
             keep_missing_attention: bool = False) -> "Model":
        """Loads a safetensors checkpoint.

        `config` (dict, JSON text or path) is required for files without acla metadata and
        overrides the file's otherwise. `ignore_tail` loads an x2 checkpoint into an x3/x4 config
        (tail tensors load only where they fit); `keep_missing_attention` starts an attention
        model from a plain backbone checkpoint.
        """
        flags = (LOAD_IGNORE_TAIL if ignore_tail else 0) | (LOAD_KEEP_MISSING_ATTENTION if keep_missing_attention else 0)
        h = handle_t()
        cfg = None if config is None else _config_text(config)
        check(_lib.acla_model_load_ex(encode_path(path), cfg, flags, ctypes.byref(h)))
        return cls(h)

    @classmethod
    def load_default(cls, name: str) -> "Model":
        """Loads a bundled model by name (``models_catalog()["models"]`` lists them, e.g. "sr-x2")."""
        if not isinstance(name, str):
            raise AclaError(ERR_INVALID_ARGUMENT, f"model name must be a str, got {type(name).__name__}")
        h = handle_t()
        check(_lib.acla_model_load_default(name.encode(), ctypes.byref(h)))
        return cls(h)

    def _live(self) -> ctypes.c_void_p:
        if not self._finalizer.alive:
            raise AclaError(ERR_STATE, "model is closed")
        return self._h

    def close(self) -> None:
        """Frees the model now; later calls raise AclaError(ERR_STATE)."""
        self._finalizer()

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def save(self, path: PathLike) -> None:
        """Writes a safetensors checkpoint with the config in its metadata (atomically)."""
        check(_lib.acla_model_save(self._live(), encode_path(path)))

    @property
    def config_json(self) -> str:
        """The canonical JSON config."""
        return _sized_string(_lib.acla_model_config, self._live())

    @property
    def config(self) -> Dict[str, Any]:
        """The canonical config as a dict."""
        return json.loads(self.config_json)

    @property
    def parameter_count(self) -> int:
        """Number of parameters (floats), attention included."""
        n = ctypes.c_uint64(0)
        check(_lib.acla_model_parameter_count(self._live(), ctypes.byref(n)))
        return n.value

    @property
    def parameter_names(self) -> List[str]:
        """Parameter names in checkpoint order (EDSR-PyTorch / RCAN names)."""
        text = _sized_string(_lib.acla_model_parameter_names, self._live())
        return text.split("\n") if text else []

    def macs(self, height: int, width: int) -> int:
        """Multiply-accumulates of one forward pass on a height x width input."""
        n = ctypes.c_uint64(0)
        check(_lib.acla_model_macs(self._live(), int32(height, "height"), int32(width, "width"), ctypes.byref(n)))
        return n.value

    def output_size(self, height: int, width: int) -> Tuple[int, int, int]:
        """(channels, height, width) of the output for a height x width input."""
        c, h, w = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
        check(_lib.acla_model_output_size(self._live(), int32(height, "height"), int32(width, "width"),
                                          ctypes.byref(c), ctypes.byref(h), ctypes.byref(w)))
        return c.value, h.value, w.value

    @property
    def allow_nonfinite_input(self) -> bool:
        """False (default): forward refuses NaN/Inf input, naming the first bad element. True lets it through."""
        return self._allow_nonfinite

    @allow_nonfinite_input.setter
    def allow_nonfinite_input(self, allow: bool) -> None:
        if not isinstance(allow, bool):
            raise AclaError(ERR_INVALID_ARGUMENT, f"allow_nonfinite_input must be True or False, got {allow!r}")
        check(_lib.acla_model_set_allow_nonfinite(self._live(), int(allow)))
        self._allow_nonfinite = allow

    def forward(self, x: Any) -> Any:
        """Runs the model (evaluation mode).

        `x` is a float array NCHW (or CHW, returned as CHW) with values in 0..255; the raw
        float32 output is returned, unclamped. A PIL image (mode "L" or "RGB") gives a PIL image
        of the same mode, rounded and clamped to 0..255.
        """
        np = numpy("acla.Model.forward")
        if is_pil_image(x):
            return self._forward_pil(x, np)
        a = np.ascontiguousarray(x, dtype=np.float32)
        if a.ndim not in (3, 4):
            raise AclaError(ERR_SHAPE, f"input must be NCHW or CHW, got shape {a.shape}")
        batched = a if a.ndim == 4 else a[None]
        n, c, h, w = (int32(int(d), "input dimension") for d in batched.shape)
        channels = self.config.get("channels", 3)
        if c != channels:
            raise AclaError(ERR_SHAPE, f"model expects {channels} input channels, got {c} (shape {a.shape})"
                                       + _hwc_hint(a.shape, channels))
        oc, oh, ow = self.output_size(h, w)
        out = np.empty((n, oc, oh, ow), dtype=np.float32)
        check(_lib.acla_model_forward(self._live(), batched.ctypes.data_as(f32p), n, c, h, w,
                                      out.ctypes.data_as(f32p), out.size))
        return out if a.ndim == 4 else out[0]

    def _forward_pil(self, image: Any, np: Any) -> Any:
        from PIL import Image
        mode = "L" if self.config.get("channels", 3) == 1 else "RGB"
        hwc = np.asarray(image.convert(mode), dtype=np.float32)
        chw = hwc[None] if hwc.ndim == 2 else hwc.transpose(2, 0, 1)
        y = self.forward(np.ascontiguousarray(chw))
        u8 = np.clip(np.rint(y), 0, 255).astype(np.uint8)
        return Image.fromarray(u8[0] if u8.shape[0] == 1 else u8.transpose(1, 2, 0), mode)

    def parameter_shape(self, name: str) -> Tuple[int, ...]:
        """The shape of the named parameter."""
        dims = (ctypes.c_int64 * 8)()
        rank = ctypes.c_int32(0)
        check(_lib.acla_model_parameter_shape(self._live(), name.encode("utf-8"), dims, 8, ctypes.byref(rank)))
        return tuple(dims[i] for i in range(rank.value))

    def get_parameter(self, name: str) -> Any:
        """A copy of the named parameter as a float32 array of its shape."""
        np = numpy("acla.Model.get_parameter")
        out = np.empty(self.parameter_shape(name), dtype=np.float32)
        check(_lib.acla_model_get_parameter(self._live(), name.encode("utf-8"), out.ctypes.data_as(f32p), out.size))
        return out

    def set_parameter(self, name: str, value: Any) -> None:
        """Replaces the named parameter; `value` must have its exact shape and finite values."""
        np = numpy("acla.Model.set_parameter")
        shape = self.parameter_shape(name)
        a = np.ascontiguousarray(value, dtype=np.float32)
        if a.shape != shape:
            raise AclaError(ERR_SHAPE, f"parameter {name!r} has shape {shape}, got {a.shape}")
        check(_lib.acla_model_set_parameter(self._live(), name.encode("utf-8"), a.ctypes.data_as(f32p), a.size))

    def __repr__(self) -> str:
        if not self._finalizer.alive:
            return "<acla.Model (closed)>"
        return f"<acla.Model {self.config_json}>"


def models_catalog() -> Dict[str, Any]:
    """The bundled models' catalog: {"directory": ..., "models": [{"name", "file", "task", "scale", ...}]}."""
    return json.loads(_sized_string(_lib.acla_models_catalog))
