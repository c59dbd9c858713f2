"""The rough edges a new user hit on the command line (issue 11), each as a user meets it."""
import os
import subprocess
from pathlib import Path

import acla
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "build" / "bin" / "acla"
CONFIGS = ROOT / "examples" / "configs"
FIXTURES = ROOT / "Tests" / "AclaTests" / "Fixtures"
TINY = '{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4, "seed": 3}'
TINY_ACLA = ('{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8, "seed": 3, '
             '"attention": {"kind": "acla", "positions": [1, 2], "keys": 4}}')


@pytest.fixture
def cli(tmp_path):
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built (make build)")

    def run(*args, status=0):
        r = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, cwd=tmp_path, timeout=60)
        assert r.returncode == status, f"exit {r.returncode}, expected {status}\n{r.stdout}{r.stderr}"
        if status:
            assert r.stderr.startswith("acla: error: "), r.stderr
        return r
    return run


@pytest.mark.parametrize("args, named", [
    (["degrade", "--task", "sr", "--scale", "-2", "a.png", "b.png"], "-2"),
    (["degrade", "--task", "denoise", "--sigma", "-5", "--seed", "1", "a.png", "b.png"], "-5"),
    (["degrade", "--task", "jpeg", "--quality", "-10", "a.png", "b.png"], "-10"),
    (["degrade", "--task", "denoise", "--sigma", "5", "--seed", "-1", "a.png", "b.png"], "-1"),
    (["info", CONFIGS / "edsr_baseline_x2.json", "--size", "-48x48"], "-48x48"),
    (["attention", CONFIGS / "edsr_x2_acla.json", "--probe", "-1,3"], "-1,3"),
    (["eval", "--task", "sr", "--scale", "-3", "--reference", ".", "--restored", "."], "-3"),
    (["eval", "--task", "sr", "--scale", "2", "--shave", "-1", "--reference", ".", "--restored", "."], "-1"),
    (["threads", "--threads", "-4"], "-4"),
    (["threads", "--threads", "0"], "0"),
])
def test_negative_and_bad_values_reach_validation_and_are_named(cli, args, named):
    err = cli(*args, status=1).stderr
    assert named in err and "Missing value" not in err


def test_usage_errors_exit_1_like_bad_values(cli):
    err = cli("info", CONFIGS / "edsr_x2.json", "--no-such-option", status=1).stderr
    assert "--no-such-option" in err and "acla info --help" in err
    assert "missing" in cli("degrade", "--task", "sr", "--scale", "2", status=1).stderr.lower()
    assert cli("info", "--help").stdout.startswith("OVERVIEW")
    assert cli("--version").stdout.strip() == acla.version()


@pytest.mark.parametrize("sub", ["info", "forward", "attention"])
def test_fifo_model_is_refused_not_waited_on(cli, tmp_path, sub):
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    extra = ["in.npy", "out.npy"] if sub == "forward" else []
    err = cli(sub, fifo, *extra, status=1).stderr  # the fixture's timeout turns a hang into a failure
    assert "FIFO" in err and str(fifo) in err


def test_one_model_rule_for_every_subcommand(cli, tmp_path):
    for sub in ("info", "attention"):
        err = cli(sub, tmp_path / "missing.json", status=1).stderr
        assert "missing.json" in err and "No such file or directory" in err
        assert "attention: none" in cli(sub, TINY).stdout  # inline JSON, as init and --config take it
    err = cli("forward", tmp_path / "missing.json", "in.npy", "out.npy", status=1).stderr
    assert "No such file or directory" in err
    err = cli("info", tmp_path, status=1).stderr
    assert "is a folder" in err


def test_probe_outside_the_input_is_an_error_naming_the_size(cli):
    err = cli("attention", TINY_ACLA, "--probe", "500,500", status=1).stderr
    assert "500,500" in err and "48x48" in err
    cli("attention", TINY_ACLA, "--probe", "48,0", status=1)
    out = cli("attention", TINY_ACLA, "--probe", "47,47").stdout
    assert "probe keys of layer 1" in out


def test_forward_then_eval_pipeline_in_every_layout(cli, tmp_path, np):
    model = tmp_path / "m.safetensors"
    cli("init", TINY, model)
    hr = acla.read_image(FIXTURES / "photo_rgb.png")[:24, :24]
    lr = acla.resize_bicubic(hr, 0.5)
    acla.write_image(tmp_path / "hr.png", hr)
    expected = acla.Model.load(model).forward(lr.transpose(2, 0, 1)[None].astype(np.float32))
    for name, array in [("nchw", lr.transpose(2, 0, 1)[None]), ("chw", lr.transpose(2, 0, 1)), ("hwc", lr),
                        ("nhwc", lr[None])]:
        np.save(tmp_path / f"{name}.npy", array.astype(np.float32))
        out = cli("forward", model, f"{name}.npy", f"{name}_out.npy").stdout
        assert f"({name.upper()})" in out
        y = np.load(tmp_path / f"{name}_out.npy")
        as_nchw = {"nchw": lambda: y, "chw": lambda: y[None], "hwc": lambda: y.transpose(2, 0, 1)[None],
                   "nhwc": lambda: y.transpose(0, 3, 1, 2)}[name]()
        np.testing.assert_array_equal(as_nchw, expected)
    r = cli("eval", "--task", "sr", "--scale", "2", "--reference", "hr.png", "--restored", "nchw_out.npy")
    assert "read as NCHW" in r.stderr and "mean (1 image)" in r.stdout
    cli("eval", "--task", "sr", "--scale", "2", "--reference", "hr.png", "--restored", "hwc_out.npy")
    # images in and out: the PNG is the rounded, clamped float output
    acla.write_image(tmp_path / "lr.png", lr)
    cli("forward", model, "lr.png", "sr.png")
    cli("forward", model, "lr.png", "sr.npy")
    np.testing.assert_array_equal(np.load(tmp_path / "sr.npy"), expected[0].transpose(1, 2, 0))
    np.testing.assert_array_equal(acla.read_image(tmp_path / "sr.png"),
                                  np.clip(np.floor(expected[0].transpose(1, 2, 0) + 0.5), 0, 255).astype(np.uint8))
    # a shape two layouts fit is refused, naming both
    np.save(tmp_path / "amb.npy", np.ones((3, 5, 3), np.float32))
    err = cli("forward", model, "amb.npy", "o.npy", status=1).stderr
    assert "ambiguous" in err and "HWC" in err and "CHW" in err
    np.save(tmp_path / "amb_eval.npy", np.ones((3, 8, 3), np.float32))
    assert "ambiguous" in cli("eval", "--task", "sr", "--scale", "2", "--reference", "hr.png", "--restored",
                              "amb_eval.npy", status=1).stderr
    assert "1 channel, the model takes 3" in cli("forward", model, FIXTURES / "photo_gray.png", "o.png", status=1).stderr


def test_forward_refuses_non_finite_input_unless_allowed(cli, tmp_path, np):
    model = tmp_path / "m.safetensors"
    cli("init", TINY, model)
    x = np.full((1, 3, 4, 5), 100, np.float32)
    x[0, 2, 3, 1] = np.nan
    np.save(tmp_path / "nan.npy", x)
    err = cli("forward", model, "nan.npy", "o.npy", status=1).stderr
    assert "index 56 (n 0, c 2, y 3, x 1)" in err and "--allow-nonfinite" in err
    assert not (tmp_path / "o.npy").exists()
    cli("forward", model, "nan.npy", "o.npy", "--allow-nonfinite")
    assert np.isnan(np.load(tmp_path / "o.npy")).any()


def test_outputs_are_checked_before_the_work(cli, tmp_path):
    acla.write_image(tmp_path / "a.png", acla.read_image(FIXTURES / "photo_rgb.png"))
    r = cli("eval", "--task", "denoise", "--reference", "a.png", "--restored", "a.png", "--json", "no/such/s.json",
            status=1)
    assert r.stdout == "" and "no/such" in r.stderr and "does not exist" in r.stderr
    assert "does not exist" in cli("forward", TINY, "in.npy", "missing/out.npy", status=1).stderr
    assert "does not exist" in cli("init", TINY, "missing/m.safetensors", status=1).stderr


def test_a_non_checkpoint_says_what_it_looks_like(cli, tmp_path):
    import zipfile
    err = cli("info", FIXTURES / "photo_rgb.png", status=1).stderr
    assert "not a safetensors file (looks like PNG)" in err and "header length" not in err
    assert "looks like JPEG" in cli("info", FIXTURES / "photo_rgb.jpg", status=1).stderr
    with zipfile.ZipFile(tmp_path / "m.pt", "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    assert "convert_checkpoint.py" in cli("info", tmp_path / "m.pt", status=1).stderr
    with pytest.raises(acla.AclaError) as e:
        acla.Model.load(FIXTURES / "photo_rgb.png")
    assert e.value.status == acla.ERR_FORMAT and "looks like PNG" in e.value.message


def test_threads_option_sets_the_library_thread_count(cli):
    assert cli("threads", "--threads", "1").stdout.strip() == "1"
    assert cli("threads", "--threads", "3").stdout.strip() == "3"
    assert "parameters:" in cli("info", TINY, "--threads", "1").stdout


def test_config_path_given_to_create(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(TINY)
    for given in (str(path), path):
        assert acla.Model.create(given).config["features"] == 4
    with pytest.raises(acla.AclaError) as e:
        acla.Model.create(str(tmp_path / "absent.json"))
    assert "looks like a path" in e.value.message
    # the C API, given a path as text, says so too
    h = acla.model.handle_t()
    status = acla.library.acla_model_create(str(tmp_path / "absent.json").encode(), acla.model.ctypes.byref(h))
    assert status == acla.ERR_FORMAT
    assert b"looks like a file path" in acla.library.acla_last_error_message()


def test_model_forward_hwc_hint_and_non_finite(np):
    m = acla.Model.create(TINY)
    with pytest.raises(acla.AclaError) as e:
        m.forward(np.zeros((1, 9, 7, 3), np.float32))
    assert "looks like NHWC" in e.value.message and "transpose" in e.value.message
    with pytest.raises(acla.AclaError) as e:
        m.forward(np.zeros((9, 7, 3), np.float32))
    assert "looks like HWC" in e.value.message
    x = np.full((1, 3, 4, 4), 9, np.float32)
    x[0, 1, 2, 3] = np.inf
    with pytest.raises(acla.AclaError) as e:
        m.forward(x)
    assert e.value.status == acla.ERR_INVALID_ARGUMENT and "index 27 (n 0, c 1, y 2, x 3)" in e.value.message
    m.allow_nonfinite_input = True
    assert not np.isfinite(m.forward(x)).all()
    m.allow_nonfinite_input = False
    with pytest.raises(acla.AclaError):
        m.forward(x)
    with pytest.raises(acla.AclaError):
        m.allow_nonfinite_input = 1


def test_cli_binary_carries_no_foundation_icu():
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built (make build)")
    # Foundation's ICU data alone is 34 MB; the tool without it is about 16 MB stripped
    assert CLI.stat().st_size < 40_000_000, f"{CLI} is {CLI.stat().st_size} bytes: does a CLI file import Foundation?"


def test_profile_times_every_stage(cli):
    config = '{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "attention": {"kind": "cla", "positions": [2], "keys": 4}}'
    out = cli("profile", config, "--size", "12x10", "--repeats", "2").stdout
    rows = {line.rsplit(None, 3)[0]: line.split() for line in out.splitlines()[2:-1]}
    assert list(rows) == ["head", "body.0", "body.1", "attention.2", "body conv", "upsampler", "tail"], out
    shares = [float(r[-2]) for r in rows.values()]
    assert all(float(r[-3]) > 0 for r in rows.values()) and abs(sum(shares) - 100) < 1, out
    train = cli("profile", config, "--size", "8x8", "--train", "--batch", "2", "--repeats", "1").stdout
    assert "training step, input [2, 3, 8, 8]" in train and "backward (L1 loss)" in train
    assert "--repeats" in cli("profile", config, "--repeats", "0", status=1).stderr


def test_a_bare_name_is_a_bundled_model_unless_a_file_has_it(cli, tmp_path):
    assert "8 residual blocks x 32 features" in cli("info", "sr-x2").stdout
    err = cli("info", "sr-x9", status=1).stderr
    assert "sr-x9" in err and "sr-x2" in err  # the names there are
    (tmp_path / "sr-x2").write_text(TINY)  # a file of that name in the working folder wins
    assert "1 residual blocks x 4 features" in cli("info", "sr-x2").stdout
    out = tmp_path / "out.png"
    cli("restore", "--model", "sr-x3", FIXTURES / "restore_chelsea_crop.png", out, "--quiet")
    assert out.stat().st_size > 0
