"""The library path (`openness.score` on a DataFrame, `openness.core.dask.score_dataframe`)
keeps or rejects rows by the rules of `read_corpus`, and hands the rejects back."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import openness
from openness.core.scoring import score_rows

GOOD = ["Meta released open weights for its model.", "The lab keeps its weights closed.",
        "Safety researchers asked for audits."]


def _hostile() -> pd.DataFrame:
    """Object dtype, as pandas 2 builds it from Python values: a repeated id, a missing id,
    a missing text, an integer text, an empty text, a repeated text, then good rows."""
    return pd.DataFrame({
        "doc_id": ["a", "a", None, "c", "d", "e", "f", "g"],
        "text": [GOOD[0], GOOD[1], GOOD[1], None, 42, "", GOOD[0], GOOD[2]],
    }, dtype=object)


EXPECTED_REJECTS = [
    ("row 1", "a", "duplicate id 'a' (first kept)"),
    ("row 2", "", "missing id"),
    ("row 3", "c", "missing text"),
    ("row 4", "d", "text is not a string (int)"),
    ("row 5", "e", "empty text"),
    ("row 6", "f", "duplicate text of doc_id 'a'"),
]


def test_score_rejects_what_read_corpus_rejects_and_says_so():
    frame = _hostile()
    with pytest.warns(openness.core.corpus.RejectsWarning, match=r"6 of 8 rows not scored .*see scores.rejects"):
        scores = openness.score(frame)
    assert scores.documents["doc_id"].tolist() == ["a", "g"]
    assert list(scores.rejects.itertuples(index=False, name=None)) == EXPECTED_REJECTS
    assert scores.rejects.equals(openness.read_corpus(frame, id="doc_id").rejects)
    assert "nan" not in scores.documents["doc_id"].tolist()


def test_good_input_scores_as_before_without_a_warning():
    frame = pd.DataFrame({"doc_id": ["x", "y", "z"], "text": GOOD})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = openness.score(frame)
    assert scores.rejects.empty
    pd.testing.assert_frame_equal(scores.documents, score_rows(frame).documents)
    assert scores.documents["transparency"].sum() > 0


def test_score_reads_a_frame_as_read_corpus_does():
    """No doc_id: ids as read_corpus guesses them (an id column, else row numbers); no text
    column: the error names the columns there are and how to pick one."""
    by_row = openness.score(pd.DataFrame({"text": GOOD, "date": ["2024-01-01"] * 3}))
    assert by_row.documents["doc_id"].tolist() == ["0", "1", "2"]
    assert by_row.documents["doc_id"].tolist() == openness.read_corpus(pd.DataFrame({"text": GOOD})).docs["doc_id"].tolist()
    assert openness.score(pd.DataFrame({"ID": ["x", "y", "z"], "text": GOOD})).documents["doc_id"].tolist() == ["x", "y", "z"]
    # score() takes no column names: the hint says the call that does
    with pytest.raises(ValueError, match=r"text column 'text' not found; available columns: body \(read it first to pick "
                                         r'one: openness.score\(openness.read_corpus\(\.\.\., text="\.\.\."\)\)\)$'):
        openness.score(pd.DataFrame({"body": GOOD}))


def test_score_reads_a_file_or_folder_as_read_corpus_does(tmp_path):
    """`openness.score("mine.csv")`, as `score_iter` and the command take a path (it was an
    AttributeError); its rejects located by file line and counted in the warning."""
    path = tmp_path / "mine.csv"
    pd.DataFrame({"id": ["x", "y", "z", "w"], "text": [*GOOD, ""]}).to_csv(path, index=False)
    with pytest.warns(openness.core.corpus.RejectsWarning, match=rf"1 of 4 rows not scored \(first: {path}:line 5, empty text\)"):
        scores = openness.score(path)
    expected = score_rows(pd.DataFrame({"doc_id": ["x", "y", "z"], "text": GOOD})).documents
    pd.testing.assert_frame_equal(scores.documents, expected)
    assert openness.score(str(path)).rejects["location"].tolist() == [f"{path}:line 5"]
    other = tmp_path / "other.csv"
    pd.DataFrame({"url": ["u"], "body": GOOD[:1]}).to_csv(other, index=False)
    with pytest.raises(ValueError, match=r"other.csv: text column 'text' not found; available columns: url, "
                                                   r"body \(read it first to pick one: .*read_corpus\(\.\.\., text="):
        openness.score(other)


def test_dask_rejects_what_read_corpus_rejects(dask_client):
    import dask.dataframe as dd

    from openness.core.dask import score_dataframe

    import dask

    # dask turns object columns into strings by default (42 -> "42") before any of our code
    # sees them; without that conversion the integer text reaches the rules
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.from_pandas(_hostile().rename(columns={"doc_id": "url", "text": "body"}), npartitions=1)
        documents = score_dataframe(frame, text="body", id="url").compute()
        rejects = score_dataframe(frame, text="body", id="url", table="rejects").compute()
    assert documents["doc_id"].tolist() == ["a", "g"]
    assert [(f"partition 0 {where}", doc_id, why) for where, doc_id, why in EXPECTED_REJECTS] == \
        list(rejects.itertuples(index=False, name=None))


def test_dask_locates_rejects_by_partition(dask_client):
    import dask.dataframe as dd

    from openness.core.dask import score_dataframe

    frame = pd.DataFrame({"doc_id": ["p", "q", "r", "s"], "text": [GOOD[0], None, GOOD[1], ""]}, dtype=object)
    rejects = score_dataframe(dd.from_pandas(frame, npartitions=2), table="rejects").compute()
    assert rejects["location"].tolist() == ["partition 0 row 1", "partition 1 row 1"]
    assert rejects["reason"].tolist() == ["missing text", "empty text"]


def test_dask_rejects_repeats_across_partitions_as_read_corpus_does_on_the_whole(dask_client):
    """Ids and texts repeated in other partitions, and a text whose first holder is rejected
    (so a later row keeps it): the rows kept and rejected, and why, are those of the whole."""
    import dask.dataframe as dd

    from openness.core.dask import score_dataframe

    other = "Other words about the lab."
    frame = pd.DataFrame({"doc_id": ["a", "b", "b", "c", "a", "d", "e", "f", "g"],
                          "text": [GOOD[0], GOOD[1], GOOD[0], GOOD[2], other, GOOD[1], None, other, other]}, dtype=object)
    whole = openness.read_corpus(frame, id="doc_id")
    with pytest.warns(UserWarning, match="5 of 9 rows not scored"):
        scores = openness.score(frame)
    assert whole.docs["doc_id"].tolist() == scores.documents["doc_id"].tolist() == ["a", "b", "c", "f"]
    for n_partitions in (2, 3):
        parts = dd.from_pandas(frame, npartitions=n_partitions)
        documents = score_dataframe(parts).compute()
        rejects = score_dataframe(parts, table="rejects").compute()
        assert documents["doc_id"].tolist() == ["a", "b", "c", "f"]
        # dask may hand text back as pyarrow strings (its convert-string option): values, not dtypes
        pd.testing.assert_frame_equal(documents.reset_index(drop=True), scores.documents, check_dtype=False)
        rows = [f"row {parts.divisions[int(part)] + int(row)}"
                for part, row in rejects["location"].str.extract(r"partition (\d+) row (\d+)").values]
        assert list(zip(rows, rejects["doc_id"], rejects["reason"])) == \
            list(whole.rejects.itertuples(index=False, name=None)), n_partitions
        assert len(documents) + len(rejects) == len(frame)
        assert rejects["location"].str.startswith("partition 0").sum() < len(rejects)  # repeats did cross


@pytest.fixture(scope="module")
def dask_client():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            yield client


def test_read_corpus_says_how_many_rows_it_rejected_and_the_first(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("id,text\na,One.\nb,\nc,One.\nd,Two.\n")
    with pytest.warns(openness.core.corpus.RejectsWarning) as caught:
        corpus = openness.read_corpus(path)
    caught = [w for w in caught if w.category is openness.core.corpus.RejectsWarning]
    assert [str(w.message) for w in caught] == [
        f"2 of 4 records rejected (first: {path}:line 3, empty text); see corpus.rejects"]
    assert caught[0].filename == __file__  # points at the caller's line
    assert issubclass(caught[0].category, UserWarning) and len(corpus.rejects) == 2


def test_iter_corpus_warns_once_after_the_last_chunk_with_the_count_over_all_chunks(tmp_path):
    from openness.core.corpus import RejectsWarning, iter_corpus

    path = tmp_path / "mine.csv"
    path.write_text("id,text\na,One.\nb,Two.\nc,Three.\na,Four.\nd,One.\ne,\n")
    with pytest.warns(RejectsWarning) as caught:
        sizes = [len(chunk.docs) for chunk in iter_corpus(path, chunksize=2)]
    assert sizes == [2, 1, 0]
    caught = [w for w in caught if w.category is RejectsWarning]
    assert [str(w.message) for w in caught] == [
        f"3 of 6 records rejected (first: {path}:line 5, duplicate id 'a' (first kept)); see corpus.rejects"]
    assert caught[0].filename == __file__


def test_good_input_and_the_score_paths_warn_no_more_than_before(tmp_path):
    """No warning for a clean file; `score_iter` hands the rejects over with each chunk, as
    before, without a warning; `openness.score(df)` keeps its one warning (not two)."""
    clean, bad = tmp_path / "clean.csv", tmp_path / "bad.csv"
    clean.write_text("id,text\na,One.\nb,Two.\n")
    bad.write_text("id,text\na,One.\nb,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        openness.read_corpus(clean)
        list(openness.core.corpus.iter_corpus(clean, chunksize=1))
        assert [len(scores.rejects) for scores in openness.score_iter(bad, chunksize=1)] == [0, 1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        openness.score(_hostile())
    assert [str(w.message).split(" (")[0] for w in caught] == ["6 of 8 rows not scored"]
