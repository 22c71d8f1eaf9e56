"""The precision audit: the seeded draw, the precision table with Wilson intervals, the
command, and the committed judged sheet."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from openness import paths
from openness.analysis.audit import (SHEET_COLUMNS, VERDICTS, AuditError, draw_sheet, precision, precision_table,
                                     read_judged)
from openness.data.sources.audits import sheets
from openness.cli import main


def evidence(n: int) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i % 7}" for i in range(n)], "sentence": range(n), "start": range(0, 10 * n, 10),
                         "end": range(5, 10 * n + 5, 10), "theme": "safety", "criterion": "S1", "cue": "S1.risk",
                         "stance": 0, "negated": False})


def test_the_draw_depends_on_the_seed_and_the_hits_only():
    hits = evidence(50)
    first = draw_sheet(hits, 12, seed=1)
    assert first.columns.tolist() == SHEET_COLUMNS and first["item"].tolist() == list(range(1, 13))
    assert (first["verdict"] == "").all() and not first.duplicated(["doc_id", "start"]).any()
    shuffled = hits.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(draw_sheet(shuffled, 12, seed=1), first)
    assert not draw_sheet(hits, 12, seed=2)[["doc_id", "start"]].equals(first[["doc_id", "start"]])
    assert len(draw_sheet(hits, 500, seed=1)) == 50  # fewer hits than asked: all of them


def judged(verdicts: list[str], themes: list[str], stances: list[int]) -> pd.DataFrame:
    sheet = draw_sheet(evidence(len(verdicts)), len(verdicts), seed=0)
    return sheet.assign(verdict=verdicts, theme=themes, stance=stances)


def test_precision_per_theme_and_stance_with_wilson_intervals():
    verdicts = ["correct"] * 8 + ["wrong-theme", "boilerplate"] + ["correct", "wrong-stance", "wrong-stance", "correct"]
    themes = ["control"] * 10 + ["safety"] * 4
    stances = [0] * 10 + [1, 1, -1, -1]
    table = precision(judged(verdicts, themes, stances), "test").set_index(["measure", "class"])
    control = table.loc[("theme precision", "control")]
    assert (control.hits, control.right) == (10, 8)
    assert control.lo == pytest.approx(0.4902, abs=1e-4) and control.hi == pytest.approx(0.9433, abs=1e-4)
    assert table.loc[("theme precision", "safety"), "right"] == 4  # a wrong stance still has the right theme
    assert table.loc[("theme precision", "all"), "estimate"] == pytest.approx(12 / 14)
    assert table.loc[("stance precision", "+1"), ["hits", "right"]].tolist() == [2, 1]
    assert table.loc[("stance precision", "-1"), ["hits", "right"]].tolist() == [2, 1]
    assert table.loc[("boilerplate share", "all"), ["hits", "right"]].tolist() == [14, 1]
    assert pd.isna(table.loc[("theme precision", "transparency"), "estimate"])  # no hit: no estimate


def test_a_judged_sheet_with_an_unknown_verdict_is_refused_with_its_line(tmp_path):
    sheet = judged(["correct", " Corect"], ["safety", "safety"], [0, 0])
    sheet.to_csv(tmp_path / "x-audit-a.csv", index=False)
    with pytest.raises(AuditError, match=r"x-audit-a\.csv, line 3: verdict ' Corect' is not one of"):  # as written
        sheets(tmp_path)


def test_a_verdict_is_read_in_any_case_and_without_surrounding_spaces(tmp_path):
    """A spreadsheet capitalises the first letter of a cell, or keeps a space typed after it."""
    judged(["Correct", " wrong-theme ", "BOILERPLATE"], ["safety"] * 3, [0] * 3).to_csv(tmp_path / "x-audit-a.csv", index=False)
    assert sheets(tmp_path)["verdict"].tolist() == ["correct", "wrong-theme", "boilerplate"]


def test_a_wrong_stance_verdict_on_a_hit_that_takes_no_side_is_refused_with_its_line_and_hit(tmp_path, capsys):
    sheet = judged(["correct", "wrong-stance", "correct", "wrong-stance", "wrong-stance"], ["safety"] * 5, [0, 1, 0, 0, 0])
    sheet.to_csv(tmp_path / "x-audit-a.csv", index=False)
    assert sheet["item"].tolist() == [1, 2, 3, 4, 5]
    doc = sheet.at[3, "doc_id"]
    with pytest.raises(AuditError, match=rf"x-audit-a\.csv, line 5: item 4 \(doc_id '{doc}', cue 'S1\.risk'\) is judged "
                                         r"wrong-stance, but its cue has stance 0 and takes no side \(2 such rows\)"):
        sheets(tmp_path)
    assert main(["precision", str(tmp_path / "x-audit-a.csv")]) == 2
    assert "line 5: item 4" in capsys.readouterr().err
    sheet.assign(stance=[0, 1, 0, -1, 1]).to_csv(tmp_path / "x-audit-a.csv", index=False)  # every one has a side
    assert read_judged(tmp_path / "x-audit-a.csv")["verdict"].value_counts()["wrong-stance"] == 3


def test_no_committed_audit_judges_a_hit_without_a_side_wrong_stance():
    """Checked before the rule was made a refusal: had a committed sheet held such a row, the
    build (which reads every sheet) would stop."""
    files = sorted((paths.DATA / "validation").glob("news-audit-*.csv"))
    wrong_stance = pd.concat([pd.read_csv(path).query("verdict == 'wrong-stance'") for path in files])
    assert len(wrong_stance) >= 30 and (wrong_stance["stance"] != 0).all()


def test_a_sheet_with_rows_not_yet_judged_is_refused_not_counted_wrong(tmp_path, capsys):
    sheet = judged(["correct", "", "wrong-theme", ""], ["safety"] * 4, [0] * 4)
    sheet.to_csv(tmp_path / "mine.csv", index=False)
    assert main(["precision", str(tmp_path / "mine.csv")]) == 2
    assert capsys.readouterr().err.strip().endswith("mine.csv, line 3: no verdict yet (2 of 4 rows unjudged); "
                                                    "judge every row, or delete the rows not judged")


def test_the_precision_command_reads_judged_sheets_as_a_spreadsheet_saves_them(tmp_path, capsys):
    judged(["correct", "wrong-theme", "correct"], ["safety"] * 3, [0, 0, 1]).to_csv(tmp_path / "a.csv", index=False, sep=";")
    judged(["boilerplate"], ["control"], [0]).to_csv(tmp_path / "b.csv", index=False)
    assert main(["precision", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index(["audit", "measure", "class"])
    assert table.loc[("a", "theme precision", "safety"), ["hits", "right"]].tolist() == [3, 2]
    assert table.loc[("a", "stance precision", "+1"), ["hits", "right", "estimate"]].tolist() == [1, 1, 1.0]
    assert table.loc[("b", "boilerplate share", "all"), ["hits", "right"]].tolist() == [1, 1]
    assert table.loc[("b", "theme precision", "all"), "estimate"] == 0.0


def test_the_command_writes_a_sheet_without_text_and_a_view_with_it(tmp_path):
    corpus = tmp_path / "corpus.csv"
    pd.DataFrame({"id": ["a", "b"], "text": ["Open weights help outside researchers audit a model. The risk of misuse is real.",
                                             "Regulators worry about the concentration of power in a few labs."]}).to_csv(corpus, index=False)
    out, view = tmp_path / "sheet.csv", tmp_path / "view.csv"
    assert main(["audit", str(corpus), "-o", str(out), "--n", "3", "--seed", "1", "--view", str(view)]) == 0
    sheet = pd.read_csv(out, keep_default_na=False)
    assert sheet.columns.tolist() == SHEET_COLUMNS and len(sheet) == 3
    shown = pd.read_csv(view, keep_default_na=False)
    assert all(matched in sentence for matched, sentence in zip(shown["matched"], shown["sentence_text"]))
    assert main(["audit", str(tmp_path / "missing.csv"), "-o", str(out)]) == 2


def test_a_sheet_of_a_users_corpus_names_documents_by_the_ids_score_uses(tmp_path, capsys):
    """As `openness score` does, the draw takes ids from a doc_id or id column (or the one
    named) and the text from --text-column, so a judged sheet joins the scores by doc_id."""
    corpus = tmp_path / "corpus.csv"
    pd.DataFrame({"doc_id": ["essay-1", "essay-2"],
                  "body": ["The lab released the weights, and critics warned of misuse.",
                           "Regulators want oversight of AI labs and their open models."]}).to_csv(corpus, index=False)
    out = tmp_path / "sheet.csv"
    assert main(["audit", str(corpus), "-o", str(out), "--n", "3"]) == 2
    error = capsys.readouterr().err
    assert "text column 'text' not found" in error and "(pick one with --text-column)" in error
    assert main(["audit", str(corpus), "--text-column", "body", "-o", str(out), "--n", "3"]) == 0
    assert "(ids from column 'doc_id'; --id-column names another)" in capsys.readouterr().err  # as score says it
    sheet = pd.read_csv(out)
    assert len(sheet) == 3 and set(sheet["doc_id"]) <= {"essay-1", "essay-2"}
    drawn = out.read_bytes()
    # ids taken from the text column would carry the texts into a sheet meant to be committed
    assert main(["audit", str(corpus), "--text-column", "body", "--id-column", "body", "-o", str(out), "--n", "1"]) == 2
    assert "the id column and the text column are both 'body'" in capsys.readouterr().err
    assert out.read_bytes() == drawn


def test_a_new_draw_never_replaces_a_judged_or_coded_sheet(tmp_path, capsys):
    corpus = tmp_path / "corpus.csv"
    pd.DataFrame({"id": ["a"], "text": ["Open weights help outside researchers audit a model."]}).to_csv(corpus, index=False)
    out = tmp_path / "sheet.csv"
    assert main(["audit", str(corpus), "-o", str(out), "--n", "2"]) == 0
    assert main(["audit", str(corpus), "-o", str(out), "--n", "2", "--seed", "2"]) == 0  # nothing judged yet: replaced
    judged = pd.read_csv(out, keep_default_na=False).assign(verdict=["correct"] + [""] * (len(pd.read_csv(out)) - 1))
    judged.to_csv(out, index=False)
    before = out.read_bytes()
    capsys.readouterr()
    assert main(["audit", str(corpus), "-o", str(out), "--n", "2"]) == 2
    assert "already holds 1 judged or coded rows" in capsys.readouterr().err and out.read_bytes() == before
    coded = tmp_path / "coded.csv"
    coded.write_text("item,doc_id,start,end,drawn,transparency,safety,control,stance,labs\n1,a,0,10,random,1,0,0,neutral,\n")
    assert main(["audit", str(corpus), "--sentences", "-o", str(coded), "--n", "1"]) == 2
    assert coded.read_text().endswith("neutral,\n")
    # saved by a spreadsheet with ";", or with a broken row: still not replaced
    judged.to_csv(out, index=False, sep=";")
    assert main(["audit", str(corpus), "-o", str(out), "--n", "2"]) == 2
    assert ";correct" in out.read_text()
    coded.write_text(coded.read_text() + "2,a,0,10,random,1,0,0,pro_open,openai,google\n")
    assert main(["audit", str(corpus), "--sentences", "-o", str(coded), "--n", "1"]) == 2
    assert "cannot be read as a sheet" in capsys.readouterr().err and "pro_open" in coded.read_text()
    # the judge's view (with the text) is guarded too, and the draw options need --sentences
    view = tmp_path / "view.csv"
    judged.assign(sentence_text="x").to_csv(view, index=False)
    assert main(["audit", str(corpus), "-o", str(tmp_path / "new.csv"), "--view", str(view)]) == 2
    assert not (tmp_path / "new.csv").exists()
    # nor is a table of another kind, such as the corpus itself or a user's notes
    notes = tmp_path / "notes.csv"
    notes.write_text("id,dimension,text\n1,licence,my own note\n")
    capsys.readouterr()
    assert main(["audit", str(corpus), "-o", str(notes), "--n", "1"]) == 2
    assert "no sheet or view of `openness audit`" in capsys.readouterr().err and "my own note" in notes.read_text()
    assert main(["audit", str(corpus), "-o", str(tmp_path / "new.csv"), "--lean-on", "hits"]) == 2
    assert "add --sentences" in capsys.readouterr().err


def test_the_committed_news_audits_judge_hits_of_news_documents():
    """A sheet holds the offsets of the cleaned text as it was when drawn; later boilerplate
    rules move or remove text, so its hits are tied to documents, not to today's sentences."""
    documents = pd.read_csv(paths.PROCESSED / "documents.csv", dtype={"doc_id": str}, keep_default_na=False,
                            usecols=["doc_id", "source"])
    news = set(documents.loc[documents["source"] == "news-scrape", "doc_id"])
    files = sorted((paths.DATA / "validation").glob("news-audit-*.csv"))
    assert len(files) >= 12
    for path in files:
        sheet, name = read_judged(path), path.stem
        assert len(sheet) >= 100 and set(sheet["verdict"]) <= set(VERDICTS), name
        assert set(sheet["doc_id"]) <= news, name
        assert (sheet["start"] < sheet["end"]).all(), name


def test_a_registered_source_takes_no_column_options(mirror, tmp_path, capsys):
    """news-scrape is read with its own text and ids: a column option for it is a mistake."""
    assert main(["audit", "news-scrape", "--text-column", "body", "-o", str(tmp_path / "sheet.csv")]) == 2
    assert "registered source" in capsys.readouterr().err and not (tmp_path / "sheet.csv").exists()


def test_the_summary_says_what_was_left_out_and_how_the_file_was_read(tmp_path, capsys):
    """As `openness score` says it: rows rejected (the draw cannot come from them) and a
    spreadsheet's separator and encoding."""
    corpus = tmp_path / "euro.csv"
    corpus.write_bytes("id;text\n1;Caf\xe9 owners fear the risk of misuse of open weights.\n2;\n".encode("cp1252"))
    assert main(["audit", str(corpus), "-o", str(tmp_path / "sheet.csv"), "--n", "2"]) == 0
    summary = capsys.readouterr().err
    assert f"(1 of 2 records left out (first: {corpus}:line 3, empty text), which `openness score` writes with their " \
           "reasons" in summary
    assert "; input decoded as Windows-1252: not valid UTF-8 (first invalid byte at offset 13); fields separated by ';'" \
        in summary
    assert summary.rstrip().endswith("as the codebook defines them (docs/codebook.md of the openness repository)")
    clean = tmp_path / "clean.csv"
    clean.write_text("id,text\n1,The risk of misuse of open weights.\n", encoding="utf-8")
    assert main(["audit", str(clean), "-o", str(tmp_path / "sheet2.csv"), "--n", "1", "--id-column", "id"]) == 0
    assert "1 of the 4 hits of 1 document drawn at random (seed 1), from 1 document; fill in" in capsys.readouterr().err


def test_the_summary_says_how_many_documents_the_drawn_hits_come_from(tmp_path, capsys):
    """A random draw of hits leans on the documents with the most hits: here all come from the
    long one, and the summary says so rather than let the corpus's document count stand for it."""
    corpus = tmp_path / "corpus.csv"
    long_one = " ".join(["The risk of misuse of open weights worries regulators."] * 200)
    corpus.write_text(f'id,text\nlong,"{long_one}"\nshort1,Open weights.\nshort2,A quiet day.\n', encoding="utf-8")
    assert main(["audit", str(corpus), "-o", str(tmp_path / "sheet.csv"), "--n", "5", "--seed", "3"]) == 0
    sheet = pd.read_csv(tmp_path / "sheet.csv", dtype=str)
    assert sheet["doc_id"].unique().tolist() == ["long"]
    assert "5 of the 1001 hits of 3 documents drawn at random (seed 3), from 1 document (ids" in capsys.readouterr().err


def test_an_audit_draws_the_hits_of_a_users_rubric(tmp_path, capsys):
    """A researcher who adds cues audits their precision: the sheet holds the cues of --rubric."""
    rubric = tmp_path / "mine.yaml"
    rubric.write_text("id: m\nversion: '1'\nthemes:\n  control:\n    criteria:\n      C1:\n        label: power\n"
                      "        cues: ['gatekeep*', 'lock-in']\n")
    corpus = tmp_path / "corpus.csv"
    corpus.write_text("id,text\na,A few gatekeepers decide; lock-in follows.\nb,Open weights for all.\n")
    assert main(["audit", str(corpus), "-o", str(tmp_path / "sheet.csv"), "--rubric", str(rubric)]) == 0
    sheet = pd.read_csv(tmp_path / "sheet.csv", dtype=str)
    assert sorted(sheet["cue"]) == ["C1.gatekeep*", "C1.lock_in"] and set(sheet["doc_id"]) == {"a"}
    assert main(["audit", str(corpus), "-o", str(rubric), "--rubric", str(rubric)]) == 2  # the rubric is no output
    assert "is the rubric" in capsys.readouterr().err


def test_precision_refuses_a_sheet_given_twice_or_two_sheets_of_one_name(tmp_path, capsys):
    """Each file's stem names its audit: the same sheet twice, or two files of one stem, were
    counted as one audit of twice the hits, with an interval too narrow."""
    sheet = tmp_path / "judged.csv"
    sheet.write_text("item,doc_id,sentence,start,end,cue,theme,criterion,stance,negated,verdict\n"
                     "1,a,0,0,4,S1.risk*,safety,S1,0,False,correct\n")
    (tmp_path / "other").mkdir()
    namesake = tmp_path / "other" / "judged.csv"
    namesake.write_bytes(sheet.read_bytes())
    for sheets in ([sheet, sheet], [sheet, namesake]):
        assert main(["precision", *map(str, sheets)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.strip() == (f"openness: error: {sheets[0]} and {sheets[1]} would both be audit 'judged', "
                                             "counted as one: give each judged sheet once, under a name of its own")
    assert main(["precision", str(sheet)]) == 0
    assert "judged,theme precision,all,1,1,1.0" in capsys.readouterr().out
