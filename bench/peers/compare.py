#!/usr/bin/env python3
"""acla vs ONNX Runtime vs PyTorch, side by side: one process per engine and run, alternating
(bench/README.md, section peers/; the targets table of issue 13).

Per workload: export.py makes the weights (.npz) and ONNX graph in its own process; every engine
runs once on the workload's input and must match the reference engine's output (ORT where it
takes part) within --tolerance relative L2, otherwise the workload is aborted with a message and
the exit status is 1. Then --rounds rounds, each starting one fresh worker.py process per engine
(engine order rotating by one each round) doing --warmup untimed and --repeats timed runs.
Medians are over all timed runs of all rounds. Prints Markdown for bench/RESULTS.md.

    python3 bench/peers/compare.py [--workloads edsr-baseline,edsr,rcan,attention,train,peak]
                                   [--rounds 5] [--repeats 3] [--threads 2] [--quick]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

EDSR_BASE = {"backbone": "edsr", "scale": 2, "blocks": 16, "features": 64, "res_scale": 1.0}
ACLA_ATT = {"kind": "acla", "positions": [2, 7, 9, 13, 15], "keys": 16}

# name: (title, mode, config, quick config, input, quick input, variants)
# input: ("image", H, W) float NCHW 1x3xHxW | ("batch", N, P) LR/HR patches | ("u8", H, W) image.
# variants: (label, engine, weights) with weights "model" or "plain" (attention dropped); the
# first variant is the ratios' denominator, `check` the reference of the correctness check.
WORKLOADS = {
    "edsr-baseline": dict(
        title="EDSR-baseline x2 (16 blocks x 64), forward", mode="forward",
        config=EDSR_BASE, quick=dict(EDSR_BASE, blocks=2, features=8),
        input=("image", 256, 256), quick_input=("image", 16, 20),
        variants=[("acla", "acla", "model"), ("ORT", "ort", "model"), ("torch", "torch", "model")], check="ORT"),
    "edsr": dict(
        title="EDSR x2 (32 blocks x 256, res_scale 0.1), forward", mode="forward",
        config=dict(EDSR_BASE, blocks=32, features=256, res_scale=0.1),
        quick=dict(EDSR_BASE, scale=3, blocks=2, features=16, res_scale=0.1),   # quick: x3 path
        input=("image", 64, 64), quick_input=("image", 12, 10),
        variants=[("acla", "acla", "model"), ("ORT", "ort", "model"), ("torch", "torch", "model")], check="ORT"),
    "rcan": dict(
        title="RCAN x2 (10 groups x 20 blocks x 64, reduction 16), forward", mode="forward",
        config={"backbone": "rcan", "scale": 2, "groups": 10, "blocks": 20, "features": 64, "reduction": 16},
        quick={"backbone": "rcan", "scale": 4, "groups": 2, "blocks": 2, "features": 16, "reduction": 4},  # x4 path
        input=("image", 48, 48), quick_input=("image", 10, 12),
        variants=[("acla", "acla", "model"), ("ORT", "ort", "model"), ("torch", "torch", "model")], check="ORT"),
    "attention": dict(
        title="EDSR-baseline x2 + ACLA (positions 2,7,9,13,15, K 16, gates ~half open) vs the same backbone, acla only",
        mode="forward", config=dict(EDSR_BASE, attention=ACLA_ATT), quick=dict(EDSR_BASE, features=8, attention=ACLA_ATT),
        input=("image", 256, 256), quick_input=("image", 24, 24),
        # ORT runs the plain backbone in the check only: attention has no peer to compare with
        variants=[("acla, no attention", "acla", "plain"), ("acla + ACLA", "acla", "model")],
        check=("ORT (plain)", "ort", "plain"), checked="acla, no attention"),
    "train": dict(
        title="Training step, EDSR-baseline x2, batch 16, 48x48 LR patches, L1 + Adam lr 1e-4", mode="train",
        config=EDSR_BASE, quick=dict(EDSR_BASE, blocks=2, features=8),
        input=("batch", 16, 48), quick_input=("batch", 2, 12),
        variants=[("acla", "acla", "model"), ("torch", "torch", "model")], check="torch"),
    "peak": dict(
        title="Peak memory: 512x512 -> 1024x1024 x2, EDSR-baseline; acla tiled restore (defaults) vs torch untiled",
        mode="peak", config=EDSR_BASE, quick=dict(EDSR_BASE, blocks=2, features=8),
        input=("u8", 512, 512), quick_input=("u8", 300, 290),   # quick: still above one 256 tile
        variants=[("acla", "acla", "model"), ("torch", "torch", "model")], check="torch"),
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rel_l2(a: np.ndarray, ref: np.ndarray) -> float:
    a, ref = a.astype(np.float64), ref.astype(np.float64)
    return float(np.linalg.norm(a - ref) / max(np.linalg.norm(ref), 1e-30))


def machine() -> dict:
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return ""
    lscpu = sh(["lscpu"])
    model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name")), "?")
    flags = set(next((line.split(":", 1)[1].split() for line in lscpu.splitlines() if line.startswith("Flags")), []))
    return {"cpu": model, "avx2": "avx2" in flags, "avx512f": "avx512f" in flags, "cores": os.cpu_count(),
            "load": os.getloadavg(), "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": sh(["git", "describe", "--always", "--dirty", "--abbrev=12"]), "python": platform.python_version()}


def make_inputs(kind: tuple, scale: int, rng, d: Path) -> dict:
    """Input files of a workload: {"input": path[, "target": path]} (0..255 values)."""
    if kind[0] == "image":
        np.save(d / "input.npy", rng.uniform(0, 255, (1, 3, kind[1], kind[2])).astype(np.float32))
        return {"input": d / "input.npy"}
    if kind[0] == "u8":
        np.save(d / "input.npy", rng.integers(0, 256, (kind[1], kind[2], 3), dtype=np.uint8))
        return {"input": d / "input.npy"}
    n, p = kind[1], kind[2]
    np.save(d / "input.npy", rng.uniform(0, 255, (n, 3, p, p)).astype(np.float32))
    np.save(d / "target.npy", rng.uniform(0, 255, (n, 3, p * scale, p * scale)).astype(np.float32))
    return {"input": d / "input.npy", "target": d / "target.npy"}


def describe_input(kind: tuple, scale: int) -> str:
    if kind[0] == "image":
        return f"1x3x{kind[1]}x{kind[2]} float32 (output x{scale})"
    if kind[0] == "u8":
        return f"{kind[1]}x{kind[2]}x3 uint8 image (output {kind[1] * scale}x{kind[2] * scale})"
    n, p = kind[1], kind[2]
    return f"batch {n}x3x{p}x{p} LR, {n}x3x{p * scale}x{p * scale} HR targets"


class Runner:
    def __init__(self, args, d: Path):
        self.args, self.dir = args, d
        self.env = dict(os.environ)
        pp = str(ROOT / "examples" / "python")
        self.env["PYTHONPATH"] = pp + (os.pathsep + self.env["PYTHONPATH"] if self.env.get("PYTHONPATH") else "")
        lib = ROOT / "build" / "lib" / "libacla.so"
        if "ACLA_LIBRARY" not in self.env and lib.exists():
            self.env["ACLA_LIBRARY"] = str(lib)
        self.commands = []

    def run(self, argv: list, record: bool = True) -> dict:
        cmd = [sys.executable] + [str(a) for a in argv]
        if record:
            self.commands.append(shlex.join(cmd))
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env)
        if p.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} failed (exit {p.returncode}):\n{p.stderr.strip()[-3000:]}")
        return json.loads(p.stdout.strip().splitlines()[-1])

    def worker(self, engine: str, mode: str, files: dict, weights: Path, warmup: int, repeats: int,
               save: Path | None = None, record: bool = True) -> dict:
        argv = [HERE / "worker.py", engine, mode, weights, files["input"], "--threads", self.args.threads,
                "--warmup", warmup, "--repeats", repeats, "--memory-format", self.args.torch_memory_format]
        if engine == "ort":
            argv += ["--onnx", weights.parent / "model.onnx"]
        if "target" in files:
            argv += ["--target", files["target"]]
        if save:
            argv += ["--save", save]
        return self.run(argv, record)


def export(runner: Runner, config: dict, d: Path) -> tuple:
    """Paths of the weights: "model", and for attention models "plain" (export.py, own process)."""
    info = runner.run([HERE / "export.py", json.dumps(config), d, "--seed", runner.args.seed])
    weights = {"model": d / "weights.npz"}
    if (d / "plain" / "weights.npz").exists():
        weights["plain"] = d / "plain" / "weights.npz"
    return weights, info


def check(runner: Runner, w: dict, files: dict, weights: dict, d: Path) -> list:
    """One run per engine on the workload's input (train: two steps, then the trained model's
    output, and the two losses); returns rows (label, reference, relative L2, max abs diff).
    Raises ValueError naming the engine when one is off by more than the tolerance."""
    variants = list(w["variants"])
    ref = w["check"]
    if isinstance(ref, tuple):  # a reference that is not timed
        variants.append(ref)
        ref = ref[0]
    if w.get("checked"):  # only this variant has a peer to compare with
        variants = [v for v in variants if v[0] in (ref, w["checked"])]
    outs, losses = {}, {}
    for label, engine, which in variants:
        path = d / f"check-{engine}-{which}.npy"
        if w["mode"] == "train":  # two steps: the losses, then the output of the trained model
            rep = runner.worker(engine, "train", files, weights[which], 0, 2, save=path, record=False)
            losses[label] = np.array(rep["losses"])
        else:
            runner.worker(engine, w["mode"], files, weights[which], 0, 1, save=path, record=False)
        outs[label] = np.load(path)
    rows, bad = [], []
    for label, _, _ in variants:
        if label == ref:
            continue
        if outs[label].shape != outs[ref].shape:
            raise ValueError(f"{label} output shape {outs[label].shape} != {ref} {outs[ref].shape}")
        err = rel_l2(outs[label], outs[ref])
        diff = float(np.max(np.abs(outs[label].astype(np.float64) - outs[ref])))
        rows.append((label, ref, err, diff))
        if label in losses:
            lerr = rel_l2(losses[label], losses[ref])
            rows.append((f"{label} losses {np.array2string(losses[label], precision=6)}", ref, lerr,
                         float(np.max(np.abs(losses[label] - losses[ref])))))
            err = max(err, lerr)
        if not err <= runner.args.tolerance:
            bad.append(f"{label} vs {ref}: relative L2 {err:.3g} > tolerance {runner.args.tolerance:g} "
                       f"(max abs diff {diff:.3g})")
    if bad:
        raise ValueError("; ".join(bad))
    return rows


def timed_rounds(runner: Runner, w: dict, files: dict, weights: dict) -> dict:
    a = runner.args
    variants = w["variants"]
    reports = {label: [] for label, _, _ in variants}
    for r in range(a.rounds):
        order = variants[r % len(variants):] + variants[:r % len(variants)]
        for label, engine, which in order:
            log(f"  round {r + 1}/{a.rounds}: {label}")
            reports[label].append(runner.worker(engine, w["mode"], files, weights[which], a.warmup, a.repeats,
                                                record=(r == 0)))
    return reports


def summarise(reports: dict) -> dict:
    out = {}
    for label, reps in reports.items():
        times = [t for rep in reps for t in rep["times"]]
        out[label] = {"median": statistics.median(times), "min": min(times), "n": len(times),
                      "cpu_per_wall": sum(rep["cpu"] for rep in reps) / sum(sum(rep["times"]) for rep in reps),
                      "peak_rss_mb": max(rep["peak_rss_mb"] for rep in reps),
                      "rss_start_mb": statistics.median(rep["rss_start_mb"] for rep in reps),
                      "versions": reps[0]["versions"],
                      "open_fractions": reps[-1].get("open_fractions")}
    return out


def print_workload(name: str, w: dict, config: dict, shape: tuple, checks: list, stats: dict, info: dict) -> None:
    unit = "ms/step" if w["mode"] == "train" else "ms"
    print(f"\n### {w['title']}\n")
    print(f"Workload `{name}`, config `{json.dumps(config)}`, input {describe_input(shape, config['scale'])}, "
          f"{info.get('parameters', '?'):,} parameters.\n")
    print("Check before timing: " + "; ".join(
        f"{label} vs {ref} relative L2 {err:.2g} (max abs diff {diff:.2g})" for label, ref, err, diff in checks) + ".")
    if info.get("open_fractions"):
        print(f"Gates calibrated by export.py: open fractions {', '.join(f'{f:.2f}' for f in info['open_fractions'])}.")
    print(f"\n| engine | median {unit} | min {unit} | timed runs | cpu/wall | peak RSS MB | RSS after load MB |")
    print("|---|---|---|---|---|---|---|")
    for label, s in stats.items():
        print(f"| {label} | {s['median'] * 1e3:.1f} | {s['min'] * 1e3:.1f} | {s['n']} "
              f"| {s['cpu_per_wall']:.2f} | {s['peak_rss_mb']:.0f} | {s['rss_start_mb']:.0f} |")
    labels = list(stats)
    print("\n| ratio (median time) | value |\n|---|---|")
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            print(f"| {b} / {a} | {stats[b]['median'] / stats[a]['median']:.3g} |")
    if w["mode"] == "peak":
        print(f"| peak RSS {labels[1]} / {labels[0]} | "
              f"{stats[labels[1]]['peak_rss_mb'] / stats[labels[0]]['peak_rss_mb']:.3g} |")
    for label, s in stats.items():
        if s["open_fractions"]:
            print(f"\n{label}: open-key fraction per module after the last run "
                  f"{', '.join(f'{f:.2f}' for f in s['open_fractions'])} (mean {np.mean(s['open_fractions']):.2f}).")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", default=",".join(WORKLOADS), help=f"comma-separated, of {', '.join(WORKLOADS)}")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tolerance", type=float, default=3e-4, help="max relative L2 of an engine vs the reference")
    p.add_argument("--torch-memory-format", choices=["contiguous", "channels_last"], default="channels_last")
    p.add_argument("--quick", action="store_true", help="tiny models and inputs, 1 round: a smoke test")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, help="keep weights, ONNX and inputs here (default: a temp dir)")
    args = p.parse_args()
    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        p.error(f"unknown workloads {unknown}; choose from {list(WORKLOADS)}")
    if args.quick and "--rounds" not in sys.argv:
        args.rounds = 1
    if min(args.rounds, args.repeats, args.threads) < 1 or args.warmup < 0:
        p.error("--rounds, --repeats, --threads must be >= 1 and --warmup >= 0")

    m = machine()
    tmp = None if args.workdir else tempfile.TemporaryDirectory(prefix="acla-peers-")
    base = args.workdir or Path(tmp.name)
    runner = Runner(args, base)
    print(f"## acla vs ONNX Runtime vs PyTorch (bench/peers/compare.py{' --quick' if args.quick else ''})\n")
    print(f"Machine: {m['cpu']}, {m['cores']} cores, avx2 {'yes' if m['avx2'] else 'no'}, avx512f "
          f"{'yes' if m['avx512f'] else 'no'}; load average at start {m['load'][0]:.2f}. {m['date']}, commit "
          f"{m['commit']}, python {m['python']}. {args.threads} threads per engine, {args.rounds} round(s) x "
          f"({args.warmup} warm-up + {args.repeats} timed runs) per engine, one process per engine and round, "
          f"order rotating; medians over all timed runs. Ratios: numerator / denominator of median times "
          f"(> 1: the denominator is faster). Check tolerance: relative L2 {args.tolerance:g}.")
    print(f"\nCommand: `{shlex.join(['python3', 'bench/peers/compare.py'] + sys.argv[1:])}`")
    failed, versions = [], {}
    for name in names:
        w = WORKLOADS[name]
        config = dict(w["quick"] if args.quick else w["config"], seed=args.seed)
        shape = w["quick_input"] if args.quick else w["input"]
        d = base / name
        d.mkdir(parents=True, exist_ok=True)
        log(f"{name}: export {json.dumps(config)}")
        try:
            weights, info = export(runner, config, d)
            files = make_inputs(shape, config["scale"], np.random.default_rng(args.seed), d)
            log(f"{name}: check")
            checks = check(runner, w, files, weights, d)
            stats = summarise(timed_rounds(runner, w, files, weights))
        except (ValueError, RuntimeError) as e:
            print(f"\n### {w['title']}\n\n**ABORTED** (`{name}`): {e}")
            log(f"{name}: ABORTED: {e}")
            failed.append(name)
            continue
        for s in stats.values():
            versions.update(s["versions"])
        print_workload(name, w, config, shape, checks, stats, info)
    print(f"\nVersions: {', '.join(f'{k} {v}' for k, v in versions.items())}.")
    print("\nWorker commands (first round; file paths are in the work directory):\n\n```")
    print("\n".join(runner.commands))
    print("```")
    if tmp:
        tmp.cleanup()
    if failed:
        log(f"aborted workloads: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
