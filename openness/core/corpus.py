"""Read a user's corpus (a folder of .txt/.md/.html files, a CSV, JSONL or Parquet file, or a
DataFrame) into one table of texts plus document variables, so scoring never cares where the
texts came from. Nothing is dropped silently: every record read is either in `docs` or in
`rejects` with its reason, and `n_read == len(docs) + len(rejects)`. The formats themselves
are read by `openness.core.readers`; the keep/reject rules, the same for all, are here.

Decisions worth knowing:
- Rejects, checked in this order: missing text, text not a string, empty or whitespace-only
  text, missing id, duplicate id, exact duplicate text. Each is located as its reader knows
  (`Records.where`): `path:line N` in a CSV or JSONL file, `path:row N` in Parquet, the file
  in a folder, `row N` in a DataFrame. Only kept documents claim an id or a text,
  so "first kept" always points at a document in `docs` (possibly of an earlier chunk).
- `published`: from the column the user names (`date=`), else the first column named
  `published`, else `date` (any case: `Date` and `Published` from a spreadsheet too). ISO 8601 first (vectorised); dotted dates (`11.03.2024`,
  `11.03.24`, as written in Germany) day first; other spellings ("5 March 2024") one by one,
  where slashed dates are month first (`05/03/2024` is 3 May) unless the first number exceeds
  12 (`25/03/2024` is 25 March). Offsets are converted to UTC and dropped, so the column is
  naive datetime64.
- Ids, when no column is named: a column called `doc_id`, else `id`, in any case (`ID`). The
  text column as named, else the one column called so in another case (`Text`).
- `read_corpus` and `iter_corpus` warn (`RejectsWarning`, a UserWarning) when records were
  rejected: how many of how many, and the first one's location and reason.
- Variable columns named `doc_id` or `text` (other than the chosen ones) are renamed
  `<name>_original`; so is `published` when it is the column the dates are parsed from.
"""
from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from .readers import CorpusError, Records, first_columns, missing_column, plain_strings, read_records, source_name
from .shards import Share

__all__ = ["Corpus", "CorpusError", "RejectsWarning", "id_column", "iter_corpus", "read_corpus"]

DATE_COLUMNS = ("published", "date")  # in any case, the first found of each in turn
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d+)(?=$|[ T])")  # day.month.year
RESERVED = ("doc_id", "text")

LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # what bad decoding leaves; not storable as UTF-8


@dataclass(repr=False)
class Corpus:
    """Texts plus document variables (`docs`), what was not kept and why (`rejects`), and
    non-fatal notes about kept documents (`flags`)."""

    docs: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int
    flags: pd.DataFrame

    def __len__(self) -> int:
        return len(self.docs)

    def __repr__(self) -> str:
        return f"Corpus({len(self.docs)} docs, {len(self.rejects)} rejects, {len(self.flags)} flags, {self.n_read} read)"


ID_COLUMNS = ("doc_id", "id")  # what a table's id column is usually called, in any case


class RejectsWarning(UserWarning):
    """Records of the input were rejected (`Corpus.rejects` holds them with their reasons)."""


def _named(columns: list[str], names: tuple[str, ...], other_than: str | None = None) -> str | None:
    """The first of `columns` called one of `names`, tried in turn: the exact name, then the
    name in any case (`ID`, `Date` from a spreadsheet)."""
    for name in names:
        found = [column for column in columns if column.casefold() == name and column != other_than]
        if found:
            return name if name in found else found[0]
    return None


def _columns(source: str | os.PathLike | pd.DataFrame, encoding: str | None = None) -> list[str]:
    if isinstance(source, pd.DataFrame):
        return [str(name) for name in source.columns]
    return first_columns(source, encoding) if Path(source).is_file() else []


def id_column(source: str | os.PathLike | pd.DataFrame, id: str | None = None, text: str = "text",
              encoding: str | None = None) -> str | None:
    """The column whose values name the documents of `source`: `id` when given, else a table's
    column called doc_id or id, in any case (which a user means as ids), else None: row
    numbers from 0 (a folder: file paths). A file that cannot be read is left to the reader,
    which says why."""
    return id if id is not None else _text_and_id(_columns(source, encoding), text, None)[1]


def same_column(columns: list[str], name: str) -> str:
    """`name` if it is one of `columns`, else the one column called so in another case."""
    if name in columns:
        return name
    found = [column for column in columns if column.casefold() == name.casefold()]
    return found[0] if len(found) == 1 else name


def _text_and_id(columns: list[str], text: str, id: str | None) -> tuple[str, str | None]:
    """The text column among a table's `columns` (`text`, else the one column called so in
    another case: `Text` from a spreadsheet) and the id column (`id_column`): one reading of
    the header serves both."""
    text = same_column(columns, text)
    return text, id if id is not None else _named(columns, ID_COLUMNS, other_than=text)


def read_corpus(source: str | os.PathLike | pd.DataFrame, text: str = "text", id: str | None = None,
                encoding: str | None = None, date: str | None = None) -> Corpus:
    """Read a folder, a .csv/.jsonl/.ndjson/.parquet file or a DataFrame into one Corpus; ids
    from the column `id`, else as `id_column` finds them (as `openness score` does). A CSV
    file or a folder's files are decoded from `encoding` (a Python codec name: "cp1252",
    "gbk") when given, else as the reader guesses (UTF-8, UTF-16/32 with a byte order mark,
    Windows-1252). `published` is parsed from the column `date` when given, else from one
    called `published` or `date`. A `RejectsWarning` says how many records went to
    `corpus.rejects`, and the first one."""
    corpus = read_quietly(source, text, id, encoding, date)
    _warn_rejects(len(corpus.rejects), corpus.n_read, corpus.rejects)
    return corpus


def iter_corpus(
    source: str | os.PathLike | pd.DataFrame, text: str = "text", id: str | None = None, chunksize: int = 10_000,
    share: Share | None = None, encoding: str | None = None, date: str | None = None,
) -> Iterator[Corpus]:
    """Stream a table file as one Corpus per `chunksize` records with bounded memory. Row-number
    ids continue across chunks and duplicate ids/texts are found across chunks; folders and
    DataFrames come as a single Corpus. With `share`, chunks other workers read come back
    without documents or rejects, and are read no further than the format requires. After the
    last chunk, a `RejectsWarning` says how many records were rejected over all chunks.
    `encoding` and `date` as for `read_corpus`."""
    chunks = iter_quietly(source, text, id, chunksize, share, encoding, date)

    def warning_at_the_end() -> Iterator[Corpus]:
        n_rejected, n_read, first = 0, 0, None
        for chunk in chunks:
            n_rejected, n_read = n_rejected + len(chunk.rejects), n_read + chunk.n_read
            first = chunk.rejects if first is None and len(chunk.rejects) else first
            yield chunk
        _warn_rejects(n_rejected, n_read, first, stacklevel=3)

    return warning_at_the_end()


def read_quietly(source: str | os.PathLike | pd.DataFrame, text: str = "text", id: str | None = None,
                 encoding: str | None = None, date: str | None = None) -> Corpus:
    """`read_corpus` without the warning: for callers that report the rejects themselves."""
    (corpus,) = _corpora(source, *_text_and_id(_columns(source, encoding), text, id), chunksize=None,
                         encoding=encoding, date=date)  # unchunked: one Corpus
    return corpus


def iter_quietly(
    source: str | os.PathLike | pd.DataFrame, text: str = "text", id: str | None = None, chunksize: int = 10_000,
    share: Share | None = None, encoding: str | None = None, date: str | None = None,
) -> Iterator[Corpus]:
    """`iter_corpus` without the warning: for callers that report the rejects themselves."""
    if chunksize < 1:
        raise ValueError(f"chunksize must be at least 1, not {chunksize}")
    return _corpora(source, *_text_and_id(_columns(source, encoding), text, id), chunksize, share, encoding=encoding,
                    date=date)


def rejects_line(n_rejected: int, n_read: int, rejects: pd.DataFrame, what: str = "records rejected") -> str:
    """'N of M records rejected (first: location, reason)': how every warning and summary
    counts the rejects, naming the first so that a user can open the file there."""
    first = rejects.iloc[0]
    return f"{n_rejected} of {n_read} {what} (first: {first['location']}, {first['reason']})"


def _warn_rejects(n_rejected: int, n_read: int, rejects: pd.DataFrame | None, stacklevel: int = 3) -> None:
    if n_rejected:
        warnings.warn(f"{rejects_line(n_rejected, n_read, rejects)}; see corpus.rejects", RejectsWarning,
                      stacklevel=stacklevel)


def _corpora(source, text: str, id: str | None, chunksize: int | None, share: Share | None = None,
             seen: _Seen | None = None, encoding: str | None = None, date: str | None = None) -> Iterator[Corpus]:
    seen, start = _Seen(share=share) if seen is None else seen, 0
    keys: set[str] = set()  # every column or key read, to tell a date column no record has
    for records in read_records(source, text, id, chunksize, share, encoding):
        if isinstance(records, int):
            yield seen.skipped(records)
            start += records
            continue
        if date is not None:
            _check_date_column(source, date, text, id or records.id, records.frame.columns)
            keys.update(map(str, records.frame.columns))
        yield _rows(records, text, id, start, seen, date)
        start += len(records.frame)
    if date is not None and share is None and keys and date not in keys:  # a misspelt key of JSONL records
        raise missing_column(source_name(source), date, "date", pd.Index(sorted(keys)))


def _check_date_column(source, date: str, text: str, id: str | None, columns: pd.Index) -> None:
    """A CorpusError when the column named for the dates is the text or the id column, or is not
    in a table whose columns are fixed (a DataFrame, CSV or Parquet file). A JSONL file's or a
    folder's records name their own keys: a record without it has no date, as without
    `published`; `_corpora` says so once no record had it."""
    for role, column in (("text", text), ("id", id)):
        if date == column:
            raise CorpusError(f"{source_name(source)}: the date column and the {role} column are both {date!r}")
    fixed = isinstance(source, pd.DataFrame) or (Path(source).is_file() and Path(source).suffix.lower() in (".csv", ".parquet"))
    if fixed and date not in columns:
        raise missing_column(source_name(source), date, "date", columns)


# -- a DataFrame read in parts (Dask partitions), each on its own, as read_corpus reads the whole --


def part_claims(part: pd.DataFrame, text: str, id: str) -> list[tuple[str, bytes]]:
    """(doc_id, text digest) of every record of `part` that the rules keep when no other
    record repeats it, in order: what the part would claim."""
    recorder = _Recorder()
    for _ in _corpora(part, text, id, chunksize=None, seen=recorder):
        pass
    return recorder.claims


def earlier_claims(parts: list[list[tuple[str, bytes]]]) -> list[_Seen]:
    """For each part (its `part_claims`, parts in order), the ids and texts that it holds and
    that parts before it keep: all `read_part` needs to reject what repeats across parts."""
    seen, earlier = _Seen(), []
    for claims in parts:
        earlier.append(_Seen(ids={doc_id for doc_id, _ in claims if doc_id in seen.ids},
                             texts={digest: seen.texts[digest] for _, digest in claims if digest in seen.texts}))
        seen.claim([doc_id for doc_id, _ in claims], [digest for _, digest in claims])
    return earlier


def read_part(part: pd.DataFrame, text: str, id: str, earlier: _Seen) -> Corpus:
    """The docs and rejects of `part` that `read_corpus` finds in the whole frame, given what
    the parts before it keep (`earlier_claims`); rejects located by row in the part."""
    (corpus,) = _corpora(part, text, id, chunksize=None, seen=_Seen(ids=set(earlier.ids), texts=dict(earlier.texts)))
    return corpus


# -- the one place where records become docs or rejects -------------------------------------------


@dataclass
class _Seen:
    """What earlier chunks kept: ids, and text digests (not texts) mapped to the doc_id holding them."""

    ids: set[str] = field(default_factory=set)
    texts: dict[bytes, str] = field(default_factory=dict)
    share: Share | None = None
    chunk: int = 0  # the index of the next chunk

    def wants(self) -> bool:
        return self.share is None or self.share.wants(self.chunk)

    def skipped(self, n_read: int) -> Corpus:
        """A chunk another worker reads: counted, not kept here."""
        self.chunk += 1
        return Corpus(docs=pd.DataFrame({"doc_id": pd.Series([], dtype=str), "text": pd.Series([], dtype=str)}),
                      rejects=_as_str(pd.DataFrame(columns=["location", "doc_id", "reason"])), n_read=n_read,
                      flags=_as_str(pd.DataFrame(columns=["doc_id", "flag"])))

    def keep(self, ids: list[str], digests: list[bytes]) -> None:
        self.ids.update(ids)
        self.texts.update(zip(digests, ids))

    def claim(self, ids: list[str], digests: list[bytes]) -> dict[int, str]:
        """The reason for each record (by index) that repeats an id or a text kept before; the
        others, in input order, are kept and claim theirs: only a kept record claims."""
        repeated = {}
        for index, (doc_id, digest) in enumerate(zip(ids, digests)):
            if doc_id in self.ids:
                repeated[index] = f"duplicate id {doc_id!r} (first kept)"
            elif (owner := self.texts.get(digest)) is not None:
                repeated[index] = f"duplicate text of doc_id {owner!r}"
            else:
                self.keep([doc_id], [digest])
        return repeated


@dataclass
class _Recorder(_Seen):
    """Rejects no repeat, and records every claim: the first pass over a frame read in parts."""

    claims: list[tuple[str, bytes]] = field(default_factory=list)

    def claim(self, ids: list[str], digests: list[bytes]) -> dict[int, str]:
        self.claims += zip(ids, digests)
        return {}


def _assemble(frame: pd.DataFrame, text: str, ids: pd.Series, locate: Callable[[list[int]], list[str]], seen: _Seen,
              reasons: pd.Series | None = None, flags: list[tuple[int, str]] = (), date: str | None = None) -> Corpus:
    """Check every record of `frame` (positionally aligned with `ids`, any reasons found while
    reading and flags keyed by position) and split them into docs and rejects, located by
    `locate` (positions -> locations); dates from the column `date` (see `_parse_published`)."""
    frame, flags = without_surrogates(frame.reset_index(drop=True), list(flags))
    ids = ids.reset_index(drop=True).astype(object)
    reason = pd.Series(None, index=frame.index, dtype=object) if reasons is None else reasons.reset_index(drop=True)
    texts = frame[text]
    if pd.api.types.is_string_dtype(texts.dtype) and texts.dtype != object:
        is_text = texts.notna()
    else:  # JSON values, DataFrame objects: check each
        is_text = texts.map(lambda value: isinstance(value, str)).astype(bool)
    blank = pd.Series(False, index=frame.index)
    if is_text.any():
        blank[is_text] = texts[is_text].str.strip() == ""
    missing_id = ids.isna() | (ids == "")
    wrong_type = texts.notna() & ~is_text
    for mask, why in ((texts.isna(), "missing text"),
                      (wrong_type, texts[wrong_type].map(lambda value: f"text is not a string ({type(value).__name__})")),
                      (blank & (texts == ""), "empty text"), (blank, "whitespace-only text"), (missing_id, "missing id")):
        mask = mask & reason.isna()
        reason[mask] = why if isinstance(why, str) else why[mask]
    ids = ids.where(~missing_id, None)

    positions = np.flatnonzero(reason.isna().to_numpy())
    claimed_ids, digests = ids.iloc[positions].tolist(), [_digest(value) for value in texts.iloc[positions].tolist()]
    for learned in seen.share.learn(seen.chunk) if seen.share else ():
        seen.keep(*learned)
    repeated = seen.claim(claimed_ids, digests)
    reason.iloc[positions[list(repeated)]] = list(repeated.values())
    kept = reason.isna()
    if seen.share:  # what this chunk kept, for the other workers
        kept_here = [index for index in range(len(positions)) if index not in repeated]
        seen.share.tell(seen.chunk, [claimed_ids[index] for index in kept_here], [digests[index] for index in kept_here])
    seen.chunk += 1
    docs, date_flags = _parse_published(_docs(frame[kept], text, ids[kept]), date)
    doc_position = kept.cumsum() - 1
    flag_rows = [(doc_position[position], ids[position], note) for position, note in flags if kept[position]]
    flag_rows = sorted(flag_rows + date_flags, key=lambda row: row[0])
    rejects = pd.DataFrame({"location": pd.Series(locate(np.flatnonzero(~kept.to_numpy()).tolist()), dtype=object),
                            "doc_id": ids[~kept].fillna("").to_numpy(), "reason": reason[~kept].to_numpy()})
    return Corpus(docs=docs, rejects=_as_str(rejects.reset_index(drop=True)), n_read=len(frame),
                  flags=_as_str(pd.DataFrame([row[1:] for row in flag_rows], columns=["doc_id", "flag"])))


def without_surrogates(frame: pd.DataFrame, flags: list[tuple[int, str]]) -> tuple[pd.DataFrame, list]:
    """Lone surrogates (JSON escapes such as \\ud800, or a DataFrame built from bad
    decoding) cannot be stored as text: each becomes U+FFFD (one code point for one, so
    offsets stay), and the record is flagged."""
    for name in frame.columns:
        if frame[name].dtype != object:
            continue
        bad = frame[name].map(lambda value: isinstance(value, str) and LONE_SURROGATE.search(value) is not None).astype(bool)
        if bad.any():
            frame.loc[bad, name] = frame.loc[bad, name].map(lambda value: LONE_SURROGATE.sub("\ufffd", value))
            flags += [(position, f"lone surrogate in {name} replaced with U+FFFD") for position in np.flatnonzero(bad)]
    return frame, flags


def _docs(kept: pd.DataFrame, text: str, ids: pd.Series) -> pd.DataFrame:
    """doc_id, text, then the other columns; variables that clash with those names are renamed."""
    variables = kept.drop(columns=[text]).reset_index(drop=True).infer_objects()  # JSON ints stay ints
    variables = variables.rename(columns={name: f"{name}_original" for name in RESERVED if name in variables.columns})
    docs = pd.DataFrame({"doc_id": ids.to_numpy(dtype=object), "text": kept[text].to_numpy(dtype=object)})
    return _as_str(pd.concat([docs, variables], axis=1), ("doc_id", "text"))


def _parse_published(docs: pd.DataFrame, date: str | None = None) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """Add `published` (datetime64, UTC made naive) from the column `date`, else a `published`
    or `date` column (in any case); values that do not parse become NaT and are flagged. The
    original column is kept."""
    if date is None:
        source = _named([str(name) for name in docs.columns], DATE_COLUMNS, other_than="text")
    else:  # a variable called like the text or id column was renamed by `_docs`
        source = f"{date}_original" if date in RESERVED else date
    if source is None:
        return docs, []
    column = docs[source] if source in docs.columns else pd.Series(None, index=docs.index, dtype=object)
    raw = column.astype("string").str.strip()  # YAML dates and datetimes print as ISO 8601
    given = raw.fillna("") != ""
    iso = raw.str.replace(_DOTTED, _day_first, regex=True)  # 11.03.2024 is 11 March, as written in Germany
    parsed = pd.to_datetime(iso, errors="coerce", format="ISO8601", utc=True)
    retry = parsed.isna() & given
    if retry.any():  # other spellings ("5 March 2024") one by one, only where ISO 8601 failed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            parsed[retry] = pd.to_datetime(iso[retry], errors="coerce", format="mixed", utc=True)
    published = parsed.dt.tz_localize(None)
    failed = published.isna() & given
    docs = docs.rename(columns={"published": "published_original"})
    docs.insert(2, "published", published)
    flags = [(position, docs["doc_id"][position], f"{source} not a date: {raw[position]!r}") for position in np.flatnonzero(failed)]
    return docs, flags


def _day_first(match: re.Match) -> str:
    """A dotted day.month.year date in ISO 8601 order (two-digit years as pandas' %y takes
    them); a year of another length is no date (`1.2.3` is not 2 January 2003)."""
    day, month, year = match.groups()
    if len(year) not in (2, 4):
        return "not a date"
    if len(year) == 2:
        year = ("20" if int(year) < 69 else "19") + year
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _rows(records: Records, text: str, id: str | None, start: int, seen: _Seen, date: str | None = None) -> Corpus:
    """Assemble a chunk: doc_ids from the id column (the user's, else the reader's), else the
    0-based row number counted from `start`; rejects located as the reader knows them
    (`Records.where`: a file's path, `path:line N` of a CSV or JSONL file, `path:row N` of a
    Parquet file), as `row N` counted from `start` in a DataFrame."""
    frame, id = plain_strings(records.frame, {text, id or records.id} - {None}), id or records.id
    rows = pd.Series(np.arange(start, start + len(frame))).astype(str)
    ids = rows if id is None else _ids(frame[id])
    if id == "doc_id":
        frame = frame.drop(columns="doc_id")
    return _assemble(frame, text, ids, lambda positions: records.where(positions, start), seen, records.reasons,
                     records.flags, date)


def _ids(values: pd.Series) -> pd.Series:
    """Ids as Python strings, None where missing (JSON numbers become their decimal text);
    a lone surrogate (an id decoded with errors) becomes U+FFFD, as in the text, since it
    cannot be stored as text. Built as objects: pandas would infer Arrow strings, which
    refuse a surrogate."""
    ids = values.astype(object).where(values.notna(), None)
    if values.dtype != object and pd.api.types.is_string_dtype(values.dtype):
        return ids
    return pd.Series([None if value is None else LONE_SURROGATE.sub("\ufffd", str(value)) for value in ids],
                     index=ids.index, dtype=object)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _as_str(table: pd.DataFrame, columns=None) -> pd.DataFrame:
    """Text columns as pandas' string dtype (the default `str` in pandas 3)."""
    table = table.copy()
    for name in columns or table.columns:
        table[name] = table[name].astype(str) if len(table) else pd.Series([], dtype=str)
    return table
