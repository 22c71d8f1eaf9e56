"""Shares corrected for misclassification, on synthetic data with a known truth: sentences
drawn with known class shares, the scorer's labels drawn from a known confusion matrix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from openness.analysis import stats
from openness.analysis.quantify import adjusted_count, corrected_shares, separation

STANCES = ["pro_open", "pro_closed", "neutral"]
# P(predicted i | true j): the scorer reads most sided sentences as neutral.
RATES = np.array([[0.40, 0.05, 0.04],
                  [0.05, 0.30, 0.03],
                  [0.55, 0.65, 0.93]])
TRUTH = {"open": np.array([0.25, 0.05, 0.70]), "closed": np.array([0.10, 0.20, 0.70])}
GOLD_SHARES = np.array([0.2, 0.15, 0.65])  # the gold sample has its own class mix


def draw(rng: np.random.Generator, shares: np.ndarray, rates: np.ndarray, n_docs: int, per_doc: int,
         classes: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document number, true class, predicted class) of n_docs * per_doc sentences."""
    truth = rng.choice(len(shares), size=n_docs * per_doc, p=shares)
    predicted = np.array([rng.choice(len(shares), p=rates[:, t]) for t in truth])
    return np.repeat(np.arange(n_docs), per_doc), np.asarray(classes)[truth], np.asarray(classes)[predicted]


def corpus(seed: int = 1, n_docs: int = 300, per_doc: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for group, shares in TRUTH.items():
        docs, _, predicted = draw(rng, shares, RATES, n_docs, per_doc, STANCES)
        parts.append(pd.DataFrame({"doc_id": [f"{group}-{d}" for d in docs], "group": group, "stance": predicted}))
    return pd.concat(parts, ignore_index=True)


def gold(n_docs: int, seed: int = 2, per_doc: int = 5, rates: np.ndarray = RATES,
         shares: np.ndarray = GOLD_SHARES, label: str = "stance", classes: list = STANCES) -> pd.DataFrame:
    docs, truth, predicted = draw(np.random.default_rng(seed), shares, rates, n_docs, per_doc, classes)
    return pd.DataFrame({"id": [f"g{i}" for i in range(len(docs))], "source": "synthetic", "doc": docs.astype(str),
                         "split": "check", f"{label}_gold": truth, f"{label}_predicted": predicted})


@pytest.fixture(scope="module")
def large():
    return corrected_shares(corpus(), gold(600), label="stance", n_boot=400)


def test_corrected_shares_recover_the_truth_where_raw_shares_do_not(large):
    for group, shares in TRUTH.items():
        rows = large[large.group == group].set_index("class").loc[STANCES]
        assert np.abs(rows.corrected.to_numpy() - shares).max() < 0.04
        assert np.abs(rows.raw.to_numpy() - shares).max() > 0.10
        assert ((rows.corrected_lo <= shares) & (shares <= rows.corrected_hi)).all()
        assert not ((rows.raw_lo <= shares) & (shares <= rows.raw_hi)).all()
        assert rows.corrected.sum() == pytest.approx(1, abs=1e-9)
    assert (large.note == "").all() and (large.n_gold == 3000).all() and (large.n_gold_docs == 600).all()
    assert (large.n_docs == 300).all() and (large.n == 3000).all()


def test_raw_shares_are_the_notebooks_clustered_bootstrap(large):
    table = corpus()
    for stance in STANCES:
        expected = stats.bootstrap_ci(table.assign(x=(table.stance == stance).astype(float)), "x", "group", n_boot=400)
        got = large[large["class"] == stance].reset_index(drop=True)
        np.testing.assert_array_equal(got[["raw", "raw_lo", "raw_hi"]].to_numpy(),
                                      expected[["estimate", "lo", "hi"]].to_numpy())


def width(table: pd.DataFrame) -> np.ndarray:
    return (table.corrected_hi - table.corrected_lo).to_numpy()


def test_a_smaller_gold_sample_gives_wider_intervals(large):
    small = corrected_shares(corpus(), gold(60), label="stance", n_boot=400)
    assert (width(small) > width(large)).all()
    assert np.array_equal(small.raw_hi - small.raw_lo, large.raw_hi - large.raw_lo)  # corpus sampling: unchanged


def test_fewer_corpus_documents_give_wider_intervals(large):
    few = corrected_shares(corpus(n_docs=30), gold(600), label="stance", n_boot=400)
    assert (width(few) > width(large)).all()


def test_same_seed_same_numbers_other_seed_other_interval(large):
    again = corrected_shares(corpus(), gold(600), label="stance", n_boot=400)
    pd.testing.assert_frame_equal(large, again)
    other = corrected_shares(corpus(), gold(600), label="stance", n_boot=400, seed=7)
    assert np.array_equal(other.corrected, large.corrected)
    assert not np.array_equal(other.corrected_lo, large.corrected_lo)


def test_only_the_chosen_gold_split_estimates_the_error_rates():
    check = gold(200)
    dev = gold(200, seed=9, rates=np.eye(3)).assign(split="dev", id=lambda d: "d" + d["id"])
    both = pd.concat([check, dev], ignore_index=True)
    alone = corrected_shares(corpus(), check, label="stance", n_boot=100)
    pd.testing.assert_frame_equal(corrected_shares(corpus(), both, label="stance", n_boot=100), alone)
    pooled = corrected_shares(corpus(), both, label="stance", n_boot=100, gold_split="dev+check")
    assert (pooled.n_gold == 2000).all() and not np.array_equal(pooled.corrected, alone.corrected)


def test_binary_correction_is_the_forman_formula():
    tpr, fpr, observed = 0.8, 0.1, 0.3
    rates = np.array([[1 - fpr, 1 - tpr], [fpr, tpr]])
    assert separation(rates) == pytest.approx(tpr - fpr)
    assert adjusted_count(rates, [1 - observed, observed])[1] == pytest.approx((observed - fpr) / (tpr - fpr), abs=1e-7)
    assert adjusted_count(rates, [0.95, 0.05]).tolist() == pytest.approx([1, 0], abs=1e-7)  # below fpr: clipped
    assert np.isnan(adjusted_count(np.array([[0.7, 0.7], [0.3, 0.3]]), [0.5, 0.5])).all()  # tpr = fpr


def test_a_scorer_that_cannot_tell_the_classes_apart_gives_no_correction():
    chance = np.array([[0.7, 0.7], [0.3, 0.3]])  # tpr = fpr
    table = pd.DataFrame({"doc_id": np.repeat(np.arange(50), 4), "group": "open",
                          "safety": np.tile([0, 2, 0, 0], 50)})
    coded = gold(100, rates=chance, shares=np.array([0.6, 0.4]), label="safety", classes=[0, 1])
    out = corrected_shares(table, coded, label="safety", n_boot=200)
    assert list(out["class"]) == ["absent", "present"]
    assert out.raw.tolist() == [0.75, 0.25]
    assert out[["corrected", "corrected_lo", "corrected_hi"]].isna().all().all()
    assert out.note.str.contains("no correction: the scorer separates the classes by 0.0").all()


def test_a_class_without_gold_sentences_gives_no_correction():
    coded = gold(100)
    coded = coded[coded.stance_gold != "pro_closed"]
    out = corrected_shares(corpus(), coded, label="stance", n_boot=100)
    assert out.corrected.isna().all() and out.corrected_lo.isna().all()
    assert out.note.str.startswith("no correction: a class has no gold sentence").all()
    assert out.raw.notna().all()


def test_too_many_replicates_without_a_correction_give_no_interval():
    coded = gold(200)
    found = coded.index[(coded.stance_gold == "pro_closed") & (coded.stance_predicted == "pro_closed")]
    coded = coded.drop(coded.index[coded.stance_gold == "pro_closed"].difference(found[:3]))
    # three pro-closed gold sentences, all found: M separates the classes, but many replicates draw none
    out = corrected_shares(corpus(), coded, label="stance", n_boot=200)
    assert out.corrected.notna().all() and out.corrected_lo.isna().all() and out.corrected_hi.isna().all()
    assert out.note.str.contains(r"of 200 replicates had no correction \(too many for an interval\)").all()


def test_a_group_outside_what_the_gold_error_rates_can_give_is_flagged():
    def closed(pro_open: int, pro_closed: int, n: int) -> pd.DataFrame:  # one sentence per document
        stance = ["pro_open"] * pro_open + ["pro_closed"] * pro_closed + ["neutral"] * (n - pro_open - pro_closed)
        return pd.DataFrame({"doc_id": np.arange(n), "group": "closed", "stance": stance})

    # 1% and 0.5% sided in 400 documents: far below the 3-5% false hits, beyond sampling noise
    far = corrected_shares(closed(4, 2, 400), gold(600), label="stance", n_boot=200)
    assert far[["corrected", "corrected_lo", "corrected_hi"]].isna().all().all()
    assert far.note.str.startswith("no correction: the gold error rates do not fit").all()
    # the share of replicates off the simplex is of those that could be solved, and says how many those are
    assert far.note.str.contains(r"\(as in 100% of the 200 replicates that could be solved\)").all()
    # 3% pro-open of 100 documents: below the false hits too, but within sampling noise: clipped, flagged, kept
    near = corrected_shares(closed(3, 6, 100), gold(600), label="stance", n_boot=200).set_index("class")
    assert near.loc["pro_open", "corrected"] == pytest.approx(0, abs=1e-9)
    assert near.loc["pro_open", "corrected_hi"] > 0.01
    assert near.loc["pro_open", "note"].startswith("on the simplex's edge: no class mix gives these predicted "
                                                   "shares under them (as in 74% of the 200 replicates")


def test_dev_rows_alone_need_gold_split_dev_and_then_count_as_check_rows_would():
    """A gold table of dev rows only (as a user may build one): the default split (check)
    refuses it and says what to pass; with gold_split="dev" the same rows give the same shares."""
    dev_only = gold(60).assign(split="dev")
    with pytest.raises(ValueError, match=r"no row of split 'check' .*its splits are \['dev'\]; "
                                         r"pass gold_split='dev' to measure the error rates on those"):
        corrected_shares(corpus(), dev_only, n_boot=100)
    on_dev = corrected_shares(corpus(), dev_only, gold_split="dev", n_boot=100)
    pd.testing.assert_frame_equal(on_dev, corrected_shares(corpus(), gold(60), n_boot=100))
    both = corrected_shares(corpus(), pd.concat([gold(60), dev_only.assign(id=lambda t: "d" + t["id"])]),
                            gold_split="dev+check", n_boot=100)
    assert (both["n_gold"] == 600).all() and (on_dev["n_gold"] == 300).all()


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"sentences_table column 'stance' holds 'maybe' in row 3"):
        corrected_shares(pd.DataFrame({"doc_id": range(4), "group": "open",
                                       "stance": ["neutral"] * 3 + ["maybe"]}), gold(10), n_boot=10)
    with pytest.raises(ValueError, match=r"no row of split 'dev'"):
        corrected_shares(corpus(), gold(10), gold_split="dev", n_boot=10)
    with pytest.raises(ValueError, match=r"its splits are \['check'\]; pass gold_split='check'"):
        corrected_shares(corpus(), gold(10), gold_split="dev", n_boot=10)
    with pytest.raises(ValueError, match=r"label must be one of"):
        corrected_shares(corpus(), gold(10), label="openness", n_boot=10)
