"""Calibration against the reporting: the history moves reproduce the arc the articles describe."""

from __future__ import annotations

import pytest

from sim.engine.events import AgreementReached, Incident, Responded
from sim.engine.session import Session
from sim.report.wire import response_reasons
from sim.scenario.actions import load_moves, wait
from sim.scenario.loader import load_scenario
from tests.conftest import FLAGSHIP, HISTORY


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP)


def play_history(scenario, seed: int) -> Session:
    moves, _ = load_moves(HISTORY, scenario)
    session = Session(scenario, seed)
    for move in moves.moves:
        session.act(move)
    while not session.ended:
        session.act(wait())
    return session


def responses(session, round_):
    return {e.party: e for e in session.events if isinstance(e, Responded) and e.round == round_}


@pytest.mark.parametrize("seed", range(8))
def test_history_moves_tell_the_story_of_the_articles(flagship, seed):
    s = play_history(flagship, seed)
    # Round 0: Ukraine accepts the full 30-day ceasefire; Russia rejects it over aid and intelligence.
    r0 = responses(s, 0)
    assert r0["ukraine"].accept
    assert not r0["russia"].accept
    assert set(r0["russia"].red_lines) == {"military_aid.continue", "intel_sharing.continue"}
    assert any("military aid" in reason.lower() for reason in response_reasons(flagship, r0["russia"]))
    assert any("intelligence" in reason.lower() for reason in response_reasons(flagship, r0["russia"]))
    # Round 1: both accept the energy pause, which comes into force.
    r1 = responses(s, 1)
    assert r1["russia"].accept and r1["ukraine"].accept
    first = next(e for e in s.events if isinstance(e, AgreementReached))
    assert first.round == 1 and first.package["truce_scope"] == "energy"
    # Strikes on railways after the pause are disputed: Kyiv reads them as covered, Moscow not.
    rail = [e for e in s.events if isinstance(e, Incident) and e.target == "rail" and e.t > first.t]
    disputed = [e for e in rail if e.judgement == "disputed"]
    assert disputed, "a rail strike after the pause is disputed"
    assert all(e.readings == {"russia": False, "ukraine": True} for e in disputed)
    # Trust falls.
    start = flagship.party("ukraine").trust["russia"]
    assert s.view().party("ukraine").trust["russia"] < start
    assert s.disputes >= 1
