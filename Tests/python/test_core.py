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
