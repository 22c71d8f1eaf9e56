"""Shared fixtures. Tests that need the raw mirror skip only when it is absent and
OPENNESS_REQUIRE_MIRROR is unset; .ci/run sets it, so there they fail instead."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from openness import paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder holding raw/<source>/ (../shared/data in CI)."""
    found = paths.mirror()
    if found is None:
        sibling = paths.ROOT.parent / "shared" / "data"
        found = sibling if (sibling / "raw").is_dir() else None
    if found is None or not (found / "raw").is_dir():
        if os.environ.get("OPENNESS_REQUIRE_MIRROR"):
            pytest.fail(f"OPENNESS_REQUIRE_MIRROR is set but no mirror was found (OPENNESS_MIRROR={found})")
        pytest.skip("raw-data mirror not available (set OPENNESS_MIRROR)")
    return found


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
