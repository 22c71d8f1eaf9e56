"""The project's gold coded sentences (`gold/` of the mirror, fetched into data/raw/gold/):
`dev.csv` for development and validation, `check.csv` held out. One row per sentence: id,
source, doc (its document), text, transparency, safety, control (0/1), stance, labs
(';'-joined codebook lab ids). Read as text, every row kept, as tests/test_gold.py reads it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness.data.sources import SourceParser, source_root

SOURCE = "gold"


def sentences(root: Path | None = None, part: str = "dev") -> pd.DataFrame:
    """The coded sentences of `part` (dev or check), all cells as text."""
    return pd.read_csv(source_root(root, SOURCE) / f"{part}.csv", dtype=str, keep_default_na=False)


PARSER = SourceParser(id=SOURCE, frames=lambda root: {part: sentences(root, part) for part in ("dev", "check")},
                      records=("dev", "coded sentence"), texts=("dev.text", "check.text"))
