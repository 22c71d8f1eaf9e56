"""Precision audit: a seeded random sample of cue hits for a person to judge, and the
precision of the judged hits per theme and per stance, with Wilson intervals.

`openness audit CORPUS -o sheet.csv --n 120 --seed 1` scores CORPUS (a registered text
source such as `news-scrape`, read by its parser, or a folder/CSV/JSONL/Parquet file as for
`openness score`) and writes the judging sheet: one row per drawn hit with its ids,
offsets, cue, theme and stance and an empty `verdict`. The sheet holds no text, so a judged
sheet can be committed (data/validation/); `--view FILE` also writes the same rows with the
sentence and the matched words for the judge, which must stay out of the repository
(write it under build/).

Verdicts, judged with the codebook (docs/codebook.md, which defines them too) on the sentence:
- `correct`: the sentence carries the cue's theme, and, for a cue with a stance, that stance;
- `wrong-stance`: the theme is right but the sentence does not take the cue's stance (only for
  a cue with a stance: a sheet judging a stance-0 hit `wrong-stance` is refused);
- `wrong-theme`: the sentence does not carry the cue's theme (the cue means something else);
- `boilerplate`: the sentence is not the article's text (menu, footer, sidebar, share
  links, author bio, tag list), whatever it says.

`openness precision SHEET...` prints the figures of judged sheets (`read_judged`, then
`precision_table`); the build gives them for every judged sheet of data/validation/
(`*-audit-*.csv`, read by openness.data.sources.audits) in `audit_precision.csv`. Per audit:
theme precision per theme and overall (a hit is right when its verdict is
`correct` or `wrong-stance`), stance precision per stance (+1, -1) and overall over the hits
whose cue has a stance (right only when `correct`), and the share of hits in boilerplate.
Intervals: Wilson score, 95% (statsmodels `proportion_confint`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from openness.vocab import THEMES

VERDICTS = ("correct", "wrong-stance", "wrong-theme", "boilerplate")
THEME_RIGHT = ("correct", "wrong-stance")
SHEET_COLUMNS = ["item", "doc_id", "sentence", "start", "end", "cue", "theme", "criterion", "stance", "negated",
                 "verdict"]
PRECISION_COLUMNS = ["audit", "measure", "class", "hits", "right", "estimate", "lo", "hi"]
ALL = "all"


class AuditError(ValueError):
    """A judged sheet that cannot be read; the message names the file, row and way out."""


def refuse_filled_sheet(path, codes: tuple[str, ...]) -> None:
    """Raise AuditError when `path` is a judged sheet (any `verdict` filled in), a coding
    sheet (no `verdict` column) with any of `codes` filled in, a file that cannot be read
    as a sheet at all (it may be one, saved oddly) or any other table: a new draw must not
    replace a person's verdicts, codes or data. A missing or empty file is no filled sheet.
    The separator is sniffed, so a sheet saved with ";" by a spreadsheet is read too."""
    try:
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise AuditError(f"{path} exists and cannot be read as a sheet ({error}); it may hold verdicts or codes: "
                         "write the new draw to another file (or move that one away first)") from error
    if not {"item", "doc_id"} <= set(sheet.columns):
        raise AuditError(f"{path} exists and is no sheet or view of `openness audit` (no item and doc_id columns): "
                         "write the new draw to another file (or move that one away first)")
    judged = ["verdict"] if "verdict" in sheet.columns else [column for column in codes if column in sheet.columns]
    filled = int(sheet[judged].ne("").any(axis=1).sum())
    if filled:
        raise AuditError(f"{path} already holds {filled} judged or coded rows: a new draw would replace them; "
                         "write it to another file (or move that one away first)")


def read_judged(path) -> pd.DataFrame:
    """A judged sheet, every row's verdict checked: a row left blank or a verdict mistyped
    would count as a wrong hit, and `wrong-stance` on a hit whose cue has stance 0 (it takes
    no side to be wrong about) is a slip for another verdict. A verdict is read in any case and
    without the spaces around it (a spreadsheet's `Correct `). The separator is sniffed, as
    `refuse_filled_sheet` sniffs it."""
    try:
        sheet = pd.read_csv(path, dtype={"doc_id": str, "cue": str, "theme": str, "verdict": str},
                            keep_default_na=False, sep=None, engine="python")
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise AuditError(f"{path}: cannot be read as a judged sheet ({error})") from None
    missing = [c for c in SHEET_COLUMNS if c not in sheet.columns]
    if missing:
        raise AuditError(f"{path}: missing column(s) {', '.join(missing)}; start from `openness audit`'s sheet")
    written = sheet["verdict"]
    sheet["verdict"] = written.str.strip().str.lower()
    blank = np.flatnonzero(sheet["verdict"].to_numpy() == "")
    if len(blank):
        raise AuditError(f"{path}, line {blank[0] + 2}: no verdict yet ({len(blank)} of {len(sheet)} rows unjudged); "
                         "judge every row, or delete the rows not judged")
    for row, (verdict, as_written) in enumerate(zip(sheet["verdict"], written), start=2):
        if verdict not in VERDICTS:
            raise AuditError(f"{path}, line {row}: verdict {as_written!r} is not one of {', '.join(VERDICTS)}")
    sideless = np.flatnonzero((sheet["verdict"] == "wrong-stance").to_numpy()
                              & (pd.to_numeric(sheet["stance"], errors="coerce") == 0).to_numpy())
    if len(sideless):
        hit = sheet.iloc[sideless[0]]
        raise AuditError(f"{path}, line {sideless[0] + 2}: item {hit['item']} (doc_id {hit['doc_id']!r}, cue "
                         f"{hit['cue']!r}) is judged wrong-stance, but its cue has stance 0 and takes no side "
                         f"({len(sideless)} such rows); judge it correct, wrong-theme or boilerplate")
    return sheet


def draw_sheet(evidence: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """`n` hits drawn without replacement (all of them when there are fewer), in draw order;
    the evidence is put in (doc_id, start, end, cue) order first, so the draw depends only on
    the hits and the seed."""
    ordered = evidence.sort_values(["doc_id", "start", "end", "cue"], ignore_index=True)
    drawn = np.random.default_rng(seed).choice(len(ordered), size=min(n, len(ordered)), replace=False)
    sheet = ordered.iloc[drawn].reset_index(drop=True)
    sheet.insert(0, "item", np.arange(1, len(sheet) + 1))
    return sheet.assign(verdict="")[SHEET_COLUMNS]


def judging_view(sheet: pd.DataFrame, sentences: pd.DataFrame, texts: pd.Series) -> pd.DataFrame:
    """The sheet with the matched words and the whole sentence of each hit: for the judge's
    eyes only, never to be committed (it is the sources' text)."""
    bounds = sentences.set_index(["doc_id", "sentence"])[["start", "end"]]
    where = bounds.loc[list(zip(sheet["doc_id"], sheet["sentence"]))].to_numpy()
    return sheet.assign(
        matched=[texts[d][s:e] for d, s, e in zip(sheet["doc_id"], sheet["start"], sheet["end"])],
        sentence_text=[texts[d][s:e] for d, (s, e) in zip(sheet["doc_id"], where)],
    )


def share_interval(k: int, n: int) -> tuple[float, float, float]:
    """The share k / n with its 95% Wilson interval (NaN for n = 0), the bounds exact at 0 and 1."""
    from statsmodels.stats.proportion import proportion_confint  # here: the CLI starts without statsmodels

    if n == 0:
        return np.nan, np.nan, np.nan
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return k / n, (0.0 if k == 0 else float(lo)), (1.0 if k == n else float(hi))  # not 1e-17 of float error


def _rate(audit: str, measure: str, label: str, right: pd.Series) -> dict:
    hits, k = len(right), int(right.sum())
    estimate, lo, hi = share_interval(k, hits)
    return {"audit": audit, "measure": measure, "class": label, "hits": hits, "right": k,
            "estimate": estimate, "lo": lo, "hi": hi}


def precision(sheet: pd.DataFrame, audit: str) -> pd.DataFrame:
    """Theme precision (per theme, all), stance precision (+1, -1, all) and boilerplate share of one judged sheet."""
    theme_right = sheet["verdict"].isin(THEME_RIGHT)
    rows = [_rate(audit, "theme precision", theme, theme_right[sheet["theme"] == theme]) for theme in THEMES]
    rows.append(_rate(audit, "theme precision", ALL, theme_right))
    stanced = sheet[sheet["stance"] != 0]
    for stance in (1, -1):
        rows.append(_rate(audit, "stance precision", f"{stance:+d}", stanced["verdict"][stanced["stance"] == stance] == "correct"))
    rows.append(_rate(audit, "stance precision", ALL, stanced["verdict"] == "correct"))
    rows.append(_rate(audit, "boilerplate share", ALL, sheet["verdict"] == "boilerplate"))
    return pd.DataFrame(rows, columns=PRECISION_COLUMNS)


def precision_table(sheets: pd.DataFrame) -> pd.DataFrame:
    """`precision` of every judged sheet in `sheets` (judged hits with their `audit`)."""
    tables = [precision(sheet, audit) for audit, sheet in sheets.groupby("audit", sort=True)]
    if not tables:
        return pd.DataFrame(columns=PRECISION_COLUMNS)
    return pd.concat(tables, ignore_index=True).astype({"hits": "int64", "right": "int64"})
