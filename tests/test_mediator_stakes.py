"""The mediator's own stakes through a real scenario: its utility in the end event, the run
summary, the debrief and the view; a lever that shifts its weights; the checks."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine import events as ev
from sim.engine.session import Session
from sim.report import wire
from sim.report.debrief import compute
from sim.report.markdown import markdown_report
from sim.scenario import loader
from sim.scenario.actions import lever, propose, wait
from sim.scenario.loader import LoadError
from tests.conftest import ROOT, TEMPLATE, write
from tests.pilot import norm, pilot_test

FIXTURE = ROOT / "tests" / "fixtures" / "renewal.yaml"
BOTH = {"corridor": "open", "inspections": "centre"}


def end_of(se: Session) -> ev.Ended:
    return next(e for e in se.events if isinstance(e, ev.Ended))


def finished(*actions) -> Session:
    s = loader.load_scenario(FIXTURE)
    se = Session(s, 1, actions)
    while not se.ended:
        se.act(wait())
    return se


def test_the_end_event_carries_the_mediators_utility_beside_the_status_quo():
    # Ends at the deadline with nothing in force (the corridor lapsed): U_m = (20·0 + 20·20)/40 = 10.
    se = finished(propose(**BOTH))
    end = end_of(se)
    assert end.mediator_utility == pytest.approx(10.0)
    assert end.mediator_status_quo == pytest.approx(10.0)
    data = json.loads(end.to_json())
    assert data["mediator_utility"] == pytest.approx(10.0)
    line = wire.line(se.scenario, end)
    assert line is not None and "Broker's own stake: 10.0 (+0.0 vs no deal)" in line


def test_the_mediators_utility_of_a_package_uses_its_own_weights_and_a_lever_shifts_them():
    s = loader.load_scenario(FIXTURE)
    se = Session(s, 1)
    pkg = s.complete({"corridor": "open", "ports": "granted"})
    assert se.view().mediator_utility(pkg) == pytest.approx((20 * 100 + 20 * 80) / 40)
    se.act(lever("lean"))  # ports weight 20 -> 80
    shifts = [e for e in se.events if isinstance(e, ev.Shifted) and e.party == "mediator"]
    assert [(e.what, e.issue, e.before, e.after) for e in shifts] == [("weight", "ports", 20.0, 80.0)]
    assert se.view().mediator_utility(s.complete({"corridor": "open"})) == pytest.approx(80 * 20 / 100)
    assert se.mediator_weights() == {"ports": 80.0, "corridor": 20.0}
    text = wire.line(s, shifts[0])
    assert text == "  Broker cares more about Ports concession"


def test_without_mediator_stances_nothing_changes():
    s = loader.load_scenario(TEMPLATE)
    se = Session(s, 0, [wait(10)])
    end = end_of(se)
    assert end.mediator_utility is None and "mediator_utility" not in end.to_json()
    assert se.view().mediator_utility(s.default_package) is None
    assert compute(se, forecast_runs=0, nash=False).mediator is None


def test_the_debrief_the_report_and_the_run_summary_show_the_mediators_stake(tmp_path):
    se = finished(propose(corridor="open", inspections="centre", ports="granted"))
    d = compute(se, forecast_runs=0, nash=False)
    assert d.mediator is not None and d.mediator.status_quo == pytest.approx(10.0)
    assert "Broker's own stake" in markdown_report(d)
    moves = write(tmp_path, "moves:\n  - propose: {corridor: open, inspections: centre, ports: granted}\n", "m.yaml")
    r = CliRunner().invoke(main, ["run", str(FIXTURE), "--script", str(moves), "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert re.search(r"Broker's own stake: [\d.]+ by its stances \([+-][\d.]+ against no deal\)", r.output)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("      values: {none: 0, granted: 100}\n      demand: granted\n",
     "      values: {none: 0, granted: 100}\n      demand: granted\n      red_lines: [none]\n",
     "the mediator has no red lines"),
    ("      values: {none: 0, granted: 100}\n      demand: granted\n",
     "      values: {none: 0, granted: 100}\n      demand: granted\n      visibility: private\n",
     "always shown to the player"),
    ("demand: granted\n", "demand: grantd\n", r"unknown option 'grantd' in ports.*did you mean 'granted'"),
    ("weights: {mediator: {ports: 60}}", "weights: {mediator: {inspections: 60}}",
     "mediator holds no stance on inspections"),
])
def test_mediator_stances_are_checked_and_located(tmp_path, old, new, expected):
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(LoadError) as info:
        loader.load_scenario(path)
    joined = "\n".join(str(p) for p in info.value.problems)
    assert re.search(rf"s.yaml:\d+:\d+: .*{expected}", joined), joined


@pilot_test
async def test_the_builder_and_the_tui_debrief_show_the_mediators_stake():
    from textual.widgets import Static

    from tui.app import MediateApp
    from tui.screens.debrief import surplus_lines
    from tui.screens.negotiation import NegotiationScreen

    app = MediateApp(str(FIXTURE))
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        await pilot.pause()
        detail = norm(str(neg.query_one("#issue-detail", Static).render()))
        assert "Broker's own stake: 10 (+0 vs no deal)" in detail
        neg.builder.set_package({"corridor": "open", "ports": "granted"})
        await pilot.pause()
        detail = norm(str(neg.query_one("#issue-detail", Static).render()))
        assert "Broker's own stake: 90 (+80 vs no deal)" in detail
    d = compute(finished(propose(**BOTH)), forecast_runs=0, nash=False)
    assert any("Broker's own stake: 10.0" in str(line) for line in surplus_lines(d))
