"""The command-line contract of `openness score`, `explain`, `rubric check` and `labs`."""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from openness import paths
from openness.cli import main

DOCUMENT_HEAD = [
    "doc_id", "n_words", "transparency", "safety", "control",
    "transparency_stance", "safety_stance", "control_stance", "stance", "labs",
]

TEXTS = [
    ("n1", "OpenAI keeps its weights closed. Meta released Llama openly."),
    ("n2", "The weather was pleasant and nothing else happened."),
    ("n3", ""),  # empty: rejected
    ("n1", "A second row reusing an id."),  # duplicate id: rejected
]


@pytest.fixture
def news_csv(tmp_path):
    path = tmp_path / "news.csv"
    pd.DataFrame(TEXTS, columns=["url", "body"]).to_csv(path, index=False)
    return path


def test_document_unit_columns_and_rejects(news_csv, tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert main(["score", str(news_csv), "--text-column", "body", "--id-column", "url", "-o", str(out)]) == 0
    table = pd.read_csv(out, dtype={"doc_id": str, "labs": str}, keep_default_na=False)
    assert list(table.columns[: len(DOCUMENT_HEAD)]) == DOCUMENT_HEAD
    assert table["doc_id"].tolist() == ["n1", "n2"]
    assert table.loc[0, "labs"] == "meta;openai" and table.loc[1, "labs"] == ""
    assert table.loc[1, ["transparency", "safety", "control"]].tolist() == [0, 0, 0]
    assert table.loc[1, "stance"] == "neutral"
    rejects = pd.read_csv(tmp_path / "scores.rejects.csv")
    assert len(rejects) == 2 and rejects["reason"].str.contains("empty").any()
    assert rejects["reason"].str.contains("duplicate id").any()
    assert "scores.rejects.csv" in capsys.readouterr().err


def test_the_summary_names_every_file_written(news_csv, tmp_path, capsys):
    out, evidence = tmp_path / "scores.csv", tmp_path / "hits.csv"
    assert main(["score", str(news_csv), "--text-column", "body", "--id-column", "url", "--evidence", str(evidence),
                 "-o", str(out)]) == 0
    assert capsys.readouterr().err.strip() == (f"4 read, 2 scored -> {out}, cue hits -> {evidence}; "
                                               f"2 rejected -> {tmp_path / 'scores.rejects.csv'}")


def test_explain_prints_one_document_as_the_library_explains_it(tmp_path, capsys):
    from openness import score, with_model_stance

    texts = pd.DataFrame({"url": ["a", "b", "c"], "body": [
        "Meta released the Llama weights openly. Releasing the weights is reckless because terrorists could use "
        "them. Once weights are released they cannot be recalled.", "We bake bread.", "We bake bread."]})
    path = tmp_path / "articles.csv"
    texts.to_csv(path, index=False)
    command = ["explain", str(path), "a", "--text-column", "body", "--id-column", "url"]
    scores = score(texts.rename(columns={"url": "doc_id", "body": "text"}))
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert printed == f"{with_model_stance(scores).explain('a')}\n"
    assert "decided by the stance model, pushed by" in printed and "decided by the rubric's cues" in printed
    assert main([*command, "--stance", "rubric"]) == 0
    assert capsys.readouterr().out == f"{scores.explain('a')}\n"
    assert main([*command[:2], "c", *command[3:]]) == 2
    assert capsys.readouterr().err == (f"openness: error: {path}: no document with id 'c': {path}:line 4 was not "
                                       "scored (duplicate text of doc_id 'b')\n")
    assert main([*command[:2], "d", *command[3:]]) == 2
    assert capsys.readouterr().err == (f"openness: error: {path}: no document with id 'd' (its 2 documents have ids "
                                       "such as 'a', 'b')\n")
    assert main(["explain", str(path), "a", "--text-column", "body"]) == 2  # without --id-column: row numbers
    assert capsys.readouterr().err.endswith("ids such as '0', '1'; --id-column picks the column they come from)\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "one.txt").write_text("We bake bread.")
    assert main(["explain", str(folder), "one.txt"]) == 2
    assert capsys.readouterr().err.endswith("ids such as 'one'; a folder's ids are its file names without their "
                                            "extension)\n")


def test_sentence_unit_and_evidence(news_csv, tmp_path):
    out, evidence = tmp_path / "sentences.csv", tmp_path / "evidence.csv"
    code = main(["score", str(news_csv), "--text-column", "body", "--unit", "sentence", "--evidence", str(evidence), "--quiet", "-o", str(out)])
    assert code == 0
    table = pd.read_csv(out, dtype={"doc_id": str}, keep_default_na=False)
    assert list(table.columns[:4]) == ["doc_id", "sentence", "start", "end"]
    assert list(table.columns[4 : 4 + len(DOCUMENT_HEAD) - 1]) == DOCUMENT_HEAD[1:]
    # without --id-column, ids are row numbers; row 0 has two sentences
    assert table[table.doc_id == "0"][["sentence", "start", "end"]].values.tolist() == [[0, 0, 32], [1, 33, len(TEXTS[0][1])]]
    hits = pd.read_csv(evidence, dtype={"doc_id": str})
    assert list(hits.columns) == ["doc_id", "sentence", "start", "end", "theme", "criterion", "cue", "stance", "negated"]
    text = TEXTS[0][1]
    assert all(text[s:e].strip() == text[s:e] and e > s for s, e in zip(hits.start, hits.end))


@pytest.mark.parametrize("column", ["doc_id", "id"])
def test_a_table_s_doc_id_or_id_column_names_the_documents_unless_another_is_named(tmp_path, capsys, column):
    corpus = tmp_path / "in.csv"
    pd.DataFrame({column: ["a1", "a1", "c3"], "ref": ["r1", "r2", "r3"],
                  "text": ["Open weights.", "A second text.", "Closed models."]}).to_csv(corpus, index=False)
    out = tmp_path / "out.csv"
    assert main(["score", str(corpus), "-o", str(out)]) == 0
    assert f"ids from column {column!r}" in capsys.readouterr().err
    assert pd.read_csv(out)["doc_id"].tolist() == ["a1", "c3"]  # the repeated id is rejected
    assert pd.read_csv(tmp_path / "out.rejects.csv")["reason"].str.startswith("duplicate id").tolist() == [True]
    assert main(["score", str(corpus), "-o", str(out), "--id-column", "ref", "--quiet"]) == 0
    assert pd.read_csv(out)["doc_id"].tolist() == ["r1", "r2", "r3"]
    pd.DataFrame({"key": ["x"], "text": ["Open weights."]}).to_csv(corpus, index=False)  # no such column: row numbers
    assert main(["score", str(corpus), "-o", str(out)]) == 0
    assert pd.read_csv(out, dtype=str)["doc_id"].tolist() == ["0"]
    assert capsys.readouterr().err.strip().endswith("(ids are row numbers from 0: no doc_id or id column; "
                                                    "--id-column names one)")
    assert main(["score", str(corpus), "-o", str(out), "--id-column", "key"]) == 0  # ids named: nothing to say
    assert capsys.readouterr().err.strip() == f"1 read, 1 scored -> {out}"
    folder = tmp_path / "articles.csv"  # a folder, whatever its name: its ids are file names
    folder.mkdir()
    (folder / "a.txt").write_text("Open weights.")
    assert main(["score", str(folder), "-o", str(out)]) == 0
    assert capsys.readouterr().err.strip() == f"1 read, 1 scored -> {out}"
    assert pd.read_csv(out, dtype=str)["doc_id"].tolist() == ["a"]


def test_same_input_same_bytes(news_csv, tmp_path):
    outputs = []
    for name in ("a.csv", "b.csv"):
        main(["score", str(news_csv), "--text-column", "body", "--quiet", "-o", str(tmp_path / name)])
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "args, message",
    [
        (["score", "missing.csv", "-o", "x.csv"], "missing.csv"),
        (["score", "{csv}", "--text-column", "nope", "-o", "x.csv"], "nope"),
        (["score", "{csv}", "--rubric", "{bad_rubric}", "-o", "x.csv"], "bad.yaml"),
        (["rubric", "check", "{bad_rubric}"], "bad.yaml"),
    ],
)
def test_fatal_errors_are_one_line_and_nonzero(args, message, news_csv, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\nthemes:\n  wellbeing: {criteria: {}}\n")
    argv = [a.format(csv=news_csv, bad_rubric=bad) for a in args]
    result = subprocess.run([sys.executable, "-m", "openness.cli", *argv], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("openness: error:") and message in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_rubric_check_reports_the_shipped_rubric(capsys):
    from openness.paths import DEFAULT_RUBRIC

    assert main(["rubric", "check", str(DEFAULT_RUBRIC)]) == 0
    out = capsys.readouterr().out
    assert "is valid" in out and "transparency" in out and "control" in out
    assert "no negators" not in out  # the shipped rubric has its negators
    assert main(["rubric", "check"]) == 0  # no file: the shipped rubric
    assert capsys.readouterr().out == out


def test_rubric_check_names_every_cue_that_can_never_count(tmp_path):
    rubric = tmp_path / "dead.yaml"
    rubric.write_text("id: d\nversion: '1'\nthemes:\n  control:\n    criteria:\n      C1:\n        label: power\n"
                      "        cues: ['power*of', 'monopol*', 'monopoly', 'lock-in']\n")
    result = subprocess.run([sys.executable, "-m", "openness.cli", "rubric", "check", str(rubric)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert [line.split(": cue ")[1].split(":")[0] for line in result.stdout.splitlines()] == ["C1.power_of", "C1.monopoly"]
    assert result.stderr.strip() == f"openness: error: {rubric}: 2 cue(s) can never count (listed above)"



def test_rubric_check_says_a_blocker_can_never_block(tmp_path, capsys):
    rubric = tmp_path / "blocked.yaml"
    rubric.write_text("id: b\nversion: '1'\nthemes:\n  safety:\n    criteria:\n      S1:\n        label: harm\n"
                      "        cues: ['threat*', {id: S1.no_harm, regex: 'threats?', blocks: true}]\n")
    assert main(["rubric", "check", str(rubric)]) == 2
    assert capsys.readouterr().out == (f"{rubric}: theme safety: criterion S1: cue S1.no_harm: can never block: "
                                       "every example of it is taken by S1.threat* instead\n")

def test_rubric_check_lists_the_cues_a_corpus_never_fires(tmp_path, capsys):
    rubric = tmp_path / "small.yaml"
    rubric.write_text("id: s\nversion: '1'\nthemes:\n  control:\n    criteria:\n      C1:\n        label: power\n"
                      "        cues: ['concentrat* of power', 'lock-in', 'moat*']\n")
    corpus = tmp_path / "corpus.csv"
    corpus.write_text("text\nOur notes warn of a concentration of power.\nA wide moat protects the castle.\n")
    assert main(["rubric", "check", str(rubric), "--corpus", str(corpus)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "is valid" in lines[0]
    assert lines[1].startswith(f"{rubric}: no negators (negation: negators:), so no hit is ever negated")
    assert lines[2:] == [f"1 of 3 cues never fire on {corpus} (2 documents)", "  C1.lock_in (control C1)"]


def test_rubric_check_says_how_many_corpus_rows_it_left_out(tmp_path, capsys):
    """Rows `openness score` rejects are not read for cues either; the count of documents alone
    would hide them from a user who knows how many rows the file has."""
    rubric = tmp_path / "small.yaml"
    rubric.write_text("id: s\nversion: '1'\nthemes:\n  control:\n    criteria:\n      C1:\n        label: power\n"
                      "        cues: ['concentrat* of power', 'moat*']\n")
    corpus = tmp_path / "corpus.csv"
    corpus.write_text("url,text\na,Our notes warn of a concentration of power.\nb,\na,A wide moat.\nc,A quiet day.\n")
    assert main(["rubric", "check", str(rubric), "--corpus", str(corpus), "--id-column", "url"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2:] == [f"1 of 2 cues never fire on {corpus} (2 documents; 2 rows not read, as openness score rejects them)",
                         "  C1.moat* (control C1)"]


def test_rubric_check_takes_a_registered_source_as_corpus(mirror, capsys):
    """`--corpus news-scrape` scores the source's cleaned articles, as `openness audit` does."""
    assert main(["rubric", "check", str(paths.DEFAULT_RUBRIC), "--corpus", "news-scrape"]) == 0
    lines = capsys.readouterr().out.splitlines()
    found = re.fullmatch(r"(\d+) of (\d+) cues never fire on news-scrape \((\d+) documents\)", lines[1])
    assert found and int(found[3]) == 963
    silent = {line.split()[0] for line in lines[2:]}
    assert len(silent) == int(found[1]) < int(found[2])
    assert "S2.structured_access" in silent and "S1.risk*" not in silent


def test_a_reader_that_stops_early_gets_no_traceback():
    """`openness labs | head -3`: the pipe closes before the table is written."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write
    try:
        result = subprocess.run([sys.executable, "-m", "openness.cli", "labs"], stdout=write_end, stderr=subprocess.PIPE,
                                text=True, cwd=paths.ROOT)
    finally:
        os.close(write_end)
    assert result.stderr == "" and result.returncode == 141


def test_labs_lists_the_registry(capsys):
    """Every lab once, as "Name (id)" under its group (tests/test_lab_list.py checks the groups)."""
    assert main(["labs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [found[1] for line in lines if (found := re.fullmatch(r"  \S.* \(([a-z0-9_]+)\)", line))]
    assert lines[0].startswith("43 labs of the registry openness/core/labs.yaml: ")
    assert len(ids) == len(set(ids)) == 43
    assert {"xai", "openai", "anthropic", "meta", "ai2", "eleutherai", "amazon"} <= set(ids)


def test_folder_input_scores_the_examples(tmp_path):
    from openness.paths import EXAMPLES

    out = tmp_path / "examples.csv"
    assert main(["score", str(EXAMPLES), "--quiet", "-o", str(out)]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    assert sorted(table["doc_id"]) == sorted(p.stem for p in EXAMPLES.glob("*.md"))
    assert not (tmp_path / "examples.rejects.csv").exists()


def test_a_clean_run_removes_an_earlier_runs_rejects(news_csv, tmp_path):
    out = tmp_path / "scores.csv"
    main(["score", str(news_csv), "--text-column", "body", "--id-column", "url", "--quiet", "-o", str(out)])
    assert (tmp_path / "scores.rejects.csv").exists()
    clean = tmp_path / "clean.csv"
    pd.DataFrame({"body": ["Open weights matter.", "Closed models too."]}).to_csv(clean, index=False)
    main(["score", str(clean), "--text-column", "body", "--quiet", "-o", str(out)])
    assert not (tmp_path / "scores.rejects.csv").exists()
    assert len(pd.read_csv(out)) == 2


def test_an_error_naming_a_column_with_a_line_break_stays_one_line(tmp_path, capsys):
    corpus = tmp_path / "broken.csv"
    corpus.write_bytes(b'"first\rsecond",id\r\nsome words,1\r\n')
    assert main(["score", str(corpus), "-o", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith("available columns: first\\rsecond, id (pick one with --text-column)"), err


@pytest.mark.parametrize("option", ["text", "id"])
def test_a_missing_column_error_names_the_option_that_picks_another(news_csv, tmp_path, capsys, option):
    flags, missing = (["--text-column", "body", "--id-column", "uid"], "uid") if option == "id" else ([], "text")
    for command in (["score", str(news_csv), "-o", str(tmp_path / "out.csv")],
                    ["score", str(news_csv), "-o", str(tmp_path / "out.csv"), "--n-jobs", "2"],  # workers
                    ["claims", str(news_csv), "-o", str(tmp_path / "claims.csv")],
                    ["rubric", "check", str(paths.DEFAULT_RUBRIC), "--corpus", str(news_csv)]):
        assert main(command + flags) == 2
        err = capsys.readouterr().err.strip()
        assert err.endswith(f"{option} column {missing!r} not found; available columns: url, body "
                            f"(pick one with --{option}-column)"), err


def test_a_pipe_header_gets_the_separator_hint_alone(tmp_path, capsys):
    corpus = tmp_path / "export.csv"
    corpus.write_text("id|text\n1|Open weights.\n")
    assert main(["score", str(corpus), "-o", str(tmp_path / "out.csv")]) == 2
    assert capsys.readouterr().err.strip().endswith("(the header looks '|'-separated; save the file comma-separated)")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_semicolon_export_is_read_with_its_separator_and_the_summary_says_so(tmp_path, capsys, jobs):
    """A European Excel export: ';' between fields, `ID` and `Text` capitalised, a comma in the first text."""
    corpus = tmp_path / "export.csv"
    corpus.write_text('ID;Date;Text\n7;11.03.2024;Meta released open weights, says the lab.\n8;12.03.2024;"Closed; for now."\n'
                      "9;13.03.2024;\n")
    out = tmp_path / "out.csv"
    assert main(["score", str(corpus), "--text-column", "Text", "-o", str(out), "--n-jobs", jobs, "--chunksize", "1"]) == 0
    assert capsys.readouterr().err.strip() == (
        f"3 read, 2 scored -> {out}; 1 rejected -> {tmp_path / 'out.rejects.csv'} (fields separated by ';', as in the "
        "header) (ids from column 'ID'; --id-column names another)")
    assert pd.read_csv(out, dtype=str)["doc_id"].tolist() == ["7", "8"]
    assert pd.read_csv(out)["transparency"].tolist()[0] >= 1  # "open weights": the whole text reached the scorer
    assert (tmp_path / "out.rejects.csv").read_text() == f"location,doc_id,reason\n{corpus}:line 4,9,empty text\n"


def test_a_text_column_named_in_another_case_is_no_id(tmp_path, capsys):
    """`--text-column id` on a file with `ID,Body`: the text is ID's, so ids are row numbers
    (as `read_corpus(path, text="id")` reads it), not an id column that is the text column."""
    corpus = tmp_path / "up.csv"
    corpus.write_text("ID,Body\nOpen weights.,x\n")
    assert main(["score", str(corpus), "--text-column", "id", "-o", str(tmp_path / "out.csv")]) == 0
    assert pd.read_csv(tmp_path / "out.csv", dtype=str)["doc_id"].tolist() == ["0"]


def test_a_comma_csv_is_written_as_before(tmp_path, capsys):
    """Separator detection leaves a comma file alone: a ';' inside its texts changes nothing."""
    corpus = tmp_path / "plain.csv"
    corpus.write_text('id,text\na,"Open weights; the lab said so."\nb,Closed model.\n')
    assert main(["score", str(corpus), "-o", str(tmp_path / "out.csv")]) == 0
    assert capsys.readouterr().err.strip().endswith("-> " + str(tmp_path / "out.csv") + " (ids from column 'id'; "
                                                     "--id-column names another)")
    assert pd.read_csv(tmp_path / "out.csv")["doc_id"].tolist() == ["a", "b"]


@pytest.mark.parametrize("command, name", [(["score", "corpus.csv", "-o", "out.csv"], "score"),
                                           (["data", "build"], "data build"), (["rubric", "check"], "rubric check")])
def test_an_unknown_option_is_told_with_its_command_s_usage(command, name, capsys):
    """The usage printed is that of the command typed, whose options the user is looking for."""
    with pytest.raises(SystemExit) as stopped:
        main(command + ["--txt=body"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: openness {name} [-h]"), err
    assert err.rstrip().endswith(f"openness {name}: error: unrecognized arguments: --txt=body"), err


def test_every_option_of_every_subcommand_says_what_it_does():
    """`--help` is a newcomer's manual: an option without a help string shows only its name."""
    import argparse

    from openness.cli import build_parser

    def silent(parser, name):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, subparser in action.choices.items():
                    yield from silent(subparser, f"{name} {sub}")
            elif action.help is None:
                yield f"{name} {action.dest}"

    assert list(silent(build_parser(), "openness")) == []


@pytest.mark.parametrize("command", [["audit", "news-scape", "-o", "sheet.csv"],
                                     ["rubric", "check", str(paths.DEFAULT_RUBRIC), "--corpus", "news-scape"]])
def test_a_mistyped_source_name_is_told_the_registered_ones(tmp_path, monkeypatch, capsys, command):
    """`news-scape` is neither a file nor a source: saying only 'no such file' hides the sources."""
    from openness.data.texts import TEXT_SOURCES

    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == ("openness: error: news-scape: no such file or folder, nor a registered text source "
                   f"({', '.join(TEXT_SOURCES)})")
    assert "news-scrape" in TEXT_SOURCES


# a CSV whose rows are not one line each: blank lines, a line of spaces, quoted line breaks (LF
# and CRLF), a quoted text of spaces; the rejects' file lines counted by hand
AWKWARD_CSV = ('id,text,dim\n\na1,"Open weights are released.",licenses\nb1,,licenses\n   \nc1,"two\nlines",weights\n'
               'd1,"   ",licenses\ne1,"x\r\ny",licenses\nf1,,licenses\n')
AWKWARD_LINES = {"b1": 4, "c1": 6, "d1": 8, "f1": 11}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_score_and_claims_locate_a_csv_files_rejects_by_the_same_file_line(tmp_path, encoding, capsys):
    corpus = tmp_path / "notes.csv"
    corpus.write_bytes(AWKWARD_CSV.encode(encoding))
    located = {}
    runs = {"score": ["score"], "score in 2 processes": ["score", "--n-jobs", "2", "--chunksize", "2"],
            "claims": ["claims"], "claims per dimension": ["claims", "--dimension-column", "dim"]}
    for name, command in runs.items():
        out = tmp_path / f"{name.replace(' ', '-')}.csv"
        assert main([command[0], str(corpus), "-o", str(out), *command[1:]]) == 0, capsys.readouterr().err
        rejects = pd.read_csv(out.with_suffix(".rejects.csv"), keep_default_na=False)
        located[name] = dict(zip(rejects["doc_id"], rejects["location"]))
    expected = {doc: f"{corpus}:line {line}" for doc, line in AWKWARD_LINES.items()}
    blank = {doc: expected[doc] for doc in ("b1", "d1", "f1")}  # empty or spaces only
    assert located == {"score": blank, "score in 2 processes": blank, "claims": blank,
                       "claims per dimension": {"c1": expected["c1"]}}  # 'weights' names no dimension


def test_score_and_claims_locate_a_parquet_files_rejects_by_row(tmp_path, capsys):
    corpus = tmp_path / "notes.parquet"
    pd.DataFrame({"id": ["a", "b", "c", "d", "e"], "text": ["Open weights.", "", "Closed weights.", "   ", "Code."],
                  "dim": ["licenses", "licenses", "weights", "paper", "paper"]}).to_parquet(corpus)
    located = {}
    for command in (["score"], ["score", "--chunksize", "2"], ["claims"], ["claims", "--dimension-column", "dim"]):
        out = tmp_path / "out.csv"
        assert main([command[0], str(corpus), "-o", str(out), *command[1:]]) == 0, capsys.readouterr().err
        rejects = pd.read_csv(out.with_suffix(".rejects.csv"), keep_default_na=False)
        located[" ".join(command)] = dict(zip(rejects["doc_id"], rejects["location"]))
    rows = {"b": f"{corpus}:row 1", "d": f"{corpus}:row 3"}  # rows from 0, as row-number ids
    assert located == {"score": rows, "score --chunksize 2": rows, "claims": rows,
                       "claims --dimension-column dim": {"c": f"{corpus}:row 2"}}
