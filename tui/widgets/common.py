"""Small helpers shared by the screens: plain-text content, meters, marks, citations.

Scenario text is data, never markup: everything a scenario supplies goes through
:func:`plain` (a :class:`~textual.content.Content` built without parsing markup) or a
``rich.text.Text`` built from the string, never through a markup parser.
"""

from __future__ import annotations

import datetime as dt
import re

from rich.style import Style
from textual.app import App
from textual.content import Content
from textual.widgets import Static

from sim.report import glossary
from sim.scenario.model import Quote, Scenario

OK = "✓"
NO = "✗"
WARN = "!"
UNKNOWN = "?"

SUCCESS = "$text-success"
ERROR = "$text-error"
WARNING = "$text-warning"
MUTED = "$text-muted"
ACCENT = "$text-accent"


def plain(text: str | None) -> Content:
    """Scenario text as content, with no markup interpretation."""
    return Content(text or "")


def reflow(text: str) -> str:
    """Join hard-wrapped lines into paragraphs (YAML block text), keeping blank lines and list items."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        out: list[str] = []
        for ln in lines:
            if out and not re.match(r"(\d+[.)]|[-*•])\s", ln):
                out[-1] += " " + ln
            else:
                out.append(ln)
        paragraphs.append("\n".join(out))
    return "\n\n".join(p for p in paragraphs if p)


def set_content(widget: Static, content: Content, layout: bool = True) -> None:
    """Update a Static only when its content really changed (an update costs a layout pass;
    pass ``layout=False`` for a widget whose size is fixed in the stylesheet)."""
    old = widget.content
    if isinstance(old, Content) and old.plain == content.plain and list(old.spans) == list(content.spans):
        return
    widget.update(content, layout=layout)


def level_style(value: float) -> str:
    """Colour for a 0–1 level (trust, credibility); always shown beside its number."""
    if value >= 0.5:
        return SUCCESS
    if value >= 0.25:
        return WARNING
    return ERROR


def bar(value: float, width: int = 10) -> str:
    value = max(0.0, min(1.0, value))
    filled = int(round(value * width))
    return "█" * filled + "░" * (width - filled)


def meter(value: float, width: int = 10) -> Content:
    """A bar plus the number: ``██████░░░░ 0.60``."""
    return Content.assemble((bar(value, width), level_style(value)), f" {value:.2f}")


def when_text(when: dt.datetime) -> str:
    return f"{when:%a %d %b %Y %H:%M}"


FRACTION_WORDS = {1.0: "a whole round", 0.75: "three quarters of a round", 0.5: "half a round",
                  0.25: "a quarter of a round"}


def round_fraction(fraction: float) -> str:
    """A part of a round in words: "half a round", "a quarter of a round", "30 % of a round"."""
    for value, words in FRACTION_WORDS.items():
        if abs(fraction - value) < 1e-9:
            return words
    return f"{fraction * 100:.0f} % of a round"


def span_text(hours: float) -> str:
    """A span of time as a person counts it: "18 h" up to two days, then "28 days" or
    "29 days 4 h" (672 h reads as nothing at a glance)."""
    whole = max(0, round(hours))
    if whole < 48:
        return f"{whole} h"
    days, rest = divmod(whole, 24)
    return f"{days} days" + (f" {rest} h" if rest else "")


def round_when(scenario: Scenario, round_: int) -> dt.datetime:
    return scenario.clock.start + dt.timedelta(hours=round_ * scenario.clock.round_hours)


def source_text(scenario: Scenario, source_id: str, *, title: bool = True) -> str:
    """A citation: outlet (or a plain description where the article names none), “title”, date
    (``title=False`` leaves the title out, beside a quote); the bare id for an unlisted source."""
    return glossary.citation(scenario, source_id, title=title)


def quote_content(scenario: Scenario, quote: Quote | None, indent: str = "") -> Content:
    """“the words” — outlet, date (all plain text; the full source is listed with the sources)."""
    if quote is None:
        return Content("")
    cited = source_text(scenario, quote.source, title=False)
    return Content.assemble(indent, (f"“{quote.text}”", "italic"), (f" — {cited}", MUTED))


def option_label(scenario: Scenario, issue_id: str, option_id: str) -> str:
    return scenario.issue(issue_id).option(option_id).label


def rich_palette(app: App) -> dict[str, Style]:
    """The theme's colours as Rich styles (for RichLog, which renders Rich text)."""
    v = app.get_css_variables()

    def col(name: str, fallback: str) -> Style:
        return Style(color=v.get(name) or fallback)

    return {
        "success": col("text-success", "green"),
        "error": col("text-error", "red"),
        "warning": col("text-warning", "yellow"),
        "muted": Style(dim=True),
        "accent": col("text-accent", "cyan"),
        "primary": col("text-primary", "blue"),
    }


def _shared_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def distinct_label(label: str, others: list[str], width: int) -> str:
    """``label`` cut to ``width`` columns, keeping the words that tell it from the option it
    starts like: "Pause on strikes… Kremlin's wording)" rather than "Pause on strikes agai…".
    Options that start differently are simply cut at the end."""
    if len(label) <= width:
        return label
    if width < 2:
        return "…"[:width]
    words = label.split()
    rival = max(others, key=lambda o: _shared_prefix(words, o.split()), default="")
    prefix = _shared_prefix(words, rival.split())
    own = set(rival.split())
    # The longest run of words the rival lacks, after the shared start (the last such run on a tie).
    runs: list[tuple[int, int]] = []
    for n in range(prefix, len(words)):
        if words[n] in own:
            continue
        if runs and runs[-1][1] == n:
            runs[-1] = (runs[-1][0], n + 1)
        else:
            runs.append((n, n + 1))
    if prefix < 2 or not runs:
        return label[: width - 1].rstrip() + "…"
    start, end = max(reversed(runs), key=lambda r: r[1] - r[0])
    while end < len(words) and len(" ".join(words[start:end + 1])) <= width - 7:
        end += 1  # the words after the difference, as far as they fit beside a short head
    key = " ".join(words[start:end]) + ("…" if end < len(words) else "")
    room = width - len(key) - 2
    if room < 3:
        return ("…" + key)[:width - 1] + "…" if len(key) + 1 > width else "…" + key
    return label[:room].rstrip() + "… " + key
