"""Scoring on a small rubric and registry written for these tests, so the expected values
follow from the rules in openness.core.scoring and not from the shipped rubric's tuning."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from openness.core import scoring
from openness.core.labs import load_labs
from openness.core.matcher import ENGINES
from openness.core.rubric import load_rubric
from openness.core.scoring import Scorer, score

RUBRIC = """
id: mini
version: "0.1"
negation:
  window: 12
  default: flip
  negators: ["not", "no", "without"]
themes:
  transparency:
    criteria:
      T1:
        label: release
        cues:
          - {phrase: "open source", stance: 1}
          - {phrase: "training data"}
          - {phrase: "open source model*", stance: 1}
  safety:
    criteria:
      S1:
        label: harm
        cues:
          - {phrase: "cannot be recalled", stance: -1}
          - {phrase: "safeguards", stance: 0}
          - {phrase: "misuse", stance: -1, negation: zero}
  control:
    criteria:
      C1:
        label: power
        cues:
          - {phrase: "monopol*", stance: 1}
"""

LABS = """
labs:
  acme:
    name: Acme AI
    aliases: [Acme AI, Acme]
    products: [{phrase: Rocket, case_sensitive: true}]
  zeta:
    name: Zeta Labs
    aliases: [Zeta Labs]
not_labs: [Acme Hardware]
"""

DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d"],
        "text": [
            "Acme released an open source model. Its training data is not open source.",
            "Once shared, weights cannot be recalled. Zeta Labs warns of misuse without safeguards.",
            "Acme Hardware sells drills. A monopoly worries rocket scientists. Rocket is Acme's model.",
            "",
        ],
    }
)


@pytest.fixture(scope="module")
def scorer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mini")
    (folder / "rubric.yaml").write_text(RUBRIC)
    (folder / "labs.yaml").write_text(LABS)
    return Scorer(load_rubric(folder / "rubric.yaml"), load_labs(folder / "labs.yaml"))


@pytest.fixture(scope="module")
def scores(scorer):
    return scorer.score(DOCS)


def test_evidence_rows_follow_the_rules(scores):
    ev = scores.evidence
    a = ev[ev.doc_id == "a"]
    # leftmost-longest: "open source model" beats "open source" in the first sentence
    assert a["cue"].tolist() == ["T1.open_source_model*", "T1.training_data", "T1.open_source"]
    assert a["negated"].tolist() == [False, False, True]
    assert a["stance"].tolist() == [1, 0, -1]  # the negated +1 cue flips
    assert a["sentence"].tolist() == [0, 1, 1]
    b = ev[ev.doc_id == "b"].set_index("cue")
    assert b.loc["S1.misuse", "negated"] == False  # noqa: E712  "of" is no negator
    assert b.loc["S1.safeguards", "negated"] == True  # noqa: E712  "without safeguards"
    assert b.loc["S1.cannot_be_recalled", "stance"] == -1


def test_spans_slice_back_to_the_cue(scores, scorer):
    texts = DOCS.set_index("doc_id")["text"]
    for row in scores.evidence.itertuples():
        cue = next(c for c in scorer.rubric.cues if c.id == row.cue)
        assert re.fullmatch(cue.pattern.regex, texts[row.doc_id][row.start : row.end], re.I)
    for row in scores.mentions.itertuples():
        assert texts[row.doc_id][row.start : row.end] in {"Acme", "Acme AI", "Rocket", "Zeta Labs"}


def test_blockers_and_case_rules_for_labs(scores):
    c = scores.mentions[scores.mentions.doc_id == "c"]
    # "Acme Hardware" is blocked, lower-case "rocket" is not the product, "Rocket" and "Acme's" are
    assert list(zip(c["lab"], c["sentence"])) == [("acme", 2), ("acme", 2)]


def test_document_table_adds_up(scores):
    docs = scores.documents.set_index("doc_id")
    assert docs.loc["a", "transparency"] == 3 and docs.loc["a", "transparency_stance"] == 0
    assert docs.loc["a", "stance"] == "neutral"
    assert docs.loc["b", "safety"] == 3 and docs.loc["b", "safety_stance"] == -1 + 0 + -1
    assert docs.loc["b", "stance"] == "pro_closed"
    assert docs.loc["c", "control"] == 1 and docs.loc["c", "stance"] == "pro_open"
    assert docs.loc["d"].n_words == 0 and docs.loc["d"].n_sentences == 0 and docs.loc["d", "stance"] == "neutral"
    assert docs.loc["a", "n_words"] == len(DOCS.text[0].split())
    assert docs.loc["b", "safety_rate"] == pytest.approx(3 * 1000 / len(DOCS.text[1].split()))
    assert docs["labs"].tolist() == ["acme", "zeta", "acme", ""]
    sentences = scores.sentences.groupby("doc_id")[["transparency", "safety", "control", "n_words"]].sum()
    assert (sentences.loc[["a", "b", "c"]].to_numpy() == docs.loc[["a", "b", "c"], ["transparency", "safety", "control", "n_words"]].to_numpy()).all()
    assert set(docs["rubric_id"]) == {"mini"} and docs["rubric_hash"].str.len().min() >= 8


def test_scores_print_as_their_sizes_not_their_tables(scores):
    assert repr(scores) == (f"Scores(4 documents, {len(scores.sentences)} sentences, {len(scores.evidence)} cue hits, "
                            f"{len(scores.mentions)} lab mentions, 0 rejects; rubric mini {scores.rubric.version})")
    assert len(scores.evidence) > 0 and len(scores.mentions) > 0


def test_lab_frames_attribute_hits_in_sentences_naming_the_lab(scores):
    frames = scores.lab_frames.set_index(["doc_id", "lab", "theme"])
    # doc a: Acme is named in sentence 0 only, which holds one transparency hit
    assert frames.loc[("a", "acme", "transparency"), "hits"] == 1
    assert frames.loc[("b", "zeta", "safety"), "hits"] == 2  # misuse + safeguards, not "cannot be recalled"
    assert ("c", "acme", "control") not in frames.index  # the monopoly sentence names no lab


def test_labs_are_joined_in_id_order_and_each_lab_counts_a_hit_once(scorer):
    docs = pd.DataFrame({
        "doc_id": ["z", "m"],
        "text": ["Acme AI and Zeta Labs share training data, Acme says. Acme calls misuse rare.",
                 "No misuse of Rocket was seen."],
    })
    result = scorer.score(docs)
    assert result.sentences["labs"].tolist() == ["acme;zeta", "acme", "acme"]
    assert result.documents["labs"].tolist() == ["acme;zeta", "acme"]
    # sorted by doc_id, lab and theme name; "Acme" twice in one sentence attributes its hit once
    assert result.lab_frames.to_dict("split")["data"] == [
        ["m", "acme", "safety", 1, 0, 1],  # negated "misuse" keeps no stance (negation: zero)
        ["z", "acme", "safety", 1, -1, 0],
        ["z", "acme", "transparency", 1, 0, 0],
        ["z", "zeta", "transparency", 1, 0, 0],
    ]


def test_words_are_counted_across_the_blocks_of_a_long_text(scorer):
    # with a period of 3 bytes the blocks of 2**18 bytes begin inside a word, at a space and
    # at a word's first letter: only the last starts a word
    text = "ab " * 300_000
    assert scoring._BLOCK == 2**18
    assert scorer.score(pd.DataFrame({"doc_id": ["long"], "text": [text]})).documents["n_words"].tolist() == [300_000]


def test_non_ascii_text_keeps_code_point_offsets(scorer):
    text = "Zürich’s café — «Acme» said: no “open source” here, only training data."
    result = scorer.score(pd.DataFrame({"doc_id": ["u"], "text": [text]}))
    spans = [text[s:e] for s, e in zip(result.evidence.start, result.evidence.end)]
    assert spans == ["open source", "training data"]
    assert [text[s:e] for s, e in zip(result.mentions.start, result.mentions.end)] == ["Acme"]


@pytest.mark.skipif(len(ENGINES) < 2, reason="only one engine is installed here")
def test_engines_give_identical_tables(scorer):
    other = Scorer(scorer.rubric, scorer.labs, engine="re")
    for name in ("documents", "sentences", "evidence", "mentions", "lab_frames"):
        pd.testing.assert_frame_equal(getattr(scorer.score(DOCS), name), getattr(other.score(DOCS), name))


def test_a_document_s_hits_do_not_depend_on_the_document_before_it(tmp_path):
    """A cue that may hold any character but a full stop must not run on from one document
    into the next, where it would hide that document's own hit of the cue."""
    folder = tmp_path / "spanning"
    folder.mkdir()
    (folder / "rubric.yaml").write_text(RUBRIC.replace(
        '{phrase: "monopol*", stance: 1}', '{phrase: "monopol*", stance: 1}\n          - {id: C1.classed, regex: "classified[^.]{0,60} as high-risk"}'))
    (folder / "labs.yaml").write_text(LABS)
    scorer = Scorer(load_rubric(folder / "rubric.yaml"), load_labs(folder / "labs.yaml"))
    before = "Regulators classified the new chatbot"
    text = "Lawmakers classified the model as high-risk."
    together = scorer.score(pd.DataFrame({"doc_id": ["a", "b"], "text": [before, text]})).evidence
    alone = scorer.score(pd.DataFrame({"doc_id": ["b"], "text": [text]})).evidence
    assert together[together.doc_id == "b"].reset_index(drop=True).equals(alone)
    assert alone.cue.tolist() == ["C1.classed"]


def test_same_input_same_bytes(scorer):
    first = scorer.score(DOCS).documents.to_csv(index=False)
    assert scorer.score(DOCS.copy()).documents.to_csv(index=False) == first


def test_score_needs_a_text_column():
    with pytest.raises(ValueError, match=r"text column 'text' not found; available columns: doc_id"):
        score(pd.DataFrame({"doc_id": ["x"]}))


def test_explain_marks_hits_as_text_and_html(scores):
    explained = scores.explain("a")
    assert "[open source model]{T1.open_source_model* +1}" in str(explained)
    assert "[open source]{T1.open_source -1 negated}" in str(explained)
    assert repr(explained) == str(explained)  # a Python prompt shows the marked text
    assert "<mark" in explained._repr_html_() and "Acme" in explained._repr_html_()
    with pytest.raises(KeyError):
        scores.explain("missing")


def test_shipped_rubric_scores_the_examples():
    from openness.core.corpus import read_corpus
    from openness.paths import EXAMPLES

    result = score(read_corpus(EXAMPLES))
    docs = result.documents.set_index("doc_id")
    assert docs.loc["05-not-about-labs", "labs"] == ""  # every look-alike stays out
    assert docs.loc["04-xai-grok", "labs"] == "xai"
    assert docs.loc["02-closed-frontier", "stance"] == "pro_closed"
    assert docs.loc["03-power-and-regulation", "control"] > docs.loc["03-power-and-regulation", "safety"]
    assert result.evidence["negated"].any()
    assert np.array_equal(result.documents["n_sentences"].to_numpy() > 0, np.ones(5, bool))


def test_a_doc_id_with_a_lone_surrogate_becomes_u_fffd_as_read_corpus_makes_it():
    from openness.core.corpus import read_corpus

    docs = pd.DataFrame({"doc_id": ["fine", "bad\udc80id"], "text": ["Meta released open weights.", "OpenAI did not."]},
                        dtype=object)  # pandas string columns cannot hold a lone surrogate
    assert score(docs).documents["doc_id"].tolist() == ["fine", "bad\ufffdid"] == \
        read_corpus(docs, id="doc_id").docs["doc_id"].tolist()
    # rows scored as they are (the package's own tables) still refuse it, naming the row
    with pytest.raises(ValueError, match=r"doc_id 'bad\\udc80id' \(row 1\) holds a lone surrogate.*errors=.replace."):
        scoring.score_rows(docs)


OVERLAP_RUBRIC = """
id: overlap
version: "0.1"
contexts:
  ai:
    cues: ["model"]
themes:
  transparency:
    criteria:
      T1:
        label: access
        cues:
          - {phrase: "access to the weights"}
  safety:
    criteria:
      S1:
        label: limits
        cues:
          - {phrase: "restrict access", stance: -1}
  control:
    criteria:
      C1:
        label: gatekeeping
        cues:
          - {phrase: "restrict access to the weights", context: ai}
          - {phrase: "restrict"}
"""


def test_overlapping_cues_compete_only_within_their_theme(tmp_path):
    """Themes are coded independently: a safety cue takes no span from a control cue, while
    within a theme overlaps count once; a cue out of its context takes no span at all."""
    (tmp_path / "rubric.yaml").write_text(OVERLAP_RUBRIC)
    (tmp_path / "labs.yaml").write_text(LABS)
    scorer = Scorer(load_rubric(tmp_path / "rubric.yaml"), load_labs(tmp_path / "labs.yaml"))
    docs = pd.DataFrame({"doc_id": ["in", "out"], "text": ["They restrict access to the weights of the model.",
                                                         "They restrict access to the weights of the archive."]})
    evidence = scorer.score(docs).evidence
    found = {doc: sorted(zip(part["theme"], part["cue"], part["start"], part["end"]))
             for doc, part in evidence.groupby("doc_id")}
    assert found["in"] == [("control", "C1.restrict_access_to_the_weights", 5, 35),
                           ("safety", "S1.restrict_access", 5, 20),
                           ("transparency", "T1.access_to_the_weights", 14, 35)]
    # out of context the long control cue is no hit, so the short one takes its place
    assert found["out"] == [("control", "C1.restrict", 5, 13), ("safety", "S1.restrict_access", 5, 20),
                            ("transparency", "T1.access_to_the_weights", 14, 35)]


CONTEXT_RUBRIC = """
id: contexts
version: "0.1"
contexts:
  ai:
    cues: ["model*", "machine learning"]
themes:
  transparency:
    criteria:
      T1:
        label: release
        cues:
          - {phrase: "open source"}
  safety:
    criteria:
      S1:
        label: oversight
        cues:
          - {phrase: "monitor", context: ai}
  control:
    criteria:
      C1:
        label: power
        cues:
          - {phrase: "monopol*"}
"""

# (text, whether `monitor` counts): one-word context words are looked for in the cue's sentence
# only; a context phrase counts in the sentence where it starts, even when it runs into the next
IN_ITS_SENTENCE = [
    ("We monitor the models.", True),
    ("Zürich’s team will monitor the model’s outputs.", True),
    ("We monitor it. The model is new.", False),
    ("The model is new. We monitor it.", False),
    ("We monitor it.\u00a0Models differ.", False),
    ("Models\n\nWe monitor it.", False),
    ("We monitor machine\nLearning goes on.", True),
    ("Machine\n\nLearning: we monitor it.", False),
]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_context_counts_only_in_its_sentence(tmp_path, engine):
    (tmp_path / "rubric.yaml").write_text(CONTEXT_RUBRIC)
    (tmp_path / "labs.yaml").write_text(LABS)
    scorer = Scorer(load_rubric(tmp_path / "rubric.yaml"), load_labs(tmp_path / "labs.yaml"), engine=engine)
    texts = [text for text, _ in IN_ITS_SENTENCE]
    scores = scorer.score(pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts}))
    counted = set(scores.evidence.loc[scores.evidence["cue"] == "S1.monitor", "doc_id"].astype(int))
    assert [i in counted for i in range(len(texts))] == [counts for _, counts in IN_ITS_SENTENCE]
    sentences = scores.sentences.groupby("doc_id", sort=False).size().tolist()
    assert sentences == [1, 1, 2, 2, 2, 2, 2, 2]  # each case's sentences are as the comments say


NEGATION_RUBRIC = """
id: negation
version: "0.1"
negation:
  window: 12
  default: flip
  negators: ["not", "no longer", "longer"]
themes:
  transparency:
    criteria:
      T1:
        label: release
        cues:
          - {phrase: "open source", stance: 1}
  safety:
    criteria:
      S1:
        label: harm
        cues: ["misuse"]
  control:
    criteria:
      C1:
        label: power
        cues: ["monopol*"]
"""

# (text, sentences, whether `open source` is negated): one-word negators are looked for in the
# cue's sentences only; a negator phrase that runs from the sentence before into the cue's
# still wins over the word it overlaps there, and negates nothing in a sentence it starts before
NEGATED = [
    ("It is not open source.", 1, True),
    ("Not here. Open source wins.", 2, False),
    ("Longer open source.", 1, True),
    ("We say no\nLonger open source.", 2, False),
    # a dash, semicolon or colon ends the negator's reach: the clause after it is not negated
    ("Not so – open source.", 1, False),
    ("Not so - open source.", 1, False),
    ("Not this; open source.", 1, False),
    ("Not now: open source.", 1, False),
    ("Not-quite open source.", 1, True),  # a hyphen inside a word is no break
    ("Not 2020–2023 open source.", 1, True),  # nor a range of years
    ("Not v1:2 open source.", 1, True),  # nor a colon inside a token
    ("Not in 2023–open source.", 1, False),  # an en dash with a digit on one side only is one
]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_negator_negates_only_in_its_sentence(tmp_path, engine):
    (tmp_path / "rubric.yaml").write_text(NEGATION_RUBRIC)
    (tmp_path / "labs.yaml").write_text(LABS)
    scorer = Scorer(load_rubric(tmp_path / "rubric.yaml"), load_labs(tmp_path / "labs.yaml"), engine=engine)
    texts = [text for text, _, _ in NEGATED]
    scores = scorer.score(pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts}))
    assert scores.sentences.groupby("doc_id", sort=False).size().tolist() == [n for _, n, _ in NEGATED]
    assert scores.evidence["doc_id"].tolist() == [str(i) for i in range(len(texts))]
    assert scores.evidence["negated"].tolist() == [negated for _, _, negated in NEGATED]
    assert scores.evidence["stance"].tolist() == [-1 if negated else 1 for _, _, negated in NEGATED]


def test_explain_says_why_an_id_is_not_a_document():
    """Ids read from a file are strings, and a rejected row has no text to show: the error says so."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the rejected row's RejectsWarning is not the subject here
        scores = score(pd.DataFrame({"doc_id": ["4", "5"], "text": ["Open weights matter.", ""]}))
    with pytest.raises(KeyError, match=r"no document with doc_id 4 \(ids are strings: explain\('4'\)\)"):
        scores.explain(4)
    with pytest.raises(KeyError, match=r"no document with doc_id '5' \(rejected: empty text; see scores.rejects\)"):
        scores.explain("5")
    with pytest.raises(KeyError, match=r"no document with doc_id 'x'\"?$"):
        scores.explain("x")
    assert scores.explain("4").doc_id == "4"
