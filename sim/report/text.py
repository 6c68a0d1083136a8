"""The debrief as rich text for a terminal: the summary ``mediate run`` prints after a game."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from sim.report.debrief import Debrief, describe_mediator_stake


class ResultTable:
    """The surplus table, laid out for the width it is given, so nothing is ever cut. Below 90
    columns a walk-away's move takes two lines, and the standings follow the table as lines of
    their own instead of a column squeezed to three lines a party."""

    WIDE = 90

    def __init__(self, d: Debrief):
        self.d = d

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        d = self.d
        wide = options.max_width >= self.WIDE
        cut = " " if wide else "\n"
        table = Table(title="Result", title_justify="left", show_header=True)
        table.add_column("party", min_width=max(len(w) for p in d.parties for w in [*p.name.split(), "party"]))
        for header in ("utility", "no\ndeal", "walk-\naway", "vs no\ndeal", "vs walk-\naway"):
            table.add_column(header, justify="right", no_wrap=True)
        if wide:
            table.add_column("standing", ratio=1)
        lines = []
        for p in d.parties:
            style = {True: "green", False: "red", None: ""}[p.good]
            walk = f"{p.start_reservation:.1f} →{cut}{p.reservation:.1f}" if p.moved else f"{p.reservation:.1f}"
            vs_walk = f"{p.surplus_start:+.1f} /{cut}{p.surplus:+.1f}" if p.moved else f"{p.surplus:+.1f}"
            cells: list[Text | str] = [Text(p.name), f"{p.utility:.1f}", f"{p.status_quo:.1f}", walk,
                                       f"{p.surplus_status_quo:+.1f}", Text(vs_walk, style=style)]
            table.add_row(*cells, *([Text(p.verdict, style=style)] if wide else []))
            lines.append(Text.assemble((p.name, "bold"), ": ", (p.verdict, style)))
        if any(p.moved for p in d.parties):
            table.caption = ("walk-away: at the start → at the end (levers and events move it); "
                             "vs walk-away: the surplus against each")
        yield table
        if not wide:
            yield from lines


def summary(d: Debrief) -> list[RenderableType]:
    """How the talks ended (tier, incidents) and the surplus table (against no deal and the
    walk-away at the start and at the end, with each party's standing): the CLI prints these."""
    table = ResultTable(d)
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
