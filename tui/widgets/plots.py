"""The debrief's pictures (textual-plotext): the outcome space of a pair of parties, and the
offer history. The drawing is :mod:`sim.report.figures`, shared with the Markdown report."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static
from textual_plotext import PlotextPlot

from sim.report import figures
from sim.report.debrief import Debrief
from sim.report.space import Offer, Space
from sim.scenario.model import Scenario

from .common import MUTED

COMPUTING_PLOTS = "Drawing once the debrief is computed…"


class SpacePlot(PlotextPlot):
    """Utility of one party against another's, with every proposal; ``show`` changes the pair."""

    def __init__(self, scenario: Scenario, sp: Space, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scenario = scenario
        self.space = sp

    def on_mount(self) -> None:
        self.show(self.space)

    def show(self, sp: Space) -> None:
        self.space = sp
        self.plt.clear_figure()
        figures.draw_space(self.plt, self.scenario, sp)
        self.refresh()


class OffersPlot(PlotextPlot):
    """Each proposal's utility to each party, in order."""

    def __init__(self, scenario: Scenario, offers: tuple[Offer, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scenario = scenario
        self.offers = offers

    def on_mount(self) -> None:
        self.plt.clear_figure()
        figures.draw_offers(self.plt, self.scenario, self.offers)
        self.refresh()


class SpaceTab(Vertical):
    """The "Outcome space" tab: a legend line and the plot of one pair (``next_pair`` cycles)."""

    DEFAULT_CSS = "SpaceTab { height: 1fr; } SpaceTab > SpacePlot { height: 1fr; min-height: 14; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spaces: tuple[Space, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(COMPUTING_PLOTS, MUTED), id="space-note")

    def show(self, d: Debrief) -> None:
        self.spaces = d.spaces
        note = self.query_one("#space-note", Static)
        if not d.spaces:
            note.update(Content.styled("No outcome space to draw.", MUTED))
            return
        more = " · x next pair" if len(d.spaces) > 1 else ""
        note.update(Content.styled(f"N Nash · K Kalai–Smorodinsky · red lines: walk-away points · + accepted · "
                                   f"x refused · ★ final deal{more}", MUTED))
        self.mount(SpacePlot(d.scenario, d.spaces[0], id="space-plot"))

    def next_pair(self) -> None:
        if len(self.spaces) < 2:
            return
        plot = self.query_one("#space-plot", SpacePlot)
        plot.show(self.spaces[(self.spaces.index(plot.space) + 1) % len(self.spaces)])


class OffersTab(Vertical):
    """The "Offers" tab: the offer history."""

    DEFAULT_CSS = "OffersTab { height: 1fr; } OffersTab > OffersPlot { height: 1fr; min-height: 14; }"

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(COMPUTING_PLOTS, MUTED), id="offers-note")

    def show(self, d: Debrief) -> None:
        note = self.query_one("#offers-note", Static)
        if not d.offers:
            note.update(Content.styled("No proposal was made.", MUTED))
            return
        note.update(Content.styled("One mark per party; across: proposal number (round).", MUTED))
        self.mount(OffersPlot(d.scenario, d.offers, id="offers-plot"))
