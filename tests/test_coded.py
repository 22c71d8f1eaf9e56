"""The coded sentence sample: the seeded draw (offsets into the text as parsed, no text on
the sheet), the figures on a sample written by us, the command, and the committed coded
news sheet against the mirror."""
from __future__ import annotations

import pandas as pd
import pytest

from openness import paths
from openness.analysis.coded import (CUE_HIT, KEYWORDS, LEANING, RANDOM, SHEET_COLUMNS, CodedSheetError, coding_view,
                                     draw_coding_sheet, figures)
from openness.cli import main
from openness.core.scoring import score_rows
from openness.data.build import held_out
from openness.data.sources import audits, news

ARTICLE = ["OpenAI shipped a new chatbot on Tuesday.", "The weather in the valley stayed mild all week.",
           "Critics say open source tools let small teams catch up.", "Nobody at the bakery had heard of it.",
           "Our reporter rode the tram to the harbour and back.", "Anthropic declined to comment on the plan.",
           "The river rose by two metres after the storm.", "A proprietary system keeps its parts out of view."]
MENU = "Home | News | Sport | Culture | Sign in"


def pages(n_pages: int = 6) -> tuple[pd.Series, pd.Series]:
    """(cleaned text, text as parsed) of pages written for this test: the parsed page has a
    menu line and doubled spaces that cleaning drops, so offsets into the two differ."""
    cleaned, parsed = {}, {}
    for page in range(n_pages):
        lines = [f"{ARTICLE[(page + k) % len(ARTICLE)]} {ARTICLE[(page + k + 3) % len(ARTICLE)]}" for k in range(3)]
        cleaned[f"p{page}"] = "\n".join(lines)
        parsed[f"p{page}"] = MENU + "\n" + "\n".join(line.replace(" ", "  ", 1) for line in lines) + "\n" + MENU
    return pd.Series(cleaned), pd.Series(parsed)


def test_the_draw_is_seeded_leans_60_percent_and_points_into_the_parsed_text():
    cleaned, parsed = pages()
    sentences = score_rows(pd.DataFrame({"doc_id": cleaned.index, "text": cleaned.to_numpy()})).sentences
    sheet = draw_coding_sheet(sentences, cleaned, parsed, 10, seed=7)
    assert sheet.columns.tolist() == SHEET_COLUMNS and sheet["item"].tolist() == list(range(1, 11))
    assert sheet["drawn"].value_counts().to_dict() == {LEANING: 6, RANDOM: 4}
    assert (sheet[["transparency", "safety", "control", "stance", "labs"]] == "").all().all()
    assert not sheet.duplicated(["doc_id", "start"]).any()
    shown = coding_view(sheet, parsed)["text"]
    assert set(shown) <= set(ARTICLE)  # each span is one whole sentence of the parsed page
    leaning = shown[sheet["drawn"] == LEANING]
    assert all(KEYWORDS.search(text) or "OpenAI" in text or "Anthropic" in text for text in leaning)
    assert all(parsed[doc][start:end].split() == text.split()
               for doc, start, end, text in zip(sheet["doc_id"], sheet["start"], sheet["end"], shown))
    assert (sheet["start"] > len(MENU)).all()  # offsets into the parsed text, past its menu line
    shuffled = sentences.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(draw_coding_sheet(shuffled, cleaned, parsed, 10, seed=7), sheet)
    assert not draw_coding_sheet(sentences, cleaned, parsed, 10, seed=8)[["doc_id", "start"]].equals(
        sheet[["doc_id", "start"]])
    assert len(draw_coding_sheet(sentences, cleaned, parsed, 500, seed=7)) == len(sentences)  # all of them


def test_a_draw_leaning_on_cue_hits_takes_its_share_among_sentences_with_a_hit():
    arguing = ["The lab published its model weights and its training data.",
               "Critics warn the model could be misused to build weapons."]
    cleaned, parsed = pages()
    cleaned, parsed = cleaned + " " + arguing[0], parsed + " " + arguing[0]
    cleaned["p0"], parsed["p0"] = cleaned["p0"] + " " + arguing[1], parsed["p0"] + " " + arguing[1]
    sentences = score_rows(pd.DataFrame({"doc_id": cleaned.index, "text": cleaned.to_numpy()})).sentences
    with_hit = sentences[(sentences[["transparency", "safety", "control"]] > 0).any(axis=1)]
    assert len(with_hit) == 7  # the first on every page, the second on p0
    sheet = draw_coding_sheet(sentences, cleaned, parsed, 10, seed=7, lean_on=CUE_HIT, lean=0.5)
    assert sheet["drawn"].value_counts().to_dict() == {CUE_HIT: 5, RANDOM: 5}
    hit_texts = {" ".join(cleaned[doc][start:end].split()) for doc, start, end in
                 zip(with_hit["doc_id"], with_hit["start"], with_hit["end"])}
    assert set(coding_view(sheet, parsed)["text"][sheet["drawn"] == CUE_HIT]) <= hit_texts
    with pytest.raises(ValueError, match="lean_on"):
        draw_coding_sheet(sentences, cleaned, parsed, 10, seed=7, lean_on="nouns")
    with pytest.raises(ValueError, match="lean must be a share"):
        draw_coding_sheet(sentences, cleaned, parsed, 4, seed=7, lean_on=CUE_HIT, lean=2.0)


def test_a_sentence_not_found_word_for_word_in_the_parsed_page_is_passed_over():
    cleaned = pd.Series({"p0": "The river rose by two metres after the storm. Our reporter rode the tram home."})
    parsed = pd.Series({"p0": "The river rose by two metres after the storm. Our reporter [menu] rode the tram home."})
    sentences = score_rows(pd.DataFrame({"doc_id": ["p0"], "text": cleaned.to_numpy()})).sentences
    sheet = draw_coding_sheet(sentences, cleaned, parsed, 5, seed=1)
    assert coding_view(sheet, parsed)["text"].tolist() == ["The river rose by two metres after the storm."]


def test_a_repeated_sentence_gets_the_offsets_of_its_own_place():
    """A sentence that stands twice in a page once got the offsets of its first place on both
    rows: a coder's codes would have been tied to the wrong sentence."""
    said = "Critics say open source tools let small teams catch up."
    text = f"{said} The river rose by two metres after the storm. {said}"
    own = pd.Series({"p0": text})
    sentences = score_rows(pd.DataFrame({"doc_id": ["p0"], "text": [text]})).sentences
    sheet = draw_coding_sheet(sentences, own, own, 5, seed=1).sort_values("sentence")
    assert sheet[["sentence", "start", "end"]].values.tolist() == sentences[["sentence", "start", "end"]].values.tolist()
    assert sheet["start"].tolist() == [0, len(said) + 1, text.rindex(said)]
    cleaned = pd.Series({"p0": text})  # the same page as parsed, with a menu line and doubled spaces
    parsed = pd.Series({"p0": MENU + "\n" + text.replace(" The", "  The")})
    sheet = draw_coding_sheet(sentences, cleaned, parsed, 5, seed=1).sort_values("sentence")
    assert sheet["start"].tolist() == [len(MENU) + 1, len(MENU) + len(said) + 3, parsed["p0"].rindex(said)]
    # a copy in the menu that cleaning dropped: which copy the sentence is cannot be told, so it is passed over
    teaser = pd.Series({"p0": said + "\n" + text})
    sheet = draw_coding_sheet(sentences, cleaned, teaser, 5, seed=1)
    assert sheet["sentence"].tolist() == [1]


def coded_and_predicted() -> tuple[pd.DataFrame, pd.DataFrame]:
    coded = pd.DataFrame({
        "item": [1, 2, 3, 4, 5], "doc_id": ["p1", "p1", "p2", "p3", "p3"],
        "transparency": ["1", "1", "0", "0", "1"], "safety": ["1", "0", "0", "0", "0"],
        "control": ["0", "0", "0", "1", "1"],
        "stance": ["pro_open", "neutral", "neutral", "pro_closed", "neutral"],
        "labs": ["openai;other", "", "meta", "google;meta", "other"]})
    predicted = pd.DataFrame({
        "transparency": [1, 0, 1, 0, 1], "safety": [1, 1, 1, 0, 0], "control": [0, 0, 0, 0, 0],
        "stance": ["pro_open", "neutral", "pro_open", "neutral", "neutral"], "rubric_stance": ["neutral"] * 5,
        "labs": ["openai", "google", "meta", "google", ""]})
    return coded, predicted


def test_figures_on_a_sample_written_by_us_are_the_hand_computed_ones():
    coded, predicted = coded_and_predicted()
    table = figures(coded, predicted, n_boot=200, seed=1).set_index(["task", "method", "metric"])
    expected = {
        ("transparency", "rubric", "precision"): 2 / 3, ("transparency", "rubric", "recall"): 2 / 3,
        ("transparency", "rubric", "f1"): 2 / 3,
        ("safety", "rubric", "precision"): 1 / 3, ("safety", "rubric", "recall"): 1.0, ("safety", "rubric", "f1"): 0.5,
        ("control", "rubric", "recall"): 0.0, ("control", "rubric", "f1"): 0.0,
        # pro_open F1 2/3, pro_closed 0, neutral 2*2/(3+3) = 2/3
        ("stance", "model", "macro_f1"): 4 / 9,
        ("stance", "rubric", "macro_f1"): (0 + 0 + 2 * 3 / (3 + 5)) / 3,
        # `other` left out: tp openai, meta, google; fp google (row 2); fn meta (row 4)
        ("labs", "rubric", "precision"): 0.75, ("labs", "rubric", "recall"): 0.75, ("labs", "rubric", "f1"): 0.75,
    }
    assert {key: table.loc[key, "estimate"] for key in expected} == pytest.approx(expected)
    assert table["positives"].xs("f1", level="metric").to_dict() == {
        ("transparency", "rubric"): 3, ("safety", "rubric"): 1, ("control", "rubric"): 2, ("labs", "rubric"): 4}
    assert table.loc[("stance", "model", "macro_f1"), "positives"] == 2 and (table["n"] == 5).all()
    assert ((table["lo"] <= table["estimate"] + 1e-12) & (table["estimate"] <= table["hi"] + 1e-12)).all()
    pd.testing.assert_frame_equal(figures(coded, predicted, n_boot=200, seed=1), table.reset_index())


def test_a_coded_sheet_with_a_code_outside_the_codebook_is_refused_with_its_line(tmp_path):
    coded, _ = coded_and_predicted()
    sheet = coded.assign(sentence=0, start=0, end=5, drawn=RANDOM)[SHEET_COLUMNS]
    sheet.assign(labs=["openai", "", "grok", "", ""]).to_csv(tmp_path / "x-coded.csv", index=False)
    with pytest.raises(CodedSheetError, match=r"x-coded\.csv, line 4: labs 'grok': 'grok' is not a lab id"):
        audits.coded(tmp_path)
    sheet.assign(stance=["neutral", "pro-open", "neutral", "neutral", "neutral"]).to_csv(tmp_path / "x-coded.csv", index=False)
    with pytest.raises(CodedSheetError, match=r"x-coded\.csv, line 3: stance 'pro-open' is not one of"):
        audits.coded(tmp_path)


def test_the_command_writes_a_sentence_sheet_without_text_and_a_view_with_it(tmp_path):
    corpus = tmp_path / "corpus.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [" ".join(ARTICLE[:4]), " ".join(ARTICLE[4:])]}).to_csv(corpus, index=False)
    out, view = tmp_path / "sheet.csv", tmp_path / "view.csv"
    assert main(["audit", str(corpus), "--sentences", "-o", str(out), "--n", "5", "--seed", "7", "--view", str(view)]) == 0
    sheet = pd.read_csv(out, keep_default_na=False)
    assert sheet.columns.tolist() == SHEET_COLUMNS and len(sheet) == 5
    assert not any(sentence in out.read_text() for sentence in ARTICLE)
    assert set(pd.read_csv(view, keep_default_na=False)["text"]) <= set(ARTICLE)


def test_the_committed_coded_news_sentences_resolve_in_the_mirror(mirror):
    """Every coded sentence's offsets hold a sentence of its page as parsed; the sheet holds
    ids, offsets and codes only."""
    coded = audits.coded(paths.DATA / "validation")
    coded = coded[coded["sample"].str.startswith("news")].reset_index(drop=True)  # gold2 sheets: tests/test_gold2.py
    assert coded["sample"].value_counts().to_dict() == {"news-coded": 200, "news-check": 200, "news2-coded": 200,
                                                        "news3-coded": 200, "news4-stance": 156, "news5-stance": 154,
                                                        "news6-stance": 152, "news7-coded": 193,
                                                        "news8-coded": 194, "news9-coded": 195}
    assert coded.columns.tolist() == [*SHEET_COLUMNS, "sample"]
    leant_on = coded["sample"].str.endswith("-stance").map({True: CUE_HIT, False: LEANING})
    assert coded.groupby(leant_on)["drawn"].value_counts().to_dict() == {
        (LEANING, LEANING): 826, (LEANING, RANDOM): 556, (CUE_HIT, CUE_HIT): 415, (CUE_HIT, RANDOM): 47}
    scraped = news.PARSER.frames(mirror / "raw" / news.SOURCE)["scraped"].set_index("doc_id")["raw"]
    texts = coding_view(coded, scraped)["text"]
    assert texts.str.contains("[A-Za-z]").all()  # no span of white space or punctuation ("Why?" is a sentence)
    assert texts.str.contains(r"[.!?…”\"’]$|[a-z]$", regex=True).mean() > 0.9  # sentence ends, not cut-off menus


def test_the_held_out_news_figures_leave_out_sentences_of_the_dev_sheets():
    """news-check.csv measures unseen news only without its sentences that a dev sheet also
    holds (same page, overlapping offsets): the build leaves them out, and the committed
    check figures count the rest."""
    coded = audits.coded(paths.DATA / "validation")
    news = coded[coded["sample"].str.startswith("news")]  # as the build takes them: the gold2 sheets are no news
    check, dev = news[news["sample"] == "news-check"], news[news["sample"].str.endswith("-coded")]
    kept = held_out(check, dev)
    pairs = kept.merge(dev, on="doc_id", suffixes=("_check", "_dev"))
    assert not ((pairs["start_check"] < pairs["end_dev"]) & (pairs["start_dev"] < pairs["end_check"])).any()
    assert len(kept) == 199  # one sentence of news-check.csv was also drawn into news-coded.csv
    figures = pd.read_csv(paths.PROCESSED / "validation_news.csv")
    assert set(figures.loc[figures["set"] == "check", "n"]) == {len(kept)}
    assert set(figures.loc[figures["set"] == "dev", "n"]) == {len(dev)}


def test_a_sentence_sheet_names_each_sentence_by_its_index_and_old_sheets_without_it_still_read(tmp_path):
    corpus = tmp_path / "corpus.csv"
    texts = [" ".join(ARTICLE[:4]), " ".join(ARTICLE[4:])]
    pd.DataFrame({"id": ["a", "b"], "text": texts}).to_csv(corpus, index=False)
    out = tmp_path / "news9-coded.csv"
    assert main(["audit", str(corpus), "--sentences", "-o", str(out), "--n", "6", "--seed", "3"]) == 0
    sheet = pd.read_csv(out, keep_default_na=False)
    assert sheet.columns.tolist()[:6] == ["item", "doc_id", "sentence", "start", "end", "drawn"]
    # the index is the scorer's: its sentence there has the sheet's offsets (a user's text is parsed as it is)
    sentences = score_rows(pd.DataFrame({"doc_id": ["a", "b"], "text": texts})).sentences.set_index(["doc_id", "sentence"])
    spans = sentences.loc[list(zip(sheet["doc_id"], sheet["sentence"])), ["start", "end"]].to_numpy().tolist()
    assert spans == sheet[["start", "end"]].to_numpy().tolist() and sheet["sentence"].between(0, 3).all()
    coded = sheet.assign(transparency=0, safety=0, control=0, stance="neutral", labs="")
    coded.to_csv(out, index=False)
    coded.drop(columns="sentence").to_csv(tmp_path / "news8-coded.csv", index=False)  # drawn before the column
    read = audits.coded(tmp_path)
    assert read.columns.tolist() == [*SHEET_COLUMNS, "sample"] and len(read) == 12
    assert read["sentence"].isna().tolist() == [True] * 6 + [False] * 6  # news8 first
    assert read.loc[read["sample"] == "news9-coded", "sentence"].tolist() == sheet["sentence"].tolist()
    coded.assign(sentence=["1", "x", "2", "0", "3", "1"]).to_csv(out, index=False)
    with pytest.raises(CodedSheetError, match=r"news9-coded\.csv, line 3: sentence 'x' is not a sentence index"):
        audits.coded(tmp_path)
