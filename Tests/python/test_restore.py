"""Model.restore, acla.restore_file and the `acla restore` / `visualize` / `compare` commands,
as a user runs them (small random-init models; numpy references written here)."""
import math
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import acla

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "build" / "bin" / "acla"
CROP = ROOT / "Tests" / "AclaTests" / "Fixtures" / "restore_chelsea_crop.png"
X2 = {"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}
LUMA = (0.298936021293775, 0.587043074451121, 0.114020904255103)


def quantise(np, x):
    """round(clamp(x, 0, 255)) with halves away from zero (the library's rounding)."""
    return np.floor(np.clip(x, 0, 255) + 0.5).astype(np.uint8)


def randomised(np, config, seed=1, scale=0.2):
    m = acla.Model.create(config)
    rng = np.random.default_rng(seed)
    for name in m.parameter_names:
        m.set_parameter(name, rng.uniform(-scale, scale, size=m.parameter_shape(name)).astype(np.float32))
    return m


def test_restore_rgb_gray_and_rgba_against_forward(np):
    m = randomised(np, X2)
    rng = np.random.default_rng(2)
    rgb = rng.integers(0, 256, size=(9, 13, 3), dtype=np.uint8)
    y = m.forward(rgb.transpose(2, 0, 1).astype(np.float32))          # (3, 18, 26)
    out = m.restore(rgb, tile=0)
    assert out.shape == (18, 26, 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - quantise(np, y.transpose(1, 2, 0)).astype(int)).max() <= 1   # float32 vs float ties
    assert 0 < np.count_nonzero((out > 0) & (out < 255)), "saturated output says nothing"

    gray = rgb[:, :, 1]
    yg = m.forward(np.stack([gray] * 3).astype(np.float32)).astype(np.float64)
    expected = quantise(np, LUMA[0] * yg[0] + LUMA[1] * yg[1] + LUMA[2] * yg[2])
    out = m.restore(gray, tile=0)
    assert out.shape == (18, 26)
    assert np.abs(out.astype(int) - expected.astype(int)).max() <= 1
    assert m.restore_output_size(1, 9, 13)[3] == [acla.restore.NOTE_TEXT[acla.RESTORE_NOTE_GRAY_AS_RGB]]

    rgba = np.concatenate([rgb, rng.integers(0, 256, size=(9, 13, 1), dtype=np.uint8)], axis=2)
    out = m.restore(rgba, tile=0)
    assert out.shape == (18, 26, 4)
    assert np.array_equal(out[:, :, :3], m.restore(rgb, tile=0))
    assert np.array_equal(out[:, :, 3], acla.resize_bicubic(rgba[:, :, 3], 2))


def test_tiles_and_ensemble_options(np):
    m = randomised(np, X2, seed=3)
    img = acla.read_image(CROP)
    whole = m.restore(img, tile=0)
    tiled = m.restore(img, tile=24, overlap=16)   # the receptive field (< 6 px) is within half the overlap
    assert np.abs(whole.astype(int) - tiled.astype(int)).max() <= 1
    assert m.restore(img, tile=24, overlap=0).shape == whole.shape
    ens = m.restore(img[:20, :20], tile=0, ensemble=True)
    assert ens.shape == (40, 40, 3) and not np.array_equal(ens, m.restore(img[:20, :20], tile=0))


def test_progress_and_cancel(np):
    m = acla.Model.create(X2)
    img = acla.read_image(CROP)
    seen = []
    m.restore(img, tile=40, overlap=8, progress=lambda d, t: seen.append((d, t)))
    total = seen[0][1]
    assert [d for d, _ in seen] == list(range(total + 1)) and total > 4
    with pytest.raises(acla.AclaError) as e:
        m.restore(img, tile=40, overlap=8, progress=lambda d, t: d >= 1)
    assert e.value.status == acla.ERR_CANCELLED

    def boom(done, total):
        raise ValueError("from the callback")
    with pytest.raises(ValueError, match="from the callback"):
        m.restore(img, tile=40, overlap=8, progress=boom)
    m.restore(img[:8, :8], tile=0)   # the model is still usable


@pytest.mark.parametrize("image, kwargs, status", [
    ("float", {}, acla.ERR_INVALID_ARGUMENT),
    ("five", {}, acla.ERR_SHAPE),
    ("rgb", {"tile": 8, "overlap": 8}, acla.ERR_INVALID_ARGUMENT),
    ("rgb", {"tile": -1}, acla.ERR_INVALID_ARGUMENT),
    ("rgb", {"ensemble": 1}, acla.ERR_INVALID_ARGUMENT),
    ("rgb", {"progress": 5}, acla.ERR_INVALID_ARGUMENT),
    ("rgb", {"tile": 2**31}, acla.ERR_INVALID_ARGUMENT),
])
def test_bad_arguments(np, image, kwargs, status):
    m = acla.Model.create(X2)
    a = {"float": np.zeros((4, 4, 3), np.float32), "five": np.zeros((4, 4, 5), np.uint8),
         "rgb": np.zeros((4, 4, 3), np.uint8)}[image]
    with pytest.raises(acla.AclaError) as e:
        m.restore(a, **kwargs)
    assert e.value.status == status


def test_demosaic_and_jpeg_layouts(np):
    d = acla.Model.create({"backbone": "edsr", "task": "demosaic", "blocks": 1, "features": 4})
    raw = np.random.default_rng(4).integers(0, 256, size=(8, 10), dtype=np.uint8)
    assert d.restore(raw).shape == (8, 10, 3)
    with pytest.raises(acla.AclaError) as e:
        d.restore(np.zeros((8, 10, 4), np.uint8))
    assert e.value.status == acla.ERR_UNSUPPORTED
    j = acla.Model.create({"backbone": "edsr", "task": "jpeg", "channels": 1, "blocks": 1, "features": 4})
    c, h, w, notes = j.restore_output_size(3, 8, 10)
    assert (c, h, w) == (3, 8, 10) and "Cb, Cr" in notes[0]


def test_restore_file(np, tmp_path):
    m = acla.Model.create(X2)
    out = acla.restore_file(m, CROP, tmp_path / "sr.png", tile=64, overlap=16)
    back = acla.read_image(tmp_path / "sr.png")
    assert back.shape == (192, 224, 3) and np.array_equal(back, out)


FIXTURES = ROOT / "Tests" / "AclaTests" / "Fixtures"
DENOISE = {"backbone": "edsr", "task": "denoise", "channels": 3, "blocks": 1, "features": 4}


def alpha_pngs(np, tmp_path):
    """(name, path) of PNGs with alpha: the RGBA and gray + alpha fixtures, and a palette image
    whose tRNS chunk makes some entries transparent (PIL writes it; without PIL, the fixtures only)."""
    fixtures = [("rgba", FIXTURES / "photo_rgba.png"), ("gray_alpha", FIXTURES / "photo_gray_alpha.png")]
    try:
        from PIL import Image
    except ImportError:
        return fixtures
    rng = np.random.default_rng(8)
    index = rng.integers(0, 16, size=(17, 21), dtype=np.uint8)
    pal = Image.fromarray(index, "P")
    pal.putpalette(list(rng.integers(0, 256, size=16 * 3, dtype=np.uint8)))
    path = tmp_path / "palette_trns.png"
    pal.save(path, transparency=bytes(rng.integers(0, 256, size=16, dtype=np.uint8)))
    return fixtures + [("trns", path)]


def test_read_image_keeps_alpha_as_pil_does(np, tmp_path):
    Image = pytest.importorskip("PIL.Image", reason="PIL is the reference here (pip install pillow)")
    for name, path in alpha_pngs(np, tmp_path):
        kept = acla.read_image(path, alpha=True)
        mode = "LA" if name == "gray_alpha" else "RGBA"
        assert np.array_equal(kept, np.asarray(Image.open(path).convert(mode))), name
        assert acla.image_info(path, alpha=True)["channels"] == kept.shape[2]
        with pytest.warns(acla.AclaWarning, match="alpha"):
            plain = acla.read_image(path)
        colour = kept[:, :, 0] if kept.shape[2] == 2 else kept[:, :, :3]
        assert np.array_equal(plain, colour), name
        back = tmp_path / f"{name}_back.png"
        acla.write_image(back, kept)
        assert np.array_equal(acla.read_image(back, alpha=True), kept)
        with pytest.raises(acla.AclaError) as info:
            acla.write_image(tmp_path / f"{name}.jpg", kept)
        assert info.value.status == acla.ERR_UNSUPPORTED and "alpha" in str(info.value)
    assert acla.read_image(FIXTURES / "photo_rgb.png", alpha=True).shape == (24, 32, 3)


@pytest.mark.parametrize("config", [X2, DENOISE], ids=["sr-x2", "denoise"])
def test_restore_file_keeps_alpha(np, tmp_path, config):
    """restore_file on PNGs with alpha: the colour as restoring the opaque image, the alpha
    bicubic x2 (SR) or copied (denoise), a PNG output with alpha, a JPEG output without."""
    m = randomised(np, config, seed=4)
    s = config.get("scale", 1)
    for name, path in alpha_pngs(np, tmp_path):
        kept = acla.read_image(path, alpha=True)
        out = acla.restore_file(m, path, tmp_path / f"{name}.png", tile=16, overlap=6)
        c = kept.shape[2]
        assert out.shape == (kept.shape[0] * s, kept.shape[1] * s, c), name
        assert np.array_equal(acla.read_image(tmp_path / f"{name}.png", alpha=True), out)
        colour = kept[:, :, 0] if c == 2 else kept[:, :, :3]
        restored = m.restore(colour, tile=16, overlap=6)
        assert np.array_equal(out[:, :, 0] if c == 2 else out[:, :, :3], restored), name
        alpha = acla.resize_bicubic(kept[:, :, c - 1], s) if s > 1 else kept[:, :, c - 1]
        assert np.array_equal(out[:, :, c - 1], alpha), name
        with pytest.warns(acla.AclaWarning, match="alpha"):
            acla.restore_file(m, path, tmp_path / f"{name}.jpg", tile=16, overlap=6)
        assert acla.image_info(tmp_path / f"{name}.jpg")["channels"] == c - 1


def test_cli_restore_keeps_alpha(cli, checkpoint, tmp_path, np):
    m = acla.Model.load(checkpoint)
    for name, path in alpha_pngs(np, tmp_path):
        kept = acla.read_image(path, alpha=True)
        c = kept.shape[2]
        r = cli("restore", "--model", checkpoint, "--tile", 16, "--overlap", 6, path, tmp_path / f"{name}.png")
        assert f"x{c}," in r.stdout and "alpha channel upscaled" in r.stderr, r.stdout + r.stderr
        out = acla.read_image(tmp_path / f"{name}.png", alpha=True)
        assert np.array_equal(out, m.restore(kept, tile=16, overlap=6)), name
        r = cli("restore", "--model", checkpoint, path, tmp_path / f"{name}.jpg")
        assert "JPEG has no alpha" in r.stderr
        assert acla.image_info(tmp_path / f"{name}.jpg")["channels"] == c - 1


# ---- the command line ----

@pytest.fixture
def checkpoint(cli, tmp_path):
    path = tmp_path / "x2.safetensors"
    cli("init", '{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8}', path)
    return path


def test_cli_restore_file_formats_and_quiet(cli, checkpoint, tmp_path):
    r = cli("restore", "--model", checkpoint, "--tile", 48, "--overlap", 16, CROP, tmp_path / "a.png")
    assert "wrote" in r.stdout and "224x192x3" in r.stdout
    assert "\r" not in r.stderr, "no progress bar when stderr is not a terminal"
    r = cli("restore", "--model", checkpoint, "--quiet", CROP, tmp_path / "b.jpg")
    assert r.stdout == "" and r.stderr == ""
    assert acla.image_info(tmp_path / "b.jpg")["format"] == "jpeg"
    r = cli("restore", "--model", checkpoint, CROP, tmp_path / "c.bmp", ok=False)
    assert "c.bmp" in r.stderr and not (tmp_path / "c.bmp").exists()
    r = cli("restore", "--model", checkpoint, "--tile", 8, "--overlap", 8, CROP, tmp_path / "d.png", ok=False)
    assert "overlap" in r.stderr


def _scores(line):
    # "PSNR/SSIM against ...: restored 33.85 dB / 0.9045, bicubic 32.63 dB / 0.8709"
    parts = line.split(": ", 1)[1].replace(",", "").split()
    return float(parts[1]), float(parts[-4])


def test_cli_degrade_first_and_reference_print_scores_next_to_the_baseline(cli, tmp_path):
    # the bundled x2 model: IN is degraded (bicubic /2), restored, and measured against IN
    r = cli("restore", "--degrade-first", "--save-input", tmp_path / "lr.png", CROP, tmp_path / "sr.png")
    line = next(l for l in r.stdout.splitlines() if l.startswith("PSNR/SSIM against the original (Y, shave 2)"))
    ours, bicubic = _scores(line)
    assert ours > bicubic + 0.3, line
    assert acla.image_info(tmp_path / "lr.png")["width"] == 56
    # the same pair through --reference gives the same figures
    r = cli("restore", "--reference", CROP, tmp_path / "lr.png", tmp_path / "sr2.png")
    assert _scores(next(l for l in r.stdout.splitlines() if l.startswith("PSNR/SSIM")))  == (ours, bicubic)
    r = cli("restore", "--degrade-first", "--reference", CROP, CROP, tmp_path / "x.png", ok=False)
    assert "--reference does not apply" in r.stderr
    r = cli("restore", "--degrade-first", tmp_path, tmp_path / "out", ok=False)
    assert "take one image" in r.stderr
    r = cli("restore", "--reference", tmp_path / "lr.png", CROP, tmp_path / "y.png", ok=False)
    assert "the reference is 56x48" in r.stderr


def test_cli_restore_folder_with_a_corrupt_file(cli, checkpoint, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("one.png", "two.png"):
        (src / name).write_bytes(CROP.read_bytes())
    (src / "broken.png").write_bytes(CROP.read_bytes()[:300])   # a truncated PNG
    (src / "notes.txt").write_text("not an image")
    r = cli("restore", "--model", checkpoint, src, tmp_path / "out", ok=False)
    assert r.returncode == 1
    assert "broken.png" in r.stderr and "1 of 3 images failed" in r.stderr
    assert sorted(os.listdir(tmp_path / "out")) == ["one.png", "two.png"]
    assert acla.image_info(tmp_path / "out" / "two.png")["width"] == 224


def test_cli_ctrl_c_leaves_no_half_written_file(cli, tmp_path, np):
    checkpoint = tmp_path / "slow.safetensors"   # about 10 s of work: the signal lands mid-run
    cli("init", '{"backbone": "edsr", "scale": 2, "blocks": 8, "features": 32}', checkpoint)
    big = tmp_path / "big.png"
    img = acla.read_image(CROP)
    acla.write_image(big, np.tile(img, (3, 3, 1)))            # 336 x 288
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([str(CLI), "restore", "--model", str(checkpoint), "--ensemble", "--tile", "32", "--overlap", "8",
                             str(big), str(out / "big_x2.png")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    assert proc.poll() is None, "the restore finished before the signal: make the work longer"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    assert "interrupted" in stderr
    assert os.listdir(out) == [], f"left {os.listdir(out)}"


def test_cli_visualize_writes_figure_2(cli, tmp_path, np):
    model = tmp_path / "acla.safetensors"
    cli("init", '{"backbone": "edsr", "scale": 2, "blocks": 4, "features": 8, '
        '"attention": {"kind": "acla", "positions": [1, 2, 4], "keys": 16}}', model)
    r = cli("visualize", "--model", model, "--image", CROP, "--query", "40,52", "--out", tmp_path / "fig.png")
    # 3 sources of the module after layer 4: panels 320 x 274 (112 x 96 scaled by 320/112)
    scale = 320 / 112
    pw, ph = round(112 * scale), round(96 * scale)
    info = acla.image_info(tmp_path / "fig.png")
    assert (info["width"], info["height"]) == (16 + 3 * (pw + 16) + 90, 44 + (22 + ph + 16) + 28), r.stdout
    assert "of 48 keys open" in r.stdout
    r = cli("visualize", "--model", model, "--image", CROP, "--query", "40,52", "--module", 2, "--window", 30,
            "--out", tmp_path / "fig2.png")
    info = acla.image_info(tmp_path / "fig2.png")
    assert (info["width"], info["height"]) == (16 + 2 * (320 + 16) + 90, 44 + (22 + 320 + 16) + 28)
    assert "acla: error" in cli("visualize", "--model", model, "--image", CROP, "--query", "400,5",
                                "--out", tmp_path / "x.png", ok=False).stderr
    assert "layers [1, 2, 4]" in cli("visualize", "--model", model, "--image", CROP, "--query", "4,5", "--module", 3,
                                     "--out", tmp_path / "x.png", ok=False).stderr


def test_cli_compare_writes_a_labelled_grid(cli, checkpoint, tmp_path):
    lr = tmp_path / "lr.png"
    cli("degrade", "--task", "sr", "--scale", 2, CROP, lr)
    r = cli("compare", "--model", checkpoint, "--reference", CROP, lr, "--out", tmp_path / "grid.png")
    assert "bicubic x2:" in r.stdout and "restored:" in r.stdout and "dB" in r.stdout
    d = min(360 / 112, 480 / 96)
    pw, ph = round(112 * d), round(96 * d)
    crop = 24 * math.floor(360 / 24)            # default crop: a quarter of 96, zoomed x15
    column = max(pw, crop)
    info = acla.image_info(tmp_path / "grid.png")
    assert (info["width"], info["height"]) == (16 + 3 * (column + 16), 36 + (20 + ph + 12) + (20 + crop + 12))
    cli("compare", "--model", checkpoint, "--reference", CROP, lr, "--crop", "10,20,30,40", "--out", tmp_path / "g2.png")
    info = acla.image_info(tmp_path / "g2.png")
    assert info["height"] == 36 + (20 + ph + 12) + (20 + 30 * 9 + 12)       # zoom floor(360 / 40) = 9
    assert "--crop" in cli("compare", "--model", checkpoint, "--reference", CROP, lr, "--crop", "90,0,30,40",
                           "--out", tmp_path / "g3.png", ok=False).stderr
