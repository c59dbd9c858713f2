"""Images, degradations and metrics through the Python binding and the `acla` CLI."""
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import acla
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "AclaTests" / "Fixtures"


# ---- hostile files, made here (not committed) ----
def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header(width, height):
    """A PNG declaring width x height with a token IDAT: the header of a decompression bomb."""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b""))


def _segment(marker, body):
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def endless_scans_jpeg(scans):
    """An 8x8 gray progressive JPEG repeating its DC scan `scans` times."""
    out = b"\xff\xd8" + _segment(0xDB, b"\x00" + b"\x01" * 64) + _segment(0xC2, bytes([8, 0, 8, 0, 8, 1, 1, 0x11, 0]))
    out += _segment(0xC4, bytes([0x00, 1] + [0] * 15 + [0]))
    out += (_segment(0xDA, bytes([1, 1, 0x00, 0, 0, 0x00])) + b"\x7f") * scans
    return out + b"\xff\xd9"


def hostile_files(tmp_path):
    png = (FIXTURES / "photo_rgb.png").read_bytes()
    jpg = (FIXTURES / "photo_rgb.jpg").read_bytes()
    cases = {
        "empty.png": (b"", acla.ERR_FORMAT, "empty"),
        "text.png": (b"hello, world", acla.ERR_FORMAT, "not a PNG or JPEG"),
        "truncated.png": (png[: len(png) // 2], acla.ERR_FORMAT, "truncated"),
        "truncated.jpg": (jpg[: len(jpg) // 2], acla.ERR_FORMAT, "truncated"),
        "zero.png": (png_header(0, 7), acla.ERR_FORMAT, "zero"),
        "huge.png": (png_header(100000, 100000), acla.ERR_OUT_OF_MEMORY, "over the limit"),
        "scans.jpg": (endless_scans_jpeg(300), acla.ERR_FORMAT, "scans"),
    }
    out = []
    for name, (data, status, text) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        out.append((path, status, text))
    return out


# ---- files ----
def test_image_info_needs_no_numpy():
    info = acla.image_info(FIXTURES / "photo_rgba.png")
    assert info == {"format": "png", "channels": 3, "height": 24, "width": 32, "notes": ["alpha channel dropped"]}
    assert acla.image_info(str(FIXTURES / "photo_gray.jpg"))["format"] == "jpeg"


def test_read_write_round_trip(np, tmp_path):
    rgb = acla.read_image(FIXTURES / "photo_rgb.png")
    gray = acla.read_image(FIXTURES / "photo_gray.png")
    assert rgb.shape == (24, 32, 3) and rgb.dtype == np.uint8
    assert gray.shape == (24, 32)
    for image in (rgb, gray):
        acla.write_image(tmp_path / "a.png", image)
        assert np.array_equal(acla.read_image(tmp_path / "a.png"), image)
        acla.write_image(tmp_path / "a.jpg", image, quality=90)
        assert np.array_equal(acla.read_image(tmp_path / "a.jpg"), acla.degrade_jpeg(image, 90))
    assert sorted(os.listdir(tmp_path)) == ["a.jpg", "a.png"]  # no temporary files left


def test_alpha_and_16_bit_are_reported(np):
    rgb = acla.read_image(FIXTURES / "photo_rgb.png")
    with pytest.warns(acla.AclaWarning, match="alpha channel dropped"):
        assert np.array_equal(acla.read_image(FIXTURES / "photo_rgba.png"), rgb)
    with pytest.warns(acla.AclaWarning, match="round"):
        assert np.array_equal(acla.read_image(FIXTURES / "photo_rgb16.png"), rgb)
    assert np.array_equal(acla.read_image(FIXTURES / "photo_palette.png"),
                          np.repeat(acla.read_image(FIXTURES / "photo_gray.png")[:, :, None], 3, axis=2))


DATA_ERRORS = ("truncated.png", "truncated.jpg", "scans.jpg")  # headers intact: found when decoding


def test_hostile_files_are_clear_errors(np, tmp_path):
    for path, status, text in hostile_files(tmp_path):
        calls = (acla.read_image,) if path.name in DATA_ERRORS else (acla.image_info, acla.read_image)
        for call in calls:
            with pytest.raises(acla.AclaError) as info:
                call(path)
            assert info.value.status == status, (path.name, info.value)
            assert text in info.value.message and path.name in info.value.message, info.value.message


def test_pixel_limit(np):
    assert acla.get_image_pixel_limit() == 100_000_000
    try:
        acla.set_image_pixel_limit(32 * 24 - 1)
        with pytest.raises(acla.AclaError) as info:
            acla.read_image(FIXTURES / "photo_rgb.png")
        assert info.value.status == acla.ERR_OUT_OF_MEMORY and "767" in info.value.message
        with pytest.raises(acla.AclaError):
            acla.psnr(np.zeros((24, 32), np.uint8), np.zeros((24, 32), np.uint8))
    finally:
        acla.set_image_pixel_limit(100_000_000)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(acla.AclaError):
            acla.set_image_pixel_limit(bad)


def test_write_errors_keep_existing_files(np, tmp_path):
    target = tmp_path / "keep.png"
    target.write_bytes(b"precious")
    image = acla.read_image(FIXTURES / "photo_rgb.png")
    with pytest.raises(acla.AclaError) as info:
        acla.write_image(target, image.astype(np.float32) / 2)
    assert info.value.status == acla.ERR_INVALID_ARGUMENT
    with pytest.raises(acla.AclaError) as info:
        acla.write_image(tmp_path / "keep.jpg", image, quality=101)
    assert info.value.status == acla.ERR_INVALID_ARGUMENT
    with pytest.raises(acla.AclaError) as info:
        acla.write_image(tmp_path / "missing" / "x.png", image)
    assert info.value.status == acla.ERR_IO
    assert target.read_bytes() == b"precious"
    assert os.listdir(tmp_path) == ["keep.png"]


# ---- degradations ----
def test_resize_shapes_and_paths(np):
    image = acla.read_image(FIXTURES / "photo_rgb.png")
    small = acla.resize_bicubic(image, 1 / 3)
    assert small.shape == (8, 11, 3) and small.dtype == np.uint8
    as_float = acla.resize_bicubic(image.astype(np.float64), 1 / 3, boundary="replicate")
    assert as_float.dtype == np.float32 and as_float.shape == (8, 11, 3)
    assert np.abs(as_float - acla.resize_bicubic(image, 1 / 3, "replicate")).max() <= 1.5
    assert acla.resize_bicubic(acla.read_image(FIXTURES / "photo_gray.png"), 2).shape == (48, 64)
    assert acla.modcrop(image, 5).shape == (20, 30, 3)
    with pytest.raises(acla.AclaError):
        acla.resize_bicubic(image, 0.5, boundary="mirror")
    with pytest.raises(acla.AclaError) as info:
        acla.resize_bicubic(image, -2)
    assert info.value.status == acla.ERR_INVALID_ARGUMENT and "-2" in info.value.message


def test_noise_conventions(np):
    image = acla.read_image(FIXTURES / "photo_rgb.png")
    noisy8 = acla.degrade_noise(image, 25, seed=7)
    noisyf = acla.degrade_noise(image, 25, seed=7, convention="float")
    assert noisy8.dtype == np.uint8 and noisyf.dtype == np.float32
    # Same noise in both conventions: the 8-bit result is the float one rounded and clipped.
    expected = np.floor(np.clip(noisyf.astype(np.float64), 0, 255) + 0.5)
    assert np.abs(noisy8 - expected).max() <= 1 and np.mean(noisy8 == expected) > 0.99
    assert np.array_equal(acla.degrade_noise(image, 25, seed=7), noisy8)
    assert not np.array_equal(acla.degrade_noise(image, 25, seed=8), noisy8)
    residual = noisyf - image
    assert abs(residual.mean()) < 1.5 and abs(residual.std() - 25) < 1.5
    for bad in (dict(sigma=-1, seed=1), dict(sigma=5, seed=-1), dict(sigma=5, seed=1, convention="gauss")):
        with pytest.raises(acla.AclaError):
            acla.degrade_noise(image, **bad)


def test_mosaic_gray_y_and_jpeg(np):
    image = acla.read_image(FIXTURES / "photo_rgb.png")
    mosaic = acla.degrade_mosaic(image)
    keep = np.zeros_like(image, dtype=bool)
    keep[0::2, 0::2, 1] = keep[1::2, 1::2, 1] = True  # G
    keep[0::2, 1::2, 0] = True                        # R
    keep[1::2, 0::2, 2] = True                        # B
    assert np.array_equal(mosaic, np.where(keep, image, 0))
    rgb = image.astype(np.float64)
    gray = np.floor(rgb @ np.array([0.298936021293775, 0.587043074451121, 0.114020904255103]) + 0.5)
    assert np.array_equal(acla.rgb_to_gray(image), gray.astype(np.uint8))
    y = 16 + (rgb @ np.array([65.481, 128.553, 24.966])) / 255
    assert np.abs(acla.rgb_to_y(image) - y).max() < 1e-4
    gray8 = acla.read_image(FIXTURES / "photo_gray.png")
    assert acla.degrade_jpeg(gray8, 10).shape == gray8.shape
    with pytest.raises(acla.AclaError):
        acla.degrade_mosaic(gray8)
    with pytest.raises(acla.AclaError):
        acla.degrade_jpeg(gray8, 0)
    with pytest.raises(acla.AclaError):
        acla.degrade_jpeg(np.zeros((4, 4, 2), np.uint8), 50)


# ---- metrics ----
def test_metrics(np):
    a = acla.read_image(FIXTURES / "photo_rgb.png")
    b = acla.degrade_noise(a, 10, seed=3)
    assert acla.psnr(a, a) == float("inf") and acla.ssim(a, a) == pytest.approx(1.0)
    mse = np.mean((a.astype(np.float64) - b) ** 2)
    assert acla.psnr(a, b) == pytest.approx(10 * np.log10(255 ** 2 / mse), abs=1e-10)
    inner = np.mean((a[2:-2, 2:-2].astype(np.float64) - b[2:-2, 2:-2]) ** 2)
    assert acla.psnr(a, b, border=2) == pytest.approx(10 * np.log10(255 ** 2 / inner), abs=1e-10)
    # Float inputs are quantised as round(clamp(x, 0, 255)) first.
    shifted = b.astype(np.float32) + 0.3
    assert acla.psnr(a, shifted, y=True) == acla.psnr(a, b, y=True)
    assert acla.ssim(a.astype(np.float32), shifted, border=1) == acla.ssim(a, b, border=1)
    assert 0 < acla.ssim(a, b, y=True) < 1
    with pytest.raises(acla.AclaError) as info:
        acla.psnr(a, b[:, :-1])
    assert info.value.status == acla.ERR_SHAPE
    with pytest.raises(acla.AclaError):
        acla.ssim(a, b, border=7)
    with pytest.raises(acla.AclaError):
        acla.psnr(a, np.full(a.shape, np.nan, np.float32))


# ---- acceptance on the benchmark data ----
def test_set5_bicubic_is_exact(np, shared_data):
    for s in (2, 3, 4):
        for name in ("baby", "bird", "butterfly", "head", "woman"):
            hr = acla.read_image(shared_data / f"Set5/replicate/x{s}/{name}_HR_x{s}.png")
            lr = acla.read_image(shared_data / f"Set5/replicate/x{s}/{name}_LRBI_x{s}.png")
            assert np.array_equal(acla.resize_bicubic(hr, 1 / s, "replicate"), lr), (name, s)
            hr = acla.modcrop(acla.read_image(shared_data / f"Set5/HR/{name}.png"), s)
            lr = acla.read_image(shared_data / f"Set5/LR_bicubic_symmetric/X{s}/{name}x{s}.png")
            assert np.array_equal(acla.resize_bicubic(hr, 1 / s), lr), (name, s)


def test_classic5_jpeg_is_exact(np, shared_data):
    for name in ("baboon", "barbara", "boats", "lena", "peppers"):
        hq = acla.read_image(shared_data / f"classic5_jpeg_q10/{name}_HQ_Q10.png")
        lq = acla.read_image(shared_data / f"classic5_jpeg_q10/{name}_LQ_Q10.png")
        assert np.array_equal(acla.degrade_jpeg(hq, 10), lq), name


def published(shared_data):
    out = {}
    for line in (shared_data / "Set5/RCAN_outputs/published_results.txt").read_text().splitlines():
        if line.startswith("Method_2"):
            break
        parts = line.split()
        if len(parts) == 7 and parts[3] == "PSNR=":
            out[(int(parts[0][1:]), parts[2].rstrip(":"))] = (float(parts[4]), float(parts[6]))
    return out


def test_rcan_published_numbers(np, shared_data):
    numbers = published(shared_data)
    for (s, name), (p, q) in numbers.items():
        if s == 8:
            continue
        hr = acla.read_image(shared_data / f"Set5/replicate/x{s}/{name.replace('RCAN', 'HR')}")
        sr = acla.read_image(shared_data / f"Set5/RCAN_outputs/x{s}/{name}")
        assert acla.psnr(hr, sr, border=s, y=True) == pytest.approx(p, abs=2e-5)
        assert acla.ssim(hr, sr, border=s, y=True) == pytest.approx(q, abs=2e-5)


# ---- the CLI ----
def cli():
    lib = os.environ.get("ACLA_LIBRARY")
    candidates = ([Path(lib).resolve().parents[1] / "bin" / "acla"] if lib else []) + [ROOT / "build" / "bin" / "acla"]
    for c in candidates:
        if c.exists():
            return str(c)
    pytest.skip("the acla tool is not built (make build)")


def run(*args):
    return subprocess.run([cli(), *map(str, args)], capture_output=True, text=True, timeout=120)


def test_cli_eval_reproduces_published_numbers(shared_data, tmp_path):
    numbers = published(shared_data)
    for s in (2, 3, 4):
        out = tmp_path / f"x{s}.json"
        r = run("eval", "--task", "sr", "--scale", s, "--reference", shared_data / f"Set5/replicate/x{s}",
                "--restored", shared_data / f"Set5/RCAN_outputs/x{s}", "--y", "--json", out)
        assert r.returncode == 0, r.stderr
        rows = {line.split()[0]: line.split()[1:3] for line in r.stdout.splitlines()[1:-1]}
        assert len(rows) == 5
        for name, (p, q) in rows.items():
            ep, eq = numbers[(s, name)]
            assert abs(float(p) - ep) <= 6e-5 and abs(float(q) - eq) <= 6e-5, (name, p, q, ep, eq)
        report = json.loads(out.read_text())
        assert report["shave"] == s and report["channels"] == "y" and len(report["images"]) == 5
        means = [numbers[(s, n)] for n in rows]
        assert report["mean"]["psnr"] == pytest.approx(sum(m[0] for m in means) / 5, abs=2e-5)
        assert r.stdout.splitlines()[-1].startswith("mean (5 images)")


def test_cli_degrade_and_eval_folders(tmp_path):
    src = tmp_path / "hr"
    src.mkdir()
    for name in ("photo_rgb.png", "photo_gray.png", "photo_rgba.png"):
        (src / name).write_bytes((FIXTURES / name).read_bytes())
    r = run("degrade", "--task", "sr", "--scale", 3, "--boundary", "replicate", src, tmp_path / "lr")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path / "lr")) == ["photo_gray.png", "photo_rgb.png", "photo_rgba.png"]
    assert "alpha channel dropped" in r.stderr
    assert acla.image_info(tmp_path / "lr" / "photo_rgb.png")["width"] == 10
    r = run("degrade", "--task", "denoise", "--sigma", 15, "--seed", 3, src, tmp_path / "noisy")
    assert r.returncode == 0, r.stderr
    r = run("eval", "--task", "denoise", "--reference", src, "--restored", tmp_path / "noisy", "--json", tmp_path / "e.json")
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "e.json").read_text())
    assert len(report["images"]) == 3 and report["shave"] == 0 and 20 < report["mean"]["psnr"] < 30
    r = run("degrade", "--task", "denoise", "--sigma", 15, "--seed", 3, "--convention", "float",
            FIXTURES / "photo_gray.png", tmp_path / "n.npy")
    assert r.returncode == 0, r.stderr
    r = run("eval", "--task", "denoise", "--reference", FIXTURES / "photo_gray.png", "--restored", tmp_path / "n.npy")
    assert r.returncode == 0 and "n.npy" in r.stdout, r.stderr
    r = run("degrade", "--task", "jpeg", "--quality", 10, FIXTURES / "photo_rgb.png", tmp_path / "j.png")
    assert r.returncode == 0 and "rgb2gray" in r.stderr
    assert acla.image_info(tmp_path / "j.png")["channels"] == 1
    r = run("degrade", "--task", "demosaic", FIXTURES / "photo_rgb.png", tmp_path / "m.png")
    assert r.returncode == 0, r.stderr


def test_cli_errors_are_clear(tmp_path):
    for path, status, text in hostile_files(tmp_path):
        r = run("degrade", "--task", "demosaic", path, tmp_path / "out.png")
        assert r.returncode == 1 and r.stderr.startswith("acla: error:") and text in r.stderr, (path.name, r.stderr)
        assert path.name in r.stderr
    r = run("degrade", "--task", "sr", "--scale", 2, "--max-pixels", 100, FIXTURES / "photo_rgb.png", tmp_path / "x.png")
    assert r.returncode == 1 and "over the limit of 100 pixels" in r.stderr
    r = run("degrade", "--task", "denoise", "--sigma", 5, FIXTURES / "photo_rgb.png", tmp_path / "x.png")
    assert r.returncode != 0 and "--seed" in r.stderr
    r = run("degrade", "--task", "denoise", "--sigma", 5, "--seed", 1, "--convention", "float",
            FIXTURES / "photo_rgb.png", tmp_path / "x.png")
    assert r.returncode == 1 and ".npy" in r.stderr
    r = run("eval", "--task", "sr", "--scale", 2, "--reference", tmp_path / "nope", "--restored", tmp_path)
    assert r.returncode == 1 and "does not exist" in r.stderr
    assert not (tmp_path / "out.png").exists() and not (tmp_path / "x.png").exists()


def test_binding_works_without_numpy():
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import acla\n"
        f"print(acla.image_info({str(FIXTURES / 'photo_rgb.png')!r})['width'])\n"
        "try:\n"
        f"    acla.read_image({str(FIXTURES / 'photo_rgb.png')!r})\n"
        "except ImportError as e:\n"
        "    print('needs numpy' if 'numpy' in str(e) else e)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "examples" / "python"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["32", "needs", "numpy"]
