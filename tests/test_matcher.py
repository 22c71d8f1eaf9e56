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
from openness.core.matcher import ENGINES, Matcher, Pattern, check_pattern, phrase_to_regex

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
def test_offsets_are_code_points_after_non_ascii_text(engine):
    text = "Zürich’s 🤖 open source"
    assert hits(engine, text) == [(0, "open source"), (4, "open")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stem_reaches_the_end_of_a_long_word_and_of_the_text(engine):
    text = "Overregulation aside, regulatoryframeworkcompliance beats regulators"
    assert hits(engine, text) == [(1, "regulatoryframeworkcompliance"), (1, "regulators")]


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


def test_phrase_syntax():
    assert phrase_to_regex("open-weight  model*") == r"open[\s\-]+weight[\s\-]+model\w*"
    with pytest.raises(ValueError):
        phrase_to_regex(" * ")


@pytest.mark.parametrize(
    "regex, reason",
    [("", "empty"), ("(a+)+$", "nested quantifiers"), ("(a|aa)+", "nested quantifiers"), ("x?", "empty string"),
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
