#!/usr/bin/env python3
"""acla's EDSR against ONNX Runtime, and plain EDSR vs CLA vs ACLA inside acla (bench/README.md).

1. Creates an EDSR x2 model in acla from a seed, reads every parameter with get_parameter and
   rebuilds the same network as an ONNX graph (Conv, Relu, Add, Mul, DepthToSpace CRD for
   PixelShuffle, MeanShift as a 1x1 Conv).
2. Checks that ONNX Runtime's output equals acla's forward output on random inputs (an
   independent implementation of EDSR and PixelShuffle): stops with exit status 1 otherwise.
3. Times both on the same inputs with the same thread count and prints a Markdown table.
4. Times plain EDSR, CLA and ACLA in acla (bench/attention_cost.py) against their MAC counts.

Run from the project root after `make build`:
    ACLA_LIBRARY=build/lib/libacla.so python3 bench/edsr_onnx.py [--full]
"""
from __future__ import annotations

import argparse
import ctypes
import os
import platform
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples" / "python"))
sys.path.insert(0, str(HERE))

import acla  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from attention_cost import attention_table  # noqa: E402
from timing import interleaved_medians, ms, others, spread  # noqa: E402

OPSET = 17


class _Graph:
    """Accumulates ONNX nodes and initializers with unique names."""

    def __init__(self, model: acla.Model):
        self.model = model
        self.nodes, self.inits = [], []
        self._n = 0

    def _name(self, stem: str) -> str:
        self._n += 1
        return f"{stem}_{self._n}"

    def param(self, name: str) -> str:
        """An initializer holding acla's parameter `name`, read through get_parameter."""
        self.inits.append(numpy_helper.from_array(self.model.get_parameter(name), name))
        return name

    def const(self, value: float) -> str:
        name = self._name("const")
        self.inits.append(numpy_helper.from_array(np.array(value, dtype=np.float32), name))
        return name

    def op(self, op_type: str, inputs: list, out: str | None = None, **attrs) -> str:
        out = out or self._name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def conv(self, x: str, prefix: str, out: str | None = None) -> str:
        """Stride 1, zero padding k//2, with bias (CONVENTIONS.md section 1)."""
        w = self.param(prefix + ".weight")
        b = self.param(prefix + ".bias")
        kh, kw = self.model.parameter_shape(prefix + ".weight")[2:]
        return self.op("Conv", [x, w, b], out, kernel_shape=[kh, kw],
                       pads=[kh // 2, kw // 2, kh // 2, kw // 2], strides=[1, 1])


def edsr_to_onnx(model: acla.Model) -> onnx.ModelProto:
    """The ONNX graph of an acla EDSR super-resolution model without attention, with acla's
    weights: sub_mean, head, B ResBlocks (conv, ReLU, conv, x res_scale, + input), body conv,
    global skip, upsampler (conv + DepthToSpace CRD per factor 2 or 3), tail conv, add_mean."""
    cfg = model.config
    if cfg["backbone"] != "edsr" or cfg["task"] != "sr" or cfg["attention"]["kind"] != "none":
        raise ValueError(f"only plain EDSR super-resolution models convert, got {cfg}")
    g = _Graph(model)
    x = g.conv("input", "sub_mean")
    head = g.conv(x, "head.0")
    h = head
    res_scale = float(cfg["res_scale"])
    for i in range(cfg["blocks"]):
        r = g.op("Relu", [g.conv(h, f"body.{i}.body.0")])
        r = g.conv(r, f"body.{i}.body.2")
        if res_scale != 1.0:  # EDSR-PyTorch multiplies always; x1.0 is left out so ORT is not taxed
            r = g.op("Mul", [r, g.const(res_scale)])
        h = g.op("Add", [r, h])
    h = g.op("Add", [g.conv(h, f"body.{cfg['blocks']}"), head])
    steps = [(2, "tail.0.0"), (2, "tail.0.2")] if cfg["scale"] == 4 else [(cfg["scale"], "tail.0.0")]
    for factor, prefix in steps:
        # PixelShuffle: out[c, h*r+i, w*r+j] = in[c*r*r + i*r + j, h, w], which is CRD order.
        h = g.op("DepthToSpace", [g.conv(h, prefix)], blocksize=factor, mode="CRD")
    h = g.conv(h, "tail.1")
    g.conv(h, "add_mean", out="output")
    return finish_model(g, "edsr", "acla bench/edsr_onnx.py")


def finish_model(g: "_Graph", name: str, producer: str) -> onnx.ModelProto:
    """The checked ONNX model of graph `g`: one NCHW float input, one output (any batch and size)."""
    graph = helper.make_graph(
        g.nodes, name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["n", 3, "oh", "ow"])],
        initializer=g.inits)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=producer)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def ort_session(proto: onnx.ModelProto, threads: int) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(proto.SerializeToString(), so, providers=["CPUExecutionProvider"])


def cross_check(model: acla.Model, sess: ort.InferenceSession, shapes: list, rng, tol: float) -> list:
    """acla vs ORT on random 0..255 inputs of each shape: [(shape, max |diff|, max |acla out|)].
    Raises SystemExit when a difference exceeds tol * max(1, max |acla out|)."""
    rows = []
    for shape in shapes:
        x = rng.uniform(0.0, 255.0, size=shape).astype(np.float32)
        ours = model.forward(x)
        theirs = sess.run(["output"], {"input": x})[0]
        if ours.shape != theirs.shape:
            raise SystemExit(f"shape mismatch on {shape}: acla {ours.shape}, ORT {theirs.shape}")
        diff = float(np.max(np.abs(ours.astype(np.float64) - theirs)))
        scale = float(np.max(np.abs(ours)))
        rows.append((shape, diff, scale))
        if not diff <= tol * max(1.0, scale):
            raise SystemExit(f"MISMATCH on input {shape}: max |acla - ORT| = {diff:.3g} "
                             f"(outputs up to {scale:.3g}, tolerance {tol:g} relative)")
    return rows


def openblas_core() -> str:
    """The OpenBLAS kernel set acla's sgemm runs on (the library libacla.so loaded), if any."""
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return f"{lib.openblas_get_corename().decode()} ({lib.openblas_get_config().decode()})"
    except (OSError, AttributeError):
        return "unknown (libopenblas.so.0 not loadable)"


def parse_sizes(text: str) -> list:
    out = []
    for item in text.split(","):
        h, _, w = item.strip().lower().partition("x")
        out.append((int(h), int(w or h)))
    return out


def benchmark_backbone(label: str, config: dict, args, rng) -> None:
    print(f"\n## {label}: {config}\n")
    model = acla.Model.create(config)
    proto = edsr_to_onnx(model)
    if args.save_onnx:
        path = Path(args.save_onnx).with_suffix(f".{label.split()[0].lower()}.onnx")
        onnx.save(proto, path)
        print(f"saved {path}")
    sess = ort_session(proto, args.threads)
    checks = cross_check(model, sess, [(1, 3, 24, 40), (2, 3, 17, 9)], rng, args.tolerance)
    print("Correctness (acla forward vs ONNX Runtime, random 0..255 inputs):\n")
    print("| input | max abs diff | max abs output | relative |")
    print("|---|---|---|---|")
    for shape, diff, scale in checks:
        print(f"| {'x'.join(map(str, shape))} | {diff:.3g} | {scale:.3g} | {diff / max(scale, 1.0):.2g} |")
    sizes = parse_sizes(args.full_sizes if label.startswith("full") else args.sizes)
    print(f"\nTiming ({args.threads} threads each, {args.warmup} warm-up + {args.repeats} alternating runs; "
          "ORT/acla > 1 means acla is faster; best = ratio of the fastest runs; cpu/wall = cores the "
          "engine kept busy (median); others = cores used by other processes during its runs):\n")
    print("| input | GMACs | acla median ms | ORT median ms | ORT/acla median | ORT/acla best "
          "| acla GMAC/s | ORT GMAC/s | cpu/wall acla / ORT | others acla / ORT | spread acla / ORT |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for h, w in sizes:
        x = rng.uniform(0.0, 255.0, size=(1, 3, h, w)).astype(np.float32)
        stats = interleaved_medians(
            {"acla": lambda: model.forward(x), "ort": lambda: sess.run(["output"], {"input": x})},
            warmup=args.warmup, repeats=args.repeats, pause=args.pause,
            max_others=args.max_others)
        a, o = stats["acla"], stats["ort"]
        macs = model.macs(h, w)
        print(f"| 1x3x{h}x{w} | {macs / 1e9:.2f} | {ms(a['median'])} | {ms(o['median'])} | "
              f"{o['median'] / a['median']:.2f} | {o['min'] / a['min']:.2f} | "
              f"{macs / a['median'] / 1e9:.1f} | {macs / o['median'] / 1e9:.1f} | "
              f"{a['cpu_per_wall']:.2f} / {o['cpu_per_wall']:.2f} | {others(a)} / {others(o)} | "
              f"{spread(a)} / {spread(o)} |", flush=True)
    model.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sizes", default="64x64,128x128,256x256", help="baseline timing inputs HxW")
    p.add_argument("--full", action="store_true", help="also the full EDSR (32 blocks x 256, res_scale 0.1)")
    p.add_argument("--full-sizes", default="64x64")
    p.add_argument("--attention-sizes", default="64x64,128x128")
    p.add_argument("--positions", default="2,7,9,13,15", help="CLA/ACLA insert positions (1..16)")
    p.add_argument("--acla-open", type=float, default=0.5,
                   help="target open-key fraction of the extra gated ACLA row (0 to leave it out)")
    p.add_argument("--skip-onnx", action="store_true")
    p.add_argument("--skip-attention", action="store_true")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--max-others", type=float, default=None,
                   help="retake a timed run (up to 10 times) when other processes kept more than this "
                        "many cores busy during it (default: keep every run)")
    p.add_argument("--pause", type=float, default=0.3, help="seconds of sleep before each timed run")
    p.add_argument("--tolerance", type=float, default=1e-4,
                   help="allowed max |acla - ORT| relative to max(1, max |output|)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--save-onnx", help="also write the ONNX model(s) to this path stem")
    args = p.parse_args()
    if args.repeats < 1 or args.threads < 1:
        p.error("--repeats and --threads must be >= 1")

    acla.set_num_threads(args.threads)
    print(f"acla {acla.version()} ({acla.library._name}), onnxruntime {ort.__version__}, onnx {onnx.__version__}, "
          f"numpy {np.__version__}, python {platform.python_version()}")
    print(f"threads {args.threads} (acla.set_num_threads; ORT intra_op {args.threads}, inter_op 1, sequential), "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, seed {args.seed}, "
          f"pause {args.pause} s, max-others {args.max_others}")
    print(f"OpenBLAS core: {openblas_core()}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    rng = np.random.default_rng(args.seed)
    if not args.skip_onnx:
        benchmark_backbone("baseline EDSR x2 (16 blocks x 64)",
                           {"backbone": "edsr", "scale": 2, "seed": args.seed}, args, rng)
        if args.full:
            benchmark_backbone("full EDSR x2 (32 blocks x 256)",
                               {"backbone": "edsr", "scale": 2, "blocks": 32, "features": 256,
                                "res_scale": 0.1, "seed": args.seed}, args, rng)
    if not args.skip_attention:
        positions = [int(v) for v in args.positions.split(",")]
        attention_table(positions, parse_sizes(args.attention_sizes), args, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
