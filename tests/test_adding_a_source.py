"""Adding a source is: write its parser, register it. A toy source (notes of our own in
tests/fixtures/toy_source/) with its parser written here is picked up by the build, the
borrowed-text test and the data dictionary check, none of which is changed for it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pooch
import pytest
import yaml
from test_data_dictionary import undocumented
from test_no_borrowed_text import borrowed_runs, source_texts

from openness.data.build import BuildError, read_sources, source_tables, text_documents, verify_raw
from openness.data.registry import load_registry
from openness.data.sources import Frames, SourceParser

TOY = Path(__file__).parent / "fixtures" / "toy_source"


def notes(root: Path) -> pd.DataFrame:
    """One document per .txt file; its first line is the title."""
    files = sorted(root.glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in files]
    return pd.DataFrame({"doc_id": [f"toy-{path.stem}" for path in files], "source": "toy", "text": texts,
                         "title": [text.splitlines()[0] for text in texts], "flags": ""})


def note_table(frames: Frames) -> dict[str, pd.DataFrame]:
    return {"toy_notes.csv": frames["documents"][["doc_id", "title"]]}


PARSER = SourceParser(id="toy", frames=lambda root: {"documents": notes(root)}, records=("documents", "note"),
                      tables=note_table, texts=("documents.text",))


@pytest.fixture
def registered(tmp_path) -> tuple[Path, Path]:
    """(registry, mirror): the toy's files registered with their sha256, and a mirror holding raw/toy/."""
    raw = tmp_path / "mirror" / "raw"
    shutil.copytree(TOY, raw / "toy")
    files = [{"path": p.name, "sha256": pooch.file_hash(str(p)), "size": p.stat().st_size} for p in sorted(TOY.iterdir())]
    registry = tmp_path / "sources.yaml"
    registry.write_text(yaml.safe_dump({"sources": [{"id": "toy", "repo": None, "commit": None, "licence": "ours",
                                                     "citation": "test notes", "files": files}]}), encoding="utf-8")
    return registry, tmp_path / "mirror"


def test_the_build_reads_the_new_source(registered):
    registry, mirror = registered
    sources = load_registry(registry)
    frames = read_sources(verify_raw(sources, mirror / "raw"), sources, parsers=(PARSER,))
    assert text_documents(frames)["doc_id"].tolist() == ["toy-harbour-log", "toy-orchard-notes"]  # scored with the rest
    tables = source_tables(frames, sources, parsers=(PARSER,))
    assert tables["toy_notes.csv"]["title"].tolist() == ["Harbour log of the toy source", "Orchard notes of the toy source"]
    provenance = tables["sources.csv"].set_index("source").loc["toy"]
    assert (provenance["unit"], provenance["records"], provenance["files"], provenance["flagged"]) == ("note", 2, 2, 0)


def test_a_registered_source_without_a_parser_is_refused(registered):
    registry, mirror = registered
    sources = load_registry(registry)
    with pytest.raises(BuildError, match="source 'toy' of data/sources.yaml has no parser"):
        read_sources(verify_raw(sources, mirror / "raw"), sources, parsers=())


def test_the_borrowed_text_check_guards_the_new_source(registered, tmp_path):
    registry, mirror = registered
    texts = source_texts(mirror, parsers=(PARSER,), registry=registry)
    assert len(texts) == 2
    copied = "Our words. the ferry left at nine with forty bicycles two goats and a crate of lemons. Ours again."
    assert list(borrowed_runs({"copied.md": copied, "ours.md": "The ferry is late again today."}, texts)) == ["copied.md"]


def test_the_dictionary_check_asks_for_the_new_table(registered):
    registry, mirror = registered
    sources = load_registry(registry)
    frames = read_sources(verify_raw(sources, mirror / "raw"), sources, parsers=(PARSER,))
    columns = {name: list(table.columns) for name, table in source_tables(frames, sources, parsers=(PARSER,)).items()}
    readme = "# Data\n"
    assert "toy_notes.csv: no section '### toy_notes.csv'" in undocumented(readme, columns)
    readme += "\n### toy_notes.csv\nOne row per note.\n\ncolumn | description | source\n---|---|---\ndoc_id, title | id, first line | toy\n"
    assert not [problem for problem in undocumented(readme, columns) if problem.startswith("toy_notes.csv")]
