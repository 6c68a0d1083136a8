"""The debrief as rich text for a terminal: the summary ``mediate run`` prints after a game."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from sim.report.debrief import Debrief, describe_mediator_stake


def summary(d: Debrief) -> list[RenderableType]:
    """How the talks ended (tier, incidents) and the surplus table (against no deal and the
    walk-away at the start and at the end, with each party's standing): the CLI prints these."""
    table = Table(title="Result", title_justify="left", show_header=True)
    table.add_column("party")
    table.add_column("utility", justify="right")
    table.add_column("no deal", justify="right")
    table.add_column("walk-away", justify="right")
    table.add_column("vs no deal", justify="right")
    table.add_column("vs walk-away", justify="right")
    table.add_column("standing")
    for p in d.parties:
        style = {True: "green", False: "red", None: ""}[p.good]
        walk = f"{p.start_reservation:.1f} → {p.reservation:.1f}" if p.moved else f"{p.reservation:.1f}"
        vs_walk = f"{p.surplus_start:+.1f} / {p.surplus:+.1f}" if p.moved else f"{p.surplus:+.1f}"
        table.add_row(Text(p.name), f"{p.utility:.1f}", f"{p.status_quo:.1f}", walk, f"{p.surplus_status_quo:+.1f}",
                      Text(vs_walk, style=style), Text(p.verdict, style=style))
    if any(p.moved for p in d.parties):
        table.caption = "walk-away: at the start → at the end (levers and events move it); vs walk-away: against each"
    best = d.title_of(d.best_tier) or "none"
    now = d.title_of(d.tier) or "none"
    if d.end is None:
        how = f"still in progress after round {d.rounds_played}"
        days = ""
    else:
        how = f"{d.end.reason} in round {d.end.round + 1}"
        days = f" ({d.end.days_in_force:.1f} days)"
    ended = Text.assemble(("Ended: ", "bold"), f"{how}; best tier: ", (best, "bold"),
                          f"; in force at the end: {now}{days}; ",
                          f"{d.violations} violation(s), {d.disputes} dispute(s)",
                          f"; {len(d.suspensions)} suspension(s)" if d.suspensions else "")
    if d.mediator is not None:
        return [ended, table, Text(describe_mediator_stake(d.mediator))]
    return [ended, table]
