"""acla.Model through the ctypes binding: configs, counts, MACs, forward, parameters, checkpoints."""
import json

import acla
import pytest

TINY = {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "seed": 3}


def test_parameter_counts():
    expected = {
        ("edsr", 2): 1369883, ("edsr", 3): 1554523, ("edsr", 4): 1517595,
        ("rcan", 2): 15444667, ("rcan", 3): 15629307, ("rcan", 4): 15592379,
    }
    for (backbone, scale), n in expected.items():
        with acla.Model.create({"backbone": backbone, "scale": scale}) as m:
            assert m.parameter_count == n, (backbone, scale)
    full = {"backbone": "edsr", "blocks": 32, "features": 256, "res_scale": 0.1}
    for scale, n in [(2, 40729627), (3, 43680027), (4, 43089947)]:
        with acla.Model.create(dict(full, scale=scale)) as m:
            assert m.parameter_count == n
            if scale == 2:
                assert m.macs(48, 48) == 93847590144
                assert m.output_size(48, 40) == (3, 96, 80)


def test_config_is_canonical_and_strict():
    with acla.Model.create(json.dumps(TINY)) as m:
        assert m.config == {"backbone": "edsr", "task": "sr", "scale": 2, "channels": 3, "blocks": 2, "features": 4,
                            "res_scale": 1.0, "attention": {"kind": "none"}, "seed": 3}
        assert m.config_json.startswith('{"backbone": "edsr", "task": "sr"')
    cases = [
        (dict(TINY, depth=3), acla.ERR_INVALID_ARGUMENT, "depth"),
        (dict(TINY, blocks=True), acla.ERR_INVALID_ARGUMENT, "blocks"),
        (dict(TINY, features=4.0), acla.ERR_INVALID_ARGUMENT, "features"),
        (dict(TINY, scale=5), acla.ERR_INVALID_ARGUMENT, "scale"),
        (dict(TINY, attention={"kind": "cla", "positions": [2, 1]}), acla.ERR_INVALID_ARGUMENT, "attention.positions"),
        (dict(TINY, attention={"kind": "cla", "positions": [3]}), acla.ERR_INVALID_ARGUMENT, "attention.positions"),
        ('{"backbone": "edsr",', acla.ERR_FORMAT, "JSON"),
    ]
    for config, status, text in cases:
        with pytest.raises(acla.AclaError) as info:
            acla.Model.create(config)
        assert info.value.status == status, config
        assert text in info.value.message
    with pytest.raises(acla.AclaError):
        acla.Model.create(42)


def test_forward_matches_numpy_reference(np):
    """Same-resolution EDSR (1 block) against a float64 numpy rendering of CONVENTIONS.md."""
    m = acla.Model.create({"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 1, "features": 3,
                           "res_scale": 0.5, "seed": 8})
    p = {name: m.get_parameter(name).astype(np.float64) for name in m.parameter_names}

    def conv(x, name):
        w, b = p[name + ".weight"], p[name + ".bias"]
        k = w.shape[2]
        xp = np.pad(x, ((0, 0), (k // 2, k // 2), (k // 2, k // 2)))
        out = np.zeros((w.shape[0],) + x.shape[1:])
        for ky in range(k):
            for kx in range(k):
                out += np.einsum("oi,ihw->ohw", w[:, :, ky, kx], xp[:, ky:ky + x.shape[1], kx:kx + x.shape[2]])
        return out + b[:, None, None]

    rng = np.random.default_rng(1)
    x = rng.uniform(0, 255, size=(2, 1, 6, 7)).astype(np.float32)
    y = m.forward(x)
    assert y.shape == (2, 1, 6, 7) and y.dtype == np.float32
    for i in range(2):
        xi = x[i].astype(np.float64)
        h = conv(xi, "head.0")
        r = 0.5 * conv(np.maximum(conv(h, "body.0.body.0"), 0), "body.0.body.2") + h
        r = conv(r, "body.1") + h
        expected = conv(r, "tail.0") + xi
        np.testing.assert_allclose(y[i], expected, rtol=1e-4, atol=1e-3)
    # CHW in, CHW out
    assert m.forward(x[0]).shape == (1, 6, 7)
    m.close()


def test_forward_errors(np):
    with acla.Model.create(TINY) as m:
        with pytest.raises(acla.AclaError) as info:
            m.forward(np.zeros((1, 1, 4, 4), np.float32))
        assert info.value.status == acla.ERR_SHAPE
        with pytest.raises(acla.AclaError) as info:
            m.forward(np.zeros((4, 4), np.float32))
        assert info.value.status == acla.ERR_SHAPE
        with pytest.raises(acla.AclaError) as info:
            m.forward(np.zeros((1, 3, 0, 4), np.float32))
        assert info.value.status == acla.ERR_INVALID_ARGUMENT
        with pytest.raises(acla.AclaError):
            m.macs(0, 4)
        with pytest.raises(acla.AclaError):
            m.macs(2**40, 4)


def test_parameters_round_trip(np):
    with acla.Model.create(TINY) as m:
        names = m.parameter_names
        assert names[:4] == ["sub_mean.weight", "sub_mean.bias", "add_mean.weight", "add_mean.bias"]
        assert names[-2:] == ["tail.1.weight", "tail.1.bias"]
        np.testing.assert_allclose(m.get_parameter("sub_mean.bias"), -255 * np.array([0.4488, 0.4371, 0.4040]), rtol=1e-6)
        w = np.random.default_rng(2).normal(size=(4, 4, 3, 3)).astype(np.float32)
        m.set_parameter("body.1.body.2.weight", w)
        np.testing.assert_array_equal(m.get_parameter("body.1.body.2.weight"), w)
        with pytest.raises(acla.AclaError) as info:
            m.set_parameter("body.1.body.2.weight", w.reshape(4, 36))
        assert info.value.status == acla.ERR_SHAPE
        with pytest.raises(acla.AclaError) as info:
            m.get_parameter("nope.weight")
        assert info.value.status == acla.ERR_INVALID_ARGUMENT and "nope.weight" in info.value.message
        bad = w.copy()
        bad[0, 0, 0, 0] = np.inf
        with pytest.raises(acla.AclaError):
            m.set_parameter("body.1.body.2.weight", bad)


def test_save_load_bit_exact_and_ignore_tail(np, tmp_path):
    m = acla.Model.create(TINY)
    path = tmp_path / "x2.safetensors"
    m.save(path)
    back = acla.Model.load(str(path))
    assert back.config == m.config
    for name in m.parameter_names:
        assert m.get_parameter(name).tobytes() == back.get_parameter(name).tobytes(), name
    x = np.random.default_rng(0).uniform(0, 255, (1, 3, 5, 4)).astype(np.float32)
    assert m.forward(x).tobytes() == back.forward(x).tobytes()

    x3 = dict(TINY, scale=3)
    with pytest.raises(acla.AclaError) as info:
        acla.Model.load(path, config=x3)
    assert info.value.status == acla.ERR_FORMAT and "tail.0.0.weight" in info.value.message
    tuned = acla.Model.load(path, config=x3, ignore_tail=True)
    np.testing.assert_array_equal(tuned.get_parameter("body.0.body.0.weight"), m.get_parameter("body.0.body.0.weight"))
    assert tuned.output_size(5, 4) == (3, 15, 12)

    with pytest.raises(acla.AclaError) as info:
        acla.Model.load(tmp_path / "absent.safetensors")
    assert info.value.status == acla.ERR_IO
    (tmp_path / "bad.safetensors").write_bytes(b"\xff" * 8 + b"{}")
    with pytest.raises(acla.AclaError) as info:
        acla.Model.load(tmp_path / "bad.safetensors", config=TINY)
    assert info.value.status == acla.ERR_FORMAT


def test_closed_model_raises():
    m = acla.Model.create(TINY)
    m.close()
    m.close()  # idempotent
    with pytest.raises(acla.AclaError) as info:
        _ = m.parameter_count
    assert info.value.status == acla.ERR_STATE
    assert "closed" in repr(m)
