"""Scripted runs: ``mediate run`` and ``mediate batch``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from sim.cli.common import atomic_write, check_outputs, err, fail, friendly, open_scenario, out, set_option, wrote
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
@click.option("--policy", help="A mediator to play: a built-in (incremental, maximal, random, nash, pressure, "
                                "wait), FILE.py:ClassName, or an entry point in group mediate.policies.")
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
    from sim.runs.plugins import check
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
        session = _play_plugin(s, check(policy), seed)
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


def _play_plugin(s: Scenario, policy: str, seed: int) -> Any:
    """A game under ``policy``; a plug-in that raises is reported (exit 1), not a traceback."""
    from sim.runs.plugins import PluginError, play_spec

    try:
        return play_spec(s, policy, seed)
    except PluginError:
        raise
    except Exception as exc:  # the plug-in's own bug: name it plainly
        fail(f"policy {policy} raised during the game: {type(exc).__name__}: {exc}")
