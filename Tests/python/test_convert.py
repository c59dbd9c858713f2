"""examples/python/convert_checkpoint.py: BasicSR renaming, config inference and the safetensors
writer on plain numpy dicts (always), and whole .pt/.pth files built with torch (when installed)."""
import re
import subprocess
import sys
from pathlib import Path

import acla
import pytest

np = pytest.importorskip("numpy", reason="numpy is not installed")
import convert_checkpoint as cc  # noqa: E402  (examples/python is on sys.path via conftest)

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "python" / "convert_checkpoint.py"

EDSR = {"backbone": "edsr", "scale": 4, "blocks": 2, "features": 4, "seed": 5}
RCAN = {"backbone": "rcan", "scale": 3, "groups": 2, "blocks": 2, "features": 8, "reduction": 4, "seed": 6}


def acla_state(model):
    return {name: model.get_parameter(name) for name in model.parameter_names}


def to_basicsr(state, config):
    """acla names -> BasicSR's (the inverse mapping, written independently of the converter);
    MeanShift dropped, as BasicSR has none."""
    out = {}
    layers = config["blocks"] if config["backbone"] == "edsr" else config["groups"]
    for name, value in state.items():
        if name.startswith(("sub_mean", "add_mean")):
            continue
        rules = [
            (r"head\.0\.(\w+)", r"conv_first.\1"),
            (rf"body\.{layers}\.(\w+)", r"conv_after_body.\1"),
            (r"tail\.0\.(\d)\.(\w+)", r"upsample.\1.\2"),
            (r"tail\.1\.(\w+)", r"conv_last.\1"),
            (r"body\.(\d+)\.body\.(\d+)\.body\.3\.conv_du\.0\.(\w+)", r"body.\1.residual_group.\2.rcab.3.attention.1.\3"),
            (r"body\.(\d+)\.body\.(\d+)\.body\.3\.conv_du\.2\.(\w+)", r"body.\1.residual_group.\2.rcab.3.attention.3.\3"),
            (r"body\.(\d+)\.body\.(\d+)\.body\.([02])\.(\w+)", r"body.\1.residual_group.\2.rcab.\3.\4"),
            (rf"body\.(\d+)\.body\.{config.get('blocks')}\.(\w+)", r"body.\1.conv.\2"),
            (r"body\.(\d+)\.body\.0\.(\w+)", r"body.\1.conv1.\2"),
            (r"body\.(\d+)\.body\.2\.(\w+)", r"body.\1.conv2.\2"),
        ]
        if config["backbone"] == "edsr":
            rules = [r for r in rules if "residual_group" not in r[1] and ".conv." not in r[1]]
        for pattern, repl in rules:
            if re.fullmatch(pattern, name):
                out[re.sub(pattern, repl, name)] = value
                break
        else:
            raise AssertionError(f"test mapping misses {name}")
    return out


def same_model(a, b, np):
    assert a.parameter_names == b.parameter_names
    for name in a.parameter_names:
        np.testing.assert_array_equal(a.get_parameter(name), b.get_parameter(name), err_msg=name)


@pytest.mark.parametrize("config", [EDSR, RCAN], ids=["edsr", "rcan"])
def test_basicsr_dict_converts_and_loads(config, tmp_path):
    original = acla.Model.create(config)
    state = to_basicsr(acla_state(original), config)
    assert "conv_first.weight" in state and not any(k.startswith("sub_mean") for k in state)
    out = tmp_path / "converted.safetensors"
    inferred = cc.convert({"params": state}, str(out))
    assert inferred["backbone"] == config["backbone"] and inferred["scale"] == config["scale"]
    loaded = acla.Model.load(out)
    # identical weights, MeanShift synthesised from BasicSR's mean = acla's defaults
    same_model(original, loaded, np)
    x = np.random.default_rng(3).uniform(0, 255, (1, 3, 4, 5)).astype(np.float32)
    np.testing.assert_array_equal(original.forward(x), loaded.forward(x))


def test_params_ema_preferred_and_key_option():
    ema = {"conv_first.weight": np.zeros((4, 3, 3, 3), np.float32)}
    plain = {"conv_first.weight": np.ones((4, 3, 3, 3), np.float32)}
    assert cc.unwrap({"params": plain, "params_ema": ema})["conv_first.weight"].sum() == 0
    assert cc.unwrap({"params": plain, "params_ema": ema}, key="params")["conv_first.weight"].sum() > 0
    assert list(cc.unwrap({"module.head.0.weight": 1})) == ["head.0.weight"]
    with pytest.raises(cc.ConversionError):
        cc.unwrap({"params": plain}, key="params_ema")
    with pytest.raises(cc.ConversionError):
        cc.unwrap([1, 2])


def test_official_names_pass_through_and_infer(tmp_path):
    """An EDSR-PyTorch style state dict (our names, trained MeanShift) keeps every tensor."""
    full_shape = dict(EDSR, scale=2, res_scale=0.5)
    original = acla.Model.create(full_shape)
    state = acla_state(original)
    state["sub_mean.bias"] = np.array([-100, -110, -120], np.float32)  # "trained": must survive
    original.set_parameter("sub_mean.bias", state["sub_mean.bias"])
    tensors, config = cc.convert_state(state, res_scale=0.5)
    assert config == {"backbone": "edsr", "task": "sr", "scale": 2, "channels": 3, "blocks": 2, "features": 4,
                      "res_scale": 0.5, "seed": 0}
    cc.write_safetensors(str(tmp_path / "o.safetensors"), tensors, {"acla.config": __import__("json").dumps(config)})
    same_model(original, acla.Model.load(tmp_path / "o.safetensors"), np)


def test_inference_of_sizes():
    for config in [dict(EDSR, scale=s) for s in (2, 3, 4)] + [RCAN]:
        state = acla_state(acla.Model.create(config))
        inferred = cc.infer_config(state)
        for key in ("backbone", "scale", "blocks", "features"):
            assert inferred[key] == config[key], (config, key)
        if config["backbone"] == "rcan":
            assert (inferred["groups"], inferred["reduction"]) == (2, 4)
    same_res = acla_state(acla.Model.create({"backbone": "edsr", "task": "jpeg", "blocks": 2, "features": 4}))
    assert cc.infer_config(same_res, task="jpeg")["channels"] == 1
    # the paper's EDSR size defaults to res_scale 0.1
    fake = {"head.0.weight": np.zeros((256, 3, 3, 3)), "sub_mean.weight": 0, "tail.0.0.weight": np.zeros((1024, 256, 3, 3))}
    fake.update({f"body.{i}.body.0.weight": 0 for i in range(32)})
    assert cc.infer_config(fake)["res_scale"] == 0.1


def test_bad_state_dicts_are_clear_errors():
    with pytest.raises(cc.ConversionError, match="head.0.weight"):
        cc.infer_config({"foo": np.zeros(1)})
    with pytest.raises(cc.ConversionError, match="unknown BasicSR key"):
        cc.rename_basicsr({"conv_first.weight": np.zeros((4, 3, 3, 3)), "mystery.weight": np.zeros(1)})


def test_writer_output_is_valid_safetensors(tmp_path):
    """Header layout by hand: length prefix, 8-byte padding, contiguous offsets."""
    import json
    import struct
    path = tmp_path / "w.safetensors"
    cc.write_safetensors(str(path), {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.ones(1)}, {"k": "v"})
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0
    header = json.loads(raw[8:8 + n])
    assert header["__metadata__"] == {"k": "v"}
    assert header["a"] == {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}
    assert header["b"]["data_offsets"] == [24, 28]
    assert len(raw) == 8 + n + 28
    np.testing.assert_array_equal(np.frombuffer(raw[8 + n:8 + n + 24], "<f4"), np.arange(6))


def test_torch_checkpoints_end_to_end(tmp_path):
    """.pt (EDSR-PyTorch names) and .pth (BasicSR wrapper) files saved by torch, converted by
    running the script as a user would."""
    torch = pytest.importorskip("torch", reason="torch is not installed")
    for config, basicsr in [(EDSR, False), (RCAN, True), (EDSR, True)]:
        original = acla.Model.create(config)
        state = acla_state(original)
        if basicsr:
            obj = {"params": {k: torch.from_numpy(v.copy()) for k, v in to_basicsr(state, config).items()}}
        else:
            obj = {k: torch.from_numpy(v.copy()) for k, v in state.items()}
        src = tmp_path / ("model.pth" if basicsr else "model.pt")
        torch.save(obj, src)
        out = tmp_path / "out.safetensors"
        subprocess.run([sys.executable, str(SCRIPT), str(src), str(out)], check=True, capture_output=True)
        same_model(original, acla.Model.load(out), np)
