"""Precision and recall per criterion (`openness.analysis.criteria`), on sentences written
here, and the committed table against the protocol's theme F1s."""
import numpy as np
import pandas as pd
import pytest

from openness import paths
from openness.analysis.criteria import ALL, COLUMNS, criterion_table

SENTENCES = pd.DataFrame({
    "id": ["power", "missed", "meeting", "release"],
    "text": ["Regulators worry about the concentration of power in a few labs.",  # C1 and C2, coded control
             "The weather was fine today.",  # coded control, no cue: a miss
             "Regulators met on Tuesday.",  # C2, not coded control: a false hit
             "The weights were released under an open licence."],
    "transparency": [0, 0, 0, 1], "safety": [0, 0, 0, 0], "control": [1, 1, 0, 0],
})


def test_each_criterion_gets_the_precision_and_recall_of_the_sentences_it_hits():
    table = criterion_table({"dev": SENTENCES})
    assert list(table.columns) == COLUMNS and (table.set == "dev").all()
    table = table.set_index(["theme", "criterion"])
    counts = table[["coded", "hits", "true_hits", "precision", "recall"]]
    assert counts.loc[("control", ALL)].tolist() == [2, 2, 1, 0.5, 0.5]
    assert counts.loc[("control", "C1")].tolist() == [2, 1, 1, 1.0, 0.5]
    assert counts.loc[("control", "C2")].tolist() == [2, 2, 1, 0.5, 0.5]
    assert counts.loc[("control", "C4")][["hits", "recall"]].tolist() == [0, 0.0]
    assert np.isnan(table.loc[("control", "C4"), "precision"])  # no hit: precision undefined, not 0
    assert table.loc[("control", "C1"), "label"] == "concentration versus distribution of power"
    lo, hi = table.loc[("control", ALL), ["precision_lo", "precision_hi"]]
    assert 0 < lo < 0.5 < hi < 1  # a Wilson interval around 1 of 2


def test_numeric_ids_are_matched_to_the_scorer_s_string_ids():
    numbered = SENTENCES.assign(id=range(len(SENTENCES)))
    table = criterion_table({"dev": numbered}).set_index(["theme", "criterion"])
    assert table.loc[("control", ALL), ["hits", "true_hits"]].tolist() == [2, 1]


def test_the_committed_table_gives_each_theme_the_f1_of_the_protocol():
    """Criterion `all` is the theme: its precision and recall make the rubric's F1 of
    validation_protocol.csv, set by set (both tables come from one build)."""
    criteria = pd.read_csv(paths.PROCESSED / "validation_criteria.csv")
    protocol = pd.read_csv(paths.PROCESSED / "validation_protocol.csv")
    themes = criteria[criteria.criterion == ALL].merge(
        protocol[protocol.method == "rubric"], left_on=["set", "theme"], right_on=["scheme", "task"])
    assert sorted(themes.set.unique()) == ["check", "dev", "gold2"] and len(themes) == 9
    f1 = 2 * themes.precision * themes.recall / (themes.precision + themes.recall)
    assert f1.to_numpy() == pytest.approx(themes.estimate.to_numpy(), abs=1e-6)
    assert (themes.n >= themes.coded).all()
