"""The outcome space of two parties, as the debrief draws it: every package's utility to one
party against the other's, the Pareto frontier, the Nash and Kalai–Smorodinsky points of the
pair, their walk-away points, every proposal in order with its answers, and the final deal.
Also the offer history: each proposal's utility to each party, by round.

Utilities of proposals are the ones the parties answered with (``Responded.utility``: the
weights of that moment); the cloud, the frontier and the points use the weights at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.budget import NASH_WORK, Budget
from sim.analysis.domain import Domain
from sim.analysis.frontier import pareto_frontier
from sim.analysis.points import kalai_smorodinsky, nash_point
from sim.analysis.scenario_domains import domain_from_scenario
from sim.engine.events import AgreementReached, Event, Proposed, Responded
from sim.engine.session import Session

CLOUD_MAX = 5000
"""Most packages drawn as the cloud of the outcome space (above that, only the frontier and points)."""

Point = tuple[float, float]


@dataclass(frozen=True)
class Offer:
    """One proposal: its round, each party's utility when it answered, and who accepted."""

    number: int
    round: int
    utility: dict[str, float]
    accepted: dict[str, bool]
    agreed: bool
    """It became the agreement."""


@dataclass(frozen=True)
class Space:
    """The outcome space of parties ``pair`` (x: the first, y: the second)."""

    pair: tuple[str, str]
    cloud: tuple[Point, ...]
    frontier: tuple[Point, ...]
    """Pareto-optimal points of the pair among packages touching neither one's red lines, by x."""
    nash: Point | None
    ks: Point | None
    walk_away: Point
    offers: tuple[tuple[int, Point, bool], ...]
    """(proposal number, point, accepted by both of the pair)."""
    final: Point
    agreed: bool
    """The final point is an agreement (else the status quo)."""


def offers(events: Sequence[Event]) -> tuple[Offer, ...]:
    """Every proposal in order with the answers it got."""
    out: list[Offer] = []
    current: Proposed | None = None
    utility: dict[str, float] = {}
    accepted: dict[str, bool] = {}
    agreed = False

    def close() -> None:
        if current is not None:
            out.append(Offer(len(out) + 1, current.round, dict(utility), dict(accepted), agreed))

    for e in events:
        if isinstance(e, Proposed):
            close()
            current, utility, accepted, agreed = e, {}, {}, False
        elif isinstance(e, Responded) and current is not None:
            utility[e.party] = e.utility
            accepted[e.party] = e.accept
        elif isinstance(e, AgreementReached) and current is not None and e.package == current.package:
            agreed = True
    close()
    return tuple(out)


def _pair_domain(full: Domain, a: int, b: int) -> Domain:
    rows = [a, b]
    return Domain(full.issues, full.options, (full.parties[a], full.parties[b]),
                  tuple(c[rows, :] for c in full.contrib), tuple(r[rows, :] for r in full.red_lines),
                  full.reservation[rows])


def _cloud(dom: Domain) -> tuple[Point, ...]:
    if dom.total_packages > CLOUD_MAX:
        return ()
    packages = np.array(list(itertools.product(*[range(len(o)) for o in dom.options])), dtype=int)
    allowed = np.all([dom.allowed[i][packages[:, i]] for i in range(dom.n_issues)], axis=0)
    u = dom.utilities(packages[allowed])
    return tuple(sorted({(round(float(x), 2), round(float(y), 2)) for x, y in u}))


def space(session: Session, pair: tuple[str, str]) -> Space:
    """The outcome space of ``pair`` at the end of ``session``."""
    s = session.scenario
    a, b = (s.party_ids.index(p) for p in pair)
    dom = _pair_domain(domain_from_scenario(s, session), a, b)
    budget = Budget(NASH_WORK)
    try:
        fr = pareto_frontier(dom, feasible_only=False, budget=budget)
        frontier = tuple(sorted((float(x), float(y)) for x, y in fr.utilities))
    except ValueError:  # too many tied packages to list: draw the points only
        fr, frontier = None, ()
    nash = nash_point(dom, budget=budget)
    ks = kalai_smorodinsky(dom, budget=budget)
    package = session.agreement or s.default_package
    drawn = [(o.number, (o.utility[pair[0]], o.utility[pair[1]]), o.accepted[pair[0]] and o.accepted[pair[1]])
             for o in offers(session.events) if pair[0] in o.utility and pair[1] in o.utility]
    return Space(pair, _cloud(dom), frontier,
                 None if nash is None else (float(nash.utilities[0]), float(nash.utilities[1])),
                 None if ks is None else (float(ks.utilities[0]), float(ks.utilities[1])),
                 (session.reservation(pair[0]), session.reservation(pair[1])), tuple(drawn),
                 (session.utility(pair[0], dict(package)), session.utility(pair[1], dict(package))),
                 session.agreement is not None)


def pairs(party_ids: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Every pair of parties, in scenario order (one for a two-party scenario)."""
    return tuple(itertools.combinations(party_ids, 2))
