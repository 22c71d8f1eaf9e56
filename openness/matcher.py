"""One compiled multi-pattern matcher, shared by the rubric, the lab registry and negation.

Every cue, alias and negator of a run is found in a single pass over the text. The engine
is Hyperscan where its wheel is installed (a compiled automaton, word boundaries handled
inside the engine); elsewhere a pure-Python engine built on `re` gives the same hits,
slowly. Both match the UTF-8 bytes of the text: case folding and `\\b` word boundaries
treat only ASCII letters, digits and `_` as word characters, and a non-ASCII character is
two to four bytes (write `[^\\x00-\\x7f]{1,3}` for one typographic apostrophe or dash),
so the two engines agree on any text.

A hit is (pattern index, start, end) in code-point offsets into the text. For each pattern
the hits are leftmost, longest at that start and not overlapping each other, as
`re.finditer` gives them when alternatives inside a pattern are written longest first. Choosing between overlapping hits of different patterns is left
to the caller (`leftmost_longest`), because cues, aliases and negators overlap by design.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

# the standard library's own regex parser (re._parser since Python 3.11): it tells repeats,
# groups and alternatives apart reliably, where a regex over the pattern text would not
from re import _constants, _parser as _regex_parser

try:  # the fast engine is optional: its wheels exist for x86-64 only
    import hyperscan
except ImportError:  # pragma: no cover - exercised on machines without the wheel
    hyperscan = None

from .io import atomic_path

# compiled automata, keyed by their patterns and the engine's version
_CACHE = Path(os.environ.get("OPENNESS_CACHE", Path.home() / ".cache" / "openness"))
ENGINES = ("hyperscan", "re") if hyperscan is not None else ("re",)
_WORD_SEPARATOR = r"[\s\-]+"
_WORD_ENDING = "\\w*"  # a trailing word-ending wildcard, as phrase_to_regex writes it
_WORD_TAIL = re.compile(rb"\w*")
_WORD_BYTE = [bool(re.match(rb"\w", bytes([b]))) for b in range(256)]
_CONFIRM_WINDOW = 1000  # bytes a prefiltered hit may reach back from its end


@dataclass(frozen=True)
class Pattern:
    """A regular expression to find as a whole-word match (boundaries are added)."""

    regex: str
    case_sensitive: bool = False


class PatternError(ValueError):
    """A pattern that cannot be used; `index` says which one."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


def phrase_to_regex(phrase: str) -> str:
    """A literal phrase as a regex: any run of whitespace or hyphens between its words,
    and a trailing `*` for word endings (`regulat*` matches regulation, regulators)."""
    text = phrase.strip()
    wildcard = text.endswith("*")
    words = [w for w in re.split(_WORD_SEPARATOR, text.rstrip("*").strip()) if w]
    if not words:
        raise ValueError(f"empty phrase {phrase!r}")
    regex = _WORD_SEPARATOR.join(re.escape(w) for w in words)
    return regex + r"\w*" if wildcard else regex


def bounded(regex: str) -> str:
    r"""`regex` as a whole-word match: `\b` on each side that begins or ends with a word
    character, so that phrases such as `U.S.` or `C++` still match at their edges."""
    probe = re.sub(r"\\(.)", r"\1", regex)
    head = r"\b" if re.match(r"[\w(\[]", probe) else ""
    tail = r"\b" if re.search(r"[\w)\]*+?}]$", probe) else ""
    return f"{head}(?:{regex}){tail}"


def check_pattern(pattern: Pattern) -> str | None:
    """Why `pattern` cannot be used, or None. Refuses what would match nothing sensible
    or could take exponential time in the fallback engine."""
    if not pattern.regex.strip():
        return "empty pattern"
    if not pattern.regex.isascii():
        return "non-ASCII characters are not supported in patterns (matching is ASCII-only)"
    try:
        compiled = re.compile(pattern.regex)
    except re.error as error:
        return f"invalid regular expression: {error}"
    if compiled.groups and re.search(r"\\\d", pattern.regex):
        return "back-references are not supported"
    if _ambiguous_repeat(_regex_parser.parse(pattern.regex)):
        return ("nested quantifiers or alternatives under an unbounded repeat, such as (a+)+ or "
                "(a|aa)+, can take exponential time; bound the repeat, e.g. {0,3}")
    if compiled.match(""):
        return "pattern matches the empty string"
    return None


class Matcher:
    """All patterns of a run, compiled once; `scan` finds every hit in one pass."""

    def __init__(self, patterns: Sequence[Pattern], engine: str = "auto"):
        self.patterns = tuple(patterns)
        for index, pattern in enumerate(self.patterns):
            problem = check_pattern(pattern)
            if problem:
                raise PatternError(index, f"pattern {pattern.regex!r}: {problem}")
        self.engine = ENGINES[0] if engine == "auto" else engine
        if self.engine not in ENGINES:
            raise ValueError(f"engine {engine!r} is not available here; choose from {ENGINES}")
        self._regexes = [bounded(p.regex) for p in self.patterns]
        self._compiled = [
            re.compile(r.encode("ascii"), 0 if p.case_sensitive else re.IGNORECASE)
            for r, p in zip(self._regexes, self.patterns)
        ]
        if self.engine == "hyperscan":
            # Two kinds of pattern are slow in the automaton. A trailing \w*: the engine finds
            # the stem and the hit is extended to the end of its word afterwards. An open-ended
            # regex (\w+ gaps): the engine runs a cheaper superset of it (prefilter mode) and
            # `re` confirms each candidate. Both give the hits `re` alone would give.
            self._stem = tuple(_is_stem(p.regex) for p in self.patterns)
            self._stem_set = frozenset(i for i, stem in enumerate(self._stem) if stem)
            self._prefilter = tuple(_open_ended(p.regex) for p in self.patterns)
            self._engine_regexes = [
                rf"\b(?:{p.regex[: -len(_WORD_ENDING)]})" if stem else regex
                for p, regex, stem in zip(self.patterns, self._regexes, self._stem)
            ]
            self._confirm = {
                i: re.compile(rb"(?:%s)\Z" % self._regexes[i].encode("ascii"), self._compiled[i].flags)
                for i, prefilter in enumerate(self._prefilter) if prefilter
            }
            self._database = self._compile_hyperscan()

    def __reduce__(self):  # compiled databases do not pickle; worker processes recompile
        return (Matcher, (self.patterns, self.engine))

    def _compile_hyperscan(self):
        """The automaton for these patterns: compiled once (seconds for a large rubric),
        then loaded from the user's cache folder (milliseconds) by every later process."""
        if not self.patterns:
            return None
        expressions = [r.encode("ascii") for r in self._engine_regexes]
        flags = [
            (hyperscan.HS_FLAG_PREFILTER if prefilter else hyperscan.HS_FLAG_SOM_LEFTMOST)
            | (0 if p.case_sensitive else hyperscan.HS_FLAG_CASELESS)
            for p, prefilter in zip(self.patterns, self._prefilter)
        ]
        key = hashlib.sha256(repr((hyperscan.__version__, expressions, flags)).encode()).hexdigest()[:32]
        cached = _CACHE / f"{key}.hsdb"
        with contextlib.suppress(OSError, hyperscan.error):
            database = hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
            database.scratch = hyperscan.Scratch(database)  # a loaded automaton comes without one
            return database
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            database.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
        except hyperscan.error as error:
            index = _failing_index(str(error))
            raise PatternError(index, f"pattern {self.patterns[index].regex!r}: {error}") from error
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            with atomic_path(cached) as tmp:
                tmp.write_bytes(hyperscan.dumpb(database))
        return database

    def scan(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every hit in `text` as three int64 arrays (pattern, start, end) in code points,
        ordered by start, then longest first, then pattern index."""
        data = text.encode("ascii") if text.isascii() else text.encode("utf-8", "surrogatepass")
        pattern, start, end = self.scan_bytes(data)
        if len(data) != len(text) and len(pattern):
            code_point = code_points(data)
            start, end = code_point[start], code_point[end]
        return pattern, start, end

    def scan_bytes(self, data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`scan` on a text's UTF-8 bytes, offsets in bytes. Both engines match bytes (a
        non-ASCII character is bytes that no letter, `\\w` or `\\s` matches), so they agree
        on every text."""
        if self.engine == "hyperscan":
            raw = self._scan_hyperscan(data)
        else:
            raw = [(i, m.start(), m.end()) for i, c in enumerate(self._compiled) for m in c.finditer(data)]
        return _finditer_semantics(raw)

    def _scan_hyperscan(self, data: bytes) -> list[tuple[int, int, int]]:
        if self._database is None or not data:
            return []
        hits: list[tuple[int, int, int]] = []

        def collect(index, start, end, flags, context):
            hits.append((index, start, end))

        self._database.scan(data, match_event_handler=collect)
        stems, candidates = self._stem_set, self._confirm
        if not (stems or candidates):
            return hits
        plain = [hit for hit in hits if hit[0] not in stems and hit[0] not in candidates]
        plain += [(i, s, _WORD_TAIL.match(data, e).end()) for i, s, e in hits if i in stems]
        confirmed = (self._confirmed(i, e, data) for i, _, e in hits if i in candidates)
        return plain + [hit for hit in confirmed if hit is not None]

    def _confirmed(self, index: int, end: int, data: bytes) -> tuple[int, int, int] | None:
        """A prefilter candidate as the real hit ending there (with its leftmost start), or
        None when the pattern does not end there."""
        if end < len(data) and _WORD_BYTE[data[end]] and _WORD_BYTE[data[end - 1]]:
            return None  # `re` sees no word boundary here, whatever the superset thought
        found = self._confirm[index].search(data, max(0, end - _CONFIRM_WINDOW), end)
        return (index, found.start(), end) if found else None


def _open_ended(regex: str) -> bool:
    """Whether a pattern has an unbounded repeat other than the phrase separators and a
    trailing word ending, e.g. `releas\\w* (?:\\w+ )?papers`: slow under exact start-of-match
    tracking, so the automaton runs it in prefilter mode."""
    plain = regex.replace(_WORD_SEPARATOR, " ")
    plain = plain[: -len(_WORD_ENDING)] if _is_stem(regex) else plain
    return _regex_parser.parse(plain).getwidth()[1] >= _constants.MAXREPEAT


def code_points(data: bytes) -> np.ndarray:
    """For each byte offset into UTF-8 `data` (and its end), the code-point offset."""
    lead = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
    return np.concatenate([[0], np.cumsum(lead)])


def _ambiguous_repeat(parsed) -> bool:
    """Whether an unbounded repeat (*, +, {n,}) encloses another repeat or alternatives:
    the shapes on which a backtracking engine can take exponential time."""
    for op, argument in parsed:
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            low, high, body = argument
            if high == _constants.MAXREPEAT and _has_choice(body):
                return True
            nested = [body]
        else:
            nested = _subpatterns(op, argument)
        if any(_ambiguous_repeat(item) for item in nested):
            return True
    return False


def _has_choice(parsed) -> bool:
    """Whether a parsed pattern holds a repeat (other than ?) or alternatives."""
    for op, argument in parsed:
        if op is _constants.BRANCH or (op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and argument[1] > 1):
            return True
        if any(_has_choice(item) for item in _subpatterns(op, argument)):
            return True
    return False


def _subpatterns(op, argument) -> list:
    if op is _constants.SUBPATTERN:
        return [argument[-1]]
    if op is _constants.BRANCH:
        return list(argument[1])
    if op in (_constants.ASSERT, _constants.ASSERT_NOT):
        return [argument[1]]
    return []


def _is_stem(regex: str) -> bool:
    """Whether `regex` is a stem followed by a word-ending wildcard (`regulat\\w*`)."""
    head = regex[: -len(_WORD_ENDING)]
    return regex.endswith(_WORD_ENDING) and not head.endswith("\\") and bool(re.search(r"\w$", head))


def _failing_index(message: str) -> int:
    found = re.search(r"[Ee]xpression(?: id)?\s*(\d+)", message)
    return int(found.group(1)) if found else 0


def _finditer_semantics(raw: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pattern: the longest hit at each start, then drop hits that overlap an earlier
    hit of the same pattern, as `re.finditer` does."""
    if not raw:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    hits = np.asarray(raw, dtype=np.int64)
    hits = hits[np.lexsort((-hits[:, 2], hits[:, 1], hits[:, 0]))]  # pattern, start, longest first
    same_pattern = hits[1:, 0] == hits[:-1, 0]
    longest = np.concatenate([[True], ~(same_pattern & (hits[1:, 1] == hits[:-1, 1]))])
    hits = hits[longest]
    same_pattern = hits[1:, 0] == hits[:-1, 0]
    if (same_pattern & (hits[1:, 1] < hits[:-1, 2])).any():  # rare: walk the overlaps
        keep = np.ones(len(hits), dtype=bool)
        last_pattern, last_end = -1, -1
        for row, (pattern, start, end) in enumerate(hits.tolist()):
            if pattern == last_pattern and start < last_end:
                keep[row] = False
            else:
                last_pattern, last_end = pattern, end
        hits = hits[keep]
    hits = hits[np.lexsort((hits[:, 0], -hits[:, 2], hits[:, 1]))]
    return hits[:, 0], hits[:, 1], hits[:, 2]


def leftmost_longest(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Indices of the hits kept when overlapping hits compete: scanning left to right,
    the hit that starts first wins, and among those the longest. Expects hits ordered
    as `Matcher.scan` returns them. Hits that overlap nothing earlier are kept without a
    Python loop; only the rare overlapping ones are walked one by one."""
    n = len(starts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    free = np.ones(n, dtype=bool)  # overlaps no earlier hit at all: always kept
    free[1:] = starts[1:] >= np.maximum.accumulate(ends)[:-1]
    kept = free.copy()
    last_free = np.maximum.accumulate(np.where(free, np.arange(n), -1))
    last_index, last_end = -1, -1  # the latest kept hit among the overlapping ones
    for index in np.flatnonzero(~free).tolist():
        previous = last_free[index]
        reach = last_end if last_index > previous else ends[previous]
        if starts[index] >= reach:
            kept[index] = True
            last_index, last_end = index, ends[index]
    return np.flatnonzero(kept)
