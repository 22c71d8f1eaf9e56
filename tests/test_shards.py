"""Parallel workers each read only their own chunks of a file: CSV files are cut at record
boundaries without parsing (`openness.core.shards`), and what each chunk kept travels to the other
workers for the duplicate checks. Whatever the number of workers, the outputs are the same."""
import io
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness.core.corpus import CorpusError
from openness.core.shards import plan_csv
from openness.core.streaming import score_to_csv

OPTIONS = dict(dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _parts(path, plan) -> list[pd.DataFrame]:
    return [pd.read_csv(io.BytesIO(plan.read(path, index)), **OPTIONS) for index in range(len(plan.chunks))]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    texts=st.lists(st.text(alphabet='ab ,."\n\r\té…', max_size=12), min_size=1, max_size=25),
    chunksize=st.integers(1, 6),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_chunks_hold_whole_records_as_the_parser_reads_them(tmp_path_factory, texts, chunksize, line_end, bom):
    path = tmp_path_factory.mktemp("plan") / "corpus.csv"
    csv = pd.DataFrame({"id": [f"d{i}" for i in range(len(texts))], "text": texts}).to_csv(index=False, lineterminator=line_end)
    path.write_bytes(("\ufeff" if bom else "").encode() + csv.encode())
    whole = pd.read_csv(path, **OPTIONS)
    plan = plan_csv(path, chunksize, block=7)  # tiny blocks: records and quotes cross them
    if re.search("\r(?!\n)", csv):
        assert plan is None  # a carriage return of its own may end a record for pandas: not cut
        return
    assert plan is not None
    parts = _parts(path, plan)
    assert [len(part) for part in parts] == [min(chunksize, len(texts) - start) for start in range(0, len(texts), chunksize)]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)


def test_blank_lines_are_not_records_but_blank_lines_inside_quotes_are_text(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b'id,text\n\na,one\n  \t\nb,"two\n\n lines"\nc,three\n\n')
    plan = plan_csv(path, 2)
    # records: a (line 3), b (lines 5-7), c (line 8); chunk 0 = a and b, chunk 1 = c with the trailing blank line
    assert plan.header_end == len(b"id,text\n\n")
    assert [path.read_bytes()[start:end] for start, end in plan.chunks] == [
        b'a,one\n  \t\nb,"two\n\n lines"\n', b"c,three\n\n"]
    assert [part["text"].tolist() for part in _parts(path, plan)] == [["one", "two\n\n lines"], ["three"]]


@pytest.mark.parametrize("content", [
    b'id,text\na,5" tall\nb,fine\n',  # a quote inside an unquoted field is text for pandas
    b'id,text\na,"quoted" then more\nb,fine\n',  # text after a closing quote
    b"id,text\ra,old Mac line ends\rb,fine\r",  # carriage returns alone
    b'id,text\na,"never closed\nb,fine\n',
    b"id,text\n",  # a header without rows
])
def test_files_that_cannot_be_cut_without_parsing_are_not_cut(tmp_path, content):
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    assert plan_csv(path, 1) is None


def _run(source, tmp_path, n_jobs: int, **options) -> tuple[bytes, bytes, bytes]:
    out = tmp_path / f"scores-{n_jobs}.csv"
    summary = score_to_csv(source, out, evidence=tmp_path / f"hits-{n_jobs}.csv", chunksize=2, n_jobs=n_jobs,
                           progress=False, **options)
    assert summary.n_read == summary.n_written + summary.n_rejected
    return out.read_bytes(), (tmp_path / f"hits-{n_jobs}.csv").read_bytes(), summary.rejects.read_bytes()


# duplicates whose first copy lies in a chunk the other worker reads (chunks of two rows)
ROWS = [
    ("a", "Meta released open weights. The regulators said so."),
    ("b", "OpenAI keeps its model closed."),
    ("c", "Anthropic publishes a safety report."),
    ("a", "A repeated id, in the second worker's chunk."),
    ("d", "OpenAI keeps its model closed."),
    ("e", ""),
    ("f", "Mistral, \"in quotes\", shares weights,\nover two lines."),
    ("g", "Meta released open weights. The regulators said so."),
    ("h", "xAI opened Grok."),
]


@pytest.mark.parametrize("layout", ["csv", "csv that cannot be cut", "jsonl", "parquet"])
def test_two_workers_write_what_one_writes_rejects_included(tmp_path, layout):
    frame = pd.DataFrame(ROWS, columns=["id", "text"])
    if layout == "csv that cannot be cut":
        frame.loc[len(frame)] = ["i", "plain"]
        source = tmp_path / "corpus.csv"
        source.write_text(frame.to_csv(index=False) + 'j,5" tall\n')
    elif layout == "csv":
        source = tmp_path / "corpus.csv"
        frame.to_csv(source, index=False)
    elif layout == "jsonl":
        source = tmp_path / "corpus.jsonl"
        frame.to_json(source, orient="records", lines=True)
    else:
        source = tmp_path / "corpus.parquet"
        frame.to_parquet(source, row_group_size=3)
    one, two = _run(source, tmp_path, 1, id="id"), _run(source, tmp_path, 2, id="id")
    assert one == two
    rejects = pd.read_csv(io.BytesIO(one[2]), keep_default_na=False)
    assert rejects["doc_id"].tolist() == ["a", "d", "e", "g"]
    assert rejects["reason"].tolist() == ["duplicate id 'a' (first kept)", "duplicate text of doc_id 'b'",
                                          "empty text", "duplicate text of doc_id 'a'"]


def _errors(source, tmp_path) -> list[str]:
    """The CorpusError messages of one and of two workers reading `source`."""
    messages = []
    for n_jobs in (1, 2):
        with pytest.raises(CorpusError) as error:
            _run(source, tmp_path, n_jobs, id="id")
        messages.append(str(error.value))
    return messages


def test_a_broken_row_in_another_workers_chunk_gives_the_one_process_error(tmp_path):
    source = tmp_path / "broken.csv"
    source.write_text("id,text\na,one\nb,two\nc,three\nd,four,extra\ne,five\nf,six\n")  # chunk 2 waits on chunk 1
    one, two = _errors(source, tmp_path)
    assert one == two and "line 5: expected 2 fields, saw 3" in one


def test_jsonl_keys_are_checked_on_the_first_chunk_with_a_record_whichever_worker_reads_it(tmp_path):
    source = tmp_path / "keys.jsonl"
    # chunk 0: two lines that are not JSON objects; chunk 1: the first records, without "text"
    source.write_text('[1]\n"two"\n{"id": "a", "body": "x"}\n{"id": "b", "body": "y"}\n')
    one, two = _errors(source, tmp_path)
    assert one == two and "text column 'text' not found" in one


def test_the_plan_finds_the_first_invalid_byte_where_the_reader_does(tmp_path):
    from openness.core.readers import _first_invalid

    path = tmp_path / "latin1.csv"
    path.write_bytes(b"id,text\na,caf\xe9 au lait\nb,fine\n")
    assert plan_csv(path, 1, block=5).invalid_utf8 == len(b"id,text\na,caf") == _first_invalid(path)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", ""]),
                            st.sampled_from(["", "  ", "Meta opened weights.", 'OpenAI, "closed".', "xAI\n\nGrok is open.",
                                             "Meta opened weights."])), min_size=1, max_size=12),
    chunksize=st.integers(1, 3),
)
def test_any_number_of_workers_writes_the_same_bytes(tmp_path_factory, rows, chunksize):
    folder = tmp_path_factory.mktemp("parallel")
    source = folder / "corpus.csv"
    pd.DataFrame(rows, columns=["id", "text"]).to_csv(source, index=False)
    outputs = []
    for n_jobs in (1, 2, 3):
        out = folder / f"scores-{n_jobs}.csv"
        summary = score_to_csv(source, out, id="id", chunksize=chunksize, n_jobs=n_jobs, progress=False)
        outputs.append((out.read_bytes(), summary.rejects.read_bytes() if summary.rejects else b"", summary.n_written))
    assert outputs[0] == outputs[1] == outputs[2]
    kept, ids, texts = 0, set(), set()  # the reader's rules, in order; only kept rows claim an id or a text
    for doc_id, text in rows:
        if text.strip() and doc_id and doc_id not in ids and text not in texts:
            kept, ids, texts = kept + 1, ids | {doc_id}, texts | {text}
    assert outputs[0][2] == kept


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_score_iter_yields_the_scores_of_each_chunk_with_its_rejects(tmp_path, n_jobs):
    from openness import read_corpus, score, score_iter

    source = tmp_path / "corpus.csv"
    pd.DataFrame(ROWS, columns=["id", "text"]).to_csv(source, index=False)
    chunks = list(score_iter(source, chunksize=2, id="id", n_jobs=n_jobs))
    whole = score(read_corpus(source, id="id"))
    assert len(chunks) == 5  # nine rows in chunks of two
    for table in ("documents", "sentences", "evidence", "rejects"):
        joined = pd.concat([getattr(chunk, table) for chunk in chunks], ignore_index=True)
        pd.testing.assert_frame_equal(joined, getattr(whole, table), check_dtype=False)
    assert sum(len(chunk.documents) + len(chunk.rejects) for chunk in chunks) == len(ROWS)


def test_score_iter_shows_progress_only_when_asked_or_on_a_terminal(tmp_path, capsys):
    from openness import score_iter

    source = tmp_path / "corpus.csv"
    pd.DataFrame(ROWS, columns=["id", "text"]).to_csv(source, index=False)
    list(score_iter(source, chunksize=2, id="id"))  # stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""
    list(score_iter(source, chunksize=2, id="id", progress=True))
    assert re.search(r"scoring: 9doc", capsys.readouterr().err)  # every row read, rejects included


def test_the_plan_knows_the_line_and_the_record_each_chunk_starts_at(tmp_path):
    """What a worker needs to name its rejects' file lines without reading the chunks before."""
    text = 'id,text\n\na,"one\nline more"\nb,two\n  \nc,three\nd,"four\r\nfive"\ne,six\n'
    path = tmp_path / "lines.csv"
    path.write_bytes(text.encode())
    plan = plan_csv(path, 2)
    # chunks of two records: a (line 3, its text spans 3-4), c (line 7, after a line of spaces), e (line 10)
    assert [plan.start(path, index) for index in range(3)] == [
        (text.index("a,"), 3, 0), (text.index("c,"), 7, 2), (text.index("e,"), 10, 4)]
