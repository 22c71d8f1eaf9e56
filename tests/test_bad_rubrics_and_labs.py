"""Bad rubric and lab-registry files beyond tests/test_rubric.py and tests/test_labs.py:
regular expressions that backtrack catastrophically without an obvious nested quantifier,
other unusable patterns, unknown keys at the levels those files do not try, and YAML alias
bombs. Each must be refused with one error naming the file and the entry, quickly."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from openness import paths
from openness.core.labs import LabsError, load_labs
from openness.core.rubric import RubricError, load_rubric

RUBRIC = textwrap.dedent("""\
    id: x
    version: "1"
    {negation}themes:
      transparency:
        criteria:
          T1:
            label: weights
            cues:
              - {cue}
    """)
LABS = textwrap.dedent("""\
    labs:
      acme:
        name: Acme
        aliases: [Acme]
        products: [{product}]
    """)

# Each backtracks exponentially in Python's `re` (the fallback engine) on a short text, e.g.
# 35 characters take about a second and each few more double it; none has the `(a+)+` shape.
CATASTROPHIC = {
    "overlapping_alternatives": "(a|aa)+$",
    "optional_separator": r"(\w+\s?)+$",
    "identical_alternatives": "(a|a)*b",
    "quantified_group_in_group": "((ab)*)+c",
}
UNUSABLE = {  # what check_pattern refuses that test_rubric/test_labs never try
    "back_reference": (r"(open)\\1", "back-references"),
    "matches_empty": ("(?:weights)?", "matches the empty string"),
    "non_ascii": ("caf\u00e9", "non-ASCII"),
}


def rubric_file(tmp_path, cue: str, negation: str = ""):
    path = tmp_path / "rubric.yaml"
    path.write_text(RUBRIC.format(cue=cue, negation=negation), encoding="utf-8")
    return path


def refused(loader, error, path) -> str:
    with pytest.raises(error) as caught:
        loader(path)
    message = str(caught.value)
    assert message.startswith(f"{path}"), message
    return message


@pytest.mark.parametrize("regex", CATASTROPHIC.values(), ids=CATASTROPHIC.keys())
def test_catastrophic_regex_cue_is_refused(tmp_path, regex):
    message = refused(load_rubric, RubricError, rubric_file(tmp_path, f"{{id: T1.bad, regex: '{regex}'}}"))
    assert "cue T1.bad" in message


@pytest.mark.parametrize("regex", CATASTROPHIC.values(), ids=CATASTROPHIC.keys())
def test_catastrophic_regex_product_is_refused(tmp_path, regex):
    path = tmp_path / "labs.yaml"
    path.write_text(LABS.format(product=f"{{regex: '{regex}'}}"), encoding="utf-8")
    assert "lab acme product" in refused(load_labs, LabsError, path)


@pytest.mark.parametrize("regex, reason", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_regex_cue_is_refused_with_its_reason(tmp_path, regex, reason):
    message = refused(load_rubric, RubricError, rubric_file(tmp_path, f'{{id: T1.bad, regex: "{regex}"}}'))
    assert "cue T1.bad" in message and reason in message


@pytest.mark.parametrize("regex, reason", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_regex_blocker_is_refused_with_its_reason(tmp_path, regex, reason):
    path = tmp_path / "labs.yaml"
    path.write_text(LABS.format(product="Roadrunner") + f'not_labs: [{{regex: "{regex}"}}]\n', encoding="utf-8")
    message = refused(load_labs, LabsError, path)
    assert "not_labs entry" in message and reason in message


def test_catastrophic_negator_is_refused(tmp_path):
    path = rubric_file(tmp_path, "open weights", negation="negation:\n  negators: [not, {regex: '(no|no)*t'}]\n")
    assert "negation.negators[1]" in refused(load_rubric, RubricError, path)


@pytest.mark.parametrize("negation, entry", [
    ("negation:\n  windows: 10\n", "negation"),                 # a typo of `window`
    ("negation:\n  window: -1\n", "negation.window"),
    ("negation:\n  window: ten\n", "negation.window"),
    ("negation:\n  negators: not\n", "negation.negators"),
])
def test_bad_negation_block_is_refused(tmp_path, negation, entry):
    message = refused(load_rubric, RubricError, rubric_file(tmp_path, "open weights", negation=negation))
    assert f": {entry}: " in message


def test_unknown_criterion_key_is_refused(tmp_path):
    path = rubric_file(tmp_path, "open weights")
    path.write_text(path.read_text().replace("label: weights", "label: weights\n        weight: 2"))
    message = refused(load_rubric, RubricError, path)
    assert "criterion T1" in message and "weight" in message


def test_every_bad_cue_is_named_in_one_error(tmp_path):
    """A rubric with several bad cues is fixed in one pass: the error names each, in order,
    with its entry; a single bad cue keeps the plain form."""
    path = rubric_file(tmp_path, '{phrase: "bad actor*", stance: 2}\n          - {phrase: x, colour: red}'
                                 '\n          - open weights\n          - {regex: "(a|aa)+$"}')
    message = refused(load_rubric, RubricError, path)
    assert message.startswith(f"{path}: 3 cues are wrong: (1) theme transparency: criterion T1: cue T1.bad_actor*: "
                              "stance must be -1, 0 or 1"), message
    assert " (2) theme transparency: criterion T1: cue #2: unknown key(s) ['colour']" in message
    assert " (3) theme transparency: criterion T1: cue #4: " in message and "(4)" not in message
    assert refused(load_rubric, RubricError, rubric_file(tmp_path, "{phrase: x, colour: red}")).startswith(
        f"{path}: theme transparency: criterion T1: cue #1: unknown key(s)")
    # a repeated cue id is named with the others, with where it first stands
    repeated = rubric_file(tmp_path, '{phrase: "bad actor*", stance: 2}\n          - open weights\n          - open weights')
    assert refused(load_rubric, RubricError, repeated) == (
        f"{path}: 2 cues are wrong: (1) theme transparency: criterion T1: cue T1.bad_actor*: stance must be -1, 0 or 1, "
        "got 2 (2) theme transparency: criterion T1: cue T1.open_weights (#3): duplicate cue id (first as #2)")


@pytest.mark.parametrize("body, fragments", [
    (LABS.format(product="Roadrunner") + "aliases: [Acme]\n", ["top level", "aliases"]),
    (LABS.format(product="Roadrunner") + "not_labs: [Acme]\n", ["not_labs entry 'Acme'", "already claimed by lab acme"]),
    (LABS.format(product="Acme"), ["lab acme product 'Acme'", "already claimed by lab acme alias"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: []\n", ["lab acme", "no aliases or products"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: Acme\n", ["lab acme aliases", "expected a list"]),
])
def test_malformed_registry_entries_beyond_test_labs(tmp_path, body, fragments):
    path = tmp_path / "labs.yaml"
    path.write_text(body, encoding="utf-8")
    message = refused(load_labs, LabsError, path)
    assert all(fragment in message for fragment in fragments), message


# -- YAML alias bombs ("billion laughs"): nine levels of nine aliases expand to 9**9 items --------


def _bomb(indent: str, item: str = "- ") -> str:
    lines = [f"{indent}{item}&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{indent}{item}&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def _load_in_subprocess(loader: str, path, timeout: float = 10) -> str:
    """Load in a child process (a bomb must not hang the suite); return its one-line outcome."""
    script = (f"from openness.core.{loader} import load_{loader}\n"
              f"try:\n    load_{loader}({str(path)!r})\n    print('loaded')\n"
              f"except ValueError as error:\n    print(type(error).__name__, error)\n")
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=paths.ROOT, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"load_{loader} did not finish within {timeout} s on a YAML alias bomb")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.parametrize("where", ["description", "claims"])
def test_yaml_alias_bomb_in_rubric_is_refused_or_loads_quickly(tmp_path, where):
    path = tmp_path / "bomb.yaml"
    path.write_text(RUBRIC.format(cue="open weights", negation=f"{where}:\n" + _bomb("  ")), encoding="utf-8")
    outcome = _load_in_subprocess("rubric", path)
    assert outcome == "loaded" or outcome.startswith(f"RubricError {path}"), outcome


def test_yaml_alias_bomb_in_registry_is_refused_or_loads_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(LABS.format(product="Roadrunner") + "not_labs:\n" + _bomb("  "), encoding="utf-8")
    outcome = _load_in_subprocess("labs", path)
    assert outcome.startswith(f"LabsError {path}"), outcome
