#!/usr/bin/env python3
"""Deepens a trained EDSR checkpoint without changing what it computes, so a larger model can
start from a smaller one's weights (function-preserving growth, as Net2Net does for depth).

  PYTHONPATH=examples/python training/grow_depth.py IN.safetensors OUT.safetensors --blocks 16

The new residual blocks go after the old ones. Each is x + res_scale * conv2(relu(conv1(x))) with
conv2's weight and bias zero, so it is the identity at first; conv1 keeps the library's initial
weights (from the config's seed) so that conv2's gradient is not zero. OUT holds the weights
only (no optimiser state). Start training with `acla train --init OUT` and a config of N blocks."""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "python"))
import acla  # noqa: E402


def main():
    try:
        grow()
    except acla.AclaError as e:   # an unreadable file, an absurd block count: the library's message
        sys.exit(f"grow_depth: {e}")


def grow():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--blocks", type=int, required=True)
    args = ap.parse_args()
    with acla.Model.load(args.src) as small:
        config = small.config
        if config["backbone"] != "edsr":
            sys.exit(f"grow_depth: backbone {config['backbone']!r} is not edsr")
        if config.get("attention", {}).get("kind", "none") != "none":
            sys.exit("grow_depth: a model with attention would need its positions moved; not supported")
        old = config["blocks"]
        if args.blocks <= old:
            sys.exit(f"grow_depth: --blocks {args.blocks} must be more than the model's {old}")
        with acla.Model.create(dict(config, blocks=args.blocks)) as deep:   # the library bounds the count
            for name in small.parameter_names:
                # the body's closing conv moves behind the new blocks
                moved = f"body.{args.blocks}." + name[len(f"body.{old}."):] if name.startswith(f"body.{old}.") else name
                deep.set_parameter(moved, small.get_parameter(name))
            for b in range(old, args.blocks):
                for name in (f"body.{b}.body.2.weight", f"body.{b}.body.2.bias"):
                    deep.set_parameter(name, 0 * deep.get_parameter(name))
            deep.save(args.dst)
    print(f"{args.src}: {old} blocks -> {args.dst}: {args.blocks} blocks ({args.blocks - old} identity blocks added)")


if __name__ == "__main__":
    main()
