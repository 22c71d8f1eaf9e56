"""Helpers the text-source parsers share: reading a file as text the same way everywhere,
and the data-quality flags every text source gives its documents."""
from __future__ import annotations

from pathlib import Path

import pandas as pd


def read_text(path: Path) -> str:
    """File text with a UTF-8 BOM dropped and CRLF / CR line endings turned into LF."""
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def text_flags(texts: pd.Series) -> pd.Series:
    """'empty text' for blank texts, 'duplicate text' for a repeat of an earlier text."""
    empty = texts.str.strip() == ""
    duplicate = texts.duplicated() & ~empty
    return pd.Series(["empty text" if e else "duplicate text" if d else "" for e, d in zip(empty, duplicate)],
                     index=texts.index, dtype=str)
