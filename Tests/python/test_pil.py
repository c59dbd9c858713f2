"""PIL interop of the package: a PIL image in gives a PIL image out (8-bit results), equal to
the numpy path. Skipped when Pillow is not installed."""
from pathlib import Path

import acla
import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "Tests" / "AclaTests" / "Fixtures"
TINY = {"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4, "seed": 5}


@pytest.fixture
def Image():
    return pytest.importorskip("PIL.Image", reason="Pillow is not installed")


def test_model_forward_pil_in_pil_out(Image, np):
    m = acla.Model.create(TINY)
    pil = Image.open(FIXTURES / "photo_rgb.png").convert("RGB")
    out = m.forward(pil)
    assert isinstance(out, Image.Image) and out.mode == "RGB" and out.size == (2 * pil.width, 2 * pil.height)
    x = np.asarray(pil, dtype=np.float32).transpose(2, 0, 1)[None]
    expected = np.clip(np.rint(m.forward(x)[0]), 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(np.asarray(out), expected)
    gray = acla.Model.create(dict(TINY, task="denoise", scale=1, channels=1))
    g = gray.forward(pil)  # converted to the model's channels
    assert g.mode == "L" and g.size == pil.size


def test_image_functions_take_and_return_pil(Image, np):
    arr = acla.read_image(FIXTURES / "photo_rgb.png")
    pil = acla.read_image(FIXTURES / "photo_rgb.png", pil=True)
    assert isinstance(pil, Image.Image) and pil.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(pil), arr)
    small = acla.resize_bicubic(pil, 0.5)
    assert isinstance(small, Image.Image)
    np.testing.assert_array_equal(np.asarray(small), acla.resize_bicubic(arr, 0.5))
    gray = acla.rgb_to_gray(pil)
    assert gray.mode == "L"
    np.testing.assert_array_equal(np.asarray(gray), acla.rgb_to_gray(arr))
    noisy = acla.degrade_noise(pil, 10, seed=3)
    np.testing.assert_array_equal(np.asarray(noisy), acla.degrade_noise(arr, 10, seed=3))
    assert acla.psnr(pil, noisy) == acla.psnr(arr, np.asarray(noisy))
    assert isinstance(acla.rgb_to_y(pil), np.ndarray)  # float results stay arrays
    rgba = pil.convert("RGBA")
    np.testing.assert_array_equal(np.asarray(acla.modcrop(rgba, 3)), acla.modcrop(arr, 3))
