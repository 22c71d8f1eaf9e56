"""The README's Python examples run as printed: each test takes a ```python block from
README.md by what it calls, runs it from the repository's root as a reader would, and checks
what it gives against the README's own description."""
from __future__ import annotations

import contextlib
import io
import os
import re

import pandas as pd
import pytest

from openness import paths
from openness.analysis.quantify import SHARE_COLUMNS

README = paths.ROOT / "README.md"


def python_block(calling: str) -> str:
    """The one ```python block of the README that contains `calling`."""
    blocks = [block for block in re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
              if calling in block]
    assert len(blocks) == 1, f"README.md has {len(blocks)} python blocks calling {calling!r}; expected one"
    return blocks[0]


def readme_paragraph(starting: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(starting)
    return " ".join(text[start:text.index("\n## ", start)].split())


@pytest.fixture(scope="module")
def corrected_example():
    """The corrected-shares example's namespace and what it printed."""
    code, printed, namespace = python_block("corrected_shares("), io.StringIO(), {}
    here = os.getcwd()
    os.chdir(paths.ROOT)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), namespace)
    finally:
        os.chdir(here)
    return namespace, printed.getvalue()


def test_the_corrected_shares_example_gives_the_documented_columns(corrected_example):
    namespace, printed = corrected_example
    shares, table = namespace["shares"], namespace["table"]
    assert list(shares.columns) == ["group", *SHARE_COLUMNS]
    described = readme_paragraph("`shares` has a row per group and class")
    for column in SHARE_COLUMNS[1:]:
        assert f"`{column}`" in described, column
    assert printed.splitlines()[0].split() == ["group", "class", "raw", "corrected", "corrected_lo",
                                               "corrected_hi", "note"]
    assert len(printed.splitlines()) == 1 + len(shares)
    # a row per group the example texts name, two classes of the theme each
    groups = sorted(set(table["group"]))
    assert groups and list(shares["group"]) == [g for g in groups for _ in range(2)]
    assert list(shares["class"]) == ["absent", "present"] * len(groups)


def test_the_corrected_shares_example_counts_what_it_says(corrected_example):
    namespace, _ = corrected_example
    shares, table, gold, scores = namespace["shares"], namespace["table"], namespace["gold"], namespace["scores"]
    assert set(table["doc_id"]) <= set(scores.documents["doc_id"]) and len(scores.documents) == 5  # data/examples
    present = shares[shares["class"] == "present"].set_index("group")
    for group, rows in table.groupby("group"):
        assert present.loc[group, "raw"] == pytest.approx((rows["transparency"] > 0).mean())
        assert present.loc[group, "raw_lo"] <= present.loc[group, "raw"] <= present.loc[group, "raw_hi"]
        assert present.loc[group, ["n", "n_docs"]].tolist() == [len(rows), rows["doc_id"].nunique()]
    check = gold[gold["split"] == "check"]  # the default: the held-out sentences' error rates
    assert f"the {len(check)} held-out `check` sentences" in readme_paragraph("`shares` has a row per group")
    assert len(gold) > len(check)
    assert (shares["n_gold"] == len(check)).all()
    assert (shares["n_gold_docs"] == (check["source"] + "/" + check["doc"]).nunique()).all()
    for group, rows in shares.groupby("group"):
        if rows["corrected"].isna().any():  # no correction: always said why
            assert rows["corrected"].isna().all() and rows["note"].str.startswith("no correction").all()
        else:
            assert rows["corrected"].sum() == pytest.approx(1)
            assert ((rows["corrected_lo"] <= rows["corrected"]) & (rows["corrected"] <= rows["corrected_hi"])).all()
    assert shares["corrected"].notna().any()  # the example shows a correction, not only its absence


def test_the_smallest_rubric_loads_and_scores_as_the_readme_says(tmp_path):
    """The README's smallest rubric: a negator, a cue with a side, a blocker of its own theme."""
    from openness.core.rubric import load_rubric
    from openness.core.scoring import score

    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    path = tmp_path / "mine.yaml"
    path.write_text(blocks[0], encoding="utf-8")
    rubric = load_rubric(path)
    assert [(cue.id, cue.blocks) for cue in rubric.cues] == [
        ("S1.threat*", False), ("S1.bad_actor*", False), ("S1.competitive_threat*", True)]
    texts = ["Open models are not a threat.", "A competitive threat to a search giant.", "Bad actors abuse it."]
    evidence = score(pd.DataFrame({"doc_id": ["a", "b", "c"], "text": texts}), rubric=rubric).evidence
    assert evidence[["doc_id", "cue", "stance", "negated"]].values.tolist() == [
        ["a", "S1.threat*", 0, True], ["c", "S1.bad_actor*", -1, False]]


def test_the_words_behind_an_evidence_row_are_the_slice_the_readme_shows(tmp_path, monkeypatch, capsys):
    """`openness score --evidence` writes offsets, no text; the README's block reads the file as
    the command did and slices it. A Windows-1252 byte before the hit (one byte, one character)
    checks that the offsets count characters of the decoded text."""
    from openness.cli import main

    rows = pd.DataFrame({"url": ["https://example.org/a", "https://example.org/b"],
                         "body": ["A caf\u00e9 owner said nothing of models.",
                                  "Le caf\u00e9 reopened. Meta released the weights of its model on Tuesday."]})
    (tmp_path / "articles.csv").write_bytes(rows.to_csv(index=False).encode("cp1252"))
    monkeypatch.chdir(tmp_path)
    assert main(["score", "articles.csv", "--text-column", "body", "--id-column", "url", "--evidence", "hits.csv",
                 "-o", "scores.csv", "--quiet"]) == 0
    code = python_block('hit = pd.read_csv("hits.csv"')
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    hit, text = namespace["hit"], namespace["text"]
    assert (hit.doc_id, hit.cue) == ("https://example.org/b", "T1.released_the_weights")
    assert text[hit.doc_id][hit.start:hit.end] == "released the weights"
    assert "[released the weights]{T1.released_the_weights" in capsys.readouterr().out  # the explain() line
