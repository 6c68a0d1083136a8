"""Bargaining points on a frontier: :func:`nash_point`, :func:`kalai_smorodinsky`, :func:`max_welfare`.

``nash_point`` maximises prod_p (U_p - R_p), ``kalai_smorodinsky`` maximises
min_p (U_p - R_p) / (Ideal_p - R_p) (ties broken by Nash product, then frontier
order), ``max_welfare`` maximises sum_p U_p.  All three are attained on the
frontier (each objective is monotone in every U_p), so they are searched there;
``ties`` lists every frontier package attaining the optimum (Nash and KS
values are compared with a relative tolerance of 1e-12, welfare exactly).
On a representative frontier (over budget) each point is the best package found and is
flagged ``exact = False``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.budget import Budget
from sim.analysis.domain import Domain
from sim.analysis.frontier import Frontier, pareto_frontier
from sim.analysis.merge import _expand, _merge
from sim.analysis.small import _frontier_small

__all__ = ["REL_TOL", "Solution", "nash_point", "kalai_smorodinsky", "max_welfare"]

#: relative tolerance used when comparing Nash products / KS ratios for ties
REL_TOL = 1e-12

Scores = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True, eq=False)
class Solution:
    """A bargaining point: the first optimal package in frontier order.

    ``value`` is the objective (Nash product, KS ratio or welfare); ``ties``
    ``[T, n]`` holds every frontier package attaining it (``ties[0]`` is
    ``package``) and ``tie_utilities`` their utilities.  ``exact``: False when it
    was searched on a representative frontier (a budget ran out).
    """

    package: np.ndarray
    utilities: np.ndarray
    value: float
    ties: np.ndarray
    tie_utilities: np.ndarray
    exact: bool = True


def _best(score: np.ndarray, exact: bool) -> np.ndarray:
    best = score.max()
    if exact or not np.isfinite(best) or best == 0:
        return score == best
    # == np.isclose(score, best, rtol=REL_TOL, atol=0), without its overhead
    return np.abs(score - best) <= REL_TOL * abs(best)


def _nash_scores(U: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    prod = (U - R).prod(axis=1)
    return _best(prod, exact=False), prod


def _ks_scores(U: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # U must contain every party's ideal (true for a frontier)
    gain = U - R
    span = gain.max(axis=0)
    ratio = np.where(span > 0, gain / np.where(span > 0, span, 1.0), 1.0)
    ks = ratio.min(axis=1)
    mask = _best(ks, exact=False)
    prod = np.prod(gain, axis=1)
    mask &= _best(np.where(mask, prod, -np.inf), exact=False)
    return mask, ks


def _welfare_scores(U: np.ndarray, _reservation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = U.sum(axis=1)  # exact on the grid
    return _best(w, exact=True), w


def _solution(pk: np.ndarray, U: np.ndarray, mask: np.ndarray, score: np.ndarray, exact: bool = True) -> Solution:
    ties, tu = pk[mask], U[mask]
    return Solution(ties[0].copy(), tu[0].copy(), float(score[mask][0]), ties, tu, exact)


def _frontier_of(domain: Domain, frontier: Frontier | None, budget: Budget | None) -> Frontier:
    if frontier is None:
        return pareto_frontier(domain, feasible_only=True, budget=budget)
    if not frontier.feasible_only:
        raise ValueError("pass a feasible_only frontier")
    return frontier


def _point(domain: Domain, frontier: Frontier | None, scores: Scores, budget: Budget | None) -> Solution | None:
    f = _frontier_of(domain, frontier, budget)
    if f.count == 0:
        return None
    mask, score = scores(f.utilities, domain.reservation)
    return _solution(f.packages, f.utilities, mask, score, f.exact)


def nash_point(domain: Domain, frontier: Frontier | None = None, budget: Budget | None = None) -> Solution | None:
    """Feasible package(s) maximising prod_p (U_p - R_p); None if none is feasible (or found).

    ``frontier``: a precomputed ``pareto_frontier(domain)`` to reuse; ``budget``: bound the
    work (see :class:`~sim.analysis.budget.Budget`).
    """
    return _point(domain, frontier, _nash_scores, budget)


def kalai_smorodinsky(domain: Domain, frontier: Frontier | None = None,
                      budget: Budget | None = None) -> Solution | None:
    """Feasible package maximising min_p (U_p - R_p) / (Ideal_p - R_p).

    ``Ideal_p`` is the best feasible U_p; a party with ``Ideal_p == R_p`` scores
    1.  Ties are broken by Nash product, then frontier order; ``ties`` holds
    the packages tied on both.
    """
    return _point(domain, frontier, _ks_scores, budget)


def max_welfare(domain: Domain, frontier: Frontier | None = None, budget: Budget | None = None) -> Solution | None:
    """Feasible package(s) maximising sum_p U_p (exact ties); None if none is feasible."""
    return _point(domain, frontier, _welfare_scores, budget)


def _witness(domain: Domain, allowed: Sequence[np.ndarray],
             budget: Budget | None = None) -> tuple[Solution | None, bool]:
    """(Nash point of the domain restricted to ``allowed``, or None when no package was found;
    whether the search was exact).  The general path expands only the point's ties."""
    R = domain.reservation
    small = _frontier_small(domain.contrib, allowed, domain.n_parties, R) if domain.n_issues else None
    if small is not None:
        return (_solution(*small, *_nash_scores(small[1], R)) if len(small[0]) else None), True
    mg = _merge(domain.contrib, allowed, domain.n_parties, R, budget)
    if mg is None or mg.V.shape[0] == 0:
        return None, mg is None
    mask, score = _nash_scores(mg.V, R)
    pk, U = _expand(mg, np.flatnonzero(mask), max_packages=10_000_000)
    return Solution(pk[0].copy(), U[0].copy(), float(score[mask][0]), pk, U, mg.exact), mg.exact
