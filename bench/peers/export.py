#!/usr/bin/env python3
"""One acla model, three engines: its weights as an .npz, the same network as an ONNX graph and
as a PyTorch nn.Module (bench/README.md, section peers/).

The .npz holds every parameter under its acla name (CONVENTIONS.md section 1, which are also
EDSR-PyTorch's / RCAN's state_dict keys) plus "__config__", the model's canonical JSON config.
Workers of the other engines read only this file, so no process but the acla one loads libacla.

    python3 bench/peers/export.py '{"backbone": "rcan", "scale": 2, "seed": 1}' OUT_DIR [--open 0.5]

writes OUT_DIR/weights.npz and OUT_DIR/model.onnx. For an attention model the gates are first
bisected to about --open of the keys open (as bench/attention_cost.py does) and, since ONNX and
torch have no such module, OUT_DIR/plain/ gets the backbone alone (.npz and .onnx).

Module-level imports are numpy only: acla, onnx and torch are imported by the functions that
need them, so `import export` costs a worker nothing it does not use.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
CONFIG_KEY = "__config__"


# ----------------------------------------------------------------------------- weights (.npz)

def save_weights(model, path: Path) -> None:
    """Every parameter of an acla.Model by name, and its config, into an .npz."""
    arrays = {name: model.get_parameter(name) for name in model.parameter_names}
    arrays[CONFIG_KEY] = np.array(model.config_json)
    np.savez(path, **arrays)


def load_weights(path: Path) -> tuple:
    """(config dict, {name: float32 array}) from an .npz written by save_weights."""
    with np.load(path) as z:
        params = {k: z[k] for k in z.files if k != CONFIG_KEY}
        config = json.loads(str(z[CONFIG_KEY]))
    return config, params


def plain_backbone(config: dict, params: dict) -> tuple:
    """The same network without attention: config with kind "none", attention parameters dropped.
    Backbone tensors are the attention model's own, so the two differ only by the modules."""
    cfg = dict(config, attention={"kind": "none"})
    return cfg, {k: v for k, v in params.items() if not k.startswith("attention.")}


def _check_plain_sr(config: dict) -> None:
    if config["task"] != "sr" or config["attention"]["kind"] != "none" or config["backbone"] not in ("edsr", "rcan"):
        raise ValueError(f"only EDSR/RCAN super-resolution models without attention convert, got {config}")


def _upsampler_steps(scale: int) -> list:
    """(factor, conv prefix) of EDSR-PyTorch's Upsampler: x4 is two conv + PixelShuffle(2) steps."""
    return [(2, "tail.0.0"), (2, "tail.0.2")] if scale == 4 else [(scale, "tail.0.0")]


# ----------------------------------------------------------------------------- ONNX

class _NpzModel:
    """The three things edsr_onnx._Graph reads from an acla.Model, served from the .npz."""

    def __init__(self, config: dict, params: dict):
        self.config, self._params = config, params

    def get_parameter(self, name: str) -> np.ndarray:
        return self._params[name]

    def parameter_shape(self, name: str) -> tuple:
        return self._params[name].shape


def onnx_graph(config: dict, params: dict):
    """The ONNX model (opset 17) of a plain EDSR or RCAN, validated by onnx.checker."""
    _check_plain_sr(config)
    sys.path.insert(0, str(BENCH))
    from edsr_onnx import _Graph, edsr_to_onnx, finish_model  # importing it loads acla: only export does
    src = _NpzModel(config, params)
    if config["backbone"] == "edsr":
        return edsr_to_onnx(src)
    g = _Graph(src)
    x = g.conv("input", "sub_mean")
    head = g.conv(x, "head.0")
    h = head
    groups, blocks = config["groups"], config["blocks"]
    for gi in range(groups):
        group_in = h
        for b in range(blocks):
            p = f"body.{gi}.body.{b}.body"
            r = g.conv(g.op("Relu", [g.conv(h, f"{p}.0")]), f"{p}.2")
            # channel attention: squeeze to 1x1, bottleneck, sigmoid, rescale the channels
            s = g.op("GlobalAveragePool", [r])
            s = g.op("Relu", [g.conv(s, f"{p}.3.conv_du.0")])
            s = g.op("Sigmoid", [g.conv(s, f"{p}.3.conv_du.2")])
            h = g.op("Add", [g.op("Mul", [r, s]), h])
        h = g.op("Add", [g.conv(h, f"body.{gi}.body.{blocks}"), group_in])
    h = g.op("Add", [g.conv(h, f"body.{groups}"), head])
    for factor, prefix in _upsampler_steps(config["scale"]):
        h = g.op("DepthToSpace", [g.conv(h, prefix)], blocksize=factor, mode="CRD")
    g.conv(g.conv(h, "tail.1"), "add_mean", out="output")
    return finish_model(g, "rcan", "acla bench/peers/export.py")


# ----------------------------------------------------------------------------- PyTorch

def torch_module(config: dict, params: dict):
    """An nn.Module laid out like EDSR-PyTorch / RCAN, so its state_dict keys are acla's names:
    load_state_dict(strict=True) then proves that every tensor found its place. MeanShift is
    frozen (requires_grad False), as in EDSR-PyTorch and acla's trainer."""
    _check_plain_sr(config)
    import torch
    from torch import nn

    feats, scale = config["features"], config["scale"]

    def conv(cin, cout, k=3):
        return nn.Conv2d(cin, cout, k, padding=k // 2, bias=True)

    class ResBlock(nn.Module):  # EDSR: body = conv, ReLU, conv; out = s * body(x) + x
        def __init__(self, res_scale):
            super().__init__()
            self.body = nn.Sequential(conv(feats, feats), nn.ReLU(True), conv(feats, feats))
            self.res_scale = res_scale

        def forward(self, x):
            r = self.body(x)
            return (r.mul(self.res_scale) if self.res_scale != 1.0 else r) + x

    class CALayer(nn.Module):  # RCAN channel attention: pool, 1x1 down, ReLU, 1x1 up, sigmoid
        def __init__(self, reduction):
            super().__init__()
            self.avg_pool = nn.AdaptiveAvgPool2d(1)
            self.conv_du = nn.Sequential(conv(feats, feats // reduction, 1), nn.ReLU(True),
                                         conv(feats // reduction, feats, 1), nn.Sigmoid())

        def forward(self, x):
            return x * self.conv_du(self.avg_pool(x))

    class RCAB(nn.Module):
        def __init__(self, reduction):
            super().__init__()
            self.body = nn.Sequential(conv(feats, feats), nn.ReLU(True), conv(feats, feats), CALayer(reduction))

        def forward(self, x):
            return self.body(x) + x

    class ResidualGroup(nn.Module):
        def __init__(self, blocks, reduction):
            super().__init__()
            self.body = nn.Sequential(*[RCAB(reduction) for _ in range(blocks)], conv(feats, feats))

        def forward(self, x):
            return self.body(x) + x

    class SR(nn.Module):
        def __init__(self):
            super().__init__()
            self.sub_mean = conv(3, 3, 1)
            self.head = nn.Sequential(conv(3, feats))
            if config["backbone"] == "edsr":
                body = [ResBlock(float(config["res_scale"])) for _ in range(config["blocks"])]
            else:
                body = [ResidualGroup(config["blocks"], config["reduction"]) for _ in range(config["groups"])]
            self.body = nn.Sequential(*body, conv(feats, feats))
            up = []
            for factor, _ in _upsampler_steps(scale):
                up += [conv(feats, factor * factor * feats), nn.PixelShuffle(factor)]
            self.tail = nn.Sequential(nn.Sequential(*up), conv(feats, 3))
            self.add_mean = conv(3, 3, 1)
            for p in list(self.sub_mean.parameters()) + list(self.add_mean.parameters()):
                p.requires_grad_(False)

        def forward(self, x):
            x = self.head(self.sub_mean(x))
            return self.add_mean(self.tail(self.body(x) + x))

    m = SR()
    m.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in params.items()}, strict=True)
    return m


# ----------------------------------------------------------------------------- command line

def export(config: dict, out_dir: Path, open_fraction: float, seed: int) -> dict:
    """Creates the acla model and writes OUT_DIR/weights.npz, and OUT_DIR/model.onnx for a plain
    model; for an attention model (gates calibrated) OUT_DIR/plain/{weights.npz, model.onnx}
    hold its backbone alone. Returns the parameter count and any calibrated open fractions."""
    sys.path.insert(0, str(BENCH))
    import acla
    import onnx
    out_dir.mkdir(parents=True, exist_ok=True)
    info = {}
    with acla.Model.create(config) as m:
        info["parameters"] = m.parameter_count
        if m.attention_modules:
            from attention_cost import calibrate_gates
            info["open_fractions"] = calibrate_gates(m, open_fraction, np.random.default_rng(seed))
        save_weights(m, out_dir / "weights.npz")
    cfg, params = load_weights(out_dir / "weights.npz")
    if cfg["attention"]["kind"] != "none":
        cfg, params = plain_backbone(cfg, params)
        out_dir = out_dir / "plain"
        out_dir.mkdir(exist_ok=True)
        np.savez(out_dir / "weights.npz", **params, **{CONFIG_KEY: np.array(json.dumps(cfg))})
    onnx.save(onnx_graph(cfg, params), str(out_dir / "model.onnx"))
    return info


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", help="acla model config as JSON text")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--open", type=float, default=0.5, help="target open-key fraction of ACLA gates")
    p.add_argument("--seed", type=int, default=1, help="seed of the gate calibration")
    args = p.parse_args()
    print(json.dumps(export(json.loads(args.config), args.out_dir, args.open, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
