"""No committed file under data/, notebooks/ or reports/ carries 12 or more consecutive words
of the raw sources' writing. The bibliographic columns of data/processed/documents.csv
(title, author, url) are the one exemption: they identify a document, they are not its text.
What counts as a source's writing is what its parser declares (`SourceParser.texts`), for
every source of openness.data.catalogue: a new source is guarded once it is registered.

Both sides are tokenised alike (lower-case \\w+ runs); every run of RUN words is hashed to a
64-bit integer, and a committed file fails when one of its hashes is among the sources'."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from openness import paths
from openness.data.catalogue import PARSERS
from openness.data.registry import REGISTRY, load_registry
from openness.data.sources import SourceParser

RUN = 12
SCANNED = ("data/", "notebooks/", "reports/")
EXEMPT_COLUMNS = {"data/processed/documents.csv": {"title", "author", "url"}}
_WORD = re.compile(r"\w+")
_PRIME = np.uint64(1099511628211)


class Vocabulary:
    """Words -> integer ids, shared by both sides so equal words get equal ids."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, text: str) -> np.ndarray:
        words = _WORD.findall(text.lower())
        return np.fromiter((self.ids.setdefault(w, len(self.ids) + 1) for w in words), dtype=np.uint64,
                           count=len(words))


def run_hashes(ids: np.ndarray, run: int = RUN) -> np.ndarray:
    """A hash of every `run` consecutive ids (polynomial, wrapping at 2**64)."""
    if len(ids) < run:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.zeros(len(ids) - run + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(run):
            hashes = hashes * _PRIME + ids[k:len(ids) - run + 1 + k]
    return hashes


def source_texts(mirror: Path, parsers: tuple[SourceParser, ...] = PARSERS, registry: Path = REGISTRY) -> list[str]:
    """Every piece of the sources' own writing, as each parser declares it, read from the mirror."""
    sources = load_registry(registry)
    texts = []
    for parser in parsers:
        source = sources[parser.id]
        folder = paths.ROOT / source.home if source.home is not None else source.in_mirror(mirror)
        frames = parser.frames(folder)
        for spec in parser.texts:  # "frame.column"; empty cells left out
            frame, column = spec.split(".", 1)
            texts += [v for v in frames[frame][column].tolist() if isinstance(v, str) and v]
    return texts


def committed_files() -> list[str]:
    """Tracked plus untracked, not ignored files under the scanned folders."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *SCANNED],
                            cwd=paths.ROOT, check=True, capture_output=True, text=True).stdout
    return sorted({line for line in listed.splitlines() if (paths.ROOT / line).is_file()})


def readable_text(path: Path, relative: str) -> str | None:
    """The text to check in a file: notebook strings, CSV cells minus exempt columns, else
    the file itself; None for a binary file."""
    data = path.read_bytes()
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix == ".ipynb":
        return "\n".join(_strings(json.loads(text)))
    if relative in EXEMPT_COLUMNS:
        rows = csv.DictReader(io.StringIO(text))
        keep = [c for c in rows.fieldnames or [] if c not in EXEMPT_COLUMNS[relative]]
        return "\n".join(" | ".join(row[c] for c in keep) for row in rows)
    return text


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    return []


def borrowed_runs(files: dict[str, str], sources: list[str], run: int = RUN) -> dict[str, str]:
    """File name -> the first borrowed run of `run` words it contains (files without one are left out)."""
    vocabulary = Vocabulary()
    known = np.unique(np.concatenate([run_hashes(vocabulary.encode(t), run) for t in sources if t]
                                     or [np.zeros(0, dtype=np.uint64)]))
    found = {}
    for name, text in files.items():
        hashes = run_hashes(vocabulary.encode(text), run)
        # a binary search in the sorted hashes: np.isin would sort all of them again for every file
        at = np.minimum(np.searchsorted(known, hashes), max(len(known) - 1, 0))
        hits = np.flatnonzero(known[at] == hashes) if len(known) else np.zeros(0, dtype=np.int64)
        if len(hits):
            words = _WORD.findall(text.lower())
            found[name] = " ".join(words[hits[0]:hits[0] + run])
    return found


@pytest.fixture(scope="module")
def sources(mirror: Path) -> list[str]:
    return source_texts(mirror)


def test_no_committed_file_holds_a_run_of_source_words(sources):
    files = {}
    for relative in committed_files():
        text = readable_text(paths.ROOT / relative, relative)
        if text is not None:
            files[relative] = text
    assert "data/processed/documents.csv" in files, "the processed tables are not in the repository"
    found = borrowed_runs(files, sources)
    assert not found, "source text copied into the repository (file: first run of words):\n" + \
        "\n".join(f"{name}: {words}" for name, words in found.items())


def test_the_detector_catches_a_planted_run_and_only_a_long_enough_one(sources, tmp_path):
    text = next(t for t in sources if len(_WORD.findall(t)) > 40)
    words = _WORD.findall(text)[20:20 + RUN]
    planted = tmp_path / "planted.md"
    planted.write_text("Our own words first. " + " ".join(words).upper() + " and ours after.", encoding="utf-8")
    short = "Our own words first. " + " ".join(words[:RUN - 1]) + " zzqx and ours after."
    found = borrowed_runs({"planted.md": readable_text(planted, "planted.md"), "short.md": short}, sources)
    assert list(found) == ["planted.md"]
    assert found["planted.md"] == " ".join(words).lower()


def test_exempt_columns_are_dropped_only_from_documents_csv(tmp_path):
    table = tmp_path / "documents.csv"
    table.write_text("doc_id,title,flags\nd1,A Title Of Ours,empty text\n", encoding="utf-8")
    assert "a title of ours" not in readable_text(table, "data/processed/documents.csv").lower()
    assert "A Title Of Ours" in readable_text(table, "data/processed/other.csv")
