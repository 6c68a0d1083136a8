"""Pilot tests of the TUI's saves: resume after an autosave, and bad, corrupt or outdated saves
refused with a reason."""

from __future__ import annotations

import json
import re

import pytest
from textual.widgets import OptionList

from sim.engine.session import Session
from sim.runs import saved
from sim.scenario import actions, loader, saves
from sim.scenario.loader import LoadError
from tests.pilot import (
    flagship,
    flagship_ref,
    negotiation,
    new_app,
    pilot_test,
    screen_text,
    static_text_options,
)
from tui.app import prepare, run_tui
from tui.screens.modals import MessageModal
from tui.screens.negotiation import NegotiationScreen
from tui.screens.picker import PickerScreen

SIZE = (80, 24)


pytestmark = pytest.mark.usefixtures("in_tmp_cwd")


@pilot_test
async def test_resume_after_autosave_reproduces_the_same_state():
    s = flagship()
    app = new_app(flagship_ref(), seed=3)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#seed").value == "3"
        neg = await negotiation(app, pilot)
        await pilot.press("enter", "down", "enter", "p")
        await pilot.press("c", "down", "enter")
        await pilot.press("w")
        events = list(neg.session.events)
        view = neg.session.view()
        wire = neg.wire.plain_lines
        await pilot.press("q")  # quitting saves
    [info] = saves.list_saves(s.id)
    path = info.path
    assert len(saves.read(path).actions) == 3

    # --resume
    app = new_app(resume=path)
    async with app.run_test(size=SIZE):
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        assert list(neg.session.events) == events
        assert neg.session.view() == view
        assert neg.wire.plain_lines == wire
        assert neg.session.seed == 3

    # from the picker: the save is listed for its scenario; r resumes it
    app = new_app(flagship_ref())
    async with app.run_test(size=SIZE) as pilot:
        listed = static_text_options(app.screen.query_one("#saves", OptionList))
        assert "seed 3" in listed and "3 action(s)" in listed
        await pilot.press("r")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        assert list(neg.session.events) == events
        assert neg.session.view() == view


def test_bad_save_or_scenario_is_refused_before_the_app_starts(tmp_path):
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"format": "mediate-save/1", "scen', encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        prepare(None, 0, corrupt)
    assert "corrupt" in str(exc.value) and str(corrupt) in str(exc.value)
    with pytest.raises(LoadError):
        run_tui(None, 0, corrupt)

    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    with pytest.raises(LoadError, match="not a mediate save"):
        prepare(None, 0, foreign)

    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: 1\nid: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        prepare(str(broken))
    assert re.match(rf"{re.escape(str(broken))}:\d+:\d+: ", str(exc.value))

    with pytest.raises(LoadError, match="no bundled scenario"):
        prepare("no-such-scenario")


@pilot_test
async def test_corrupt_save_in_the_picker_shows_a_clear_message():
    s = flagship()
    session = Session(s, 5)
    session.act(actions.wait())
    path = saved.save(session, flagship_ref())
    app = new_app(flagship_ref())
    async with app.run_test(size=SIZE) as pilot:
        assert "seed 5" in static_text_options(app.screen.query_one("#saves", OptionList))
        path.write_text("{ this is not json", encoding="utf-8")  # damaged after listing
        await pilot.press("r")
        modal = app.screen
        assert isinstance(modal, MessageModal)
        body = screen_text(modal)
        assert "can't be resumed" in body and "corrupt" in body
        assert app.is_running
        await pilot.press("escape")
        assert isinstance(app.screen, PickerScreen)
        assert "no saved games" in static_text_options(app.screen.query_one("#saves", OptionList))


@pilot_test
async def test_changed_scenario_save_is_refused_with_a_reason(tmp_path):
    src = tmp_path / "scen.yaml"
    src.write_text((loader.scenarios_dir() / "_template.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    s = loader.load_scenario(src)
    session = Session(s, 1)
    session.act(actions.wait())
    path = saved.save(session, str(src.resolve()))
    src.write_text(src.read_text(encoding="utf-8").replace("max_rounds: 10", "max_rounds: 11"), encoding="utf-8")
    with pytest.raises(LoadError, match="changed"):
        prepare(None, 0, path)
