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
The product space is never enumerated.  Issues are merged one at a time:

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

   * m = 2: prefix maximum of the 2nd coordinate.
   * m = 3: "is there j < i with y_j >= y_i and z_j >= z_i", answered for all
     points at once with a blocked prefix table: points are cut into blocks of
     ~sqrt(N); ``M[b, r]`` = max z among blocks ``<= b`` whose y-rank is
     ``>= r`` (two ``np.maximum.accumulate`` passes); the part of the prefix
     inside the point's own block is a small vectorised pairwise comparison.
     O(N^1.5) numpy work, no Python loop over points.
   * m >= 4 (and m = 1): chunked pairwise comparison against the
     non-dominated points found so far.
5. After the last issue the surviving nodes are exactly the distinct frontier
   vectors; back-pointers are expanded (vectorised) into every package that
   reaches each vector, and packages are sorted by utility vector descending
   (lexicographic) and then by option indices ascending.  This is the
   "frontier order" used for all tie-breaking below.

Bargaining points
-----------------
``nash_point`` maximises prod_p (U_p - R_p), ``kalai_smorodinsky`` maximises
min_p (U_p - R_p) / (Ideal_p - R_p) (ties broken by Nash product, then frontier
order), ``max_welfare`` maximises sum_p U_p.  All three are attained on the
frontier (each objective is monotone in every U_p), so they are searched there;
``ties`` lists every frontier package attaining the optimum (Nash and KS
values are compared with a relative tolerance of 1e-12, welfare exactly).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

__all__ = [
    "Domain",
    "Frontier",
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


def _nd_pairwise(P: np.ndarray) -> np.ndarray:
    """Generic filter, any m: compare against the non-dominated points so far."""
    N, m = P.shape
    keep = np.zeros(N, dtype=bool)
    step = max(1, min(N, int(math.isqrt(_CHUNK // max(m, 1)))))
    nd = np.empty((0, m))
    for a in range(0, N, step):
        blk = P[a : a + step]
        b = len(blk)
        dom = np.zeros(b, dtype=bool)
        rows = max(1, _CHUNK // max(1, b * m))
        for f in range(0, len(nd), rows):
            F = nd[f : f + rows]
            dom |= np.all(F[None, :, :] >= blk[:, None, :], axis=2).any(axis=1)
        # within the block: j < i only (lexicographic order)
        ge = np.all(blk[None, :, :] >= blk[:, None, :], axis=2)  # ge[i, j]: blk[j] >= blk[i]
        dom |= np.tril(ge, k=-1).any(axis=1)
        keep[a : a + b] = ~dom
        nd = np.concatenate([nd, blk[~dom]])
    return keep


def _nd_3d(P: np.ndarray) -> np.ndarray:
    """m = 3: blocked prefix table for 'exists j < i: y_j >= y_i and z_j >= z_i'."""
    N = P.shape[0]
    if N <= 96:
        return _nd_pairwise(P)
    y = P[:, 1]
    z = P[:, 2]
    yorder = np.argsort(y, kind="stable")
    pos = np.empty(N, dtype=np.intp)
    pos[yorder] = np.arange(N)
    r = np.searchsorted(y[yorder], y, side="left")  # y_j >= y_i  <=>  pos_j >= r_i
    B = max(16, int(math.isqrt(N)))
    nb = -(-N // B)
    dom = np.zeros(N, dtype=bool)
    # cross-block part: prefix of whole blocks
    carry = np.full(N, -np.inf)
    rows = max(1, _CHUNK // N)
    for b0 in range(0, nb - 1, rows):  # table rows b serve queries in block b + 1
        b1 = min(b0 + rows, nb - 1)
        lo, hi = b0 * B, min(b1 * B, N)
        tab = np.full((b1 - b0, N), -np.inf)
        idx = np.arange(lo, hi)
        tab[idx // B - b0, pos[idx]] = z[idx]
        tab[0] = np.maximum(tab[0], carry)
        np.maximum.accumulate(tab, axis=0, out=tab)
        carry = tab[-1].copy()
        suff = np.maximum.accumulate(tab[:, ::-1], axis=1)[:, ::-1]
        q = np.arange((b0 + 1) * B, min((b1 + 1) * B, N))
        dom[q] = suff[q // B - 1 - b0, r[q]] >= z[q]
    # within-block part: small pairwise comparisons, j < i
    pad = nb * B - N
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


def _frontier_core(
    contrib: Sequence[np.ndarray],
    allowed: Sequence[np.ndarray],
    m: int,
    reservation: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(packages [F, n], utilities [F, m], distinct vectors) in frontier order.

    ``reservation=None`` ignores reservations; entries may be ``-inf``.
    """
    n = len(contrib)
    opts = [np.flatnonzero(a) for a in allowed]
    if any(len(o) == 0 for o in opts):
        return np.zeros((0, n), dtype=np.int64), np.zeros((0, m)), 0
    cols = [contrib[i][:, opts[i]].T for i in range(n)]  # [k', m]
    # merge order: issues with the widest contribution spread first (tightens bounds early)
    spread = [float(np.max(c.max(axis=0) - c.min(axis=0))) for c in cols]
    order = sorted(range(n), key=lambda i: (-spread[i], i))
    prune = reservation is not None and bool(np.any(np.isfinite(reservation)))
    if prune:
        best = np.array([cols[i].max(axis=0) for i in order]) if n else np.zeros((0, m))
        ub_rest = np.zeros((n + 1, m))
        for s in range(n - 1, -1, -1):
            ub_rest[s] = ub_rest[s + 1] + best[s]
    V = np.zeros((1, m))
    back: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for step, i in enumerate(order):
        C = cols[i]
        k = C.shape[0]
        s = V.shape[0]
        cand = (V[:, None, :] + C[None, :, :]).reshape(-1, m)
        parent = np.repeat(np.arange(s), k)
        opt = np.tile(opts[i], s)
        if prune:
            ok = np.all(cand + ub_rest[step] >= reservation, axis=1)
            if not ok.all():
                cand, parent, opt = cand[ok], parent[ok], opt[ok]
        if cand.shape[0] == 0:
            return np.zeros((0, n), dtype=np.int64), np.zeros((0, m)), 0
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
    F = V.shape[0]
    if n == 0:
        if prune and not np.all(V[0] >= reservation):
            return np.zeros((0, 0), dtype=np.int64), np.zeros((0, m)), 0
        return np.zeros((1, 0), dtype=np.int64), V.copy(), 1
    # expand back-pointers: rows = (final node, node at current step, options so far)
    final = np.arange(F)
    node = np.arange(F)
    picked: list[np.ndarray] = []
    for step in range(n - 1, -1, -1):
        nid, par, opt = back[step]
        n_nodes = int(nid[-1]) + 1 if nid.size else 0
        counts = np.bincount(nid, minlength=n_nodes)
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
    for step, col in zip(range(n - 1, -1, -1), picked):
        packages[:, order[step]] = col
    utilities = V[final]
    keys = [packages[:, i] for i in range(n - 1, -1, -1)] + [-utilities[:, p] for p in range(m - 1, -1, -1)]
    srt = np.lexsort(keys)
    return packages[srt], utilities[srt], F


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


def pareto_frontier(domain: Domain, feasible_only: bool = True) -> Frontier:
    """Exact Pareto frontier over all packages, ties included.

    ``feasible_only=True``: among feasible packages (no red line, every
    reservation met).  ``False``: among packages touching no red line.
    """
    res = domain.reservation if feasible_only else None
    pk, u, d = _frontier_core(domain.contrib, domain.allowed, domain.n_parties, res)
    return Frontier(pk, u, d, feasible_only)


def _select(frontier: Frontier, score: np.ndarray, exact: bool) -> np.ndarray:
    best = score.max()
    if exact or not np.isfinite(best):
        return score == best
    return np.isclose(score, best, rtol=REL_TOL, atol=0.0)


def _solution(frontier: Frontier, mask: np.ndarray, value: float) -> Solution:
    ties = frontier.packages[mask]
    tu = frontier.utilities[mask]
    return Solution(ties[0].copy(), tu[0].copy(), float(value), ties, tu)


def _frontier_of(domain: Domain, frontier: Frontier | None) -> Frontier:
    if frontier is None:
        return pareto_frontier(domain, feasible_only=True)
    if not frontier.feasible_only:
        raise ValueError("pass a feasible_only frontier")
    return frontier


def nash_point(domain: Domain, frontier: Frontier | None = None) -> Solution | None:
    """Feasible package(s) maximising prod_p (U_p - R_p); None if none is feasible."""
    f = _frontier_of(domain, frontier)
    if f.count == 0:
        return None
    prod = np.prod(f.utilities - domain.reservation, axis=1)
    mask = _select(f, prod, exact=False)
    return _solution(f, mask, prod[mask][0])


def kalai_smorodinsky(domain: Domain, frontier: Frontier | None = None) -> Solution | None:
    """Feasible package maximising min_p (U_p - R_p) / (Ideal_p - R_p).

    ``Ideal_p`` is the best feasible U_p; a party with ``Ideal_p == R_p`` scores
    1.  Ties are broken by Nash product, then frontier order; ``ties`` holds
    the packages tied on both.
    """
    f = _frontier_of(domain, frontier)
    if f.count == 0:
        return None
    gain = f.utilities - domain.reservation
    span = gain.max(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(span > 0, gain / np.where(span > 0, span, 1.0), 1.0)
    ks = ratio.min(axis=1)
    mask = _select(f, ks, exact=False)
    prod = np.prod(gain, axis=1)
    sub = np.where(mask, prod, -np.inf)
    mask &= _select(f, sub, exact=False)
    return _solution(f, mask, ks[mask][0])


def max_welfare(domain: Domain, frontier: Frontier | None = None) -> Solution | None:
    """Feasible package(s) maximising sum_p U_p (exact ties); None if none is feasible."""
    f = _frontier_of(domain, frontier)
    if f.count == 0:
        return None
    w = f.utilities.sum(axis=1)
    mask = _select(f, w, exact=True)
    return _solution(f, mask, w[mask][0])


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
    exact_limit: int = 2_000_000,
    samples: int = 200_000,
    seed: int = 0,
) -> ZopaSize:
    """Feasible-package count: exact (vectorised enumeration) when at most
    ``exact_limit`` packages touch no red line, else a Monte-Carlo estimate."""
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
        rows = max(1, _CHUNK // max(1, B.shape[0] * m))
        for a in range(0, A.shape[0], rows):
            S = A[a : a + rows, None, :] + B[None, :, :]
            count += int(np.count_nonzero(np.all(S >= R, axis=2)))
        return ZopaSize(count, count, count, True, total, allowed)
    rng = np.random.default_rng(seed)
    hits = 0
    step = 50_000
    for a in range(0, samples, step):
        sz = min(step, samples - a)
        U = np.zeros((sz, m))
        for o, c in zip(opts, cols):
            U += c[rng.integers(0, len(o), size=sz)]
        hits += int(np.count_nonzero(np.all(U >= R, axis=1)))
    p = hits / samples
    z = 1.959963984540054
    den = 1 + z * z / samples
    centre = (p + z * z / (2 * samples)) / den
    half = z * math.sqrt(p * (1 - p) / samples + z * z / (4 * samples * samples)) / den
    return ZopaSize(p * allowed, max(0.0, centre - half) * allowed, min(1.0, centre + half) * allowed, False, total, allowed, samples)


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


def _tier_mask(domain: Domain, condition: Mapping[int, Iterable[int]]) -> tuple[dict[int, tuple[int, ...]], list[np.ndarray]]:
    cond: dict[int, tuple[int, ...]] = {}
    masks = [np.ones(k, dtype=bool) for k in domain.n_options]
    for i, os_ in condition.items():
        i = int(i)
        if not 0 <= i < domain.n_issues:
            raise ValueError(f"condition names issue {i}, domain has {domain.n_issues}")
        listed = tuple(sorted({int(o) for o in os_}))
        if not listed:
            raise ValueError(f"condition lists no option for issue {i}")
        if listed[0] < 0 or listed[-1] >= domain.n_options[i]:
            raise ValueError(f"condition names an option out of range for issue {i}")
        cond[i] = listed
        masks[i] = np.zeros(domain.n_options[i], dtype=bool)
        masks[i][list(listed)] = True
    return dict(sorted(cond.items())), masks


def _solution_from_core(domain: Domain, allowed: Sequence[np.ndarray]) -> Solution | None:
    pk, u, d = _frontier_core(domain.contrib, allowed, domain.n_parties, domain.reservation)
    return nash_point(domain, Frontier(pk, u, d, True))


def tier_reachability(
    domain: Domain,
    conditions: Sequence[Mapping[int, Iterable[int]]] | Mapping[int, Iterable[int]],
) -> list[TierResult]:
    """Reachability and blockers for each tier condition (see :class:`TierResult`)."""
    if isinstance(conditions, Mapping):
        conditions = [conditions]
    out = []
    for condition in conditions:
        cond, masks = _tier_mask(domain, condition)
        allowed = [a & t for a, t in zip(domain.allowed, masks)]
        witness = _solution_from_core(domain, allowed)
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
    domain: Domain, condition: Mapping[int, Iterable[int]] | None = None
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
    allowed = [a & t for a, t in zip(domain.allowed, masks)]
    R = domain.reservation
    if _frontier_core(domain.contrib, allowed, m, R)[0].shape[0]:
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
            pk, u, d = _frontier_core(domain.contrib, trial, m, R)
            if pk.shape[0] == 0:
                continue
            slack = float(np.max(np.min(u - R, axis=1)))
            changed = domain.without_red_line(p, i, int(o))
            # witness over the whole relaxed domain (within the tier)
            w_allowed = [a & t for a, t in zip(changed.allowed, masks)]
            witness = _solution_from_core(changed, w_allowed)
            out.append(
                Relaxation(
                    "red_line", p, domain.parties[p], 0.0, slack,
                    issue=i, issue_id=domain.issues[i], option=int(o), option_id=domain.options[i][o],
                    witness=witness,
                )
            )
    # reservations: best U_p subject to everyone else's constraints
    for p in range(m):
        Rp = np.array(R)
        Rp[p] = -np.inf
        pk, u, _ = _frontier_core(domain.contrib, allowed, m, Rp)
        if pk.shape[0] == 0:
            continue
        best = float(u[:, p].max())
        delta = float(R[p] - best)
        changed = domain.with_reservation(np.where(np.arange(m) == p, best, R))
        witness = _solution_from_core(changed, allowed)
        out.append(
            Relaxation(
                "reservation", p, domain.parties[p], delta, 0.0,
                delta=delta, new_reservation=best, witness=witness,
            )
        )
    out.sort(key=lambda r: (r.size, -r.slack, r.kind != "red_line", r.party, r.issue or 0, r.option or 0))
    return out
