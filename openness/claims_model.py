"""The level a note states about one index dimension, read by the claims rules and weighed
by a model: the rules' verdict (open / partial / closed / none), the dimension and the
note's words, into a class-balanced logistic regression fitted on the OSAI experts' notes.

Why a model on top of the rules: the rules were written from (and tuned on) the current
edition's notes, and notes written later or earlier word things the rules do not know.
Cross-validated with whole organisations held out, and fitted on recent models only to rate
older ones (`claims_protocol`; the mirror holds one edition of the index, so the release
date stands in for an older edition), the model beats the rules alone; it also answers for
every note with words, where the rules fall silent on some. The fitted model ships as
`claims_model.json` (vocabulary, idf, one-hot categories, coefficients rounded to
`SIGNIFICANT_DIGITS` significant digits, and the sha256 of the notes it was fitted on): no
pickle, no network, same bytes in, same levels out. `python -m openness.claims_model
MIRROR` refits it from the mirror.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from openness.claims import UNDECIDED, classify_dimension
from openness.classify import SEED, grouped_folds
from openness.io import SIGNIFICANT_DIGITS, atomic_path

NO_RULE = "none"  # the rules' verdict as a feature when they find no level
METHODS = ("model", "rules")
MODEL_PATH = Path(__file__).with_name("claims_model.json")
WORDS = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}
NOTE_COLUMNS = ["model", "org", "release_date", "dimension", "notes", "class"]
# The protocol's methods: the rules alone; the model (rules' verdict + words); the words and
# dimension without the rules; the rules, with the model only where the rules are silent.
PROTOCOL_METHODS = ("rules", "model", "words only", "rules, model where silent")
RECENT = "2024"  # release_date from which a model counts as recent (by-period protocol)


def _frame(texts, dimensions, rules) -> pd.DataFrame:
    rule = [NO_RULE if level == UNDECIDED else level for level in rules]
    dims = [str(d) for d in dimensions]
    return pd.DataFrame({"text": ["" if pd.isna(t) else str(t) for t in texts], "dimension": dims, "rule": rule,
                         "dimension_rule": [f"{d}|{r}" for d, r in zip(dims, rule)]})


def _categorical(with_rules: bool) -> list[str]:
    """The one-hot columns, in the order of the model's features."""
    return ["dimension", "rule", "dimension_rule"] if with_rules else ["dimension"]


def _pipeline(with_rules: bool, seed: int = SEED) -> Pipeline:
    features = ColumnTransformer([("words", TfidfVectorizer(**WORDS), "text"),
                                  ("category", OneHotEncoder(handle_unknown="ignore"), _categorical(with_rules))])
    model = LogisticRegression(class_weight="balanced", max_iter=5000, random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def _significant(values: np.ndarray) -> list:
    """`values` rounded to `SIGNIFICANT_DIGITS` significant digits, as nested lists of floats."""
    return np.vectorize(lambda v: float(f"{v:.{SIGNIFICANT_DIGITS}g}"), otypes=[float])(values).tolist()


def notes_sha256(notes: pd.DataFrame) -> str:
    """sha256 of the training notes in a canonical form (sorted rows, CSV)."""
    table = notes[NOTE_COLUMNS].astype(str).sort_values(NOTE_COLUMNS, ignore_index=True)
    return hashlib.sha256(table.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


def fit(notes: pd.DataFrame, with_rules: bool = True, seed: int = SEED) -> dict:
    """The model fitted on `notes` (columns of `NOTE_COLUMNS`), as the dictionary stored in
    `claims_model.json`: what `predict` needs and nothing else."""
    rules = classify_dimension(notes["notes"], notes["dimension"]) if with_rules else [NO_RULE] * len(notes)
    pipeline = _pipeline(with_rules, seed).fit(_frame(notes["notes"], notes["dimension"], rules), notes["class"])
    words = pipeline.named_steps["features"].named_transformers_["words"]
    onehot = pipeline.named_steps["features"].named_transformers_["category"]
    model = pipeline.named_steps["model"]
    vocabulary = sorted(words.vocabulary_, key=words.vocabulary_.get)
    return {
        "about": "openness.claims_model: level of an OSAI index note from the claims rules' verdict and its words",
        "training_notes": len(notes), "training_sha256": notes_sha256(notes), "with_rules": with_rules,
        "classes": [str(c) for c in model.classes_], "vocabulary": vocabulary, "idf": _significant(words.idf_),
        "categories": {name: [str(c) for c in cats] for name, cats in zip(onehot.feature_names_in_, onehot.categories_)},
        "coef": _significant(model.coef_), "intercept": _significant(model.intercept_),
    }


def predict(model: dict, texts, dimensions, rules=None) -> list[str]:
    """The level of each note by a stored model; `UNDECIDED` for a note without a word."""
    texts, dimensions = list(texts), list(dimensions)
    if rules is None:
        rules = classify_dimension(texts, dimensions) if model["with_rules"] else [NO_RULE] * len(texts)
    frame = _frame(texts, dimensions, rules)
    words = TfidfVectorizer(vocabulary={term: i for i, term in enumerate(model["vocabulary"])}, **WORDS)
    words.idf_ = np.asarray(model["idf"])
    columns = [words.transform(frame["text"])]
    for name in _categorical(model["with_rules"]):
        categories = model["categories"][name]
        codes = pd.Index(categories).get_indexer(frame[name])
        seen = codes >= 0
        columns.append(sparse.csr_matrix((np.ones(seen.sum()), (np.flatnonzero(seen), codes[seen])),
                                         shape=(len(frame), len(categories))))
    scores = sparse.hstack(columns).tocsr() @ np.asarray(model["coef"]).T + np.asarray(model["intercept"])
    levels = np.asarray(model["classes"], dtype=object)[scores.argmax(axis=1)]
    has_words = frame["text"].map(lambda t: re.search(r"\w", t) is not None).to_numpy()
    return np.where(has_words, levels, UNDECIDED).tolist()


def load(path: str | Path = MODEL_PATH) -> dict:
    """The stored model (the shipped one by default)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def levels(texts, dimensions, method: str = "model", rubric=None) -> list[str]:
    """The level each note states about its dimension (an index field name) by `method`:
    "model" (the shipped model on the rules' verdict and the words) or "rules"; every note
    gets open, partial, closed or `UNDECIDED`."""
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    rules = classify_dimension(texts, dimensions, rubric)
    return rules if method == "rules" else predict(load(), texts, dimensions, rules)


def write_model(notes: pd.DataFrame, path: str | Path = MODEL_PATH) -> Path:
    """Fit on `notes` and store the model as JSON (sorted keys, one line per entry)."""
    text = json.dumps(fit(notes), indent=0, sort_keys=True, ensure_ascii=False) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


# ---------------------------------------------------------------- protocol

def _methods(train: pd.DataFrame, test: pd.DataFrame, seed: int) -> dict[str, list[str]]:
    """Each protocol method's levels for `test`, anything fitted seeing `train` only."""
    rules = classify_dimension(test["notes"], test["dimension"])
    model = predict(fit(train, True, seed), test["notes"], test["dimension"], rules)
    words = predict(fit(train, False, seed), test["notes"], test["dimension"])
    fallback = [m if r == UNDECIDED else r for r, m in zip(rules, model)]
    return dict(zip(PROTOCOL_METHODS, (rules, model, words, fallback)))


def claims_protocol(notes: pd.DataFrame, n_splits: int = 5, seed: int = SEED) -> pd.DataFrame:
    """Every note's level by every method under three protocols, one row per note x
    protocol x method: protocol (resubstitution: fitted on all notes; by organisation:
    grouped `n_splits`-fold CV, a whole organisation out at once; by period: fitted on
    models released from `RECENT` on, applied to older ones, the nearest the mirror comes to
    an older edition), method, row, fold, org, model, dimension, reference, predicted."""
    notes = notes.reset_index(drop=True)
    runs = [("resubstitution", np.zeros(len(notes), dtype=np.int64), [(notes.index, notes.index)])]
    folds = grouped_folds(notes["org"], n_splits, seed)
    runs.append(("by organisation", folds, [(np.flatnonzero(folds != f), np.flatnonzero(folds == f))
                                            for f in range(n_splits)]))
    recent = (notes["release_date"].astype(str) >= RECENT).to_numpy()
    runs.append(("by period", np.where(recent, -1, 0), [(np.flatnonzero(recent), np.flatnonzero(~recent))]))
    rows = []
    for protocol, fold_of, splits in runs:
        for train, test in splits:
            part = notes.loc[test]
            for method, predicted in _methods(notes.loc[train], part, seed).items():
                rows.append(pd.DataFrame({
                    "protocol": protocol, "method": method, "row": part.index, "fold": fold_of[test],
                    "org": part["org"], "model": part["model"], "dimension": part["dimension"],
                    "reference": part["class"], "predicted": predicted}))
    return pd.concat(rows, ignore_index=True).sort_values(["protocol", "method", "row"], ignore_index=True)


if __name__ == "__main__":  # refit the shipped model: python -m openness.claims_model MIRROR
    from openness.validation import osai_notes

    print(write_model(osai_notes(Path(sys.argv[1]) / "raw" if len(sys.argv) > 1 else None)))
