"""Outcome-space analysis of a negotiation (numpy only; no printing, no I/O).

What it offers:

- :class:`Domain` (additive utilities on an exact grid) and :func:`random_domain`;
  :mod:`sim.analysis.scenario_domains` builds one from a scenario, a session or the mediator's view;
- :func:`pareto_frontier` (every Pareto-optimal package, ties included) and the bargaining
  points :func:`nash_point`, :func:`kalai_smorodinsky`, :func:`max_welfare`;
- :func:`zopa_size` (how many packages every party accepts), :func:`tier_reachability`
  (which outcome tiers a feasible package reaches, and who blocks the others) and
  :func:`smallest_relaxation` (single changes that would make a deal possible);
- :class:`Budget`: a deterministic bound on the work of any of the above.  Over budget they
  return an honest approximation flagged ``exact = False`` (tiers: ``decided = False``)
  instead of running for minutes; without one they are exact.

:mod:`sim.analysis.assessment` gathers what ``mediate analyze`` shows, :mod:`sim.analysis.authoring`
what ``mediate validate`` warns about, :mod:`sim.analysis.forecast` agreement durability.
"""

from sim.analysis.budget import ANALYZE_WORK, NASH_WORK, VALIDATE_WORK, Budget
from sim.analysis.domain import Domain, random_domain
from sim.analysis.frontier import Frontier, FrontierTooLarge, pareto_frontier
from sim.analysis.points import REL_TOL, Solution, kalai_smorodinsky, max_welfare, nash_point
from sim.analysis.relaxations import Relaxation, smallest_relaxation
from sim.analysis.tiers import RedLineBlocker, ReservationBlocker, TierResult, tier_reachability
from sim.analysis.zopa import ZopaSize, zopa_size

__all__ = [
    "ANALYZE_WORK",
    "NASH_WORK",
    "REL_TOL",
    "VALIDATE_WORK",
    "Budget",
    "Domain",
    "Frontier",
    "FrontierTooLarge",
    "RedLineBlocker",
    "Relaxation",
    "ReservationBlocker",
    "Solution",
    "TierResult",
    "ZopaSize",
    "kalai_smorodinsky",
    "max_welfare",
    "nash_point",
    "pareto_frontier",
    "random_domain",
    "smallest_relaxation",
    "tier_reachability",
    "zopa_size",
]
