#!/usr/bin/env python3
"""Before/after of the attention kernels: two builds of libacla.so, each timing plain EDSR-baseline
x2, + CLA (K 8) and + ACLA (K 16) at positions 2, 7, 9, 13, 15, for inference (forward, 1 image)
and for training (acla.Trainer steps, L1 + Adam, fixed random batch). Each library runs in its
own process (its own libomp/OpenBLAS state); the processes alternate A, B, B, A, ... for --rounds
rounds. Inside a process the three models are timed interleaved (timing.py), so the ratios
CLA/EDSR and ACLA/EDSR come from one run; the table gives, per library, the median over rounds of
each round's median times and ratios.

    python3 bench/attention_ab.py /tmp/before.so build/lib/libacla.so --rounds 2 \\
        [--sizes 128x128,256x256] [--repeats 5] [--steps 3 --batch 16 --patch 48] [--skip-train]

Ratios are what to read on a shared machine; the absolute times move with the load.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
POSITIONS = [2, 7, 9, 13, 15]
MODELS = {
    "EDSR": None,
    "CLA K=8": {"kind": "cla", "positions": POSITIONS, "keys": 8},
    "ACLA K=16": {"kind": "acla", "positions": POSITIONS, "keys": 16},
}


def config(attention):
    cfg = {"backbone": "edsr", "scale": 2, "blocks": 16, "features": 64, "res_scale": 1.0, "seed": 1}
    if attention:
        cfg["attention"] = attention
    return cfg


def child(args):
    """One library's measurements, as one JSON object on stdout."""
    sys.path.insert(0, HERE)
    sys.path.insert(0, os.path.join(HERE, "..", "examples", "python"))
    import numpy as np
    import acla
    from timing import interleaved_medians
    acla.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    out = {"infer": {}, "train": {}}
    models = {name: acla.Model.create(config(att)) for name, att in MODELS.items()}
    for size in args.sizes.split(","):
        h, w = (int(v) for v in size.split("x"))
        x = rng.uniform(0, 255, (1, 3, h, w)).astype(np.float32)
        stats = interleaved_medians({n: (lambda m=m: m.forward(x)) for n, m in models.items()},
                                    warmup=1, repeats=args.repeats, pause=0.2)
        out["infer"][size] = {n: s["median"] for n, s in stats.items()}
    for m in models.values():
        m.close()
    if args.steps > 0:
        b, p = args.batch, args.patch
        x = rng.uniform(0, 255, (b, 3, p, p)).astype(np.float32)
        y = rng.uniform(0, 255, (b, 3, 2 * p, 2 * p)).astype(np.float32)
        pairs = {}
        for name, att in MODELS.items():
            m = acla.Model.create(config(att))
            pairs[name] = (m, acla.Trainer(m))
        stats = interleaved_medians({n: (lambda t=t: t.step(x, y)) for n, (_, t) in pairs.items()},
                                    warmup=1, repeats=args.steps, pause=0.2)
        out["train"] = {n: s["median"] for n, s in stats.items()}
        for m, t in pairs.values():
            t.close()
            m.close()
    print(json.dumps(out))


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a", nargs="?")
    p.add_argument("b", nargs="?")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--sizes", default="128x128,256x256")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--steps", type=int, default=3, help="timed training steps per model (0: no training)")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--patch", type=int, default=48)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(args)
    if not (args.a and args.b):
        p.error("give two libraries: BEFORE.so AFTER.so")
    libs = {"A": args.a, "B": args.b}
    results = {"A": [], "B": []}
    for r in range(args.rounds):
        for tag in (["A", "B"] if r % 2 == 0 else ["B", "A"]):
            env = dict(os.environ, ACLA_LIBRARY=libs[tag])
            cmd = [sys.executable, os.path.abspath(__file__), "--child", "--sizes", args.sizes,
                   "--repeats", str(args.repeats), "--steps", str(args.steps), "--batch", str(args.batch),
                   "--patch", str(args.patch), "--threads", str(args.threads)]
            start, l0 = time.strftime("%H:%M:%S", time.gmtime()), load()
            res = json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout)
            print(f"round {r + 1} {tag} ({libs[tag]}): {start} UTC, load {l0} -> {load()}: {json.dumps(res)}",
                  flush=True)
            results[tag].append(res)

    def med(tag, path):
        vals = []
        for res in results[tag]:
            v = res
            for k in path:
                v = v[k]
            vals.append(v)
        return statistics.median(vals)

    def ratio(tag, section, key, name):
        rows = [res[section][key][name] / res[section][key]["EDSR"] if key else res[section][name] / res[section]["EDSR"]
                for res in results[tag]]
        return statistics.median(rows)

    print("\n| workload | model | A median | B median | B/A time | A time / EDSR | B time / EDSR |")
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        for name in MODELS:
            a, b = med("A", ["infer", size, name]), med("B", ["infer", size, name])
            print(f"| inference {size} | {name} | {a * 1e3:.0f} ms | {b * 1e3:.0f} ms | {b / a:.2f} | "
                  f"{ratio('A', 'infer', size, name):.2f} | {ratio('B', 'infer', size, name):.2f} |")
    if args.steps > 0:
        for name in MODELS:
            a, b = med("A", ["train", name]), med("B", ["train", name])
            print(f"| train step, batch {args.batch}, {args.patch}x{args.patch} | {name} | {a:.2f} s | {b:.2f} s | "
                  f"{b / a:.2f} | {ratio('A', 'train', None, name):.2f} | {ratio('B', 'train', None, name):.2f} |")


if __name__ == "__main__":
    sys.exit(main())
