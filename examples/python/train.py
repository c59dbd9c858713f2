"""Train a small EDSR x2 model from your own numpy data loop with acla.Trainer.

    python examples/python/train.py IMAGE_FOLDER [--steps 200] [--out model.safetensors]

Random 24x24 LR patches (MATLAB-bicubic downscaled HR crops, random flips) feed
Trainer.step(); every 50 steps a checkpoint is written and the loss printed. The same trainer
resumes from its checkpoint bit for bit (Trainer.resume). For folder training without a loop,
see Trainer.run() or `acla train` (docs/TRAINING.md).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acla  # noqa: E402


def load_pairs(folder, scale):
    """(HR, LR) uint8 HWC pairs: HR modcropped, LR its MATLAB bicubic x1/scale."""
    pairs = []
    for name in sorted(os.listdir(folder)):
        if not name.lower().endswith((".png", ".jpg", ".jpeg")):
            continue
        hr = acla.read_image(os.path.join(folder, name))
        if hr.ndim == 2:
            hr = np.repeat(hr[:, :, None], 3, axis=2)
        hr = acla.modcrop(hr, scale)
        pairs.append((hr, acla.resize_bicubic(hr, 1.0 / scale)))
    if not pairs:
        raise SystemExit(f"no PNG/JPEG images in {folder}")
    return pairs


def batch(pairs, rng, size, patch, scale):
    """NCHW float32 input and target batches of aligned random crops, randomly flipped/transposed."""
    xs, ys = [], []
    for _ in range(size):
        hr, lr = pairs[rng.integers(len(pairs))]
        y0, x0 = rng.integers(lr.shape[0] - patch + 1), rng.integers(lr.shape[1] - patch + 1)
        lq = lr[y0:y0 + patch, x0:x0 + patch]
        hq = hr[y0 * scale:(y0 + patch) * scale, x0 * scale:(x0 + patch) * scale]
        if rng.random() < 0.5:
            lq, hq = lq[:, ::-1], hq[:, ::-1]
        if rng.random() < 0.5:
            lq, hq = lq[::-1], hq[::-1]
        if rng.random() < 0.5:
            lq, hq = lq.transpose(1, 0, 2), hq.transpose(1, 0, 2)
        xs.append(lq.transpose(2, 0, 1))
        ys.append(hq.transpose(2, 0, 1))
    return np.stack(xs).astype(np.float32), np.stack(ys).astype(np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--out", default="train_example.safetensors")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    scale, patch = 2, 24
    config = {"backbone": "edsr", "scale": scale, "blocks": 4, "features": 32,
              "attention": {"kind": "acla", "positions": [2, 4], "keys": 8}}
    pairs = load_pairs(args.folder, scale)
    rng = np.random.default_rng(args.seed)
    with acla.Model.create(config) as model, acla.Trainer(model, {
            "optimizer": {"lr": 2e-4}, "loss": "l1", "seed": args.seed,
            "schedule": {"kind": "cosine", "t_max": args.steps}}) as trainer:
        for step in range(1, args.steps + 1):
            x, y = batch(pairs, rng, 8, patch, scale)
            loss = trainer.step(x, y)
            if step % 50 == 0 or step == args.steps:
                trainer.save(args.out)
                print(f"step {step}: loss {loss:.3f}, lr {trainer.learning_rate:.2e}")
        hr, lr = pairs[0]
        sr = model.forward(lr.transpose(2, 0, 1).astype(np.float32))
        out = np.clip(np.rint(sr), 0, 255).astype(np.uint8).transpose(1, 2, 0)
        print(f"{args.out}: PSNR (Y, shave {scale}) on the first image {acla.psnr(out, hr, border=scale, y=True):.2f} dB,"
              f" bicubic upsampling {acla.psnr(acla.resize_bicubic(lr, scale), hr, border=scale, y=True):.2f} dB")


if __name__ == "__main__":
    main()
