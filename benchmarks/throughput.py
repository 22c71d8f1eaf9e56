"""Throughput and peak memory of scoring, side by side with a floor and a baseline.

    python benchmarks/throughput.py --docs 4000

Every case runs in its own process on the same synthetic corpus (benchmarks/synthetic.py),
three times (`--repeat`), and reports the best run as MB/s, documents/s and the ratio to the
floor, next to the first run's seconds and the peak resident memory (naive and Dask run once).
The cases take turns over several rounds (`--rounds`), each round in fresh processes, so that
a slow spell of a shared machine falls on every case rather than on one; the last column gives
the lowest and highest ratio to the floor within a round (a case against the floor of its round):
  floor        re.findall(r"\\w+") over every text: the speed of merely reading it
  scorer       openness.score on an in-memory DataFrame, one process
  scorer-model the same, with the stance model's decisions (`openness score`'s default stance)
  scorer-file  `openness score` on a CSV file, one process (the baseline for 2 processes)
  scorer-2p    the same with --n-jobs 2
  naive        openness.score with the pure-Python engine: every pattern searched separately
  dask         openness.core.dask.score_dataframe on a 2-worker LocalCluster
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = ("floor", "scorer", "scorer-model", "scorer-file", "scorer-2p", "naive", "dask")
ONCE = ("naive", "dask")  # minutes a run, or a cluster to start: one run, in the first round only


def _corpus(n: int):
    sys.path.insert(0, str(HERE))
    import pandas as pd
    from synthetic import articles

    return pd.DataFrame(list(articles(n)), columns=["doc_id", "text"])


def run_case(case: str, n: int, csv: Path, megabytes: float, repeat: int) -> dict:
    """Run one case `repeat` times in this process and return the best time with the peak
    memory. The naive baseline runs once (minutes a run), and so does Dask (a repeated graph
    would find its results still on the workers): see ONCE. The file cases never build the corpus
    in memory: like the command, they start from the file alone."""
    docs = None if case in ("scorer-file", "scorer-2p") else _corpus(n)
    with contextlib.ExitStack() as stack:
        work = _work(case, docs, csv, stack)
        seconds = []
        for _ in range(1 if case in ONCE else repeat):
            start = time.perf_counter()
            work()
            seconds.append(time.perf_counter() - start)
    return {"case": case, "seconds": min(seconds), "first": seconds[0], "mb": megabytes, "docs": n,
            "peak_mb": _peak_mb(children=case == "dask")}


def _work(case: str, docs, csv: Path, stack: contextlib.ExitStack):
    """What one timed run of `case` does; set-up (compiling, starting a cluster) is not timed."""
    if case == "floor":
        word = re.compile(r"\w+")

        def read_words():
            for text in docs["text"]:
                word.findall(text)
        return read_words
    if case in ("scorer", "naive"):
        from openness.core.scoring import Scorer, get_scorer

        scorer = get_scorer()
        if case == "naive":
            scorer = Scorer(scorer.rubric, scorer.labs, engine="re")
        return lambda: scorer.score(docs)
    if case == "scorer-model":
        from openness.core.scoring import get_scorer
        from openness.core.stance_model import load, with_model_stance

        scorer, model = get_scorer(), load()
        return lambda: with_model_stance(scorer.score(docs), model)
    if case in ("scorer-file", "scorer-2p"):
        from openness.core.scoring import get_scorer
        from openness.core.streaming import score_to_csv

        get_scorer()
        out = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "out.csv"
        return lambda: score_to_csv(csv, out, id="doc_id", chunksize=500, stance="model",
                                    n_jobs=2 if case == "scorer-2p" else 1, progress=False)
    if case == "dask":
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster

        from openness.core.dask import score_dataframe
        from openness.core.scoring import get_scorer

        cluster = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1, processes=True))
        client = stack.enter_context(Client(cluster))
        client.run(get_scorer)  # every worker loads the rubric and its automaton, as the other cases do
        frame = dd.from_pandas(docs, npartitions=8)
        score_dataframe(frame.head(2, npartitions=1, compute=False)).compute()
        return lambda: score_dataframe(frame).compute()
    raise ValueError(case)


def _peak_mb(children: bool) -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, it does not carry
    over the memory of the process that started this one), plus the largest child's."""
    status = Path("/proc/self/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    return peak + (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if children else 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=CASES)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case and round; the best counts")
    parser.add_argument("--rounds", type=int, default=3, help="turns of every case, each in a fresh process")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mb", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.docs, args.csv, args.mb, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "corpus.csv"
        corpus = _corpus(args.docs)
        corpus.to_csv(csv, index=False)
        megabytes = corpus["text"].str.len().sum() / 1e6
        runs = {case: [] for case in args.cases}  # per case, its result in each round it ran
        for round_ in range(args.rounds):
            for case in args.cases:
                if round_ == 0 or case not in ONCE:
                    runs[case].append(_run_in_process(case, args, csv, megabytes))
    floors = [run["seconds"] for run in runs.get("floor", [])]
    print(f"{args.docs} synthetic articles, {megabytes:.1f} MB of text; {args.rounds} rounds, best of {args.repeat} "
          "runs per round (naive and Dask: one run, once); 'first' is the first run, in a fresh process\n")
    print("| case | seconds | first | MB/s | docs/s | peak MB | x floor | x floor, by round |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for case, results in runs.items():
        best = min(result["seconds"] for result in results)
        by_round = [floor / result["seconds"] for floor, result in zip(floors, results)] or [float("nan")]
        ratio = min(floors) / best if floors else float("nan")
        print(f"| {case} | {best:.2f} | {results[0]['first']:.2f} | {megabytes / best:.1f} | {args.docs / best:.0f} "
              f"| {max(r['peak_mb'] for r in results):.0f} | {ratio:.2f} | {min(by_round):.2f}-{max(by_round):.2f} |")


def _run_in_process(case: str, args, csv: Path, megabytes: float) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--case", case, "--docs", str(args.docs), "--csv", str(csv),
         "--mb", str(megabytes), "--repeat", str(args.repeat)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
