"""The files a run writes: checked before any work, put in place together, and never one
that is a user's input, another output of the run, or not a regular file.

`check_outputs` refuses, with one line naming both paths, an output that is (by real path
or by device and inode, so symlinks, hard links and `..` spellings are caught) an input or
another output, lies inside an input folder (the folder reader would take it in on the next
run), is a folder, device or FIFO, lies below a file, or is empty; and an existing file that
no earlier run wrote (a table, evidence or rejects file of openness, told by its header, is
replaced; a user's file of that name, a corpus with a `doc_id` column among them, is not).
Writing to standard output (`-`, `/dev/stdout`, anything in /dev or /proc) is refused too:
the tables go to files, the summary to stderr.

`OutputGroup` writes every output of a run to a hidden temporary file beside it and renames
them in place only when all were written; on any error or interruption it removes its
temporary files, so the earlier outputs stay as they were. A write error (permission, disk
full) becomes an `OutputError` naming the file. `exit_with_parent` ends a worker whose parent
vanished (`openness.core.interrupts` makes SIGTERM end a run as cleanly as Ctrl-C does).
"""
from __future__ import annotations

import contextlib
import csv
import ctypes
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pandas as pd

from .interrupts import signals_held
from .io import path_name, round_floats, temporary_beside


class OutputError(ValueError):
    """An output path that would destroy a user's file, or a write that failed."""


_SAID = {"left_out": "left-out file"}  # roles of check_outputs as messages name them
REJECTS_COLUMNS = ("location", "doc_id", "reason")  # the header of every rejects file a run writes
_LONGEST_HEADER = 4096  # characters read of a file's first line to tell whose it is
# The header of every table a run writes: document scores, sentence scores, evidence, claims,
# claims left out (with their reason) and claims with a dimension column. A file at an output
# path is an earlier output (replaced) only when its header is one of them: `doc_id` alone is
# also the first column of many a user's corpus, and a user's sheet may start with a table's
# columns and add notes.
_SCORES = ("transparency", "safety", "control", "transparency_stance", "safety_stance", "control_stance",
           "stance", "labs")
OUTPUT_HEADERS = (
    ("doc_id", "n_words", *_SCORES, "n_sentences", "transparency_rate", "safety_rate", "control_rate",
     "rubric_id", "rubric_version", "rubric_hash"),
    ("doc_id", "sentence", "start", "end", "n_words", *_SCORES),
    ("doc_id", "sentence", "start", "end", "theme", "criterion", "cue", "stance", "negated"),
    ("doc_id", "sentence", "start", "end", "dimension", "level", "labs", "models", "cue"),
    ("doc_id", "sentence", "start", "end", "dimension", "level", "labs", "models", "cue", "reason"),
    ("doc_id", "dimension", "level"),
)


def rejects_path(output: str | os.PathLike) -> Path:
    """Where the rejects of a run writing `output` go: `<output stem>.rejects.csv` beside it."""
    output = Path(output)
    return output.with_name(f"{output.stem}.rejects.csv")


def check_outputs(inputs: dict[str, object], **outputs: str | os.PathLike | None) -> None:
    """Refuse (OutputError) any of `outputs` (role=path, None when unused; with `output`
    comes its rejects file) that is not a new or regular file, or is the same file as one
    of `inputs` (role -> path; values that are not paths, such as DataFrames, are skipped)
    or as another output. Called before any work; a role is said as a user knows it
    (`_SAID`)."""
    outputs = {_SAID.get(role, role): path for role, path in outputs.items() if path is not None}
    for role, path in outputs.items():
        _check_writable_place(role, path)
    if "output" in outputs:
        outputs["rejects file"] = rejects_path(outputs["output"])
    named = [(f"the {role}", Path(path)) for role, path in inputs.items() if isinstance(path, (str, os.PathLike))]
    for role, path in outputs.items():
        path = Path(path)
        for other_role, other in named:
            if _same_file(path, other):
                raise OutputError(f"{role} {path_name(path)} is {other_role} {path_name(other)}: writing it would destroy it; "
                                  "choose another output path")
            if other.is_dir() and Path(os.path.realpath(path)).is_relative_to(os.path.realpath(other)):
                raise OutputError(f"{role} {path_name(path)} lies inside {other_role} folder {path_name(other)}: the next run would "
                                  "read it as part of the corpus; write it elsewhere")
        named.append((f"the {role}", path))
    for role in ("output", "evidence", "left-out file"):
        if role in outputs and not _earlier_output_or_absent(Path(outputs[role]), OUTPUT_HEADERS):
            raise OutputError(f"{role} {path_name(outputs[role])} exists and is not an earlier output of openness (a "
                              "readable file whose header is that of a scores, evidence or claims table, e.g. "
                              f"{','.join(OUTPUT_HEADERS[2])}): this run would replace it; move it, or choose "
                              "another output path")
    rejects = outputs.get("rejects file")
    if rejects is not None and not _earlier_output_or_absent(rejects, (REJECTS_COLUMNS,)):
        raise OutputError(f"rejects file {path_name(rejects)} is not the rejects of an earlier run (a readable file "
                          f"whose first line is {','.join(REJECTS_COLUMNS)!r}): this run would replace or remove it; "
                          "move it, or choose another output name")


def _earlier_output_or_absent(path: Path, headers: tuple[tuple[str, ...], ...]) -> bool:
    """Whether `path` does not exist, or is a regular file whose header (first line, as CSV)
    is one of `headers`: an earlier run's output may be replaced or removed; a user's file of
    that name, or one that cannot be read to tell, may not."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            return False
        if status.st_size == 0:  # nothing to lose
            return True
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as file:
            line = file.readline(_LONGEST_HEADER)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return tuple(next(csv.reader([line]), [])) in headers


def check_output_folder(role: str, path: str | os.PathLike) -> None:
    """Refuse (OutputError) a folder to write into that is a file, or lies below one."""
    if os.fspath(path) == "":
        raise OutputError(f"{role} '' is not a folder name: name the folder to write into")
    if Path(path).exists() and not Path(path).is_dir():
        raise OutputError(f"{role} {path_name(path)} is not a folder: name a folder to write the tables into")
    _check_parents(role, Path(path))


_SYSTEM_FOLDERS = ("/dev", "/proc", "/sys")  # /dev/stdout is a symlink the rename would replace


# suffixes of table formats other than CSV: a file so named would hold CSV and fail in the
# program that opens it by its name
_OTHER_FORMATS = {".parquet": "Parquet", ".pq": "Parquet", ".xlsx": "an Excel workbook", ".xls": "an Excel workbook",
                  ".json": "JSON", ".jsonl": "JSON lines", ".ndjson": "JSON lines", ".feather": "Feather",
                  ".arrow": "Arrow", ".tsv": "tab-separated values", ".ods": "a spreadsheet",
                  **dict.fromkeys([".gz", ".tgz", ".bz2", ".xz", ".zip", ".zst", ".7z", ".lz4", ".tar"], "compressed")}


def _check_writable_place(role: str, path: str | os.PathLike) -> None:
    if os.fspath(path) in ("", "-"):
        raise OutputError(f"{role} {os.fspath(path)!r} is not a file name: name the file to write "
                          "(output to standard output is not supported)")
    path = Path(path)
    if path.suffix.lower() in _OTHER_FORMATS:
        raise OutputError(f"{role} {path_name(path)} is named as {_OTHER_FORMATS[path.suffix.lower()]}, but openness "
                          "writes plain CSV: name it .csv (pandas reads it into any other format)")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        mode = None  # a parent is a file: reported below
    except OSError as error:
        raise OutputError(f"{role} {path_name(path)}: cannot check it: {error.strerror}") from error
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"{role} {path_name(path)} is {_kind(mode)}, not a regular file: name a file to write")
    given = os.path.abspath(path)
    for spelling in (given, os.path.realpath(path)):
        folder = next((folder for folder in _SYSTEM_FOLDERS if Path(spelling).is_relative_to(folder)), None)
        if folder is not None:
            where = f"lies in {folder}" if spelling == given else f"leads to {path_name(spelling)}, in {folder}"
            raise OutputError(f"{role} {path_name(path)} {where}, among the system's devices: name a file to write "
                              "(output to standard output is not supported)")
    _check_parents(role, path)


def _check_parents(role: str, path: Path) -> None:
    """The nearest existing folder above `path` must be a folder (mkdir makes the rest)."""
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"{role} {path_name(path)} lies below {path_name(parent)}, which is a file, not a folder")
            break


def _kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file: the same real path, or the same device and inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samestat(os.stat(a), os.stat(b))
    except OSError:
        return False  # one does not exist (yet): the real paths said all there is


class OutputGroup:
    """The outputs of one run: written to temporary files beside them, renamed into place
    together when the `with` block ends without error, removed otherwise."""

    def __init__(self) -> None:
        self._temporary: dict[Path, Path] = {}  # final path -> temporary path, in writing order
        self._handles: list = []
        self._stale: list[Path] = []

    def __enter__(self) -> "OutputGroup":
        return self

    def open(self, path: str | os.PathLike) -> "_NamedWriter":
        """A text handle on a new temporary file for `path`."""
        target = Path(path)
        with _naming(target):
            with signals_held():  # a signal before it is recorded here would leave the new file behind
                tmp = self._temporary[target] = temporary_beside(target)
            handle = _NamedWriter(target, open(tmp, "w", encoding="utf-8", newline=""))
        self._handles.append(handle)
        return handle

    def write_csv(self, df: pd.DataFrame, path: str | os.PathLike) -> Path:
        """Write `df` as `openness.core.io.write_csv` would, as part of the group."""
        self.open(path).write(round_floats(df).to_csv(index=False, lineterminator="\n"))
        return Path(path)

    def write_rejects(self, rejects: pd.DataFrame, output: str | os.PathLike) -> Path | None:
        """The rejects of the run writing `output`; a run without any removes an earlier
        run's rejects file, which would mislead (never a file of the user's: `check_outputs`
        refuses the run, and a file that is not a rejects file is left alone here too)."""
        path = rejects_path(output)
        if len(rejects):
            return self.write_csv(rejects, path)
        if _earlier_output_or_absent(path, (REJECTS_COLUMNS,)):
            self._stale.append(path)
        return None

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                for handle in self._handles:
                    handle.close()
                self._commit()
        finally:
            for handle in self._handles:
                with contextlib.suppress(OutputError):
                    handle.close()
            for tmp in self._temporary.values():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)

    def _commit(self) -> None:
        """Rename every temporary file into place, then remove stale files; SIGINT and
        SIGTERM wait until this is done, so that a run is not left half in place."""
        with signals_held():
            for target, tmp in self._temporary.items():
                with _naming(target):
                    os.replace(tmp, target)
            for path in self._stale:
                with _naming(path):
                    path.unlink(missing_ok=True)


class _NamedWriter:
    """A text handle whose errors name the output it is writing."""

    def __init__(self, target: Path, handle) -> None:
        self.target, self._handle = target, handle

    def write(self, text: str) -> None:
        with _naming(self.target):
            self._handle.write(text)

    def close(self) -> None:
        if not self._handle.closed:
            with _naming(self.target):
                self._handle.close()


@contextlib.contextmanager
def _naming(target: Path) -> Iterator[None]:
    """Turn an OS error while writing `target` into one line naming it."""
    try:
        yield
    except OSError as error:
        raise OutputError(f"cannot write {path_name(target)}: {error.strerror or error}; the earlier output, if any, "
                          "is left as it was") from error


_PR_SET_PDEATHSIG = 1


def exit_with_parent() -> None:
    """Called first in a worker process: end it when the process that started it is gone
    (killed with SIGKILL, which runs no cleanup). Linux kills it at once (PR_SET_PDEATHSIG);
    elsewhere a thread checks every second whether it was handed to another parent."""
    parent = multiprocessing.parent_process()
    parent_pid = parent.pid if parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent_pid:
                    os._exit(1)  # the parent died before the request was made
                return
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(1)
