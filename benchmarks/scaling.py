"""Scaling: time and peak memory of `openness score` on 10k, 100k and 1M synthetic
articles streamed from a CSV file (the 1M file is about 5 GB; run this in the background).

    python benchmarks/scaling.py --sizes 10000 100000 1000000 --folder /tmp/openness-scaling

Each size is written once (benchmarks/synthetic.py, fixed seed) and scored in a fresh
process; the table shows seconds, MB/s, documents/s and the peak resident memory of the
scoring process, so that linear time and flat memory can be read off directly.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# runs the command line in this process, then prints its peak memory (with any workers') in KiB
MEASURED = (
    "import resource, sys\n"
    "from openness.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
    "print(peak, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/openness-scaling"))
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--chunksize", type=int, default=10_000)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    print("| documents | MB | seconds | MB/s | docs/s | peak MB (scoring process) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        corpus = args.folder / f"synthetic-{size}.csv"
        if not corpus.exists():
            subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(size), str(corpus)], check=True)
        start = time.perf_counter()
        finished = subprocess.run(
            [sys.executable, "-c", MEASURED, "score", str(corpus), "--id-column", "doc_id", "--quiet",
             "--n-jobs", str(args.n_jobs), "--chunksize", str(args.chunksize), "-o", str(args.folder / f"scores-{size}.csv")],
            check=True, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - start
        peak_kb = int(finished.stderr.strip().splitlines()[-1])
        megabytes = os.path.getsize(corpus) / 1e6
        print(f"| {size:,} | {megabytes:,.0f} | {seconds:,.1f} | {megabytes / seconds:.1f} | {size / seconds:,.0f} | {peak_kb / 1024:,.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
