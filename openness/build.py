"""Build every committed table of data/processed/ from the pinned raw sources.

Deterministic: the same raw bytes give the same table bytes (sorted rows, fixed column
order, `openness.io.write_csv`). The raw files are checked against data/sources.yaml first,
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
from openness.data import REGISTRY, Source, load_registry, source_dir
from openness.io import write_csv
from openness.labs import load_labs
from openness.outputs import check_output_folder
from openness.reference import lab_reference
from openness.scoring import score
from openness.sources import aiaaic, fmti, interconnects, mot, news, ntia, osai, seed
from openness.claims import find_claims
from openness.correction import gold_predictions
from openness.openwashing import gap_table, seed_comparison
from openness.validation import validation_tables
from openness.audit import audit_precision

TEXT_SOURCES = {"ntia-open-weights": ntia, "interconnects": interconnects, "aiaaic": aiaaic, "seed": seed,
                news.SOURCE: news}
DOCUMENT_COLUMNS = ["doc_id", "source", "title", "author", "commenter_type", "commenter_lab", "published",
                    "year", "url", "post_id", "n_chars", "n_words", "n_sentences", "flags"]
INCIDENT_COLUMNS = ["doc_id", "year", "occurred", "country", "sector", "deployers", "developers", "labs",
                    "system", "technology", "issues", "flags"]
NO_LAB = "none"
# Keyness vocabulary: one fit over every sentence of the corpus.
VOCABULARY = dict(lowercase=True, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b", stop_words="english",
                  ngram_range=(1, 2), min_df=5)
MAX_TERMS = 3000


class BuildError(ValueError):
    """The build cannot run on these raw files; the message names the file and the way out."""


def build(out: Path = paths.PROCESSED, raw: Path | None = None, registry: Path = REGISTRY) -> pd.DataFrame:
    """Write every processed table to `out` from the raw files in `raw` (a folder holding
    <source>/; default: where `openness.data.source_dir` finds them). Returns one row per
    table written: table, rows, columns, bytes, sha256."""
    check_output_folder("output folder", out)
    sources = load_registry(registry)
    roots = verify_raw(sources, raw)
    tables = build_tables(roots, sources)
    tables.update({f"{name}.csv": table for name, table in validation_tables(raw).items()})
    tables["gold_predictions.csv"] = gold_predictions(raw)
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
        folder = Path(raw) / source.id if raw is not None else source_dir(source.id)
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


def build_tables(roots: dict[str, Path], sources: dict[str, Source]) -> dict[str, pd.DataFrame]:
    """Every processed table by file name, sorted and with its columns in order."""
    docs = pd.concat([module.documents(roots[sid]) for sid, module in TEXT_SOURCES.items()], ignore_index=True)
    if docs.doc_id.duplicated().any():
        raise BuildError(f"doc_id shared by two text sources: {', '.join(docs.doc_id[docs.doc_id.duplicated()])}")
    docs = docs.sort_values("doc_id", ignore_index=True)
    scores = score(docs[["doc_id", "text"]])
    osai_models, osai_ratings = osai.models(roots["osai-index"]), osai.ratings(roots["osai-index"])
    fmti_scores, fmti_totals = fmti.scores(roots["fmti"]), fmti.totals(roots["fmti"])
    mot_models, mot_components = mot.models(roots["mot"]), mot.components(roots["mot"])
    incidents = docs[docs.source == aiaaic.SOURCE]
    labs = lab_reference(osai_models, osai_ratings, fmti_totals, mot_models, load_labs(),
                         mentioned=scores.mentions.lab.unique())
    sentences = scores.sentences.sort_values(["doc_id", "sentence"], ignore_index=True)
    term_table, term_totals = term_counts(docs, sentences, labs)
    claims = find_claims(docs[["doc_id", "text"]]).sort_values(["doc_id", "start", "end", "dimension"], ignore_index=True)
    records = {"osai-index": (osai_models, "model"), "fmti": (fmti_scores, "indicator score"),
               "mot": (mot_models, "model"), **{sid: (docs[docs.source == sid], "document") for sid in TEXT_SOURCES}}
    news_pages = news.pages(roots[news.SOURCE])  # every page read: kept as a document or set aside, with why
    records[news.SOURCE] = (news_pages.assign(flags=news_pages.status.where(news_pages.status != news.KEPT, "")), "page")
    return {
        "documents.csv": document_table(docs, scores.documents),
        "document_scores.csv": scores.documents.sort_values("doc_id", ignore_index=True),
        "sentence_scores.csv": sentences,
        "evidence.csv": scores.evidence.sort_values(["doc_id", "start", "end", "cue"], ignore_index=True),
        "mentions.csv": scores.mentions.sort_values(["doc_id", "start", "end"], ignore_index=True),
        "lab_frames.csv": scores.lab_frames.sort_values(["doc_id", "lab", "theme"], ignore_index=True),
        "labs.csv": labs,
        "osai_ratings.csv": osai_ratings[["model", "lab", "group", "dimension", "class", "link", "flag_reason"]]
        .sort_values(["model", "dimension"], ignore_index=True),
        "osai_models.csv": osai_models.drop(columns="notes").sort_values("model", ignore_index=True),
        "fmti_scores.csv": fmti_scores.sort_values(["edition", "developer", "indicator_no"], ignore_index=True),
        "fmti_totals.csv": fmti_totals.sort_values(["edition", "developer"], ignore_index=True),
        "mot_components.csv": mot_components.sort_values(["model", "component"], ignore_index=True, kind="stable"),
        "mot_models.csv": mot_models.sort_values("model", ignore_index=True),
        "aiaaic_incidents.csv": incidents[INCIDENT_COLUMNS].sort_values("doc_id", ignore_index=True),
        "aiaaic_duplicates.csv": aiaaic.duplicates(roots["aiaaic"]).sort_values(["doc_id", "csv_row"], ignore_index=True),
        "claims.csv": claims,
        "openwashing.csv": gap_table(claims, osai_ratings, fmti_totals),
        "seed_claims.csv": seed_comparison(claims[claims.doc_id.isin(docs.doc_id[docs.source == seed.SOURCE])],
                                           osai_ratings, fmti_scores),
        "term_counts.csv": term_table,
        "term_totals.csv": term_totals,
        "sources.csv": source_table(sources, records),
        "news_pages.csv": news_pages,
        "audit_precision.csv": audit_precision(),
    }


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


def source_table(sources: dict[str, Source], records: dict[str, tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """Provenance of every source: where from, licence, citation, size, what was parsed."""
    rows = []
    for sid, source in sources.items():
        table, unit = records[sid]
        flags = table["flags"] if "flags" in table else table["flag_reason"]
        rows.append({"source": sid, "repo": source.repo or "", "commit": source.commit or "",
                     "licence": source.licence, "citation": source.citation, "files": len(source.files),
                     "bytes": sum(f.size for f in source.files), "unit": unit, "records": len(table),
                     "flagged": int((flags.fillna("") != "").sum())})
    return pd.DataFrame(rows).sort_values("source", ignore_index=True)
