"""Batches: many seeds of one or more cells (scenario, policy, what-ifs), on any executor, streamed.

Run i of every cell gets the same seed (common random numbers): the first 63 bits of numpy
``SeedSequence(root, spawn_key=(i,))`` (the same child ``SeedSequence(root).spawn(n)[i]`` would
give), so a row's seed replays exactly with ``mediate run --seed``. Work goes out in chunks of
runs (one pickled cell per chunk, not per run) through a bounded window of futures, so memory
stays flat however many runs are asked for; rows come back in order whatever the executor, so
a local, a process-pool and a cluster run give the same rows. Each run has a stable id, a hash of
the scenario, its what-ifs, the policy and the seed; a run whose policy raises is a row with
``status`` "failed" and the error, not the end of the batch. Summaries keep only counts and sums.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from sim.engine.session import Session
from sim.errors import LoadError, Problem
from sim.runs import rows as rows_
from sim.runs.executors import local, ordered
from sim.runs.plugins import play_spec
from sim.scenario.model import Scenario, scenario_hash

CHUNK = 32
"""Runs per task sent to a worker: large enough that a pickled scenario costs ~1 % of the work."""

ERROR_CHARS = 300


def run_seed(root: int, index: int) -> int:
    state = np.random.SeedSequence(root, spawn_key=(index,)).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 32 | int(state[1])) & (2**63 - 1))


class Measure:
    """What a run reports: the batch columns of :mod:`sim.runs.rows` (subclassed by tournaments)."""

    summarise = True
    """Whether :class:`Summary` can count these rows (it reads the batch columns)."""

    def columns(self, s: Scenario) -> list[str]:
        return [*rows_.BATCH, *rows_.surplus_columns(s), *rows_.BATCH_TAIL]

    def __call__(self, session: Session) -> dict[str, Any]:
        surplus = rows_.surplus_columns(session.scenario)
        return rows_.row(session, [*rows_.BATCH, *surplus, *rows_.BATCH_TAIL], dict.fromkeys(surplus, rows_.BATCH_DIGITS))


@dataclass(frozen=True)
class Cell:
    """One point of a batch: a validated scenario (its what-ifs applied), a policy, and the
    label columns that name the point in every row (sweep parameters, or scenario and policy)."""

    scenario: Scenario
    policy: str
    overrides: tuple[str, ...] = ()
    labels: tuple[tuple[str, Any], ...] = ()
    measure: Measure = field(default_factory=Measure)

    @cached_property
    def _id_prefix(self) -> str:
        # The scenario's hash costs milliseconds: once per cell, not once per run.
        return "\x1f".join([scenario_hash(self.scenario), "\x1e".join(self.overrides), self.policy, ""])

    def run_id(self, seed: int) -> str:
        return hashlib.sha256((self._id_prefix + str(seed)).encode()).hexdigest()[:16]


def columns(cell: Cell) -> list[str]:
    """The header: the run's index and id, the cell's labels, what it measures, status and error."""
    return ["run", "id", *(k for k, _ in cell.labels), *cell.measure.columns(cell.scenario), "status", "error"]


GC_EVERY = 200
_done = [0]


def one_run(cell: Cell, root: int, index: int, run_id: str | None = None) -> dict[str, Any]:
    _done[0] += 1
    if _done[0] % GC_EVERY == 0:
        # A finished session is a cycle (simpy processes hold the session's generators):
        # collect regularly so memory stays flat instead of waiting for the oldest generation.
        gc.collect()
    seed = run_seed(root, index)
    head: dict[str, Any] = {"run": index, "id": run_id or cell.run_id(seed), **dict(cell.labels)}
    try:
        measured = cell.measure(play_spec(cell.scenario, cell.policy, seed))
    except Exception as exc:  # a plug-in's bug fails its run only; the row says what happened
        blank = dict.fromkeys(cell.measure.columns(cell.scenario), "")
        message = " ".join(f"{type(exc).__name__}: {exc}".split())[:ERROR_CHARS]
        return {**head, **blank, "seed": seed, "status": "failed", "error": message}
    return {**head, **measured, "status": "ok", "error": ""}


def run_chunk(cell: Cell | bytes, root: int, indices: tuple[int, ...]) -> list[dict[str, Any]]:
    """The rows of some runs of one cell (what a worker is sent): the cell, or the cell pickled
    once by :func:`rows`, which the worker unpickles once and keeps (with the caches the engine
    builds on its scenario) for the cell's later chunks."""
    if isinstance(cell, bytes):
        cell = unpickled(cell)
    return [one_run(cell, root, i) for i in indices]


KEEP_CELLS = 4
"""Cells a worker keeps unpickled: a sweep's cells come in order, so a few keep memory flat."""


@lru_cache(maxsize=KEEP_CELLS)
def unpickled(blob: bytes) -> Cell:
    """The cell pickled in ``blob``, unpickled once per worker while it is among the last few."""
    cell = pickle.loads(blob)
    assert isinstance(cell, Cell)
    return cell


def tasks(cells: Iterable[Cell], runs: int, root: int, skip: Collection[str] = (),
          chunk: int = CHUNK) -> Iterator[tuple[int, Cell, tuple[int, ...]]]:
    """(cell number, cell, run indices) in row order, leaving out runs whose id is in ``skip``."""
    for n, cell in enumerate(cells):
        todo: list[int] = []
        for i in range(runs):
            if not skip or cell.run_id(run_seed(root, i)) not in skip:
                todo.append(i)
            if len(todo) == chunk:
                yield n, cell, tuple(todo)
                todo = []
        if todo:
            yield n, cell, tuple(todo)


def rows(cells: list[Cell], runs: int, root: int, executor: Executor | None = None,
         skip: Collection[str] = (), inflight: int = 8) -> Iterator[tuple[int, dict[str, Any]]]:
    """(cell number, row) for every run not in ``skip``, in order. With ``executor`` (any
    ``concurrent.futures`` executor: a process pool, a dask client's) chunks run there,
    at most ``inflight`` at a time; without one, here."""
    work = tasks(cells, runs, root, skip)
    if executor is None:
        for n, cell, idx in work:
            for i in idx:  # one at a time, so an interruption keeps every run finished so far
                yield n, one_run(cell, root, i)
        return
    blobs: dict[int, bytes] = {}

    def blob(n: int, cell: Cell) -> bytes:
        if n not in blobs:
            blobs.clear()  # cells come in order: only the current one is needed
            blobs[n] = pickle.dumps(cell)
        return blobs[n]

    calls = ((run_chunk, (blob(n, cell), root, idx), n) for n, cell, idx in work)
    for n, chunk_rows in ordered(executor, calls, inflight):
        for row in chunk_rows:
            yield n, row


@dataclass
class Summary:
    """Running counts and sums over batch rows: O(1) memory in the number of runs."""

    parties: tuple[str, ...]
    tiers: tuple[str, ...]
    n: int = 0
    failed: int = 0
    best: dict[str, int] = field(default_factory=dict)
    final: dict[str, int] = field(default_factory=dict)
    ends: dict[str, int] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=dict)
    coerced: int = 0
    """Runs whose last agreement had coerced parties."""
    stakes: int = 0
    """Runs with a mediator utility (the mediator holds stakes), the count its mean is over."""

    def add(self, row: dict) -> None:
        if row.get("status", "ok") != "ok":
            self.failed += 1
            return
        self.n += 1
        self.best[row["best_tier"]] = self.best.get(row["best_tier"], 0) + 1
        self.final[row["tier"]] = self.final.get(row["tier"], 0) + 1
        self.ends[row["end"]] = self.ends.get(row["end"], 0) + 1
        for k in ("rounds", "days_in_force", "violations", "disputes", *[f"surplus_{p}" for p in self.parties]):
            self.sums[k] = self.sums.get(k, 0.0) + float(row[k])
        # Rows resumed from a CSV written before these columns existed lack them.
        self.coerced += bool(row.get("coerced"))
        for k in ("suspensions", "denunciations"):
            self.sums[k] = self.sums.get(k, 0.0) + float(row.get(k) or 0)
        if row.get("mediator_utility", "") != "":
            self.stakes += 1
            self.sums["mediator_utility"] = self.sums.get("mediator_utility", 0.0) + float(row["mediator_utility"])

    def mean(self, key: str) -> float:
        n = self.stakes if key == "mediator_utility" else self.n
        return self.sums.get(key, 0.0) / n if n else float("nan")

    def reached(self, level: int) -> int:
        """Runs whose best tier was ``level`` or higher."""
        return sum(v for k, v in self.best.items() if k and self.tiers.index(k) + 1 >= level)


NUMBERS = ("run", "rounds", "days_in_force", "violations", "disputes", "suspensions", "denunciations",
           "mediator_utility")
"""Columns a finished run's row holds numbers in (with its ``surplus_*``), checked on resume."""


def run_index(cells: list[Cell], runs: int, root: int) -> dict[str, int]:
    """Every run id of the batch -> the number of its cell."""
    return {c.run_id(run_seed(root, i)): n for n, c in enumerate(cells) for i in range(runs)}


MEND = "mend or remove the row (a removed run is played again)"


def resumable(cells: list[Cell], runs: int, root: int, done: Iterable[tuple[int, dict[str, Any]]],
              name: str) -> list[dict[str, Any]]:
    """The rows read back from ``name`` for a resume, each checked to be a run of this batch,
    there once, with numbers where the summaries add them up and tiers the scenario has: a
    table mended by hand, or written by another batch, is a located error, never a wrong sum."""
    cell_of = {rid: cells[n] for rid, n in run_index(cells, runs, root).items()}
    kept: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, row in done:
        wrong = _not_resumable(row, cell_of, seen)
        if wrong is not None:
            raise LoadError([Problem(name, line, 1, f"cannot resume: {wrong[0]}: {wrong[1]}")])
        seen.add(row["id"])
        kept.append(row)
    return kept


def _not_resumable(row: dict[str, Any], cell_of: dict[str, Cell], seen: set[str]) -> tuple[str, str] | None:
    """(what is wrong, the fix) for a row read back that a resume cannot count, else None."""
    rid = row.get("id")
    cell = cell_of.get(rid) if isinstance(rid, str) else None
    if cell is None:
        return (f"run {rid!r} is not one of this batch's", "give the policy, root seed, scenario, --set, --sweep "
                "and --runs the table was begun with, or name a new output file")
    if rid in seen:
        return f"run {rid!r} is there twice", MEND
    if row.get("status", "ok") != "ok":
        return None
    for key in (*NUMBERS, *(k for k in row if k.startswith("surplus_"))):
        value = row.get(key, "")
        try:
            _ = value in ("", None) or float(value)
        except (TypeError, ValueError):
            return f"{key} is {str(value)!r}, not a number", MEND
    tiers = {"", *(o.id for o in cell.scenario.outcomes)}
    for key in ("tier", "best_tier"):
        if (row.get(key) or "") not in tiers:
            return f"{key} is {row.get(key)!r}, not a tier of {cell.scenario.id}", MEND
    return None


def summaries(cells: list[Cell]) -> list[Summary]:
    return [Summary(c.scenario.party_ids, tuple(o.id for o in c.scenario.outcomes)) for c in cells]


def run_batch(cells: list[Cell] | Scenario, policy: str, runs: int, root: int = 0,
              executor: Executor | int | None = None, on_row: Callable[[dict], None] | None = None,
              skip: Collection[str] = (), done: Iterable[dict] = ()) -> list[Summary]:
    """Play every cell ``runs`` times; ``on_row`` gets each new row; ``done`` rows (read back
    for a resume) count in the summaries. ``run_batch(scenario, policy, runs, root)`` is one cell;
    ``executor`` may be a number of local worker processes."""
    if isinstance(cells, Scenario):
        cells = [Cell(cells, policy)]
    if isinstance(executor, int):
        with local(executor) as pool:
            return run_batch(cells, policy, runs, root, pool, on_row, skip, done)
    sums = summaries(cells)
    index = run_index(cells, runs, root) if done else {}
    for row in done:
        if row.get("id") in index:
            sums[index[row["id"]]].add(row)
    counted = [c.measure.summarise for c in cells]
    for n, row in rows(cells, runs, root, executor, skip):
        if counted[n]:
            sums[n].add(row)
        if on_row is not None:
            on_row(row)
    return sums
