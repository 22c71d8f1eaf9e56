"""The work of `openness claims`: claims found in a user's corpus, or the level each row of a
table states about its index dimension (`claims_model.levels`: the shipped model on the
rules' level and the words, or the rules alone), written with their rejects."""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from openness.analysis.claims import LEFT_OUT, UNDECIDED, claims_and_left_out, get_finder
from openness.analysis.claims_model import levels as note_levels
from openness.core.corpus import read_quietly, same_column, without_surrogates
from openness.core.io import RunSummary, plural
from openness.core.outputs import OutputGroup, check_outputs
from openness.core.readers import missing_column, read_table
from openness.core.rubric import Rubric
from openness.core.streaming import reading_notes

CLI_CLAIM_COLUMNS = ["doc_id", "sentence", "start", "end", "dimension", "level", "labs", "models", "cue"]
DIMENSION_COLUMNS = ["doc_id", "dimension", "level"]


def _dimension_key(name: str) -> str:
    """'Model card', 'model_card', 'model cards' and 'modelcard' name one dimension, and so do
    'Licence' and 'licenses': spreadsheets spell the index's field names as labels, in either
    number and either English."""
    key = re.sub(r"[\s_-]+", "", name).casefold().replace("licence", "license")
    return key.removesuffix("s")


def claims_to_csv(source, output: str | os.PathLike, text: str = "text", id: str | None = None,
                  dimension: str | None = None, rubric: Rubric | str | None = None,
                  method: str | None = None, encoding: str | None = None,
                  left_out: str | os.PathLike | None = None) -> RunSummary:
    """The `openness claims` command. With `dimension` (a column of index field names, in any
    case, singular or plural, with spaces, '_' or '-' between words: 'Model card' is `modelcard`,
    'Licence' is `licenses`): one row per
    input row, doc_id, dimension (the index's own name), level (open, partial, closed or
    `UNDECIDED`, which the summary counts) by `method` ("model", the default with the shipped
    rubric, or "rules", the default with another; see openness.analysis.claims_model);
    duplicate texts are kept, since one note can rate several dimensions. Without: one row per claim found (see
    `find_claims`), the summary counting the claims the rules left out by reason, which
    `left_out` (a path) also writes, each with its `reason`. Bad rows go to `<output
    stem>.rejects.csv`; all appear together, and a path that would destroy an input is refused
    first. `encoding` as for `read_corpus`."""
    if dimension is None and method is not None:  # it would change nothing: refused rather than ignored
        raise ValueError("--method rates texts on a given dimension: add --dimension-column")
    if dimension is not None and left_out is not None:
        raise ValueError("--left-out lists the claims found in free text that the rules left out; a text rated on "
                         "a given dimension always gets its level: drop --dimension-column or --left-out")
    check_outputs({"input": source, "rubric": rubric}, output=output, left_out=left_out)
    output = Path(output)
    details = ""  # after "N claim rows" in the summary
    if dimension is None:
        corpus = read_quietly(source, text=text, id=id, encoding=encoding)  # the summary counts the rejects
        table, dropped = claims_and_left_out(corpus, rubric)
        table, rejects, n_read = table[CLI_CLAIM_COLUMNS], corpus.rejects, corpus.n_read
        notes = reading_notes(source, encoding, corpus.flags)
        if len(dropped):
            counts = dropped["reason"].value_counts()
            details = " (left out: " + ", ".join(f"{counts[why]} {why}" for why in LEFT_OUT if why in counts) + ")"
    else:
        method = method or ("model" if rubric is None else "rules")
        table, rejects, n_read = _classify_table(source, text, id, dimension, rubric, method, encoding)
        dropped = None  # every row gets its level
        notes = reading_notes(source, encoding)
        details = f" ({(table['level'] == UNDECIDED).sum()} {UNDECIDED}, method {method})"
    with OutputGroup() as group:
        group.write_csv(table, output)
        if dropped is not None and left_out is not None:
            group.write_csv(dropped[[*CLI_CLAIM_COLUMNS, "reason"]], left_out)
        rejects_written = group.write_rejects(rejects, output)
    written = f"claim {plural('row', len(table))}{details}"
    return RunSummary(n_read, len(table), len(rejects), output, rejects_written, written,
                      "; ".join(notes) or None, (("claims left out", Path(left_out)),) if left_out is not None else ())


def _classify_table(source, text: str, id: str | None, dimension: str, rubric: Rubric | str | None,
                    method: str, encoding: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(levels, rejects, rows read) of a table with a text and a dimension column."""
    records, name = read_table(source, encoding)
    frame, _ = without_surrogates(records.frame, [])  # lone surrogates become U+FFFD, as read_quietly makes them
    text = same_column([str(column) for column in frame.columns], text)  # `Text` too, as read_corpus finds it
    for column, role in ((text, "text"), (dimension, "dimension"), (id, "id")):
        if column is not None and column not in frame.columns:
            raise missing_column(name, column, role, frame.columns)
    finder = get_finder(rubric)
    ids = pd.Series([str(i) for i in range(len(frame))]) if id is None else \
        frame[id].map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)).reset_index(drop=True)
    known = {_dimension_key(name): name for name in finder.family_of}
    dims = frame[dimension].map(lambda v: known.get(_dimension_key(v), v.strip()) if isinstance(v, str) else v
                                ).reset_index(drop=True)
    texts = frame[text].reset_index(drop=True)
    reason = pd.Series("", index=frame.index)
    reason[~dims.isin(list(finder.family_of))] = "dimension " + dims.astype(str).map(repr) + \
        f" is not one of {', '.join(finder.family_of)}"
    reason[texts.map(lambda v: v is not None and not isinstance(v, str) and not pd.isna(v))] = "text is not a string"
    reason[ids == ""] = "missing id"
    if records.reasons is not None:  # a line the reader could not take: its reason first
        reason[records.reasons.notna()] = records.reasons
    kept = reason == ""
    levels = note_levels([t if isinstance(t, str) else "" for t in texts[kept]], dims[kept].tolist(), method, rubric) \
        if kept.any() else []  # every row rejected: nothing to classify (the model needs one row at least)
    table = pd.DataFrame({"doc_id": ids[kept], "dimension": dims[kept], "level": levels}, columns=DIMENSION_COLUMNS)
    rejects = pd.DataFrame({"location": records.where(np.flatnonzero(~kept.to_numpy()).tolist()),
                            "doc_id": ids[~kept].to_numpy(), "reason": reason[~kept].to_numpy()})
    return table.reset_index(drop=True), rejects.reset_index(drop=True), len(frame)
