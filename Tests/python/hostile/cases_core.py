"""Hostile calls of the library functions (version, status text, errors, threads)."""
from harness import INT32_MAX, INT32_MIN, INVALID, case


@case("core", "acla_version_string", "acla_version_number", "acla_status_string", "acla_last_error_message")
def static_texts_for_any_input(ctx):
    lib = ctx.lib
    assert lib.acla_version_string().count(b".") == 2
    assert lib.acla_version_number() >= 100
    for code in (INT32_MIN, -1, 10, 255, INT32_MAX):
        ctx.step(f"status_string({code})")
        assert lib.acla_status_string(code) == b"unknown status code"
    texts = [lib.acla_status_string(code) for code in range(10)]
    assert all(texts) and len(set(texts)) == 10
    assert lib.acla_last_error_message() is not None


@case("core", "acla_set_num_threads", "acla_get_num_threads")
def thread_counts_out_of_range(ctx):
    lib = ctx.lib
    before = lib.acla_get_num_threads()
    for n in (0, -1, INT32_MIN, 4097, INT32_MAX):
        ctx.step(f"set_num_threads({n})")
        ctx.fails(lib.acla_set_num_threads(n), INVALID, str(n))
        assert lib.acla_get_num_threads() == before
    ctx.ok(lib.acla_set_num_threads(before))
