"""The supervised alternative: grouped folds, determinism, and that it learns a plain signal."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from openness.analysis.classify import (
    GOLD_TASKS, RUBRIC_FEATURES, cross_validate, cross_validate_gold, grouped_folds, with_rubric_features,
)


@pytest.fixture(scope="module")
def gold(fixtures) -> pd.DataFrame:
    return pd.read_csv(fixtures / "validation" / "gold.csv", dtype=str, keep_default_na=False)


def weather_or_weights(n_groups: int = 12) -> pd.DataFrame:
    """Invented notes: the label follows one plain word, so any sound classifier gets it."""
    rows = []
    for g in range(n_groups):
        rows += [{"doc": f"g{g}", "text": f"the weights of model {g} were released with a report", "label": "yes"},
                 {"doc": f"g{g}", "text": f"rain and sun over valley {g} this week", "label": "no"},
                 {"doc": f"g{g}", "text": f"the team released weights and code for version {g}", "label": "yes"}]
    return pd.DataFrame(rows)


def test_no_group_in_both_training_and_test():
    groups = np.repeat([f"doc{i}" for i in range(23)], np.arange(1, 24) % 4 + 1)
    folds = grouped_folds(groups, n_splits=5, seed=3)
    assert set(folds) == set(range(5))
    for fold in range(5):
        assert not set(groups[folds == fold]) & set(groups[folds != fold])


def test_cross_validate_learns_a_plain_signal_without_splitting_groups():
    frame = weather_or_weights()
    out = cross_validate(frame, "label", "doc", seed=5)
    assert list(out.columns) == ["task", "group", "row", "fold", "reference", "predicted"]
    assert (out.groupby("group")["fold"].nunique() == 1).all()
    assert out["row"].tolist() == list(range(len(frame)))
    assert (out["reference"] == out["predicted"]).mean() >= 0.95
    assert out.equals(cross_validate(frame, "label", "doc", seed=5))


def test_rubric_features_see_the_cues():
    frame = pd.DataFrame({"text": ["Independent audits and a transparency report were published.",
                                   "He cooked pasta for the whole family."]})
    features = with_rubric_features(frame)
    assert features.loc[0, "transparency"] >= 1
    assert (features.loc[1, RUBRIC_FEATURES] == 0).all()


def test_cross_validate_gold(gold):
    out = cross_validate_gold(gold, seed=2)
    assert list(out["task"].unique()) == list(GOLD_TASKS)
    assert len(out) == len(gold) * len(GOLD_TASKS)
    theme = out[out["task"] == "transparency"]
    assert theme["id"].tolist() == gold["id"].tolist()
    assert set(theme["reference"]) == {"absent", "present"}
    assert (theme["reference"] == np.where(gold["transparency"] == "1", "present", "absent")).all()
    assert (out.groupby("group")["fold"].nunique() == 1).all()  # a document never in two folds
    assert out.equals(cross_validate_gold(gold, seed=2))
    words_only = cross_validate_gold(gold, seed=2, rubric=False)
    assert words_only["fold"].equals(out["fold"])  # the same folds for both variants
