"""Corrections a reader makes in the explorer: a sentence (or one cue hit in it) marked as
scored wrongly, with the labels it should have had. Exported as CSV in the gold file's
format without the text (offsets instead, so no one's writing is copied), and read back as
extra labelled sentences for the validation protocol and the classifier
(`openness.analysis.validation.gold_tables`, `openness.analysis.classify`), with the text
cut from the parsed documents at the offsets.

Columns of the export: id, source, doc, start, end (the sentence in the parsed document),
transparency, safety, control (0/1), stance, labs (';'-joined lab ids) as in the gold files
(../shared/data/gold/README.md), then wrong (what was wrong: theme, stance, lab; ';'-joined)
and hit_start, hit_end, cue (the hit marked, empty for a whole sentence)."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from openness.core.io import write_csv
from openness.vocab import STANCES, THEMES

GOLD_COLUMNS = ["id", "source", "doc", "text", *THEMES, "stance", "labs"]
CORRECTION_COLUMNS = ["id", "source", "doc", "start", "end", *THEMES, "stance", "labs", "wrong",
                      "hit_start", "hit_end", "cue"]


class Corrections:
    """The marks made so far, one per sentence (a later mark of a sentence replaces it)."""

    def __init__(self) -> None:
        self._marks: dict[tuple[str, int], dict] = {}

    def __len__(self) -> int:
        return len(self._marks)

    def mark(self, sentence: pd.Series, evidence: pd.DataFrame, *, themes: dict[str, int] | None = None,
             stance: str | None = None, labs: list[str] | None = None, hit: int | None = None) -> dict:
        """Mark `sentence` (a row of `selection.Tables.sentences`, with `evidence` its hits)
        as wrong. `hit` (a row of `evidence`) says one hit is of the wrong theme: its theme
        stays present only if another hit of that theme remains. `themes`, `stance`, `labs`
        give the right labels where the scorer's were wrong. Returns the mark."""
        scored = {theme: int(sentence[theme] > 0) for theme in THEMES}
        right = dict(scored)
        hit_row = None
        if hit is not None:
            hit_row = evidence.loc[hit]
            others = evidence.drop(index=hit)
            right[hit_row["theme"]] = int((others["theme"] == hit_row["theme"]).any())
        for theme, value in (themes or {}).items():
            if theme not in THEMES or value not in (0, 1):
                raise ValueError(f"corrections: theme {theme!r} = {value!r}; themes are {list(THEMES)}, values 0 or 1")
            right[theme] = value
        if stance is not None and stance not in STANCES:
            raise ValueError(f"corrections: stance {stance!r} is not one of {list(STANCES)}")
        scored_labs = sorted(filter(None, str(sentence["labs"]).split(";")))
        right_labs = sorted(set(labs)) if labs is not None else scored_labs
        wrong = [what for what, differs in (("theme", right != scored),
                                            ("stance", stance is not None and stance != sentence["stance"]),
                                            ("lab", right_labs != scored_labs)) if differs]
        if not wrong:
            raise ValueError(f"corrections: sentence {sentence['sentence']} of {sentence['doc_id']!r}: "
                             "the labels given are the scorer's own; nothing to correct")
        key = (str(sentence["doc_id"]), int(sentence["sentence"]))
        mark = {"id": f"{key[0]}#{key[1]}", "source": sentence.get("source", ""), "doc": key[0],
                "start": int(sentence["start"]), "end": int(sentence["end"]), **right,
                "stance": stance if stance is not None else sentence["stance"], "labs": ";".join(right_labs),
                "wrong": ";".join(wrong),
                "hit_start": int(hit_row["start"]) if hit_row is not None else pd.NA,
                "hit_end": int(hit_row["end"]) if hit_row is not None else pd.NA,
                "cue": hit_row["cue"] if hit_row is not None else ""}
        self._marks[key] = mark
        return mark

    def forget(self, doc_id: str, sentence: int) -> None:
        self._marks.pop((doc_id, int(sentence)), None)

    def table(self) -> pd.DataFrame:
        """The marks in the export's columns, sorted by document and sentence start."""
        out = pd.DataFrame(list(self._marks.values()), columns=CORRECTION_COLUMNS)
        out = out.astype({"hit_start": "Int64", "hit_end": "Int64"})
        return out.sort_values(["doc", "start"], ignore_index=True)

    def export(self, path: str | os.PathLike) -> Path:
        """Write the marks as CSV (atomically), without any text."""
        return write_csv(self.table(), path)


def read_corrections(path: str | os.PathLike, texts: pd.Series) -> pd.DataFrame:
    """An exported corrections file as gold rows (GOLD_COLUMNS): the text of each sentence
    is cut from `texts` (doc_id -> the parsed document) at its offsets, with whitespace
    collapsed as in the gold files. A row that cannot be read raises one error naming the
    file, the row and the reason."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CORRECTION_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: not a corrections file: no column(s) {missing}")
    text = []
    for number, row in enumerate(table.itertuples(index=False), start=2):  # line 1 is the header
        where = f"{path}, line {number} (id {row.id!r})"
        if row.doc not in texts.index:
            raise ValueError(f"{where}: document {row.doc!r} is not among the texts given "
                             "(run `openness data fetch`, or set OPENNESS_MIRROR)")
        try:
            start, end = int(row.start), int(row.end)
        except ValueError:
            raise ValueError(f"{where}: start {row.start!r} and end {row.end!r} must be whole numbers") from None
        document = texts[row.doc]
        if not 0 <= start < end <= len(document):
            raise ValueError(f"{where}: offsets {start}-{end} lie outside document {row.doc!r} ({len(document)} chars)")
        bad = [t for t in THEMES if getattr(row, t) not in ("0", "1")] + (
            ["stance"] if row.stance not in STANCES else [])
        if bad:
            raise ValueError(f"{where}: {bad[0]} is {getattr(row, bad[0])!r}; themes are 0 or 1, "
                             f"stance one of {list(STANCES)}")
        text.append(" ".join(document[start:end].split()))
    return table.assign(text=text)[GOLD_COLUMNS]
