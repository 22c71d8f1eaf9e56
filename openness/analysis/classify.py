"""A supervised alternative to the rubric: TF-IDF word 1-2 grams plus the rubric's own cue
counts, into a class-balanced logistic regression, evaluated with grouped cross-validation.

The rubric stays the default because every number it gives can be traced to a cue; the
classifier is a yardstick: where it beats the rubric, the rubric misses wording that the
human labels reward. Folds come from `GroupKFold`, so no document (gold) or incident
(AIAAIC) is ever in both the training and the test part.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from openness.core.scoring import score_rows
from openness.vocab import CV_SEED, THEMES

THEME_LABELS = ("absent", "present")  # a theme's two classes, as the validation tables name them
RUBRIC_FEATURES = [*THEMES, *(f"{theme}_stance" for theme in THEMES)]
GOLD_TASKS = (*THEMES, "stance")
PREDICTION_COLUMNS = ["task", "group", "row", "fold", "reference", "predicted"]


def presence(mask) -> np.ndarray:
    """A theme's class per row ("present" where `mask` is true, else "absent"), as references
    and predictions of the validation tables name it."""
    return np.asarray(THEME_LABELS, dtype=object)[np.asarray(mask, dtype=int)]


def with_rubric_features(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` plus the rubric's view of its `text`: cue hits per theme and signed stance
    sums per theme (`RUBRIC_FEATURES`). Scored once per frame; no fitting, so no leakage."""
    texts = frame["text"].fillna("").astype(str).to_numpy()
    docs = pd.DataFrame({"doc_id": np.arange(len(texts)).astype(str), "text": texts})
    values = score_rows(docs).documents[RUBRIC_FEATURES].to_numpy()
    return frame.assign(**{name: values[:, i] for i, name in enumerate(RUBRIC_FEATURES)})


def _signed_log1p(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.log1p(np.abs(values))


def make_pipeline(seed: int = CV_SEED, rubric: bool = True) -> Pipeline:
    """The classifier for a frame with `text` and, when `rubric`, the `RUBRIC_FEATURES`
    columns (see `with_rubric_features`)."""
    features = [("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), "text")]
    if rubric:
        features.append(("rubric", FunctionTransformer(_signed_log1p), RUBRIC_FEATURES))
    model = LogisticRegression(class_weight="balanced", max_iter=5000, random_state=seed)
    return Pipeline([("features", ColumnTransformer(features)), ("model", model)])


def grouped_folds(groups: Sequence, n_splits: int = 5, seed: int = CV_SEED) -> np.ndarray:
    """Fold number (0..n_splits-1) per row; all rows of a group share one fold."""
    groups = np.asarray(groups, dtype=object)
    folds = np.full(len(groups), -1, dtype=np.int64)
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for fold, (_, test) in enumerate(splitter.split(groups, groups=groups)):
        folds[test] = fold
    return folds


def cross_validate(frame: pd.DataFrame, target: str, groups: str, n_splits: int = 5, seed: int = CV_SEED,
                   rubric: bool = True) -> pd.DataFrame:
    """Out-of-fold predictions of `target` from `text` (+ rubric features when `rubric`),
    one row per input row: task (`target`), group, row (position in `frame`), fold,
    reference, predicted."""
    folds = grouped_folds(frame[groups], n_splits, seed)
    reference = frame[target].astype(str).to_numpy()
    predicted = np.empty(len(frame), dtype=object)
    features = frame[["text"]].reset_index(drop=True)
    if rubric:
        features = with_rubric_features(features)
    for fold in range(n_splits):
        test = folds == fold
        model = make_pipeline(seed, rubric).fit(features[~test], reference[~test])
        predicted[test] = model.predict(features[test])
    return pd.DataFrame({"task": target, "group": frame[groups].astype(str).to_numpy(),
                         "row": np.arange(len(frame)), "fold": folds, "reference": reference,
                         "predicted": predicted.astype(str)}, columns=PREDICTION_COLUMNS)


def gold_targets(gold: pd.DataFrame) -> pd.DataFrame:
    """The gold sentences with each theme as absent/present and stance as coded."""
    out = gold[["id", "doc", "text", "stance"]].copy()
    for theme in THEMES:
        out[theme] = presence(gold[theme].astype(int) > 0)
    return out


def cross_validate_gold(gold: pd.DataFrame, n_splits: int = 5, seed: int = CV_SEED, rubric: bool = True) -> pd.DataFrame:
    """Grouped-by-`doc` cross-validated predictions for each theme and for stance: the
    prediction columns plus `id` (the gold sentence id)."""
    targets = gold_targets(gold)
    runs = [cross_validate(targets, task, "doc", n_splits=n_splits, seed=seed, rubric=rubric) for task in GOLD_TASKS]
    out = pd.concat(runs, ignore_index=True)
    out.insert(1, "id", targets["id"].to_numpy()[out["row"]])
    return out
