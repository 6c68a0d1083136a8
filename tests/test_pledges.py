"""Unilateral pledges: in force for one party before any agreement, judged by each side's
reading, alongside (not replaced by) a later agreement, shown in the mediator's view."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sim.cli import main
from sim.engine.events import Incident, PledgeLapsed, PledgeMade, TrustChanged
from sim.engine.session import Session
from sim.report.wire import line
from sim.scenario.actions import wait
from sim.scenario.loader import load_scenario
from sim.scenario.model import Scenario
from tests.conftest import write
from tests.pilot import pilot_test

FIXTURE = Path(__file__).parent / "fixtures" / "incident-kinds.yaml"


def only_the_strike(**pledge_update) -> Scenario:
    """The fixture with the depot strike alone, and its pledge changed as given."""
    s = load_scenario(FIXTURE)
    strike = s.incidents.scheduled[0].model_copy(update={"provokes": ()})
    pledge = s.pledges[0].model_copy(update=pledge_update)
    return s.model_copy(update={"incidents": s.incidents.model_copy(update={"scheduled": (strike,), "random": ()}),
                                "pledges": (pledge,)})


def play(s: Scenario, package: dict[str, str] | None = None, rounds: int = 2) -> tuple[Session, Incident]:
    g = Session(s, seed=1)
    if package:
        g.force_agreement(package)
    g.act(wait(rounds))
    (inc,) = [e for e in g.events if isinstance(e, Incident)]
    return g, inc


def test_a_day_one_strike_on_what_the_pledge_covers_is_a_breach_before_any_agreement():
    s = only_the_strike()
    g, inc = play(s)
    assert g.agreement is None
    assert (inc.judgement, inc.pledges) == ("violation", ("energy-order",))
    assert g.violations == 1
    (t,) = [e for e in g.events if isinstance(e, TrustChanged)]
    assert (t.truster, t.trustee, t.before, t.after) == ("kyiv", "moscow", 0.5, 0.4), "violation_trust −0.10"
    assert "VIOLATION: both sides read the pledge in force as covering energy" in (line(s, inc) or "")
    (made,) = [e for e in g.events if isinstance(e, PledgeMade)]
    assert made.t == 0 and made.until == 120 and line(s, made).startswith("◆ PLEDGE by Moscow: Moscow orders")


def test_without_the_pledge_the_same_strike_is_an_uncovered_incident():
    s = only_the_strike().model_copy(update={"pledges": ()})
    g, inc = play(s)
    assert (inc.judgement, inc.pledges) == ("none", ()) and g.violations == 0


def test_each_side_judges_the_pledge_by_its_own_reading():
    s = only_the_strike(reads={"moscow": ("rail",)})
    g, inc = play(s)
    assert inc.judgement == "disputed" and inc.readings == {"kyiv": True, "moscow": False, "ankara": True}
    assert g.disputes == 1 and g.violations == 0
    assert "Kyiv and Ankara read the pledge in force as covering energy; Moscow does not" in (line(s, inc) or "")


def test_a_pledge_starts_at_its_hour_and_lapses_after_its_days():
    late = only_the_strike(round=2)
    _, inc = play(late)
    assert inc.judgement == "none", "the strike (round 1) comes before the pledge (round 2)"
    short = only_the_strike(days=1.0)
    g, inc = play(short)
    assert inc.judgement == "none", "the pledge lapsed at hour 24, the strike is at hour 30"
    (lapsed,) = [e for e in g.events if isinstance(e, PledgeLapsed)]
    assert lapsed.t == 24 and line(short, lapsed) == "! Moscow's pledge 'energy-order' has lapsed"


def test_a_later_agreement_adds_to_the_pledge_and_does_not_replace_it():
    s = only_the_strike()
    g, inc = play(s, {"pause": "rail"})
    assert g.agreement is not None and inc.judgement == "violation" and inc.pledges == ("energy-order",)


def test_the_pledge_in_force_is_in_the_mediators_view_and_the_header():
    from tui.widgets.status import pledges_text

    s = only_the_strike()
    g = Session(s, seed=1)
    (pv,) = g.view().pledges
    assert (pv.id, pv.party, pv.covers, pv.until) == ("energy-order", "moscow", ("energy",), 120)
    assert pledges_text(s, g.view()) == " · pledged: Moscow (energy)"
    g.act(wait(6))
    assert g.view().pledges == () and pledges_text(s, g.view()) == ""


def test_a_pledge_lowers_the_pledging_partys_own_rate():
    s = load_scenario(FIXTURE)
    moscow = s.incidents.random[0].model_copy(update={"id": "moscow-strikes", "actor": "moscow", "victim": "kyiv"})
    s = s.model_copy(update={"incidents": s.incidents.model_copy(update={"scheduled": (), "random": (moscow,)}),
                             "dynamics": s.dynamics.model_copy(update={"incident_trust": 0.0})})
    unpledged = s.model_copy(update={"pledges": ()})

    def strikes(sc: Scenario) -> float:
        total = 0
        for seed in range(80):
            g = Session(sc, seed=seed)
            g.act(wait(5))
            total += sum(1 for e in g.events if isinstance(e, Incident) and e.t < 120)
        return total / 80

    # 0.5/day for 5 days = 2.5; the pledge multiplies by covered_rate_factor 0.2 → 0.5.
    assert 2.0 < strikes(unpledged) < 3.0 and 0.25 < strikes(s) < 0.8


def test_a_pledge_by_an_unknown_party_is_a_located_error(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace("    party: moscow\n", "    party: moskow\n")
    out = CliRunner().invoke(main, ["validate", str(write(tmp_path, text))])
    assert out.exit_code == 1 and "unknown party 'moskow'" in out.output and "did you mean 'moscow'" in out.output
    assert ":53:12: error: pledges[0].party" in out.output


@pilot_test
async def test_the_negotiation_header_and_wire_show_the_pledge(tmp_path, monkeypatch):
    from textual.widgets import Static

    from tests.pilot import norm
    from tui.app import MediateApp
    from tui.screens.negotiation import NegotiationScreen

    monkeypatch.chdir(tmp_path)
    app = MediateApp(str(FIXTURE))
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        await pilot.pause()
        status = norm(str(neg.query_one("#status", Static).render()))
        assert "pledged: Moscow (energy)" in status
        assert any(line.startswith("00:00 ◆ PLEDGE by Moscow") for line in neg.wire.plain_lines), neg.wire.plain_lines
