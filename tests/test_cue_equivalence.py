"""One definition of a valid cue: what `openness.core.matcher.check_pattern` accepts, every
engine finds exactly as `re` finds it, long matches included (hypothesis, fixed budget,
derandomized); what it refuses, `openness rubric check` and `openness score` refuse with the
same one line.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from openness.core.matcher import _CONFIRM_WINDOW, ENGINES, Matcher, Pattern, bounded, check_pattern

BUDGET = settings(max_examples=300, deadline=None, derandomize=True, database=None, report_multiple_bugs=False,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

# a small alphabet, so that random cues and random texts meet often
WORDS = ["a", "b", "ab", "ba", "abc", "c", "A", "B-a", "a1"]
CHARACTERS = ["a", "b", "c", "[ab]", "[^ .]", r"\w", r"\s", r"\d", ".", "-", "[a-c]", r"\.", "[^a]"]
REPEATED = ["a", "b", "[ab]", "[^ .]", r"\w", r"\d", "[a-c]"]  # no space: a repeat stays inside a word


def _cues() -> st.SearchStrategy[str]:
    """Regex cues from the allowed constructs, as rubric cues are written: words of literals,
    classes and repeats (greedy, lazy, bounded) joined by spaces or phrase separators, groups
    with alternatives written longest first, optional words, bounded word gaps and word
    endings. (Two unbounded repeats of the same characters side by side, as \\w*\\w+, take
    polynomial time in `re` itself on a long word, in both engines alike: left out here.)"""
    atom = st.one_of(
        st.sampled_from(WORDS).map(re.escape),
        st.sampled_from(CHARACTERS),
        st.tuples(st.sampled_from(REPEATED), st.sampled_from(["+", "*", "?", "{1,3}", "{2}", "+?", "{0,2}?"]))
        .map("".join),
    )
    group = st.lists(st.sampled_from(WORDS).map(re.escape), min_size=2, max_size=3, unique=True).map(
        lambda words: "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")")
    part = st.one_of(
        atom, group, group.map(lambda g: g + "?"), st.tuples(atom, atom).map("".join),
        st.just(r"(?:\w+ ){0,3}"), st.just(r"\w+"), st.just(r"a\w*"),
    )
    joint = st.sampled_from([" ", " ", "-", r"[\s\-]+", " (?:ab )?"])
    return st.tuples(part, st.lists(st.tuples(joint, part), max_size=3)).map(
        lambda first_rest: first_rest[0] + "".join(j + p for j, p in first_rest[1])
    ).filter(lambda cue: check_pattern(Pattern(cue)) is None)


def _texts() -> st.SearchStrategy[str]:
    """Sentences of the alphabet's words separated as a corpus separates them, now and then
    with a run of a single word or of word-space pairs longer than the confirm window."""
    long_run = st.sampled_from(["a", "ab ", "b-", "c", "a b "]).map(
        lambda unit: unit * (_CONFIRM_WINDOW * 6 // 5 // len(unit)))
    word = st.one_of(st.sampled_from(WORDS + ["x", "1", "\u00e9", "open"]), long_run)
    sentence = st.lists(word, min_size=1, max_size=8).map(" ".join)
    separator = st.sampled_from([". ", "! ", "\n", "\n\n", " - ", ", ", "\x00\n"])
    return st.lists(st.tuples(sentence, separator), min_size=1, max_size=5).map(
        lambda pairs: "".join(s + sep for s, sep in pairs))


def _re_hits(pattern: Pattern, data: bytes) -> list[tuple[int, int]]:
    compiled = re.compile(bounded(pattern.regex).encode("ascii"), 0 if pattern.case_sensitive else re.IGNORECASE)
    return [(m.start(), m.end()) for m in compiled.finditer(data)]


@pytest.mark.parametrize("engine", ENGINES)
@BUDGET
@given(cues=st.lists(_cues(), min_size=1, max_size=3), case_sensitive=st.booleans(), text=_texts())
def test_every_engine_finds_what_re_finds(engine, cues, case_sensitive, text):
    patterns = [Pattern(cue, case_sensitive) for cue in cues]
    data = text.encode("utf-8")
    pattern, start, end = Matcher(patterns, engine=engine).scan_bytes(data)
    for index, cue in enumerate(patterns):
        found = list(zip(start[pattern == index].tolist(), end[pattern == index].tolist()))
        assert found == _re_hits(cue, data), cue.regex


def test_the_property_meets_long_matches():
    """The text strategy does produce hits longer than the confirm window, found whole."""
    text = "we release " + "ab " * _CONFIRM_WINDOW + "papers now"
    pattern = Pattern(r"releas\w* [\w ]*papers")  # open-ended: the fast engine prefilters it
    assert check_pattern(pattern) is None
    for engine in ENGINES:
        _, start, end = Matcher([pattern], engine=engine).scan(text)
        assert (start.tolist(), end.tolist()) == ([3], [len(text) - 4]), engine


REFUSED = {
    "lookahead": ("open(?= weights)", "lookahead"),
    "lookbehind": ("(?<=open )weights", "lookbehind"),
    "negative lookahead": ("open(?! source)", "negative lookahead"),
    "atomic group": ("(?>open) weights", "atomic groups"),
    "possessive": ("open++ weights", "possessive"),
    "end anchor": ("open weights\\\\Z", "anchors"),
    "start anchor": ("\\\\Aopen weights", "anchors"),
    "caret": ("^open weights", "anchors"),
    "scoped flag": ("(?i:open) weights", "inline flags"),
    "global flag": ("(?x)open weights", "inline flags"),
    "back-reference": ("(open) \\\\1", "back-references"),
    "conditional": ("(open)?(?(1) weights| models)", "conditionals"),
    "word boundary only": ("\\\\b", "empty string"),
    "empty group": ("(?:)", "empty string"),
    "star only": ("x*", "empty string"),
    "bounded emptiable repeat": ("(?:a?){32}a{32}", "can match nothing"),
    "bounded ambiguous repeat": ("(?:a|ab){20}", "too many ways"),
    "huge count": ("a{500}", "repeat count"),
    "unicode escape": ("caf\\\\u00e9", "invalid regular expression"),
}
RUBRIC = """id: mine
version: "1"
themes:
  transparency:
    criteria:
      T1:
        label: one
        cues:
          - open weights
          - {{id: T1.mine, regex: "{regex}", stance: 1}}
"""


def _openness(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "openness.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("regex, reason", REFUSED.values(), ids=REFUSED.keys())
def test_check_and_score_refuse_a_cue_with_the_same_line(tmp_path, regex, reason):
    (tmp_path / "rubric.yaml").write_text(RUBRIC.format(regex=regex), encoding="utf-8")
    (tmp_path / "in.csv").write_text("doc_id,text\nd1,We publish open weights.\n", encoding="utf-8")
    check = _openness("rubric", "check", "rubric.yaml", cwd=tmp_path)
    score = _openness("score", "in.csv", "-o", "out.csv", "--rubric", "rubric.yaml", "--stance", "rubric", "--quiet",
                      cwd=tmp_path)
    for run in (check, score):
        assert run.returncode == 2, run.stderr
        assert len(run.stderr.splitlines()) == 1, run.stderr
    assert check.stderr == score.stderr
    assert "rubric.yaml: theme transparency: criterion T1: cue T1.mine: " in check.stderr and reason in check.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_rubric_that_check_accepts_scores(tmp_path):
    cues = [r"releas\w* (?:\w+ ){0,3}?(?:weights|models)", r"open[\s\-]+(?:weights|models)\w*", r"(?:a|b)c{1,3}d",
            r"[^.]{2,5} weights", r"\w+-source", r"open\B\w+", r"(?:open|shared) (?:\w+ )?weights"]
    entries = "\n".join(f'          - {{id: T1.c{i}, regex: "{cue}", stance: 1}}'.replace("\\", "\\\\")
                        for i, cue in enumerate(cues))
    (tmp_path / "rubric.yaml").write_text(RUBRIC.split("          - {{")[0] + entries + "\n", encoding="utf-8")
    (tmp_path / "in.csv").write_text("doc_id,text\nd1,We released the open weights. Openweights too.\n",
                                     encoding="utf-8")
    check = _openness("rubric", "check", "rubric.yaml", cwd=tmp_path)
    assert check.returncode in (0, 1) and "is valid" in check.stdout, check.stderr  # 1: some cue can never count
    score = _openness("score", "in.csv", "-o", "out.csv", "--rubric", "rubric.yaml", "--stance", "rubric", "--quiet",
                      cwd=tmp_path)
    assert score.returncode == 0, score.stderr
    scores = pd.read_csv(tmp_path / "out.csv")
    assert len(scores) == 1 and scores["transparency"].iloc[0] > 0
