"""What ``mediate analyze`` reports about a scenario, as plain JSON-ready data.

The CLI renders it as tables or prints it as JSON; this module only gathers it from
:mod:`sim.analysis` over a :mod:`sim.analysis.scenario_domains` domain: ZOPA size, Pareto frontier, the three
bargaining packages, each outcome tier's reachability with its blockers, and (when nothing is
feasible) the smallest single relaxations, each pointing at the YAML line to change.

The whole assessment shares one :class:`~sim.analysis.budget.Budget` of ``ANALYZE_WORK``, so it
finishes in a few seconds on any scenario the format allows.  Whatever had to be approximated
says so: ``exact`` at the top and on the frontier and each point, ``decided`` on each tier,
``relaxations_complete`` for the relaxations.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from sim.analysis.budget import ANALYZE_WORK, Budget
from sim.analysis.frontier import FrontierTooLarge, pareto_frontier
from sim.analysis.points import kalai_smorodinsky, max_welfare, nash_point
from sim.analysis.relaxations import smallest_relaxation
from sim.analysis.scenario_domains import collapse_ties, domain_from_scenario, domain_from_view, tier_conditions
from sim.analysis.tiers import tier_reachability
from sim.analysis.zopa import zopa_size
from sim.engine.session import Session
from sim.scenario import requires
from sim.scenario.loader import Locator
from sim.scenario.model import Scenario


def assess(s: Scenario, loc: Locator, path: Path, round_: int | None = None, known: bool = False) -> dict:
    """Everything ``mediate analyze`` shows, for full information or what the mediator knows at
    the start, against reservations or (with ``round_``) the thresholds of that round."""
    started = time.perf_counter()
    session = Session(s, 0)
    dom = domain_from_view(session.view()) if known else domain_from_scenario(s)
    basis = "what the mediator knows at the start" if known else "full information"
    if round_ is not None:
        dom = dom.with_reservation([session.threshold(p, at_round=round_) for p in s.party_ids])
        basis += f", thresholds at round {round_ + 1}"
    budget = Budget(ANALYZE_WORK)
    zopa = zopa_size(dom)
    conditions = tier_conditions(s)
    try:
        front = pareto_frontier(dom, budget=budget)
        count, distinct, listed = front.count, front.distinct, dom
    except FrontierTooLarge as exc:
        # Options nobody tells apart multiply the tied packages: list one of each kind, and
        # read the tiers' conditions through the same representatives.
        listed, rep = collapse_ties(dom)
        front = pareto_frontier(listed, budget=budget)
        count, distinct = int(exc.count), exc.distinct
        conditions = tier_conditions(s, rep)
    points = {"nash": nash_point(listed, front), "kalai_smorodinsky": kalai_smorodinsky(listed, front),
              "max_welfare": max_welfare(listed, front)}
    tiers = tier_reachability(listed, conditions, budget)
    relax_budget = Budget(max(budget.left, 0.0))
    relax = smallest_relaxation(dom, budget=relax_budget) if count == 0 and front.exact else []

    def pkg(sol) -> dict[str, str] | None:
        # The searches are additive and don't see `requires`: name the mended package.
        return None if sol is None else requires.repair(s, listed.describe_package(sol.package))

    def util(sol) -> dict[str, float] | None:
        if sol is None:
            return None
        mended = pkg(sol)
        assert mended is not None
        us = dom.utilities(np.array([[dom.options[n].index(mended[i]) for n, i in enumerate(dom.issues)]]))[0]
        return {p: round(float(u), 3) for p, u in zip(dom.parties, us, strict=True)}

    def relax_line(r) -> dict:
        p = s.party_ids.index(r.party_id)
        if r.kind == "red_line":
            red = s.parties[p].stances[r.issue_id].red_lines
            where = loc.at(("parties", p, "stances", r.issue_id, "red_lines", red.index(r.option_id)))
            text = f"{s.parties[p].name} gives up its red line on {r.issue_id}={r.option_id}"
        else:
            where = loc.at(("parties", p, "reservation"))
            text = f"{s.parties[p].name} lowers its reservation by {r.delta:.1f} to {r.new_reservation:.1f}"
        return {"kind": r.kind, "party": r.party_id, "text": text, "at": f"{path}:{where[0]}:{where[1]}"}

    tier_rows = []
    for oc, t in zip(s.outcomes, tiers, strict=True):
        blockers = [f"every listed option of {b.issue_id} is a red line of {', '.join(b.party_ids)}"
                    for b in t.red_line_blockers]
        blockers += [f"{b.party_id} can reach at most {b.max_attainable:.1f} < reservation {b.reservation:.1f}"
                     for b in t.reservation_blockers]
        if t.joint_conflict:
            blockers.append("no single party blocks it: the reservations are incompatible together")
        tier_rows.append({"id": oc.id, "title": oc.title, "reachable": t.reachable, "decided": t.decided,
                          "blockers": blockers, "example": pkg(t.witness)})
    return {
        "scenario": s.id, "basis": basis, "packages": dom.total_packages, "allowed_packages": dom.allowed_packages,
        "zopa": {"count": zopa.count, "exact": zopa.exact, "low": zopa.low, "high": zopa.high},
        "frontier": {"packages": count, "distinct_utility_vectors": distinct,
                     "ties_merged": listed is not dom, "exact": front.exact},
        "points": {k: {"package": pkg(v), "utility": util(v), "exact": front.exact} for k, v in points.items()},
        "reservations": {p: float(r) for p, r in zip(dom.parties, dom.reservation, strict=True)},
        "tiers": tier_rows, "relaxations": [relax_line(r) for r in relax[:5]],
        "relaxations_complete": relax_budget.exact,
        "exact": budget.exact and relax_budget.exact,
        "seconds": round(time.perf_counter() - started, 4),
    }
