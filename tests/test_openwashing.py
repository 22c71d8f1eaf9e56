"""The open-washing gap on fixture frames (values worked out by hand in the comments), and
its application to the seed post against the real indices."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from openness.analysis.claims import find_claims
from openness.analysis.openwashing import GAP_COLUMNS, gap_table, seed_comparison
from openness.data.sources import fmti, osai, seed


def _read(fixtures, name: str) -> pd.DataFrame:
    table = pd.read_csv(fixtures / "claims" / name, keep_default_na=False)
    return table.astype({"called_open": bool}) if "called_open" in table else table


@pytest.fixture
def gap(fixtures) -> pd.DataFrame:
    return gap_table(_read(fixtures, "claims.csv"), _read(fixtures, "ratings.csv"),
                     _read(fixtures, "fmti_totals.csv")).set_index(["lab", "model"])


def test_gap_table_values(gap):
    assert sorted(gap.reset_index().columns) == sorted(GAP_COLUMNS)
    assert gap.index.tolist() == [("cohere", ""), ("meta", ""), ("xai", ""), ("xai", "Grok")]
    xai = gap.loc[("xai", "")]
    # claims open, open, partial, closed -> (1 + 1 + 0.5 + 0) / 4
    assert (xai.n_claims, xai.n_called_open, xai.coverage_score) == (4, 2, 0.625)
    assert (xai.share_open, xai.share_partial, xai.share_closed) == (0.5, 0.25, 0.25)
    # Grok 2 rated open, closed, closed, closed; the claimed dimensions: weights open, licences
    # and data closed -> 1/3; positive gap: coverage calls xAI more open than the experts do
    assert xai.osai_score == 0.25 and xai.osai_score_matched == pytest.approx(1 / 3)
    assert xai.gap == pytest.approx(0.625 - 1 / 3)
    assert (xai.fmti_edition, xai.fmti_total, xai.lab_name) == ("2025-12", 0.14, "xAI")  # the latest edition
    grok = gap.loc[("xai", "Grok")]  # the two claims naming Grok: weights and licences, both open
    assert (grok.n_claims, grok.coverage_score, grok.osai_score_matched, grok.gap) == (2, 1.0, 0.5, 0.5)
    assert grok.osai_models == "Grok 2"


def test_gap_is_negative_when_coverage_undersells(gap):
    meta = gap.loc[("meta", "")]
    # three closed claims -> 0; Llama 9 open, partial, closed (the unrated paper is left out) -> 0.5
    assert (meta.n_claims, meta.coverage_score, meta.osai_n_ratings, meta.osai_score) == (3, 0.0, 3, 0.5)
    assert meta.gap == -0.5 and (meta.fmti_edition, meta.fmti_total) == ("2024-05", 0.6)


def test_lab_without_index_data_has_no_gap(gap):
    cohere = gap.loc[("cohere", "")]
    assert cohere.coverage_score == 1.0 and cohere.osai_n_ratings == 0
    assert np.isnan(cohere.gap) and np.isnan(cohere.fmti_total) and cohere.fmti_edition == ""


def test_seed_comparison_on_fixtures(fixtures):
    claims = _read(fixtures, "claims.csv")
    table = seed_comparison(claims, _read(fixtures, "ratings.csv"), _read(fixtures, "fmti_scores.csv"))
    assert table[["dimension", "level", "osai_class", "agrees", "fmti_n_indicators"]].values.tolist() == [
        ["weights_endmodel", "open", "open", True, 1], ["licenses", "open", "closed", False, 1],
        ["licenses", "partial", "closed", False, 1], ["datasources_endmodel", "closed", "closed", True, 4]]
    # Dec 2025 only: open weights 0, terms of use 1, data indicators 1 of 4
    assert table.fmti_share_disclosed.tolist() == [0.0, 1.0, 1.0, 0.25]
    assert (table.start.tolist(), table.end.tolist()) == ([0, 30, 60, 90], [20, 50, 80, 99])


def test_seed_post_against_grok_2(mirror):
    raw = mirror / "raw"
    claims = find_claims(seed.documents(raw / "seed"))
    ratings = osai.ratings(raw / "osai-index")
    table = seed_comparison(claims, ratings, fmti.scores(raw / "fmti"))
    grok = ratings[ratings["name"] == "Grok 2"].set_index("dimension")["class"]
    assert len(table) >= 3 and set(table.level) == {"open"}  # the post calls every part of xAI's work open
    assert (table.osai_class == table.dimension.map(grok)).all()
    assert {"licenses", "weights_endmodel"} <= set(table.dimension)
    assert set(table.dimension[table.agrees]) == {"weights_endmodel"}  # the experts agree on end-model weights only
    gap = gap_table(claims, ratings, fmti.totals(raw / "fmti")).set_index(["lab", "model"])
    xai = gap.loc[("xai", "")]
    assert xai.fmti_edition == "2025-12" and xai.gap > 0  # open-washing by the experts' measure
    indexed = set(ratings["lab"].str.split(";").explode()) | set(fmti.totals(raw / "fmti")["lab"])
    covered = {lab for labs in claims["labs"] for lab in labs.split(";") if lab}
    assert covered & indexed <= set(gap.reset_index()["lab"])


def test_spellings_of_one_model_share_a_row(fixtures):
    claims = _read(fixtures, "claims.csv")
    grok = claims[claims["models"] == "Grok"].copy()
    respelt = grok.assign(models="GROK", start=grok["start"] + 1000)  # the same model, spelt otherwise
    gap = gap_table(pd.concat([claims, respelt], ignore_index=True), _read(fixtures, "ratings.csv"),
                    _read(fixtures, "fmti_totals.csv")).set_index(["lab", "model"])
    assert [key for key in gap.index if key[0] == "xai"] == [("xai", ""), ("xai", "Grok")]
    assert gap.loc[("xai", "Grok"), "n_claims"] == 2 * len(grok)
