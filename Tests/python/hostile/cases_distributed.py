"""Hostile calls of acla_trainer_set_communicator: NULL trainer, absurd ranks, world sizes,
buckets and timeouts, and all-reduce callbacks that fail, do not sum, or write NaN. Every failed
step must leave the parameters and the step count unchanged."""
import ctypes
import json
import os
from ctypes import byref, c_double, c_int64

from cases_train import batch, parameter, trainer, write_images, PROGRESS
from harness import INT32_MAX, INT32_MIN, INVALID, SIZE_MAX, STATE, case

ALLREDUCE = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_size_t, ctypes.c_double)


@case("distributed", "acla_trainer_set_communicator")
def set_communicator_bad_arguments_and_callbacks(ctx):
    lib = ctx.lib
    model = ctx.model("acla")
    t = trainer(ctx, "acla")
    setc = lib.acla_trainer_set_communicator
    identity = ALLREDUCE(lambda user, buf, count, timeout: 0)   # a world of one: the sum is the buffer
    ctx.fails(setc(None, 0, 1, identity, None, 0, 0.0), INVALID, "trainer")
    for rank, world, bucket, timeout, mention in [
        (0, 0, 0, 0.0, "world size"), (0, -1, 0, 0.0, "-1"), (0, INT32_MAX, 0, 0.0, str(INT32_MAX)),
        (2, 2, 0, 0.0, "rank"), (-1, 2, 0, 0.0, "-1"), (INT32_MIN, 2, 0, 0.0, str(INT32_MIN)),
        (0, 1, SIZE_MAX, 0.0, "bucket_floats"), (0, 1, 2**31, 0.0, "bucket_floats"),
        (0, 1, 0, float("nan"), "timeout_seconds"), (0, 1, 0, float("inf"), "timeout_seconds"),
        (0, 1, 0, -1.0, "timeout_seconds"), (0, 1, 0, 1e300, "timeout"),
    ]:
        ctx.step(f"set_communicator rank={rank} world={world} bucket={bucket} timeout={timeout}")
        ctx.fails(setc(t, rank, world, identity, None, bucket, timeout), INVALID, mention)
    x, y = batch(ctx, n=2)
    loss = c_double()
    ctx.ok(setc(t, 0, 1, identity, None, 7, 0.0))
    ctx.ok(lib.acla_trainer_step(t, x, 2, 3, 4, 4, y, len(y), byref(loss)))
    before = parameter(ctx, model)
    seen = []

    def failing(user, buf, count, timeout):
        seen.append((count, timeout))
        return 5

    def no_sum(user, buf, count, timeout):
        return 0

    def nan_writer(user, buf, count, timeout):
        for i in range(count):
            buf[i] = float("nan")
        return 0

    calls = [0]

    def fails_on_gradients(user, buf, count, timeout):
        calls[0] += 1
        if calls[0] == 1:
            buf[0] += 3.0   # rank 0 had 3 samples
            return 0
        return 9

    for fn, world, rank, mention in [(failing, 1, 0, "returned 5"), (no_sum, 2, 0, "rank 1 reported"),
                                     (nan_writer, 1, 0, "reported"), (fails_on_gradients, 2, 1, "gradients of weight step 2")]:
        cb = ALLREDUCE(fn)
        ctx.step(f"callback {fn.__name__}")
        ctx.ok(setc(t, rank, world, cb, None, 0, 2.5))
        ctx.fails(lib.acla_trainer_step(t, x, 2, 3, 4, 4, y, len(y), byref(loss)), STATE, mention)
        assert parameter(ctx, model) == before, f"a failed all-reduce ({fn.__name__}) changed the parameters"
    assert seen == [(2, 2.5)], f"first call: the shard size of the one rank + the stop vote, with the timeout: {seen}"
    s = c_int64()
    ctx.ok(lib.acla_trainer_get_step(t, byref(s)))
    assert s.value == 1, f"failed steps were counted: {s.value}"
    # the folder trainer with a failing callback: no step, no checkpoint written by the failure
    data = os.path.join(ctx.tmp, "dist-data")
    write_images(ctx, data, 2)
    ckpt = os.path.join(ctx.tmp, "dist.safetensors")
    cb = ALLREDUCE(failing)
    ctx.ok(setc(t, 0, 1, cb, None, 0, 1.0))
    run = json.dumps({"data": data, "steps": 3, "checkpoint": ckpt, "patch": 6, "batch": 2}).encode()
    ctx.fails(lib.acla_trainer_run(t, run, PROGRESS(), None), STATE, "returned 5")
    assert not os.path.exists(ckpt), "a run whose first all-reduce failed wrote a checkpoint"
    # a global batch smaller than the world is refused before any step
    ctx.ok(setc(t, 0, 3, identity, None, 0, 0.0))
    ctx.fails(lib.acla_trainer_run(t, run, PROGRESS(), None), INVALID, "at least one sample per rank")
    # NULL detaches: single-process steps again
    ctx.ok(setc(t, 5, -3, ALLREDUCE(), None, SIZE_MAX, float("nan")))
    ctx.ok(lib.acla_trainer_step(t, x, 2, 3, 4, 4, y, len(y), byref(loss)))
    ctx.ok(lib.acla_trainer_get_step(t, byref(s)))
    assert s.value == 2
    lib.acla_trainer_destroy(t)
