"""Small tidy tables the notebooks show and plot: what each source holds, which labs it
names, the OSAI ratings as a matrix, documents per quarter, and per-document 0/1 indicators
(lab groups named, AIAAIC issues) ready for `stats.bootstrap_ci` by document.

Library logic lives here so that a notebook only reads processed tables, calls, shows and
plots; every function takes the processed tables (see data/README.md) as DataFrames.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from openness.core.labs import split_ids
from openness.vocab import GROUPS

# The OSAI's three groups of dimensions, in the order the index presents them.
OSAI_GROUPS = ("availability", "documentation", "access")


def quarter_start(dates: pd.Series) -> pd.Series:
    """First day of the calendar quarter of each ISO date; missing or unreadable dates give NaT."""
    parsed = pd.to_datetime(dates, errors="coerce", format="ISO8601")
    return parsed.dt.to_period("Q").dt.start_time


def corpus_overview(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per source of documents.csv: documents, words (total, median), first and last
    date (empty where the source gives none) and year, and how many documents have a year."""
    published = pd.to_datetime(documents["published"], errors="coerce", format="ISO8601")
    grouped = documents.assign(_published=published).groupby("source", sort=True)
    overview = pd.DataFrame({
        "documents": grouped.size(),
        "words": grouped["n_words"].sum(),
        "median_words": grouped["n_words"].median(),
        "first_date": _as_day(grouped["_published"].min()),
        "last_date": _as_day(grouped["_published"].max()),
        "first_year": grouped["year"].min().astype("Int64"),
        "last_year": grouped["year"].max().astype("Int64"),
        "with_year": grouped["year"].count(),
    })
    return overview.reset_index()


def _as_day(moments: pd.Series) -> pd.Series:
    return moments.dt.strftime("%Y-%m-%d").fillna("")


def lab_mentions_by_source(mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """One row per source x lab: mentions, documents naming the lab and their share of the
    source's documents; most-mentioned first within a source (ties by lab id)."""
    located = mentions.merge(documents[["doc_id", "source"]], on="doc_id", how="left", validate="many_to_one")
    unknown = located.loc[located["source"].isna(), "doc_id"]
    if not unknown.empty:
        raise ValueError(f"mentions: doc_id {unknown.iloc[0]!r} (and {len(unknown) - 1} more rows) "
                         "is not in documents")
    counts = (located.groupby(["source", "lab"], sort=True)
              .agg(mentions=("doc_id", "size"), documents=("doc_id", "nunique")).reset_index())
    counts["share_of_documents"] = counts["documents"] / counts["source"].map(documents.groupby("source").size())
    return counts.sort_values(["source", "mentions", "lab"], ascending=[True, False, True], ignore_index=True)


def osai_matrix(ratings: pd.DataFrame, models: pd.DataFrame, labs: Sequence[str],
                per_lab: int = 3) -> tuple[pd.DataFrame, list[str]]:
    """OSAI classes as a matrix: rows the `per_lab` most recently released models of each lab
    in `labs` (that order; a model of two labs counts for both), columns the rated
    dimensions grouped availability / documentation / access. Returns the matrix (index:
    model name) and each row's lab, for `charts.heatmap(..., row_groups=...)`."""
    owned = models.drop(columns="lab").join(split_ids(models["lab"]), how="inner")
    owned = owned[owned["lab"].isin(labs)].assign(_order=lambda t: t["lab"].map({lab: i for i, lab in enumerate(labs)}))
    chosen = (owned.sort_values(["_order", "release_date", "model"], ascending=[True, False, True], na_position="last")
              .groupby("lab", sort=False).head(per_lab))
    rated = ratings[ratings["group"].isin(OSAI_GROUPS)]
    columns = (rated[["group", "dimension"]].drop_duplicates()
               .assign(_group=lambda t: t["group"].map(OSAI_GROUPS.index))
               .sort_values(["_group", "dimension"])["dimension"].tolist())
    classes = rated.pivot_table(index="model", columns="dimension", values="class", aggfunc="first")
    matrix = classes.reindex(index=chosen["model"], columns=columns)
    matrix.index = pd.Index(chosen["name"].tolist(), name="model")
    matrix.columns.name = "dimension"
    return matrix, chosen["lab"].tolist()


def group_of(labs: pd.DataFrame) -> dict[str, str]:
    """Lab id -> openness group, from labs.csv."""
    return dict(zip(labs["lab"], labs["openness_group"]))


def names_group(lab_cells: pd.Series, groups: Mapping[str, str], levels: Iterable[str] = GROUPS) -> pd.DataFrame:
    """For each row of `lab_cells` (`;`-joined lab ids): whether it names a lab of each group
    (columns `levels`, 0/1). Labs without a group count for none."""
    long = split_ids(lab_cells).map(groups)
    named = pd.crosstab(long.index, long).reindex(index=lab_cells.index, columns=list(levels), fill_value=0)
    named = (named > 0).astype("int64")
    named.columns.name = None
    return named


def issues_by_group(incidents: pd.DataFrame, groups: Mapping[str, str], issues: Sequence[str],
                    levels: Iterable[str] = GROUPS) -> pd.DataFrame:
    """One row per AIAAIC incident x openness group of its developer labs x issue in `issues`,
    with `has` = 1 when the incident is coded with that issue. An incident whose labs fall in
    two groups counts for both; incidents naming no grouped lab are left out."""
    levels = list(levels)
    named = names_group(incidents["labs"], groups, levels)
    per_group = named.set_axis(incidents["doc_id"]).rename_axis("doc_id").melt(
        ignore_index=False, var_name="group", value_name="named")
    per_group = per_group[per_group["named"] == 1].drop(columns="named").reset_index()
    coded = split_ids(incidents["issues"], "issue")
    coded = pd.DataFrame({"doc_id": incidents["doc_id"].reindex(coded.index).to_numpy(), "issue": coded.to_numpy()})
    grid = per_group.merge(pd.DataFrame({"issue": list(issues)}), how="cross")
    grid = grid.merge(coded.drop_duplicates().assign(has=1), on=["doc_id", "issue"], how="left")
    grid["has"] = grid["has"].fillna(0).astype("int64")
    grid["group"] = pd.Categorical(grid["group"], categories=levels)
    return grid.sort_values(["group", "issue", "doc_id"], ignore_index=True).astype({"group": str})
