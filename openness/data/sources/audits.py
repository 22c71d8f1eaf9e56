"""The project's judged precision audits (data/validation/<corpus>-audit-<when>.csv, written
by `openness audit` and judged with the codebook): one row per drawn cue hit with its ids,
offsets, cue and verdict, never the sentence. Registered with checksums like every source,
so `audit_precision.csv` is rebuilt only from the sheets as judged. Beside them, the coded
samples of sentences (data/validation/<corpus>-coded.csv to write cues from, <corpus>-check.csv
held out, both drawn by `openness audit --sentences`; <corpus>-stance.csv held out, drawn
among sentences with a cue hit to measure stance; all coded with the codebook): ids, offsets
and codes, never the sentence; the build takes each sentence's text from the source and
measures the scorer against the codes (`validation_news.csv`)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness.analysis.audit import SHEET_COLUMNS, read_judged
from openness.analysis.coded import SHEET_COLUMNS as CODED_COLUMNS, check_codes
from openness.data.sources import SourceParser, source_root

SOURCE = "audits"


def sheets(root: Path | None = None) -> pd.DataFrame:
    """Every judged sheet of the folder, one row per judged hit, `audit` = the file's stem."""
    files = sorted(source_root(root, SOURCE).glob("*-audit-*.csv"))
    tables = [read_judged(path).assign(audit=path.stem) for path in files]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=[*SHEET_COLUMNS, "audit"])


def coded(root: Path | None = None) -> pd.DataFrame:
    """Every coded sheet of the folder (`*-coded.csv`, `*-check.csv`, `*-stance.csv`), one row
    per coded sentence, `sample` = the file's stem; `sentence` missing (<NA>) on the rows of
    sheets drawn before it was written."""
    tables = []
    folder = source_root(root, SOURCE)
    for path in sorted([*folder.glob("*-coded.csv"), *folder.glob("*-check.csv"), *folder.glob("*-stance.csv")]):
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
        check_codes(sheet, str(path))
        sheet = sheet.reindex(columns=CODED_COLUMNS, fill_value="")
        sentence = pd.to_numeric(sheet["sentence"].where(sheet["sentence"] != "")).astype("Int64")
        tables.append(sheet.astype({"item": "int64", "start": "int64", "end": "int64"})
                      .assign(sentence=sentence, sample=path.stem))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=[*CODED_COLUMNS, "sample"])


PARSER = SourceParser(id=SOURCE, frames=lambda root: {"sheets": sheets(root), "coded": coded(root)},
                      records=("sheets", "judged hit"))
