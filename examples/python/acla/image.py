"""Images, degradations and metrics (include/acla.h, docs/IMAGING.md).

Images are numpy arrays of shape (H, W) (gray), (H, W, 1) or (H, W, 3) (RGB): uint8, or float
with values on the 0..255 scale. Where Pillow is installed, a PIL image is accepted wherever an
image is, and an 8-bit result then comes back as a PIL image of the same mode. numpy is needed
only by the functions taking or returning arrays; image_info and the pixel limit work without it.
"""
from __future__ import annotations

import ctypes
import os
import warnings
from typing import Any, Dict, Tuple

from ._args import PathLike, encode_path, int32, is_pil_image, number, numpy, uint64
from .errors import ERR_INVALID_ARGUMENT, ERR_SHAPE, ERR_STATE, AclaError, AclaWarning
from .loader import _lib, check, cstr, proto, status_t

__all__ = ["AclaWarning", "set_image_pixel_limit", "get_image_pixel_limit", "image_info",
           "read_image", "write_image", "resize_bicubic", "modcrop", "degrade_noise",
           "degrade_mosaic", "degrade_jpeg", "rgb_to_gray", "rgb_to_y", "psnr", "ssim",
           "IMAGE_FORMAT_PNG", "IMAGE_FORMAT_JPEG", "IMAGE_NOTE_ALPHA_DROPPED", "IMAGE_NOTE_16BIT_REDUCED",
           "IMAGE_READ_KEEP_ALPHA",
           "BOUNDARY_SYMMETRIC", "BOUNDARY_REPLICATE", "MEASURE_RGB", "MEASURE_Y"]

IMAGE_FORMAT_PNG = 1
IMAGE_FORMAT_JPEG = 2
IMAGE_NOTE_ALPHA_DROPPED = 1
IMAGE_NOTE_16BIT_REDUCED = 2
IMAGE_READ_KEEP_ALPHA = 1
_PIL_ALPHA_MODES = {2: "LA", 4: "RGBA"}
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

proto("acla_image_set_pixel_limit", status_t, ctypes.c_int64)
proto("acla_image_get_pixel_limit", ctypes.c_int64)
proto("acla_image_info", status_t, cstr, _i32p, _i32p, _i32p, _i32p, _u32p)
proto("acla_image_info_ex", status_t, cstr, ctypes.c_uint32, _i32p, _i32p, _i32p, _i32p, _u32p)
proto("acla_image_read", status_t, cstr, _u8p, _sz, _i32p, _i32p, _i32p, _u32p)
proto("acla_image_read_ex", status_t, cstr, ctypes.c_uint32, _u8p, _sz, _i32p, _i32p, _i32p, _u32p)
proto("acla_image_write", status_t, cstr, _u8p, _sz, _i32, _i32, _i32, _i32)
proto("acla_resize_bicubic", status_t, _u8p, _sz, _i32, _i32, _i32, ctypes.c_double, _i32, _u8p, _sz)
proto("acla_resize_bicubic_f32", status_t, _f32p, _sz, _i32, _i32, _i32, ctypes.c_double, _i32, _f32p, _sz)
proto("acla_resize_output_size", status_t, _i32, _i32, ctypes.c_double, _i32p, _i32p)
proto("acla_modcrop", status_t, _u8p, _sz, _i32, _i32, _i32, _i32, _u8p, _sz)
proto("acla_degrade_noise", status_t, _f32p, _f32p, _sz, _i32, _i32, _i32, ctypes.c_double, ctypes.c_uint64)
proto("acla_degrade_noise_u8", status_t, _u8p, _u8p, _sz, _i32, _i32, _i32, ctypes.c_double, ctypes.c_uint64)
proto("acla_degrade_mosaic", status_t, _u8p, _u8p, _sz, _i32, _i32)
proto("acla_degrade_jpeg", status_t, _u8p, _u8p, _sz, _i32, _i32, _i32, _i32)
proto("acla_rgb_to_gray", status_t, _u8p, _sz, _i32, _i32, _u8p, _sz)
proto("acla_rgb_to_y", status_t, _u8p, _sz, _i32, _i32, _f32p, _sz)
for _name in ("acla_psnr", "acla_ssim"):
    proto(_name, status_t, _u8p, _u8p, _sz, _i32, _i32, _i32, _i32, _i32, _f64p)
    proto(_name + "_f32", status_t, _f32p, _f32p, _sz, _i32, _i32, _i32, _i32, _i32, _f64p)
del _name

_NOTE_TEXT = {IMAGE_NOTE_ALPHA_DROPPED: "alpha channel dropped",
              IMAGE_NOTE_16BIT_REDUCED: "16-bit samples reduced to 8 bits as round(v/257)"}
_PIL_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")


def _from_pil(image: Any) -> Any:
    """A PIL image as a uint8 numpy array: gray modes as (H, W), the others as RGB (H, W, 3)."""
    np = numpy()
    return np.asarray(image.convert("L" if image.mode in _PIL_GRAY_MODES else "RGB"))


def _to_pil(array: Any) -> Any:
    from PIL import Image
    a = array[:, :, 0] if array.ndim == 3 and array.shape[2] == 1 else array
    return Image.fromarray(a, "L" if a.ndim == 2 else "RGB")


def _array(image: Any) -> Any:
    return _from_pil(image) if is_pil_image(image) else numpy().asarray(image)


def _geometry(a: Any, name: str) -> Tuple[int, int, int]:
    """(channels, height, width) of an (H, W), (H, W, 1) or (H, W, 3) array."""
    if a.ndim == 2:
        c = 1
    elif a.ndim == 3 and a.shape[2] in (1, 3):
        c = a.shape[2]
    else:
        hint = ""
        if a.ndim == 3 and a.shape[0] in (1, 3):
            hint = "; it looks like CHW (channels first): pass a.transpose(1, 2, 0)"
        raise AclaError(ERR_SHAPE, f"{name} must have shape (H, W), (H, W, 1) or (H, W, 3), got {a.shape}{hint}")
    return c, int32(int(a.shape[0]), f"{name} height"), int32(int(a.shape[1]), f"{name} width")


def _as_u8(image: Any, name: str):
    """A C-contiguous uint8 array; other integer types only when every value fits 0..255."""
    np = numpy()
    a = _array(image)
    if a.dtype != np.uint8:
        if a.dtype.kind not in "biu":
            raise AclaError(ERR_INVALID_ARGUMENT,
                            f"{name} must be an 8-bit (uint8) image, got dtype {a.dtype}; quantise float images first")
        if a.size and (a.min() < 0 or a.max() > 255):
            raise AclaError(ERR_INVALID_ARGUMENT, f"{name} has values outside 0..255")
        a = a.astype(np.uint8)
    return np.ascontiguousarray(a), _geometry(a, name)


def _as_f32(image: Any, name: str):
    np = numpy()
    a = _array(image)
    if a.dtype.kind not in "biuf":
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be a numeric array, got dtype {a.dtype}")
    a = np.ascontiguousarray(a, dtype=np.float32)
    return a, _geometry(a, name)


def _is_u8(image: Any) -> bool:
    np = numpy()
    return is_pil_image(image) or np.asarray(image).dtype == np.uint8


def _like_input(template: Any, out: Any) -> Any:
    """An 8-bit result as a PIL image when the input was one, else the array."""
    return _to_pil(out) if is_pil_image(template) and out.dtype == numpy().uint8 else out


def _shape_like(template: Any, c: int, h: int, w: int) -> Tuple[int, ...]:
    """The output shape convention of the input: (H, W) stays 2-D, (H, W, C) stays 3-D."""
    return (h, w) if template.ndim == 2 and c == 1 else (h, w, c)


def _boundary(boundary: str) -> int:
    table = {"symmetric": BOUNDARY_SYMMETRIC, "replicate": BOUNDARY_REPLICATE}
    if boundary not in table:
        raise AclaError(ERR_INVALID_ARGUMENT, f"boundary must be 'symmetric' or 'replicate', got {boundary!r}")
    return table[boundary]


def set_image_pixel_limit(max_pixels: int) -> None:
    """Largest image (height*width) decoded, accepted or produced; default 100,000,000."""
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or not 1 <= max_pixels < (1 << 63):
        raise AclaError(ERR_INVALID_ARGUMENT, f"max_pixels must be a positive integer, got {max_pixels!r}")
    check(_lib.acla_image_set_pixel_limit(max_pixels))


def get_image_pixel_limit() -> int:
    """The current pixel limit."""
    return _lib.acla_image_get_pixel_limit()


def image_info(path: PathLike, *, alpha: bool = False) -> Dict[str, Any]:
    """Header of a PNG/JPEG file: format ('png'/'jpeg'), channels, height, width, notes. With
    alpha=True, channels is what read_image(alpha=True) gives (2 or 4 for a PNG with alpha)."""
    if not isinstance(alpha, bool):
        raise AclaError(ERR_INVALID_ARGUMENT, f"alpha must be True or False, got {alpha!r}")
    fmt, c, h, w, notes = _i32(), _i32(), _i32(), _i32(), ctypes.c_uint32()
    check(_lib.acla_image_info_ex(encode_path(path), IMAGE_READ_KEEP_ALPHA if alpha else 0, ctypes.byref(fmt),
                                  ctypes.byref(c), ctypes.byref(h), ctypes.byref(w), ctypes.byref(notes)))
    return {"format": "png" if fmt.value == IMAGE_FORMAT_PNG else "jpeg", "channels": c.value,
            "height": h.value, "width": w.value,
            "notes": [text for bit, text in _NOTE_TEXT.items() if notes.value & bit]}


def read_image(path: PathLike, *, pil: bool = False, alpha: bool = False) -> Any:
    """Decodes a PNG/JPEG file to uint8 (H, W) or (H, W, 3) (a PIL image with pil=True); dropped
    alpha or reduced 16-bit precision is reported with an AclaWarning. With alpha=True a PNG's
    alpha (or transparency) is kept as the last channel: (H, W, 2) or (H, W, 4), PIL LA/RGBA."""
    np = numpy()
    info = image_info(path, alpha=alpha)
    out = np.empty((info["height"], info["width"], info["channels"]), dtype=np.uint8)
    c, h, w, notes = _i32(), _i32(), _i32(), ctypes.c_uint32()
    check(_lib.acla_image_read_ex(encode_path(path), IMAGE_READ_KEEP_ALPHA if alpha else 0, out.ctypes.data_as(_u8p),
                                  out.size, ctypes.byref(c), ctypes.byref(h), ctypes.byref(w), ctypes.byref(notes)))
    if (c.value, h.value, w.value) != (info["channels"], info["height"], info["width"]):
        raise AclaError(ERR_STATE, f"{os.fspath(path)} changed while being read")
    for bit, text in _NOTE_TEXT.items():
        if notes.value & bit:
            warnings.warn(f"{os.fspath(path)}: {text}", AclaWarning, stacklevel=2)
    out = out[:, :, 0] if c.value == 1 else out
    if pil and c.value in _PIL_ALPHA_MODES:
        from PIL import Image
        return Image.fromarray(out, _PIL_ALPHA_MODES[c.value])
    return _to_pil(out) if pil else out


def write_image(path: PathLike, image: Any, quality: int = 95) -> None:
    """Writes a uint8 image as PNG (.png) or JPEG (.jpg/.jpeg at `quality` 1..100), atomically.
    (H, W, 2) and (H, W, 4) arrays (gray + alpha, RGBA; PIL LA/RGBA) only as PNG."""
    if is_pil_image(image) and image.mode in ("LA", "RGBA"):
        image = numpy().asarray(image)
    a = numpy().asarray(image)
    if a.ndim == 3 and a.shape[2] in (2, 4):
        if a.dtype != numpy().uint8:
            raise AclaError(ERR_INVALID_ARGUMENT, f"image must be an 8-bit (uint8) image, got dtype {a.dtype}")
        a = numpy().ascontiguousarray(a)
        c, h, w = a.shape[2], int32(int(a.shape[0]), "image height"), int32(int(a.shape[1]), "image width")
    else:
        a, (c, h, w) = _as_u8(image, "image")
    check(_lib.acla_image_write(encode_path(path), a.ctypes.data_as(_u8p), a.size, c, h, w,
                                int32(quality, "quality")))


def resize_bicubic(image: Any, scale: float, boundary: str = "symmetric") -> Any:
    """MATLAB imresize(image, scale, 'bicubic'): uint8 in, uint8 out (per-pass rounding, bit-exact
    with MATLAB); float in, float32 out. Downscaling by s is scale=1/s."""
    np = numpy()
    scale = number(scale, "scale")
    rule = _boundary(boundary)
    u8 = _is_u8(image)
    a, (c, h, w) = _as_u8(image, "image") if u8 else _as_f32(image, "image")
    oh, ow = _i32(), _i32()
    check(_lib.acla_resize_output_size(h, w, scale, ctypes.byref(oh), ctypes.byref(ow)))
    out = np.empty(_shape_like(a, c, oh.value, ow.value), dtype=np.uint8 if u8 else np.float32)
    if u8:
        check(_lib.acla_resize_bicubic(a.ctypes.data_as(_u8p), a.size, c, h, w, scale, rule,
                                       out.ctypes.data_as(_u8p), out.size))
    else:
        check(_lib.acla_resize_bicubic_f32(a.ctypes.data_as(_f32p), a.size, c, h, w, scale, rule,
                                           out.ctypes.data_as(_f32p), out.size))
    return _like_input(image, out)


def modcrop(image: Any, scale: int) -> Any:
    """MATLAB modcrop: the top-left part whose sides are multiples of `scale` (uint8)."""
    np = numpy()
    a, (c, h, w) = _as_u8(image, "image")
    s = int32(scale, "scale")
    if s < 1:
        raise AclaError(ERR_INVALID_ARGUMENT, f"scale must be >= 1, got {s}")
    out = np.empty(_shape_like(a, c, h - h % s, w - w % s), dtype=np.uint8)
    check(_lib.acla_modcrop(a.ctypes.data_as(_u8p), a.size, c, h, w, s, out.ctypes.data_as(_u8p), out.size))
    return _like_input(image, out)


def degrade_noise(image: Any, sigma: float, seed: int, convention: str = "uint8") -> Any:
    """Gaussian noise of `sigma` (0..255 scale) from `seed`. convention 'uint8': uint8 in,
    rounded and clipped uint8 out (RNAN); 'float': float32 out, unrounded (DnCNN/SwinIR)."""
    np = numpy()
    sigma = number(sigma, "sigma")
    seed = uint64(seed, "seed")
    if convention == "uint8":
        a, (c, h, w) = _as_u8(image, "image")
        out = np.empty_like(a)
        check(_lib.acla_degrade_noise_u8(a.ctypes.data_as(_u8p), out.ctypes.data_as(_u8p), a.size, c, h, w,
                                         sigma, seed))
        return _like_input(image, out)
    if convention == "float":
        a, (c, h, w) = _as_f32(image, "image")
        out = np.empty_like(a)
        check(_lib.acla_degrade_noise(a.ctypes.data_as(_f32p), out.ctypes.data_as(_f32p), a.size, c, h, w,
                                      sigma, seed))
        return out
    raise AclaError(ERR_INVALID_ARGUMENT, f"convention must be 'uint8' or 'float', got {convention!r}")


def degrade_mosaic(image: Any) -> Any:
    """Bayer GRBG mosaic of a uint8 (H, W, 3) image, 3 channels with zeros."""
    np = numpy()
    a, (c, h, w) = _as_u8(image, "image")
    if c != 3:
        raise AclaError(ERR_INVALID_ARGUMENT, f"mosaicking needs an RGB (H, W, 3) image, got shape {a.shape}")
    out = np.empty_like(a)
    check(_lib.acla_degrade_mosaic(a.ctypes.data_as(_u8p), out.ctypes.data_as(_u8p), a.size, h, w))
    return _like_input(image, out)


def degrade_jpeg(image: Any, quality: int) -> Any:
    """JPEG round trip (libjpeg-turbo) at `quality` 1..100: gray as one component (the
    benchmark setting), RGB as a colour JPEG (YCbCr 4:2:0)."""
    np = numpy()
    a, (c, h, w) = _as_u8(image, "image")
    out = np.empty_like(a)
    check(_lib.acla_degrade_jpeg(a.ctypes.data_as(_u8p), out.ctypes.data_as(_u8p), a.size, c, h, w,
                                 int32(quality, "quality")))
    return _like_input(image, out)


def _rgb(image: Any, name: str):
    a, (c, h, w) = _as_u8(image, name)
    if c != 3:
        raise AclaError(ERR_INVALID_ARGUMENT, f"{name} must be an RGB (H, W, 3) image, got shape {a.shape}")
    return a, h, w


def rgb_to_gray(image: Any) -> Any:
    """MATLAB rgb2gray of a uint8 RGB image: uint8 (H, W)."""
    np = numpy()
    a, h, w = _rgb(image, "image")
    out = np.empty((h, w), dtype=np.uint8)
    check(_lib.acla_rgb_to_gray(a.ctypes.data_as(_u8p), a.size, h, w, out.ctypes.data_as(_u8p), out.size))
    return _like_input(image, out)


def rgb_to_y(image: Any) -> Any:
    """BT.601 Y (MATLAB rgb2ycbcr) of a uint8 RGB image: float32 (H, W), not rounded."""
    np = numpy()
    a, h, w = _rgb(image, "image")
    out = np.empty((h, w), dtype=np.float32)
    check(_lib.acla_rgb_to_y(a.ctypes.data_as(_u8p), a.size, h, w, out.ctypes.data_as(_f32p), out.size))
    return out


def _metric(name: str, a: Any, b: Any, border: int, y: bool) -> float:
    int32(border, "border")
    if _is_u8(a) and _is_u8(b):
        x, (c, h, w) = _as_u8(a, "a")
        z, _ = _as_u8(b, "b")
        suffix, ptr = "", _u8p
    else:  # float path: both quantised as round(clamp(x, 0, 255)) by the library
        x, (c, h, w) = _as_f32(a, "a")
        z, _ = _as_f32(b, "b")
        suffix, ptr = "_f32", _f32p
    if x.shape != z.shape:
        raise AclaError(ERR_SHAPE, f"images differ in shape: {x.shape} and {z.shape}")
    out = ctypes.c_double()
    fn = getattr(_lib, name + suffix)
    check(fn(x.ctypes.data_as(ptr), z.ctypes.data_as(ptr), x.size, c, h, w, border,
             MEASURE_Y if y else MEASURE_RGB, ctypes.byref(out)))
    return out.value


def psnr(a: Any, b: Any, border: int = 0, y: bool = False) -> float:
    """PSNR in dB (inf for identical images), float64, `border` pixels shaved, RGB or Y."""
    return _metric("acla_psnr", a, b, border, y)


def ssim(a: Any, b: Any, border: int = 0, y: bool = False) -> float:
    """SSIM (Zhou Wang's ssim_index, 11x11 Gaussian sigma 1.5), channels averaged."""
    return _metric("acla_ssim", a, b, border, y)
