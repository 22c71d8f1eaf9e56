"""The explorer's logic on small tables written by hand (counts worked out below by hand),
corrections exported in the gold format and read back by the validation code, the explorer
on our example texts, and the exports of a selection's table and chart."""
from __future__ import annotations

import html
import re
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import openness
from openness import paths
from openness.analysis import validation
from openness.analysis.corrections import CORRECTION_COLUMNS, GOLD_COLUMNS, Corrections, read_corrections
from openness.analysis.selection import ALL, Filters, Tables, count_table, matching_sentences, select, sentence_records
from openness.present import charts
from openness.present.explore import Explorer, default_exports, explore, export_view, view_chart

# Three documents: d1 and d2 of source "a" (dated), d3 of source "b" (undated).
DOCUMENTS = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "source": ["a", "a", "b"],
                          "published": ["2024-01-10", "2024-06-01", ""]})
SENTENCE_COLUMNS = ["doc_id", "sentence", "start", "end", "n_words", "transparency", "safety", "control",
                    "stance", "labs"]
SENTENCES = pd.DataFrame([
    ("d1", 0, 0, 40, 10, 1, 0, 0, "neutral", "meta"),
    ("d1", 1, 41, 80, 10, 0, 1, 0, "pro_closed", "anthropic;meta"),
    ("d1", 2, 81, 100, 5, 0, 0, 0, "neutral", ""),
    ("d2", 0, 0, 90, 20, 2, 0, 1, "pro_open", "meta"),
    ("d2", 1, 91, 130, 10, 0, 0, 0, "neutral", "openai"),
    ("d3", 0, 0, 50, 10, 0, 1, 0, "pro_closed", "anthropic"),
    ("d3", 1, 51, 95, 10, 1, 0, 0, "neutral", ""),
], columns=SENTENCE_COLUMNS)
EVIDENCE = pd.DataFrame([
    ("d1", 0, 5, 9, "transparency", "T1", "T1.a", 0, False),
    ("d1", 1, 50, 55, "safety", "S1", "S1.x", -1, False),
    ("d2", 0, 3, 8, "transparency", "T2", "T2.b", 1, False),
    ("d2", 0, 20, 26, "transparency", "T1", "T1.a", 0, True),
    ("d2", 0, 40, 47, "control", "C1", "C1.c", 1, False),
    ("d3", 0, 10, 14, "safety", "S1", "S1.x", -1, True),
    ("d3", 1, 60, 66, "transparency", "T1", "T1.a", 0, False),
], columns=["doc_id", "sentence", "start", "end", "theme", "criterion", "cue", "stance", "negated"])
MENTIONS = pd.DataFrame([
    ("d1", 0, "meta", 0, 4), ("d1", 1, "anthropic", 41, 50), ("d1", 1, "meta", 60, 64),
    ("d2", 0, "meta", 10, 14), ("d2", 0, "meta", 50, 54),  # named twice: counts once
    ("d2", 1, "openai", 91, 97), ("d3", 0, "anthropic", 0, 9),
], columns=["doc_id", "sentence", "lab", "start", "end"])
LABS = pd.DataFrame({"lab": ["meta", "openai", "anthropic"], "openness_group": ["open", "mixed", "closed"]})


@pytest.fixture(scope="module")
def tables() -> Tables:
    return Tables(SENTENCES, EVIDENCE, MENTIONS, DOCUMENTS, LABS)


def counts(tables: Tables, by: str = "group", **filters) -> pd.DataFrame:
    return count_table(tables, select(tables, Filters(**filters)), by=by, n_boot=200).set_index(by)


def test_no_filter_counts_every_sentence_once_per_group(tables):
    table = counts(tables)
    assert list(table.index) == [ALL, "closed", "mixed", "open"]
    # ALL: 7 sentences in 3 documents, 5 with a hit, 7 hits in 75 words
    assert table.loc[ALL, ["sentences", "documents", "matching", "hits"]].tolist() == [7, 3, 5, 7]
    assert table.loc[ALL, "share"] == pytest.approx(5 / 7)
    assert table.loc[ALL, "hits_per_1000_words"] == pytest.approx(7000 / 75)
    assert table.loc[ALL, "lo"] <= 5 / 7 <= table.loc[ALL, "hi"]
    # open (meta): d1#0, d1#1, d2#0 in 2 documents, all with hits: 1 + 1 + 3 hits in 40 words
    assert table.loc["open", ["sentences", "documents", "matching", "hits"]].tolist() == [3, 2, 3, 5]
    assert table.loc["open", "hits_per_1000_words"] == pytest.approx(125)
    # closed (anthropic): d1#1 and d3#0, both with a safety hit; mixed (openai): d2#1, no hit
    assert table.loc["closed", ["sentences", "documents", "matching", "share", "lo", "hi"]].tolist() == [2, 2, 2, 1, 1, 1]
    assert table.loc["mixed", ["sentences", "matching", "share", "hits"]].tolist() == [1, 0, 0, 0]


def test_hit_filters_combine_on_one_hit(tables):
    table = counts(tables, theme="transparency")
    assert table.loc[ALL, ["matching", "hits"]].tolist() == [3, 4]  # d1#0, d2#0 (2 hits), d3#1
    assert table.loc["open", ["sentences", "matching", "hits"]].tolist() == [3, 2, 3]
    assert table.loc["closed", "matching"] == 0
    # negated transparency: only the T1.a hit of d2#0
    assert counts(tables, theme="transparency", negated=True).loc[ALL, ["matching", "hits"]].tolist() == [1, 1]
    # T1 not negated: d1#0 and d3#1; the negated T1 hit of d2#0 does not make d2#0 match
    selection = select(tables, Filters(criterion="T1", negated=False))
    assert matching_sentences(tables, selection)[["doc_id", "sentence"]].values.tolist() == [["d1", 0], ["d3", 1]]
    assert counts(tables, cue="S1.x").loc[ALL, "matching"] == 2


def test_sentence_filters_set_the_base(tables):
    assert counts(tables, stance="pro_closed").loc[ALL, ["sentences", "matching"]].tolist() == [2, 2]
    assert counts(tables, source="b").loc[ALL, ["sentences", "documents"]].tolist() == [2, 1]
    # from March 2024 on: d2 only (d3 has no date and drops out)
    dated = counts(tables, start="2024-03-01")
    assert dated.loc[ALL, ["sentences", "documents", "matching"]].tolist() == [2, 1, 1]
    assert list(dated.index) == [ALL, "mixed", "open"]
    assert counts(tables, end="2024-03-01").loc[ALL, "sentences"] == 3  # d1
    assert counts(tables, group="open", source="a").loc[ALL, ["sentences", "matching"]].tolist() == [3, 3]
    # by lab, anthropic's sentences: d1#1 also names meta, so meta has a row
    by_lab = counts(tables, by="lab", lab="anthropic")
    assert by_lab[["sentences", "matching"]].to_dict("index") == {
        ALL: {"sentences": 2, "matching": 2}, "anthropic": {"sentences": 2, "matching": 2},
        "meta": {"sentences": 1, "matching": 1}}
    assert counts(tables, source="nowhere").empty


def test_matching_sentences_sort_and_records(tables):
    selection = select(tables, Filters())
    by_hits = matching_sentences(tables, selection)
    assert by_hits[["doc_id", "sentence", "hits"]].values.tolist() == [
        ["d2", 0, 3], ["d1", 0, 1], ["d1", 1, 1], ["d3", 0, 1], ["d3", 1, 1]]
    assert by_hits.loc[0, "themes"] == "control;transparency"
    newest = matching_sentences(tables, selection, sort="newest")
    assert newest["doc_id"].tolist() == ["d2", "d1", "d1", "d3", "d3"]  # undated last
    assert len(matching_sentences(tables, selection, limit=2)) == 2
    row, evidence, mentions = sentence_records(tables, "d2", 0)
    assert (row["start"], row["end"], len(evidence), len(mentions)) == (0, 90, 3, 2)
    with pytest.raises(KeyError, match="no sentence 9 in document 'd2'"):
        sentence_records(tables, "d2", 9)
    with pytest.raises(ValueError, match="by must be 'group' or 'lab'"):
        count_table(tables, selection, by="doc")


def test_a_hit_of_an_unknown_sentence_is_refused():
    with pytest.raises(ValueError, match="no sentence 5 in document 'd1'"):
        Tables(SENTENCES, EVIDENCE.assign(sentence=[5, 1, 0, 0, 0, 0, 1]), MENTIONS, DOCUMENTS, LABS)


# ---- corrections --------------------------------------------------------------------------------


def test_marks_correct_the_sentence_labels(tables):
    marks = Corrections()
    row, evidence, _ = sentence_records(tables, "d2", 0)
    # the negated T1.a hit is wrong, but T2.b keeps transparency present
    with pytest.raises(ValueError, match="nothing to correct"):
        marks.mark(row, evidence, hit=1)
    mark = marks.mark(row, evidence, hit=1, stance="neutral")
    assert (mark["transparency"], mark["stance"], mark["wrong"], mark["cue"]) == (1, "neutral", "stance", "T1.a")
    row, evidence, _ = sentence_records(tables, "d1", 0)
    mark = marks.mark(row, evidence, hit=0)  # the only transparency hit: transparency absent
    assert (mark["transparency"], mark["wrong"], mark["hit_start"], mark["hit_end"]) == (0, "theme", 5, 9)
    row, evidence, _ = sentence_records(tables, "d1", 1)
    mark = marks.mark(row, evidence, themes={"control": 1}, labs=["anthropic"])
    assert (mark["safety"], mark["control"], mark["labs"], mark["wrong"]) == (1, 1, "anthropic", "theme;lab")
    table = marks.table()
    assert list(table.columns) == CORRECTION_COLUMNS and "text" not in table
    assert table["id"].tolist() == ["d1#0", "d1#1", "d2#0"]
    with pytest.raises(ValueError, match="stance 'sceptical'"):
        marks.mark(row, evidence, stance="sceptical")


@pytest.fixture(scope="module")
def examples():
    corpus = openness.read_corpus(paths.EXAMPLES)
    return corpus, openness.score(corpus)


def test_exported_marks_read_back_as_gold_rows_for_validation(examples, fixtures, tmp_path):
    corpus, scores = examples
    tables = Tables.from_scores(scores, corpus.docs)
    marks = Corrections()
    row, evidence, _ = sentence_records(tables, "02-closed-frontier", 2)
    marks.mark(row, evidence, stance="pro_open")
    row, evidence, _ = sentence_records(tables, "05-not-about-labs", 1)
    marks.mark(row, evidence, themes={"safety": 1})
    path = marks.export(tmp_path / "marks.csv")
    exported = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert exported.columns.tolist() == CORRECTION_COLUMNS
    extra = read_corrections(path, scores.texts)
    assert extra.columns.tolist() == GOLD_COLUMNS
    sentence = scores.sentences.set_index(["doc_id", "sentence"]).loc[("02-closed-frontier", 2)]
    expected = " ".join(scores.texts["02-closed-frontier"][sentence["start"]:sentence["end"]].split())
    assert extra.loc[0, ["id", "doc", "text", "stance"]].tolist() == ["02-closed-frontier#2", "02-closed-frontier",
                                                                     expected, "pro_open"]
    assert extra.loc[1, "safety"] == "1"
    gold = pd.read_csv(fixtures / "validation" / "gold.csv", dtype=str, keep_default_na=False)
    metrics, _ = validation.gold_tables(pd.concat([gold, extra], ignore_index=True), n_boot=50)
    rubric = metrics[(metrics["task"] == "gold:stance") & (metrics["method"] == validation.RUBRIC)]
    assert set(rubric["n"]) == {len(gold) + 2}


def test_a_bad_corrections_row_is_named(examples, tmp_path):
    _, scores = examples
    path = tmp_path / "marks.csv"
    row = dict.fromkeys(CORRECTION_COLUMNS, "")
    row |= {"id": "x", "doc": "02-closed-frontier", "start": "0", "end": "10", "transparency": "2", "safety": "0",
            "control": "0", "stance": "neutral"}
    pd.DataFrame([row]).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"marks\.csv, line 2 \(id 'x'\): transparency is '2'"):
        read_corrections(path, scores.texts)
    pd.DataFrame([row | {"transparency": "0", "end": "99999"}]).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"line 2 \(id 'x'\): offsets 0-99999 lie outside"):
        read_corrections(path, scores.texts)
    pd.DataFrame([row | {"transparency": "0", "doc": "elsewhere"}]).to_csv(path, index=False)
    with pytest.raises(ValueError, match="document 'elsewhere' is not among the texts"):
        read_corrections(path, scores.texts)


# ---- the widgets, driven from Python -------------------------------------------------------------


def test_scores_explore_on_the_examples(examples, tmp_path):
    corpus, scores = examples
    explorer = scores.explore(documents=corpus.docs, exports=tmp_path, n_boot=100)
    assert isinstance(explorer, Explorer)
    total = explorer.counts.set_index("group").loc[ALL]
    assert total["sentences"] == len(scores.sentences)
    assert total["matching"] == scores.sentences[["transparency", "safety", "control"]].sum(axis=1).gt(0).sum()
    assert explorer.list.value is None and "Pick a sentence" in explorer.detail.value
    explorer.theme.value = "safety"
    assert explorer.counts.set_index("group").loc[ALL, "matching"] == (scores.sentences["safety"] > 0).sum()
    explorer.list.value = explorer.list.options[0][1]
    doc_id, number = explorer.list.value
    sentence = scores.sentences.set_index(["doc_id", "sentence"]).loc[(doc_id, number)]
    words = scores.texts[doc_id][sentence["start"]:sentence["end"]].split()
    assert "<mark" in explorer.detail.value
    assert " ".join(words) in " ".join(html.unescape(re.sub(r"<[^>]+>", "", explorer.detail.value)).split())
    explorer.mark_sentence.click()
    assert "nothing to correct" in explorer.status.value
    explorer.right_stance.value = next(s for s in ("pro_open", "neutral") if s != sentence["stance"])
    explorer.mark_sentence.click()
    explorer.export_marks.click()
    assert read_corrections(tmp_path / "corrections.csv", scores.texts)["id"].tolist() == [f"{doc_id}#{number}"]
    assert explorer._repr_mimebundle_()["text/plain"].startswith(f"openness explorer of {len(scores.sentences)} ")


def test_a_sentence_shows_what_decided_its_stance_when_the_stance_is_the_models(examples, tmp_path):
    corpus, scores = examples
    modelled = openness.with_model_stance(scores)
    explorer = modelled.explore(documents=corpus.docs, exports=tmp_path, n_boot=100)
    reasons = []
    for stance in ("pro_open", "pro_closed"):
        explorer.stance.value = stance
        explorer.list.value = explorer.list.options[0][1]
        reason = modelled.stance_model.sentence_reason(modelled, *explorer.list.value)
        assert f"stance: {stance}, {html.escape(reason)}" in explorer.detail.value
        reasons.append(reason)
    assert all(reason.startswith("decided by the ") for reason in reasons)
    rubric = scores.explore(documents=corpus.docs, exports=tmp_path, n_boot=100)
    rubric.list.value = rubric.list.options[0][1]
    assert "decided by" not in rubric.detail.value  # the rubric's stance: its marked cues say why


def test_without_text_one_line_says_how_to_get_it(tables):
    explorer = Explorer(tables, lambda doc_id, source: None, n_boot=100)
    explorer.list.value = ("d2", 0)
    assert "openness data fetch" in explorer.detail.value and "<mark" not in explorer.detail.value
    assert "T2.b" in explorer.detail.value  # the evidence rows are shown all the same


def test_explorer_prints_what_it_holds_its_filters_and_where_it_exports(tables, tmp_path):
    explorer = Explorer(tables, lambda doc_id, source: None, n_boot=100, exports=tmp_path / "out")
    assert repr(explorer) == ("<openness Explorer: 3 documents, 7 sentences; filters: everything; 5 sentences "
                              f"matching; counts per group; exports to {tmp_path / 'out'}>")
    explorer.lab.value = ("group", "open")
    explorer.theme.value = "transparency"
    explorer.by.value = "lab"
    # open (meta): d1#0, d1#1, d2#0, of which d1#0 and d2#0 have a transparency hit
    assert str(explorer) == ("<openness Explorer: 3 documents, 7 sentences; filters: group=open, theme=transparency; "
                             f"2 sentences matching; counts per lab; exports to {tmp_path / 'out'}>")
    assert explorer._repr_mimebundle_()["text/plain"] == (  # what an executed notebook keeps: one fixed line
        "openness explorer of 7 sentences (run the notebook in JupyterLab to use it)")
    for told in ("scores.explore()", "project()", "print(explorer)", "explore.csv", "corrections.csv",
                 "build/explore/", "explore-exports/", "no text", 'explorer.lab.value = ("group", "closed")',
                 "explorer.list.value = explorer.list.options[0][1]", "explorer.export_view.click()"):
        assert told in " ".join(Explorer.__doc__.split()), told


def test_exports_go_to_the_repository_only_from_its_root_or_notebooks_folder(tables, tmp_path, monkeypatch):
    for folder in (paths.ROOT, paths.NOTEBOOKS):
        monkeypatch.chdir(folder)
        assert default_exports() == paths.ROOT / "build" / "explore"
    monkeypatch.chdir(paths.ROOT / "docs")  # inside the repository, but neither
    assert default_exports() == paths.ROOT / "docs" / "explore-exports"
    mine = tmp_path / "my-analysis"
    mine.mkdir()
    monkeypatch.chdir(mine)
    explorer = Explorer(tables, lambda doc_id, source: None, n_boot=100)
    assert explorer.exports == mine / "explore-exports"
    monkeypatch.chdir(tmp_path)  # decided when the explorer is opened, not at each export
    explorer.theme.value = "transparency"
    explorer.export_view.click()
    assert sorted(p.name for p in (mine / "explore-exports").iterdir()) == [
        "explore.csv", "explore.pdf", "explore.png", "explore.svg", "manifest.csv"]
    assert f"Written: {mine / 'explore-exports' / 'explore.csv'}, " in html.unescape(explorer.status.value)
    assert pd.read_csv(mine / "explore-exports" / "explore.csv")["matching"].tolist() == [3, 0, 0, 2]


def test_export_view_writes_the_table_and_the_chart(tables, tmp_path):
    selection = select(tables, Filters(theme="transparency"))
    table = count_table(tables, selection, n_boot=100)
    written = export_view(table, "group", selection.filters.describe(), tmp_path)
    assert sorted(p.name for p in written) == ["explore.csv", "explore.pdf", "explore.png", "explore.svg"]
    assert pd.read_csv(tmp_path / "explore.csv")["matching"].tolist() == [3, 0, 0, 2]
    caption = charts.read_manifest(tmp_path)[0]["caption"]
    assert caption.startswith("Share of sentences matching theme=transparency")
    assert caption.endswith("a sentence counts once for each group it names, so every group named in the "
                            "matching sentences has a bar.")


def test_a_chart_titled_with_many_filters_keeps_its_title_and_bars_on_the_picture(tables):
    """Every filter set goes into the title: on one line five of them ran off a 5-inch chart,
    and the layout squeezed the bars to a sliver to make room."""
    described = Filters(group="closed", theme="transparency", criterion="T1", cue="T1.released_the_weights",
                        negated=False).describe()
    table = count_table(tables, select(tables, Filters(theme="transparency")), n_boot=100)
    fig = view_chart(table, "group", described)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "constrained_layout not applied because axes sizes collapsed"
            fig.canvas.draw()
        ax, drawn, picture = fig.axes[0], fig.get_tightbbox(), fig.bbox_inches  # inches
        assert picture.x0 <= drawn.x0 and drawn.x1 <= picture.x1 and drawn.y1 <= picture.y1
        assert ax.get_position().width > 0.6  # of the figure's width
        assert " ".join(ax.get_title(loc="left").split()) == f"Sentences matching: {described}"
    finally:
        plt.close(fig)


def test_group_shares_are_the_stats_module_theme_shares(tables):
    """The same attribution and the same clustered bootstrap as openness.analysis.stats."""
    from openness.analysis.stats import sentence_groups, theme_shares

    mine = counts(tables, theme="safety").drop(index=ALL)
    theirs = theme_shares(sentence_groups(tables.sentences, MENTIONS, LABS), themes=["safety"], n_boot=200)
    theirs = theirs.set_index("group")
    assert list(mine.index) == ["closed", "mixed", "open"]
    assert mine.loc["open", ["share", "lo", "hi"]].tolist() == pytest.approx([1 / 3, 0, 0.5])  # d1 1 of 2, d2 0 of 1
    assert mine[["share", "lo", "hi", "sentences", "documents"]].to_numpy().ravel().tolist() == pytest.approx(
        theirs.loc[mine.index, ["share", "lo", "hi", "n", "n_clusters"]].to_numpy().ravel().tolist())


# ---- the project's tables, with and without the raw sources ---------------------------------------


def test_project_explorer_shows_text_only_from_the_raw_sources(mirror, monkeypatch, tmp_path):
    from openness.data import texts
    from openness.data.sources import seed
    from openness.present.explore import project

    monkeypatch.setattr(paths, "RAW", tmp_path / "raw")  # nothing fetched here
    monkeypatch.delenv("OPENNESS_MIRROR", raising=False)
    texts.source_texts.cache_clear()
    explorer = project(n_boot=100)
    explorer.source.value = "seed"
    picked = explorer.list.options[0][1]
    explorer.list.value = picked
    assert texts.HOW_TO_GET_THEM in html.unescape(explorer.detail.value) and "<mark" not in explorer.detail.value

    monkeypatch.setenv("OPENNESS_MIRROR", str(mirror))
    texts.source_texts.cache_clear()
    explorer.list.value = None
    explorer.list.value = picked
    row = explorer.tables.sentences.set_index(["doc_id", "sentence"]).loc[picked]
    document = seed.documents(mirror / "raw" / "seed").set_index("doc_id").loc[picked[0], "text"]
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", explorer.detail.value)).split())
    assert " ".join(document[row["start"]:row["end"]].split()) in shown and "<mark" in explorer.detail.value
    texts.source_texts.cache_clear()


def test_the_report_keeps_no_widget_view_or_state(tmp_path):
    """A notebook that shows the explorer, executed by `openness report`: the file keeps the
    explorer's one plain-text line, no widget model id (random per run) and no widget state."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from openness.present.report import WIDGET_VIEW, execute_notebook

    notebook = tmp_path / "01-widget.ipynb"
    nb = new_notebook(cells=[new_code_cell("import openness\nfrom openness import paths\n"
                                           "openness.score(openness.read_corpus(paths.EXAMPLES)).explore(n_boot=50)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    execute_notebook(notebook, figures=tmp_path / "figures")
    first = notebook.read_bytes()
    executed = nbformat.read(notebook, as_version=4)
    (output,) = executed.cells[0].outputs
    assert output["data"] == {"text/plain": "openness explorer of 25 sentences (run the notebook in JupyterLab to use it)"}
    assert WIDGET_VIEW.encode() not in first and "widgets" not in executed.metadata
