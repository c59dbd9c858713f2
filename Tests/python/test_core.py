import acla
import pytest


def test_version():
    assert acla.version() == "0.1.0"
    assert acla.version_number() == 100


def test_status_strings():
    assert acla.status_string(acla.OK) == "success"
    assert acla.status_string(acla.ERR_FORMAT) == "malformed file or data"
    assert acla.status_string(99) == "unknown status code"


def test_threads_round_trip():
    before = acla.get_num_threads()
    acla.set_num_threads(1)
    assert acla.get_num_threads() == 1
    acla.set_num_threads(before)
    assert acla.get_num_threads() == before


@pytest.mark.parametrize("bad", [0, -3, 2**40, "2", 1.5, True])
def test_bad_thread_count_raises(bad):
    with pytest.raises(acla.AclaError) as info:
        acla.set_num_threads(bad)
    assert info.value.status == acla.ERR_INVALID_ARGUMENT


def test_version_number_matches_string():
    major, minor, patch = (int(p) for p in acla.version().split("."))
    assert acla.version_number() == major * 10000 + minor * 100 + patch


def test_every_status_has_distinct_text():
    texts = [acla.status_string(s) for s in range(10)]
    assert all(texts) and len(set(texts)) == 10
    assert "unknown status code" not in texts
    assert acla.status_string(-1) == "unknown status code"


def test_error_message_names_the_value_and_clears_on_success():
    before = acla.get_num_threads()
    with pytest.raises(acla.AclaError) as info:
        acla.set_num_threads(0)
    assert "0" in info.value.message
    assert acla.library.acla_last_error_message().decode()  # still there until the next call
    acla.set_num_threads(before)
    assert acla.library.acla_last_error_message() == b""
    assert acla.get_num_threads() == before


def test_error_message_is_thread_local():
    import threading

    assert acla.library.acla_set_num_threads(-7) == acla.ERR_INVALID_ARGUMENT
    seen = {}

    def other():
        seen["before"] = acla.library.acla_last_error_message()
        seen["status"] = acla.library.acla_set_num_threads(-9)
        seen["after"] = acla.library.acla_last_error_message()

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen["before"] == b""
    assert seen["status"] == acla.ERR_INVALID_ARGUMENT and b"-9" in seen["after"]
    assert b"-7" in acla.library.acla_last_error_message()


def test_ctypes_wrapping_is_refused_not_wrapped():
    # 2**32 + 2 would wrap to 2 in a raw ctypes call; the binding must refuse it.
    before = acla.get_num_threads()
    with pytest.raises(acla.AclaError):
        acla.set_num_threads(2**32 + 2)
    assert acla.get_num_threads() == before


def test_max_threads_bounds_set_num_threads():
    cap = acla.get_max_threads()
    assert 1 <= cap <= 256
    before = acla.get_num_threads()
    assert before <= cap
    with pytest.raises(acla.AclaError) as info:
        acla.set_num_threads(cap + 1)
    assert info.value.status == acla.ERR_INVALID_ARGUMENT and str(cap) in str(info.value)
    assert acla.get_num_threads() == before


def test_bundled_catalog_and_load_default():
    catalog = acla.models_catalog()
    names = [m["name"] for m in catalog["models"]]
    assert "sr-x2" in names and catalog["directory"]
    m = acla.Model.load_default("sr-x2")
    assert m.config["scale"] == 2 and m.parameter_count > 0
    with pytest.raises(acla.AclaError) as info:
        acla.Model.load_default("no-such-model")
    assert info.value.status == acla.ERR_INVALID_ARGUMENT and "sr-x2" in str(info.value)
    with pytest.raises(acla.AclaError):
        acla.Model.load_default(None)


def test_bundled_models_are_found_when_the_library_was_opened_by_a_relative_path(tmp_path):
    """ctypes.CDLL("build/lib/libacla.so"): dladdr then names the library by that relative path,
    which once sent the lookup to the Python executable's folder."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    lib = Path(acla.library_path).resolve()
    env = {k: v for k, v in os.environ.items() if k != "ACLA_MODELS_DIR"}
    env.update(ACLA_LIBRARY=os.path.relpath(lib, tmp_path), PYTHONPATH=str(Path(acla.__file__).parents[1]))
    code = "import os, acla; os.chdir('/'); print(acla.Model.load_default('sr-x2').parameter_count)"
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and int(r.stdout) > 0, r.stderr


def test_memory_limit_refuses_a_forward_before_allocating():
    import os
    np = pytest.importorskip("numpy")
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGESIZE")
    assert acla.get_memory_limit() == physical
    m = acla.Model.create({"backbone": "edsr", "scale": 2, "blocks": 1, "features": 8})
    x = np.random.default_rng(5).uniform(0, 255, size=(3, 160, 120)).astype(np.float32)
    acla.set_memory_limit(1 << 20)
    try:
        with pytest.raises(acla.AclaError) as info:
            m.forward(x)
        assert info.value.status == acla.ERR_OUT_OF_MEMORY
        assert "estimated" in str(info.value) and "1048576 bytes" in str(info.value)
        with pytest.raises(acla.AclaError) as info:
            m.restore(np.zeros((160, 120, 3), np.uint8) + 7, tile=0)
        assert info.value.status == acla.ERR_OUT_OF_MEMORY and "windows" in str(info.value)
        assert m.restore(np.zeros((12, 10, 3), np.uint8) + 7, tile=0).shape == (24, 20, 3)
    finally:
        acla.set_memory_limit(0)
    assert acla.get_memory_limit() == physical
    assert m.forward(x).shape == (3, 320, 240)
    for bad in (-1, 2**64, "1", 1.5):
        with pytest.raises(acla.AclaError):
            acla.set_memory_limit(bad)
