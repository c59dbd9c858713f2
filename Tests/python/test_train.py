"""acla.Trainer and `acla train` / `acla search` as users run them."""
import json
import subprocess
from pathlib import Path

import pytest

import acla

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "build" / "bin" / "acla"
TINY = {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8,
        "attention": {"kind": "acla", "positions": [1, 2], "keys": 4}, "seed": 4}


def smooth_images(np, folder, count, size=(30, 34)):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:size[0], 0:size[1]]
    for i in range(count):
        a, b, c = rng.uniform(0.1, 0.4, 3)
        img = np.stack([128 + 80 * np.sin(a * xx + b * yy + c + k) for k in range(3)], axis=2)
        acla.write_image(folder / f"{i}.png", np.clip(np.rint(img), 0, 255).astype(np.uint8))
    return folder


def batch(np, seed, n=2, h=6, w=6):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 255, (n, 3, h, w)).astype(np.float32)
    y = np.repeat(np.repeat(x, 2, axis=2), 2, axis=3)
    return x, y


def test_numpy_loop_learns_and_resumes_bit_for_bit(np, tmp_path):
    opts = {"optimizer": {"lr": 1e-3}, "loss": "mse", "clip_grad_norm": 1e4, "seed": 3}
    with acla.Model.create(TINY) as m, acla.Trainer(m, opts) as t:
        assert t.options["optimizer"]["lr"] == 1e-3 and t.step_count == 0
        losses = []
        for k in range(6):
            losses.append(t.step(*batch(np, k)))
            if k == 2:
                t.save(tmp_path / "k3.safetensors")
        assert losses[-1] < losses[0]
        want = {name: m.get_parameter(name) for name in m.parameter_names}
        mean = m.get_parameter("sub_mean.bias")
    with acla.Model.create(TINY) as m2, acla.Trainer(m2) as t2:
        t2.resume(tmp_path / "k3.safetensors")
        assert t2.step_count == 3 and t2.options["loss"] == "mse"
        for k in range(3, 6):
            t2.step(*batch(np, k))
        for name, value in want.items():
            assert np.array_equal(m2.get_parameter(name), value), name
        assert np.array_equal(m2.get_parameter("sub_mean.bias"), mean)
        t2.learning_rate = 5e-4
        assert t2.learning_rate == 5e-4
        with pytest.raises(acla.AclaError) as e:
            t2.step(batch(np, 0, h=5)[0], batch(np, 0)[1])   # the target does not match the input
        assert e.value.status == acla.ERR_SHAPE
        with pytest.raises(acla.AclaError) as e:
            t2.alpha_step(*batch(np, 0))
        assert e.value.status == acla.ERR_STATE


def test_unknown_option_is_named():
    with acla.Model.create(TINY) as m:
        with pytest.raises(acla.AclaError) as e:
            acla.Trainer(m, {"optimizer": {"lr": 1e-4, "amsgrad": True}})
        assert e.value.status == acla.ERR_INVALID_ARGUMENT and "optimizer.amsgrad" in e.value.message


def test_folder_run_with_progress_and_cancel(np, tmp_path):
    data = smooth_images(np, tmp_path / "data", 4)
    seen = []
    with acla.Model.create(TINY) as m, acla.Trainer(m) as t:
        run = {"data": str(data), "val_holdout": 1, "steps": 6, "checkpoint": str(tmp_path / "c.safetensors"),
               "patch": 8, "batch": 2, "val_every": 3, "log": str(tmp_path / "log.jsonl")}
        with pytest.raises(acla.AclaError) as e:
            t.run(run, progress=lambda done, total: seen.append(done) or done < 2)
        assert e.value.status == acla.ERR_CANCELLED and seen == [1, 2]
        t.run(dict(run, resume=str(tmp_path / "c.safetensors")), progress=lambda d, n: seen.append(d))
        assert seen == [1, 2, 3, 4, 5, 6] and t.step_count == 6
        psnr, ssim = t.validation
        assert 0 < psnr < 100
    lines = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert {"step", "loss", "lr"} <= set(lines[0])
    assert [line["step"] for line in lines if "val_psnr" in line] == [3, 6]
    assert (tmp_path / "c.best.safetensors").exists()
    acla.Model.load(tmp_path / "c.best.safetensors").close()


def test_cli_train_resume_is_bit_identical_and_search_writes_a_model(np, cli, tmp_path):
    data = smooth_images(np, tmp_path / "data", 4)
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    common = ["--config", cfg, "--data", data, "--val-holdout", "1", "--patch", "8", "--batch", "2",
              "--val-every", "2", "--schedule", "cosine:6", "--lr", "5e-4", "--quiet"]
    cli("train", *common, "--steps", "6", "--out", tmp_path / "whole.safetensors", "--log", tmp_path / "w.jsonl")
    cli("train", *common, "--steps", "3", "--out", tmp_path / "part.safetensors")
    out = cli("train", *common, "--steps", "6", "--out", tmp_path / "part.safetensors", "--resume", tmp_path / "part.safetensors",
              "--export", tmp_path / "final.safetensors").stdout
    assert "step 6" in out
    assert (tmp_path / "whole.safetensors").read_bytes() == (tmp_path / "part.safetensors").read_bytes()
    err = cli("train", *common, "--steps", "6", "--out", tmp_path / "x.safetensors", "--resume", tmp_path / "part.safetensors",
              "--loss", "mse", ok=False).stderr
    assert "loss" in err and "differ" in err
    log = [json.loads(line) for line in (tmp_path / "w.jsonl").read_text().splitlines()]
    assert [line["step"] for line in log if "val_psnr" in line] == [2, 4, 6]
    acla.Model.load(tmp_path / "final.safetensors").close()
    sup = tmp_path / "sup.json"
    sup.write_text(json.dumps({"backbone": "edsr", "scale": 2, "blocks": 3, "features": 6,
                               "attention": {"kind": "acla", "positions": "all", "keys": 2}}))
    out = cli("search", "--config", sup, "--data", data, "--val-holdout", "1", "--patch", "8", "--batch", "2",
              "--lambda", "1000", "--warmup-steps", "2", "--search-steps", "12", "--quiet",
              "--options", json.dumps({"alpha_optimizer": {"lr": 0.5}}),
              "--out", tmp_path / "derived.safetensors", "--report", tmp_path / "report.json").stdout
    assert "positions: none" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["positions"] == [] and len(report["layers"]) == 3
    assert report["derived_macs"] == report["backbone_macs"] < report["supernet_macs"]
    with acla.Model.load(tmp_path / "derived.safetensors") as derived:
        assert derived.config["attention"]["kind"] == "none"
    # a supernet whose backbone starts from trained weights (--init): with lr 0 for the weights
    # the derived model keeps them exactly; a checkpoint of another size is refused by name
    sup2 = tmp_path / "sup2.json"
    sup2.write_text(json.dumps({**TINY, "attention": {"kind": "acla", "positions": "all", "keys": 4}}))
    cli("search", "--config", sup2, "--data", data, "--val-holdout", "1", "--patch", "8", "--batch", "2",
        "--lambda", "1000", "--warmup-steps", "0", "--search-steps", "4", "--quiet", "--init", tmp_path / "final.safetensors",
        "--options", json.dumps({"optimizer": {"lr": 0}, "alpha_optimizer": {"lr": 0.5}}),
        "--out", tmp_path / "derived2.safetensors")
    with acla.Model.load(tmp_path / "final.safetensors") as a, acla.Model.load(tmp_path / "derived2.safetensors") as b:
        for name in ("head.0.weight", "body.1.body.2.weight", "tail.1.bias"):
            assert np.array_equal(a.get_parameter(name), b.get_parameter(name)), name
    err = cli("search", "--config", sup, "--data", data, "--val-holdout", "1", "--lambda", "1", "--warmup-steps", "0",
              "--search-steps", "1", "--init", tmp_path / "final.safetensors", "--out", tmp_path / "z.safetensors", ok=False).stderr
    assert "acla: error:" in err and "head.0.weight" in err
    err = cli("train", "--config", cfg, "--data", tmp_path / "none", "--steps", "1", "--out", tmp_path / "y.safetensors",
              ok=False).stderr
    assert "acla: error:" in err and "none" in err


def test_communicator_callback_from_python(np):
    """Trainer.set_communicator: a world of one with an identity all-reduce steps exactly as no
    communicator; an exception in the callback fails the step (re-raised, parameters unchanged)."""
    x, y = batch(np, 21, n=2)
    calls = []

    def identity(buffer, timeout):
        calls.append((buffer.dtype, buffer.size, timeout))

    def broken(buffer, timeout):
        raise TimeoutError("peer gone")

    with acla.Model.create(TINY) as a, acla.Model.create(TINY) as b, acla.Trainer(a, {"seed": 2}) as ta, \
            acla.Trainer(b, {"seed": 2}) as tb:
        tb.set_communicator(0, 1, identity, timeout=7.5)
        for _ in range(2):
            ta.step(x, y)
            tb.step(x, y)
        for name in a.parameter_names:
            assert np.array_equal(a.get_parameter(name), b.get_parameter(name)), name
        assert calls and all(d == np.float32 and t == 7.5 for d, _, t in calls), calls[:3]
        tb.set_communicator(0, 1, broken)
        before = b.get_parameter("body.0.body.0.weight")
        with pytest.raises(TimeoutError, match="peer gone"):
            tb.step(x, y)
        assert np.array_equal(before, b.get_parameter("body.0.body.0.weight"))
        with pytest.raises(acla.AclaError, match="rank"):
            tb.set_communicator(3, 2, identity)
        tb.set_communicator(0, 1, None)
        tb.step(x, y)
        assert tb.step_count == 3


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_cli_train_saves_its_checkpoint_when_stopped_by_a_signal(np, tmp_path, sig):
    """Ctrl-C, or the SIGTERM a session's end or a batch system sends: the run writes its
    checkpoint at the step it reached and exits 130; --resume then goes on from there."""
    import signal
    import subprocess
    import time
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built (make build)")
    data = smooth_images(np, tmp_path / "data", 4)
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    out, log = tmp_path / "run.safetensors", tmp_path / "run.jsonl"
    cmd = [str(CLI), "train", "--config", str(cfg), "--data", str(data), "--val-holdout", "1", "--patch", "8",
           "--batch", "2", "--steps", "1000000", "--save-every", "1000000", "--val-every", "1000000",
           "--log-every", "1", "--log", str(log), "--out", str(out), "--quiet", "--threads", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 3):
        time.sleep(0.05)
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    with acla.Model.load(out) as m:   # a whole checkpoint, not a half-written one
        assert m.parameter_count > 0
    steps = [json.loads(line)["step"] for line in log.read_text().splitlines()]
    assert steps and max(steps) >= 3
