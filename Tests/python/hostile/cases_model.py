"""Hostile calls of the model functions: absurd JSON configs, NULL everywhere, absurd sizes,
short buffers and non-finite values."""
import ctypes
import json
import math
from ctypes import byref, c_double, c_float, c_int32, c_int64, c_size_t, c_uint64, c_void_p

from harness import (FORMAT, INT32_MAX, INT32_MIN, INVALID, OOM, SHAPE, SIZE_MAX, Out, case)

EDSR = {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8}


def config_with(**changes):
    c = dict(EDSR)
    c.update(changes)
    return json.dumps(c).encode()


def expect_create_fails(ctx, text, status, *mentions):
    out = Out(c_void_p)
    ctx.step(f"create({text[:80]!r}{'...' if len(text) > 80 else ''})")
    ctx.fails(ctx.lib.acla_model_create(text, out.ptr), status, *mentions, outs=[out])


@case("config", "acla_model_create", "acla_model_destroy")
def create_null_and_malformed(ctx):
    lib = ctx.lib
    lib.acla_model_destroy(None)
    out = Out(c_void_p)
    ctx.fails(lib.acla_model_create(None, out.ptr), INVALID, "config_json", outs=[out])
    ctx.fails(lib.acla_model_create(json.dumps(EDSR).encode(), None), INVALID, "out")
    for text, status, mention in [
        (b"", FORMAT, "end of input"),
        (b"{", FORMAT, "byte"),
        (b"[]", INVALID, "object"),
        (b"null", INVALID, "object"),
        (b'{"backbone": "edsr", "scale": 2,}', FORMAT, "byte"),
        (b'{"backbone": "edsr", "backbone": "rcan", "scale": 2}', FORMAT, "duplicate"),
        (b'{"backbone": "\xff\xfe", "scale": 2}', INVALID, "UTF-8"),
        (b'{"backbone": "edsr", "scale": 1e400}', FORMAT, "1e400"),
        (b'{"backbone": "edsr", "scale": -1e400}', FORMAT, "1e400"),
        (b'{"backbone": "edsr", "scale": 99999999999999999999999}', INVALID, "scale"),
        (b'{"backbone": "edsr", "scale": NaN}', FORMAT, "byte"),
        (b'{"backbone": "edsr", "scale": 2, "seed": -1}', INVALID, "seed"),
        (b'{"backbone": "edsr", "scale": 2, "seed": 18446744073709551615}', INVALID, "seed"),
        (b'{"backbone": "edsr", "scale": 2, "res_scale": 1e308}', INVALID, "res_scale"),
        (b'{"backbone": "edsr", "scale": 2, "res_scale": -0.0}', INVALID, "res_scale"),
        (b'{"backbone": "edsr", "scale": 2, "\\u0000": 1}', INVALID, "unknown key"),
        (b'{"backbone": "edsr", "scale": "\\ud800"}', FORMAT, "surrogate"),
        (b'{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [1, 1]}}', INVALID, "positions"),
        (b'{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [0]}}', INVALID, "positions"),
        (b'{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [2147483647]}}', INVALID, "2147483647"),
        (b'{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [1], "keys": 0}}', INVALID, "keys"),
        (b'{"backbone": "edsr", "scale": 2, "attention": {"kind": "acla", "positions": [1], "keys": 65}}', INVALID, "keys"),
        (b'{"backbone": "edsr", "scale": 2, "attention": {"kind": "nl", "positions": "all"}}', None, "all"),
        (b'{"backbone": "edsr", "scale": 2, "attention": []}', INVALID, "attention"),
    ]:
        if status is None:   # documented as either refused kind (unsupported) or invalid
            out = Out(c_void_p)
            ctx.step(f"create({text!r})")
            ctx.fails_any(lib.acla_model_create(text, out.ptr), (INVALID, 5), mention, outs=[out])
        else:
            expect_create_fails(ctx, text, status, mention)


@case("config", "acla_model_create")
def create_absurd_sizes(ctx):
    for key, value in [("blocks", 0), ("blocks", -1), ("blocks", 1_000_000), ("blocks", INT32_MAX),
                       ("features", 0), ("features", 2**62), ("features", -(2**63)), ("scale", 5), ("scale", 0),
                       ("channels", 2), ("channels", INT32_MIN)]:
        expect_create_fails(ctx, config_with(**{key: value}), INVALID, key)
    rcan = {"backbone": "rcan", "scale": 2, "groups": 64, "blocks": 256, "features": 1024}
    expect_create_fails(ctx, json.dumps(rcan).encode(), OOM, "parameters")
    # attention counts against the parameter limit: a supernet's modules grow with L^2 * K,
    # CLA at every position likewise (backbones of 3e8 and 2e8 parameters, attention 1.6e9, 1.2e9)
    supernet = {"backbone": "edsr", "scale": 2, "blocks": 256, "features": 256,
                "attention": {"kind": "acla", "positions": "all", "keys": 64}}
    expect_create_fails(ctx, json.dumps(supernet).encode(), OOM, "attention")
    wide = {"backbone": "edsr", "scale": 2, "blocks": 250, "features": 200,
            "attention": {"kind": "cla", "positions": list(range(1, 251)), "keys": 64}}
    expect_create_fails(ctx, json.dumps(wide).encode(), OOM, "attention")


@case("config", "acla_model_create")
def create_huge_documents(ctx):
    expect_create_fails(ctx, b"[" * 200_000, FORMAT, "nesting")
    expect_create_fails(ctx, b'{"a":' * 200_000, FORMAT, "nesting")
    expect_create_fails(ctx, b'{"backbone": "' + b"x" * (10 << 20) + b'", "scale": 2}', INVALID, "backbone")
    expect_create_fails(ctx, b'{"' + b"k" * (10 << 20) + b'": 1}', INVALID, "unknown key")
    expect_create_fails(ctx, b" " * (10 << 20) + b"{}", INVALID, "backbone")
    expect_create_fails(ctx, b'{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": ['
                        + b"1," * (2 << 20) + b"1]}}", INVALID, "positions")
    expect_create_fails(ctx, b'{"backbone": "edsr", "scale": 2' + b' ' * 100 + b'1' * (1 << 20), FORMAT, "byte")
    expect_create_fails(ctx, b'{"backbone": "edsr", "scale": ' + b'1' * (1 << 20) + b'}', FORMAT, "out of range")
    expect_create_fails(ctx, b'{"backbone": "edsr", "scale": 0.' + b'0' * (1 << 20) + b'2}', INVALID, "scale")
    expect_create_fails(ctx, b'{"backbone": "edsr", "scale": 2, "seed": 1e-400}', INVALID, "seed")
    msg = ctx.message()
    assert len(msg) < 100_000, f"error message of {len(msg)} bytes"


@case("model", "acla_model_config", "acla_model_parameter_names")
def string_outputs(ctx):
    lib, m = ctx.lib, ctx.model("edsr")
    for fn, name in [(lib.acla_model_config, "config"), (lib.acla_model_parameter_names, "names")]:
        needed = Out(c_size_t)
        ctx.step(f"{name}: NULL model")
        ctx.fails(fn(None, None, 0, needed.ptr), INVALID, "model", outs=[needed])
        ctx.fails(fn(m, None, 0, None), INVALID, "needed")
        ctx.step(f"{name}: size query")
        rc = fn(m, None, 0, needed.ptr)
        ctx.fails(rc, SHAPE, "needs")
        size = needed.value
        assert 10 < size < 100_000
        buf = (ctypes.c_char * size)(*([b"\x7f"] * size))
        for cap in (1, size - 1):
            ctx.step(f"{name}: cap {cap}")
            ctx.fails(fn(m, buf, cap, needed.ptr), SHAPE, str(cap))
            assert buf.raw == b"\x7f" * size, "a too-small buffer was written"
        ctx.step(f"{name}: NULL buffer with a huge cap")
        n2 = Out(c_size_t)
        ctx.fails(fn(m, None, SIZE_MAX, n2.ptr), INVALID, "buf", outs=[n2])
        ctx.ok(fn(m, buf, size, needed.ptr))
        assert buf.raw[size - 1] == 0 and needed.value == size
        ctx.ok(fn(m, buf, SIZE_MAX, needed.ptr))   # cap is an upper bound only


@case("model", "acla_model_parameter_count", "acla_model_macs", "acla_model_output_size")
def counts_and_sizes(ctx):
    lib = ctx.lib
    out = Out(c_uint64)
    ctx.fails(lib.acla_model_parameter_count(None, out.ptr), INVALID, "model", outs=[out])
    for kind in ("edsr", "rcan", "acla", "nl", "supernet"):
        m = ctx.model(kind)
        out = Out(c_uint64)
        ctx.fails(lib.acla_model_parameter_count(m, None), INVALID, "out")
        ctx.fails(lib.acla_model_macs(m, 4, 4, None), INVALID, "out")
        ctx.fails(lib.acla_model_macs(None, 4, 4, out.ptr), INVALID, "model", outs=[out])
        for h, w in [(0, 4), (4, 0), (-1, 4), (4, INT32_MIN), (INT32_MIN, INT32_MIN)]:
            ctx.step(f"{kind} macs {h}x{w}")
            ctx.fails(lib.acla_model_macs(m, h, w, out.ptr), INVALID, str(min(h, w)), outs=[out])
        ctx.step(f"{kind} macs INT32_MAX^2")
        rc = lib.acla_model_macs(m, INT32_MAX, INT32_MAX, out.ptr)
        ctx.fails(rc, INVALID, "overflow", outs=[out])
        ctx.ok(lib.acla_model_macs(m, 1, 1, out.ptr))
        outs = [Out(c_int32) for _ in range(3)]
        for h, w in [(0, 1), (1, -5), (INT32_MIN, 1)]:
            ctx.step(f"{kind} output_size {h}x{w}")
            ctx.fails(lib.acla_model_output_size(m, h, w, *[o.ptr for o in outs]), INVALID, str(min(h, w)), outs=outs)
        ctx.step(f"{kind} output_size INT32_MAX")
        ctx.fails(lib.acla_model_output_size(m, INT32_MAX, 1, *[o.ptr for o in outs]), INVALID, str(INT32_MAX), outs=outs)
        for null in range(3):
            ptrs = [None if i == null else o.ptr for i, o in enumerate(outs)]
            ctx.fails(lib.acla_model_output_size(m, 4, 4, *ptrs), INVALID, "out_", outs=outs)
        ctx.fails(lib.acla_model_output_size(None, 4, 4, *[o.ptr for o in outs]), INVALID, "model", outs=outs)


@case("model", "acla_model_forward")
def forward_bad_arguments(ctx):
    lib, m = ctx.lib, ctx.model("edsr")
    x = ctx.floats([1.0] * (3 * 4 * 4))
    needed = 3 * 8 * 8
    y = Out(c_float, needed)
    fwd = lib.acla_model_forward
    ctx.fails(fwd(None, x, 1, 3, 4, 4, y.ptr, needed), INVALID, "model", outs=[y])
    ctx.fails(fwd(m, None, 1, 3, 4, 4, y.ptr, needed), INVALID, "input", outs=[y])
    ctx.fails(fwd(m, x, 1, 3, 4, 4, None, needed), INVALID, "output")
    for n, c, h, w in [(0, 3, 4, 4), (-1, 3, 4, 4), (1, 0, 4, 4), (1, 3, 0, 4), (1, 3, 4, INT32_MIN)]:
        ctx.step(f"forward {n}x{c}x{h}x{w}")
        ctx.fails(fwd(m, x, n, c, h, w, y.ptr, needed), INVALID, str(min(n, c, h, w)), outs=[y])
    for c in (1, 4, INT32_MAX):
        ctx.step(f"forward channels {c}")
        ctx.fails(fwd(m, x, 1, c, 4, 4, y.ptr, needed), SHAPE, str(c), outs=[y])
    for length in (0, needed - 1, needed + 1, SIZE_MAX, 2**63):
        ctx.step(f"forward output_len {length}")
        ctx.fails(fwd(m, x, 1, 3, 4, 4, y.ptr, length), SHAPE, str(length), outs=[y])
    for n, h, w in [(INT32_MAX, 4, 4), (1, INT32_MAX, INT32_MAX), (INT32_MAX, INT32_MAX, INT32_MAX),
                    (1, 1 << 16, 1 << 16), (1, INT32_MAX, 1)]:
        ctx.step(f"forward {n}x3x{h}x{w}")
        ctx.fails_any(fwd(m, x, n, 3, h, w, y.ptr, needed), (INVALID, OOM), "", outs=[y])


@case("model", "acla_model_forward", "acla_model_set_allow_nonfinite")
def forward_non_finite_inputs(ctx):
    """NaN and infinity are refused by default, naming the first one; allowed, they flow through
    every kind of model without a trap (sampling positions computed from NaN offsets must not
    index out of bounds)."""
    lib = ctx.lib
    for kind, c in [("edsr", 3), ("rcan", 3), ("gray", 1), ("cla", 3), ("acla", 3), ("nl", 3), ("clnl", 3),
                    ("se", 3), ("supernet", 3)]:
        m = ctx.model(kind)
        oc, oh, ow = c_int32(), c_int32(), c_int32()
        ctx.ok(lib.acla_model_output_size(m, 5, 6, byref(oc), byref(oh), byref(ow)))
        x = ctx.floats([7.0] * (2 * c * 5 * 6))
        y = Out(c_float, 2 * oc.value * oh.value * ow.value)
        for value in (math.nan, math.inf, -math.inf):
            ctx.step(f"{kind} forward of {value} refused")
            x[2 * c * 5 * 6 - 1] = value
            ctx.fails(lib.acla_model_forward(m, x, 2, c, 5, 6, y.ptr, len(y.buf)), INVALID, "non-finite",
                      f"index {2 * c * 5 * 6 - 1} (n 1, c {c - 1}, y 4, x 5)", outs=[y])
        for allow in (-1, 2, INT32_MAX, INT32_MIN):
            ctx.fails(lib.acla_model_set_allow_nonfinite(m, allow), INVALID, str(allow))
        ctx.ok(lib.acla_model_set_allow_nonfinite(m, 1))
        for value in (math.nan, math.inf, -math.inf, 3.0e38, -3.0e38):
            ctx.step(f"{kind} forward of {value}")
            ctx.forward_ok(m, 2, c, 5, 6, value)
        ctx.ok(lib.acla_model_set_allow_nonfinite(m, 0))
    ctx.fails(lib.acla_model_set_allow_nonfinite(None, 1), INVALID, "model")


@case("model", "acla_model_get_parameter", "acla_model_set_parameter", "acla_model_parameter_shape")
def parameter_access(ctx):
    lib = ctx.lib
    m = ctx.create(EDSR)
    name = b"head.0.weight"
    count = 8 * 3 * 3 * 3
    dst = Out(c_float, count + 1)
    get, put = lib.acla_model_get_parameter, lib.acla_model_set_parameter
    ctx.fails(get(None, name, dst.ptr, count), INVALID, "model", outs=[dst])
    ctx.fails(get(m, None, dst.ptr, count), INVALID, "name", outs=[dst])
    ctx.fails(get(m, name, None, count), INVALID, "dst")
    for bad in (b"", b"no.such", b"\xff\xfe", b"head.0.weight\n", b"x" * (1 << 20)):
        ctx.step(f"get {bad[:20]!r}")
        ctx.fails_any(get(m, bad, dst.ptr, count), (INVALID,), "", outs=[dst])
        ctx.fails_any(put(m, bad, dst.ptr, count), (INVALID,), "")
    for length in (0, count - 1, count + 1, SIZE_MAX, 2**63):
        ctx.step(f"get/set len {length}")
        ctx.fails(get(m, name, dst.ptr, length), SHAPE, str(length), outs=[dst])
        ctx.fails(put(m, name, dst.ptr, length), SHAPE, str(length))
    original = (c_float * count)()
    ctx.ok(get(m, name, original, count))
    ctx.fails(put(None, name, original, count), INVALID, "model")
    ctx.fails(put(m, name, None, count), INVALID, "src")
    for value in (math.nan, math.inf, -math.inf):
        bad = (c_float * count)(*original)
        bad[count // 2] = value
        ctx.step(f"set {value}")
        ctx.fails(put(m, name, bad, count), INVALID, str(count // 2))
    after = (c_float * count)()
    ctx.ok(get(m, name, after, count))
    assert list(after) == list(original), "a refused set_parameter changed the parameter"
    # shapes
    shape = lib.acla_model_parameter_shape
    rank = Out(c_int32)
    dims = Out(c_int64, 4)
    ctx.fails(shape(None, name, dims.ptr, 4, rank.ptr), INVALID, "model", outs=[rank, dims])
    ctx.fails(shape(m, None, dims.ptr, 4, rank.ptr), INVALID, "name", outs=[rank, dims])
    ctx.fails(shape(m, b"nope", dims.ptr, 4, rank.ptr), INVALID, "nope", outs=[rank, dims])
    ctx.fails(shape(m, name, dims.ptr, 4, None), INVALID, "rank", outs=[dims])
    ctx.fails(shape(m, name, None, 4, rank.ptr), INVALID, "dims", outs=[rank])
    for cap in (INT32_MIN, -1, 0, 3):
        ctx.step(f"parameter_shape cap {cap}")
        ctx.fails(shape(m, name, dims.ptr, cap, rank.ptr), SHAPE, str(cap), outs=[dims])
    ctx.ok(shape(m, name, dims.ptr, INT32_MAX, rank.ptr))
    assert rank.value == 4 and list(dims.buf) == [8, 3, 3, 3]
    lib.acla_model_destroy(m)


@case("model", "acla_model_load_default", "acla_models_catalog")
def bundled_models(ctx):
    """NULLs, unknown names, a missing catalog folder, a malformed catalog, the size protocol."""
    import os
    lib = ctx.lib
    handle = Out(c_void_p)
    needed = Out(c_size_t)
    ctx.fails(lib.acla_model_load_default(None, handle.ptr), INVALID, "name", outs=[handle])
    ctx.fails(lib.acla_model_load_default(b"sr-x2", None), INVALID, "out")
    ctx.fails(lib.acla_models_catalog(None, 0, None), INVALID, "needed")
    folder = os.path.join(ctx.tmp, "models")
    os.makedirs(folder, exist_ok=True)
    os.environ["ACLA_MODELS_DIR"] = folder
    try:
        ctx.step("names that are not bundled (the search path may reach the source tree's models/)")
        for name in (b"sr-x5", b"\xff\xfe", b"x" * 100_000, b"../../etc/passwd"):
            rc = lib.acla_model_load_default(name, handle.ptr)
            assert rc != 0 and handle.untouched(), f"load_default({name[:20]!r}) returned {rc}"
        with open(os.path.join(folder, "catalog.json"), "w") as f:
            f.write('{"models": [{"name": "tiny", "file": "tiny.safetensors", "task": "sr", "scale": 2}]}')
        ctx.step("unknown name lists the bundled names")
        ctx.fails(lib.acla_model_load_default(b"sr-x9", handle.ptr), INVALID, "tiny", outs=[handle])
        ctx.step("a catalog entry whose file is missing")
        rc = lib.acla_model_load_default(b"tiny", handle.ptr)
        assert rc != 0 and handle.untouched()
        m = ctx.create(EDSR)
        ctx.ok(lib.acla_model_save(m, os.path.join(folder, "tiny.safetensors").encode()))
        lib.acla_model_destroy(m)
        ctx.ok(lib.acla_model_load_default(b"tiny", handle.ptr))
        lib.acla_model_destroy(handle.value)
        ctx.step("catalog size protocol")
        ctx.fails(lib.acla_models_catalog(None, 0, needed.ptr), SHAPE, "needs")
        size = needed.value
        buf = (ctypes.c_char * size)()
        ctx.fails(lib.acla_models_catalog(None, SIZE_MAX, needed.ptr), INVALID, "buf")
        ctx.ok(lib.acla_models_catalog(buf, size, needed.ptr))
        assert json.loads(buf.value)["models"][0]["name"] == "tiny"
        with open(os.path.join(folder, "catalog.json"), "w") as f:
            f.write('{"models": [')
        ctx.fails(lib.acla_models_catalog(None, 0, needed.ptr), FORMAT, "")
    finally:
        del os.environ["ACLA_MODELS_DIR"]
