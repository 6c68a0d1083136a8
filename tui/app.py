"""The Textual app: scenario picker → briefing → negotiation → debrief.

The CLI calls :func:`run_tui`. Everything that can fail on bad input (the scenario file, the
save file) is checked first by :func:`prepare`, which raises :class:`sim.errors.LoadError`
before any terminal setup, so the CLI can print located problems and exit 1.

The app sits on top: it imports the screens, and the screens reach it only through messages
(:class:`~tui.messages.OpenSession`) and Textual's own actions (``app.help``, ``app.quit``).
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.dom import NoScreen
from textual.screen import Screen

from .entries import MAX_SEED, Prepared, ScenarioEntry, prepare
from .messages import OpenSession
from .screens.briefing import BriefingScreen
from .screens.debrief import DebriefScreen
from .screens.help import HelpScreen, HelpSource, section_for
from .screens.modals import ConfirmModal
from .screens.negotiation import NegotiationScreen
from .screens.picker import PickerScreen
from .widgets.focus import FocusTracker

__all__ = ["MAX_SEED", "MediateApp", "Prepared", "ScenarioEntry", "prepare", "run_tui"]


class MediateApp(App[int]):
    """mediate's terminal interface."""

    TITLE = "mediate"
    CSS_PATH = "app.tcss"  # app-wide rules only: each screen and widget carries its own styles
    BINDINGS = [
        Binding("f1", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]
    HELP = """\
## mediate

You are the mediator between parties whose demands come from real news reporting.

Press **?** (or **f1**) for every key, screen by screen; **ctrl+q** quits at once.
"""

    HELP_SOURCES: tuple[HelpSource, ...] = (
        HelpSource("Scenario picker", PickerScreen),
        HelpSource("Briefing", BriefingScreen),
        HelpSource("Negotiation", NegotiationScreen),
        HelpSource("Debrief", DebriefScreen),
    )
    """The screens whose keys the help screen lists, in the order a game meets them."""

    def __init__(self, scenario_ref: str | None = None, seed: int = 0, resume: Path | None = None, *,
                 prepared: Prepared | None = None):
        super().__init__()
        self.prepared = prepared if prepared is not None else prepare(scenario_ref, seed, resume)
        self._focus: dict[Screen, FocusTracker] = {}

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Mark the panel that now holds the focus on its screen (a ▶ and a heavy border)."""
        try:
            screen = event.widget.screen
        except NoScreen:  # focused, then removed before this message arrived
            return
        self._focus = {s: t for s, t in self._focus.items() if s.is_attached}
        self._focus.setdefault(screen, FocusTracker()).focus_moved(event.widget)

    def on_mount(self) -> None:
        p = self.prepared
        self.push_screen(PickerScreen(p.entries, p.selected, p.seed, player=p.player, class_dir=p.class_dir))
        if p.session is not None and p.session_ref is not None:
            self.post_message(OpenSession(p.session, p.session_ref, p.save_path, resumed=not p.review, game=p.game,
                                          review=p.review))

    def on_open_session(self, message: OpenSession) -> None:
        """Show a session: the negotiation, or its debrief if it is over."""
        session = message.session
        if session.ended:
            screen: DebriefScreen | NegotiationScreen = DebriefScreen(session, message.scenario_ref, message.game,
                                                                      review=message.review,
                                                                      save_path=message.save_path)
        else:
            screen = NegotiationScreen(session, message.scenario_ref, message.save_path, message.game)
        if message.replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        if message.resumed:
            self.notify(f"Resumed: {len(session.actions)} action(s) replayed", markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            start = section_for(self.screen_stack, self.HELP_SOURCES)
            self.push_screen(HelpScreen(self.HELP_SOURCES, modal_bindings=ConfirmModal.BINDINGS, start=start))


def run_tui(scenario_ref: str | None = None, seed: int = 0, resume: Path | None = None, *,
            player: str | None = None, review: Path | None = None, class_dir: Path | None = None) -> int:
    """Run the TUI; raises LoadError (before the terminal is touched) for a bad scenario, save or review file."""
    prepared = prepare(scenario_ref, seed, resume, player=player, review=review, class_dir=class_dir)
    app = MediateApp(prepared=prepared)
    result = app.run()
    return int(result or 0) if isinstance(result, int) else int(app.return_code or 0)
