"""Whole-network convolution algorithms: error and speed of EDSR with every convolution forced to
one algorithm (ACLA_CONV=reference|im2col|winograd4x4|winograd6x6) or the plans' own per-layer
choice (auto), on a real photo crop, each in its own process.

    ACLA_LIBRARY=build/lib/libacla.so python3 bench/conv_network.py --model baseline --size 128
    python3 bench/conv_network.py --help

Error: relative L2 ||y - y_ref|| / ||y_ref|| of the network output against the reference
algorithm (naive double-sum convolution everywhere); the same relative to the output's variation
||y_ref - mean(y_ref)|| (the mean, about 110 from MeanShift, would flatter the first figure);
and the largest absolute difference.
Speed: median milliseconds per forward (after a warm-up), processes alternating over --rounds
in a rotating order; ratios against im2col come from the same rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "python"))

MODELS = {
    "baseline": {"backbone": "edsr", "scale": 2, "blocks": 16, "features": 64},
    "edsr": {"backbone": "edsr", "scale": 2, "blocks": 32, "features": 256, "res_scale": 0.1},
}


def default_image() -> Path:
    shared = ROOT.parent / "shared" / "data" / "photos" / "astronaut.png"
    return shared if shared.exists() else ROOT / "Tests" / "AclaTests" / "Fixtures" / "photo_rgb.png"


def crop(image, size: int):
    import numpy as np
    h, w = image.shape[:2]
    s = min(size, h, w)
    y0, x0 = (h - s) // 2, (w - s) // 2
    c = image[y0:y0 + s, x0:x0 + s]
    if c.ndim == 2:
        c = np.stack([c] * 3, axis=-1)
    return np.ascontiguousarray(c.transpose(2, 0, 1)[None].astype(np.float32))


def worker(args) -> None:
    import numpy as np
    import acla
    acla.set_num_threads(args.threads)
    model = acla.Model.create(dict(MODELS[args.model], seed=args.seed))
    x = crop(acla.read_image(args.image), args.size)
    y = model.forward(x)
    times = []
    for _ in range(args.repeats if args.time else 0):
        time.sleep(args.pause)
        t0 = time.perf_counter()
        model.forward(x)
        times.append((time.perf_counter() - t0) * 1e3)
    np.save(args.out, y)
    print(json.dumps({"times": times, "shape": list(x.shape)}))


def run(args, algorithm: str, out: str, timed: bool) -> dict:
    env = dict(os.environ)
    env.pop("ACLA_CONV", None)
    if algorithm != "auto":
        env["ACLA_CONV"] = algorithm
    cmd = [sys.executable, __file__, "--worker", "--model", args.model, "--size", str(args.size),
           "--image", str(args.image), "--threads", str(args.threads), "--repeats", str(args.repeats),
           "--seed", str(args.seed), "--pause", str(args.pause), "--out", out] + (["--time"] if timed else [])
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=sorted(MODELS), default="baseline")
    p.add_argument("--size", type=int, default=128, help="square input crop (default 128)")
    p.add_argument("--image", type=Path, default=default_image())
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5, help="timed forwards per process")
    p.add_argument("--rounds", type=int, default=3, help="processes per algorithm for timing")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pause", type=float, default=0.3)
    p.add_argument("--algorithms", default="im2col,winograd4x4,winograd6x6,auto")
    p.add_argument("--no-reference", action="store_true", help="skip the (slow) reference run")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--time", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker(args)
    import numpy as np
    algorithms = args.algorithms.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="acla_conv_network_"))
    print(f"model {args.model} x2, input crop {args.size}x{args.size} of {args.image.name}, {args.threads} threads, "
          f"seed {args.seed}; load {os.getloadavg()[0]:.1f}")
    reference = None
    if not args.no_reference:
        run(args, "reference", str(tmp / "reference.npy"), timed=False)
        reference = np.load(tmp / "reference.npy").astype(np.float64)
    times = {a: [] for a in algorithms}
    for r in range(args.rounds):
        order = algorithms[r % len(algorithms):] + algorithms[:r % len(algorithms)]
        for a in order:
            times[a] += run(args, a, str(tmp / f"{a}.npy"), timed=True)["times"]
    base = statistics.median(times["im2col"]) if "im2col" in times else None
    print("\n| algorithm | median ms | best ms | im2col/this (median) | rel. L2 vs reference | rel. L2, mean removed | max abs diff |")
    print("|---|---|---|---|---|---|---|")
    for a in algorithms:
        y = np.load(tmp / f"{a}.npy").astype(np.float64)
        if reference is not None:
            err = np.linalg.norm(y - reference) / np.linalg.norm(reference)
            centred = np.linalg.norm(y - reference) / np.linalg.norm(reference - reference.mean())
            diff = np.abs(y - reference).max()
            e = f"{err:.2e} | {centred:.2e} | {diff:.2e}"
        else:
            e = "- | - | -"
        med = statistics.median(times[a])
        ratio = f"{base / med:.2f}" if base else "-"
        print(f"| {a} | {med:.1f} | {min(times[a]):.1f} | {ratio} | {e} |")
    print(f"\nload after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
