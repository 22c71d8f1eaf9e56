"""Bibliographic reference lines and footnote citations, found sentence by sentence.

A reference line names a source: ``12 A. Author et al., Title of the Report, Publisher
(Mar. 4, 2024), https://example.org/report.`` The public body that wrote or published the
cited work ("NIST", "The White House", "G7", "FTC", "European Parliament", a ``nist.gov``
address) is named there as its author or publisher, not by the writer saying who holds power
over AI; so in a reference line the cues that name such a body (marked `skip_in_references` in
the rubric) give no hit.
The rest of the line keeps its hits: the coders of gold and gold2 code a cited title's theme
from its words (a title about open-source risk or AI governance), and dropping every hit
of a reference line lowered theme F1 on both (docs/validation.md, section 4). Lab mentions
stay (a cited report still names its lab). The matcher has no look-behind, hence this rule
over whole sentences.

A sentence is a reference line when it is *mostly a citation*: it holds citation marks and
hardly any prose around them. In the sentence (invisible PDF characters removed):

- *locators* (two points): a web address or DOI (``https://`` but not a ``t.co`` link of an
  embedded tweet, ``www.``, ``doi:``, ``perma.cc``), an arXiv identifier, "Retrieved from",
  "accessed"/"visited" before a date, legal citation forms (``Id.``, ``supra``,
  ``hereinafter``, ``487 U.S. 781``, ``F. Supp.``, ``Fed. Reg.``, ``102 B.U. L. Rev. 793``);
- *marks* (a point each kind): a date or year in brackets (``(2023)``, ``(Feb. 27, 2024)``,
  ``(2023, December 18)``), a full date (``Mar. 4, 2024``), ``et al.``, a volume, issue or
  page (``4(2),``, ``Vol. 89``, ``No. 38``, ``pp. 12``), an author with initials (``Roe, J.``),
  a footnote number opening the sentence before a capitalised word or a quote, "See"/"Cf."/
  "E.g.," opening it, a quoted title closed by a comma before the venue's name, a date or year
  closing the sentence after a comma;
- *prose words*: words that make a clause, counted outside web addresses and quotes, in lower
  case only (``is``, ``are``, ``will``, ``should``, ``we``, ``that``, ``which``, ``said`` ...;
  `PROSE_WORDS`); a title in title case ("Why It Should Matter") holds none.

It is a reference line with two points and no prose word, or three points and at most three
prose words (`RULES`: a footnote may gloss its source in a few words). A sentence that cites
inline ("Roe et al. argue that open models may ...", "as others have said
(https://example.org/...)") has more prose words and is not one.

One more shape: an APA entry is cut by the sentence splitter into author line, title and
venue ("Roe, J. (2023)." / "The uncertain link between ..." / ...); a sentence right
after an author line that ends in its bracketed year is that entry's title, a reference too.

The scorer looks only at the sentences that hold a hit of such a cue: a few regex
searches over them laid end to end (those that need a digit only over the sentences holding
one), mapped back to their sentences with a binary search; prose words are counted only in
the sentences with enough points.
"""
from __future__ import annotations

import re

import numpy as np

from openness.core.text import INVISIBLE

# Invisible characters of PDF conversions (bidi marks around every line): removed before looking.
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
_SEP = "\x00"  # before each sentence laid end to end; no pattern matches across it
# Each pattern starts with a literal or a small set of characters, which the regex engine
# skips to fast (a leading \b would make it try every position).
# A web address (not a t.co link: that is an embedded tweet) or DOI; "https : / /" as PDFs space it.
_URL = r"(?:https?\s?:\s?/\s?/(?!t\.co/)|www\.|doi\.org/|doi:\s?10\.|perma\.cc/)[^\s\x00]*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
LOCATORS = {name: re.compile(pattern) for name, pattern in {
    "web address": _URL,
    "arXiv": r"arXiv(?: preprint)?\s?:?\s?(?:arXiv:)?\d{4}\.\d{4,5}",
    "retrieved": r"[Rr]etrieved (?:from|on)\b",
    "accessed": r"(?:[Aa]ccessed|[Vv]isited)(?: on)?:? (?:\d{1,2} )?(?:" + _MONTH + r"|\d{1,2}/|\d{4}-)",
    "short form": r"Id\.|[Ii]bid\b|supra\b|hereinafter\b",
    # legal reporters and law reviews: 487 U.S. 781, 49 F.4th 439, 89 Fed. Reg. 14060, 102 B.U. L. Rev. 793
    "reporter": r"\d+ (?:U\.S\.|S\. ?Ct\.|F\. ?(?:Supp|[234]d|4th)|Fed\. ?Reg\.)",
    "law review": r"\d+ (?:[A-Z][\w.&’']*\s)+(?:L\.\s)?(?:Rev|J|L)\.\s\d+",
}.items()}
MARKS = {
    "year": re.compile(r"\((?:" + _MONTH + r"\s)?(?:\d{1,2},?\s)?(?:\d{4}[a-z]?|n\.d\.)(?:,\s" + _MONTH
                       + r"(?:\s\d{1,2})?)?\)"),
    "date": re.compile(r"(?:" + _MONTH + r"\s\d{1,2},?\s\d{4}|\d{1,2}\s" + _MONTH + r",?\s\d{4})\b"),
    "et al": re.compile(r"et\.?\s?al\b"),
    "volume": re.compile(r"\d+\s?\(\d+(?:[-–]\d+)?\)\s?[,:.]|(?:[Vv]ol|[Nn]o|pp?)\.\s?\d"),
    "initials": re.compile(r"[A-Z][\w’'-]+,\s(?:[A-Z]\.\s?){1,3}(?:,|&|\(|(?=[\x00\n]|$))"),
    "footnote": re.compile(r"\x00\W{0,3}(?:\d{1,3}\s?){1,2}(?:[“\"‘]|[A-Z][\w’'-]+)"),
    "see": re.compile(r"\x00\W{0,3}(?:\d{1,3}\s?)?(?:See|Cf\.|E\.g\.,)\s"),
    # a quoted title closed by a comma, then the venue's name and a comma or bracket, or the sentence's end
    "quoted title": re.compile(r",[”\"’]\s*(?:(?:[A-Z][\w.&’'-]*\s){0,5}[A-Z][\w.&’'-]*\s?[,(]|(?=[\x00\n]|$))"),
    # the sentence ends in a date or year after a comma ("..., Example Wire, November 1, 2023."); the
    # comma comes before the whole date (not a date's own: "on October 30, 2023." is one mark, `date`)
    "closing date": re.compile(r",(?<!\d,)\s(?:" + _MONTH + r"\s\d{1,2},?\s|\d{1,2}\s" + _MONTH
                               + r",?\s)?\d{4}[.”\"]?\s*(?=\x00|$)"),
}
LOCATOR_POINTS = 2  # a locator counts as two marks
# The locators and marks that cannot match without a digit: looked for only in the sentences
# that hold one (most sentences with a hit hold none, and these are most of the regex time).
NEED_A_DIGIT = frozenset({"arXiv", "reporter", "law review", "date", "volume", "footnote", "closing date"})
_DIGIT = re.compile(r"\d[^\x00]*")  # a sentence's first digit, and the rest of it: one match per sentence
PROSE_WORDS = frozenset(
    "is are was were be been being will would should could can may might must shall has have had "
    "do does did we our us i you they their them he she it its this these those there that which "
    "who whose because but not if than me my your what how why when where so just very also said says".split()
)
# (points at least, prose words at most): two points and no prose word, or three points and at most three
RULES = ((2, 0), (3, 3))
_QUOTED = r"[“\"][^”\"\x00]{0,300}[”\"]"
# prose words, and what is skipped when counting them: web addresses and quoted titles
_PROSE = re.compile(rf"{_URL}|{_QUOTED}|\b(?:{'|'.join(sorted(PROSE_WORDS))})\b")
_URL_START = re.compile(_URL)
# An APA author line: names with initials (or "(Eds.)") then the bracketed year, ending the sentence.
_AUTHOR_LINE = re.compile(r"(?:[A-Z]\.|\(Eds?\.\)\.?|&)\s?\(\d{4}[a-z]?(?:,\s" + _MONTH + r"(?:\s\d{1,2})?)?\)\.$")


def in_references(text: str, sent_span: np.ndarray, sent_index: np.ndarray, hit_sent: np.ndarray) -> np.ndarray:
    """For hits in sentences `hit_sent` (rows of `sent_span`, spans into `text`; `sent_index`
    numbers each sentence within its document), whether their sentence is a reference line.
    Each distinct sentence is looked at once, with the sentence before it in its document."""
    sentences, which = np.unique(hit_sent, return_inverse=True)
    first = sent_index[sentences] == 0
    previous = np.where(first[:, None], -1, sent_span[np.maximum(sentences - 1, 0)])
    return reference_sentences(text, sent_span[sentences], previous)[which]


def reference_sentences(text: str, spans: np.ndarray, previous: np.ndarray | None = None) -> np.ndarray:
    """Whether each sentence `text[start:end]` of `spans` (shape (n, 2)) is a reference line.
    `previous` gives the span of the sentence before each one in its document (-1, -1 for a
    first sentence), for the APA title rule; None skips that rule."""
    n = len(spans)
    if n == 0:
        return np.zeros(0, dtype=bool)
    laid, starts = _laid(text, spans)
    numbered = np.flatnonzero(_found(_DIGIT, laid, starts))
    numbered_laid, numbered_starts = _laid(text, spans[numbered])

    def found(name: str, pattern: re.Pattern) -> np.ndarray:
        if name not in NEED_A_DIGIT:
            return _found(pattern, laid, starts)
        hits = np.zeros(n, dtype=bool)
        hits[numbered] = _found(pattern, numbered_laid, numbered_starts)
        return hits

    points = LOCATOR_POINTS * np.logical_or.reduce([found(*locator) for locator in LOCATORS.items()])
    points += np.sum([found(*mark) for mark in MARKS.items()], axis=0)
    reference = np.zeros(n, dtype=bool)
    maybe = np.flatnonzero(points >= min(least for least, _ in RULES))  # prose is counted only here
    if len(maybe):
        prose = _prose_words(*_laid(text, spans[maybe]))
        reference[maybe] = np.logical_or.reduce([(points[maybe] >= least) & (prose <= most) for least, most in RULES])
    if previous is not None:
        has = previous[:, 0] >= 0
        before = [_visible(text[s:e]).rstrip() for s, e in previous[has].tolist()]
        # `endswith` first: the search would read the whole of every sentence to find its end
        author_line = [b.endswith(").") and bool(_AUTHOR_LINE.search(b)) for b in before]
        reference[np.flatnonzero(has)[author_line]] = True
    return reference


def _laid(text: str, spans: np.ndarray) -> tuple[str, np.ndarray]:
    """The sentences laid end to end, each after a separator, and where each one starts."""
    pieces = [_SEP + _visible(text[s:e]) for s, e in spans.tolist()]
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    return "".join(pieces), np.cumsum(lengths) - lengths


def _visible(text: str) -> str:
    return text if text.isascii() else _INVISIBLE.sub("", text)


def _sentence_at(starts: np.ndarray, at: list[int]) -> np.ndarray:
    return np.searchsorted(starts, np.asarray(at, dtype=np.int64), side="right") - 1


def _found(pattern: re.Pattern, laid: str, starts: np.ndarray) -> np.ndarray:
    """Whether `pattern` matches in each sentence."""
    found = np.zeros(len(starts), dtype=bool)
    found[_sentence_at(starts, [m.start() for m in pattern.finditer(laid)])] = True
    return found


def _prose_words(laid: str, starts: np.ndarray) -> np.ndarray:
    """Prose words per sentence, outside web addresses and quotes (matched only to be skipped)."""
    at = [m.start() for m in _PROSE.finditer(laid) if m.group()[0].islower() and not _URL_START.match(m.group())]
    return np.bincount(_sentence_at(starts, at), minlength=len(starts))
