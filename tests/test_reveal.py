"""The reveal ("What they really wanted") and the score sheet, in the TUI debrief and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine.session import Session
from sim.report import debrief, markdown
from sim.scenario import actions, loader
from tests.pilot import norm, pilot_test
from tui.app import MediateApp
from tui.messages import OpenSession
from tui.screens.debrief import DebriefScreen

DUO = Path(__file__).parent / "fixtures" / "explain-duo.yaml"


def played() -> Session:
    """Consult Upton (round 0), propose a Downton red line (refused, cited), then a deal
    (the consultation takes half of round 0)."""
    s = loader.load_scenario(DUO)
    session = Session(s, 0, [actions.consult("up"), actions.propose(water="w0", bridge="b1"),
                             actions.wait(3), actions.propose(water="w50", bridge="b2")])
    session.act(actions.wait(100))
    return session


def test_the_reveal_marks_what_was_learned_and_when():
    d = debrief.compute(played(), forecast_runs=0)
    r = d.reveal
    assert r is not None
    up, down = r.parties
    assert up.reservation == 40 and up.reservation_learned == 0, "the consultation in round 0 revealed it"
    assert down.reservation == 45 and down.reservation_learned is None, "Downton was never consulted"
    water_up = next(st for st in up.stances if st.issue == "water")
    assert water_up.learned == 0 and water_up.share == pytest.approx(0.7)
    assert dict(water_up.values) == {"w0": 30, "w50": 60, "w70": 100}
    water_down = next(st for st in down.stances if st.issue == "water")
    assert water_down.learned is None and water_down.red_lines == ("w0",)
    assert water_down.red_line_cited == 0, "Downton refused the proposal of round 0 (after the consultation) citing it"
    assert [st.issue for st in r.mediator] == ["bridge"], "the mediator's own stakes"


def test_the_score_sheet_adds_up_to_each_partys_utility():
    session = played()
    d = debrief.compute(session, forecast_runs=0)
    assert d.reveal is not None
    for p, res in zip(d.reveal.parties, d.parties, strict=True):
        assert p.total == pytest.approx(res.utility)
        assert {x.issue: x.option for x in p.score} == dict(d.package)
    assert d.reveal.mediator_total == pytest.approx(session.mediator_utility(dict(d.package)))


def test_the_report_carries_the_reveal_and_the_score_sheet():
    text = markdown.markdown_report(played(), forecast_runs=5)
    reveal = text[text.index("## What they really wanted"):text.index("## Score sheet")]
    assert "Walk-away point 40 (learned by consulting in round 1)" in reveal
    assert "Walk-away point 45 (never learned)" in reveal
    assert "✓ Seventy per cent upstream 100" in reveal and "✗ No sharing agreed 20" in reveal
    assert "a red line cited in a refusal in round 1" in reveal
    assert "County (the mediator's own stakes)" in reveal
    sheet = text[text.index("## Score sheet"):]
    assert "| **Total (utility)** |" in sheet and "Walk-away point at the end" in sheet


@pilot_test
async def test_the_debrief_has_the_reveal_and_score_sheet_tabs():
    session = played()
    app = MediateApp(str(DUO), seed=0)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(OpenSession(session, str(DUO)))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        text = norm(" ".join(str(w.render()) for w in screen.query(".reveal-line")))
        assert "walk-away point 45 (never learned)" in text
        assert "you: demand and red lines stated in public; weight and values learned by consulting in round 1" in text
        assert "County: your own stakes as mediator" in text
        assert screen.query_one("#tab-score") is not None
