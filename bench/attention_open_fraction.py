#!/usr/bin/env python3
"""ACLA module time against the open-key fraction (issue 13: closed keys must cost less).

EDSR-baseline x2 + ACLA (K 16, positions 2, 7, 9, 13, 15) with random gate weights whose biases
are bisected (attention_cost.calibrate_gates) to each target open fraction in turn; the plain
backbone from the same seed is timed in the same process, interleaved (timing.interleaved_medians:
--rounds x --repeats forwards each after a warm-up, the order rotating). Module time = ACLA model
time - backbone time (medians). Prints a Markdown table.

    ACLA_LIBRARY=build/lib/libacla.so PYTHONPATH=examples/python python3 bench/attention_open_fraction.py \
        [--size 128] [--fractions 1,0.75,0.5,0.25,0.1] [--repeats 5] [--rounds 2] [--threads 2]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
import acla  # noqa: E402
from attention_cost import calibrate_gates  # noqa: E402
from timing import interleaved_medians  # noqa: E402

BASE = {"backbone": "edsr", "scale": 2, "blocks": 16, "features": 64, "seed": 1}
ACLA = dict(BASE, attention={"kind": "acla", "positions": [2, 7, 9, 13, 15], "keys": 16})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--fractions", default="1,0.75,0.5,0.25,0.1")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    acla.set_num_threads(a.threads)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (1, 3, a.size, a.size)).astype(np.float32)
    plain = acla.Model.create(BASE)
    rows = []
    for f in [float(v) for v in a.fractions.split(",")]:
        model = acla.Model.create(ACLA)
        opened = calibrate_gates(model, f, np.random.default_rng(1)) if f < 1 else [1.0] * 5
        t = interleaved_medians({"plain": lambda: plain.forward(x), "acla": lambda: model.forward(x)},
                                warmup=1, repeats=a.rounds * a.repeats, pause=0)
        measured = [model.open_fraction(i) for i in range(5)]
        rows.append((f, np.mean(measured), 1000 * t["plain"]["median"], 1000 * t["acla"]["median"],
                     model.measured_macs / 1e9))
        del model
    print(f"ACLA module time against the open-key fraction, {a.size}x{a.size}, {a.threads} threads, "
          f"medians of {a.repeats} forwards x {a.rounds} rounds\n")
    print("| target open | measured open | backbone ms | ACLA model ms | modules ms | modules / backbone | measured GMACs |")
    print("|---|---|---|---|---|---|---|")
    for f, o, b, m, g in rows:
        print(f"| {f:g} | {o:.2f} | {b:.1f} | {m:.1f} | {m - b:.1f} | {(m - b) / b:.2f} | {g:.2f} |")


if __name__ == "__main__":
    main()
