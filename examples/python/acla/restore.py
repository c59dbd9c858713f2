"""Restoring 8-bit images with a model (include/acla.h "Restoring 8-bit images",
docs/RESTORE.md): tiles with overlap, self-ensemble, progress and cancellation. Adds
``Model.restore`` and ``Model.restore_output_size``; ``restore_file`` reads, restores, writes."""
from __future__ import annotations

import ctypes
import os
import warnings
from typing import Any, Callable, List, Optional, Tuple

from ._args import PathLike, int32, is_pil_image, numpy
from .errors import ERR_INVALID_ARGUMENT, ERR_SHAPE, AclaError, AclaWarning
from .image import read_image, write_image
from .loader import _lib, check, proto, status_t
from .model import Model

__all__ = ["restore_file", "RESTORE_DEFAULT_TILE", "RESTORE_DEFAULT_OVERLAP", "RESTORE_NOTE_GRAY_AS_RGB",
           "RESTORE_NOTE_LUMA_ONLY", "RESTORE_NOTE_PER_CHANNEL", "RESTORE_NOTE_BAYER_RAW",
           "RESTORE_NOTE_ALPHA_RESIZED", "RESTORE_NOTE_ALPHA_COPIED"]

RESTORE_DEFAULT_TILE = 256
RESTORE_DEFAULT_OVERLAP = 64
RESTORE_NOTE_GRAY_AS_RGB = 1
RESTORE_NOTE_LUMA_ONLY = 2
RESTORE_NOTE_PER_CHANNEL = 4
RESTORE_NOTE_BAYER_RAW = 8
RESTORE_NOTE_ALPHA_RESIZED = 16
RESTORE_NOTE_ALPHA_COPIED = 32
NOTE_TEXT = {
    RESTORE_NOTE_GRAY_AS_RGB: "gray input restored as RGB (replicated); the output is the luma of the result",
    RESTORE_NOTE_LUMA_ONLY: "colour input: the 1-channel model restored the luma (Y); chroma (Cb, Cr) is kept",
    RESTORE_NOTE_PER_CHANNEL: "colour input: the 1-channel model restored R, G and B one at a time",
    RESTORE_NOTE_BAYER_RAW: "1-channel input read as a raw GRBG Bayer image; the output is RGB",
    RESTORE_NOTE_ALPHA_RESIZED: "alpha channel upscaled bicubically, not restored",
    RESTORE_NOTE_ALPHA_COPIED: "alpha channel copied unchanged, not restored",
}

PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
_h = ctypes.c_void_p
_i32p = ctypes.POINTER(ctypes.c_int32)
_u8p = ctypes.POINTER(ctypes.c_uint8)
proto("acla_restore_options_create", status_t, ctypes.POINTER(_h))
proto("acla_restore_options_destroy", None, _h)
proto("acla_restore_options_set_tile", status_t, _h, ctypes.c_int32, ctypes.c_int32)
proto("acla_restore_options_get_tile", status_t, _h, _i32p, _i32p)
proto("acla_restore_options_set_ensemble", status_t, _h, ctypes.c_int32)
proto("acla_restore_options_set_progress", status_t, _h, PROGRESS, ctypes.c_void_p)
proto("acla_model_restore_output_size", status_t, _h, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32,
      _i32p, _i32p, _i32p, ctypes.POINTER(ctypes.c_uint32))
proto("acla_model_restore", status_t, _h, _h, _u8p, ctypes.c_size_t, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32,
      _u8p, ctypes.c_size_t)

# PIL modes restore keeps: gray, gray + alpha, RGB, RGBA (others are converted to RGB)
_PIL_MODES = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}
_PIL_OF_CHANNELS = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _geometry(image: Any) -> Tuple[Any, int, int, int]:
    """(array, channels, height, width) of a uint8 (H, W) or (H, W, C) image with C in 1..4."""
    np = numpy("Model.restore")
    if is_pil_image(image):
        image = np.asarray(image if image.mode in _PIL_MODES else image.convert("RGB"))
    a = np.asarray(image)
    if a.dtype != np.uint8:
        raise AclaError(ERR_INVALID_ARGUMENT, f"image must be uint8, got dtype {a.dtype}")
    if a.ndim == 2:
        c = 1
    elif a.ndim == 3 and 1 <= a.shape[2] <= 4:
        c = a.shape[2]
    else:
        raise AclaError(ERR_SHAPE, f"image must have shape (H, W) or (H, W, C) with C 1..4, got {a.shape}")
    return np.ascontiguousarray(a), c, int32(int(a.shape[0]), "image height"), int32(int(a.shape[1]), "image width")


def _restore_output_size(self: Model, channels: int, height: int, width: int) -> Tuple[int, int, int, List[str]]:
    """(channels, height, width, notes) of restoring a `channels`-channel height x width image;
    the notes say what happens to the channels (gray as RGB, luma only, alpha, ...)."""
    c, h, w, notes = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32(), ctypes.c_uint32()
    check(_lib.acla_model_restore_output_size(self._live(), int32(channels, "channels"), int32(height, "height"),
                                              int32(width, "width"), ctypes.byref(c), ctypes.byref(h), ctypes.byref(w),
                                              ctypes.byref(notes)))
    return c.value, h.value, w.value, [t for bit, t in NOTE_TEXT.items() if notes.value & bit]


def _restore(self: Model, image: Any, tile: int = RESTORE_DEFAULT_TILE, overlap: int = RESTORE_DEFAULT_OVERLAP,
             ensemble: bool = False, progress: Optional[Callable[[int, int], Any]] = None) -> Any:
    """Restores a uint8 image, (H, W) or (H, W, C) with C = 1 (gray), 2 (gray + alpha), 3 (RGB)
    or 4 (RGBA) (or a PIL image of mode L, LA, RGB, RGBA), with the model's task; returns uint8
    (2-D for 1 channel; a PIL image for a PIL input).

    `tile` (input pixels; 0 = the whole image at once) and `overlap` bound memory by the tile;
    `ensemble` averages the 8 flips/transpositions; `progress(done, total)` is called before any
    work and after every forward pass and cancels by returning True (AclaError ERR_CANCELLED;
    an exception it raises cancels and is re-raised). What happens to each channel layout:
    ``restore_output_size(c, h, w)[3]`` and docs/RESTORE.md."""
    np = numpy("Model.restore")
    a, c, h, w = _geometry(image)
    if not isinstance(ensemble, bool):
        raise AclaError(ERR_INVALID_ARGUMENT, f"ensemble must be True or False, got {ensemble!r}")
    if progress is not None and not callable(progress):
        raise AclaError(ERR_INVALID_ARGUMENT, f"progress must be callable, got {progress!r}")
    oc, oh, ow, _ = _restore_output_size(self, c, h, w)
    out = np.empty((oh, ow, oc), dtype=np.uint8)
    opts = _h()
    check(_lib.acla_restore_options_create(ctypes.byref(opts)))
    raised: List[BaseException] = []

    def trampoline(_user, done, total):
        try:
            return 1 if progress(done, total) else 0
        except BaseException as e:  # re-raised below: no exception may cross the C frames
            raised.append(e)
            return 1
    callback = PROGRESS(trampoline)   # referenced until the call returns
    try:
        check(_lib.acla_restore_options_set_tile(opts, int32(tile, "tile"), int32(overlap, "overlap")))
        check(_lib.acla_restore_options_set_ensemble(opts, 1 if ensemble else 0))
        if progress is not None:
            check(_lib.acla_restore_options_set_progress(opts, callback, None))
        status = _lib.acla_model_restore(self._live(), opts, a.ctypes.data_as(_u8p), a.size, c, h, w,
                                         out.ctypes.data_as(_u8p), out.size)
        if raised:
            raise raised[0]
        check(status)
    finally:
        _lib.acla_restore_options_destroy(opts)
    result = out[:, :, 0] if oc == 1 else out
    if is_pil_image(image):
        from PIL import Image
        return Image.fromarray(result, _PIL_OF_CHANNELS[oc])
    return result


def restore_file(model: Model, in_path: PathLike, out_path: PathLike, tile: int = RESTORE_DEFAULT_TILE,
                 overlap: int = RESTORE_DEFAULT_OVERLAP, ensemble: bool = False,
                 progress: Optional[Callable[[int, int], Any]] = None, quality: int = 95) -> Any:
    """Reads a PNG/JPEG (keeping a PNG's alpha), restores it with `model` (Model.restore's
    options) and writes the result (format from out_path's extension, written atomically; a
    JPEG output cannot hold alpha: it is dropped with an AclaWarning). Returns the output array
    (alpha included)."""
    out = model.restore(read_image(in_path, alpha=True), tile=tile, overlap=overlap, ensemble=ensemble, progress=progress)
    written = out
    if out.ndim == 3 and out.shape[2] in (2, 4) and os.fspath(out_path).lower().endswith((".jpg", ".jpeg")):
        written = out[:, :, 0] if out.shape[2] == 2 else out[:, :, :3]
        warnings.warn(f"{os.fspath(out_path)}: JPEG has no alpha channel: the restored alpha was not written",
                      AclaWarning, stacklevel=2)
    write_image(out_path, written, quality=quality)
    return out


Model.restore = _restore
Model.restore_output_size = _restore_output_size
