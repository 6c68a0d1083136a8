"""The three-party grain fixture: consent per issue, a mediator with stakes, reciprocity,
renewal and partial participation in one scenario, played under every built-in policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine import events as ev
from sim.engine.session import Session
from sim.runs.policies import POLICIES, play
from sim.scenario import actions, loader

GRAIN = Path(__file__).parent / "fixtures" / "grain-2022.yaml"
CORRIDOR = {"corridor": "open", "inspections": "istanbul", "russian_exports": "memorandum"}


@pytest.fixture(scope="module")
def grain():
    return loader.load_scenario(GRAIN)


def kinds(session: Session) -> set[str]:
    return {e.kind for e in session.events}


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_every_policy_plays_the_fixture_to_its_end(grain, policy):
    for seed in (0, 1):
        session = play(grain, policy, seed)
        assert session.ended
        end = session.events[-1]
        assert isinstance(end, ev.Ended)
        # The mediator's own stakes are on record in every game, deal or not.
        assert end.mediator_utility is not None


def test_the_full_initiative_needs_russia_but_not_turkey_for_exports(grain):
    """Consent per issue: the export memorandum is Russia's and the UN's alone."""
    session = Session(grain, 0, [actions.consult("russia"), actions.propose(**CORRIDOR)])
    responses = [e for e in session.events if isinstance(e, ev.Responded)]
    assert {r.party for r in responses} == {"russia", "ukraine", "turkey"}
    assert all(r.needed for r in responses)  # the corridor is everyone's
    only_exports = Session(grain, 0, [actions.propose(russian_exports="memorandum")])
    needed = {e.party: e.needed for e in only_exports.events if isinstance(e, ev.Responded)}
    assert needed == {"russia": True, "ukraine": False, "turkey": False}


def test_the_mediator_cares_about_the_corridor_more_than_no_deal(grain):
    session = Session(grain, 0, [actions.propose(**CORRIDOR)])
    assert session.mediator_utility(dict(grain.complete(CORRIDOR))) == 100.0
    assert session.mediator_utility(grain.default_package) == pytest.approx(8.0)


@pytest.fixture(scope="module")
def quiet_grain(tmp_path_factory):
    """The fixture with the Sevastopol strike moved to the last round, so that the suspension
    it causes doesn't end the game before the corridor's 120 days run out."""
    text = GRAIN.read_text(encoding="utf-8")
    late = text.replace("      round: 36 ", "      round: 47 ")
    assert late != text
    path = tmp_path_factory.mktemp("grain") / "quiet.yaml"
    path.write_text(late, encoding="utf-8")
    return loader.load_scenario(path)


def agreed_early(grain) -> Session:
    """The corridor agreed in the first rounds (retried until every needed party says yes)."""
    for waited in range(0, 12):
        moves = [*([actions.wait(waited)] if waited else []), actions.propose(**CORRIDOR)]
        session = Session(grain, 0, moves)
        if session.agreement and not session.ended:
            return session
    raise AssertionError("the corridor is never agreed in the first rounds")


def test_the_corridor_warns_before_it_lapses_and_takes_the_inspections_with_it(quiet_grain):
    session = agreed_early(quiet_grain)
    session.act(actions.wait(1000))
    warned = [e for e in session.events if isinstance(e, ev.LapseWarning)]
    lapsed = [e for e in session.events if isinstance(e, ev.AgreementLapsed)]
    assert lapsed, "the corridor never lapsed"
    assert warned and warned[0].t < lapsed[0].t
    assert {e.issue for e in lapsed} >= {"corridor", "inspections"}


def test_renewing_keeps_the_corridor_in_force(quiet_grain):
    session = agreed_early(quiet_grain)
    lapse_at = session.expires["corridor"]
    while session.now < lapse_at - 3 * session.round_hours and not session.ended:
        session.act(actions.wait(1))
    session.act(actions.Action(renew="corridor"))
    assert any(isinstance(e, ev.Renewed) for e in session.events)
    assert session.expires["corridor"] > lapse_at


def test_the_fleet_strike_provokes_strikes_on_the_ports(grain):
    """Reciprocity: the Sevastopol strike raises the rate of Russian strikes on the ports."""
    for seed in range(6):
        session = Session(grain, seed, [actions.wait(1000)])
        provoked = [e for e in session.events if isinstance(e, ev.Provoked)]
        if provoked:
            assert provoked[0].incident == "port_strike"
            return
    raise AssertionError("the Sevastopol strike never provoked anything")
