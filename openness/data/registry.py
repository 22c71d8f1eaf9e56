"""Pinned raw sources: the registry (upstream repo, commit, licence, sha256 of every file),
fetching the files from upstream or from a local mirror, and finding them again for parsers.

A file is trusted only when its sha256 matches the registry, so data/raw/ holds the same
bytes on every machine, whether they came from the network or from a mirror."""
from __future__ import annotations

import contextlib
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator
from urllib.parse import quote

import pandas as pd
import pooch
import requests
import yaml
from tqdm import tqdm

from openness import paths
from openness.core.io import atomic_path

REGISTRY = paths.DATA / "sources.yaml"
GITHUB_RAW = "https://raw.githubusercontent.com"
NETWORK_WAY_OUT = "check your network, or copy from a local mirror with --mirror DIR / OPENNESS_MIRROR"
TIMEOUT_SECONDS = 60


class FetchError(RuntimeError):
    """A source file could not be fetched or found; the message names the file and the way out."""


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the source root, upstream layout, '/'-separated
    sha256: str
    size: int


@dataclass(frozen=True)
class Source:
    id: str
    repo: str | None  # "owner/name" on GitHub; None for a local-only source
    commit: str | None
    licence: str
    citation: str
    files: tuple[SourceFile, ...]
    mirror_folder: str | None = None  # its folder in a mirror; None: raw/<id>
    home: str | None = None  # the repository folder holding its files, for data of our own (never fetched)

    def in_mirror(self, mirror: Path) -> Path:
        """Where a mirror holds this source's files."""
        return mirror / (self.mirror_folder or f"raw/{self.id}")

    def url(self, file: SourceFile, base_url: str = GITHUB_RAW) -> str:
        """The upstream URL of `file` at the pinned commit, each path segment percent-encoded."""
        if self.repo is None or self.commit is None:
            raise FetchError(f"source {self.id!r} has no upstream URL; {_mirror_only(self)}")
        encoded = "/".join(quote(segment, safe="") for segment in file.path.split("/"))
        return f"{base_url.rstrip('/')}/{self.repo}/{self.commit}/{encoded}"


def load_registry(path: Path = REGISTRY) -> dict[str, Source]:
    """Read the source registry; a malformed entry is reported with its file, source and field."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise ValueError(f"{path}: expected a top-level 'sources' list")
    registry: dict[str, Source] = {}
    for number, entry in enumerate(document["sources"], 1):
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: source #{number} is {entry!r}, expected a mapping")
        where = f"{path}: source #{number} ({entry.get('id', 'no id')})"
        try:
            listed = _read_manifest(Path(path).parent / entry["manifest"]) if "manifest" in entry else entry["files"]
            files = tuple(SourceFile(str(f["path"]), str(f["sha256"]), int(f["size"])) for f in listed)
            source = Source(entry["id"], entry["repo"], entry["commit"], entry["licence"], entry["citation"], files,
                            entry.get("mirror"), entry.get("home"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: missing or malformed field {exc}") from exc
        for file in files:
            _check_entry(file, where)
        if source.id in registry:
            raise ValueError(f"{where}: duplicate source id")
        registry[source.id] = source
    return registry


def _read_manifest(path: Path) -> list[dict[str, str]]:
    """The file list of a source with many files, kept beside the registry as a CSV
    (path, sha256, size) so that sources.yaml stays readable; the same checks apply."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")
    except (OSError, pd.errors.ParserError) as exc:
        raise ValueError(f"{path}: cannot read the file manifest: {exc}") from exc


def _check_entry(file: SourceFile, where: str) -> None:
    """Refuse paths that would escape the source folder and hashes that are not sha256."""
    parts = PurePosixPath(file.path).parts
    if not parts or file.path.startswith("/") or "\\" in file.path or any(p in ("..", ".") for p in parts):
        raise ValueError(f"{where}: file path {file.path!r} must be relative, '/'-separated, without '.' or '..'")
    if len(file.sha256) != 64 or any(c not in "0123456789abcdef" for c in file.sha256):
        raise ValueError(f"{where}: file {file.path!r} has sha256 {file.sha256!r}, expected 64 lowercase hex digits")
    if file.size < 0:
        raise ValueError(f"{where}: file {file.path!r} has negative size {file.size}")


def _select(registry: dict[str, Source], wanted: Iterable[str] | None) -> list[Source]:
    if wanted is None:
        return list(registry.values())
    wanted = [wanted] if isinstance(wanted, str) else list(dict.fromkeys(wanted))
    unknown = [name for name in wanted if name not in registry]
    if unknown:
        raise FetchError(f"unknown source(s): {', '.join(unknown)}; known sources: {', '.join(registry)}")
    return [registry[name] for name in wanted]


def _mirror_only(source: Source) -> str:
    return (f"fetch it from a local mirror: `openness data fetch {source.id} --mirror DIR` "
            f"(or set OPENNESS_MIRROR), DIR holding {source.mirror_folder or f'raw/{source.id}'}/")


def fetch(
    sources: Iterable[str] | None = None,
    *,
    mirror: Path | None = None,
    dest: Path = paths.RAW,
    base_url: str | None = None,
    progress: bool | None = None,
    registry: Path = REGISTRY,
) -> pd.DataFrame:
    """Put every file of `sources` (default: all) at dest/<source>/<path>, verified by sha256.

    Files already there and verified are left alone; others come from `mirror` (default:
    OPENNESS_MIRROR), a folder holding raw/<source>/, or else from upstream (`base_url`
    replaces https://raw.githubusercontent.com). Returns one row per file: source, path,
    status ('verified', 'downloaded' or 'copied'), bytes and `replaced` (a file was there that
    did not match its sha256: it is gone, and a user who edited it should hear so)."""
    chosen = _select(load_registry(registry), sources)
    mirror = Path(mirror).expanduser() if mirror is not None else paths.mirror()
    progress = sys.stderr.isatty() if progress is None else progress
    rows = [_check_home(source, file) for source in chosen if source.home is not None for file in source.files]
    chosen = [source for source in chosen if source.home is None]
    jobs = [(source, file) for source in chosen for file in source.files]
    for source in chosen:
        _remove_leftovers(Path(dest) / source.id, {file.path for file in source.files})
    with _quiet_pooch(), tqdm(total=sum(f.size for _, f in jobs), unit="B", unit_scale=True,
                              desc="fetch", disable=not progress) as bar:
        for number, (source, file) in enumerate(jobs, 1):
            bar.set_postfix_str(f"file {number}/{len(jobs)} ({source.id})", refresh=False)
            target = Path(dest) / source.id / file.path
            replaced = target.is_file()  # _fetch_file keeps it only if it matches
            status = _fetch_file(source, file, target, mirror, base_url or GITHUB_RAW, progress)
            rows.append({"source": source.id, "path": file.path, "status": status, "bytes": file.size,
                         "replaced": replaced and status != "verified"})
            bar.update(file.size)
    return pd.DataFrame(rows, columns=["source", "path", "status", "bytes", "replaced"]).astype({"replaced": bool})


def _check_home(source: Source, file: SourceFile) -> dict:
    """A file of our own, kept in the repository, is not fetched, only checked against the registry."""
    path = paths.ROOT / source.home / file.path
    if not path.is_file() or pooch.file_hash(str(path)) != file.sha256:
        raise FetchError(f"{path}: missing or changed; it is registered in data/sources.yaml ({source.id}) with "
                         f"sha256 {file.sha256}: restore it, or register the new file's sha256 and size")
    return {"source": source.id, "path": file.path, "status": "verified", "bytes": file.size, "replaced": False}


_LEFTOVER = re.compile(r"(?:\..+\.tmp|tmp[A-Za-z0-9_]{6,})")  # ours (atomic_path), pooch's download


def _remove_leftovers(folder: Path, registered: set[str]) -> None:
    """Delete the temporary files an interrupted fetch left behind, so that a resumed
    fetch ends with exactly the registered files (which `openness data build` insists on)."""
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        if path.is_file() and _LEFTOVER.fullmatch(path.name) and path.relative_to(folder).as_posix() not in registered:
            path.unlink()


def _fetch_file(
    source: Source, file: SourceFile, target: Path, mirror: Path | None, base_url: str, progress: bool
) -> str:
    if target.is_file():
        if pooch.file_hash(str(target)) == file.sha256:
            return "verified"
        target.unlink()  # a file that does not match is never trusted, not even until replaced
    if mirror is not None:
        _copy_from_mirror(source, file, target, mirror)
        return "copied"
    if source.repo is None:
        raise FetchError(f"{source.id}: {file.path} has no upstream URL and no mirror was given; "
                         f"{_mirror_only(source)}")
    _download(source, file, target, base_url, progress)
    return "downloaded"


def _copy_from_mirror(source: Source, file: SourceFile, target: Path, mirror: Path) -> None:
    """Copy beside the target, check the copy's hash, and only then rename it into place."""
    origin = source.in_mirror(mirror) / file.path
    if not origin.is_file():
        raise FetchError(f"{source.id}: {file.path} is missing from the mirror (looked for {origin}); "
                         "point --mirror / OPENNESS_MIRROR at a folder holding raw/<source>/ (and gold/), "
                         "or fetch without a mirror")
    with atomic_path(target) as tmp:
        shutil.copyfile(origin, tmp)
        actual = pooch.file_hash(str(tmp))
        if actual != file.sha256:
            raise FetchError(f"{source.id}: mirror file {origin} does not match the registry: expected sha256 "
                             f"{file.sha256}, got {actual}; restore it from upstream commit {source.commit} "
                             "or fetch without a mirror")


def _download(source: Source, file: SourceFile, target: Path, base_url: str, progress: bool) -> None:
    """Download with pooch: it writes a temporary file and moves it into place only if the hash matches."""
    url = source.url(file, base_url)
    bar = tqdm(total=file.size, unit="B", unit_scale=True, leave=False, desc=target.name, disable=not progress)
    with bar:
        downloader = pooch.HTTPDownloader(progressbar=bar if progress else False, timeout=TIMEOUT_SECONDS)
        try:
            pooch.retrieve(url, known_hash=f"sha256:{file.sha256}", fname=target.name, path=target.parent,
                           downloader=downloader)
        except requests.HTTPError as exc:
            raise FetchError(f"{source.id}: {file.path} could not be downloaded from {url} "
                             f"(HTTP {exc.response.status_code}); {NETWORK_WAY_OUT}") from exc
        except requests.RequestException as exc:
            raise FetchError(f"{source.id}: {file.path} could not be downloaded from {url} "
                             f"({type(exc).__name__}); {NETWORK_WAY_OUT}") from exc
        except ValueError as exc:  # pooch's hash mismatch; the download was deleted
            raise FetchError(f"{source.id}: {file.path} from {url} does not match the registry's sha256 "
                             f"{file.sha256} and was discarded; retry, {NETWORK_WAY_OUT}") from exc


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Pooch logs one line per download; our progress bar says it better."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        yield
    finally:
        logger.setLevel(level)


def source_dir(source_id: str, root: Path | None = None, *, registry: Path = REGISTRY) -> Path:
    """Where the parsers read `source_id` from: <root>/<source> (root defaults to data/raw, where
    `fetch` puts files) when every file is there, else its folder in OPENNESS_MIRROR
    (raw/<source>, gold/ for the gold sentences); a source of our own, its repository folder."""
    source = _select(load_registry(registry), [source_id])[0]
    if source.home is not None:
        return paths.ROOT / source.home
    candidates = [Path(root or paths.RAW) / source_id]
    if (mirror := paths.mirror()) is not None:
        candidates.append(source.in_mirror(mirror))
    looked = []  # what was wrong in each folder: an edited file is not a missing one
    for folder in candidates:
        wrong = [f.path for f in source.files if not _present(folder / f.path, f.size)] if folder.is_dir() else None
        if wrong == []:
            return folder
        looked.append(f"{folder}: " + ("no such folder" if wrong is None else
                                       f"{len(wrong)} of {len(source.files)} files missing or not of their "
                                       f"registered size, first {wrong[0]}"))
    raise FetchError(f"raw files of source {source_id!r} not found whole ({'; '.join(looked)}); "
                     f"run `openness data fetch {source_id}` or set OPENNESS_MIRROR to a folder holding "
                     f"raw/{source_id}/")


def _present(path: Path, size: int) -> bool:
    """Cheap completeness check (fetch already verified the hash): the file is there, whole."""
    return path.is_file() and path.stat().st_size == size
