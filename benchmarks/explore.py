"""How long the explorer takes to follow a filter change on the committed tables: the
selection, the count table with its clustered intervals, the list of matching sentences,
and the widgets updated (`Explorer._refresh`). The target is under 0.5 s.

    python benchmarks/explore.py --repeat 5

Each filter change below is timed `--repeat` times (the best and the median are printed);
loading the tables is timed once. Intervals use the explorer's replicates (EXPLORER_N_BOOT)."""
from __future__ import annotations

import argparse
import statistics
import time

from openness.present import explore

CHANGES = [  # control -> value, applied in turn, each from the state the previous left
    ("theme", "transparency"), ("lab", ("group", "open")), ("negated", False), ("criterion", "T2"),
    ("by", "lab"), ("lab", ""), ("theme", ""), ("criterion", ""), ("negated", ""), ("by", "group"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    began = time.perf_counter()
    explorer = explore.project()
    print(f"load the committed tables and draw the explorer: {time.perf_counter() - began:.2f} s "
          f"({len(explorer.tables.sentences):,} sentences, {len(explorer.tables.evidence):,} hits)")
    times: dict[str, list[float]] = {}
    for _ in range(options.repeat):
        for control, value in CHANGES:
            began = time.perf_counter()
            getattr(explorer, control).value = value
            times.setdefault(f"{control}={value!r}", []).append(time.perf_counter() - began)
    worst = 0.0
    for change, seconds in times.items():
        median = statistics.median(seconds)
        worst = max(worst, median)
        print(f"{change:>28}: best {min(seconds):.3f} s, median {median:.3f} s")
    print(f"slowest median filter change: {worst:.3f} s (target < 0.5 s)")


if __name__ == "__main__":
    main()
