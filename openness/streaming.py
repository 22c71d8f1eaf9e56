"""Score corpora larger than memory: chunk by chunk, optionally in several processes,
writing results as they come, with the same rows and bytes as one in-memory run."""
from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import queue
import sys
from pathlib import Path
from typing import Iterator

import pandas as pd
from tqdm.auto import tqdm

from .corpus import Corpus, iter_corpus, read_corpus
from .io import RunSummary, atomic_path, round_floats, write_rejects
from .scoring import Scores, get_scorer

DOCUMENT_COLUMNS = [
    "doc_id", "n_words", "transparency", "safety", "control",
    "transparency_stance", "safety_stance", "control_stance", "stance", "labs",
]
SENTENCE_COLUMNS = ["doc_id", "sentence", "start", "end"] + DOCUMENT_COLUMNS[1:]


def _chunks(source, text: str, id: str | None, chunksize: int, wanted=None) -> Iterator[Corpus]:
    if isinstance(source, Corpus):
        yield source
    elif isinstance(source, pd.DataFrame) or Path(source).is_dir():
        yield read_corpus(source, text=text, id=id)
    else:
        yield from iter_corpus(source, text=text, id=id, chunksize=chunksize, wanted=wanted)


def _scored_chunks(source, text, id, chunksize, rubric, labs, keep, worker: int = 0, n_workers: int = 1):
    """(index, keep(chunk, scores)) for the chunks of `source` that fall to `worker`.
    Every worker reads the whole input (parsing is cheap next to scoring), so duplicate
    checks see every earlier row, and scores only its own share of the chunks."""
    scorer = get_scorer(rubric, labs)
    mine = functools.partial(_falls_to, worker=worker, n_workers=n_workers)
    for index, chunk in enumerate(_chunks(source, text, id, chunksize, mine if n_workers > 1 else None)):
        if mine(index):
            yield index, keep(chunk, scorer.score(chunk.docs))


def _falls_to(index: int, worker: int, n_workers: int) -> bool:
    return index % n_workers == worker


def _shard_worker(results, arguments, worker: int, n_workers: int) -> None:
    try:
        for item in _scored_chunks(*arguments, worker=worker, n_workers=n_workers):
            results.put(item)
        results.put(None)
    except BaseException as error:  # handed to the parent, which raises it
        results.put(error)


def _next_result(results, worker) -> object:
    """The worker's next result; an error, not a hang, when the worker died without one
    (killed, out of memory)."""
    while True:
        try:
            return results.get(timeout=1.0)
        except queue.Empty:
            if not worker.is_alive():
                try:
                    return results.get(timeout=1.0)  # what it put just before exiting
                except queue.Empty:
                    raise RuntimeError(f"a scoring worker stopped (exit code {worker.exitcode}) before it "
                                       "finished; no output was written") from None


def _in_order(source, text, id, chunksize, rubric, labs, keep, n_jobs: int) -> Iterator:
    """keep(chunk, scores) for every chunk, in input order. With n_jobs > 1 and a file
    input, each worker process reads the file itself and scores every n-th chunk (no text
    travels between processes); the parent only puts the results back in order."""
    arguments = (source, text, id, chunksize, rubric, labs, keep)
    if n_jobs <= 1 or isinstance(source, (Corpus, pd.DataFrame)) or Path(source).is_dir():
        for _, item in _scored_chunks(*arguments):
            yield item
        return
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    queues = [context.Queue(maxsize=2) for _ in range(n_jobs)]
    workers = [
        context.Process(target=_shard_worker, args=(queues[w], arguments, w, n_jobs), daemon=True)
        for w in range(n_jobs)
    ]
    for process in workers:
        process.start()
    try:
        for index in itertools.count():
            item = _next_result(queues[index % n_jobs], workers[index % n_jobs])
            if isinstance(item, BaseException):
                raise item
            if item is None:
                break
            yield item[1]
    finally:
        for process in workers:
            process.kill()
            process.join()


def _whole(chunk: Corpus, scores: Scores) -> tuple[Corpus, Scores]:
    return chunk, scores


def score_iter(
    source,
    chunksize: int = 10_000,
    rubric=None,
    labs=None,
    text: str = "text",
    id: str | None = None,
    n_jobs: int = 1,
) -> Iterator[tuple[Corpus, Scores]]:
    """Yield (corpus chunk, its Scores) for each chunk of `source` (a CSV, JSONL or
    Parquet file, a folder, a DataFrame or a Corpus), in input order, whatever `n_jobs`."""
    yield from _in_order(source, text, id, chunksize, rubric, labs, _whole, n_jobs)


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
) -> RunSummary:
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
        keep = functools.partial(_for_csv, unit=unit, evidence=evidence is not None)
        for chunk_read, chunk_rejects, frame, chunk_hits in _in_order(source, text, id, chunksize, rubric, labs, keep, n_jobs):
            table.append(frame[columns + [c for c in frame.columns if c not in columns]])
            hits.append(chunk_hits)
            rejects.append(chunk_rejects)
            n_read += chunk_read
            n_scored += chunk_read - len(chunk_rejects)
            bar.update(chunk_read)
    rejected = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame()
    return RunSummary(n_read, n_scored, len(rejected), output, write_rejects(rejected, output), "scored")


def _for_csv(chunk: Corpus, scores: Scores, unit: str, evidence: bool):
    """Only what score_to_csv writes, so that workers send back no texts."""
    frame = scores.documents if unit == "document" else scores.sentences
    return chunk.n_read, chunk.rejects, frame, scores.evidence if evidence else None


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

    def append(self, frame: pd.DataFrame | None) -> None:
        if self._handle is not None and frame is not None:
            round_floats(frame).to_csv(self._handle, index=False, header=self._header, lineterminator="\n")
            self._header = False

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self._handle.close()
            self._context.__exit__(*exc)

