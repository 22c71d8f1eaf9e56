"""Build every committed table of data/processed/ from the pinned raw sources.

Deterministic: the same raw bytes give the same table bytes (sorted rows, fixed column
order, `openness.core.io.write_csv`). The raw files are checked against data/sources.yaml first,
so the committed tables can only be rebuilt from the registered sources. Tables are written
to a temporary folder beside `out` and moved in only when all of them were built, so a
failed build leaves `out` as it was. No table holds source text: only identifiers,
bibliographic fields, offsets, counts and index ratings (see data/README.md)."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pooch
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from openness import paths
from openness.analysis.audit import precision_table
from openness.analysis.claims import find_claims
from openness.analysis.coded import FIGURE_COLUMNS, coded_figures, coding_view
from openness.analysis import keyness
from openness.analysis.criteria import criterion_table
from openness.analysis.protocol import protocol_table
from openness.analysis.quantify import gold_predictions
from openness.analysis.openwashing import gap_table, seed_comparison
from openness.analysis.validation import IssueMap, validation_tables
from openness.core.io import write_csv
from openness.core.labs import load_labs
from openness.core.outputs import check_output_folder
from openness.core.scoring import score_rows
from openness.data import gold2
from openness.data.catalogue import PARSERS
from openness.data.reference import lab_reference
from openness.data.registry import REGISTRY, Source, load_registry, source_dir
from openness.data.sources import SourceParser, aiaaic, audits, fmti, gold, issue_themes, mot, news, osai, seed

Frames = dict[str, dict[str, pd.DataFrame]]  # source id -> frame name -> frame
DOCUMENT_COLUMNS = ["doc_id", "source", "title", "author", "commenter_type", "commenter_lab", "published",
                    "year", "url", "post_id", "n_chars", "n_words", "n_sentences", "flags"]
NO_LAB = "none"
# Keyness vocabulary: one fit over every sentence of the corpus.
VOCABULARY = dict(lowercase=True, token_pattern=keyness.TOKEN_PATTERN, stop_words="english",
                  ngram_range=(1, 2), min_df=5)
MAX_TERMS = 3000


class BuildError(ValueError):
    """The build cannot run on these raw files; the message names the file and the way out."""


def build(out: Path = paths.PROCESSED, raw: Path | None = None, registry: Path = REGISTRY) -> pd.DataFrame:
    """Write every processed table to `out` from the raw files in `raw` (a folder holding
    <source>/; default: where `openness.data.registry.source_dir` finds them). Returns one
    row per table written: table, rows, columns, bytes, sha256."""
    check_output_folder("output folder", out)
    sources = load_registry(registry)
    frames = read_sources(verify_raw(sources, raw), sources)
    tables = build_tables(frames, sources)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as staging:
        for name, table in tables.items():
            write_csv(table, Path(staging) / name)
        for name, table in tables.items():
            data = (Path(staging) / name).read_bytes()
            rows.append({"table": name, "rows": len(table), "columns": table.shape[1], "bytes": len(data),
                         "sha256": hashlib.sha256(data).hexdigest()})
            os.replace(Path(staging) / name, out / name)
    return pd.DataFrame(rows, columns=["table", "rows", "columns", "bytes", "sha256"])


def verify_raw(sources: dict[str, Source], raw: Path | None = None) -> dict[str, Path]:
    """The folder of each source, after checking that it holds exactly the registered files,
    each with its registered sha256."""
    roots = {}
    for source in sources.values():
        folder = Path(raw) / source.id if raw is not None and source.home is None else source_dir(source.id)
        for file in source.files:
            path = folder / file.path
            if not path.is_file():
                raise BuildError(f"{path}: registered raw file is missing; run `openness data fetch`")
            if pooch.file_hash(str(path)) != file.sha256:
                raise BuildError(f"{path}: sha256 differs from data/sources.yaml ({source.id}); the build "
                                 "refuses to run on changed raw files: run `openness data fetch`")
        registered = {file.path for file in source.files}
        extra = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                       if p.is_file() and p.relative_to(folder).as_posix() not in registered)
        if extra:
            raise BuildError(f"{folder / extra[0]}: file not listed in data/sources.yaml ({source.id}"
                             f"{f', and {len(extra) - 1} more' if len(extra) > 1 else ''}); remove it, "
                             "or run `openness data fetch` into a clean folder")
        roots[source.id] = folder
    return roots


def read_sources(roots: dict[str, Path], sources: dict[str, Source],
                 parsers: tuple[SourceParser, ...] = PARSERS) -> Frames:
    """Every frame of every registered source, read by its parser from its folder."""
    by_id = {parser.id: parser for parser in parsers}
    unparsed, unregistered = sorted(set(sources) - set(by_id)), sorted(set(by_id) - set(sources))
    if unparsed:
        raise BuildError(f"source {unparsed[0]!r} of data/sources.yaml has no parser in openness.data.catalogue")
    if unregistered:
        raise BuildError(f"parser {unregistered[0]!r} of openness.data.catalogue is not in data/sources.yaml")
    return {sid: by_id[sid].frames(roots[sid]) for sid in sources}


def text_documents(frames: Frames) -> pd.DataFrame:
    """The documents of every text source (a source with a `documents` frame), by doc_id."""
    docs = pd.concat([parts["documents"] for _, parts in sorted(frames.items()) if "documents" in parts],
                     ignore_index=True)
    if docs.doc_id.duplicated().any():
        raise BuildError(f"doc_id shared by two text sources: {', '.join(docs.doc_id[docs.doc_id.duplicated()])}")
    return docs.sort_values("doc_id", ignore_index=True)


def source_tables(frames: Frames, sources: dict[str, Source],
                  parsers: tuple[SourceParser, ...] = PARSERS) -> dict[str, pd.DataFrame]:
    """The tables each source yields as they are (its parser's `tables`), and sources.csv."""
    by_id = {parser.id: parser for parser in parsers}
    tables = {name: table for sid in sources for name, table in by_id[sid].tables(frames[sid]).items()}
    return {**tables, "sources.csv": source_table(sources, frames, by_id)}


def build_tables(frames: Frames, sources: dict[str, Source]) -> dict[str, pd.DataFrame]:
    """Every processed table by file name, sorted and with its columns in order."""
    docs = text_documents(frames)
    scores = score_rows(docs[["doc_id", "text"]])
    osai_models, osai_ratings = frames[osai.SOURCE_ID]["models"], frames[osai.SOURCE_ID]["ratings"]
    fmti_scores, fmti_totals = frames[fmti.SOURCE_ID]["scores"], frames[fmti.SOURCE_ID]["totals"]
    labs = lab_reference(osai_models, osai_ratings, fmti_totals, frames[mot.SOURCE_ID]["models"], load_labs(),
                         mentioned=scores.mentions.lab.unique())
    sentences = scores.sentences.sort_values(["doc_id", "sentence"], ignore_index=True)
    term_table, term_totals = term_counts(docs, sentences, labs)
    claims = find_claims(docs[["doc_id", "text"]]).sort_values(["doc_id", "start", "end", "dimension"], ignore_index=True)
    mapping = IssueMap.from_tables(frames[issue_themes.SOURCE]["themes"], frames[issue_themes.SOURCE]["spellings"])
    validation = validation_tables(frames[gold.SOURCE]["dev"], osai_ratings, frames[aiaaic.SOURCE]["documents"], mapping)
    dev, gold2, check = frames[gold.SOURCE]["dev"], second_dev(frames), frames[gold.SOURCE]["check"]
    return {
        **source_tables(frames, sources),
        **{f"{name}.csv": table for name, table in validation.items()},
        "documents.csv": document_table(docs, scores.documents),
        "document_scores.csv": scores.documents.sort_values("doc_id", ignore_index=True),
        "sentence_scores.csv": sentences,
        "evidence.csv": scores.evidence.sort_values(["doc_id", "start", "end", "cue"], ignore_index=True),
        "mentions.csv": scores.mentions.sort_values(["doc_id", "start", "end"], ignore_index=True),
        "lab_frames.csv": scores.lab_frames.sort_values(["doc_id", "lab", "theme"], ignore_index=True),
        "labs.csv": labs,
        "claims.csv": claims,
        "openwashing.csv": gap_table(claims, osai_ratings, fmti_totals),
        "seed_claims.csv": seed_comparison(claims[claims.doc_id.isin(docs.doc_id[docs.source == seed.SOURCE])],
                                           osai_ratings, fmti_scores),
        "term_counts.csv": term_table,
        "term_totals.csv": term_totals,
        "gold_predictions.csv": gold_predictions(frames[gold.SOURCE]),
        "validation_protocol.csv": protocol_table(dev, check, gold2),
        "validation_criteria.csv": criterion_table({"dev": dev, "gold2": gold2, "check": check}),
        "audit_precision.csv": precision_table(frames[audits.SOURCE]["sheets"]),
        "validation_news.csv": news_figures(frames[audits.SOURCE]["coded"], frames[news.SOURCE]["scraped"]),
    }


def second_dev(frames: Frames) -> pd.DataFrame:
    """The gold2 sentences (`openness.data.gold2`), their text from the sources' documents."""
    return gold2.sentences(frames[audits.SOURCE]["coded"], {source: frames[source]["documents"]
                                                            for source in gold2.SOURCES})


# set -> stem ending of the news sheets: dev (news-coded, news2-coded, ...: cues were written
# from them), check (held out, drawn like dev) and stance (held out, drawn among sentences
# with a cue hit, where a side is taken often enough to measure stance on news)
NEWS_SETS = {"dev": "-coded", "check": "-check", "stance": "-stance"}


def news_figures(coded: pd.DataFrame, scraped: pd.DataFrame) -> pd.DataFrame:
    """The scorer against the coded news sentences, per set of `NEWS_SETS` (the held-out sets
    less any sentence also in a dev sheet), each sentence's text taken from the page as parsed
    by its offsets."""
    pages = scraped.set_index("doc_id")["raw"]
    news = coded[coded["sample"].str.startswith("news")]
    sets = {name: news[news["sample"].str.endswith(ending)] for name, ending in NEWS_SETS.items()}
    for name in ("check", "stance"):
        sets[name] = held_out(sets[name], sets["dev"])
    tables = []
    for name, rows in sets.items():
        views = [coding_view(group, pages, f"data/validation/{stem}.csv")
                 for stem, group in rows.groupby("sample", sort=True)]
        if views:
            tables.append(coded_figures(pd.concat(views, ignore_index=True)).assign(set=name))
    if not tables:
        return pd.DataFrame(columns=["set", *FIGURE_COLUMNS])
    table = pd.concat(tables, ignore_index=True)
    return table[["set", *FIGURE_COLUMNS]]


def held_out(check: pd.DataFrame, dev: pd.DataFrame) -> pd.DataFrame:
    """The check rows whose sentence is in no dev sheet (same page, overlapping offsets): a
    sentence drawn into both was seen while cues were written, so it measures nothing unseen."""
    pairs = check.reset_index().merge(dev[["doc_id", "start", "end"]], on="doc_id", suffixes=("", "_dev"))
    seen = pairs.loc[(pairs["start"] < pairs["end_dev"]) & (pairs["start_dev"] < pairs["end"]), "index"]
    return check.drop(index=seen.unique())


def document_table(docs: pd.DataFrame, doc_scores: pd.DataFrame) -> pd.DataFrame:
    """Bibliographic fields of every document; AIAAIC titles stay empty (the headline is the text)."""
    counts = doc_scores.set_index("doc_id")
    published = pd.to_datetime(docs["published"])
    table = pd.DataFrame({
        "doc_id": docs.doc_id, "source": docs.source,
        "title": docs.title.where(docs.source != aiaaic.SOURCE, ""),
        "author": docs.get("commenter"), "commenter_type": docs.get("commenter_type"),
        "commenter_lab": docs.get("lab"), "published": published.dt.strftime("%Y-%m-%d"),
        "year": docs.year.fillna(published.dt.year).astype("Int64"),
        "url": docs.get("url"), "post_id": docs.get("post_id"),
        "n_chars": docs.text.str.len().astype("int64"),
        "n_words": docs.doc_id.map(counts.n_words), "n_sentences": docs.doc_id.map(counts.n_sentences),
        "flags": docs["flags"],
    })
    text_columns = [c for c in DOCUMENT_COLUMNS if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
    table[text_columns] = table[text_columns].fillna("")
    return table[DOCUMENT_COLUMNS].sort_values("doc_id", ignore_index=True)


def sentence_groups(sentences: pd.DataFrame, labs: pd.DataFrame) -> pd.DataFrame:
    """(row, group) pairs: each sentence (by row position) once per openness group of the labs
    it names; `NO_LAB` for a sentence that names none."""
    group_of = labs.set_index("lab")["openness_group"]
    pairs = pd.DataFrame({"row": np.arange(len(sentences)), "lab": sentences["labs"].fillna("").str.split(";")})
    pairs = pairs.explode("lab")
    pairs["group"] = pairs["lab"].map(group_of).fillna(NO_LAB).where(pairs["lab"] != "", NO_LAB)
    return pairs[["row", "group"]].drop_duplicates().reset_index(drop=True)


def term_counts(docs: pd.DataFrame, sentences: pd.DataFrame, labs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts of each vocabulary term per document and openness group, nonzero only;
    counts of each term over the whole corpus, the keyness prior).

    The vocabulary is fitted once on every sentence (`VOCABULARY`) and cut to the `MAX_TERMS`
    most frequent terms, ties broken alphabetically, so it does not depend on sort stability.
    Sentences that name no lab (`NO_LAB`) are left out of the first table to keep it small;
    the second table counts them."""
    texts = docs.set_index("doc_id")["text"]
    sentence_text = [texts[d][s:e] for d, s, e in zip(sentences.doc_id, sentences.start, sentences.end)]
    vectorizer = CountVectorizer(**VOCABULARY)
    counts = vectorizer.fit_transform(sentence_text).tocsc()
    terms = vectorizer.get_feature_names_out()
    totals = np.asarray(counts.sum(axis=0)).ravel()
    keep = np.lexsort((terms, -totals))[:MAX_TERMS]
    counts, terms = counts[:, keep].tocsr(), terms[keep]
    corpus = pd.DataFrame({"term": terms, "count": totals[keep].astype("int64")}).sort_values("term", ignore_index=True)

    pairs = sentence_groups(sentences, labs)
    pairs = pairs[pairs.group != NO_LAB].reset_index(drop=True)
    keys = pd.DataFrame({"doc_id": sentences.doc_id.to_numpy()[pairs.row], "group": pairs.group})
    key_index, unique_keys = pd.MultiIndex.from_frame(keys).factorize(sort=True)
    assign = sp.csr_matrix((np.ones(len(pairs)), (key_index, pairs.row)), shape=(len(unique_keys), len(sentences)))
    summed = (assign @ counts).tocoo()
    table = pd.DataFrame({"doc_id": unique_keys.get_level_values(0)[summed.row],
                          "group": unique_keys.get_level_values(1)[summed.row],
                          "term": terms[summed.col], "count": summed.data.astype("int64")})
    return table[table["count"] > 0].sort_values(["doc_id", "group", "term"], ignore_index=True), corpus


def source_table(sources: dict[str, Source], frames: Frames, parsers: dict[str, SourceParser]) -> pd.DataFrame:
    """Provenance of every source: where from, licence, citation, size, what was parsed."""
    rows = []
    for sid, source in sources.items():
        frame, unit = parsers[sid].records
        table = frames[sid][frame]
        flags = next((table[c] for c in ("flags", "flag_reason") if c in table), pd.Series("", index=table.index))
        rows.append({"source": sid, "repo": source.repo or "", "commit": source.commit or "",
                     "licence": source.licence, "citation": source.citation, "files": len(source.files),
                     "bytes": sum(f.size for f in source.files), "unit": unit, "records": len(table),
                     "flagged": int((flags.fillna("") != "").sum())})
    return pd.DataFrame(rows).sort_values("source", ignore_index=True)
