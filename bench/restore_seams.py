"""Tiled against untiled restoration on real photos: the largest difference after rounding
(in 8-bit levels) for several tiles and overlaps, and how many pixels differ at all.

    python3 bench/restore_seams.py [--photos DIR] [--models plain,acla,...] [--tiles 256,128]
                                   [--overlaps 0,8,16,32,48,64]

Models are random-init (trained models come with issue 12), so the figures bound what the
tiling itself does, not a trained model's behaviour: "plain" is baseline EDSR x2 (16 x 64);
"acla" adds ACLA (K 16 at 2, 7, 9, 13, 15) with its keys spread: the offset convs get random
weights (uniform +-SPREAD) so keys land several pixels away (the typical distance is printed),
and the logit and output convs random weights, so attention changes every pixel; "rcan" is a
small RCAN x2 (3 groups x 4 blocks), whose channel attention pools over the whole window.
Run by hand (slow: minutes); results go to docs/RESTORE.md.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "python"))
import acla  # noqa: E402

MODELS = {
    "plain": {"backbone": "edsr", "scale": 2},
    "acla": {"backbone": "edsr", "scale": 2,
             "attention": {"kind": "acla", "positions": [2, 7, 9, 13, 15], "keys": 16}},
    "rcan": {"backbone": "rcan", "scale": 2, "groups": 3, "blocks": 4},
}
SPREAD = 0.02


def spread_attention(model, rng):
    for name in model.parameter_names:
        if not name.startswith("attention."):
            continue
        if name.endswith(".offset.weight"):
            scale = SPREAD
        elif name.endswith(".logits.weight") or name.endswith(".out.weight"):
            scale = 0.05
        else:
            continue
        shape = model.parameter_shape(name)
        model.set_parameter(name, rng.uniform(-scale, scale, size=shape).astype(np.float32))


def windows(length, tile, overlap, align=4):
    """Window starts and their common length along one axis (TileAxis in Sources/Acla/Inference:
    starts at multiples of the Winograd tile, ends where the image ends modulo it)."""
    aligned = tile + (length - tile) % align
    if tile == 0 or tile >= length or aligned >= length:
        return [0], length
    if (aligned - overlap) // align >= 1:
        units, step = (length - aligned) // align, (aligned - overlap) // align
        count = 1 + -(-units // step)
        return [align * (i * units // (count - 1)) for i in range(count)], aligned
    step = tile - overlap
    count = 1 + -(-(length - tile) // step)
    return [i * (length - tile) // (count - 1) for i in range(count)], tile


def min_shared(length, tile, overlap):
    """The fewest pixels two neighbouring windows share."""
    starts, size = windows(length, tile, overlap)
    if len(starts) == 1:
        return length
    return min(size - (b - a) for a, b in zip(starts, starts[1:]))


def key_distance(model, image):
    """Median distance (input pixels) of the probed keys from their query, over a few pixels."""
    x = image.transpose(2, 0, 1)[None].astype(np.float32)
    h, w = image.shape[:2]
    distances = []
    for (y, x0) in [(h // 4, w // 4), (h // 2, w // 2), (3 * h // 4, w // 3)]:
        model.set_probe(y, x0)
        model.forward(x)
        for m in range(len(model.attention_modules)):
            for k in model.probe_keys(m):
                distances.append(((k.y - y) ** 2 + (k.x - x0) ** 2) ** 0.5)
    model.set_probe(-1, -1)
    return float(np.median(distances)), float(np.percentile(distances, 90))


def main():
    global SPREAD
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--photos", default=str(ROOT.parent / "shared" / "data" / "photos"))
    p.add_argument("--images", default="astronaut.png,coffee.png")
    p.add_argument("--models", default="plain,acla,rcan",
                   help="built-in random-init models, and/or checkpoint paths (.safetensors), e.g. models/sr-x2.safetensors")
    p.add_argument("--runs", default="128:0,128:16,128:32,128:48,128:64,128:96,256:64",
                   help="TILE:OVERLAP pairs")
    p.add_argument("--spread", type=float, default=0.02, help="ACLA offset-weight range (keys farther for larger)")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args()
    SPREAD = args.spread
    if args.threads:
        acla.set_num_threads(args.threads)
    print(f"acla {acla.version()}, {acla.get_num_threads()} threads, {time.strftime('%Y-%m-%d')}")
    for image_name in args.images.split(","):
        image = acla.read_image(os.path.join(args.photos, image_name))
        print(f"\n{image_name} {image.shape[1]}x{image.shape[0]}")
        for model_name in args.models.split(","):
            model = acla.Model.load(model_name) if model_name.endswith(".safetensors") else acla.Model.create(MODELS[model_name])
            extra = ""
            if model_name == "acla":
                spread_attention(model, np.random.default_rng(1))
                median, p90 = key_distance(model, image)
                extra = f" (keys: median {median:.1f} px, 90% within {p90:.1f} px of the query)"
            t0 = time.perf_counter()
            whole = model.restore(image, tile=0).astype(np.int16)
            print(f"  {model_name}{extra}: untiled {time.perf_counter() - t0:.1f} s")
            for run in args.runs.split(","):
                tile, overlap = map(int, run.split(":"))
                t0 = time.perf_counter()
                tiled = model.restore(image, tile=tile, overlap=overlap).astype(np.int16)
                diff = np.abs(tiled - whole)
                shared = min(min_shared(image.shape[0], tile, overlap), min_shared(image.shape[1], tile, overlap))
                print(f"    tile {tile:4d} overlap {overlap:3d} (windows share >= {shared} px): max {int(diff.max())} levels, "
                      f"{100 * np.count_nonzero(diff) / diff.size:.4f}% of samples differ "
                      f"({time.perf_counter() - t0:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
