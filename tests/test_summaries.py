"""Summary tables on small hand-made inputs whose answers are counted by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from openness.analysis import summaries

DOCUMENTS = pd.DataFrame({
    "doc_id": ["a1", "a2", "a3", "b1"],
    "source": ["alpha", "alpha", "alpha", "beta"],
    "published": ["2024-02-10", "2024-11-30", "", None],
    "year": [2024, 2024, 2023, None],
    "n_words": [100, 300, 50, 7],
})
MENTIONS = pd.DataFrame({"doc_id": ["a1", "a1", "a2", "b1"], "lab": ["meta", "meta", "xai", "meta"]})
LABS = pd.DataFrame({"lab": ["meta", "xai", "ai2", "anthropic", "nomic"],
                     "openness_group": ["mixed", "mixed", "open", "closed", "unrated"]})


def test_quarter_start_bins_dates_and_leaves_bad_ones_empty():
    starts = summaries.quarter_start(pd.Series(["2024-03-31", "2024-04-01", "2025-12-31", "", "not a date"]))
    assert [str(s.date()) for s in starts[:3]] == ["2024-01-01", "2024-04-01", "2025-10-01"]
    assert starts[3:].isna().all()


def test_corpus_overview_counts_words_dates_and_years_per_source():
    overview = summaries.corpus_overview(DOCUMENTS).set_index("source")
    alpha, beta = overview.loc["alpha"], overview.loc["beta"]
    assert (alpha.documents, alpha.words, alpha.median_words) == (3, 450, 100)
    assert (alpha.first_date, alpha.last_date) == ("2024-02-10", "2024-11-30")
    assert (alpha.first_year, alpha.last_year, alpha.with_year) == (2023, 2024, 3)
    assert (beta.first_date, beta.with_year) == ("", 0) and pd.isna(beta.first_year)


def test_lab_mentions_by_source_counts_mentions_documents_and_shares():
    table = summaries.lab_mentions_by_source(MENTIONS, DOCUMENTS)
    rows = {(r.source, r.lab): (r.mentions, r.documents, r.share_of_documents) for r in table.itertuples()}
    assert rows == {("alpha", "meta"): (2, 1, pytest.approx(1 / 3)), ("alpha", "xai"): (1, 1, pytest.approx(1 / 3)),
                    ("beta", "meta"): (1, 1, 1.0)}
    assert list(table.lab[table.source == "alpha"]) == ["meta", "xai"]  # most mentioned first


def test_lab_mentions_by_source_names_a_mention_of_an_unknown_document():
    with pytest.raises(ValueError, match="'zz'"):
        summaries.lab_mentions_by_source(pd.DataFrame({"doc_id": ["zz"], "lab": ["meta"]}), DOCUMENTS)


def test_osai_matrix_picks_recent_models_per_lab_and_orders_dimensions_by_group():
    models = pd.DataFrame({"model": ["m1", "m2", "m3", "x1"], "name": ["Old", "New", "Joint", "Grok"],
                           "release_date": ["2023-01", "2025-01", "2024-06", "2025-08"],
                           "lab": ["meta", "meta", "ai2;meta", "xai"]})
    ratings = pd.DataFrame({
        "model": ["m1", "m2", "m3", "x1", "x1", "x1", "x1"],
        "group": ["availability", "availability", "availability", "availability", "access", "documentation", ""],
        "dimension": ["weights_endmodel"] * 4 + ["licenses", "paper", "extra"],
        "class": ["open", "partial", "open", "open", "closed", "closed", "open"],
    })
    matrix, row_labs = summaries.osai_matrix(ratings, models, ["xai", "meta"], per_lab=2)
    assert list(matrix.index) == ["Grok", "New", "Joint"] and row_labs == ["xai", "meta", "meta"]
    assert list(matrix.columns) == ["weights_endmodel", "paper", "licenses"]  # no ungrouped entry
    assert matrix.loc["Grok"].tolist() == ["open", "closed", "closed"]
    assert matrix.loc["New", "weights_endmodel"] == "partial" and pd.isna(matrix.loc["New", "licenses"])


def test_names_group_marks_each_group_once_and_ignores_ungrouped_labs():
    named = summaries.names_group(pd.Series(["meta;xai;ai2", "", "nomic", "anthropic"]), summaries.group_of(LABS))
    assert named.to_dict("list") == {"open": [1, 0, 0, 0], "mixed": [1, 0, 0, 0], "closed": [0, 0, 0, 1]}


def test_issues_by_group_counts_an_incident_for_every_group_of_its_labs():
    incidents = pd.DataFrame({"doc_id": ["i1", "i2", "i3"], "labs": ["meta;ai2", "anthropic", ""],
                              "issues": ["Privacy;Safety", "Safety", "Safety"]})
    grid = summaries.issues_by_group(incidents, summaries.group_of(LABS), ["Safety", "Privacy"])
    got = {(r.group, r.doc_id, r.issue): r.has for r in grid.itertuples()}
    assert got == {("open", "i1", "Safety"): 1, ("open", "i1", "Privacy"): 1,
                   ("mixed", "i1", "Safety"): 1, ("mixed", "i1", "Privacy"): 1,
                   ("closed", "i2", "Safety"): 1, ("closed", "i2", "Privacy"): 0}
    assert list(grid.group.unique()) == ["open", "mixed", "closed"]
