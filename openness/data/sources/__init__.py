"""Source parsers: one module per registered source, each returning tidy tables and
declaring itself once as a `SourceParser` (its module's `PARSER`); and the two things every
parser does alike: find its raw folder and read a YAML file.

Adding a source: write its module here, ending in `PARSER = SourceParser(...)`, list the
module in `openness.data.catalogue`, and register its files in data/sources.yaml. The build,
tests/test_no_borrowed_text.py and the data dictionary check (tests/test_data_dictionary.py)
read the declarations; none of them names a source."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's fast loader where it is built in


def source_root(root: str | Path | None, source_id: str) -> Path:
    """`root` as given, or the folder where `openness data fetch` (or the mirror) put the source."""
    if root is not None:
        return Path(root)
    from openness.data.registry import source_dir  # only when needed: it brings the download machinery

    return source_dir(source_id)


def read_yaml(path: Path, error: type[Exception]) -> Any:
    """A source's YAML file, loaded safely; a file that cannot be read or parsed raises
    `error` naming the file (and the line, where YAML gives one)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"{path}: cannot read: {problem}") from problem
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        raise error(f"{path}:{where} invalid YAML: {getattr(problem, 'problem', problem)}") from problem


Frames = Mapping[str, pd.DataFrame]


def no_tables(frames: Frames) -> dict[str, pd.DataFrame]:
    """For a source whose frames feed other tables only."""
    return {}


@dataclass(frozen=True)
class SourceParser:
    """What one source yields, declared by its parser.

    - `id`: the source id of data/sources.yaml (where its files, licence and citation are);
    - `frames`: source folder -> every table the parser reads from it, by name; a frame named
      `documents` (doc_id, source, text, title, published, flags, ...) makes it a text source,
      scored with the others;
    - `tables`: frames -> the committed tables of data/processed/ taken straight from this
      source, by file name, sorted and with their columns in order;
    - `texts`: the source's own writing, as "frame.column" (what may never be committed);
    - `records`: the frame counted in processed/sources.csv, and what one row of it is."""

    id: str
    frames: Callable[[Path], dict[str, pd.DataFrame]]
    records: tuple[str, str]
    tables: Callable[[Frames], dict[str, pd.DataFrame]] = no_tables
    texts: tuple[str, ...] = ()
