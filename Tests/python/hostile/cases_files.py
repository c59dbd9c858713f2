"""Hostile image files and paths: truncated, corrupt-CRC, zero-size and huge-declared PNG/JPEG
files, directories, FIFOs, devices, missing and unwritable paths, for acla_image_info /
_read / _write."""
import os
import struct
import zlib
from ctypes import c_int32, c_uint8, c_uint32
from pathlib import Path

from harness import FORMAT, OK, INT32_MAX, INT32_MIN, INVALID, IO, OOM, SHAPE, SIZE_MAX, UNSUPPORTED, Out, case

FIXTURES = Path(__file__).resolve().parents[2] / "AclaTests" / "Fixtures"


def chunk(kind, body, crc=None):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) if crc is None else crc)


def png(width, height, depth=8, color=2, interlace=0, idat=zlib.compress(b""), crc=None):
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace), crc)
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def jpeg_with_size(jpeg, width, height):
    out, i = bytearray(jpeg), 2
    while i + 9 < len(out) and out[i] == 0xFF:
        marker, length = out[i + 1], (out[i + 2] << 8) | out[i + 3]
        if marker in (0xC0, 0xC2):
            out[i + 5:i + 9] = struct.pack(">HH", height, width)
            break
        i += 2 + length
    return bytes(out)


def hostile_files(tmp):
    """(name, bytes, statuses, mention) of malformed image files."""
    good_png = (FIXTURES / "photo_rgb.png").read_bytes()
    good_jpg = (FIXTURES / "photo_rgb.jpg").read_bytes()
    interlaced = (FIXTURES / "photo_rgb_interlaced.png").read_bytes()
    corrupt_crc = bytearray(good_png)
    corrupt_crc[-20] ^= 0xFF              # inside the last IDAT: its CRC no longer matches
    corrupt_jpg = bytearray(good_jpg)
    for i in range(len(corrupt_jpg) // 2, len(corrupt_jpg) - 2, 7):
        corrupt_jpg[i] = 0xFF if corrupt_jpg[i] != 0xFF else 0x00
    return [
        ("empty.png", b"", (FORMAT,), "empty"),
        ("one.png", b"\x89", (FORMAT,), ""),
        ("signature.png", good_png[:8], (FORMAT,), "truncated"),
        ("half.png", good_png[: len(good_png) // 2], (FORMAT,), "truncated"),
        ("interlaced-half.png", interlaced[: len(interlaced) * 2 // 3], (FORMAT,), "truncated"),
        ("crc.png", bytes(corrupt_crc), (FORMAT,), "crc"),
        ("ihdr-crc.png", png(4, 4, crc=0), (FORMAT,), "CRC"),
        ("zero-width.png", png(0, 5), (FORMAT,), "zero"),
        ("zero-height.png", png(5, 0), (FORMAT,), "zero"),
        ("huge.png", png(2**31 - 1, 2**31 - 1), (OOM,), "limit"),
        ("over-31-bits.png", png(2**32 - 1, 1), (FORMAT,), ""),
        ("bad-depth.png", png(4, 4, depth=3), (FORMAT,), ""),
        ("bad-color.png", png(4, 4, color=5), (FORMAT,), ""),
        ("bad-interlace.png", png(4, 4, interlace=7), (FORMAT,), ""),
        ("no-idat.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + chunk(b"IEND", b""),
         (FORMAT,), ""),
        ("bomb.png", png(10000, 10000, idat=zlib.compress(b"\0" * (1 << 20))), (FORMAT,), ""),
        ("ztxt-bomb.png", good_png[:33] + chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"\0" * (64 << 20), 9)) + good_png[33:],
         (OK, FORMAT), ""),
        ("soi.jpg", b"\xff\xd8\xff", (FORMAT,), ""),
        ("half.jpg", good_jpg[: len(good_jpg) // 2], (FORMAT,), "truncated"),
        ("header-only.jpg", good_jpg[:200], (FORMAT,), ""),
        ("corrupt.jpg", bytes(corrupt_jpg), (FORMAT,), ""),
        ("huge.jpg", jpeg_with_size(good_jpg, 60000, 60000), (OOM,), "limit"),
        ("zero.jpg", jpeg_with_size(good_jpg, 32, 0), (FORMAT,), ""),
        ("zero-width.jpg", jpeg_with_size(good_jpg, 0, 24), (FORMAT,), ""),
        ("text.jpg", b"hello", (FORMAT,), "not a PNG or JPEG"),
    ]


def info_outs():
    return [Out(c_int32) for _ in range(4)] + [Out(c_uint32)]


@case("files", "acla_image_info", "acla_image_read")
def malformed_images(ctx):
    lib = ctx.lib
    for name, data, statuses, mention in hostile_files(ctx.tmp):
        path = os.path.join(ctx.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        outs = info_outs()
        ctx.step(f"info {name}")
        rc = lib.acla_image_info(path.encode(), *[o.ptr for o in outs])
        if OK in statuses:      # harmless damage (skipped ancillary data): either outcome is fine
            if rc != OK:
                ctx.fails_any(rc, statuses, mention, outs=outs)
            buf, outs = Out(c_uint8, 64 * 64 * 3), info_outs()[1:]
            rc = lib.acla_image_read(path.encode(), buf.ptr, 64 * 64 * 3, *[o.ptr for o in outs])
            if rc != OK:
                ctx.fails_any(rc, statuses, mention, outs=outs)
            continue
        if rc == 0 and statuses != (OOM,):
            info_ok = True      # a header can be fine while the data is not: read must fail
        else:
            info_ok = False
            ctx.fails_any(rc, statuses, mention, outs=outs)
        buf = Out(c_uint8, 64 * 64 * 3)
        outs = info_outs()[1:]
        ctx.step(f"read {name}")
        rc = lib.acla_image_read(path.encode(), buf.ptr, 64 * 64 * 3, *[o.ptr for o in outs])
        if info_ok and statuses == (FORMAT,) and rc == SHAPE:
            continue    # declared bigger than the buffer: refused before decoding
        ctx.fails_any(rc, statuses, mention, outs=outs)
    # with the pixel limit at its maximum, a huge declared size is refused by the buffer size
    before = lib.acla_image_get_pixel_limit()
    ctx.ok(lib.acla_image_set_pixel_limit(2**63 - 1))
    try:
        path = os.path.join(ctx.tmp, "huge.png")
        buf = Out(c_uint8, 16)
        outs = info_outs()[1:]
        ctx.step("read huge.png without a pixel limit")
        ctx.fails_any(lib.acla_image_read(path.encode(), buf.ptr, 16, *[o.ptr for o in outs]), (SHAPE, OOM), "",
                      outs=outs + [buf])
        ctx.fails_any(lib.acla_image_read(path.encode(), buf.ptr, SIZE_MAX, *[o.ptr for o in outs]), (SHAPE, OOM, FORMAT),
                      "", outs=outs)
    finally:
        ctx.ok(lib.acla_image_set_pixel_limit(before))


@case("files", "acla_image_info", "acla_image_read")
def bad_paths_and_arguments(ctx):
    lib = ctx.lib
    good = str(FIXTURES / "photo_rgb.png").encode()
    fifo = os.path.join(ctx.tmp, "fifo.png")
    os.mkfifo(fifo)
    loop = os.path.join(ctx.tmp, "loop.png")
    os.symlink(loop, loop)
    for path in [b"", ctx.tmp.encode(), b"/nonexistent/x.png", b"/dev/null", b"/dev/zero", fifo.encode(),
                 loop.encode(), b"/" + b"a" * (1 << 20) + b".png"]:
        outs = info_outs()
        ctx.step(f"info {path[:40]!r}")
        ctx.fails_any(lib.acla_image_info(path, *[o.ptr for o in outs]), (IO, INVALID), path[:30].decode(), outs=outs)
        buf, outs = Out(c_uint8, 64), info_outs()[1:]
        ctx.fails_any(lib.acla_image_read(path, buf.ptr, 64, *[o.ptr for o in outs]), (IO, INVALID), path[:30].decode(),
                      outs=outs + [buf])
    outs = info_outs()
    ctx.fails(lib.acla_image_info(None, *[o.ptr for o in outs]), INVALID, "path", outs=outs)
    ctx.fails(lib.acla_image_info(b"\xff.png", *[o.ptr for o in outs]), INVALID, "UTF-8", outs=outs)
    for null in (1, 2, 3):
        ptrs = [None if i == null else o.ptr for i, o in enumerate(outs)]
        ctx.fails(lib.acla_image_info(good, *ptrs), INVALID, "", outs=[o for i, o in enumerate(outs) if i != null])
    ctx.ok(lib.acla_image_info(good, None, outs[1].ptr, outs[2].ptr, outs[3].ptr, None))
    need = 24 * 32 * 3
    buf = Out(c_uint8, need)
    outs = info_outs()[1:]
    ctx.fails(lib.acla_image_read(good, None, need, *[o.ptr for o in outs]), INVALID, "pixels", outs=outs)
    for length in (0, need - 1):
        ctx.fails(lib.acla_image_read(good, buf.ptr, length, *[o.ptr for o in outs]), SHAPE, str(length), outs=outs + [buf])
    for null in (0, 1, 2):
        ptrs = [None if i == null else o.ptr for i, o in enumerate(outs)]
        ctx.fails(lib.acla_image_read(good, buf.ptr, need, *ptrs), INVALID, "",
                  outs=[buf] + [o for i, o in enumerate(outs) if i != null])
    ctx.ok(lib.acla_image_read(good, buf.ptr, need, outs[0].ptr, outs[1].ptr, outs[2].ptr, None))


@case("files", "acla_image_write")
def write_bad_arguments(ctx):
    lib = ctx.lib
    px = (c_uint8 * 48)(*([7] * 48))
    out = os.path.join(ctx.tmp, "w.png").encode()
    w = lib.acla_image_write
    ctx.fails(w(None, px, 48, 3, 4, 4, 0), INVALID, "path")
    ctx.fails(w(out, None, 48, 3, 4, 4, 0), INVALID, "pixels")
    ctx.fails(w(b"\xff.png", px, 48, 3, 4, 4, 0), INVALID, "UTF-8")
    for length in (0, 47, 49, 2**63, SIZE_MAX):
        ctx.fails(w(out, px, length, 3, 4, 4, 0), SHAPE, str(length))
    for q in (-1, 101, INT32_MIN, INT32_MAX):
        ctx.fails(w(out.replace(b".png", b".jpg"), px, 48, 3, 4, 4, q), INVALID, str(q))
    for c, h, wd, mention in [(0, 4, 4, "0"), (5, 4, 4, "5"), (-1, 4, 4, "-1"), (3, 0, 4, "0"),
                              (3, 4, INT32_MIN, str(INT32_MIN))]:
        ctx.fails(w(out, px, 48, c, h, wd, 0), INVALID, mention)
    # alpha layouts: PNG only (JPEG has no alpha), exact lengths as for the others
    for c in (2, 4):
        ctx.fails(w(out, px, 48, c, 4, 4, 0), SHAPE, "48")
        alpha = (c_uint8 * (16 * c))(*([9] * (16 * c)))
        ctx.fails(w(out.replace(b".png", b".jpg"), alpha, 16 * c, c, 4, 4, 0), UNSUPPORTED, "alpha")
        ctx.ok(w(out.replace(b".png", f"-{c}.png".encode()), alpha, 16 * c, c, 4, 4, 0))
    for c, h, wd in [(3, INT32_MAX, INT32_MAX), (1, 1 << 20, 1 << 20)]:
        ctx.fails_any(w(out, px, 48, c, h, wd, 0), (OOM, SHAPE), "")
    ctx.fails(w(os.path.join(ctx.tmp, "noext").encode(), px, 48, 3, 4, 4, 0), UNSUPPORTED, "noext")
    ctx.fails(w(os.path.join(ctx.tmp, "x.bmp").encode(), px, 48, 3, 4, 4, 0), UNSUPPORTED, "x.bmp")
    d = os.path.join(ctx.tmp, "dir.png")
    os.mkdir(d)
    for path in [d, ctx.tmp + "/missing/x.png", "/proc/version.png", "/proc/x.jpg", "/" + "a" * (1 << 20) + ".png",
                 ctx.tmp + "/"]:
        ctx.step(f"write {path[:40]!r}")
        ctx.fails_any(w(path.encode(), px, 48, 3, 4, 4, 0), (IO, UNSUPPORTED), path[:30])
    assert os.listdir(d) == [], "a failed write left files behind"
    assert not [n for n in os.listdir(ctx.tmp) if "tmp" in n.lower()], f"temporary files left: {os.listdir(ctx.tmp)}"
    wide = (c_uint8 * 70000)(*([1] * 70000))
    ctx.fails(w(os.path.join(ctx.tmp, "wide.jpg").encode(), wide, 70000, 1, 1, 70000, 50), UNSUPPORTED, "65500")
    ctx.ok(w(out, px, 48, 3, 4, 4, 0))


@case("files", "acla_image_info_ex", "acla_image_read_ex")
def keep_alpha_variants(ctx):
    """The _ex variants: unknown flag bits, NULLs, short buffers (alpha makes them larger), every
    malformed file and bad path of the plain functions, with and without the flag."""
    lib = ctx.lib
    rgba = str(FIXTURES / "photo_rgba.png").encode()
    for flags in (2, 3, 0x80000000, 0xFFFFFFFF):
        outs = info_outs()
        ctx.step(f"flags 0x{flags:x}")
        ctx.fails(lib.acla_image_info_ex(rgba, flags, *[o.ptr for o in outs]), INVALID, "flags", f"{flags:x}", outs=outs)
        buf, outs = Out(c_uint8, 64 * 64 * 4), info_outs()[1:]
        ctx.fails(lib.acla_image_read_ex(rgba, flags, buf.ptr, 64 * 64 * 4, *[o.ptr for o in outs]), INVALID, "flags",
                  outs=outs + [buf])
    outs = info_outs()
    ctx.fails(lib.acla_image_info_ex(None, 1, *[o.ptr for o in outs]), INVALID, "path", outs=outs)
    for null in (1, 2, 3):
        ptrs = [None if i == null else o.ptr for i, o in enumerate(outs)]
        ctx.fails(lib.acla_image_info_ex(rgba, 1, *ptrs), INVALID, "", outs=[o for i, o in enumerate(outs) if i != null])
    ctx.ok(lib.acla_image_info_ex(rgba, 1, *[o.ptr for o in outs]))
    c, h, w = outs[1].buf[0], outs[2].buf[0], outs[3].buf[0]
    assert c == 4, c
    need = h * w * 4
    buf, outs = Out(c_uint8, need), info_outs()[1:]
    ctx.fails(lib.acla_image_read_ex(rgba, 1, None, need, *[o.ptr for o in outs]), INVALID, "pixels", outs=outs)
    # the size acla_image_info (no alpha) gives is one channel short
    for length in (0, h * w * 3, need - 1):
        ctx.fails(lib.acla_image_read_ex(rgba, 1, buf.ptr, length, *[o.ptr for o in outs]), SHAPE, str(length),
                  outs=outs + [buf])
    for null in (0, 1, 2):
        ptrs = [None if i == null else o.ptr for i, o in enumerate(outs)]
        ctx.fails(lib.acla_image_read_ex(rgba, 1, buf.ptr, need, *ptrs), INVALID, "",
                  outs=[buf] + [o for i, o in enumerate(outs) if i != null])
    for name, data, statuses, mention in hostile_files(ctx.tmp):
        path = os.path.join(ctx.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        for flags in (0, 1):
            outs = info_outs()
            ctx.step(f"info_ex {name} flags {flags}")
            rc = lib.acla_image_info_ex(path.encode(), flags, *[o.ptr for o in outs])
            if rc != OK:
                ctx.fails_any(rc, statuses, mention, outs=outs)
            buf, outs = Out(c_uint8, 64 * 64 * 4), info_outs()[1:]
            ctx.step(f"read_ex {name} flags {flags}")
            rc = lib.acla_image_read_ex(path.encode(), flags, buf.ptr, 64 * 64 * 4, *[o.ptr for o in outs])
            if OK in statuses and rc == OK:
                continue
            if rc == SHAPE:
                continue    # declared bigger than the buffer: refused before decoding
            ctx.fails_any(rc, statuses, mention, outs=outs)
    for path in [b"", ctx.tmp.encode(), b"/nonexistent/x.png", b"/dev/zero", b"/" + b"a" * (1 << 20) + b".png"]:
        outs = info_outs()
        ctx.step(f"info_ex {path[:40]!r}")
        ctx.fails_any(lib.acla_image_info_ex(path, 1, *[o.ptr for o in outs]), (IO, INVALID), path[:30].decode(), outs=outs)
        buf, outs = Out(c_uint8, 64), info_outs()[1:]
        ctx.fails_any(lib.acla_image_read_ex(path, 1, buf.ptr, 64, *[o.ptr for o in outs]), (IO, INVALID),
                      path[:30].decode(), outs=outs + [buf])
