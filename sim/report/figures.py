"""The debrief's figures, drawn with plotext: the outcome space of two parties and the offer
history. The same drawing code fills the TUI's plot widgets (textual-plotext hands it a
plotext-like ``plt``) and writes the Markdown report's text figures."""

from __future__ import annotations

from typing import Any

import plotext

from sim.report.space import Offer, Space
from sim.scenario.model import Scenario

Plt = Any
"""plotext, or the ``plt`` of a textual-plotext widget (the same API)."""


def draw_space(plt: Plt, s: Scenario, sp: Space) -> None:
    """Utility of one party (x) against the other's (y): the cloud of packages, the Pareto
    frontier, the Nash and Kalai–Smorodinsky points, the walk-away points, every proposal
    numbered in order (+ both accepted, x refused) and the final deal (★)."""
    xa, ya = (s.party(p).name for p in sp.pair)
    plt.title(f"Outcome space: {xa} against {ya}")
    plt.xlabel(f"utility to {xa}")
    plt.ylabel(f"utility to {ya}")
    if sp.cloud:
        plt.scatter([p[0] for p in sp.cloud], [p[1] for p in sp.cloud], marker="·", color="gray", label="packages")
    if sp.frontier:
        plt.plot([p[0] for p in sp.frontier], [p[1] for p in sp.frontier], marker="braille", color="cyan",
                 label="Pareto frontier")
    wx, wy = sp.walk_away
    plt.vline(wx, "red")
    plt.hline(wy, "red")
    if sp.nash is not None:
        plt.scatter([sp.nash[0]], [sp.nash[1]], marker="N", color="green", label="Nash package")
    if sp.ks is not None:
        plt.scatter([sp.ks[0]], [sp.ks[1]], marker="K", color="blue", label="Kalai–Smorodinsky")
    ok = [o for o in sp.offers if o[2]]
    no = [o for o in sp.offers if not o[2]]
    if ok:
        plt.scatter([o[1][0] for o in ok], [o[1][1] for o in ok], marker="+", color="green", label="proposal accepted")
    if no:
        plt.scatter([o[1][0] for o in no], [o[1][1] for o in no], marker="x", color="red", label="proposal refused")
    for n, (x, y), _ in sp.offers:
        plt.text(str(n), x + 2, y, alignment="left")  # beside its mark, not over it
    plt.scatter([sp.final[0]], [sp.final[1]], marker="★", color="yellow",
                label="final deal" if sp.agreed else "no deal (status quo)")
    plt.xlim(0, 100)
    plt.ylim(0, 100)


MARKS = ("●", "▲", "■", "◆", "○", "△", "□", "◇")
"""One mark per party in the offer history."""


def draw_offers(plt: Plt, s: Scenario, offers: tuple[Offer, ...]) -> None:
    """Each proposal's utility to each party (a line per party, by proposal number), with each
    party's answer (+ accepted, x refused)."""
    plt.title("Offer history: each proposal's utility to each party")
    plt.xlabel("proposal (round)")
    plt.ylabel("utility")
    for n, p in enumerate(s.parties):
        mine = [o for o in offers if p.id in o.utility]
        if not mine:
            continue
        # A mark per party, so the lines are told apart without colour.
        plt.plot([o.number for o in mine], [o.utility[p.id] for o in mine], marker=MARKS[n % len(MARKS)],
                 label=p.name)
    if offers:
        plt.xticks([o.number for o in offers], [f"{o.number} (r{o.round + 1})" for o in offers])
    plt.ylim(0, 100)


def as_text(draw: Any, *args: Any, width: int = 78, height: int = 24) -> str:
    """A figure as plain text (no colours), for the Markdown report and the terminal."""
    plotext.clear_figure()
    plotext.theme("clear")
    plotext.plotsize(width, height)
    draw(plotext, *args)
    text: str = plotext.uncolorize(plotext.build())
    plotext.clear_figure()
    return "\n".join(line.rstrip() for line in text.splitlines())


def draw_class(plt: Plt, s: Scenario, base: Space, deals: list[tuple[str, tuple[float, float]]]) -> None:
    """A class's final deals (numbered as the table's rows) on one pair's outcome space, with its
    Pareto frontier, the Nash and Kalai–Smorodinsky points and the walk-away points."""
    xa, ya = (s.party(p).name for p in base.pair)
    plt.title(f"The class's deals: {xa} against {ya}")
    plt.xlabel(f"utility to {xa}")
    plt.ylabel(f"utility to {ya}")
    if base.frontier:
        plt.plot([p[0] for p in base.frontier], [p[1] for p in base.frontier], marker="braille", color="cyan",
                 label="Pareto frontier")
    plt.vline(base.walk_away[0], "red")
    plt.hline(base.walk_away[1], "red")
    if base.nash is not None:
        plt.scatter([base.nash[0]], [base.nash[1]], marker="N", color="green", label="Nash package")
    if base.ks is not None:
        plt.scatter([base.ks[0]], [base.ks[1]], marker="K", color="blue", label="Kalai–Smorodinsky")
    if deals:
        plt.scatter([d[1][0] for d in deals], [d[1][1] for d in deals], marker="★", color="yellow", label="a deal")
    for label, (x, y) in deals:
        plt.text(label, x + 2, y, alignment="left")
    plt.xlim(0, 100)
    plt.ylim(0, 100)
