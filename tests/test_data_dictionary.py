"""The data dictionary (data/README.md) documents every committed table, every column of it,
and every registered source: the check reads the tables the build wrote and the one list of
sources (data/sources.yaml and the parsers of openness.data.catalogue), never a list of its own."""
from __future__ import annotations

import csv
import re

from openness import paths
from openness.data.catalogue import PARSERS
from openness.data.registry import load_registry

README = paths.DATA / "README.md"


def documented(readme: str) -> dict[str, set[str]]:
    """Table file name -> the columns its `### <name>.csv` section lists (first cell of each
    row of its `column | description | source` table; several columns may share a row)."""
    tables = {}
    for section in re.split(r"^### ", readme, flags=re.M)[1:]:
        name, _, body = section.partition("\n")
        rows = [line.split("|")[0] for line in body.splitlines() if "|" in line and not line.startswith("---")]
        tables[name.strip()] = {c.strip() for cell in rows[1:] for c in cell.split(",")}
    return tables


def undocumented(readme: str, tables: dict[str, list[str]]) -> list[str]:
    """What `tables` (file name -> columns) holds that the dictionary does not describe."""
    sections = documented(readme)
    problems = [f"{name}: no section '### {name}'" for name in sorted(set(tables) - set(sections))]
    problems += [f"{name}: column {column!r} not described" for name, columns in sorted(tables.items())
                 if name in sections for column in columns if column not in sections[name]]
    return problems


def listed_sources(readme: str) -> set[str]:
    """The source ids in the first column of the `## Sources` table."""
    part = readme.split("## Sources", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", part, flags=re.M))


def committed_tables() -> dict[str, list[str]]:
    tables = {}
    for path in sorted(paths.PROCESSED.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            tables[path.name] = next(csv.reader(handle))
    return tables


def test_every_committed_table_and_column_is_documented():
    tables = committed_tables()
    assert len(tables) >= 20
    assert undocumented(README.read_text(encoding="utf-8"), tables) == []


def test_every_registered_source_is_described_and_parsed():
    registered = set(load_registry())
    assert {parser.id for parser in PARSERS} == registered
    assert listed_sources(README.read_text(encoding="utf-8")) == registered


def test_the_check_finds_a_missing_section_and_a_missing_column():
    readme = "# Data\n\n### a.csv\nOne row.\n\ncolumn | description | source\n---|---|---\nx, y | both | us\n"
    assert undocumented(readme, {"a.csv": ["x", "y"]}) == []
    assert undocumented(readme, {"a.csv": ["x", "z"], "b.csv": ["x"]}) == [
        "b.csv: no section '### b.csv'", "a.csv: column 'z' not described"]
