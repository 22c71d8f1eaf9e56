"""Agreement metrics on hand-computed cases, the bootstrap, the AIAAIC issue mapping, and
the benchmarks on the real data (gold numbers as tests/test_gold.py computes them)."""
from __future__ import annotations

import ast
import inspect

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score, precision_recall_fscore_support

from openness import validation
from openness.rubric import THEMES
from openness.sources import aiaaic
from openness.validation import (
    ABSTAIN, CLASSIFIER, HUMAN, ISSUE_THEMES, NO_ISSUE, RUBRIC, WORDS_ONLY, agreement, bootstrap_weights,
    canonical_issues, confusion, issue_theme_labels, micro_agreement,
)

# 10 units, class "present" in 4: TP 3, FN 1, FP 2, TN 4
REFERENCE = ["present"] * 4 + ["absent"] * 6
PREDICTED = ["present", "present", "present", "absent", "present", "present", "absent", "absent", "absent", "absent"]


def value(table: pd.DataFrame, metric: str, cls: str = "overall", column: str = "estimate") -> float:
    row = table[(table["metric"] == metric) & (table["class"] == cls)]
    assert len(row) == 1, (metric, cls)
    return float(row[column].iloc[0])


def test_two_by_two_by_hand():
    table = agreement(REFERENCE, PREDICTED, labels=["absent", "present"], n_boot=200, task="toy")
    assert value(table, "precision", "present") == pytest.approx(3 / 5)
    assert value(table, "recall", "present") == pytest.approx(3 / 4)
    assert value(table, "f1", "present") == pytest.approx(6 / 9)
    assert value(table, "f1", "absent") == pytest.approx(8 / 11)  # precision 4/5, recall 4/6
    assert value(table, "macro_f1") == pytest.approx((6 / 9 + 8 / 11) / 2)
    assert value(table, "support", "present") == 4 and value(table, "support", "absent") == 6
    assert value(table, "accuracy") == pytest.approx(0.7)
    # kappa: observed 0.7, chance 0.4*0.5 + 0.6*0.5 = 0.5 -> 0.2 / 0.5
    assert value(table, "cohen_kappa") == pytest.approx(0.4)
    # alpha: coincidences [[8, 3], [3, 6]], n = 20, marginals 11 and 9:
    # 1 - (n - 1) * 6 / (2 * 11 * 9) = 1 - 114 / 198 = 14 / 33
    assert value(table, "krippendorff_alpha") == pytest.approx(14 / 33)
    assert value(table, "coverage") == 1.0
    assert set(table["n"]) == {10} and set(table["task"]) == {"toy"}
    assert list(table.columns) == ["task", "metric", "class", "estimate", "lo", "hi", "n"]


def test_perfect_agreement_is_one_with_a_degenerate_interval():
    labels = ["a", "b", "c"] * 10
    table = agreement(labels, labels, n_boot=300)
    for metric in ("macro_f1", "accuracy", "cohen_kappa", "krippendorff_alpha"):
        assert (value(table, metric), value(table, metric, column="lo"), value(table, metric, column="hi")) == (1, 1, 1)


def test_prediction_outside_the_labels_counts_against_recall_and_coverage():
    reference = ["open", "open", "closed", "closed"]
    predicted = ["open", ABSTAIN, "closed", "closed"]
    table = agreement(reference, predicted, labels=["open", "closed"], n_boot=100)
    assert value(table, "recall", "open") == 0.5 and value(table, "precision", "open") == 1.0
    assert value(table, "coverage") == 0.75 and value(table, "accuracy") == 0.75
    assert ABSTAIN not in set(table["class"])


def test_bootstrap_estimates_match_the_libraries():
    """The intervals come from the vectorised formulas; on the full sample they must give
    the estimates sklearn and krippendorff give."""
    rng = np.random.default_rng(7)
    reference = rng.choice(["x", "y", "z"], size=120)
    predicted = np.where(rng.random(120) < 0.7, reference, rng.choice(["x", "y", "z", ABSTAIN], size=120))
    ref, pred, values, n_labels = validation._codes(reference, predicted, ["x", "y", "z"])
    matrix = validation._confusion_stack(ref, pred, len(values), np.ones((1, 120), dtype=np.int64))
    whole = validation._rates(matrix, n_labels)
    table = agreement(reference, predicted, labels=["x", "y", "z"], n_boot=10)
    for metric in ("macro_f1", "accuracy", "cohen_kappa", "krippendorff_alpha", "coverage"):
        assert whole[metric][0] == pytest.approx(value(table, metric), abs=1e-12), metric
    for i, label in enumerate(["x", "y", "z"]):
        for metric in ("precision", "recall", "f1"):
            assert whole[metric][0, i] == pytest.approx(value(table, metric, label), abs=1e-12)


def test_bootstrap_is_deterministic_and_brackets_the_estimate():
    rng = np.random.default_rng(3)
    reference = rng.choice(["a", "b"], size=80)
    predicted = np.where(rng.random(80) < 0.8, reference, np.where(reference == "a", "b", "a"))
    first = agreement(reference, predicted, seed=11)
    assert first.equals(agreement(reference, predicted, seed=11))
    assert not first["lo"].equals(agreement(reference, predicted, seed=12)["lo"])
    bootstrapped = first.dropna(subset=["lo"])
    assert len(bootstrapped) == 11  # precision, recall, f1 x 2 classes; macro_f1, accuracy, kappa, alpha, coverage
    assert ((bootstrapped["lo"] <= bootstrapped["estimate"]) & (bootstrapped["estimate"] <= bootstrapped["hi"])).all()
    assert value(first, "cohen_kappa", column="lo") < value(first, "cohen_kappa", column="hi")


def test_cluster_bootstrap_draws_whole_groups():
    groups = np.repeat(np.arange(10), 10)  # 10 groups of 10 units
    weights = bootstrap_weights(100, n_boot=50, seed=1, groups=groups)
    assert weights.shape == (50, 100)
    assert (weights.reshape(50, 10, 10) == weights.reshape(50, 10, 10)[:, :, :1]).all()  # one count per group
    assert (weights.sum(axis=1) == 100).all()  # 10 groups drawn, 10 units each
    # groups agree completely or not at all: the cluster bootstrap sees 10 draws, not 100
    reference = ["a"] * 100
    predicted = ["a" if g < 5 else "b" for g in groups]
    clustered = agreement(reference, predicted, labels=["a", "b"], n_boot=2000, groups=groups)
    plain = agreement(reference, predicted, labels=["a", "b"], n_boot=2000)
    width = {name: value(t, "accuracy", column="hi") - value(t, "accuracy", column="lo")
             for name, t in (("clustered", clustered), ("plain", plain))}
    assert width["clustered"] > 2 * width["plain"]
    # every clustered accuracy is (correct groups drawn) / 10
    for column in ("lo", "hi"):
        tenths = value(clustered, "accuracy", column=column) * 10
        assert tenths == pytest.approx(round(tenths))


def test_confusion_counts_every_cell():
    table = confusion(REFERENCE, PREDICTED, labels=["absent", "present"], task="toy")
    cells = table.set_index(["reference", "predicted"])["count"]
    assert cells["present", "present"] == 3 and cells["present", "absent"] == 1
    assert cells["absent", "present"] == 2 and cells["absent", "absent"] == 4
    assert table["count"].sum() == len(REFERENCE)
    with_abstain = confusion(["open", "closed"], ["open", ABSTAIN], labels=["open", "partial", "closed"])
    assert len(with_abstain) == 16 and with_abstain["count"].sum() == 2  # 4 values x 4 values, zeros kept


def test_micro_agreement_by_hand():
    table = micro_agreement([{"a"}, {"a", "b"}, set()], [{"a"}, {"b", "c"}, {"c"}], n_boot=100)
    # tp 2 (a, b), fp 2 (c, c), fn 1 (a)
    assert value(table, "precision", "micro") == pytest.approx(0.5)
    assert value(table, "recall", "micro") == pytest.approx(2 / 3)
    assert value(table, "f1", "micro") == pytest.approx(4 / 7)
    assert value(table, "support", "micro") == 3


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="3 reference labels but 2 predicted"):
        agreement(["a", "b", "a"], ["a", "b"])


# ---------------------------------------------------------------- AIAAIC mapping

def test_issue_labels_are_canonicalised():
    assert canonical_issues("Fairness - race, gender;Transparency") == ["Fairness", "Transparency"]
    assert canonical_issues("Accuracy/reliablity;Copyright: Mis/disinformation") == [
        "Accuracy/reliability", "Copyright", "Mis/disinformation"]
    assert canonical_issues("") == []
    with pytest.raises(KeyError, match="'Invented issue' \\(X1\\)"):
        canonical_issues("Safety;Invented issue", "X1")


def test_issue_themes():
    assert issue_theme_labels(["Transparency", "Privacy"]) == {
        "transparency": "present", "safety": "absent", "control": "absent"}
    assert issue_theme_labels(["Security", "Accountability"]) == {
        "transparency": "absent", "safety": "present", "control": "present"}


def test_every_mapped_issue_is_justified():
    """Each entry of ISSUE_THEMES carries a comment saying why, and maps to a theme or None."""
    source = inspect.getsource(validation).splitlines()
    start = next(i for i, line in enumerate(source) if line.startswith("ISSUE_THEMES"))
    end = next(i for i in range(start, len(source)) if source[i] == "}")
    entries = [line for line in source[start + 1:end] if line.strip().startswith('"')]
    assert len(entries) == len(ISSUE_THEMES)
    assert all("#" in line.split(",", 1)[1] for line in entries)
    assert {ast.literal_eval(line.split(":")[0].strip()) for line in entries} == set(ISSUE_THEMES)
    assert set(ISSUE_THEMES.values()) <= {*THEMES, None}


def test_claims_tables_per_dimension_and_overall(monkeypatch):
    from openness import claims_model

    notes = pd.DataFrame({
        "model": [f"m{i}" for i in range(10) for _ in range(2)],
        "org": [f"org{i // 2}" for i in range(10) for _ in range(2)],
        "release_date": [f"{2022 + i % 4}-01" for i in range(10) for _ in range(2)],
        "dimension": ["code", "paper"] * 10,
        "notes": [text for i in range(10) for text in (f"source code is on a public repository {i}",
                                                       f"no paper was ever written {i}")],
        "class": ["open", "closed"] * 10,
    })
    monkeypatch.setattr(claims_model, "classify_dimension",
                        lambda texts, dims, rubric=None: ["open" if "public" in t else "undecided" for t in texts])
    metrics, matrices, protocol = validation.claims_tables(notes, n_boot=50)
    rubric = metrics[metrics["method"] == RUBRIC]
    assert set(rubric["task"]) == {"claims:all", "claims:code", "claims:paper"}
    overall = rubric[rubric["task"] == "claims:all"]
    assert value(overall, "coverage") == 0.5 and value(overall, "recall", "open") == 1.0
    assert value(overall, "recall", "closed") == 0.0
    assert set(metrics["method"]) == {RUBRIC, CLASSIFIER, WORDS_ONLY}
    counts = matrices.groupby(["task", "method"])["count"].sum()
    assert counts["claims:all", RUBRIC] == 20 and counts["claims:code", CLASSIFIER] == 10
    assert value(rows(metrics, "claims:all", CLASSIFIER), "coverage") == 1.0  # the model always answers
    # every protocol x method, over all notes except by period (the 12 notes released before 2024)
    units = protocol[protocol["task"] == "claims:all"].groupby(["protocol", "method"])["n"].max()
    assert units.index.get_level_values(0).unique().tolist() == ["by organisation", "by period", "resubstitution"]
    assert units["by period"].eq(12).all() and units["by organisation"].eq(20).all()
    rules = protocol[(protocol["method"] == "rules") & (protocol["task"] == "claims:all") & (protocol["metric"] == "coverage")]
    assert rules["estimate"].tolist() == [0.5, 0.5, 0.5]


# ---------------------------------------------------------------- real data

@pytest.fixture(scope="module")
def tables(mirror):
    return validation.validation_tables(mirror)


def rows(table: pd.DataFrame, task: str, method: str) -> pd.DataFrame:
    return table[(table["task"] == task) & (table["method"] == method)]


def test_gold_rubric_rows_equal_test_gold(tables, gold_scored):
    metrics = tables["validation"]
    for theme in THEMES:
        truth, predicted = gold_scored[f"{theme}_gold"].astype(int), (gold_scored[theme] > 0).astype(int)
        p, r, f, _ = precision_recall_fscore_support(truth, predicted, average="binary", zero_division=0)
        table = rows(metrics, f"gold:{theme}", RUBRIC)
        assert value(table, "f1", "present") == pytest.approx(f, abs=1e-12) and f >= 0.80
        assert value(table, "precision", "present") == pytest.approx(p, abs=1e-12)
        assert value(table, "recall", "present") == pytest.approx(r, abs=1e-12)
    stance = f1_score(gold_scored["stance_gold"], gold_scored["stance"], labels=["pro_open", "pro_closed", "neutral"],
                      average="macro")
    assert value(rows(metrics, "gold:stance", RUBRIC), "macro_f1") == pytest.approx(stance, abs=1e-12)
    assert stance >= 0.60
    labs = rows(metrics, "gold:labs", RUBRIC)
    assert value(labs, "f1", "micro") >= 0.95
    assert set(metrics.loc[metrics["task"].str.startswith("gold:"), "n"]) == {292, 584}  # 584: the coders' figures
    human = metrics[metrics["method"] == HUMAN].set_index("task")
    assert human.loc["gold:safety", "estimate"] == 0.975 and np.isnan(human.loc["gold:safety", "lo"])


def test_tables_are_sorted_with_explicit_columns(tables):
    assert set(tables) == {"validation", "validation_confusion", "validation_aiaaic_issues", "validation_claims"}
    metrics, matrices = tables["validation"], tables["validation_confusion"]
    assert list(metrics.columns) == validation.VALIDATION_COLUMNS
    assert list(matrices.columns) == validation.CONFUSION_COLUMNS
    keys = ["task", "method", "class", "metric"]
    assert metrics[keys].equals(metrics[keys].sort_values(keys, ignore_index=True))
    assert not metrics.duplicated(keys).any()
    bootstrapped = metrics.dropna(subset=["lo"])
    assert ((bootstrapped["lo"] <= bootstrapped["estimate"] + 1e-12)
            & (bootstrapped["estimate"] <= bootstrapped["hi"] + 1e-12)).all()
    # each confusion table holds exactly the units its metric rows were computed on
    counts = matrices.groupby(["task", "method"])["count"].sum()
    units = metrics.drop_duplicates(["task", "method"]).set_index(["task", "method"])["n"]
    assert (counts == units.reindex(counts.index)).all()


def test_claims_cover_every_rated_dimension(tables):
    metrics = tables["validation"]
    per_dimension = metrics[metrics["task"].str.startswith("claims:") & (metrics["task"] != "claims:all")
                            & (metrics["method"] == RUBRIC) & (metrics["metric"] == "accuracy")]
    overall = value(rows(metrics, "claims:all", RUBRIC), "accuracy", column="n")
    assert len(per_dimension) == 12 and per_dimension["n"].sum() == overall
    assert 1800 <= overall <= 2000


def test_aiaaic_mapping_covers_the_data_and_loses_no_incident(tables, mirror):
    incidents = aiaaic.documents(mirror / "raw" / "aiaaic")
    issues = tables["validation_aiaaic_issues"]
    seen = {issue for cell in incidents["issues"] for issue in canonical_issues(cell)}  # raises on an unmapped label
    assert seen == set(issues["issue"]) - {NO_ISSUE}
    scored = value(rows(tables["validation"], "aiaaic:safety", RUBRIC), "accuracy", column="n")
    assert scored + issues.set_index("issue").loc[NO_ISSUE, "incidents"] == len(incidents)
    mapped = issues[issues["theme"] != ""]
    assert (mapped["rubric_detected"] <= mapped["incidents"]).all()
    assert issues.loc[issues["theme"] == "", "rubric_detected"].isna().all()
    transparency = issues.set_index("issue").loc["Transparency"]
    recall = value(rows(tables["validation"], "aiaaic:transparency", RUBRIC), "recall", "present")
    assert transparency["rubric_recall"] == pytest.approx(recall)  # the only issue mapped to transparency
