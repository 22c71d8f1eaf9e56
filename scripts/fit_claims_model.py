"""Refit the shipped claims model (openness/analysis/claims_model.json) on the OSAI experts'
notes of a mirror (a folder holding raw/osai-index/), or of data/raw when none is given.

    python scripts/fit_claims_model.py /work/shared/data
"""
from __future__ import annotations

import sys
from pathlib import Path

from openness.analysis.claims_model import write_model
from openness.analysis.validation import osai_notes
from openness.data.sources import osai

if __name__ == "__main__":
    root = Path(sys.argv[1]) / "raw" / osai.SOURCE_ID if len(sys.argv) > 1 else None
    print(write_model(osai_notes(osai.ratings(root))))
