"""Shared fixtures. Tests that need the raw mirror skip only when it is absent and
OPENNESS_REQUIRE_MIRROR is unset; .ci/run sets it, so there they fail instead."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from openness import paths

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config):
    """The tests look for the raw mirror in OPENNESS_MIRROR, else in ../shared/data beside the
    clone. The library, the commands and the notebooks they run look in OPENNESS_MIRROR alone,
    so a mirror found beside the clone is named there for them too (and for their subprocesses
    and kernels): `make test` then runs as CI does."""
    sibling = paths.ROOT.parent / "shared" / "data"
    if not os.environ.get("OPENNESS_MIRROR") and (sibling / "raw").is_dir():
        os.environ["OPENNESS_MIRROR"] = str(sibling)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder holding raw/<source>/ (../shared/data in CI; see pytest_configure)."""
    found = paths.mirror()
    if found is None or not (found / "raw").is_dir():
        if os.environ.get("OPENNESS_REQUIRE_MIRROR"):
            pytest.fail(f"OPENNESS_REQUIRE_MIRROR is set but no mirror was found (OPENNESS_MIRROR={found})")
        pytest.skip("raw-data mirror not available (set OPENNESS_MIRROR)")
    return found


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def gold_scored(mirror, tmp_path_factory) -> pd.DataFrame:
    """The labelled dev sentences scored through the command line with the rubric's stance,
    one sentence per document, joined to their gold labels (columns `<label>_gold` beside the scores)."""
    from openness.cli import main

    gold = pd.read_csv(mirror / "gold" / "dev.csv", dtype=str, keep_default_na=False)
    out = tmp_path_factory.mktemp("gold") / "dev-scores.csv"
    # the rubric's stance: the stance model was fitted on these sentences (openness.protocol has its estimates)
    assert main(["score", str(mirror / "gold" / "dev.csv"), "--id-column", "id", "--stance", "rubric", "--quiet",
                 "-o", str(out)]) == 0
    predicted = pd.read_csv(out, dtype={"doc_id": str, "labs": str}, keep_default_na=False)
    return gold.merge(predicted, left_on="id", right_on="doc_id", suffixes=("_gold", ""))
