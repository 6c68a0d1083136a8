"""Small modal screens: pick a party to consult, pick a lever, confirm, show a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.console import Group
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.view import MediatorView
from sim.report.glossary import possessive
from sim.scenario.model import Scenario

from ..widgets.common import ERROR, MUTED, NO, OK, UNKNOWN, WARN, WARNING, plain, round_fraction, span_text

ResultType = TypeVar("ResultType")


class MediateModal(ModalScreen[ResultType]):
    """A modal with the product's look (``modals.tcss``, beside this file)."""

    CSS_PATH = "modals.tcss"


def time_note(view: MediatorView) -> Content:
    """What a consultation or a lever costs now, from the engine's own step cost."""
    if view.step_ends_round:
        return Content.styled(f"{WARN} This takes the rest of the round: the clock moves on afterwards.", WARNING)
    return Content.styled(f"Takes {round_fraction(view.step_cost)}; you can act again this round.", MUTED)


class ChoiceModal(MediateModal[str | None]):
    """A titled list of choices; Enter picks, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    HELP = """\
## Choose

**↑ ↓** move, **enter** chooses, **esc** cancels.
"""

    def __init__(self, title: str, options: list[Option], note: Content | None = None,
                 highlight: int | None = None) -> None:
        super().__init__(classes="choice-modal")
        self.title_text = title
        self.options = options
        self.note = note
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box") as box:
            box.border_title = plain(self.title_text)
            box.border_subtitle = "enter choose · esc cancel"
            if self.note is not None:
                yield Static(self.note, classes="modal-note")
            yield OptionList(*self.options, classes="modal-list")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        first = next((n for n, o in enumerate(self.options) if not o.disabled), None)
        if self.highlight is not None:
            ol.highlighted = self.highlight
        elif first is not None:
            ol.highlighted = first
        self.call_after_refresh(ol.scroll_to_highlight)  # once the list has its real height

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _prompt(title: str, *details: str, dim: bool = False) -> Group:
    """An option: a bold title, then indented detail lines that wrap under themselves (plain text)."""
    head = Text(title, style=Style(bold=True, dim=dim))
    return Group(head, *[Padding(Text(d, style=Style(dim=True) if n == 0 else ""), (0, 0, 0, 2))
                         for n, d in enumerate(details) if d])


def renew_modal(s: Scenario, view: MediatorView) -> ChoiceModal:
    """The options in force that lapse, soonest first, and 'all of them' (ids: issue, or '*')."""
    options = [Option(_prompt("Renew every lapsing option", f"{len(view.expires)} option(s)"), id="*")]
    for i, left in view.lapsing(float("inf")):
        iss = s.issue(i)
        assert view.agreement is not None
        option = iss.option(view.agreement[i])
        options.append(Option(_prompt(f"{iss.title}: {option.label}",
                                      f"lapses in {span_text(left)} · renewal adds {option.duration_days:g} days"),
                              id=i))
    note = Content.styled(f"Takes {round_fraction(view.renew_cost)}; the parties are not asked again.",
                          MUTED)
    return ChoiceModal("Renew", options, note)


def consult_modal(view: MediatorView) -> ChoiceModal:
    options = []
    for pv in view.parties:
        bits = []
        public_hidden = sum(1 for st in pv.stances.values() if not st.revealed)
        if pv.reservation is None:
            bits.append(f"{UNKNOWN} walk-away point unknown")
        if public_hidden:
            bits.append(f"{public_hidden} public stance(s) still to weigh")
        if pv.private_unknown:
            bits.append(f"{pv.private_unknown} private concern(s)")
        detail = " · ".join(bits) if bits else f"{OK} nothing more to learn"
        options.append(Option(_prompt(pv.name, detail), id=pv.id))
    return ChoiceModal("Consult a party", options, time_note(view))


def lever_modal(s: Scenario, view: MediatorView) -> ChoiceModal:
    options = []
    for lv in view.levers:
        target = s.party(lv.target).name
        uses = f"{lv.uses_left} use(s) left" if lv.uses_left else f"{NO} used up"
        meta = f"on {target} · costs {lv.cost:.2f} credibility · {uses}"
        options.append(Option(_prompt(lv.label, meta, lv.description or "", dim=lv.uses_left <= 0), id=lv.id,
                              disabled=lv.uses_left <= 0))
    note = Content.assemble(time_note(view), "\n",
                            (f"{possessive(s.mediator.name)} credibility now {view.credibility:.2f}", MUTED))
    return ChoiceModal("Use a lever", options, note)


class ConfirmModal(MediateModal[bool]):
    """Yes or no: y confirms, n / escape declines."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No"),
                Binding("left", "move(-1)", "Focus the button to the left", show=False),
                Binding("right", "move(1)", "Focus the button to the right", show=False)]
    HELP = """\
## Confirm

**y** answers yes, **n** or **esc** no; **← →** or **tab** move between the buttons.
"""

    def __init__(self, title: str, body: Content, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="confirm-modal")
        self.title_text = title
        self.body = body
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box") as box:
            box.border_title = plain(self.title_text)
            yield Static(self.body, classes="modal-body")
            with Horizontal(classes="modal-buttons"):
                yield Button(self.no, id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_move(self, step: int) -> None:
        """The focus to the next button that way (none past the ends: → then enter is never
        a surprise)."""
        buttons = list(self.query(Button))
        at = buttons.index(self.focused) if self.focused in buttons else 0
        buttons[max(0, min(len(buttons) - 1, at + step))].focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def confirm(screen: Screen, title: str, body: Content, then: Callable[[], object], yes: str = "Yes",
            no: str = "No") -> None:
    """Ask yes or no over ``screen``; on yes run ``then`` (no, or esc, leaves everything as it was)."""
    def answered(ok: bool | None) -> None:
        if ok:
            then()

    screen.app.clear_notifications()  # in a small terminal a toast would cover the dialog's buttons
    screen.app.push_screen(ConfirmModal(title, body, yes=yes, no=no), answered)


class MessageModal(MediateModal[None]):
    """A message that needs reading (e.g. why a save can't be resumed)."""

    BINDINGS = [Binding("escape,enter,space", "close", "Close")]
    HELP = """\
## Message

Read it, then **enter** or **esc** closes it.
"""

    def __init__(self, title: str, body: Content, error: bool = True) -> None:
        super().__init__(classes="message-modal")
        self.title_text = title
        self.body = body
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box" + (" -error" if self.error else "")) as box:
            box.border_title = Content.styled(f"{NO} {self.title_text}" if self.error else self.title_text,
                                              ERROR if self.error else "")
            box.border_subtitle = "enter close"
            yield Static(self.body, classes="modal-body")
            with Horizontal(classes="modal-buttons"):
                yield Button("OK", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
