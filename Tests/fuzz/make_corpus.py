#!/usr/bin/env python3
"""Regenerates the seed corpora under Tests/fuzz/corpus/ (committed; run by hand, needs numpy,
Pillow and a built libacla.so: `python3 Tests/fuzz/make_corpus.py build/lib/libacla.so`).

Every seed is small (a few KB) and valid, so the fuzzer starts from the formats' real structure;
the image seeds are the test fixtures plus variants PIL writes (progressive, 4:4:4, CMYK...)."""
import ctypes
import io
import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = ROOT / "Tests" / "AclaTests" / "Fixtures"
CORPUS = HERE / "corpus"

CONFIGS = {
    "edsr_x2": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4},
    "edsr_x3": {"backbone": "edsr", "scale": 3, "blocks": 1, "features": 4, "res_scale": 0.1},
    "edsr_x4": {"backbone": "edsr", "scale": 4, "blocks": 1, "features": 2, "seed": 9},
    "rcan": {"backbone": "rcan", "scale": 2, "groups": 2, "blocks": 1, "features": 8, "reduction": 4},
    "denoise_gray": {"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 1, "features": 4},
    "jpeg": {"backbone": "edsr", "task": "jpeg", "blocks": 1, "features": 4},
    "demosaic": {"backbone": "rcan", "task": "demosaic", "groups": 1, "blocks": 1, "features": 4, "reduction": 2},
    "cla": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "attention": {"kind": "cla", "positions": [1, 2], "keys": 3}},
    "acla": {"backbone": "edsr", "scale": 2, "blocks": 3, "features": 4, "attention": {"kind": "acla", "positions": [1, 3], "keys": 2}},
    "nl": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "attention": {"kind": "nl", "positions": [2]}},
    "clnl": {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "attention": {"kind": "clnl", "positions": [1, 2]}},
    "se": {"backbone": "rcan", "scale": 2, "groups": 2, "blocks": 1, "features": 4, "reduction": 2, "attention": {"kind": "se", "positions": [1]}},
    "supernet": {"backbone": "edsr", "scale": 2, "blocks": 3, "features": 4, "attention": {"kind": "acla", "positions": "all", "keys": 2}},
}


def reset(name):
    d = CORPUS / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


def configs():
    d = reset("config")
    for name, c in CONFIGS.items():
        (d / f"{name}.json").write_text(json.dumps(c))


def safetensors_bytes(tensors, metadata):
    """A safetensors file of (name, float array, dtype) in order."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, values, dtype in tensors:
        if dtype == "F32":
            blob = values.astype("<f4").tobytes()
        elif dtype == "F64":
            blob = values.astype("<f8").tobytes()
        elif dtype == "F16":
            blob = values.astype("<f2").tobytes()
        elif dtype == "BF16":
            blob = (values.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(values.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def read_safetensors(path):
    raw = Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = []
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, end = e["data_offsets"]
        out.append((name, np.frombuffer(data[b:end], "<f4").reshape(e["shape"])))
    return out, meta


def checkpoints(library):
    lib = ctypes.CDLL(library)
    lib.acla_model_create.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.acla_model_save.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.acla_model_destroy.argtypes = [ctypes.c_void_p]
    d = reset("safetensors")
    tiny = {"backbone": "edsr", "scale": 2, "blocks": 1, "features": 2, "seed": 1}
    for name, config in [("edsr_tiny", tiny), ("cla", {**CONFIGS["cla"], "features": 2}),
                         ("denoise_gray", CONFIGS["denoise_gray"]), ("se", CONFIGS["se"])]:
        m = ctypes.c_void_p()
        assert lib.acla_model_create(json.dumps(config).encode(), ctypes.byref(m)) == 0
        assert lib.acla_model_save(m, str(d / f"{name}.safetensors").encode()) == 0
        lib.acla_model_destroy(m)
    tensors, meta = read_safetensors(d / "edsr_tiny.safetensors")
    for dtype in ("F16", "BF16", "F64"):
        (d / f"edsr_tiny_{dtype.lower()}.safetensors").write_bytes(
            safetensors_bytes([(n, v, dtype) for n, v in tensors], meta))
    # a converted official checkpoint has no acla metadata (the config comes from the caller)
    (d / "no_metadata.safetensors").write_bytes(safetensors_bytes([(n, v, "F32") for n, v in tensors[:4]], {}))


def images():
    png, jpeg = reset("png"), reset("jpeg")
    for f in sorted(FIXTURES.glob("*.png")):
        shutil.copy(f, png / f.name)
    for f in sorted(FIXTURES.glob("*.jpg")):
        shutil.copy(f, jpeg / f.name)
    rgb = Image.open(FIXTURES / "photo_rgb.png").convert("RGB")
    small = rgb.resize((16, 8))
    small.save(jpeg / "rgb_16x8.jpg", quality=90)
    small.save(jpeg / "progressive.jpg", quality=80, progressive=True)
    small.save(jpeg / "subsampling_444.jpg", quality=85, subsampling=0)
    small.save(jpeg / "subsampling_422.jpg", quality=85, subsampling=1)
    small.convert("CMYK").save(jpeg / "cmyk.jpg", quality=80)
    small.convert("L").save(jpeg / "gray_small.jpg", quality=70)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=75, restart_marker_blocks=1)
    (jpeg / "restart_markers.jpg").write_bytes(buf.getvalue())
    ga = Image.open(FIXTURES / "photo_gray_alpha.png").resize((8, 6))
    ga.save(png / "gray_alpha_8x6.png")
    small.convert("P", palette=Image.ADAPTIVE, colors=4).save(png / "palette_4.png", transparency=0)
    small.save(png / "rgb_16x8.png", optimize=True)


def arrays():
    d = reset("npy")
    rng = np.random.default_rng(1)
    np.save(d / "f32_2x3x4.npy", rng.random((2, 3, 4), dtype=np.float32) * 255)
    np.save(d / "f64_hw.npy", rng.random((5, 7)) * 255)
    np.save(d / "u8_hwc.npy", rng.integers(0, 256, (4, 3, 3), dtype=np.uint8))
    np.save(d / "f32_nchw.npy", rng.random((1, 3, 4, 4), dtype=np.float32))
    np.save(d / "f32_scalar.npy", np.float32(3.5))
    np.save(d / "f32_empty.npy", np.zeros((0, 3), np.float32))
    np.save(d / "fortran.npy", np.asfortranarray(rng.random((3, 2), dtype=np.float32)))
    np.save(d / "i16.npy", np.arange(6, dtype=np.int16))
    # versions 2 and 3 of the format (4-byte header length; 3 allows UTF-8 in the header)
    for version in (2, 3):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, rng.random((2, 2), dtype=np.float32), version=(version, 0))
        (d / f"version{version}.npy").write_bytes(buf.getvalue())


TRAINER = {
    "empty": {},
    "adam": {"optimizer": {"kind": "adam", "lr": 1e-4, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0}, "loss": "l1"},
    "mse_clip": {"loss": "mse", "clip_grad_norm": 0.5, "seed": 7},
    "halving": {"schedule": {"kind": "halving", "every": 200}},
    "milestones": {"schedule": {"kind": "halving", "milestones": [2, 5, 9]}},
    "step": {"schedule": {"kind": "step", "step_size": 10, "gamma": 0.5, "warmup_steps": 3}},
    "cosine": {"schedule": {"kind": "cosine", "t_max": 100, "eta_min": 1e-7}},
    "search": {"cost_lambda": 0.01, "alpha_optimizer": {"lr": 3e-4}, "alpha_schedule": {"kind": "constant"},
               "search": {"warmup_steps": 5, "search_steps": 20}, "layer_temperature": {"start": 5, "end": 0.5},
               "key_temperature": 0.7},
}


def trainer_options():
    d = reset("trainer")
    for name, o in TRAINER.items():
        (d / f"{name}.json").write_text(json.dumps(o))


if __name__ == "__main__":
    configs()
    trainer_options()
    images()
    arrays()
    checkpoints(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "lib" / "libacla.so"))
    total = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
    print(f"corpus: {sum(1 for f in CORPUS.rglob('*') if f.is_file())} files, {total} bytes")
