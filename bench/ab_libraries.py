#!/usr/bin/env python3
"""A/B of two builds of libacla.so: alternates `edsr_onnx.py --skip-attention` runs (one process
per run, so each library gets its own OpenBLAS/libomp state) between library A and library B for
--rounds rounds, rotating which goes first, and summarises the acla and ORT medians and the
ORT/acla ratios per model and input (median over the runs of each run's median).

    python3 bench/ab_libraries.py /tmp/base.so build/lib/libacla.so --rounds 3 -- --full --repeats 9

Options after `--` go to edsr_onnx.py. Each run's table is kept in --log (default stdout only).
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_timing(text):
    """{(input, GMACs): (acla ms, ORT ms, others acla, cpu/wall acla)} from the timing tables."""
    rows, header = {}, None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "acla median ms" in cells:
            header = cells
            continue
        if header is None or cells[0].startswith("---") or len(cells) != len(header):
            continue
        row = dict(zip(header, cells))
        rows[(row["input"], row["GMACs"])] = (float(row["acla median ms"]), float(row["ORT median ms"]),
                                             row["others acla / ORT"], row["cpu/wall acla / ORT"])
    return rows


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--log")
    args, rest = ap.parse_known_args()
    if rest and rest[0] == "--":
        rest = rest[1:]
    libs = {"A": args.a, "B": args.b}
    runs = {"A": [], "B": []}
    log = open(args.log, "a") if args.log else None
    for r in range(args.rounds):
        order = ["A", "B"] if r % 2 == 0 else ["B", "A"]
        for name in order:
            env = dict(os.environ, ACLA_LIBRARY=libs[name])
            before = load()
            out = subprocess.run([sys.executable, os.path.join(HERE, "edsr_onnx.py"), "--skip-attention", *rest],
                                 env=env, capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"run {r} {name} failed:\n{out.stdout}\n{out.stderr}")
            rows = parse_timing(out.stdout)
            runs[name].append(rows)
            msg = f"round {r} {name} ({libs[name]}) load {before}->{load()}: " + "; ".join(
                f"{k[0]} {k[1]}G acla {v[0]:.1f} ORT {v[1]:.1f} others {v[2]} cpu/wall {v[3]}" for k, v in rows.items())
            print(msg, file=sys.stderr, flush=True)
            if log:
                print(msg, file=log, flush=True)
                print(out.stdout, file=log, flush=True)
    keys = list(runs["A"][0])
    print(f"| input | GMACs | A acla ms | B acla ms | B/A time | A ORT/acla | B ORT/acla | ORT ms (A runs / B runs) |")
    print("|---|---|---|---|---|---|---|---|")
    for k in keys:
        med = {n: (statistics.median(x[k][0] for x in runs[n]), statistics.median(x[k][1] for x in runs[n]),
                   statistics.median(x[k][1] / x[k][0] for x in runs[n])) for n in runs}
        print(f"| {k[0]} | {k[1]} | {med['A'][0]:.1f} | {med['B'][0]:.1f} | {med['B'][0] / med['A'][0]:.2f} "
              f"| {med['A'][2]:.2f} | {med['B'][2]:.2f} | {med['A'][1]:.1f} / {med['B'][1]:.1f} |")


if __name__ == "__main__":
    main()
