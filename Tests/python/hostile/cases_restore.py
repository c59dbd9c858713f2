"""Hostile calls of the restore functions: options out of range, NULL everywhere, lengths one
off or near 2^64, absurd geometry, overlapping buffers, callbacks that cancel, and a model
whose output is NaN."""
import ctypes
import json
from ctypes import CFUNCTYPE, POINTER, byref, c_int32, c_int64, c_size_t, c_uint8, c_uint32, c_void_p

import capi
from harness import CANCELLED, INT32_MAX, INT32_MIN, INVALID, OOM, SHAPE, SIZE_MAX, UNSUPPORTED, Out, case

PROGRESS = CFUNCTYPE(c_int32, c_void_p, c_int64, c_int64)
u8p = POINTER(c_uint8)

# registered here so that capi.load sets them (the child loads the library after importing cases)
capi.PROTOTYPES.update({
    "acla_restore_options_create": (c_int32, [POINTER(c_void_p)]),
    "acla_restore_options_destroy": (None, [c_void_p]),
    "acla_restore_options_set_tile": (c_int32, [c_void_p, c_int32, c_int32]),
    "acla_restore_options_get_tile": (c_int32, [c_void_p, POINTER(c_int32), POINTER(c_int32)]),
    "acla_restore_options_set_ensemble": (c_int32, [c_void_p, c_int32]),
    "acla_restore_options_set_progress": (c_int32, [c_void_p, PROGRESS, c_void_p]),
    "acla_model_restore_output_size": (c_int32, [c_void_p, c_int32, c_int32, c_int32, POINTER(c_int32), POINTER(c_int32),
                                                 POINTER(c_int32), POINTER(c_uint32)]),
    "acla_model_restore": (c_int32, [c_void_p, c_void_p, u8p, c_size_t, c_int32, c_int32, c_int32, u8p, c_size_t]),
})

X2 = {"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}
DEMOSAIC = {"backbone": "edsr", "task": "demosaic", "blocks": 1, "features": 4}


def options(ctx):
    h = c_void_p()
    ctx.ok(ctx.lib.acla_restore_options_create(byref(h)))
    return h


def u8(n, value=100):
    return (c_uint8 * n)(*([value] * n))


@case("restore", "acla_restore_options_create", "acla_restore_options_destroy", "acla_restore_options_set_tile",
      "acla_restore_options_get_tile", "acla_restore_options_set_ensemble", "acla_restore_options_set_progress")
def options_out_of_range(ctx):
    lib = ctx.lib
    lib.acla_restore_options_destroy(None)
    ctx.fails(lib.acla_restore_options_create(None), INVALID, "out")
    o = options(ctx)
    tile, overlap = Out(c_int32), Out(c_int32)
    ctx.ok(lib.acla_restore_options_get_tile(o, tile.ptr, overlap.ptr))
    assert (tile.value, overlap.value) == (256, 64), (tile.value, overlap.value)
    for t, v, mention in [(-1, 0, "-1"), (INT32_MIN, 0, str(INT32_MIN)), (8, 8, "8"), (8, 9, "9"), (8, -1, "-1"),
                          (1, INT32_MAX, str(INT32_MAX)), (0, -5, "-5")]:
        ctx.step(f"set_tile({t}, {v})")
        ctx.fails(lib.acla_restore_options_set_tile(o, t, v), INVALID, mention)
        ctx.ok(lib.acla_restore_options_get_tile(o, tile.ptr, overlap.ptr))
        assert (tile.value, overlap.value) == (256, 64), "a refused set_tile changed the options"
    ctx.ok(lib.acla_restore_options_set_tile(o, INT32_MAX, INT32_MAX - 1))
    ctx.ok(lib.acla_restore_options_set_tile(o, 0, 1000))
    ctx.ok(lib.acla_restore_options_set_tile(o, 1, 0))
    ctx.fails(lib.acla_restore_options_set_tile(None, 8, 2), INVALID, "options")
    t2, v2 = Out(c_int32), Out(c_int32)
    ctx.fails(lib.acla_restore_options_get_tile(None, t2.ptr, v2.ptr), INVALID, "options", outs=[t2, v2])
    ctx.fails(lib.acla_restore_options_get_tile(o, None, v2.ptr), INVALID, "tile", outs=[v2])
    ctx.fails(lib.acla_restore_options_get_tile(o, t2.ptr, None), INVALID, "overlap", outs=[t2])
    for e in (2, -1, INT32_MIN, INT32_MAX):
        ctx.fails(lib.acla_restore_options_set_ensemble(o, e), INVALID, str(e))
    ctx.fails(lib.acla_restore_options_set_ensemble(None, 1), INVALID, "options")
    ctx.ok(lib.acla_restore_options_set_ensemble(o, 1))
    ctx.ok(lib.acla_restore_options_set_ensemble(o, 0))
    ctx.fails(lib.acla_restore_options_set_progress(None, PROGRESS(lambda u, d, t: 0), None), INVALID, "options")
    ctx.ok(lib.acla_restore_options_set_progress(o, ctypes.cast(None, PROGRESS), None))
    lib.acla_restore_options_destroy(o)


@case("restore", "acla_model_restore_output_size")
def output_size_absurd_geometry(ctx):
    lib = ctx.lib
    m = ctx.create(X2)
    c, h, w, notes = Out(c_int32), Out(c_int32), Out(c_int32), Out(c_uint32)
    outs = [c, h, w, notes]
    ctx.ok(lib.acla_model_restore_output_size(m, 4, 5, 7, c.ptr, h.ptr, w.ptr, notes.ptr))
    assert (c.value, h.value, w.value, notes.value) == (4, 10, 14, 16)
    ctx.ok(lib.acla_model_restore_output_size(m, 1, 5, 7, c.ptr, h.ptr, w.ptr, None))
    assert (c.value, h.value, w.value) == (1, 10, 14)
    outs = [Out(c_int32), Out(c_int32), Out(c_int32), Out(c_uint32)]
    ptrs = [o.ptr for o in outs]
    ctx.fails(lib.acla_model_restore_output_size(None, 3, 5, 7, *ptrs), INVALID, "model", outs=outs)
    for channels in (0, 5, -1, INT32_MIN, INT32_MAX):
        ctx.step(f"output_size channels {channels}")
        ctx.fails(lib.acla_model_restore_output_size(m, channels, 5, 7, *ptrs), INVALID, str(channels), outs=outs)
    for hh, ww, statuses, mention in [(0, 7, (INVALID,), "0"), (5, -1, (INVALID,), "-1"), (INT32_MIN, 7, (INVALID,), str(INT32_MIN)),
                                      (INT32_MAX, 1, (INVALID, OOM), str(INT32_MAX)),
                                      (INT32_MAX, INT32_MAX, (INVALID, OOM), str(INT32_MAX)),
                                      (8000, 8000, (OOM,), "restored image")]:
        ctx.step(f"output_size {hh}x{ww}")
        ctx.fails_any(lib.acla_model_restore_output_size(m, 3, hh, ww, *ptrs), statuses, mention, outs=outs)
    for i, name in enumerate(("out_channels", "out_height", "out_width")):
        args = list(ptrs[:3])
        args[i] = None
        kept = [o for j, o in enumerate(outs[:3]) if j != i]
        ctx.fails(lib.acla_model_restore_output_size(m, 3, 5, 7, *args, notes.ptr), INVALID, name, outs=kept)
    d = ctx.create(DEMOSAIC)
    for channels in (2, 4):
        ctx.fails(lib.acla_model_restore_output_size(d, channels, 6, 6, *ptrs), UNSUPPORTED, "alpha", outs=outs)
    ctx.ok(lib.acla_model_restore_output_size(d, 1, 6, 6, *ptrs))
    assert (outs[0].value, outs[3].value) == (3, 8)
    lib.acla_model_destroy(d)
    lib.acla_model_destroy(m)


@case("restore", "acla_model_restore")
def restore_bad_buffers(ctx):
    lib = ctx.lib
    m = ctx.create(X2)
    n_in, n_out = 5 * 7 * 3, 10 * 14 * 3
    src = u8(n_in)
    dst = Out(c_uint8, n_out)
    ctx.fails(lib.acla_model_restore(None, None, src, n_in, 3, 5, 7, dst.ptr, n_out), INVALID, "model", outs=[dst])
    ctx.fails(lib.acla_model_restore(m, None, None, n_in, 3, 5, 7, dst.ptr, n_out), INVALID, "input", outs=[dst])
    ctx.fails(lib.acla_model_restore(m, None, src, n_in, 3, 5, 7, None, n_out), INVALID, "output")
    for n in (0, n_in - 1, n_in + 1, 2**63, SIZE_MAX):
        ctx.step(f"input_len {n}")
        ctx.fails(lib.acla_model_restore(m, None, src, n, 3, 5, 7, dst.ptr, n_out), SHAPE, str(n), outs=[dst])
    for n in (0, n_out - 1, n_out + 1, 2**63, SIZE_MAX):
        ctx.step(f"output_len {n}")
        ctx.fails(lib.acla_model_restore(m, None, src, n_in, 3, 5, 7, dst.ptr, n), SHAPE, str(n), outs=[dst])
    for c, h, w, mention in [(0, 5, 7, "0"), (6, 5, 7, "6"), (3, 0, 7, "0"), (3, 5, INT32_MIN, str(INT32_MIN)),
                             (3, INT32_MAX, INT32_MAX, str(INT32_MAX))]:
        ctx.step(f"restore geometry {c} {h}x{w}")
        ctx.fails_any(lib.acla_model_restore(m, None, src, n_in, c, h, w, dst.ptr, n_out), (INVALID, OOM), mention, outs=[dst])
    # one buffer for input and output (a same-size task would read pixels it already replaced)
    g = ctx.create({"backbone": "edsr", "task": "denoise", "channels": 3, "blocks": 1, "features": 4})
    shared = u8(n_in + 16)
    ctx.fails(lib.acla_model_restore(g, None, shared, n_in, 3, 5, 7, shared, n_in), INVALID, "overlap")
    tail = ctypes.cast(ctypes.byref(shared, 16), u8p)
    ctx.fails(lib.acla_model_restore(g, None, shared, n_in, 3, 5, 7, tail, n_in), INVALID, "overlap")
    # a handle that is not an options object is not detectable; NULL options mean the defaults
    ctx.ok(lib.acla_model_restore(m, None, src, n_in, 3, 5, 7, dst.ptr, n_out))
    ctx.ok(lib.acla_model_restore(m, None, u8(5 * 7 * 4), 5 * 7 * 4, 4, 5, 7, Out(c_uint8, 10 * 14 * 4).ptr, 10 * 14 * 4))
    # over the pixel limit
    before = lib.acla_image_get_pixel_limit()
    ctx.ok(lib.acla_image_set_pixel_limit(100))
    ctx.fails(lib.acla_model_restore(m, None, src, n_in, 3, 5, 7, Out(c_uint8, n_out).ptr, n_out), OOM, "limit")
    ctx.ok(lib.acla_image_set_pixel_limit(before))
    lib.acla_model_destroy(g)
    lib.acla_model_destroy(m)


@case("restore", "acla_model_restore", "acla_restore_options_set_progress")
def restore_cancelled_by_callbacks(ctx):
    lib = ctx.lib
    m = ctx.create(X2)
    o = options(ctx)
    ctx.ok(lib.acla_restore_options_set_tile(o, 4, 1))
    n_in, n_out = 9 * 9 * 3, 18 * 18 * 3
    src = u8(n_in)
    calls = []

    def cancel_at(limit, value):
        def fn(user, done, total):
            calls.append((user, done, total))
            return value if done >= limit else 0
        return PROGRESS(fn)
    for limit, value in [(0, 1), (0, -1), (1, INT32_MIN), (3, INT32_MAX)]:
        calls.clear()
        cb = cancel_at(limit, value)
        ctx.ok(lib.acla_restore_options_set_progress(o, cb, c_void_p(0x1234)))
        dst = Out(c_uint8, n_out)
        ctx.step(f"cancel at {limit} with {value}")
        ctx.fails(lib.acla_model_restore(m, o, src, n_in, 3, 9, 9, dst.ptr, n_out), CANCELLED, "cancel")
        assert calls[-1][1] == limit and calls[0][1] == 0 and all(u == 0x1234 for u, _, _ in calls), calls
        # 4 x 4 tiles rounded up to 5 x 5 (9 modulo the Winograd alignment 4): 2 x 2 windows
        assert calls[0][2] == 4, f"4 windows of 5 x 5 with overlap 1 in 9 x 9, got total {calls[0][2]}"
        if limit == 0:
            assert dst.untouched(), "cancelling before any work wrote the output"
    keep = cancel_at(100, 1)   # the caller keeps the callback alive while the options hold it
    ctx.ok(lib.acla_restore_options_set_progress(o, keep, None))
    ctx.ok(lib.acla_model_restore(m, o, src, n_in, 3, 9, 9, Out(c_uint8, n_out).ptr, n_out))
    lib.acla_restore_options_destroy(o)
    lib.acla_model_destroy(m)


@case("restore", "acla_model_restore")
def restore_model_output_nan(ctx):
    lib = ctx.lib
    m = ctx.create({"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 1, "features": 2})
    shape = (ctypes.c_int64 * 4)()
    rank = c_int32()
    ctx.ok(lib.acla_model_parameter_shape(m, b"head.0.weight", shape, 4, byref(rank)))
    n = shape[0] * shape[1] * shape[2] * shape[3]
    # +-3e38 weights: the first conv overflows to +inf and -inf, the next one adds them: NaN
    big = ctx.floats([3e38 if i % 2 else -3e38 for i in range(n)])
    ctx.ok(lib.acla_model_set_parameter(m, b"head.0.weight", big, n))
    for name in (b"body.0.body.0.weight", b"body.0.body.2.weight", b"body.1.weight", b"tail.0.weight"):
        ctx.ok(lib.acla_model_parameter_shape(m, name, shape, 4, byref(rank)))
        k = shape[0] * shape[1] * shape[2] * shape[3]
        ctx.ok(lib.acla_model_set_parameter(m, name, ctx.floats([1e38 if i % 3 else -1e38 for i in range(k)]), k))
    src = u8(36, 200)
    dst = (c_uint8 * 36)()
    ctx.fails(lib.acla_model_restore(m, None, src, 36, 1, 6, 6, dst, 36), INVALID, "NaN")
    lib.acla_model_destroy(m)
