"""training/grow_depth.py: a deepened EDSR computes what the original did, and trains from there."""
import json
import subprocess
import sys
from pathlib import Path

import acla
from test_train import smooth_images

ROOT = Path(__file__).resolve().parents[2]
GROW = ROOT / "training" / "grow_depth.py"
PLAIN = {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8, "seed": 4}


def grow(*args):
    return subprocess.run([sys.executable, str(GROW), *map(str, args)], capture_output=True, text=True)


def test_grown_model_matches_the_original_then_trains(np, cli, tmp_path):
    data = smooth_images(np, tmp_path / "data", 3)
    cfg = tmp_path / "plain.json"
    cfg.write_text(json.dumps(PLAIN))
    common = ["--data", data, "--patch", "8", "--batch", "2", "--quiet"]
    # a few steps, so no weight is at its initial value
    cli("train", "--config", cfg, *common, "--steps", "3", "--out", tmp_path / "small.safetensors")
    r = grow(tmp_path / "small.safetensors", tmp_path / "deep.safetensors", "--blocks", "5")
    assert r.returncode == 0, r.stderr
    x = np.random.default_rng(3).uniform(0, 255, (2, 3, 9, 7)).astype(np.float32)
    with acla.Model.load(tmp_path / "small.safetensors") as small, acla.Model.load(tmp_path / "deep.safetensors") as deep:
        assert deep.config["blocks"] == 5
        assert np.array_equal(small.forward(x), deep.forward(x))
    deep_cfg = tmp_path / "deep.json"
    deep_cfg.write_text(json.dumps(dict(PLAIN, blocks=5)))
    cli("train", "--config", deep_cfg, *common, "--steps", "2", "--init", tmp_path / "deep.safetensors",
        "--out", tmp_path / "trained.safetensors")
    with acla.Model.load(tmp_path / "deep.safetensors") as a, acla.Model.load(tmp_path / "trained.safetensors") as b:
        assert not np.array_equal(a.forward(x), b.forward(x))


def test_refuses_fewer_blocks(np, cli, tmp_path):
    cfg = tmp_path / "plain.json"
    cfg.write_text(json.dumps(PLAIN))
    cli("train", "--config", cfg, "--data", smooth_images(np, tmp_path / "data", 2), "--patch", "8", "--batch", "2",
        "--quiet", "--steps", "1", "--out", tmp_path / "small.safetensors")
    r = grow(tmp_path / "small.safetensors", tmp_path / "x.safetensors", "--blocks", "2")
    assert r.returncode != 0 and "--blocks 2" in r.stderr and not (tmp_path / "x.safetensors").exists()
