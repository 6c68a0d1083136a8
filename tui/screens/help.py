"""The product's own help screen (``?``): every key binding, screen by screen, read from the
screens' own BINDINGS (so a new binding shows up here by itself), with the longer wording
of each from the screen's ``KEY_HELP``.

Textual's ``HELP`` is something else: the Markdown its help panel (ctrl+p → Keys) shows
beside the bindings, so every screen keeps a Markdown ``HELP`` and a ``KEY_HELP`` mapping
of action → description for this screen. The app says which screens to list, so this module
imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Static

from ..widgets.common import rich_palette
from ..widgets.proposal import MARK_LEGEND
from .modals import MediateModal

Row = tuple[str, str]
"""(keys, what they do)"""

HELP_AND_QUIT: list[BindingType] = [
    Binding("question_mark", "app.help", "Help", key_display="?"),
    Binding("q", "quit", "Quit"),
]
"""The two keys every screen's bindings end with: this help, and quit."""


class HelpSource(NamedTuple):
    """A screen whose keys the help lists, under this title."""

    title: str
    screen: type[DOMNode]


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    return [b if isinstance(b, Binding) else Binding(*b) for b in bindings]


def _key_text(app: App, b: Binding) -> str:
    keys = [k.strip() for k in b.key.split(",")]
    if b.key_display and len(keys) == 1:
        return b.key_display
    return " / ".join(app.get_key_display(Binding(k, b.action)) for k in keys)


def screen_rows(app: App, cls: type[DOMNode]) -> list[Row]:
    """A screen's keys and their descriptions (KEY_HELP, else the binding's tooltip or label),
    then the keys its widgets handle themselves (``MORE_KEYS``)."""
    helps: dict[str, str] = getattr(cls, "KEY_HELP", {})
    rows = []
    for b in _bindings(cls.BINDINGS):
        if b.action.startswith("app.help") or b.system:  # system: a family of keys MORE_KEYS lists once
            continue
        rows.append((_key_text(app, b), helps.get(b.action.split("(")[0]) or b.tooltip or b.description))
    return rows + list(getattr(cls, "MORE_KEYS", ()))


def help_sections(app: App, sources: Sequence[HelpSource],
                  modal_bindings: Iterable[BindingType] = ()) -> list[tuple[str, list[Row]]]:
    sections: list[tuple[str, list[Row]]] = []
    for source in sources:
        sections.append((source.title, screen_rows(app, source.screen)))
    sections.append(("Choosing (consult, lever)", [("↑ / ↓, enter", "Choose"), ("esc", "Cancel")]
                     + [(_key_text(app, b), b.description) for b in _bindings(modal_bindings)]))
    everywhere = [("? / f1", "This help"),
                  ("ctrl+p", "Search the commands; \"Keys\" lists this screen's keys beside it"),
                  ("ctrl+q", "Quit at once")]
    sections.append(("Everywhere", everywhere
                     + [(_key_text(app, b), b.description) for b in _bindings(app.BINDINGS)
                        if b.action not in ("help", "quit", "command_palette")]))
    return sections


def help_renderable(app: App, sections: list[tuple[str, list[Row]]]) -> Group:
    """A two-column grid per screen (key, what it does), so long descriptions wrap in their column."""
    pal = rich_palette(app)
    parts: list = []
    for title, rows in sections:
        parts.append(Text(title, style="bold underline"))
        grid = Table.grid(padding=(0, 2), pad_edge=True)
        grid.add_column(no_wrap=True, style=pal["accent"] + Style(bold=True))
        grid.add_column(ratio=1)
        for key, desc in rows:
            grid.add_row(key, desc)
        parts += [grid, Text("")]
    parts.append(Text(f"Marks in the proposal: {MARK_LEGEND}", style=pal["muted"]))
    parts.append(Text("Elsewhere: ✓ yes · ✗ no · ! warning · ? not known yet", style=pal["muted"]))
    return Group(*parts)


class HelpScreen(MediateModal[None]):
    """Every key, screen by screen."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]
    HELP = """\
## Keys

Every key of every screen, with what it does. Scroll with ↑ ↓ PgUp PgDn; **esc** closes.
"""

    def __init__(self, sources: Sequence[HelpSource], modal_bindings: Iterable[BindingType] = ()) -> None:
        super().__init__()
        self.sources = tuple(sources)
        self.modal_bindings = tuple(modal_bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="modal-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc close"
            box.can_focus = True
            sections = help_sections(self.app, self.sources, self.modal_bindings)
            yield Static(help_renderable(self.app, sections), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
