"""Where things live: the project root and its data and figure folders, in one place."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
EXAMPLES = DATA / "examples"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
FIGURES = REPORTS / "figures"
RUBRICS = PACKAGE_DIR / "core" / "rubrics"
DEFAULT_RUBRIC = RUBRICS / "openness-v1.yaml"
LABS_FILE = PACKAGE_DIR / "core" / "labs.yaml"


def working_in(*folders: Path) -> bool:
    """Whether the current working directory is one of `folders` (symlinks resolved): the
    notebooks' default output folders depend on it, so that a notebook copied elsewhere does
    not write into the repository."""
    try:
        here = Path.cwd().resolve()
    except FileNotFoundError:  # the working directory was removed
        return False
    return any(here == Path(folder).resolve() for folder in folders)


def mirror() -> Path | None:
    """The local mirror named by OPENNESS_MIRROR (the folder that holds raw/<source>/), if any."""
    value = os.environ.get("OPENNESS_MIRROR")
    return Path(value).expanduser().resolve() if value else None
