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

from .corpus import Corpus, CorpusError, iter_quietly, read_quietly
from .io import RunSummary, plural, round_floats
from .readers import asked_encoding, bom_encoding, csv_decoding, csv_separator, separator_name
from .outputs import OutputGroup, check_outputs, exit_with_parent
from .scoring import Scores, get_scorer
from .shards import CsvPlan, Share, plan_csv

DOCUMENT_COLUMNS = [
    "doc_id", "n_words", "transparency", "safety", "control",
    "transparency_stance", "safety_stance", "control_stance", "stance", "labs",
]
SENTENCE_COLUMNS = ["doc_id", "sentence", "start", "end"] + DOCUMENT_COLUMNS[1:]


def _chunks(source, text: str, id: str | None, chunksize: int, share: Share | None = None,
            encoding: str | None = None) -> Iterator[Corpus]:
    if isinstance(source, Corpus):
        if encoding is not None:
            raise CorpusError("Corpus: an encoding is for a CSV file or a folder's files; a Corpus holds text already")
        yield source
    elif isinstance(source, pd.DataFrame) or Path(source).is_dir():
        yield read_quietly(source, text=text, id=id, encoding=encoding)  # the rejects are the caller's to report
    else:
        yield from iter_quietly(source, text=text, id=id, chunksize=chunksize, share=share, encoding=encoding)


def _scored_chunks(source, text, id, chunksize, rubric, labs, keep, encoding=None, share: Share | None = None):
    """(index, keep(chunk, scores)) for the chunks of `source` this process reads."""
    scorer = get_scorer(rubric, labs)
    for index, chunk in enumerate(_chunks(source, text, id, chunksize, share, encoding)):
        if share is None or share.wants(index):
            yield index, keep(chunk, scorer.score(chunk.docs))


class _Peers:
    """One worker's share of a file read by several (see `openness.core.shards.Share`): every
    n-th chunk is its own; what each chunk kept (ids and 16-byte text digests, never texts)
    is posted to the other workers, whose duplicate checks wait for it."""

    def __init__(self, worker: int, inboxes: list, csv_plan: CsvPlan | None):
        self.worker, self.inboxes, self.csv_plan = worker, inboxes, csv_plan
        self.learned = 0  # other workers' chunks taken in so far

    def wants(self, index: int) -> bool:
        return index % len(self.inboxes) == self.worker

    def learn(self, index: int) -> Iterator[tuple[list[str], list[bytes]]]:
        mine = (index + len(self.inboxes) - 1 - self.worker) // len(self.inboxes)  # own chunks before `index`
        while self.learned < index - mine:
            try:
                ids, digests = self.inboxes[self.worker].get(timeout=1.0)
            except queue.Empty:
                if not multiprocessing.parent_process().is_alive():
                    raise SystemExit("the process that started this worker is gone") from None
                continue
            self.learned += 1
            yield ids, digests

    def tell(self, index: int, ids: list[str], digests: list[bytes]) -> None:
        for worker, inbox in enumerate(self.inboxes):
            if worker != self.worker:
                inbox.put((ids, digests))  # any order will do: only chunks before a worker's next can arrive


def _shard_worker(results, arguments, share: _Peers) -> None:
    exit_with_parent()
    try:
        for item in _scored_chunks(*arguments, share=share):
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


def _in_order(source, text, id, chunksize, rubric, labs, keep, n_jobs: int, encoding: str | None = None) -> Iterator:
    """keep(chunk, scores) for every chunk, in input order. With n_jobs > 1 and a file
    input, each worker process reads its own chunks of the file (a CSV file is first cut
    at record boundaries, see `openness.core.shards`) and scores them; no text travels between
    processes, and the parent only puts the results back in order."""
    arguments = (source, text, id, chunksize, rubric, labs, keep, encoding)
    if n_jobs <= 1 or isinstance(source, (Corpus, pd.DataFrame)) or Path(source).is_dir():
        for _, item in _scored_chunks(*arguments):
            yield item
        return
    # the byte plan assumes UTF-8; a codec the user named is read from the top by every worker
    plan = plan_csv(source, chunksize) if Path(source).suffix.lower() == ".csv" and encoding is None else None
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    queues = [context.Queue(maxsize=2) for _ in range(n_jobs)]
    inboxes = [context.Queue() for _ in range(n_jobs)]
    workers = [
        context.Process(target=_shard_worker, args=(queues[w], arguments, _Peers(w, inboxes, plan)), daemon=True)
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


def _with_rejects(chunk: Corpus, scores: Scores) -> Scores:
    scores.rejects = chunk.rejects
    return scores


def score_iter(
    source,
    chunksize: int = 10_000,
    rubric=None,
    labs=None,
    text: str = "text",
    id: str | None = None,
    n_jobs: int = 1,
    progress: bool | None = None,
    encoding: str | None = None,
) -> Iterator[Scores]:
    """Yield the Scores of each chunk of `source` (a CSV, JSONL or Parquet file, a folder,
    a DataFrame or a Corpus), in input order, whatever `n_jobs`; each holds its chunk's
    rejects, so that read = scored + rejected over the chunks. `progress=True` shows a bar
    (a widget in JupyterLab); by default only in a terminal. `encoding` as for `read_corpus`."""
    with _progress_bar(progress) as bar:
        for scores in _in_order(source, text, id, chunksize, rubric, labs, _with_rejects, n_jobs, encoding):
            bar.update(len(scores.documents) + len(scores.rejects))
            yield scores


def _progress_bar(progress: bool | None) -> tqdm:
    """Documents read so far; silent unless asked for or on a terminal, so that logs and
    executed notebooks stay the same from run to run."""
    show = sys.stderr.isatty() if progress is None else progress
    return tqdm(disable=not show, unit="doc", desc="scoring")


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
    stance: str = "rubric",
    encoding: str | None = None,
) -> RunSummary:
    """Score `source` into `output` (one row per document or sentence), writing chunk by
    chunk; bad rows go to `<output stem>.rejects.csv`. The files appear only when all are
    complete; a path that would destroy an input or another output is refused first.
    `stance="model"` takes the stance column from `openness.core.stance_model`; `encoding`
    is as for `read_corpus`."""
    check_outputs({"input": source, "rubric": rubric, "labs": labs}, output=output, evidence=evidence)
    output = Path(output)
    if stance == "model":  # loaded once here, so that worker processes start with it
        from .stance_model import load

        load()
    rejects: list[pd.DataFrame] = []
    n_read = n_scored = n_flagged = 0
    first_flag = None
    note = input_note(source, encoding)
    with OutputGroup() as group, _progress_bar(progress) as bar:
        table, hits = _CsvSink(group, output), _CsvSink(group, evidence)
        keep = functools.partial(_for_csv, unit=unit, evidence=evidence is not None, stance=stance, said=note)
        for chunk_read, chunk_rejects, rows, chunk_hits, (chunk_flagged, first) in _in_order(
                source, text, id, chunksize, rubric, labs, keep, n_jobs, encoding):
            table.append(rows)
            hits.append(chunk_hits)
            rejects.append(chunk_rejects)
            n_flagged, first_flag = n_flagged + chunk_flagged, first_flag or first
            n_read += chunk_read
            n_scored += chunk_read - len(chunk_rejects)
            bar.update(chunk_read)
        rejected = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame()
        rejects_written = group.write_rejects(rejected, output)
    notes = "; ".join(filter(None, [note, flags_note(n_flagged, first_flag)]))
    return RunSummary(n_read, n_scored, len(rejected), output, rejects_written, "scored", notes or None,
                      (("cue hits", Path(evidence)),) if evidence is not None else ())


def flagged(flags: pd.DataFrame, said: str | None) -> tuple[int, tuple[str, str] | None]:
    """(documents carrying a flag that the input note `said` does not say already, the first
    (doc_id, flag)): a folder's file decoded as Windows-1252, a date that is none. A CSV
    file's decoding flags every row it touches with the note that `input_note` holds, so those
    are left to the note."""
    flags = flags[[said is None or flag not in said for flag in flags["flag"]]]
    return (0, None) if flags.empty else (flags["doc_id"].nunique(), tuple(flags.iloc[0][["doc_id", "flag"]]))


def reading_notes(source, encoding: str | None, flags: pd.DataFrame | None = None) -> list[str]:
    """For the summary of a command that reads its input whole (claims, audit): the input note
    and, of `flags`, what it does not say already (see `flagged`), those that apply."""
    note = input_note(source, encoding)  # once: it decodes the whole file
    counted = flags_note(*flagged(flags, note)) if flags is not None else None
    return [text for text in (note, counted) if text]


def flags_note(n_flagged: int, first: tuple[str, str] | None) -> str | None:
    """For a command's summary, whose output has no column for the flags: how many documents
    carry one (see `flagged`), and the first."""
    if not n_flagged:
        return None
    return (f"{n_flagged} {plural('document', n_flagged)} flagged (first: {first[0]}, {first[1]}; in Python "
            "`read_corpus(...).flags` lists them)")


def input_note(source, encoding: str | None = None) -> str | None:
    """How a table file was read when a user may not expect it, for the summary: 'input decoded
    from UTF-16 (byte order mark)', 'input decoded as Windows-1252: not valid UTF-8 (first
    invalid byte at offset N)' (a CSV file), 'input decoded with replacement: not valid gbk
    (...)' (a CSV file in the `encoding` the user named), 'fields separated by ';', as in
    the header'. None for anything else, and for a path that is no file: the reader says why."""
    if isinstance(source, (Corpus, pd.DataFrame)) or Path(source).suffix.lower() not in (".csv", ".jsonl", ".ndjson") \
            or not Path(source).is_file():
        return None
    if Path(source).suffix.lower() != ".csv":
        bom = bom_encoding(source)
        return f"input decoded from {bom} (byte order mark)" if bom else None
    codec, decoded = csv_decoding(Path(source), asked=encoding and asked_encoding(encoding))
    separator = csv_separator(Path(source), codec)
    notes = ([f"input {decoded}"] if decoded else []) + \
        ([f"fields separated by {separator_name(separator)}, as in the header"] if separator != "," else [])
    return "; ".join(notes) or None


def _for_csv(chunk: Corpus, scores: Scores, unit: str, evidence: bool, stance: str = "rubric", said: str | None = None):
    """Only what score_to_csv writes, already as CSV text (header, rows), and its flags counted
    (`flagged`, against the input note `said`): workers send back no document texts, and the
    process putting the chunks together has little to do."""
    if stance == "model":
        from .stance_model import with_model_stance

        scores = with_model_stance(scores)
    frame = scores.documents if unit == "document" else scores.sentences
    columns = DOCUMENT_COLUMNS if unit == "document" else SENTENCE_COLUMNS
    frame = frame[columns + [c for c in frame.columns if c not in columns]]
    return (chunk.n_read, chunk.rejects, _csv_text(frame), _csv_text(scores.evidence) if evidence else None,
            flagged(chunk.flags, said))


def _csv_text(frame: pd.DataFrame) -> tuple[str, str]:
    rows = round_floats(frame).to_csv(index=False, lineterminator="\n")
    header_end = rows.index("\n") + 1
    return rows[:header_end], rows[header_end:]


class _CsvSink:
    """Append CSV text to one output of a group (see `openness.core.outputs.OutputGroup`)."""

    def __init__(self, group: OutputGroup, path: str | os.PathLike | None):
        self._handle = group.open(path) if path is not None else None
        self._header = True

    def append(self, text: tuple[str, str] | None) -> None:
        """Add (header, rows); the header only the first time."""
        if self._handle is not None and text is not None:
            self._handle.write(text[0] + text[1] if self._header else text[1])
            self._header = False
