"""Agreement of predicted labels with reference labels, with bootstrap intervals.

`agreement` gives per-class precision, recall, F1 and support, and overall macro-F1,
accuracy, Cohen's kappa, Krippendorff's alpha (nominal) and coverage, each with a
percentile bootstrap 95% interval (units resampled, or whole groups: a cluster bootstrap,
`openness.analysis.bootstrap`). Point estimates come from scikit-learn and the
`krippendorff` package; the bootstrap recomputes the same quantities from resampled
confusion matrices in one vectorised pass (integer arithmetic, so the same seed gives the
same bytes everywhere). `micro_agreement` does the same for sets of labels per unit,
`confusion` counts every cell. Overall metrics have class "overall"; sets, class "micro".
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score, precision_recall_fscore_support

from openness.analysis.bootstrap import interval, unit_counts
from openness.vocab import N_BOOT, SEED

OVERALL = "overall"
AGREEMENT_COLUMNS = ["task", "metric", "class", "estimate", "lo", "hi", "n"]


def _rates(conf: np.ndarray, n_labels: int) -> dict[str, np.ndarray]:
    """The metrics of a stack of confusion matrices (..., K, K), rows = reference; codes
    below `n_labels` are the scored labels, the rest other values (e.g. an abstention)."""
    conf = conf.astype(float)
    tp = np.diagonal(conf, axis1=-2, axis2=-1)
    ref, pred = conf.sum(-1), conf.sum(-2)
    total, agreed = conf.sum((-2, -1)), tp.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred > 0, tp / pred, 0.0)[..., :n_labels]
        recall = np.where(ref > 0, tp / ref, 0.0)[..., :n_labels]
        f1 = np.where(ref + pred > 0, 2 * tp / (ref + pred), 0.0)[..., :n_labels]
        expected = (ref * pred).sum(-1) / total**2
        # nominal alpha, two coders, no missing values: coincidences o = C + C', n = 2N
        values = 2 * total
        alpha = 1 - (values - 1) * (values - 2 * agreed) / (values**2 - ((ref + pred) ** 2).sum(-1))
        return {"precision": precision, "recall": recall, "f1": f1, "macro_f1": f1.mean(-1),
                "accuracy": agreed / total, "cohen_kappa": (agreed / total - expected) / (1 - expected),
                "krippendorff_alpha": alpha, "coverage": pred[..., :n_labels].sum(-1) / total}


def _codes(reference, predicted, labels) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    """Integer codes of both label sequences, the values coded (the `labels` first) and how
    many of them are labels."""
    reference = np.asarray(reference, dtype=object).astype(str)
    predicted = np.asarray(predicted, dtype=object).astype(str)
    if len(reference) != len(predicted):
        raise ValueError(f"{len(reference)} reference labels but {len(predicted)} predicted labels")
    if len(reference) == 0:
        raise ValueError("no units to compare")
    labels = [str(label) for label in (sorted(set(reference)) if labels is None else labels)]
    values = labels + sorted((set(reference) | set(predicted)) - set(labels))
    index = {value: code for code, value in enumerate(values)}
    return np.array([index[v] for v in reference]), np.array([index[v] for v in predicted]), values, len(labels)


def _confusion_stack(ref: np.ndarray, pred: np.ndarray, k: int, weights: np.ndarray) -> np.ndarray:
    cells = np.zeros((len(ref), k * k), dtype=np.int64)
    cells[np.arange(len(ref)), ref * k + pred] = 1
    return (weights @ cells).reshape(-1, k, k)


def _alpha(ref: np.ndarray, pred: np.ndarray, k: int) -> float:
    try:
        return float(krippendorff.alpha(reliability_data=np.vstack([ref, pred]).astype(float),
                                        level_of_measurement="nominal", value_domain=np.arange(k, dtype=float)))
    except (ValueError, ZeroDivisionError):  # one value only: agreement beyond chance is undefined
        return float("nan")


def agreement(reference: Sequence, predicted: Sequence, labels: Sequence[str] | None = None, n_boot: int = N_BOOT,
              seed: int = SEED, groups: Sequence | None = None, task: str = "") -> pd.DataFrame:
    """Agreement of `predicted` with `reference`, one label per unit: per class (`labels`,
    default the reference's values) precision, recall, f1, support; overall macro_f1 (over
    `labels`), accuracy, cohen_kappa and krippendorff_alpha (over every value seen, so a
    prediction outside `labels` counts as its own category) and coverage (share of
    predictions within `labels`). Columns: task, metric, class, estimate, lo, hi, n."""
    ref, pred, values, n_labels = _codes(reference, predicted, labels)
    k, label_names = len(values), values[:n_labels]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined kappa / precision: reported as nan / 0
        p, r, f, support = precision_recall_fscore_support(ref, pred, labels=range(n_labels), zero_division=0)
        overall = {"macro_f1": f1_score(ref, pred, labels=range(n_labels), average="macro", zero_division=0),
                   "accuracy": accuracy_score(ref, pred), "cohen_kappa": cohen_kappa_score(ref, pred),
                   "krippendorff_alpha": _alpha(ref, pred, k), "coverage": float(np.mean(pred < n_labels))}
    boot = _rates(_confusion_stack(ref, pred, k, unit_counts(len(ref), n_boot, seed, groups)), n_labels)
    rows = []
    for metric, estimates in (("precision", p), ("recall", r), ("f1", f)):
        lo, hi = interval(boot[metric])
        rows += [(metric, label, estimates[i], lo[i], hi[i]) for i, label in enumerate(label_names)]
    rows += [("support", label, float(support[i]), np.nan, np.nan) for i, label in enumerate(label_names)]
    for metric, estimate in overall.items():
        lo, hi = interval(boot[metric])
        rows.append((metric, OVERALL, float(estimate), lo, hi))
    out = pd.DataFrame(rows, columns=["metric", "class", "estimate", "lo", "hi"]).assign(task=task, n=len(ref))
    return out[AGREEMENT_COLUMNS]


def micro_agreement(reference: Sequence[set[str]], predicted: Sequence[set[str]], n_boot: int = N_BOOT,
                    seed: int = SEED, groups: Sequence | None = None, task: str = "") -> pd.DataFrame:
    """Micro precision, recall and F1 of sets of labels per unit (e.g. labs a sentence
    names), class "micro"; support = labels in the reference. Same columns as `agreement`."""
    if len(reference) != len(predicted):
        raise ValueError(f"{len(reference)} reference sets but {len(predicted)} predicted sets")
    counts = np.array([(len(g & p), len(p - g), len(g - p)) for g, p in zip(map(set, reference), map(set, predicted))],
                      dtype=np.int64).reshape(-1, 3)

    def rates(tp, fp, fn):
        with np.errstate(divide="ignore", invalid="ignore"):
            return {"precision": np.where(tp + fp > 0, tp / (tp + fp), 0.0),
                    "recall": np.where(tp + fn > 0, tp / (tp + fn), 0.0),
                    "f1": np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)}

    point = rates(*counts.sum(0).astype(float))
    boot = rates(*(unit_counts(len(counts), n_boot, seed, groups) @ counts).T.astype(float))
    rows = [(metric, "micro", float(point[metric]), *interval(boot[metric])) for metric in ("precision", "recall", "f1")]
    rows.append(("support", "micro", float(counts[:, [0, 2]].sum()), np.nan, np.nan))
    out = pd.DataFrame(rows, columns=["metric", "class", "estimate", "lo", "hi"]).assign(task=task, n=len(counts))
    return out[AGREEMENT_COLUMNS]


def confusion(reference: Sequence, predicted: Sequence, labels: Sequence[str] | None = None, task: str = "") -> pd.DataFrame:
    """Every (reference, predicted) cell, zeros included, over `labels` and any other value
    seen: task, reference, predicted, count."""
    ref, pred, values, _ = _codes(reference, predicted, labels)
    k = len(values)
    counts = np.bincount(ref * k + pred, minlength=k * k)
    return pd.DataFrame({"task": task, "reference": np.repeat(values, k), "predicted": np.tile(values, k),
                         "count": counts.astype(np.int64)})
