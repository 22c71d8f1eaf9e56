"""Bad inputs to the corpus readers, round two (issue 15): each file built the way a user's
tool would build it, and one asserted outcome. Every row read is kept or rejected, or the
whole input is refused with one CorpusError naming it."""
from __future__ import annotations

import codecs
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from openness.core.corpus import Corpus, CorpusError, read_corpus
from openness.data.sources import interconnects

# "billion laughs": nine levels of nine aliases, 9**9 strings once expanded
ALIAS_BOMB = "a0: &a0 lol\n" + "".join(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]\n" for n in range(1, 10))


def balanced(corpus: Corpus) -> bool:
    return corpus.n_read == len(corpus.docs) + len(corpus.rejects)


def test_front_matter_alias_bomb_rejects_that_file_only(tmp_path):
    (tmp_path / "bomb.md").write_text(f"---\ntitle: Bomb\n{ALIAS_BOMB}---\nA sentence about open weights.\n")
    (tmp_path / "fine.md").write_text("---\ntitle: Fine\n---\nAnother sentence.\n")
    corpus = read_corpus(tmp_path)
    assert corpus.docs["doc_id"].tolist() == ["fine"] and balanced(corpus)
    assert corpus.rejects.values.tolist() == [[f"{tmp_path.as_posix()}/bomb.md", "bomb",
                                               "front matter refused: alias *a0 is not allowed: write the value out, line 4"]]


def test_front_matter_nested_too_deeply_rejects_that_file_only(tmp_path):
    (tmp_path / "deep.md").write_text("---\nkey: " + "[" * 100_000 + "]" * 100_000 + "\n---\nText.\n")
    corpus = read_corpus(tmp_path)
    assert corpus.rejects["reason"].tolist() == ["front matter refused: nested too deeply"] and balanced(corpus)


def test_interconnects_reads_front_matter_with_the_corpus_parser():
    fields, body, flags = interconnects.split_front_matter("---\ntitle: T\npost_id: 27710009.2020\n---\nBody.\n")
    assert (fields, body, flags) == ({"title": "T", "post_id": "27710009.2020"}, "Body.\n", [])
    fields, _, flags = interconnects.split_front_matter('---\ntitle: ""Quoted" title"\ntitle: second\n---\nBody.\n')
    assert (fields, flags) == ({"title": '"Quoted" title'}, ["front matter not YAML"])
    with pytest.raises(ValueError, match=r"front matter refused: alias \*a0 is not allowed"):
        interconnects.split_front_matter(f"---\n{ALIAS_BOMB}---\nBody.\n")


def test_csv_long_field_then_a_broken_row_is_located(tmp_path):
    path = tmp_path / "long.csv"
    pd.DataFrame({"id": ["a", "b"], "text": ["x" * 200_000, "Fine."]}).to_csv(path, index=False)
    with open(path, "a") as handle:
        handle.write("c,Too,many\n")  # file line 4
    with pytest.raises(CorpusError, match=r"long\.csv: line 4: expected 2 fields, saw 3"):
        read_corpus(path)
    quoted = tmp_path / "quote.csv"
    quoted.write_text('id,text\na,"' + "y" * 200_000 + '"\nb,"never closed\n')
    with pytest.raises(CorpusError, match=r"quote\.csv: line 3: a quoted field is never closed"):
        read_corpus(quoted)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path, encoding, suffix):
    table = pd.DataFrame({"id": ["a", "b", "c"], "text": ["Open weights, café.", "Second text.", "Third text."]})
    path = tmp_path / f"editor{suffix}"
    written = table.to_csv(index=False) if suffix == ".csv" else table.to_json(orient="records", lines=True, force_ascii=False)
    path.write_bytes(written.encode(encoding))  # Python's utf-16/utf-32 codecs write the BOM, as editors do
    corpus = read_corpus(path, id="id")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == table.values.tolist() and balanced(corpus)
    assert set(corpus.flags["flag"]) == {f"decoded from {encoding.upper()} (byte order mark)"} and len(corpus.flags) == 3


def test_utf16_csv_says_so_in_the_summary_with_any_number_of_workers(tmp_path, capsys):
    from openness.cli import main

    path = tmp_path / "editor.csv"
    path.write_bytes("".join(["id,text\n"] + [f"d{n},Open weights number {n}.\n" for n in range(5)]).encode("utf-16"))
    for jobs in ("1", "2"):  # two workers: the file is not cut at byte b"\n" (half a UTF-16 character)
        out = tmp_path / f"out{jobs}.csv"
        assert main(["score", str(path), "-o", str(out), "--id-column", "id", "--n-jobs", jobs, "--chunksize", "2"]) == 0
        assert capsys.readouterr().err.strip().endswith("(input decoded from UTF-16 (byte order mark))")
        assert pd.read_csv(out)["doc_id"].tolist() == [f"d{n}" for n in range(5)]
    assert (tmp_path / "out1.csv").read_bytes() == (tmp_path / "out2.csv").read_bytes()


def _corrupt_pages(path) -> None:
    """Overwrite the middle of every data page, keeping the footer (as a bad disk block would)."""
    metadata = pq.ParquetFile(path).metadata
    data = bytearray(path.read_bytes())
    for group in range(metadata.num_row_groups):
        column = metadata.row_group(group).column(0)
        middle = column.data_page_offset + column.total_compressed_size // 2
        data[middle:middle + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


def test_parquet_with_corrupt_pages_is_one_error_naming_the_file(tmp_path):
    path = tmp_path / "pages.parquet"
    texts = [f"Sentence number {n} about open weights and more words." * 20 for n in range(400)]
    pq.write_table(pa.table({"text": texts}), path, row_group_size=200, compression="snappy", use_dictionary=False)
    _corrupt_pages(path)
    with pytest.raises(CorpusError, match=r"pages\.parquet: corrupt Parquet data after 0 rows: "):
        read_corpus(path)


def test_folder_file_name_not_utf8_is_written_losslessly(tmp_path, capsys):
    from openness.cli import main

    folder = tmp_path / "docs"
    folder.mkdir()
    raw_names = [b"caf\xe9.txt", b"back\\slash.txt", b"empty\xff.txt"]
    for raw, content in zip(raw_names, [b"Open weights, said a Latin-1 name.", b"A backslash in the name.", b""]):
        (folder / os.fsdecode(raw)).write_bytes(content)
    out = tmp_path / "out.csv"
    assert main(["score", str(folder), "-o", str(out), "--quiet"]) == 0
    scored = pd.read_csv(out, dtype=str)["doc_id"].tolist()
    rejects = pd.read_csv(tmp_path / "out.rejects.csv", dtype=str)
    assert scored == ["back\\\\slash", "caf\\xe9"]
    assert rejects[["doc_id", "reason"]].values.tolist() == [["empty\\xff", "empty text"]]
    assert rejects["location"].tolist() == [f"{folder.as_posix()}/empty\\xff.txt"]
    undone = [codecs.escape_decode(name.encode())[0] for name in scored + rejects["doc_id"].tolist()]
    assert undone == [raw.removesuffix(b".txt") for raw in (raw_names[1], raw_names[0], raw_names[2])]


def test_folder_with_an_unreadable_file_or_subfolder_rejects_it(tmp_path, monkeypatch):
    (tmp_path / "open.txt").write_text("A readable text.")
    (tmp_path / "locked.txt").write_text("A text nobody may read.")
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "inside.txt").write_text("Inside a folder nobody may list.")
    read_bytes, scandir = Path.read_bytes, os.scandir

    def refuse_locked(path):  # what reading gives a user without read permission (we run tests as root)
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    def refuse_closed(path="."):
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_locked)
    monkeypatch.setattr(os, "scandir", refuse_closed)
    corpus = read_corpus(tmp_path)
    assert corpus.docs["doc_id"].tolist() == ["open"] and balanced(corpus)
    assert corpus.rejects[["doc_id", "reason"]].values.tolist() == [
        ["closed", "cannot list folder: Permission denied"], ["locked", "cannot read: Permission denied"]]


def test_an_unreadable_table_file_is_one_error(tmp_path, monkeypatch):
    from openness.core import readers

    path = tmp_path / "locked.csv"
    path.write_text("text\nA text.\n")

    def refuse(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(readers, "open", refuse, raising=False)
    with pytest.raises(CorpusError, match=r"^.*locked\.csv: cannot read: Permission denied$"):
        read_corpus(path)


def test_jsonl_line_nested_too_deeply_or_with_a_huge_number_is_one_rejected_line(tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_text('{"text": "First text."}\n'
                    '{"text": "Deep.", "v": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
                    '{"text": "Long number.", "v": ' + "9" * 5_000 + "}\n"
                    '{"text": "Last text."}\n')
    corpus = read_corpus(path)
    assert corpus.docs["text"].tolist() == ["First text.", "Last text."] and balanced(corpus)
    assert corpus.rejects["reason"].tolist() == [
        "invalid JSON: nested too deeply",
        "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits"]
    assert corpus.rejects["location"].str.endswith(("line 2", "line 3")).all()


NULLABLE = pd.DataFrame({"id": pd.Series(["a", "b", None, "d"], dtype="string"),
                         "text": pd.Series(["Open weights.", None, "No id here.", "Closed weights."], dtype="string"),
                         "n": [1, 2, 3, 4]})


@pytest.mark.parametrize("form", ["string", "string[pyarrow]", "parquet from convert_dtypes()"])
def test_nullable_and_arrow_strings_are_first_class(tmp_path, form):
    if form.startswith("parquet"):
        NULLABLE.astype(object).convert_dtypes().to_parquet(tmp_path / "typed.parquet")
        source = tmp_path / "typed.parquet"
    else:
        source = NULLABLE.astype({"id": form, "text": form})
    corpus = read_corpus(source, id="id")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["a", "Open weights."], ["d", "Closed weights."]]
    where = "" if isinstance(source, pd.DataFrame) else f"{source}:"  # a file's rows are named with the file
    assert corpus.rejects[["location", "doc_id", "reason"]].values.tolist() == [
        [f"{where}row 1", "b", "missing text"], [f"{where}row 2", "", "missing id"]]
    assert corpus.docs["n"].tolist() == [1, 4] and balanced(corpus)
    if isinstance(source, pd.DataFrame):  # no text missing, yet an id: the texts keep their dtype up to the checks
        complete = read_corpus(source.assign(text=source["text"].fillna("Filled.")), id="id")
        assert complete.rejects[["location", "reason"]].values.tolist() == [["row 2", "missing id"]]


def test_dataframe_with_duplicate_column_names_is_one_error():
    table = pd.DataFrame([["a", "One text.", "x"]], columns=["id", "text", "text"])
    with pytest.raises(CorpusError, match=r"^DataFrame: column 'text' appears more than once"):
        read_corpus(table)


def test_html_nested_deeply_or_with_a_huge_attribute_keeps_its_text_or_says_why(tmp_path):
    (tmp_path / "attribute.html").write_text('<html><body><p title="' + "a" * 20_000_000 + '">A sentence in a page '
                                             "with a huge attribute.</p></body></html>")
    (tmp_path / "deep.html").write_text("<html><body><p>A sentence before the deep part.</p>" + "<div>" * 100_000
                                        + "x" + "</div>" * 100_000 + "<p>After it.</p></body></html>")
    (tmp_path / "only_deep.html").write_text("<html><body>" + "<div>" * 100_000 + "</div>" * 100_000 + "</body></html>")
    corpus = read_corpus(tmp_path)
    texts = dict(corpus.docs[["doc_id", "text"]].values.tolist())
    assert texts == {"attribute": "A sentence in a page with a huge attribute.", "deep": "A sentence before the deep part."}
    flags = corpus.flags[corpus.flags["doc_id"] == "deep"]["flag"].tolist()
    assert any(flag.startswith("HTML parsing stopped early (Excessive depth in document") for flag in flags)
    assert corpus.rejects[["doc_id", "reason"]].values.tolist() == [
        ["only_deep", "no text: HTML parsing stopped early (Excessive depth in document: 2048)"]]


def test_claims_table_reader_decodes_utf16_takes_nullable_strings_and_survives_all_rows_rejected(tmp_path):
    """`openness claims --dimension-column` reads tables with a reader of its own (every row
    kept): the same decoding and dtypes as read_corpus, and a table whose every row is
    rejected is written as such."""
    from openness.cli import main

    table = pd.DataFrame({"id": ["a", "b"], "text": ["The weights are open.", "Only a note."],
                          "dimension": ["weights_basemodel", "no_such_dimension"]})
    (tmp_path / "editor.csv").write_bytes(table.to_csv(index=False).encode("utf-16"))
    table.convert_dtypes().to_parquet(tmp_path / "typed.parquet")
    table.assign(dimension="no_such_dimension").to_csv(tmp_path / "none.csv", index=False)
    for name, kept in (("editor.csv", ["a"]), ("typed.parquet", ["a"]), ("none.csv", [])):
        out = tmp_path / f"{name}.out.csv"
        assert main(["claims", str(tmp_path / name), "--id-column", "id", "--dimension-column", "dimension",
                     "-o", str(out), "--quiet"]) == 0, name
        assert pd.read_csv(out, dtype=str)["doc_id"].tolist() == kept, name
        rejected = pd.read_csv(tmp_path / f"{name}.out.rejects.csv", dtype=str)["doc_id"].tolist()
        assert sorted(kept + rejected) == ["a", "b"], name


def test_claims_table_reader_rejects_a_jsonl_line_no_json_decoder_takes_and_replaces_lone_surrogates(tmp_path, capsys):
    """`openness claims --dimension-column` reads JSONL with the decoder `openness score` uses:
    a line nested too deeply, a 5,000-digit number or no JSON at all is one rejected line
    (the whole file was refused), and a lone surrogate in any field becomes U+FFFD (it was a
    pyarrow UnicodeEncodeError under pandas 3)."""
    from openness.cli import main

    path = tmp_path / "notes.jsonl"
    path.write_text('{"id": "a", "text": "The weights are open.", "dimension": "weights_basemodel"}\n'
                    '{"id": "b", "text": "Deep.", "dimension": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
                    '{"id": "c", "text": "Long.", "dimension": ' + "9" * 5_000 + "}\n"
                    '{"id": "d", text: "A key without quotes."}\n'
                    '{"id": "e\\udc80", "text": "The code is on GitHub\\udc80.", "dimension": "code"}\n'
                    '{"id": "f", "text": "A paper.", "dimension": "pa\\udc80per"}\n')
    out = tmp_path / "levels.csv"
    assert main(["claims", str(path), "--id-column", "id", "--dimension-column", "dimension", "-o", str(out)]) == 0
    assert capsys.readouterr().err.strip().startswith("6 read, 2 claim rows")
    assert pd.read_csv(out, dtype=str)["doc_id"].tolist() == ["a", "e\ufffd"]
    rejects = pd.read_csv(tmp_path / "levels.rejects.csv", dtype=str, keep_default_na=False)
    assert rejects["location"].tolist() == [f"{path.as_posix()}:line {n}" for n in (2, 3, 4, 6)]
    assert rejects["reason"][3].startswith("dimension 'pa\ufffdper' is not one of")
    assert rejects["reason"].tolist()[:3] == read_corpus(path).rejects["reason"].tolist() == [
        "invalid JSON: nested too deeply",
        "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits",
        "invalid JSON: Expecting property name enclosed in double quotes (column 13)"]


def test_output_names_that_are_not_utf8_are_written_in_the_same_form(tmp_path, capsys):
    from openness.cli import main

    source = tmp_path / os.fsdecode(b"in\xff.csv")
    source.write_text("text\nOpen weights.\n\n")
    out = tmp_path / os.fsdecode(b"out\xfe.csv")
    assert main(["score", str(source), "-o", str(out)]) == 0
    assert capsys.readouterr().err.strip() == (f"1 read, 1 scored -> {tmp_path.as_posix()}/out\\xfe.csv "
                                               "(ids are row numbers from 0: no doc_id or id column; --id-column names one)")
    assert main(["score", str(source), "-o", str(source)]) == 2
    assert f"{tmp_path.as_posix()}/in\\xff.csv" in capsys.readouterr().err


def test_a_rubric_nested_too_deeply_is_one_error(tmp_path):
    from openness.core.rubric import RubricError, load_rubric

    path = tmp_path / "deep.yaml"
    path.write_text("themes: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(RubricError, match=r"deep\.yaml: .*nested too deeply"):
        load_rubric(path)


def test_an_id_is_claimed_only_by_a_kept_row_whatever_the_chunking():
    """Found by test_fuzz_parquet: a row rejected as a duplicate text used to claim its id, so
    a later row with that id was rejected as 'duplicate id (first kept)' though no row with it
    was kept, and only when both rows were in one chunk."""
    from openness.core.corpus import iter_corpus

    table = pd.DataFrame({"id": ["a", "b", "b"], "text": ["Same words.", "Same words.", "Other words."]})
    whole = read_corpus(table, id="id")
    assert whole.docs[["doc_id", "text"]].values.tolist() == [["a", "Same words."], ["b", "Other words."]]
    assert whole.rejects[["doc_id", "reason"]].values.tolist() == [["b", "duplicate text of doc_id 'a'"]]
    path_rows = [chunk.rejects.values.tolist() for chunk in iter_corpus(table, id="id", chunksize=1)]
    assert sum(path_rows, []) == whole.rejects.values.tolist()


def test_a_dataframe_id_with_a_lone_surrogate_becomes_a_replacement_character():
    # an id decoded with errors: pandas would make Arrow strings of it, which refuse a surrogate
    frame = pd.DataFrame({"doc_id": ["bad\udc80id", "fine"], "text": ["Meta released open weights.", "OpenAI did not."]},
                         dtype=object)
    corpus = read_corpus(frame, id="doc_id")
    assert corpus.docs["doc_id"].tolist() == ["bad\ufffdid", "fine"]
    assert corpus.n_read == 2 and len(corpus.rejects) == 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_windows_1252_csv_is_decoded_as_such_and_the_summary_says_so(tmp_path, capsys, jobs):
    """Excel's 'CSV' on Windows: curly quotes (0x93 0x94), the euro sign (0x80) and 'é' (0xe9)
    are not UTF-8. 0x81 is undefined in Windows-1252: it alone becomes U+FFFD."""
    from openness.cli import main

    path = tmp_path / "excel.csv"
    path.write_bytes(b"id,text\na,Plain ASCII: open weights.\n"
                     b"b,\x93Open\x94 weights cost 5 \x80 for the caf\xe9.\nc,A stray \x81 byte.\n")
    corpus = read_corpus(path)
    assert corpus.docs["text"].tolist() == ["Plain ASCII: open weights.", "\u201cOpen\u201d weights cost 5 \u20ac for the café.",
                                            "A stray \ufffd byte."]
    # offsets are into the decoded text: the euro sign is one character
    assert corpus.docs["text"][1].index("for") == len("\u201cOpen\u201d weights cost 5 \u20ac ")
    first_bad = len(b"id,text\na,Plain ASCII: open weights.\nb,")
    note = f"decoded as Windows-1252: not valid UTF-8 (first invalid byte at offset {first_bad})"
    assert corpus.flags.values.tolist() == [["b", note], ["c", note]] and balanced(corpus)  # not the ASCII row
    out = tmp_path / f"out{jobs}.csv"
    assert main(["score", str(path), "-o", str(out), "--n-jobs", jobs, "--chunksize", "1"]) == 0
    assert capsys.readouterr().err.strip() == (f"3 read, 3 scored -> {out} (input {note}) "
                                               "(ids from column 'id'; --id-column names another)")


def test_a_windows_1252_header_names_its_columns_as_the_run_reads_them(tmp_path):
    """The id guess reads the header with the decoding the run uses: 'Überschrift' matches."""
    from openness.core.corpus import id_column

    path = tmp_path / "excel.csv"
    path.write_bytes("ID;Überschrift\n1;Offene Gewichte, sagt das Labor.\n".encode("cp1252"))
    assert id_column(path, text="Überschrift") == "ID"
    corpus = read_corpus(path, text="Überschrift")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["1", "Offene Gewichte, sagt das Labor."]]


def test_reading_a_csv_leaves_no_file_open(tmp_path):
    """Each read closed its handles (it was a ResourceWarning 'unclosed file' on every CSV read)."""
    import gc
    import warnings

    from openness.core.corpus import id_column, iter_corpus

    good, broken = tmp_path / "good.csv", tmp_path / "broken.csv"
    good.write_text("id,text\na,One.\nb,Two.\nc,Three.\n")
    broken.write_text("id,text\na,One.\nb,Two,three\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert id_column(good) == "id"
        assert len(read_corpus(good).docs) == 3
        assert [len(chunk.docs) for chunk in iter_corpus(good, chunksize=2)] == [2, 1]
        with pytest.raises(CorpusError):
            read_corpus(broken)
        with pytest.raises(CorpusError):
            list(iter_corpus(broken, chunksize=1))
        gc.collect()
    assert [str(warning.message) for warning in caught if issubclass(warning.category, ResourceWarning)] == []


def test_windows_1252_text_that_spells_a_utf8_character_now_and_then_stays_windows_1252(tmp_path):
    """German and French in Windows-1252: 'ß“' and 'É»' are also valid UTF-8 pairs, but the
    file's other accented letters are not, so it is read as Windows-1252, every letter kept."""
    texts = [f"Die Öffnung der Gewichte Nummer {i} für alle." for i in range(20)] + ["„Spaß“ sagt man.", "« LIBERTÉ»"]
    path = tmp_path / "de.csv"
    path.write_bytes(("id,text\n" + "".join(f"r{i},{t}\n" for i, t in enumerate(texts))).encode("cp1252"))
    corpus = read_corpus(path)
    assert corpus.docs["text"].tolist() == texts and corpus.rejects.empty
    assert corpus.flags["flag"].str.startswith("decoded as Windows-1252").all()


@pytest.mark.parametrize("name, data, texts", [
    # the UTF-8 characters come after the broken byte: still UTF-8
    ("late.csv", b"id,text\na,A broken \xe9 byte.\nb," + "Naïve résumé.\n".encode(), ["A broken \ufffd byte.", "Naïve résumé."]),
    # Excel's "CSV UTF-8" starts with a BOM: UTF-8, and the first column keeps its plain name
    ("bom.csv", b"\xef\xbb\xbftext,id\nPlain.,a\nA broken \xe9 byte.,b\n", ["Plain.", "A broken \ufffd byte."]),
])
def test_a_file_of_utf8_characters_is_utf8_wherever_its_broken_byte_is(tmp_path, name, data, texts):
    path = tmp_path / name
    path.write_bytes(data)
    corpus = read_corpus(path)
    assert corpus.docs["text"].tolist() == texts and corpus.docs["doc_id"].tolist() == ["a", "b"]
    assert corpus.flags["flag"].str.startswith("decoded with replacement").tolist() == [True]


def test_a_utf8_csv_with_a_broken_byte_stays_utf8(tmp_path, capsys):
    """Valid UTF-8 characters in the file: UTF-8 with a broken byte, not Windows-1252 (which
    would turn every 'é' of the file into 'Ã©'); the bad byte alone is U+FFFD."""
    from openness.cli import main

    path = tmp_path / "cut.csv"
    path.write_bytes("id,text\na,Café: open weights.\n".encode() + b"b,A broken \xe9 byte.\nc,Plain.\n")
    corpus = read_corpus(path)
    assert corpus.docs["text"].tolist() == ["Café: open weights.", "A broken \ufffd byte.", "Plain."]
    first_bad = len("id,text\na,Café: open weights.\nb,A broken ".encode())  # 'é' is two bytes
    note = f"decoded with replacement: not valid UTF-8 (first invalid byte at offset {first_bad}), in a file of UTF-8 characters"
    assert corpus.flags.values.tolist() == [["b", note]] and balanced(corpus)
    assert main(["score", str(path), "-o", str(tmp_path / "out.csv"), "--n-jobs", "2", "--chunksize", "1"]) == 0
    assert capsys.readouterr().err.strip().endswith(f"(input {note}) (ids from column 'id'; --id-column names another)")


# -- an encoding the reader does not guess, named by the user (`encoding=`, `--encoding`) ----------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_csv_in_a_codec_named_by_the_user_is_read_as_written_with_any_number_of_workers(tmp_path, capsys, jobs):
    """GBK (a Chinese spreadsheet's export) is guessed as Windows-1252, every character garbled;
    named, it is read as written, unflagged, and the summary says nothing of decoding."""
    from openness.cli import main

    texts = ["开源模型 open weights by Meta.", "OpenAI 的模型是封闭的。"]
    path = tmp_path / "gbk.csv"
    path.write_bytes(("id,text\n" + "".join(f"r{i},{t}\n" for i, t in enumerate(texts))).encode("gbk"))
    assert read_corpus(path).docs["text"].tolist() != texts  # the guess cannot know
    corpus = read_corpus(path, encoding="gbk")
    assert corpus.docs["text"].tolist() == texts and corpus.flags.empty and balanced(corpus)
    out = tmp_path / f"out{jobs}.csv"
    assert main(["score", str(path), "-o", str(out), "--encoding", "GBK", "--n-jobs", jobs, "--chunksize", "1"]) == 0
    assert capsys.readouterr().err.strip() == f"2 read, 2 scored -> {out} (ids from column 'id'; --id-column names another)"
    assert pd.read_csv(out)["labs"].tolist() == ["meta", "openai"]


def test_bytes_not_valid_in_the_named_codec_are_replaced_and_flagged_row_by_row(tmp_path, capsys):
    from openness.cli import main

    path = tmp_path / "sjis.csv"
    path.write_bytes("id,text\na,日本語の記事.\n".encode("shift_jis") + b"b,A stray \xff byte.\n")
    corpus = read_corpus(path, encoding="shift_jis")
    first_bad = path.read_bytes().index(b"\xff")
    note = f"decoded with replacement: not valid shift_jis (first invalid byte at offset {first_bad})"
    assert corpus.docs["text"].tolist() == ["日本語の記事.", "A stray \ufffd byte."]
    assert corpus.flags.values.tolist() == [["b", note]] and balanced(corpus)
    assert main(["score", str(path), "-o", str(tmp_path / "out.csv"), "--encoding", "shift_jis"]) == 0
    assert f"(input {note})" in capsys.readouterr().err


def test_a_folder_in_a_named_codec_reads_utf16_without_its_mark_once_its_byte_order_is_named(tmp_path):
    """Without a byte order mark, UTF-16's NUL bytes are text once the user names the codec and
    its byte order; `utf-16` alone says no byte order, and the file is rejected saying so."""
    (tmp_path / "a.txt").write_bytes("Stra\u00dfe und Caf\u00e9.".encode("utf-16-le"))
    assert read_corpus(tmp_path).rejects["reason"].str.startswith("binary content (NUL bytes)").tolist() == [True]
    corpus = read_corpus(tmp_path, encoding="utf-16-le")
    assert corpus.docs["text"].tolist() == ["Stra\u00dfe und Caf\u00e9."] and corpus.flags.empty
    assert read_corpus(tmp_path, encoding="utf-16").rejects["reason"].tolist() == [
        "cannot read as UTF-16: no byte order mark; name the byte order (utf-16-le or utf-16-be)"]
    (tmp_path / "a.txt").write_bytes("Caf\u00e9 ".encode("latin-1") + b"\x00 binary.")
    assert read_corpus(tmp_path, encoding="latin-1").rejects["reason"].tolist() == ["binary content (NUL bytes)"]


def test_a_folder_in_utf32_is_text_once_named(tmp_path):
    (tmp_path / "a.txt").write_bytes("Stra\u00dfe und Caf\u00e9.".encode("utf-32-le"))
    assert read_corpus(tmp_path, encoding="utf-32-le").docs["text"].tolist() == ["Stra\u00dfe und Caf\u00e9."]


def test_a_folder_file_not_valid_in_the_named_codec_is_flagged_where_it_breaks(tmp_path):
    (tmp_path / "note.txt").write_bytes("記事.".encode("gbk") + b" \xff end.")
    corpus = read_corpus(tmp_path, encoding="gbk")
    assert corpus.docs["text"].tolist() == ["記事. \ufffd end."]
    assert corpus.flags.values.tolist() == [["note", "decoded with replacement (not valid gbk at byte 6)"]]


def test_a_byte_order_mark_wins_over_a_named_codec_and_the_note_says_so(tmp_path):
    """Notepad's files carry the mark of what they are: named cp1252, a UTF-8 or UTF-16 file
    with its mark is still read as the mark says (it was garbled, its first column renamed)."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"\xef\xbb\xbf" + "Caf\u00e9 open.".encode())
    (folder / "b.txt").write_bytes("Open, caf\u00e9.".encode("utf-16"))
    (folder / "c.txt").write_bytes("Caf\u00e9 plain.".encode("cp1252"))
    corpus = read_corpus(folder, encoding="cp1252")
    assert corpus.docs["text"].tolist() == ["Caf\u00e9 open.", "Open, caf\u00e9.", "Caf\u00e9 plain."]
    assert corpus.flags.values.tolist() == [
        ["a", "read as its byte order mark says (UTF-8), not as cp1252"],
        ["b", "read as its byte order mark says (UTF-16), not as cp1252"]]
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "id,text\na,Caf\u00e9 open.\n".encode())
    corpus = read_corpus(path, encoding="cp1252")
    assert corpus.docs[["doc_id", "text"]].values.tolist() == [["a", "Caf\u00e9 open."]]
    assert corpus.flags.values.tolist() == [["a", "read as its byte order mark says (UTF-8), not as cp1252"]]
    path.write_bytes("id,text\na,Caf\u00e9 open.\n".encode("utf-16"))  # the mark's note says it once, not twice
    assert read_corpus(path, encoding="cp1252").flags["flag"].tolist() == [
        "read as its byte order mark says (UTF-16), not as cp1252"]


def test_the_invalid_byte_of_a_named_utf8_file_is_counted_from_the_files_start(tmp_path, capsys):
    """As the guess counts it: the mark's three bytes included, whatever the block size."""
    from openness.cli import main

    path = tmp_path / "b.csv"
    path.write_bytes(b"\xef\xbb\xbfid,text\na,caf\xc3\xa9.\nb,bad \xff.\n")
    notes = []
    for named in ([], ["--encoding", "utf-8"]):
        assert main(["score", str(path), "-o", str(tmp_path / "out.csv"), *named]) == 0
        notes.append(capsys.readouterr().err.split("(input ")[1].split(")")[0])
    first_bad = path.read_bytes().index(b"\xff")
    assert notes[0] == notes[1] == f"decoded with replacement: not valid UTF-8 (first invalid byte at offset {first_bad}"


@pytest.mark.parametrize("name, encoding, message", [
    ("notes.jsonl", "cp1252", "notes.jsonl: an encoding is for a CSV file or a folder's files; JSON Lines are UTF-8"),
    ("notes.parquet", "cp1252", "notes.parquet: an encoding is for a CSV file or a folder's files; Parquet text is UTF-8"),
    ("notes.csv", "klingon", "unknown encoding 'klingon' (e.g. utf-8, cp1252"),
    ("notes.csv", "base64", "'base64' is not a text encoding"),
    ("notes.csv", "utf-16", "notes.csv: cannot read as UTF-16: UTF-16 stream does not start with BOM; without a byte "
                            "order mark name the byte order (utf-16-le or utf-16-be)"),
    ("notes.csv", "utf-32", "notes.csv: cannot read as UTF-32: UTF-32 stream does not start with BOM"),
    ("notes.csv", "punycode", "notes.csv: cannot read as punycode: "),
])
def test_an_encoding_that_cannot_apply_is_one_clear_error(tmp_path, name, encoding, message):
    path = tmp_path / name
    frame = pd.DataFrame({"text": ["Open weights."]})
    frame.to_parquet(path) if name.endswith(".parquet") else frame.to_csv(path, index=False) if name.endswith(".csv") \
        else frame.to_json(path, orient="records", lines=True)
    with pytest.raises(CorpusError) as error:
        read_corpus(path, encoding=encoding)
    assert message in str(error.value)


def test_a_dataframe_or_a_corpus_takes_no_encoding():
    from openness.core.streaming import score_iter

    frame = pd.DataFrame({"text": ["Open weights."]})
    with pytest.raises(CorpusError, match="DataFrame: an encoding is for a CSV file or a folder's files; a DataFrame "
                                          "holds text already"):
        read_corpus(frame, encoding="cp1252")
    with pytest.raises(CorpusError, match="Corpus: an encoding is for a CSV file or a folder's files; a Corpus holds"):
        list(score_iter(read_corpus(frame), encoding="cp1252"))


def test_a_codec_that_cannot_read_a_folder_file_rejects_that_file_only(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Open weights \xff here.")
    corpus = read_corpus(tmp_path, encoding="punycode")
    assert corpus.docs.empty and corpus.rejects["reason"].str.startswith("cannot read as punycode: ").tolist() == [True]


def test_claims_and_audit_read_the_named_codec_as_score_does(tmp_path, capsys):
    """One row in, one level out, with the text as written: the dimension path reads the table
    on its own (`read_table`); the audit draws from the corpus as `score` reads it."""
    from openness.cli import main

    path = tmp_path / "notes.csv"
    path.write_bytes("row;text;field\na;Les poids sont publiés sous licence Apache 2.0, ouverts à tous;licence\n"
                     .encode("cp850"))
    out = tmp_path / "levels.csv"
    assert main(["claims", str(path), "-o", str(out), "--dimension-column", "field", "--encoding", "cp850"]) == 0
    assert "decoded" not in capsys.readouterr().err
    assert pd.read_csv(out)[["dimension", "level"]].values.tolist() == [["licenses", "open"]]
    view = tmp_path / "view.csv"
    assert main(["audit", str(path), "-o", str(tmp_path / "sheet.csv"), "--view", str(view), "--sentences",
                 "--n", "1", "--encoding", "cp850"]) == 0
    assert "publiés" in pd.read_csv(view)["text"].iloc[0]
    assert main(["audit", "news-scrape", "-o", str(tmp_path / "s.csv"), "--encoding", "cp850"]) == 2
    assert "--encoding are for a corpus file" in capsys.readouterr().err


def test_the_summary_of_a_folder_says_how_many_files_were_flagged_and_the_first(tmp_path, capsys):
    """`openness score`'s output has no flag column: a folder file decoded as Windows-1252 (or
    from a codec's replacement) was said nowhere; a CSV's decoding is said once, as before."""
    from openness.cli import main

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text("Plain text on open weights.", encoding="utf-8")
    (folder / "b.txt").write_bytes("Caf\xe9 owners on open weights.".encode("cp1252"))
    (folder / "c.md").write_text("---\ndate: soon\n---\nA third note on open weights.\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["score", str(folder), "-o", str(out)]) == 0
    assert capsys.readouterr().err.strip() == (
        f"3 read, 3 scored -> {out} (2 documents flagged (first: b, decoded as Windows-1252 (invalid UTF-8 at byte 3); "
        "in Python `read_corpus(...).flags` lists them))")
    flags = "2 documents flagged (first: b, decoded as Windows-1252 (invalid UTF-8 at byte 3)"
    assert main(["claims", str(folder), "-o", str(tmp_path / "claims.csv")]) == 0
    assert flags in capsys.readouterr().err
    assert main(["audit", str(folder), "-o", str(tmp_path / "sheet.csv"), "--n", "1"]) == 0
    assert flags in capsys.readouterr().err
    named_like_a_file = tmp_path / "notes.csv"  # a folder: no input note to look for, no crash
    folder.rename(named_like_a_file)
    assert main(["claims", str(named_like_a_file), "-o", str(tmp_path / "claims.csv")]) == 0
    assert flags in capsys.readouterr().err
    path = tmp_path / "excel.csv"
    path.write_bytes("id,text\na,Caf\xe9 owners.\n".encode("cp1252"))
    assert main(["score", str(path), "-o", str(out)]) == 0
    assert "flagged" not in capsys.readouterr().err
