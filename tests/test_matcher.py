"""The multi-pattern matcher: phrase syntax, whole-word matching, engines that agree, the
compiled-automaton cache and the patterns it refuses."""
from __future__ import annotations

import platform
import re
import tomllib

import numpy as np
import pytest

from openness import paths
from openness.core import matcher
from openness.core.matcher import (ENGINES, Matcher, Pattern, bounded, check_pattern, examples, phrase_to_regex,
                                   stays_in_word, why_unmatchable)

PATTERNS = [
    Pattern(phrase_to_regex("open source")),
    Pattern(phrase_to_regex("regulat*")),
    Pattern("Grok", case_sensitive=True),
    Pattern(phrase_to_regex("U.S.")),
    Pattern(phrase_to_regex("open")),
]
TEXT = "Grok is not Open-Source; regulators in the U.S. regulate. To grok open\n  source é open"


def hits(engine: str, text: str = TEXT) -> list[tuple[int, str]]:
    found = Matcher(PATTERNS, engine=engine).scan(text)
    return [(int(p), text[s:e]) for p, s, e in zip(*found)]


@pytest.mark.parametrize("engine", ENGINES)
def test_whole_words_case_and_separators(engine):
    assert hits(engine) == [
        (2, "Grok"), (0, "Open-Source"), (4, "Open"), (1, "regulators"), (3, "U.S."),
        (1, "regulate"), (0, "open\n  source"), (4, "open"), (4, "open"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_pattern_listed_twice_gives_its_hits_to_both_indices(engine):
    """Repeated patterns are searched once; each listed index still gets every hit."""
    listed = [PATTERNS[4], PATTERNS[1], PATTERNS[4], PATTERNS[2], PATTERNS[1]]
    found = Matcher(listed, engine=engine).scan(TEXT)
    got = [(int(p), TEXT[s:e]) for p, s, e in zip(*found)]
    assert got == [
        (3, "Grok"), (0, "Open"), (2, "Open"), (1, "regulators"), (4, "regulators"),
        (1, "regulate"), (4, "regulate"), (0, "open"), (2, "open"), (0, "open"), (2, "open"),
    ]


@pytest.mark.parametrize("regex, stays", [
    (phrase_to_regex("model*"), True), ("AI", True), (phrase_to_regex("U.S."), True), ("[A-Z]{2,4}", True),
    (phrase_to_regex("open source"), False),  # a space between its words
    ("don[^\\x00-\\x7f]{1,3}t", False),  # a typographic apostrophe, or a no-break space
    ("a.b", False), ("a\\x1cb", False),  # `.` holds a space; \x1c is whitespace to str.split
])
def test_a_pattern_stays_in_a_word_when_no_match_can_hold_whitespace_or_a_non_ascii_byte(regex, stays):
    assert stays_in_word(Pattern(regex)) is stays


@pytest.mark.parametrize("engine", ENGINES)
def test_offsets_are_code_points_after_non_ascii_text(engine):
    text = "Zürich’s 🤖 open source"
    assert hits(engine, text) == [(0, "open source"), (4, "open")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stem_reaches_the_end_of_a_long_word_and_of_the_text(engine):
    text = "Overregulation aside, regulatoryframeworkcompliance beats regulators"
    assert hits(engine, text) == [(1, "regulatoryframeworkcompliance"), (1, "regulators")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("phrase", ["open source models", "open source mod*"])
def test_a_phrase_is_found_whole_across_long_runs_of_separators(engine, phrase):
    """A phrase of plain words (its last one a stem or not) starts where its words and
    separators, walked back from its end, lead: also at the very start of the text and over
    runs of separators longer than the few bytes numpy looks at."""
    gap = " -\n" * 10
    text = f"open{gap}source{gap}models, then Open source models and open - source{gap}models."
    found = Matcher([Pattern(phrase_to_regex(phrase))], engine=engine).scan(text)
    assert [text[s:e] for s, e in zip(found[1].tolist(), found[2].tolist())] == [
        f"open{gap}source{gap}models", "Open source models", f"open - source{gap}models"]


def test_hits_of_one_pattern_keep_the_longest_and_never_overlap_at_any_offset():
    pattern = np.array([0, 0, 0, 0, 1, 1, 1])
    start = np.array([0, 0, 3, 5, 0, 4, 6])
    end = np.array([5, 3, 7, 8, 5, 6, 9])
    for shift in (0, 2**61):  # offsets this large no longer fit one sort key
        found = matcher._finditer_semantics(pattern, start + shift, end + shift)
        assert [a.tolist() for a in found] == [
            [0, 1, 0, 1],  # at start 0 both patterns keep their longest hit, pattern 0 first
            [shift, shift, shift + 5, shift + 6],  # 0-3 and 3-7 overlap 0-5, 4-6 overlaps 0-5
            [shift + 5, shift + 5, shift + 8, shift + 9],
        ]


SPANNING = [Pattern("said[^.]{0,30}risk"), Pattern(phrase_to_regex("risk*")), Pattern("DALL[^A-Za-z0-9]{0,3}E")]
PARTS = ["Nobody said it", "a low risk, she said of the high risk", "DALL", "E and DALL-E risks."]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("two_threads", [False, True])
def test_text_in_parts_gets_each_part_s_own_hits(engine, two_threads, monkeypatch):
    """A match that would run on from one part into the next (and hide later hits of its
    pattern) is not taken: each part gets the hits it has alone, whether or not the
    automaton scans the text in two halves on two threads."""
    if two_threads:
        monkeypatch.setattr(matcher, "_TWO_THREADS_FROM", 1)
    laid = "\x00\n".join(PARTS).encode()
    starts = np.cumsum([0] + [len(part) + 2 for part in PARTS[:-1]])
    found = Matcher(SPANNING, engine=engine).scan_bytes(laid, starts)
    part = np.searchsorted(starts, found[1], side="right") - 1
    got = [(int(k), int(p), laid[s:e].decode()) for k, p, s, e in zip(part, *found)]
    alone = [(k, int(p), text[s:e]) for k, text in enumerate(PARTS) for p, s, e in zip(*Matcher(SPANNING, engine=engine).scan(text))]
    assert got == alone
    assert (1, 0, "said of the high risk") in got  # hidden by "said it\x00\na low risk" when the parts ran on
    assert all(text != "DALL\x00\nE" for *_, text in got)


def test_phrase_syntax():
    assert phrase_to_regex("open-weight  model*") == r"open[\s\-]+weight[\s\-]+model\w*"
    with pytest.raises(ValueError):
        phrase_to_regex(" * ")


def test_a_star_ends_any_word_of_a_phrase_and_is_literal_elsewhere():
    assert phrase_to_regex("concentrat* of power") == r"concentrat\w*[\s\-]+of[\s\-]+power"
    assert phrase_to_regex("fine-tun* away") == r"fine[\s\-]+tun\w*[\s\-]+away"
    assert phrase_to_regex("a*b") == r"a\*b" and phrase_to_regex("x *") == r"x[\s\-]+\*"


MID_PHRASE = [
    ("concentrat* of power", "They warned of a total concentration of power in two firms.", "concentration of power"),
    ("concentrat* power", "Closed labs keep concentrating power.", "concentrating power"),
    ("strip* safeguards", "A few hours of tuning strips safeguards from the model.", "strips safeguards"),
    ("strip* away", "The filters were stripped  away within a day.", "stripped  away"),
    ("fine-tun* away", "Refusals can be fine-tuned away.", "fine-tuned away"),
    ("responsibl* scaling polic*", "The lab published its Responsible Scaling Policies.", "Responsible Scaling Policies"),
    ("dependen* on", "Startups fear dependency on one vendor.", "dependency on"),
    ("oppos* restrictions", "Many commenters opposed restrictions on weights.", "opposed restrictions"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("phrase, text, found", MID_PHRASE)
def test_a_mid_phrase_wildcard_matches_a_word_ending_in_both_engines(engine, phrase, text, found):
    index, start, end = Matcher([Pattern(phrase_to_regex(phrase))], engine=engine).scan(text)
    assert [text[s:e] for s, e in zip(start.tolist(), end.tolist())] == [found]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_mid_phrase_wildcard_needs_the_next_word(engine):
    text = "A concentration camp of ideas; the power of concentration."
    assert len(Matcher([Pattern(phrase_to_regex("concentrat* of power"))], engine=engine).scan(text)[0]) == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_an_open_ended_pattern_that_ends_in_a_space_needs_a_word_after_it(engine):
    """Candidates of open-ended patterns are confirmed on the text cut at their end; the
    closing word boundary must still see the byte after it."""
    text = "Weights licensed under Apache; code licensed under  , data under a custom licence"
    found = Matcher([Pattern(r"licensed (?:as |under )|under (?:a|the) (?:\w+ ){0,3}licence")], engine=engine).scan(text)
    assert [text[s:e] for s, e in zip(found[1].tolist(), found[2].tolist())] == ["licensed under ", "under a custom licence"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_word_ending_on_the_last_alternative_only_does_not_extend_the_others(engine):
    text = "defensesx, defense ofx, cyber defenses and a defense of the realm"
    found = Matcher([Pattern(r"defen[cs]es|defen[cs]e (?:against|of)|cyber ?defen[cs]e\w*")], engine=engine).scan(text)
    assert [text[s:e] for s, e in zip(found[1].tolist(), found[2].tolist())] == ["cyber defenses", "defense of"]


@pytest.mark.parametrize("regex", [r"[^A]pple", r"[B-Db-d]ox|[^\W\dX-]x", r"(?:AI|A\.I\.) (?:\w+ )?Labs?", r"u\.s\.|US"])
def test_a_folded_regex_finds_what_the_case_insensitive_one_finds(regex):
    """The open-ended hits are confirmed case-sensitively on the lowercased text."""
    text = b"apple Apple APPLE xpple Xpple box BOX cox Dox zx Zx 9x Xx -x AI labs a.i. Labs A.I. new LAB us U.S. US"
    folded = matcher._folded(bounded(regex))
    assert folded is not None
    found = [m.span() for m in folded.finditer(text.lower())]
    assert found == [m.span() for m in re.finditer(bounded(regex).encode(), text, re.IGNORECASE)]
    assert found  # the text holds hits of every regex here


def test_every_shipped_case_insensitive_cue_folds_and_finds_the_same_hits():
    """Every cue of the shipped rubric that `re` confirms on lowercased text finds the same
    spans there as case-insensitively on the text, on the examples with random letters' case
    swapped (seeded)."""
    from openness.core.scoring import get_scorer

    rng = np.random.default_rng(3)
    text = "\n".join(path.read_text() for path in sorted((paths.ROOT / "data" / "examples").glob("*.md"))).encode()
    flip = rng.random(len(text)) < 0.3
    mixed = bytes(c ^ 32 if f and chr(c).isascii() and chr(c).isalpha() else c for c, f in zip(text, flip.tolist()))
    scorer_matcher = get_scorer().matcher
    folded_patterns = [scorer_matcher._distinct[i] for i in np.flatnonzero(scorer_matcher._folded)]
    assert len(folded_patterns) > 100
    for pattern in folded_patterns:
        folded = matcher._folded(bounded(pattern.regex))
        compiled = re.compile(bounded(pattern.regex).encode(), re.IGNORECASE)
        for sample in (text, mixed):
            assert [m.span() for m in folded.finditer(sample.lower())] == [m.span() for m in compiled.finditer(sample)]


def test_examples_are_texts_the_pattern_matches():
    assert examples(phrase_to_regex("concentrat* of power")) == ["concentrat of power"]
    assert examples(r"licen[cs](?:es|e)") == ["licences", "licence"]
    assert examples(r"(?:are|is) (?:\w+ )?closed") == ["are closed", "is closed"]
    assert examples(r"(x)\1") == []


@pytest.mark.parametrize("regex", [r"C\+\+", r"foo\b\w", r"(?=x)y", r"[^\x00-\x7f]{1,3}x"])
def test_a_pattern_that_cannot_match_a_whole_word_is_named(regex):
    assert "cannot match a whole word" in why_unmatchable(Pattern(regex))


@pytest.mark.parametrize("regex", [r"U\.S\.", r"(?:do|does)n(?:'|[^\x00-\x7f]{1,3})t", r"Gemma(?:[- ]?[0-9])?"])
def test_a_pattern_that_can_match_is_not_named(regex):
    assert why_unmatchable(Pattern(regex)) is None


@pytest.mark.parametrize(
    "regex, reason",
    [("", "empty"), ("(a+)+b", "nested quantifiers"), ("(a|aa)+", "nested quantifiers"), ("x?", "empty string"),
     ("(x)\\1", "back-references"), ("é", "non-ASCII"), ("(unclosed", "invalid")],
)
def test_refused_patterns_say_why(regex, reason):
    assert reason in check_pattern(Pattern(regex))
    with pytest.raises(matcher.PatternError) as caught:
        Matcher([Pattern("fine"), Pattern(regex)])
    assert caught.value.index == 1


@pytest.mark.parametrize("regex", [r"(?:\w+ )?closed", r"(?:[a-z]+ ){0,3}release", r"open[\s\-]+source\w*"])
def test_bounded_repeats_are_accepted(regex):
    assert check_pattern(Pattern(regex)) is None


@pytest.mark.skipif("hyperscan" not in ENGINES, reason="the compiled engine is not installed here")
def test_compiled_automaton_is_cached_and_a_broken_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setattr(matcher, "_CACHE", tmp_path)
    first = hits("hyperscan")
    cached = list(tmp_path.glob("*.hsdb"))
    assert len(cached) == 1 and cached[0].stat().st_size > 0
    assert hits("hyperscan") == first  # loaded from the cache
    cached[0].write_bytes(b"not an automaton")
    assert hits("hyperscan") == first  # recompiled
    assert cached[0].read_bytes() != b"not an automaton"


def test_hyperscan_is_the_engine_wherever_pyproject_installs_it():
    """pyproject.toml installs hyperscan on the machines it has wheels for; there a failed
    install would silently leave the slow engine (and skip the engine-equivalence tests)."""
    dependencies = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    marker = next(d for d in dependencies if d.startswith("hyperscan")).split(";", 1)[1]
    machines = set(re.findall(r"platform_machine == '([^']+)'", marker))
    assert machines == {"x86_64", "AMD64", "aarch64", "arm64"}
    if platform.machine() not in machines:
        pytest.skip(f"no hyperscan wheel for {platform.machine()}: the pure-Python engine is the one expected")
    assert ENGINES == ("hyperscan", "re")
    assert Matcher([Pattern("open weights")]).engine == "hyperscan"
