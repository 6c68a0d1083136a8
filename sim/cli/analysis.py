"""``mediate analyze``: the outcome space of a scenario."""

from __future__ import annotations

import json

import click
from rich.table import Table
from rich.text import Text

from sim.cli.common import fail, friendly, open_scenario, out, set_option
from sim.report.glossary import possessive
from sim.scenario.model import Scenario


@click.command()
@click.argument("scenario")
@click.option("--round", "round_", type=click.IntRange(0, None), default=None,
              help="Use the parties' thresholds at this round (initial trust) instead of their walk-away points.")
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
    from sim.analysis.assessment import assess

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
    from sim.analysis.authoring import red_lines_crossed
    from sim.analysis.forecast import durability
    from sim.scenario.actions import Action, check_action

    package: dict[str, str] = {}
    for part in spec.split(","):
        issue, sep, option = part.strip().partition("=")
        if not sep:
            raise click.BadParameter(f"'{part}' should look like ISSUE=OPTION", param_hint="--agreement")
        package[issue.strip()] = option.strip()
    try:
        action = Action(propose=package)
    except ValueError:
        raise click.BadParameter("issue and option ids are lowercase letters, digits, '-' and '_', e.g. "
                                 "truce_scope=energy", param_hint="--agreement") from None
    problems = check_action(s, action, ())
    if problems:
        raise click.BadParameter(problems[0].message, param_hint="--agreement")
    d = durability(s, 0, (), package, runs=runs)
    if d is None:  # the game is over before it starts (a scenario that ends at once)
        raise click.BadParameter("there is no game to put this package in force in", param_hint="--agreement")
    return {"package": {k: v for k, v in d.package.items() if v != s.issue(k).default_option}, "runs": d.runs,
            "in_force": {str(n): {"share": p, "low": lo, "high": hi}
                         for n, p, lo, hi in zip(d.days, d.held, d.low, d.high, strict=True)},
            "ended_by": d.breaks, "coerced": list(d.coerced), "coerced_denounce_per_day": d.denounce_per_day,
            "red_lines": [{"party": p, "issue": i, "option": o} for p, i, o in red_lines_crossed(s, package)]}


def render_analysis(s: Scenario, r: dict) -> None:
    out.rule(Text(f"{s.title} · {r['basis']}"))
    z = r["zopa"]
    size = _count(z["count"]) if z["exact"] else (f"≈{_count(z['count'])} (estimate, 95% {_count(z['low'])}–"
                                                  f"{_count(z['high'])})")
    out.print(Text.assemble(("Packages: ", "bold"), f"{_count(r['packages'])} in all, "
                            f"{_count(r['allowed_packages'])} touching no red line; ", ("ZOPA: ", "bold"),
                            f"{size} acceptable to every party; ", ("Pareto frontier: ", "bold"),
                            f"{_count(r['frontier']['packages'])} packages "
                            f"({r['frontier']['distinct_utility_vectors']:,} distinct utility vectors)"))
    if not r["frontier"].get("exact", True):
        out.print(Text("Approximate: the exact frontier is too large to compute in the time allowed, so this is a "
                       "representative frontier (real packages, the best a bounded search found); the solutions "
                       "below may not be the exact optimum.", style="yellow"))
    if r["frontier"]["ties_merged"]:
        out.print(Text("Too many tied packages to list: options worth the same to every party are shown by one "
                       "representative each.", style="yellow"))
    names = {p.id: p.name for p in s.parties}
    approx = "" if r["frontier"].get("exact", True) else " (approximate)"
    table = Table(title="Bargaining solutions" + approx, title_justify="left")
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
    table.add_row(Text("walk-away point / threshold", style="dim"), "",
                  *[Text(f"{r['reservations'][p.id]:.1f}", style="dim") for p in s.parties])
    out.print(table)
    _render_tiers(s, r)
    _render_infeasible(r)
    if "forecast" in r:
        f = r["forecast"]
        parts = [f"{v['share']:.0%} after {d} days (95% {v['low']:.0%}–{v['high']:.0%})" for d, v in f["in_force"].items()]
        why = ", ".join(f"{k} in {v} runs" for k, v in f["ended_by"].items() if v)
        changed = "; ".join(f"{i}={o}" for i, o in f["package"].items()) or "the status quo"
        out.print(Text.assemble(("Durability ", "bold"), f"of {changed} agreed now, over {f['runs']} runs: ",
                                "still in force " + "; ".join(parts), f" (ended by {why})" if why else ""))
        if f["coerced"]:
            from sim.report.debrief import coercion_sentence
            out.print(Text(coercion_sentence(s, f["coerced"], f["coerced_denounce_per_day"]), style="yellow"))
        for x in f["red_lines"]:
            label = s.issue(x["issue"]).option(x["option"]).label
            out.print(Text(f"! warning: this package crosses {possessive(names[x['party']])} red line on {x['issue']} "
                           f"({x['option']}: {label}); proposed, {names[x['party']]} would refuse it", style="yellow"))
    out.print(Text(f"analysed in {r['seconds'] * 1000:.0f} ms", style="dim"))


def _count(x: float) -> str:
    """A count with thousands separators; past 10^15 (up to 64^200 packages) as mantissa and exponent."""
    if x < 1e15:
        return f"{x:,.0f}"
    digits = str(int(x))
    return f"{digits[0]}.{digits[1:3]}e{len(digits) - 1}"


def _render_tiers(s: Scenario, r: dict) -> None:
    """The outcome tiers table: reachable (with an example), undecided, or blocked (and by whom)."""
    tiers = Table(title="Outcome tiers", title_justify="left")
    tiers.add_column("tier")
    tiers.add_column("reachable")
    tiers.add_column("why not / an example")
    for t in r["tiers"]:
        if t["reachable"]:
            ex = "; ".join(f"{i}={o}" for i, o in t["example"].items() if o != s.issue(i).default_option)
            tiers.add_row(Text(t["title"]), Text("✓ yes", style="green"), Text(f"e.g. {ex}", style="dim"))
        elif not t.get("decided", True):
            tiers.add_row(Text(t["title"]), Text("? undecided", style="yellow"),
                          Text("no example found within the time allowed; that does not prove it unreachable"))
        else:
            tiers.add_row(Text(t["title"]), Text("✗ no", style="red"), Text("; ".join(t["blockers"])))
    out.print(tiers)


def _render_infeasible(r: dict) -> None:
    """When nothing is feasible (or none was found): say so, and the smallest changes that would help."""
    if r["frontier"]["packages"] == 0 and not r["frontier"].get("exact", True):
        out.print(Text("No feasible package found within the time allowed; that does not prove there is none.",
                       style="bold yellow"))
    elif r["frontier"]["packages"] == 0:
        out.print(Text("No package is feasible: none touches no red line and meets every walk-away point.", style="bold red"))
        if r["relaxations"]:
            out.print(Text("Smallest single changes that would make one feasible:", style="bold"))
            for x in r["relaxations"]:
                out.print(Text(f"  • {x['text']}  ({x['at']})"))
            if not r.get("relaxations_complete", True):
                out.print(Text("  (the search was cut short: there may be other, smaller changes)", style="yellow"))
        elif not r.get("relaxations_complete", True):
            out.print(Text("No single change found within the time allowed; that does not prove none exists."))
        else:
            out.print(Text("No single change (one red line or one walk-away point) is enough: several must give way."))
