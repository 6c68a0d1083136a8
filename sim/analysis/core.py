"""Outcome-space analysis: exact Pareto frontier, bargaining points, ZOPA, tiers.

Pure library (numpy only, no printing, no I/O).

Model
-----
Issues ``i = 0..n-1`` with ``k_i`` options each; a *package* picks one option
per issue and is written as an int vector of option indices.  Parties
``p = 0..m-1`` have additive utilities in points::

    U_p(x) = sum_i c[i][p, x_i],   c[i][p, o] = w_{p,i} * v_{p,i}(o) / sum_j w_{p,j}

so a :class:`Domain` only stores the per-issue contribution tables ``c[i]``
(shape ``[m, k_i]``).  Option ``o`` of issue ``i`` is *allowed* unless some
party has it as a red line.  A package is *feasible* (in the ZOPA) iff every
option it picks is allowed and ``U_p(x) >= R_p`` for every party.

Exact arithmetic
----------------
On construction every contribution is snapped to a dyadic grid (a multiple
of ``2**-e`` where ``e`` is chosen so that the largest possible sum of
contributions -- over all issues and all parties -- stays below ``2**53``
grid units).  The change is below 1e-13 points for 0..100 domains, and in
exchange every package utility, partial sum and welfare sum is computed
*exactly* in float64, in any association order.  Ties between packages are
therefore true ties and comparisons against reservations are exact.

Frontier algorithm (``pareto_frontier``)
----------------------------------------
Small spaces take a faster route with the same result (next section).  In
general the product space is never enumerated; issues are merged one at a
time (``_merge``):

1. State: the set of *distinct* partial utility vectors over the issues
   merged so far that are still useful (sorted lexicographically
   descending), plus back-pointers ``(node, parent node, option)`` for every
   partial package that reaches each vector.  Equal-vector partial packages
   are thus grouped under one node and only expanded at the very end, so ties
   never blow up the working set.
2. Merge: outer sum of the state with the next issue's allowed options
   (``s * k`` candidates).
3. Bound prune (``feasible_only``): a candidate is dropped if even its
   optimistic completion (plus, per party, the sum over the remaining issues of
   the best allowed contribution) misses some reservation.
4. Dominance prune: candidates are sorted lexicographically descending and
   deduplicated; a vector is dropped iff another candidate vector is >= in
   every coordinate (and, being distinct, > in one).  This is safe because
   completion is additive: if partial ``a`` strictly dominates partial ``b``
   then ``a + c`` strictly dominates ``b + c`` and is feasible whenever
   ``b + c`` is.  Equal vectors are never dropped against each other (they
   share a node).  In lexicographic-descending order any dominator of point
   ``i`` comes *before* ``i``, so the test is a prefix query:

   * m = 1: the first point; m = 2: prefix maximum of the 2nd coordinate.
   * m = 3: "is there j < i with y_j >= y_i and z_j >= z_i", answered for all
     points at once: points are blocked both by position (x-blocks) and by
     y-rank (y-blocks) with B ~ N^(1/3); a (N/B)^2 table of max z (prefix over
     x-blocks, suffix over y-blocks, two ``np.maximum.accumulate`` passes)
     answers whole-block parts, and the two partial parts are vectorised scans
     of B points.  O(N^(4/3)) numpy work, no Python loop over points.
   * m >= 4: block-wise pairwise comparison against the non-dominated points
     found so far (one coordinate at a time, coordinate 0 is implied by the
     order).  Fine up to a few thousand frontier points; the frontier itself
     grows quickly with m.
5. After the last issue the surviving nodes are exactly the distinct frontier
   vectors; back-pointers are expanded (vectorised) into every package that
   reaches each vector, and packages are sorted by utility vector descending
   (lexicographic) and then by option indices ascending.  This is the
   "frontier order" used for all tie-breaking below.  The number of packages
   per node is tracked during the merge, so a frontier that ties into too many
   packages is refused (:class:`FrontierTooLarge`) before it is expanded.

Issues are merged in order of decreasing contribution spread (so the
reservation bounds bite early); the result does not depend on the order.

Small spaces (``_frontier_small``)
----------------------------------
On small spaces the merge above is dominated by fixed numpy call overhead
(each of its n steps sorts, deduplicates and filters arrays of a few hundred
rows).  Up to ``_SMALL_PACKAGES`` (2^20) allowed packages the frontier is
instead found with a handful of whole-array operations, with the identical
result (same packages, same order, same ``distinct``):

1. Split the issues into two halves with balanced numbers of allowed
   packages (at most ``_SMALL_HALF`` each) and enumerate the utility vectors
   of every half package by broadcasting, in mixed-radix order, so a column
   index *is* the half package.  Sums of grid values are exact.
2. Bound prune as above (only when some package misses a reservation): a
   half package is dropped if even the best other half cannot complete it.
3. Skyline of each half, keeping every repeat (ties).  Dropping a dominated
   half package is safe for the same additive reason as in the merge.
4. Candidates = all sums of a surviving A-half and B-half package (at most
   ``_SMALL_CANDIDATES``), reservation check, skyline again: the survivors
   are exactly the frontier packages.
5. Frontier order: one ``np.lexsort`` on (utilities descending, mixed-radix
   index ascending); the mixed-radix index orders packages lexicographically,
   and packages are decoded from it at the end.

The skyline (``_skyline``) tests "j strictly dominates i" exactly as
``U_j >= U_i`` in every coordinate and ``sum(U_j) > sum(U_i)`` (sums are exact
on the grid), so equal vectors never knock each other out.  It first drops
everything strictly dominated by the 16-32 vectors with the largest sums (one
``[m, 32, N]`` comparison; high-sum vectors dominate most of a random
enumeration), then runs an exact pairwise test on the K survivors (one
``[m, K, K]`` comparison).  That is complete: a dominated vector is dominated
by a non-dominated one, and those always survive the pre-filter.  If more
than ``_SMALL_SURVIVORS`` survive (large frontiers: 4+ parties, many ties),
the general merge is used instead.  Since a small space has at most 2^20
packages, :class:`FrontierTooLarge` is raised after the (cheap) computation
here.  ``tier_reachability`` and ``smallest_relaxation`` use the same paths.

Measured on 2 cores (frontier + Nash, ``random_domain`` seed 0, 4 options):
3 parties 4^8 in ~0.2 ms (small path; NegMAS ~360 ms), 4^10 in ~1.2 ms
(small path), 4^20 (10^12 packages) in ~25 ms, 4^30 in ~0.25 s.

Bargaining points
-----------------
``nash_point`` maximises prod_p (U_p - R_p), ``kalai_smorodinsky`` maximises
min_p (U_p - R_p) / (Ideal_p - R_p) (ties broken by Nash product, then frontier
order), ``max_welfare`` maximises sum_p U_p.  All three are attained on the
frontier (each objective is monotone in every U_p), so they are searched there;
``ties`` lists every frontier package attaining the optimum (Nash and KS
values are compared with a relative tolerance of 1e-12, welfare exactly).

Other analyses
--------------
``zopa_size`` counts feasible packages exactly (meet in the middle over two
halves of the issues) up to 2e7 allowed packages, else estimates it by Monte
Carlo with a 95% interval.  ``tier_reachability`` tells, per outcome tier,
whether a feasible package satisfies it and otherwise who blocks it (red
lines, individual reservations, or a joint conflict).  ``smallest_relaxation``
lists the single changes (lift one red line, lower one reservation by the
exact minimum) that make an empty feasible set non-empty.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from sim.errors import AnalysisTooLarge

__all__ = [
    "Domain",
    "Frontier",
    "FrontierTooLarge",
    "Solution",
    "ZopaSize",
    "RedLineBlocker",
    "ReservationBlocker",
    "TierResult",
    "Relaxation",
    "random_domain",
    "pareto_frontier",
    "nash_point",
    "kalai_smorodinsky",
    "max_welfare",
    "zopa_size",
    "tier_reachability",
    "smallest_relaxation",
]

#: relative tolerance used when comparing Nash products / KS ratios for ties
REL_TOL = 1e-12

# --------------------------------------------------------------------------
# Domain
# --------------------------------------------------------------------------


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Domain:
    """A negotiation outcome space with additive utilities.

    Args:
        issues: issue ids, length n.
        options: option ids per issue, ``options[i]`` has length ``k_i >= 1``.
        parties: party ids, length m >= 1.
        contrib: per issue a float array ``[m, k_i]``: party p's points from
            option o of issue i (weight share times value), so that a package's
            utility is the sum of the picked entries.
        red_lines: per issue a bool array ``[m, k_i]``, True where party p has
            option o as a red line.
        reservation: float array ``[m]``, each party's reservation utility.

    Derived (not passed): ``allowed[i]`` (bool ``[k_i]``, False where any
    party has a red line).  Contributions are snapped to an exact dyadic grid
    (see module docstring); arrays are copied and made read-only.
    """

    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    parties: tuple[str, ...]
    contrib: tuple[np.ndarray, ...]
    red_lines: tuple[np.ndarray, ...]
    reservation: np.ndarray
    allowed: tuple[np.ndarray, ...] = field(init=False, repr=False)
    grid_exponent: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        issues = tuple(str(s) for s in self.issues)
        options = tuple(tuple(str(o) for o in opts) for opts in self.options)
        parties = tuple(str(p) for p in self.parties)
        n, m = len(issues), len(parties)
        if m < 1:
            raise ValueError("a domain needs at least one party")
        if len(options) != n or len(self.contrib) != n or len(self.red_lines) != n:
            raise ValueError(
                f"issues ({n}), options ({len(options)}), contrib ({len(self.contrib)}) "
                f"and red_lines ({len(self.red_lines)}) must have the same length"
            )
        if len(set(issues)) != n:
            raise ValueError("issue ids must be unique")
        if len(set(parties)) != m:
            raise ValueError("party ids must be unique")
        contrib, red = [], []
        for i in range(n):
            k = len(options[i])
            if k < 1:
                raise ValueError(f"issue {issues[i]!r} has no options")
            c = np.asarray(self.contrib[i], dtype=np.float64)
            r = np.asarray(self.red_lines[i], dtype=bool)
            if c.shape != (m, k):
                raise ValueError(f"contrib[{i}] has shape {c.shape}, expected {(m, k)}")
            if r.shape != (m, k):
                raise ValueError(f"red_lines[{i}] has shape {r.shape}, expected {(m, k)}")
            if not np.all(np.isfinite(c)):
                raise ValueError(f"contrib[{i}] has non-finite values")
            contrib.append(c)
            red.append(r)
        res = np.asarray(self.reservation, dtype=np.float64).reshape(-1)
        if res.shape != (m,):
            raise ValueError(f"reservation has shape {res.shape}, expected {(m,)}")
        if not np.all(np.isfinite(res)):
            raise ValueError("reservations must be finite")
        # exact dyadic grid: every sum of <= n contributions, times m, < 2**53 units
        bound = sum(float(np.max(np.abs(c))) for c in contrib) * m
        e = 0 if bound == 0.0 else 52 - math.frexp(bound)[1]
        contrib = [np.ldexp(np.rint(np.ldexp(c, e)), -e) for c in contrib]
        s = object.__setattr__
        s(self, "issues", issues)
        s(self, "options", options)
        s(self, "parties", parties)
        s(self, "contrib", tuple(_frozen(c) for c in contrib))
        s(self, "red_lines", tuple(_frozen(r) for r in red))
        s(self, "reservation", _frozen(res))
        s(self, "allowed", tuple(_frozen(~r.any(axis=0)) for r in red))
        s(self, "grid_exponent", e)

    # ---- constructors ---------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        contrib: Sequence[np.ndarray] | np.ndarray,
        red_lines: Sequence[np.ndarray] | np.ndarray | None = None,
        reservation: Sequence[float] | np.ndarray | float | None = None,
        *,
        issues: Sequence[str] | None = None,
        options: Sequence[Sequence[str]] | None = None,
        parties: Sequence[str] | None = None,
    ) -> Domain:
        """Build a domain from contribution arrays, with default ids.

        ``contrib``: sequence of ``[m, k_i]`` arrays (or one ``[n, m, k]``
        array).  ``red_lines``: same shapes, bool (default: none).
        ``reservation``: ``[m]`` or a scalar (default 0).  Default ids are
        ``I0, I1, ...``, ``o0, o1, ...`` and ``P0, P1, ...``.
        """
        contrib = [np.asarray(c, dtype=np.float64) for c in contrib]
        if not contrib and parties is None and reservation is None:
            raise ValueError("with no issues, pass parties or reservation to fix m")
        if contrib:
            m = contrib[0].shape[0]
        elif parties is not None:
            m = len(parties)
        else:
            m = int(np.asarray(reservation).size)
        if red_lines is None:
            red_lines = [np.zeros(c.shape, dtype=bool) for c in contrib]
        if reservation is None:
            reservation = np.zeros(m)
        reservation = np.broadcast_to(np.asarray(reservation, dtype=np.float64), (m,))
        issues = tuple(issues) if issues is not None else tuple(f"I{i}" for i in range(len(contrib)))
        if options is None:
            options = tuple(tuple(f"o{o}" for o in range(c.shape[1])) for c in contrib)
        parties = tuple(parties) if parties is not None else tuple(f"P{p}" for p in range(m))
        return cls(issues, tuple(map(tuple, options)), parties, tuple(contrib), tuple(red_lines), reservation)

    @classmethod
    def from_weights_values(
        cls,
        weights: np.ndarray,
        values: Sequence[np.ndarray],
        red_lines: Sequence[np.ndarray] | None = None,
        reservation: Sequence[float] | np.ndarray | float | None = None,
        **ids: Sequence,
    ) -> Domain:
        """Build from weights ``[m, n]`` and values (per issue ``[m, k_i]``, 0..100).

        ``contrib[i][p, o] = weights[p, i] * values[i][p, o] / weights[p].sum()``.
        """
        w = np.asarray(weights, dtype=np.float64)
        total = w.sum(axis=1)
        if np.any(total <= 0):
            raise ValueError("every party needs a positive total weight")
        contrib = [w[:, i, None] * np.asarray(v, dtype=np.float64) / total[:, None] for i, v in enumerate(values)]
        return cls.from_arrays(contrib, red_lines, reservation, **ids)

    # ---- basic facts ----------------------------------------------------

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    @property
    def n_options(self) -> tuple[int, ...]:
        return tuple(len(o) for o in self.options)

    @property
    def total_packages(self) -> int:
        """Size of the full product space (red lines ignored)."""
        return math.prod(self.n_options)

    @property
    def allowed_packages(self) -> int:
        """Number of packages touching no red line."""
        return math.prod(int(a.sum()) for a in self.allowed)

    def utilities(self, packages: np.ndarray) -> np.ndarray:
        """Utilities ``[P, m]`` of packages ``[P, n]`` (or ``[m]`` for one package)."""
        pk = np.asarray(packages, dtype=np.int64)
        single = pk.ndim == 1
        pk = np.atleast_2d(pk)
        u = np.zeros((pk.shape[0], self.n_parties))
        for i, c in enumerate(self.contrib):
            u += c[:, pk[:, i]].T
        return u[0] if single else u

    def is_feasible(self, packages: np.ndarray) -> np.ndarray | bool:
        """True where the package touches no red line and meets every reservation."""
        pk = np.asarray(packages, dtype=np.int64)
        single = pk.ndim == 1
        pk = np.atleast_2d(pk)
        ok = np.ones(pk.shape[0], dtype=bool)
        for i, a in enumerate(self.allowed):
            ok &= a[pk[:, i]]
        ok &= np.all(self.utilities(pk) >= self.reservation, axis=1)
        return bool(ok[0]) if single else ok

    def describe_package(self, package: Sequence[int]) -> dict[str, str]:
        """``{issue id: option id}`` for a package of option indices."""
        return {self.issues[i]: self.options[i][int(o)] for i, o in enumerate(package)}

    def with_reservation(self, reservation: Sequence[float] | np.ndarray) -> Domain:
        return replace(self, reservation=np.asarray(reservation, dtype=np.float64))

    def without_red_line(self, party: int, issue: int, option: int) -> Domain:
        red = [np.array(r) for r in self.red_lines]
        red[issue][party, option] = False
        return replace(self, red_lines=tuple(red))


def random_domain(
    n_issues: int,
    n_options: int | Sequence[int],
    n_parties: int,
    seed: int,
    red_line_prob: float = 0.0,
    reservation: float | Sequence[float] = 0.0,
) -> Domain:
    """A random additive domain, reproducible from ``seed``.

    Draws, in this order, from ``numpy.random.default_rng(seed)``: weights
    ``uniform(0, 1, (m, n))``; then per issue values ``uniform(0, 100, (m, k_i))``;
    then, only if ``red_line_prob > 0``, per issue red lines
    ``random((m, k_i)) < red_line_prob``.  Contributions are
    ``w * v / sum(w)``; reservations are ``reservation`` (default 0).
    """
    rng = np.random.default_rng(seed)
    ks = [int(n_options)] * n_issues if np.isscalar(n_options) else [int(k) for k in n_options]
    if len(ks) != n_issues:
        raise ValueError("n_options must be an int or have one entry per issue")
    weights = rng.uniform(0.0, 1.0, (n_parties, n_issues))
    values = [rng.uniform(0.0, 100.0, (n_parties, k)) for k in ks]
    red = None
    if red_line_prob > 0:
        red = [rng.random((n_parties, k)) < red_line_prob for k in ks]
    return Domain.from_weights_values(weights, values, red, reservation)


# --------------------------------------------------------------------------
# Non-dominated filters (input: DISTINCT rows sorted lexicographically desc)
# --------------------------------------------------------------------------

_CHUNK = 1 << 22  # elements per temporary block in vectorised comparisons


def _dominators_exist(F: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """For each row of Q: is some row of F >= it in coordinates 1.. (chunked).

    Callers guarantee coordinate 0 of every F row is >= that of every Q row
    (F precedes Q in lexicographic-descending order).
    """
    out = np.zeros(Q.shape[0], dtype=bool)
    if F.shape[0] == 0 or Q.shape[0] == 0:
        return out
    rows = max(1, _CHUNK // F.shape[0])
    for a in range(0, Q.shape[0], rows):
        q = Q[a : a + rows]
        ge = np.less_equal.outer(q[:, 1], F[:, 1])
        for c in range(2, Q.shape[1]):
            ge &= np.less_equal.outer(q[:, c], F[:, c])
        out[a : a + rows] = ge.any(axis=1)
    return out


def _nd_pairwise(P: np.ndarray) -> np.ndarray:
    """Generic filter, any m: compare against the non-dominated points so far."""
    N, m = P.shape
    keep = np.zeros(N, dtype=bool)
    if N == 0 or m == 1:
        keep[:1] = True  # m = 1: distinct values sorted descending, only the first survives
        return keep
    step = 256
    nd = np.empty((0, m))
    lower = np.tri(step, step, k=-1, dtype=bool)  # lower[i, j]: j < i
    for a in range(0, N, step):
        blk = P[a : a + step]
        b = len(blk)
        dom = _dominators_exist(nd, blk)
        # within the block: j < i only (lexicographic order)
        ge = lower[:b, :b].copy()
        for c in range(1, m):
            ge &= np.greater_equal.outer(blk[:, c], blk[:, c]).T
        dom |= ge.any(axis=1)
        keep[a : a + b] = ~dom
        nd = np.concatenate([nd, blk[~dom]])
    return keep


def _nd_3d(P: np.ndarray) -> np.ndarray:
    """m = 3: for every i, "is there j < i with y_j >= y_i and z_j >= z_i"?

    Points are cut into blocks of B consecutive indices (x-blocks) and,
    independently, blocks of B consecutive y-ranks (y-blocks).  The prefix
    {j < i} is (whole x-blocks before i's) + (i's own x-block up to i); the
    y-condition is (whole y-blocks above i's) + (i's own y-block from i's rank
    on).  A (N/B)^2 table of max z per (x-block prefix, y-block suffix) answers
    whole-whole; the two partial parts are vectorised scans of B points each.
    O(N * B + (N / B)^2) with B ~ N^(1/3).
    """
    N = P.shape[0]
    if N <= 96:
        return _nd_pairwise(P)
    y = np.ascontiguousarray(P[:, 1])
    z = np.ascontiguousarray(P[:, 2])
    B = max(16, int(2.0 * N ** (1.0 / 3.0)))
    nb = -(-N // B)
    yorder = np.argsort(y, kind="stable")
    pos = np.empty(N, dtype=np.intp)
    pos[yorder] = np.arange(N)
    r = np.searchsorted(y[yorder], y, side="left")  # y_j >= y_i  <=>  pos_j >= r_i
    idx = np.arange(N)
    bx = idx // B
    ry = r // B
    # whole x-blocks before i  x  whole y-blocks above i's
    table = np.full((nb, nb), -np.inf)
    np.maximum.at(table, (bx, pos // B), z)
    np.maximum.accumulate(table, axis=0, out=table)
    table = np.maximum.accumulate(table[:, ::-1], axis=1)[:, ::-1]
    ok = (bx > 0) & (ry + 1 < nb)
    dom = np.zeros(N, dtype=bool)
    dom[ok] = table[bx[ok] - 1, ry[ok] + 1] >= z[ok]
    # padded views by y-rank: x-block and z (padding never qualifies)
    pad = nb * B - N
    ybx = np.concatenate([bx[yorder], np.full(pad, np.iinfo(np.intp).max)])
    yz = np.concatenate([z[yorder], np.full(pad, -np.inf)])
    offs = np.arange(B)
    rows = max(1, _CHUNK // B)
    for a in range(0, N, rows):
        q = slice(a, min(a + rows, N))
        # whole x-blocks before i  x  i's own y-block, ranks >= r_i
        cols = (ry[q] * B)[:, None] + offs[None, :]
        hit = (cols >= r[q][:, None]) & (ybx[cols] < bx[q][:, None]) & (yz[cols] >= z[q][:, None])
        dom[q] |= hit.any(axis=1)
    # i's own x-block, j < i: small pairwise comparisons
    Y = np.concatenate([y, np.full(pad, -np.inf)]).reshape(nb, B)
    Z = np.concatenate([z, np.full(pad, -np.inf)]).reshape(nb, B)
    lower = np.tri(B, B, k=-1, dtype=bool)  # lower[i, j]: j < i
    brows = max(1, _CHUNK // (B * B))
    for a in range(0, nb, brows):
        Yb, Zb = Y[a : a + brows], Z[a : a + brows]
        ge = (Yb[:, None, :] >= Yb[:, :, None]) & (Zb[:, None, :] >= Zb[:, :, None]) & lower
        dom[a * B : (a + brows) * B] |= ge.any(axis=2).reshape(-1)[: min(N, (a + brows) * B) - a * B]
    return ~dom


def _nondominated(P: np.ndarray) -> np.ndarray:
    """Keep-mask over distinct rows sorted lexicographically descending."""
    N, m = P.shape
    if N == 0:
        return np.zeros(0, dtype=bool)
    if m == 1:
        keep = np.zeros(N, dtype=bool)
        keep[0] = True
        return keep
    if m == 2:
        keep = np.ones(N, dtype=bool)
        pm = np.maximum.accumulate(P[:, 1])
        keep[1:] = pm[:-1] < P[1:, 1]
        return keep
    if m == 3:
        return _nd_3d(P)
    return _nd_pairwise(P)


def _lexsort_desc(U: np.ndarray) -> np.ndarray:
    """Indices sorting rows of U lexicographically descending (column 0 primary)."""
    return np.lexsort(tuple(-U[:, p] for p in range(U.shape[1] - 1, -1, -1)))


# --------------------------------------------------------------------------
# Frontier core (on raw arrays, so relaxations can reuse it)
# --------------------------------------------------------------------------


class FrontierTooLarge(AnalysisTooLarge, ValueError):
    """The frontier has more packages (ties included) than the caller allowed."""

    def __init__(self, count: float, distinct: int, limit: int):
        self.count, self.distinct, self.limit = count, distinct, limit
        super().__init__(
            f"the Pareto frontier has {count:,.0f} packages ({distinct:,} distinct utility vectors), "
            f"over the limit of {limit:,}: many options tie (same value to every party)"
        )


@dataclass
class _Merged:
    """Result of the issue-by-issue merge: distinct frontier vectors + back-pointers."""

    V: np.ndarray  # [F, m] distinct frontier vectors, lexicographically descending
    ways: np.ndarray  # [F] packages reaching each vector (float, for size guards)
    back: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per step: (node, parent, option)
    order: list[int]  # issue merged at each step
    n: int


def _merge(
    contrib: Sequence[np.ndarray],
    allowed: Sequence[np.ndarray],
    m: int,
    reservation: np.ndarray | None,
) -> _Merged | None:
    """Issue-by-issue merge; None when no package qualifies.

    ``reservation=None`` ignores reservations; entries may be ``-inf``.
    """
    n = len(contrib)
    opts = [np.flatnonzero(a) for a in allowed]
    if any(len(o) == 0 for o in opts):
        return None
    cols = [contrib[i][:, opts[i]].T for i in range(n)]  # [k', m]
    # merge order: issues with the widest contribution spread first (tightens bounds early)
    spread = [float(np.max(c.max(axis=0) - c.min(axis=0))) for c in cols]
    order = sorted(range(n), key=lambda i: (-spread[i], i))
    prune = reservation is not None and bool(np.any(np.isfinite(reservation)))
    ub_rest = np.zeros((n + 1, m))
    for s in range(n - 1, -1, -1):
        ub_rest[s] = ub_rest[s + 1] + cols[order[s]].max(axis=0)
    V = np.zeros((1, m))
    ways = np.ones(1)
    back: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    if prune and not np.all(V[0] + ub_rest[0] >= reservation):
        return None
    for step, i in enumerate(order):
        C = cols[i]
        k = C.shape[0]
        s = V.shape[0]
        cand = (V[:, None, :] + C[None, :, :]).reshape(-1, m)
        parent = np.repeat(np.arange(s), k)
        opt = np.tile(opts[i], s)
        if prune:
            ok = np.all(cand + ub_rest[step + 1] >= reservation, axis=1)
            if not ok.all():
                cand, parent, opt = cand[ok], parent[ok], opt[ok]
        if cand.shape[0] == 0:
            return None
        srt = _lexsort_desc(cand)
        cand, parent, opt = cand[srt], parent[srt], opt[srt]
        first = np.ones(cand.shape[0], dtype=bool)
        first[1:] = np.any(cand[1:] != cand[:-1], axis=1)
        gid = np.cumsum(first) - 1
        uniq = cand[first]
        keep_u = _nondominated(uniq)
        keep = keep_u[gid]
        new_id = np.cumsum(keep_u) - 1
        back.append((new_id[gid[keep]], parent[keep], opt[keep]))
        V = uniq[keep_u]
        ways = np.bincount(back[-1][0], weights=ways[back[-1][1]], minlength=V.shape[0])
    return _Merged(V, ways, back, order, n)


def _expand(mg: _Merged, nodes: np.ndarray, max_packages: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every package reaching the given final nodes, in frontier order."""
    nodes = np.asarray(nodes, dtype=np.intp)
    total = float(mg.ways[nodes].sum())
    if max_packages is not None and total > max_packages:
        raise FrontierTooLarge(total, int(nodes.size), max_packages)
    n, m = mg.n, mg.V.shape[1]
    final = nodes.copy()
    node = nodes.copy()
    picked: list[np.ndarray] = []
    for step in range(n - 1, -1, -1):
        nid, par, opt = mg.back[step]
        counts = np.bincount(nid, minlength=int(nid[-1]) + 1)
        starts = np.cumsum(counts) - counts
        c = counts[node]
        rep = np.repeat(np.arange(node.size), c)
        offs = np.arange(rep.size) - np.repeat(np.cumsum(c) - c, c)
        entry = starts[node][rep] + offs
        final = final[rep]
        picked = [p[rep] for p in picked]
        picked.append(opt[entry])
        node = par[entry]
    packages = np.empty((final.size, n), dtype=np.int64)
    for step, col in zip(range(n - 1, -1, -1), picked, strict=True):
        packages[:, mg.order[step]] = col
    utilities = mg.V[final].reshape(-1, m)
    keys = [packages[:, i] for i in range(n - 1, -1, -1)] + [-utilities[:, p] for p in range(m - 1, -1, -1)]
    srt = np.lexsort(keys)
    return packages[srt], utilities[srt]


# --------------------------------------------------------------------------
# Small spaces: two enumerated halves and a vectorised skyline
# --------------------------------------------------------------------------

_SMALL_PACKAGES = 1 << 20  # allowed packages up to which _frontier_small is used ...
_SMALL_HALF = 4096  # ... if neither half has more packages than this,
_SMALL_CANDIDATES = 1 << 15  # the final merge has at most this many candidates
_SMALL_SURVIVORS = 1024  # and no pairwise test is larger than this (else: general path)
_FILTER_HALF, _FILTER_FINAL = 16, 32  # pre-filter points per skyline (halves / final)


def _skyline(U: np.ndarray, top: int) -> np.ndarray | None:
    """Ascending indices of the columns of ``U`` ``[m, N]`` no other column strictly dominates.

    Columns may repeat (tied packages): equal columns never dominate each
    other, so every copy of a frontier vector is kept.  On the dyadic grid
    column sums are exact, so "j strictly dominates i" is tested exactly as
    ``U[:, j] >= U[:, i]`` everywhere and ``sum_j > sum_i``.

    1. Pre-filter (only when N > 3 * top): drop every column strictly
       dominated by one of the ``top`` columns with the largest sums (one
       ``[m, top, N]`` comparison).  Whatever those columns are, a column is
       only dropped for a real dominator; high-sum columns dominate many.
    2. Exact pairwise test among the K survivors (one ``[m, K, K]``
       comparison).  That is enough: a dominated column is dominated by some
       non-dominated column (take a dominator with the largest sum), and
       non-dominated columns always survive step 1.

    None when more than _SMALL_SURVIVORS columns survive step 1.
    """
    N = U.shape[1]
    s = U.sum(axis=0)
    sel = None
    if N > 3 * top:
        best = np.argpartition(s, N - top)[N - top :]
        dom = (U.take(best, axis=1)[:, :, None] >= U[:, None, :]).all(axis=0)  # [top, N]
        dom &= s[best, None] > s
        sel = np.flatnonzero(~dom.any(axis=0))
        if sel.size > _SMALL_SURVIVORS:
            return None
        U, s = U.take(sel, axis=1), s[sel]
    elif N > _SMALL_SURVIVORS:
        return None
    dom = (U[:, None, :] >= U[:, :, None]).all(axis=0)  # dom[i, j]: column j >= column i
    dom &= s > s[:, None]
    keep = np.flatnonzero(~dom.any(axis=1))
    return keep if sel is None else sel[keep]


def _frontier_small(
    contrib: Sequence[np.ndarray],
    allowed: Sequence[np.ndarray],
    m: int,
    reservation: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Frontier of a small space by two enumerated halves (see module docstring).

    (packages [F, n], utilities [F, m]) in frontier order, or None when the
    space is too large for this path (see the _SMALL_* limits; the caller then
    uses :func:`_merge`).  The result is identical to the general path's.
    """
    n = len(contrib)
    ks = [c.shape[1] for c in contrib]
    offs = [0]
    for k in ks:
        offs.append(offs[-1] + k)
    C = np.concatenate(contrib, axis=1)  # [m, sum k]: every option of every issue
    ok = np.concatenate(allowed)
    if ok.all():
        opt, sizes, starts = None, ks, offs
    else:  # keep the allowed options only; opt maps back to option indices
        opt = np.flatnonzero(ok)
        sizes = np.add.reduceat(ok, offs[:-1], dtype=np.intp).tolist()
        C = C.take(opt, axis=1)
        starts = [0]
        for k in sizes:
            starts.append(starts[-1] + k)
    total = math.prod(sizes)
    if total > _SMALL_PACKAGES:
        return None
    empty = np.zeros((0, n), dtype=np.int64), np.zeros((0, m))
    if total == 0:
        return empty
    # split the issues into two halves [0, split) and [split, n) of balanced size
    split, size, best = 0, 1, total
    for j, k in enumerate(sizes):
        size *= k
        if max(size, total // size) < best:
            split, best = j + 1, max(size, total // size)
    if best > _SMALL_HALF:
        return None
    prune = False
    if reservation is not None:
        lo = np.minimum.reduceat(C, starts[:-1], axis=1)  # [m, n] per-issue extremes
        hi = np.maximum.reduceat(C, starts[:-1], axis=1)
        if (hi.sum(axis=1) < reservation).any():
            return empty
        prune = bool((lo.sum(axis=1) < reservation).any())  # else every package qualifies
    # utility vectors of every allowed half package, as columns, in mixed-radix order
    halves = []
    for a, b in ((0, split), (split, n)):
        H = C[:, starts[a] : starts[a + 1]] if a < b else np.zeros((m, 1))
        for i in range(a + 1, b):
            H = (H[:, :, None] + C[:, None, starts[i] : starts[i + 1]]).reshape(m, -1)
        halves.append(H)
    A, B = halves
    ia = ib = None
    if prune:  # bound: a half package that misses R even with the best other half
        R = reservation[:, None]
        ia = np.flatnonzero((A + hi[:, split:].sum(axis=1)[:, None] >= R).all(axis=0))
        ib = np.flatnonzero((B + hi[:, :split].sum(axis=1)[:, None] >= R).all(axis=0))
        if ia.size == 0 or ib.size == 0:
            return empty
        A, B = A.take(ia, axis=1), B.take(ib, axis=1)
    ka, kb = _skyline(A, _FILTER_HALF), _skyline(B, _FILTER_HALF)
    if ka is None or kb is None or ka.size * kb.size > _SMALL_CANDIDATES:
        return None
    cand = (A.take(ka, axis=1)[:, :, None] + B.take(kb, axis=1)[:, None, :]).reshape(m, -1)
    ci = None
    if prune:
        ci = np.flatnonzero((cand >= reservation[:, None]).all(axis=0))
        cand = cand.take(ci, axis=1)
    keep = _skyline(cand, _FILTER_FINAL)
    if keep is None:
        return None
    U = cand.take(keep, axis=1)  # [m, F]
    if ci is not None:
        keep = ci[keep]
    fa, fb = np.divmod(keep, kb.size)
    fa, fb = ka[fa], kb[fb]
    if ia is not None:
        fa, fb = ia[fa], ib[fb]
    # mixed-radix index over all issues: its order is the packages' lexicographic order
    flat = fa * (total // math.prod(sizes[:split])) + fb
    srt = np.lexsort(np.vstack([flat, -U[::-1]]))  # utilities descending, then packages
    strides = [1] * n
    for i in range(n - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    pk = flat[srt, None] // np.array(strides, dtype=np.int64) % np.array(sizes, dtype=np.int64)
    if opt is not None:
        pk = opt[pk + np.array(starts[:-1])] - np.array(offs[:-1])
    return pk.astype(np.int64, copy=False), np.ascontiguousarray(U.T[srt])


def _frontier_core(
    contrib: Sequence[np.ndarray],
    allowed: Sequence[np.ndarray],
    m: int,
    reservation: np.ndarray | None,
    max_packages: int | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(packages [F, n], utilities [F, m], distinct vectors) in frontier order.

    Raises :class:`FrontierTooLarge` rather than return more than
    ``max_packages`` packages (the general path before expanding them; a
    small space has at most 2^20 packages, so its frontier is computed first).
    """
    small = _frontier_small(contrib, allowed, m, reservation) if contrib else None
    if small is not None:
        pk, u = small
        distinct = int(np.count_nonzero((u[1:] != u[:-1]).any(axis=1))) + 1 if len(u) else 0
        if max_packages is not None and len(pk) > max_packages:
            raise FrontierTooLarge(len(pk), distinct, max_packages)
        return pk, u, distinct
    mg = _merge(contrib, allowed, m, reservation)
    if mg is None:
        return np.zeros((0, len(contrib)), dtype=np.int64), np.zeros((0, m)), 0
    pk, u = _expand(mg, np.arange(mg.V.shape[0]), max_packages)
    return pk, u, mg.V.shape[0]


def _frontier_vectors(
    contrib: Sequence[np.ndarray],
    allowed: Sequence[np.ndarray],
    m: int,
    reservation: np.ndarray | None,
) -> np.ndarray | None:
    """Utility vectors ``[F, m]`` of the frontier (may repeat); None when no package qualifies."""
    small = _frontier_small(contrib, allowed, m, reservation) if contrib else None
    if small is not None:
        return small[1] if len(small[1]) else None
    mg = _merge(contrib, allowed, m, reservation)
    return None if mg is None else mg.V


# --------------------------------------------------------------------------
# Public results
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Frontier:
    """Every Pareto-optimal package, in frontier order.

    ``packages``: int ``[F, n]`` option indices; ``utilities``: ``[F, m]``;
    ``distinct``: number of distinct utility vectors (< F when packages tie).
    """

    packages: np.ndarray
    utilities: np.ndarray
    distinct: int
    feasible_only: bool

    @property
    def count(self) -> int:
        return int(self.packages.shape[0])

    def __len__(self) -> int:
        return self.count


@dataclass(frozen=True, eq=False)
class Solution:
    """A bargaining point: the first optimal package in frontier order.

    ``value`` is the objective (Nash product, KS ratio or welfare); ``ties``
    ``[T, n]`` holds every frontier package attaining it (``ties[0]`` is
    ``package``) and ``tie_utilities`` their utilities.
    """

    package: np.ndarray
    utilities: np.ndarray
    value: float
    ties: np.ndarray
    tie_utilities: np.ndarray


def pareto_frontier(domain: Domain, feasible_only: bool = True, max_packages: int = 10_000_000) -> Frontier:
    """Exact Pareto frontier over all packages, ties included.

    ``feasible_only=True``: among feasible packages (no red line, every
    reservation met).  ``False``: among packages touching no red line.
    Raises :class:`FrontierTooLarge` (a ValueError) rather than list more than
    ``max_packages`` packages, which only happens when many options tie.
    """
    res = domain.reservation if feasible_only else None
    pk, u, d = _frontier_core(domain.contrib, domain.allowed, domain.n_parties, res, max_packages)
    return Frontier(pk, u, d, feasible_only)


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


def _welfare_scores(U: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = U.sum(axis=1)  # exact on the grid
    return _best(w, exact=True), w


def _solution(pk: np.ndarray, U: np.ndarray, mask: np.ndarray, score: np.ndarray) -> Solution:
    ties, tu = pk[mask], U[mask]
    return Solution(ties[0].copy(), tu[0].copy(), float(score[mask][0]), ties, tu)


def _frontier_of(domain: Domain, frontier: Frontier | None) -> Frontier:
    if frontier is None:
        return pareto_frontier(domain, feasible_only=True)
    if not frontier.feasible_only:
        raise ValueError("pass a feasible_only frontier")
    return frontier


def _point(domain: Domain, frontier: Frontier | None, scores) -> Solution | None:
    f = _frontier_of(domain, frontier)
    if f.count == 0:
        return None
    mask, score = scores(f.utilities, domain.reservation)
    return _solution(f.packages, f.utilities, mask, score)


def nash_point(domain: Domain, frontier: Frontier | None = None) -> Solution | None:
    """Feasible package(s) maximising prod_p (U_p - R_p); None if none is feasible.

    ``frontier``: a precomputed ``pareto_frontier(domain)`` to reuse.
    """
    return _point(domain, frontier, _nash_scores)


def kalai_smorodinsky(domain: Domain, frontier: Frontier | None = None) -> Solution | None:
    """Feasible package maximising min_p (U_p - R_p) / (Ideal_p - R_p).

    ``Ideal_p`` is the best feasible U_p; a party with ``Ideal_p == R_p`` scores
    1.  Ties are broken by Nash product, then frontier order; ``ties`` holds
    the packages tied on both.
    """
    return _point(domain, frontier, _ks_scores)


def max_welfare(domain: Domain, frontier: Frontier | None = None) -> Solution | None:
    """Feasible package(s) maximising sum_p U_p (exact ties); None if none is feasible."""
    return _point(domain, frontier, _welfare_scores)


def _witness(domain: Domain, allowed: Sequence[np.ndarray]) -> Solution | None:
    """Nash point of the domain restricted to ``allowed`` (general path: expanding only its ties)."""
    R = domain.reservation
    small = _frontier_small(domain.contrib, allowed, domain.n_parties, R) if domain.n_issues else None
    if small is not None:
        return _solution(*small, *_nash_scores(small[1], R)) if len(small[0]) else None
    mg = _merge(domain.contrib, allowed, domain.n_parties, R)
    if mg is None:
        return None
    mask, score = _nash_scores(mg.V, R)
    pk, U = _expand(mg, np.flatnonzero(mask), max_packages=10_000_000)
    return Solution(pk[0].copy(), U[0].copy(), float(score[mask][0]), pk, U)


# --------------------------------------------------------------------------
# ZOPA size
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ZopaSize:
    """Number of feasible packages.

    ``exact``: ``count`` is exact (``low == high == count``); otherwise it is a
    Monte-Carlo estimate from ``samples`` uniform draws over the ``allowed``
    packages with a 95% Wilson interval ``[low, high]``.  ``total`` is the
    full product space, ``allowed`` the packages touching no red line.
    """

    count: float
    low: float
    high: float
    exact: bool
    total: int
    allowed: int
    samples: int = 0

    @property
    def fraction(self) -> float:
        """Feasible share of the allowed packages."""
        return self.count / self.allowed if self.allowed else 0.0


def _enumerate(cols: Sequence[np.ndarray], m: int) -> np.ndarray:
    U = np.zeros((1, m))
    for C in cols:
        U = (U[:, None, :] + C[None, :, :]).reshape(-1, m)
    return U


def zopa_size(
    domain: Domain,
    exact_limit: int = 20_000_000,
    samples: int = 200_000,
    seed: int = 0,
) -> ZopaSize:
    """Number of feasible packages.

    Exact when at most ``exact_limit`` packages touch no red line: meet in
    the middle -- enumerate the utility vectors of two halves of the issues and
    count pairs whose (exact) sums meet every reservation, chunked, about 5 ns
    per package (2e7 packages ~ 0.1 s).  Also exact (0) whenever some issue has
    every option red-lined or some party cannot reach its reservation even
    alone.  Otherwise a Monte-Carlo estimate: ``samples`` uniform draws over
    the allowed packages with numpy ``default_rng(seed)``, 95% Wilson interval.
    """
    m = domain.n_parties
    R = domain.reservation
    total, allowed = domain.total_packages, domain.allowed_packages
    opts = [np.flatnonzero(a) for a in domain.allowed]
    cols = [domain.contrib[i][:, o].T for i, o in enumerate(opts)]
    if allowed == 0:
        return ZopaSize(0, 0, 0, True, total, allowed)
    best = sum((c.max(axis=0) for c in cols), np.zeros(m))
    if np.any(best < R):
        return ZopaSize(0, 0, 0, True, total, allowed)
    if allowed <= exact_limit:
        # meet in the middle: enumerate two halves, count pairs with a + b >= R
        sizes = [len(o) for o in opts]
        split = min(range(len(sizes) + 1), key=lambda j: max(math.prod(sizes[:j]), math.prod(sizes[j:])))
        A, B = _enumerate(cols[:split], m), _enumerate(cols[split:], m)
        if A.shape[0] < B.shape[0]:
            A, B = B, A
        count = 0
        rows = max(1, _CHUNK // max(1, B.shape[0]))
        for a in range(0, A.shape[0], rows):
            # a + b >= R, one party at a time (the sums are exact on the grid)
            ok = np.add.outer(A[a : a + rows, 0], B[:, 0]) >= R[0]
            for p in range(1, m):
                ok &= np.add.outer(A[a : a + rows, p], B[:, p]) >= R[p]
            count += int(np.count_nonzero(ok))
        return ZopaSize(count, count, count, True, total, allowed)
    rng = np.random.default_rng(seed)
    hits = 0
    step = 50_000
    for a in range(0, samples, step):
        sz = min(step, samples - a)
        U = np.zeros((sz, m))
        for o, c in zip(opts, cols, strict=True):
            U += c[rng.integers(0, len(o), size=sz)]
        hits += int(np.count_nonzero(np.all(U >= R, axis=1)))
    p = hits / samples
    z = 1.959963984540054
    den = 1 + z * z / samples
    centre = (p + z * z / (2 * samples)) / den
    half = z * math.sqrt(p * (1 - p) / samples + z * z / (4 * samples * samples)) / den
    low, high = max(0.0, centre - half) * allowed, min(1.0, centre + half) * allowed
    return ZopaSize(p * allowed, low, high, False, total, allowed, samples)


# --------------------------------------------------------------------------
# Tier reachability
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RedLineBlocker:
    """Every listed option of a required issue is someone's red line.

    ``per_option``: ``(option index, party indices with that red line)`` for
    each listed option; ``parties``: their union (sorted party indices).
    """

    issue: int
    issue_id: str
    options: tuple[int, ...]
    parties: tuple[int, ...]
    party_ids: tuple[str, ...]
    per_option: tuple[tuple[int, tuple[int, ...]], ...]


@dataclass(frozen=True)
class ReservationBlocker:
    """Party cannot reach its reservation anywhere in the tier (others ignored).

    ``gap = reservation - max_attainable > 0``.
    """

    party: int
    party_id: str
    max_attainable: float
    reservation: float
    gap: float


@dataclass(frozen=True, eq=False)
class TierResult:
    """Whether a tier (``condition``: issue -> allowed options) is reachable.

    If not: ``red_line_blockers`` (issues whose listed options are all red
    lines), ``reservation_blockers`` (parties who cannot reach their
    reservation even alone, computed with red-line-blocked issues relaxed to
    their listed options), and ``joint_conflict`` (True when no single party is
    to blame: reservations are only incompatible jointly).  ``witness`` is the
    Nash point within the tier when reachable.
    """

    condition: dict[int, tuple[int, ...]]
    reachable: bool
    red_line_blockers: tuple[RedLineBlocker, ...]
    reservation_blockers: tuple[ReservationBlocker, ...]
    joint_conflict: bool
    witness: Solution | None


def _index(name: object, ids: tuple[str, ...], what: str) -> int:
    if isinstance(name, str):
        try:
            return ids.index(name)
        except ValueError:
            raise ValueError(f"unknown {what} {name!r}") from None
    i = int(name)  # type: ignore[call-overload]
    if not 0 <= i < len(ids):
        raise ValueError(f"{what} index {i} out of range (0..{len(ids) - 1})")
    return i


def _tier_mask(
    domain: Domain, condition: Mapping[int | str, Iterable[int | str]]
) -> tuple[dict[int, tuple[int, ...]], list[np.ndarray]]:
    cond: dict[int, tuple[int, ...]] = {}
    masks = [np.ones(k, dtype=bool) for k in domain.n_options]
    for key, os_ in condition.items():
        i = _index(key, domain.issues, "issue")
        if isinstance(os_, str):
            os_ = (os_,)
        listed = tuple(sorted({_index(o, domain.options[i], f"option of issue {domain.issues[i]!r}") for o in os_}))
        if not listed:
            raise ValueError(f"condition lists no option for issue {domain.issues[i]!r}")
        if i in cond:
            raise ValueError(f"condition names issue {domain.issues[i]!r} twice")
        cond[i] = listed
        masks[i] = np.zeros(domain.n_options[i], dtype=bool)
        masks[i][list(listed)] = True
    return dict(sorted(cond.items())), masks


def tier_reachability(
    domain: Domain,
    conditions: Sequence[Mapping[int | str, Iterable[int | str]]] | Mapping[int | str, Iterable[int | str]],
) -> list[TierResult]:
    """Reachability and blockers for each tier condition (see :class:`TierResult`).

    A condition maps issues to the options the agreement must pick one of.
    Issues and options may be given as indices or as ids (``{"price": ["low"]}``);
    ``TierResult.condition`` always uses indices.  A single mapping is accepted
    and treated as a list of one.
    """
    if isinstance(conditions, Mapping):
        conditions = [conditions]
    out = []
    for condition in conditions:
        cond, masks = _tier_mask(domain, condition)
        allowed = [a & t for a, t in zip(domain.allowed, masks, strict=True)]
        witness = _witness(domain, allowed)
        if witness is not None:
            out.append(TierResult(cond, True, (), (), False, witness))
            continue
        red_blocks = []
        relaxed = list(allowed)
        for i, listed in cond.items():
            if allowed[i].any():
                continue
            per_option = tuple(
                (o, tuple(int(p) for p in np.flatnonzero(domain.red_lines[i][:, o]))) for o in listed
            )
            parties = tuple(sorted({p for _, ps in per_option for p in ps}))
            red_blocks.append(
                RedLineBlocker(i, domain.issues[i], listed, parties, tuple(domain.parties[p] for p in parties), per_option)
            )
            relaxed[i] = masks[i]
        # issues unconstrained by the tier can have every option red-lined too
        for i, a in enumerate(allowed):
            if not a.any() and i not in cond:
                listed = tuple(range(domain.n_options[i]))
                per_option = tuple((o, tuple(int(p) for p in np.flatnonzero(domain.red_lines[i][:, o]))) for o in listed)
                parties = tuple(sorted({p for _, ps in per_option for p in ps}))
                red_blocks.append(
                    RedLineBlocker(i, domain.issues[i], listed, parties, tuple(domain.parties[p] for p in parties), per_option)
                )
                relaxed[i] = np.ones(domain.n_options[i], dtype=bool)
        res_blocks = []
        for p in range(domain.n_parties):
            best = sum(float(domain.contrib[i][p, relaxed[i]].max()) for i in range(domain.n_issues))
            r = float(domain.reservation[p])
            if best < r:
                res_blocks.append(ReservationBlocker(p, domain.parties[p], best, r, r - best))
        joint = not red_blocks and not res_blocks
        out.append(TierResult(cond, False, tuple(red_blocks), tuple(res_blocks), joint, None))
    return out


# --------------------------------------------------------------------------
# Smallest relaxation
# --------------------------------------------------------------------------


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
            assert self.issue is not None and self.option is not None
            return domain.without_red_line(self.party, self.issue, self.option)
        res = np.array(domain.reservation)
        res[self.party] = self.new_reservation
        return domain.with_reservation(res)


def smallest_relaxation(
    domain: Domain, condition: Mapping[int | str, Iterable[int | str]] | None = None
) -> list[Relaxation]:
    """Single changes that make the feasible set non-empty, smallest first.

    Empty list when the feasible set is already non-empty.  Candidates: every
    red line that is the *only* red line on its option and whose removal makes
    some package feasible (size 0, ranked by ``slack`` descending), and, per
    party, the exact minimal reservation decrease (ranked by ``delta``).
    With ``condition`` the analysis is restricted to that tier.
    """
    m, n = domain.n_parties, domain.n_issues
    if condition is not None:
        _, masks = _tier_mask(domain, condition)
    else:
        masks = [np.ones(k, dtype=bool) for k in domain.n_options]
    allowed = [a & t for a, t in zip(domain.allowed, masks, strict=True)]
    R = domain.reservation
    if _frontier_vectors(domain.contrib, allowed, m, R) is not None:
        return []
    out: list[Relaxation] = []
    # red lines: only a sole red line on an option can be lifted by one change
    for i in range(n):
        red = domain.red_lines[i]
        sole = (red.sum(axis=0) == 1) & masks[i]
        for o in np.flatnonzero(sole):
            p = int(np.flatnonzero(red[:, o])[0])
            trial = list(allowed)
            trial[i] = np.zeros_like(allowed[i])
            trial[i][o] = True  # any newly feasible package must use this option
            V = _frontier_vectors(domain.contrib, trial, m, R)
            if V is None:
                continue
            slack = float(np.max(np.min(V - R, axis=1)))  # max-min is attained on the frontier
            changed = domain.without_red_line(p, i, int(o))
            witness = _witness(changed, [a & t for a, t in zip(changed.allowed, masks, strict=True)])
            out.append(
                Relaxation(
                    "red_line", p, domain.parties[p], 0.0, slack,
                    issue=i, issue_id=domain.issues[i], option=int(o), option_id=domain.options[i][o],
                    witness=witness,
                )
            )
    # reservations: best U_p subject to everyone else's constraints (on their joint frontier)
    for p in range(m):
        Rp = np.array(R)
        Rp[p] = -np.inf
        V = _frontier_vectors(domain.contrib, allowed, m, Rp)
        if V is None:
            continue
        best = float(V[:, p].max())
        delta = float(R[p] - best)
        changed = domain.with_reservation(np.where(np.arange(m) == p, best, R))
        witness = _witness(changed, allowed)
        out.append(
            Relaxation(
                "reservation", p, domain.parties[p], delta, 0.0,
                delta=delta, new_reservation=best, witness=witness,
            )
        )
    out.sort(key=lambda r: (r.size, -r.slack, r.kind != "red_line", r.party, r.issue or 0, r.option or 0))
    return out
