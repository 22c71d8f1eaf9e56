"""Atomic, deterministic writes: a reader never sees half a file, and the same table
gives the same bytes on every machine."""
from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd

from .interrupts import signals_held

SIGNIFICANT_DIGITS = 6


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it over `path` only if the block succeeds."""
    tmp = None
    try:
        with signals_held():  # a signal before `tmp` is set would leave the new file behind
            tmp = temporary_beside(Path(path))
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def temporary_beside(target: Path) -> Path:
    """A new empty file `.<name>.<random>.tmp` beside `target` (its folder made if need be),
    hidden from folder readers, with the mode a plain new file gets."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes owner-only files
    return Path(tmp)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def round_floats(df: pd.DataFrame, digits: int = SIGNIFICANT_DIGITS) -> pd.DataFrame:
    """Round float columns to `digits` significant digits so the last bits of a machine's
    arithmetic never reach a committed file."""
    out = df.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: float(f"{v:.{digits}g}") if pd.notna(v) else v)
    return out


def write_csv(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write `df` as UTF-8 CSV with '\\n' line ends and rounded floats, atomically."""
    with atomic_path(path) as tmp:
        round_floats(df).to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return Path(path)


def plural(noun: str, n: int) -> str:
    """`noun` as a summary counts `n` of it: "1 row", "2 rows"."""
    return noun if n == 1 else f"{noun}s"


def path_name(path: str | os.PathLike) -> str:
    """A path as written in messages, rejects and outputs: its bytes as UTF-8 text, each byte
    that is not UTF-8 as `\\xNN` and each backslash doubled, so that any file name, also one
    that is not valid UTF-8, is written losslessly (undo with `codecs.escape_decode`). Windows
    names are Unicode already, and their backslashes separate folders: written as they are."""
    if os.name == "nt":
        return os.fspath(path)
    return os.fsencode(path).replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


@dataclass
class RunSummary:
    """What a command read, wrote and rejected, and where: the line it prints on stderr."""

    n_read: int
    n_written: int
    n_rejected: int
    output: Path
    rejects: Path | None
    written: str = "written"
    note: str | None = None  # how the input was read, when a user may not expect it
    more_outputs: tuple[tuple[str, Path], ...] = ()  # other files asked for: (what they hold, path)

    def describe(self) -> str:
        text = f"{self.n_read} read, {self.n_written} {self.written} -> {path_name(self.output)}"
        for holding, path in self.more_outputs:
            text += f", {holding} -> {path_name(path)}"
        if self.rejects:
            text += f"; {self.n_rejected} rejected -> {path_name(self.rejects)}"
        return text + (f" ({self.note})" if self.note else "")
