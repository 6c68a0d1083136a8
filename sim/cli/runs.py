"""Scripted runs: ``mediate run`` and ``mediate batch``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sim.cli.common import atomic_write, check_outputs, err, fail, friendly, open_scenario, out, say, set_option, wrote
from sim.files import Output
from sim.scenario import loader
from sim.scenario.model import Scenario

STYLES = {"proposal": "bold cyan", "agreement": "bold green", "incident": "yellow", "walkout": "bold red",
          "tier": "bold magenta", "end": "bold", "lapse": "yellow", "trust": "dim", "shift": "dim",
          "consult": "blue", "lever": "blue", "wait": "dim"}


def print_event(scenario: Scenario, e: Any, console: Console = out) -> None:
    from sim.report.wire import line, stamp

    text = line(scenario, e)
    if text is None:
        return
    style = STYLES.get(e.kind, "")
    if e.kind == "response":
        style = "green" if e.accept else "red"
    console.print(Text.assemble((stamp(scenario, e) + "  ", "dim"), (text, style)))


def bundled_script(script: Path, scenario: Scenario, scenario_path: Path | None = None) -> Path:
    """A moves file by path, or by name: ``history`` is the file the scenario names under
    ``history:``, else the bundled ``<id>.history.yaml`` (what really happened)."""
    from sim.runs.scripts import history_file

    if script.exists():
        return script
    named = history_file(scenario, scenario_path) if str(script) == "history" else None
    if named is not None:
        return named
    folder = loader.scenarios_dir()
    for cand in (folder / f"{scenario.id}.{script}.yaml", folder / script, folder / f"{script}.yaml"):
        if cand.is_file():
            return cand
    return script


@click.command("run")
@click.argument("scenario")
@click.option("--script", type=click.Path(path_type=Path),
              help="A moves file (YAML) to play; 'history' plays the scenario's record of what really "
                   "happened (its history: file).")
@click.option("--policy", type=click.Choice(["incremental", "maximal", "random", "nash", "pressure"]),
              help="A built-in mediator to play.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Random seed (default: the moves file's seed, else 0).")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the JSONL transcript here.")
@click.option("--report", type=click.Path(path_type=Path), help="Write the Markdown debrief here.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@set_option
@friendly
def run_cmd(scenario: str, script: Path | None, policy: str | None, seed: int | None, json_out: Path | None,
            report: Path | None, quiet: bool, overrides: tuple[str, ...]) -> None:
    """Play SCENARIO headless from a moves script or a built-in policy.

    After a script's last move the mediator waits until the game ends.
    """
    from sim.report.debrief import compute
    from sim.report.markdown import markdown_report
    from sim.runs.policies import play
    from sim.runs.scripts import play_moves
    from sim.runs.transcripts import jsonl
    from sim.scenario.actions import load_moves

    if (script is None) == (policy is None):
        raise click.UsageError("give exactly one of --script MOVES.yaml or --policy NAME")
    check_outputs(json_out, report)
    s, _, s_path = open_scenario(scenario, overrides)
    if script is not None:
        moves, mloc = load_moves(bundled_script(script, s, s_path), s)
        seed = seed if seed is not None else (moves.seed or 0)
        played = play_moves(s, seed, moves.moves)
        if played.refused is not None:
            n, why = played.refused
            fail([mloc.problem(("moves", n), f"move {n + 1} ({moves.moves[n].describe()}) refused: {why}")])
        if played.played < len(moves.moves):
            err.print(Text(f"note: the game ended before move {played.played + 1}; later moves were not played",
                           style="yellow"))
        session = played.session
    elif policy is not None:
        seed = seed or 0
        session = play(s, policy, seed)
    if not quiet:
        out.rule(Text(f"{s.title} · seed {seed}"))
        for e in session.events:
            print_event(s, e)
    # One Debrief for both the summary and the report (with --report it holds the Nash package
    # and the forecast; without, neither is computed).
    debrief = compute(session) if report is not None else compute(session, forecast_runs=0, nash=False)
    print_summary(debrief)
    if json_out is not None:
        atomic_write(json_out, jsonl(session, overrides))
        wrote(json_out)
    if report is not None:
        atomic_write(report, markdown_report(debrief))
        wrote(report)


def print_summary(session: Any) -> None:
    """How the game ended and each party's surplus (a session, or a debrief already computed)."""
    from sim.report.debrief import Debrief, compute
    from sim.report.text import summary

    # The summary shows neither the Nash package nor the forecast: don't compute them.
    d = session if isinstance(session, Debrief) else compute(session, forecast_runs=0, nash=False)
    for part in summary(d):
        out.print(part)


@click.command()
@click.argument("scenario")
@click.option("--policy", type=click.Choice(["incremental", "maximal", "random", "nash", "pressure"]), required=True,
              help="The built-in mediator every run uses.")
@click.option("--runs", type=click.IntRange(1, 10_000_000), required=True, help="How many games.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Root seed; each run's own seed is derived from it (recorded in the CSV).")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Parallel processes (at most one per core of this machine).")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Stream one row per run to this CSV.")
@set_option
@friendly
def batch(scenario: str, policy: str, runs: int, seed: int, workers: int, csv_out: Path | None,
          overrides: tuple[str, ...]) -> None:
    """Play SCENARIO many times with a policy and summarise the outcomes."""
    from sim.analysis.stats import wilson

    check_outputs(csv_out)
    workers = usable_workers(workers)
    s, _, _ = open_scenario(scenario, overrides)
    sink = Output(csv_out) if csv_out is not None else None
    try:
        summary = _run_with_progress(s, policy, runs, seed, workers, sink)
    except KeyboardInterrupt:
        if sink is not None:
            sink.commit()
            say(f"interrupted: the rows done so far are in {csv_out}")
        sys.exit(130)
    except BaseException:
        if sink is not None:
            sink.discard()
        raise
    if sink is not None:
        sink.commit()
    what_if = f"; {', '.join(overrides)}" if overrides else ""
    table = Table(title=f"{summary.n:,} runs of {s.id} with '{policy}' (root seed {seed}{what_if})",
                  title_justify="left")
    table.add_column("outcome tier")
    table.add_column("best reached", justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("in force at end", justify="right")
    for key, title in [("", "no tier"), *[(o.id, o.title) for o in s.outcomes]]:
        p, lo, hi = wilson(summary.best.get(key, 0), summary.n)
        q, _, _ = wilson(summary.final.get(key, 0), summary.n)
        table.add_row(Text(title), f"{p:.1%}", f"{lo:.1%}–{hi:.1%}", f"{q:.1%}")
    out.print(table)
    means = Table(title="Means", title_justify="left")
    means.add_column("measure")
    means.add_column("mean", justify="right")
    for key, label in [("rounds", "rounds played"), ("days_in_force", "days the final agreement held"),
                       ("violations", "violations"), ("disputes", "disputes")]:
        means.add_row(label, f"{summary.mean(key):.2f}")
    for party in s.parties:
        means.add_row(Text(f"surplus {party.name}"), f"{summary.mean(f'surplus_{party.id}'):+.2f}")
    ends = ", ".join(f"{k} {v / summary.n:.1%}" for k, v in sorted(summary.ends.items()))
    means.add_row("how games ended", ends)
    out.print(means)
    if csv_out is not None:
        wrote(csv_out)


def usable_workers(asked: int) -> int:
    """At most one worker per core: more only adds memory (each holds a whole engine) and no speed."""
    cores = os.cpu_count() or 1
    if asked <= cores:
        return asked
    say(f"note: using {cores} worker(s), one per core of this machine, not the {asked} asked for", style="yellow")
    return cores


def _run_with_progress(s: Scenario, policy: str, runs: int, seed: int, workers: int, sink: Output | None) -> Any:
    """Run the batch with a progress bar on stderr, streaming rows to ``sink`` when given."""
    import csv
    import io
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from sim.runs.batch import columns, run_batch

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns(s), lineterminator="\n")

    def flush_rows() -> None:
        if sink is not None:
            sink.write(buf.getvalue())
        buf.seek(0)
        buf.truncate()

    writer.writeheader()
    flush_rows()
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=False)
    with progress:
        task = progress.add_task(f"{s.id} · {policy}", total=runs, rate="")
        started = time.perf_counter()

        def on_row(row: dict) -> None:
            writer.writerow(row)
            flush_rows()
            done = row["run"] + 1
            if done % 50 == 0 or done == runs:
                el = time.perf_counter() - started
                progress.update(task, completed=done, rate=f"{done / el:,.0f} runs/s" if el > 0 else "")

        return run_batch(s, policy, runs, seed, workers, on_row)

