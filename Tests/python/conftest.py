import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python"))
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture
def np():
    return pytest.importorskip("numpy", reason="numpy is not installed")


@pytest.fixture
def shared_data():
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data is absent ({SHARED}); skipping the benchmark-data test")
    return SHARED
