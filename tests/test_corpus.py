"""Each loader of openness.core.corpus on fixtures written for these tests, values checked by hand."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from openness.core.corpus import Corpus, CorpusError, RejectsWarning, iter_corpus, read_corpus
from openness.core.streaming import input_note

HARBOUR = "The harbour master counted forty boats before noon.\nBy evening the wind had turned.\n"


def balanced(corpus: Corpus) -> bool:
    return corpus.n_read == len(corpus.docs) + len(corpus.rejects)


@pytest.fixture
def corpus_fixtures(fixtures):
    return fixtures / "corpus"


def test_folder_reads_txt_md_html_recursively_in_sorted_order(corpus_fixtures):
    corpus = read_corpus(corpus_fixtures / "folder")
    # sorted by path parts: copy.txt < empty.txt < essays/ < extra/ < notes/ < plain.md < web/
    assert corpus.docs["doc_id"].tolist() == ["copy", "essays/lighthouse", "plain", "web/page"]
    assert corpus.docs.columns[:3].tolist() == ["doc_id", "text", "published"]
    texts = dict(zip(corpus.docs["doc_id"], corpus.docs["text"]))
    assert texts["copy"] == HARBOUR  # kept byte for byte, newlines included
    assert texts["essays/lighthouse"] == "# Ledger\n\nEvery ship that passed the breakwater was written down in blue ink.\n"
    assert texts["plain"] == "No front matter here, only a short paragraph about gulls.\n"
    assert len(corpus) == 4 and corpus.n_read == 7 and balanced(corpus)


def test_folder_front_matter_becomes_variables_and_dates(corpus_fixtures):
    docs = read_corpus(corpus_fixtures / "folder").docs.set_index("doc_id")
    ledger = docs.loc["essays/lighthouse"]
    assert ledger["title"] == "The lighthouse ledger"
    assert ledger["author"] == "R. Keeper"
    assert ledger["tags"] == ["sea", "records"]
    assert ledger["published"] == pd.Timestamp("2024-03-05")
    assert str(ledger["date"]) == "2024-03-05"  # the original value stays
    assert pd.isna(docs.loc["plain", "published"]) and pd.isna(docs.loc["plain", "title"])
    assert pd.api.types.is_datetime64_dtype(docs["published"])


def test_folder_html_main_text_without_comments_with_table(corpus_fixtures):
    page = read_corpus(corpus_fixtures / "folder").docs.set_index("doc_id").loc["web/page"]
    assert page["title"] == "Tide tables explained"
    assert "A tide table lists the hours of high and low water" in page["text"]
    assert "Monday" in page["text"] and "06:40" in page["text"]  # tables are kept
    assert "Reader remark" not in page["text"]  # reader comments are not the page's text
    assert "Home" not in page["text"]  # navigation is boilerplate


def test_folder_rejects_have_reasons_and_hidden_files_are_skipped(corpus_fixtures):
    corpus = read_corpus(corpus_fixtures / "folder")
    rejects = corpus.rejects.set_index("doc_id")
    assert rejects.loc["empty", "reason"] == "whitespace-only text"
    assert rejects.loc["extra/data", "reason"].startswith("unsupported file type '.json'")
    assert rejects.loc["notes/harbour", "reason"] == "duplicate text of doc_id 'copy'"
    assert rejects.loc["notes/harbour", "location"].endswith("folder/notes/harbour.txt")
    everything = " ".join(corpus.docs["doc_id"].tolist() + corpus.rejects["location"].tolist())
    assert "hidden" not in everything and "secret" not in everything
    assert corpus.flags.empty


def test_folder_read_is_deterministic(corpus_fixtures):
    first, second = read_corpus(corpus_fixtures / "folder"), read_corpus(corpus_fixtures / "folder")
    pd.testing.assert_frame_equal(first.docs, second.docs)
    pd.testing.assert_frame_equal(first.rejects, second.rejects)


def test_folder_id_from_front_matter_key(tmp_path):
    (tmp_path / "a.md").write_text("---\nslug: first-post\n---\nBody of the first post.\n")
    (tmp_path / "b.md").write_text("---\ntitle: no slug\n---\nBody of the second post.\n")
    corpus = read_corpus(tmp_path, id="slug")
    assert corpus.docs["doc_id"].tolist() == ["first-post"]
    assert corpus.docs["doc_id_original"].tolist() == ["a"]
    assert corpus.rejects[["doc_id", "reason"]].values.tolist() == [["", "missing id"]]
    with pytest.raises(CorpusError, match=r"id column 'uuid' not found; available columns: doc_id, text, slug, title"):
        read_corpus(tmp_path, id="uuid")


def test_folder_files_are_decoded_as_csv_files_are_and_flagged(tmp_path):
    """Windows-1252 (Latin-1 letters too), UTF-8 with a broken byte, Notepad's UTF-16: each read
    as its writer meant, flagged; a UTF-8 BOM is dropped, unflagged."""
    (tmp_path / "note.txt").write_bytes("Caf\xe9 by the pier \u2013 \u201cquiet\u201d.".encode("cp1252"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfStarts with a byte order mark.")
    (tmp_path / "broken.md").write_bytes("Na\u00efve caf\u00e9s, r\u00e9sum\u00e9s.".encode() + b" \xff end.")
    (tmp_path / "notepad.txt").write_bytes("Stra\u00dfe und Caf\u00e9.".encode("utf-16"))
    corpus = read_corpus(tmp_path)
    texts = dict(zip(corpus.docs["doc_id"], corpus.docs["text"]))
    assert texts == {"bom": "Starts with a byte order mark.", "broken": "Na\u00efve caf\u00e9s, r\u00e9sum\u00e9s. \ufffd end.",
                     "note": "Caf\u00e9 by the pier \u2013 \u201cquiet\u201d.", "notepad": "Stra\u00dfe und Caf\u00e9."}
    assert corpus.flags.values.tolist() == [
        ["broken", "decoded with replacement (invalid UTF-8 at byte 26)"],
        ["note", "decoded as Windows-1252 (invalid UTF-8 at byte 3)"],
        ["notepad", "decoded from UTF-16 (byte order mark)"],
    ]
    assert corpus.rejects.empty



def test_an_invalid_byte_is_located_in_the_file_its_bom_counted(tmp_path):
    """As a CSV file's note counts it: the byte's offset in the file, not after the dropped BOM."""
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "note.txt").write_bytes(b"\xef\xbb\xbfSee caf\xc3\xa9 \xff here.")
    (tmp_path / "notes.csv").write_bytes(b"\xef\xbb\xbftext\nSee caf\xc3\xa9 \xff here.\n")
    (tmp_path / "notes.jsonl").write_bytes(b'\xef\xbb\xbf{"text": "See caf\xc3\xa9 \xff here."}\n')
    assert read_corpus(tmp_path / "folder").flags["flag"].tolist() == ["decoded with replacement (invalid UTF-8 at byte 13)"]
    assert "first invalid byte at offset 18" in input_note(tmp_path / "notes.csv")  # 13 + "text\n"
    assert read_corpus(tmp_path / "notes.jsonl").flags["flag"].tolist() == [
        "decoded with replacement (invalid UTF-8 at byte 23)"]  # 13 + '{"text": "'

def test_html_fallback_to_tag_stripping_is_flagged(tmp_path):
    (tmp_path / "aside.html").write_text("<html><body><aside>Sidebar words only here</aside>"
                                         "<script>var hidden = 1;</script></body></html>")
    corpus = read_corpus(tmp_path)
    assert corpus.docs["text"].tolist() == ["Sidebar words only here"]
    assert corpus.flags["flag"].tolist() == ["trafilatura found no main text; plain tag stripping used"]


def test_markdown_without_closing_front_matter_is_kept_as_text_and_flagged(tmp_path):
    (tmp_path / "open.md").write_text("---\ntitle: never closed\nThe body follows.\n")
    corpus = read_corpus(tmp_path)
    assert corpus.docs["text"].tolist() == ["---\ntitle: never closed\nThe body follows.\n"]
    assert corpus.flags["flag"].tolist() == ["front matter not closed; kept as text"]


def test_csv_with_id_column(corpus_fixtures):
    corpus = read_corpus(corpus_fixtures / "docs.csv", id="id")
    docs = corpus.docs
    assert docs["doc_id"].tolist() == ["a1", "a2", "a3"]
    assert docs["text"].tolist() == ["Ferries resumed service after the storm.",
                                     "The council met twice.\nIt approved a new pier.", "NA"]
    assert docs["outlet"].tolist() == ["Coast Daily", "Harbour Post", "Coast Daily"]
    # `published` is parsed; the original text is kept beside it; +01:00 becomes 08:30 UTC
    assert docs["published_original"].tolist() == ["2024-01-15", "2024-02-01T09:30:00+01:00", "not a date"]
    assert docs["published"].tolist()[:2] == [pd.Timestamp("2024-01-15"), pd.Timestamp("2024-02-01 08:30")]
    assert pd.isna(docs["published"].iloc[2])
    assert corpus.flags.values.tolist() == [["a3", "published not a date: 'not a date'"]]
    # located by file line (a2's text spans lines 3 and 4), as a broken row is
    where = f"{corpus_fixtures / 'docs.csv'}:line"
    assert corpus.rejects.values.tolist() == [[f"{where} 6", "a4", "empty text"],
                                              [f"{where} 7", "a5", "duplicate text of doc_id 'a1'"]]
    assert corpus.n_read == 5 and balanced(corpus)


def test_csv_row_numbers_are_default_ids_and_text_column_is_chosen(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("body,kind\nFirst body.,x\nSecond body.,y\n")
    corpus = read_corpus(path, text="body")
    assert corpus.docs.columns.tolist() == ["doc_id", "text", "kind"]
    assert corpus.docs.values.tolist() == [["0", "First body.", "x"], ["1", "Second body.", "y"]]
    with pytest.raises(CorpusError, match=r"t\.csv: id column 'key' not found; available columns: body, kind"):
        read_corpus(path, text="body", id="key")


def test_jsonl_values_and_line_located_rejects(corpus_fixtures):
    corpus = read_corpus(corpus_fixtures / "docs.jsonl", id="id")
    assert corpus.docs["doc_id"].tolist() == ["j1", "j2"]
    assert corpus.docs["votes"].tolist() == [3, 5]
    assert corpus.docs["published"].tolist() == [pd.Timestamp("2023-11-20"), pd.Timestamp("2023-12-01")]
    located = [(location.rsplit(":", 1)[1], doc_id, reason) for location, doc_id, reason in corpus.rejects.values]
    assert located == [("line 4", "j3", "whitespace-only text"), ("line 5", "j4", "text is not a string (int)"),
                       ("line 6", "", "JSON value is not an object (list)"), ("line 7", "j6", "missing text")]
    assert corpus.n_read == 6 and balanced(corpus)  # the blank line 2 is not a record


def test_jsonl_default_ids_count_records_not_lines(corpus_fixtures, tmp_path):
    unnamed = tmp_path / "docs.jsonl"  # without an id column, so that the ids are row numbers
    unnamed.write_text((corpus_fixtures / "docs.jsonl").read_text().replace('"id":', '"ref":'))
    corpus = read_corpus(unnamed)
    assert corpus.docs["doc_id"].tolist() == ["0", "1"]
    assert corpus.rejects["doc_id"].tolist() == ["2", "3", "4", "5"]


def test_parquet_roundtrip(tmp_path):
    path = tmp_path / "docs.parquet"
    table = pa.table({"text": ["Buoys mark the channel.", None, "Buoys mark the channel.", "Nets dry on the wall."],
                      "date": ["2021-06-01", "2021-06-02", "2021-06-03", "June 4, 2021"], "score": [1, 2, 3, 4]})
    pq.write_table(table, path)
    corpus = read_corpus(path)
    assert corpus.docs["doc_id"].tolist() == ["0", "3"]
    assert corpus.docs["score"].tolist() == [1, 4]
    assert corpus.docs["published"].tolist() == [pd.Timestamp("2021-06-01"), pd.Timestamp("2021-06-04")]
    assert corpus.rejects[["location", "reason"]].values.tolist() == [
        [f"{path}:row 1", "missing text"], [f"{path}:row 2", "duplicate text of doc_id '0'"]]
    assert balanced(corpus)


def test_dataframe_source(tmp_path):
    frame = pd.DataFrame({"doc_id": ["x", "y", "x", None], "text": ["One.", "Two.", "Three.", "Four."], "group": [1, 2, 3, 4]},
                         index=[10, 20, 30, 40])
    corpus = read_corpus(frame, id="doc_id")
    assert corpus.docs.values.tolist() == [["x", "One.", 1], ["y", "Two.", 2]]
    assert corpus.rejects.values.tolist() == [["row 2", "x", "duplicate id 'x' (first kept)"], ["row 3", "", "missing id"]]
    assert read_corpus(frame).docs.equals(corpus.docs)  # a column called doc_id (or id) names the documents
    by_row = read_corpus(frame.rename(columns={"doc_id": "ref"}))  # none does: ids are row positions, not the index
    assert by_row.docs["doc_id"].tolist() == ["0", "1", "2", "3"]
    assert by_row.docs["ref"].tolist()[:3] == ["x", "y", "x"]
    by_group = read_corpus(frame.assign(group=["g1", "g2", "g3", "g4"]), id="group")  # the doc_id column is kept, renamed
    assert by_group.docs["doc_id_original"].tolist()[:3] == ["x", "y", "x"]
    with pytest.raises(CorpusError, match=r"text column 'group' holds int64, not text"):
        read_corpus(frame, text="group")
    with pytest.raises(CorpusError, match=r"DataFrame: text column 'body' not found; available columns: doc_id, text, group"):
        read_corpus(frame, text="body")


def test_iter_corpus_csv_chunks_continue_ids_and_find_duplicates_across_chunks(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("text\nAlpha.\nBeta.\nGamma.\nAlpha.\nDelta.\n")
    chunks = list(iter_corpus(path, chunksize=2))
    assert [chunk.n_read for chunk in chunks] == [2, 2, 1]
    assert [chunk.docs["doc_id"].tolist() for chunk in chunks] == [["0", "1"], ["2"], ["4"]]
    assert chunks[1].rejects.values.tolist() == [[f"{path}:line 5", "3", "duplicate text of doc_id '0'"]]
    whole = read_corpus(path)
    pd.testing.assert_frame_equal(pd.concat([chunk.docs for chunk in chunks], ignore_index=True), whole.docs)


def test_iter_corpus_duplicate_ids_across_chunks_jsonl_and_parquet(tmp_path):
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text('{"k": "a", "text": "One."}\n{"k": "b", "text": "Two."}\n{"k": "a", "text": "Three."}\n')
    chunks = list(iter_corpus(jsonl, id="k", chunksize=2))
    assert [chunk.docs["doc_id"].tolist() for chunk in chunks] == [["a", "b"], []]
    assert chunks[1].rejects["reason"].tolist() == ["duplicate id 'a' (first kept)"]
    assert chunks[1].rejects["location"].tolist() == [f"{jsonl}:line 3"]
    parquet = tmp_path / "d.parquet"
    pq.write_table(pa.table({"text": ["One.", "Two.", "One.", "Four."]}), parquet)
    batches = list(iter_corpus(parquet, chunksize=3))
    assert [len(batch) for batch in batches] == [2, 1]
    assert batches[1].docs["doc_id"].tolist() == ["3"]


def test_iter_corpus_folder_and_dataframe_yield_one_corpus(corpus_fixtures):
    assert len(list(iter_corpus(corpus_fixtures / "folder", chunksize=1))) == 1
    frame = pd.DataFrame({"text": ["a", "b", "c"]})
    assert [len(corpus) for corpus in iter_corpus(frame, chunksize=1)] == [3]


def test_jsonl_text_key_is_checked_on_first_chunk_then_rejected_per_record(tmp_path):
    path = tmp_path / "k.jsonl"
    path.write_text('{"text": "Has text."}\n{"body": "No text key."}\n')
    chunks = list(iter_corpus(path, chunksize=1))
    assert chunks[1].rejects["reason"].tolist() == ["missing text"]
    with pytest.raises(CorpusError, match=r"k\.jsonl: text column 'body2' not found; available columns: text, body"):
        read_corpus(path, text="body2")


def test_source_errors_name_the_path(tmp_path):
    with pytest.raises(CorpusError, match=r"nowhere: no such file or folder"):
        read_corpus(tmp_path / "nowhere")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK")
    with pytest.raises(CorpusError, match=r"sheet\.xlsx: unsupported file type '\.xlsx'"):
        read_corpus(tmp_path / "sheet.xlsx")
    (tmp_path / "note.md").write_text("Open weights.")  # one document alone: say to give its folder
    with pytest.raises(CorpusError, match=r"note\.md: unsupported file type '\.md'; .*: give the folder that holds it$"):
        read_corpus(tmp_path / "note.md")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(CorpusError, match=r"empty\.csv: empty file"):
        read_corpus(tmp_path / "empty.csv")
    with pytest.raises(ValueError, match="chunksize"):
        iter_corpus(tmp_path / "empty.csv", chunksize=0)


def test_header_only_files_give_empty_corpora_with_columns(tmp_path):
    (tmp_path / "h.csv").write_text("id,text\n")
    for corpus in [read_corpus(tmp_path / "h.csv"), *iter_corpus(tmp_path / "h.csv", chunksize=5)]:
        assert corpus.docs.columns.tolist() == ["doc_id", "text", "id"] and corpus.n_read == 0
    (tmp_path / "e.jsonl").write_text("\n")
    assert read_corpus(tmp_path / "e.jsonl").n_read == 0


def test_real_markdown_folder_from_the_mirror(mirror):
    """The interconnects posts (196 markdown files, YAML front matter with a date, per the data
    README): all kept, all dated; posts whose front matter is not valid YAML are kept and flagged."""
    folder = mirror / "raw" / "interconnects" / "public"
    corpus = read_corpus(folder)
    assert len(corpus) == 196 and corpus.rejects.empty and balanced(corpus)
    assert corpus.docs["published"].notna().all()
    assert corpus.docs["doc_id"].is_unique and corpus.docs["doc_id"].str.match(r"^20\d\d/").all()

    def invalid_yaml(path) -> bool:
        block = path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---\n")
        try:
            return not isinstance(yaml.safe_load(block), dict)
        except yaml.YAMLError:
            return True

    expected = sorted(path.relative_to(folder).with_suffix("").as_posix() for path in folder.rglob("*.md") if invalid_yaml(path))
    assert sorted(corpus.flags["doc_id"]) == expected and len(expected) > 0
    assert corpus.flags["flag"].str.startswith("front matter not valid YAML, parsed leniently").all()


def test_the_first_invalid_byte_is_found_where_a_character_straddles_two_blocks(tmp_path):
    from openness.core.readers import _first_invalid

    path = tmp_path / "cut.csv"
    path.write_bytes("text\né\n".encode() + b"\xe2\x80" + b"x\n")  # a three-byte character missing its last byte
    # offset 8 is the broken sequence's first byte, whatever block boundary falls inside it
    assert [_first_invalid(path, block=block) for block in (1, 2, 3, 9, 1 << 20)] == [8] * 5


def test_a_missing_column_error_in_python_names_the_argument_that_picks_another(tmp_path):
    """The command line says `--text-column`; Python says `text=`, and the same for ids,
    in every format, also in a file read with the ';' of its header."""
    csv = tmp_path / "t.csv"
    csv.write_text("url,body\nu1,Open weights.\n")
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"url": "u1", "body": "Open weights."}\n')
    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.table({"url": ["u1"], "body": ["Open weights."]}), parquet)
    frame = pd.DataFrame({"url": ["u1"], "body": ["Open weights."]})
    for source, where in ((csv, "t.csv"), (jsonl, "t.jsonl"), (parquet, "t.parquet"), (frame, "DataFrame")):
        with pytest.raises(CorpusError) as missing_text:
            read_corpus(source)
        assert str(missing_text.value).endswith(
            "text column 'text' not found; available columns: url, body (pick one with text=\"...\")"), where
        assert missing_text.value.missing == "text" and where in str(missing_text.value)
        with pytest.raises(CorpusError) as missing_id:
            next(iter_corpus(source, text="body", id="uid", chunksize=1))
        assert str(missing_id.value).endswith(
            "id column 'uid' not found; available columns: url, body (pick one with id=\"...\")"), where
    semicolons = tmp_path / "s.csv"
    semicolons.write_text("url;body\nu1;Open weights.\n")
    with pytest.raises(CorpusError) as separated:
        read_corpus(semicolons)
    assert str(separated.value).endswith("available columns: url, body (pick one with text=\"...\")")


def test_dotted_dates_are_day_first_and_slashed_dates_month_first(tmp_path):
    """11.03.2024 is 11 March (as written in Germany; it was 3 November); 05/03/2024 stays
    3 May (the US reading), and 25/03/2024 can only be 25 March."""
    path = tmp_path / "dates.csv"
    path.write_text("id,Date,text\n"
                    "a,11.03.2024,One.\nb,1.2.24,Two.\nc,11.03.2024 14:30,Three.\nd,05/03/2024,Four.\n"
                    "e,25/03/2024,Five.\nf,2024-03-11,Six.\ng,31.02.2024,Seven.\nh,1.2.3,Eight.\n")
    corpus = read_corpus(path)
    assert corpus.docs["published"].tolist()[:6] == [
        pd.Timestamp("2024-03-11"), pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-11 14:30"),
        pd.Timestamp("2024-05-03"), pd.Timestamp("2024-03-25"), pd.Timestamp("2024-03-11")]
    assert corpus.docs["published"].iloc[6:].isna().all()  # no 31 February, no year 3: flagged, not guessed
    assert corpus.flags.values.tolist() == [["g", "Date not a date: '31.02.2024'"], ["h", "Date not a date: '1.2.3'"]]
    assert corpus.docs["Date"].tolist()[0] == "11.03.2024"  # the column as written stays beside it


@pytest.mark.parametrize("header, ids, dates", [
    ("ID,Published,text", "ID", "Published"),      # Excel's capitals
    ("doc_id,DATE,text", None, "DATE"),            # doc_id: the ids, dropped from the variables
    ("Id,date,Published,text", "Id", "Published"),  # published before date, as with exact names
    ("id,ID,date,text", "id", "date"),             # the exact name before another case
])
def test_id_and_date_columns_are_found_in_any_case(tmp_path, header, ids, dates):
    from openness.core.corpus import id_column

    def value(column: str) -> str:  # only the column the dates should come from holds 11 March
        if column == "text":
            return "Open weights."
        return "x7" if column.lower().endswith("id") else "2024-03-11" if column == dates else "2020-01-01"

    path = tmp_path / "excel.csv"
    path.write_text(header + "\n" + ",".join(map(value, header.split(","))) + "\n")
    assert id_column(path) == (ids or "doc_id")
    corpus = read_corpus(path)
    assert corpus.docs["doc_id"].tolist() == ["x7"] and corpus.docs["published"].tolist() == [pd.Timestamp("2024-03-11")]
    assert ids is None or corpus.docs[ids].tolist() == ["x7"]


def test_a_named_date_column_gives_the_dates_whatever_else_is_called_published(tmp_path):
    """`date=` picks the column (a scraper's `pub_date`); a `published` column of another
    meaning (a yes/no field) is kept beside it as `published_original`; a value that is no
    date is NaT and flagged, naming the column."""
    path = tmp_path / "scraped.csv"
    path.write_text("id,pub_date,published,text\na,11.03.2024,yes,Open weights.\nb,2024-04-02,no,Closed models.\n"
                    "c,soon,yes,A third text.\n")
    assert read_corpus(path).docs["published"].isna().all()  # without date=, the yes/no column is no date
    corpus = read_corpus(path, date="pub_date")
    docs = corpus.docs
    assert docs["published"].tolist()[:2] == [pd.Timestamp("2024-03-11"), pd.Timestamp("2024-04-02")]
    assert pd.isna(docs["published"].iloc[2]) and docs["published_original"].tolist() == ["yes", "no", "yes"]
    assert corpus.flags.values.tolist() == [["c", "pub_date not a date: 'soon'"]]
    chunks = list(iter_corpus(path, date="pub_date", chunksize=1))
    assert pd.concat([chunk.docs for chunk in chunks])["published"].tolist()[:2] == docs["published"].tolist()[:2]


def test_a_named_date_column_is_read_where_the_text_or_id_column_pushed_it_and_from_jsonl_records_that_have_it(tmp_path):
    """A variable called `text` beside another text column is renamed `text_original`: the dates
    come from it, not from the text. JSON Lines records name their own keys: a record (or a
    whole chunk) without the named one has no date, as one without `published`."""
    path = tmp_path / "r.csv"
    path.write_text("id,body,text\na,Open weights are out.,2024-03-11\n")
    corpus = read_corpus(path, text="body", date="text")
    assert corpus.docs["published"].tolist() == [pd.Timestamp("2024-03-11")] and corpus.flags.empty
    lines = tmp_path / "b.jsonl"
    lines.write_text('{"id": "a", "text": "Open.", "pub_date": "2024-01-02"}\n{"id": "b", "text": "Closed."}\n')
    chunks = list(iter_corpus(lines, date="pub_date", chunksize=1))
    assert [chunk.docs["published"].tolist() for chunk in chunks][0] == [pd.Timestamp("2024-01-02")]
    assert pd.isna(chunks[1].docs["published"].iloc[0]) and all(chunk.flags.empty for chunk in chunks)


def test_a_named_date_key_no_record_has_is_one_error_after_the_records(tmp_path):
    """Misspelt for JSON Lines or a folder's front matter, whose records name their own keys:
    said once every record was read (a folder called like a CSV file is still a folder)."""
    lines = tmp_path / "d.jsonl"
    lines.write_text('{"id": "a", "text": "Open.", "when": "2024-01-02"}\n')
    with pytest.raises(CorpusError, match=r"d\.jsonl: date column 'whn' not found; available columns: id, text, when"):
        read_corpus(lines, date="whn")
    folder = tmp_path / "notes.csv"
    folder.mkdir()
    (folder / "a.md").write_text("---\nwhen: 2024-01-02\n---\nOpen weights.\n")
    with pytest.raises(CorpusError, match=r"date column 'whn' not found; available columns: doc_id, text, when"):
        read_corpus(folder, date="whn")
    assert read_corpus(folder, date="when").docs["published"].tolist() == [pd.Timestamp("2024-01-02")]


@pytest.mark.parametrize("date, message", [
    ("Date", "scraped.csv: date column 'Date' not found; available columns: id, pub_date, text (pick one with date=\"...\")"),
    ("text", "scraped.csv: the date column and the text column are both 'text'"),
    ("id", "scraped.csv: the date column and the id column are both 'id'"),
])
def test_a_named_date_column_that_is_not_there_is_one_clear_error(tmp_path, date, message):
    path = tmp_path / "scraped.csv"
    path.write_text("id,pub_date,text\na,2024-03-11,Open weights.\n")
    with pytest.raises(CorpusError) as error:
        read_corpus(path, date=date)
    assert str(error.value).endswith(message)


def test_the_text_column_is_found_in_another_case_unless_two_compete(tmp_path):
    """Excel's `Text`: found as `text` is, by `read_corpus` and `openness claims`; with both
    `Text` and `TEXT` and no `text`, neither is guessed."""
    from openness.analysis.claims_table import claims_to_csv

    path = tmp_path / "export.csv"
    path.write_text("ID;Text;Dimension\nk1;A peer-reviewed paper was published.;Paper\n")
    assert read_corpus(path).docs[["doc_id", "text"]].values.tolist() == [["k1", "A peer-reviewed paper was published."]]
    claims_to_csv(path, tmp_path / "levels.csv", id="ID", dimension="Dimension", method="rules")
    assert pd.read_csv(tmp_path / "levels.csv")["level"].tolist() == ["open"]
    both = tmp_path / "both.csv"
    both.write_text("id,Text,TEXT\na,One.,Two.\n")
    with pytest.raises(CorpusError, match="text column 'text' not found; available columns: id, Text, TEXT"):
        read_corpus(both)


def test_a_column_called_like_the_text_is_no_id(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("ID,id2\nThe text is in ID.,z\n")
    from openness.core.corpus import id_column

    assert id_column(path, text="ID") is None
    assert read_corpus(path, text="ID").docs["doc_id"].tolist() == ["0"]


def test_utf16_without_a_byte_order_mark_is_rejected_with_a_hint(tmp_path):
    (tmp_path / "bare.txt").write_bytes("Open weights, plainly.".encode("utf-16-le"))
    (tmp_path / "big-endian.txt").write_bytes("Open weights, plainly.".encode("utf-16-be"))
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary\xff" * 10)
    (tmp_path / "zeros.txt").write_bytes(b"\x00" * 8)  # every other byte NUL, but no text between them
    (tmp_path / "one-letter.txt").write_bytes(b"A" + b"\x00" * 9)
    with pytest.warns(RejectsWarning, match="5 of 5 records rejected"):
        corpus = read_corpus(tmp_path)
    hint = "binary content (NUL bytes); it looks like UTF-16 text without a byte order mark: save it as UTF-8"
    assert corpus.rejects[["doc_id", "reason"]].values.tolist() == [
        ["bare", hint], ["big-endian", hint], ["blob", "binary content (NUL bytes)"],
        ["one-letter", "binary content (NUL bytes)"], ["zeros", "binary content (NUL bytes)"],
    ]


def test_the_line_finder_keeps_one_chunk_of_records_not_the_file(tmp_path):
    """One csv-module pass serves a chunk's short-row check and its rejects' lines by keeping
    each record's line and width; a chunk that asks nothing must not make a later one keep
    every record before it (1,000,000 rows once held 16 MB more than the reader did)."""
    from openness.core.readers import CsvLines

    path = tmp_path / "rows.csv"
    path.write_text("id,text,date\n" + "".join(f'n{i},"Open\nweights {i}.",2024\n' for i in range(3000)))
    lines = CsvLines(path, "utf-8")
    lines.keep_from(2500)  # the chunks before asked nothing
    assert lines.where(2990) == f"{path}:line {2 + 2 * 2990}" and lines.widths(2500, 2502).tolist() == [3, 3]
    assert len(lines._lines) == 491  # records 2500 to 2990 (private: what the finder holds is the point)
    lines.keep_from(2600)
    assert lines.where(2600) == f"{path}:line {2 + 2 * 2600}" and len(lines._lines) == 391
    assert lines.where(10) == f"{path}:line 22" and len(lines._lines) == 1  # asked again from an earlier record: a new pass
    assert lines.widths(2999, 3001).tolist() == [3, -1]  # past the last record
