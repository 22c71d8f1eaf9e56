"""Group comparison: attribution, clustered bootstrap, keyness and the clustered logit,
checked against values worked out by hand (made-up toy tables, no corpus text)."""
from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest

from openness.analysis import keyness, stats
from openness.core.labs import load_labs


def _sentences(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "sentence", "safety", "n_words"])


LABS = pd.DataFrame({"lab": ["meta", "openai", "anthropic", "ai2"],
                     "openness_group": ["mixed", "mixed", "closed", "open"]})


def test_sentence_groups_counts_each_group_once_and_drops_unnamed():
    sentences = _sentences([("d1", 0, 1, 10), ("d1", 1, 0, 10), ("d1", 2, 0, 10), ("d2", 0, 2, 5)])
    mentions = pd.DataFrame({"doc_id": ["d1", "d1", "d1", "d1", "d1", "d2", "d3"],
                             "sentence": [0, 0, 0, 1, 1, 0, 0],
                             "lab": ["meta", "anthropic", "meta", "meta", "openai", "ai2", "ai2"]})
    out = stats.sentence_groups(sentences, mentions, LABS)
    # d1/0 names Meta (twice) and Anthropic: mixed + closed; d1/1 Meta + OpenAI: mixed once;
    # d1/2 names nobody; the d3 mention has no sentence in the table.
    assert list(zip(out.doc_id, out.sentence, out.group)) == [
        ("d1", 0, "closed"), ("d1", 0, "mixed"), ("d1", 1, "mixed"), ("d2", 0, "open")]
    assert list(out.safety) == [1, 1, 0, 2]


def test_sentence_groups_refuses_a_lab_without_group():
    mentions = pd.DataFrame({"doc_id": ["d1"], "sentence": [0], "lab": ["acme"]})
    with pytest.raises(ValueError, match=r"acme"):
        stats.sentence_groups(_sentences([("d1", 0, 0, 3)]), mentions, LABS)


def test_bootstrap_one_cluster_per_group_is_degenerate():
    df = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"] * 2, "group": ["x"] * 4 + ["y"] * 2,
                       "v": [1, 0, 0, 1, 1, 1]})
    out = stats.bootstrap_ci(df, "v", "group", n_boot=200).set_index("group")
    assert out.loc["x", ["estimate", "lo", "hi"]].tolist() == [0.5, 0.5, 0.5]
    assert out.loc["y", ["estimate", "lo", "hi"]].tolist() == [1.0, 1.0, 1.0]
    assert out.loc["x", ["n", "n_clusters"]].tolist() == [4, 1]


def _homogeneous_documents() -> pd.DataFrame:
    # 10 documents x 20 sentences; 5 documents all 1, 5 all 0: the mean is 0.5 either way,
    # but only 10 independent units. Naive SE sqrt(.25/200) = .035, clustered sqrt(.25/10) = .158.
    return pd.DataFrame({"doc_id": np.repeat([f"d{i}" for i in range(10)], 20), "group": "g",
                         "v": np.repeat([1, 0] * 5, 20), "row": np.arange(200)})


def test_clustered_interval_is_wider_than_naive():
    df = _homogeneous_documents()
    clustered = stats.bootstrap_ci(df, "v", "group").iloc[0]
    naive = stats.bootstrap_ci(df, "v", "group", cluster="row").iloc[0]
    assert clustered.estimate == naive.estimate == 0.5
    assert 0.45 < clustered.hi - clustered.lo < 0.75  # about 2 x 1.96 x .158 = .62
    assert 0.10 < naive.hi - naive.lo < 0.17          # about 2 x 1.96 x .035 = .14
    assert (clustered.n_clusters, naive.n_clusters) == (10, 200)


def test_bootstrap_is_deterministic_and_seeded():
    values = np.random.default_rng(0).random(60)  # continuous values: seeds give distinct percentiles
    df = pd.DataFrame({"doc_id": np.repeat(np.arange(30), 2), "group": "g", "v": values})
    first = stats.bootstrap_ci(df, "v", "group", seed=1)
    pd.testing.assert_frame_equal(first, stats.bootstrap_ci(df, "v", "group", seed=1))
    other = stats.bootstrap_ci(df, "v", "group", seed=2)
    assert (first.lo.iloc[0], first.hi.iloc[0]) != (other.lo.iloc[0], other.hi.iloc[0])


def test_bootstrap_group_does_not_depend_on_other_groups():
    df = _homogeneous_documents()
    both = pd.concat([df, df.assign(group="h", doc_id=df.doc_id + "h")])
    alone = stats.bootstrap_ci(df, "v", "group")
    pd.testing.assert_frame_equal(stats.bootstrap_ci(both, "v", "group").iloc[[0]], alone)


def test_bootstrap_rejects_a_non_number_naming_the_row():
    df = pd.DataFrame({"doc_id": ["a", "b"], "group": "g", "v": [1.0, None]})
    with pytest.raises(ValueError, match=r"'v'.*row 1"):
        stats.bootstrap_ci(df, "v", "group")


def test_theme_shares_and_rates_by_hand():
    table = _sentences([("d1", 0, 2, 10), ("d1", 1, 0, 10), ("d2", 0, 1, 20)]).assign(group="g")
    shares = stats.theme_shares(table, themes=["safety"]).iloc[0]
    rates = stats.theme_rates(table, themes=["safety"]).iloc[0]
    assert shares.share == pytest.approx(2 / 3)      # two of three sentences have a hit
    assert rates.rate == pytest.approx(1000 * 3 / 40)  # 3 hits in 40 words
    assert rates.lo <= rates.rate <= rates.hi
    assert (shares.theme, shares.n, shares.n_clusters) == ("safety", 3, 2)


def test_stance_shares_by_hand():
    table = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "group": "g",
                          "stance": ["pro_open", "pro_open", "pro_closed", "neutral"]})
    out = stats.stance_shares(table).set_index("measure")
    assert out.loc["pro_open", "estimate"] == pytest.approx(0.5)
    assert out.loc["pro_closed", "estimate"] == pytest.approx(0.25)
    assert out.loc["balance", "estimate"] == pytest.approx(1 / 3)  # (+1 +1 -1) / 3
    assert out.loc["balance", ["n", "n_clusters"]].tolist() == [3, 2]
    with pytest.raises(ValueError, match="maybe"):
        stats.stance_shares(table.assign(stance="maybe"))


def test_document_stance_by_hand():
    evidence = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "z"], "stance": [1, 1, -1, 0, 1]})
    out = stats.document_stance(evidence, pd.Series({"a": 500, "b": 100, "c": 50})).set_index("doc_id")
    assert out.loc["a", ["pro_open", "pro_closed"]].tolist() == [2, 1]
    assert out.loc["a", "pro_open_rate"] == pytest.approx(4.0)  # 2 hits in 500 words
    assert out.loc["a", "balance"] == pytest.approx(1 / 3)
    assert out.loc["c", ["pro_open", "pro_closed"]].tolist() == [0, 0]  # no hits: kept, zero
    assert out["balance"].isna().tolist() == [False, True, True]  # b and c lean neither way


TARGET = pd.Series({"alpha": 10, "beta": 5, "gamma": 0})
REFERENCE = pd.Series({"alpha": 2, "beta": 5, "gamma": 8})
PRIOR = pd.Series({"alpha": 6, "beta": 3, "gamma": 1})


def test_keyness_matches_the_formula_by_hand():
    # a0 = 10: alpha_w = 10 * prior share = 6, 3, 1; n_i = n_j = 15.
    out = keyness.keyness(TARGET, REFERENCE, PRIOR,
                        scorer=functools.partial(keyness.log_odds_dirichlet, a0=10)).set_index("feature")
    delta_alpha = math.log(16 / 9) - math.log(8 / 17)  # (10+6)/(15+10-16), (2+6)/(15+10-8)
    variance_alpha = 1 / 16 + 1 / 8
    z_alpha = delta_alpha / math.sqrt(variance_alpha)
    assert out.loc["alpha", "delta"] == pytest.approx(delta_alpha)
    assert out.loc["alpha", "variance"] == pytest.approx(variance_alpha)
    assert out.loc["alpha", "statistic"] == pytest.approx(z_alpha)
    assert out.loc["alpha", "p"] == pytest.approx(math.erfc(z_alpha / math.sqrt(2)))
    delta_gamma = math.log(1 / 24) - math.log(9 / 16)  # (0+1)/(25-1), (8+1)/(25-9)
    assert out.loc["gamma", "delta"] == pytest.approx(delta_gamma)
    assert out.loc["beta", ["count_target", "count_reference"]].tolist() == [5, 5]


def test_keyness_default_prior_weight_is_the_two_sides_together():
    out = keyness.keyness(TARGET, REFERENCE, PRIOR).set_index("feature")
    # a0 = 15 + 15 = 30: alpha = 18, 9, 3.
    assert out.loc["alpha", "delta"] == pytest.approx(math.log(28 / 17) - math.log(20 / 25))


def test_keyness_sign_and_order():
    out = keyness.keyness(TARGET, REFERENCE, PRIOR)
    assert list(out.feature) == ["alpha", "beta", "gamma"]
    assert out.statistic.iloc[0] > 0 > out.statistic.iloc[2]
    swapped = keyness.keyness(REFERENCE, TARGET, PRIOR).set_index("feature")
    assert swapped.loc["alpha", "statistic"] == pytest.approx(-out.statistic.iloc[0])


def test_keyness_refuses_terms_without_prior_and_bad_counts():
    with pytest.raises(ValueError, match="delta"):
        keyness.keyness(pd.Series({"delta": 1}), REFERENCE, PRIOR)
    with pytest.raises(ValueError, match="counts_reference.*'beta'"):
        keyness.keyness(TARGET, REFERENCE.astype(float).replace(5.0, -1.0), PRIOR)


def test_keyness_takes_another_scorer():
    def difference(y_i, y_j, prior):
        return pd.DataFrame({"statistic": y_i - y_j})
    out = keyness.keyness(TARGET, REFERENCE, PRIOR, scorer=difference)
    assert list(zip(out.feature, out.statistic)) == [("alpha", 8), ("beta", 0), ("gamma", -8)]


def test_noise_terms_drops_bylines_url_fragments_and_filler_but_keeps_framing_words():
    terms = ["nathan", "lambert", "https", "com", "yeah", "https www", "nathan lambert", "open source",
             "safety", "ai", "ai safety", "licence", "don", "committed"]
    marked = keyness.noise_terms(terms)
    assert marked.index.tolist() == terms
    assert marked.tolist() == [True, True, True, True, True, True, True, False,
                               False, False, False, False, True, False]


def test_noise_terms_applied_to_a_keyness_table_leaves_only_words():
    prior = pd.Series({"https": 50, "open": 40, "yeah": 30, "weights": 20, "com": 10})
    table = keyness.keyness(pd.Series({"https": 20, "open": 30, "com": 5}), pd.Series({"yeah": 25, "weights": 10}), prior)
    kept = table[~keyness.noise_terms(table.feature).to_numpy()]
    assert kept.feature.tolist() == ["open", "weights"]


def test_name_terms_marks_lab_and_product_names():
    marked = keyness.name_terms(["claude", "safety", "openai anthropic", "hugging face", "hugging"])
    assert marked.tolist() == [True, False, True, True, True]


def test_name_terms_marks_the_words_of_registry_names_but_not_descriptors():
    """Fragments of names (of Hugging Face, DALL-E, Stable Diffusion, Command R, GPT-4) are
    names; a word that only describes a name ("cloud" of Alibaba Cloud, "act") is not, nor is
    a word no name holds."""
    terms = ["face", "dall", "stable diffusion", "command", "gpt", "aws", "cloud", "ai act", "constitutional"]
    assert keyness.name_terms(terms).tolist() == [True, True, True, True, True, True, False, False, False]
    # common words the registry finds only as written (FAIR, OPT, CLIP, PaLM), and open-source software
    assert not keyness.name_terms(["fair", "opt", "clip", "palm", "oss", "fair use"]).any()


def test_name_words_come_from_the_registry_given(tmp_path):
    registry_file = tmp_path / "labs.yaml"
    registry_file.write_text("labs:\n  acme:\n    name: Acme\n    aliases: [Acme Cloud]\n"
                             "    products: [{regex: 'Rocket-[0-9]', examples: [Rocket-1]}]\n")
    assert keyness.name_words(load_labs(registry_file)) == {"acme", "rocket"}


def test_a_term_is_a_name_whatever_the_other_terms_are():
    """Each term is read as a name alone: one that needs a context in a document ("sonnet")
    is a name here, with or without a word of AI among the other terms."""
    assert keyness.name_terms(["sonnet", "mistral"]).tolist() == [True, True]
    assert keyness.name_terms(["sonnet", "mistral", "training"]).tolist() == [True, True, False]


def test_logit_recovers_a_planted_effect():
    rng = np.random.default_rng(7)
    n_docs, per_doc = 400, 15
    group = rng.choice(["open", "mixed", "closed"], n_docs)
    source = rng.choice(["news", "comments"], n_docs)
    doc_effect = rng.normal(0, 0.3, n_docs)
    eta = -1.0 + 1.0 * (group == "open") + 0.5 * (group == "mixed") - 0.5 * (source == "comments") + doc_effect
    y = rng.random((per_doc, n_docs)) < 1 / (1 + np.exp(-eta))
    table = pd.DataFrame({"doc_id": np.tile(np.arange(n_docs), per_doc), "group": np.tile(group, per_doc),
                          "source": np.tile(source, per_doc), "safety": y.ravel().astype(int)})
    out = stats.logit_theme(table, "safety", source_reference="news").set_index("term")
    assert out.loc["group: open", "coef"] == pytest.approx(1.0, abs=0.2)
    assert out.loc["group: mixed", "coef"] == pytest.approx(0.5, abs=0.2)
    assert out.loc["source: comments", "coef"] == pytest.approx(-0.5, abs=0.2)
    assert out.loc["group: open", "or_lo"] < math.exp(1.0) < out.loc["group: open", "or_hi"]
    assert out.loc["group: open", "odds_ratio"] == pytest.approx(math.exp(out.loc["group: open", "coef"]))
    assert (out.n.iloc[0], out.n_clusters.iloc[0]) == (n_docs * per_doc, n_docs)
    naive = stats.logit_theme(table.assign(doc_id=np.arange(len(table))), "safety", source_reference="news")
    assert out.loc["group: open", "se"] > naive.set_index("term").loc["group: open", "se"]
