"""AIAAIC Repository incident list (Dec 2025 export) as one short document per incident.

The CSV (`forensic_agent/benchmark/data/AIAAIC Repository - Incidents.csv`) opens with a
title row, the column header ("AIAAIC ID#", "Headline", ...) and a sub-header naming the
harm columns; one row further down is blank. Rows with an id are incidents. Cells are read
with Python's csv module and stripped of surrounding whitespace (one developer cell ends in
a line break). One id, AIAAIC2094, has two rows; the rule: keep the row with the most
filled cells (ties: the first in the file) and set the others aside in `duplicates()` with
their reason, so rows read = incidents kept + rows set aside.

`documents(root=None)` columns:

| column | meaning |
|---|---|
| doc_id | AIAAIC id, e.g. AIAAIC2151 |
| source | "aiaaic" |
| text, title | the headline (one record has none: kept, flagged "empty text") |
| published | NaT: the export dates incidents only by year (see `year`) |
| year | first year in `Occurred` (Int64); NA when blank; "2023-2024" and "2022-" give the first year, flagged "year range" |
| occurred | `Occurred` as written |
| country, sector, deployers, developers, system, technology, purpose, news_trigger | the AIAAIC cells as written |
| labs | ';'-joined sorted lab ids that `openness.core.labs.find_labs` finds in `developers` (its separators vary: ';', ',', '/', 'and') |
| issues | the human-coded `Issue(s)`, split on ';' (and on ',' outside a "Fairness - race, gender"-style qualifier), whitespace collapsed, sorted, unique, ';'-joined; spelling as coded |
| url | the AIAAIC page (`Summary/links`) |
| csv_row | 1-based row number in the CSV (header rows included) |
| flags | ';'-joined: "empty text", "duplicate text" (headline shared with an earlier incident), "year range", "unreadable year", "duplicate id" (another row with this id was set aside); "" when none |
"""
from __future__ import annotations

import csv
import logging
import re
from pathlib import Path

import pandas as pd

from openness.core.labs import find_labs
from openness.data.sources import Frames, SourceParser, source_root
from openness.data.sources._text import text_flags

SOURCE = "aiaaic"
INCIDENTS_FILE = Path("forensic_agent/benchmark/data/AIAAIC Repository - Incidents.csv")
ID_HEADER = "AIAAIC ID#"
FIELDS = {  # output column -> CSV header
    "doc_id": ID_HEADER, "text": "Headline", "occurred": "Occurred", "country": "Country(ies)",
    "sector": "Sector(s)", "deployers": "Deployer(s)", "developers": "Developer(s)",
    "system": "System name(s)", "technology": "Technology(ies)", "purpose": "Purpose(s)",
    "news_trigger": "News trigger(s)", "issues": "Issue(s)", "url": "Summary/links",
}
_YEAR = re.compile(r"(\d{4})(\s*-\s*(?:\d{4})?)?")
_SPACES = re.compile(r"\s+")

log = logging.getLogger(__name__)


def normalise_issues(cell: str) -> str:
    """';'-joined sorted unique issue labels of one `Issue(s)` cell."""
    labels = set()
    for part in re.split(r"[;\n]", cell):
        pieces = [part] if " - " in part else part.split(",")
        labels.update(_SPACES.sub(" ", piece).strip() for piece in pieces)
    return ";".join(sorted(labels - {""}))


def parse_year(occurred: str) -> tuple[int | None, str]:
    """(first year or None, flag) of an `Occurred` cell."""
    if not occurred:
        return None, ""
    match = _YEAR.fullmatch(occurred)
    if match is None:
        return None, "unreadable year"
    return int(match.group(1)), "year range" if match.group(2) else ""


def _read_rows(path: Path) -> list[dict[str, str | int]]:
    """Incident rows as {output column: cell, csv_row, filled (non-empty cells of the whole row)}."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header_at = next((i for i, row in enumerate(rows) if row and row[0].strip() == ID_HEADER), None)
    if header_at is None:
        raise ValueError(f"{path}: no header row starting with {ID_HEADER!r}")
    header = [cell.strip() for cell in rows[header_at]]
    missing = [name for name in FIELDS.values() if name not in header]
    if missing:
        raise ValueError(f"{path}, row {header_at + 1}: header lacks column(s) {', '.join(missing)}")
    where = {column: header.index(name) for column, name in FIELDS.items()}
    records = []
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
        if not cells[where["doc_id"]]:
            if any(cells) and number > header_at + 2:  # the row after the header is its sub-header
                raise ValueError(f"{path}, row {number}: an incident row without an {ID_HEADER!r}")
            continue
        records.append({column: cells[i] for column, i in where.items()}
                       | {"csv_row": number, "filled": sum(map(bool, cells))})
    log.info("%s: %d CSV rows = %d header rows + %d incident rows + %d blank rows", path.name, len(rows),
             header_at + 2, len(records), len(rows) - header_at - 2 - len(records))
    return records


def _read(root: Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = source_root(root, SOURCE) / INCIDENTS_FILE
    records = _read_rows(path)
    table = pd.DataFrame(records)
    order = table.sort_values(["filled", "csv_row"], ascending=[False, True], kind="stable")
    set_aside = order.doc_id.duplicated()
    duplicates = order[set_aside].sort_values("csv_row")
    table = order[~set_aside].sort_values("csv_row").reset_index(drop=True)
    kept_row = table.set_index("doc_id").csv_row
    duplicates = pd.DataFrame({
        "doc_id": duplicates.doc_id, "csv_row": duplicates.csv_row,
        "kept_csv_row": duplicates.doc_id.map(kept_row), "filled": duplicates.filled,
        "reason": "duplicate id; the row of this id with more filled cells (or the earlier one) is kept",
    }).reset_index(drop=True)
    log.info("%s: %d incident rows = %d incidents kept + %d duplicate-id rows set aside",
             SOURCE, len(records), len(table), len(duplicates))
    return table, duplicates


def documents(root: Path | None = None) -> pd.DataFrame:
    """One row per AIAAIC incident (unique doc_id), in file order."""
    table, duplicates = _read(root)
    years = [parse_year(occurred) for occurred in table.occurred]
    out = pd.DataFrame({"doc_id": table.doc_id, "source": SOURCE, "text": table.text, "title": table.text,
                        "published": pd.Series(pd.NaT, index=table.index, dtype="datetime64[us]"),
                        "year": pd.array([year for year, _ in years], dtype="Int64")})
    for column in ("occurred", "country", "sector", "deployers", "developers"):
        out[column] = table[column]
    out["labs"] = [";".join(find_labs(developers)) for developers in table.developers]
    for column in ("system", "technology", "purpose", "news_trigger"):
        out[column] = table[column]
    out["issues"] = table.issues.map(normalise_issues)
    out["url"], out["csv_row"] = table.url, table.csv_row
    duplicate_id = out.doc_id.isin(duplicates.doc_id)
    out["flags"] = [";".join(flag for flag in (text, year, "duplicate id" if dup else "") if flag)
                    for text, (_, year), dup in zip(text_flags(out.text), years, duplicate_id)]
    log.info("%s: %d incidents flagged", SOURCE, (out["flags"] != "").sum())
    return out


def duplicates(root: Path | None = None) -> pd.DataFrame:
    """Rows set aside because their id was kept from another row: doc_id, csv_row, kept_csv_row,
    filled (non-empty cells in the row), reason."""
    return _read(root)[1]


INCIDENT_COLUMNS = ["doc_id", "year", "occurred", "country", "sector", "deployers", "developers", "labs",
                    "system", "technology", "issues", "flags"]


def tables(frames: Frames) -> dict[str, pd.DataFrame]:
    """The incidents' coded fields (no headline) and the rows set aside."""
    return {"aiaaic_incidents.csv": frames["documents"][INCIDENT_COLUMNS].sort_values("doc_id", ignore_index=True),
            "aiaaic_duplicates.csv": frames["duplicates"].sort_values(["doc_id", "csv_row"], ignore_index=True)}


PARSER = SourceParser(id=SOURCE, frames=lambda root: {"documents": documents(root), "duplicates": duplicates(root)},
                      records=("documents", "document"), tables=tables, texts=("documents.text",))
