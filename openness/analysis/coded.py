"""A coded sample of a source's sentences, drawn the way the gold sentences were, and the
scorer's F1 against it: recall on news, which a precision audit of cue hits cannot give.

Drawing (`draw_coding_sheet`, `openness audit SOURCE --sentences`): from the scorer's sentence
table of the cleaned documents, `LEAN` of the `n` sentences are drawn among those naming a lab
of the lab registry or holding one of `KEYWORDS`, the rest among all sentences not drawn
yet. `KEYWORDS` is a short list of its own, not the rubric's cues, so the draw does not lean
on the cues being measured. A draw meant to code arguments for fitting (not to measure
recall) can lean on sentences with a cue hit instead (`--lean-on hits`), where the stance
model reads. Every draw is seeded. A sentence's offsets on the sheet point into
the page text as parsed (before boilerplate removal), so they stay valid when the removal
rules change; a sentence that cannot be found word for word in the parsed text (removal
joined words across a removed piece) is passed over. Beside them, `sentence` is the
sentence's index in the scorer's sentence table of the document as cleaned when drawn (the
`sentence` of `scores.sentences` and of the evidence, as on a hit-judging sheet): it joins a
sheet of a user's corpus to the scores, and may point elsewhere once removal rules change.
Sheets drawn before it was added have no `sentence` column and are read as they are. The
sheet holds ids, offsets and empty code columns, never the text; `coding_view` adds the text
for the coder (to keep under build/).

Coding, with docs/codebook.md on the sentence alone: `transparency`,
`safety`, `control` 0/1, `stance` pro_open / pro_closed / neutral, `labs` lab ids joined by
";" (`other` for a developer outside the list; empty for none).

Figures (`coded_figures`): every coded sentence scored as one document, as `openness score
--unit document` does with its defaults (stance from the shipped stance model), then per
theme precision, recall and F1 of presence, stance macro-F1 (also of the rubric's stance
alone) and lab-mention micro precision, recall and F1, each with a 95% bootstrap interval
over pages (sentences of one page are not independent).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from openness.analysis.agreement import agreement, micro_agreement
from openness.analysis.classify import THEME_LABELS, presence
from openness.core.scoring import score_rows
from openness.core.stance_model import StanceModel, with_model_stance
from openness.vocab import CODEBOOK_LABS, N_BOOT, SEED, STANCES, THEMES

LEAN = 0.6  # share of a draw taken among sentences naming a lab or an openness keyword, as for the gold
KEYWORDS = re.compile(
    r"\bopen[- ]?(?:source[sd]?|weights?|models?|science|data|release[sd]?)\b|\bopenness\b|\bopenly\b|"
    r"\bclosed\b|\bproprietary\b|\btransparen\w*|\bweights\b|\blicen[cs]\w*", re.IGNORECASE)
CODES = ["transparency", "safety", "control", "stance", "labs"]
OTHER_LAB = "other"  # a developer outside the codebook's list: coded, but not scored (as for the gold)
SHEET_COLUMNS = ["item", "doc_id", "sentence", "start", "end", "drawn", *CODES]
REQUIRED_COLUMNS = [column for column in SHEET_COLUMNS if column != "sentence"]  # sheets drawn before had none
LEANING, CUE_HIT, RANDOM = "lab or keyword", "cue hit", "random"
FIGURE_COLUMNS = ["task", "method", "metric", "estimate", "lo", "hi", "n", "positives"]


class CodedSheetError(ValueError):
    """A coded sheet that cannot be read; the message names the file, line and way out."""


def places(sentence: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of every place where `sentence`'s words stand in `text` separated only by
    white space, in order."""
    words = sentence.split()
    if not words:
        return []
    return [found.span() for found in re.finditer(r"\s+".join(map(re.escape, words)), text)]


def locate(sentence: str, start: int, text: str, parsed: str) -> tuple[int, int] | None:
    """(start, end) in `parsed` of the sentence at `start` of `text` (the same page, perhaps
    cleaned of boilerplate): the place of its words that comes as many places after the first
    as it does in `text`, so that a repeated sentence gets its own offsets. None when the two
    hold its words a different number of times (cleaning dropped a copy, in a teaser or a
    menu: which one is this sentence cannot be told), or not at all."""
    in_text, in_parsed = places(sentence, text), places(sentence, parsed)
    if not in_parsed or len(in_text) != len(in_parsed):
        return None
    return in_parsed[sum(place_start < start for place_start, _ in in_text)]


def sentence_text(parsed: str, start: int, end: int) -> str:
    """The sentence at `start:end` of the parsed page, white space collapsed (what the coder saw)."""
    return " ".join(parsed[start:end].split())


def draw_coding_sheet(sentences: pd.DataFrame, texts: pd.Series, parsed: pd.Series, n: int, seed: int,
                      lean_on: str = LEANING, lean: float = LEAN) -> pd.DataFrame:
    """`n` sentences (fewer if the source has fewer), a share `lean` of them among sentences
    with a lab mention (`labs` not empty) or a keyword (`lean_on` LEANING) or among sentences
    with a cue hit (`lean_on` CUE_HIT: where the stance model reads, to code arguments), the
    rest among all others; `sentences` is the scorer's sentence table of the cleaned `texts`
    (doc_id -> text), `parsed` the page text as parsed (doc_id -> text) into which the sheet's
    offsets point. Deterministic: sentences are put in (doc_id, sentence) order before the
    seeded shuffles."""
    if not 0 <= lean <= 1:
        raise ValueError(f"lean must be a share between 0 and 1, not {lean}")
    ordered = sentences.sort_values(["doc_id", "sentence"], ignore_index=True)
    spans = zip(ordered["doc_id"], ordered["start"], ordered["end"])
    sentence_texts = [texts[doc][start:end] for doc, start, end in spans]
    if lean_on == CUE_HIT:
        leaning = (ordered[list(THEMES)] > 0).any(axis=1).to_numpy()
    elif lean_on == LEANING:
        keyword = np.array([bool(KEYWORDS.search(text)) for text in sentence_texts], dtype=bool)
        leaning = (ordered["labs"].fillna("") != "").to_numpy() | keyword
    else:
        raise ValueError(f"lean_on must be {LEANING!r} or {CUE_HIT!r}, not {lean_on!r}")
    rng = np.random.default_rng(seed)
    n_leaning = round(n * lean)
    taken: dict[int, tuple[str, int, int]] = {}  # row of `ordered` -> (stratum, start, end)
    for stratum, want in ((lean_on, n_leaning), (RANDOM, n)):  # the second pass fills up to n in all
        pool = np.flatnonzero(leaning) if stratum == lean_on else np.arange(len(ordered))
        for row in rng.permutation(pool):
            if len(taken) >= want:
                break
            if row in taken:
                continue
            doc = ordered.at[row, "doc_id"]
            span = locate(sentence_texts[row], ordered.at[row, "start"], texts[doc], parsed[doc])
            if span is not None:
                taken[row] = (stratum, *span)
    sheet = pd.DataFrame([{"doc_id": ordered.at[row, "doc_id"], "sentence": ordered.at[row, "sentence"], "start": start,
                           "end": end, "drawn": stratum} for row, (stratum, start, end) in taken.items()],
                         columns=["doc_id", "sentence", "start", "end", "drawn"])
    sheet.insert(0, "item", np.arange(1, len(sheet) + 1))
    return sheet.assign(**{code: "" for code in CODES})[SHEET_COLUMNS]


def coding_view(sheet: pd.DataFrame, parsed: pd.Series, where: str = "sheet") -> pd.DataFrame:
    """The sheet with each sentence's text (for the coder's eyes, or the build's figures; never
    to be committed); a row whose page is not in `parsed` or whose offsets hold no words
    raises CodedSheetError naming `where` and the line."""
    texts = []
    for line, (doc, start, end) in enumerate(zip(sheet["doc_id"], sheet["start"], sheet["end"]), start=2):
        if doc not in parsed.index:
            raise CodedSheetError(f"{where}, line {line}: page {doc!r} is not in the source")
        texts.append(sentence_text(parsed[doc], int(start), int(end)))
        if not texts[-1]:
            raise CodedSheetError(f"{where}, line {line}: offsets {start}:{end} of {doc} hold no sentence")
    return sheet.assign(text=texts)


def check_codes(sheet: pd.DataFrame, where: str) -> None:
    """Raise CodedSheetError at the first row whose codes the codebook does not allow."""
    missing = [c for c in REQUIRED_COLUMNS if c not in sheet.columns]
    if missing:
        raise CodedSheetError(f"{where}: missing column(s) {', '.join(missing)}; start from `openness audit --sentences`")
    for line, row in enumerate(sheet.itertuples(index=False), start=2):
        index = str(getattr(row, "sentence", ""))  # none on a sheet drawn before the column
        if index and not (index.isascii() and index.isdigit()):
            raise CodedSheetError(f"{where}, line {line}: sentence {index!r} is not a sentence index (0, 1, ...)")
        for theme in THEMES:
            if str(getattr(row, theme)) not in ("0", "1"):
                raise CodedSheetError(f"{where}, line {line}: {theme} {getattr(row, theme)!r} is not 0 or 1")
        if row.stance not in STANCES:
            raise CodedSheetError(f"{where}, line {line}: stance {row.stance!r} is not one of {', '.join(STANCES)}")
        cell = str(row.labs)
        unknown = [lab for lab in (cell.split(";") if cell else []) if lab not in CODEBOOK_LABS | {OTHER_LAB}]
        if unknown:
            raise CodedSheetError(f"{where}, line {line}: labs {cell!r}: {unknown[0]!r} is not a lab id of the "
                                  "codebook (ids joined by ';', `other` for a developer outside the list)")


def _lab_set(cell) -> set[str]:
    return {lab for lab in str(cell).split(";") if lab}


def predictions(coded: pd.DataFrame, model: StanceModel | None = None) -> pd.DataFrame:
    """The scorer's codes of every coded sentence (`coded`: item and text), each scored as one
    document with the defaults of `openness score --unit document`: themes 0/1, `stance` from
    the stance model (`model`, default the shipped one), `rubric_stance` from the cues alone,
    `labs` the codebook's lab ids joined by ";"."""
    scores = score_rows(pd.DataFrame({"doc_id": [f"item-{i}" for i in coded["item"]], "text": coded["text"].to_numpy()}))
    documents = scores.documents
    return pd.DataFrame({
        **{theme: (documents[theme].to_numpy() > 0).astype(int) for theme in THEMES},
        "stance": with_model_stance(scores, model).documents["stance"].to_numpy(),
        "rubric_stance": documents["stance"].to_numpy(),
        "labs": [";".join(sorted(_lab_set(cell) & CODEBOOK_LABS)) for cell in documents["labs"].fillna("")],
    })


def figures(coded: pd.DataFrame, predicted: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """`predicted` (one row per row of `coded`, as `predictions` gives) against the codes: per
    theme precision, recall and F1 of presence; stance macro-F1 of `stance` (method `model`)
    and of `rubric_stance` (method `rubric`); lab micro precision, recall and F1. Intervals:
    bootstrap over pages (`coded.doc_id`). Columns `FIGURE_COLUMNS`; `positives` = coded
    sentences with the theme, with a stance other than neutral (stance), or lab ids of the
    codebook's list coded (labs; `other` is left out on both sides, as the gold protocol does)."""
    pages, n = coded["doc_id"].to_numpy(), len(coded)
    rows = []
    for theme in THEMES:
        table = agreement(presence(coded[theme].astype(int) > 0), presence(predicted[theme].astype(int) > 0),
                          THEME_LABELS, n_boot, seed, pages)
        present = table[table["class"] == "present"].set_index("metric")
        positives = int((coded[theme].astype(int) > 0).sum())
        rows += [(theme, "rubric", metric, *present.loc[metric, ["estimate", "lo", "hi"]], n, positives)
                 for metric in ("precision", "recall", "f1")]
    stanced = int((coded["stance"] != "neutral").sum())
    for method, column in (("model", "stance"), ("rubric", "rubric_stance")):
        table = agreement(coded["stance"], predicted[column], STANCES, n_boot, seed, pages)
        found = table[table["metric"] == "macro_f1"].iloc[0]
        rows.append(("stance", method, "macro_f1", found["estimate"], found["lo"], found["hi"], n, stanced))
    reference = [_lab_set(cell) & CODEBOOK_LABS for cell in coded["labs"]]
    table = micro_agreement(reference, [_lab_set(cell) for cell in predicted["labs"]], n_boot, seed, pages)
    table = table.set_index("metric")
    rows += [("labs", "rubric", metric, *table.loc[metric, ["estimate", "lo", "hi"]], n, sum(map(len, reference)))
             for metric in ("precision", "recall", "f1")]
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS).astype({"n": "int64", "positives": "int64"})


def coded_figures(coded: pd.DataFrame, model: StanceModel | None = None) -> pd.DataFrame:
    """`figures` of the scorer's `predictions` on the coded sentences."""
    return figures(coded, predictions(coded, model))
