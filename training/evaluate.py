#!/usr/bin/env python3
"""Scores a model on its task's benchmark as issue 14's bars define it, next to the task's
trivial baseline, with `acla restore --reference` / `--degrade-first` (one image at a time,
whole image, no tiling). Needs ../shared/data (benchmark sets: evaluation only, never training).

  training/evaluate.py --task sr --scale 2 [--model M]   Set5 replicate/x2 LR, Y, shave 2 (baseline bicubic)
  training/evaluate.py --task denoise [--model M]        McMaster + Gaussian sigma 25 rounded/clipped, seed = image index, RGB
  training/evaluate.py --task jpeg [--model M]           classic5_jpeg_q10 LQ -> HQ, Y (gray)
  training/evaluate.py --task demosaic [--model M]       McMaster GRBG mosaic, RGB (baseline bilinear)

Without --model the bundled model of the task is used. --json FILE writes the figures."""
import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LINE = re.compile(r"^PSNR/SSIM against .*: restored (\S+) dB / (\S+), .* (\S+) dB / (\S+)$")


def pairs(task, scale):
    """(input, reference, degrade_first) per benchmark image."""
    if task == "sr":
        d = DATA / "Set5" / "replicate" / f"x{scale}"
        return [(lr, d / lr.name.replace(f"_LRBI_x{scale}", f"_HR_x{scale}"), False)
                for lr in sorted(d.glob(f"*_LRBI_x{scale}.png"))]
    if task == "jpeg":
        d = DATA / "classic5_jpeg_q10"
        return [(lq, d / lq.name.replace("_LQ_", "_HQ_"), False) for lq in sorted(d.glob("*_LQ_Q10.png"))]
    images = sorted((DATA / "McMaster").glob("*.png"), key=lambda p: int(p.stem) if p.stem.isdigit() else p.stem)
    return [(p, p, True) for p in images]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", required=True, choices=["sr", "denoise", "jpeg", "demosaic"])
    ap.add_argument("--scale", type=int, default=2)
    ap.add_argument("--model")
    ap.add_argument("--sigma", type=float, default=25)
    ap.add_argument("--acla", default=str(ROOT / "build" / "bin" / "acla"))
    ap.add_argument("--json")
    a = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"evaluate: {DATA} is absent (the benchmark images live in ../shared/data)")
    model = ["--model", a.model] if a.model else ["--task", a.task] + (["--scale", str(a.scale)] if a.task == "sr" else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, (src, ref, degrade_first) in enumerate(pairs(a.task, a.scale)):
            cmd = [a.acla, "restore", *model, "--tile", "0", "--quiet"]
            cmd += ["--degrade-first", "--noise-seed", str(index), "--sigma", str(a.sigma)] if degrade_first else ["--reference", str(ref)]
            r = subprocess.run(cmd + [str(src), str(Path(tmp) / f"{index}.png")], capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"evaluate: {src.name}: {r.stderr.strip()}")
            m = next(filter(None, (LINE.match(l) for l in r.stdout.splitlines())), None)
            if not m:
                sys.exit(f"evaluate: no score line for {src.name}: {r.stdout}")
            rows.append((src.name, *map(float, m.groups())))
            print(f"{src.name:24s} restored {rows[-1][1]:6.2f} dB / {rows[-1][2]:.4f}   baseline {rows[-1][3]:6.2f} dB / {rows[-1][4]:.4f}", flush=True)
    n = len(rows)
    mean = [sum(r[i] for r in rows) / n for i in range(1, 5)]
    print(f"{'mean (' + str(n) + ' images)':24s} restored {mean[0]:6.2f} dB / {mean[1]:.4f}   baseline {mean[2]:6.2f} dB / {mean[3]:.4f}")
    if a.json:
        Path(a.json).write_text(json.dumps({"task": a.task, "scale": a.scale if a.task == "sr" else 1, "model": a.model or "bundled",
                                            "images": n, "psnr": mean[0], "ssim": mean[1],
                                            "baseline_psnr": mean[2], "baseline_ssim": mean[3]}, indent=2) + "\n")


if __name__ == "__main__":
    main()
