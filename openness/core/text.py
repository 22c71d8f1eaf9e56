"""Offset-preserving sentence splitting for news prose and PDF-converted comments.

Spans are ``[start, end)`` Python code-point offsets into the text exactly as given, so
evidence offsets computed on sentences point into the original document. A span never
starts or ends with whitespace, spans are ordered and disjoint, and every non-whitespace
character lies in exactly one span: the splitter only decides *which whitespace runs* are
boundaries, it never drops or rewrites text.

Rules, in order, for one run of whitespace (the *gap*) between two pieces of text:

1. A blank line (two or more ``\n`` in the gap) splits (paragraph break), except when the
   line before ends without sentence punctuation and the next starts lowercase: that is
   a double-spaced PDF wrapping one sentence, which rules 3 and 5 then judge.
2. A line that starts like a list item or heading starts a new span: ``# `` .. ``###### ``,
   ``- ``, ``* ``, ``o ``, bullets (``•●○■▪◦§`` and two private-use PDF bullets),
   ``1. ``, ``2) ``, ``IV. ``. A markdown heading line also ends its span.
3. A bare number on its own line (a page number in PDF text) follows its context: it
   becomes its own span when the text before it ended a span, otherwise it stays inside
   the sentence running across the page break (coverage forbids dropping it). Before
   such a line only rules 1, 2 and 4 split.
4. Sentence punctuation (``. ! ? …``, repeated, then optional closing quotes/brackets and
   an optional footnote number glued after a full stop, as in ``models.24``) followed by
   whitespace (on the same line or not) splits when the next character can start a
   sentence (not a lowercase letter, not ``, ; : ) . %`` ...) and the full stop is not
   - a title or fixed abbreviation (Mr., Dr., Prof., e.g., i.e., vs., approx., Fig. ...);
   - a reference abbreviation before a number (No. 5, Jan. 12, pp. 3, Reg. 14 ...);
   - a decimal (``3.5``; digits after a full stop count as a footnote only after a letter);
   - a list marker at the start of its line (``1.``, ``IV.``, ``a.``);
   - a word that often ends sentences too (Inc., Ltd., Corp., etc., al., Fed., U.S.,
     single initials like ``J.``): these split only before a common sentence-opening
     word (``The``, ``It``, ``In`` ...).
   URLs, e-mails and domains (``x.ai``) contain no whitespace after their dots, so they
   never produce a candidate; hyphenated line breaks (``mod-\nels``, ``mod- els``)
   neither. Opening quotes/brackets and invisible characters are looked through.
5. A single line break also splits after a title-like line: one ending in ``:``, or at
   most four words, or shorter than 70 % of the next line, provided the next line can
   start a sentence and the line does not end in a comma, hyphen or a connecting word
   (``and``, ``of``, ``the`` ...). Hard-wrapped lines inside a paragraph do not split.

Only ``\n`` counts as a line break (``\r\n`` works; a lone ``\r`` does not). Zero-width
and bidi control characters are not whitespace: they stay inside spans.
Candidates come from one regex per mark and one for line breaks, each starting with its
character as a literal (found fast); Python looks only at those.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«([¡¿"
_CONTINUING = ".,;:!?)]}…%”’»"  # cannot start a sentence
# Zero-width and bidi control characters (PDF converters wrap lines in U+202D ... U+202C):
# not whitespace, so they stay inside spans, but they are looked through like quotes.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\ufeff"

_TITLE, _BEFORE_NUMBER, _OFTEN_FINAL = "title", "before number", "often final"
_ABBREVIATIONS = {
    **dict.fromkeys(
        "mr mrs ms messrs dr prof sen rep gov gen col lt capt sgt rev hon fr mt "
        "e.g i.e cf viz vs approx fig figs eq ca".split(), _TITLE),
    **dict.fromkeys(
        "no nos p pp vol vols art sec ch reg stat "
        "jan feb mar apr jun jul aug sep sept oct nov dec".split(), _BEFORE_NUMBER),
    **dict.fromkeys("etc inc ltd corp co llc plc al st jr sr bros dept fed".split(), _OFTEN_FINAL),
}
_SENTENCE_OPENERS = frozenset(
    "the a an this that these those it its we he she they i there here but and however "
    "in on at as if when while our my his her their what why how after before so yet "
    "many most some such today also one two not all both each every".split()
)
_CONNECTING_WORDS = frozenset(
    "a an the and or nor but of to in on at by for from with as than that which who "
    "whose into onto via per its their our his her".split()
)


def _plain_word() -> str:
    """Lookbehinds that hold after a lowercase word _ends_sentence accepts on sight: one
    ending in four lowercase letters that do not end an abbreviation, or a word of two or
    three (no letter glued before it) that is neither an abbreviation nor a roman numeral."""
    words = [key for key in _ABBREVIATIONS if key.isalpha()]

    def not_after(endings: list[str]) -> str:
        return rf"(?<!(?:{'|'.join(endings)})\.)"

    long = r"(?<=[a-z]{4}\.)" + not_after(sorted({word[-4:] for word in words if len(word) >= 4}))
    short = [
        rf"(?<=(?<![^\W\d_])[a-z]{{{n}}}\.)"
        + not_after([word for word in words if len(word) == n] + [f"[ivxl]{{{n}}}"])
        for n in (2, 3)
    ]
    return "(?:" + "|".join([long, *short]) + ")"


# A candidate is a sentence mark or a line break with the whole whitespace run (the gap)
# after it. Each of the five characters has its own regex starting with it as a literal,
# which the regex engine finds several times faster than a character class. Marks followed
# on the same line by a lowercase ASCII letter never split, so the regex drops them
# (possessive quantifiers keep the gap maximal). Group `plain` marks a full stop after a
# plain word (the common case: no word lookup in Python); group `split` is the same before
# spaces and a capital, and group `paragraph` a gap holding a blank line: both split
# without further checks.
_PLAIN_WORD = _plain_word()
_SKIPPED = _OPENERS + INVISIBLE
_AFTER_MARK = (
    rf"(?:{_PLAIN_WORD}(?P<split>[^\S\n]++)(?=[A-Z])|(?P<plain>{_PLAIN_WORD})?"
    rf"(?P<mark>[.!?…]*[{re.escape(_CLOSERS + INVISIBLE)}]*)(?P<note>\d{{1,3}})?"
    r"(?:(?P<space>[^\S\n]++(?![a-z\n]))|(?P<paragraph>[^\S\n]*+\n[^\S\n]*+\n\s*+)"
    r"|(?P<wrap>[^\S\n]*+\n\s*+)))"
)
# A line break right after a mark (or after another line break) always lies inside that
# candidate's gap, so its regex skips it; other overlaps are dropped while merging.
_LINE_BREAK = re.compile(
    rf"\n(?<![.!?…\n]\n)(?<![.!?…\n]\s\n)(?<![.!?…][{re.escape(_CLOSERS)}]\n)\s*+"
)
_CANDIDATES = {mark: re.compile(re.escape(mark) + _AFTER_MARK) for mark in ".!?…"}
_OTHER_CANDIDATES = [(mark, _CANDIDATES[mark]) for mark in "!?…"] + [("\n", _LINE_BREAK)]
_LINE_MARKER = re.compile(
    rf"[{INVISIBLE}]*(?:#{{1,6}}[ \t]|[-*o]\s|[•●○■▪◦§\uf0a7\uf0b7]|\d{{1,3}}[.)]\s"
    r"|[IVX]{1,5}\.\s)"
)
_HEADING = re.compile(r"#{1,6}[ \t]")
_WORD = re.compile(r"\w+")
_LEADING_SPACE = re.compile(r"\s*")


def _can_start_sentence(text: str, i: int) -> bool:
    """False if text[i], looking through opening quotes and invisibles, is lowercase or
    punctuation that continues a sentence (``,`` ``;`` ``)`` ``.`` of an ellipsis ...)."""
    for ch in text[i:i + 6]:
        if ch not in _SKIPPED and not ch.isspace():
            break
    return not ch.islower() and ch not in _CONTINUING


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    """Whether the punctuation of candidate m ends a sentence (rule 4)."""
    after = m.end()
    if not _can_start_sentence(text, after):
        return False
    plain, mark, note = m.group("plain", "mark", "note")
    if plain is not None or mark:
        return True  # after an ordinary word, or ! ? … and runs like "..." or ".)"
    start = m.start()
    if note and not (start and (text[start - 1].isalpha() or text[start - 1] in _CLOSERS)):
        return False  # a decimal such as 3.5, not a footnote number
    if text[start] != ".":
        return True
    before = text[max(0, start - 24):start]
    if not before or before[-1].isspace():
        return True
    token = before.split()[-1]
    word = token.lstrip(_OPENERS)
    kind = _ABBREVIATIONS.get(word.lower())
    if kind is _TITLE:
        return False
    if kind is _BEFORE_NUMBER:
        return not text[after].isdigit()
    if (word.isdigit() or len(word) == 1 or not word.strip("IVXLivxl")) and _at_line_start(
        text, start - len(token)
    ):
        return False  # "1." or "IV." opening its line is a list marker
    if kind is _OFTEN_FINAL or len(word) == 1 or word[-2:-1] == ".":  # Inc. J. U.S.
        next_word = _WORD.match(text, after)
        return next_word is not None and next_word.group().lower() in _SENTENCE_OPENERS
    return True


def _at_line_start(text: str, i: int) -> bool:
    """Whether only spaces stand between text[i] and the previous line break."""
    while i and text[i - 1] in " \t\xa0":
        i -= 1
    return i == 0 or text[i - 1] == "\n"


def _title_like(line: str, next_line: str) -> bool:
    """A short line that does not read as the middle of a hard-wrapped sentence (rule 5)."""
    words = line.split()
    if not words or line[-1] in ",;-–—/(&" or words[-1].lower() in _CONNECTING_WORDS:
        return False
    return line[-1] == ":" or len(words) <= 4 or len(line) < 0.7 * len(next_line.strip())


def sentence_spans(text: str) -> np.ndarray:
    """Sentence spans of text as an int64 array of shape (n, 2): [start, end) offsets.

    See the module docstring for the rules. Empty or whitespace-only text gives (0, 2).
    """
    return np.array(sentence_bounds(text), dtype=np.int64).reshape(-1, 2)


def sentence_bounds(text: str) -> list[int]:
    """The same spans as one flat list (start, end, start, end, ...): cheaper when many
    documents are split at once."""
    first = _LEADING_SPACE.match(text).end()
    last = len(text.rstrip())
    if first >= last:
        return []
    bounds = [first]
    for m in _candidates(text, first, last):
        gap = m.lastgroup  # a group of _AFTER_MARK, or None for a bare line break
        if gap == "split" or gap == "paragraph":
            bounds += m.span(gap)
            continue
        if gap == "space":
            if _ends_sentence(text, m):
                bounds += m.span(gap)
            continue
        if gap == "wrap":
            gap_start, after = m.span(gap)
        else:  # widen the gap over the spaces before the line break
            gap_start, after = m.span()
            while text[gap_start - 1].isspace():
                gap_start -= 1
        blank_line = text.count("\n", gap_start, after) > 1
        if blank_line and (gap == "wrap" or _can_start_sentence(text, after)):
            split = True  # a paragraph break, not double spacing inside a sentence
        elif _LINE_MARKER.match(text, after):
            split = True  # a heading or list item comes next
        elif gap == "wrap" and _ends_sentence(text, m):
            split = True
        else:
            line_start = text.rfind("\n", 0, gap_start) + 1
            line = text[line_start:gap_start].lstrip()
            number_start = gap_start - len(line)
            line = line.strip(INVISIBLE)
            line_end = text.find("\n", after)
            next_line = text[after:line_end if line_end >= 0 else last]
            if line.isdigit():  # a page number goes with the text before it
                split = bounds[-1] == number_start
            else:
                split = bool(_HEADING.match(line)) or (
                    not next_line.strip().strip(INVISIBLE).isdigit()  # see rule 3
                    and _can_start_sentence(text, after)
                    and _title_like(line, next_line)
                )
        if split:
            bounds += (gap_start, after)
    bounds.append(last)
    return bounds


def _candidates(text: str, first: int, last: int) -> Iterable[re.Match[str]]:
    """Candidates in text[first:last] in order, as one regex for all five characters would
    find them: a candidate starting inside an earlier one (the ``!`` of ``?!``, a line
    break in the gap of ``. \\n``) ends where that one ends and is dropped."""
    full_stops = _CANDIDATES["."].finditer(text, first, last)
    others = [
        m for mark, regex in _OTHER_CANDIDATES if mark in text
        for m in regex.finditer(text, first, last)
    ]
    if not others:
        return full_stops
    kept, covered = [], first
    for m in sorted([*full_stops, *others], key=re.Match.start):
        if m.start() >= covered:
            kept.append(m)
            covered = m.end()
    return kept

