"""The negotiation: header, party panels, proposal builder, news wire; one key per action.

Every action goes through :meth:`NegotiationScreen.act`: the engine runs it synchronously
(well under 10 ms), the new events go to the wire, the panels redraw, the session is
autosaved, and when the game is over the debrief replaces this screen.

Adding a binding takes one ``Binding`` in ``BINDINGS`` and one ``action_*`` method that
calls :meth:`note` (a line on the wire) or :meth:`act`, as ``h`` (hint) does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.widgets.option_list import Option

from sim.engine.events import Event, Proposed, Responded
from sim.engine.session import ActionRefused, Session
from sim.engine.view import MediatorView
from sim.runs import saved
from sim.scenario import actions
from sim.scenario.actions import Action

from ..messages import OpenSession
from ..widgets.common import ERROR, NO, WARN, plain
from ..widgets.footer import KeysFooter
from ..widgets.party import PartyPanel, forecast_warning
from ..widgets.proposal import OptionPicker, ProposalBuilder
from ..widgets.status import StatusBar, terms_content
from ..widgets.wire import NewsWire
from .help import HELP_AND_QUIT
from .modals import ChoiceModal, MessageModal, confirm, consult_modal, lever_modal, renew_modal


def last_answers(events: Sequence[Event]) -> dict[str, Responded]:
    """Each party's answer to the latest proposal."""
    out: dict[str, Responded] = {}
    for e in reversed(events):
        if isinstance(e, Responded):
            out.setdefault(e.party, e)
        elif isinstance(e, Proposed):
            break
    return out


class NegotiationScreen(Screen):
    BINDINGS = [
        Binding("p", "propose", "Propose"),
        Binding("c", "consult", "Consult"),
        Binding("l", "lever", "Lever"),
        Binding("w", "wait", "Wait"),
        Binding("h", "hint", "Hint"),
        Binding("n", "renew", "Renew", show=False, tooltip="Renew options in force before they lapse"),
        Binding("r", "reset", "Reset", show=False, tooltip="Reset the builder to the agreement in force"),
        Binding("z", "zoom", "Zoom", show=False, tooltip="Zoom the focused panel (esc to restore)"),
        Binding("t", "terms", "Terms"),
        Binding("s", "save", "Save"),
        Binding("b", "jump('builder')", "Proposal", show=False, tooltip="Go to the proposal builder"),
        Binding("e", "jump('wire')", "News wire", show=False, tooltip="Go to the news wire"),
        *[Binding(str(n), f"jump('party-{n}')", f"Party {n}", show=False, system=True)  # one help row: MORE_KEYS
          for n in range(1, 10)],
        *HELP_AND_QUIT,
    ]
    CSS_PATH = "negotiation.tcss"
    HELP = """\
## The negotiation

**p** proposes the package in the builder, **c** consults, **l** uses a lever, **w** waits,
**h** hints, **n** renews options about to lapse.
Each party's panel forecasts its answer. The game saves itself; **?** lists every key.
"""
    KEY_HELP = {
        "propose": "Propose the package in the builder to every party (ends the round; asks first when it "
                   "changes nothing, or would make a party walk out)",
        "consult": "Consult a party: learn its walk-away point and its weightiest hidden stance (part of a round: "
                   "the list says how much)",
        "lever": "Use one of the mediator's levers: pressure or assurance, at a cost in credibility (part of a "
                 "round)",
        "wait": "Let a round pass without acting",
        "hint": "Suggest the Nash package of what you know and load it into the builder (no time passes; "
                "hints are listed in the debrief)",
        "renew": "Renew options in force before they lapse: each runs its duration_days again (part of a "
                 "round; the parties are not asked again). The header warns when one lapses soon",
        "reset": "Reset the builder to the agreement in force (or the status quo)",
        "zoom": "Zoom the focused panel to the whole screen (esc to restore)",
        "terms": "Show the agreement in force in full: its tier, every term, when options lapse",
        "save": "Save now (the game also saves itself after every action)",
        "quit": "Save and quit",
    }

    MIN_SIZE = (60, 20)
    """The smallest terminal the screen lays out in; below it, a notice asks for more room."""

    MORE_KEYS = (
        ("tab / shift+tab", "Move between the issues in the builder and the panels"),
        ("← / →", "Step the focused issue to the previous / next option"),
        ("enter / space", "List the focused issue's options; arrows move, enter chooses, esc closes"),
        ("esc", "Restore a zoomed panel"),
        ("1 … 9", "Go to a party's panel (1 is the leftmost)"),
    )
    """Keys the builder's widgets handle themselves, for the help screen."""

    view: reactive[MediatorView] = reactive(cast(MediatorView, None), always_update=True, init=False, repaint=False)
    """What the mediator knows after the latest action: the status bar, the party panels and the
    builder are bound to it, so one assignment redraws them all."""

    def __init__(self, session: Session, scenario_ref: str, save_path: Path | None = None,
                 game: saved.Game | None = None) -> None:
        super().__init__(id="negotiation")
        self.game = game or saved.Game()
        self.session = session
        self.scenario = session.scenario
        self.scenario_ref = scenario_ref
        self.save_path = save_path
        self.set_reactive(NegotiationScreen.view, session.view())
        self._settled: dict[str, str] | None = None
        """The builder's package as the latest hint or proposal left it: in the record, so a
        hint replaces it without asking (unproposed work of the person's own is asked about)."""

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        s = self.scenario
        yield StatusBar(s, id="status").data_bind(NegotiationScreen.view)
        with Horizontal(id="parties"):
            for p in s.parties:
                yield PartyPanel(s, p.id, id=f"party-{p.id}").data_bind(NegotiationScreen.view)
        with Horizontal(id="lower"):
            yield ProposalBuilder(s, self._builder_default(), id="builder").data_bind(NegotiationScreen.view)
            wire = NewsWire(s, id="wire", classes="panel")
            wire.border_title = "News wire"
            yield wire
        w, h = self.MIN_SIZE
        yield Static(f"Enlarge the window to at least {w}×{h} to negotiate.\n\nThe game is saved; q quits.",
                     id="too-small")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.status = self.query_one(StatusBar)
        self.panels = list(self.query(PartyPanel))
        self.builder = self.query_one(ProposalBuilder)
        self.wire = self.query_one(NewsWire)
        self.wire.add_events(self.session.events)
        self.show_answers()
        self.refresh_predictions()
        self.query_one("#builder .issue-select").focus()

    def on_resize(self, event: events.Resize) -> None:
        w, h = self.MIN_SIZE
        small = event.size.width < w or event.size.height < h
        self.set_class(small, "-too-small")
        self.set_class(event.size.width < 80, "-narrow")
        self.set_class(event.size.height < 24, "-short")
        if small:
            self.query_one("#too-small", Static).update(
                f"Enlarge the window to at least {w}×{h} to negotiate "
                f"(it is {event.size.width}×{event.size.height}).\n\nThe game is saved; q quits.")

    def _builder_default(self) -> dict[str, str]:
        return dict(self.view.agreement) if self.view.agreement else dict(self.scenario.default_package)

    def watch_view(self) -> None:
        """The panels' answers and forecasts (the bound widgets redraw themselves)."""
        self.show_answers()
        self.refresh_predictions()

    def show_answers(self) -> None:
        answers = last_answers(self.session.events)
        for panel in self.panels:
            panel.show_answer(answers.get(panel.party_id))

    def refresh_predictions(self) -> None:
        """Each party's likely answer to the package in the builder, from what is known."""
        package = self.scenario.complete(self.builder.package())
        self.predictions = self.view.predict(package)
        for panel in self.panels:
            panel.show_prediction(self.view, self.predictions[panel.party_id], package)

    def on_proposal_builder_changed(self, _event: ProposalBuilder.Changed) -> None:
        self.refresh_predictions()

    def on_option_picker_list_requested(self, event: OptionPicker.ListRequested) -> None:
        """An issue's options to choose from; the choice goes back into its picker."""
        picker = event.picker
        options = [Option(Text(o.label), id=o.id) for o in picker.issue.options]

        def chosen(option_id: str | None) -> None:
            if option_id is not None:
                picker.value = option_id

        self.app.push_screen(ChoiceModal(picker.issue.title, options,
                                         highlight=picker.issue.option_ids.index(picker.value)), chosen)

    # ------------------------------------------------------------ acting

    def act(self, action: Action) -> bool:
        """Run one action: events to the wire, redraw, autosave; the debrief when it's over."""
        before = self.view.agreement
        try:
            events = self.session.act(action)
        except ActionRefused as exc:
            self.notify(str(exc), title="Not possible", severity="error", markup=False)
            return False
        self.wire.add_events(events)
        self.view = self.session.view()
        if self.view.agreement != before:
            self.builder.set_package(self._builder_default())
        self.autosave()
        if self.session.ended:
            self.finish()
        return True

    def autosave(self, announce: bool = False) -> Path | None:
        if not self.session.actions:
            return None
        try:
            path = saved.save(self.session, self.scenario_ref, self.save_path, self.game)
        except (OSError, ValueError) as exc:
            self.notify(f"Could not save: {exc}", title="Save failed", severity="error", markup=False)
            return None
        self.save_path = path
        if announce:
            self.notify(f"Saved to {path}", title="Saved", markup=False)
        return path

    def finish(self) -> None:
        reason = self.session.end_reason or "over"
        self.notify(f"The talks are over ({reason}).", title="Debrief", markup=False)
        self.post_message(OpenSession(self.session, self.scenario_ref, self.save_path, replace=True, game=self.game))

    def note(self, text: str, style: str = "accent") -> None:
        """A line of the TUI's own on the wire (hints, reminders)."""
        self.wire.note(text, style)

    # ------------------------------------------------------------ bindings

    def action_propose(self) -> None:
        package = self.builder.changed_issues()
        if package:
            self._propose_unless_walkout(package)
            return

        # A 'p' pressed before choosing anything would spend the round on asking for nothing.
        body = plain("Every issue is at its status quo: this asks the parties to agree to nothing new, and it "
                     "ends your round. Choose options in the Proposal panel first, or propose it anyway.")
        confirm(self, f"{WARN} Propose nothing?", body, lambda: self._propose_unless_walkout(package),
                yes="Propose anyway", no="Go back")

    def _propose_unless_walkout(self, package: dict[str, str]) -> None:
        """Propose ``package``, asking first when it would make a party walk out."""
        preds = self.view.predict(self.scenario.complete(package))
        walkers = [pv for pv in self.view.parties
                   if preds[pv.id].needed and pv.walks_out_over(preds[pv.id].red_lines)]
        if not walkers:
            self._propose(package)
            return
        names = ", ".join(pv.name for pv in walkers)
        body = Content.assemble(
            (f"{WARN} This package crosses a red line of {names}, ", ERROR),
            plain(f"who has already been asked to cross red lines "
                  f"{walkers[0].red_line_proposals} time(s) (patience {walkers[0].red_line_patience}). "
                  "Proposing it will make them walk out and end the talks."),
        )
        confirm(self, f"{NO} Walk-out risk", body, lambda: self._propose(package), yes="Propose anyway", no="Go back")

    def _propose(self, package: dict[str, str]) -> None:
        built = self.builder.package()
        if self.act(actions.propose(**package)):
            self._settled = built

    def action_consult(self) -> None:
        def chosen(party_id: str | None) -> None:
            if party_id:
                self.act(actions.consult(party_id))

        self.app.push_screen(consult_modal(self.view), chosen)

    def action_lever(self) -> None:
        if not self.view.levers:
            self.notify("This scenario gives the mediator no levers.", severity="warning")
            return

        def chosen(lever_id: str | None) -> None:
            if lever_id:
                self.act(actions.lever(lever_id))

        self.app.push_screen(lever_modal(self.scenario, self.view), chosen)

    def action_wait(self) -> None:
        self.act(actions.wait())

    def action_hint(self) -> None:
        built = self.builder.package()
        if built in (self.scenario.complete(self._builder_default()), self._settled):
            self._hint()
            return

        body = plain("The hint replaces the package you have built in the builder. Replace it?")
        confirm(self, "Replace your package?", body, self._hint, yes="Replace it", no="Keep mine")

    def _hint(self) -> None:
        if not self.act(actions.hint()):
            return
        hinted = self.session.events[-1]
        package = getattr(hinted, "package", None)
        if package is not None:
            self.builder.set_package(package)
            self._settled = self.builder.package()
            self.refresh_predictions()
            # The hint is the Nash package of estimates: say who may still refuse it, and why.
            for pv in self.view.parties:
                warning = None if pv.walked_out else forecast_warning(self.scenario, pv, self.predictions[pv.id])
                if warning is not None:
                    self.note(f"Forecast for the hint: {warning}", "warning")
            self.notify("The hint is in the builder: press p to propose it, or change it first.",
                        title="Hint", markup=False)

    def action_renew(self) -> None:
        if not self.view.expires:
            self.notify("No option in force lapses: there is nothing to renew.", severity="warning", markup=False)
            return

        def chosen(choice: str | None) -> None:
            if choice:
                self.act(actions.renew(None if choice == "*" else choice))

        self.app.push_screen(renew_modal(self.scenario, self.view), chosen)

    def action_reset(self) -> None:
        self.builder.set_package(self._builder_default())

    def action_terms(self) -> None:
        self.app.push_screen(MessageModal("Terms in force", terms_content(self.scenario, self.view), error=False))

    def action_jump(self, target: str) -> None:
        """Focus a panel: the builder (its focused issue), the wire, or the n-th party's panel.
        At once (``set_focus``, not ``focus()``'s next tick): a quick "1z" zooms panel 1."""
        if target == "builder":
            self.set_focus(self.query_one(f"#select-{self.builder.focus_issue}"))
        elif target == "wire":
            self.set_focus(self.wire)
        else:
            n = int(target.removeprefix("party-"))
            if n <= len(self.panels):
                self.set_focus(self.panels[n - 1])

    def action_save(self) -> None:
        if self.autosave(announce=True) is None and not self.session.actions:
            self.notify("Nothing to save yet: take an action first.", markup=False)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        node: Widget | None = self.focused
        while node is not None and not (isinstance(node, Widget) and node.has_class("panel")):
            node = node.parent if isinstance(node.parent, Widget) else None
        if node is not None:
            self.maximize(node)

    def watch_maximized(self, before: Widget | None, now: Widget | None) -> None:
        """A party panel back from its zoom starts at its top again: scrolled down in the zoom,
        its red-line counter and forecast would stay out of sight in the small panel."""
        if now is None and isinstance(before, PartyPanel):
            before.scroll_home(animate=False, immediate=True)

    def action_quit(self) -> None:
        self.autosave()
        self.app.exit(0)
