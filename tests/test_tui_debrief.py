"""Pilot tests of the debrief screen: it appears at once with a "computing…" state, the
debrief computed in a worker renders into every tab, and the export writes the Markdown of
that same debrief (no second forecast) and the transcript, or says plainly why it could not."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import HelpPanel, Markdown, Static

import sim.report.debrief as debrief_mod
from sim.analysis import forecast
from sim.errors import MediateError
from sim.report import markdown
from sim.report.debrief import describe_forecast
from sim.runs import saved, transcripts
from sim.scenario import saves
from tests.conftest import FLAGSHIP
from tests.helpers import count_calls, history_session
from tests.pilot import norm, pilot_test
from tui.app import MediateApp
from tui.screens import exporting as screen_mod
from tui.screens.debrief import DebriefScreen, export_name, transcript_name

SIZE = (100, 32)


def text_of(screen, selector: str) -> str:
    return norm(str(screen.query_one(selector, Static).render()))


pytestmark = pytest.mark.usefixtures("in_tmp_cwd")


@pytest.fixture
def forecasts(monkeypatch) -> list[int]:
    """Counts durability forecasts."""
    return count_calls(monkeypatch, forecast.durability, "durability", debrief_mod)


@pytest.fixture
def gate(monkeypatch) -> threading.Event:
    """Holds the debrief's computation until set, so the screen can be seen while it runs."""
    event = threading.Event()
    count_calls(monkeypatch, debrief_mod.compute, "compute", debrief_mod, before=lambda: event.wait(60))
    return event


def debrief_app() -> tuple[MediateApp, object]:
    session = history_session()
    path = saved.save(session, str(FLAGSHIP))
    app = MediateApp(resume=path)
    app.animation_level = "none"
    return app, session


def recording(screen, monkeypatch) -> list[tuple[str, str]]:
    """(title, message) of every notification the screen shows."""
    shown: list[tuple[str, str]] = []
    real = screen.notify

    def notify(message, *, title="", **kwargs):
        shown.append((title, message))
        return real(message, title=title, **kwargs)

    monkeypatch.setattr(screen, "notify", notify)
    return shown


@pilot_test
async def test_computing_first_then_the_worker_result_renders(tmp_path, gate, forecasts, monkeypatch):
    app, session = debrief_app()
    s = session.scenario
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        assert "Computing the debrief" in text_of(screen, "#computing")
        assert not screen.query("#outcome") and screen.debrief is None
        shown = recording(screen, monkeypatch)
        await pilot.press("e")
        await pilot.pause()
        assert shown and "still being computed" in shown[-1][1]
        assert list(tmp_path.iterdir()) == [], "nothing exported before the debrief exists"

        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        d = screen.debrief
        assert d is not None and len(forecasts) == 1
        assert not screen.query("#computing")
        outcome = text_of(screen, "#outcome")
        assert "Highest tier reached: Strikes on energy paused" in outcome and "held 29.0 days" in outcome
        assert "7 violation(s) · 5 dispute(s)" in outcome and "33 mediator action(s)" in outcome
        surplus = text_of(screen, "#surplus")
        assert "+20.7" in surplus and "+27.6" in surplus
        assert f"matches it on 12 of {len(s.issues)}" in text_of(screen, "#nash")
        assert describe_forecast(d.forecast) in text_of(screen, "#forecast")
        questions = text_of(screen, "#questions")
        assert all(norm(q) in questions for q in s.debrief.questions)
        assert len(screen.query("#history Static")) >= len(s.debrief.history)
        assert screen.query_one("#trust-chart").series[("russia", "ukraine")][-1] == 0.0


@pilot_test
async def test_export_writes_both_files_from_the_same_debrief(tmp_path, forecasts, monkeypatch):
    app, session = debrief_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        shown = recording(screen, monkeypatch)
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = (saves.exports_dir() / export_name(session)).read_text(encoding="utf-8")
        assert report == markdown.render(screen.debrief) == markdown.markdown_report(session)
        assert (saves.exports_dir() / transcript_name(session)).read_text(encoding="utf-8") == transcripts.jsonl(session)
        assert len(forecasts) == 2, "one for the screen, one for the check above: the export added none"
        title, message = shown[-1]
        assert title == "Exported" and str(saves.exports_dir() / export_name(session)) in message


@pytest.mark.parametrize("error", [OSError("disk full"), MediateError("file too large")])
@pilot_test
async def test_a_failed_export_is_a_notification_with_the_absolute_path(tmp_path, monkeypatch, error):
    app, session = debrief_app()
    real = screen_mod.atomic_write_text

    def failing(path, text):
        if path.suffix == ".jsonl":
            raise error
        return real(path, text)

    monkeypatch.setattr(screen_mod, "atomic_write_text", failing)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        shown = recording(screen, monkeypatch)
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen), "the app is still running"
        title, message = shown[-1]
        assert title == "Export failed"
        assert str(saves.exports_dir() / transcript_name(session)) in message and str(error) in message


@pilot_test
async def test_textual_help_panel_reads_the_markdown_help():
    app, _ = debrief_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(DebriefScreen.HELP, str) and "export" in DebriefScreen.KEY_HELP
        app.action_show_help_panel()
        await pilot.pause()
        panel = app.screen.query_one(HelpPanel)
        assert "**e** exports it" in panel.query_one(Markdown).source
