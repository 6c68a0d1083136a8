"""Textual's own help on every screen: the command palette (ctrl+p) and its "Keys" help panel.

Textual renders a screen's (or a focused widget's) ``HELP`` as Markdown in that panel; a
``HELP`` that is not a string used to end the app. Each case reaches a screen the way a person
does, opens the palette, runs "Keys" from it, and checks the app is still there and shows
the panel with the screen's own help.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.command import CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import HelpPanel, KeyPanel, Markdown

from sim.engine.session import Session
from sim.scenario import actions, loader
from tests.pilot import flagship_ref, pilot_test
from tui.app import MediateApp
from tui.messages import OpenSession
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.help import HelpScreen
from tui.screens.modals import ChoiceModal, ConfirmModal, MessageModal
from tui.screens.negotiation import NegotiationScreen
from tui.screens.picker import PickerScreen

SIZE = (80, 24)


async def to_negotiation(pilot: Pilot) -> None:
    await pilot.press("enter", "enter")


async def to_debrief(pilot: Pilot) -> None:
    s = loader.load_scenario(loader.resolve(flagship_ref()))
    session = Session(s, 0, [actions.wait(s.clock.max_rounds)])
    pilot.app.post_message(OpenSession(session, flagship_ref()))
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the durability forecast


def press(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def go(pilot: Pilot) -> None:
        await pilot.press(*keys)

    return go


def pushed(make: Callable[[], Screen]) -> Callable[[Pilot], Awaitable[None]]:
    async def go(pilot: Pilot) -> None:
        await to_negotiation(pilot)
        pilot.app.push_screen(make())
        await pilot.pause()

    return go


def then(*steps: Callable[[Pilot], Awaitable[None]]) -> Callable[[Pilot], Awaitable[None]]:
    async def go(pilot: Pilot) -> None:
        for step in steps:
            await step(pilot)

    return go


CASES: dict[str, tuple[Callable[[Pilot], Awaitable[None]], type[Screen], str]] = {
    # name: (how to get there, the screen expected, a line of its Textual help)
    "picker": (press(), PickerScreen, "Choose a scenario"),
    "briefing": (press("enter"), BriefingScreen, "The briefing"),
    "negotiation": (to_negotiation, NegotiationScreen, "Choosing an option"),
    "help screen": (then(to_negotiation, press("question_mark")), HelpScreen, "Keys"),
    "consult": (then(to_negotiation, press("c")), ChoiceModal, "Choose"),
    "lever": (then(to_negotiation, press("l")), ChoiceModal, "Choose"),
    "option list": (then(to_negotiation, press("enter")), ChoiceModal, "Choose"),
    "confirm": (pushed(lambda: ConfirmModal("Walk-out risk", Content("Propose anyway?"))), ConfirmModal,
                "Confirm"),
    "message": (pushed(lambda: MessageModal("Can't resume this save", Content("damaged"))), MessageModal,
                "Message"),
    "debrief": (to_debrief, DebriefScreen, "The debrief"),
}


def help_markdown(screen: Screen) -> str:
    return screen.query_one(HelpPanel).query_one(Markdown).source or ""


@pytest.mark.parametrize("case", list(CASES))
@pilot_test
async def test_command_palette_and_keys_panel_work_on_every_screen(case):
    go, expected, help_line = CASES[case]
    app = MediateApp(flagship_ref(), seed=0)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await go(pilot)
        screen = app.screen
        assert isinstance(screen, expected), f"reached {screen!r}, not a {expected.__name__}"

        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette), "ctrl+p opens Textual's command palette"
        await pilot.press(*"keys")
        await pilot.pause(0.3)  # the palette searches its commands in a worker
        await pilot.press("enter")
        await pilot.pause()

        assert app.is_running and app.return_code is None
        assert app.screen is screen, "running Keys closes the palette, back on the same screen"
        panel = screen.query_one(HelpPanel)
        assert panel.query_one(KeyPanel).display
        assert help_line in help_markdown(screen), "the panel shows this screen's own Markdown help"

        app.action_hide_help_panel()
        await pilot.pause()
        assert not screen.query(HelpPanel)
        app.action_show_help_panel()  # the action itself, as a key binding would run it
        await pilot.pause()
        assert app.is_running and screen.query(HelpPanel)
        assert help_line in help_markdown(screen)


def test_every_screen_and_widget_help_is_markdown_text():
    """Textual's HELP is Markdown: a string on every screen and widget that sets one."""
    import tui.widgets.party
    import tui.widgets.proposal
    import tui.widgets.wire

    classes = [MediateApp, PickerScreen, BriefingScreen, NegotiationScreen, DebriefScreen, HelpScreen, ChoiceModal,
               ConfirmModal, MessageModal, tui.widgets.party.PartyPanel, tui.widgets.proposal.OptionPicker,
               tui.widgets.proposal.ProposalBuilder, tui.widgets.wire.NewsWire]
    for cls in classes:
        assert isinstance(cls.HELP, str) and cls.HELP.strip().startswith("#"), f"{cls.__name__}.HELP"
