"""One compiled multi-pattern matcher, shared by the rubric, the lab registry and negation.

Every cue, alias and negator of a run is found in a single pass over the text. The engine
is Hyperscan where its wheel is installed (a compiled automaton, word boundaries handled
inside the engine); elsewhere a pure-Python engine built on `re` gives the same hits,
slowly. Both match the UTF-8 bytes of the text: case folding and `\\b` word boundaries
treat only ASCII letters, digits and `_` as word characters, and a non-ASCII character is
two to four bytes (write `[^\\x00-\\x7f]{1,3}` for one typographic apostrophe or dash),
so the two engines agree on any text.

A hit is (pattern index, start, end) in code-point offsets into the text. For each pattern
the hits are the ones `re.finditer` gives on the text's bytes, however long: the automaton
finds fixed-width hits itself, a phrase of plain words takes its start from its end, and
`re` finds the other variable-width hits in the runs of text around the automaton's hits.
`check_pattern` is the one definition of a pattern both engines run alike; rubric and lab
loading, `openness rubric check` and the matcher all apply it.
Choosing between overlapping hits of different patterns is left to the caller
(`leftmost_longest`), because cues, aliases and negators overlap by design.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

# the standard library's own regex parser and compiler (re._parser, re._compiler since Python
# 3.11): the parser tells repeats, groups and alternatives apart reliably, where a regex over
# the pattern text would not; the compiler compiles a parsed pattern rewritten by _fold
from re import _compiler as _regex_compiler, _constants, _parser as _regex_parser

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
_SEPARATOR_BYTE = np.array([bool(re.fullmatch(_WORD_SEPARATOR.encode(), bytes([b]))) for b in range(256)])
_SEPARATORS_REACH = 16  # bytes a phrase's separators are looked for with numpy; longer runs in Python
_LOOK_AROUND = 64  # bytes a variable-width hit's run bounds are looked for with numpy; farther ones use `re`
_CONFIRM_WINDOW = 1000  # bytes `re` looks back at first for where such a run starts
_TWO_THREADS_FROM = 1 << 20  # bytes of text in parts from which the automaton scans two halves at once


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
    """Why `pattern` cannot be used, or None: the one definition of a valid pattern, which the
    rubric and lab loaders, `openness rubric check` and both engines share. Refused: what the
    engines would run differently (lookaround, anchors, inline flags, back-references ...),
    what can match the empty string, and what could take exponential time in the
    pure-Python engine."""
    if not pattern.regex.strip():
        return "empty pattern"
    if not pattern.regex.isascii():
        return "non-ASCII characters are not supported in patterns (matching is ASCII-only)"
    try:  # the engines match bytes: parse the pattern as they compile it
        parsed = _regex_parser.parse(pattern.regex.encode("ascii"))
    except re.error as error:
        return f"invalid regular expression: {error}"
    if parsed.state.flags:
        return "inline flags such as (?i) or (?x) are not supported; use case_sensitive"
    try:
        re.compile(bounded(pattern.regex).encode("ascii"))
    except re.error as error:
        return f"invalid regular expression: {error}"
    problem = _unsupported(parsed)
    if problem:
        return problem
    if parsed.getwidth()[0] == 0:
        return "pattern matches the empty string (as x*, (?:) or a lone \\b do): a cue must match at least one character"
    if _ambiguous_repeat(parsed):
        return ("nested quantifiers or alternatives under an unbounded repeat, such as (a+)+ or "
                "(a|aa)+, can take exponential time; bound the repeat, e.g. {0,3}")
    if _emptiable_repeat(parsed):
        return ("a repeated part that can match nothing, such as (?:a?){32}, can take exponential time; "
                "make the part match at least one character")
    if _ways(parsed) > _MAX_WAYS:
        return (f"too many ways to match (over {_MAX_WAYS:,} combinations of its alternatives and "
                "repeats, as in (?:a|ab){20}): it can take exponential time; use fewer or shorter repeats")
    return None


# parsed constructs the engines do not run alike, with why each is refused
_REFUSED = {
    _constants.ASSERT: "lookahead and lookbehind ((?=...), (?<=...)) are not supported",
    _constants.ASSERT_NOT: "negative lookahead and lookbehind ((?!...), (?<!...)) are not supported",
    _constants.ATOMIC_GROUP: "atomic groups (?>...) are not supported",
    _constants.POSSESSIVE_REPEAT: "possessive quantifiers (*+, ++, ?+, {m,n}+) are not supported",
    _constants.GROUPREF: "back-references are not supported",
    _constants.GROUPREF_EXISTS: "conditionals (?(1)...|...) are not supported",
}
_WORD_BOUNDARIES = (_constants.AT_BOUNDARY, _constants.AT_NON_BOUNDARY)
_MAX_REPEAT_COUNT = 100  # bounded repeats larger than this blow up the compiled automaton
_MAX_WAYS = 10_000  # matching paths the pure-Python engine may have to try at one position


def _unsupported(parsed) -> str | None:
    """Why a parsed pattern holds a construct outside the shared definition, or None."""
    for op, argument in parsed:
        if op in _REFUSED:
            return _REFUSED[op]
        if op is _constants.AT and argument not in _WORD_BOUNDARIES:
            return "anchors (^, $, \\A, \\Z) are not supported: cues are found anywhere in a text; use \\b"
        if op is _constants.SUBPATTERN and (argument[1] or argument[2]):
            return "inline flags such as (?i:...) are not supported; use case_sensitive"
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            low, high, body = argument
            if max(low, high if high != _constants.MAXREPEAT else 0) > _MAX_REPEAT_COUNT:
                return f"a repeat count over {_MAX_REPEAT_COUNT} is not supported"
            nested = [body]
        else:
            nested = _subpatterns(op, argument)
        for item in nested:
            if problem := _unsupported(item):
                return problem
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
        # a regex listed twice (two contexts that share a word) is searched once; its hits
        # are handed to every index that lists it
        self._distinct = tuple(dict.fromkeys(self.patterns))
        position = {pattern: index for index, pattern in enumerate(self._distinct)}
        distinct_of = np.array([position[p] for p in self.patterns], dtype=np.int64)
        self._listed = np.argsort(distinct_of, kind="stable")  # listed indices, grouped by distinct pattern
        self._copies = np.bincount(distinct_of, minlength=len(self._distinct))
        self._first_copy = np.cumsum(self._copies) - self._copies  # where each one's group starts in _listed
        self.engine = ENGINES[0] if engine == "auto" else engine
        if self.engine not in ENGINES:
            raise ValueError(f"engine {engine!r} is not available here; choose from {ENGINES}")
        self._regexes = [bounded(p.regex) for p in self._distinct]
        self._compiled = [
            re.compile(r.encode("ascii"), 0 if p.case_sensitive else re.IGNORECASE)
            for r, p in zip(self._regexes, self._distinct)
        ]
        if self.engine == "hyperscan":
            # Two kinds of pattern are slow in the automaton. A trailing \w*: the engine finds
            # the stem and the hit is extended to the end of its word afterwards. An open-ended
            # regex (\w+ gaps): the engine runs a cheaper superset of it (prefilter mode) and
            # `re` finds the real hits around each candidate. Both give the hits `re` alone would give.
            self._stem = np.array([_is_stem(p.regex) for p in self._distinct], dtype=bool)
            self._prefilter = np.array([_open_ended(p.regex) for p in self._distinct], dtype=bool)
            self._engine_regexes = [
                rf"\b(?:{p.regex[: -len(_WORD_ENDING)]})" if stem else regex
                for p, regex, stem in zip(self._distinct, self._regexes, self._stem)
            ]
            # A fixed-width hit starts at its end minus its width. The hits of a variable-width
            # pattern are found by `re` in the runs of text around the automaton's hits (its
            # own start-of-match tracking costs time and crashes on some patterns, e.g. ` +a`
            # over a few hundred bytes of `a b a b`): exactly `re`'s hits, long ones included.
            self._width = np.array([
                -1 if prefilter else _fixed_width(regex)
                for regex, prefilter in zip(self._engine_regexes, self._prefilter)
            ], dtype=np.int64)
            variable = np.flatnonzero(self._width < 0).tolist()
            self._outside = {i: _outside(self._distinct[i]) for i in variable}
            # the same bytes as one table (pattern, byte value) -> outside, for numpy to look up
            self._outside_byte = np.zeros((len(self._distinct), 256), dtype=bool)
            for i in variable:
                self._outside_byte[i] = ~_consumable_bytes(self._distinct[i])
            # phrases of plain words (`Allen[\s\-]+Institute`, `model[\s\-]+release\w*`): where
            # such a hit starts follows from its end, so they skip `re` (each row: the words'
            # lengths, last word first; a stem's last word up to where the automaton stops)
            regexes = [p.regex[: -len(_WORD_ENDING)] if stem else p.regex for p, stem in zip(self._distinct, self._stem)]
            words = {i: _plain_words(regexes[i]) for i in variable if not self._prefilter[i]}
            self._phrase_words = np.zeros((len(self._distinct), max([1, *map(len, words.values())])), dtype=np.int64)
            for i, lengths in words.items():
                self._phrase_words[i, : len(lengths)] = lengths[::-1]
            # `re` confirms the hits of the other variable-width patterns (`_hits_in_runs`) on the
            # lowercased text, case-sensitively where it can (see _folded): the same hits, found
            # several times faster
            confirmed = (self._width < 0) & (self._phrase_words[:, 0] == 0)
            folded = [_folded(regex) if confirmed[i] and not p.case_sensitive else None
                      for i, (p, regex) in enumerate(zip(self._distinct, self._regexes))]
            self._confirm = [f or c for f, c in zip(folded, self._compiled)]
            self._folded = np.array([f is not None for f in folded], dtype=bool)
            self._database = self._compile_hyperscan()
            self._second_scratch = None  # made on the first scan in two parts

    def __reduce__(self):  # compiled databases do not pickle; worker processes recompile
        return (Matcher, (self.patterns, self.engine))

    def _compile_hyperscan(self):
        """The automaton for these patterns: compiled once (seconds for a large rubric),
        then loaded from the user's cache folder (milliseconds) by every later process."""
        if not self._distinct:
            return None
        expressions = [r.encode("ascii") for r in self._engine_regexes]
        flags = [
            (hyperscan.HS_FLAG_PREFILTER if prefilter else 0) | (0 if p.case_sensitive else hyperscan.HS_FLAG_CASELESS)
            for p, prefilter in zip(self._distinct, self._prefilter)
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
            pattern = self._distinct[index]
            raise PatternError(self.patterns.index(pattern), f"pattern {pattern.regex!r}: {error}") from error
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

    def scan_pieces(self, pieces: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every hit in each of `pieces`, found in one `scan` of them laid end to end with a
        line break between two (a pass per piece would cost more than the search): (piece,
        pattern, start, end), offsets into the piece; a hit that runs over a break belongs to
        the piece it starts in."""
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)) + 1  # each with its line break
        laid_start = np.cumsum(lengths) - lengths
        pattern, start, end = self.scan("\n".join(pieces))
        piece = np.searchsorted(laid_start, start, side="right") - 1
        return piece, pattern, start - laid_start[piece], end - laid_start[piece]

    def scan_bytes(self, data: bytes, starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`scan` on a text's UTF-8 bytes, offsets in bytes. Both engines match bytes (a
        non-ASCII character is bytes that no letter, `\\w` or `\\s` matches), so they agree
        on every text.

        `starts` (sorted byte offsets, the first 0) splits the text into parts, e.g. documents
        laid end to end: the hits are then those of each part scanned on its own, so a part's
        hits never depend on its neighbours. A large text is then scanned in two halves at
        once, on two threads: the automaton releases the GIL while it searches."""
        halves = self.engine == "hyperscan" and starts is not None and len(data) >= _TWO_THREADS_FROM
        cut = int(starts[min(np.searchsorted(starts, len(data) // 2), len(starts) - 1)]) if halves else 0
        if self.engine == "hyperscan" and cut:
            hits = self._scan_two_parts(data, cut)
        elif self.engine == "hyperscan":
            hits = self._scan_hyperscan(data)
        else:
            found = [(i, m.start(), m.end()) for i, c in enumerate(self._compiled) for m in c.finditer(data)]
            hits = np.array(found, dtype=np.int64).reshape(-1, 3)
        if starts is not None:
            hits = self._within_parts(hits, data, np.asarray(starts, dtype=np.int64))
        hits = self._to_listed(hits)
        return _finditer_semantics(hits[:, 0], hits[:, 1], hits[:, 2])

    def _within_parts(self, hits: np.ndarray, data: bytes, starts: np.ndarray) -> np.ndarray:
        """`hits` (distinct pattern, start, end) as each part alone gives them. A hit that
        spans two parts may have hidden later hits of its pattern (a match consumes its text),
        so for each pattern and part such a hit touches, `re` searches that part again. Rare:
        only patterns that can hold the parts' separator can span one."""
        part_of_start = np.searchsorted(starts, hits[:, 1], side="right") - 1
        part_of_end = np.searchsorted(starts, np.maximum(hits[:, 2] - 1, hits[:, 1]), side="right") - 1
        spanning = np.flatnonzero(part_of_start != part_of_end)
        if not len(spanning):
            return hits
        redo = {(int(hits[i, 0]), part) for i in spanning.tolist()
                for part in range(int(part_of_start[i]), int(part_of_end[i]) + 1)}
        keep = np.array([(p, s) not in redo and s == e for p, s, e in
                         zip(hits[:, 0].tolist(), part_of_start.tolist(), part_of_end.tolist())], dtype=bool)
        ends = np.append(starts[1:], len(data))
        found = [(pattern, m.start(), m.end()) for pattern, part in sorted(redo)
                 for m in self._compiled[pattern].finditer(data, int(starts[part]), int(ends[part]))]
        return np.concatenate([hits[keep], np.array(found, dtype=np.int64).reshape(-1, 3)])

    def _to_listed(self, hits: np.ndarray) -> np.ndarray:
        """Hits (distinct pattern, start, end) as hits of every listed pattern index."""
        if len(self._distinct) == len(self.patterns):
            return hits
        repeat = self._copies[hits[:, 0]]
        rows = np.repeat(hits, repeat, axis=0)
        nth = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        rows[:, 0] = self._listed[np.repeat(self._first_copy[hits[:, 0]], repeat) + nth]
        return rows

    def _scan_two_parts(self, data: bytes, cut: int) -> np.ndarray:
        """`_scan_hyperscan` of data[:cut] and data[cut:] on two threads, one scratch space
        each (a scratch space serves one scan at a time), as rows of the whole text."""
        if self._second_scratch is None and self._database is not None:
            self._second_scratch = hyperscan.Scratch(self._database)
        with ThreadPoolExecutor(max_workers=1) as pool:
            second = pool.submit(self._scan_hyperscan, data[cut:], self._second_scratch)
            first = self._scan_hyperscan(data[:cut])
            second = second.result()
        second[:, 1:] += cut
        return np.concatenate([first, second])

    def _scan_hyperscan(self, data: bytes, scratch=None) -> np.ndarray:
        """Hits as rows (pattern, start, end); the engine's raw hits completed with numpy."""
        if self._database is None or not data:
            return np.zeros((0, 3), dtype=np.int64)
        flat: list[int] = []
        extend = flat.extend  # the cheapest callback: one call per hit, no object kept per hit

        def collect(index, start, end, flags, context):
            extend((index, start, end))

        self._database.scan(data, match_event_handler=collect, scratch=scratch or self._database.scratch)
        hits = np.array(flat, dtype=np.int64).reshape(-1, 3)
        width = self._width[hits[:, 0]]
        fixed = hits[width >= 0]
        fixed[:, 1] = fixed[:, 2] - width[width >= 0]
        stem = np.flatnonzero(self._stem[fixed[:, 0]])
        fixed[stem, 2] = _word_ends(data, fixed[stem, 2])
        variable = hits[width < 0]
        phrase = self._phrase_words[variable[:, 0], 0] > 0
        phrases = variable[phrase]
        phrases[:, 1] = _phrase_starts(data, phrases[:, 2], self._phrase_words[phrases[:, 0]])
        stem = np.flatnonzero(self._stem[phrases[:, 0]])
        phrases[stem, 2] = _word_ends(data, phrases[stem, 2])
        others = variable[~phrase]
        return np.concatenate([fixed, phrases, self._hits_in_runs(others[:, 0], others[:, 2], data)])

    def _hits_in_runs(self, pattern: np.ndarray, end: np.ndarray, data: bytes) -> np.ndarray:
        """`re`'s hits of variable-width patterns in each run of text that holds an automaton
        hit (pattern `pattern[i]` ending at `end[i]`). A run is bounded by bytes its pattern
        cannot consume, so no hit crosses it and `re.finditer` over it gives the hits a search
        over the whole text would. The runs are found for all hits at once with numpy, and
        each pattern's runs are searched in one `finditer` call over the runs laid end to end,
        each with the byte before it: that byte cannot be consumed either, so no hit crosses
        from one run into the next and `\\b` still sees the text's own neighbours."""
        if not len(pattern):
            return np.zeros((0, 3), dtype=np.int64)
        pattern, start, stop = self._runs(*_unique_pairs(pattern, end), data)
        low = np.maximum(start - 1, 0)  # each run with the byte before it, for `\\b`
        at = np.concatenate([[0], np.cumsum(stop - low)])  # where each run begins in `laid`
        laid = np.frombuffer(data, dtype=np.uint8)[np.repeat(low - at[:-1], stop - low) + np.arange(at[-1])].tobytes()
        lowered = laid.lower() if self._folded[pattern].any() else laid  # ASCII only, as the engines fold case
        found = []
        for index, first_run, last_run in _groups(pattern):
            text = lowered if self._folded[index] else laid
            spans = self._confirm[index].finditer(text[at[first_run]: at[last_run + 1]])
            span = np.fromiter(itertools.chain.from_iterable(map(re.Match.span, spans)), dtype=np.int64)
            span = span.reshape(-1, 2) + at[first_run]
            run = np.searchsorted(at, span[:, 0], side="right") - 1
            found.append(np.column_stack([np.full(len(span), index), span + (low - at[:-1])[run, None]]))
        return np.concatenate(found) if found else np.zeros((0, 3), dtype=np.int64)

    def _runs(self, pattern: np.ndarray, end: np.ndarray, data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The runs that hold the hits (ordered by pattern, then end), as (pattern, start,
        stop): a run starts after the last byte before a hit that its pattern cannot consume,
        and its search stops after the first such byte after its last hit, so that `\\b` at
        the run's end sees that byte. Looked up with numpy a few bytes around each hit; the
        few longer runs go to `re`."""
        byte = np.frombuffer(data, dtype=np.uint8)
        start = end - _nearest(self._outside_byte, pattern, byte, end, -1) + 1
        for i in np.flatnonzero(start > end).tolist():  # none within reach
            start[i] = _run_start(data, int(end[i]), self._outside[pattern[i]])
        last = np.r_[(pattern[1:] != pattern[:-1]) | (start[1:] != start[:-1]), True]  # each run's last hit
        pattern, start, end = pattern[last], start[last], end[last]
        stop = end + _nearest(self._outside_byte, pattern, byte, end, +1) + 1
        for i in np.flatnonzero(stop == end).tolist():  # none within reach
            found = self._outside[pattern[i]] and self._outside[pattern[i]].search(data, int(end[i]))
            stop[i] = found.start() + 1 if found else len(data)
        return pattern, start, stop


_UPPER = range(ord("A"), ord("Z") + 1)


def _folded(regex: str) -> re.Pattern | None:
    """`regex` (case-insensitive) as a case-sensitive regex that finds the same hits in the
    lowercased text (ASCII letters: `bytes.lower`), or None for a construct not handled here.
    Case-insensitive, `re` tries every alternative at every position; case-sensitive, it skips
    an alternative whose first letter is not the one in the text, and most are skipped. Each
    letter becomes its lowercase form; a class keeps its members and gains the lowercase forms
    of its capitals (the text holds no capital), so `[^A]` still refuses `a`."""
    folded = _fold(_regex_parser.parse(regex.encode("ascii")))
    return None if folded is None else _regex_compiler.compile(folded, 0)


def _fold(parsed):
    """A parsed pattern with its letters lowercased (see _folded), or None."""
    items = []
    for op, argument in parsed:
        if op in (_constants.LITERAL, _constants.NOT_LITERAL):
            argument = argument + 32 if argument in _UPPER else argument
        elif op is _constants.IN:
            members = list(argument)
            for kind, value in argument:
                if kind is _constants.LITERAL and value in _UPPER:
                    members.append((kind, value + 32))
                elif kind is _constants.RANGE and max(value[0], _UPPER[0]) <= min(value[1], _UPPER[-1]):
                    members.append((kind, (max(value[0], _UPPER[0]) + 32, min(value[1], _UPPER[-1]) + 32)))
                elif kind not in (_constants.LITERAL, _constants.RANGE, _constants.CATEGORY, _constants.NEGATE):
                    return None
            argument = members
        elif op is _constants.BRANCH:
            branches = [_fold(branch) for branch in argument[1]]
            if None in branches:
                return None
            argument = (argument[0], branches)
        elif op is _constants.SUBPATTERN or op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            body = _fold(argument[-1])
            if body is None:
                return None
            argument = (*argument[:-1], body)
        elif op not in (_constants.AT, _constants.ANY):
            return None
        items.append((op, argument))
    return _regex_parser.SubPattern(parsed.state, items)


def _nearest(outside: np.ndarray, pattern: np.ndarray, byte: np.ndarray, position: np.ndarray,
             direction: int) -> np.ndarray:
    """How far from each position lies the nearest byte that `outside[pattern]` marks,
    looking back (direction -1: 1 is the byte just before) or ahead (+1: 0 is the byte at
    the position), within _LOOK_AROUND bytes of the text; -1 where there is none in reach.
    Expects `pattern` sorted: each pattern's table row is applied to its hits at once."""
    found = np.full(len(position), -1, dtype=np.int64)
    if len(byte) < _LOOK_AROUND:
        return found
    window = np.lib.stride_tricks.sliding_window_view(byte, _LOOK_AROUND)  # a view: no copy of the text
    first = position - _LOOK_AROUND if direction < 0 else position
    seen = window[np.clip(first, 0, len(window) - 1)]
    if direction < 0:
        seen = seen[:, ::-1]  # nearest first
    for index, first_hit, last_hit in _groups(pattern):
        marked = outside[index][seen[first_hit: last_hit + 1]]
        found[first_hit: last_hit + 1] = np.where(marked.any(axis=1), marked.argmax(axis=1), -1)
    found[(first < 0) | (first > len(window) - 1)] = -1  # the window would leave the text
    return np.where(found >= 0, found + (direction < 0), -1)


def _phrase_starts(data: bytes, end: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Where each hit of a phrase of plain words starts, from its end and its words' lengths
    (last word first, then zeros): back over a word, then over the run of separators before
    it, which the phrase takes whole (its words hold none), and so on. The automaton found a
    whole match ending there, so this start is the only one it can have."""
    start = end - words[:, 0]
    for column in range(1, words.shape[1]):
        more = np.flatnonzero(words[:, column] > 0)
        start[more] -= _separators_before(data, start[more]) + words[more, column]
    return start


def _separators_before(data: bytes, position: np.ndarray) -> np.ndarray:
    """How many phrase separators (whitespace or hyphens) stand just before each position:
    looked up with numpy a few bytes back; the rare longer runs are counted in Python."""
    found = np.full(len(position), -1, dtype=np.int64)
    byte = np.frombuffer(data, dtype=np.uint8)
    if len(byte) >= _SEPARATORS_REACH:
        window = np.lib.stride_tricks.sliding_window_view(byte, _SEPARATORS_REACH)
        behind = _SEPARATOR_BYTE[window[np.maximum(position - _SEPARATORS_REACH, 0)][:, ::-1]]
        found = np.where(behind.all(axis=1) | (position < _SEPARATORS_REACH), -1, behind.argmin(axis=1))
    for i in np.flatnonzero(found < 0).tolist():
        at = int(position[i])
        while at and _SEPARATOR_BYTE[data[at - 1]]:
            at -= 1
        found[i] = int(position[i]) - at
    return found


def _plain_words(regex: str) -> list[int]:
    r"""The lengths of the words of a phrase of plain words joined by phrase separators
    (`Allen[\s\-]+Institute`), or [] for any other regex."""
    words = regex.split(_WORD_SEPARATOR)
    return [len(w) for w in words] if len(words) > 1 and all(re.fullmatch(r"\w+", w) for w in words) else []


def _unique_pairs(pattern: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (pattern, end) pairs, ordered by pattern, then end."""
    order = np.lexsort((end, pattern))
    pattern, end = pattern[order], end[order]
    first = np.r_[True, (pattern[1:] != pattern[:-1]) | (end[1:] != end[:-1])]
    return pattern[first], end[first]


def _groups(sorted_values: np.ndarray):
    """(value, first index, last index) for each block of equal values in a sorted array."""
    edge = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    last = np.r_[edge[1:] - 1, len(sorted_values) - 1]
    return zip(sorted_values[edge].tolist(), edge.tolist(), last.tolist())


def _run_start(data: bytes, end: int, outside: re.Pattern | None) -> int:
    """Where the run of bytes that ends at `end` and holds no byte of `outside` starts: no
    hit ending at `end` can start earlier. Looked for back from `end` in a window of
    _CONFIRM_WINDOW bytes, widened while the run fills it, so a long hit is found whole."""
    if outside is None:
        return 0
    reach = _CONFIRM_WINDOW
    while True:
        low = max(0, end - reach)
        found = outside.search(data[low:end][::-1])
        if found:
            return end - found.start()
        if low == 0:
            return 0
        reach *= 8


_BYTES = [bytes([b]) for b in range(256)]
_CATEGORY_BYTES = {
    category: np.array([bool(re.match(regex, b)) for b in _BYTES])
    for category, regex in ((_constants.CATEGORY_DIGIT, rb"\d"), (_constants.CATEGORY_NOT_DIGIT, rb"\D"),
                            (_constants.CATEGORY_SPACE, rb"\s"), (_constants.CATEGORY_NOT_SPACE, rb"\S"),
                            (_constants.CATEGORY_WORD, rb"\w"), (_constants.CATEGORY_NOT_WORD, rb"\W"))
}
_SPACE_OR_NON_ASCII_BYTE = np.array([b >= 128 or chr(b).isspace() for b in range(256)])
_ASCII_LETTER = np.array([chr(b).isascii() and chr(b).isalpha() for b in range(256)])
_OTHER_CASE = np.array([ord(chr(b).swapcase()) if _ASCII_LETTER[b] else b for b in range(256)])


def _outside(pattern: Pattern) -> re.Pattern | None:
    """A one-byte regex for the bytes no match of `pattern` can hold (None when it can hold
    any byte). Erring towards fewer bytes only makes the confirmation start earlier."""
    consumable = _consumable_bytes(pattern)
    if consumable.all():
        return None
    return re.compile(b"[" + b"".join(re.escape(_BYTES[b]) for b in np.flatnonzero(~consumable)) + b"]")


def stays_in_word(pattern: Pattern) -> bool:
    """Whether every match of `pattern` holds only ASCII bytes other than whitespace: then no
    hit reaches across whitespace (not even a non-ASCII space), so a text cut at whitespace
    gives each piece the hits the whole text has there."""
    return not (_consumable_bytes(pattern) & _SPACE_OR_NON_ASCII_BYTE).any()


def _consumable_bytes(pattern: Pattern) -> np.ndarray:
    """For each byte value, whether a match of `pattern` may hold it, in either case unless
    the pattern is case-sensitive."""
    consumable = _consumable(_regex_parser.parse(pattern.regex.encode("ascii")))
    return consumable | consumable[_OTHER_CASE] if not pattern.case_sensitive else consumable


def _consumable(parsed) -> np.ndarray:
    """For each byte value, whether a match of the parsed pattern may hold it."""
    found = np.zeros(256, dtype=bool)
    for op, argument in parsed:
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            found |= _consumable(argument[2])
        elif op in (_constants.SUBPATTERN, _constants.BRANCH):
            for item in _subpatterns(op, argument):
                found |= _consumable(item)
        elif op is not _constants.AT:
            found |= _one_byte(op, argument)
    return found


def _one_byte(op, argument) -> np.ndarray:
    """The byte values one parsed single-character item matches (every byte for one unknown here)."""
    if op is _constants.LITERAL:
        return np.arange(256) == argument
    if op is _constants.NOT_LITERAL:
        return np.arange(256) != argument
    if op is _constants.ANY:
        return np.arange(256) != ord("\n")
    if op is _constants.CATEGORY and argument in _CATEGORY_BYTES:
        return _CATEGORY_BYTES[argument].copy()
    if op is _constants.RANGE:
        return (np.arange(256) >= argument[0]) & (np.arange(256) <= argument[1])
    if op is _constants.IN:
        negate = bool(argument) and argument[0][0] is _constants.NEGATE
        found = np.zeros(256, dtype=bool)
        for kind, value in argument[1:] if negate else argument:
            found |= _one_byte(kind, value)
        return ~found if negate else found
    return np.ones(256, dtype=bool)


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
    return _some_repeat(parsed, lambda low, high, body: high == _constants.MAXREPEAT and _has_choice(body))


def _emptiable_repeat(parsed) -> bool:
    """Whether a repeat of more than once (bounded or not) encloses a part that can match
    nothing, as (?:a?){32}: every iteration may take it or not."""
    return _some_repeat(parsed, lambda low, high, body: high > 1 and body.getwidth()[0] == 0)


def _some_repeat(parsed, test) -> bool:
    """Whether some repeat at any depth of `parsed` passes `test(low, high, body)`."""
    for op, argument in parsed:
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            if test(*argument):
                return True
            nested = [argument[2]]
        else:
            nested = _subpatterns(op, argument)
        if any(_some_repeat(item, test) for item in nested):
            return True
    return False


def _ways(parsed) -> int:
    """About how many ways a backtracking engine may try to match at one position: the
    product over the parts of a sequence, for alternatives the most that share a first
    character (distinct first characters exclude each other), and for a bounded repeat of
    a part with several ways the sum of its powers."""
    total = 1
    for op, argument in parsed:
        if op is _constants.BRANCH:
            by_first: dict = {}
            for branch in argument[1]:
                first = branch[0] if len(branch) else None
                key = chr(first[1]).lower() if first and first[0] is _constants.LITERAL else None
                by_first[key] = by_first.get(key, 0) + _ways(branch)
            unknown = by_first.pop(None, 0)
            ways = max(by_first.values(), default=0) + unknown
        elif op is _constants.SUBPATTERN:
            ways = _ways(argument[-1])
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            low, high, body = argument
            inner = _ways(body)
            if high == _constants.MAXREPEAT:
                ways = 2 if inner == 1 else _MAX_WAYS + 1  # the latter refused as ambiguous before
            elif inner == 1:
                ways = high - low + 1
            else:
                ways = sum(inner ** count for count in range(low, high + 1))
        else:
            ways = 1
        total = min(total * ways, _MAX_WAYS + 1)
    return total


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
