#!/usr/bin/env python3
"""What attention costs a bundled model of a same-resolution task (denoise, jpeg, demosaic):
for each model given (the first is the reference, normally the attention-free one), its
parameters, dense MACs at 48x48, measured MACs and open-key fraction at 48x48 (mean over the
centre crops of the task's benchmark inputs, degraded as training/evaluate.py degrades them),
and its inference time at 256x256 (medians of interleaved forwards in this one process, as a
ratio to the first model). The benchmark PSNR comes from training/evaluate.py.

  PYTHONPATH=examples/python ACLA_LIBRARY=build/lib/libacla.so \
    training/attention_cost.py --task jpeg jpeg jpeg-acla [--threads 2] [--repeats 7]

Models are bundled names or checkpoint paths. Needs ../shared/data."""
import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples" / "python"))
sys.path.insert(0, str(HERE.parent / "bench"))
import acla  # noqa: E402
from timing import interleaved_medians  # noqa: E402
from evaluate import DATA, pairs  # noqa: E402


def degraded(task, index, image):
    if task == "denoise":
        return acla.degrade_noise(image, 25, index)
    if task == "demosaic":
        return acla.degrade_mosaic(image)
    return image   # sr and jpeg: the benchmark gives the LR/LQ image


def crops48(task, scale=1):
    """The centre 48x48 crop of each benchmark input, degraded as evaluate.py degrades it, as
    1 x C x 48 x 48 float32 (the claim table's SR crops too: crops48("sr", 2))."""
    out = []
    for index, (src, _, _) in enumerate(pairs(task, scale)):
        img = degraded(task, index, acla.read_image(src))
        img = img[:, :, None] if img.ndim == 2 else img
        h, w = img.shape[:2]
        y, x = (h - 48) // 2, (w - 48) // 2
        out.append(np.ascontiguousarray(img[y:y + 48, x:x + 48].transpose(2, 0, 1)[None].astype(np.float32)))
    return out


def measured(model, crops):
    """Mean measured MACs over the crops and the mean open-key fraction (None without attention)."""
    modules = len(model.attention_modules)
    if not modules:   # no attention: the cost does not depend on the input
        return float(model.macs(48, 48)), None
    macs, opened = [], []
    for c in crops:
        model.forward(c)
        macs.append(model.measured_macs)
        opened.append(np.mean([model.open_fraction(i) for i in range(modules)]))
    return float(np.mean(macs)), float(np.mean(opened))


def load(name):
    return acla.Model.load(name) if Path(name).is_file() else acla.Model.load_default(name)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", required=True, choices=["denoise", "jpeg", "demosaic"])
    p.add_argument("models", nargs="+")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=7)
    a = p.parse_args()
    if not DATA.is_dir():
        sys.exit(f"attention_cost: {DATA} is absent (the benchmark images live in ../shared/data)")
    acla.set_num_threads(a.threads)
    crops = crops48(a.task)
    models = {n: load(n) for n in a.models}
    channels = crops[0].shape[1]
    x = np.random.default_rng(0).uniform(0, 255, (1, channels, 256, 256)).astype(np.float32)
    times = interleaved_medians({n: (lambda m=m: m.forward(x)) for n, m in models.items()},
                                warmup=1, repeats=a.repeats, pause=0)
    first = times[a.models[0]]["median"]
    print(f"{a.task}: times at 256x256, {a.threads} threads, medians of {a.repeats} interleaved forwards\n")
    print("| model | parameters | GMACs at 48x48 | measured GMACs | open keys | ms at 256x256 | ratio |")
    print("|---|---|---|---|---|---|---|")
    for n, m in models.items():
        got, opened = measured(m, crops)
        t = times[n]["median"]
        print(f"| `{n}` | {m.parameter_count:,} | {m.macs(48, 48) / 1e9:.3f} | {got / 1e9:.3f} | "
              f"{'-' if opened is None else f'{opened:.2f}'} | {1e3 * t:.1f} | {t / first:.2f} |")


if __name__ == "__main__":
    main()
