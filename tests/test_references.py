"""Reference lines (openness.core.references) and what the scorer does with them. Every text
here is written for these tests: invented authors, titles and example.org addresses."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from openness.core import references
from openness.core.references import LOCATORS, MARKS, NEED_A_DIGIT, in_references, reference_sentences
from openness.core.rubric import load_rubric
from openness.core.scoring import score
from openness.core.text import sentence_spans

REFERENCES = [
    "12 Jane Roe et al., Notes on Model Release, Example Press (Mar. 4, 2024), https://example.org/notes.",
    "URL: https://example.org/blog/some-post (visited on September 24, 2023).",
    "7 https://example.org/a/very/long/address",
    "Roe, Jane, and John Doe, \u201cA Study of Release Practices,\u201d Example Review, March 1, 2024.",
    "15 See Doe v. Roe, 123 U.S. 456, 460 (1999).",
    "9 Jane Roe, Open Models and Their Critics, Example Quarterly 4(2), pp. 11-19 (2022).",
    "An Essay on Openness. arXiv preprint arXiv:2401.01234.",
]
PROSE = [
    "Roe et al. argue that open models may widen access, and we agree with them.",
    "We think the White House should act, as others have said (https://example.org/statement).",
    "In March 4, 2024 testimony, the agency said it would publish its guidance soon.",
    "Open weights let researchers study what a model does (Roe, 2024).",
    "\u201cWe will release the weights,\u201d the company said on March 4, 2024.",
    "The agency issued an executive order on October 30, 2023.",  # a date's own comma is no closing date
    "The Example Parliament approved the Example Act on March 13, 2024.",
]


def _flags(text: str) -> np.ndarray:
    spans = sentence_spans(text)
    previous = np.vstack([[-1, -1], spans[:-1]])
    return reference_sentences(text, spans, previous)


@pytest.mark.parametrize("line", REFERENCES)
def test_reference_lines_are_found(line):
    assert _flags(line).tolist() == [True]


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_that_cites_is_not_a_reference(sentence):
    assert _flags(sentence).tolist() == [False]


def test_apa_title_after_its_author_line_is_a_reference():
    text = "Roe, J., & Doe, J. (2023).\nThe uncertain link between openness and oversight.\nExample Journal, 4(2), 1-9."
    # author line: initials and year; title: after the author line; venue line: one mark only (a volume)
    assert _flags(text).tolist() == [True, True, False]
    # the same title sentence after prose is prose
    assert _flags("We read it twice.\nThe uncertain link between openness and oversight.").tolist() == [False, False]


def test_a_sentence_s_flag_does_not_depend_on_the_sentences_laid_after_it():
    """Sentences are looked at laid end to end: a mark that ends a sentence must end it there,
    not only at the end of the text."""
    ending = "9 Roe, J. (2024), Example Press, Doe, J."
    alone = reference_sentences(ending, np.array([[0, len(ending)]]))
    both = ending + " NIST said so."
    together = reference_sentences(both, np.array([[0, len(ending)], [len(ending) + 1, len(both)]]))
    assert alone.tolist() == [True] and together.tolist() == [True, False]


def test_invisible_pdf_characters_are_looked_through():
    line = "\u202d12 Jane Roe et al.,\u202c\n\u202dNotes, Example Press (2024),\u202c\n\u202dhttps://example.org/n\u202c"
    assert _flags(line).tolist() == [True]


def test_in_references_maps_hits_to_their_sentence():
    text = "Open models help. 3 Jane Roe et al., Notes, Example Press (2024), https://example.org/n."
    spans = sentence_spans(text)
    assert len(spans) == 2
    hit_sent = np.array([1, 0, 1, 1])
    assert in_references(text, spans, np.arange(2), hit_sent).tolist() == [True, False, True, True]
    assert in_references(text, spans, np.arange(2), np.array([], dtype=np.int64)).tolist() == []


def test_the_shipped_rubric_skips_only_public_bodies_of_control_in_references():
    skipped = {cue.id: cue.theme for cue in load_rubric().cues if cue.skip_in_references}
    assert {"C2.nist", "C2.white_house", "C2.g7", "C2.congress", "C3.homeland"} <= set(skipped)
    # and C2.voluntary: a voluntary code or framework is, in a reference line, a cited title
    assert "C2.voluntary" in skipped
    assert set(skipped.values()) == {"control"} and len(skipped) == 17


def test_a_cue_of_a_user_s_rubric_may_skip_reference_lines(tmp_path):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(
        "id: mine\nversion: '1'\nthemes:\n  control:\n    criteria:\n      C2:\n        label: bodies\n"
        "        cues:\n          - {phrase: Example Agency, skip_in_references: true}\n          - oversight\n",
        encoding="utf-8")
    reference = "4 Jane Roe et al., Oversight Notes, Example Agency (Mar. 4, 2024), https://example.org/n."
    scores = score(pd.DataFrame({"doc_id": ["ref", "prose"], "text": [reference, "Example Agency wants oversight."]}),
                   rubric=rubric)
    assert sorted(zip(scores.evidence.doc_id, scores.evidence.cue)) == [
        ("prose", "C2.example_agency"), ("prose", "C2.oversight"), ("ref", "C2.oversight")]


def _scored(texts: dict[str, str]):
    return score(pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())}))


def test_a_public_body_named_in_a_reference_line_is_no_hit():
    scores = _scored({
        "ref": "Our comment follows.\n\n12 Jane Roe et al., Notes on Release, NIST (Mar. 4, 2024), https://example.org/n.",
        "apa": "Roe, J., & Doe, J. (2023).\nAn essay about the White House.\nExample Journal, 4(2), 1-9.",
    })
    skipped = {cue.id for cue in load_rubric().cues if cue.skip_in_references}
    assert not scores.evidence["cue"].isin(skipped).any()
    assert scores.documents.set_index("doc_id").loc[["ref", "apa"], "control"].tolist() == [0, 0]


def test_prose_citing_inline_keeps_its_hits():
    scores = _scored({"prose": "As NIST has argued (Roe et al., 2024), the White House should act before the next release."})
    assert sorted(scores.evidence["cue"]) == ["C2.nist", "C2.white_house"]
    assert scores.documents["control"].tolist() == [2]


def test_title_words_of_a_reference_line_stay_hits():
    # what the cited work is about is coded from its title (gold2's codes); only the body naming it goes
    scores = _scored({"title": "15 Jane Roe, Regulating Open Models, G7 Working Paper (2023), https://example.org/r."})
    cues = scores.evidence["cue"].tolist()
    assert "C2.g7" not in cues
    assert "C2.regulat*" in cues and "T1.open_model*" in cues


def test_a_lab_named_in_a_reference_line_is_still_counted():
    scores = _scored({"lab": "14 John Doe, Notes on OpenAI, The White House (Jan. 5, 2024), https://example.org/r."})
    assert scores.mentions["lab"].tolist() == ["openai"]
    assert scores.sentences["labs"].tolist() == ["openai"]
    assert scores.documents["control"].tolist() == [0]


def test_the_patterns_looked_for_only_where_a_digit_is_need_one():
    """`reference_sentences` runs the patterns of `NEED_A_DIGIT` only on sentences holding a
    digit: each of them matches some line written here, and none once its digits are letters."""
    lines = [*REFERENCES, *PROSE, "\x003 Roe, J., Notes (2024), 12 Example L. Rev. 45, 49 F.4th 439."]
    patterns = {**LOCATORS, **MARKS}
    for name in sorted(NEED_A_DIGIT):
        matching = [line for line in lines if patterns[name].search("\x00" + line)]
        assert matching, name
        assert not [line for line in matching if patterns[name].search("\x00" + re.sub(r"\d", "x", line))], name


def test_looking_for_digit_patterns_only_where_a_digit_is_changes_no_flag(monkeypatch):
    """Sentences laid out in seeded random mixes of the lines above, some with their digits
    made letters, get the same flags as when every pattern is run on every sentence."""
    rng = np.random.default_rng(7)
    lines = [*REFERENCES, *PROSE, *(re.sub(r"\d", "x", line) for line in [*REFERENCES, *PROSE])]
    texts = [" ".join(rng.choice(lines, size=rng.integers(1, 6))) for _ in range(60)]
    fast = [_flags(text).tolist() for text in texts]
    monkeypatch.setattr(references, "NEED_A_DIGIT", frozenset())
    assert [_flags(text).tolist() for text in texts] == fast
    assert any(any(flags) for flags in fast) and any(not all(flags) for flags in fast)
