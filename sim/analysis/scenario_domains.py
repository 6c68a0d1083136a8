"""Outcome-space domains built from a scenario, a live session, or the mediator's knowledge.

:mod:`sim.analysis` works on a :class:`~sim.analysis.Domain` of per-issue contribution
tables; this module makes one from the scenario model:

- :func:`domain_from_scenario`: full information (the scenario's stances and reservations,
  or a session's current weights and reservations when given);
- :func:`domain_from_view`: only what the mediator knows, with the same assumptions the
  TUI's predictions use (see :mod:`sim.view`).

Bargaining points are computed on :func:`collapse_ties` of a domain: options worth the same
to everyone are one option there, so a scenario with many issues nobody cares about never
has to list millions of tied packages; the point found is the first of its ties.

Every Nash computation here runs against a :class:`~sim.analysis.budget.Budget` of
``NASH_WORK``, so it finishes in bounded time on any scenario the format allows; over budget
the package is the best one a bounded search found, flagged ``exact: False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from sim.analysis.budget import NASH_WORK, Budget
from sim.analysis.domain import Domain
from sim.analysis.points import nash_point
from sim.engine.consent import holds
from sim.engine.known import known_key
from sim.engine.view import ASSUMED_RESERVATION, MediatorView
from sim.memo import Memo
from sim.scenario import requires
from sim.scenario.model import Scenario

MAX_GROUPS = 8
"""Most consent groups the hint tries (see :func:`consent_groups`)."""


def domain_from_scenario(s: Scenario, session=None) -> Domain:
    """Full-information domain; with ``session``, its current weights and reservations."""
    contrib, red = [], []
    for iss in s.issues:
        c = np.zeros((len(s.parties), len(iss.options)))
        r = np.zeros((len(s.parties), len(iss.options)), dtype=bool)
        for p, party in enumerate(s.parties):
            st = party.stances.get(iss.id)
            if st is None:
                continue
            weights = session.weights(party.id) if session is not None else {
                i: x.weight for i, x in party.stances.items()}
            total = sum(weights.values())
            for o, opt in enumerate(iss.options):
                c[p, o] = weights[iss.id] * st.value(opt.id) / total
                r[p, o] = opt.id in st.red_lines
        contrib.append(c)
        red.append(r)
    res = [session.reservation(p.id) if session is not None else p.reservation for p in s.parties]
    return Domain(s.issue_ids, tuple(i.option_ids for i in s.issues), s.party_ids, tuple(contrib), tuple(red),
                  np.array(res, dtype=float))


def domain_from_view(view: MediatorView, parties: Sequence[str] | None = None,
                     fixed: Sequence[str] = ()) -> Domain:
    """The domain as the mediator can estimate it (:meth:`MediatorView.beliefs`).

    ``parties``: the parties to count (default: those not suspended that hold some issue);
    ``fixed``: issues held at their default (see :func:`consent_groups`). A counted party's red
    lines count on every issue: once a package needs it, any red line makes it say no.
    """
    s = view.scenario
    if parties is None:
        parties = [pv.id for pv in view.parties if not pv.suspended and any(holds(s, pv.id, i) for i in s.issue_ids)]
    counted = [view.party(p) for p in parties] or list(view.parties)  # a domain needs a party
    m = len(counted)
    contrib = [np.zeros((m, len(i.options))) for i in s.issues]
    red = [np.zeros((m, len(i.options)), dtype=bool) for i in s.issues]
    index = {i: n for n, i in enumerate(s.issue_ids)}
    res = []
    for p, pv in enumerate(counted):
        beliefs = view.beliefs(pv.id)
        total = sum(w for w, _, _ in beliefs.values()) or 1.0
        for issue_id, (w, vals, _) in beliefs.items():
            contrib[index[issue_id]][p] = np.array([vals[o] for o in s.issue(issue_id).option_ids]) * w / total
        for issue_id, st in pv.stances.items():
            for o in st.red_lines:
                red[index[issue_id]][p, s.issue(issue_id).option_ids.index(o)] = True
        res.append(pv.reservation if pv.reservation is not None else ASSUMED_RESERVATION)
    options = [i.option_ids for i in s.issues]
    for i in fixed:  # held at the default: one option left
        n, keep = index[i], s.issue(i).option_ids.index(s.issue(i).default_option)
        options[n] = (s.issue(i).default_option,)
        contrib[n], red[n] = contrib[n][:, [keep]], red[n][:, [keep]]
    return Domain(s.issue_ids, tuple(options), tuple(pv.id for pv in counted), tuple(contrib), tuple(red),
                  np.array(res, dtype=float))


def consent_groups(view: MediatorView) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The ways a deal can be struck under consent per issue, most inclusive first: (parties
    whose acceptance it needs, issues it must leave at their default). Each group is a set of
    parties at the table that is exactly the union of the holders of the issues it may move.
    Without consent rules or suspensions there is one group: every party, every issue free.
    At most :data:`MAX_GROUPS` groups (the largest), so the hint stays bounded."""
    return groups_among(view.scenario, [pv.id for pv in view.parties if not pv.suspended])


def groups_among(s: Scenario, present: Sequence[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """:func:`consent_groups` among the parties ``present`` (those not suspended)."""
    holders = {i: frozenset(p for p in s.party_ids if holds(s, p, i)) for i in s.issue_ids}
    found: dict[frozenset[str], tuple[str, ...]] = {}
    for size in range(len(present), 0, -1):
        for group in map(frozenset, combinations(present, size)):
            free = [i for i in s.issue_ids if holders[i] <= group]
            if free and frozenset().union(*(holders[i] for i in free)) == group:
                found.setdefault(group, tuple(i for i in s.issue_ids if i not in free))
            if len(found) >= MAX_GROUPS:
                break
        if len(found) >= MAX_GROUPS:
            break
    if not found:
        return [(tuple(present), ())]
    return [(tuple(p for p in s.party_ids if p in g), fixed) for g, fixed in found.items()]


def restrict(dom: Domain, parties: Sequence[str], fixed: Sequence[str], s: Scenario) -> Domain:
    """``dom`` counting only ``parties``, with the ``fixed`` issues held at their default."""
    rows = [dom.parties.index(p) for p in parties]
    options, contrib, red = list(dom.options), list(dom.contrib), list(dom.red_lines)
    for n, issue in enumerate(dom.issues):
        keep = list(range(len(options[n])))
        if issue in fixed:
            keep = [options[n].index(s.issue(issue).default_option)]
            options[n] = (s.issue(issue).default_option,)
        contrib[n], red[n] = contrib[n][np.ix_(rows, keep)], red[n][np.ix_(rows, keep)]
    return Domain(dom.issues, tuple(options), tuple(parties), tuple(contrib), tuple(red),
                  np.array(dom.reservation, dtype=float)[rows])


def collapse_ties(dom: Domain) -> tuple[Domain, dict[str, dict[str, str]]]:
    """The domain with, per issue, options that are worth the same to every party and
    red-lined by the same parties merged into their first, and each option's representative."""
    options, contrib, red = [], [], []
    rep: dict[str, dict[str, str]] = {}
    for i, issue in enumerate(dom.issues):
        keep: list[int] = []
        first: dict[tuple, str] = {}
        rep[issue] = {}
        for o, option in enumerate(dom.options[i]):
            key = (tuple(dom.contrib[i][:, o]), tuple(dom.red_lines[i][:, o]))
            if key not in first:
                first[key] = option
                keep.append(o)
            rep[issue][option] = first[key]
        options.append(tuple(dom.options[i][o] for o in keep))
        contrib.append(dom.contrib[i][:, keep])
        red.append(dom.red_lines[i][:, keep])
    merged = Domain(dom.issues, tuple(options), dom.parties, tuple(contrib), tuple(red), np.array(dom.reservation))
    return merged, rep


def tier_conditions(s: Scenario, rep: dict[str, dict[str, str]] | None = None) -> list[dict[str, list[str]]]:
    """Each outcome tier's condition, read through :func:`collapse_ties` representatives if given."""
    if rep is None:
        return [{i: list(opts) for i, opts in oc.when.items()} for oc in s.outcomes]
    return [{i: sorted({rep[i][o] for o in opts}) for i, opts in oc.when.items()} for oc in s.outcomes]


_KNOWN_NASH: Memo[dict[str, str] | None] = Memo(256)


def _knowledge(view: MediatorView) -> tuple:
    """Everything of a view that :func:`known_nash_package` reads (not the clock, not trust)."""
    return id(view.scenario), tuple(known_key(pv) for pv in view.parties)


def known_nash_package(view: MediatorView) -> dict[str, str] | None:
    """The Nash bargaining package of what the mediator knows (None if it sees no deal).

    Under consent per issue the Nash product counts the parties whose acceptance the package
    needs: it is sought first among packages every party with a say could be asked to sign,
    then, when none clears everyone's estimated walk-away, among packages needing fewer
    parties (:func:`consent_groups`). A party counted in a group also weighs on packages of
    that group that happen not to need it: the hint prefers a deal all of them can live with.

    Remembered by what the mediator knows: a batch's games pass through the same few states
    of knowledge again and again (a dozen in 150 flagship games under ``nash``).
    """
    pkg = _KNOWN_NASH.get(_knowledge(view), (view.scenario,), lambda: _known_nash_package(view))
    return dict(pkg) if pkg is not None else None


def _known_nash_package(view: MediatorView) -> dict[str, str] | None:
    for parties, fixed in consent_groups(view):
        dom, _ = collapse_ties(domain_from_view(view, parties, fixed))
        sol = nash_point(dom, budget=Budget(NASH_WORK))
        if sol is not None:
            # The search is additive and doesn't see `requires`: make the package one that can be proposed.
            return requires.repair(view.scenario, dom.describe_package(sol.package))
    return None


def _full_nash(session) -> tuple[dict[str, str], dict[str, float], bool] | None:
    """The full-information Nash package (mended to meet ``requires``), every party's utility of
    it, and whether it is exact.

    As for the hint, the Nash product counts the parties whose acceptance a package needs:
    the consent groups among the parties at the table (not suspended), most inclusive first."""
    s = session.scenario
    full = domain_from_scenario(s, session)
    present = [p for p in s.party_ids if p not in session.suspended]
    for parties, fixed in groups_among(s, present):
        if not parties:  # nobody at the table: no bargaining point
            continue
        whole = not fixed and len(parties) == len(s.party_ids)
        dom, _ = collapse_ties(full if whole else restrict(full, parties, fixed, s))
        sol = nash_point(dom, budget=Budget(NASH_WORK))
        if sol is None:
            continue
        found = dom.describe_package(sol.package)
        nash = requires.repair(s, found)
        if whole and nash == found:  # the search's own utilities: the same figures as ever
            return nash, dict(zip(dom.parties, map(float, sol.utilities), strict=True)), sol.exact
        return nash, {p: session.utility(p, nash) for p in s.party_ids}, sol.exact
    return None


def full_nash(session) -> tuple[dict[str, str], dict[str, float]] | None:
    """The full-information Nash package at the session's current state, with every party's utility."""
    found = _full_nash(session)
    if found is None:
        return None
    return found[0], found[1]


def nash_distance(session) -> dict | None:
    """How far the agreement in force (or the status quo) is from the full-information
    Nash package: issues that differ and each party's utility gap.  ``exact`` is False when
    the package is the best a bounded search found (a very large scenario)."""
    found = _full_nash(session)
    if found is None:
        return None
    nash, nash_u, exact = found
    s = session.scenario
    package = session.agreement or s.default_package
    differ = [i for i in s.issue_ids if package[i] != nash[i]]
    gaps = {p: session.utility(p, package) - nash_u[p] for p in s.party_ids}
    return {"nash": nash, "nash_utility": nash_u, "issues_differ": differ, "utility_gap": gaps,
            "exact": exact}

