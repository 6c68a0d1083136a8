"""The news wire: the event log, one plain-text line per event from :func:`sim.report.wire.line`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from rich.style import Style
from rich.text import Text
from textual.events import Resize
from textual.widgets import RichLog

from sim.engine import events as ev
from sim.report import wire
from sim.scenario.model import Scenario

from .common import rich_palette, round_when


def event_style(e: ev.Event) -> str:
    """The palette key an event's line is drawn in (the line itself carries ✓ ✗ ! marks)."""
    match e:
        case ev.Responded(needed=False):
            return "muted"  # its answer doesn't decide the package
        case ev.Responded(accept=True, coerced=True) | ev.AgreementReached(coerced=(_, *_)):
            return "warning"
        case ev.Responded(accept=True) | ev.AgreementReached():
            return "success"
        case ev.Responded() | ev.Walkout() | ev.AgreementCollapsed() | ev.AgreementDenounced():
            return "error"
        case ev.Incident() | ev.AgreementLapsed() | ev.LapseWarning() | ev.Suspended() | ev.Rejoined():
            return "warning"
        case ev.TrustChanged() | ev.Shifted() | ev.Provoked():
            return "muted"
        case ev.PledgeMade() | ev.PledgeLapsed():
            return "accent"
        case ev.Consulted() | ev.LeverUsed() | ev.Renewed():
            return "accent"
        case ev.TierChanged() | ev.Ended():
            return "primary"
    return ""


def round_rule(scenario: Scenario, e: ev.RoundStarted) -> str:
    when = round_when(scenario, e.round)
    return f"── Round {e.round + 1} · {when:%a %d %b} ──"


def event_texts(scenario: Scenario, events: Iterable[ev.Event], palette: dict[str, Style],
                known: wire.Known | None = None) -> list[Text]:
    """Rich Text lines for events: the hour, then the transcript's own line (plain text), told
    as the mediator knows it when ``known`` is given (see :class:`sim.report.wire.Known`).

    A trust change or shift at the same moment as the event before it (its cause) is appended
    to that event's line, dimmed, so consequences read with their cause."""
    out: list[Text] = []
    previous: ev.Event | None = None
    for e in events:
        if isinstance(e, ev.RoundStarted):
            if known is not None:
                known.see(e)
            out.append(Text(round_rule(scenario, e), style=palette["muted"]))
            previous = None
            continue
        line = wire.line(scenario, e, known)
        if line is None:
            continue
        if isinstance(e, ev.TrustChanged | ev.Shifted) and previous is not None and out and abs(previous.t - e.t) < 1e-9:
            out[-1].append_text(Text(" · " + line.strip(), style=palette["muted"]))
            continue
        previous = e
        when = scenario.clock.start + timedelta(hours=e.t)
        text = Text(f"{when:%H:%M} ", style=palette["muted"])
        body = Text(line, style=palette.get(event_style(e), ""))
        if isinstance(e, ev.AgreementReached | ev.Walkout | ev.Ended | ev.TierChanged | ev.Suspended
                      | ev.Rejoined):
            body.stylize("bold")
        text.append_text(body)
        out.append(text)
    return out


class NewsWire(RichLog):
    """A RichLog fed with events; keeps the plain lines it shows (for tests and export).

    It tells the events as the mediator knows them (no hidden walk-away point or private
    concern before a consultation revealed it) unless ``full`` is set."""

    HELP = """\
## The news wire

Everything that happened, hour by hour, and how trust moved. **↑ ↓ PgUp PgDn** scroll.
"""

    def __init__(self, scenario: Scenario, *, full: bool = False, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(wrap=True, markup=False, highlight=False, auto_scroll=True, min_width=8,
                         name=name, id=id, classes=classes)
        self.scenario = scenario
        self.texts: list[Text] = []
        self.known = None if full else wire.Known()
        self._wrapped_at = 0

    @property
    def plain_lines(self) -> list[str]:
        return [t.plain for t in self.texts]

    def add_events(self, events: Iterable[ev.Event]) -> None:
        for text in event_texts(self.scenario, events, rich_palette(self.app), self.known):
            self.texts.append(text)
            self.write(text)

    def note(self, text: str, style: str = "accent") -> None:
        """A line of the TUI's own (a hint, a save): plain text, styled."""
        t = Text("» " + text, style=rich_palette(self.app).get(style, ""))
        self.texts.append(t)
        self.write(t)

    def on_resize(self, _event: Resize) -> None:
        """RichLog wraps lines once, when written: re-wrap them all for the new width."""
        width = self.scrollable_content_region.width
        if width == self._wrapped_at or not self._size_known:
            return
        self._wrapped_at = width
        self._rewrap()

    def _rewrap(self) -> None:
        self.clear()
        for t in self.texts:
            self.write(t, scroll_end=True)
