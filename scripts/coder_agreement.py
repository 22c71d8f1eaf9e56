"""Print how well the gold2 coder agrees with the adjudicated gold codes: Krippendorff's alpha
per code on the dev sentences that coder coded blind (data/validation/gold-dev-recoded.csv),
against the gold dev codes of a mirror (a folder holding gold/), or of data/raw when none is given.

    python scripts/coder_agreement.py /work/shared/data
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from openness.data import gold2
from openness.data.sources import gold

if __name__ == "__main__":
    root = Path(sys.argv[1]) / "gold" if len(sys.argv) > 1 else None
    recoded = pd.read_csv(gold2.RECODED, dtype=str, keep_default_na=False)
    print(gold2.coder_agreement(gold.sentences(root, "dev"), recoded).round(3).to_string(index=False))
