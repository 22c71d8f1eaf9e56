"""Throughput and peak memory of scoring, side by side with a floor and a baseline.

    python benchmarks/throughput.py --docs 4000

Every case runs in its own process on the same synthetic corpus (benchmarks/synthetic.py)
and reports MB/s, documents/s, peak resident memory and the ratio to the floor:
  floor        re.findall(r"\\w+") over every text: the speed of merely reading it
  scorer       openness.score on an in-memory DataFrame, one process
  scorer-file  `openness score` on a CSV file, one process (the baseline for 2 processes)
  scorer-2p    the same with --n-jobs 2
  naive        openness.score with the pure-Python engine: every pattern searched separately
  dask         openness.dask.score_dataframe on a 2-worker LocalCluster
"""
from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = ("floor", "scorer", "scorer-file", "scorer-2p", "naive", "dask")


def _corpus(n: int):
    sys.path.insert(0, str(HERE))
    import pandas as pd
    from synthetic import articles

    return pd.DataFrame(list(articles(n)), columns=["doc_id", "text"])


def run_case(case: str, n: int, csv: Path) -> dict:
    """Run one case in this process; return its measurements."""
    import re

    docs = _corpus(n)
    megabytes, n_docs = docs["text"].str.len().sum() / 1e6, len(docs)
    if case == "floor":
        word = re.compile(r"\w+")
        start = time.perf_counter()
        for text in docs["text"]:
            word.findall(text)
    elif case in ("scorer", "naive"):
        from openness.matcher import Matcher
        from openness.scoring import get_scorer

        scorer = get_scorer()
        if case == "naive":
            scorer.matcher = Matcher(scorer.matcher.patterns, engine="re")
        start = time.perf_counter()
        scorer.score(docs)
    elif case in ("scorer-file", "scorer-2p"):
        from openness.scoring import get_scorer
        from openness.streaming import score_to_csv

        get_scorer()  # compile outside the timing, as the in-memory case does
        docs = None  # a command-line run holds no corpus in memory
        gc.collect()
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            score_to_csv(csv, Path(folder) / "out.csv", id="doc_id", chunksize=500,
                         n_jobs=2 if case == "scorer-2p" else 1, progress=False)
    elif case == "dask":
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster

        from openness.dask import score_dataframe

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, Client(cluster):
            frame = dd.from_pandas(docs, npartitions=8)
            score_dataframe(frame.head(2, npartitions=1, compute=False)).compute()  # warm the workers
            start = time.perf_counter()
            score_dataframe(frame).compute()
    else:
        raise ValueError(case)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if case == "dask":
        peak += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"case": case, "seconds": seconds, "mb": megabytes, "docs": n_docs, "peak_mb": peak}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=CASES)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.docs, args.csv)))
        return
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "corpus.csv"
        _corpus(args.docs).to_csv(csv, index=False)
        results = []
        for case in args.cases:
            output = subprocess.run(
                [sys.executable, __file__, "--case", case, "--docs", str(args.docs), "--csv", str(csv)],
                check=True, capture_output=True, text=True,
            ).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
    floor = next((r for r in results if r["case"] == "floor"), None)
    print(f"{args.docs} synthetic articles, {results[0]['mb']:.1f} MB of text, one run each\n")
    print("| case | seconds | MB/s | docs/s | peak MB | x floor |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        speed = r["mb"] / r["seconds"]
        ratio = speed / (floor["mb"] / floor["seconds"]) if floor else float("nan")
        print(f"| {r['case']} | {r['seconds']:.2f} | {speed:.1f} | {r['docs'] / r['seconds']:.0f} | {r['peak_mb']:.0f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
