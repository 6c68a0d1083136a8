"""Incidents beyond attacks: no hostile actor, positive effects, several victims, incidents that
happen only while (or unless) an option is in force, and alternative scheduled texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine.events import AgreementReached, Incident, Shifted, TrustChanged
from sim.engine.session import Session
from sim.report.wire import line
from sim.scenario.actions import propose, wait
from sim.scenario.loader import load_scenario
from sim.scenario.model import Effects, RandomIncident, Scenario, ScheduledIncident
from tests.conftest import write

FIXTURE = Path(__file__).parent / "fixtures" / "incident-kinds.yaml"


def with_incidents(scheduled: tuple = (), random: tuple = ()) -> Scenario:
    s = load_scenario(FIXTURE)
    return s.model_copy(update={"incidents": s.incidents.model_copy(update={"scheduled": scheduled, "random": random}),
                                "pledges": ()})


def incidents(g: Session) -> list[Incident]:
    return [e for e in g.events if isinstance(e, Incident)]


def test_talks_announced_have_no_actor_and_move_trust_up_and_a_walk_away_point():
    talks = ScheduledIncident(id="talks", round=1, text="Talks are announced in Riyadh.",
                              effects=Effects(trust={"kyiv->moscow": 0.1}, reservation={"moscow": -5}))
    s = with_incidents((talks,))
    g = Session(s, seed=1)
    g.act(wait(2))
    (inc,) = incidents(g)
    assert (inc.actor, inc.target, inc.judgement) == ("", "", "none")
    trust = [e for e in g.events if isinstance(e, TrustChanged)]
    assert [(t.truster, t.trustee, t.before, t.after) for t in trust] == [("kyiv", "moscow", 0.5, 0.6)]
    assert [(e.party, e.before, e.after) for e in g.events if isinstance(e, Shifted)] == [("moscow", 20, 15)]
    assert line(s, inc) == "! Talks are announced in Riyadh."


def test_one_strike_with_several_victims_costs_the_actor_each_victims_trust():
    strike = ScheduledIncident(id="port", round=1, actor="moscow", victims=("kyiv", "ankara"), target="port",
                               text="A missile hits the port.")
    g = Session(with_incidents((strike,)), seed=1)
    g.act(wait(2))
    (inc,) = incidents(g)
    assert inc.victims == ("kyiv", "ankara")
    moved = {(t.truster, t.trustee) for t in g.events if isinstance(t, TrustChanged)}
    assert moved == {("kyiv", "moscow"), ("ankara", "moscow")}


def test_a_random_incident_only_while_its_option_is_in_force():
    ship = RandomIncident(id="ship", rate_per_day=2.0, text="A grain ship sails.", **{"while": ("corridor.open",)},
                          effects=Effects(trust={"ankara->mediator": 0.01}))
    s = with_incidents(random=(ship,))
    g = Session(s, seed=4)
    g.act(wait(3))
    assert incidents(g) == [], "the corridor is closed: the rate is 0"
    g.act(propose(pause="energy", corridor="open"))
    assert g.agreement is not None
    start = next(e.t for e in g.events if isinstance(e, AgreementReached))
    g.act(wait(3))
    sails = incidents(g)
    assert len(sails) >= 2 and all(e.t > start for e in sails)
    unless = with_incidents(random=(ship.model_copy(update={"while_": (), "unless": ("corridor.open",)}),))
    g = Session(unless, seed=4)
    g.act(wait(3))
    assert len(incidents(g)) >= 2, "unless: it happens while the corridor is closed"


def test_alternative_scheduled_texts_never_claim_a_signing_that_did_not_happen():
    signed = ScheduledIncident(id="signed", round=2, text="The deal is signed in Istanbul.",
                               **{"while": ("agreement",)})
    failed = ScheduledIncident(id="no-deal", round=2, text="The Istanbul ceremony is called off.",
                               unless=("agreement",))
    s = with_incidents((signed, failed))
    g = Session(s, seed=1)
    g.act(wait(3))
    assert [e.incident for e in incidents(g)] == ["no-deal"]
    g = Session(s, seed=1)
    g.act(propose(pause="energy", corridor="open"))
    g.act(wait(3))
    assert [e.incident for e in incidents(g)] == ["signed"]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("      provokes: [{incident: kyiv-answers,", "      provokes: [{incident: depot-strike,",
     "unknown random incident 'depot-strike'"),
    ("      victim: kyiv\n      target: energy\n      text: A fuel",
     "      victim: kyiv\n      victims: [kyiv]\n      target: energy\n      text: A fuel",
     "give either 'victim' or 'victims', not both"),
    ("      text: A fuel depot burns.\n", "      text: A fuel depot burns.\n      while: [corridor.opne]\n",
     "unknown option 'opne' in corridor — did you mean 'open'?"),
    ("      text: A fuel depot burns.\n", "      text: A fuel depot burns.\n      attribution: {moscow: {blames: kiev}}\n",
     "unknown party 'kiev'"),
])
def test_bad_references_are_located_errors(tmp_path, old, new, message):
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    out = CliRunner().invoke(main, ["validate", str(write(tmp_path, text.replace(old, new)))])
    assert out.exit_code == 1 and message in out.output and "Traceback" not in out.output


def test_the_fixture_validates_and_plays_from_the_cli(tmp_path):
    out = CliRunner().invoke(main, ["validate", str(FIXTURE)])
    assert out.exit_code == 0, out.output
