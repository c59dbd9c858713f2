#!/usr/bin/env python3
"""Deepens a trained EDSR checkpoint without changing what it computes, so a larger model can
start from a smaller one's weights (function-preserving growth, as Net2Net does for depth).

  training/grow_depth.py IN.safetensors OUT.safetensors --blocks 16 [--seed 1]

The new residual blocks go after the old ones. Each is x + res_scale * conv2(relu(conv1(x))) with
conv2's weight and bias zero, so it is the identity at first; conv1 gets PyTorch's default
(Kaiming-uniform) weights so that conv2's gradient is not zero. The optimiser state is dropped;
the metadata's model config gets the new block count. Start training with `acla train --init OUT`."""
import argparse
import array
import json
import math
import random
import struct
import sys


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            sys.exit(f"grow_depth: tensor {name} is {info['dtype']}, expected F32")
        lo, hi = info["data_offsets"]
        tensors[name] = (info["shape"], data[lo:hi])
    return meta, tensors


def write(path, meta, tensors):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name, (shape, blob) in tensors.items():
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)   # the data section starts 8-aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def floats(values):
    return array.array("f", values).tobytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--blocks", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    meta, tensors = read(args.src)
    config = json.loads(meta.get("acla.config", "{}"))
    if config.get("backbone") != "edsr":
        sys.exit(f"grow_depth: backbone {config.get('backbone')!r} is not edsr")
    if config.get("attention", {}).get("kind", "none") != "none":
        sys.exit("grow_depth: a model with attention would need its positions moved; not supported")
    old, features = config["blocks"], config["features"]
    if not old < args.blocks <= 256:
        sys.exit(f"grow_depth: --blocks {args.blocks} must be more than the model's {old} (and at most 256)")
    rng = random.Random(args.seed)
    grown = {}
    for name, value in tensors.items():
        if name.startswith("train."):
            continue   # optimiser state
        if name.startswith(f"body.{old}."):   # the body's closing conv moves behind the new blocks
            name = f"body.{args.blocks}." + name[len(f"body.{old}."):]
        grown[name] = value
    bound = 1 / math.sqrt(features * 9)
    for b in range(old, args.blocks):
        grown[f"body.{b}.body.0.weight"] = ([features, features, 3, 3],
                                            floats(rng.uniform(-bound, bound) for _ in range(features * features * 9)))
        grown[f"body.{b}.body.0.bias"] = ([features], floats([0.0] * features))
        grown[f"body.{b}.body.2.weight"] = ([features, features, 3, 3], floats([0.0] * (features * features * 9)))
        grown[f"body.{b}.body.2.bias"] = ([features], floats([0.0] * features))
    config["blocks"] = args.blocks
    # body.N sorts after body.N-1 numerically, as the library writes them
    def order(item):
        parts = item[0].split(".")
        return [int(p) if p.isdigit() else p for p in parts]
    write(args.dst, {"acla.config": json.dumps(config)}, dict(sorted(grown.items(), key=order)))
    print(f"{args.src}: {old} blocks -> {args.dst}: {args.blocks} blocks ({args.blocks - old} identity blocks added)")


if __name__ == "__main__":
    main()
