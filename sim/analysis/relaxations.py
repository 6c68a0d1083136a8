"""Smallest relaxations: :func:`smallest_relaxation` lists the single changes (lift one red
line, lower one reservation by the exact minimum) that make an empty feasible set non-empty.

With a :class:`~sim.analysis.budget.Budget` the search stops trying candidates once the budget
is spent and marks it ``exact = False``: the list found so far is then incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.analysis.budget import Budget
from sim.analysis.domain import Domain
from sim.analysis.frontier import _frontier_vectors
from sim.analysis.points import Solution, _witness
from sim.analysis.tiers import Condition, _tier_mask

__all__ = ["Relaxation", "smallest_relaxation"]


@dataclass(frozen=True, eq=False)
class Relaxation:
    """One change that makes the feasible set non-empty.

    ``kind == "red_line"``: drop ``party``'s red line on ``option`` of
    ``issue`` (``size`` 0).  ``kind == "reservation"``: lower ``party``'s
    reservation by ``delta`` to ``new_reservation`` (the exact best utility the
    party can get while everyone else keeps their constraints; ``size ==
    delta``).  ``slack``: after the change, the best achievable
    min_p (U_p - R_p) (how comfortably it is then satisfied; 0 for reservation
    changes).  ``witness``: the Nash point after the change.
    """

    kind: Literal["red_line", "reservation"]
    party: int
    party_id: str
    size: float
    slack: float
    issue: int | None = None
    issue_id: str | None = None
    option: int | None = None
    option_id: str | None = None
    delta: float = 0.0
    new_reservation: float | None = None
    witness: Solution | None = None

    def apply(self, domain: Domain) -> Domain:
        """The domain with this change made."""
        if self.kind == "red_line":
            if self.issue is None or self.option is None:
                raise ValueError("a red-line relaxation needs its issue and option")
            return domain.without_red_line(self.party, self.issue, self.option)
        res = np.array(domain.reservation)
        res[self.party] = self.new_reservation
        return domain.with_reservation(res)


def _stop(budget: Budget | None) -> bool:
    """True (and the budget marked approximate) once a budget is spent."""
    if budget is not None and budget.spent:
        budget.approximate()
        return True
    return False


def _red_line_changes(domain: Domain, masks: list[np.ndarray], allowed: list[np.ndarray],
                      budget: Budget | None) -> list[Relaxation]:
    """Lifting a sole red line: only a sole red line on an option can be lifted by one change."""
    m, R = domain.n_parties, domain.reservation
    out: list[Relaxation] = []
    for i in range(domain.n_issues):
        red = domain.red_lines[i]
        sole = (red.sum(axis=0) == 1) & masks[i]
        for o in np.flatnonzero(sole):
            if _stop(budget):
                return out
            p = int(np.flatnonzero(red[:, o])[0])
            trial = list(allowed)
            trial[i] = np.zeros_like(allowed[i])
            trial[i][o] = True  # any newly feasible package must use this option
            V, _ = _frontier_vectors(domain.contrib, trial, m, R, budget)
            if V is None:
                continue
            slack = float(np.max(np.min(V - R, axis=1)))  # max-min is attained on the frontier
            changed = domain.without_red_line(p, i, int(o))
            witness, _ = _witness(changed, [a & t for a, t in zip(changed.allowed, masks, strict=True)], budget)
            out.append(
                Relaxation(
                    "red_line", p, domain.parties[p], 0.0, slack,
                    issue=i, issue_id=domain.issues[i], option=int(o), option_id=domain.options[i][o],
                    witness=witness,
                )
            )
    return out


def _reservation_changes(domain: Domain, allowed: list[np.ndarray], budget: Budget | None) -> list[Relaxation]:
    """Lowering one reservation: best U_p subject to everyone else's constraints (on their joint frontier)."""
    m, R = domain.n_parties, domain.reservation
    out: list[Relaxation] = []
    for p in range(m):
        if _stop(budget):
            break
        Rp = np.array(R)
        Rp[p] = -np.inf
        V, _ = _frontier_vectors(domain.contrib, allowed, m, Rp, budget)
        if V is None:
            continue
        best = float(V[:, p].max())
        delta = float(R[p] - best)
        changed = domain.with_reservation(np.where(np.arange(m) == p, best, R))
        witness, _ = _witness(changed, allowed, budget)
        out.append(
            Relaxation(
                "reservation", p, domain.parties[p], delta, 0.0,
                delta=delta, new_reservation=best, witness=witness,
            )
        )
    return out


def smallest_relaxation(
    domain: Domain, condition: Condition | None = None,
    budget: Budget | None = None,
) -> list[Relaxation]:
    """Single changes that make the feasible set non-empty, smallest first.

    Empty list when the feasible set is already non-empty.  Candidates: every
    red line that is the *only* red line on its option and whose removal makes
    some package feasible (size 0, ranked by ``slack`` descending), and, per
    party, the exact minimal reservation decrease (ranked by ``delta``).
    With ``condition`` the analysis is restricted to that tier.  With ``budget``, an
    approximate search (``budget.exact`` False afterwards) may miss or overstate changes.
    """
    if condition is not None:
        _, masks = _tier_mask(domain, condition)
    else:
        masks = [np.ones(k, dtype=bool) for k in domain.n_options]
    allowed = [a & t for a, t in zip(domain.allowed, masks, strict=True)]
    if _frontier_vectors(domain.contrib, allowed, domain.n_parties, domain.reservation, budget)[0] is not None:
        return []
    out = _red_line_changes(domain, masks, allowed, budget) + _reservation_changes(domain, allowed, budget)
    out.sort(key=lambda r: (r.size, -r.slack, r.kind != "red_line", r.party, r.issue or 0, r.option or 0))
    return out
