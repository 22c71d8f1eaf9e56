"""Foundation Model Transparency Index (source id `fmti`): Stanford CRFM's 0/1 scores of
foundation model developers on 100 transparency indicators, three editions.

Where each edition's domain and subdomain come from (the score files differ):
- 2023-10 `October2023/October2023_scores.csv` carries Domain and Subdomain itself;
- 2024-05 `May2024/May2024_scores.csv` lists the 100 indicators of `fmti-indicators.csv` in
  the same order, a few renamed (e.g. "License"), so they are matched by position;
- 2025-12 `Dec2025/Dec2025_scores.csv` is matched by name to `Dec2025/Dec2025_indicators.csv`.
The 2023 and 2024 files end with a published `Total` row; `totals()` keeps it beside the
computed total so a mismatch is visible, and flags it. The 2023 `Total` column (developers
per indicator) is derived from the scores and not kept.

`scores()`, one row per edition x developer x indicator:

column | meaning
---|---
edition | 2023-10, 2024-05 or 2025-12
developer | developer as published in the score file's header
lab | lab ids (`openness.core.labs.find_labs`, or `LAB_OVERRIDES`), ';'-joined; '' if none
indicator_no | position of the indicator in the edition's score file (1-100)
indicator | indicator name as published (surrounding spaces trimmed)
domain, subdomain | the indicator's place in the edition's hierarchy ('' if unknown, flagged)
score | 1 = disclosed, 0 = not; any other value is kept (nullable integer) and flagged
flag_reason | why the row is odd ('' when it is not)

`totals()`, one row per edition x developer: edition, developer, lab, n_indicators, total
(sum of scores), published_total (the file's Total row; empty for 2025-12), flag_reason.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness.core.labs import find_labs
from openness.data.sources import Frames, SourceParser, source_root

SOURCE_ID = "fmti"
# edition -> (score file, indicator file or None when the score file has the hierarchy, join)
EDITIONS = {
    "2023-10": ("October2023/October2023_scores.csv", None, "own columns"),
    "2024-05": ("May2024/May2024_scores.csv", "fmti-indicators.csv", "position"),
    "2025-12": ("Dec2025/Dec2025_scores.csv", "Dec2025/Dec2025_indicators.csv", "name"),
}
HIERARCHY = ["Domain", "Subdomain", "Indicator"]
TOTAL_LABEL = "Total"
# Developers that alias matching cannot resolve: the May 2024 "BigCode" entry is the
# BigCode project of Hugging Face and ServiceNow (its report is filed under all three names).
# "Adept", "Inflection" and "Writer" alone are ordinary words, so the registry does not match them.
LAB_OVERRIDES: dict[str, str] = {
    "Adept": "adept", "BigCode": "huggingface;servicenow", "Inflection": "inflection", "Writer": "writer",
}
SCORE_COLUMNS = ["edition", "developer", "lab", "indicator_no", "indicator", "domain", "subdomain",
                 "score", "flag_reason"]
TOTAL_COLUMNS = ["edition", "developer", "lab", "n_indicators", "total", "published_total", "flag_reason"]


class FmtiError(ValueError):
    """A score or indicator file that does not have the expected shape; names file and fault."""


def scores(root: Path | None = None) -> pd.DataFrame:
    """Indicator-level scores of every developer in every edition (see module docstring)."""
    folder = source_root(root, SOURCE_ID)
    tables = [_edition_scores(folder, edition)[0] for edition in EDITIONS]
    return pd.concat(tables, ignore_index=True)[SCORE_COLUMNS]


def totals(root: Path | None = None) -> pd.DataFrame:
    """Total score per edition and developer, beside the total the edition published."""
    folder = source_root(root, SOURCE_ID)
    rows = []
    for edition in EDITIONS:
        table, published = _edition_scores(folder, edition)
        for developer, group in table.groupby("developer", sort=True):
            total = int(group["score"].sum())
            stated = published.get(developer, pd.NA)
            rows.append({
                "edition": edition, "developer": developer, "lab": group["lab"].iloc[0],
                "n_indicators": len(group), "total": total, "published_total": stated,
                "flag_reason": "" if pd.isna(stated) or stated == total
                else f"sum of indicator scores {total} differs from the published total {stated}",
            })
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS).astype({"published_total": "Int64"})


def lab_of(developer: str) -> str:
    """Lab ids of a developer name, ';'-joined ('' if none)."""
    return LAB_OVERRIDES.get(developer, ";".join(find_labs(developer)))


def _read_csv(path: Path) -> pd.DataFrame:
    try:  # utf-8-sig: some files start with a byte-order mark
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise FmtiError(f"{path}: cannot read as CSV: {error}") from error


def _edition_scores(folder: Path, edition: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """(long score table, published totals by developer) of one edition."""
    score_file, indicator_file, join = EDITIONS[edition]
    path = folder / score_file
    wide = _read_csv(path)
    if "Indicator" not in wide.columns:
        raise FmtiError(f"{path}: no 'Indicator' column (columns: {', '.join(wide.columns)})")
    wide["Indicator"] = wide["Indicator"].str.strip()
    is_total = wide["Indicator"] == TOTAL_LABEL
    developers = [c for c in wide.columns if c not in HIERARCHY and c != TOTAL_LABEL]
    published = {d: _integer(v) for d, v in wide.loc[is_total, developers].iloc[0].items()} if is_total.any() else {}
    wide = wide[~is_total].reset_index(drop=True)
    wide["indicator_no"] = range(1, len(wide) + 1)
    wide = _with_hierarchy(wide, folder, indicator_file, join, path)

    long = wide.melt(id_vars=["indicator_no", "Indicator", "Domain", "Subdomain", "hierarchy_flag"],
                     value_vars=developers, var_name="developer", value_name="raw")
    long["score"] = long["raw"].map(_integer).astype("Int64")
    bad_score = ~long["raw"].str.strip().isin(["0", "1"])
    score_flag = ("score " + long["raw"].map(repr) + " is not 0 or 1").where(bad_score, "")
    long["flag_reason"] = [("; ".join(f for f in flags if f)) for flags in zip(long["hierarchy_flag"], score_flag)]
    long["edition"] = edition
    long["lab"] = long["developer"].map({d: lab_of(d) for d in developers})
    long = long.rename(columns={"Indicator": "indicator", "Domain": "domain", "Subdomain": "subdomain"})
    return long.sort_values(["developer", "indicator_no"], ignore_index=True)[SCORE_COLUMNS], published


def _with_hierarchy(wide: pd.DataFrame, folder: Path, indicator_file: str | None, join: str,
                    path: Path) -> pd.DataFrame:
    """The score table with Domain, Subdomain (trimmed) and a flag where they are unknown."""
    if indicator_file is not None:
        ref_path = folder / indicator_file
        ref = _read_csv(ref_path)
        missing = [c for c in HIERARCHY if c not in ref.columns]
        if missing:
            raise FmtiError(f"{ref_path}: missing column(s) {', '.join(missing)}")
        ref = ref[HIERARCHY].apply(lambda column: column.str.strip())
        if join == "position":
            if len(ref) != len(wide):
                raise FmtiError(f"{path}: {len(wide)} indicators, but {ref_path} lists {len(ref)}; "
                                "they are matched by position, so the counts must agree")
            wide[["Domain", "Subdomain"]] = ref[["Domain", "Subdomain"]].to_numpy()
        else:
            ref = ref.drop_duplicates("Indicator")
            wide = wide.drop(columns=["Domain", "Subdomain"], errors="ignore").merge(
                ref, on="Indicator", how="left", validate="many_to_one")
    for column in ("Domain", "Subdomain"):
        if column not in wide.columns:
            raise FmtiError(f"{path}: no {column} column and no indicator file to take it from")
        wide[column] = wide[column].fillna("").str.strip()
    unknown = (wide["Domain"] == "") | (wide["Subdomain"] == "")
    wide["hierarchy_flag"] = pd.Series("", index=wide.index).mask(unknown, "domain or subdomain unknown")
    return wide


def _integer(value: str):
    """'1', '1.0' -> 1; anything else -> NA (the caller flags it)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return pd.NA
    return int(number) if number.is_integer() else pd.NA


def tables(frames: Frames) -> dict[str, pd.DataFrame]:
    return {"fmti_scores.csv": frames["scores"].sort_values(["edition", "developer", "indicator_no"], ignore_index=True),
            "fmti_totals.csv": frames["totals"].sort_values(["edition", "developer"], ignore_index=True)}


PARSER = SourceParser(id=SOURCE_ID, frames=lambda root: {"scores": scores(root), "totals": totals(root)},
                      records=("scores", "indicator score"), tables=tables)
