"""``mediate batch``: many seeds of a scenario, optionally swept over what-ifs, resumable, local or on a cluster."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from sim.cli.common import check_outputs, err, friendly, input_files, open_scenario, out, say, set_option, wrote
from sim.errors import LoadError, MediateError
from sim.scenario.model import Scenario

POLICY_HELP = ("The mediator: a built-in (incremental, maximal, random, nash, pressure, wait), FILE.py:ClassName, "
               "or an entry point in group mediate.policies (see docs/policies.md).")


def executor_options(fn: Callable) -> Callable:
    fn = click.option("--scheduler", metavar="ADDRESS",
                      help="With --executor dask: the scheduler, e.g. tcp://10.0.0.5:8786.")(fn)
    fn = click.option("--executor", "executor_kind", type=click.Choice(["local", "dask"]), default="local",
                      show_default=True, help="Where runs go: local processes (--workers) or a dask cluster.")(fn)
    return click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
                        help="Local parallel processes (at most one per core of this machine).")(fn)


def usable_workers(asked: int) -> int:
    """At most one worker per core: more only adds memory (each holds a whole engine) and no speed."""
    cores = os.cpu_count() or 1
    if asked <= cores:
        return asked
    say(f"note: using {cores} worker(s), one per core of this machine, not the {asked} asked for", style="yellow")
    return cores


@contextmanager
def open_executor(kind: str, workers: int, scheduler: str | None) -> Iterator[Any]:
    from sim.runs import executors

    if kind == "dask":
        if not scheduler:
            raise click.UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
        with executors.dask(scheduler) as ex:
            yield ex
        return
    if scheduler:
        raise click.UsageError("--scheduler goes with --executor dask")
    with executors.local(usable_workers(workers)) as ex:
        yield ex


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr; the callable advances it by one run."""
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=False)
    started = time.perf_counter()
    done = [0]
    with progress:
        task = progress.add_task(Text(label).plain.replace("[", "\\["), total=total, rate="")

        def step() -> None:
            done[0] += 1
            if done[0] % 50 == 0 or done[0] == total:
                el = time.perf_counter() - started
                progress.update(task, completed=done[0], rate=f"{done[0] / el:,.0f} runs/s" if el > 0 else "")

        yield step


def make_cells(scenario: str, policy: str, overrides: tuple[str, ...], points: list) -> list:
    from sim.runs.batch import Cell
    from sim.runs.sweeps import typed

    cells = []
    for point in points:
        extra = tuple(f"{k}={v}" for k, v in point)
        try:
            s, _, _ = open_scenario(scenario, (*overrides, *extra))
        except LoadError as exc:
            # A point's what-ifs are the user's --sweep values: say so, not --set.
            swept = {f"--set {e}": f"--sweep {e}" for e in extra}
            raise LoadError([replace(p, file=swept.get(p.file, p.file)) for p in exc.problems]) from None
        cells.append(Cell(s, policy, (*overrides, *extra), tuple((k, typed(v)) for k, v in point)))
    return cells


@contextmanager
def streamed(table: Any, interrupted: str) -> Iterator[None]:
    """Rows streamed into ``table`` (or None): committed at the end, and also on Ctrl-C or SIGTERM
    (then ``interrupted`` is said and the exit is 130); discarded on any other error.

    SIGTERM (what a scheduler or ``timeout`` sends) would otherwise kill the process with the rows
    still in a temp file. From the first interrupt on, further signals are ignored: a second
    Ctrl-C would cut short the commit (losing the rows) or the pool's shutdown (hanging at exit).
    """
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if table is not None:
            table.commit()
            say(interrupted)
        sys.exit(130)
    except BaseException:
        if table is not None:
            table.discard()
        raise
    finally:
        if signal.getsignal(signal.SIGTERM) is interrupt:  # not once interrupted: then ignored to the exit
            signal.signal(signal.SIGTERM, old)
    if table is not None:
        table.commit()


def write_rows(cells: list, runs: int, seed: int, path: Path | None, resume: bool, executor: Any,
               label: str, on_row: Callable[[dict], None] | None = None) -> list:
    """Play the cells, streaming rows to ``path``; on Ctrl-C or SIGTERM keep the finished rows and exit 130."""
    from sim.runs.batch import columns, resumable, run_batch
    from sim.runs.tables import open_table, read_done_lines

    header = columns(cells[0])
    done = resumable(cells, runs, seed, read_done_lines(path, header), str(path)) if resume and path else []
    skip = {r["id"] for r in done}
    table = open_table(path, header, resume) if path is not None else None
    total = len(cells) * runs - len(skip)
    if resume and path is not None:
        say(f"resuming {path}: {len(skip):,} run(s) already there, {total:,} to play")
    interrupted = f"interrupted: the runs finished so far are in {path}; finish with the same command and --resume"
    with streamed(table, interrupted), progress_bar(label, total) as step:
        def row_out(row: dict) -> None:
            if table is not None:
                table.write(row)
            if on_row is not None:
                on_row(row)
            step()

        return run_batch(cells, "", runs, seed, executor, row_out, skip, done)


def output_path(csv_out: Path | None, parquet_out: Path | None, table_out: Path | None,
                inputs: list[Path] | None = None) -> Path | None:
    """The one output file of ``--csv``, ``--parquet`` or ``--out`` (the format follows the file's
    name, so the first two must be named for theirs), checked writable, and not one of the
    batch's ``inputs``, before any run is played."""
    from sim.runs.tables import is_parquet, require_pyarrow

    given = [p for p in (csv_out, parquet_out, table_out) if p is not None]
    if len(given) > 1:
        raise click.UsageError("give one of --csv, --parquet or --out")
    if csv_out is not None and is_parquet(csv_out):
        raise click.UsageError(f"--csv {csv_out}: that name writes Parquet: use --parquet, or name the file .csv")
    if parquet_out is not None and not is_parquet(parquet_out):
        raise click.UsageError(f"--parquet {parquet_out}: name the file .parquet (or .pq)")
    path = given[0] if given else None
    check_outputs(path, inputs=inputs or ())
    if path is not None and is_parquet(path):
        require_pyarrow()
    return path


@click.command()
@click.argument("scenario")
@click.option("--policy", required=True, help=POLICY_HELP)
@click.option("--runs", type=click.IntRange(1, 10_000_000), required=True, help="How many games (per sweep point).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Root seed; run i's own seed is derived from it, the same in every sweep point (in the CSV).")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Stream one row per run to this CSV.")
@click.option("--parquet", "parquet_out", type=click.Path(path_type=Path),
              help="Write one row per run to this Parquet file, named .parquet (needs pyarrow).")
@click.option("--out", "table_out", type=click.Path(path_type=Path),
              help="Write one row per run here: .csv, or .parquet (needs pyarrow).")
@click.option("--sweep", "sweeps", multiple=True, metavar="PATH=V1,V2|LO:HI:STEP",
              help="Sweep a field (paths as in --set): values, or a range lo:hi:step; repeat for a grid. "
                   "With --design lhs, an interval lo:hi.")
@click.option("--design", type=click.Choice(["grid", "lhs"]), default="grid", show_default=True,
              help="A full grid of the --sweep values, or a Latin hypercube of --samples points.")
@click.option("--samples", type=click.IntRange(1, 100_000), help="Points of a Latin hypercube (--design lhs).")
@click.option("--resume", is_flag=True, help="Keep the runs already in the output file and play only the rest.")
@executor_options
@set_option
@friendly
def batch(scenario: str, policy: str, runs: int, seed: int, csv_out: Path | None, parquet_out: Path | None,
          table_out: Path | None, sweeps: tuple[str, ...], design: str, samples: int | None, resume: bool, workers: int,
          executor_kind: str, scheduler: str | None, overrides: tuple[str, ...]) -> None:
    """Play SCENARIO many times with a policy and summarise the outcomes.

    \b
    Examples:
      mediate batch energy-truce-2025-03 --policy incremental --runs 2000 --workers 2 --csv runs.csv
      mediate batch S --policy nash --runs 200 --sweep parties.russia.reservation=40:80:10 --out sweep.csv
      mediate batch S --policy nash --runs 100 --design lhs --samples 20 --sweep clock.max_rounds=8:20 --out lhs.csv
      mediate batch S --policy nash --runs 100000 --csv big.csv --resume      (after Ctrl-C: carry on)
    """
    from sim.runs import plugins
    from sim.runs import sweeps as sweeps_

    path = output_path(csv_out, parquet_out, table_out, input_files([scenario], [policy]))
    if resume and path is None:
        raise click.UsageError("--resume needs the output file to carry on: --csv, --parquet or --out FILE")
    plugins.check(policy)
    try:
        points = sweeps_.design(list(sweeps), design, samples, seed)
    except sweeps_.SweepOptionsError as exc:
        raise click.UsageError(str(exc)) from None
    refuse_set_and_sweep(overrides, points)
    cells = make_cells(scenario, policy, overrides, points)
    first_error: list[str] = []

    def note_error(row: dict) -> None:
        if row.get("status") == "failed" and not first_error:
            first_error.append(row.get("error", ""))

    with open_executor(executor_kind, workers, scheduler) as ex:
        sums = write_rows(cells, runs, seed, path, resume, ex, f"{cells[0].scenario.id} · {policy}", note_error)
    if path is not None:
        wrote(path)
    failed = sum(s.failed for s in sums)
    if not any(s.n for s in sums):
        # Nothing to summarise: a table of 0 runs would only show "nan".
        raise MediateError(f"every run failed (the policy raised): {first_error[0] if first_error else 'see the error column'}")
    what_if = f"; {', '.join(overrides)}" if overrides else ""
    if sweeps:
        print_sweep(cells, sums, f"{len(cells)} points × {runs:,} runs of {cells[0].scenario.id} with '{policy}' "
                                 f"(root seed {seed}, the same seeds at every point{what_if})")
    else:
        print_one(cells[0].scenario, sums[0], f"{sums[0].n:,} runs of {cells[0].scenario.id} with '{policy}' "
                                               f"(root seed {seed}{what_if})")
    if failed:
        say(f"note: {failed:,} run(s) failed (the policy raised): see the status and error columns", style="yellow")


def refuse_set_and_sweep(overrides: tuple[str, ...], points: list) -> None:
    """A field given by --set and swept too would be swept silently over the --set (and the
    title would name the --set): say so instead."""
    swept = {k for point in points[:1] for k, _ in point}
    for item in overrides:
        field = item.partition("=")[0].strip()
        if field in swept:
            raise click.UsageError(f"--set {item} and --sweep {field}=… change the same field: drop one of them")


def print_one(s: Scenario, summary: Any, title: str) -> None:
    from sim.analysis.stats import wilson

    table = Table(title=Text(title), title_justify="left")
    table.add_column("outcome tier")
    table.add_column("best reached", justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("in force at end", justify="right")
    for key, name in [("", "no tier"), *[(o.id, o.title) for o in s.outcomes]]:
        p, lo, hi = wilson(summary.best.get(key, 0), summary.n)
        q, _, _ = wilson(summary.final.get(key, 0), summary.n)
        table.add_row(Text(name), f"{p:.1%}", f"{lo:.1%}–{hi:.1%}", f"{q:.1%}")
    out.print(table)
    means = Table(title="Means", title_justify="left")
    means.add_column("measure")
    means.add_column("mean", justify="right")
    for key, label in [("rounds", "rounds played"), ("days_in_force", "days the final agreement held"),
                       ("violations", "violations"), ("disputes", "disputes"), ("suspensions", "suspensions"),
                       ("denunciations", "denunciations")]:
        means.add_row(label, f"{summary.mean(key):.2f}")
    if summary.n:
        means.add_row("last deal coerced", f"{summary.coerced / summary.n:.1%}")
    if summary.stakes:
        means.add_row("mediator's own utility", f"{summary.mean('mediator_utility'):.2f}")
    for party in s.parties:
        means.add_row(Text(f"surplus {party.name}"), f"{summary.mean(f'surplus_{party.id}'):+.2f}")
    ends = ", ".join(f"{k} {v / summary.n:.1%}" for k, v in sorted(summary.ends.items())) if summary.n else ""
    means.add_row("how games ended", ends)
    out.print(means)


def _fold_path(path: str, width: int = 14) -> str:
    """A what-if path as a column header, broken after its dots so it wraps, never cut."""
    lines: list[str] = []
    for part in path.split("."):
        piece = part if not lines else "." + part
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return "\n".join(lines)


def print_sweep(cells: list, sums: list, title: str) -> None:
    """One row per sweep point: its values, any tier and the top tier reached (Wilson 95 %, the
    interval on a line of its own so a narrow terminal never cuts it), days held, and failed runs
    when there are any (the title gives the runs per point)."""
    from sim.analysis.stats import wilson

    table = Table(title=Text(title), title_justify="left")
    for k, _ in cells[0].labels:
        table.add_column(Text(_fold_path(k)), justify="right", overflow="fold")
    top = len(cells[0].scenario.outcomes)
    for name in ("any tier\n[95%]", "top tier\n[95%]"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("days\nheld", justify="right")
    failed = any(sm.failed for sm in sums)
    if failed:
        table.add_column("failed", justify="right", no_wrap=True)
    for cell, sm in zip(cells, sums, strict=True):
        p, lo, hi = wilson(sm.reached(1), sm.n)
        q, qlo, qhi = wilson(sm.reached(top), sm.n)
        row: list[Text | str] = [*(Text(str(v)) for _, v in cell.labels), f"{p:.1%}\n{lo:.1%}–{hi:.1%}",
               f"{q:.1%}\n{qlo:.1%}–{qhi:.1%}", f"{sm.mean('days_in_force'):.1f}"]
        table.add_row(*row, *([f"{sm.failed:,}"] if failed else []))
    out.print(table)
