"""Snapshot tests of every TUI screen at 80×24, and the negotiation at 60×20 and 120×40
(pytest-textual-snapshot).

Deterministic: fixed seed, saves in an empty per-test data folder (conftest), no wall-clock
text on screen. Regenerate after a deliberate change to the screens or to the bundled
flagship scenario with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and review
the SVGs in ``tests/__snapshots__/``.

``python tests/test_tui_snapshots.py`` rewrites ``docs/screenshot-negotiation.svg``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sim.engine.session import Session
from sim.files import atomic_write_text
from sim.runs import saved
from sim.scenario import actions, loader
from tests.pilot import flagship_ref, new_app
from tui.screens.briefing import BriefingScreen
from tui.screens.help import HelpScreen
from tui.screens.modals import MediateModal
from tui.screens.negotiation import NegotiationScreen
from tui.screens.picker import PickerScreen

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parent.parent


def played_session() -> Session:
    """A short game: a consultation, a lever, a rejected proposal, then the first proposal on
    the first issue that both sides accept (found by replaying), then the deadline."""
    s = loader.load_scenario(loader.resolve(flagship_ref()))
    first = s.issues[0]
    opening = [actions.consult(s.party_ids[0])]
    if s.mediator.levers:
        opening.append(actions.lever(s.mediator.levers[0].id))
    opening.append(actions.propose(**{first.id: first.options[-1].id}))
    for waited in range(0, s.clock.max_rounds - 2):
        for option in first.option_ids[1:]:
            moves = [*opening, *([actions.wait(waited)] if waited else []), actions.propose(**{first.id: option})]
            session = Session(s, 0, moves)
            if session.agreement and not session.ended:
                session.act(actions.wait(1000))
                return session
    session = Session(s, 0, opening)
    session.act(actions.wait(1000))
    return session


async def _until(pilot, screen: type, tries: int = 400) -> None:
    """Wait until ``screen`` is the active screen: under load, keys pressed before a screen
    has mounted would land on the one before it."""
    for _ in range(tries):
        if isinstance(pilot.app.screen, screen):
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError(f"{screen.__name__} never opened (on {type(pilot.app.screen).__name__})")


def _steps(*steps: tuple[str | type, ...]):
    """A run_before that presses keys and waits for screens, in order (str: a key, type: a screen)."""

    async def run(pilot) -> None:
        for step in steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await _until(pilot, step)
        await pilot.pause()

    return run


async def _quiet(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the debrief's durability forecast
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_picker(snap_compare):
    assert snap_compare(new_app(), terminal_size=SIZE)


def test_briefing(snap_compare):
    assert snap_compare(new_app(), run_before=_steps(PickerScreen, "enter", BriefingScreen), terminal_size=SIZE)


def test_negotiation_after_a_proposal(snap_compare):
    assert snap_compare(new_app(), terminal_size=SIZE, run_before=_steps(
        PickerScreen, "enter", BriefingScreen, "enter", NegotiationScreen, "enter", "down", "enter", "p"))


def test_negotiation_at_60x20(snap_compare):
    """The smallest layout: forecast and red-line counter in each panel, every key in the footer."""
    assert snap_compare(new_app(), press=["enter", "enter", "right"], terminal_size=(60, 20))


def test_negotiation_at_120x40(snap_compare):
    """Wide: issue titles beside their options, wrapped, never cut."""
    assert snap_compare(new_app(), press=["enter", "enter", "right", "tab", "right"], terminal_size=(120, 40))


def test_negotiation_focus_on_a_party_at_80x24(snap_compare):
    """Focus on a party's panel: ▶ in its title and a heavy border."""
    assert snap_compare(new_app(), press=["enter", "enter", "right", "1"], terminal_size=SIZE)


def test_negotiation_too_small(snap_compare):
    assert snap_compare(new_app(), press=["enter", "enter"], terminal_size=(50, 16))


def test_terms_in_force(snap_compare):
    assert snap_compare(new_app(), press=["enter", "enter", "t"], terminal_size=SIZE)


def test_help(snap_compare):
    assert snap_compare(new_app(), terminal_size=SIZE, run_before=_steps(
        PickerScreen, "enter", BriefingScreen, "enter", NegotiationScreen, "question_mark", HelpScreen))


def test_consult_modal(snap_compare):
    assert snap_compare(new_app(), terminal_size=SIZE, run_before=_steps(
        PickerScreen, "enter", BriefingScreen, "enter", NegotiationScreen, "c", MediateModal))


def test_debrief(snap_compare):
    session = played_session()
    assert session.ended
    path = saved.save(session, flagship_ref())
    assert snap_compare(new_app(resume=path), terminal_size=SIZE, run_before=_quiet)


def write_docs_screenshot(path: Path = ROOT / "docs" / "screenshot-negotiation.svg", size=(100, 32)) -> Path:
    """The negotiation screen after one proposal, for the README."""

    async def main() -> str:
        app = new_app()
        async with app.run_test(size=size) as pilot:
            await pilot.press("enter", "enter", "enter", "down", "enter", "p")
            await pilot.pause()
            return app.export_screenshot(title="mediate")

    svg = asyncio.run(main())
    atomic_write_text(path, svg)
    return path


if __name__ == "__main__":
    import os
    import tempfile

    os.environ["MEDIATE_DATA_DIR"] = tempfile.mkdtemp()  # never write into the real saves folder
    print(write_docs_screenshot())
