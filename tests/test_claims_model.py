"""Levels of notes about one index dimension: the wording classes the rules were fixed for
(notes written by us), the shipped model, the rule that no level is ever empty, and the
protocol that estimates how both do on notes they have not seen."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from openness import claims_model
from openness.claims import UNDECIDED, classify_dimension, claims_to_csv
from openness.claims_model import MODEL_PATH, claims_protocol, levels, load, notes_sha256, predict

LEVELS = {"open", "partial", "closed"}


@pytest.mark.parametrize("text, dimension, level", [
    # negated absence: a negated component denies its whole clause, not only the next words
    ("No peer-reviewed article about the system could be located anywhere online.", "paper", "closed"),
    ("No training scripts of any kind are openly shared.", "trainingcode", "closed"),
    ("No model card with any useful detail is available.", "modelcard", "closed"),
    ("No datasheet, but the data are described briefly in a blog.", "datasheet", "partial"),  # the clause ends
    ("We could not find any source code; none is linked from the project page.", "code", "closed"),
    ("The training data is not public.", "datasources_basemodel", "closed"),
    ("Checkpoint downloads are no longer offered.", "weights_endmodel", "closed"),
    # dead ends: a link that fails is no evidence of availability
    ("The promised repository link returns a 404 page.", "trainingcode", "closed"),
    ("Following the GitHub link produces an error.", "code", "closed"),
    ("Dataset link is broken.", "datasources_endmodel", "closed"),
    # licences: OSI-approved or open content licences vs custom, restrictive, non-commercial ones
    ("Everything ships under CC-BY-4.0 and ODC-By 1.0.", "licenses", "open"),
    ("Weights under a modified MIT licence that adds usage conditions.", "licenses", "closed"),
    ("Released under the Llama 3 Community License.", "licenses", "closed"),
    ("The weights use a CC BY-NC 4.0 licence.", "licenses", "closed"),
    ("Licensed CC-BY-ND-4.0.", "licenses", "closed"),
    ("The model comes with an Open RAIL-M licence.", "licenses", "closed"),
    ("Weights are Apache 2.0; the training data carry no stated licence.", "licenses", "partial"),
    # training code: inference or demo scripts are not training code
    ("The repository holds only inference code.", "trainingcode", "closed"),
    ("Only a demo script is provided on GitHub.", "trainingcode", "closed"),
    ("Training and fine-tuning code are on GitHub.", "trainingcode", "open"),
    # model cards: shallow content is partial insight
    ("The model card gives only a surface-level overview.", "modelcard", "partial"),
    ("The model card says little beyond how to run the model.", "modelcard", "partial"),
    # platforms say where a thing is, not how complete it is
    ("Some of the tuning data sits on Hugging Face.", "datasources_endmodel", "partial"),
    ("Weights downloadable from Hugging Face.", "weights_endmodel", "open"),
])
def test_rules_read_the_fixed_wording_classes(text, dimension, level):
    assert classify_dimension([text], [dimension]) == [level]


def test_no_level_is_ever_empty(tmp_path):
    texts = ["", "   ", None, "The weather was fine.", "Weights are on GitHub.", "!!!", "No paper exists."]
    dimensions = ["paper", "code", "modelcard", "paper", "weights_endmodel", "licenses", "paper"]
    for method in ("model", "rules"):
        got = levels(texts, dimensions, method)
        assert len(got) == len(texts) and set(got) <= LEVELS | {UNDECIDED}
        assert got[:3] == [UNDECIDED] * 3 and got[5] == UNDECIDED and got[6] == "closed"
    assert levels(texts, dimensions, "model")[3] in LEVELS  # the model answers where the rules are silent
    assert levels(texts, dimensions, "rules")[3] == UNDECIDED
    source = tmp_path / "notes.csv"
    pd.DataFrame({"text": texts, "dimension": dimensions}).to_csv(source, index=False)
    for method in ("model", "rules"):
        summary = claims_to_csv(source, tmp_path / f"{method}.csv", dimension="dimension", method=method)
        out = pd.read_csv(tmp_path / f"{method}.csv", keep_default_na=False)
        assert len(out) == len(texts) and (out["level"] != "").all()
        assert f"({(out['level'] == UNDECIDED).sum()} undecided, method {method})" in summary.describe()


def test_unknown_method_is_named():
    with pytest.raises(ValueError, match=r"method 'vote' is not one of model, rules"):
        levels(["x"], ["paper"], "vote")


def test_shipped_model_loads_offline_and_is_deterministic():
    model = load()
    assert MODEL_PATH.is_file() and MODEL_PATH.stat().st_size < 500_000
    assert model["classes"] == sorted(LEVELS) and model["with_rules"] and len(model["training_sha256"]) == 64
    assert len(model["coef"]) == 3 and len(model["coef"][0]) == len(model["vocabulary"]) + sum(
        len(c) for c in model["categories"].values())
    texts = ["Weights under Apache 2.0 on Hugging Face.", "No training code released.", "No peer-reviewed paper, just a blog post."]
    dims = ["weights_endmodel", "trainingcode", "paper"]
    first = predict(model, texts, dims)
    assert first == predict(load(), texts, dims) == ["open", "closed", "closed"]


def _notes(n_orgs: int = 6) -> pd.DataFrame:
    """Notes written for this test: two models per organisation, three dimensions each."""
    rows = []
    for org in range(n_orgs):
        for model in range(2):
            year = "2023" if org % 2 else "2025"
            rows += [(f"m{org}-{model}", f"org{org}", f"{year}-0{model + 1}", "code", f"code documented openly {org}", "open"),
                     (f"m{org}-{model}", f"org{org}", f"{year}-0{model + 1}", "paper", f"no paper written {model}", "closed"),
                     (f"m{org}-{model}", f"org{org}", f"{year}-0{model + 1}", "licenses", "custom licence terms", "partial")]
    return pd.DataFrame(rows, columns=claims_model.NOTE_COLUMNS)


def test_grouped_folds_never_split_an_organisation(monkeypatch):
    seen = []
    original = claims_model._methods

    def recording(train, test, seed):
        seen.append((set(train["org"]), set(test["org"]), set(train["release_date"]), set(test["release_date"])))
        return original(train, test, seed)

    monkeypatch.setattr(claims_model, "_methods", recording)
    out = claims_protocol(_notes(), n_splits=3, seed=7)
    by_org = out[out["protocol"] == "by organisation"]
    assert (by_org.groupby("org")["fold"].nunique() == 1).all() and by_org["fold"].nunique() == 3
    assert len(seen) == 1 + 3 + 1  # resubstitution, three folds, by period
    for train_orgs, test_orgs, _, _ in seen[1:4]:
        assert train_orgs and test_orgs and not train_orgs & test_orgs
    _, _, recent, older = seen[4]
    assert min(recent) >= claims_model.RECENT > max(older)
    # one row per note and method under each protocol; by period rates the older notes only
    counts = out.groupby(["protocol", "method"]).size()
    assert set(counts["by organisation"]) == set(counts["resubstitution"]) == {36} and set(counts["by period"]) == {18}


def test_model_generalises_better_than_the_rules_on_unseen_organisations(mirror):
    """The reason the model is the default: on the grouped protocols it beats the rules."""
    from openness.validation import osai_notes

    notes = osai_notes(mirror / "raw")
    out = claims_protocol(notes)

    def macro_f1(protocol: str, method: str) -> float:
        run = out[(out["protocol"] == protocol) & (out["method"] == method)]
        return f1_score(run["reference"], run["predicted"], labels=sorted(LEVELS), average="macro")

    for protocol in ("by organisation", "by period"):
        assert macro_f1(protocol, "model") >= 0.80
        assert macro_f1(protocol, "model") > macro_f1(protocol, "rules") + 0.03
    assert not out["predicted"].eq("").any()
    assert (out.loc[out["method"] == "model", "predicted"] != UNDECIDED).all()


def test_shipped_model_is_the_fit_on_the_mirror_notes(mirror):
    from openness.validation import osai_notes

    notes = osai_notes(mirror / "raw")
    shipped, refit = load(), claims_model.fit(notes)
    assert shipped["training_sha256"] == notes_sha256(notes) == refit["training_sha256"]
    assert shipped["vocabulary"] == refit["vocabulary"] and shipped["training_notes"] == len(notes)
    assert np.array_equal(predict(shipped, notes["notes"], notes["dimension"]),
                          predict(refit, notes["notes"], notes["dimension"]))
