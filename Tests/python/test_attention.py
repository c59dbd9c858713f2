"""Attention through the ctypes binding: module list, open-key fractions, measured MACs, the
Figure-2 probe, the NL/CLNL memory limit and the search outcome."""
import acla
import pytest

ACLA = {"backbone": "edsr", "scale": 2, "blocks": 16, "features": 8, "seed": 3,
        "attention": {"kind": "acla", "positions": [2, 7, 9, 13, 15], "keys": 16}}


def _input(np, h=6, w=7, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, size=(1, 3, h, w)).astype(np.float32)


def test_modules_statistics_and_measured_macs(np):
    with acla.Model.create(ACLA) as m:
        modules = m.attention_modules
        assert [mod.position for mod in modules] == [2, 7, 9, 13, 15]
        assert modules[2].sources == [2, 7, 9] and modules[2].keys == 16
        with pytest.raises(acla.AclaError) as e:
            m.open_fraction(0)
        assert e.value.status == acla.ERR_STATE
        m.forward(_input(np))
        fractions = [m.open_fraction(i) for i in range(5)]
        assert all(0.5 < f <= 1.0 for f in fractions)
        with pytest.raises(acla.AclaError) as e:
            m.open_fraction(5)
        assert e.value.status == acla.ERR_INVALID_ARGUMENT
        with acla.Model.create(dict(ACLA, attention={"kind": "none"})) as plain:
            assert plain.attention_modules == []
            backbone = plain.macs(6, 7)
            with pytest.raises(acla.AclaError) as e:
                plain.measured_macs
            assert e.value.status == acla.ERR_STATE
        assert m.measured_macs == backbone + sum(m.attention_macs(i) for i in range(5))
        assert backbone < m.measured_macs <= m.macs(6, 7)


def test_probe_reports_ring_keys_with_uniform_weights(np):
    with acla.Model.create(ACLA) as m:
        m.set_probe(3, 4)
        m.forward(_input(np))
        keys = m.probe_keys(4)
        assert len(keys) == 80
        assert [k.source_layer for k in keys[::16]] == [2, 7, 9, 13, 15]
        assert (keys[0].y, keys[0].x) == (3.0, 5.0)
        opened = [k for k in keys if k.open]
        assert sum(k.weight for k in keys) == pytest.approx(1.0, abs=1e-5)
        assert all(k.weight == pytest.approx(1 / len(opened)) for k in opened)
        m.set_probe(None, None)
        m.forward(_input(np))
        assert m.probe_keys(4) == []


def test_clnl_memory_limit(np):
    config = {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8,
              "attention": {"kind": "clnl", "positions": [1, 2]}}
    with acla.Model.create(config) as m:
        m.set_attention_memory_limit(1000)
        with pytest.raises(acla.AclaError) as e:
            m.forward(_input(np))
        assert e.value.status == acla.ERR_OUT_OF_MEMORY and "1000 bytes" in e.value.message
        m.set_attention_memory_limit(2**63)
        m.forward(_input(np))
        keys = m.probe_keys(1)
        assert keys == []
        with pytest.raises(acla.AclaError):
            m.set_attention_memory_limit(0)


def test_search_positions_and_derived_network(np):
    config = {"backbone": "edsr", "scale": 2, "blocks": 4, "features": 8,
              "attention": {"kind": "acla", "positions": "all", "keys": 4}}
    with acla.Model.create(config) as net:
        assert net.search_positions == [1, 2, 3, 4]
        net.set_parameter("search.alpha", np.array([1, -1, 0.5, -2], dtype=np.float32))
        assert net.search_positions == [1, 3]
        rng = np.random.default_rng(1)
        for j in (1, 3):
            name = f"attention.{j}.out.weight"
            net.set_parameter(name, rng.uniform(-0.05, 0.05, size=net.parameter_shape(name)).astype(np.float32))
        x = _input(np)
        with net.derive() as derived:
            assert derived.config["attention"]["positions"] == [1, 3]
            assert derived.parameter_shape("attention.3.offset.weight") == (2 * 4 * 2, 8, 1, 1)
            assert np.abs(derived.forward(x) - net.forward(x)).max() < 1e-3
        with net.derive([]) as plain:
            assert plain.attention_modules == []
        with pytest.raises(acla.AclaError) as e:
            net.derive([3, 1])
        assert e.value.status == acla.ERR_INVALID_ARGUMENT
    with acla.Model.create(ACLA) as m:
        with pytest.raises(acla.AclaError) as e:
            m.search_positions
        assert e.value.status == acla.ERR_INVALID_ARGUMENT


def _cli():
    from pathlib import Path
    cli = Path(__file__).resolve().parents[2] / "build" / "bin" / "acla"
    if not cli.exists():
        pytest.skip(f"{cli} is not built (make build)")
    return cli


def _run(*args, ok=True):
    import subprocess
    r = subprocess.run([str(_cli()), *map(str, args)], capture_output=True, text=True)
    assert (r.returncode == 0) == ok, r.stdout + r.stderr
    return r


def test_cli_info_and_attention_commands(tmp_path, np):
    import json
    config = tmp_path / "acla.json"
    config.write_text(json.dumps(ACLA))
    out = _run("info", config, "--size", "6x7").stdout
    assert "open keys" in out and "9,13,15" not in out.split("open keys")[0]
    lines = [l for l in out.splitlines() if l.strip().startswith(("2 ", "7 ", "9 ", "13 ", "15 "))]
    assert [l.split()[0] for l in lines] == ["2", "7", "9", "13", "15"]
    assert lines[2].split()[2] == "2,7,9"
    x = tmp_path / "x.npy"
    np.save(x, _input(np)[0])
    out = _run("attention", config, "--input", x, "--probe", "3,4").stdout
    assert "probe keys of layer 15" in out and "measured MACs" in out
    assert "probe must be Y,X" in _run("attention", config, "--probe", "3", ok=False).stderr
