"""The second dev set: sentences of the NTIA comments and the newsletter drawn with new seeds
(one sheet from the comments of safety-minded organisations, rich in arguments for closure)
and coded blind with the gold codebook by one project coder (data/validation/gold2-*-coded.csv,
registered under `audits`), as rows shaped like the gold sentences (id, source, doc, text,
transparency, safety, control, stance, labs).

The sheets hold ids, offsets and codes only; each sentence's text is taken from its
source's documents as parsed (`documents().text`), into which the offsets point. Drawn
sentences that repeat a gold dev or check sentence were left out when the sheets were
drawn. The validation protocol fits and cross-validates on dev and these rows together.

How far the project coders' codes can stand in for the adjudicated ones: two of them coded
119 dev sentences blind (data/validation/gold-dev-recoded.csv: dev ids and codes), and
`coder_agreement` compares them with the adjudicated dev codes.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness import paths
from openness.analysis.agreement import agreement
from openness.analysis.coded import coding_view
from openness.data.sources import audits, interconnects, ntia

PREFIX = "gold2-"  # data/validation/gold2-<name>-coded.csv: every such sheet belongs to the set
SOURCES = (ntia.SOURCE, interconnects.SOURCE)  # where the sheets' pages come from
COLUMNS = ["id", "source", "doc", "text", "transparency", "safety", "control", "stance", "labs"]
RECODED = paths.DATA / "validation" / "gold-dev-recoded.csv"  # dev sentences coded blind by gold2 coders
CODES = ["transparency", "safety", "control", "stance"]


def sentences(coded: pd.DataFrame, documents: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows of the gold2 sheets of `coded` (the `audits` source's coded sheets) with their
    text and source from `documents` (source id -> its documents frame, for `SOURCES`);
    id = "<sheet stem>-<item>"."""
    pages = pd.concat([frame.set_index("doc_id")["text"] for frame in documents.values()])
    source_of = pd.concat([frame.set_index("doc_id")["source"] for frame in documents.values()])
    frames = []
    for stem, sheet in coded[coded["sample"].str.startswith(PREFIX)].groupby("sample", sort=True):
        view = coding_view(sheet, pages, f"data/validation/{stem}.csv")
        frames.append(view.assign(id=[f"{stem}-{item}" for item in view["item"]], doc=view["doc_id"],
                                  source=source_of[view["doc_id"]].to_numpy()))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS].astype(str)


def from_mirror(mirror: Path | None = None) -> pd.DataFrame:
    """`sentences` with the sheets of data/validation and the sources' text from a mirror
    (a folder holding raw/), or where `openness data fetch` put them when None."""
    def raw(source: str) -> Path | None:
        return Path(mirror) / "raw" / source if mirror is not None else None

    return sentences(audits.coded(), {ntia.SOURCE: ntia.documents(raw(ntia.SOURCE)),
                                      interconnects.SOURCE: interconnects.documents(raw(interconnects.SOURCE))})


def coder_agreement(dev: pd.DataFrame, recoded: pd.DataFrame) -> pd.DataFrame:
    """Krippendorff's alpha of the recoded sentences' codes against the adjudicated dev codes,
    per code, with a bootstrap interval over documents: task, estimate, lo, hi, n."""
    unknown = sorted(set(recoded["id"]) - set(dev["id"]))
    if unknown:
        raise ValueError(f"{RECODED.name}: ids not in dev.csv: {', '.join(unknown[:5])}")
    both = recoded.merge(dev, on="id", suffixes=("_recoded", ""))
    rows = [agreement(both[code].astype(str), both[f"{code}_recoded"].astype(str), groups=both["doc"], task=code)
            .query("metric == 'krippendorff_alpha'") for code in CODES]
    return pd.concat(rows, ignore_index=True)[["task", "estimate", "lo", "hi", "n"]]
