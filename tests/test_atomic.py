"""Atomic, resumable work under real interruptions: a scoring run or a table write killed
with SIGKILL midway leaves the previous output (or none), never a truncated file; a fetch
cut off mid-download leaves nothing at the final path and completes when run again; a build
on changed raw files refuses and leaves the committed tables as they were."""
from __future__ import annotations

import http.server
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest
import yaml

from openness import paths
from openness.core.outputs import OUTPUT_HEADERS
from openness.data.build import BuildError, build, verify_raw
from openness.data.registry import FetchError, fetch, load_registry
from test_fetch import COMMIT, FILES, REPO, _entry


def _earlier_table(header: tuple[str, ...]) -> bytes:
    """A table as an earlier run wrote it: its header and a row of made-up values."""
    return (",".join(header) + "\n" + ",".join(["earlier", *["0"] * (len(header) - 1)]) + "\n").encode()


PREVIOUS = _earlier_table(OUTPUT_HEADERS[0])


def _big_corpus(path: Path, n_docs: int = 40_000) -> None:
    """About 20 MB of seeded documents: several seconds of scoring."""
    rng = np.random.default_rng(11)
    words = np.array("open weights model release the safety of data OpenAI Meta said not we publish . , \n".split(" "))
    texts = [" ".join(rng.choice(words, size=80)) for _ in range(n_docs)]
    pd.DataFrame({"id": [f"d{i}" for i in range(n_docs)], "text": texts}).to_csv(path, index=False)


def _temp_files(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def _kill_when_written(process: subprocess.Popen, folder: Path, name: str, timeout: float = 60) -> Path:
    """SIGKILL `process` once the temporary file beside `name` holds data; return that file."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"finished before it could be killed: {process.stderr.read()[-2000:]}"
        temps = [p for p in _temp_files(folder, name) if p.stat().st_size > 0]
        if temps:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            return temps[0]
        time.sleep(0.02)
    process.kill()
    pytest.fail(f"no temporary file for {name} appeared within {timeout} s")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "corpus.csv"
    _big_corpus(path)
    return path


@pytest.mark.parametrize("previous", [PREVIOUS, None], ids=["previous output", "no previous output"])
def test_killed_score_run_leaves_previous_output_or_none(corpus, tmp_path, previous):
    out, hits = tmp_path / "out.csv", tmp_path / "hits.csv"
    if previous is not None:
        out.write_bytes(previous)
    process = subprocess.Popen(
        [sys.executable, "-m", "openness.cli", "score", str(corpus), "-o", str(out), "--id-column", "id",
         "--evidence", str(hits), "--chunksize", "500", "--quiet"],
        cwd=paths.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stale = _kill_when_written(process, tmp_path, "out.csv")
    assert process.returncode == -signal.SIGKILL
    if previous is None:
        assert not out.exists()
    else:
        assert out.read_bytes() == previous
    assert not hits.exists()
    # what the killed run left behind is hidden and cannot be taken for an output
    assert stale.name.startswith(".out.csv.") and stale.name.endswith(".tmp")
    leftovers = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert leftovers == (["out.csv"] if previous is not None else [])


def test_a_complete_run_replaces_the_previous_output(tmp_path):
    source = tmp_path / "small.csv"
    pd.DataFrame({"id": ["a", "b"], "text": ["Meta published open weights.", "Nothing to see."]}).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    out.write_bytes(PREVIOUS)
    done = subprocess.run([sys.executable, "-m", "openness.cli", "score", str(source), "-o", str(out),
                           "--id-column", "id", "--quiet"], cwd=paths.ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert table["doc_id"].tolist() == ["a", "b"] and table["labs"].fillna("").tolist() == ["meta", ""]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_killed_write_csv_leaves_previous_file(tmp_path):
    target = tmp_path / "table.csv"
    target.write_bytes(PREVIOUS)
    script = textwrap.dedent(f"""
        import numpy as np, pandas as pd
        from openness.core.io import write_csv
        n = 4_000_000
        frame = pd.DataFrame({{"doc_id": np.arange(n), "score": np.linspace(0, 1, n), "label": ["some text"] * n}})
        write_csv(frame, {str(target)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=paths.ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    stale = _kill_when_written(process, tmp_path, "table.csv")
    assert target.read_bytes() == PREVIOUS
    assert stale.name.startswith(".table.csv.") and stale.name.endswith(".tmp")


# -- fetch ---------------------------------------------------------------------------------------

SLOW = "table.csv"


class _Upstream(http.server.ThreadingHTTPServer):
    """Serves FILES at /<repo>/<commit>/<path>; `mode` decides how the SLOW file is sent:
    'whole', 'cut' (half the bytes, then the connection closes) or 'stall' (half, then waits)."""

    daemon_threads = True
    mode = "whole"
    requested: list[str]
    half_sent: threading.Event


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requested.append(self.path)
        name = next((p for p in FILES if unquote(self.path) == f"/{REPO}/{COMMIT}/{p}"), None)
        if name is None:
            self.send_error(404)
            return
        data = FILES[name]
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if name != SLOW or self.server.mode == "whole":
            self.wfile.write(data)
            return
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.server.half_sent.set()
        if self.server.mode == "stall":
            time.sleep(30)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENNESS_MIRROR", raising=False)
    registry = tmp_path / "sources.yaml"
    registry.write_text(yaml.safe_dump({"sources": [_entry("alpha", REPO, COMMIT, FILES)]}), encoding="utf-8")
    server = _Upstream(("127.0.0.1", 0), _Handler)
    server.requested, server.half_sent = [], threading.Event()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server, registry, tmp_path / "raw"
    server.shutdown()
    server.server_close()


def test_cut_download_raises_leaves_nothing_and_resumes(upstream):
    server, registry, dest = upstream
    server.mode = "cut"
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with pytest.raises(FetchError, match=rf"alpha: {SLOW}") as caught:
        fetch(["alpha"], dest=dest, base_url=base_url, registry=registry, progress=False)
    assert "openness data fetch" in str(caught.value) or "OPENNESS_MIRROR" in str(caught.value)
    assert not (dest / "alpha" / SLOW).exists()
    assert [p.name for p in (dest / "alpha").iterdir() if p.is_file()] == []  # no partial or temporary file
    first_requests = len(server.requested)

    server.mode = "whole"
    result = fetch(["alpha"], dest=dest, base_url=base_url, registry=registry, progress=False)
    other = next(p for p in FILES if p != SLOW)  # fetched whole before the cut: kept, not fetched again
    assert dict(zip(result["path"], result["status"])) == {other: "verified", SLOW: "downloaded"}
    assert (dest / "alpha" / SLOW).read_bytes() == FILES[SLOW]
    assert len(server.requested) - first_requests == 1


def test_killed_fetch_resumes_and_leaves_no_stray_file(upstream):
    """A fetch killed mid-download: nothing at the final path; the next fetch completes and
    the raw folder then holds exactly the registered files, so `data build` accepts it."""
    server, registry, dest = upstream
    server.mode = "stall"
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    script = (f"from openness.data.registry import fetch; fetch(['alpha'], dest={str(dest)!r}, base_url={base_url!r}, "
              f"registry={str(registry)!r}, progress=False)")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=paths.ROOT, stderr=subprocess.PIPE)
    assert server.half_sent.wait(60), process.stderr.read()
    time.sleep(0.2)  # let the client write what it received
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert not (dest / "alpha" / SLOW).exists()

    server.mode = "whole"
    result = fetch(["alpha"], dest=dest, base_url=base_url, registry=registry, progress=False)
    assert dict(zip(result["path"], result["status"]))[SLOW] == "downloaded"
    on_disk = sorted(p.relative_to(dest / "alpha").as_posix() for p in (dest / "alpha").rglob("*") if p.is_file())
    assert on_disk == sorted(FILES), "a killed download left a stray file that `openness data build` refuses"
    verify_raw(load_registry(registry), dest)


# -- build ---------------------------------------------------------------------------------------


@pytest.fixture
def raw_copy(mirror, tmp_path) -> Path:
    """A raw folder as `openness data fetch` fills it: every source of the mirror, gold too."""
    copy = tmp_path / "raw"
    shutil.copytree(mirror / "raw", copy)
    shutil.copytree(mirror / "gold", copy / "gold")
    return copy


def _committed_like(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "processed"
    out.mkdir()
    tables = {"documents.csv": b"doc_id\nkept\n", "evidence.csv": b"doc_id,start,end\nkept,0,4\n"}
    for name, data in tables.items():
        (out / name).write_bytes(data)
    return out, tables


def test_build_refuses_a_same_size_change_and_keeps_the_tables(raw_copy, tmp_path):
    """A byte changed in place keeps the size (the cheap presence check passes); only the hash sees it."""
    victim = sorted((raw_copy / "fmti").rglob("*.csv"))[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] = ord("#") if data[len(data) // 2] != ord("#") else ord("%")
    victim.write_bytes(bytes(data))
    out, tables = _committed_like(tmp_path)
    with pytest.raises(BuildError, match="sha256 differs") as caught:
        build(out=out, raw=raw_copy)
    assert str(victim) in str(caught.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw"]  # no staging folder left


def test_build_refuses_a_missing_raw_file_and_keeps_the_tables(raw_copy, tmp_path):
    victim = sorted(p for p in (raw_copy / "osai-index").rglob("*") if p.is_file())[-1]
    victim.unlink()
    out, tables = _committed_like(tmp_path)
    with pytest.raises(BuildError, match="registered raw file is missing") as caught:
        build(out=out, raw=raw_copy)
    assert str(victim) in str(caught.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == tables
