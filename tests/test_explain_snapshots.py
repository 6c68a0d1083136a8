"""Snapshots at 80×24 and 120×40 of what explains the game: the briefing's tiers, the glossary,
the reveal, the score sheet, the outcome space and offer history, and the estimate bars (on the
two-party fixture, so the flagship's evolution doesn't move them). Regenerate with
``pytest tests/test_explain_snapshots.py --snapshot-update`` and review the SVGs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine.session import Session
from sim.runs import saved
from sim.scenario import actions, loader
from tests.test_tui_snapshots import _quiet, _steps, new_app
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.help import HelpScreen
from tui.screens.negotiation import NegotiationScreen
from tui.screens.picker import PickerScreen

DUO = str(Path(__file__).parent / "fixtures" / "explain-duo.yaml")
SIZES = [(80, 24), (120, 40)]


def ended() -> Session:
    s = loader.load_scenario(DUO)
    session = Session(s, 0, [actions.consult("up"), actions.propose(water="w0", bridge="b1"), actions.wait(3),
                             actions.propose(water="w70", bridge="b1"), actions.propose(water="w50", bridge="b2")])
    session.act(actions.wait(100))
    return session


def on_tab(tab: str):
    async def run(pilot) -> None:
        await _quiet(pilot)
        assert isinstance(pilot.app.screen, DebriefScreen)
        pilot.app.screen.query_one("#debrief-tabs").active = tab
        await pilot.pause()
        await pilot.pause()

    return run


async def to_tiers(pilot) -> None:
    """The briefing scrolled so that the tiers' heading is at the top."""
    await _steps(PickerScreen, "enter", BriefingScreen)(pilot)
    heading = next(w for w in pilot.app.screen.query(".brief") if "outcome tiers" in str(w.render()))
    pilot.app.screen.query_one("#briefing-body").scroll_to_widget(heading, top=True, animate=False)
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_briefing_tiers(snap_compare, size):
    assert snap_compare(new_app(DUO), terminal_size=size, run_before=to_tiers)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_glossary(snap_compare, size):
    assert snap_compare(new_app(DUO), terminal_size=size,
                        run_before=_steps(PickerScreen, "question_mark", HelpScreen, "right"))


@pytest.mark.parametrize("tab", ["tab-reveal", "tab-score", "tab-space", "tab-offers"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_debrief_tab(snap_compare, size, tab):
    path = saved.save(ended(), DUO)
    assert snap_compare(new_app(resume=path), terminal_size=size, run_before=on_tab(tab))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_estimate_bars(snap_compare, size):
    session = Session(loader.load_scenario(DUO), 0, [actions.consult("up")])
    path = saved.save(session, DUO)
    steps = _steps(NegotiationScreen, "enter", "down", "enter")

    async def run(pilot) -> None:
        await steps(pilot)
        pilot.app.clear_notifications()  # the "Resumed" toast times out at its own pace
        await pilot.pause()

    assert snap_compare(new_app(resume=path), terminal_size=size, run_before=run)
