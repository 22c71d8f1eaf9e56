"""Fetching pinned sources: against a real HTTP server on 127.0.0.1 serving a small fake
upstream laid out as <repo>/<commit>/<path>, against a fake mirror, and the real registry
against the real mirror."""
from __future__ import annotations

import functools
import hashlib
import socket
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from openness import paths
from openness.data.registry import FetchError, Source, SourceFile, fetch, load_registry, source_dir

REPO, COMMIT = "someone/alpha", "0123456789abcdef0123456789abcdef01234567"
ODD = "notes/Draft (v2) + final: summary.txt"  # space, parentheses, '+' and ':' in one path
FILES = {ODD: b"Openness is a claim; evidence is what we check.\n", "table.csv": b"lab,score\nA,1\nB,0\n"}
LOCAL = {"only-here.txt": b"A document that exists on no server.\n"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Fake:
    registry: Path
    server_root: Path  # <repo>/<commit>/<path> below it
    dest: Path
    mirror: Path  # raw/<source>/<path> below it


def _entry(id_: str, repo: str | None, commit: str | None, files: dict[str, bytes]) -> dict:
    listed = [{"path": p, "sha256": sha256(b), "size": len(b)} for p, b in sorted(files.items())]
    return {"id": id_, "repo": repo, "commit": commit, "licence": "CC0-1.0", "citation": "made up", "files": listed}


def _write_tree(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)


@pytest.fixture
def fake(tmp_path, monkeypatch) -> Fake:
    monkeypatch.delenv("OPENNESS_MIRROR", raising=False)
    registry = tmp_path / "sources.yaml"
    entries = [_entry("alpha", REPO, COMMIT, FILES), _entry("local", None, None, LOCAL)]
    registry.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    _write_tree(tmp_path / "server" / REPO / COMMIT, FILES)
    _write_tree(tmp_path / "mirror" / "raw" / "alpha", FILES)
    _write_tree(tmp_path / "mirror" / "raw" / "local", LOCAL)
    return Fake(registry, tmp_path / "server", tmp_path / "raw", tmp_path / "mirror")


@pytest.fixture
def server(fake):
    """Serve fake.server_root on 127.0.0.1; yields (base_url, list of requested paths)."""
    requested: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(fake.server_root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requested
    httpd.shutdown()
    httpd.server_close()


def test_url_percent_encodes_each_segment():
    source = Source("alpha", REPO, COMMIT, "CC0-1.0", "made up", ())
    url = source.url(SourceFile(ODD, "0" * 64, 1))
    assert url == f"https://raw.githubusercontent.com/{REPO}/{COMMIT}/notes/Draft%20%28v2%29%20%2B%20final%3A%20summary.txt"


def test_download_verifies_then_second_fetch_makes_no_request(fake, server):
    base_url, requested = server
    first = fetch(["alpha"], dest=fake.dest, base_url=base_url, registry=fake.registry)
    assert list(first["status"]) == ["downloaded", "downloaded"]
    assert set(first["path"]) == set(FILES) and first["bytes"].sum() == sum(map(len, FILES.values()))
    for relative, data in FILES.items():
        assert (fake.dest / "alpha" / relative).read_bytes() == data
    assert f"/{REPO}/{COMMIT}/notes/Draft%20%28v2%29%20%2B%20final%3A%20summary.txt" in requested
    assert len(requested) == 2

    second = fetch(["alpha"], dest=fake.dest, base_url=base_url, registry=fake.registry)
    assert list(second["status"]) == ["verified", "verified"]
    assert len(requested) == 2


def test_corrupt_download_raises_and_leaves_nothing(fake, server):
    (fake.server_root / REPO / COMMIT / ODD).write_bytes(b"Tampered on the way.\n")
    with pytest.raises(FetchError, match="does not match") as caught:
        fetch(["alpha"], dest=fake.dest, base_url=server[0], registry=fake.registry)
    assert ODD in str(caught.value)
    assert [p.name for p in (fake.dest / "alpha" / "notes").iterdir()] == []  # no final file, no temp file


def test_missing_file_names_it(fake, server):
    (fake.server_root / REPO / COMMIT / "table.csv").unlink()
    with pytest.raises(FetchError, match=r"table\.csv.*HTTP 404"):
        fetch(["alpha"], dest=fake.dest, base_url=server[0], registry=fake.registry)
    assert not (fake.dest / "alpha" / "table.csv").exists()


def test_no_network_points_to_mirror(fake):
    with socket.socket() as probe:  # a port that was free a moment ago and is now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"alpha: .*ConnectionError.*--mirror DIR / OPENNESS_MIRROR"):
        fetch(["alpha"], dest=fake.dest, base_url=f"http://127.0.0.1:{port}", registry=fake.registry)


def test_corrupt_local_file_is_fetched_again(fake, server):
    stale = fake.dest / "alpha" / "table.csv"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"lab,score\nA,9\n")
    result = fetch(["alpha"], dest=fake.dest, base_url=server[0], registry=fake.registry)
    assert dict(zip(result["path"], result["status"])) == {ODD: "downloaded", "table.csv": "downloaded"}
    assert stale.read_bytes() == FILES["table.csv"]
    assert dict(zip(result["path"], result["replaced"])) == {ODD: False, "table.csv": True}


def test_fetch_command_says_when_it_replaced_a_changed_file(fake, monkeypatch, capsys):
    """A raw file someone edited is deleted and fetched again: the summary must not hide that."""
    import functools

    import openness.data.registry as registry
    from openness.cli import main

    monkeypatch.setattr(registry, "fetch", functools.partial(fetch, dest=fake.dest, registry=fake.registry))
    assert main(["data", "fetch", "local", "--mirror", str(fake.mirror)]) == 0
    assert capsys.readouterr().err.strip() == "1 file: 1 copied"
    edited = fake.dest / "local" / "only-here.txt"
    edited.write_bytes(b"my own notes\n")
    assert main(["data", "fetch", "--mirror", str(fake.mirror)]) == 0
    assert capsys.readouterr().err.strip() == ("3 files: 3 copied; 1 of them replaced a local file that did not match "
                                               "its sha256 (first: local/only-here.txt)")
    assert edited.read_bytes() == LOCAL["only-here.txt"]


def test_mirror_copy_and_corrupt_mirror_refused(fake):
    result = fetch(mirror=fake.mirror, dest=fake.dest, registry=fake.registry)
    assert list(zip(result["source"], result["status"])) == [("alpha", "copied")] * 2 + [("local", "copied")]
    assert (fake.dest / "local" / "only-here.txt").read_bytes() == LOCAL["only-here.txt"]

    bad = b"Someone edited the mirror.\n"
    (fake.mirror / "raw" / "local" / "only-here.txt").write_bytes(bad)
    (fake.dest / "local" / "only-here.txt").unlink()
    with pytest.raises(FetchError) as caught:
        fetch(["local"], mirror=fake.mirror, dest=fake.dest, registry=fake.registry)
    message = str(caught.value)
    assert "only-here.txt" in message and sha256(LOCAL["only-here.txt"]) in message and sha256(bad) in message
    assert list((fake.dest / "local").iterdir()) == []


def test_mirror_from_environment(fake, monkeypatch):
    monkeypatch.setenv("OPENNESS_MIRROR", str(fake.mirror))
    result = fetch(["local"], dest=fake.dest, registry=fake.registry)
    assert list(result["status"]) == ["copied"]


def test_local_source_needs_a_mirror(fake):
    with pytest.raises(FetchError, match=r"local: only-here\.txt has no upstream URL.*--mirror DIR"):
        fetch(["local"], dest=fake.dest, registry=fake.registry)


def test_unknown_source_lists_known_ones(fake):
    with pytest.raises(FetchError, match=r"unknown source\(s\): beta; known sources: alpha, local"):
        fetch(["alpha", "beta"], dest=fake.dest, registry=fake.registry)


def test_source_dir_prefers_fetched_then_mirror(fake, monkeypatch):
    with pytest.raises(FetchError, match=r"run `openness data fetch local` or set OPENNESS_MIRROR"):
        source_dir("local", fake.dest, registry=fake.registry)
    monkeypatch.setenv("OPENNESS_MIRROR", str(fake.mirror))
    assert source_dir("local", fake.dest, registry=fake.registry) == fake.mirror.resolve() / "raw" / "local"
    fetch(["local"], dest=fake.dest, registry=fake.registry)
    assert source_dir("local", fake.dest, registry=fake.registry) == fake.dest / "local"


def test_source_dir_says_a_file_was_changed_not_that_the_source_is_missing(fake):
    fetch(["local"], mirror=fake.mirror, dest=fake.dest, registry=fake.registry)
    with (fake.dest / "local" / "only-here.txt").open("ab") as edited:
        edited.write(b"an edit\n")
    with pytest.raises(FetchError) as caught:
        source_dir("local", fake.dest, registry=fake.registry)
    assert (f"not found whole ({fake.dest / 'local'}: 1 of 1 files missing or not of their registered size, "
            f"first only-here.txt); run `openness data fetch local`") in str(caught.value)
    with pytest.raises(FetchError, match=r"\(\S+: no such folder\)"):
        source_dir("alpha", fake.dest, registry=fake.registry)


def test_registry_refuses_escaping_path(tmp_path):
    entry = _entry("alpha", REPO, COMMIT, {"../outside.txt": b"x"})
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"sources\.yaml: source #1 \(alpha\): file path '\.\./outside\.txt'"):
        load_registry(tmp_path / "sources.yaml")


# Commits as listed in the raw-data README (/work/shared/data/README.md).
COMMITS = {
    "osai-index": "5a388e871b88735e7ab7e6fb230b76c9d460d99a",
    "fmti": "f4500c5f4763966fddf71c468a148533a1236290",
    "mot": "8b5d30e90a7c62d7d6ece48b91e69ff495920a4d",
    "ntia-open-weights": "3a7a9d65ecd5f0a4052105354ada1ea2429bd0a1",
    "interconnects": "b2c74a0cb0765f2c65abe8cbc8ba48d5ff877d7a",
    "aiaaic": "41593413d52394c9bc9c95f2411ac2441acf1688",
    "news-scrape": "50f4ea0accfe3b2c7aa57b451ed1da92d70a41d1",
    "seed": None,
    "gold": None,  # ours: the mirror's gold/ folder
    "aiaaic-issue-themes": None,  # ours: data/mappings/ in the repository
    "audits": None,  # ours: data/validation/ in the repository
}


def test_real_registry_matches_mirror(mirror):
    registry = load_registry()
    assert {id_: s.commit for id_, s in registry.items()} == COMMITS
    assert registry["seed"].repo is None and registry["fmti"].repo == "stanford-crfm/fmti"
    assert registry["gold"].in_mirror(mirror) == mirror / "gold"
    for source in registry.values():
        root = paths.ROOT / source.home if source.home else source.in_mirror(mirror)
        on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        assert {f.path for f in source.files} == on_disk, source.id
        for file in source.files:
            data = (root / file.path).read_bytes()
            assert (len(data), sha256(data)) == (file.size, file.sha256), f"{source.id}/{file.path}"
