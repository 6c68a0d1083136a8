"""The debrief's reveal ("What they really wanted") and score sheet, rendered from the
:class:`~sim.report.reveal.Reveal` the report also renders (scenario text as plain text)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sim.report.debrief import Debrief
from sim.report.reveal import PartyReveal, Reveal, StanceReveal, known_words, reservation_words
from sim.scenario.model import Scenario

from .common import ERROR, MUTED, NO, OK, SUCCESS, plain

WAITING = "Shown once the debrief is computed…"

Line = tuple[int, Content]
"""(indent level, content): shown as a Static indented by ``ind-N`` so wrapped lines align."""


def _stance_lines(s: Scenario, st: StanceReveal, known: bool) -> list[Line]:
    iss = s.issue(st.issue)
    out: list[Line] = [(1, Content.assemble((iss.title, "bold"), (f" · weight {st.share:.0%}", MUTED)))]
    for o, v in st.values:
        if o == st.demand:
            mark, style = f"{OK} ", SUCCESS
        elif o in st.red_lines:
            mark, style = f"{NO} ", ERROR
        else:
            mark, style = "  ", ""
        out.append((2, Content.assemble((mark, style), plain(iss.option(o).label), (f"  {v:.0f}", "bold"))))
    if known:
        learned = st.learned is not None
        out.append((2, Content.styled(f"you: {known_words(st)}", SUCCESS if learned else MUTED)))
    return out


def party_lines(s: Scenario, p: PartyReveal) -> list[Line]:
    out: list[Line] = [(0, Content.styled(p.name, "bold underline")),
                       (1, Content.styled(reservation_words(p), SUCCESS if p.reservation_learned is not None
                                          else MUTED))]
    for st in p.stances:
        out += _stance_lines(s, st, known=True)
    return out


def reveal_lines(s: Scenario, r: Reveal) -> list[Line]:
    """Every party's stances (✓ demand, ✗ red line), what the mediator learned and when, then
    the mediator's own stakes."""
    out: list[Line] = [(0, Content.styled("Every party's instructions as the scenario wrote them; \"you:\" says "
                                          "what you learned of each, and when.", MUTED)), (0, Content(""))]
    for p in r.parties:
        out += [*party_lines(s, p), (0, Content(""))]
    if r.mediator:
        out.append((0, Content.styled(f"{s.mediator.name}: your own stakes as mediator", "bold underline")))
        for st in r.mediator:
            out += _stance_lines(s, st, known=False)
    return out


def score_table(s: Scenario, r: Reveal, package: Mapping[str, str]) -> Table:
    """Issues of the final deal (with the option in it) by party: points = value × weight share."""
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    table.add_column("Issue: option in the deal", ratio=2, overflow="fold")
    columns = [p.name for p in r.parties] + ([f"{s.mediator.name} (you)"] if r.mediator_score else [])
    for name in columns:
        table.add_column(Text(name), justify="right", overflow="fold")
    scores = [{x.issue: x for x in p.score} for p in r.parties]
    if r.mediator_score:
        scores.append({x.issue: x for x in r.mediator_score})
    for i in s.issue_ids:
        iss = s.issue(i)
        cells = [Text("—") if (x := sc.get(i)) is None else Text(f"{x.points:.1f}\n{x.value:.0f}×{x.share:.0%}")
                 for sc in scores]
        table.add_row(Text(f"{iss.title}: {iss.option(package[i]).label}"), *cells)
    totals = [f"{p.total:.1f}" for p in r.parties] + ([f"{r.mediator_total:.1f}"] if r.mediator_score else [])
    table.add_row(Text("Total (utility)", style="bold"), *[Text(x, style="bold") for x in totals], end_section=True)
    walk = [f"{p.reservation_end:.1f}" for p in r.parties] + (["—"] if r.mediator_score else [])
    table.add_row(Text("Walk-away point at the end"), *[Text(x) for x in walk])
    return table


class RevealTab(VerticalScroll):
    """The "What they really wanted" tab: a line per Static, indented so wrapped lines align."""

    DEFAULT_CSS = ".reveal-line.ind-1 { padding-left: 2; } .reveal-line.ind-2 { padding-left: 4; }"

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(WAITING, MUTED), id="reveal-computing")

    def show(self, d: Debrief) -> None:
        if d.reveal is None:
            return
        self.query_one("#reveal-computing").remove()
        self.mount(*[Static(c, classes=f"reveal-line ind-{n}") for n, c in reveal_lines(d.scenario, d.reveal)])


class ScoreTab(VerticalScroll):
    """The "Score sheet" tab."""

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Points each party scores from the final deal: value × the issue's weight share; "
                                    "the total is its utility.", MUTED))
        yield Static(Content.styled(WAITING, MUTED), id="score-sheet")

    def show(self, d: Debrief) -> None:
        if d.reveal is not None:
            self.query_one("#score-sheet", Static).update(score_table(d.scenario, d.reveal, d.package))
