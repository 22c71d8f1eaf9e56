"""Sentence splitting: explicit edge cases, the span contract on arbitrary text, real PDF text."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness.core.text import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text).tolist()]


def assert_contract(text: str, spans: np.ndarray) -> None:
    """Ordered, disjoint, trimmed spans whose gaps hold only whitespace."""
    assert spans.dtype == np.int64 and spans.ndim == 2 and spans.shape[1] == 2
    previous_end = 0
    for start, end in spans.tolist():
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert text[previous_end:start].strip() == ""
        previous_end = end
    assert text[previous_end:].strip() == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Open weights help research. Closed models do not! Why would they?",
         ["Open weights help research.", "Closed models do not!", "Why would they?"]),
        # abbreviations that never end a sentence here
        ("The U.S. Department asked Mr. Smith and Dr. Lee, e.g. in Jan. 2024, about Fig. 3 "
         "vs. Fig. 4. They replied.",
         ["The U.S. Department asked Mr. Smith and Dr. Lee, e.g. in Jan. 2024, about Fig. 3 "
          "vs. Fig. 4.", "They replied."]),
        ("Prof. Ng of Acme Ltd. Research and Beta Corp. Labs saw approx. 40 cases, i.e. No. 7 "
         "onwards. Done.",
         ["Prof. Ng of Acme Ltd. Research and Beta Corp. Labs saw approx. 40 cases, i.e. No. 7 "
          "onwards.", "Done."]),
        # words that often end a sentence split before a common sentence opener only
        ("He works at Apple Inc. The company grew.", ["He works at Apple Inc.", "The company grew."]),
        ("Sales fell in the U.S. The drop was small. The U.S. Senate voted.",
         ["Sales fell in the U.S.", "The drop was small.", "The U.S. Senate voted."]),
        ("See Smith et al. (2023) for details.", ["See Smith et al. (2023) for details."]),
        ("J. Smith wrote it. A. B. Jones agreed.", ["J. Smith wrote it.", "A. B. Jones agreed."]),
        # numbers, domains, e-mails, URLs
        ("Revenue rose 3.5 percent to $1.2 billion. Margins held at 12.75%.",
         ["Revenue rose 3.5 percent to $1.2 billion.", "Margins held at 12.75%."]),
        ("Visit x.ai or openai.com for details. Write to press@example.org today. "
         "See https://example.com/a.b?c=1 now.",
         ["Visit x.ai or openai.com for details.", "Write to press@example.org today.",
          "See https://example.com/a.b?c=1 now."]),
        ("They bought x.ai. Then they left.", ["They bought x.ai.", "Then they left."]),
        # ellipses and quotes
        ("We waited... and waited. Then… nothing happened… Really?",
         ["We waited... and waited.", "Then… nothing happened…", "Really?"]),
        ("We paused . . . and moved on.", ["We paused . . . and moved on."]),
        ('"Is it safe?" she asked. "Yes." He left.',
         ['"Is it safe?" she asked.', '"Yes."', "He left."]),
        ("(See the appendix.) Next we turn to risks.",
         ["(See the appendix.)", "Next we turn to risks."]),
        ("He said “open always wins.” Critics disagree.",
         ["He said “open always wins.”", "Critics disagree."]),
        # footnote numbers glued after a full stop end the sentence; decimals do not
        ("Open models matter.24 The next step is audits. Growth was 3.5 Percent.",
         ["Open models matter.24", "The next step is audits.", "Growth was 3.5 Percent."]),
        ("as the report put it.”7 Critics disagree.", ["as the report put it.”7", "Critics disagree."]),
        # paragraphs, headings, lists
        ("First paragraph without a stop\n\nSecond paragraph here.\n \t\nThird.",
         ["First paragraph without a stop", "Second paragraph here.", "Third."]),
        ("# Open models\nWhy they matter\n## Risks\nMisuse is possible.",
         ["# Open models", "Why they matter", "## Risks", "Misuse is possible."]),
        ("# intro\nlowercase text follows the heading.", ["# intro", "lowercase text follows the heading."]),
        ("We propose:\n- audits of weights\n- public evals\n* staged release\n• red teaming\n"
         "1. first item\n2) second item",
         ["We propose:", "- audits of weights", "- public evals", "* staged release",
          "• red teaming", "1. first item", "2) second item"]),
        ("1. underscores the value of open models\nfor research;\n2. recommends standards.",
         ["1. underscores the value of open models\nfor research;", "2. recommends standards."]),
        ("1. Open models help.\n2. Closed ones less.\nII. Background",
         ["1. Open models help.", "2. Closed ones less.", "II. Background"]),
        # title-like lines before a new line of prose
        ("Executive Summary\nOpen models are the foundation of much academic research today.",
         ["Executive Summary", "Open models are the foundation of much academic research today."]),
        ("Dear Ms. Rivera:\nThank you for the opportunity to comment.",
         ["Dear Ms. Rivera:", "Thank you for the opportunity to comment."]),
        # line endings and offsets into untouched text
        ("One.\r\nTwo.\r\n\r\nThree", ["One.", "Two.", "Three"]),
    ],
)
def test_expected_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    assert_contract(text, sentence_spans(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a candidate inside an earlier one counts once: "!" of "?!", "." of "?.", the line
        # break in the gap after ".)" (behind spaces) or after ". \r"
        ("Really?!\nYes.", ["Really?!", "Yes."]),
        ("Is it?. Yes.", ["Is it?.", "Yes."]),
        ("Wait...\n\nThen it came.", ["Wait...", "Then it came."]),
        ("(See the note.)  \nNext line here.", ["(See the note.)", "Next line here."]),
        ("One. \r\nTwo.", ["One.", "Two."]),
        # texts whose only marks are ellipses, exclamation or question marks
        ("Wait… Then nothing… the end", ["Wait…", "Then nothing… the end"]),
        ("Stop! Go now! ok", ["Stop!", "Go now! ok"]),
        ("Why? Because", ["Why?", "Because"]),
        # short lowercase words end sentences; short lowercase abbreviations and roman
        # numerals opening a line do not
        ("It went up. Then it fell. So it goes.", ["It went up.", "Then it fell.", "So it goes."]),
        ("Read pp. 3 and vol. 2 first. Then stop.", ["Read pp. 3 and vol. 2 first.", "Then stop."]),
        ("We asked dr. Lee and mr. Ng. They agreed.", ["We asked dr. Lee and mr. Ng.", "They agreed."]),
        ("ii. The scope is wide.", ["ii. The scope is wide."]),
    ],
)
def test_overlapping_candidates_and_short_words(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_offsets_point_into_the_untouched_text() -> None:
    text = "  Hello there.  Bye.\n"
    spans = sentence_spans(text)
    assert spans.dtype == np.int64 and spans.tolist() == [[2, 14], [16, 20]]


@pytest.mark.parametrize("text", ["", " ", "\n\n\t \u3000"])
def test_empty_text_has_no_spans(text: str) -> None:
    spans = sentence_spans(text)
    assert spans.shape == (0, 2) and spans.dtype == np.int64


# Hard-wrapped PDF lines, as long as real ones (about 75 characters).
WRAPPED = (
    "Open-weight models let independent researchers inspect the parameters and\n"
    "test them without asking the developer for permission, which in turn lets\n"
    "National Labs and universities reproduce evaluations at a fraction of the\n"
    "cost of the original training mod-\n"
    "els, or so the authors of this comment argue in their second section here.\n"
    "The next paragraph starts on a new line after a full stop."
)


def test_hard_wrapped_lines_and_line_break_hyphens_do_not_split() -> None:
    assert sentences(WRAPPED) == [WRAPPED[:WRAPPED.index("\nThe next")], "The next paragraph "
                                  "starts on a new line after a full stop."]
    assert sentences("the mod- els are big. And fast.") == ["the mod- els are big.", "And fast."]


def test_page_number_inside_a_running_sentence_stays_inside() -> None:
    text = ("Many developers publish their weights under permissive licences, while\n"
            "9\n"
            "Others keep them behind an API for commercial and safety reasons alike.")
    assert sentences(text) == [text]
    text = ("Many developers publish their weights under permissive licences and the\n"
            "12\n"
            "research community builds on them in ways nobody planned at the time.")
    assert sentences(text) == [text]


def test_page_number_after_a_finished_sentence_stands_alone() -> None:
    text = ("This is the last sentence printed on the first page of the comment.\n"
            "12\n"
            "The next page starts with a fresh sentence about model weights.")
    assert sentences(text) == [
        "This is the last sentence printed on the first page of the comment.",
        "12",
        "The next page starts with a fresh sentence about model weights.",
    ]


def test_double_spaced_pdf_lines_join_but_real_paragraphs_split() -> None:
    text = "This sentence was wrapped\n\xa0\nacross a double-spaced line.\n\xa0\nA new one."
    assert sentences(text) == ["This sentence was wrapped\n\xa0\nacross a double-spaced line.",
                               "A new one."]


def test_bidi_controls_around_lines_are_looked_through() -> None:
    text = "First sentence ends here.\u202c\n\u202dSecond sentence starts here."
    assert sentences(text) == ["First sentence ends here.\u202c", "\u202dSecond sentence starts here."]


PIECES = [". ", "! ", "? ", "… ", "...", ".\n", "\n", "\n\n", "\n \n", "\r\n", "\xa0", "\u3000",
          "Mr.", "U.S.", "e.g.", "3.5", "12", "\n12\n", ".24 ", "# ", "- ", "• ", "1. ", '"', "”",
          "(", ")", "A", "b", "The", "mod-\nels", "\u202c", "\u202d", "\u200b", "\x00", "\ud800",
          "\udfff", "e\u0301", "\u05d0\u05d1", "\u0627\u0644", "😀", "\U0001f469\u200d\U0001f4bb"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.characters(), st.sampled_from(PIECES)), max_size=60).map("".join))
def test_contract_holds_on_arbitrary_text(text: str) -> None:
    spans = sentence_spans(text)
    assert_contract(text, spans)


def test_real_ntia_comments_split_plausibly(mirror) -> None:
    files = sorted((mirror / "raw" / "ntia-open-weights" / "texts").glob("*.txt"))
    assert len(files) >= 50
    word_counts = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        spans = sentence_spans(text)
        assert_contract(text, spans)
        counts = [len(text[start:end].split()) for start, end in spans.tolist()]
        assert max(counts) < 400, f"{path.name}: a span of {max(counts)} words glues sentences"
        word_counts += counts
    assert 10 <= np.mean(word_counts) <= 60
