"""The file formats a corpus can come in (a folder of .txt/.md/.html files, a CSV, JSONL or
Parquet file, or a DataFrame), read into `Records`: a table of texts and variables with, per
record, where it is, why it could not be read and notes. The keep/reject rules that turn
records into documents and rejects are `openness.core.corpus`'s, applied the same to every
format.

Decisions worth knowing:
- Text is kept exactly as decoded (no newline translation), so offsets point into the file's text.
- Bytes are decoded as UTF-8 (a BOM is dropped); in JSONL lines invalid bytes become U+FFFD
  and the record is flagged. A CSV file, or a folder's file, that is not valid UTF-8 is decoded
  as Windows-1252 (cp1252: what Excel on Windows writes; Latin-1 text decodes the same for every
  printable character), bytes undefined there becoming U+FFFD; its rows holding any non-ASCII
  character are flagged so. Unless it starts with a UTF-8 BOM or holds at least as many valid
  UTF-8 characters as other non-ASCII bytes: then it is UTF-8 with broken bytes, each U+FFFD,
  the rows holding one flagged.
  A file starting with a UTF-16 or UTF-32 byte order mark (an editor's "Unicode", e.g.
  Notepad's) is decoded as such, and every record flagged so.
- CSV separator: the most frequent of ',', ';' and a tab in the header line, its quoted names
  left out (a European spreadsheet export, a TSV saved as .csv); ',' on a tie.
- File names are written (doc_id, location, messages) by `openness.core.io.path_name`: lossless
  also for names that are not valid UTF-8.
- Where a record is (a reject's `location`, `Records.where`): a folder's file path; `path:line N`
  in a CSV or JSONL file, the file line where the record starts (1-based, the header on line 1,
  blank lines counted: the line numbering of the CSV errors below and of an editor);
  `path:row N` in a Parquet file, rows from 0 as row-number ids; `row N` in a DataFrame. A CSV
  file's lines are found (`CsvLines`) only when a record of a chunk is rejected.
- A file that cannot be read (permission, I/O error) is a CorpusError; in a folder, a reject.
- A CSV whose structure is broken (a quote never closed, a row with more fields than the header)
  cannot be split into rows reliably, so reading stops with a CorpusError naming file and line.
  An unbalanced quote that a later quote happens to close cannot be detected by any CSV reader:
  the affected row then absorbs the following lines.
- HTML: trafilatura extracts the main text from the string (never a URL, nothing is fetched),
  with tables (they often carry the content of policy pages) and without reader comments (they are
  not the document's author). If it finds nothing, plain tag stripping with lxml is used, flagged.
- Markdown front matter (YAML between `---` lines) becomes document variables; invalid YAML is
  parsed leniently as `key: value` lines and flagged, the document is kept. The YAML is read
  strictly (`openness.core.strict_yaml`): an alias or deep nesting rejects that file.
- JSONL lines a JSON decoder cannot take (nesting deeper than the recursion limit, integers of
  more than 4,300 digits) are rejected one by one, as any invalid line.
- Folders: recursive, sorted, hidden files and folders skipped, the body is the text (`text` is
  ignored); symlinks are read only when they point to a file inside the folder.
- JSONL: blank lines are not records; the text and id keys are checked against the keys of the
  first chunk of records (the whole file for read_corpus); later records without them are rejected.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import itertools
import json
import os
import re
import signal
import threading
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import lxml.etree
import lxml.html
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import trafilatura

from . import strict_yaml
from .io import path_name
from .shards import CsvPlan, Share

FILE_TYPES = (".htm", ".html", ".markdown", ".md", ".txt")
TABLE_TYPES = (".csv", ".jsonl", ".ndjson", ".parquet")
REPLACED = "decoded with replacement"
CP1252 = "decoded as Windows-1252"
LENIENT = "front matter not valid YAML, parsed leniently"
STRIPPED = "trafilatura found no main text; plain tag stripping used"
T = TypeVar("T")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_STOPPED, _LOST = "HTML parsing stopped early", "; text after that point is missing"
_LENIENT_LINE = re.compile(r"^([^\s:#][^:]*?)\s*:[ \t]*(.*?)\s*$")


def _marked_codec(start: bytes) -> str | None:
    """The codec a byte order mark at the start of a file names (Python's name; UTF-8's drops
    the mark), None when there is none."""
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return None if (bom := _bom(start)) is None else bom.lower()


def _family(codec: str) -> str:
    """'utf-16' of 'utf-16-le', 'utf-8' of 'utf-8-sig': codecs that a byte order mark tells apart."""
    return "-".join(codec.split("-")[:2])


def _mark_over_named(notes: list[str], marked: str, asked: str) -> list[str]:
    """The notes on a file read as its byte order mark says (`marked`) though the user named
    `asked`: the mark's own note gives way to one saying the named codec was not used; none
    when both are of one family (utf-16-le named, a UTF-16 mark)."""
    if _family(marked) == _family(asked):
        return notes
    return [note for note in notes if not note.startswith("decoded from ")] + [
        f"read as its byte order mark says ({_shown(marked)}), not as {_shown(asked)}"]


def bom_encoding(path: Path) -> str | None:
    """'UTF-16' or 'UTF-32' when the file starts with that byte order mark (an editor's
    'Unicode' save), else None (UTF-8, with or without its BOM)."""
    with open(path, "rb") as handle:
        return _bom(handle.read(4))


def _bom(start: bytes) -> str | None:
    """bom_encoding of a file that starts with these bytes."""
    if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"  # checked first: the UTF-32-LE mark begins with the UTF-16-LE one
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    return None


def asked_encoding(name: str) -> str:
    """The codec a user named (`--encoding`, `encoding=`) as Python calls it; UTF-8 drops a
    leading byte order mark, as when it is guessed. A name Python does not know, or a codec
    that is no text encoding (base64), is a CorpusError."""
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise CorpusError(f"unknown encoding {name!r} (e.g. utf-8, cp1252, latin-1, utf-16, gbk, shift_jis)") from None
    if not codec._is_text_encoding:  # no public name for what str.encode checks to refuse base64
        raise CorpusError(f"{name!r} is not a text encoding (e.g. utf-8, cp1252, latin-1, utf-16, gbk, shift_jis)")
    return "utf-8-sig" if codec.name == "utf-8" else codec.name


def _shown(codec: str) -> str:
    """A codec as a note names it: 'UTF-8' as the guessed notes spell it, not the 'utf-8-sig'
    that drops a byte order mark."""
    codec = codec.removesuffix("-sig")
    return codec.upper() if codec.startswith("utf") else codec


def csv_decoding(path: Path, plan: CsvPlan | None = None, asked: str | None = None) -> tuple[str, str | None]:
    """The codec a CSV file is read with, and the note that says so when it is not UTF-8.

    A byte order mark wins: UTF-16/32 as it says, UTF-8 with the mark dropped (noted when the
    user named another codec). Else the `asked` codec (see `asked_encoding`) when the user
    named one, noted only where bytes are not valid in it (each then U+FFFD). Else UTF-8, or,
    when the file is not valid UTF-8, Windows-1252 (bytes undefined there become U+FFFD),
    unless `_reads_as_utf8` finds it UTF-8 with broken bytes: then read as UTF-8, each invalid
    byte U+FFFD. A `plan` of the file knows its first invalid byte already."""
    if asked is not None:
        with open(path, "rb") as handle:
            marked = _marked_codec(handle.read(4))
        if marked is None:
            return asked, _named_codec_note(path, asked)
        encoding, note = csv_decoding(path, plan)
        return encoding, "; ".join(_mark_over_named([note] if note else [], marked, asked)) or None
    encoding = bom_encoding(path)
    if encoding:
        return encoding.lower(), f"decoded from {encoding} (byte order mark)"
    bad_byte = _first_invalid(path) if plan is None else plan.invalid_utf8
    if bad_byte is None:
        return "utf-8-sig", None
    where = f"not valid UTF-8 (first invalid byte at offset {bad_byte})"
    if not _reads_as_utf8(path):
        return "cp1252", f"{CP1252}: {where}"
    return "utf-8-sig", f"{REPLACED}: {where}, in a file of UTF-8 characters"


def _named_codec_note(path: Path, asked: str) -> str | None:
    """The note on a file read in the codec the user named: None when every byte is valid in
    it, else where the first invalid one is. A codec that cannot read the file at all (UTF-16
    named for a file without the mark that gives its byte order) is a CorpusError."""
    try:
        bad_byte = _first_invalid(path, asked)
        with open(path, encoding=asked, errors="replace", newline="") as handle:
            handle.read(1 << 16)  # as the reader will: a codec may refuse replacement (idna) or the file
    except UnicodeError as error:
        order = f"; without a byte order mark name the byte order ({asked}-le or {asked}-be)" if "BOM" in str(error) else ""
        raise CorpusError(f"{path_name(path)}: cannot read as {_shown(asked)}: {error}{order}") from None
    return None if bad_byte is None else f"{REPLACED}: not valid {_shown(asked)} (first invalid byte at offset {bad_byte})"


# a valid multi-byte UTF-8 character (no overlong forms, surrogates or code points past U+10FFFF)
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                             rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}"
                             rb"|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _reads_as_utf8(path: Path, sample: int = 1 << 24) -> bool:
    """Whether a file that is not valid UTF-8 is UTF-8 with broken bytes rather than
    Windows-1252: it starts with a UTF-8 BOM, or, in its first `sample` bytes, its valid
    multi-byte UTF-8 characters are at least as many as its other non-ASCII bytes. Windows-1252
    text spells a UTF-8 character now and then ("Spaß“"), but its accented letters are nearly
    all invalid bytes; UTF-8 with a broken byte is nearly all valid characters."""
    with open(path, "rb") as handle:
        return _utf8_with_broken_bytes(handle.read(sample))


def _utf8_with_broken_bytes(data: bytes) -> bool:
    """`_reads_as_utf8` of bytes that are not valid UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return True
    characters = _UTF8_CHARACTER.findall(data)
    others = len(data) - len(data.translate(None, _HIGH_BYTES)) - sum(map(len, characters))
    return len(characters) >= others


def csv_separator(path: Path, encoding: str | None = None) -> str:
    """The most frequent of ',', ';' and a tab in the first non-blank line (the header), its
    quoted names left out (Excel does not quote a column name holding a comma in a ';' file:
    `id;text;note, internal`): a tab on a tie, as a name seldom holds one and often a comma
    (`id<tab>name, first, last<tab>text`); else ',' on a tie or when none is there."""
    with open(path, encoding=encoding or csv_decoding(path)[0], errors="replace", newline="") as handle:
        header = ""
        for header in itertools.islice(iter(lambda: handle.readline(1 << 20), ""), 100):
            if header.strip():
                break
    header = _QUOTED.sub("", header)  # `id;"title, short";text` is ';'-separated
    counts = {separator: header.count(separator) for separator in ("\t", ",", ";")}
    return max(counts, key=counts.get) if any(counts.values()) else ","  # the first of the most frequent


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def separator_name(separator: str) -> str:
    return "tab" if separator == "\t" else repr(separator)


class CorpusError(ValueError):
    """A fatal input problem; the message names the file, the reason and the line where known.
    For a column not found, `missing` is its role ('text', 'id' or 'dimension') and the message
    ends with the Python argument that picks another (`text="..."`); the command line says its
    option instead (`--text-column`), from `reason` (the message without that ending)."""

    def __init__(self, reason: str, missing: str | None = None):
        self.reason, self.missing = reason, missing
        super().__init__(reason + (f' (pick one with {missing}="...")' if missing else ""))


@dataclass
class Records:
    """One chunk of records as a reader found them, before the keep/reject rules: the text
    column and the variables, and per record (by position) where it is, why it could not be
    read (None where it could) and notes. `id` is the column that names a record when the user
    names none (a folder's file paths); row numbers when None.

    Where a record is (`where`): `locations` when the reader lists them all (a folder's file
    paths, a JSONL file's `path:line N`), else `locate` when finding them costs a pass over the
    file (a CSV file's `path:line N`, a Parquet file's `path:row N`), asked only for the records
    rejected; `row N` (a DataFrame) when neither."""

    frame: pd.DataFrame
    locations: pd.Series | None = None
    reasons: pd.Series | None = None
    flags: list[tuple[int, str]] = field(default_factory=list)
    id: str | None = None
    locate: Callable[[list[int]], list[str]] | None = None

    def where(self, positions: list[int], start: int = 0) -> list[str]:
        """The locations of the records at `positions` (ascending) of this chunk, whose first
        record is record `start` of the input (row numbers count from there)."""
        if self.locations is not None:
            return self.locations.iloc[positions].tolist()
        if self.locate is not None:
            return self.locate(positions)
        return [f"row {start + position}" for position in positions]


def read_records(source, text: str, id: str | None, chunksize: int | None,
                 share: Share | None = None, encoding: str | None = None) -> Iterator[Records | int]:
    """The records of `source`, chunk by chunk; a chunk another worker reads (see `share`)
    comes as its number of records only. `encoding` names the codec of a CSV file or a
    folder's files, when not the one the reader guesses (see `csv_decoding`)."""
    if id is not None and id == text:  # the ids go into every output table: the texts would follow them
        raise CorpusError(f"{source_name(source)}: the id column and the text column are both {text!r}; name a "
                          "column of short ids, or none for row numbers")
    asked = _asked_for(source, encoding)
    if isinstance(source, pd.DataFrame):
        yield _from_dataframe(source, text, id)
        return
    path = Path(source)
    try:
        if path.is_dir():
            yield _from_folder(path, id, asked)
            return
        if not path.is_file():
            raise CorpusError(f"{path_name(path)}: no such file or folder")
        suffix = path.suffix.lower()
        readers = {".csv": functools.partial(_csv_chunks, asked=asked), ".jsonl": _jsonl_chunks,
                   ".ndjson": _jsonl_chunks, ".parquet": _parquet_chunks}
        if suffix not in readers:
            one_document = (f"; a {suffix} document is read as one of a folder's: give the folder that holds it"
                            if suffix in FILE_TYPES else "")
            raise CorpusError(f"{path_name(path)}: unsupported file type {suffix or '(no extension)'!r}; "
                              f"expected a folder or one of {', '.join(TABLE_TYPES)}{one_document}")
        yield from readers[suffix](path, text, id, chunksize, share)
    except OSError as error:  # permission denied, a folder that vanished, an I/O error of the disk
        raise CorpusError(f"{path_name(error.filename or path)}: cannot read: {error.strerror or error}") from None


# the inputs whose text is decoded already or UTF-8 by definition: what to tell a user who names an encoding
_DECODED = {"DataFrame": "a DataFrame holds text already",
            ".jsonl": "JSON Lines are UTF-8 (UTF-16/32 with a byte order mark is read too)",
            ".ndjson": "JSON Lines are UTF-8 (UTF-16/32 with a byte order mark is read too)",
            ".parquet": "Parquet text is UTF-8"}


def _asked_for(source, encoding: str | None) -> str | None:
    """The codec a user named for `source` (see `asked_encoding`), None when none was named;
    naming one for an input whose text needs no decoding is a CorpusError."""
    if encoding is None:
        return None
    asked = asked_encoding(encoding)
    kind = "DataFrame" if isinstance(source, pd.DataFrame) else Path(source).suffix.lower()
    if kind in _DECODED:
        raise CorpusError(f"{source_name(source)}: an encoding is for a CSV file or a folder's files; {_DECODED[kind]}")
    return asked


def source_name(source) -> str:
    """How a message names an input: its path as given, or "DataFrame"."""
    return "DataFrame" if isinstance(source, pd.DataFrame) else path_name(Path(source))


# -- folders --------------------------------------------------------------------------------------


def _from_folder(root: Path, id: str | None, encoding: str | None = None) -> Records:
    records, reasons, flags, locations = [], [], [], []
    unlisted: dict[Path, str] = {}
    for relative in _walk(root, unlisted):
        record, reason, notes = ({}, f"cannot list folder: {unlisted[relative]}", []) if relative in unlisted \
            else _read_file(root, relative, encoding)
        flags += [(len(records), note) for note in notes]
        records.append({"doc_id": path_name(relative.with_suffix("").as_posix()), **record})
        reasons.append(reason)
        locations.append(path_name((root / relative).as_posix()))
    frame = pd.DataFrame(records, columns=_union_keys(records, ["doc_id", "text"]), dtype=object)
    if id is not None:
        _require(frame, id, "id", root)
    else:
        _same_name_apart(frame["doc_id"], locations, reasons)
    return Records(frame, pd.Series(locations, dtype=object), pd.Series(reasons, dtype=object), flags, id="doc_id")


def _same_name_apart(ids: pd.Series, locations: list[str], reasons: list[str | None]) -> None:
    """A file whose path without its extension is another's (`a.md` and `a.txt`) would have
    that file's id: its reason says so, and which file keeps the id, as a duplicate id's would not."""
    first: dict[str, str] = {}
    for position, doc_id in enumerate(ids.tolist()):
        if reasons[position] is not None:
            continue
        if doc_id in first:
            reasons[position] = (f"same id {doc_id!r} as {first[doc_id]}: a folder's ids are its file paths without "
                                 "their extension; rename one of the two")
        else:
            first[doc_id] = locations[position]


def _walk(root: Path, unlisted: dict[Path, str]) -> list[Path]:
    """Every entry below `root` that is not hidden, sorted; symlinked folders are listed, not
    entered; folders that cannot be listed are entries too, their reason in `unlisted`."""
    def refused(error: OSError) -> None:
        if Path(error.filename) == root:
            raise error
        unlisted[Path(error.filename).relative_to(root)] = error.strerror or str(error)

    found = []
    for folder, subfolders, files in os.walk(root, onerror=refused, followlinks=False):
        here = Path(folder)
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [(here / name).relative_to(root) for name in subfolders if (here / name).is_symlink()]
        found += [(here / name).relative_to(root) for name in files if not name.startswith(".")]
    return sorted(found + list(unlisted), key=lambda path: path.parts)


def _read_file(root: Path, relative: Path, encoding: str | None = None) -> tuple[dict, str | None, list[str]]:
    """One file's text and variables, or the reason it cannot be a document, plus flags;
    decoded from `encoding` when the user named one."""
    path = root / relative
    if path.is_symlink():
        target = Path(os.path.realpath(path))  # unlike resolve(), never raises on a symlink loop
        if not target.exists():
            return {}, "broken symlink", []
        if not target.is_relative_to(root.resolve()):
            return {}, "symlink points outside the folder; not followed", []
        if target.is_dir():
            return {}, "symlink to a folder; not followed", []
    if not path.is_file():
        return {}, "not a regular file", []
    suffix = path.suffix.lower()
    if suffix not in FILE_TYPES:
        return {}, f"unsupported file type {suffix or '(no extension)'!r} (supported: {', '.join(FILE_TYPES)})", []
    try:
        data = path.read_bytes()
    except OSError as error:
        return {}, f"cannot read: {error.strerror or error}", []
    bom, marked = _bom(data[:4]), _marked_codec(data[:4])
    if bom is None and b"\x00" in data and (encoding is None or _ascii_compatible(encoding)):
        return {}, "binary content (NUL bytes)" + _utf16_hint(data), []
    if encoding is None or marked is not None:  # a byte order mark wins over a named codec
        content, notes = _decode_file(data, bom)
        notes = notes if encoding is None else _mark_over_named(notes, marked, encoding)
    else:
        try:
            content, notes = _decode_as(data, encoding)
        except UnicodeError as error:
            return {}, f"cannot read as {_shown(encoding)}: {error}", []
    if suffix in (".md", ".markdown"):
        front = split_front_matter(content)
        if front.refused:
            return {}, f"front matter refused: {front.refused}", []
        more = [f"{LENIENT} ({front.problem})"] if front.problem else []
        if front.opened and not front.found:
            more = ["front matter not closed; kept as text"]
        return {**front.variables, "text": front.body}, None, notes + more
    if suffix in (".html", ".htm"):
        body, title, more = _html_text(content)
        stopped = [note for note in more if note.startswith(_STOPPED)]
        if stopped and not body.strip():  # the true reason, not "empty text"
            return {}, f"no text: {stopped[0].removesuffix(_LOST)}", []
        return ({"title": title} if title else {}) | {"text": body}, None, notes + more
    return {"text": content}, None, notes


def _utf16_hint(data: bytes) -> str:
    """What to do with NUL bytes that look like UTF-16 text without its byte order mark (every
    other byte of its first kilobyte NUL and the bytes between them not: ASCII letters so
    encoded; a file of NUL bytes only is no text)."""
    head = data[:1024]
    if len(head) < 4:
        return ""
    even, odd = (half.count(0) / len(half) for half in (head[0::2], head[1::2]))
    if max(even, odd) > 0.9 and min(even, odd) < 0.1:
        return "; it looks like UTF-16 text without a byte order mark: save it as UTF-8"
    return ""


def _decode_file(data: bytes, bom: str | None) -> tuple[str, list[str]]:
    """A folder file's text, decoded as a CSV file is (`csv_decoding`), with its notes."""
    if bom:
        return data.decode(bom.lower(), errors="replace"), [f"decoded from {bom} (byte order mark)"]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        if _utf8_with_broken_bytes(data):
            return _utf8(data)
        return data.decode("cp1252", errors="replace"), [f"{CP1252} (invalid UTF-8 at byte {error.start})"]


def _decode_as(data: bytes, encoding: str) -> tuple[str, list[str]]:
    """A folder file without a byte order mark, in the codec the user named, each invalid byte
    U+FFFD and noted. UTF-16 or UTF-32 named without the byte order is a UnicodeError: with
    no mark, nothing says which (Python would take little-endian, silently)."""
    if encoding in ("utf-16", "utf-32"):
        raise UnicodeError(f"no byte order mark; name the byte order ({encoding}-le or {encoding}-be)")
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as error:
        return data.decode(encoding, errors="replace"), [f"{REPLACED} (not valid {_shown(encoding)} at byte {error.start})"]


def _ascii_compatible(encoding: str) -> bool:
    """Whether ASCII text reads the same in `encoding` (cp1252, gbk; not UTF-16 or UTF-32, whose
    NUL bytes are text)."""
    if _family(codecs.lookup(encoding).name) in ("utf-16", "utf-32"):
        return False
    try:
        return b"a\n".decode(encoding) == "a\n"
    except UnicodeError:  # a codec that reads no plain text (punycode): NUL bytes stay binary
        return True


def _utf8(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 text, each invalid byte U+FFFD and noted (JSON is UTF-8 by definition), with the
    invalid byte's offset counted from the start of the bytes, a dropped BOM included."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError as error:
        at = len(data) - len(body) + error.start
        return body.decode("utf-8", errors="replace"), [f"{REPLACED} (invalid UTF-8 at byte {at})"]


@dataclass
class FrontMatter:
    """Markdown split into its front matter (YAML between `---` lines at the very top) and body.
    `problem` says why the block is not valid YAML (its variables are then read leniently as
    `key: value` lines); `refused` why it was not read at all (an alias or deep nesting, which
    would cost memory or a crash to expand)."""

    variables: dict
    body: str
    found: bool  # a block opened and closed
    opened: bool  # a block opened (and maybe never closed)
    problem: str | None = None
    refused: str | None = None


def split_front_matter(content: str, strings: bool = False) -> FrontMatter:
    """The one front-matter parser (folders of Markdown files, the interconnects source),
    through the strict YAML loader; with `strings` every value stays a string as written."""
    match = _FRONT_MATTER.match(content)
    if match is None:
        return FrontMatter({}, content, found=False, opened=bool(re.match(r"\A---[ \t]*\r?\n", content)))
    block, body = match.group(1), content[match.end():]
    try:
        variables = strict_yaml.load(block, strings=strings)
        problem = None if isinstance(variables, dict | None) else f"a {type(variables).__name__}, not a mapping"
    except strict_yaml.StrictYamlError as error:
        where = f", line {error.line + 1}" if error.line else ""  # the block starts on the file's line 2
        if error.unsafe:
            return FrontMatter({}, body, found=True, opened=True, refused=f"{error.problem}{where}")
        problem = f"{error.problem}{where}"
    if problem is None:
        return FrontMatter({str(key): value for key, value in (variables or {}).items()}, body, found=True, opened=True)
    lenient = {}
    for line in block.splitlines():
        if found := _LENIENT_LINE.match(line):
            value = found.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]  # one pair of surrounding quotes; quotes inside stay
            lenient.setdefault(found.group(1), value)
    return FrontMatter(lenient, body, found=True, opened=True, problem=problem)


def _html_text(markup: str) -> tuple[str, str | None, list[str]]:
    """Main text of an HTML string (never fetched: no URL is passed), its <title>, and flags.
    Elements that never hold the page's own text are removed first: left in, an <iframe>'s
    fallback content can end up in trafilatura's output."""
    tree, stopped = _html_tree(markup)
    if tree is None:
        return "", None, [STRIPPED]
    cut = [f"{_STOPPED} ({stopped}){_LOST}"] if stopped else []
    title = tree.findtext("head/title")
    for element in tree.xpath("//script | //style | //noscript | //template | //iframe | //object | //embed"):
        element.drop_tree()
    extracted = trafilatura.extract(lxml.html.tostring(tree, encoding="unicode"), include_comments=False,
                                    include_tables=True, include_images=False, include_links=False, deduplicate=False)
    title = " ".join(title.split()) if title else None
    if extracted and extracted.strip():
        return extracted, title, cut
    for head in tree.xpath("//head"):
        head.drop_tree()
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line), title, [STRIPPED] + cut


def _html_tree(markup: str) -> tuple[lxml.html.HtmlElement | None, str | None]:
    """The parsed page (huge_tree: long attributes and text nodes are not cut off), and
    libxml2's reason when it stopped before the end (nesting deeper than it allows)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True, huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, None
    fatal = [entry for entry in parser.error_log if entry.level == lxml.etree.ErrorLevels.FATAL]
    return tree, fatal[0].message.replace(", use XML_PARSE_HUGE option", "").strip() if fatal else None  # we do


# -- tables ---------------------------------------------------------------------------------------


def _from_dataframe(table: pd.DataFrame, text: str, id: str | None) -> Records:
    _unique_columns(table.columns, "DataFrame")
    _require(table, text, "text", "DataFrame")
    if id is not None:
        _require(table, id, "id", "DataFrame")
    column = table[text]
    if not (pd.api.types.is_string_dtype(column.dtype) or column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype)):
        raise CorpusError(f"DataFrame: text column {text!r} holds {column.dtype}, not text")
    frame = table.reset_index(drop=True)
    if isinstance(column.dtype, pd.CategoricalDtype):
        frame[text] = frame[text].astype(object)
    return Records(frame)


def _csv_chunks(path: Path, text: str, id: str | None, chunksize: int | None, share: Share | None,
                asked: str | None = None) -> Iterator[Records | int]:
    encoding, note = csv_decoding(path, share.csv_plan if share else None, asked)
    separator = csv_separator(path, encoding)
    # a plan cuts the bytes of UTF-8 by the quoting rules of commas: another separator or a
    # codec the user named reads from the top
    plan = share.csv_plan if share and separator == "," and asked is None else None
    # one pass, as far as the short-record check and the rejects ask
    lines = CsvLines(path, encoding, delimiter=separator) if plan is None else None
    first = 0  # the number of the chunk's first record
    chunks = _read_csv(path, chunksize, encoding) if plan is None else _planned_csv(path, plan, share, encoding)
    for index, chunk in enumerate(chunks):
        size = chunk if isinstance(chunk, int) else len(chunk)
        if isinstance(chunk, int) or (share and not share.wants(index)):
            yield size
            first += size
            continue
        _require(chunk, text, "text", path)
        if id is not None:
            _require(chunk, id, "id", path)
        flags = [(position, note) for position in range(len(chunk))] if note else []
        pattern = {CP1252: r"[^\x00-\x7f]", REPLACED: "\ufffd"}.get(note.split(":")[0]) if note else None
        if pattern:  # the rows whose text the guess decides, or that hold U+FFFD
            marked = chunk.apply(lambda column: column.str.contains(pattern, na=False)).any(axis=1)
            flags = [(position, note) for position in np.flatnonzero(marked.to_numpy())]
        here = lines if plan is None else CsvLines(path, encoding, *plan.start(path, index))
        here.keep_from(first)
        yield Records(chunk, reasons=_short_records(chunk, here, first), flags=flags,
                      locate=lambda positions, here=here, first=first: [here.where(first + position) for position in positions])
        first += size


def _short_records(chunk: pd.DataFrame, lines: CsvLines, first: int) -> pd.Series:
    """Why each record of `chunk` (its first is record `first` of the file) cannot be read: a
    record with fewer fields than the header names (None where it has them all). pandas fills
    the missing fields with empty text, so the fields that remain may stand in the wrong
    columns (a date read as the text), and which one is missing cannot be told. Fields the
    header leaves unnamed at its end (a trailing separator: pandas' `Unnamed: N`) are not
    expected. Only records whose last named field is empty can be short, so the csv module
    counts the fields of those alone, as far as the last one."""
    reasons = pd.Series(None, index=range(len(chunk)), dtype=object)
    named = [not str(column).startswith("Unnamed: ") for column in chunk.columns]
    expected = len(named) - named[::-1].index(True) if any(named) else 0
    if expected < 2:
        return reasons
    maybe = np.flatnonzero((chunk.iloc[:, expected - 1] == "").to_numpy())
    if not len(maybe):
        return reasons
    widths = lines.widths(first, first + int(maybe[-1]) + 1)[maybe]
    short = (widths >= 0) & (widths < expected)
    for position, width in zip(maybe[short].tolist(), widths[short].tolist()):
        reasons[position] = (f"{width} {'field' if width == 1 else 'fields'} where the header has {expected}: "
                             "a field is missing, and which one cannot be told (the others may stand in the "
                             "wrong columns)")
    return reasons


_CSV_OPTIONS = dict(dtype=str, keep_default_na=False, encoding="utf-8-sig", encoding_errors="replace")


def _planned_csv(path: Path, plan: CsvPlan, share: Share, encoding: str) -> Iterator[pd.DataFrame | int]:
    """The chunks this worker reads, parsed from their own bytes; for the others only their
    number of records. A chunk the parser finds broken is reported as reading the file from
    the top reports it, so that the message is the same with any number of workers."""
    for index in range(len(plan.chunks)):
        if not share.wants(index):
            yield plan.size(index)
            continue
        try:
            chunk = pd.read_csv(io.BytesIO(plan.read(path, index)), **(_CSV_OPTIONS | {"encoding": encoding}))
        except (pd.errors.ParserError, pd.errors.EmptyDataError):
            chunk = None
        if chunk is None or not isinstance(chunk.index, pd.RangeIndex) or len(chunk) != plan.size(index):
            for _ in _read_csv(path, plan.chunksize, encoding):
                pass  # raises the CorpusError of a one-process run
            raise RuntimeError(f"{path}: chunk {index} does not parse as the records it was cut from; "
                               "please report this, and score with n_jobs=1 meanwhile")
        yield chunk


def read_table(source, encoding: str | None = None) -> tuple[Records, str]:
    """A table as read, every row kept (duplicates too), and the name to report it by: for
    commands that need one output row per input row, where `read_corpus` drops duplicates.
    Text columns come as Python strings, None where missing, whatever the dtype. A JSONL
    line that holds no JSON object is an empty record with its reason, as `read_corpus` reads it.
    `encoding` names a CSV file's codec, as for `read_records`."""
    asked = _asked_for(source, encoding)
    if isinstance(source, pd.DataFrame):
        _unique_columns(source.columns, "DataFrame")
        return Records(plain_strings(source.reset_index(drop=True), set(source.columns))), "DataFrame"
    path = Path(source)
    suffix = path.suffix.lower()
    if not path.is_file() or suffix not in (".csv", ".jsonl", ".ndjson", ".parquet"):
        raise CorpusError(f"{path_name(path)}: with a dimension column the input must be a .csv, .jsonl or .parquet file")
    try:
        if suffix == ".csv":
            codec = csv_decoding(path, asked=asked)[0]
            lines = CsvLines(path, codec, delimiter=csv_separator(path, codec))
            with contextlib.closing(_read_csv(path, None, codec)) as chunks:
                frame = next(chunks)
                records = Records(frame, reasons=_short_records(frame, lines, 0), locate=lambda positions:
                                  [lines.where(position) for position in positions])
        elif suffix == ".parquet":
            records = Records(pd.read_parquet(path), locate=_parquet_rows(path, 0))
            _unique_columns(records.frame.columns, path_name(path))
        else:
            bom = bom_encoding(path)
            records = _jsonl_records(path, list(_numbered_lines(path, bom)), bom)
    except (ValueError, OSError, pa.ArrowException) as error:
        if isinstance(error, CorpusError):
            raise
        raise CorpusError(f"{path_name(path)}: cannot read: {error}") from error
    records.frame = plain_strings(records.frame, set(records.frame.columns))
    return records, path_name(path)


def first_columns(path: str | os.PathLike, encoding: str | None = None) -> list[str]:
    """The columns of a table file as its header or first record names them (a CSV header
    decoded as the run decodes it, `encoding` the codec the user named if any, and split as
    the run splits it: that takes a pass for invalid bytes); [] for a folder, an unknown type
    or a file that does not read: the run then says why."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            codec = csv_decoding(path, asked=encoding and asked_encoding(encoding))[0]
            with contextlib.closing(_read_csv(path, 1, codec)) as chunks:
                return [str(name) for name in next(chunks).columns]
        if suffix in (".jsonl", ".ndjson"):
            bom = bom_encoding(path)
            first = next(_batches(_numbered_lines(path, bom), 1), [])
            return [str(name) for name in _jsonl_records(path, first, bom).frame.columns]
        if suffix == ".parquet":
            return list(pq.ParquetFile(path).schema_arrow.names)
    except (CorpusError, OSError, ValueError, pa.ArrowException, StopIteration):
        pass
    return []


def plain_strings(frame: pd.DataFrame, columns: set[str]) -> pd.DataFrame:
    """`columns` of pandas' nullable or Arrow-backed string dtypes (pandas 3's default,
    `convert_dtypes()`, Parquet written from either) as Python objects, None where missing:
    those dtypes cannot hold the None a rejected row's id becomes."""
    frame = frame.copy(deep=False)
    for name in columns & set(frame.columns):
        column = frame[name]
        if column.dtype != object and pd.api.types.is_string_dtype(column.dtype):
            frame[name] = column.astype(object).where(column.notna(), None)
    return frame


def _unique_columns(columns: pd.Index, where: str) -> None:
    repeated = columns[columns.duplicated()].unique().tolist()
    if repeated:
        raise CorpusError(f"{where}: column {', '.join(map(repr, repeated))} appears more than once; "
                          "give every column its own name")


def _read_csv(path: Path, chunksize: int | None, encoding: str | None = None) -> Iterator[pd.DataFrame]:
    """All values as text ("NA" stays "NA"); broken structure becomes a CorpusError with the line.
    Decoded as `csv_decoding` says (or as `encoding`), split at `csv_separator`'s separator."""
    encoding = encoding or csv_decoding(path)[0]
    separator = csv_separator(path, encoding)
    options = _CSV_OPTIONS | {"encoding": encoding, "sep": separator}
    said = "" if separator == "," else f" (fields separated by {separator_name(separator)}, as in the header)"
    try:
        empty = True
        for chunk in _parsed(path, chunksize, options):
            empty = False
            if not isinstance(chunk.index, pd.RangeIndex):  # pandas took the first column as an index
                raise CorpusError((_first_long_row(path, encoding, separator)  # None only if csv and pandas disagree
                                   or f"{path_name(path)}: rows have more fields than the header has columns") + said)
            yield chunk
        if empty:  # a header without rows, read in chunks
            yield _interruptible(lambda: pd.read_csv(path, nrows=0, **options))
    except pd.errors.EmptyDataError:
        raise CorpusError(f"{path_name(path)}: empty file (no header row)") from None
    except pd.errors.ParserError as error:
        raise CorpusError(_csv_problem(path, str(error), encoding, separator) + said) from None


def _parsed(path: Path, chunksize: int | None, options: dict) -> Iterator[pd.DataFrame]:
    """pandas' frames of the file: one, or one per chunk of `chunksize` rows; each read interruptible."""
    if chunksize is None:
        yield _interruptible(lambda: pd.read_csv(path, **options))
        return
    with _interruptible(lambda: pd.read_csv(path, chunksize=chunksize, **options)) as chunks:
        while (chunk := _interruptible(lambda: next(chunks, None))) is not None:
            yield chunk


def _interruptible(read: Callable[[], T]) -> T:
    """read(), as a Ctrl-C or SIGTERM during it ends it. pandas' C parser swallows an exception
    raised while it reads a file: the KeyboardInterrupt of a signal arriving then becomes the
    ParserError "Calling read(nbytes) on source failed". So the signal handlers are watched
    during the read, and on a ParserError after one ran, it runs again to raise what it raises.
    Handlers can be changed only on the main thread; elsewhere no signal handler runs anyway."""
    if threading.current_thread() is not threading.main_thread():
        return read()
    handlers = {signum: handler for signum in (signal.SIGINT, signal.SIGTERM)
                if callable(handler := signal.getsignal(signum))}
    received: list[int] = []

    def watched(signum, frame):
        received.append(signum)
        handlers[signum](signum, frame)

    for signum in handlers:
        signal.signal(signum, watched)
    try:
        return read()
    except pd.errors.ParserError:
        if received:
            handlers[received[-1]](received[-1], None)
        raise
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _csv_problem(path: Path, message: str, encoding: str, separator: str = ",") -> str:
    """Turn the tokenizer's record count into the file line a user can open."""
    if found := re.search(r"EOF inside string starting at row (\d+)", message):
        line = _csv_line(path, int(found.group(1)) + 1, encoding, separator)
        return f"{path_name(path)}: line {line}: a quoted field is never closed (unbalanced quote)"
    if found := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message):
        expected, record, saw = map(int, found.groups())
        hint = _separator_hint(pd.Index([_first_line(path, encoding)])) if expected == 1 else ""
        line = _csv_line(path, record, encoding, separator)
        return f"{path_name(path)}: line {line}: expected {expected} fields, saw {saw}{hint}"
    return f"{path_name(path)}: cannot parse as CSV: {message}"


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        return handle.readline().rstrip("\r\n")


@contextlib.contextmanager
def _unlimited_fields() -> Iterator[None]:
    """The csv module's field size limit lifted meanwhile: pandas' tokenizer, which read the
    file first, has none, so a long field it accepted must not stop a search for a line."""
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # the largest value every platform's C long takes
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _csv_line(path: Path, record: int, encoding: str, separator: str = ",") -> int:
    """1-based file line where the tokenizer's 1-based `record` starts (quoted fields span lines)."""
    with _unlimited_fields(), open(path, encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        line = 1
        for _ in itertools.islice(reader, record - 1):
            line = reader.line_num + 1
    return line


def _first_long_row(path: Path, encoding: str, separator: str = ",") -> str | None:
    """Where the first row with more fields than the header is, as the csv module splits the
    file ("FILE: line N: expected E fields, saw S"; None if it finds none): when that is the
    first data row, pandas takes the extra fields as an index and says nothing of where."""
    records = CsvLines(path, encoding, delimiter=separator).records()
    _, header = next(records, (1, []))
    for line, fields in records:
        if len(fields) > len(header):
            return f"{path_name(path)}: line {line}: expected {len(header)} fields, saw {len(fields)}"
    return None


class CsvLines:
    """The file line where each record of a CSV file starts (1-based, the header on its line;
    a record with a line break in a quoted field spans several), found as `_csv_line` finds
    the line of a broken record: by the csv module, read as far as asked and no further.
    Lines of spaces and tabs are not records, as pandas skips them. Started at byte `offset`
    (a record's start, on line `line`, the record numbered `record`; data records count from
    0, the header is -1). The line and width of the records passed since `keep_from` are kept
    (two integers a record), so that one pass serves a chunk's questions in any order: the
    widths of its records that may be short, then the lines of those it rejects. Decoded as
    the reader decodes it (`csv_decoding`), fields split at `delimiter`, the file's separator
    (`csv_separator`)."""

    def __init__(self, path: Path, encoding: str, offset: int = 0, line: int = 1, record: int = -1,
                 delimiter: str = ","):
        self.path, self.encoding, self.start, self.delimiter = path, encoding, (offset, line, record), delimiter
        self._rows = None
        # the line and width of the records passed from `_kept_from` on (the first record is
        # `record`, the header when -1)
        self._kept_from, self._lines, self._widths = record, array("q"), array("q")

    def keep_from(self, record: int) -> None:
        """Forget the records before `record` (a chunk's first, once the chunks before it are
        done), and keep none of those still to be passed."""
        drop = max(0, min(record - self._kept_from, len(self._lines)))
        del self._lines[:drop], self._widths[:drop]
        self._kept_from = max(self._kept_from, record)

    def where(self, record: int) -> str:
        """`path:line N` of data record `record` (from 0); `path:row N` should the csv module
        find fewer records than pandas did (a quirk of the file neither rule foresaw)."""
        found = self._record_at(record)
        return f"{path_name(self.path)}:row {record}" if found is None else f"{path_name(self.path)}:line {found[0]}"

    def widths(self, start: int, stop: int) -> np.ndarray:
        """How many fields each data record from `start` to `stop` (excluded) has, passing as far
        as the last; -1 for a record past the csv module's last (see `where`). `start` is kept
        (`keep_from`)."""
        self._record_at(stop - 1)
        kept = np.frombuffer(self._widths, dtype=np.int64)[start - self._kept_from: stop - self._kept_from]
        return np.pad(kept, (0, stop - start - len(kept)), constant_values=-1)

    def _record_at(self, record: int) -> tuple[int, int] | None:
        """(line, width) of data record `record`; None past the csv module's last record."""
        if 0 <= record - self._kept_from < len(self._lines):
            return self._lines[record - self._kept_from], self._widths[record - self._kept_from]
        if self._rows is None or record < self._kept_from:  # (again) from the start
            self._rows, self._record = self.records(), self.start[2] - 1
            self._kept_from, self._lines, self._widths = min(self._kept_from, record), array("q"), array("q")
        while self._record < record:
            found = next(self._rows, None)
            if found is None:
                return None
            self._record += 1
            if self._record >= self._kept_from:  # the records before are asked for no more
                self._lines.append(found[0])
                self._widths.append(len(found[1]))
        return self._lines[record - self._kept_from], self._widths[record - self._kept_from]

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(start line, fields) of every record from the start on; the csv module's field size
        limit lifted meanwhile (pandas' tokenizer, which read the file first, has none)."""
        offset, line, _ = self.start
        with _unlimited_fields():
            with open(self.path, "rb") as raw:
                raw.seek(offset)
                handle = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
                last = [""]  # the last line read: the whole of a record that may be blank

                def lines() -> Iterator[str]:
                    for text in handle:
                        last[0] = text
                        yield text

                reader = csv.reader(lines(), delimiter=self.delimiter)
                read = 0  # lines read before this record
                for fields in reader:
                    # a line of spaces is no record, as pandas skips it; one that holds the
                    # separator is (a tab-separated row of empty fields), and so is a quoted
                    # field of spaces (a record of one field that spans lines holds its quotes)
                    if len(fields) > 1 or (fields and fields[0].strip(" \t\r\n")) or \
                            last[0].strip(" \t\r\n") or self.delimiter in last[0]:
                        yield line + read, fields
                    read = reader.line_num


def _first_invalid(path: Path, encoding: str = "utf-8", block: int = 1 << 24) -> int | None:
    """Byte offset of the first byte not valid in `encoding` (UTF-8 by default), read in
    blocks so memory stays bounded."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding  # its mark is valid UTF-8, and counted
    decoder = codecs.getincrementaldecoder(codec)()
    ascii_is_valid = codec == "utf-8"  # every ASCII byte is a character (in UTF-32 four make one)
    offset = 0  # of the bytes the decoder holds back (a character cut by the block's end)
    with open(path, "rb") as handle:
        while data := handle.read(block):
            held = decoder.getstate()[0]
            if ascii_is_valid and not held and data.isascii():
                offset += len(data)
                continue
            try:
                decoder.decode(data)
            except UnicodeDecodeError as error:
                return offset + error.start
            offset += len(held) + len(data) - len(decoder.getstate()[0])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return offset + error.start
    return None


def _jsonl_chunks(path: Path, text: str, id: str | None, chunksize: int | None, share: Share | None) -> Iterator[Records | int]:
    """Each non-blank line is a record; a line that is not a JSON object is rejected with its error."""
    checked, n_read = False, 0
    encoding = bom_encoding(path)
    for index, lines in enumerate(_batches(_numbered_lines(path, encoding), chunksize)):
        wanted = share is None or share.wants(index)
        n_read += len(lines)
        if checked and not wanted:  # another worker's chunk, and nothing left to check
            yield len(lines)
            continue
        records = _jsonl_records(path, lines, encoding)
        if not checked and records.reasons.isna().any():
            _require(records.frame, text, "text", path)
            if id is not None:
                _require(records.frame, id, "id", path)
            checked = True
        frame = records.frame
        records.frame = frame.reindex(columns=[*frame.columns, *(name for name in (text, id) if name and name not in frame.columns)])
        yield records if wanted else len(frame)
    if n_read == 0:
        yield Records(pd.DataFrame({name: [] for name in (text, id) if name}))


def _jsonl_records(path: Path, lines: list[tuple[int, bytes | str]], encoding: str | None) -> Records:
    """The records of numbered JSONL lines; a line that is not a JSON object is an empty
    record with its reason."""
    records, reasons, flags, locations = [], [], [], []
    for number, raw in lines:
        content, notes = _utf8(raw) if encoding is None else (raw, [f"decoded from {encoding} (byte order mark)"])
        value, reason = _json_object(content)
        flags += [(len(records), note) for note in notes]
        records.append(value if reason is None else {})
        reasons.append(reason)
        locations.append(f"{path_name(path)}:line {number}")
    frame = pd.DataFrame(records, columns=_union_keys(records, []), dtype=object)
    return Records(frame, pd.Series(locations, dtype=object), pd.Series(reasons, dtype=object), flags)


def _json_object(content: str) -> tuple[dict, str | None]:
    """The record a JSONL line holds, or why it holds none: also a line nested deeper than
    Python's recursion limit or a number longer than int() takes is one bad line."""
    try:
        value = json.loads(content.rstrip("\r\n"))  # else an error at the line's end is "column 1" of the next
    except json.JSONDecodeError as error:
        return {}, f"invalid JSON: {error.msg} (column {error.colno})"
    except RecursionError:
        return {}, "invalid JSON: nested too deeply"
    except ValueError as error:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return {}, f"invalid JSON: {str(error).split(';')[0]}"
    return (value, None) if isinstance(value, dict) else ({}, f"JSON value is not an object ({type(value).__name__})")


def _numbered_lines(path: Path, encoding: str | None) -> Iterator[tuple[int, bytes | str]]:
    """Non-blank lines and their numbers, as bytes (UTF-8, decoded line by line so a bad byte
    spoils one record) or, for UTF-16/32, as text; lines end at '\n' only."""
    with open(path, "rb") if encoding is None else open(path, encoding=encoding.lower(), errors="replace", newline="\n") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _parquet_chunks(path: Path, text: str, id: str | None, chunksize: int | None, share: Share | None) -> Iterator[Records | int]:
    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError, ValueError) as error:
        raise CorpusError(f"{path_name(path)}: not a readable Parquet file: {error}") from None
    _unique_columns(pd.Index(schema.names), path_name(path))
    _require(pd.DataFrame(columns=schema.names), text, "text", path)
    if id is not None:
        _require(pd.DataFrame(columns=schema.names), id, "id", path)
    kind = schema.field(text).type
    if not _is_arrow_text(kind):
        raise CorpusError(f"{path_name(path)}: text column {text!r} has type {kind}, not string")
    n_read, n_batches = 0, 0
    try:
        for n_batches, batch in enumerate(parquet.iter_batches(batch_size=chunksize) if chunksize else [parquet.read()], 1):
            yield batch.num_rows if share and not share.wants(n_batches - 1) else \
                Records(batch.to_pandas(), locate=_parquet_rows(path, n_read))
            n_read += batch.num_rows
        if n_batches == 0:  # a file without row groups, read in batches: read as a whole read reads it
            yield Records(parquet.read().to_pandas(), locate=_parquet_rows(path, 0))
    except (pa.ArrowException, OSError, ValueError) as error:  # a corrupt page behind an intact footer, broken metadata
        raise CorpusError(f"{path_name(path)}: corrupt Parquet data after {n_read} rows: {error}") from None


def _parquet_rows(path: Path, first: int) -> Callable[[list[int]], list[str]]:
    """`path:row N` of a batch whose first row is row `first` (rows count from 0, as row-number ids)."""
    return lambda positions: [f"{path_name(path)}:row {first + position}" for position in positions]


def _is_arrow_text(kind: pa.DataType) -> bool:
    """String types, and the null type Arrow gives a column of missing values only."""
    if pa.types.is_null(kind):
        return True
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or getattr(pa.types, "is_string_view", lambda _: False)(kind)


# -- small helpers --------------------------------------------------------------------------------


def _require(frame: pd.DataFrame, column: str, role: str, where: Path | str) -> None:
    """A CorpusError when `column` (the `role` column) is not in `frame`: naming the columns
    available and, unless the header looks like another separator's (the file is then to be
    saved again, not another column picked), the argument that picks one (`missing`)."""
    if column not in frame.columns:
        raise missing_column(path_name(where) if isinstance(where, Path) else where, column, role, frame.columns)


def missing_column(where: str, column: str, role: str, columns: pd.Index) -> CorpusError:
    # a name holding a comma (Excel's `Note, internal`) is quoted, so that it reads as one, and
    # so is one with spaces around it (`text `), so that the spaces show
    names = [str(name) for name in columns]
    available = ", ".join(repr(name) if "," in name or name != name.strip() or not name else name
                          for name in names) or "(none)"
    separator = _separator_hint(columns)  # the file is to be saved again: no column option helps
    spaced = [name for name in names if name != column and name.strip() == column.strip()]
    hint = separator or (f"; {spaced[0]!r} has spaces around its name" if spaced else "")
    return CorpusError(f"{where}: {role} column {column!r} not found; available columns: {available}{hint}",
                       missing=None if separator else role)


def _separator_hint(columns: pd.Index) -> str:
    """A lone header holding ';', tab or '|' is a spreadsheet export with another separator:
    say so, since the column list alone reads like a typo."""
    if len(columns) != 1:
        return ""
    for separator, name in ((";", "';'"), ("\t", "tab"), ("|", "'|'")):
        if separator in str(columns[0]):
            return f" (the header looks {name}-separated; save the file comma-separated)"
    return ""


def _union_keys(records: list[dict], first: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *(key for record in records for key in record)]))


def _batches(items: Iterator, size: int | None) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


