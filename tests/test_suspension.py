"""Partial participation: a party suspends instead of walking out, the talks go on, it returns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.analysis.forecast import durability
from sim.engine import events as ev
from sim.engine.session import Session
from sim.report import debrief, markdown, text
from sim.report.wire import line
from sim.runs.policies import POLICIES, play
from sim.runs.scripts import play_moves
from sim.scenario.actions import Action, load_moves, wait
from sim.scenario.loader import load_scenario
from tests.conftest import ROOT, write
from tests.pilot import pilot_test
from tui.app import MediateApp
from tui.screens.debrief import outcome_lines
from tui.screens.negotiation import NegotiationScreen
from tui.widgets.party import prediction_content, risk_line

FIXTURES = Path(__file__).parent / "fixtures"
TRIO = FIXTURES / "suspension-trio.yaml"
GRAIN = FIXTURES / "grain-2022.yaml"
OPEN = {"corridor": "open"}


SUSPENDS = """    suspends:                            # SUSPENDS
      on: [low_trust]
      times: 1
      rejoin_trust: 0.3
      rejoin_after: 3
      agreement_survives: true           # SURVIVES
"""


def trio(tmp_path: Path, *replace: tuple[str, str]):
    text = TRIO.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return load_scenario(write(tmp_path, text, "trio.yaml"))


def until(session: Session, kind: type[ev.Event]) -> list[ev.Event]:
    """Wait until an event of ``kind`` happens (or the game ends); the events on the way."""
    seen: list[ev.Event] = []
    while not session.ended and not any(isinstance(e, kind) for e in seen):
        seen += session.act(wait())
    return seen


def suspended_session(s) -> Session:
    session = Session(s)
    session.act(Action(propose=OPEN))
    until(session, ev.Suspended)
    return session


def test_a_party_suspends_instead_of_walking_out_and_the_agreement_stands(tmp_path):
    s = trio(tmp_path)
    session = suspended_session(s)
    sus = next(e for e in session.events if isinstance(e, ev.Suspended))
    assert (sus.party, sus.cause, sus.counterpart, sus.agreement_stands) == ("east", "low_trust", "west", True)
    assert not session.ended and session.suspended == ("east",)
    assert session.agreement == {"corridor": "open", "exports": "none"} and session.tier == 1
    view = session.view()
    assert view.party("east").suspended and not view.party("east").present
    assert "SUSPENDED" in risk_line(view.party("east")).plain
    assert line(s, sus) == ("‖ SUSPENDED: East suspends its participation — its trust in West stayed below 0.3 "
                            "for 2 rounds; talks go on without it (the agreement in force stands among the rest)")


def test_without_suspends_the_same_party_walks_out(tmp_path):
    s = trio(tmp_path, (SUSPENDS, ""))
    session = Session(s)
    session.act(Action(propose=OPEN))
    until(session, ev.Suspended)
    assert session.ended and session.end_reason == "walkout" and session.walkouts == ("east",)
    assert not any(isinstance(e, ev.Suspended) for e in session.events)


def test_while_away_it_does_not_answer_and_what_needs_it_cannot_pass(tmp_path):
    s = trio(tmp_path)
    session = suspended_session(s)
    pred = session.view().predict(s.complete({"corridor": "open", "exports": "memo"}))
    assert pred["east"].away and pred["east"].needed
    assert "can't pass while it is away" in prediction_content(s, session.view().party("east"), pred["east"]).plain
    out = session.act(Action(propose={"corridor": "open", "exports": "memo"}))
    said = {e.party for e in out if isinstance(e, ev.Responded)}
    assert said == {"west", "host"}
    assert all(e.accept for e in out if isinstance(e, ev.Responded))
    assert not any(isinstance(e, ev.AgreementReached) for e in out), "East's consent is needed and missing"
    assert session.view().blocked_by_absence(s.complete({"corridor": "open", "exports": "memo"})) == ("east",)
    assert session.view().blocked_by_absence(s.complete({"exports": "memo"})) == ()
    # A package that needs only those at the table passes among them.
    out = session.act(Action(propose={"exports": "memo"}))
    assert any(isinstance(e, ev.AgreementReached) for e in out)
    assert session.agreement == {"corridor": "closed", "exports": "memo"}


def test_it_rejoins_when_its_time_away_is_up_and_walks_out_once_suspensions_are_used(tmp_path):
    s = trio(tmp_path)
    session = suspended_session(s)
    until(session, ev.Rejoined)
    back = next(e for e in session.events if isinstance(e, ev.Rejoined))
    assert (back.party, back.cause, back.rounds) == ("east", "time", 3)
    assert session.suspended == () and not session.ended
    assert line(s, back) == "↩ REJOINED: East is back at the table after 3 round(s) (its time away is up)"
    until(session, ev.Walkout)  # its trust is still low, and it suspends only once
    assert session.end_reason == "walkout" and session.walkouts == ("east",)
    end = session.events[-1]
    assert isinstance(end, ev.Ended) and end.suspensions == 1 and end.suspended == ()
    d = debrief.compute(session, forecast_runs=0, nash=False)
    assert [e.party for e in d.suspensions] == ["east"] and d.returned(d.suspensions[0]) == back
    report = markdown.render(d)
    assert "- Suspension: East — its trust in West stayed below 0.3 for 2 rounds; rejoined after 3 round(s)" in report
    assert "- Walkout: East" in report
    assert line(s, end).endswith("1 violation(s), 0 dispute(s); 1 suspension(s)")
    screen = "\n".join(c.plain for c in outcome_lines(d))
    assert "suspended: East: its trust in West stayed below 0.3 for 2 rounds; rejoined after 3 round(s)" in screen
    summary = text.summary(d)[0].plain
    assert summary.endswith("; 1 suspension(s)")


def test_it_rejoins_once_its_trust_recovers(tmp_path):
    s = trio(tmp_path)
    session = suspended_session(s)
    out = session.act(Action(lever="assure"))
    out += until(session, ev.Rejoined)
    back = next(e for e in out if isinstance(e, ev.Rejoined))
    assert back.cause == "trust" and back.rounds == 1
    # Back at the table, it answers again.
    out = session.act(Action(propose=OPEN))
    assert "east" in {e.party for e in out if isinstance(e, ev.Responded)}


def test_the_agreement_falls_when_the_scenario_says_it_does_not_survive(tmp_path):
    s = trio(tmp_path, ("agreement_survives: true", "agreement_survives: false"))
    session = suspended_session(s)
    sus = next(e for e in session.events if isinstance(e, ev.Suspended))
    assert sus.agreement_stands is False and "the agreement in force falls" in line(s, sus)
    assert session.agreement is None and session.tier == 0


@pytest.mark.parametrize(("on", "suspends"), [("[red_lines]", True), ("[low_trust]", False)])
def test_only_the_listed_causes_suspend(tmp_path, on, suspends):
    s = trio(tmp_path, ("on: [low_trust]", f"on: {on}"))
    session = Session(s)
    session.act(Action(propose={"corridor": "open", "exports": "memo"}))  # East's red line; patience 0
    assert bool(session.suspended) is suspends
    assert session.ended is not suspends
    if suspends:  # its trust is fine, but that doesn't heal red lines: back when its time is up
        until(session, ev.Rejoined)
        back = next(e for e in session.events if isinstance(e, ev.Rejoined))
        assert back == ev.Rejoined(t=72.0, round=3, party="east", cause="time", rounds=3)


def test_the_grain_fixture_validates():
    out = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(GRAIN)], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "valid scenario 'grain-2022' (3 parties, 4 issues)" in out.stdout


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_the_grain_fixture_plays_to_the_end_under_every_policy(policy):
    s = load_scenario(GRAIN)
    session = play(s, policy, seed=1)
    assert session.ended and isinstance(session.events[-1], ev.Ended)
    assert all(line(s, e) is not None or isinstance(e, ev.RoundStarted) for e in session.events)


def test_the_grain_fixture_through_a_moves_file(tmp_path):
    s = load_scenario(GRAIN)
    full = "{corridor: open, inspections: istanbul, russian_exports: memorandum}"
    moves_text = ("scenario: grain-2022\nseed: 0\nmoves:\n  - lever: export_help\n"
                  + "".join(f"  - propose: {full}\n" for _ in range(8)))
    moves, _ = load_moves(write(tmp_path, moves_text, "grain.moves.yaml"), s)
    run = play_moves(s, 0, moves.moves)
    session = run.session
    assert run.refused is None and session.ended
    kinds = [e.kind for e in session.events]
    assert "agreement" in kinds
    # The Sevastopol strike breaks Russia's trust: it suspends and the corridor keeps running.
    sus = next(e for e in session.events if isinstance(e, ev.Suspended))
    assert sus.party == "russia" and sus.agreement_stands
    assert session.events.index(sus) < kinds.index("rejoin")
    # Turkey is not needed for Russian exports: a package moving only them leaves its no aside.
    assert session.view().needs(s.complete({"russian_exports": "memorandum"})) == ("russia",)


@pilot_test
async def test_the_party_panel_shows_a_suspended_party_and_who_is_not_needed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # autosaves stay in the test's folder
    app = MediateApp(str(TRIO))
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        east = neg.panels[0]
        neg.builder.set_package({"exports": "memo"})
        await pilot.pause()
        assert "not needed for this package" in east.text()
        neg.act(Action(propose=OPEN))
        while not neg.session.suspended:
            neg.act(wait())
        await pilot.pause()
        assert "SUSPENDED its participation" in east.text()
        assert east.has_class("-suspended") and not neg.panels[1].has_class("-suspended")
        assert any("SUSPENDED: East suspends its participation" in x for x in neg.wire.plain_lines)


@pytest.mark.parametrize("survives", [True, False])
def test_the_durability_forecast_counts_a_suspension_that_ends_the_agreement(tmp_path, survives):
    s = trio(tmp_path, ("agreement_survives: true", f"agreement_survives: {str(survives).lower()}"))
    d = durability(s, 0, [Action(propose=OPEN)], days=(7,), runs=5)
    assert d is not None
    if survives:  # it outlives the suspension, and ends when East walks out after its return
        assert "suspension" not in d.breaks and d.breaks["walkout"] == 5
    else:
        assert d.breaks["suspension"] == 5 and d.held == (0.0,)
