"""Properties of the text and scoring core on arbitrary text (hypothesis, fixed budget).

Texts mix real cue, lab and negator phrases (taken from the shipped rubric and registry at
run time) with hostile Unicode: combining marks, right-to-left text, zero-width and bidi
controls, emoji, NUL bytes, lone surrogates (what bad decoding with surrogateescape gives),
odd whitespace. Whatever the text, scoring must not raise, every span must point at the
characters it claims, sentence spans must keep their contract, the tables must add up, and
the result must not depend on the matching engine, on chunking or on the number of processes.
"""
from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from openness.core.matcher import ENGINES, bounded
from openness.core.rubric import THEMES
from openness.core.scoring import Scorer, get_scorer
from openness.core.streaming import score_to_csv
from openness.core.text import sentence_spans

# Fixed budget, derandomized (same examples on every run), no shrinking: a failing property
# reports the example it met instead of spending minutes looking for a smaller one.
BUDGET = settings(max_examples=150, deadline=None, derandomize=True, database=None, report_multiple_bugs=False,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SMALL_BUDGET = settings(BUDGET, max_examples=40)

HOSTILE = [
    "\u0301", "\u0308\u0323", "e\u0301", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u202e", "\u202c",
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\U0001f600", "\U0001f469\u200d\U0001f52c", "\x00",
    "\u00a0", "\u2003", "\u2028", "\x85", "\x1c", "\r\n", "\r", "\t",
    "\n", "\n\n", ". ", "! ", "? ", "\u2026 ", "\u201c", "\u2019", "1. ", "# ", "- ", "\u2022 ", "Dr. ", "3.5",
    "\u0130", "\u212a", "\u017f", "\uff21", "\u00df", "\ufffd",
]
SURROGATES = ["\ud800", "\udcff", "\udfff", "\udc80"]  # what "surrogateescape" makes of bytes that are not UTF-8
SEPARATORS = [" ", " ", " ", "\n", "-", "\u00a0", "\u200b", "\u0301 ", " \n ", "--", "\t"]
NEGATORS = ["not", "never", "no", "don't", "won\u2019t", "cannot", "refused to"]


def _phrase(regex: str) -> str | None:
    """A literal instance of a phrase-style regex (`open[\\s\\-]+data\\w*` -> `open data`),
    None for hand-written regexes."""
    if not re.fullmatch(r"(?:[A-Za-z0-9]|\\.)+(?:\[\\s\\-\]\+(?:[A-Za-z0-9]|\\.)+)*(?:\\w\*)?", regex):
        return None
    words = regex.removesuffix(r"\w*").split(r"[\s\-]+")
    return " ".join(re.sub(r"\\(.)", r"\1", word) for word in words)


@functools.cache
def scorer() -> Scorer:
    return get_scorer()


@functools.cache
def phrases() -> tuple[str, ...]:
    """Cue, lab and blocker phrases of the shipped rubric and registry, plus a few by hand."""
    found = {_phrase(p.regex) for p in (*(c.pattern for c in scorer().rubric.cues), *scorer().labs.patterns)}
    return tuple(sorted(p for p in found if p)) + ("open source", "weights", "OpenAI", "Grok", "Meta", "GPT-4o")


def _spell(words: list[str], separators: list[str], ending: str) -> str:
    return words[0] + "".join(s + w for s, w in zip(separators, words[1:])) + ending


def phrase_strategy() -> st.SearchStrategy[str]:
    """A phrase with its spaces replaced by random separators and an optional word ending
    (deferred: the rubric is loaded when the first example is drawn, not at collection)."""
    return st.deferred(lambda: st.builds(
        _spell,
        st.sampled_from(phrases()).map(str.split),
        st.lists(st.sampled_from(SEPARATORS), min_size=8, max_size=8),
        st.sampled_from(["", "", "s", "ing", "\u0301", "'s"]),
    ))


# Where a pattern allows "any character but ..." (DALL-E, the n't negator), put one in.
GLUED = st.builds("".join, st.tuples(st.sampled_from(["DALL", "don", "won", "can", "isn"]),
                                      st.sampled_from(HOSTILE + ["\u2014", "\u00b7", "'", "\u2019"]),
                                      st.sampled_from(["E", "t", "t", "E 3"])))
PIECE = st.one_of(
    phrase_strategy(), phrase_strategy(), GLUED,
    st.sampled_from(NEGATORS), st.sampled_from(HOSTILE), st.sampled_from(SEPARATORS),
    st.text(max_size=6),
    st.text(st.characters(codec="ascii"), max_size=8),
)
PIECES = st.lists(st.one_of(PIECE, phrase_strategy()), max_size=40)
TEXT = st.one_of(PIECES.map("".join), PIECES.map(" ".join))  # glued pieces, or words apart
DOCS = st.lists(TEXT, min_size=1, max_size=6)
TEXT_WITH_SURROGATES = st.lists(st.one_of(PIECE, st.sampled_from(SURROGATES)), max_size=40).map(" ".join)


def frame(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": pd.Series(texts, dtype=object)})


def flags(case_sensitive: bool) -> int:
    return re.ASCII | (0 if case_sensitive else re.IGNORECASE)


def is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


# -- sentences -----------------------------------------------------------------------------------


def assert_sentence_contract(text: str, spans: np.ndarray) -> None:
    assert spans.dtype == np.int64 and spans.shape == (len(spans), 2)
    covered = np.zeros(len(text), dtype=bool)
    previous_end = 0
    for start, end in spans.tolist():
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        covered[start:end] = True
        previous_end = end
    uncovered = [i for i in np.flatnonzero(~covered).tolist() if not text[i].isspace()]
    assert uncovered == [], f"non-whitespace characters outside every span at {uncovered[:5]}"


@BUDGET
@given(TEXT_WITH_SURROGATES)
def test_sentence_spans_are_ordered_disjoint_and_cover_the_text(text):
    assert_sentence_contract(text, sentence_spans(text))


@pytest.mark.parametrize("text", ["", " ", "\n\n\t ", "\u00a0\u2003\u2028\x85", "\r\n" * 50])
def test_empty_and_whitespace_only_texts_score_to_nothing(text):
    assert sentence_spans(text).shape == (0, 2)
    scores = scorer().score(frame([text]))
    row = scores.documents.iloc[0]
    assert (row["n_words"], row["n_sentences"], row["stance"], row["labs"]) == (0, 0, "neutral", "")
    assert [row[t] for t in THEMES] == [0, 0, 0] and row["transparency_rate"] == 0.0
    assert scores.sentences.empty and scores.evidence.empty and scores.mentions.empty


def test_an_empty_frame_scores_to_empty_tables():
    scores = scorer().score(frame([]))
    assert scores.documents.empty and scores.sentences.empty and scores.evidence.empty


# -- scores --------------------------------------------------------------------------------------


def assert_evidence_points_at_its_cue(texts: list[str], scores) -> None:
    cues = {cue.id: cue for cue in scorer().rubric.cues}
    by_id = dict(zip(scores.documents["doc_id"], texts))
    for row in scores.evidence.itertuples():
        text = by_id[row.doc_id]
        assert 0 <= row.start < row.end <= len(text)
        pattern = cues[row.cue].pattern
        piece = text[row.start:row.end]
        assert re.fullmatch(pattern.regex, piece, flags(pattern.case_sensitive)), (row.cue, piece)
        assert re.compile(bounded(pattern.regex), flags(pattern.case_sensitive)).match(text, row.start).end() >= row.end
        assert not (is_word(piece[0]) and row.start and is_word(text[row.start - 1])), "hit starts inside a word"
        assert not (is_word(piece[-1]) and row.end < len(text) and is_word(text[row.end])), "hit ends inside a word"
        sentence = scores.sentences[(scores.sentences.doc_id == row.doc_id) & (scores.sentences.sentence == row.sentence)]
        assert sentence.start.item() <= row.start < sentence.end.item()


def assert_mentions_point_at_their_lab(texts: list[str], scores) -> None:
    registry = scorer().labs
    by_id = dict(zip(scores.documents["doc_id"], texts))
    for row in scores.mentions.itertuples():
        text = by_id[row.doc_id]
        assert 0 <= row.start < row.end <= len(text)
        piece = text[row.start:row.end]
        assert any(re.fullmatch(p.regex, piece, flags(p.case_sensitive))
                   for p, lab in zip(registry.patterns, registry.pattern_lab) if lab == row.lab), (row.lab, piece)


def assert_tables_add_up(texts: list[str], scores) -> None:
    documents, sentences, evidence = scores.documents.set_index("doc_id"), scores.sentences, scores.evidence
    ids = documents.index
    per_sentence = sentences.groupby("doc_id")[[*THEMES, *(f"{t}_stance" for t in THEMES), "n_words"]].sum()
    per_sentence = per_sentence.reindex(ids, fill_value=0)
    for theme in THEMES:
        hits = evidence[evidence.theme == theme]
        assert documents[theme].tolist() == per_sentence[theme].tolist()
        assert documents[theme].tolist() == hits.groupby("doc_id").size().reindex(ids, fill_value=0).tolist()
        stance = hits.groupby("doc_id")["stance"].sum().reindex(ids, fill_value=0)
        assert documents[f"{theme}_stance"].tolist() == per_sentence[f"{theme}_stance"].tolist() == stance.tolist()
    assert documents["n_words"].tolist() == per_sentence["n_words"].tolist()
    assert documents["n_sentences"].tolist() == sentences.groupby("doc_id").size().reindex(ids, fill_value=0).tolist()
    assert documents["n_sentences"].tolist() == [len(sentence_spans(t)) for t in texts]
    total = documents[[f"{t}_stance" for t in THEMES]].sum(axis=1)
    assert documents["stance"].tolist() == ["pro_open" if s > 0 else "pro_closed" if s < 0 else "neutral" for s in total]
    for doc_id, text in zip(ids, texts):
        assert_sentence_contract(text, sentences.loc[sentences.doc_id == doc_id, ["start", "end"]].to_numpy())


@BUDGET
@given(DOCS)
def test_scores_point_at_their_text_and_add_up(texts):
    scores = scorer().score(frame(texts))
    assert scores.documents["doc_id"].tolist() == [f"d{i}" for i in range(len(texts))]
    assert_evidence_points_at_its_cue(texts, scores)
    assert_mentions_point_at_their_lab(texts, scores)
    assert_tables_add_up(texts, scores)


@SMALL_BUDGET
@given(st.lists(TEXT_WITH_SURROGATES, min_size=1, max_size=3))
def test_lone_surrogates_from_bad_decoding_do_not_crash_scoring(texts):
    """Text decoded with errors="surrogateescape" (or JSON's "\\ud800" escape) holds lone
    surrogates; scoring must handle them like any other character."""
    scores = scorer().score(frame(texts))
    assert_evidence_points_at_its_cue(texts, scores)
    assert_tables_add_up(texts, scores)


def test_a_lone_surrogate_is_scored_like_any_character():
    """Regression: pandas' Arrow-backed strings cannot hold a lone surrogate, so converting
    the text column to them raised UnicodeEncodeError instead of giving scores."""
    text = "Meta released open weights \udcff today."
    scores = scorer().score(frame([text]))
    assert scores.mentions["lab"].tolist() == ["meta"]
    hit = scores.evidence.iloc[0]
    assert len(scores.evidence) == 1 and hit["theme"] == "transparency"
    assert "open weights" in text[hit["start"]:hit["end"]]


@BUDGET
@given(TEXT)
def test_word_counts_are_whitespace_separated_tokens(text):
    """The documented definition of `n_words`, on the same whitespace the splitter uses."""
    sentences = scorer().score(frame([text])).sentences
    assert sentences["n_words"].tolist() == [len(text[s:e].split()) for s, e in zip(sentences.start, sentences.end)]


def test_word_counts_split_at_unicode_whitespace_not_at_nul():
    """Regression: only ASCII whitespace and NUL used to separate words, while str.split
    (the documented definition) also splits at NBSP, em space or U+2028 and not at NUL."""
    scores = scorer().score(frame(["Yes.\u00a0No way here.", "open\u2003weights", "a\x00b"]))
    assert scores.sentences["n_words"].tolist() == [1, 3, 2, 1]
    assert scores.documents["n_words"].tolist() == [4, 2, 1]


@functools.cache
def re_engine_scorer() -> Scorer:
    return Scorer(scorer().rubric, scorer().labs, engine="re")


@pytest.mark.skipif("hyperscan" not in ENGINES, reason="only the re engine is installed: nothing to compare")
@BUDGET
@given(DOCS)
def test_both_engines_give_the_same_evidence_and_mentions(texts):
    fast, slow = scorer().score(frame(texts)), re_engine_scorer().score(frame(texts))
    pd.testing.assert_frame_equal(fast.evidence, slow.evidence)
    pd.testing.assert_frame_equal(fast.mentions, slow.mentions)
    pd.testing.assert_frame_equal(fast.documents, slow.documents)


@pytest.mark.skipif("hyperscan" not in ENGINES, reason="only the re engine is installed: nothing to compare")
@pytest.mark.parametrize("text", ["We don\U0001f600t release weights.", "DALL\u2014E draws.", "DALL\U0001f600E draws."])
def test_engines_agree_when_a_negated_class_meets_multibyte_characters(text):
    """Regression: Hyperscan counted UTF-8 bytes where `re` counted code points, so negated
    classes such as `[^A-Za-z0-9]{0,3}` (DALL-E) disagreed on an em dash or an emoji. Both
    engines now match bytes and must find the same hits on any text."""
    fast = [a.tolist() for a in scorer().matcher.scan(text)]
    slow = [a.tolist() for a in re_engine_scorer().matcher.scan(text)]
    assert fast == slow


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True)


@SMALL_BUDGET
@given(DOCS, st.integers(1, 4))
def test_scores_do_not_depend_on_chunking(texts, k):
    whole = scorer().score(frame(texts))
    docs = frame(texts)
    parts = [scorer().score(docs.iloc[i:i + k]) for i in range(0, len(docs), k)]
    for table in ("documents", "sentences", "evidence", "mentions", "lab_frames"):
        joined = _concat([getattr(p, table) for p in parts])
        expected = getattr(whole, table)
        if table == "lab_frames":  # grouped and sorted per call: compare as sets of rows
            joined = joined.sort_values(["doc_id", "lab", "theme"], ignore_index=True)
        pd.testing.assert_frame_equal(joined, expected, check_dtype=False, check_index_type=False)


def _corpus_csv(path, n_docs: int = 200) -> None:
    """A seeded corpus of short documents built from rubric and lab phrases."""
    rng = np.random.default_rng(5)
    pool = np.array(phrases() + ("and", "the", "said", "we", "not", ".", ".", "\n\n", "!", "Meta", "OpenAI"), dtype=object)
    texts = [" ".join(rng.choice(pool, size=rng.integers(3, 60))) for _ in range(n_docs)]
    pd.DataFrame({"id": [f"doc{i:03d}" for i in range(n_docs)], "text": texts}).to_csv(path, index=False)


def test_n_jobs_and_chunksize_give_byte_identical_outputs(tmp_path):
    source = tmp_path / "corpus.csv"
    _corpus_csv(source)
    runs = {}
    for name, options in {"serial": dict(n_jobs=1, chunksize=10_000), "chunked": dict(n_jobs=1, chunksize=17),
                          "parallel": dict(n_jobs=2, chunksize=17)}.items():
        for unit in ("document", "sentence"):
            out = tmp_path / f"{name}-{unit}.csv"
            summary = score_to_csv(source, out, id="id", unit=unit, evidence=tmp_path / f"{name}-{unit}-hits.csv",
                                   progress=False, **options)
            assert (summary.n_read, summary.n_written) == (200, 200)
            runs[name, unit] = (out.read_bytes(), (tmp_path / f"{name}-{unit}-hits.csv").read_bytes())
    for unit in ("document", "sentence"):
        assert runs["serial", unit] == runs["chunked", unit] == runs["parallel", unit]
    documents = pd.read_csv(tmp_path / "serial-document.csv")
    assert len(documents) == 200 and documents[list(THEMES)].to_numpy().sum() > 200  # the corpus has hits to compare


# -- large inputs --------------------------------------------------------------------------------

BLOCK = ("Meta released open weights for its model. We will not publish the training data! "
         "OpenAI's GPT-4o stays closed source, the regulators said.\n\n")


def test_a_ten_megabyte_document_scores_as_the_sum_of_its_paragraphs():
    repeats = 10_000_000 // len(BLOCK) + 1
    one = scorer().score(frame([BLOCK]))
    big = scorer().score(frame([BLOCK * repeats]))
    assert len(BLOCK * repeats) >= 10_000_000
    assert len(big.sentences) == repeats * len(one.sentences)
    assert len(big.evidence) == repeats * len(one.evidence) > 0
    assert len(big.mentions) == repeats * len(one.mentions) > 0
    for column in ("n_words", *THEMES, *(f"{t}_stance" for t in THEMES)):
        assert big.documents[column].item() == repeats * one.documents[column].item()
    last = big.evidence.iloc[-1]
    offset = (repeats - 1) * len(BLOCK)
    assert (last.start - offset, last.end - offset, last.cue) == tuple(one.evidence.iloc[-1][["start", "end", "cue"]])


def test_a_one_megabyte_sentence_stays_one_sentence():
    text = "open weights and model cards " * 36_000 + "end."
    scores = scorer().score(frame([text]))
    assert scores.sentences[["start", "end"]].values.tolist() == [[0, len(text)]]
    assert scores.documents["n_words"].item() == 36_000 * 5 + 1
    assert scores.evidence["cue"].value_counts().to_dict() == {"T2.open_weight*": 36_000, "T3.model_card*": 36_000}
