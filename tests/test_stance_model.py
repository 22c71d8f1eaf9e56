"""The stance model: the same bytes from the same data, the scorer's fast word counts equal
scikit-learn's, the shipped file is the fit it says it is, and `--stance` keeps the columns."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from openness import score
from openness.analysis.protocol import SHIPPED_STANCE, STANCE_CANDIDATES
from openness.cli import main
from openness.core.stance_model import (
    CLASSES, MODEL_FILE, StanceModel, _scored, _vectorizer, fit, has_cue, load, rubric_side, tokenize, training_hash,
    with_model_stance,
)
from openness.vocab import STANCES


@pytest.fixture(scope="module")
def fixture_gold(fixtures) -> pd.DataFrame:
    return pd.read_csv(fixtures / "validation" / "gold.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def fixture_model(fixture_gold) -> StanceModel:
    # no frame: these tests are of which sentences the model reads (the frame has its own test)
    return fit(fixture_gold["id"], fixture_gold["text"], fixture_gold["stance"], frame="")


# Written for this test: marks, apostrophes, non-ASCII letters, one-letter words, the
# character the scorer joins texts with, empty text.
AWKWARD = [
    "“Open” weights—safer… or not? Don’t release them: a risk!",
    "İstanbul’s café open-sourced the model; weights, weights, WEIGHTS.",
    "a b c d open source",
    "",
    "text with \x01 inside and \x00 too",
    "The lab published the model weights and a full technical report.",
    "the model a weights x the model weights",  # one-letter words between the words of a pair
]


def test_fitting_twice_gives_the_same_bytes(fixture_gold, fixture_model):
    again = fit(fixture_gold["id"], fixture_gold["text"], fixture_gold["stance"], frame="")
    assert again.to_json() == fixture_model.to_json()
    assert StanceModel.from_json(fixture_model.to_json()).to_json() == fixture_model.to_json()
    assert fixture_model.classes == CLASSES
    assert fixture_model.trained_on == training_hash(fixture_gold["id"], fixture_gold["text"], fixture_gold["stance"])


def test_fast_word_features_equal_scikit_learns(fixture_gold, fixture_model):
    vectorizer = _vectorizer(fixture_model.vocabulary)
    vectorizer.idf_ = fixture_model.idf
    texts = [*fixture_gold["text"], *AWKWARD]
    expected = vectorizer.transform(texts).toarray()
    assert np.count_nonzero(expected) > len(fixture_gold)  # the comparison sees real words ...
    pairs = [i for i, term in enumerate(fixture_model.vocabulary) if " " in term]
    assert np.count_nonzero(expected[:, pairs]) > 0  # ... and word pairs
    np.testing.assert_array_equal(fixture_model._words(texts).toarray(), expected)


def test_a_pair_counts_where_its_words_alone_are_not_in_the_vocabulary(fixture_model):
    """A model file need not come from `fit`: its vocabulary may hold a pair without the pair's words."""
    model = replace(fixture_model, vocabulary=("open source", "weights", "the model"), idf=np.array([1.5, 2.0, 1.2]))
    vectorizer = _vectorizer(model.vocabulary)
    vectorizer.idf_ = model.idf
    texts = ["Open source weights, the model", "the model and open source", "source open weights", ""]
    found = model._words(texts).toarray()
    np.testing.assert_array_equal(found, vectorizer.transform(texts).toarray())
    assert (found[:, 0] > 0).tolist() == [True, True, False, False]


def test_tokens_split_at_marks_and_drop_one_letter_words():
    assert tokenize(AWKWARD[0]) == ["open", "weights", "safer", "or", "not", "don", "release", "them", "risk"]
    assert tokenize("a b c d open source") == ["open", "source"]


def test_document_stance_is_the_sign_of_its_sentences_decisions():
    docs = pd.DataFrame({"doc_id": ["one", "two"], "text": [
        "Open weights let outside researchers find flaws and fix them. The weather was mild. "
        "Releasing weights widely lets malicious actors misuse them for cyberattacks.",
        "We bake bread. Our shop opens at nine."]})
    scores = with_model_stance(score(docs), load())
    for doc_id, document in scores.documents.set_index("doc_id").iterrows():
        sentences = scores.sentences[scores.sentences["doc_id"] == doc_id]["stance"]
        balance = (sentences == "pro_open").sum() - (sentences == "pro_closed").sum()
        assert document["stance"] == ("pro_open" if balance > 0 else "pro_closed" if balance < 0 else "neutral")
    assert scores.documents.set_index("doc_id").loc["two", "stance"] == "neutral"  # no cue: not read, neutral
    rubric = score(docs)
    assert scores.documents.drop(columns="stance").equals(rubric.documents.drop(columns="stance"))


def test_the_rubrics_side_stands_and_the_model_reads_the_rest(fixture_gold, fixture_model):
    rubric = score(pd.DataFrame({"doc_id": fixture_gold["id"], "text": fixture_gold["text"]}))
    sentences = rubric.sentences
    side, read = rubric_side(sentences), has_cue(sentences) & (rubric_side(sentences) == 0)
    assert (side != 0).any() and read.any() and (~has_cue(sentences)).any()  # all three kinds occur
    stance = with_model_stance(rubric, fixture_model).sentences["stance"].to_numpy()
    np.testing.assert_array_equal(stance[side != 0], np.asarray(STANCES, dtype=object)[side[side != 0] + 1])
    assert (stance[~has_cue(sentences)] == "neutral").all()
    texts = [rubric.texts[d][a:b] for d, a, b in sentences.loc[read, ["doc_id", "start", "end"]].itertuples(index=False)]
    np.testing.assert_array_equal(stance[read], fixture_model.predict(texts, sentences[read]))
    documents = rubric.documents  # each fixture text scored as one unit, as explain() reads it
    kinds = np.where(rubric_side(documents) != 0, "rubric", np.where(has_cue(documents), "model", "no cue"))
    for text, kind, rubric_stance in zip(fixture_gold["text"], kinds, documents["stance"]):
        explanation = fixture_model.explain(text)
        assert explanation.decided_by == kind
        assert explanation.stance == {"rubric": rubric_stance, "model": explanation.model_decision, "no cue": "neutral"}[kind]
    assert set(kinds) == {"rubric", "model", "no cue"}


def test_the_model_learns_only_from_the_sentences_it_decides(fixture_gold, fixture_model):
    table = score(pd.DataFrame({"doc_id": fixture_gold["id"], "text": fixture_gold["text"]})).documents
    decides = has_cue(table) & (rubric_side(table) == 0)
    assert decides.any() and not decides.all()
    flip = {"pro_open": "pro_closed", "pro_closed": "neutral", "neutral": "pro_open"}
    labels = fixture_gold["stance"].to_numpy(dtype=object)
    # other labels where the rubric decides (or no cue is hit): the same model, another training hash
    elsewhere = fit(fixture_gold["id"], fixture_gold["text"], np.where(decides, labels, [flip[x] for x in labels]),
                    frame="")
    assert elsewhere.trained_on != fixture_model.trained_on and elsewhere.n_train == len(fixture_gold)
    np.testing.assert_array_equal(elsewhere.coef, fixture_model.coef)
    assert elsewhere.vocabulary == fixture_model.vocabulary
    # the same fit as on those sentences alone; other labels among them: another model
    alone = fit(fixture_gold["id"][decides], fixture_gold["text"][decides], labels[decides], undecided_only=False)
    np.testing.assert_array_equal(alone.coef, fixture_model.coef)
    among = fit(fixture_gold["id"], fixture_gold["text"], np.where(decides, [flip[x] for x in labels], labels),
                frame="")
    assert not np.array_equal(among.coef, fixture_model.coef)
    assert not fixture_model.cues and fixture_model.coef.shape[1] == len(fixture_model.vocabulary)


def test_a_model_that_reads_all_undecided_sentences_decides_those_without_a_cue(fixture_gold, fixture_model):
    reader = fit(fixture_gold["id"], fixture_gold["text"], fixture_gold["stance"], reads="all", frame="")
    assert reader.reads == "all" and StanceModel.from_json(reader.to_json()).reads == "all"
    assert reader.n_train == fixture_model.n_train and reader.coef.shape != fixture_model.coef.shape  # more to learn from
    rubric = score(pd.DataFrame({"doc_id": fixture_gold["id"], "text": fixture_gold["text"]}))
    sentences, side = rubric.sentences, rubric_side(rubric.sentences)
    stance = with_model_stance(rubric, reader).sentences["stance"].to_numpy()
    np.testing.assert_array_equal(stance[side != 0], np.asarray(STANCES, dtype=object)[side[side != 0] + 1])
    no_cue = ~has_cue(sentences)
    texts = [rubric.texts[d][a:b] for d, a, b in sentences.loc[no_cue, ["doc_id", "start", "end"]].itertuples(index=False)]
    np.testing.assert_array_equal(stance[no_cue], reader.predict(texts))  # read by the model, not neutral by rule
    unread = reader.explain("We bake bread and our shop opens at nine.")
    assert unread.decided_by == "model" and unread.stance == unread.model_decision


def test_scores_explain_says_why_each_sentence_took_its_side(fixture_gold, fixture_model):
    rubric = score(pd.DataFrame({"doc_id": ["all"], "text": [" ".join(fixture_gold["text"])]}))
    modelled = with_model_stance(rubric, fixture_model)
    sentences, evidence, text = modelled.sentences, modelled.evidence, modelled.texts["all"]
    whys = [fixture_model.explain(text[start:end], sentences.iloc[[i]], evidence[evidence["sentence"] == number])
            for i, (number, start, end) in enumerate(sentences[["sentence", "start", "end"]].itertuples(index=False))]
    assert [why.stance for why in whys] == sentences["stance"].tolist()  # each note explains the stance reported
    sided = [(row, why) for row, why in zip(sentences.itertuples(), whys) if row.stance != "neutral"]
    assert {why.decided_by for _, why in sided} == {"rubric", "model"}
    notes = str(modelled.explain("all")).split(f"\nstance {modelled.documents['stance'].iloc[0]}: ")[1].splitlines()
    counts = sentences["stance"].value_counts()
    assert notes[0] == (f"{counts['pro_open']} sentence(s) pro_open, {counts['pro_closed']} pro_closed "
                        "(the document's stance is the sign of their difference; sentences are numbered from 0)")
    assert len(notes) == 1 + len(sided)
    for note, (row, why) in zip(notes[1:], sided):
        assert note.startswith(f"  sentence {row.sentence} (characters {row.start}-{row.end}): {row.stance}, decided by ")
        if why.decided_by == "rubric":
            assert all(f"{cue} " in note for cue, side in zip(why.cues["cue"], why.cues["stance"]) if side)
        else:
            top = why.pushes[why.pushes["push"] > 0].head(5)
            assert note.endswith(", ".join(f"{f} {p:+.2f}" for f, p in zip(top["feature"], top["push"])))
    assert "the sign of their difference" not in str(rubric.explain("all"))  # the rubric's stance: its marks say why
    assert "the sign of their difference" in modelled.explain("all")._repr_html_()


def test_a_sentence_reason_is_asked_of_the_model_that_gave_the_stance(fixture_model):
    scores = score(pd.DataFrame({"doc_id": ["a", "b"], "text": ["We bake bread. Our shop opens at nine.",
                                                               "Open weights let researchers audit models."]}))
    modelled = with_model_stance(scores, fixture_model)
    assert str(modelled.explain("a")).endswith("\n\nstance neutral: no sentence takes a side")
    assert modelled.stance_model.sentence_reason(modelled, "a", 0) == (
        "neutral by rule: no cue hit, so the stance model does not read it")
    with pytest.raises(KeyError, match="no sentence 5 of document 'a' in these scores"):
        modelled.stance_model.sentence_reason(modelled, "a", 5)
    with pytest.raises(ValueError, match="these scores' stance was not given by this model"):
        fixture_model.sentence_reason(scores, "b", 0)
    with pytest.raises(ValueError, match="give both the sentence's row"):
        fixture_model.explain("Open weights.", scores.sentences.head(1))
    shipped = with_model_stance(score(pd.DataFrame({"doc_id": ["c"], "text": [
        "Independent researchers can audit the systems for security flaws."]})))  # a cue, no word of open release
    assert shipped.stance_model.sentence_reason(shipped, "c", 0) == (
        "neutral by rule: the stance model gives a side only to a sentence with words of open or closed release, "
        "and this has none")


def test_explain_lists_the_cues_that_took_the_rubrics_side(fixture_model):
    text = "Once weights are released they cannot be recalled, and releasing weights widely lets malicious actors misuse them."
    explanation = fixture_model.explain(text)
    assert explanation.decided_by == "rubric" and explanation.stance == "pro_closed"
    assert explanation.cues["stance"].sum() < 0
    assert all(f"cue {cue} " in str(explanation) for cue in explanation.cues["cue"])
    unread = fixture_model.explain("We bake bread and our shop opens at nine.")
    assert unread.decided_by == "no cue" and unread.cues.empty


def test_explain_adds_up_to_the_decision():
    text = "Open weights let outside researchers find flaws, audit the model and build on it."
    model = load()
    explanation = model.explain(text)
    chosen = CLASSES.index(explanation.model_decision)
    others = [k for k in range(len(CLASSES)) if k != chosen]
    scores = np.array([explanation.scores[c] for c in CLASSES])
    margin = scores[chosen] - scores[others].mean()
    bias = model.intercept[chosen] - model.intercept[others].mean()
    assert explanation.pushes["push"].sum() + bias == pytest.approx(margin, abs=1e-3)
    assert set(explanation.pushes["feature"]) & {"weights", "researchers", "audit", "flaws"}
    assert str(explanation).startswith(f"stance {explanation.stance}")


def test_a_file_that_is_not_a_stance_model_is_refused(tmp_path):
    with pytest.raises(ValueError, match="bad.json"):
        StanceModel.from_json(b'{"format": "something else"}', str(tmp_path / "bad.json"))


@pytest.mark.parametrize("unit", ["document", "sentence"])
def test_stance_rubric_and_model_write_the_same_columns(tmp_path, unit, fixture_gold):
    source = tmp_path / "docs.csv"
    fixture_gold[["id", "text"]].to_csv(source, index=False)
    tables = {}
    for stance in ("rubric", "model"):
        out = tmp_path / f"{stance}.csv"
        assert main(["score", str(source), "--id-column", "id", "--unit", unit, "--stance", stance, "--quiet",
                     "-o", str(out)]) == 0
        tables[stance] = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(tables["rubric"].columns) == list(tables["model"].columns)
    assert tables["rubric"].drop(columns="stance").equals(tables["model"].drop(columns="stance"))
    assert set(tables["model"]["stance"]) <= set(CLASSES)
    default = tmp_path / "default.csv"
    assert main(["score", str(source), "--id-column", "id", "--unit", unit, "--quiet", "-o", str(default)]) == 0
    assert pd.read_csv(default, dtype=str, keep_default_na=False).equals(tables["model"])


def test_the_shipped_model_is_the_fit_on_dev_gold2_and_check(mirror):
    from openness.data import gold2
    from openness.data.sources import gold as gold_source

    gold = pd.concat([gold_source.sentences(mirror / "gold", "dev"), gold2.from_mirror(mirror),
                      gold_source.sentences(mirror / "gold", "check")], ignore_index=True)
    shipped = MODEL_FILE.read_bytes()
    assert load().trained_on == training_hash(gold["id"], gold["text"], gold["stance"])
    design = STANCE_CANDIDATES[SHIPPED_STANCE]  # the design the protocol chose
    assert (load().cues, load().reads) == (design.get("cues", False), design.get("reads", "cue"))
    assert fit(gold["id"], gold["text"], gold["stance"], **design).to_json() == shipped


def test_the_shipped_model_gives_a_side_only_about_open_or_closed_release():
    # sentences written for this test: the same argument with and without a word of its frame
    from openness.core.stance_model import FRAME, load

    model = load()
    assert model.frame == FRAME == "open_or_closed"
    framed = model.explain("Independent researchers can audit the open source systems for security flaws.")
    unframed = model.explain("Independent researchers can audit the systems for security flaws.")
    assert (framed.decided_by, framed.stance) == ("model", "pro_open")
    assert (unframed.decided_by, unframed.model_decision, unframed.stance) == ("no frame", "pro_open", "neutral")
    scores = _scored(["Independent researchers can audit the systems for security flaws.",
                      "Independent researchers can audit the open source systems for security flaws."])
    assert with_model_stance(scores, model).documents["stance"].tolist() == ["neutral", "pro_open"]


def test_a_framed_model_keeps_its_decisions_on_framed_sentences_and_is_neutral_elsewhere(fixture_gold, fixture_model):
    from openness.core.stance_model import FRAME

    framed_model = fit(fixture_gold["id"], fixture_gold["text"], fixture_gold["stance"])  # the default frame
    assert framed_model.frame == FRAME and StanceModel.from_json(framed_model.to_json()).frame == FRAME
    np.testing.assert_array_equal(framed_model.coef, fixture_model.coef)  # the frame changes no fit
    rubric = score(pd.DataFrame({"doc_id": fixture_gold["id"], "text": fixture_gold["text"]}))
    free = with_model_stance(rubric, fixture_model).sentences["stance"].to_numpy()
    kept = with_model_stance(rubric, framed_model).sentences["stance"].to_numpy()
    sentences = rubric.sentences
    texts = [rubric.texts[d][a:b] for d, a, b in sentences[["doc_id", "start", "end"]].itertuples(index=False)]
    framed = framed_model.framed(texts)
    assert framed.any() and not framed.all()
    by_model = (rubric_side(sentences) == 0) & has_cue(sentences)
    np.testing.assert_array_equal(kept[framed | ~by_model], free[framed | ~by_model])
    assert (kept[by_model & ~framed] == "neutral").all()
    assert (free[by_model & ~framed] != "neutral").any()  # the frame did take a side away here


def test_the_model_s_frame_travels_with_it_to_a_user_s_rubric(tmp_path):
    """The shipped model stores its frame's words, so `openness score --rubric mine.yaml`
    with the default stance model works with a rubric that has no context `open_or_closed`
    (it stopped with a traceback when the frame was looked up in the scoring rubric)."""
    model = load()
    assert model.frame == "open_or_closed"
    assert model.framed(["They release the weights.", "They audit it.", "An OPEN-SOURCE model."]).tolist() == [
        True, False, True]
    rubric = tmp_path / "mine.yaml"
    rubric.write_text("id: mine\nversion: '1'\nthemes:\n  safety:\n    criteria:\n      S1:\n"
                      "        label: audits\n        cues:\n          - audit*\n", encoding="utf-8")
    source = tmp_path / "in.csv"
    source.write_text("id,text\na,Anyone can audit the open weights.\nb,Anyone can audit it.\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["score", str(source), "--id-column", "id", "--rubric", str(rubric), "--quiet", "-o", str(out)]) == 0
    written = pd.read_csv(out)
    assert written["doc_id"].tolist() == ["a", "b"] and written["safety"].tolist() == [1, 1]
    assert written["stance"].isin(STANCES).all() and written.loc[1, "stance"] == "neutral"  # b holds no frame word


def test_with_model_stance_in_python_gives_the_command_s_default(fixture_gold, tmp_path):
    """`openness.with_model_stance(openness.score(corpus))` is the Python route to what
    `openness score` writes by default; its other columns are the rubric's."""
    import openness
    from openness.cli import main

    corpus_file, out = tmp_path / "gold.csv", tmp_path / "scores.csv"
    fixture_gold[["id", "text"]].to_csv(corpus_file, index=False)
    assert main(["score", str(corpus_file), "-o", str(out), "--quiet"]) == 0
    command = pd.read_csv(out, dtype={"doc_id": str}, keep_default_na=False).set_index("doc_id")["stance"]
    rubric = openness.score(openness.read_corpus(corpus_file))
    model = openness.with_model_stance(rubric)
    assert model.documents.set_index("doc_id")["stance"].to_dict() == command.to_dict()
    assert (model.documents["stance"] != rubric.documents["stance"]).sum() == 2  # the model decides where no cue takes a side
    assert model.documents.drop(columns="stance").equals(rubric.documents.drop(columns="stance"))
