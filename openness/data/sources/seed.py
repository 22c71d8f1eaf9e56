"""The seed blog post supplied with the project brief (`seed/*.txt`), one document per file.

Title rule: the first non-empty line of at least three words that does not end in
sentence punctuation (. ! ? : ;), which skips a page's section label ("Blogs") and finds the
headline; "" when no line qualifies. The file carries no publication date, so `published`
is NaT.

`documents(root=None)` columns:

| column | meaning |
|---|---|
| doc_id | file stem, e.g. 000_27f1210e1c1ed5b0 |
| source | "seed" |
| text | the file text (UTF-8, BOM dropped, line endings normalised to "\\n") |
| title | by the rule above |
| published | NaT |
| path | file path relative to the source folder |
| flags | ';'-joined: "no title", "empty text", "duplicate text"; "" when none |
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness.data.sources import SourceParser, source_root
from openness.data.sources._text import read_text, text_flags

SOURCE = "seed"


def title_of(text: str) -> str:
    """The first line that reads as a headline (rule in the module docstring)."""
    for line in text.splitlines():
        line = line.strip()
        if len(line.split()) >= 3 and not line.endswith((".", "!", "?", ":", ";")):
            return line
    return ""


def documents(root: Path | None = None) -> pd.DataFrame:
    """One row per seed text file, sorted by file name."""
    root = source_root(root, SOURCE)
    files = sorted(root.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{root}: no seed texts (*.txt) found")
    texts = [read_text(path) for path in files]
    table = pd.DataFrame({
        "doc_id": [path.stem for path in files], "source": SOURCE, "text": texts,
        "title": [title_of(text) for text in texts],
        "published": pd.Series(pd.NaT, index=range(len(files)), dtype="datetime64[us]"),
        "path": [path.relative_to(root).as_posix() for path in files],
    })
    table["flags"] = [";".join(flag for flag in ("" if title else "no title", more) if flag)
                      for title, more in zip(table.title, text_flags(table.text))]
    return table


PARSER = SourceParser(id=SOURCE, frames=lambda root: {"documents": documents(root)},
                      records=("documents", "document"), texts=("documents.text",))
