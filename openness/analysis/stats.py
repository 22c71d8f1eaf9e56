"""Group comparison for the openness scores: which lab groups a sentence speaks about,
clustered bootstrap intervals, theme shares and rates, stance and a clustered logit (the
words that set groups apart: `openness.analysis.keyness`).

Attribution rule: a sentence is attributed to the labs it names (`mentions.csv`) and so to
their openness groups (`labs.csv`); a sentence naming labs of several groups counts once for
each group, a sentence naming no lab counts for none. Sentences of one document are not
independent (same author, topic and style), so every interval and standard error here is
clustered by document: the bootstrap resamples whole documents, the logit uses
cluster-robust standard errors.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from openness.analysis.bootstrap import draws, interval
from openness.vocab import N_BOOT, SEED, STANCE_SIGN, THEMES


def _require(df: pd.DataFrame, what: str, columns: Sequence[str | None]) -> None:
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise ValueError(f"{what}: the table has no column {missing}; it has {list(df.columns)}")


def _keys(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


# ---- attribution ----------------------------------------------------------------------------


def sentence_labs(sentences: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence x lab it names (all sentence columns plus `lab`); a lab named
    twice in a sentence counts once. Mentions of sentences not in `sentences` are ignored,
    so passing a subset of sentences (one source, say) restricts the result to it."""
    _require(sentences, "sentences", ["doc_id", "sentence"])
    _require(mentions, "mentions", ["doc_id", "sentence", "lab"])
    named = mentions[["doc_id", "sentence", "lab"]].drop_duplicates()
    out = sentences.drop(columns=["lab"], errors="ignore").merge(named, on=["doc_id", "sentence"], how="inner")
    return out.sort_values(["doc_id", "sentence", "lab"], kind="stable").reset_index(drop=True)


def sentence_groups(sentences: pd.DataFrame, mentions: pd.DataFrame, labs: pd.DataFrame) -> pd.DataFrame:
    """Long format: one row per sentence x openness group of the labs it names (all sentence
    columns plus `group`). A sentence naming Meta and Anthropic appears once as mixed and
    once as closed; naming Meta and OpenAI (both mixed), once as mixed. Sentences naming no
    lab are left out. Every named lab must have a group in `labs` (`lab`, `openness_group`)."""
    _require(labs, "labs", ["lab", "openness_group"])
    per_lab = sentence_labs(sentences, mentions)
    group_of = labs.set_index("lab")["openness_group"]
    unknown = sorted(set(per_lab["lab"]) - set(group_of.index[group_of.notna()]))
    if unknown:
        raise ValueError(f"labs: no openness_group for lab(s) {unknown} named in mentions")
    out = per_lab.assign(group=per_lab["lab"].map(group_of)).drop(columns="lab")
    out = out.drop_duplicates(["doc_id", "sentence", "group"])
    return out.sort_values(["doc_id", "sentence", "group"], kind="stable").reset_index(drop=True)


# ---- clustered bootstrap --------------------------------------------------------------------


def _group_seed(seed: int, key: tuple) -> list[int]:
    """One seed per group, so a group's interval does not depend on which other groups are in
    the table (filter to one source and the numbers stay the same)."""
    return [seed, zlib.crc32("\x1f".join(map(str, key)).encode())]


def bootstrap_ci(
    df: pd.DataFrame,
    value: str,
    by: str | Sequence[str],
    cluster: str = "doc_id",
    n_boot: int = N_BOOT,
    seed: int = SEED,
    stat: str = "mean",
    denominator: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per group of `by`: the estimate with a percentile bootstrap interval that resamples
    clusters (documents) with replacement, all their rows coming along.

    stat="mean": sum(value) / rows; stat="ratio": sum(value) / sum(denominator) (e.g. hits
    per word). Vectorised: per-cluster sums are resampled, never the rows. Replicates whose
    denominator is zero are ignored. Returns *by, estimate, lo, hi, n (rows), n_clusters."""
    keys = _keys(by)
    if stat not in ("mean", "ratio"):
        raise ValueError(f"bootstrap_ci: stat must be 'mean' or 'ratio', not {stat!r}")
    if (stat == "ratio") != (denominator is not None):
        raise ValueError("bootstrap_ci: stat='ratio' needs a denominator column, stat='mean' takes none")
    _require(df, "bootstrap_ci", [*keys, value, cluster, denominator])
    columns = [value] + ([denominator] if denominator else [])
    for column in columns:
        bad = df.index[pd.to_numeric(df[column], errors="coerce").isna()]
        if len(bad):
            raise ValueError(f"bootstrap_ci: column {column!r} is not a number in row {bad[0]!r} "
                             f"(value {df.loc[bad[0], column]!r})")
    work = pd.DataFrame({"_num": df[value].astype(float),
                         "_den": df[denominator].astype(float) if denominator else 1.0})
    work[keys + [cluster]] = df[keys + [cluster]]
    per_cluster = work.groupby(keys + [cluster], sort=True, observed=True, dropna=False)[["_num", "_den"]].sum()
    per_cluster["_rows"] = work.groupby(keys + [cluster], sort=True, observed=True, dropna=False).size()
    rows = []
    for key, part in per_cluster.groupby(level=keys, sort=True, observed=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        num, den = part["_num"].to_numpy(), part["_den"].to_numpy()
        pick = draws(len(num), n_boot, _group_seed(seed, key))
        with np.errstate(invalid="ignore", divide="ignore"):
            replicates = num[pick].sum(axis=1) / den[pick].sum(axis=1)
            estimate = num.sum() / den.sum() if den.sum() else np.nan
        lo, hi = interval(replicates, level)
        rows.append((*key, estimate, lo, hi, int(part["_rows"].sum()), len(part)))
    return pd.DataFrame(rows, columns=[*keys, "estimate", "lo", "hi", "n", "n_clusters"])


def theme_shares(table: pd.DataFrame, by: str | Sequence[str] = "group", themes: Sequence[str] = THEMES,
                 **bootstrap) -> pd.DataFrame:
    """Per theme x group: the share of sentences with at least one hit of the theme, with a
    clustered bootstrap interval. Returns theme, *by, share, lo, hi, n, n_clusters."""
    parts = [bootstrap_ci(table.assign(_has=(table[t] > 0).astype(float)), "_has", by, **bootstrap)
             .assign(theme=t) for t in themes]
    return _theme_first(pd.concat(parts, ignore_index=True).rename(columns={"estimate": "share"}))


def theme_rates(table: pd.DataFrame, by: str | Sequence[str] = "group", themes: Sequence[str] = THEMES,
                per: float = 1000.0, words: str = "n_words", **bootstrap) -> pd.DataFrame:
    """Per theme x group: cue hits per `per` words, a ratio of sums (long sentences weigh
    more), with a clustered bootstrap interval. Returns theme, *by, rate, lo, hi, n, n_clusters."""
    parts = [bootstrap_ci(table, t, by, stat="ratio", denominator=words, **bootstrap).assign(theme=t)
             for t in themes]
    out = pd.concat(parts, ignore_index=True).rename(columns={"estimate": "rate"})
    out[["rate", "lo", "hi"]] *= per
    return _theme_first(out)


def stance_shares(table: pd.DataFrame, by: str | Sequence[str] = "group", stance: str = "stance",
                  **bootstrap) -> pd.DataFrame:
    """Per group: the share of sentences that lean pro-open and pro-closed, and the balance
    among sentences with a stance (+1 pro-open, -1 pro-closed, averaged: from -1, all
    pro-closed, to +1, all pro-open). Returns measure, *by, estimate, lo, hi, n, n_clusters."""
    _require(table, "stance_shares", [stance])
    unknown = sorted(set(table[stance]) - set(STANCE_SIGN))
    if unknown:
        raise ValueError(f"stance_shares: column {stance!r} holds {unknown}; expected {sorted(STANCE_SIGN)}")
    sign = table[stance].map(STANCE_SIGN).astype(float)
    parts = [bootstrap_ci(table.assign(_x=(sign == s).astype(float)), "_x", by, **bootstrap).assign(measure=m)
             for m, s in (("pro_open", 1), ("pro_closed", -1))]
    parts.append(bootstrap_ci(table.assign(_x=sign)[sign != 0], "_x", by, **bootstrap).assign(measure="balance"))
    out = pd.concat(parts, ignore_index=True)
    return out[["measure", *[c for c in out.columns if c != "measure"]]]


def document_stance(evidence: pd.DataFrame, words: pd.Series, per: float = 1000.0) -> pd.DataFrame:
    """Per document of `words` (doc_id -> word count): cue hits leaning pro-open and
    pro-closed (`evidence.stance` after negation), per `per` words, and their balance
    (pro_open - pro_closed) / (pro_open + pro_closed), empty when no hit leans either way.
    Returns doc_id, pro_open, pro_closed, pro_open_rate, pro_closed_rate, balance."""
    _require(evidence, "evidence", ["doc_id", "stance"])
    hits = evidence[evidence["doc_id"].isin(words.index)]
    out = pd.DataFrame({"pro_open": (hits["stance"] > 0).groupby(hits["doc_id"]).sum(),
                        "pro_closed": (hits["stance"] < 0).groupby(hits["doc_id"]).sum()})
    out = out.reindex(words.index, fill_value=0).astype(int).rename_axis("doc_id")
    for side in ("pro_open", "pro_closed"):
        out[f"{side}_rate"] = per * out[side] / words.astype(float)
    leaning = out["pro_open"] + out["pro_closed"]
    out["balance"] = ((out["pro_open"] - out["pro_closed"]) / leaning).where(leaning > 0)
    return out.reset_index()


def _theme_first(df: pd.DataFrame) -> pd.DataFrame:
    return df[["theme", *[c for c in df.columns if c != "theme"]]]


# ---- regression -----------------------------------------------------------------------------


def _most_frequent(values: pd.Series) -> str:
    counts = values.value_counts()
    return str(min(counts.index[counts == counts.max()]))


def logit_theme(
    table: pd.DataFrame,
    theme: str,
    group: str = "group",
    source: str | None = "source",
    cluster: str = "doc_id",
    group_reference: str = "closed",
    source_reference: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Sentence-level logistic regression: has the theme (hits > 0) ~ C(group) + C(source),
    binomial GLM with standard errors clustered by document. The reference levels are
    `group_reference` and `source_reference` (default: the source with most rows); a source
    column with one level is left out. Returns theme, term, coef, se, z, p, odds_ratio,
    or_lo, or_hi, n, n_clusters (the intercept's odds ratio is the reference odds)."""
    _require(table, "logit_theme", [theme, group, source, cluster])
    if group_reference not in set(table[group]):
        raise ValueError(f"logit_theme: reference group {group_reference!r} not in column {group!r}")
    data = pd.DataFrame({"y": (table[theme] > 0).astype(float), "g": table[group].astype(str)})
    formula = f"y ~ C(g, Treatment(reference={group_reference!r}))"
    if source is not None and table[source].nunique() > 1:
        data["s"] = table[source].astype(str)
        reference = source_reference if source_reference is not None else _most_frequent(data["s"])
        formula += f" + C(s, Treatment(reference={reference!r}))"
    clusters = pd.factorize(table[cluster], sort=True)[0]
    fit = smf.glm(formula, data=data, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": clusters})
    ci = fit.conf_int(alpha=1 - level)
    names = [_term_name(name, group, source) for name in fit.params.index]
    return pd.DataFrame({
        "theme": theme, "term": names, "coef": fit.params.to_numpy(), "se": fit.bse.to_numpy(),
        "z": fit.tvalues.to_numpy(), "p": fit.pvalues.to_numpy(), "odds_ratio": np.exp(fit.params.to_numpy()),
        "or_lo": np.exp(ci[0].to_numpy()), "or_hi": np.exp(ci[1].to_numpy()),
        "n": int(fit.nobs), "n_clusters": len(np.unique(clusters)),
    })


def _term_name(name: str, group: str, source: str | None) -> str:
    """'C(g, Treatment(...))[T.open]' -> 'group: open'."""
    if name == "Intercept":
        return "intercept"
    level = re.search(r"\[T\.(.*)\]$", name)
    variable = group if name.startswith("C(g,") else source
    return f"{variable}: {level.group(1) if level else name}"
