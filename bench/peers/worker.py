#!/usr/bin/env python3
"""One engine in one process: times forwards (or training steps, or a large restore) and prints
one JSON line. compare.py starts one of these per engine and run, so no engine shares a process,
a thread pool or an allocator with another.

    worker.py {acla|ort|torch} forward WEIGHTS.npz INPUT.npy [--onnx MODEL.onnx] [--save OUT.npy]
    worker.py {acla|torch} train WEIGHTS.npz INPUT.npy --target TARGET.npy
    worker.py {acla|torch} peak WEIGHTS.npz INPUT.npy [--save OUT.npy]
    common: --threads 2 --warmup 1 --repeats 3 [--memory-format channels_last]

forward: `warmup` untimed then `repeats` timed forwards of INPUT (float32 NCHW, 0..255).
train: L1 loss + Adam (lr 1e-4, betas 0.9/0.999, eps 1e-8), MeanShift frozen; each step is
  timed, the first `warmup` are not counted; every step's loss is reported, and --save writes
  the trained model's forward output on INPUT (compare.py checks both agree between engines:
  a loss against random targets barely moves when one weight is wrong, the output does).
  INPUT/TARGET are the LR / HR batches.
peak: INPUT is a uint8 HxWx3 image; acla restores it with Model.restore's default tiling, torch
  runs one untiled forward on it (then rounds and clamps to uint8, as restore does).

JSON fields: engine, mode, times (seconds, timed runs), cpu (process CPU seconds over the timed
runs), rss_start_mb (resident set after loading, before the first run), peak_rss_mb (ru_maxrss
of the process), versions, threads; train adds losses; acla models with attention add
open_fractions (per module, after the last run).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from export import load_weights, torch_module  # noqa: E402

LR, BETAS, EPS = 1e-4, (0.9, 0.999), 1e-8


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ----------------------------------------------------------------------------- engines
# Each returns (run, finish, versions): run() does one unit of work and returns its result
# (output array or loss); finish() gives extra JSON fields after the last run.

def acla_engine(args, config, params, x, target):
    import acla
    acla.set_num_threads(args.threads)
    m = acla.Model.create(config)
    for name, value in params.items():
        m.set_parameter(name, value)
    versions = {"acla": acla.version(), "library": str(acla.library_path)}

    def finish():
        n = len(m.attention_modules)
        return {"open_fractions": [m.open_fraction(i) for i in range(n)]} if n else {}
    if args.mode == "forward":
        return (lambda: m.forward(x)), finish, versions
    if args.mode == "peak":
        return (lambda: m.restore(x)), finish, versions
    trainer = acla.Trainer(m, {"optimizer": {"kind": "adam", "lr": LR, "betas": list(BETAS), "eps": EPS},
                               "loss": "l1", "schedule": {"kind": "constant"}})
    run = lambda: trainer.step(x, target)  # noqa: E731
    run.after = lambda: m.forward(x)  # the trained model's output, for compare.py's check
    return run, finish, versions


def ort_engine(args, config, params, x, target):
    import onnxruntime as ort
    if args.mode != "forward":
        raise SystemExit(f"ort: mode {args.mode} is not supported (forward only)")
    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(args.onnx, so, providers=["CPUExecutionProvider"])
    return (lambda: sess.run(["output"], {"input": x})[0]), dict, {"onnxruntime": ort.__version__}


def torch_engine(args, config, params, x, target):
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    m = torch_module(config, params)
    fmt = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
    m = m.to(memory_format=fmt)
    versions = {"torch": torch.__version__, "memory_format": args.memory_format,
                "mkldnn": torch.backends.mkldnn.is_available()}
    if args.mode in ("forward", "peak"):
        m.eval()
        if args.mode == "peak":  # HxWx3 uint8 -> 1x3xHxW float, as acla's restore reads it
            xt = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32))
        else:
            xt = torch.from_numpy(x)
        xt = xt.contiguous(memory_format=fmt)

        def run():
            with torch.inference_mode():
                y = m(xt)
            if args.mode == "peak":
                return y[0].clamp(0, 255).round().to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
            return y.contiguous().numpy()
        return run, dict, versions
    m.train()
    opt = torch.optim.Adam([p for p in m.parameters() if p.requires_grad], lr=LR, betas=BETAS, eps=EPS)
    xt = torch.from_numpy(x).contiguous(memory_format=fmt)
    yt = torch.from_numpy(target).contiguous(memory_format=fmt)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.l1_loss(m(xt), yt)
        loss.backward()
        opt.step()
        return float(loss.detach())

    def after():  # the trained model's output, for compare.py's check
        m.eval()
        with torch.inference_mode():
            return m(xt).contiguous().numpy()
    step.after = after
    return step, dict, versions


ENGINES = {"acla": acla_engine, "ort": ort_engine, "torch": torch_engine}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("engine", choices=list(ENGINES))
    p.add_argument("mode", choices=["forward", "train", "peak"])
    p.add_argument("weights", type=Path)
    p.add_argument("input", type=Path)
    p.add_argument("--onnx", help="the ONNX model (ort)")
    p.add_argument("--target", type=Path, help="HR batch (train)")
    p.add_argument("--save", type=Path, help="write the last run's output here (.npy)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--memory-format", choices=["contiguous", "channels_last"], default="channels_last",
                   help="torch tensor layout (oneDNN convolutions prefer channels_last)")
    args = p.parse_args()
    if args.engine == "ort" and not args.onnx:
        p.error("ort needs --onnx")
    if args.mode == "train" and args.target is None:
        p.error("train needs --target")
    config, params = load_weights(args.weights)
    x = np.load(args.input)
    target = np.load(args.target) if args.target else None
    run, finish, versions = ENGINES[args.engine](args, config, params, x, target)
    del params  # the engine holds its own copy; keep it out of the peak RSS
    rss_start = rss_mb()
    results, times = [], []  # results: every loss (train), else only the last output

    def keep(result):
        if args.mode == "train":
            results.append(result)
        else:
            results[:] = [result]
    for _ in range(args.warmup):
        keep(run())
    cpu0 = time.process_time()
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t0)
        keep(out)
        del out
    cpu = time.process_time() - cpu0
    report = {"engine": args.engine, "mode": args.mode, "threads": args.threads, "times": times, "cpu": cpu,
              "rss_start_mb": rss_start, "peak_rss_mb": peak_rss_mb(), "versions": versions, **finish()}
    if args.mode == "train":
        report["losses"] = results
        if args.save:
            np.save(args.save, run.after())
    elif args.save:
        np.save(args.save, results[-1])
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
