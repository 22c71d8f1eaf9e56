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

try:  # the fast engine is optional: its wheels cover x86-64 and 64-bit ARM only
    import hyperscan
except ImportError:  # pragma: no cover - exercised on machines without the wheel
    hyperscan = None

from .io import atomic_path

# compiled automata, keyed by their patterns and the engine's version
_CACHE = Path(os.environ.get("OPENNESS_CACHE", Path.home() / ".cache" / "openness"))
ENGINES = ("hyperscan", "re") if hyperscan is not None else ("re",)
_WORD_SEPARATOR = r"[\s\-]+"
_WORD_ENDING = "\\w*"  # a word-ending wildcard, as phrase_to_regex writes it
_WORD_TAIL = re.compile(rb"\w*")
_WORD_BYTE = np.array([bool(re.match(rb"\w", bytes([b]))) for b in range(256)])
_LOOK_AHEAD = 16  # bytes a stem's word ending is looked for with numpy; longer ones use `re`
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
    and a `*` at the end of any word for word endings (`regulat*` matches regulation,
    regulators; `concentrat* of power` matches concentration of power). A `*` anywhere
    else is a literal star (`openness rubric check` reports it)."""
    words = [w for w in re.split(_WORD_SEPARATOR, phrase.strip()) if w]
    if not any(w.strip("*") for w in words):
        raise ValueError(f"empty phrase {phrase!r}")
    return _WORD_SEPARATOR.join(_word_to_regex(w) for w in words)


def _word_to_regex(word: str) -> str:
    """One word of a phrase: escaped, and its trailing `*` (after a word character) as a word ending."""
    stem = word.rstrip("*")
    if len(stem) < len(word) and re.search(r"\w$", stem):
        return re.escape(stem) + _WORD_ENDING
    return re.escape(word)


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


_EXAMPLE_CHARS = "a0 -.xA\u2019"  # candidates when a character class must give one character
_CATEGORIES = {
    _constants.CATEGORY_DIGIT: str.isdigit,
    _constants.CATEGORY_SPACE: str.isspace,
    _constants.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
}
_NEGATED_CATEGORY = {
    _constants.CATEGORY_NOT_DIGIT: _constants.CATEGORY_DIGIT,
    _constants.CATEGORY_NOT_SPACE: _constants.CATEGORY_SPACE,
    _constants.CATEGORY_NOT_WORD: _constants.CATEGORY_WORD,
}


def why_unmatchable(pattern: Pattern) -> str | None:
    """Why `pattern` cannot find a whole word in text, or None: when none of its own
    examples is a match once word boundaries are added (`C\\+\\+`, `foo\\b\\w`, a lookahead
    that contradicts what follows it)."""
    compiled = re.compile(bounded(pattern.regex).encode("ascii"), 0 if pattern.case_sensitive else re.IGNORECASE)
    if not any(compiled.search(f" {text} ".encode()) for text in examples(pattern.regex)):
        return "cannot match a whole word: none of its examples matches once word boundaries are added"
    return None


def examples(regex: str) -> list[str]:
    """Short texts that `regex` matches, built from its parsed form: each repeat as few times
    as allowed, the first alternative of each choice, and then each other alternative of
    one choice at a time. Empty when none is found (a back-reference, a class that none of
    the candidate characters fits)."""
    built = _examples(_regex_parser.parse(regex)) or []
    return [text for text in dict.fromkeys(built) if re.fullmatch(regex, text)]


def _examples(parsed) -> list[str] | None:
    """Examples of a parsed sequence: the first holds every part's first example; each other
    one changes a single part."""
    parts = []
    for op, argument in parsed:
        if op is _constants.LITERAL:
            part = [chr(argument)]
        elif op in (_constants.IN, _constants.NOT_LITERAL, _constants.ANY, _constants.CATEGORY):
            members = [chr(v if k is _constants.LITERAL else v[0]) for k, v in (argument if op is _constants.IN else [])
                       if k in (_constants.LITERAL, _constants.RANGE)]
            part = [c for c in [*_EXAMPLE_CHARS, *members] if _one_character_matches(op, argument, c)][:1]
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            low, _, body = argument
            once = _examples(body)
            part = once and [text * low for text in once] if low else [""]
        elif op is _constants.SUBPATTERN:
            part = _examples(argument[-1])
        elif op is _constants.BRANCH:
            part = [text for branch in argument[1] for text in (_examples(branch) or [])]
        elif op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            part = [""]  # zero-width: whether the whole example still matches is checked after
        else:
            part = None
        if not part:
            return None
        parts.append(part)
    first = "".join(part[0] for part in parts)
    variants = [
        "".join(part[0] for part in parts[:i]) + text + "".join(part[0] for part in parts[i + 1:])
        for i, part in enumerate(parts) for text in part[1:]
    ]
    return [first, *variants]


def _one_character_matches(op, argument, char: str) -> bool:
    """Whether one parsed single-character item (a class, `.`, `\\w`, a negated literal) matches `char`."""
    if op is _constants.ANY:
        return char != "\n"
    if op is _constants.NOT_LITERAL:
        return char != chr(argument)
    if op is _constants.CATEGORY:
        for category, test in _CATEGORIES.items():
            if argument is category:
                return test(char)
        return not _one_character_matches(op, _NEGATED_CATEGORY[argument], char)
    if op is _constants.LITERAL:
        return char == chr(argument)
    if op is _constants.RANGE:
        return argument[0] <= ord(char) <= argument[1]
    negate = bool(argument) and argument[0][0] is _constants.NEGATE
    items = argument[1:] if negate else argument
    return negate != any(_one_character_matches(kind, value, char) for kind, value in items)


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
            self._stem = np.array([_is_stem(p.regex) for p in self.patterns], dtype=bool)
            self._prefilter = np.array([_open_ended(p.regex) for p in self.patterns], dtype=bool)
            self._engine_regexes = [
                rf"\b(?:{p.regex[: -len(_WORD_ENDING)]})" if stem else regex
                for p, regex, stem in zip(self.patterns, self._regexes, self._stem)
            ]
            # a fixed-width pattern needs no start-of-match tracking (it costs the automaton
            # time): its start is its end minus its width
            self._width = np.array([
                -1 if prefilter else _fixed_width(regex)
                for regex, prefilter in zip(self._engine_regexes, self._prefilter)
            ], dtype=np.int64)
            # a candidate is confirmed in the text cut at its end, where a closing \b cannot see
            # the next byte: that boundary is checked on the whole text instead
            self._confirm = {
                i: re.compile(rb"%s\Z" % self._regexes[i].removesuffix(r"\b").encode("ascii"), self._compiled[i].flags)
                for i, prefilter in enumerate(self._prefilter) if prefilter
            }
            self._closing_boundary = np.array([r.endswith(r"\b") for r in self._regexes], dtype=bool)
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
            (hyperscan.HS_FLAG_PREFILTER if prefilter else hyperscan.HS_FLAG_SOM_LEFTMOST if width < 0 else 0)
            | (0 if p.case_sensitive else hyperscan.HS_FLAG_CASELESS)
            for p, prefilter, width in zip(self.patterns, self._prefilter, self._width.tolist())
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
            hits = self._scan_hyperscan(data)
        else:
            found = [(i, m.start(), m.end()) for i, c in enumerate(self._compiled) for m in c.finditer(data)]
            hits = np.array(found, dtype=np.int64).reshape(-1, 3)
        return _finditer_semantics(hits[:, 0], hits[:, 1], hits[:, 2])

    def _scan_hyperscan(self, data: bytes) -> np.ndarray:
        """Hits as rows (pattern, start, end); the engine's raw hits completed with numpy."""
        if self._database is None or not data:
            return np.zeros((0, 3), dtype=np.int64)
        flat: list[int] = []
        extend = flat.extend  # the cheapest callback: one call per hit, no object kept per hit

        def collect(index, start, end, flags, context):
            extend((index, start, end))

        self._database.scan(data, match_event_handler=collect)
        hits = np.array(flat, dtype=np.int64).reshape(-1, 3)
        width = self._width[hits[:, 0]]
        hits[:, 1] = np.where(width >= 0, hits[:, 2] - width, hits[:, 1])
        stem = np.flatnonzero(self._stem[hits[:, 0]])
        hits[stem, 2] = _word_ends(data, hits[stem, 2])
        candidate = np.flatnonzero(self._prefilter[hits[:, 0]])
        hits[candidate, 1] = [self._confirmed_start(i, e, data) for i, e in hits[candidate][:, [0, 2]].tolist()]
        return hits[hits[:, 1] >= 0]

    def _confirmed_start(self, index: int, end: int, data: bytes) -> int:
        """Where the real hit of a prefilter candidate ending at `end` starts (leftmost), or
        -1 when the pattern does not end there."""
        if self._closing_boundary[index] and _WORD_BYTE[data[end - 1]] == (end < len(data) and _WORD_BYTE[data[end]]):
            return -1  # `re` sees no word boundary here, whatever the superset thought
        found = self._confirm[index].search(data, max(0, end - _CONFIRM_WINDOW), end)
        return found.start() if found else -1


def _word_ends(data: bytes, positions: np.ndarray) -> np.ndarray:
    """Where the run of word bytes starting at each position ends: a stem hit extended to
    the end of its word, as `\\w*` would. Looked up with numpy a few bytes ahead; the rare
    longer words go to `re`."""
    ahead = positions[:, None] + np.arange(_LOOK_AHEAD)
    byte = np.frombuffer(data, dtype=np.uint8)[np.minimum(ahead, len(data) - 1)]
    in_word = _WORD_BYTE[byte] & (ahead < len(data))
    ends = positions + in_word.argmin(axis=1)  # the first byte that is no word byte
    longer = np.flatnonzero(in_word.all(axis=1))
    ends[longer] = [_WORD_TAIL.match(data, p).end() for p in positions[longer].tolist()]
    return ends


def _fixed_width(regex: str) -> int:
    """The width of every match of an ASCII regex in bytes, or -1 when it varies."""
    low, high = _regex_parser.parse(regex).getwidth()
    return low if low == high else -1


def _open_ended(regex: str) -> bool:
    """Whether a pattern has an unbounded repeat other than the phrase separators and the
    word endings of a phrase, e.g. `releas\\w* (?:\\w+ )?papers`: slow under exact
    start-of-match tracking, so the automaton runs it in prefilter mode."""
    plain = regex.replace(_WORD_ENDING + _WORD_SEPARATOR, " ").replace(_WORD_SEPARATOR, " ")
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
    """Whether `regex` is a stem followed by a word-ending wildcard (`regulat\\w*`). Not when
    the wildcard ends only the last of several alternatives (`defences|defen[cs]e\\w*`): the
    others must end at a word boundary, not at the end of whatever word they are in."""
    head = regex[: -len(_WORD_ENDING)]
    return (regex.endswith(_WORD_ENDING) and not head.endswith("\\") and bool(re.search(r"\w$", head))
            and not any(op is _constants.BRANCH for op, _ in _regex_parser.parse(regex)))


def _failing_index(message: str) -> int:
    found = re.search(r"[Ee]xpression(?: id)?\s*(\d+)", message)
    return int(found.group(1)) if found else 0


def _finditer_semantics(
    pattern: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pattern: the longest hit at each start, and no hit that overlaps an earlier hit of
    the same pattern, as `re.finditer` gives them; ordered as `Matcher.scan` promises."""
    if not len(pattern):
        return pattern, start, end
    order = _hit_order(pattern, start, end)
    pattern, start, end = pattern[order], start[order], end[order]
    # each pattern's hits apart on one axis, so leftmost-longest keeps them per pattern
    by_pattern = np.argsort(pattern.astype(np.min_scalar_type(pattern.max())), kind="stable")
    apart = pattern[by_pattern] * (int(end.max()) + 1)
    kept = np.sort(by_pattern[leftmost_longest(start[by_pattern] + apart, end[by_pattern] + apart)])
    return pattern[kept], start[kept], end[kept]


def _hit_order(pattern: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Indices that order hits by start, then longest first, then pattern. One int64 key
    sorts several times faster than np.lexsort over three; lexsort stays for inputs so
    long that the key would overflow."""
    length = end - start
    width, n_patterns = int(length.max()) + 1, int(pattern.max()) + 1
    if (int(start.max()) + 1) * width * n_patterns > np.iinfo(np.int64).max:
        return np.lexsort((pattern, -end, start))
    return np.argsort((start * width + (width - 1 - length)) * n_patterns + pattern, kind="stable")


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
