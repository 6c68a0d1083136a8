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
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from sim.report.glossary import GLOSSARY

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


def section_renderable(app: App, title: str, rows: list[Row]) -> Group:
    """A screen's title, then a two-column grid (key, what it does), so long descriptions wrap
    in their column."""
    pal = rich_palette(app)
    grid = Table.grid(padding=(0, 2), pad_edge=True)
    grid.add_column(no_wrap=True, style=pal["accent"] + Style(bold=True))
    grid.add_column(ratio=1)
    for key, desc in rows:
        grid.add_row(key, desc)
    return Group(Text(title, style="bold underline"), grid)


def legend_renderable(app: App) -> Group:
    pal = rich_palette(app)
    return Group(Text(f"Marks in the proposal: {MARK_LEGEND}", style=pal["muted"]),
                 Text("Elsewhere: ✓ yes · ✗ no · ! warning · ? not known yet", style=pal["muted"]))


def section_for(screens: Sequence[DOMNode], sources: Sequence[HelpSource]) -> str | None:
    """The section of the screen the help was called from: the topmost of ``screens`` (the
    stack, its top last) that the help lists (None: the top of the help)."""
    for screen in reversed(screens):
        for source in sources:
            if isinstance(screen, source.screen):
                return source.title
    return None


def glossary_renderable(app: App) -> Group:
    """Each term in bold on its own line, its meaning indented below (so both wrap at any width);
    the same words as the report and the docs."""
    pal = rich_palette(app)
    parts: list = [Text("The words the game, the report and the docs use, each with one meaning", style=pal["muted"]),
                   Text("")]
    for term, meaning in GLOSSARY:
        parts += [Text(term, style=pal["accent"] + Style(bold=True)), Padding(Text(meaning), (0, 0, 1, 2))]
    return Group(*parts)


class HelpScreen(MediateModal[None]):
    """Every key, screen by screen, and a glossary of the terms (← → change tab). It opens at
    the section of the screen it was called from, with the focus on the text, so ↑ ↓ PgUp PgDn
    scroll at once."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
        # Priority: the scrolling text the focus is on would take ← → for itself.
        Binding("left", "tab(-1)", "Previous tab", show=False, priority=True),
        Binding("right", "tab(1)", "Next tab", show=False, priority=True),
    ]
    HELP = """\
## Keys

Every key of every screen, with what it does, and a **Glossary** tab of the terms (utility,
walk-away point, threshold, surplus, Nash package…). **← →** change tab; scroll with ↑ ↓ PgUp PgDn;
**esc** closes.
"""

    def __init__(self, sources: Sequence[HelpSource], modal_bindings: Iterable[BindingType] = (),
                 start: str | None = None) -> None:
        super().__init__()
        self.sources = tuple(sources)
        self.modal_bindings = tuple(modal_bindings)
        self.start = start
        """The title of the section to open at (None: the top)."""

    def compose(self) -> ComposeResult:
        with TabbedContent(id="help-box", classes="modal-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "← → tab · esc close"
            with TabPane("Keys", id="help-keys"), VerticalScroll(id="help-keys-scroll", classes="help-scroll"):
                sections = help_sections(self.app, self.sources, self.modal_bindings)
                for n, (title, rows) in enumerate(sections):
                    yield Static(section_renderable(self.app, title, rows), id=f"help-section-{n}",
                                 classes="help-section", name=title)
                yield Static(legend_renderable(self.app), id="help-legend")
            with TabPane("Glossary", id="help-glossary"), VerticalScroll(id="help-glossary-scroll",
                                                                         classes="help-scroll"):
                yield Static(glossary_renderable(self.app), id="glossary-text")

    def on_mount(self) -> None:
        scroll = self.query_one("#help-keys-scroll", VerticalScroll)
        scroll.focus()
        section = next((w for w in self.query(".help-section") if w.name == self.start), None)
        if section is not None:  # once laid out: before that every section is at the top
            self.call_after_refresh(scroll.scroll_to_widget, section, top=True, animate=False)

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#help-box Tabs", Tabs)
        if step > 0:
            tabs.action_next_tab()
        else:
            tabs.action_previous_tab()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The new tab's text takes the focus, so the scrolling keys keep working."""
        if event.pane.id:
            self.query_one(f"#{event.pane.id}-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
