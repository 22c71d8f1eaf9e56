"""Refit the shipped stance model (openness/core/models/stance.json) on the gold dev and
check sentences of a mirror (a folder holding gold/), or of data/raw/gold when none is given.
Both files: the protocol's estimates were made before, with check held out. The model
learns from the sentences whose rubric cues are hit but take no side, so run it again after
any change to the rubric's cues (tests/test_stance_model.py fails until then); the same
rows and rubric give the same bytes.

    python scripts/fit_stance_model.py /work/shared/data
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from openness.core.stance_model import CLASSES, fit, write
from openness.data.sources import gold

if __name__ == "__main__":
    root = Path(sys.argv[1]) / "gold" if len(sys.argv) > 1 else None
    sentences = pd.concat([gold.sentences(root, "dev"), gold.sentences(root, "check")], ignore_index=True)
    model = fit(sentences["id"], sentences["text"], sentences["stance"])
    if model.classes != CLASSES:
        raise SystemExit(f"stance labels must be {', '.join(CLASSES)}; found {', '.join(model.classes)}")
    print(f"wrote {write(model)}")
