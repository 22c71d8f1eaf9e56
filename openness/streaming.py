"""Score corpora larger than memory: chunk by chunk, optionally in several processes,
writing results as they come, with the same rows and bytes as one in-memory run."""
from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd
from tqdm.auto import tqdm

from .corpus import Corpus, iter_corpus, read_corpus
from .io import atomic_path, round_floats
from .scoring import Scores, get_scorer

DOCUMENT_COLUMNS = [
    "doc_id", "n_words", "transparency", "safety", "control",
    "transparency_stance", "safety_stance", "control_stance", "stance", "labs",
]
SENTENCE_COLUMNS = ["doc_id", "sentence", "start", "end"] + DOCUMENT_COLUMNS[1:]


def _chunks(source, text: str, id: str | None, chunksize: int) -> Iterator[Corpus]:
    if isinstance(source, Corpus):
        yield source
    elif isinstance(source, pd.DataFrame) or Path(source).is_dir():
        yield read_corpus(source, text=text, id=id)
    else:
        yield from iter_corpus(source, text=text, id=id, chunksize=chunksize)


_worker_scorer = None


def _init_worker(rubric, labs) -> None:
    global _worker_scorer
    _worker_scorer = get_scorer(rubric, labs)


def _score_in_worker(docs: pd.DataFrame) -> Scores:
    return _worker_scorer.score(docs)


def score_iter(
    source,
    chunksize: int = 10_000,
    rubric=None,
    labs=None,
    text: str = "text",
    id: str | None = None,
    n_jobs: int = 1,
) -> Iterator[tuple[Corpus, Scores]]:
    """Yield (corpus chunk, its Scores) for each chunk of `source` (a path, a DataFrame
    or a Corpus), in input order, whatever `n_jobs` is."""
    chunks = _chunks(source, text, id, chunksize)
    if n_jobs == 1:
        scorer = get_scorer(rubric, labs)
        for chunk in chunks:
            yield chunk, scorer.score(chunk.docs)
        return
    context = multiprocessing.get_context("spawn" if sys.platform == "win32" else "fork")
    with context.Pool(n_jobs, initializer=_init_worker, initargs=(rubric, labs)) as pool:
        pending: list = []
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_score_in_worker, (chunk.docs[["doc_id", "text"]],))))
            if len(pending) > 2 * n_jobs:
                done, result = pending.pop(0)
                yield done, result.get()
        for done, result in pending:
            yield done, result.get()


@dataclass
class Summary:
    """What a scoring run read, kept and rejected, and where it wrote."""

    n_read: int
    n_scored: int
    n_rejected: int
    output: Path
    rejects: Path | None

    def describe(self) -> str:
        text = f"scored {self.n_scored} of {self.n_read} documents -> {self.output}"
        if self.rejects:
            text += f"; {self.n_rejected} rejected -> {self.rejects}"
        return text


def score_to_csv(
    source,
    output: str | os.PathLike,
    *,
    text: str = "text",
    id: str | None = None,
    unit: str = "document",
    rubric=None,
    labs=None,
    evidence: str | os.PathLike | None = None,
    chunksize: int = 10_000,
    n_jobs: int = 1,
    progress: bool | None = None,
) -> Summary:
    """Score `source` into `output` (one row per document or sentence), writing chunk by
    chunk; bad rows go to `<output stem>.rejects.csv`. Files appear only when complete."""
    output = Path(output)
    show = sys.stderr.isatty() if progress is None else progress
    columns = DOCUMENT_COLUMNS if unit == "document" else SENTENCE_COLUMNS
    rejects: list[pd.DataFrame] = []
    n_read = n_scored = 0
    with _CsvSink(output) as table, _CsvSink(evidence) as hits, tqdm(
        disable=not show, unit="doc", desc="scoring"
    ) as bar:
        for chunk, scores in score_iter(source, chunksize, rubric, labs, text, id, n_jobs):
            frame = scores.documents if unit == "document" else scores.sentences
            table.append(frame[columns + [c for c in frame.columns if c not in columns]])
            hits.append(scores.evidence)
            rejects.append(chunk.rejects)
            n_read += chunk.n_read
            n_scored += len(chunk.docs)
            bar.update(chunk.n_read)
    rejected = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame()
    rejects_path = None
    if len(rejected):
        rejects_path = output.with_name(f"{output.stem}.rejects.csv")
        with _CsvSink(rejects_path) as sink:
            sink.append(rejected)
    return Summary(n_read, n_scored, len(rejected), output, rejects_path)


class _CsvSink:
    """Append DataFrames to a CSV that is renamed into place only when all went well."""

    def __init__(self, path: str | os.PathLike | None):
        self.path = Path(path) if path is not None else None
        self._context = None
        self._handle = None
        self._header = True

    def __enter__(self) -> "_CsvSink":
        if self.path is not None:
            self._context = atomic_path(self.path)
            self._handle = open(self._context.__enter__(), "w", encoding="utf-8", newline="")
        return self

    def append(self, frame: pd.DataFrame) -> None:
        if self._handle is not None:
            round_floats(frame).to_csv(self._handle, index=False, header=self._header, lineterminator="\n")
            self._header = False

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self._handle.close()
            self._context.__exit__(*exc)

