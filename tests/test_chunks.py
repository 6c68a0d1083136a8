"""What a batch worker is sent: each cell pickled once, unpickled once per worker and kept."""

from __future__ import annotations

import pickle

from sim.runs import batch
from sim.runs.batch import Cell, run_chunk
from sim.runs.executors import start_method
from sim.scenario.loader import load_scenario, resolve


def test_a_pickled_cell_plays_the_same_rows_and_is_unpickled_once() -> None:
    cell = Cell(load_scenario(resolve("warmup-energy-pause")), "incremental")
    blob = pickle.dumps(cell)
    batch.unpickled.cache_clear()
    direct = run_chunk(cell, 0, (0, 1, 2))
    first = run_chunk(blob, 0, (0, 1, 2))
    kept = batch.unpickled(blob)
    again = run_chunk(bytes(blob), 0, (3,))  # another copy of the same bytes, as a worker receives it
    assert first == direct
    assert again == run_chunk(cell, 0, (3,))
    assert batch.unpickled(bytes(blob)) is kept and batch.unpickled.cache_info().misses == 1


def test_a_worker_keeps_only_a_few_cells() -> None:
    s = load_scenario(resolve("warmup-energy-pause"))
    batch.unpickled.cache_clear()
    for n in range(batch.KEEP_CELLS + 3):
        run_chunk(pickle.dumps(Cell(s, "wait" if n % 2 else "random", labels=(("n", n),))), 0, (0,))
    assert batch.unpickled.cache_info().currsize == batch.KEEP_CELLS


def test_the_run_id_is_the_hash_of_scenario_overrides_policy_and_seed() -> None:
    import hashlib

    from sim.scenario.model import scenario_hash

    cell = Cell(load_scenario(resolve("warmup-energy-pause")), "incremental", overrides=("a=1", "b=2"))
    key = "\x1f".join([scenario_hash(cell.scenario), "a=1\x1eb=2", "incremental", "42"])
    assert cell.run_id(42) == hashlib.sha256(key.encode()).hexdigest()[:16]


def test_workers_fork_only_without_other_threads(monkeypatch) -> None:
    import sys
    import threading

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delitem(sys.modules, "textual", raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert start_method() == "fork"
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert start_method() == "spawn"
