"""Hostile calls of the attention functions: bad indices, NULL outputs, absurd probes and
limits, bad derive positions, and the list protocols (count, cap)."""
import ctypes
import math
from ctypes import c_double, c_float, c_int32, c_size_t, c_uint8, c_uint64, c_void_p

from harness import INT32_MAX, INT32_MIN, INVALID, OOM, SHAPE, SIZE_MAX, STATE, Out, case

KINDS = ("cla", "acla", "nl", "clnl", "se", "supernet")


@case("attention", "acla_model_attention_count", "acla_model_attention_module", "acla_model_attention_sources")
def module_descriptions(ctx):
    lib = ctx.lib
    count = Out(c_int32)
    ctx.fails(lib.acla_model_attention_count(None, count.ptr), INVALID, "model", outs=[count])
    for kind in ("edsr",) + KINDS:
        m = ctx.model(kind)
        ctx.fails(lib.acla_model_attention_count(m, None), INVALID, "count")
        n = c_int32()
        ctx.ok(lib.acla_model_attention_count(m, ctypes.byref(n)))
        outs = [Out(c_int32) for _ in range(3)]
        for index in (INT32_MIN, -1, n.value, INT32_MAX):
            ctx.step(f"{kind} module {index}")
            ctx.fails(lib.acla_model_attention_module(m, index, *[o.ptr for o in outs]), INVALID, str(index), outs=outs)
            cnt, layers = Out(c_int32), Out(c_int32, 4)
            ctx.fails(lib.acla_model_attention_sources(m, index, layers.ptr, 4, cnt.ptr), INVALID, str(index),
                      outs=[cnt, layers])
        if n.value == 0:
            continue
        for null in range(3):
            ptrs = [None if i == null else o.ptr for i, o in enumerate(outs)]
            ctx.fails(lib.acla_model_attention_module(m, 0, *ptrs), INVALID, "", outs=outs)
        ctx.fails(lib.acla_model_attention_module(None, 0, *[o.ptr for o in outs]), INVALID, "model", outs=outs)
        last = n.value - 1
        ctx.fails(lib.acla_model_attention_sources(m, last, None, 0, None), INVALID, "count")
        for cap in (INT32_MIN, -1):
            cnt = c_int32()
            ctx.step(f"{kind} sources cap {cap}")
            ctx.fails(lib.acla_model_attention_sources(m, last, None, cap, ctypes.byref(cnt)), SHAPE, str(cap))
            assert cnt.value >= 1
        cnt = Out(c_int32)
        ctx.step(f"{kind} sources NULL buffer, huge cap")
        ctx.fails(lib.acla_model_attention_sources(m, last, None, INT32_MAX, cnt.ptr), INVALID, "", outs=[cnt])


@case("attention", "acla_model_attention_open_fraction", "acla_model_attention_macs", "acla_model_measured_macs")
def statistics_before_and_after_forward(ctx):
    lib = ctx.lib
    frac, macs = Out(c_double), Out(c_uint64)
    ctx.fails(lib.acla_model_measured_macs(None, macs.ptr), INVALID, "model", outs=[macs])
    ctx.fails(lib.acla_model_measured_macs(ctx.model("edsr"), macs.ptr), STATE, "", outs=[macs])
    ctx.fails(lib.acla_model_attention_open_fraction(ctx.model("edsr"), 0, frac.ptr), INVALID, "0", outs=[frac])
    for kind in KINDS:
        m = ctx.create(ctx.CONFIGS[kind])
        ctx.step(f"{kind} before forward")
        frac, macs = Out(c_double), Out(c_uint64)
        ctx.fails(lib.acla_model_attention_open_fraction(m, 0, frac.ptr), STATE, "forward", outs=[frac])
        ctx.fails(lib.acla_model_attention_macs(m, 0, macs.ptr), STATE, "forward", outs=[macs])
        ctx.fails(lib.acla_model_measured_macs(m, macs.ptr), STATE, "forward", outs=[macs])
        ctx.forward_ok(m, 1, 3, 5, 4)
        for index in (INT32_MIN, -1, 99, INT32_MAX):
            ctx.fails(lib.acla_model_attention_open_fraction(m, index, frac.ptr), INVALID, str(index), outs=[frac])
            ctx.fails(lib.acla_model_attention_macs(m, index, macs.ptr), INVALID, str(index), outs=[macs])
        ctx.fails(lib.acla_model_attention_open_fraction(m, 0, None), INVALID, "fraction")
        ctx.fails(lib.acla_model_attention_macs(m, 0, None), INVALID, "out")
        ctx.fails(lib.acla_model_measured_macs(m, None), INVALID, "out")
        ctx.fails(lib.acla_model_attention_open_fraction(None, 0, frac.ptr), INVALID, "model", outs=[frac])
        ctx.fails(lib.acla_model_attention_macs(None, 0, macs.ptr), INVALID, "model", outs=[macs])
        ctx.ok(lib.acla_model_attention_open_fraction(m, 0, frac.ptr))
        assert 0 <= frac.value <= 1
        lib.acla_model_destroy(m)


@case("attention", "acla_model_set_probe", "acla_model_probe_keys")
def probes(ctx):
    lib = ctx.lib
    ctx.fails(lib.acla_model_set_probe(None, 0, 0), INVALID, "model")
    ctx.fails(lib.acla_model_set_probe(ctx.model("edsr"), 0, 0), STATE, "attention")
    for kind in KINDS:
        m = ctx.create(ctx.CONFIGS[kind])
        for y, x in [(-2, 0), (0, -1), (INT32_MIN, INT32_MIN), (-1, 0)]:
            ctx.step(f"{kind} probe ({y}, {x})")
            ctx.fails(lib.acla_model_set_probe(m, y, x), INVALID, str(min(y, x)))
        for y, x in [(INT32_MAX, INT32_MAX), (0, INT32_MAX), (4, 3), (0, 0)]:
            ctx.step(f"{kind} probe ({y}, {x}) then forward of NaN")
            ctx.ok(lib.acla_model_set_probe(m, y, x))
            ctx.ok(lib.acla_model_set_allow_nonfinite(m, 1))  # NaN input reaches the sampling code
            ctx.forward_ok(m, 2, 3, 5, 4, math.nan)
            ctx.forward_ok(m, 1, 3, 5, 4, 7.0)
            count = c_size_t()
            ctx.ok(lib.acla_model_probe_keys(m, 0, None, None, None, None, None, SIZE_MAX, ctypes.byref(count)))
            n = count.value
            assert (n == 0) == (y >= 5 or x >= 4 or kind == "se"), f"{n} probed keys at ({y}, {x})"
            if n:
                arrays = [Out(c_int32, n), Out(c_float, n), Out(c_float, n), Out(c_float, n), Out(c_uint8, n)]
                cnt = c_size_t()
                ctx.fails(lib.acla_model_probe_keys(m, 0, *[a.ptr for a in arrays], n - 1, ctypes.byref(cnt)), SHAPE,
                          str(n - 1), outs=arrays)
                assert cnt.value == n
                ctx.ok(lib.acla_model_probe_keys(m, 0, *[a.ptr for a in arrays], n, ctypes.byref(cnt)))
        cnt = Out(c_size_t)
        for index in (-1, 99, INT32_MIN):
            ctx.fails(lib.acla_model_probe_keys(m, index, None, None, None, None, None, 0, cnt.ptr), INVALID, str(index),
                      outs=[cnt])
        ctx.fails(lib.acla_model_probe_keys(m, 0, None, None, None, None, None, 0, None), INVALID, "count")
        ctx.fails(lib.acla_model_probe_keys(None, 0, None, None, None, None, None, 0, cnt.ptr), INVALID, "model",
                  outs=[cnt])
        ctx.ok(lib.acla_model_set_probe(m, -1, -1))
        lib.acla_model_destroy(m)


@case("attention", "acla_model_set_attention_memory_limit")
def memory_limits(ctx):
    lib = ctx.lib
    ctx.fails(lib.acla_model_set_attention_memory_limit(None, 1), INVALID, "model")
    for kind in ("nl", "clnl"):
        m = ctx.create(ctx.CONFIGS[kind])
        ctx.fails(lib.acla_model_set_attention_memory_limit(m, 0), INVALID, "0")
        ctx.ok(lib.acla_model_set_attention_memory_limit(m, 2**64 - 1))
        ctx.forward_ok(m, 1, 3, 4, 4)
        ctx.ok(lib.acla_model_set_attention_memory_limit(m, 1))
        x = ctx.floats([1.0] * 48)
        y = Out(c_float, 3 * 64)
        ctx.fails(lib.acla_model_forward(m, x, 1, 3, 4, 4, y.ptr, 3 * 64), OOM, "limit", outs=[y])
        lib.acla_model_destroy(m)
    ctx.ok(lib.acla_model_set_attention_memory_limit(ctx.model("edsr"), 1))


@case("attention", "acla_model_search_positions", "acla_model_derive")
def search_outcome(ctx):
    lib = ctx.lib
    s = ctx.model("supernet")   # blocks 3
    count = Out(c_int32)
    positions = Out(c_int32, 3)
    ctx.fails(lib.acla_model_search_positions(None, positions.ptr, 3, count.ptr), INVALID, "model", outs=[count, positions])
    ctx.fails(lib.acla_model_search_positions(ctx.model("acla"), positions.ptr, 3, count.ptr), INVALID, "supernet",
              outs=[count, positions])
    ctx.fails(lib.acla_model_search_positions(s, positions.ptr, 3, None), INVALID, "count", outs=[positions])
    ctx.fails(lib.acla_model_search_positions(s, None, 3, count.ptr), INVALID, "", outs=[count])
    for cap in (INT32_MIN, -1, 2):
        cnt = c_int32()
        ctx.fails(lib.acla_model_search_positions(s, positions.ptr, cap, ctypes.byref(cnt)), SHAPE, str(cap),
                  outs=[positions])
        assert cnt.value == 3
    out = Out(c_void_p)
    arr = (c_int32 * 4)(1, 2, 3, 3)
    ctx.fails(lib.acla_model_derive(None, None, 0, out.ptr), INVALID, "model", outs=[out])
    ctx.fails(lib.acla_model_derive(s, None, 0, None), INVALID, "out")
    ctx.fails(lib.acla_model_derive(ctx.model("acla"), None, 0, out.ptr), INVALID, "supernet", outs=[out])
    for values, n, mention in [([1, 2, 3], -1, "-1"), ([1, 2, 3], INT32_MIN, str(INT32_MIN)), ([1, 2, 3], INT32_MAX, str(INT32_MAX)),
                               ([1, 2, 3], 4, "4"), ([0], 1, "0"), ([4], 1, "4"), ([-1], 1, "-1"), ([INT32_MIN], 1, str(INT32_MIN)),
                               ([2, 1], 2, "sorted"), ([2, 2], 2, "sorted")]:
        arr = (c_int32 * max(len(values), 1))(*values)
        ctx.step(f"derive {values} count {n}")
        ctx.fails(lib.acla_model_derive(s, arr, n, out.ptr), INVALID, mention, outs=[out])
    for values in ([], [2], [1, 3]):
        arr = (c_int32 * 3)(*values)
        handle = c_void_p()
        ctx.ok(lib.acla_model_derive(s, arr, len(values), ctypes.byref(handle)))
        ctx.forward_ok(handle, 1, 3, 4, 4)
        lib.acla_model_destroy(handle)
    handle = c_void_p()
    ctx.ok(lib.acla_model_derive(s, None, -5, ctypes.byref(handle)))   # count is ignored without positions
    lib.acla_model_destroy(handle)


@case("attention", "acla_model_set_parameter", "acla_model_forward")
def extreme_finite_weights(ctx):
    """Finite but absurd attention weights (offsets of 1e38 pixels, logits that overflow the
    softmax, wide-open or shut gates) must give garbage numbers, not out-of-bounds sampling."""
    lib = ctx.lib
    for kind in ("cla", "acla", "supernet", "nl", "clnl"):
        m = ctx.create(ctx.CONFIGS[kind])
        names = ctypes.create_string_buffer(1 << 16)
        needed = c_size_t()
        ctx.ok(lib.acla_model_parameter_names(m, names, len(names), ctypes.byref(needed)))
        targets = [n for n in names.value.decode().split("\n") if n.startswith(("attention.", "search."))]
        for value in (3.0e38, -3.0e38, 1e-45):
            for name in targets:
                count = Out(ctypes.c_int64, 4)
                rank = c_int32()
                ctx.ok(lib.acla_model_parameter_shape(m, name.encode(), count.ptr, 4, ctypes.byref(rank)))
                size = 1
                for d in list(count.buf)[:rank.value]:
                    size *= d
                ctx.ok(lib.acla_model_set_parameter(m, name.encode(), ctx.floats([value] * size), size))
            ctx.step(f"{kind} forward with attention weights {value}")
            ctx.ok(lib.acla_model_set_probe(m, 1, 1))
            ctx.forward_ok(m, 1, 3, 5, 4)
            ctx.ok(lib.acla_model_set_allow_nonfinite(m, 1))
            ctx.forward_ok(m, 1, 3, 5, 4, math.nan)
            ctx.ok(lib.acla_model_set_allow_nonfinite(m, 0))
        lib.acla_model_destroy(m)


@case("attention", "acla_model_forward")
def attention_maps_over_the_limit(ctx):
    """A deep supernet predicts 2 * r * K offset channels (8192 here) per pixel: an input whose
    offset map would exceed the feature-map limit is refused before anything is allocated,
    although the backbone's own maps (4 features) are small."""
    lib = ctx.lib
    m = ctx.create({"backbone": "edsr", "scale": 2, "blocks": 64, "features": 4,
                    "attention": {"kind": "cla", "positions": "all", "keys": 64}})
    h = w = 600
    x = (c_float * (3 * h * w))()
    y = Out(c_float, 3 * 4 * h * w)
    ctx.step("forward of a 600x600 input through 8192 offset channels")
    ctx.fails(lib.acla_model_forward(m, x, 1, 3, h, w, y.ptr, 3 * 4 * h * w), OOM, "too large", outs=[y])
    lib.acla_model_destroy(m)


@case("attention", "acla_model_forward", "acla_model_set_attention_memory_limit")
def allocation_failure_is_an_error(ctx):
    """With the attention memory limit raised to UINT64_MAX, an NL forward on a 300x300 map needs
    a 90000 x 90000 attention matrix (32 GB): the child's 8 GiB address space cannot hold it. It
    is ACLA_ERR_OUT_OF_MEMORY, not an abort, refused by the working-set estimate before any
    allocation (the allocation-failure path behind it: WorkingSetTests); the handle stays usable."""
    lib = ctx.lib
    m = ctx.create({"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4,
                    "attention": {"kind": "nl", "positions": [1]}})
    ctx.ok(lib.acla_model_set_attention_memory_limit(m, 2**64 - 1))
    h = w = 300
    x = (c_float * (3 * h * w))(*([7.0] * (3 * h * w)))
    y = Out(c_float, 3 * 4 * h * w)
    ctx.step("NL forward needing a 32 GB attention matrix under an 8 GiB address-space limit")
    ctx.fails(lib.acla_model_forward(m, x, 1, 3, h, w, y.ptr, 3 * 4 * h * w), OOM, "estimated", "[1, 3, 300, 300]",
              outs=[y])
    ctx.forward_ok(m, 1, 3, 8, 8)
    lib.acla_model_destroy(m)
