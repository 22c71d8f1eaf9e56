"""Which sentences a set of filters selects, and what they add up to per lab or lab group:
the logic behind the explorer (`openness.present.explore`), in plain pandas so it can be
tested without widgets.

Two kinds of filter. Sentence filters (source, date range, stance, lab or lab group) decide
the *base*: the sentences looked at. Hit filters (theme, criterion, cue, negated) decide which
cue hits count; a base sentence *matches* when at least one of its hits passes every hit
filter (with no hit filter set: when it has any hit). The count table gives, per lab or
group, the base sentences, the matching ones and their share, with an interval clustered by
document (`openness.analysis.stats.bootstrap_ci`), and the matching hits per 1,000 words.
A sentence naming several labs counts once for each of their groups (the attribution rule
of `openness.analysis.stats`); the row ALL counts every base sentence once, named labs or not.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from openness.analysis.stats import bootstrap_ci
from openness.vocab import N_BOOT, SEED, THEMES

ALL = "(all)"
UNGROUPED = "unrated"  # a lab that labs.csv gives no openness group
COUNT_COLUMNS = ["sentences", "documents", "matching", "share", "lo", "hi", "hits", "hits_per_1000_words"]
LIST_COLUMNS = ["doc_id", "sentence", "source", "published", "stance", "labs", "hits", "themes", "start", "end"]
SORTS = {  # list order: name -> (columns, ascending)
    "hits": (["hits", "doc_id", "sentence"], [False, True, True]),
    "document": (["doc_id", "sentence"], [True, True]),
    "newest": (["published", "doc_id", "sentence"], [False, True, True]),
    "oldest": (["published", "doc_id", "sentence"], [True, True, True]),
}


@dataclass(frozen=True)
class Filters:
    """What to look at; None means any. `lab` is a lab id, `group` an openness group;
    `start` and `end` bound the publication date (inclusive; undated sentences drop out
    as soon as either is set)."""

    source: str | None = None
    lab: str | None = None
    group: str | None = None
    stance: str | None = None
    start: pd.Timestamp | str | None = None
    end: pd.Timestamp | str | None = None
    theme: str | None = None
    criterion: str | None = None
    cue: str | None = None
    negated: bool | None = None

    def describe(self) -> str:
        """The filters set, as one line ("theme=safety, group=open"), for titles and file names."""
        set_ = [f"{f.name}={getattr(self, f.name)}" for f in fields(self) if getattr(self, f.name) is not None]
        return ", ".join(set_) or "everything"


class Tables:
    """The scored tables joined once for fast filtering: every sentence with its source and
    publication date, every hit and lab mention with the row number of its sentence."""

    def __init__(self, sentences: pd.DataFrame, evidence: pd.DataFrame, mentions: pd.DataFrame,
                 documents: pd.DataFrame | None = None, labs: pd.DataFrame | None = None):
        sentences = sentences.sort_values(["doc_id", "sentence"], kind="stable", ignore_index=True)
        documents = documents if documents is not None else pd.DataFrame({"doc_id": sentences["doc_id"].unique()})
        info = documents.set_index("doc_id")
        source = info["source"] if "source" in info else pd.Series("corpus", index=info.index)
        published = pd.to_datetime(info["published"], errors="coerce") if "published" in info else (
            pd.Series(pd.NaT, index=info.index, dtype="datetime64[ns]"))
        self.sentences = sentences.assign(
            source=sentences["doc_id"].map(source).fillna("").astype(str).to_numpy(),
            published=sentences["doc_id"].map(published).to_numpy(),
            stance=sentences["stance"].astype(str), labs=sentences["labs"].fillna("").astype(str))
        row = pd.Series(np.arange(len(sentences)),
                        index=pd.MultiIndex.from_frame(sentences[["doc_id", "sentence"]]))
        self.evidence = evidence.assign(row=_rows(row, evidence)).sort_values(["row", "start", "end"], ignore_index=True)
        self.mentions = mentions.assign(row=_rows(row, mentions))
        group_of = (labs.dropna(subset=["openness_group"]).set_index("lab")["openness_group"]
                    if labs is not None else pd.Series(dtype=object))
        pairs = self.mentions[["row", "lab"]].drop_duplicates()
        self.sentence_labs = pairs.assign(group=pairs["lab"].map(group_of).astype(object).fillna(UNGROUPED).to_numpy()).sort_values(
            ["row", "lab"], ignore_index=True)
        self.n_words = self.sentences["n_words"].to_numpy(dtype=float)

    @classmethod
    def from_scores(cls, scores, documents: pd.DataFrame | None = None, labs: pd.DataFrame | None = None) -> Tables:
        """From an `openness.Scores` (documents: doc_id with optional source and published)."""
        return cls(scores.sentences, scores.evidence, scores.mentions, documents, labs)

    def options(self) -> dict[str, list]:
        """The values each filter can take here, sorted."""
        e = self.evidence
        return {
            "source": sorted(set(self.sentences["source"]) - {""}),
            "lab": sorted(set(self.sentence_labs["lab"])),
            "group": sorted(set(self.sentence_labs["group"])),
            "stance": sorted(set(self.sentences["stance"])),
            "theme": sorted(set(e["theme"])), "criterion": sorted(set(e["criterion"])), "cue": sorted(set(e["cue"])),
        }

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        dates = self.sentences["published"].dropna()
        return (dates.min(), dates.max()) if len(dates) else None


def _rows(row: pd.Series, table: pd.DataFrame) -> np.ndarray:
    """Each record's sentence row number; a record of no known sentence is an error."""
    found = row.reindex(pd.MultiIndex.from_frame(table[["doc_id", "sentence"]])).to_numpy()
    if np.isnan(found.astype(float)).any():
        first = table.iloc[int(np.flatnonzero(np.isnan(found.astype(float)))[0])]
        raise ValueError(f"no sentence {first['sentence']} in document {first['doc_id']!r} for a hit or mention")
    return found.astype(np.int64)


@dataclass(frozen=True)
class Selection:
    """What filters select: the base sentences (a mask over `tables.sentences`), the
    matching ones, and the hits that pass the hit filters in base sentences."""

    filters: Filters
    base: np.ndarray
    matching: np.ndarray
    hits: pd.DataFrame


def select(tables: Tables, filters: Filters) -> Selection:
    s = tables.sentences
    base = np.ones(len(s), dtype=bool)
    if filters.source is not None:
        base &= (s["source"] == filters.source).to_numpy()
    if filters.stance is not None:
        base &= (s["stance"] == filters.stance).to_numpy()
    if filters.start is not None:
        base &= (s["published"] >= pd.Timestamp(filters.start)).to_numpy()
    if filters.end is not None:
        base &= (s["published"] <= pd.Timestamp(filters.end)).to_numpy()
    if filters.lab is not None or filters.group is not None:
        pairs = tables.sentence_labs
        keep = np.ones(len(pairs), dtype=bool)
        if filters.lab is not None:
            keep &= (pairs["lab"] == filters.lab).to_numpy()
        if filters.group is not None:
            keep &= (pairs["group"] == filters.group).to_numpy()
        named = np.zeros(len(s), dtype=bool)
        named[pairs["row"].to_numpy()[keep]] = True
        base &= named
    e = tables.evidence
    passes = base[e["row"].to_numpy()]
    for column in ("theme", "criterion", "cue", "negated"):
        wanted = getattr(filters, column)
        if wanted is not None:
            passes &= (e[column] == wanted).to_numpy()
    matching = np.zeros(len(s), dtype=bool)
    matching[e["row"].to_numpy()[passes]] = True
    return Selection(filters, base, matching, e[passes])


def count_table(tables: Tables, selection: Selection, by: str = "group", n_boot: int = N_BOOT,
                seed: int = SEED) -> pd.DataFrame:
    """Per lab or group (`by`: "group" or "lab") of the base sentences, and ALL: sentences,
    documents, matching sentences, their share with a document-clustered bootstrap interval
    (lo, hi), matching hits and hits per 1,000 words. Only labs or groups with a base sentence."""
    if by not in ("group", "lab"):
        raise ValueError(f"count_table: by must be 'group' or 'lab', not {by!r}")
    rows = np.flatnonzero(selection.base)
    hits_per_row = np.bincount(selection.hits["row"].to_numpy(), minlength=len(selection.base))
    everything = pd.DataFrame({by: ALL, "row": rows})
    pairs = tables.sentence_labs[["row", by]].drop_duplicates()
    named = pairs[selection.base[pairs["row"].to_numpy()]]
    long = pd.concat([everything, named], ignore_index=True)
    r = long["row"].to_numpy()
    long = long.assign(doc_id=tables.sentences["doc_id"].to_numpy()[r],
                       matching=selection.matching[r].astype(float), hits=hits_per_row[r], n_words=tables.n_words[r])
    columns = [by, *COUNT_COLUMNS]
    if long.empty:
        return pd.DataFrame(columns=columns)
    # one row per (lab or group, document): the interval resamples documents, and summing
    # first gives bootstrap_ci the same per-document sums (so the same interval) in fewer rows
    per_doc = long.assign(n=1).groupby([by, "doc_id"], sort=True)[["matching", "hits", "n_words", "n"]].sum()
    per_doc = per_doc.reset_index()
    shares = bootstrap_ci(per_doc, "matching", by, stat="ratio", denominator="n", n_boot=n_boot, seed=seed).set_index(by)
    sums = per_doc.groupby(by, sort=True)[["matching", "hits", "n_words", "n"]].sum()
    out = pd.DataFrame({
        "sentences": sums["n"], "documents": shares["n_clusters"], "matching": sums["matching"].astype(int),
        "share": shares["estimate"], "lo": shares["lo"], "hi": shares["hi"], "hits": sums["hits"].astype(int),
        "hits_per_1000_words": 1000 * sums["hits"] / sums["n_words"].where(sums["n_words"] > 0)})
    order = [ALL] + sorted(k for k in out.index if k != ALL)
    return out.reindex(order).rename_axis(by).reset_index()[columns]


def matching_sentences(tables: Tables, selection: Selection, sort: str = "hits", limit: int | None = None) -> pd.DataFrame:
    """The matching sentences (no text: ids, offsets and labels), with their number of
    matching hits and the themes of those hits, in the order `sort` names (see SORTS)."""
    if sort not in SORTS:
        raise ValueError(f"matching_sentences: sort must be one of {list(SORTS)}, not {sort!r}")
    rows = selection.hits["row"].to_numpy()
    n_hits = np.bincount(rows, minlength=len(selection.base))
    theme_bits = np.zeros(len(selection.base), dtype=np.int64)
    np.bitwise_or.at(theme_bits, rows, 1 << selection.hits["theme"].map(THEMES.index).to_numpy(dtype=np.int64))
    names = np.array([";".join(sorted(t for i, t in enumerate(THEMES) if bits >> i & 1))
                      for bits in range(1 << len(THEMES))], dtype=object)  # bits -> theme names by name
    matched = np.flatnonzero(n_hits)
    out = tables.sentences.iloc[matched].assign(hits=n_hits[matched], themes=names[theme_bits[matched]])
    columns, ascending = SORTS[sort]
    out = out.sort_values(columns, ascending=ascending, kind="stable", na_position="last")[LIST_COLUMNS]
    out = out.reset_index(drop=True)
    return out if limit is None else out.head(limit)


def sentence_records(tables: Tables, doc_id: str, sentence: int) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """One sentence: its row, its cue hits and its lab mentions (offsets in the document)."""
    s = tables.sentences
    found = np.flatnonzero((s["doc_id"] == doc_id).to_numpy() & (s["sentence"] == sentence).to_numpy())
    if not len(found):
        raise KeyError(f"no sentence {sentence} in document {doc_id!r}")
    row = int(found[0])
    evidence = tables.evidence[tables.evidence["row"] == row].drop(columns="row").reset_index(drop=True)
    mentions = tables.mentions[tables.mentions["row"] == row].drop(columns="row").reset_index(drop=True)
    return s.iloc[row], evidence, mentions
