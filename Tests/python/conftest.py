import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python"))
SHARED = ROOT.parent / "shared" / "data"
CLI = ROOT / "build" / "bin" / "acla"


@pytest.fixture
def np():
    return pytest.importorskip("numpy", reason="numpy is not installed")


@pytest.fixture
def shared_data():
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data is absent ({SHARED}); skipping the benchmark-data test")
    return SHARED


@pytest.fixture
def cli():
    """Runs the built acla tool from the repository root; ok=False expects a failure. (test_cli
    and test_imaging keep their own, stricter variants.)"""
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built (make build)")

    def run(*args, ok=True):
        r = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, cwd=ROOT)
        assert (r.returncode == 0) == ok, r.stdout + r.stderr
        return r
    return run
