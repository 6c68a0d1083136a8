"""Every key binding, screen by screen, read from the screens' own BINDINGS (so a new binding
shows up here by itself)."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.common import rich_palette
from ..widgets.proposal import MARK_LEGEND


def _bindings(cls) -> list[Binding]:
    out = []
    for b in cls.BINDINGS:
        out.append(b if isinstance(b, Binding) else Binding(*b))
    return out


def _key_text(app, b: Binding) -> str:
    keys = [k.strip() for k in b.key.split(",")]
    shown = []
    for k in keys:
        if b.key_display and len(keys) == 1:
            shown.append(b.key_display)
        else:
            shown.append(app.get_key_display(Binding(k, b.action)))
    return " / ".join(shown)


def help_sections(app) -> list[tuple[str, list[tuple[str, str]]]]:
    from ..app import MediateApp
    from .briefing import BriefingScreen
    from .debrief import DebriefScreen
    from .modals import ConfirmModal
    from .negotiation import NegotiationScreen
    from .picker import PickerScreen

    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for title, cls in (("Scenario picker", PickerScreen), ("Briefing", BriefingScreen),
                       ("Negotiation", NegotiationScreen), ("Debrief", DebriefScreen)):
        helps = getattr(cls, "KEYS_HELP", None) or getattr(cls, "HELP", {})
        rows = []
        for b in _bindings(cls):
            if b.action.startswith("app.help"):
                continue
            desc = helps.get(b.action.split("(")[0], b.description)
            rows.append((_key_text(app, b), desc))
        sections.append((title, rows))
    neg_extra = [("tab / shift+tab", "Move between the issues in the builder and the panels"),
                 ("← / →", "Step the focused issue to the previous / next option"),
                 ("enter / space", "List the focused issue's options; arrows move, enter chooses, esc closes"),
                 ("esc", "Restore a zoomed panel")]
    sections[2][1].extend(neg_extra)
    sections.append(("Choosing (consult, lever)", [("↑ / ↓, enter", "Choose"), ("esc", "Cancel")]
                     + [(_key_text(app, b), b.description) for b in _bindings(ConfirmModal)]))
    sections.append(("Everywhere", [("? / f1", "This help"), ("ctrl+q", "Quit at once")]
                     + [(_key_text(app, b), b.description) for b in _bindings(MediateApp)
                        if b.action not in ("help", "quit")]))
    return sections


def help_renderable(app) -> Group:
    """A two-column grid per screen (key, what it does), so long descriptions wrap in their column."""
    pal = rich_palette(app)
    parts: list = []
    for title, rows in help_sections(app):
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


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="modal-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc close"
            box.can_focus = True
            yield Static(help_renderable(self.app), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def text(self) -> str:
        return "\n".join(f"{k} {d}" for _, rows in help_sections(self.app) for k, d in rows)
