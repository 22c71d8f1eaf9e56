"""Our mapping of AIAAIC issues to the codebook's themes (data/mappings/, registered in
data/sources.yaml as `aiaaic-issue-themes`): `aiaaic_issue_themes.csv` gives each issue as
coded (qualifier after " - " dropped) its theme, empty when no theme of the codebook covers
it, and why; `aiaaic_issue_spellings.csv` maps labels of the export that are misspelt or
joined to the issues meant (';'-joined)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness.data.sources import SourceParser, source_root

SOURCE = "aiaaic-issue-themes"


def themes(root: Path | None = None) -> pd.DataFrame:
    """issue, theme ('' for none), why."""
    return pd.read_csv(source_root(root, SOURCE) / "aiaaic_issue_themes.csv", dtype=str, keep_default_na=False)


def spellings(root: Path | None = None) -> pd.DataFrame:
    """label, issues."""
    return pd.read_csv(source_root(root, SOURCE) / "aiaaic_issue_spellings.csv", dtype=str, keep_default_na=False)


PARSER = SourceParser(id=SOURCE, frames=lambda root: {"themes": themes(root), "spellings": spellings(root)},
                      records=("themes", "issue"))
