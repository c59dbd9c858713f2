"""Hostile input at the C boundary: every function of include/acla.h called through raw ctypes
with NULL pointers, absurd sizes, short buffers, NaN, malformed JSON and files, and bad paths
must return its documented status with a message naming the value, never kill the process
(C-API.md section 1).

The cases live in Tests/python/hostile/ and run in child processes under an 8 GiB address-space
limit and a timeout, many per child; a crash or hang is reported as a failing case with the
call that caused it, and the remaining cases of its group still run.
"""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE / "hostile"))

import capi  # noqa: E402
import harness  # noqa: E402
import cases_core, cases_model, cases_checkpoint, cases_attention, cases_imaging, cases_files, cases_train, cases_restore  # noqa: E402,F401
import cases_reliability, cases_distributed  # noqa: E402,F401

# seconds for one child; every group normally needs one or two, 'limits' 5-8 (a forward on 40
# OpenMP threads). On a loaded 2-core machine that forward has hung: an OpenMP worker inside
# OpenBLAS's blas_memory_alloc, whose malloc of a new 128 MB buffer fails under the case's 16 MB
# address-space limit and is retried forever (OpenBLAS 0.3.21); open, see the closing note of
# 2026-12-07. 120 s keeps slowness apart from that hang.
GROUP_TIMEOUT = 120
# Every thread reserves address space (stack, malloc arena, OpenBLAS buffers; ~160 MB each), and
# libomp aborts when it cannot start one: keep the pools small so that the 8 GiB limit is about
# the library's allocations on any machine, however many cores it has.
SMALL_FOOTPRINT = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MALLOC_ARENA_MAX": "2"}


def library_path():
    env = os.environ.get("ACLA_LIBRARY")
    if env:
        return env
    for sub in ("build/lib/libacla.so", ".build/release/libacla.so", ".build/debug/libacla.so"):
        if (ROOT / sub).exists():
            return str(ROOT / sub)
    pytest.skip("libacla.so not built (set ACLA_LIBRARY)")


def run_group(group):
    """Runs every case of `group`; returns {case: None (passed) or a failure text}."""
    remaining = list(harness.CASES[group])
    results = {}
    while remaining:
        cmd = [sys.executable, str(HERE / "hostile" / "child.py"), library_path(), group, *remaining]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=GROUP_TIMEOUT,
                                  env={**os.environ, **SMALL_FOOTPRINT})
            stdout, stderr, death = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as e:
            stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            stderr = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
            death = f"no result within {GROUP_TIMEOUT} s (hang?)"
        running, step = None, None
        for line in stdout.splitlines():
            kind, name, text = (line.split("\t", 2) + ["", ""])[:3]
            if kind == "START":
                running, step = name, None
            elif kind == "STEP":
                step = text
            elif kind in ("PASS", "FAIL"):
                results[name] = None if kind == "PASS" else text
                running = None
        done = [n for n in remaining if n in results]
        if running is None and len(done) == len(remaining):
            break
        if running is None:   # died between cases: blame the next one so the loop advances
            running = next(n for n in remaining if n not in results)
        if isinstance(death, int) and death < 0:
            death = f"killed by {signal.Signals(-death).name}"
        elif isinstance(death, int):
            death = f"exit status {death}"
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        results[running] = f"CRASH ({death}) at step {step!r}; stderr: {tail}"
        remaining = [n for n in remaining if n not in results]
    return results


@pytest.mark.parametrize("group", sorted(harness.CASES))
def test_hostile_group(group):
    results = run_group(group)
    failures = {name: text for name, text in results.items() if text is not None}
    assert not failures, "\n".join(f"{name}: {text}" for name, text in sorted(failures.items()))


def test_every_declared_function_is_attacked():
    declared = capi.declared_functions((ROOT / "include" / "acla.h").read_text())
    assert len(declared) >= 50, f"header parse found only {sorted(declared)}"
    covered = set().union(*(covers for group in harness.CASES.values() for _, covers in group.values()))
    missing = declared - covered
    assert not missing, f"functions of acla.h without a hostile case: {sorted(missing)}"
    assert declared <= set(capi.PROTOTYPES), f"no prototype for {sorted(declared - set(capi.PROTOTYPES))}"
