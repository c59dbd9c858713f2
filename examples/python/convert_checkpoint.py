#!/usr/bin/env python3
"""Convert an official EDSR/RCAN PyTorch checkpoint to an acla safetensors checkpoint.

Handles
  * EDSR-PyTorch / RCAN `.pt` files: plain state dicts already named as acla names its
    parameters (`head.0.weight`, `body.3.body.0.bias`, ..., MeanShift included);
  * BasicSR `.pth` files: `{"params": ...}` / `{"params_ema": ...}` wrappers with BasicSR's names
    (`conv_first`, `body.N.conv1`, `conv_after_body`, `upsample.N`, `conv_last`;
    `residual_group`/`rcab` for RCAN) and no MeanShift layers: keys are renamed and MeanShift is
    added from BasicSR's RGB mean (its `rgb_mean`/`img_range` defaults unless given).

The model config (backbone, scale, blocks, features, ...) is inferred from the tensor shapes and
stored under __metadata__["acla.config"], so `acla.Model.load(out)` needs no config. res_scale
cannot be inferred: it defaults to 0.1 for the paper's 32x256 EDSR and 1.0 otherwise
(`--res-scale` overrides). Same-resolution models need `--task`.

    python3 convert_checkpoint.py EDSR_x2.pt edsr_x2.safetensors
    python3 convert_checkpoint.py EDSR_Lx2_f256b32_DIV2K_official-be38e77d.pth edsr_x2.safetensors

Reading `.pt`/`.pth` pickles needs torch; the renaming and writing below need only numpy, so they
can be used (and are tested) on plain dicts of numpy arrays.
"""
from __future__ import annotations

import argparse
import json
import re
import struct
import sys

import numpy as np

RGB_MEAN = (0.4488, 0.4371, 0.4040)
RGB_RANGE = 255.0


class ConversionError(ValueError):
    """The checkpoint does not look like an EDSR/RCAN state dict this script understands."""


# ---------------------------------------------------------------- unwrapping and numpy

def unwrap(obj, key: str | None = None) -> dict:
    """The state dict inside a checkpoint object: BasicSR's params/params_ema (params_ema first
    unless `key` says otherwise), or a `state_dict`/`model` entry; `module.`/`model.` prefixes
    (DataParallel, wrappers) are stripped."""
    if not isinstance(obj, dict):
        raise ConversionError(f"checkpoint is a {type(obj).__name__}, not a state dict")
    if key is not None:
        if key not in obj:
            raise ConversionError(f"checkpoint has no {key!r} entry (it has {sorted(obj)[:8]})")
        obj = obj[key]
    else:
        for k in ("params_ema", "params", "state_dict", "model"):
            if k in obj and isinstance(obj[k], dict):
                obj = obj[k]
                break
    out = {}
    for name, value in obj.items():
        for prefix in ("module.", "model."):
            if name.startswith(prefix):
                name = name[len(prefix):]
        out[name] = value
    return out


def to_numpy(state: dict) -> dict:
    """float32 numpy arrays from torch tensors or array-likes; non-float entries are dropped."""
    out = {}
    for name, value in state.items():
        if hasattr(value, "detach"):  # a torch tensor
            if not value.is_floating_point():
                continue
            value = value.detach().cpu().float().numpy()
        a = np.asarray(value)
        if a.dtype.kind != "f":
            continue
        out[name] = np.ascontiguousarray(a, dtype=np.float32)
    return out


# ---------------------------------------------------------------- BasicSR renaming

_BASICSR_EDSR = [
    (r"conv_first\.(weight|bias)", r"head.0.\1"),
    (r"body\.(\d+)\.conv1\.(weight|bias)", r"body.\1.body.0.\2"),
    (r"body\.(\d+)\.conv2\.(weight|bias)", r"body.\1.body.2.\2"),
]
_BASICSR_RCAN = [
    (r"conv_first\.(weight|bias)", r"head.0.\1"),
    (r"body\.(\d+)\.residual_group\.(\d+)\.rcab\.0\.(weight|bias)", r"body.\1.body.\2.body.0.\3"),
    (r"body\.(\d+)\.residual_group\.(\d+)\.rcab\.2\.(weight|bias)", r"body.\1.body.\2.body.2.\3"),
    (r"body\.(\d+)\.residual_group\.(\d+)\.rcab\.3\.attention\.1\.(weight|bias)", r"body.\1.body.\2.body.3.conv_du.0.\3"),
    (r"body\.(\d+)\.residual_group\.(\d+)\.rcab\.3\.attention\.3\.(weight|bias)", r"body.\1.body.\2.body.3.conv_du.2.\3"),
]


def is_basicsr(state: dict) -> bool:
    return "conv_first.weight" in state


def _count(state: dict, pattern: str) -> int:
    found = {int(m.group(1)) for k in state for m in [re.fullmatch(pattern, k)] if m}
    if found != set(range(len(found))):
        raise ConversionError(f"indices of {pattern!r} are not 0..n-1: {sorted(found)}")
    return len(found)


def rename_basicsr(state: dict, rgb_mean=RGB_MEAN, img_range: float = RGB_RANGE) -> dict:
    """BasicSR EDSR/RCAN names -> acla (EDSR-PyTorch) names, with MeanShift added.

    BasicSR computes (x/255 - mean) * img_range ... / img_range + mean on [0, 1] images, which on
    0..255 images is exactly EDSR-PyTorch's sub_mean/add_mean with bias -/+ img_range * mean."""
    rcan = any(".residual_group." in k for k in state)
    rules = _BASICSR_RCAN if rcan else _BASICSR_EDSR
    layers = _count(state, r"body\.(\d+)\..*")
    out = {}
    for name in ("sub_mean", "add_mean"):
        sign = -1.0 if name == "sub_mean" else 1.0
        out[name + ".weight"] = np.eye(3, dtype=np.float32).reshape(3, 3, 1, 1)
        out[name + ".bias"] = (sign * img_range * np.asarray(rgb_mean, dtype=np.float64)).astype(np.float32)
    for name, value in state.items():
        new = None
        for pattern, repl in rules:
            if re.fullmatch(pattern, name):
                new = re.sub(pattern, repl, name)
                break
        if new is None and rcan:
            m = re.fullmatch(r"body\.(\d+)\.conv\.(weight|bias)", name)
            if m:  # the group's closing conv follows its blocks
                blocks = _count(state, rf"body\.{m.group(1)}\.residual_group\.(\d+)\..*")
                new = f"body.{m.group(1)}.body.{blocks}.{m.group(2)}"
        if new is None:
            m = re.fullmatch(r"conv_after_body\.(weight|bias)", name)
            if m:
                new = f"body.{layers}.{m.group(1)}"
        if new is None:
            m = re.fullmatch(r"upsample\.(\d+)\.(weight|bias)", name)
            if m:
                new = f"tail.0.{m.group(1)}.{m.group(2)}"
        if new is None:
            m = re.fullmatch(r"conv_last\.(weight|bias)", name)
            if m:
                new = f"tail.1.{m.group(1)}"
        if new is None:
            raise ConversionError(f"unknown BasicSR key {name!r}")
        out[new] = value
    return out


# ---------------------------------------------------------------- config inference

def infer_config(state: dict, *, res_scale: float | None = None, task: str | None = None, seed: int = 0) -> dict:
    """The acla model config a state dict (acla names) describes."""
    if "head.0.weight" not in state:
        raise ConversionError("no head.0.weight: not an EDSR/RCAN state dict")
    features, channels = state["head.0.weight"].shape[:2]
    rcan = any(".conv_du." in k for k in state)
    sr = "sub_mean.weight" in state
    config = {"backbone": "rcan" if rcan else "edsr"}
    if sr:
        if task not in (None, "sr"):
            raise ConversionError(f"the checkpoint is a super-resolution model (it has MeanShift), not {task!r}")
        up = state["tail.0.0.weight"].shape[0] // features
        scale = 4 if "tail.0.2.weight" in state else {4: 2, 9: 3}.get(up)
        if scale is None:
            raise ConversionError(f"tail.0.0.weight has {up}x the features: not an x2/x3/x4 upsampler")
        config.update(task="sr", scale=scale)
    else:
        config.update(task=task or "denoise", scale=1)
    config["channels"] = int(channels)
    if rcan:
        groups = _count(state, r"body\.(\d+)\.body\.0\.body\.0\.weight")
        blocks = _count(state, r"body\.0\.body\.(\d+)\.body\.0\.weight")
        squeezed = state["body.0.body.0.body.3.conv_du.0.weight"].shape[0]
        config.update(groups=groups, blocks=blocks, features=int(features), reduction=int(features // squeezed))
    else:
        blocks = _count(state, r"body\.(\d+)\.body\.0\.weight")
        if res_scale is None:
            res_scale = 0.1 if (blocks, features) == (32, 256) else 1.0
        config.update(blocks=blocks, features=int(features), res_scale=float(res_scale))
    config["seed"] = seed
    return config


def convert_state(obj, *, key: str | None = None, res_scale: float | None = None, task: str | None = None,
                  rgb_mean=RGB_MEAN, img_range: float = RGB_RANGE):
    """(tensors in acla names, config) from a loaded checkpoint object (dict of arrays/tensors)."""
    state = to_numpy(unwrap(obj, key))
    if is_basicsr(state):
        state = rename_basicsr(state, rgb_mean, img_range)
    return state, infer_config(state, res_scale=res_scale, task=task)


# ---------------------------------------------------------------- safetensors writing

def write_safetensors(path: str, tensors: dict, metadata: dict | None = None) -> None:
    """A minimal safetensors writer (F32, little-endian, contiguous offsets, header padded to 8)."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    offset = 0
    arrays = []
    for name, value in tensors.items():
        a = np.ascontiguousarray(value, dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        arrays.append(a)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for a in arrays:
            f.write(a.tobytes())


def convert(obj, output: str, **options) -> dict:
    tensors, config = convert_state(obj, **options)
    write_safetensors(output, tensors, {"acla.config": json.dumps(config)})
    return config


def load_torch(path: str):
    try:
        import torch
    except ImportError:
        sys.exit("convert_checkpoint: reading .pt/.pth files needs PyTorch (pip install torch)")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # torch < 1.13 has no weights_only
        return torch.load(path, map_location="cpu")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="EDSR-PyTorch/RCAN .pt or BasicSR .pth checkpoint")
    p.add_argument("output", help="safetensors file to write")
    p.add_argument("--key", help="entry of a wrapped checkpoint to use (params or params_ema)")
    p.add_argument("--res-scale", type=float, help="EDSR res_scale (default 0.1 for 32x256, else 1.0)")
    p.add_argument("--task", choices=["sr", "denoise", "demosaic", "jpeg"], help="task of a same-resolution model")
    p.add_argument("--rgb-mean", type=float, nargs=3, default=RGB_MEAN, help="BasicSR rgb_mean for the added MeanShift")
    p.add_argument("--img-range", type=float, default=RGB_RANGE, help="BasicSR img_range for the added MeanShift")
    args = p.parse_args(argv)
    try:
        config = convert(load_torch(args.input), args.output, key=args.key, res_scale=args.res_scale, task=args.task,
                         rgb_mean=tuple(args.rgb_mean), img_range=args.img_range)
    except ConversionError as e:
        print(f"convert_checkpoint: {args.input}: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}: {json.dumps(config)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
