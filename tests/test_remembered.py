"""What policies remember across games (by what the mediator knows) is what they would compute.

``known_nash_package`` and ``tier_package`` keep their answers keyed by everything of the view
they read, so a batch computes each state of knowledge once. At every decision of games played
by several policies (views of every kind), the remembered answer must equal the one computed
from the view itself; if either function came to read something its key leaves out, these fail.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

import sim.analysis.scenario_domains as sd
import sim.runs.policies as policies
from sim.engine.session import Session
from sim.scenario.loader import load_scenario, resolve

GAMES = list(itertools.product(("incremental", "pressure", "nash", "random"), range(3)))


def views_of(name: str):
    """Every view a decision was taken from, in games of the bundled scenario ``name``."""
    s = load_scenario(resolve(name))
    for policy, seed in GAMES:
        session, pol = Session(s, seed), policies.make(policy, s, seed)
        while not session.ended:
            view = session.view()
            yield view
            pol.observe(session.act(pol.decide(view)))


@pytest.mark.parametrize("name", ["energy-truce-2025-03", "warmup-energy-pause"])
def test_the_remembered_known_nash_package_is_the_one_computed_afresh(name):
    sd._KNOWN_NASH.clear()
    asked = 0
    for view in views_of(name):
        assert sd.known_nash_package(view) == sd._known_nash_package(view)
        asked += 1
    assert 0 < len(sd._KNOWN_NASH) < asked / 2, "states of knowledge recur, so few are computed"


@pytest.mark.parametrize("name", ["energy-truce-2025-03", "warmup-energy-pause"])
def test_the_remembered_tier_package_is_the_one_computed_afresh(name):
    policies._TIER_PACKAGES.clear()
    asked = 0
    for view in views_of(name):
        for level in range(1, len(view.scenario.outcomes) + 1):
            assert policies.tier_package(view, level) == policies._tier_package(view, level)
            asked += 1
    assert 0 < len(policies._TIER_PACKAGES) < asked


def _away(x: float, by: float, top: float) -> float:
    """``x`` moved by ``by``, up or down, whichever stays within 0..top."""
    return x - by if x - by >= 0 else min(top, x + by)


def _variants(view):
    """(what differs, the view with only that changed): each is something tier_package reads."""
    first = view.parties[0]
    other = dataclasses.replace(first, trust={k: _away(v, 0.4, 1.0) for k, v in first.trust.items()})
    yield "round", dataclasses.replace(view, round=int(_away(view.round, 12, view.max_rounds - 1)))
    yield "credibility", dataclasses.replace(view, credibility=_away(view.credibility, 0.4, 1.0))
    yield "trust", dataclasses.replace(view, parties=(other, *view.parties[1:]))
    yield "agreement", dataclasses.replace(view, agreement=None if view.agreement else view.scenario.default_package)
    if first.last_response is not None:
        pkg, u, tau, r = first.last_response
        said = dataclasses.replace(first, last_response=(pkg, u, _away(tau, 30, 100.0), r))
        yield "last answer", dataclasses.replace(view, parties=(said, *view.parties[1:]))


def test_views_that_differ_in_anything_the_estimates_read_are_remembered_apart():
    """Each thing an estimate reads, changed alone, is a different state to remember: a key that
    left it out would hand back the other view's package whenever the two answers differ."""
    for view in itertools.islice(views_of("energy-truce-2025-03"), 0, None, 4):
        for what, variant in _variants(view):
            policies._TIER_PACKAGES.clear()
            policies.tier_package(view, 1)
            assert policies.tier_package(variant, 1) == policies._tier_package(variant, 1)
            assert len(policies._TIER_PACKAGES) == 2, f"a view with another {what} is remembered apart"


def test_a_party_reads_a_package_afresh_once_its_weights_move():
    """A party's reading of a package (utility, gaps) is remembered across games by the package
    and its weights: after a weight moves, the same package is worth what the new weights say."""
    import random

    from sim.engine import rules
    from sim.engine.parties import PartyAgent

    s = load_scenario(resolve("energy-truce-2025-03"))
    party = s.parties[0]
    first, *rest = party.stances
    package = {**s.default_package, first: party.stances[first].demand}
    for fresh_game in range(2):  # the second game finds the first one's readings remembered
        agent = PartyAgent(s, party, random.Random(fresh_game))
        before = agent.respond(package, 0.0, 0)
        agent.shift_weight(rest[0], 40.0)
        after = agent.respond(package, 0.0, 0)
        assert before.utility == round(rules.utility(party, {i: float(st.weight) for i, st in party.stances.items()},
                                                     package), 4)
        assert after.utility == round(rules.utility(party, agent.weights, package), 4) != before.utility
        assert after.gaps == tuple((i, round(g, 4)) for i, g in rules.largest_gaps(party, agent.weights, package))


@pytest.mark.parametrize("name", ["energy-truce-2025-03", "warmup-energy-pause"])
def test_the_party_views_a_session_carries_over_are_the_ones_built_afresh(name):
    """A session hands out the previous view of a party until the party's agent counts a change:
    a change some method forgot to count would leave a stale view here."""
    s = load_scenario(resolve(name))
    for policy, seed in GAMES:
        session, pol = Session(s, seed), policies.make(policy, s, seed)
        while not session.ended:
            view = session.view()
            session._party_views.clear()
            assert session.view().parties == view.parties
            pol.observe(session.act(pol.decide(view)))


def test_every_change_an_agent_makes_shows_in_the_next_view():
    """Each of the agent's changing methods, made alone, shows in the session's next view (the
    games above never move a party's weight, suspend one or take a view after a walk-out)."""
    from sim.scenario.actions import consult

    s = load_scenario(resolve("energy-truce-2025-03"))
    session = Session(s, 0)
    pid, other = s.party_ids[:2]
    session.act(consult(pid))
    a = session._parties[pid]
    issue = a.revealed[0]
    changes = {
        "weight": lambda: a.shift_weight(issue, 20.0),
        "trust": lambda: a.shift_trust(other, -0.2),
        "reservation": lambda: a.shift_reservation(-5.0),
        "suspend": lambda: a.suspend("red_lines"),
        "rejoin": a.rejoin,
        "answer": lambda: a.respond(dict(s.default_package), 0.0, 1),
        "consult": lambda: a.consult(s),
        "walk out": a.walk_out,
    }
    for what, change in changes.items():
        before = session.view().parties
        change()
        carried = session.view().parties
        session._party_views.clear()
        assert session.view().parties == carried != before, f"a {what} shows in the next view"
