"""NTIA open-weights comments (docket NTIA-2023-0009): the 52 full-text responses as documents.

Raw files: `texts/<docket id>.txt` (converted from PDF upstream) and `comment_metadata.json`
(286 commenters: name, docket id, is_org, alias). Who each of the 52 commenters is was
coded by us in `commenters.csv` beside this module, because the metadata calls every
commenter an organisation (also the one individual) and says nothing about its kind.

`documents(root=None)` columns:

| column | meaning |
|---|---|
| doc_id | docket id, e.g. NTIA-2023-0009-0158 |
| source | "ntia-open-weights" |
| text | the file text as is (PDF artefacts left to the sentence splitter), decoded as UTF-8 with a leading byte-order mark dropped and line endings normalised to "\\n" |
| title | the commenter's name (from the metadata) |
| published | 2024-03-27, the close of the comment period (the files carry no date of their own) |
| commenter | commenter name from comment_metadata.json |
| alias | short name from comment_metadata.json |
| is_org | organisation flag from comment_metadata.json (as given upstream) |
| commenter_type | our coding, one of COMMENTER_TYPES |
| lab | lab id (openness/core/labs.yaml) when the commenter is itself a lab, else "" |
| path | file path relative to the source folder |
| flags | ';'-joined data-quality flags ("empty text", "duplicate text"), "" when none |

Coding rule for `commenter_type`: lab = an organisation in our lab registry that trains
foundation models; company = any other firm; industry body = trade association or
industry consortium; investor = venture firm or accelerator; research/policy institute =
think tank or university centre whose main output is analysis; civil society = advocacy,
rights or community non-profit (incl. open-source stewards); individual = a person.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from openness.data.sources import SourceParser, source_root
from openness.data.sources._text import read_text, text_flags

SOURCE = "ntia-open-weights"
PUBLISHED = pd.Timestamp("2024-03-27")
COMMENTERS_FILE = Path(__file__).with_name("commenters.csv")
COMMENTER_TYPES = ("lab", "company", "industry body", "investor", "research/policy institute",
                   "civil society", "individual")

log = logging.getLogger(__name__)


def commenters(path: Path = COMMENTERS_FILE) -> pd.DataFrame:
    """Our coding of the 52 commenters (doc_id, commenter, commenter_type, lab), checked."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["doc_id", "commenter", "commenter_type", "lab"]
    if list(table.columns) != expected:
        raise ValueError(f"{path}: columns are {list(table.columns)}, expected {expected}")
    for row, entry in enumerate(table.itertuples(index=False), start=2):
        if entry.commenter_type not in COMMENTER_TYPES:
            raise ValueError(f"{path}, line {row} ({entry.doc_id}): commenter_type {entry.commenter_type!r} "
                             f"is not one of {', '.join(COMMENTER_TYPES)}")
        if (entry.commenter_type == "lab") != bool(entry.lab):
            raise ValueError(f"{path}, line {row} ({entry.doc_id}): a lab id is required exactly when "
                             f"commenter_type is 'lab' (got type {entry.commenter_type!r}, lab {entry.lab!r})")
    if table.doc_id.duplicated().any():
        raise ValueError(f"{path}: docket id(s) listed twice: {', '.join(table.doc_id[table.doc_id.duplicated()])}")
    return table


def documents(root: Path | None = None, commenters_file: Path = COMMENTERS_FILE) -> pd.DataFrame:
    """One row per comment text, joined to the upstream metadata and our commenter coding."""
    root = source_root(root, SOURCE)
    files = sorted((root / "texts").glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{root / 'texts'}: no comment texts (*.txt) found")
    metadata_path = root / "comment_metadata.json"
    metadata = {entry["ID"]: entry for entry in json.loads(metadata_path.read_text(encoding="utf-8"))}
    coding = commenters(commenters_file).set_index("doc_id")

    rows = []
    for path in files:
        doc_id = path.stem
        if doc_id not in metadata:
            raise ValueError(f"{path}: docket id {doc_id} is not listed in {metadata_path}")
        if doc_id not in coding.index:
            raise ValueError(f"{path}: docket id {doc_id} has no row in {commenters_file}")
        meta, ours = metadata[doc_id], coding.loc[doc_id]
        if ours.commenter != meta["Commenter"]:
            raise ValueError(f"{commenters_file} ({doc_id}): commenter {ours.commenter!r} differs from "
                             f"{meta['Commenter']!r} in {metadata_path}")
        rows.append({"doc_id": doc_id, "source": SOURCE, "text": read_text(path), "title": meta["Commenter"],
                     "published": PUBLISHED, "commenter": meta["Commenter"], "alias": meta["Alias"],
                     "is_org": bool(meta["is_org"]), "commenter_type": ours.commenter_type, "lab": ours.lab,
                     "path": path.relative_to(root).as_posix()})
    unused = sorted(set(coding.index) - {row["doc_id"] for row in rows})
    if unused:
        raise ValueError(f"{commenters_file}: docket id(s) without a text in {root / 'texts'}: {', '.join(unused)}")
    table = pd.DataFrame(rows)
    table["flags"] = text_flags(table.text)
    log.info("%s: %d documents read, %d flagged", SOURCE, len(table), (table["flags"] != "").sum())
    return table


PARSER = SourceParser(id=SOURCE, frames=lambda root: {"documents": documents(root)},
                      records=("documents", "document"), texts=("documents.text",))
