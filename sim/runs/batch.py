"""Batches: many seeds of one scenario and policy, in parallel processes, streamed.

Run i gets its own seed: the first 63 bits of numpy ``SeedSequence(root, spawn_key=(i,))``
(the same child ``SeedSequence(root).spawn(n)[i]`` would give), so a CSV row's seed replays
exactly with ``mediate run --seed``. Seeds are derived lazily and work is submitted in
bounded windows, so memory stays flat however many runs are asked for; rows come back in
run order. The summary keeps only counts and sums.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from sim.runs import rows as rows_
from sim.runs.policies import play
from sim.scenario.model import Scenario

WINDOW = 2048


def run_seed(root: int, index: int) -> int:
    state = np.random.SeedSequence(root, spawn_key=(index,)).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 32 | int(state[1])) & (2**63 - 1))


def columns(s: Scenario) -> list[str]:
    """The CSV's header: the run's index, then the batch columns of :mod:`sim.runs.rows`."""
    return ["run", *rows_.BATCH, *rows_.surplus_columns(s)]


GC_EVERY = 200


def one_run(s: Scenario, policy: str, root: int, index: int) -> dict:
    if index % GC_EVERY == GC_EVERY - 1:
        # A finished session is a cycle (simpy processes hold the session's generators):
        # collect regularly so memory stays flat instead of waiting for the oldest generation.
        gc.collect()
    session = play(s, policy, run_seed(root, index))
    surplus = rows_.surplus_columns(s)
    return {"run": index, **rows_.row(session, [*rows_.BATCH, *surplus], dict.fromkeys(surplus, rows_.BATCH_DIGITS))}


_WORKER: dict = {}


def _init(scenario: Scenario, policy: str, root: int) -> None:
    _WORKER.update(scenario=scenario, policy=policy, root=root)


def _work(index: int) -> dict:
    return one_run(_WORKER["scenario"], _WORKER["policy"], _WORKER["root"], index)


def rows(scenario: Scenario, policy: str, runs: int, root: int, workers: int = 1) -> Iterator[dict]:
    """Yield one row per run, in run order. ``workers`` > 1 uses that many processes."""
    if workers <= 1:
        for i in range(runs):
            yield one_run(scenario, policy, root, i)
        return
    ctx = mp.get_context("spawn")  # no fork: safe with threads, same behaviour on every OS
    # Workers get the validated scenario itself (pickled), so --set what-ifs reach them too.
    with ctx.Pool(workers, initializer=_init, initargs=(scenario, policy, root)) as pool:
        for start in range(0, runs, WINDOW):
            window = range(start, min(runs, start + WINDOW))
            chunk = max(1, len(window) // (workers * 8))
            yield from pool.imap(_work, window, chunksize=chunk)


@dataclass
class Summary:
    """Running counts and sums over batch rows: O(1) memory in the number of runs."""

    parties: tuple[str, ...]
    tiers: tuple[str, ...]
    n: int = 0
    best: dict[str, int] = field(default_factory=dict)
    final: dict[str, int] = field(default_factory=dict)
    ends: dict[str, int] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=dict)

    def add(self, row: dict) -> None:
        self.n += 1
        self.best[row["best_tier"]] = self.best.get(row["best_tier"], 0) + 1
        self.final[row["tier"]] = self.final.get(row["tier"], 0) + 1
        self.ends[row["end"]] = self.ends.get(row["end"], 0) + 1
        for k in ("rounds", "days_in_force", "violations", "disputes", *[f"surplus_{p}" for p in self.parties]):
            self.sums[k] = self.sums.get(k, 0.0) + float(row[k])

    def mean(self, key: str) -> float:
        return self.sums.get(key, 0.0) / self.n if self.n else float("nan")


def run_batch(scenario: Scenario, policy: str, runs: int, root: int, workers: int,
              on_row: Callable[[dict], None]) -> Summary:
    summary = Summary(scenario.party_ids, tuple(o.id for o in scenario.outcomes))
    for row in rows(scenario, policy, runs, root, workers):
        summary.add(row)
        on_row(row)
    return summary
