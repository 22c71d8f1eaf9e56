"""Bounded fuzzing of the corpus readers and the scorer (hypothesis, fixed budget, derandomized
so CI runs the same examples every time). The contract under fuzzing:

- read_corpus either raises CorpusError whose message names the file, or returns a Corpus in
  which every record read is kept or rejected (n_read == len(docs) + len(rejects));
- the scorer returns scores for any text; never another exception.

Inputs that once broke the contract are kept in tests/fixtures/fuzz/ and replayed on every run.
This module also checks that docs/bad-inputs.md reports the case counts the tests really have.
"""
from __future__ import annotations

import importlib
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from openness.core.corpus import Corpus, CorpusError, iter_corpus, read_corpus
from openness.core.scoring import get_scorer

FUZZ = Path(__file__).parent / "fixtures" / "fuzz"
TABLE = Path(__file__).parents[1] / "docs" / "bad-inputs.md"
EXAMPLES = 200
BUDGET = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, report_multiple_bugs=False,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))

# Pieces that stress each format: quoting, separators, line ends, NUL, BOM, Latin-1 and broken
# UTF-8, JSON escapes (including lone surrogates), front matter fences, HTML that is not well formed.
CSV_PIECES = [b"id,text\n", b"text\n", b"text,id\n", b'"', b'""', b",", b"\n", b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf",
              b"\xe9", b"\xc3", b"\xff\xfe", b"open weights", b"Meta", b" ", b"\t", b"NA", b"#", b"'", b"\\"]
JSON_PIECES = [b"{", b"}", b'"text": ', b'"id": ', b'"', b",", b":", b"\n", b"\r\n", b"[", b"]", b"null", b"1", b"1e999",
               b"true", b'"a"', b'"\\ud800"', b'"\\udfff x"', b'"\\u0000"', b"\\", b"\x00", b"\xe9", b"\xef\xbb\xbf", b" "]
DOC_PIECES = [b"---\n", b"title: x\n", b"date: 2024-13-45\n", b": :\n", b"<html>", b"<body>", b"<p>", b"</p>",
              b"<script>", b"<!--", b"-->", b"<![CDATA[", b"&amp;", b"&#0;", b"&#xd800;", b"<title>", b"\n", b"\r",
              b"\xe9", b"\xef\xbb\xbf", b"\xff", b"open weights", b"Meta ", b"<?xml version='1.0'?>", b"<", b">"]


def structured(pieces: list[bytes], max_size: int = 60) -> st.SearchStrategy[bytes]:
    return st.lists(st.one_of(st.sampled_from(pieces), st.binary(max_size=6)), max_size=max_size).map(b"".join)


# Mostly well-formed records with hostile values, so fuzzing gets past the first parse error.
VALUE = structured([b"open weights", b"x", b" ", b"\\n", b"\\t", b"\\\"", b"\\ud800", b"\\udc80 ", b"\\u0000",
                    b"\\ufeff", b"\xc3\xa9", b"\xe9", b"\xf0\x9f\x98\x80", "\u202e".encode()], 8)
JSON_RECORD = st.builds(lambda text, id_, extra: b'{"text": "' + text + b'", "id": ' + id_ + extra + b"}",
                        VALUE, st.sampled_from([b'"a"', b'"b"', b"1", b"1.0", b"null", b'""', b"[1]"]),
                        st.sampled_from([b"", b', "date": "2024-02-30"', b', "text": 1', b', "": null']))
JSON_LINES = st.lists(st.one_of(JSON_RECORD, JSON_RECORD, structured(JSON_PIECES, 12)), max_size=8).map(b"\n".join)
CSV_FIELD = st.one_of(VALUE, VALUE.map(lambda v: b'"' + v.replace(b'"', b'""') + b'"'), structured(CSV_PIECES, 4))
CSV_ROWS = st.builds(lambda header, rows: header + b"".join(b",".join(row) + end for row, end in rows),
                     st.sampled_from([b"id,text\n", b"\xef\xbb\xbfid,text\r\n", b"text,id,date\n", b"id,text,text\n"]),
                     st.lists(st.tuples(st.lists(CSV_FIELD, min_size=1, max_size=3),
                                        st.sampled_from([b"\n", b"\r\n", b"\r", b""])), max_size=6))


@pytest.fixture(scope="module")
def scratch():
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    yield folder
    shutil.rmtree(folder)


def assert_reads_or_refuses(path: Path, **options) -> Corpus | None:
    """The reader contract: a CorpusError naming the file, or a balanced Corpus."""
    try:
        corpus = read_corpus(path, **options)
    except CorpusError as error:
        assert str(path) in str(error), str(error)
        return None
    assert corpus.n_read == len(corpus.docs) + len(corpus.rejects)
    assert corpus.docs["doc_id"].is_unique
    return corpus


def assert_chunks_agree(path: Path, whole: Corpus | None, **options) -> None:
    """Reading in chunks of two records keeps and rejects the same records as one read."""
    try:
        chunks = list(iter_corpus(path, chunksize=2, **options))
    except CorpusError as error:
        assert whole is None and str(path) in str(error), str(error)
        return
    assert whole is not None, "a chunked read accepted what a whole read refused"
    docs = pd.concat([c.docs for c in chunks], ignore_index=True)
    rejects = pd.concat([c.rejects for c in chunks], ignore_index=True)
    assert docs[["doc_id", "text"]].values.tolist() == whole.docs[["doc_id", "text"]].values.tolist()
    assert rejects.values.tolist() == whole.rejects.values.tolist()
    assert sum(c.n_read for c in chunks) == whole.n_read


def _fresh(scratch: Path, name: str) -> Path:
    folder = scratch / "case"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder / name


@BUDGET
@given(data=st.one_of(CSV_ROWS, structured(CSV_PIECES)), id_column=st.sampled_from([None, "id"]))
def test_fuzz_csv(scratch, data, id_column):
    path = _fresh(scratch, "input.csv")
    path.write_bytes(data)
    assert_chunks_agree(path, assert_reads_or_refuses(path, id=id_column), id=id_column)


@BUDGET
@given(data=st.one_of(JSON_LINES, structured(JSON_PIECES)), id_column=st.sampled_from([None, "id"]))
def test_fuzz_jsonl(scratch, data, id_column):
    path = _fresh(scratch, "input.jsonl")
    path.write_bytes(data)
    assert_chunks_agree(path, assert_reads_or_refuses(path, id=id_column), id=id_column)


@BUDGET
@given(files=st.lists(st.tuples(st.sampled_from([".txt", ".md", ".html"]), structured(DOC_PIECES)), max_size=3))
def test_fuzz_folder_of_documents(scratch, files):
    folder = _fresh(scratch, "docs")
    folder.mkdir()
    for number, (suffix, data) in enumerate(files):
        (folder / f"doc{number}{suffix}").write_bytes(data)
    corpus = assert_reads_or_refuses(folder)
    assert corpus is not None and corpus.n_read == len(files)  # a folder never fails as a whole


@BUDGET
@given(st.lists(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
                          st.binary(max_size=200).map(lambda b: b.decode("latin-1"))), min_size=1, max_size=4))
def test_fuzz_scorer(texts):
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": pd.Series(texts, dtype=object)})
    scores = get_scorer().score(docs)
    assert len(scores.documents) == len(texts)
    assert ((scores.evidence.start >= 0) & (scores.evidence.end <= scores.evidence.doc_id.map(
        dict(zip(docs.doc_id, docs.text.str.len()))))).all()


# -- regressions: inputs fuzzing found, replayed every run ----------------------------------------

REGRESSIONS = sorted(p for p in FUZZ.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_fuzz_regression(path):
    assert_reads_or_refuses(path)


# -- the README table in docs/bad-inputs.md cannot drift from the tests --------------------------


def _cases(reference: str) -> int:
    """Cases one test runs: its hypothesis budget (or 1) times its parametrize lengths."""
    module, name = reference.split("::")
    test = getattr(importlib.import_module(module), name)
    budget = getattr(test, "_hypothesis_internal_use_settings", None)  # set by @settings on a @given test
    count = budget.max_examples if budget is not None else 1
    for mark in getattr(test, "pytestmark", []):
        if mark.name == "parametrize":
            count *= len(mark.args[1])
    return count


def _table_rows() -> list[tuple[int, list[str]]]:
    """(cases, test references) of every row of docs/bad-inputs.md."""
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 4 and cells[2].isdigit():
            rows.append((int(cells[2]), cells[3].strip("`").split()))
    return rows


def test_bad_input_table_matches_the_tests():
    rows = _table_rows()
    assert [(count, refs) for count, refs in rows if count != sum(map(_cases, refs))] == []
    listed = {ref for _, refs in rows for ref in refs}
    bad_input_modules = ("test_bad_inputs_corpus", "test_bad_inputs_readers", "test_bad_rubrics_and_labs", "test_atomic",
                         "test_fuzz")
    unlisted = [f"{module}::{name}" for module in bad_input_modules for name in dir(importlib.import_module(module))
                if name.startswith("test_") and f"{module}::{name}" not in listed]
    assert unlisted == ["test_bad_inputs_corpus::test_every_case_has_its_test", "test_atomic::test_a_complete_run_replaces_the_previous_output",
                        "test_fuzz::test_bad_input_table_matches_the_tests"]


# -- every format through `openness score`: read = kept + rejected, or one line and exit 2 ------------

TEXT_VALUE = st.one_of(st.none(), st.sampled_from(["", " ", "Open weights.", "open weights", "\ud800", "Meta x"]),
                       st.text(max_size=20))
ID_VALUE = st.one_of(st.none(), st.sampled_from(["", "a", "b", "1"]), st.text(max_size=3))
ROWS = st.lists(st.tuples(TEXT_VALUE, ID_VALUE), max_size=8)
STRING_DTYPES = [object, "string", "string[pyarrow]"]


def _frame(rows, dtype, for_arrow: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({"text": pd.Series([text for text, _ in rows], dtype=object),
                          "id": pd.Series([id_ for _, id_ in rows], dtype=object)})
    if for_arrow or dtype != object:  # Arrow cannot hold lone surrogates; a user's object columns can
        frame = frame.map(lambda value: value.encode("utf-8", "replace").decode() if isinstance(value, str) else value)
    return frame.astype(dtype)


@BUDGET
@given(rows=ROWS, dtype=st.sampled_from(STRING_DTYPES), id_column=st.sampled_from([None, "id"]))
def test_fuzz_dataframe(rows, dtype, id_column):
    corpus = read_corpus(_frame(rows, dtype), id=id_column)
    assert corpus.n_read == len(rows) == len(corpus.docs) + len(corpus.rejects)


@BUDGET
@given(rows=ROWS, dtype=st.sampled_from(STRING_DTYPES), id_column=st.sampled_from([None, "id"]),
       damage=st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=8)), max_size=3))
def test_fuzz_parquet(scratch, rows, dtype, id_column, damage):
    path = _fresh(scratch, "input.parquet")
    _frame(rows, dtype, for_arrow=True).to_parquet(path)
    data = bytearray(path.read_bytes())
    for offset, garbage in damage:  # bytes overwritten anywhere: pages, footer, magic
        offset %= len(data)
        data[offset:offset + len(garbage)] = garbage
    path.write_bytes(bytes(data))
    corpus = assert_reads_or_refuses(path, id=id_column)
    assert damage or corpus is not None and corpus.n_read == len(rows)
    assert_chunks_agree(path, corpus, id=id_column)


SUMMARY = re.compile(r"^(\d+) read, (\d+) scored -> .*?(?:; (\d+) rejected -> .*)?$")
ANY_FORMAT = st.one_of(st.tuples(st.just(".csv"), st.one_of(CSV_ROWS, structured(CSV_PIECES))),
                       st.tuples(st.just(".jsonl"), st.one_of(JSON_LINES, structured(JSON_PIECES))),
                       st.tuples(st.just(".parquet"), st.binary(max_size=40)),
                       st.tuples(st.sampled_from([".md", ".html", ".txt"]), structured(DOC_PIECES)))


@settings(BUDGET, max_examples=100)
@given(case=ANY_FORMAT, utf16=st.booleans())
def test_fuzz_score_command(scratch, capsys, case, utf16):
    """`openness score` on any bytes: exit 0 and scored + rejected rows == read, or exit 2 and
    one line; never a traceback."""
    from openness.cli import main

    suffix, data = case
    if utf16 and suffix in (".csv", ".jsonl"):
        data = data.decode("utf-8", "replace").encode("utf-16")
    source = _fresh(scratch, "input" + suffix)
    if suffix in (".md", ".html", ".txt"):  # a document is read as part of a folder
        source = source.with_suffix("")
        source.mkdir()
        (source / ("doc" + suffix)).write_bytes(data)
    else:
        source.write_bytes(data)
    out = scratch / "out.csv"
    capsys.readouterr()
    code = main(["score", str(source), "-o", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    if code == 2:
        assert err[0].startswith("openness: error: ") and "Traceback" not in err[0]
        return
    assert code == 0
    n_read, n_scored, n_rejected = (int(n or 0) for n in SUMMARY.match(err[0]).groups())
    assert n_read == n_scored + n_rejected == len(pd.read_csv(out)) + (
        len(pd.read_csv(scratch / "out.rejects.csv")) if n_rejected else 0)


HOSTILE = {"utf16.csv": "id,text\na,Open weights.\n".encode("utf-16"),
           "deep.jsonl": b'{"text": "ok"}\n{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
           "broken.parquet": b"PAR1" + b"\x00" * 64 + b"PAR1"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_score_command_in_a_subprocess_never_shows_a_traceback(tmp_path, name):
    import subprocess
    import sys

    (tmp_path / name).write_bytes(HOSTILE[name])
    run = subprocess.run([sys.executable, "-m", "openness.cli", "score", str(tmp_path / name), "-o", str(tmp_path / "o.csv")],
                         capture_output=True, text=True, timeout=300)
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert run.returncode == (2 if name.endswith(".parquet") else 0)
