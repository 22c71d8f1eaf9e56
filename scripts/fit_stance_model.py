"""Refit the shipped stance model (openness/core/models/stance.json) on the gold dev and
check sentences and the second dev set (gold2: data/validation/gold2-*-coded.csv, text from
the NTIA comments and the newsletter) of a mirror (a folder holding gold/ and raw/), or of
data/raw when none is given. All of them: the protocol's estimates were made before, with
check held out. The model learns from the sentences whose rubric cues are hit but take no
side, so run it again after any change to the rubric's cues (tests/test_stance_model.py
fails until then); the same rows and rubric give the same bytes.

    python scripts/fit_stance_model.py /work/shared/data
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from openness.analysis.protocol import SHIPPED_STANCE, STANCE_CANDIDATES
from openness.core.stance_model import CLASSES, fit, write
from openness.data import gold2
from openness.data.sources import gold

if __name__ == "__main__":
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    root = mirror / "gold" if mirror is not None else None
    sentences = pd.concat([gold.sentences(root, "dev"), gold2.from_mirror(mirror), gold.sentences(root, "check")],
                          ignore_index=True)
    model = fit(sentences["id"], sentences["text"], sentences["stance"], **STANCE_CANDIDATES[SHIPPED_STANCE])
    if model.classes != CLASSES:
        raise SystemExit(f"stance labels must be {', '.join(CLASSES)}; found {', '.join(model.classes)}")
    print(f"wrote {write(model)}")
