"""Hostile checkpoints: malformed safetensors files (absurd header lengths, a header declaring a
1 TB tensor in a sparse file, overflowing shapes, bad offsets and metadata) and bad paths for
acla_model_load / _load_ex / _save."""
import ctypes
import json
import os
import struct
from ctypes import c_void_p

from harness import FORMAT, INVALID, IO, OK, OOM, Out, case

EDSR = {"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}
TERABYTE = 1 << 40


def write_st(path, header, data=b"", length=None, sparse_data=0):
    """A safetensors file: 8-byte length (or `length`), the header, then `data` or a hole of
    `sparse_data` bytes (a sparse file: no disk space is used)."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw) if length is None else length))
        f.write(raw)
        f.write(data)
        if sparse_data:
            f.truncate(f.tell() + sparse_data)
    return str(path).encode()


def saved_model(ctx):
    """A small valid checkpoint; returns (path bytes, header dict, data bytes)."""
    path = os.path.join(ctx.tmp, "valid.safetensors")
    m = ctx.create(EDSR)
    ctx.ok(ctx.lib.acla_model_save(m, path.encode()))
    ctx.lib.acla_model_destroy(m)
    blob = open(path, "rb").read()
    (n,) = struct.unpack("<Q", blob[:8])
    return path.encode(), json.loads(blob[8:8 + n]), blob[8 + n:]


def expect_load_fails(ctx, path, status, *mentions, config=None, flags=0):
    out = Out(c_void_p)
    ctx.step(f"load {path[-60:]!r} flags {flags}")
    return ctx.fails(ctx.lib.acla_model_load_ex(path, config, flags, out.ptr), status, *mentions, outs=[out])


def load_ok(ctx, path, config=None, flags=0):
    out = ctypes.c_void_p()
    ctx.ok(ctx.lib.acla_model_load_ex(path, config, flags, ctypes.byref(out)))
    ctx.lib.acla_model_destroy(out)


@case("checkpoint", "acla_model_load", "acla_model_load_ex")
def load_bad_arguments_and_paths(ctx):
    lib = ctx.lib
    valid, _, _ = saved_model(ctx)
    out = Out(c_void_p)
    ctx.fails(lib.acla_model_load(None, None, out.ptr), INVALID, "path", outs=[out])
    ctx.fails(lib.acla_model_load(valid, None, None), INVALID, "out")
    ctx.fails(lib.acla_model_load(valid, b"{", out.ptr), FORMAT, "byte", outs=[out])
    ctx.fails(lib.acla_model_load(valid, b'{"backbone": "\xff"}', out.ptr), INVALID, "UTF-8", outs=[out])
    for flags in (4, 0x80000000, 0xFFFFFFFF):
        ctx.fails(lib.acla_model_load_ex(valid, None, flags, out.ptr), INVALID, "flags", outs=[out])
    fifo = os.path.join(ctx.tmp, "fifo.safetensors")
    os.mkfifo(fifo)
    link = os.path.join(ctx.tmp, "loop")
    os.symlink(link, link)
    for path in [b"", ctx.tmp.encode(), b"/nonexistent/dir/x.safetensors", b"/dev/null", b"/dev/zero",
                 fifo.encode(), link.encode(), b"/" + b"a" * (1 << 20)]:
        expect_load_fails(ctx, path, IO, path[:40].decode())
    msg = ctx.message()
    assert len(msg) < 100_000 and "too long" in msg, f"error message of {len(msg)} bytes: {msg[-80:]!r}"
    ctx.fails(lib.acla_model_load(b"/tmp/\xff\xfe.safetensors", None, out.ptr), INVALID, "UTF-8", outs=[out])
    load_ok(ctx, valid)


@case("checkpoint", "acla_model_load_ex")
def load_malformed_headers(ctx):
    valid, header, data = saved_model(ctx)
    p = os.path.join(ctx.tmp, "bad.safetensors")
    with open(p, "wb") as f:
        f.write(b"\x01\x02\x03")
    expect_load_fails(ctx, p.encode(), FORMAT, "too short")
    for length in (2**63, 2**64 - 1, 100_000_001, 99_999_999, 1 << 32):
        expect_load_fails(ctx, write_st(p, b"{}", length=length), FORMAT, str(length))
    expect_load_fails(ctx, write_st(p, b"", length=0), FORMAT, "end of input")
    for raw, mention in [(b"\xff\xfe{}", "UTF-8"), (b"[" * 100_000, "nesting"), (b"[]", "object"),
                         (b'{"a": 1e400}', "1e400"), (b'{"x": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}, '
                                                    b'"x": {"dtype": "F32", "shape": [], "data_offsets": [4, 8]}}', "duplicate")]:
        expect_load_fails(ctx, write_st(p, raw, data=b"\0" * 8), FORMAT, mention)
    blob = open(valid, "rb").read()
    for cut in (1, len(data) // 2):
        with open(p, "wb") as f:
            f.write(blob[:-cut])
        expect_load_fails(ctx, p.encode(), FORMAT, "")
    with open(p, "wb") as f:
        f.write(blob + b"\0")
    expect_load_fails(ctx, p.encode(), FORMAT, "trailing")


def header_with(header, name, entry):
    h = dict(header)
    h[name] = entry
    return h


@case("checkpoint", "acla_model_load_ex")
def load_absurd_tensors(ctx):
    valid, header, data = saved_model(ctx)
    p = os.path.join(ctx.tmp, "t.safetensors")
    end = len(data)
    # a 1 TB tensor declared in a sparse file: refused or skipped without reading it
    huge = {"dtype": "F32", "shape": [TERABYTE // 4], "data_offsets": [end, end + TERABYTE]}
    path = write_st(p, header_with(header, "tail.huge", huge), data=data, sparse_data=TERABYTE)
    expect_load_fails(ctx, path, FORMAT, "tail.huge")
    load_ok(ctx, path, flags=1)   # ACLA_LOAD_IGNORE_TAIL skips it, unread
    h = dict(header)
    begin, stop = h["head.0.weight"]["data_offsets"]
    h["head.0.weight"] = {"dtype": "F32", "shape": [TERABYTE // 4], "data_offsets": [begin, stop]}
    expect_load_fails(ctx, write_st(p, h, data=data), FORMAT, "head.0.weight")
    # the same tensor really spanning 1 TB (later tensors moved behind it)
    h = {"__metadata__": header["__metadata__"],
         "head.0.weight": {"dtype": "F32", "shape": [TERABYTE // 4], "data_offsets": [0, TERABYTE]}}
    expect_load_fails(ctx, write_st(p, h, sparse_data=TERABYTE), FORMAT, "missing")
    for entry, mention in [
        ({"dtype": "F32", "shape": [2**62, 4], "data_offsets": [end, end]}, "overflow"),
        ({"dtype": "F64", "shape": [2**61, 2**61, 0], "data_offsets": [end, end]}, "overflow"),
        ({"dtype": "F32", "shape": [0, 2**62, 2**62], "data_offsets": [end, end]}, "tail.x"),
        ({"dtype": "F32", "shape": [1], "data_offsets": [end, 2**63 - 1]}, "beyond"),
        ({"dtype": "F32", "shape": [1], "data_offsets": [end + 4, end]}, "data_offsets"),
        ({"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}, "data_offsets"),
        ({"dtype": "F32", "shape": [-1], "data_offsets": [end, end]}, "shape"),
        ({"dtype": "F32", "shape": [1.5], "data_offsets": [end, end]}, "shape"),
        ({"dtype": "F32", "shape": [1] * 100_000, "data_offsets": [end, end + 4]}, "tail.x"),
        ({"dtype": "Q4", "shape": [1], "data_offsets": [end, end + 4]}, "Q4"),
        ({"dtype": "F32", "shape": [1], "data_offsets": [end, end + 4], "extra": 1}, "extra"),
        ({"dtype": "F32", "shape": [1]}, "data_offsets"),
        ("F32", "tail.x"),
    ]:
        ctx.step(f"tensor entry {str(entry)[:60]}")
        expect_load_fails(ctx, write_st(p, header_with(header, "tail.x", entry), data=data), FORMAT, mention)
    # a parameter stored as an integer dtype of the right shape
    h = dict(header)
    shape = h["head.0.bias"]["shape"]
    b0, _ = h["head.0.bias"]["data_offsets"]
    h["head.0.bias"] = {"dtype": "I32", "shape": shape, "data_offsets": h["head.0.bias"]["data_offsets"]}
    expect_load_fails(ctx, write_st(p, h, data=data), FORMAT, "head.0.bias")


@case("checkpoint", "acla_model_load_ex")
def load_bad_metadata_and_values(ctx):
    valid, header, data = saved_model(ctx)
    p = os.path.join(ctx.tmp, "m.safetensors")
    for meta, status, mention in [
        ({}, FORMAT, "acla.config"),
        ("x", FORMAT, "__metadata__"),
        ({"acla.config": 1}, FORMAT, "acla.config"),
        ({"acla.config": "{"}, FORMAT, "acla.config"),
        ({"acla.config": json.dumps({"backbone": "edsr", "scale": 2, "blocks": 10**6})}, FORMAT, "blocks"),
        ({"acla.config": json.dumps({"backbone": "rcan", "scale": 2, "groups": 64, "blocks": 256, "features": 1024})},
         OOM, "parameters"),
        ({"acla.config": json.dumps({"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4})}, FORMAT, "missing"),
        ({"acla.config": "\ud800"}, FORMAT, ""),
    ]:
        h = dict(header)
        h["__metadata__"] = meta
        raw = json.dumps(h, ensure_ascii=False).encode("utf-8", "surrogatepass")
        ctx.step(f"metadata {str(meta)[:60]}")
        expect_load_fails(ctx, write_st(p, raw, data=data), status, mention)
    # a converted file without metadata needs a config; a wrong one names the tensors
    h = {k: v for k, v in header.items() if k != "__metadata__"}
    path = write_st(p, h, data=data)
    expect_load_fails(ctx, path, FORMAT, "config")
    expect_load_fails(ctx, path, FORMAT, "head.0.weight", config=json.dumps(dict(EDSR, features=5)).encode())
    load_ok(ctx, path, config=json.dumps(EDSR).encode())
    # non-finite weights (F32 NaN, F16 infinity) are refused like acla_model_set_parameter
    # refuses them (one rule: parameters are finite), naming the tensor and the index
    nan = bytearray(data)
    b0, _ = header["head.0.weight"]["data_offsets"]
    nan[b0:b0 + 4] = struct.pack("<f", float("nan"))
    ctx.step("load NaN weights")
    expect_load_fails(ctx, write_st(p, header, data=bytes(nan)), FORMAT, "head.0.weight", "value 0", "not finite")
    h = dict(header)
    entries = sorted(((k, v) for k, v in h.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0])
    f16, offset = b"", 0
    for k, v in entries:
        count = 1
        for d in v["shape"]:
            count *= d
        h[k] = {"dtype": "F16", "shape": v["shape"], "data_offsets": [offset, offset + 2 * count]}
        f16 += b"\x00\x7c" * count      # +infinity
        offset += 2 * count
    ctx.step("load F16 infinities")
    expect_load_fails(ctx, write_st(p, h, data=f16), FORMAT, "inf", "not finite")


@case("checkpoint", "acla_model_save")
def save_bad_paths(ctx):
    lib = ctx.lib
    m = ctx.create(EDSR)
    ctx.fails(lib.acla_model_save(None, b"x.safetensors"), INVALID, "model")
    ctx.fails(lib.acla_model_save(m, None), INVALID, "path")
    ctx.fails(lib.acla_model_save(m, b"\xff.safetensors"), INVALID, "UTF-8")
    ctx.fails(lib.acla_model_save(m, b""), INVALID, "empty")
    d = os.path.join(ctx.tmp, "adir")
    os.mkdir(d)
    open(os.path.join(d, "keep"), "w").close()
    for path in [d, d + "/", ctx.tmp + "/missing/dir/x.safetensors", "/proc/version", "/proc/acla-hostile",
                 "/" + "a" * (1 << 20)]:
        ctx.step(f"save to {path[:60]!r}")
        msg = ctx.fails(lib.acla_model_save(m, path.encode()), IO, path[:40])
        assert len(msg) < 2000, f"message of {len(msg)} bytes"
    assert sorted(os.listdir(d)) == ["keep"], "a failed save left files behind"
    leftovers = [n for n in os.listdir(ctx.tmp) if "tmp-" in n]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    ctx.ok(lib.acla_model_save(m, os.path.join(ctx.tmp, "ok.safetensors").encode()))
    lib.acla_model_destroy(m)
