"""Runs hostile cases in a child process: `python child.py LIBRARY GROUP [CASE ...]`.

The address space is limited first, so a case that would allocate absurdly dies (a failing
test) instead of swapping the machine. Each case prints START, then PASS or FAIL; a crash or
hang shows to the parent (test_hostile.py) as a START without result, and the last STEP
names the call.
"""
import os
import resource
import shutil
import sys
import tempfile
import traceback

ADDRESS_SPACE_LIMIT = 8 << 30


def main():
    library, group, *names = sys.argv[1:]
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import capi
    import harness
    import cases_core, cases_model, cases_checkpoint, cases_attention, cases_imaging, cases_files, cases_train, cases_restore  # noqa: F401 (register)
    import cases_reliability, cases_distributed  # noqa: F401 (register)
    lib = capi.load(library)
    lib.acla_set_num_threads(2)   # see SMALL_FOOTPRINT in test_hostile.py
    cases = harness.CASES[group]
    tmp = tempfile.mkdtemp(prefix="acla-hostile-")
    try:
        ctx_models = {}
        for name in names or list(cases):
            fn, _ = cases[name]
            harness.emit("START", name)
            ctx = harness.Ctx(lib, tmp, name)
            ctx._models = ctx_models
            try:
                fn(ctx)
            except AssertionError as e:
                harness.emit("FAIL", name, str(e).replace("\n", " "))
            except Exception:
                harness.emit("FAIL", name, traceback.format_exc().replace("\n", " | "))
            else:
                harness.emit("PASS", name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
