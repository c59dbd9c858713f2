#!/usr/bin/env python3
"""The paper's claim at small scale (issue 14): scores the runs of training/claim-x2/run.sh
(none, cla, acla: the same backbone, steps, data and seed; none-seed12 and acla-seed12:
another seed) and prints the Markdown table of docs/RESULTS.md.

  PYTHONPATH=examples/python ACLA_LIBRARY=build/lib/libacla.so training/claim-x2/table.py [--threads 2]

Columns: parameters; dense MACs at 48x48 (every gate open); measured MACs at 48x48 (the keys
the gates opened, mean over the centre 48x48 crops of the five Set5 x2 LR images) and the
open-key fraction; inference time at 256x256 (a seeded random image, medians of interleaved
forwards in this one process, as a ratio to no attention); PSNR/SSIM on Set5 x2 (Y, shave 2,
whole-image restores, 4 decimals). Needs ../shared/data."""
import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "examples" / "python"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "training"))
import acla  # noqa: E402
from timing import interleaved_medians  # noqa: E402
from bundle import train_metadata  # noqa: E402
from evaluate import DATA, pairs  # noqa: E402
from attention_cost import crops48, measured  # noqa: E402

# rows whose run exists; a -seedS directory is the same run with another seed (run.sh VARIANT S)
VARIANTS = [("none", "no attention"), ("none-seed12", "no attention, seed 12"), ("cla", "CLA, K 8"),
            ("acla", "ACLA (searched: lambda 0.005 and 0 keep 2, 3, 6, 7, 8), K 8"), ("acla-seed12", "the same ACLA, seed 12")]
SET5 = DATA / "Set5" / "replicate" / "x2"


def score(model):
    """Mean PSNR/SSIM over Set5 x2 (Y, shave 2) of whole-image restores, to 4 decimals (the
    evaluate.py rows carry 2, too coarse for runs this close)."""
    psnr, ssim = [], []
    for lr, hr_path, _ in pairs("sr", 2):
        hr = acla.read_image(hr_path)
        out = model.restore(acla.read_image(lr), tile=0)
        psnr.append(acla.psnr(out, hr, border=2, y=True))
        ssim.append(acla.ssim(out, hr, border=2, y=True))
    return {"psnr": float(np.mean(psnr)), "ssim": float(np.mean(ssim))}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=7)
    a = p.parse_args()
    if not SET5.is_dir():
        sys.exit(f"table: {SET5} is absent (the benchmark images live in ../shared/data)")
    runs = [(v, title, HERE / v / "train.safetensors") for v, title in VARIANTS]
    runs = [r for r in runs if r[2].is_file()]
    if not runs or runs[0][0] != "none":
        sys.exit("table: the no-attention run (training/claim-x2/none/train.safetensors) is needed as the reference")
    acla.set_num_threads(a.threads)
    crops = crops48("sr", 2)
    x = np.random.default_rng(0).uniform(0, 255, (1, 3, 256, 256)).astype(np.float32)
    models = {v: acla.Model.load(path) for v, _, path in runs}
    times = interleaved_medians({v: (lambda m=m: m.forward(x)) for v, m in models.items()},
                                warmup=1, repeats=a.repeats, pause=0)
    print(f"Set5 x2 after the same fine-tuning; times at 256x256, {a.threads} threads, "
          f"medians of {a.repeats} interleaved forwards\n")
    print("| model | steps | parameters | GMACs at 48x48 | measured GMACs | open keys | ms at 256x256 | ratio | Set5 x2 PSNR / SSIM |")
    print("|---|---|---|---|---|---|---|---|---|")
    for v, title, path in runs:
        m = models[v]
        dense = m.macs(48, 48)
        got, opened = measured(m, crops)
        s = score(m)
        t = times[v]["median"]
        print(f"| {title} | {train_metadata(path)['step']:,} | {m.parameter_count:,} | {dense / 1e9:.3f} | {got / 1e9:.3f} | "
              f"{'-' if opened is None else f'{opened:.2f}'} | {1e3 * t:.1f} | {t / times['none']['median']:.2f} | "
              f"{s['psnr']:.4f} / {s['ssim']:.4f} |")


if __name__ == "__main__":
    main()
