"""Source parsers: one module per raw source, each returning tidy tables, and the two
things every parser does alike: find its raw folder and read a YAML file."""
from __future__ import annotations

from pathlib import Path
from typing import Any

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
