"""Argument checks done before values reach ctypes, which would otherwise wrap them silently."""
from __future__ import annotations

import os
from typing import Any, Union

from .errors import ERR_INVALID_ARGUMENT, AclaError

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

_INT32 = (-(1 << 31), (1 << 31) - 1)


def int32(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not _INT32[0] <= value <= _INT32[1]:
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be a 32-bit integer, got {value!r}")
    return value


def uint64(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << 64):
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be an integer in 0..2**64-1, got {value!r}")
    return value


def number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be a number, got {value!r}")
    return float(value)


def encode_path(path: PathLike) -> bytes:
    return os.fsencode(os.fspath(path))


def numpy(what: str = "this acla function"):
    """numpy, imported on first use: only the functions taking or returning arrays need it."""
    try:
        import numpy as np
    except ImportError as e:
        raise ImportError(f"{what} needs numpy (pip install numpy)") from e
    return np


def pil_image_class():
    """PIL.Image.Image when Pillow is installed and already imported (never imports it)."""
    import sys
    module = sys.modules.get("PIL.Image")
    return getattr(module, "Image", None) if module is not None else None


def is_pil_image(value: Any) -> bool:
    cls = pil_image_class()
    return cls is not None and isinstance(value, cls)
