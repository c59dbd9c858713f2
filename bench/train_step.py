"""Training step time and memory: EDSR-baseline x2, batch 16, 48x48 LR patches, with and
without ACLA (the paper's 16-layer positions 2, 7, 9, 13, 15, K = 16), through acla.Trainer.

    ACLA_LIBRARY=build/lib/libacla.so python3 bench/train_step.py [--steps 5] [--threads 2]

Prints per variant the median and min of the timed steps (after one warm-up step), the peak RSS
and the RSS after each step (a growing RSS would mean buffers are not reused), and the ratio
ACLA / plain measured in the same run. Run it alone on the machine; numbers go to bench/RESULTS.md.
"""
import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "python"))
import acla  # noqa: E402

BASE = {"backbone": "edsr", "scale": 2, "blocks": 16, "features": 64, "res_scale": 1.0}
VARIANTS = {
    "edsr-baseline": BASE,
    "edsr-baseline+acla": dict(BASE, attention={"kind": "acla", "positions": [2, 7, 9, 13, 15], "keys": 16}),
    # the full EDSR (32 x 256, res_scale 0.1): only with --only edsr (docs/DISTRIBUTED.md)
    "edsr": {"backbone": "edsr", "scale": 2, "blocks": 32, "features": 256, "res_scale": 0.1},
}


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--patch", type=int, default=48)
    p.add_argument("--only", choices=list(VARIANTS))
    args = p.parse_args()
    acla.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (args.batch, 3, args.patch, args.patch)).astype(np.float32)
    y = rng.uniform(0, 255, (args.batch, 3, 2 * args.patch, 2 * args.patch)).astype(np.float32)
    medians = {}
    for name, config in VARIANTS.items():
        if (args.only and name != args.only) or (name == "edsr" and args.only != "edsr"):
            continue
        with acla.Model.create(config) as m, acla.Trainer(m) as t:
            t.step(x, y)   # warm-up (workspace filled)
            times, rss = [], []
            for _ in range(args.steps):
                start = time.perf_counter()
                t.step(x, y)
                times.append(time.perf_counter() - start)
                rss.append(rss_mb())
        medians[name] = statistics.median(times)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name}: median {medians[name]:.2f} s/step, min {min(times):.2f} s over {args.steps} steps "
              f"(batch {args.batch}, {args.patch}x{args.patch}, {args.threads} threads); RSS after each step "
              f"{', '.join(f'{r:.0f}' for r in rss)} MB; peak RSS so far {peak:.0f} MB", flush=True)
    if "edsr-baseline" in medians and "edsr-baseline+acla" in medians:
        a, b = medians["edsr-baseline+acla"], medians["edsr-baseline"]
        print(f"ratio ACLA / plain: {a / b:.2f}")


if __name__ == "__main__":
    main()
