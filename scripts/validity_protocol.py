"""Print the validation protocol's table (markdown): dev, grouped CV, leave-one-source-out
and check figures for the rubric, words alone and the combined stance model, on the gold
sentences of a mirror (a folder holding gold/), or of data/raw/gold when none is given.

    python scripts/validity_protocol.py /work/shared/data
"""
from __future__ import annotations

import sys
from pathlib import Path

from openness.analysis.protocol import metrics, run, select_stance, wide
from openness.data.sources import gold

if __name__ == "__main__":
    root = Path(sys.argv[1]) / "gold" if len(sys.argv) > 1 else None
    dev, check = gold.sentences(root, "dev"), gold.sentences(root, "check")
    print(f"stance method chosen by grouped CV on dev: {select_stance(dev)}")
    predictions, _ = run(dev, check)
    table = wide(metrics(predictions, {"dev": dev, "check": check}))
    rows = [table.columns, ["---"] * table.shape[1], *table.itertuples(index=False)]
    print("\n".join("| " + " | ".join(map(str, row)) + " |" for row in rows))
