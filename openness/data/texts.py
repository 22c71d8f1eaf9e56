"""The documents' own text, read from the raw sources at run time when they are on this
machine (`openness data fetch`, or OPENNESS_MIRROR). The committed tables hold offsets, not
text; the parsers are deterministic, so the offsets point into the text read here."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from openness.data.catalogue import PARSERS
from openness.data.registry import FetchError, source_dir

HOW_TO_GET_THEM = ("The sentences' text is not in the repository: run `openness data fetch` "
                   "(or set OPENNESS_MIRROR to a mirror) to show it here.")
TEXT_SOURCES = tuple(parser.id for parser in PARSERS if "documents.text" in parser.texts)


@lru_cache(maxsize=None)
def source_texts(source: str) -> pd.Series | None:
    """doc_id -> text of one text source, or None when its raw files are not here."""
    if source not in TEXT_SOURCES:
        raise KeyError(f"{source!r} is not a text source; text sources: {', '.join(TEXT_SOURCES)}")
    parser = next(p for p in PARSERS if p.id == source)
    try:
        folder = source_dir(source)
    except FetchError:
        return None
    documents = parser.frames(folder)["documents"]
    return pd.Series(documents["text"].to_numpy(), index=pd.Index(documents["doc_id"], name="doc_id"), dtype=object)

