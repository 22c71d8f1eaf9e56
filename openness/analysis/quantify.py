"""Shares of sentences per class, corrected for the scorer's measured misclassification.

A share counted from the scorer's labels (classify and count) is biased whenever the scorer
errs: a stance detector that reads most pro-open sentences as neutral makes "few sentences
take a side" partly its own doing. Adjusted classify and count (ACC; Forman 2008, "Quantifying
counts and costs via classification") undoes that. With M[i, j] = P(predicted i | true j)
measured on gold-coded sentences, the predicted-class distribution of a group is
q = M p, and the corrected shares are the p on the probability simplex that fits q best in
least squares. For a binary theme this is the familiar (q - fpr) / (tpr - fpr), clipped to
[0, 1]. ACC assumes the scorer errs on the corpus as it does on the gold sentences
(P(predicted | true) the same in every group and source). The gold sample strains that: it
has no AIAAIC headlines, and 60% of it was drawn for naming a lab or an openness keyword,
words the cues also read, so its sentences without a theme get more false hits than the
corpus's plain ones. A group whose predicted share of a class falls below the gold false
hits alone (no class mix gives its q under M) is flagged in `note`: clipped to the simplex's
edge when that may be sampling noise, NaN when it holds in more than 1 - tail of the
replicates (the gold error rates then do not hold there; it does not mean "no such sentence").

Which gold rows measure M: `check` (default) holds the sentences nobody looked at while the
cues were written (gold/README.md); on `dev`, which the rubric was tuned on, the scorer looks
better than it is and the correction would be too small. `dev+check` doubles the sample, at
the price of that optimism on half of it. Note that check sentences come from documents that
also gave dev sentences: unseen sentences, not unseen documents. The gold predictions are
those of `score` with one sentence = one document (as tests/test_gold.py scores them); the
sentence splitter cuts some coded sentences in two, so the unit is close to, not the same
as, a row of sentence_scores.csv.

Intervals carry both sources of uncertainty jointly: every bootstrap replicate resamples
the corpus documents of the group (as `stats.bootstrap_ci` does) and the gold documents
(sentences of one document share author and style), re-estimates M and solves again.

When M cannot tell the classes apart, there is no correction to make: the separation
(smallest singular value of M on the sum-zero plane, which is tpr - fpr for two classes)
below `MIN_SEPARATION` amplifies any sampling error in q more than 20-fold. Such an
estimate is NaN with the reason in `note`, as is an interval when more replicates than
its tail (2.5% for 95%) are degenerate.

Why scipy and not QuaPy (read at version 0.2.3): its ACC takes precomputed predictions only
through a fitted scikit-learn classifier's `classes_`, where ours come from a rubric; when
tpr = fpr it divides by 1e-8 and when a class has no gold example it silently uses the
identity, where we must report that there is no correction; its simplex solver runs
SLSQP per call, where the bootstrap needs tens of thousands of solves; and it would bring
five more dependencies for what here is a confusion matrix and one `scipy.optimize.nnls`.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.linalg import null_space
from scipy.optimize import nnls

from openness.analysis.bootstrap import unit_counts
from openness.analysis.classify import THEME_LABELS
from openness.analysis.stats import bootstrap_ci
from openness.core.scoring import score_rows
from openness.vocab import SEED, STANCES, THEMES

LABEL_CLASSES: dict[str, tuple[str, ...]] = {**{theme: THEME_LABELS for theme in THEMES}, "stance": STANCES}
GOLD_SPLITS = {"check": ("check",), "dev": ("dev",), "dev+check": ("dev", "check")}
MIN_SEPARATION = 0.05
# Weight of the sum-to-one row appended to M for nnls: the sum misses 1 by about 1/weight**2.
SIMPLEX_WEIGHT = 1e4
# Largest gap between M p and q still read as an exact fit (beyond it, p was clipped to the simplex).
BOUNDARY_TOLERANCE = 1e-6
GOLD_COLUMNS = ["id", "source", "doc", "split",
                *(f"{label}_gold" for label in (*LABEL_CLASSES, "labs")),
                *(f"{label}_predicted" for label in (*LABEL_CLASSES, "labs"))]
SHARE_COLUMNS = ["class", "raw", "raw_lo", "raw_hi", "corrected", "corrected_lo", "corrected_hi",
                 "n", "n_docs", "n_gold", "n_gold_docs", "note"]


# ---- the gold table the build writes -------------------------------------------------------


def gold_predictions(gold: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per gold-coded sentence of `gold` (split name -> the sentences of dev.csv or
    check.csv, as the gold source's parser reads them): ids, the coders' labels and the
    scorer's (themes 0/1, present when the count > 0; stance; lab ids), no text."""
    parts = []
    for split in GOLD_SPLITS["dev+check"]:
        sentences = gold[split]
        scored = score_rows(pd.DataFrame({"doc_id": sentences["id"], "text": sentences["text"]})).documents.set_index("doc_id")
        part = sentences[["id", "source", "doc"]].assign(split=split)
        for label in (*LABEL_CLASSES, "labs"):
            part[f"{label}_gold"] = sentences[label].astype(int) if label in THEMES else sentences[label]
            predicted = scored.loc[sentences["id"], label].to_numpy()
            part[f"{label}_predicted"] = (predicted > 0).astype(int) if label in THEMES else predicted
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[GOLD_COLUMNS].sort_values(["split", "id"], ignore_index=True)


# ---- adjusted classify and count -----------------------------------------------------------


def misclassification_rates(confusion: np.ndarray) -> np.ndarray:
    """M[..., i, j] = P(predicted i | true j) from counts[..., true j, predicted i]; a true
    class without any example gives a NaN column (M unknown there)."""
    confusion = np.asarray(confusion, dtype=float)
    per_true = confusion.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.swapaxes(confusion / per_true, -1, -2)


def separation(rates: np.ndarray) -> float:
    """How far M keeps two different class distributions apart: the smallest singular value
    of M on the plane of sum-zero vectors (which M maps to itself); tpr - fpr for two
    classes, 1 for a perfect scorer, 0 when some mix of classes is predicted alike. NaN when
    M is unknown."""
    rates = np.asarray(rates, dtype=float)
    if not np.isfinite(rates).all():
        return np.nan
    plane = null_space(np.ones((1, len(rates))))
    return float(np.linalg.svd(plane.T @ rates @ plane, compute_uv=False).min())


def adjusted_count(rates: np.ndarray, observed: np.ndarray, min_separation: float = MIN_SEPARATION) -> np.ndarray:
    """The class shares p >= 0, summing to 1, that minimise ||M p - q|| for the predicted
    shares q; NaN when M is unknown or separates the classes less than `min_separation`.
    Non-negative least squares with the sum-to-one condition as a heavily weighted extra
    row (Lawson & Hanson's weighting method), then rescaled to sum exactly 1."""
    rates, observed = np.asarray(rates, dtype=float), np.asarray(observed, dtype=float)
    if not separation(rates) >= min_separation:
        return np.full(len(observed), np.nan)
    system = np.vstack([rates, np.full(len(observed), SIMPLEX_WEIGHT)])
    shares, _ = nnls(system, np.append(observed, SIMPLEX_WEIGHT))
    return shares / shares.sum()


# ---- corrected shares per group -------------------------------------------------------------


def corrected_shares(
    sentences_table: pd.DataFrame,
    gold_predictions: pd.DataFrame,
    by: str | Sequence[str] = "group",
    label: str = "stance",
    gold_split: str = "check",
    cluster: str = "doc_id",
    n_boot: int = 2000,
    seed: int = SEED,
    level: float = 0.95,
    min_separation: float = MIN_SEPARATION,
) -> pd.DataFrame:
    """Per group of `by` and class of `label` (a theme: absent/present; stance:
    pro_open/pro_closed/neutral): the raw share of sentences the scorer puts in the class
    (interval from `stats.bootstrap_ci`, as the notebooks show it) and the share corrected
    by ACC with M from the `gold_split` rows of `gold_predictions` (check, dev or
    dev+check), with a percentile interval from `n_boot` replicates that resample the
    group's documents and the gold documents together. `sentences_table` holds the
    scorer's labels (theme counts, stance), e.g. `stats.sentence_groups(...)`;
    `gold_predictions` is data/processed/gold_predictions.csv (read with
    keep_default_na=False), or a table of the same columns (GOLD_COLUMNS): its rows of another
    split than `gold_split` are not used, and none of that split is an error. The README's
    "Shares corrected for the scorer's error" corrects a scored corpus of one's own. Returns
    *by, class, raw, raw_lo, raw_hi, corrected, corrected_lo, corrected_hi, n (rows),
    n_docs, n_gold (sentences), n_gold_docs, note (why a corrected value is missing, or
    how many replicates had no correction; empty otherwise)."""
    keys = [by] if isinstance(by, str) else list(by)
    if label not in LABEL_CLASSES:
        raise ValueError(f"corrected_shares: label must be one of {sorted(LABEL_CLASSES)}, not {label!r}")
    if gold_split not in GOLD_SPLITS:
        raise ValueError(f"corrected_shares: gold_split must be one of {sorted(GOLD_SPLITS)}, not {gold_split!r}")
    classes = LABEL_CLASSES[label]
    predicted = _class_codes(sentences_table, label, label, "sentences_table")
    for key in [*keys, cluster]:
        if key not in sentences_table.columns:
            raise ValueError(f"corrected_shares: sentences_table has no column {key!r}")

    if "split" not in gold_predictions.columns:
        raise ValueError("corrected_shares: gold_predictions has no column 'split' (check or dev per row, as in "
                         "data/processed/gold_predictions.csv)")
    gold = gold_predictions[gold_predictions["split"].isin(GOLD_SPLITS[gold_split])]
    if gold.empty:
        present = sorted(set(gold_predictions["split"].astype(str)))
        usable = [name for name, splits in GOLD_SPLITS.items() if set(splits) <= set(present)]
        hint = f"; pass gold_split={usable[0]!r} to measure the error rates on those" if usable else ""
        raise ValueError(f"corrected_shares: gold_predictions has no row of split {gold_split!r} "
                         f"(gold_split={gold_split!r} uses {' and '.join(GOLD_SPLITS[gold_split])}); "
                         f"its splits are {present}{hint}")
    gold_docs = pd.factorize(gold["source"] + "\x1f" + gold["doc"], sort=True)[0]
    confusion = np.zeros((gold_docs.max() + 1, len(classes), len(classes)))
    np.add.at(confusion, (gold_docs, _class_codes(gold, label, f"{label}_gold", "gold_predictions"),
                          _class_codes(gold, label, f"{label}_predicted", "gold_predictions")), 1)
    gold_weights = unit_counts(len(confusion), n_boot, [seed, zlib.crc32(b"gold")])
    replicate_rates = misclassification_rates(np.einsum("bd,dij->bij", gold_weights, confusion))
    rates = misclassification_rates(confusion.sum(axis=0))

    indicators = pd.DataFrame({f"_{c}": (predicted == k).astype(float) for k, c in enumerate(classes)},
                              index=sentences_table.index)
    work = pd.concat([sentences_table[[*keys, cluster]], indicators], axis=1)
    raw = pd.concat([bootstrap_ci(work, f"_{c}", keys, cluster=cluster, n_boot=n_boot, seed=seed, level=level)
                     .assign(**{"class": c}) for c in classes], ignore_index=True)
    tail = 100 * (1 - level) / 2
    rows = []
    per_doc = work.groupby([*keys, cluster], sort=True, observed=True, dropna=False)[list(indicators)].sum()
    for key, part in per_doc.groupby(level=keys, sort=True, observed=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        counts = part.to_numpy()
        weights = unit_counts(len(counts), n_boot, [seed, zlib.crc32("\x1f".join(map(str, key)).encode())])
        observed = weights @ counts
        observed /= observed.sum(axis=1, keepdims=True)
        estimate, lo, hi, note = _correct(rates, replicate_rates, counts.sum(axis=0) / counts.sum(), observed,
                                          min_separation, tail)
        for k, c in enumerate(classes):
            rows.append((*key, c, estimate[k], lo[k], hi[k], len(counts), len(gold), len(confusion), note))
    corrected = pd.DataFrame(rows, columns=[*keys, "class", "corrected", "corrected_lo", "corrected_hi",
                                            "n_docs", "n_gold", "n_gold_docs", "note"])
    raw = raw.rename(columns={"estimate": "raw", "lo": "raw_lo", "hi": "raw_hi"}).drop(columns="n_clusters")
    out = raw.merge(corrected, on=[*keys, "class"], how="left", validate="one_to_one")
    out["class"] = pd.Categorical(out["class"], categories=list(classes))
    out = out.sort_values([*keys, "class"], kind="stable", ignore_index=True)
    return out.astype({"class": str})[[*keys, *SHARE_COLUMNS]]


def _class_codes(table: pd.DataFrame, label: str, column: str, what: str) -> np.ndarray:
    """The class index of every row: themes present when the value > 0, stance by name."""
    if column not in table.columns:
        raise ValueError(f"corrected_shares: {what} has no column {column!r}")
    values = table[column]
    if label in THEMES:
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.isna().any():
            row = values.index[numbers.isna()][0]
            raise ValueError(f"corrected_shares: {what} column {column!r} is not a count in row {row!r} "
                             f"(value {values[row]!r})")
        return (numbers > 0).to_numpy().astype(int)
    codes = values.map({c: k for k, c in enumerate(LABEL_CLASSES[label])})
    if codes.isna().any():
        row = values.index[codes.isna()][0]
        raise ValueError(f"corrected_shares: {what} column {column!r} holds {values[row]!r} in row {row!r}; "
                         f"expected one of {list(LABEL_CLASSES[label])}")
    return codes.to_numpy().astype(int)


def _off_simplex(rates: np.ndarray, shares: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Whether M p misses q: q lies outside what any class mix gives under M, so p was clipped."""
    return np.abs(np.einsum("...ij,...j->...i", rates, shares) - observed).max(axis=-1) > BOUNDARY_TOLERANCE


def _correct(rates: np.ndarray, replicate_rates: np.ndarray, shares: np.ndarray, observed: np.ndarray,
             min_separation: float, tail: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """One group: (corrected shares, lo, hi, note) from the point M and q and their replicates.

    No correction (NaN) when M does not separate the classes, or when q lies off what M
    can give in the point estimate and in more than 1 - tail of the replicates: then the
    gold error rates demonstrably do not hold for the group, beyond sampling noise, and a
    clipped share (0 with an interval [0, 0]) would read as a certainty it is not."""
    nan = np.full(len(shares), np.nan)
    estimate = adjusted_count(rates, shares, min_separation)
    replicates = np.array([adjusted_count(m, q, min_separation) for m, q in zip(replicate_rates, observed)])
    solved = ~np.isnan(replicates[:, 0])
    degenerate, n_boot = int((~solved).sum()), len(replicates)
    off = _off_simplex(replicate_rates[solved], replicates[solved], observed[solved]).mean() if solved.any() else 0.0
    notes = []
    if np.isnan(rates).any():
        notes.append("no correction: a class has no gold sentence")
    elif np.isnan(estimate).any():
        notes.append(f"no correction: the scorer separates the classes by {separation(rates):.3f} "
                     f"< {min_separation} on the gold sentences")
    elif _off_simplex(rates, estimate, shares):
        fits = "no correction: the gold error rates do not fit" if 100 * off > 100 - tail else "on the simplex's edge"
        as_in = f" (as in {off:.0%} of the {int(solved.sum()):,} replicates that could be solved)" if solved.any() else ""
        notes.append(f"{fits}: no class mix gives these predicted shares under them{as_in}; a class is predicted "
                     "less often than false hits alone would give")
        if fits.startswith("no correction"):
            estimate = nan
    if degenerate:
        too_many = " (too many for an interval)" if 100 * degenerate / n_boot > tail else ""
        notes.append(f"{degenerate:,} of {n_boot:,} replicates had no correction{too_many}")
    if np.isnan(estimate).any() or 100 * degenerate / n_boot > tail:
        return estimate, nan, nan, "; ".join(notes)
    lo, hi = np.percentile(replicates[solved], [tail, 100 - tail], axis=0)
    return estimate, lo, hi, "; ".join(notes)
