"""No command destroys a user's file: an output path that is an input, another output of
the run, or not a regular file is refused before any work (one line, exit 2, nothing
changed on disk); write errors leave the earlier outputs and no temporary file; the
outputs of a run appear together; SIGINT and SIGTERM clean up, and workers do not outlive
a killed parent."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import openness.core.io
import openness.core.outputs
from openness import paths
from openness.cli import main
from openness.core.outputs import OUTPUT_HEADERS
from openness.core.scoring import get_scorer
from test_atomic import _big_corpus, _earlier_table

ROWS = [("a", "We release open weights for every model."), ("b", ""), ("c", "Safety testing comes first.")]


PREVIOUS = {"out.csv": _earlier_table(OUTPUT_HEADERS[0]), "hits.csv": _earlier_table(OUTPUT_HEADERS[2]),
            "out.rejects.csv": b"location,doc_id,reason\nrow 9,old,empty text\n"}


def _write_input(path: Path) -> Path:
    pd.DataFrame(ROWS, columns=["id", "text"]).to_csv(path, index=False)
    return path


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry below `folder`: its kind, and the bytes of regular files."""
    found = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        found[path.relative_to(folder).as_posix()] = path.read_bytes() if stat.S_ISREG(mode) else stat.S_IFMT(mode)
    return found


def _refused(args: list[str], folder: Path, capsys, *named: str) -> str:
    """Run the CLI in `folder`; assert it refuses with one line naming `named`, changing nothing."""
    before = _snapshot(folder)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        code = main(args)
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("openness: error: "), err
    assert all(name in err for name in named), err
    assert _snapshot(folder) == before
    return err


SCORE = ["score", "in.csv", "--id-column", "id", "--quiet"]

# (files to make beyond in.csv, arguments, paths the error must name)
PAIRS = {
    "-o is the input": ([], SCORE + ["-o", "in.csv"], ["output in.csv", "input in.csv"]),
    "--evidence is the input": ([], SCORE + ["-o", "out.csv", "--evidence", "in.csv"], ["evidence in.csv", "input in.csv"]),
    "input named like the rejects of -o": ([], ["score", "out.rejects.csv", "--id-column", "id", "-o", "out.csv"],
                                           ["rejects file out.rejects.csv", "input out.rejects.csv"]),
    "--evidence is -o": ([], SCORE + ["-o", "out.csv", "--evidence", "out.csv"], ["evidence out.csv", "output out.csv"]),
    "--evidence named like the rejects of -o": ([], SCORE + ["-o", "out.csv", "--evidence", "out.rejects.csv"],
                                                ["rejects file out.rejects.csv", "evidence out.rejects.csv"]),
    "-o a symlink to the input": (["link"], SCORE + ["-o", "link.csv"], ["link.csv", "in.csv"]),
    "-o the input spelled with ..": (["sub"], SCORE + ["-o", "sub/../in.csv"], ["sub/../in.csv", "in.csv"]),
    "-o a hard link to the input": (["hard"], SCORE + ["-o", "hard.csv"], ["hard.csv", "in.csv"]),
    "-o the rubric": ([], SCORE + ["-o", "rubric.yaml", "--rubric", "rubric.yaml"], ["output rubric.yaml", "rubric rubric.yaml"]),
    "-o the lab registry": ([], SCORE + ["-o", "labs.yaml", "--labs", "labs.yaml"], ["output labs.yaml", "labs labs.yaml"]),
    "-o inside the input folder": (["docs"], ["score", "docs", "-o", "docs/out.csv"], ["docs/out.csv", "input folder docs"]),
    "claims -o is the input": ([], ["claims", "in.csv", "--id-column", "id", "-o", "in.csv"], ["output in.csv", "input in.csv"]),
    "claims -o a symlink to the input": (["link"], ["claims", "in.csv", "-o", "link.csv"], ["link.csv", "in.csv"]),
    "claims input named like its rejects": ([], ["claims", "out.rejects.csv", "-o", "out.csv"],
                                            ["rejects file out.rejects.csv", "input out.rejects.csv"]),
    "claims --left-out is the input": ([], ["claims", "in.csv", "-o", "out.csv", "--left-out", "in.csv"],
                                       ["left-out file in.csv", "input in.csv"]),
    "claims --left-out is -o": ([], ["claims", "in.csv", "-o", "out.csv", "--left-out", "out.csv"],
                                ["left-out file out.csv", "output out.csv"]),
    "claims --left-out named like the rejects of -o": ([], ["claims", "in.csv", "-o", "out.csv", "--left-out",
                                                           "out.rejects.csv"],
                                                       ["rejects file out.rejects.csv", "left-out file out.rejects.csv"]),
}


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1]], ids=["with rejects", "without rejects"])
def test_a_file_of_the_users_named_like_the_rejects_file_is_neither_replaced_nor_removed(tmp_path, capsys, monkeypatch,
                                                                                         rows):
    pd.DataFrame(rows, columns=["id", "text"]).to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "out.rejects.csv").write_bytes(b"my notes\n")
    _refused(SCORE + ["-o", "out.csv"], tmp_path, capsys, "rejects file out.rejects.csv", "location,doc_id,reason")
    (tmp_path / "out.rejects.csv").write_bytes(PREVIOUS["out.rejects.csv"])  # an earlier run's: replaced or removed
    monkeypatch.chdir(tmp_path)
    assert main(SCORE + ["-o", "out.csv"]) == 0
    assert (tmp_path / "out.rejects.csv").exists() == (rows == ROWS)


@pytest.mark.parametrize("option, name", [("-o", "out.csv"), ("--evidence", "hits.csv")])
def test_a_file_of_the_users_at_an_output_path_is_not_replaced(tmp_path, capsys, monkeypatch, option, name):
    """Only an earlier output of openness (told by its header) is replaced; notes of the
    user's, or a corpus of theirs with a doc_id column, that sit at the path stop the run."""
    _write_input(tmp_path / "in.csv")
    other = ["--evidence", "hits.csv"] if option == "-o" else ["-o", "out.csv"]
    for users in (b"my notes,on this project\n", b"doc_id,text\nd1,Our own article about open weights.\n"):
        (tmp_path / name).write_bytes(users)
        _refused(SCORE + [option, name] + other, tmp_path, capsys, f"{name} exists and is not an earlier output")
        assert (tmp_path / name).read_bytes() == users
    (tmp_path / name).write_bytes(PREVIOUS[name])
    monkeypatch.chdir(tmp_path)
    assert main(SCORE + [option, name] + other) == 0
    assert b"earlier" not in (tmp_path / name).read_bytes()
    (tmp_path / name).write_bytes(b"")  # an empty file holds nothing to lose
    assert main(SCORE + [option, name] + other) == 0 and (tmp_path / name).read_bytes().startswith(b"doc_id,")


@pytest.mark.parametrize("options", [["-o", "levels.csv"], ["-o", "claims.csv", "--left-out", "levels.csv"]],
                         ids=["-o", "--left-out"])
def test_claims_leave_a_file_of_the_users_at_the_output_path_alone(tmp_path, capsys, options):
    _write_input(tmp_path / "in.csv")
    for users in (b"id,level\n1,open\n", b"doc_id,dimension,level,notes\nd1,weights,open,checked by hand\n"):
        (tmp_path / "levels.csv").write_bytes(users)  # the second starts like a claims table, then adds notes
        _refused(["claims", "in.csv", "--id-column", "id", *options], tmp_path, capsys, "levels.csv")
        assert (tmp_path / "levels.csv").read_bytes() == users


@pytest.mark.parametrize("run", [
    SCORE + ["-o", "out.csv"],
    SCORE + ["--unit", "sentence", "-o", "out.csv"],
    SCORE + ["-o", "scores.csv", "--evidence", "out.csv"],
    ["claims", "in.csv", "--id-column", "id", "-o", "out.csv"],
    ["claims", "in.csv", "--id-column", "id", "-o", "claims.csv", "--left-out", "out.csv"],
    ["claims", "in.csv", "--id-column", "id", "--dimension-column", "dimension", "-o", "out.csv"],
])
def test_every_table_a_run_writes_is_an_earlier_output_the_next_run_replaces(tmp_path, monkeypatch, run):
    """The header of each kind of table (document and sentence scores, evidence, claims with
    and without a dimension column, claims left out) is one `OUTPUT_HEADERS` knows: written once, the same run
    replaces it, and so does any other run writing a table there."""
    _write_input(tmp_path / "in.csv")
    frame = pd.read_csv(tmp_path / "in.csv").assign(dimension="weights")
    frame.to_csv(tmp_path / "in.csv", index=False)
    monkeypatch.chdir(tmp_path)
    assert main(run) == 0
    header = tuple((tmp_path / "out.csv").read_text().splitlines()[0].split(","))
    assert header in OUTPUT_HEADERS
    assert main(run) == 0
    assert main(SCORE + ["-o", "out.csv"]) == 0


def test_a_rejects_file_that_is_no_regular_file_or_cannot_be_read_stops_the_run_at_once(tmp_path, capsys, monkeypatch):
    _write_input(tmp_path / "in.csv")
    os.mkfifo(tmp_path / "out.rejects.csv")  # reading it would block until a writer came
    _refused(SCORE + ["-o", "out.csv"], tmp_path, capsys, "rejects file out.rejects.csv")
    os.unlink(tmp_path / "out.rejects.csv")
    (tmp_path / "out.rejects.csv").write_bytes(b"\xef\xbb\xbf" + PREVIOUS["out.rejects.csv"].replace(b"\n", b"\r\n"))
    monkeypatch.chdir(tmp_path)  # an earlier run's rejects saved again by a spreadsheet (BOM, CRLF) are still its rejects
    assert main(SCORE + ["-o", "out.csv"]) == 0
    assert pd.read_csv(tmp_path / "out.rejects.csv")["doc_id"].tolist() == ["b"]


@pytest.mark.parametrize("extra, args, named", PAIRS.values(), ids=PAIRS.keys())
def test_an_output_that_is_an_input_or_another_output_is_refused(tmp_path, capsys, extra, args, named):
    _write_input(tmp_path / "in.csv")
    shutil.copy(tmp_path / "in.csv", tmp_path / "out.rejects.csv")
    (tmp_path / "rubric.yaml").write_bytes(b"id: mine\n")  # refused before it is read
    (tmp_path / "labs.yaml").write_bytes(b"labs: {}\n")
    if "link" in extra:
        (tmp_path / "link.csv").symlink_to(tmp_path / "in.csv")
    if "sub" in extra:
        (tmp_path / "sub").mkdir()
    if "hard" in extra:
        os.link(tmp_path / "in.csv", tmp_path / "hard.csv")
    if "docs" in extra:
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / "a.txt").write_text("We publish open weights.\n", encoding="utf-8")
    _refused(args, tmp_path, capsys, *named)


def _make_place(tmp_path: Path, kind: str) -> str:
    if kind == "folder":
        (tmp_path / "out.csv").mkdir()
        return "out.csv"
    if kind == "fifo":
        os.mkfifo(tmp_path / "out.csv")
        return "out.csv"
    if kind == "char device":
        os.mknod(tmp_path / "out.csv", stat.S_IFCHR | 0o666, os.stat("/dev/null").st_rdev)
        return "out.csv"
    if kind == "below a file":
        return "in.csv/out.csv"
    return {"empty": "", "dash": "-"}[kind]


PLACES = {"folder": "is a folder", "fifo": "is a FIFO", "char device": "is a character device",
          "below a file": "which is a file", "empty": "''", "dash": "'-'"}


@pytest.mark.parametrize("kind", PLACES, ids=PLACES.keys())
def test_an_output_that_is_not_a_regular_file_is_refused(tmp_path, capsys, kind):
    _write_input(tmp_path / "in.csv")
    output = _make_place(tmp_path, kind)
    _refused(SCORE + ["-o", output], tmp_path, capsys, PLACES[kind])


@pytest.mark.parametrize("args, named", [
    (SCORE + ["-o", "scores.parquet"], "output scores.parquet is named as Parquet"),
    (SCORE + ["-o", "scores.csv", "--evidence", "hits.XLSX"], "evidence hits.XLSX is named as an Excel workbook"),
    (["claims", "in.csv", "--id-column", "id", "-o", "claims.json"], "output claims.json is named as JSON"),
    (["audit", "in.csv", "--id-column", "id", "-o", "sheet.csv", "--view", "view.jsonl"], "view.jsonl is named as JSON lines"),
    (SCORE + ["-o", "scores.csv.gz"], "output scores.csv.gz is named as compressed"),
], ids=["score", "evidence", "claims", "audit view", "compressed"])
def test_an_output_named_as_another_format_than_csv_is_refused(tmp_path, capsys, args, named):
    """`-o scores.parquet` wrote CSV into a file every Parquet reader then failed on."""
    _write_input(tmp_path / "in.csv")
    assert _refused(args, tmp_path, capsys, named).rstrip().endswith("but openness writes plain CSV: name it .csv "
                                                                    "(pandas reads it into any other format)")


@pytest.mark.parametrize("device", ["/dev/null", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_system_devices_are_refused(tmp_path, device):
    """Checked without running a command: were the check to fail, a run as root would
    replace the system's /dev/null (a copy of it is run above)."""
    before = os.lstat(device)
    with pytest.raises(openness.core.outputs.OutputError, match=f"output {device} (is a|lies in /(dev|proc), among the system.s devices)"):
        openness.core.outputs.check_outputs({"input": str(tmp_path / "in.csv")}, output=device)
    after = os.lstat(device)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)


def test_data_build_refuses_an_out_that_is_a_file(tmp_path, capsys):
    (tmp_path / "tables").write_bytes(b"not a folder\n")
    _refused(["data", "build", "--out", "tables"], tmp_path, capsys, "tables", "not a folder")
    _refused(["data", "build", "--out", "tables/processed"], tmp_path, capsys, "tables/processed", "which is a file")
    _refused(["data", "build", "--out", ""], tmp_path, capsys, "''")


# -- write errors ---------------------------------------------------------------------------------


def _with_previous_outputs(tmp_path: Path) -> None:
    _write_input(tmp_path / "in.csv")  # row b is empty: a reject, so all three outputs are written
    for name, data in PREVIOUS.items():
        (tmp_path / name).write_bytes(data)


@pytest.mark.parametrize("failing", PREVIOUS, ids=PREVIOUS.keys())
def test_disk_full_on_any_output_keeps_every_earlier_output(tmp_path, capsys, monkeypatch, failing):
    _with_previous_outputs(tmp_path)
    real_open = open

    class Full:
        """A file on a full disk: every write fails with ENOSPC."""

        def __init__(self, handle):
            self.handle, self.closed = handle, False

        def write(self, text):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def close(self):
            self.closed = True
            self.handle.close()

    def full_for(path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        return Full(handle) if Path(path).name.startswith(f".{failing}.") else handle

    monkeypatch.setattr(openness.core.outputs, "open", full_for, raising=False)
    err = _refused(SCORE + ["-o", "out.csv", "--evidence", "hits.csv"], tmp_path, capsys, failing, "No space left")
    assert "cannot write" in err
    assert {name: (tmp_path / name).read_bytes() for name in PREVIOUS} == PREVIOUS


def test_a_complete_run_puts_all_three_outputs_in_place(tmp_path, monkeypatch):
    _with_previous_outputs(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(SCORE + ["-o", "out.csv", "--evidence", "hits.csv"]) == 0
    assert all((tmp_path / name).read_bytes() != data for name, data in PREVIOUS.items())
    assert pd.read_csv(tmp_path / "out.rejects.csv")["doc_id"].tolist() == ["b"]
    assert list(tmp_path.glob(".*.tmp")) == []


def _refuse_temporary_files(monkeypatch) -> None:
    """What a read-only folder does to a non-root user: no new file may be made in it (the
    tests run as root, who may write anywhere, so the refusal is made by hand)."""
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(openness.core.io.tempfile, "mkstemp", refuse)


def _refuse_renaming_over_the_output(monkeypatch) -> None:
    """What an output that may not be replaced does (a sticky folder owned by another user)."""
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        if Path(target).name == "out.csv":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(openness.core.outputs.os, "replace", replace)


@pytest.mark.parametrize("refuse", [_refuse_temporary_files, _refuse_renaming_over_the_output],
                         ids=["read-only folder", "output not replaceable"])
def test_permission_denied_is_one_line_and_keeps_the_earlier_outputs(tmp_path, capsys, monkeypatch, refuse):
    _with_previous_outputs(tmp_path)
    get_scorer()  # the compiled rubric may be cached on disk: before the writes are refused
    refuse(monkeypatch)
    err = _refused(SCORE + ["-o", "out.csv", "--evidence", "hits.csv"], tmp_path, capsys, "out.csv", "Permission denied")
    assert "cannot write" in err
    assert {name: (tmp_path / name).read_bytes() for name in PREVIOUS} == PREVIOUS


# -- signals and workers --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "corpus.csv"
    _big_corpus(path)
    return path


def _start_and_wait_for_output(corpus: Path, folder: Path, n_jobs: int) -> subprocess.Popen:
    """A real `openness score` run, returned once its temporary output holds data."""
    process = subprocess.Popen(
        [sys.executable, "-m", "openness.cli", "score", str(corpus), "-o", str(folder / "out.csv"), "--id-column", "id",
         "--evidence", str(folder / "hits.csv"), "--chunksize", "500", "--n-jobs", str(n_jobs), "--quiet"],
        cwd=paths.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(p.stat().st_size > 0 for p in folder.glob(".out.csv.*.tmp")):
        assert process.poll() is None, f"finished before the signal: {process.stderr.read()[-2000:]}"
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("no temporary output appeared")
        time.sleep(0.02)
    return process


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue  # gone meanwhile
        if int(fields.get("PPid", "0")) == pid:
            found.append(int(status.parent.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for a parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait_until_gone(pids: list[int], seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while (alive := [pid for pid in pids if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sigterm_and_sigint_remove_temporary_files_and_stop_workers(corpus, tmp_path, signum, n_jobs):
    (tmp_path / "out.csv").write_bytes(PREVIOUS["out.csv"])
    process = _start_and_wait_for_output(corpus, tmp_path, n_jobs)
    workers = _children(process.pid)
    assert len(workers) == (n_jobs if n_jobs > 1 else 0)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, err
    assert err.strip().splitlines() == ["openness: interrupted; no partial output was left behind"]
    assert (tmp_path / "out.csv").read_bytes() == PREVIOUS["out.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert _wait_until_gone(workers) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_pandas_reads_the_csv_still_interrupts_the_run(tmp_path, capsys, monkeypatch, signum):
    """pandas' C parser swallows the exception a signal's handler raises while it reads a file
    and reports a failed read instead (as this stand-in does): the run once ended with "cannot
    parse as CSV" and exit status 2; it must end as interrupted."""
    corpus = tmp_path / "corpus.csv"
    corpus.write_text("doc_id,text\na,Open weights for all.\n")

    def read_swallowing_the_signal(*args, **kwargs):
        with contextlib.suppress(KeyboardInterrupt):
            signal.raise_signal(signum)
        raise pd.errors.ParserError("Error tokenizing data. C error: Calling read(nbytes) on source failed. "
                                    "Try engine='python'.")

    monkeypatch.setattr(pd, "read_csv", read_swallowing_the_signal)
    assert main(["score", str(corpus), "-o", str(tmp_path / "out.csv")]) == 128 + signum
    assert capsys.readouterr().err.strip().splitlines() == ["openness: interrupted; no partial output was left behind"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.csv"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the reader's watch is over


def test_a_signal_just_as_a_temporary_file_is_made_leaves_no_file(tmp_path, monkeypatch):
    """The file exists before its path is kept for the clean-up: a signal in between, raised
    there, once left it behind."""
    made = os.chmod  # temporary_beside's last step on the new file

    def made_then_signalled(path, mode):
        made(path, mode)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(os, "chmod", made_then_signalled)
    with pytest.raises(KeyboardInterrupt), openness.core.outputs.OutputGroup() as group:
        group.write_csv(pd.DataFrame({"doc_id": ["a"]}), tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(KeyboardInterrupt), openness.core.io.atomic_path(tmp_path / "page.html") as tmp:
        tmp.write_text("written")
    assert list(tmp_path.iterdir()) == []


def test_workers_exit_when_their_parent_is_killed(corpus, tmp_path):
    process = _start_and_wait_for_output(corpus, tmp_path, 2)
    workers = _children(process.pid)
    assert len(workers) == 2 and all(_running(pid) for pid in workers)
    process.kill()
    process.wait(timeout=10)
    assert _wait_until_gone(workers) == []
