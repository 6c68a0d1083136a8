"""Trust over time: one labelled sparkline per ordered pair, on a fixed 0–1 scale.

Textual's stock Sparkline scales each series between its own min and max, which would make a
drop from 0.60 to 0.58 look like a collapse; trust needs the absolute scale, so this
Sparkline draws one bar per round against 0–1.
"""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Label, Sparkline

from sim.scenario.model import MEDIATOR, Scenario

from .common import MUTED, level_style, plain

BARS = "▁▂▃▄▅▆▇█"


class _FixedScale:
    def __init__(self, data: list[float], width: int, height: int, low: RichColor, high: RichColor):
        self.data, self.width, self.height, self.low, self.high = data, width, height, low, high

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        data = self.data[-self.width:] if self.width else []
        steps = len(BARS) * self.height
        for row in reversed(range(self.height)):
            for v in data:
                v = max(0.0, min(1.0, v))
                level = int(round(v * (steps - 1)))
                lo, hi = row * len(BARS), (row + 1) * len(BARS)
                if level < lo:
                    yield Segment(" ")
                    continue
                ch = "█" if level >= hi else BARS[level - lo]
                colour = Color.from_rich_color(self.low).blend(Color.from_rich_color(self.high), v)
                yield Segment(ch, Style(color=colour.rich_color))
            pad = self.width - len(data)
            if pad > 0:
                yield Segment(" " * pad)
            if row:
                yield Segment.line()


class TrustSparkline(Sparkline):
    """A Sparkline of trust values (0–1), one bar per round, absolute scale."""

    def render(self):
        data = list(self.data or [])
        _, base = self.background_colors
        low = base + self.get_component_styles("sparkline--min-color").color
        high = base + self.get_component_styles("sparkline--max-color").color
        return _FixedScale(data, self.size.width, max(1, self.size.height), low.rich_color, high.rich_color)


def pair_label(s: Scenario, a: str, b: str) -> str:
    def name(x: str) -> str:
        return s.mediator.name if x == MEDIATOR else s.party(x).name

    return f"{name(a)} → {name(b)}"


NUMBERS_WIDTH = 14
"""Columns of "0.80 ↓ 0.55" and its padding."""
SPARK_WIDTH = 32
"""Columns of a sparkline: one bar per round of a 30-round scenario, and the round before."""
LOW_WIDTH = 9
"""Columns of " low 0.41"."""


class TrustChart(Vertical):
    """Every trust pair: label, start → end numbers, the sparkline and the lowest value, on one
    line when they fit, else the sparkline on a line of its own (never a figure cut off)."""

    DEFAULT_CSS = f"""
    TrustChart {{
        height: auto;
        .trust-row {{
            height: 2;
        }}
        .trust-row.-stacked {{
            height: 3;
        }}
        .trust-head {{
            height: 1;
        }}
        .trust-label {{
            width: auto;
            max-width: 34;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }}
        .trust-numbers {{
            width: {NUMBERS_WIDTH};
            padding-left: 1;
        }}
        .trust-spark {{
            width: {SPARK_WIDTH};
            height: 1;
        }}
        .-stacked > .trust-spark {{
            margin-left: 2;
        }}
        .trust-spark > .sparkline--min-color {{
            color: $error;
        }}
        .trust-spark > .sparkline--max-color {{
            color: $success;
        }}
        .trust-low {{
            width: {LOW_WIDTH};
        }}
    }}
    """

    stacked: reactive[bool] = reactive(False, recompose=True)
    """Whether each sparkline takes a line under its pair's numbers (a narrow terminal)."""

    def __init__(self, scenario: Scenario, series: dict[tuple[str, str], list[float]], *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.scenario = scenario
        self.series = series
        self.label_width = max((len(pair_label(scenario, a, b)) for a, b in series), default=10)

    def on_resize(self) -> None:
        one_line = min(self.label_width, 34) + NUMBERS_WIDTH + SPARK_WIDTH + LOW_WIDTH
        self.stacked = self.size.width < one_line

    def compose(self) -> ComposeResult:
        s = self.scenario
        for (a, b), vals in self.series.items():
            start = s.party(a).trust.get(b, 0.5)
            end = vals[-1] if vals else start
            low = min([start, *vals])
            arrow = "↓" if end < start - 1e-9 else "↑" if end > start + 1e-9 else "="
            label = Label(plain(pair_label(s, a, b).ljust(self.label_width)), classes="trust-label", markup=False)
            numbers = Label(Content.assemble(f"{start:.2f} {arrow} ", (f"{end:.2f}", level_style(end))),
                            classes="trust-numbers")
            spark = TrustSparkline(vals, classes="trust-spark")
            low_label = Label(Content.styled(f" low {low:.2f}", MUTED), classes="trust-low")
            if self.stacked:
                with Vertical(classes="trust-row -stacked"):
                    with Horizontal(classes="trust-head"):
                        yield from (label, numbers, low_label)
                    yield spark
            else:
                with Horizontal(classes="trust-row"):
                    yield from (label, numbers, spark, low_label)
