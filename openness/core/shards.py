"""How parallel workers share one input file: the protocol a worker's share follows
(`Share`), and a CSV file cut into chunks of whole records without parsing it, so that each
worker reads and parses only its own chunks (no text travels between processes).

A record ends at a line break outside quotes, and quotes are tracked by counting them:
exact for files quoted the way CSV writers quote (a field quoted as a whole, quotes inside
it doubled). `plan_csv` gives up (returns None) on anything else: a quote inside an
unquoted field, a carriage return not followed by a line break, a quote left open. The
caller then reads the file from the top, as one process would. Lines of spaces and tabs
are not records (pandas skips them), and the first record is the header.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

import numpy as np

_QUOTE, _NEWLINE, _RETURN = b'"', b"\n", b"\r"
_BLANKS = b" \t\r\n"
_STARTS_BLANK = np.isin(np.arange(256), list(_BLANKS))
# a quote that opens a field follows one of these (or starts the file); one that closes it,
# or is the first of a doubled pair, is followed by one of these (or ends the file)
_FIELD_EDGE = np.isin(np.arange(256), list(b',\n\r"'))


class Share(Protocol):
    """A worker's part in reading one file together with other workers (openness.core.streaming):
    which chunks it reads, and what the others' chunks kept, which its duplicate checks need."""

    csv_plan: CsvPlan | None  # where a CSV file's chunks lie, if it can be cut without parsing

    def wants(self, index: int) -> bool:
        """Whether this worker reads chunk `index`."""

    def learn(self, index: int) -> Iterable[tuple[list[str], list[bytes]]]:
        """The ids and text digests kept by the other workers' chunks before `index`."""

    def tell(self, index: int, ids: list[str], digests: list[bytes]) -> None:
        """What chunk `index` kept, for the other workers."""


@dataclass(frozen=True)
class CsvPlan:
    """Where the chunks of `chunksize` records lie in the file, in bytes."""

    header_end: int  # the header record (with any blank lines around it) is the file up to here
    chunks: tuple[tuple[int, int], ...]  # (start, end) of each chunk
    chunksize: int
    n_rows: int  # records after the header
    invalid_utf8: int | None  # offset of the first byte that is not UTF-8, if any

    def read(self, path: Path, index: int) -> bytes:
        """The header followed by chunk `index`: a small CSV file of its own."""
        with open(path, "rb") as handle:
            header = handle.read(self.header_end)
            start, end = self.chunks[index]
            handle.seek(start)
            return header + handle.read(end - start)

    def start(self, path: Path, index: int) -> tuple[int, int, int]:
        """Where chunk `index` starts: its byte offset, its line (1-based) and the number of
        its first record (from 0, the header not counted)."""
        offset, newlines = self.chunks[index][0], 0
        with open(path, "rb") as handle:
            while (left := offset - handle.tell()) > 0 and (data := handle.read(min(left, 1 << 24))):
                newlines += data.count(b"\n")
        return offset, newlines + 1, index * self.chunksize

    def size(self, index: int) -> int:
        """The number of records in chunk `index`."""
        return min(self.chunksize, self.n_rows - index * self.chunksize)


def plan_csv(path: str | Path, chunksize: int, block: int = 1 << 24) -> CsvPlan | None:
    """The chunks of `path`, read in blocks of about `block` bytes (memory stays bounded),
    or None when the file cannot be cut safely without parsing it."""
    starts: list[int] = []  # where records 0 (header), 1, 1 + chunksize, 1 + 2 chunksize ... start
    n_records, quotes, offset = 0, 0, 0
    record_start, record_seen = 0, False  # the record running across pieces, and whether it has content
    invalid = None
    with open(path, "rb") as handle:
        if handle.read(4).startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # also UTF-32-LE's mark
            return None  # UTF-16 and UTF-32 line breaks are not the byte b"\n"
    for piece in _pieces(Path(path), block):
        if invalid is None and not piece.isascii():
            try:  # a piece ends at a line break, so no character is cut in two
                piece.decode("utf-8")
            except UnicodeDecodeError as error:
                invalid = offset + error.start
        data = np.frombuffer(piece, dtype=np.uint8)
        quote_at = np.flatnonzero(data == _QUOTE[0])
        if not _quoted_as_writers_do(data, quote_at, quotes):
            return None
        if _RETURN in piece:
            returns = np.flatnonzero(data == _RETURN[0])
            if returns[-1] + 1 == len(data) or (data[returns + 1] != _NEWLINE[0]).any():
                return None
        newlines = np.flatnonzero(data == _NEWLINE[0])
        ends = newlines[(np.searchsorted(quote_at, newlines) + quotes) % 2 == 0]
        quotes += len(quote_at)
        if len(ends):
            begins = np.concatenate([[0], ends[:-1] + 1])
            content = _has_content(piece, begins, ends, data)
            content[0] |= record_seen
            begins = np.concatenate([[record_start], offset + begins[1:]])[content]
            numbers = n_records + np.arange(len(begins))
            starts += begins[(numbers == 0) | ((numbers - 1) % chunksize == 0)].tolist()
            n_records += len(begins)
            record_start, record_seen = offset + int(ends[-1]) + 1, False
        record_seen |= bool(piece[(int(ends[-1]) + 1 if len(ends) else 0):].strip(_BLANKS))
        offset += len(piece)
    if quotes % 2:
        return None  # a quote never closed: the reader reports it
    if record_seen:  # a last record without a line break
        if n_records == 0 or (n_records - 1) % chunksize == 0:
            starts.append(record_start)
        n_records += 1
    if n_records < 2:
        return None  # no rows: nothing to share
    bounds = starts[1:] + [offset]
    return CsvPlan(header_end=starts[1], chunks=tuple(zip(bounds[:-1], bounds[1:])),
                   chunksize=chunksize, n_rows=n_records - 1, invalid_utf8=invalid)


def _pieces(path: Path, block: int):
    """The file in pieces that end with a line break (the last one may not)."""
    with open(path, "rb") as handle:
        while data := handle.read(block):
            while (cut := data.rfind(_NEWLINE) + 1) == 0 and (more := handle.read(block)):
                data += more  # a line longer than a block
            if 0 < cut < len(data):
                handle.seek(cut - len(data), 1)
                data = data[:cut]
            yield data


def _has_content(piece: bytes, begins: np.ndarray, ends: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Whether each line [begin, end] holds more than spaces and tabs. Only lines that
    start with one of those need a look: rare in a CSV file."""
    content = ~_STARTS_BLANK[data[begins]]
    for line in np.flatnonzero(~content).tolist():
        content[line] = bool(piece[begins[line]:ends[line]].strip(_BLANKS))
    return content


def _quoted_as_writers_do(data: np.ndarray, quote_at: np.ndarray, quotes_before: int) -> bool:
    """Whether every quote in this piece opens a field, closes one or is doubled inside one.
    A piece starts after a line break, so a quote at its start opens a field."""
    if not len(quote_at):
        return True
    opening = (np.arange(len(quote_at)) + quotes_before) % 2 == 0
    previous = np.where(quote_at > 0, data[np.maximum(quote_at - 1, 0)], _NEWLINE[0])
    following = np.where(quote_at + 1 < len(data), data[np.minimum(quote_at + 1, len(data) - 1)], _NEWLINE[0])
    return bool(_FIELD_EDGE[previous[opening]].all() and _FIELD_EDGE[following[~opening]].all())
