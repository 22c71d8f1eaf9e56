"""Print the validation protocol's table (markdown): dev, gold2, grouped CV, leave-one-source-out
and check figures for the rubric, words alone and the combined stance model, and each stance
design's cross-validated figures, on the gold sentences and the second dev set (gold2) of a
mirror (a folder holding gold/ and raw/), or of data/raw when none is given.

    python scripts/validity_protocol.py /work/shared/data
"""
from __future__ import annotations

import sys
from pathlib import Path

from openness.analysis.protocol import metrics, run, stance_candidates, wide
from openness.data import gold2
from openness.data.sources import gold

if __name__ == "__main__":
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    root = mirror / "gold" if mirror is not None else None
    dev, check, second = gold.sentences(root, "dev"), gold.sentences(root, "check"), gold2.from_mirror(mirror)
    print("stance designs, macro-F1 on dev + gold2 (check unseen):")
    print(stance_candidates(dev, second).round(3).to_string(index=False))
    predictions, _ = run(dev, check, second)
    table = wide(metrics(predictions, {"dev": dev, "gold2": second, "check": check}))
    rows = [table.columns, ["---"] * table.shape[1], *table.itertuples(index=False)]
    print("\n".join("| " + " | ".join(map(str, row)) + " |" for row in rows))
