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

import numpy as np

from sim.analysis.budget import NASH_WORK, Budget
from sim.analysis.domain import Domain
from sim.analysis.points import Solution, nash_point
from sim.engine.view import ASSUMED_RESERVATION, MediatorView
from sim.scenario import requires
from sim.scenario.model import Scenario


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


def domain_from_view(view: MediatorView) -> Domain:
    """The domain as the mediator can estimate it (:meth:`MediatorView.beliefs`)."""
    s = view.scenario
    m = len(view.parties)
    contrib = [np.zeros((m, len(i.options))) for i in s.issues]
    red = [np.zeros((m, len(i.options)), dtype=bool) for i in s.issues]
    index = {i: n for n, i in enumerate(s.issue_ids)}
    res = []
    for p, pv in enumerate(view.parties):
        beliefs = view.beliefs(pv.id)
        total = sum(w for w, _, _ in beliefs.values()) or 1.0
        for issue_id, (w, vals, _) in beliefs.items():
            contrib[index[issue_id]][p] = np.array([vals[o] for o in s.issue(issue_id).option_ids]) * w / total
        for issue_id, st in pv.stances.items():
            for o in st.red_lines:
                red[index[issue_id]][p, s.issue(issue_id).option_ids.index(o)] = True
        res.append(pv.reservation if pv.reservation is not None else ASSUMED_RESERVATION)
    return Domain(s.issue_ids, tuple(i.option_ids for i in s.issues), s.party_ids, tuple(contrib), tuple(red),
                  np.array(res, dtype=float))


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


def known_nash_package(view: MediatorView) -> dict[str, str] | None:
    """The Nash bargaining package of what the mediator knows (None if it sees no deal)."""
    dom, _ = collapse_ties(domain_from_view(view))
    sol = nash_point(dom, budget=Budget(NASH_WORK))
    if sol is None:
        return None
    # The search is additive and doesn't see `requires`: make the package one that can be proposed.
    return requires.repair(view.scenario, dom.describe_package(sol.package))


def _full_nash(session) -> tuple[Domain, Solution | None]:
    dom, _ = collapse_ties(domain_from_scenario(session.scenario, session))
    return dom, nash_point(dom, budget=Budget(NASH_WORK))


def full_nash(session) -> tuple[dict[str, str], dict[str, float]] | None:
    """The full-information Nash package at the session's current state, with utilities."""
    dom, sol = _full_nash(session)
    if sol is None:
        return None
    return dom.describe_package(sol.package), dict(zip(dom.parties, map(float, sol.utilities), strict=True))


def nash_distance(session) -> dict | None:
    """How far the agreement in force (or the status quo) is from the full-information
    Nash package: issues that differ and each party's utility gap.  ``exact`` is False when
    the package is the best a bounded search found (a very large scenario)."""
    dom, sol = _full_nash(session)
    if sol is None:
        return None
    nash = dom.describe_package(sol.package)
    nash_u = dict(zip(dom.parties, map(float, sol.utilities), strict=True))
    s = session.scenario
    package = session.agreement or s.default_package
    differ = [i for i in s.issue_ids if package[i] != nash[i]]
    gaps = {p: session.utility(p, package) - nash_u[p] for p in s.party_ids}
    return {"nash": nash, "nash_utility": nash_u, "issues_differ": differ, "utility_gap": gaps,
            "exact": sol.exact}

