"""The processed tables are reproducible: fetching the pinned sources from the mirror and
building gives byte for byte the committed data/processed/; changed raw files are refused."""
from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from openness import paths
from openness.data.build import BuildError, build
from openness.cli import main


@pytest.fixture(scope="module")
def raw(mirror: Path) -> Path:
    """The command a user runs: `openness data fetch --mirror DIR` into data/raw (git-ignored)."""
    assert main(["data", "fetch", "--mirror", str(mirror)]) == 0
    return paths.RAW


@pytest.fixture(scope="module")
def built(raw: Path, tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """`openness data build --out TMP`, from the freshly fetched data/raw."""
    out = tmp_path_factory.mktemp("build") / "processed"
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        assert main(["data", "build", "--out", str(out)]) == 0
    return out, pd.read_csv(io.StringIO(printed.getvalue()), sep=r"\s+")  # the table the command prints


def test_build_reproduces_the_committed_tables(built):
    out, summary = built
    committed = sorted(p.name for p in paths.PROCESSED.glob("*") if p.is_file())
    assert sorted(p.name for p in out.iterdir()) == committed == sorted(summary.table)
    differing = [name for name in committed if (out / name).read_bytes() != (paths.PROCESSED / name).read_bytes()]
    assert not differing, f"rebuilt tables differ from data/processed/: {differing}; run `openness data build`"
    assert list(out.parent.iterdir()) == [out]  # the staging folder is gone
    sizes = summary.set_index("table")
    assert sizes.loc["documents.csv", "bytes"] == (out / "documents.csv").stat().st_size
    assert sizes.loc["documents.csv", "rows"] == len(pd.read_csv(out / "documents.csv"))


def test_documents_carry_no_text_and_aiaaic_titles_are_empty(built):
    out, _ = built
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    assert not {"text", "subtitle", "headline"} & set(documents.columns)
    aiaaic = documents[documents.source == "aiaaic"]
    assert len(aiaaic) > 2000 and (aiaaic.title == "").all()
    assert (documents[documents.source == "interconnects"].title != "").all()
    assert documents.doc_id.is_unique and list(documents.doc_id) == sorted(documents.doc_id)
    sentences = pd.read_csv(out / "sentence_scores.csv", nrows=5)
    assert "text" not in sentences.columns and {"start", "end"} <= set(sentences.columns)


def test_counts_add_up_across_tables(built):
    out, _ = built
    documents = pd.read_csv(out / "documents.csv", dtype={"doc_id": str})
    sources = pd.read_csv(out / "sources.csv").set_index("source")
    per_source = documents.source.value_counts()
    for source in ("ntia-open-weights", "interconnects", "aiaaic", "seed"):
        assert sources.loc[source, "records"] == per_source[source]
    incidents = pd.read_csv(out / "aiaaic_incidents.csv")
    duplicates = pd.read_csv(out / "aiaaic_duplicates.csv")
    assert len(incidents) == per_source["aiaaic"] and set(duplicates.doc_id) <= set(incidents.doc_id)
    sentences = pd.read_csv(out / "sentence_scores.csv", usecols=["doc_id"])
    assert sentences.doc_id.value_counts().sum() == documents.n_sentences.sum()


def _corrupt_copy(raw: Path, tmp_path: Path) -> tuple[Path, Path]:
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    victim = next((copy / "seed").glob("*.txt"))
    with victim.open("ab") as handle:
        handle.write(b" ")
    return copy, victim


def _sentinel_out(tmp_path: Path) -> Path:
    out = tmp_path / "processed"
    out.mkdir()
    (out / "documents.csv").write_text("doc_id\nkept\n", encoding="utf-8")
    return out


def test_changed_raw_file_is_refused_and_out_is_untouched(raw, tmp_path):
    copy, victim = _corrupt_copy(raw, tmp_path)
    out = _sentinel_out(tmp_path)
    with pytest.raises(BuildError, match=r"sha256 differs.*openness data fetch") as error:
        build(out=out, raw=copy)
    assert str(victim) in str(error.value)
    assert [p.name for p in out.iterdir()] == ["documents.csv"]
    assert (out / "documents.csv").read_text(encoding="utf-8") == "doc_id\nkept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw"]


def test_unregistered_raw_file_is_refused(raw, tmp_path):
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    (copy / "seed" / "extra.txt").write_text("A document nobody registered.", encoding="utf-8")
    with pytest.raises(BuildError, match=r"extra\.txt: file not listed in data/sources\.yaml \(seed\)"):
        build(out=tmp_path / "processed", raw=copy)
    assert not (tmp_path / "processed").exists()
