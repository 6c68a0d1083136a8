"""Scripted runs: ``mediate run`` and ``mediate batch``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from sim.cli.common import atomic_write, check_outputs, err, fail, friendly, input_files, open_scenario, out, set_option, wrote
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
@click.argument("scenario", required=False)
@click.option("--script", type=click.Path(path_type=Path),
              help="A moves file (YAML) to play; 'history' plays the scenario's record of what really "
                   "happened (its history: file).")
@click.option("--policy", help="A mediator to play: a built-in (incremental, maximal, random, nash, pressure, "
                                "wait), FILE.py:ClassName, or an entry point in group mediate.policies.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Random seed (default: the moves file's seed, else 0).")
@click.option("--from", "from_file", type=click.Path(path_type=Path),
              help="Branch: replay a save file or transcript (.jsonl) up to --at-round, then play on with "
                   "--script or --policy instead. SCENARIO is then needed only for a transcript of a scenario "
                   "that is not bundled.")
@click.option("--at-round", type=click.IntRange(0, None), default=None, metavar="N",
              help="With --from: keep the first N rounds as played (0 keeps none); the new moves start in "
                   "round N+1.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the JSONL transcript here.")
@click.option("--report", type=click.Path(path_type=Path), help="Write the Markdown debrief here.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@set_option
@friendly
def run_cmd(scenario: str | None, script: Path | None, policy: str | None, seed: int | None,
            from_file: Path | None, at_round: int | None, json_out: Path | None,
            report: Path | None, quiet: bool, overrides: tuple[str, ...]) -> None:
    """Play SCENARIO headless from a moves script or a built-in policy.

    After a script's last move the mediator waits until the game ends.

    What if: `mediate run --from GAME.json --at-round 3 --policy nash` replays the first 3 rounds
    of a saved game (or transcript), then lets the policy (or a moves file) play on, with the same
    random streams; `mediate compare GAME.json BRANCH.jsonl` sets the two side by side.
    """
    from sim.runs.plugins import check
    from sim.runs.scripts import play_moves
    from sim.scenario.actions import load_moves

    if (script is None) == (policy is None):
        raise click.UsageError("give exactly one of --script MOVES.yaml or --policy NAME")
    check_outputs(json_out, report, inputs=input_files([scenario] if scenario else [], [policy] if policy else [],
                                                       [script, from_file]))
    if from_file is not None or at_round is not None:
        _run_branch(scenario, from_file, at_round, script, policy, seed, overrides, (json_out, report, quiet))
        return
    if scenario is None:
        raise click.UsageError("give the SCENARIO to play (or --from GAME --at-round N to branch a game)")
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
    _finish(session, overrides, json_out, report, quiet, f"{s.title} · seed {seed}")


def _finish(session: Any, overrides: tuple[str, ...], json_out: Path | None, report: Path | None, quiet: bool,
            title: str) -> None:
    """The events, the summary, and the files asked for: the same for a run and a branch."""
    from sim.report.debrief import compute
    from sim.report.markdown import markdown_report
    from sim.runs.branching import jsonl

    s = session.scenario
    if not quiet:
        out.rule(Text(title))
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


def _run_branch(scenario: str | None, from_file: Path | None, at_round: int | None, script: Path | None,
                policy: str | None, seed: int | None, overrides: tuple[str, ...],
                outputs: tuple[Path | None, Path | None, bool]) -> None:
    """``run --from GAME --at-round N``: the game's first N rounds as played, then the new moves."""
    from sim.runs import branching
    from sim.runs.plugins import PluginError, check, failure
    from sim.scenario.actions import load_moves

    if from_file is None or at_round is None:
        raise click.UsageError("a branch needs both --from SAVE_OR_TRANSCRIPT and --at-round N")
    if overrides or seed is not None:
        raise click.UsageError("--set and --seed can't change a branch: it plays the original's scenario and seed "
                               "(change the original instead)")
    spec = check(policy) if policy is not None else None
    original = branching.open_original(from_file, scenario)
    s = original.session.scenario
    branching.check_round(original.session, at_round)
    moves = load_moves(bundled_script(script, s), s) if script is not None else None
    session = branching.start(original.session, at_round, str(from_file))
    kept = len(session.actions)
    if moves is not None:
        played = branching.play_on_moves(session, moves[0].moves)
        if played.refused is not None:
            n, why = played.refused
            fail([moves[1].problem(("moves", n), f"move {n + 1} ({moves[0].moves[n].describe()}) refused: {why}")])
    elif spec is not None:
        try:
            branching.play_on_policy(session, spec)
        except PluginError:
            raise
        except Exception as exc:  # the plug-in's own bug: name it plainly, with its line
            fail(failure(spec, exc, session.seed))
    json_out, report, quiet = outputs
    kept_rounds = f"rounds 1-{at_round} as played" if at_round else "no round kept"
    err.print(Text(f"branch: {kept} action(s) of {from_file} replayed ({kept_rounds}), "
                   f"then {script or policy} from round {at_round + 1}", style="dim"))
    _finish(session, original.overrides, json_out, report, quiet,
            f"{s.title} · seed {session.seed} · branched at round {at_round + 1}")


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
    from sim.runs.plugins import PluginError, failure, play_spec

    try:
        return play_spec(s, policy, seed)
    except PluginError:
        raise
    except Exception as exc:  # the plug-in's own bug (or its sys.exit): name it plainly, with its line
        fail(failure(policy, exc, seed))
