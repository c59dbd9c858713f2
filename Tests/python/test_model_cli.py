"""`acla info`, `acla init` and `acla forward` (the .npy path) as a user runs them."""
import subprocess
from pathlib import Path

import acla
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "build" / "bin" / "acla"
CONFIGS = ROOT / "examples" / "configs"


def test_info_config_and_checkpoint(cli, tmp_path):
    out = cli("info", CONFIGS / "edsr_x2.json").stdout
    assert "parameters: 40,729,627" in out
    assert "MACs: 93,847,590,144" in out
    assert "input 48x48 -> output 3x96x96" in out
    out = cli("info", CONFIGS / "rcan_x3.json", "--size", "10x12").stdout
    assert "parameters: 15,629,307" in out and "input 10x12 -> output 3x30x36" in out
    cli("init", CONFIGS / "edsr_baseline_x2.json", tmp_path / "m.safetensors")
    out = cli("info", tmp_path / "m.safetensors", "--size", "48").stdout
    assert "parameters: 1,369,883" in out
    err = cli("info", CONFIGS / "edsr_x2.json", "--size", "0x4", ok=False).stderr
    assert "size" in err
    err = cli("info", tmp_path / "absent.safetensors", ok=False).stderr
    assert "acla: error:" in err


def test_init_from_x2_with_ignore_tail(cli, tmp_path):
    x2 = tmp_path / "x2.safetensors"
    cli("init", CONFIGS / "edsr_baseline_x2.json", x2)
    err = cli("init", CONFIGS / "edsr_baseline_x3.json", tmp_path / "x3.safetensors", "--from", x2, ok=False).stderr
    assert "tail.0.0.weight" in err
    cli("init", CONFIGS / "edsr_baseline_x3.json", tmp_path / "x3.safetensors", "--from", x2, "--ignore-tail")
    a, b = acla.Model.load(x2), acla.Model.load(tmp_path / "x3.safetensors")
    assert b.config["scale"] == 3
    assert a.parameter_names[:10] == b.parameter_names[:10]


def test_forward_npy(cli, tmp_path, np):
    model = tmp_path / "d.safetensors"
    cli("init", '{"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 2, "features": 4, "seed": 2}', model)
    x = np.random.default_rng(0).uniform(0, 255, (6, 7))
    np.save(tmp_path / "in.npy", x)  # float64 HW
    cli("forward", model, tmp_path / "in.npy", tmp_path / "out.npy")
    y = np.load(tmp_path / "out.npy")
    assert y.shape == (6, 7) and y.dtype == np.float32
    expected = acla.Model.load(model).forward(x[None, None].astype(np.float32))[0, 0]
    np.testing.assert_array_equal(y, expected)
    np.save(tmp_path / "in4.npy", x[None, None].astype(np.uint8))
    cli("forward", model, tmp_path / "in4.npy", tmp_path / "out4.npy")
    assert np.load(tmp_path / "out4.npy").shape == (1, 1, 6, 7)
    # bad inputs are errors, not crashes
    (tmp_path / "junk.npy").write_bytes(b"\x93NUMPY\x01\x00\xff\xff{'descr'")
    assert "npy" in cli("forward", model, tmp_path / "junk.npy", tmp_path / "o.npy", ok=False).stderr
    np.save(tmp_path / "c.npy", np.zeros((2, 3, 4, 4), np.float32))
    assert "channels" in cli("forward", model, tmp_path / "c.npy", tmp_path / "o.npy", ok=False).stderr
    np.save(tmp_path / "i.npy", np.zeros((4, 4), np.int64))
    assert "dtype" in cli("forward", model, tmp_path / "i.npy", tmp_path / "o.npy", ok=False).stderr
