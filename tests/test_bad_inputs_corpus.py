"""Bad inputs to openness.core.corpus readers: one fixture and one asserted outcome per class.
CASES is the table the README reports ("each bad-input class and what the user gets");
test_every_case_has_its_test keeps table and tests in step."""
from __future__ import annotations

import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from openness.core.corpus import Corpus, CorpusError, read_corpus

BAD = Path(__file__).parent / "fixtures" / "corpus" / "bad"


@dataclass(frozen=True)
class Case:
    key: str  # test_<key> checks it
    bad_input: str
    fixture: str
    outcome: str


CASES = [
    Case("csv_unbalanced_quote", "CSV with an unbalanced quote", "unbalanced_quote.csv",
         "CorpusError naming the file and the line where the unclosed quoted field starts"),
    Case("csv_too_many_fields", "CSV row with more fields than the header", "(written by the test)",
         "CorpusError naming the file, the line and the field counts, also when the first data row is the wide one "
         "(pandas then takes the extra fields as an index; it was 'rows have more fields than the header' with no line)"),
    Case("csv_embedded_newlines", "CSV with newlines inside quoted fields", "embedded_newlines.csv",
         "read normally; the text keeps its newlines"),
    Case("csv_bom", "CSV starting with a UTF-8 byte order mark", "bom.csv",
         "BOM dropped; the first column keeps its plain name; no flag"),
    Case("csv_latin1", "CSV with Latin-1 (not UTF-8) bytes", "latin1.csv",
         "decoded as Windows-1252 (Latin-1's letters are the same there): every row kept, the text as written; "
         "the rows holding non-ASCII characters flagged 'decoded as Windows-1252: not valid UTF-8 (first invalid "
         "byte at offset N)'"),
    Case("csv_missing_text_column", "CSV without the text column", "missing_text_column.csv",
         "CorpusError naming the column, the file and the columns available"),
    Case("csv_semicolon_separated", "CSV saved with ';' or a tab as separator (a spreadsheet export): a header "
         "without a comma", "semicolon_separated.csv",
         "read with the header's separator; `openness score` says \"fields separated by ';', as in the header\" in "
         "its summary"),
    Case("csv_semicolon_separated_with_a_comma_in_the_first_row",
         "CSV saved with ';' as separator (header `ID;Date;Text`), its first text holding a comma",
         "(written by the test)", "read with ';': the comma stays in the text; ids from `ID`, dates from `Date`"),
    Case("csv_semicolon_separated_with_a_broken_row",
         "CSV saved with ';' as separator, a row with more fields than the header",
         "(written by the test)",
         "CorpusError naming the file, the line and the field counts, and \"(fields separated by ';', as in the header)\""),
    Case("csv_duplicate_ids", "CSV with a repeated id", "duplicate_ids.csv",
         "first row kept; later rows in rejects: 'duplicate id ... (first kept)'"),
    Case("csv_extra_columns", "CSV with extra columns", "extra_columns.csv",
         "extra columns become document variables, as text ('NA' stays 'NA')"),
    Case("jsonl_truncated_last_line", "JSONL with a truncated last line", "truncated.jsonl",
         "other lines kept; the broken line in rejects at 'path:line N' with the JSON error"),
    Case("parquet_without_text_column", "Parquet without the text column", "(written by the test)",
         "CorpusError naming the column, the file and the columns available"),
    Case("parquet_text_not_string", "Parquet whose text column is not a string", "(written by the test)",
         "CorpusError naming the column and its type"),
    Case("html_script_iframe_remote", "HTML with <script>, <iframe> and remote resources", "remote_html/page.html",
         "main text only: no script or iframe text; nothing is fetched"),
    Case("markdown_broken_front_matter", "Markdown with front matter that is not valid YAML", "broken_front_matter/post.md",
         "document kept; keys read leniently as 'key: value' lines; flagged"),
    Case("folder_binary_file", "Folder with a binary file (NUL bytes in a .txt)", "binary_folder/",
         "the file in rejects: 'binary content (NUL bytes)'; the other files kept"),
    Case("folder_symlink_outside", "Folder with a symlink pointing outside it", "binary_folder/ (links added by the test)",
         "not followed: in rejects 'symlink points outside the folder; not followed'; links inside are read"),
]


def balanced(corpus: Corpus) -> bool:
    return corpus.n_read == len(corpus.docs) + len(corpus.rejects)


def test_every_case_has_its_test():
    module = sys.modules[__name__]
    assert [case.key for case in CASES if not callable(getattr(module, f"test_{case.key}", None))] == []
    assert all((BAD / case.fixture.split(" ")[0]).exists() for case in CASES if not case.fixture.startswith("("))


def test_csv_unbalanced_quote():
    # line 3 opens a quote that no later quote closes
    with pytest.raises(CorpusError, match=r"unbalanced_quote\.csv: line 3: a quoted field is never closed"):
        read_corpus(BAD / "unbalanced_quote.csv")


def test_csv_too_many_fields(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text('id,text\nw1,"Two\nlines."\nw2,Fine.\nw3,Too,many\n')  # the bad row is on file line 5
    with pytest.raises(CorpusError, match=r"wide\.csv: line 5: expected 2 fields, saw 3"):
        read_corpus(path)
    # a wide first data row: pandas takes the extra fields as an index and says nothing of where
    every_row_wide = tmp_path / "shifted.csv"
    every_row_wide.write_text("id,text\nw1,a,b\nw2,c,d\n")
    with pytest.raises(CorpusError, match=r"shifted\.csv: line 2: expected 2 fields, saw 3$"):
        read_corpus(every_row_wide)
    first_wide = tmp_path / "first.csv"
    first_wide.write_text('\nid,text\n\n"w1","Two\nlines",x\nw2,Fine.\n')  # blank lines are no rows
    with pytest.raises(CorpusError, match=r"first\.csv: line 4: expected 2 fields, saw 3$"):
        read_corpus(first_wide)


SHORT = "3 fields where the header has 4: a field is missing, and which one cannot be told (the others may stand in " \
        "the wrong columns)"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_csv_row_with_fewer_fields_than_the_header_is_rejected_at_its_line(tmp_path, capsys, jobs):
    """pandas fills a short row's missing fields with empty text, so the fields it has may stand
    in the wrong columns: here the date would be scored as the text. It is rejected instead; a
    row whose last field is empty but there is read, and so is a row of a header that ends in
    a separator (an unnamed last column)."""
    from openness.cli import main

    rows = [f'n{i},Title {i},"Open weights, part {i}.",2024-01-0{i % 9 + 1}' for i in range(30)]
    rows[17] = "n17,Title 17,2024-08-01"  # the text left out
    rows[22] = 'n22,Title 22,"Open weights, and no date.",'  # the date empty: all four fields
    rows[26] = '"n26",Title 26,"Two\nlines, no date."'  # the line of a record that spans two
    path = tmp_path / "short.csv"
    path.write_text("id,title,text,date\n" + "\n".join(rows) + "\n")
    corpus = read_corpus(path, id="id")
    assert corpus.rejects.values.tolist() == [[f"{path}:line 19", "n17", SHORT], [f"{path}:line 28", "n26", SHORT]]
    assert len(corpus.docs) == 28 and "n22" in corpus.docs["doc_id"].tolist() and balanced(corpus)
    out = tmp_path / f"out{jobs}.csv"
    assert main(["score", str(path), "-o", str(out), "--n-jobs", jobs, "--chunksize", "4"]) == 0
    assert "30 read, 28 scored" in capsys.readouterr().err
    rejects = pd.read_csv(tmp_path / f"out{jobs}.rejects.csv", dtype=str)
    assert rejects[["location", "doc_id"]].values.tolist() == [[f"{path}:line 19", "n17"], [f"{path}:line 28", "n26"]]
    trailing = tmp_path / "trailing.csv"
    trailing.write_text("doc_id,text,\na,Open weights help.\nb,Closed models.,\n")
    assert read_corpus(trailing).docs["doc_id"].tolist() == ["a", "b"]
    # `openness claims --dimension-column` reads with a reader of its own: the same rejects
    notes = tmp_path / "notes.csv"
    notes.write_text("id,text,dimension\n1,The weights are open.,weights_basemodel\n2,No dimension here.\n")
    assert main(["claims", str(notes), "--id-column", "id", "--dimension-column", "dimension",
                 "-o", str(tmp_path / "levels.csv"), "--quiet"]) == 0
    assert pd.read_csv(tmp_path / "levels.rejects.csv", dtype=str).values.tolist() == [
        [f"{notes}:line 3", "2", "2 fields where the header has 3: a field is missing, and which one cannot be told (the "
         "others may stand in the wrong columns)"]]


def test_csv_embedded_newlines():
    corpus = read_corpus(BAD / "embedded_newlines.csv", id="id")
    assert corpus.docs["text"].tolist() == [
        "First line of a letter.\nSecond line of the same letter.\n\nA paragraph after a blank line.", "A one-line note."]
    assert corpus.n_read == 2 and corpus.rejects.empty and balanced(corpus)


def test_csv_bom():
    corpus = read_corpus(BAD / "bom.csv", id="id")
    assert corpus.docs.columns.tolist() == ["doc_id", "text", "id"]
    assert corpus.docs.values.tolist() == [["m1", "Bom rows read like any other.", "m1"]]
    assert corpus.flags.empty and balanced(corpus)


def test_csv_latin1():
    corpus = read_corpus(BAD / "latin1.csv", id="id")
    assert corpus.docs["text"].tolist() == ["Plain ASCII row about a quay.", "Café on the quay served crème.",
                                            "Another plain row."]
    # byte offset of the first bad byte: len("id,text\nl1,Plain ASCII row about a quay.\nl2,Caf") == 47
    assert corpus.flags.values.tolist() == [
        ["l2", "decoded as Windows-1252: not valid UTF-8 (first invalid byte at offset 47)"]]
    assert corpus.n_read == 3 and balanced(corpus)


def test_csv_missing_text_column():
    with pytest.raises(CorpusError, match=r"missing_text_column\.csv: text column 'text' not found; available columns: id, body"):
        read_corpus(BAD / "missing_text_column.csv")
    # a name with a space after it: quoted, so that the space shows, and said
    with pytest.raises(CorpusError, match=r"text column 'text' not found; available columns: id, 'text '; 'text ' has "
                                          r"spaces around its name \(pick one with text="):
        read_corpus(pd.DataFrame({"id": ["a"], "text ": ["Open weights."]}))


def test_id_column_that_is_the_text_column_is_refused():
    """Ids go into every output table, audit sheets among them: the texts must not ride along."""
    with pytest.raises(CorpusError, match=r"extra_columns\.csv: the id column and the text column are both 'text'"):
        read_corpus(BAD / "extra_columns.csv", id="text")
    with pytest.raises(CorpusError, match=r"^DataFrame: the id column and the text column are both 'body'"):
        read_corpus(pd.DataFrame({"body": ["A text."]}), text="body", id="body")


def test_csv_semicolon_separated():
    corpus = read_corpus(BAD / "semicolon_separated.csv", id="id")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["r1", "A row a spreadsheet saved with semicolons."]]
    assert balanced(corpus) and corpus.flags.empty


@pytest.mark.parametrize("header, separator", [
    ('id;"title, short";text', ";"),  # a comma inside a quoted name does not make it comma-separated
    ('id,"a;b;c",text', ","),         # nor do semicolons inside one make it ';'-separated
    ("id;note, internal;text", ";"),  # Excel leaves a comma in a ';' file's name unquoted
    ("id,note; internal,text", ","),  # the more frequent separator wins
    ("id\tnote, internal\ttext", "\t"),
    ("id\tname, first, last\ttext", "\t"),  # a tab on a tie: names hold commas, seldom tabs
])
def test_the_separator_is_read_from_the_header_outside_its_quotes(tmp_path, header, separator):
    path = tmp_path / "quoted.csv"
    path.write_text(header + "\n" + separator.join(["r1", "x", "Open weights."]) + "\n")
    corpus = read_corpus(path)
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["r1", "Open weights."]] and balanced(corpus)


def test_a_column_name_holding_a_comma_is_quoted_in_the_list_of_columns(tmp_path):
    """`Note, internal` read as two columns in the error that lists them."""
    path = tmp_path / "excel.csv"
    path.write_text("ID;Titre;Note, internal;Texte\nr1;x;y;Open weights.\n")
    with pytest.raises(CorpusError, match=r"available columns: ID, Titre, 'Note, internal', Texte \(pick one with"):
        read_corpus(path)


def test_a_tab_separated_row_of_empty_fields_is_located_on_its_line(tmp_path):
    """A line holding only a tab (or spaces and a tab) is a row of empty fields in a
    tab-separated file (pandas reads it so), not a blank line: the rejects after it keep their
    lines, also when it is last."""
    for body, locations in (("1\thello\n\t\n2\t\n3\tok\n", ["line 3", "line 4"]), ("1\thello\n\t\n2\t\n", ["line 3", "line 4"]),
                            ("1\thello\n \t\n3\t\n4\tworld\n", ["line 3", "line 4"])):
        path = tmp_path / "tabs.csv"
        path.write_text("id\ttext\n" + body)
        corpus = read_corpus(path)
        assert corpus.rejects["location"].tolist() == [f"{path}:{where}" for where in locations] and balanced(corpus)


def test_csv_semicolon_separated_with_a_comma_in_the_first_row(tmp_path):
    """A European Excel export: it was 'rows have more fields than the header has columns', as
    the comma of the first text split that row when the file was read comma-separated."""
    path = tmp_path / "export.csv"
    path.write_text("ID;Date;Text\n7;11.03.2024;Open weights, says the lab.\n8;02.01.2024;Closed; \"for now\".\n")
    with pytest.raises(CorpusError, match=r"export\.csv: line 3: expected 3 fields, saw 4 \(fields separated by ';', "
                                          r"as in the header\)$"):
        read_corpus(path, text="Text")  # an unquoted ';' in a text is the file's own fault
    path.write_text('ID;Date;Text\n7;11.03.2024;Open weights, says the lab.\n8;02.01.2024;"Closed; for now."\n')
    corpus = read_corpus(path, text="Text")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["7", "Open weights, says the lab."],
                                                               ["8", "Closed; for now."]]
    assert corpus.docs["published"].tolist() == [pd.Timestamp("2024-03-11"), pd.Timestamp("2024-01-02")]
    assert corpus.docs.columns.tolist() == ["doc_id", "text", "published", "ID", "Date"] and balanced(corpus)


def test_csv_semicolon_separated_with_a_broken_row(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('id;text\n1;"Two\nlines; quoted."\n2;Fine, with a comma.\n3;Too;many\n')  # the bad row: file line 5
    with pytest.raises(CorpusError, match=r"export\.csv: line 5: expected 2 fields, saw 3 \(fields separated by ';', "
                                          r"as in the header\)$"):
        read_corpus(path)
    every_row_wide = tmp_path / "shifted.csv"
    every_row_wide.write_text("id\ttext\nw1\ta\tb\n")  # a tab-separated file saved as .csv
    with pytest.raises(CorpusError, match=r"shifted\.csv: line 2: expected 2 fields, saw 3 "
                                          r"\(fields separated by tab, as in the header\)$"):
        read_corpus(every_row_wide)


def test_csv_duplicate_ids():
    corpus = read_corpus(BAD / "duplicate_ids.csv", id="id")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["d1", "First text for d1."], ["d2", "Text for d2."]]
    assert corpus.rejects.values.tolist() == [[f"{BAD / 'duplicate_ids.csv'}:line 4", "d1", "duplicate id 'd1' (first kept)"]]
    assert corpus.n_read == 3 and balanced(corpus)


def test_csv_extra_columns():
    docs = read_corpus(BAD / "extra_columns.csv", id="id").docs
    assert docs.columns.tolist() == ["doc_id", "text", "id", "region", "rating", "notes"]
    assert docs[["region", "rating", "notes"]].values.tolist() == [["east", "4", ""], ["west", "NA", "checked twice"]]


def test_jsonl_truncated_last_line():
    path = BAD / "truncated.jsonl"
    corpus = read_corpus(path, id="id")
    assert corpus.docs["doc_id"].tolist() == ["t1", "t2"]
    assert corpus.rejects.values.tolist() == [
        [f"{path}:line 3", "", "invalid JSON: Unterminated string starting at (column 22)"]]
    assert corpus.n_read == 3 and balanced(corpus)


def test_jsonl_line_missing_its_closing_brace_is_located_at_the_lines_end(tmp_path):
    """The line break is not part of the JSON: the error sits where the line ends, not in
    "column 1" of a line after it."""
    path = tmp_path / "cut.jsonl"
    path.write_text('{"id": "c1", "text": "Open weights."}\n{"id": "c2", "text": "No brace"\n')
    corpus = read_corpus(path, id="id")
    column = len('{"id": "c2", "text": "No brace"') + 1
    assert corpus.rejects.values.tolist() == [[f"{path}:line 2", "", f"invalid JSON: Expecting ',' delimiter (column {column})"]]


def test_parquet_without_text_column(tmp_path):
    path = tmp_path / "no_text.parquet"
    pq.write_table(pa.table({"id": ["p1"], "content": ["Words in the wrong column."]}), path)
    with pytest.raises(CorpusError, match=r"no_text\.parquet: text column 'text' not found; available columns: id, content"):
        read_corpus(path)


def test_parquet_text_not_string(tmp_path):
    path = tmp_path / "numbers.parquet"
    pq.write_table(pa.table({"text": pa.array([1, 2], pa.int64())}), path)
    with pytest.raises(CorpusError, match=r"numbers\.parquet: text column 'text' has type int64, not string"):
        read_corpus(path)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    with pytest.raises(CorpusError, match=r"broken\.parquet: not a readable Parquet file"):
        read_corpus(broken)


def test_html_script_iframe_remote(tmp_path, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted while reading a corpus")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    corpus = read_corpus(BAD / "remote_html")
    assert attempts == []
    assert corpus.docs["text"].tolist() == [
        "Signal flags\nEach signal flag stands for a letter, and a hoist of several flags spells out a short message.\n"
        "Crews learn the flags by heart because radios fail when they are needed most."]
    assert corpus.docs["title"].tolist() == ["Signal flags"]
    assert corpus.flags.empty and balanced(corpus)


def test_markdown_broken_front_matter():
    corpus = read_corpus(BAD / "broken_front_matter")
    post = corpus.docs.iloc[0]
    assert post["text"] == "The bowline makes a fixed loop that does not slip under load.\n"
    assert (post["title"], post["date"], post["tags"]) == ("Notes: on knots: and ropes", "2022-07-14", "[unclosed")
    assert post["published"] == pd.Timestamp("2022-07-14")
    # YAML's complaint is about the second `:` on file line 2 (`title: Notes: on ...`)
    assert corpus.flags.values.tolist() == [
        ["post", "front matter not valid YAML, parsed leniently (mapping values are not allowed here, line 2)"]]
    assert corpus.rejects.empty and balanced(corpus)


def test_folder_binary_file():
    corpus = read_corpus(BAD / "binary_folder")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["good", "A readable note about mooring lines.\n"]]
    assert corpus.rejects[["doc_id", "reason"]].values.tolist() == [["blob", "binary content (NUL bytes)"]]
    assert corpus.rejects["location"].iloc[0].endswith("binary_folder/blob.txt")
    assert corpus.n_read == 2 and balanced(corpus)


def test_folder_files_of_one_name_but_their_extension_are_told_apart_in_the_reason(tmp_path):
    """A folder's ids are its file paths without their extension, so notes.md and notes.txt
    claim one id: the second was rejected as a 'duplicate id', naming neither file."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "notes.md").write_text("Open weights help researchers.\n")
    (tmp_path / "notes.txt").write_text("Closed labs keep their weights.\n")
    (tmp_path / "sub" / "notes.txt").write_text("A third note, in its own folder.\n")
    corpus = read_corpus(tmp_path)
    assert corpus.docs["doc_id"].tolist() == ["notes", "sub/notes"]
    assert corpus.rejects.values.tolist() == [[
        f"{tmp_path}/notes.txt", "notes", f"same id 'notes' as {tmp_path}/notes.md: a folder's ids are its file paths "
        "without their extension; rename one of the two"]]
    assert balanced(corpus)


def test_folder_symlink_outside(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(BAD / "binary_folder", folder)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text("A private note that must stay outside the corpus.\n")
    (folder / "leak.txt").symlink_to(outside / "private.txt")
    (folder / "leak_dir").symlink_to(outside, target_is_directory=True)
    (folder / "alias.txt").symlink_to(folder / "good.txt")  # inside: read (and caught as a duplicate text)
    corpus = read_corpus(folder)
    assert corpus.docs["doc_id"].tolist() == ["alias"]
    assert "private note" not in " ".join(corpus.docs["text"])
    assert corpus.rejects[["doc_id", "reason"]].values.tolist() == [
        ["blob", "binary content (NUL bytes)"],
        ["good", "duplicate text of doc_id 'alias'"],
        ["leak", "symlink points outside the folder; not followed"],
        ["leak_dir", "symlink points outside the folder; not followed"]]
    assert corpus.n_read == 5 and balanced(corpus)
