"""The ``mediate`` command line: thin renderers over the sim library.

Exit codes: 0 ok, 1 invalid input (a located message, never a traceback), 2 usage.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import loader
from .loader import LoadError, Problem
from .model import Scenario

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

SCHEMA_FILE = "mediate-scenario.schema.json"


def fail(problems: list[Problem] | str) -> None:
    """Print located problems to stderr (at most MAX_SHOWN a file) and exit 1."""
    if isinstance(problems, str):
        err.print(Text(problems, style="red"))
        sys.exit(1)
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for name, found in by_file.items():
        for p in found[: loader.MAX_SHOWN]:
            err.print(Text.assemble((f"{p.file}:{p.line}:{p.col}: ", "bold"), ("error: ", "red bold"), p.message))
        if len(found) > loader.MAX_SHOWN:
            err.print(f"… and {len(found) - loader.MAX_SHOWN} more problems in {name}")
    sys.exit(1)


def friendly(fn: Callable) -> Callable:
    """Turn LoadError into exit 1 with located messages (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LoadError as exc:
            fail(exc.problems)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)

    return wrapper


def open_scenario(name: str, overrides: tuple[str, ...] = ()) -> tuple[Scenario, loader.Locator, Path]:
    path = loader.resolve(name)
    scenario, loc = loader.load_scenario_located(path, overrides)
    return scenario, loc, path


def set_option(fn: Callable) -> Callable:
    return click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
                        help="What-if: change one scenario field before the run, e.g. "
                             "--set parties.russia.reservation=60 (repeatable).")(fn)


class DefaultPlayGroup(click.Group):
    """`mediate` with no command opens the TUI (same as `mediate play`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            args = ["play"]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultPlayGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mediate-sim", prog_name="mediate")
def main() -> None:
    """mediate: play the mediator between parties drawn from real reporting.

    With no command, opens the TUI on the bundled scenario.

    \b
    Examples:
      mediate play --seed 7                         the same game for the whole class
      mediate run energy-truce-2025-03 --script history   what the US actually did
      mediate batch energy-truce-2025-03 --policy incremental --runs 2000 --workers 2
      mediate new my.yaml && mediate validate my.yaml && mediate analyze my.yaml
    """


# ---------------------------------------------------------------- authoring


@main.command("list")
@friendly
def list_cmd() -> None:
    """List the bundled scenarios."""
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("id", style="bold")
    table.add_column("title")
    table.add_column("parties")
    table.add_column("issues", justify="right")
    table.add_column("rounds", justify="right")
    found = loader.bundled()
    for path in found:
        try:
            s = loader.load_scenario(path)
        except LoadError as exc:
            table.add_row(Text(path.stem), Text(f"invalid: {exc.problems[0].message}", style="red"), "", "", "")
            continue
        table.add_row(Text(s.id), Text(s.title), Text(", ".join(p.name for p in s.parties)),
                      str(len(s.issues)), str(s.clock.max_rounds))
    out.print(table)
    out.print(Text(f"{len(found)} scenario(s) in {loader.scenarios_dir()}", style="dim"))


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--sources", type=click.Path(path_type=Path),
              help="Folder of the articles' texts: check every quote appears verbatim.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
def validate(files: tuple[str, ...], sources: Path | None, quiet: bool) -> None:
    """Validate scenario FILES (paths or bundled ids); with --sources, verify quotes."""
    problems: list[Problem] = []
    for name in files:
        try:
            scenario, loc, path = open_scenario(name)
        except LoadError as exc:
            problems += exc.problems
            continue
        found = loader.verify_quotes(scenario, loc, sources) if sources is not None else []
        problems += found
        if not found and not quiet:
            quotes = len(loader.iter_quotes(scenario))
            checked = f", {quotes} quotes verified against {sources}" if sources is not None else ""
            out.print(Text.assemble(("✓ ", "green bold"), f"{path}: valid scenario '{scenario.id}' "
                                    f"({plural(len(scenario.parties), 'party', 'parties')}, "
                                    f"{plural(len(scenario.issues), 'issue')}{checked})"))
            for warning in scenario_warnings(scenario):
                out.print(Text.assemble(("! ", "yellow bold"), f"{path}: warning: {warning}"))
    if problems:
        fail(problems)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Problems that don't make a scenario invalid but that its author should know."""
    from .analysis import tier_reachability
    from .domain import collapse_ties, domain_from_scenario, tier_conditions

    dom, rep = collapse_ties(domain_from_scenario(scenario))
    tiers = tier_reachability(dom, tier_conditions(scenario, rep))
    if not any(t.reachable for t in tiers):
        return ["no outcome tier is reachable with these red lines and reservations "
                "(see `mediate analyze` for what blocks each one)"]
    return []


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
        err.print(f"wrote {output}")


def json_schema() -> dict:
    body = Scenario.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://mediate.invalid/schema/scenario-v1.json", **body}


def atomic_write(path: Path, text: str) -> None:
    from .saves import atomic_write_text

    try:
        atomic_write_text(Path(path), text)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(path: Path, force: bool) -> None:
    """Write a commented scenario template to PATH (and the JSON Schema beside it)."""
    if path.is_dir():
        fail(f"{path} is a folder: give a file name, e.g. {path / 'my-scenario.yaml'}")
    if path.suffix not in (".yaml", ".yml"):
        path = path.with_suffix(".yaml")
    if path.exists() and not force:
        fail(f"{path} already exists: choose another name or pass --force")
    if not path.parent.is_dir():
        fail(f"{path.parent} is not a folder: create it first")
    template = (loader.scenarios_dir() / "_template.yaml").read_text(encoding="utf-8")
    atomic_write(path, template)
    schema_path = path.parent / SCHEMA_FILE
    if not schema_path.exists():
        atomic_write(schema_path, json.dumps(json_schema(), indent=2) + "\n")
    out.print(Text.assemble(("✓ ", "green bold"), f"wrote {path} (and {schema_path.name} for editor completion)"))
    out.print(f"next: edit it, then `mediate validate {path}`")


# ---------------------------------------------------------------- play

@main.command()
@click.argument("scenario", required=False)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Same seed + same actions = the same game (give a class one seed).")
@click.option("--resume", type=click.Path(path_type=Path), help="Continue a saved session.")
@friendly
def play(scenario: str | None, seed: int, resume: Path | None) -> None:
    """Open the TUI (scenario picker → briefing → negotiation → debrief)."""
    # The TUI is a renderer over this library; it is imported only when asked for.
    from tui.app import run_tui

    sys.exit(run_tui(scenario, seed, resume))


# ---------------------------------------------------------------- scripted runs

STYLES = {"proposal": "bold cyan", "agreement": "bold green", "incident": "yellow", "walkout": "bold red",
          "tier": "bold magenta", "end": "bold", "lapse": "yellow", "trust": "dim", "shift": "dim",
          "consult": "blue", "lever": "blue", "wait": "dim"}


def print_event(scenario: Scenario, e: Any, console: Console = out) -> None:
    from .transcript import line, stamp

    text = line(scenario, e)
    if text is None:
        return
    style = STYLES.get(e.kind, "")
    if e.kind == "response":
        style = "green" if e.accept else "red"
    console.print(Text.assemble((stamp(scenario, e) + "  ", "dim"), (text, style)))


def bundled_script(script: Path, scenario: Scenario) -> Path:
    """A moves file by path, or a bundled one by name: ``history`` is the scenario's own
    ``<id>.history.yaml`` (what really happened), shipped beside it."""
    if script.exists():
        return script
    folder = loader.scenarios_dir()
    for cand in (folder / f"{scenario.id}.{script}.yaml", folder / script, folder / f"{script}.yaml"):
        if cand.is_file():
            return cand
    return script


@main.command("run")
@click.argument("scenario")
@click.option("--script", type=click.Path(path_type=Path),
              help="A moves file (YAML) to play; 'history' plays the scenario's bundled record of what "
                   "really happened.")
@click.option("--policy", type=click.Choice(["incremental", "maximal", "random", "nash"]),
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
    from .actions import load_moves, wait
    from .engine import ActionRefused, Session
    from .policies import make
    from .transcript import jsonl, markdown_report

    if (script is None) == (policy is None):
        raise click.UsageError("give exactly one of --script MOVES.yaml or --policy NAME")
    s, _, _ = open_scenario(scenario, overrides)
    if script is not None:
        moves, mloc = load_moves(bundled_script(script, s), s)
        seed = seed if seed is not None else (moves.seed or 0)
        session = Session(s, seed)
        for n, a in enumerate(moves.moves):
            if session.ended:
                err.print(Text(f"note: the game ended before move {n + 1}; later moves were not played",
                               style="yellow"))
                break
            try:
                session.act(a)
            except ActionRefused as exc:
                fail([mloc.problem(("moves", n), f"move {n + 1} ({a.describe()}) refused: {exc}")])
        while not session.ended:
            session.act(wait())
    else:
        seed = seed or 0
        session = Session(s, seed)
        pol = make(policy, s, seed)
        while not session.ended:
            pol.observe(session.act(pol.decide(session.view())))
    if not quiet:
        out.rule(Text(f"{s.title} · seed {seed}"))
        for e in session.events:
            print_event(s, e)
    print_summary(session)
    if json_out is not None:
        atomic_write(json_out, jsonl(session, overrides))
        err.print(f"wrote {json_out}")
    if report is not None:
        atomic_write(report, markdown_report(session))
        err.print(f"wrote {report}")


def print_summary(session: Any) -> None:
    s = session.scenario
    end = session.events[-1]
    table = Table(title="Result", title_justify="left", show_header=True)
    table.add_column("party")
    table.add_column("utility", justify="right")
    table.add_column("reservation", justify="right")
    table.add_column("surplus", justify="right")
    package = session.agreement or s.default_package
    for p in s.parties:
        u, r = session.utility(p.id, package), session.reservation(p.id)
        table.add_row(Text(p.name), f"{u:.1f}", f"{r:.1f}", Text(f"{u - r:+.1f}", style="green" if u >= r else "red"))
    best = next((o.title for o in s.outcomes if o.id == end.best_tier), "none")
    now = next((o.title for o in s.outcomes if o.id == end.tier), "none")
    out.print(Text.assemble(("Ended: ", "bold"), f"{end.reason} in round {end.round + 1}; best tier: ",
                            (best, "bold"), f"; in force at the end: {now} ({end.days_in_force:.1f} days); ",
                            f"{end.violations} violation(s), {end.disputes} dispute(s)"))
    out.print(table)


@main.command()
@click.argument("scenario")
@click.option("--policy", type=click.Choice(["incremental", "maximal", "random", "nash"]), required=True,
              help="The built-in mediator every run uses.")
@click.option("--runs", type=click.IntRange(1, 10_000_000), required=True, help="How many games.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Root seed; each run's own seed is derived from it (recorded in the CSV).")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Parallel processes.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Stream one row per run to this CSV.")
@set_option
@friendly
def batch(scenario: str, policy: str, runs: int, seed: int, workers: int, csv_out: Path | None,
          overrides: tuple[str, ...]) -> None:
    """Play SCENARIO many times with a policy and summarise the outcomes."""
    import csv

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch import columns, run_batch, wilson

    s, _, _ = open_scenario(scenario, overrides)
    fh = None
    writer = None
    if csv_out is not None:
        tmp = csv_out.with_name(f".{csv_out.name}.partial")
        try:
            fh = tmp.open("w", newline="", encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {csv_out}: {exc.strerror or exc}")
        writer = csv.DictWriter(fh, fieldnames=columns(s), lineterminator="\n")
        writer.writeheader()
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=False)
    try:
        with progress:
            task = progress.add_task(f"{s.id} · {policy}", total=runs, rate="")
            import time

            started = time.perf_counter()

            def on_row(row: dict) -> None:
                if writer is not None:
                    writer.writerow(row)
                done = row["run"] + 1
                if done % 50 == 0 or done == runs:
                    el = time.perf_counter() - started
                    progress.update(task, completed=done, rate=f"{done / el:,.0f} runs/s" if el > 0 else "")

            summary = run_batch(s, policy, runs, seed, workers, on_row)
    except KeyboardInterrupt:
        if fh is not None:
            fh.close()
            os.replace(csv_out.with_name(f".{csv_out.name}.partial"), csv_out)
            err.print(f"interrupted: the rows done so far are in {csv_out}")
        sys.exit(130)
    if fh is not None:
        fh.close()
        os.replace(csv_out.with_name(f".{csv_out.name}.partial"), csv_out)
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
    for p in s.parties:
        means.add_row(Text(f"surplus {p.name}"), f"{summary.mean(f'surplus_{p.id}'):+.2f}")
    ends = ", ".join(f"{k} {v / summary.n:.1%}" for k, v in sorted(summary.ends.items()))
    means.add_row("how games ended", ends)
    out.print(means)
    if csv_out is not None:
        err.print(f"wrote {csv_out}")


# ---------------------------------------------------------------- analysis


@main.command()
@click.argument("scenario")
@click.option("--round", "round_", type=click.IntRange(0, None), default=None,
              help="Use the parties' thresholds at this round (initial trust) instead of their reservations.")
@click.option("--known", is_flag=True, help="Only what the mediator knows at the start (public stances).")
@click.option("--agreement", metavar="ISSUE=OPTION,…",
              help="Forecast how long this package would hold if agreed now (e.g. truce_scope=energy).")
@click.option("--runs", type=click.IntRange(10, 100_000), default=400, show_default=True,
              help="Monte Carlo runs for --agreement.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@set_option
@friendly
def analyze(scenario: str, round_: int | None, known: bool, agreement: str | None, runs: int, as_json: bool,
            overrides: tuple[str, ...]) -> None:
    """ZOPA, Pareto frontier, Nash / Kalai–Smorodinsky / max-welfare packages, reachable tiers."""
    from .assessment import assess

    s, loc, path = open_scenario(scenario, overrides)
    if round_ is not None and round_ >= s.clock.max_rounds:
        fail([loc.problem(("clock", "max_rounds"), f"--round {round_} is past the last round "
                                                  f"({s.clock.max_rounds - 1})")])
    result = assess(s, loc, path, round_, known)
    if agreement:
        result["forecast"] = agreement_forecast(s, agreement, runs)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    render_analysis(s, result)


def agreement_forecast(s: Scenario, spec: str, runs: int) -> dict:
    from .actions import Action, check_action
    from .forecast import durability

    package: dict[str, str] = {}
    for part in spec.split(","):
        issue, sep, option = part.strip().partition("=")
        if not sep:
            raise click.BadParameter(f"'{part}' should look like ISSUE=OPTION", param_hint="--agreement")
        package[issue.strip()] = option.strip()
    problems = check_action(s, Action(propose=package), ())
    if problems:
        raise click.BadParameter(problems[0].message, param_hint="--agreement")
    d = durability(s, 0, (), package, runs=runs)
    assert d is not None
    return {"package": {k: v for k, v in d.package.items() if v != s.issue(k).default_option}, "runs": d.runs,
            "in_force": {str(n): {"share": p, "low": lo, "high": hi}
                         for n, p, lo, hi in zip(d.days, d.held, d.low, d.high, strict=True)},
            "ended_by": d.breaks}


def render_analysis(s: Scenario, r: dict) -> None:
    out.rule(Text(f"{s.title} · {r['basis']}"))
    z = r["zopa"]
    size = f"{z['count']:,.0f}" if z["exact"] else f"≈{z['count']:,.0f} (estimate, 95% {z['low']:,.0f}–{z['high']:,.0f})"
    out.print(Text.assemble(("Packages: ", "bold"), f"{r['packages']:,} in all, {r['allowed_packages']:,} touching no "
                            "red line; ", ("ZOPA: ", "bold"), f"{size} acceptable to every party; ",
                            ("Pareto frontier: ", "bold"), f"{r['frontier']['packages']:,} packages "
                            f"({r['frontier']['distinct_utility_vectors']:,} distinct utility vectors)"))
    if r["frontier"]["ties_merged"]:
        out.print(Text("Too many tied packages to list: options worth the same to every party are shown by one "
                       "representative each.", style="yellow"))
    names = {p.id: p.name for p in s.parties}
    table = Table(title="Bargaining solutions", title_justify="left")
    table.add_column("solution")
    table.add_column("package (issues away from the default)")
    for p in s.parties:
        table.add_column(Text(names[p.id]), justify="right")
    labels = {"nash": "Nash (max Π(U−R))", "kalai_smorodinsky": "Kalai–Smorodinsky", "max_welfare": "max welfare"}
    for key, label in labels.items():
        point = r["points"][key]
        if point["package"] is None:
            table.add_row(label, Text("no feasible package", style="red"), *["" for _ in s.parties])
            continue
        text = "; ".join(f"{i}={o}" for i, o in point["package"].items() if o != s.issue(i).default_option)
        table.add_row(label, Text(text or "the status quo"),
                      *[f"{point['utility'][p.id]:.1f}" for p in s.parties])
    table.add_row(Text("reservation / threshold", style="dim"), "",
                  *[Text(f"{r['reservations'][p.id]:.1f}", style="dim") for p in s.parties])
    out.print(table)
    tiers = Table(title="Outcome tiers", title_justify="left")
    tiers.add_column("tier")
    tiers.add_column("reachable")
    tiers.add_column("why not / an example")
    for t in r["tiers"]:
        if t["reachable"]:
            ex = "; ".join(f"{i}={o}" for i, o in t["example"].items() if o != s.issue(i).default_option)
            tiers.add_row(Text(t["title"]), Text("✓ yes", style="green"), Text(f"e.g. {ex}", style="dim"))
        else:
            tiers.add_row(Text(t["title"]), Text("✗ no", style="red"), Text("; ".join(t["blockers"])))
    out.print(tiers)
    if r["frontier"]["packages"] == 0:
        out.print(Text("No package is feasible: none touches no red line and meets every reservation.", style="bold red"))
        if r["relaxations"]:
            out.print(Text("Smallest single changes that would make one feasible:", style="bold"))
            for x in r["relaxations"]:
                out.print(Text(f"  • {x['text']}  ({x['at']})"))
        else:
            out.print(Text("No single change (one red line or one reservation) is enough: several must give way."))
    if "forecast" in r:
        f = r["forecast"]
        parts = [f"{v['share']:.0%} after {d} days (95% {v['low']:.0%}–{v['high']:.0%})" for d, v in f["in_force"].items()]
        why = ", ".join(f"{k} in {v} runs" for k, v in f["ended_by"].items() if v)
        out.print(Text.assemble(("Durability ", "bold"), f"of {f['package']} agreed now, over {f['runs']} runs: ",
                                "still in force " + "; ".join(parts), f" (ended by {why})" if why else ""))
    out.print(Text(f"analysed in {r['seconds'] * 1000:.0f} ms", style="dim"))


# ---------------------------------------------------------------- class results


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--scenario", help="The scenario the games were played on, when it is not the bundled one.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Also write the table as CSV.")
@friendly
def compare(files: tuple[Path, ...], scenario: str | None, csv_out: Path | None) -> None:
    """Set a class's results side by side: FILES are transcripts (.jsonl) or saves.

    Each game is replayed from its seed and actions, so the table shows what happened.
    """
    import csv
    import io

    from .compare import load

    results, problems = [], []
    for f in files:
        try:
            results.append(load(f, scenario))
        except LoadError as exc:
            problems += exc.problems
    if results:
        rows = [r.row() for r in results]
        s = results[0].session.scenario
        titles = {o.id: o.title for o in s.outcomes}
        level = {o.id: n for n, o in enumerate(s.outcomes, start=1)}
        from rich import box

        table = Table(title=f"{len(rows)} game(s) of {s.title}", title_justify="left", box=box.SIMPLE_HEAD,
                      pad_edge=False)
        for col, justify in (("game", "left"), ("seed", "right"), ("tier", "right"), ("days", "right"),
                             ("viol", "right"), ("disp", "right"), ("≠Nash", "right"), ("hints", "right")):
            table.add_column(col, justify=justify, no_wrap=True)
        parties = [p for p in s.parties if all(f"surplus_{p.id}" in r for r in rows)]
        for p in parties:
            table.add_column(Text(f"±{p.name}"), justify="right", no_wrap=True)
        for r in rows:
            off = "–" if r["issues_off_nash"] is None else str(r["issues_off_nash"])
            table.add_row(Text(r["name"]), str(r["seed"]), str(level.get(r["best_tier"], 0)),
                          f"{r['days_at_best_tier']:.1f}", str(r["violations"]), str(r["disputes"]), off,
                          str(r["hints"]), *[f"{r[f'surplus_{p.id}']:+.1f}" for p in parties])
        out.print(table)
        out.print(Text("tier: highest outcome tier reached (" + "; ".join(f"{n} {t}" for n, t in
                                                                         enumerate(titles.values(), 1)) +
                       ") · days: how long it held · ≠Nash: issues where the final deal differs from the "
                       "full-information Nash package · ±: surplus over the walk-away point", style="dim"))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["best_tier"]] = counts.get(r["best_tier"], 0) + 1
        out.print("Best tier reached: " + "; ".join(f"{titles.get(k, 'none')} × {v}" for k, v in counts.items()))
        if csv_out is not None:
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            atomic_write(csv_out, buf.getvalue())
            err.print(f"wrote {csv_out}")
    if problems:
        fail(problems)


# ---------------------------------------------------------------- entry


if __name__ == "__main__":  # pragma: no cover
    main()
