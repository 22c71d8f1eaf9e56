"""The second dev set: sentences of the NTIA comments and the newsletter drawn with new seeds
and coded blind with the gold codebook by one project coder (data/validation/gold2-*-coded.csv,
registered under `audits`), as rows shaped like the gold sentences (id, source, doc, text,
transparency, safety, control, stance, labs).

The sheets hold ids, offsets and codes only; each sentence's text is taken from its
source's documents as parsed (`documents().text`), into which the offsets point. Drawn
sentences that repeat a gold dev or check sentence were left out when the sheets were
drawn. The validation protocol fits and cross-validates on dev and these rows together.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness.analysis.coded import coding_view
from openness.data.sources import audits, interconnects, ntia

SHEETS = {"gold2-ntia-coded": ntia.SOURCE, "gold2-interconnects-coded": interconnects.SOURCE}  # sheet stem -> source
COLUMNS = ["id", "source", "doc", "text", "transparency", "safety", "control", "stance", "labs"]


def sentences(coded: pd.DataFrame, documents: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The gold2 rows of `coded` (the `audits` source's coded sheets) with their text from
    `documents` (source id -> its documents frame); id = "<sheet stem>-<item>"."""
    frames = []
    for stem, source in SHEETS.items():
        sheet = coded[coded["sample"] == stem]
        if sheet.empty:
            continue
        view = coding_view(sheet, documents[source].set_index("doc_id")["text"], f"data/validation/{stem}.csv")
        frames.append(view.assign(id=[f"{stem}-{item}" for item in view["item"]], source=source,
                                  doc=view["doc_id"]))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS].astype(str)


def from_mirror(mirror: Path | None = None) -> pd.DataFrame:
    """`sentences` with the sheets of data/validation and the sources' text from a mirror
    (a folder holding raw/), or where `openness data fetch` put them when None."""
    def raw(source: str) -> Path | None:
        return Path(mirror) / "raw" / source if mirror is not None else None

    documents = {ntia.SOURCE: ntia.documents(raw(ntia.SOURCE)),
                 interconnects.SOURCE: interconnects.documents(raw(interconnects.SOURCE))}
    return sentences(audits.coded(), documents)
