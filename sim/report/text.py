"""The debrief as rich text for a terminal: the summary ``mediate run`` prints after a game."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from sim.report.debrief import Debrief, describe_mediator_stake


def summary(d: Debrief) -> list[RenderableType]:
    """How the talks ended (tier, incidents) and the surplus table: the CLI prints these."""
    table = Table(title="Result", title_justify="left", show_header=True)
    table.add_column("party")
    table.add_column("utility", justify="right")
    table.add_column("reservation", justify="right")
    table.add_column("surplus", justify="right")
    for p in d.parties:
        table.add_row(Text(p.name), f"{p.utility:.1f}", f"{p.reservation:.1f}",
                      Text(f"{p.surplus:+.1f}", style="green" if p.surplus >= 0 else "red"))
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
                          f"{d.violations} violation(s), {d.disputes} dispute(s)")
    if d.mediator is not None:
        return [ended, table, Text(describe_mediator_stake(d.mediator))]
    return [ended, table]
