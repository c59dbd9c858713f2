"""Hostile calls of the trainer functions: NULL everywhere, malformed and unknown options, absurd
batch sizes, non-finite batches and learning rates, bad checkpoints and run folders, and a
progress callback that cancels. A failing step must leave the parameters untouched."""
import ctypes
import json
import math
import os
import struct
from ctypes import byref, c_double, c_int64, c_size_t, c_uint8, c_void_p

from harness import (CANCELLED, FORMAT, INT32_MAX, INT32_MIN, INVALID, IO, OOM, SHAPE, SIZE_MAX, STATE, Out, case)

PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)


def trainer(ctx, kind="edsr", options=None):
    out = c_void_p()
    text = None if options is None else (options if isinstance(options, bytes) else json.dumps(options).encode())
    ctx.ok(ctx.lib.acla_trainer_create(ctx.model(kind), text, byref(out)))
    return out


def batch(ctx, n=1, c=3, h=4, w=4, scale=2, value=100.0):
    x = ctx.floats([value + i % 7 for i in range(n * c * h * w)])
    y = ctx.floats([90.0 + i % 5 for i in range(n * c * h * scale * w * scale)])
    return x, y


def parameter(ctx, model, name="head.0.weight", count=8 * 3 * 9):
    buf = (ctypes.c_float * count)()
    ctx.ok(ctx.lib.acla_model_get_parameter(model, name.encode(), buf, count))
    return list(buf)


@case("train", "acla_trainer_create", "acla_trainer_destroy", "acla_trainer_options")
def create_null_and_bad_options(ctx):
    lib = ctx.lib
    lib.acla_trainer_destroy(None)
    out = Out(c_void_p)
    ctx.fails(lib.acla_trainer_create(None, None, out.ptr), INVALID, "model", outs=[out])
    ctx.fails(lib.acla_trainer_create(ctx.model("edsr"), None, None), INVALID, "out")
    for text, status, mention in [
        (b"", FORMAT, "end of input"),
        (b"{", FORMAT, "byte"),
        (b"[]", INVALID, "object"),
        (b'{"optimiser": {}}', INVALID, "optimiser"),
        (b'{"optimizer": {"momentum": 0.9}}', INVALID, "optimizer.momentum"),
        (b'{"optimizer": {"kind": "sgd"}}', INVALID, "sgd"),
        (b'{"optimizer": {"lr": -1}}', INVALID, "lr"),
        (b'{"optimizer": {"lr": 1e400}}', FORMAT, "1e400"),
        (b'{"optimizer": {"betas": [1.0, 0.9]}}', INVALID, "betas"),
        (b'{"optimizer": {"betas": [0.9]}}', INVALID, "betas"),
        (b'{"optimizer": {"eps": "tiny"}}', INVALID, "eps"),
        (b'{"loss": "l3"}', INVALID, "loss"),
        (b'{"loss": null, "clip_grad_norm": 0}', INVALID, "clip_grad_norm"),
        (b'{"schedule": {"kind": "cosine"}}', INVALID, "t_max"),
        (b'{"schedule": {"kind": "halving", "every": 0}}', INVALID, "every"),
        (b'{"schedule": {"kind": "halving", "milestones": [5, 3]}}', INVALID, "milestones"),
        (b'{"schedule": {"kind": "step", "step_size": 10, "every": 3}}', INVALID, "schedule.every"),
        (b'{"schedule": {"kind": "constant", "warmup_steps": -1}}', INVALID, "warmup_steps"),
        (b'{"seed": -1}', INVALID, "seed"),
        (b'{"seed": 99999999999999999999}', INVALID, "seed"),
        (b'{"key_temperature": 0}', INVALID, "key_temperature"),
        (b'{"cost_lambda": 0.5}', INVALID, "cost_lambda"),
        (b'{"search": {"search_steps": 0}}', INVALID, "search_steps"),
        (b'{"layer_temperature": {"start": -5}}', INVALID, "layer_temperature"),
        (b'{"\\u0000": 1}', INVALID, "unknown key"),
        (b'{"loss": "\xff"}', INVALID, "UTF-8"),
        (json.dumps({"x" * 100000: 1}).encode(), INVALID, "unknown key"),
    ]:
        out = Out(c_void_p)
        ctx.step(f"create({text[:60]!r})")
        ctx.fails(lib.acla_trainer_create(ctx.model("edsr"), text, out.ptr), status, mention, outs=[out])
    t = trainer(ctx, "edsr", {"optimizer": {"lr": 2e-4}, "schedule": {"kind": "halving", "every": 5}})
    needed = Out(c_size_t)
    ctx.fails(lib.acla_trainer_options(None, None, 0, needed.ptr), INVALID, "trainer", outs=[needed])
    ctx.fails(lib.acla_trainer_options(t, None, 0, None), INVALID, "needed")
    n = c_size_t(0)
    ctx.fails(lib.acla_trainer_options(t, None, 0, byref(n)), SHAPE, "bytes")
    assert n.value > 10, "needed is set even when the buffer is too small"
    small = ctypes.create_string_buffer(b"\x01" * 8)
    ctx.fails(lib.acla_trainer_options(t, small, 8, byref(n)), SHAPE, str(n.value))
    assert small.raw == b"\x01" * 8 + b"\x00", "a too-small buffer was written"
    buf = ctypes.create_string_buffer(n.value)
    ctx.ok(lib.acla_trainer_options(t, buf, n.value, byref(n)))
    opts = json.loads(buf.value)
    assert opts["optimizer"]["lr"] == 2e-4 and opts["schedule"]["every"] == 5, opts
    lib.acla_trainer_destroy(t)


@case("train", "acla_trainer_step", "acla_trainer_alpha_step")
def steps_with_bad_batches_change_nothing(ctx):
    lib = ctx.lib
    model = ctx.model("edsr")
    t = trainer(ctx)
    x, y = batch(ctx)
    loss = Out(c_double)
    ctx.ok(lib.acla_trainer_step(t, x, 1, 3, 4, 4, y, len(y), loss.ptr))
    assert math.isfinite(loss.value) and loss.value > 0, loss.value
    before = parameter(ctx, model)
    step = lib.acla_trainer_step
    for fn in (lib.acla_trainer_step, lib.acla_trainer_alpha_step):
        ctx.step(fn.__name__ + " NULLs")
        loss = Out(c_double)
        ctx.fails(fn(None, x, 1, 3, 4, 4, y, len(y), loss.ptr), INVALID, "trainer", outs=[loss])
        ctx.fails(fn(t, None, 1, 3, 4, 4, y, len(y), loss.ptr), INVALID, "input", outs=[loss])
        ctx.fails(fn(t, x, 1, 3, 4, 4, None, len(y), loss.ptr), INVALID, "target", outs=[loss])
        ctx.fails(fn(t, x, 1, 3, 4, 4, y, len(y), None), INVALID, "loss")
    for n, c, h, w, status, mention in [(0, 3, 4, 4, INVALID, "0"), (-1, 3, 4, 4, INVALID, "-1"), (1, 1, 4, 4, SHAPE, "channels"),
                                        (1, 3, 0, 4, INVALID, "0"), (1, 3, 4, INT32_MIN, INVALID, str(INT32_MIN)),
                                        (INT32_MAX, 3, INT32_MAX, INT32_MAX, OOM, "feature map"),
                                        (1, INT32_MAX, 4, 4, SHAPE, "channels")]:
        loss = Out(c_double)
        ctx.step(f"step n={n} c={c} h={h} w={w}")
        ctx.fails(step(t, x, n, c, h, w, y, len(y), loss.ptr), status, mention, outs=[loss])
    for length in (0, len(y) - 1, len(y) + 1, 2**63, SIZE_MAX):
        loss = Out(c_double)
        ctx.step(f"target_len {length}")
        ctx.fails(step(t, x, 1, 3, 4, 4, y, length, loss.ptr), SHAPE, str(length), outs=[loss])
    bad = ctx.floats([float("nan")] + [100.0] * 47)
    loss = Out(c_double)
    ctx.fails(step(t, bad, 1, 3, 4, 4, y, len(y), loss.ptr), INVALID, "not finite", outs=[loss])
    inf_target = ctx.floats([float("inf")] * len(y))
    ctx.fails(step(t, x, 1, 3, 4, 4, inf_target, len(y), loss.ptr), INVALID, "target", outs=[loss])
    huge = ctx.floats([3e38] * 48)
    ctx.fails(step(t, huge, 1, 3, 4, 4, y, len(y), loss.ptr), STATE, "not finite", outs=[loss])
    ctx.fails(lib.acla_trainer_alpha_step(t, x, 1, 3, 4, 4, y, len(y), loss.ptr), STATE, "supernet", outs=[loss])
    assert parameter(ctx, model) == before, "a failed step changed the parameters"
    s = Out(c_int64)
    ctx.ok(lib.acla_trainer_get_step(t, s.ptr))
    assert s.value == 1, f"failed steps were counted: {s.value}"
    # a supernet in search stage 1 refuses alpha steps; in stage 2 it takes them
    sup = trainer(ctx, "supernet", {"search": {"warmup_steps": 1, "search_steps": 3}, "cost_lambda": 0.1})
    ctx.fails(lib.acla_trainer_alpha_step(sup, x, 1, 3, 4, 4, y, len(y), loss.ptr), STATE, "stage", outs=[loss])
    ctx.ok(lib.acla_trainer_step(sup, x, 1, 3, 4, 4, y, len(y), loss.ptr))
    ctx.ok(lib.acla_trainer_alpha_step(sup, x, 1, 3, 4, 4, y, len(y), loss.ptr))
    ctx.ok(lib.acla_trainer_get_alpha_step(sup, s.ptr))
    assert s.value == 1
    lib.acla_trainer_destroy(sup)
    lib.acla_trainer_destroy(t)


@case("train", "acla_trainer_set_learning_rate", "acla_trainer_get_learning_rate", "acla_trainer_get_step",
      "acla_trainer_get_alpha_step", "acla_trainer_set_gate_temperature")
def settings_and_getters(ctx):
    lib = ctx.lib
    t = trainer(ctx, "acla", {"schedule": {"kind": "halving", "every": 1}})
    for lr in (float("nan"), float("inf"), -1.0, -0.0 - 1e-300):
        ctx.fails(lib.acla_trainer_set_learning_rate(t, lr), INVALID, "lr")
    ctx.fails(lib.acla_trainer_set_learning_rate(None, 1e-4), INVALID, "trainer")
    ctx.ok(lib.acla_trainer_set_learning_rate(t, 0.5))
    lr = Out(c_double)
    ctx.fails(lib.acla_trainer_get_learning_rate(None, lr.ptr), INVALID, "trainer", outs=[lr])
    ctx.fails(lib.acla_trainer_get_learning_rate(t, None), INVALID, "lr")
    ctx.ok(lib.acla_trainer_get_learning_rate(t, lr.ptr))
    assert lr.value == 0.5, lr.value
    x, y = batch(ctx)
    loss = c_double()
    ctx.ok(lib.acla_trainer_set_learning_rate(t, 1e-4))
    ctx.ok(lib.acla_trainer_step(t, x, 1, 3, 4, 4, y, len(y), byref(loss)))
    ctx.ok(lib.acla_trainer_get_learning_rate(t, lr.ptr))
    assert abs(lr.value - 5e-5) < 1e-18, f"halving every step: {lr.value}"
    for fn in (lib.acla_trainer_get_step, lib.acla_trainer_get_alpha_step):
        s = Out(c_int64)
        ctx.fails(fn(None, s.ptr), INVALID, "trainer", outs=[s])
        ctx.fails(fn(t, None), INVALID, "step")
    g = lib.acla_trainer_set_gate_temperature
    ctx.fails(g(None, 1.0, 1.0), INVALID, "trainer")
    for key, layer, mention in [(0.0, 1.0, "key_temperature"), (-1.0, 1.0, "key_temperature"), (float("nan"), 1.0, "key_temperature"),
                                (float("inf"), 1.0, "key_temperature"), (1.0, 0.0, "layer_temperature"),
                                (1.0, float("inf"), "layer_temperature"), (1.0, -2.0, "layer_temperature")]:
        ctx.step(f"temperature {key} {layer}")
        ctx.fails(g(t, key, layer), INVALID, mention)
    ctx.ok(g(t, 0.5, float("nan")))
    lib.acla_trainer_destroy(t)


def write_training_checkpoint(ctx, kind="edsr"):
    t = trainer(ctx, kind)
    x, y = batch(ctx)
    loss = c_double()
    ctx.ok(ctx.lib.acla_trainer_step(t, x, 1, 3, 4, 4, y, len(y), byref(loss)))
    path = os.path.join(ctx.tmp, f"train-{kind}.safetensors").encode()
    ctx.ok(ctx.lib.acla_trainer_save(t, path))
    return t, path


@case("train", "acla_trainer_save", "acla_trainer_resume")
def save_and_resume_bad_files(ctx):
    lib = ctx.lib
    t, path = write_training_checkpoint(ctx)
    for fn in (lib.acla_trainer_save, lib.acla_trainer_resume):
        ctx.fails(fn(None, path), INVALID, "trainer")
        ctx.fails(fn(t, None), INVALID, "path")
        ctx.fails(fn(t, b"\xff\xfe"), INVALID, "UTF-8")
    ctx.fails(lib.acla_trainer_save(t, b""), INVALID, "empty")
    ctx.fails(lib.acla_trainer_save(t, ctx.tmp.encode()), IO, "directory")
    ctx.fails(lib.acla_trainer_save(t, (ctx.tmp + "/missing/x.safetensors").encode()), IO, "missing")
    ctx.fails(lib.acla_trainer_resume(t, (ctx.tmp + "/none.safetensors").encode()), IO, "none.safetensors")
    ctx.fails(lib.acla_trainer_resume(t, ctx.tmp.encode()), IO, "")
    blob = open(path, "rb").read()
    trunc = os.path.join(ctx.tmp, "trunc.safetensors")
    open(trunc, "wb").write(blob[: len(blob) - 7])
    ctx.fails(lib.acla_trainer_resume(t, trunc.encode()), FORMAT, "")
    plain = os.path.join(ctx.tmp, "plain.safetensors").encode()
    ctx.ok(lib.acla_model_save(ctx.model("edsr"), plain))
    ctx.fails(lib.acla_trainer_resume(t, plain), FORMAT, "acla.train")
    other, other_path = write_training_checkpoint(ctx, "acla")
    ctx.fails(lib.acla_trainer_resume(t, other_path), INVALID, "another model")
    # hand-edited training state: wrong format number, missing step, bad options, short moments
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    state = json.loads(header["__metadata__"]["acla.train"])

    def edited(name, change_state=None, change_header=None):
        h = json.loads(json.dumps(header))
        s = json.loads(json.dumps(state))
        if change_state:
            change_state(s)
        h["__metadata__"]["acla.train"] = json.dumps(s)
        if change_header:
            change_header(h)
        raw = json.dumps(h).encode()
        p = os.path.join(ctx.tmp, name)
        with open(p, "wb") as f:
            f.write(struct.pack("<Q", len(raw)) + raw + data)
        return p.encode()

    cases = [
        (edited("fmt.safetensors", lambda s: s.update(format=99)), None, "format"),
        (edited("nostep.safetensors", lambda s: s.pop("step")), FORMAT, "step"),
        (edited("negstep.safetensors", lambda s: s.update(step=-3)), FORMAT, "step"),
        (edited("opts.safetensors", lambda s: s["options"].update(loss="l7")), FORMAT, "loss"),
        (edited("optsunknown.safetensors", lambda s: s["options"].update(bogus=1)), FORMAT, "bogus"),
        (edited("run.safetensors", lambda s: s.update(run=[1])), FORMAT, "run"),
        (edited("notjson.safetensors", lambda s: None, lambda h: h["__metadata__"].update({"acla.train": "{"})), FORMAT, "byte"),
        (edited("moments.safetensors", None, lambda h: h.pop("train.adam.exp_avg")), None, "train.adam.exp_avg"),
    ]
    for p, status, mention in cases:
        ctx.step(f"resume {p[-30:]!r}")
        rc = lib.acla_trainer_resume(t, p)
        if status is None:
            ctx.fails_any(rc, (FORMAT, 5), mention)   # unsupported format version or a header that no longer matches
        else:
            ctx.fails(rc, status, mention)
    s = c_int64()
    ctx.ok(lib.acla_trainer_get_step(t, byref(s)))
    assert s.value == 1, "a failed resume changed the step"
    ctx.ok(lib.acla_trainer_resume(t, path))
    lib.acla_trainer_destroy(other)
    lib.acla_trainer_destroy(t)


def write_images(ctx, folder, count, w=20, h=18, channels=3):
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        px = (c_uint8 * (w * h * channels))(*[(i * 31 + k * 7) % 256 for k in range(w * h * channels)])
        ctx.ok(ctx.lib.acla_image_write(os.path.join(folder, f"{i}.png").encode(), px, len(px), channels, h, w, 0))


@case("train", "acla_trainer_run", "acla_trainer_validation")
def run_with_bad_options_and_folders(ctx):
    lib = ctx.lib
    t = trainer(ctx)
    data = os.path.join(ctx.tmp, "data")
    write_images(ctx, data, 3)
    ckpt = os.path.join(ctx.tmp, "run.safetensors")
    base = {"data": data, "steps": 2, "checkpoint": ckpt, "patch": 6, "batch": 2}
    none = PROGRESS()
    p, s = Out(c_double), Out(c_double)
    ctx.fails(lib.acla_trainer_validation(t, p.ptr, s.ptr), STATE, "validation", outs=[p, s])
    ctx.fails(lib.acla_trainer_validation(None, p.ptr, s.ptr), INVALID, "trainer", outs=[p, s])
    ctx.fails(lib.acla_trainer_validation(t, None, s.ptr), INVALID, "psnr", outs=[s])
    ctx.fails(lib.acla_trainer_run(None, json.dumps(base).encode(), none, None), INVALID, "trainer")
    ctx.fails(lib.acla_trainer_run(t, None, none, None), INVALID, "run_json")
    empty = os.path.join(ctx.tmp, "empty")
    os.makedirs(empty)
    for change, status, mention in [
        ({"bogus": 1}, INVALID, "bogus"),
        ({"data": None}, INVALID, "data"),
        ({"steps": None}, INVALID, "steps"),
        ({"steps": -1}, INVALID, "steps"),
        ({"checkpoint": ""}, INVALID, "checkpoint"),
        ({"data": ctx.tmp + "/nowhere"}, IO, "nowhere"),
        ({"data": empty}, INVALID, "no .png"),
        ({"patch": 0}, INVALID, "patch"),
        ({"patch": 100000}, INVALID, "patch"),
        ({"patch": 30}, INVALID, "smaller than the patch"),
        ({"batch": INT32_MAX}, INVALID, "batch"),
        ({"val_holdout": 3}, INVALID, "val_holdout"),
        ({"val_holdout": 1, "val": data}, INVALID, "exclude"),
        ({"sigma": [5, 1]}, INVALID, "sigma"),
        ({"quality": 101}, INVALID, "quality"),
        ({"quality": [1.5, 3]}, INVALID, "quality"),
        ({"boundary": "wrap"}, INVALID, "boundary"),
        ({"save_every": 0}, INVALID, "save_every"),
        ({"data_memory_mb": 0}, INVALID, "data_memory_mb"),
        ({"resume": ctx.tmp + "/none.safetensors"}, IO, "none.safetensors"),
        ({"log": ctx.tmp}, IO, "log"),
    ]:
        opts = dict(base)
        opts.update(change)
        opts = {k: v for k, v in opts.items() if v is not None}
        ctx.step(f"run {change}")
        ctx.fails(lib.acla_trainer_run(t, json.dumps(opts).encode(), none, None), status, mention)
    big = os.path.join(ctx.tmp, "big")
    write_images(ctx, big, 1, w=800, h=700)
    ctx.fails(lib.acla_trainer_run(t, json.dumps(dict(base, data=big, data_memory_mb=1)).encode(), none, None), OOM, "memory limit")
    s0 = c_int64()
    ctx.ok(lib.acla_trainer_get_step(t, byref(s0)))
    assert s0.value == 0, "failed runs took steps"
    calls = []

    def cancel_at_second(_user, done, total):
        calls.append((done, total))
        return 1 if done == 2 else 0

    cb = PROGRESS(cancel_at_second)
    ctx.fails(lib.acla_trainer_run(t, json.dumps(dict(base, steps=5, val_holdout=1)).encode(), cb, None), CANCELLED, "step 2")
    assert calls == [(1, 5), (2, 5)], calls
    assert os.path.exists(ckpt), "cancelling saved no checkpoint"
    ctx.ok(lib.acla_trainer_run(t, json.dumps(dict(base, steps=3, val_holdout=1, val_every=1)).encode(), none, None))
    ctx.ok(lib.acla_trainer_validation(t, p.ptr, s.ptr))
    assert 0 < p.value < 100 and -1 <= s.value <= 1, (p.value, s.value)
    lib.acla_trainer_destroy(t)
