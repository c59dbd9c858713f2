"""Hostile calls of the in-memory imaging functions: resize, modcrop, degradations, colour
conversions and metrics with NULL buffers, lengths one off or near 2^64, absurd geometry,
scales and sigmas, and NaN."""
import math
from ctypes import c_double, c_float, c_int32, c_uint8

from harness import INT32_MAX, INT32_MIN, INVALID, OOM, SHAPE, SIZE_MAX, UNSUPPORTED, Out, case

BAD_GEOMETRY = [(2, 4, 4, "channels"), (0, 4, 4, "channels"), (INT32_MIN, 4, 4, "channels"), (3, 0, 4, "0"),
                (3, 4, -1, "-1"), (1, INT32_MIN, INT32_MIN, str(INT32_MIN))]
HUGE_GEOMETRY = [(3, INT32_MAX, INT32_MAX), (1, INT32_MAX, 1), (1, 1 << 20, 1 << 20)]
BAD_LENGTHS = lambda n: (0, n - 1, n + 1, 2**63, SIZE_MAX)   # noqa: E731


def u8(n, value=100):
    return (c_uint8 * n)(*([value] * n))


def f32(n, value=100.0):
    return (c_float * n)(*([value] * n))


@case("imaging", "acla_image_set_pixel_limit", "acla_image_get_pixel_limit")
def pixel_limit(ctx):
    lib = ctx.lib
    before = lib.acla_image_get_pixel_limit()
    for n in (0, -1, -(2**63)):
        ctx.fails(lib.acla_image_set_pixel_limit(n), INVALID, str(n))
        assert lib.acla_image_get_pixel_limit() == before
    ctx.ok(lib.acla_image_set_pixel_limit(2**63 - 1))
    ctx.ok(lib.acla_image_set_pixel_limit(before))


@case("imaging", "acla_resize_output_size", "acla_resize_bicubic", "acla_resize_bicubic_f32")
def resize(ctx):
    lib = ctx.lib
    oh, ow = Out(c_int32), Out(c_int32)
    ctx.fails(lib.acla_resize_output_size(4, 4, 2.0, None, ow.ptr), INVALID, "out_height", outs=[ow])
    ctx.fails(lib.acla_resize_output_size(4, 4, 2.0, oh.ptr, None), INVALID, "out_width", outs=[oh])
    for h, w, scale, statuses, mention in [
            (4, 4, math.nan, (INVALID,), "nan"), (4, 4, math.inf, (INVALID,), "inf"), (4, 4, -2.0, (INVALID,), "-2"),
            (4, 4, 0.0, (INVALID,), "0"), (4, 4, -0.0, (INVALID,), "0"),
            (4, 4, 1e300, (INVALID, OOM), "e+300"), (0, 4, 2.0, (INVALID,), "0"), (4, INT32_MIN, 2.0, (INVALID,), str(INT32_MIN)),
            (INT32_MAX, 1, 2.0, (INVALID, OOM), str(INT32_MAX)), (100000, 100000, 1.0, (OOM,), "100000")]:
        ctx.step(f"resize_output_size {h}x{w} by {scale}")
        ctx.fails_any(lib.acla_resize_output_size(h, w, scale, oh.ptr, ow.ptr), statuses, mention, outs=[oh, ow])
    src8, src32 = u8(48), f32(48)
    for fn, src, mk, ct in [(lib.acla_resize_bicubic, src8, u8, c_uint8), (lib.acla_resize_bicubic_f32, src32, f32, c_float)]:
        dst = Out(ct, 192)
        ctx.fails(fn(None, 48, 3, 4, 4, 2.0, 0, dst.ptr, 192), INVALID, "src", outs=[dst])
        ctx.fails(fn(src, 48, 3, 4, 4, 2.0, 0, None, 192), INVALID, "dst")
        for n in BAD_LENGTHS(48):
            ctx.step(f"resize src_len {n}")
            ctx.fails(fn(src, n, 3, 4, 4, 2.0, 0, dst.ptr, 192), SHAPE, str(n), outs=[dst])
        for n in BAD_LENGTHS(192):
            ctx.step(f"resize dst_len {n}")
            ctx.fails(fn(src, 48, 3, 4, 4, 2.0, 0, dst.ptr, n), SHAPE, str(n), outs=[dst])
        for b in (2, -1, INT32_MAX):
            ctx.fails(fn(src, 48, 3, 4, 4, 2.0, b, dst.ptr, 192), INVALID, str(b), outs=[dst])
        for c, h, w, mention in BAD_GEOMETRY:
            ctx.step(f"resize geometry {c}x{h}x{w}")
            ctx.fails(fn(src, 48, c, h, w, 2.0, 0, dst.ptr, 192), INVALID, mention, outs=[dst])
        for c, h, w in HUGE_GEOMETRY:
            ctx.step(f"resize huge {c}x{h}x{w}")
            ctx.fails_any(fn(src, 48, c, h, w, 2.0, 0, dst.ptr, 192), (OOM, SHAPE), "", outs=[dst])
        for scale in (math.nan, -math.inf, 0.0, 1e-300, 1e-7, 1e300):
            ctx.step(f"resize by {scale}")
            ctx.fails_any(fn(src, 48, 3, 4, 4, scale, 0, dst.ptr, 192), (INVALID, OOM, SHAPE), "", outs=[dst])
    ctx.step("resize NaN samples")
    nan = f32(48, math.nan)
    out = f32(12)
    ctx.ok(lib.acla_resize_bicubic_f32(nan, 48, 3, 4, 4, 0.5, 1, out, 12))
    ctx.step("resize 1x1 by 1e-6 (a kernel wider than the image)")
    one = u8(1)
    ctx.ok(lib.acla_resize_bicubic(one, 1, 1, 1, 1, 1e-6, 0, u8(1), 1))


@case("imaging", "acla_modcrop")
def modcrop(ctx):
    lib = ctx.lib
    src = u8(3 * 5 * 7)
    dst = Out(c_uint8, 3 * 4 * 6)
    ctx.fails(lib.acla_modcrop(None, 105, 3, 5, 7, 2, dst.ptr, 72), INVALID, "src", outs=[dst])
    ctx.fails(lib.acla_modcrop(src, 105, 3, 5, 7, 2, None, 72), INVALID, "dst")
    for scale in (0, -1, INT32_MIN, 8, INT32_MAX):
        ctx.step(f"modcrop scale {scale}")
        ctx.fails(lib.acla_modcrop(src, 105, 3, 5, 7, scale, dst.ptr, 72), INVALID, str(scale), outs=[dst])
    for n in BAD_LENGTHS(72):
        ctx.fails(lib.acla_modcrop(src, 105, 3, 5, 7, 2, dst.ptr, n), SHAPE, str(n), outs=[dst])
    for n in BAD_LENGTHS(105):
        ctx.fails(lib.acla_modcrop(src, n, 3, 5, 7, 2, dst.ptr, 72), SHAPE, str(n), outs=[dst])
    for c, h, w, mention in BAD_GEOMETRY:
        ctx.fails(lib.acla_modcrop(src, 105, c, h, w, 2, dst.ptr, 72), INVALID, mention, outs=[dst])
    for c, h, w in HUGE_GEOMETRY:
        ctx.fails_any(lib.acla_modcrop(src, 105, c, h, w, 2, dst.ptr, 72), (OOM, SHAPE), "", outs=[dst])


@case("imaging", "acla_degrade_noise", "acla_degrade_noise_u8", "acla_degrade_mosaic", "acla_degrade_jpeg")
def degradations(ctx):
    lib = ctx.lib
    for fn, mk, ct in [(lib.acla_degrade_noise, f32, c_float), (lib.acla_degrade_noise_u8, u8, c_uint8)]:
        src, dst = mk(48), Out(ct, 48)
        ctx.fails(fn(None, dst.ptr, 48, 3, 4, 4, 5.0, 0), INVALID, "src", outs=[dst])
        ctx.fails(fn(src, None, 48, 3, 4, 4, 5.0, 0), INVALID, "dst")
        for sigma in (math.nan, math.inf, -math.inf, -1.0, -5e-324):
            ctx.step(f"noise sigma {sigma}")
            ctx.fails(fn(src, dst.ptr, 48, 3, 4, 4, sigma, 0), INVALID, "sigma", outs=[dst])
        for n in BAD_LENGTHS(48):
            ctx.fails(fn(src, dst.ptr, n, 3, 4, 4, 5.0, 0), SHAPE, str(n), outs=[dst])
        for c, h, w, mention in BAD_GEOMETRY:
            ctx.fails(fn(src, dst.ptr, 48, c, h, w, 5.0, 0), INVALID, mention, outs=[dst])
        for c, h, w in HUGE_GEOMETRY:
            ctx.fails_any(fn(src, dst.ptr, 48, c, h, w, 5.0, 0), (OOM, SHAPE), "", outs=[dst])
        for sigma in (1e308, 5e-324):
            ctx.step(f"noise sigma {sigma} with seed 2^64-1")
            ctx.ok(fn(src, src, 48, 3, 4, 4, sigma, 2**64 - 1))
    ctx.step("noise on NaN samples")
    ctx.ok(lib.acla_degrade_noise(f32(48, math.nan), f32(48), 48, 3, 4, 4, 3.0, 1))
    src, dst = u8(48), Out(c_uint8, 48)
    ctx.fails(lib.acla_degrade_mosaic(None, dst.ptr, 48, 4, 4), INVALID, "src", outs=[dst])
    ctx.fails(lib.acla_degrade_mosaic(src, None, 48, 4, 4), INVALID, "dst")
    for n in BAD_LENGTHS(48):
        ctx.fails(lib.acla_degrade_mosaic(src, dst.ptr, n, 4, 4), SHAPE, str(n), outs=[dst])
    for h, w in [(0, 4), (4, -1), (INT32_MIN, 4), (INT32_MAX, INT32_MAX)]:
        ctx.fails_any(lib.acla_degrade_mosaic(src, dst.ptr, 48, h, w), (INVALID, OOM), "", outs=[dst])
    ctx.fails(lib.acla_degrade_jpeg(None, dst.ptr, 48, 3, 4, 4, 50), INVALID, "src", outs=[dst])
    ctx.fails(lib.acla_degrade_jpeg(src, None, 48, 3, 4, 4, 50), INVALID, "dst")
    for q in (0, -1, 101, INT32_MIN, INT32_MAX):
        ctx.fails(lib.acla_degrade_jpeg(src, dst.ptr, 48, 3, 4, 4, q), INVALID, str(q), outs=[dst])
    for n in BAD_LENGTHS(48):
        ctx.fails(lib.acla_degrade_jpeg(src, dst.ptr, n, 3, 4, 4, 50), SHAPE, str(n), outs=[dst])
    for c, h, w, mention in BAD_GEOMETRY:
        ctx.fails(lib.acla_degrade_jpeg(src, dst.ptr, 48, c, h, w, 50), INVALID, mention, outs=[dst])
    wide = u8(70000)
    ctx.step("jpeg of a 70000 pixel wide image")
    ctx.fails(lib.acla_degrade_jpeg(wide, wide, 70000, 1, 1, 70000, 50), UNSUPPORTED, "65500")
    ctx.ok(lib.acla_degrade_jpeg(src, src, 48, 3, 4, 4, 1))


@case("imaging", "acla_rgb_to_gray", "acla_rgb_to_y")
def colour_conversions(ctx):
    lib = ctx.lib
    rgb = u8(48)
    for fn, ct in [(lib.acla_rgb_to_gray, c_uint8), (lib.acla_rgb_to_y, c_float)]:
        out = Out(ct, 16)
        ctx.fails(fn(None, 48, 4, 4, out.ptr, 16), INVALID, "rgb", outs=[out])
        ctx.fails(fn(rgb, 48, 4, 4, None, 16), INVALID, "")
        for n in BAD_LENGTHS(48):
            ctx.fails(fn(rgb, n, 4, 4, out.ptr, 16), SHAPE, str(n), outs=[out])
        for n in BAD_LENGTHS(16):
            ctx.fails(fn(rgb, 48, 4, 4, out.ptr, n), SHAPE, str(n), outs=[out])
        for h, w in [(0, 4), (4, -1), (INT32_MIN, 4), (INT32_MAX, INT32_MAX), (1 << 20, 1 << 20)]:
            ctx.fails_any(fn(rgb, 48, h, w, out.ptr, 16), (INVALID, OOM, SHAPE), "", outs=[out])


@case("imaging", "acla_psnr", "acla_ssim", "acla_psnr_f32", "acla_ssim_f32")
def metrics(ctx):
    lib = ctx.lib
    n = 3 * 12 * 12
    for fn, mk in [(lib.acla_psnr, u8), (lib.acla_ssim, u8), (lib.acla_psnr_f32, f32), (lib.acla_ssim_f32, f32)]:
        a, b, out = mk(n), mk(n), Out(c_double)
        ctx.step(f"{fn.__name__} NULLs")
        ctx.fails(fn(None, b, n, 3, 12, 12, 0, 0, out.ptr), INVALID, "a", outs=[out])
        ctx.fails(fn(a, None, n, 3, 12, 12, 0, 0, out.ptr), INVALID, "b", outs=[out])
        ctx.fails(fn(a, b, n, 3, 12, 12, 0, 0, None), INVALID, "out")
        for length in BAD_LENGTHS(n):
            ctx.fails(fn(a, b, length, 3, 12, 12, 0, 0, out.ptr), SHAPE, str(length), outs=[out])
        for border in (-1, INT32_MIN, 6, INT32_MAX):
            ctx.step(f"{fn.__name__} border {border}")
            ctx.fails(fn(a, b, n, 3, 12, 12, border, 0, out.ptr), INVALID, str(border), outs=[out])
        for measure in (2, -1, INT32_MAX):
            ctx.fails(fn(a, b, n, 3, 12, 12, 0, measure, out.ptr), INVALID, str(measure), outs=[out])
        for c, h, w, mention in BAD_GEOMETRY:
            ctx.fails(fn(a, b, n, c, h, w, 0, 0, out.ptr), INVALID, mention, outs=[out])
        for c, h, w in HUGE_GEOMETRY:
            ctx.fails_any(fn(a, b, n, c, h, w, 0, 0, out.ptr), (OOM, SHAPE), "", outs=[out])
        ctx.ok(fn(a, b, n, 3, 12, 12, 0, 1, out.ptr))
    small = u8(3 * 10 * 10)
    out = Out(c_double)
    ctx.fails(lib.acla_ssim(small, small, 300, 3, 10, 10, 0, 0, out.ptr), INVALID, "11", outs=[out])
    for value in (math.nan, -math.nan):
        bad = f32(n)
        bad[7] = value
        ctx.step(f"f32 metrics with {value}")
        ctx.fails(lib.acla_psnr_f32(bad, f32(n), n, 3, 12, 12, 0, 0, out.ptr), INVALID, "NaN", outs=[out])
        ctx.fails(lib.acla_ssim_f32(f32(n), bad, n, 3, 12, 12, 0, 0, out.ptr), INVALID, "NaN", outs=[out])
    ctx.ok(lib.acla_psnr_f32(f32(n, math.inf), f32(n, -math.inf), n, 3, 12, 12, 0, 0, out.ptr))
