"""Batch scaling: runs/s on 1 and on 2 worker processes, the ratio, and peak memory against the number of runs.

Run:  python benchmarks/batch.py [--runs 2000] [--policy incremental] [--scenario energy-truce-2025-03]

Both legs play the same runs (the rows are checked equal); the 2-worker leg includes starting
the pool. Memory: the parent's peak RSS growth while streaming N and 4N runs of a 1-worker
batch to a CSV (it should not grow with N). On a shared machine the figures are provisional.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.runs.batch import Cell, columns, run_batch  # noqa: E402
from sim.runs.executors import local  # noqa: E402
from sim.runs.tables import CsvTable  # noqa: E402
from sim.scenario import loader  # noqa: E402


def leg(cell: Cell, runs: int, workers: int) -> tuple[float, list[dict]]:
    got: list[dict] = []
    t0 = time.perf_counter()
    with local(workers) as ex:
        run_batch([cell], "", runs, 0, ex, got.append)
    return time.perf_counter() - t0, got


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def streamed(cell: Cell, runs: int) -> float:
    """Peak RSS growth (MB) while streaming ``runs`` runs to a CSV in this process."""
    before = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        table = CsvTable(Path(tmp) / "b.csv", columns(cell))
        run_batch([cell], "", runs, 1, None, table.write)
        table.commit()
    return rss_mb() - before


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--policy", default="incremental")
    ap.add_argument("--scenario", default="energy-truce-2025-03")
    ap.add_argument("--memory-runs", type=int, default=500)
    args = ap.parse_args()
    cell = Cell(loader.load_scenario(loader.resolve(args.scenario)), args.policy)
    print(f"{args.runs:,} runs of {args.scenario} with {args.policy} · {os.cpu_count()} core(s) on this machine")
    one, rows1 = leg(cell, args.runs, 1)
    two, rows2 = leg(cell, args.runs, 2)
    assert rows1 == rows2, "workers changed the rows"
    print(f"1 worker : {one:7.2f} s  {args.runs / one:8.1f} runs/s")
    print(f"2 workers: {two:7.2f} s  {args.runs / two:8.1f} runs/s")
    print(f"scaling 1 -> 2 workers: {one / two:.2f}x (goal >= 1.8x on 2 idle cores)")
    n = args.memory_runs
    small = streamed(cell, n)
    large = streamed(cell, 4 * n)
    print(f"peak RSS growth streaming {n:,} runs: {small:.1f} MB; {4 * n:,} runs: {large:.1f} MB (flat = not growing)")


if __name__ == "__main__":
    main()
