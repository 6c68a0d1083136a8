"""The general frontier path: issues merged one at a time, exactly or (over budget) in a beam.

1. State: the set of *distinct* partial utility vectors over the issues
   merged so far that are still useful (sorted lexicographically
   descending), plus back-pointers ``(node, parent node, option)`` for every
   partial package that reaches each vector.  Equal-vector partial packages
   are thus grouped under one node and only expanded at the very end, so ties
   never blow up the working set.
2. Merge: outer sum of the state with the next issue's allowed options
   (``s * k`` candidates).
3. Bound prune: a candidate is dropped if even its optimistic completion
   (plus, per party, the sum over the remaining issues of the best allowed
   contribution) misses some reservation.
4. Dominance prune (:mod:`sim.analysis.dominance`): a vector is dropped iff
   another candidate vector is >= in every coordinate.  This is safe because
   completion is additive: if partial ``a`` strictly dominates partial ``b``
   then ``a + c`` strictly dominates ``b + c`` and is feasible whenever
   ``b + c`` is.  Equal vectors are never dropped against each other.
5. After the last issue the surviving nodes are exactly the distinct frontier
   vectors; back-pointers are expanded (vectorised) into every package that
   reaches each vector, sorted by utility vector descending and then by option
   indices ascending ("frontier order").  The number of packages per node is
   tracked, so a frontier that ties into too many packages is refused
   (:class:`FrontierTooLarge`) before it is expanded.

Issues are merged in order of decreasing contribution spread (so the
reservation bounds bite early); the result does not depend on the order.

Bounded work: every exact step charges its work to a :class:`Budget`.  When a step cannot be
afforded, the rest of the merge keeps a *beam* of at most ``width`` representative partial
vectors per step (each party's best, the best optimistic Nash product, the best welfare and a
few fixed weighted sums), so the work is O(width * sum k * m).  The result is then a set of
real packages that are non-dominated among those kept -- a representative, not the exact,
frontier -- and the budget is marked ``exact = False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.budget import Budget, OverBudget
from sim.analysis.dominance import _lexsort_desc, _nondominated
from sim.errors import AnalysisTooLarge

_BEAM_MAX, _BEAM_MIN = 256, 16
_SORT_COST = 4  # work units charged per candidate element for building and sorting it

Back = tuple[np.ndarray, np.ndarray, np.ndarray]


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
    back: list[Back]  # per step: (node, parent, option)
    order: list[int]  # issue merged at each step
    n: int
    exact: bool = True  # False when a beam replaced the exact state at some step


def _representatives(V: np.ndarray, optimistic: np.ndarray, reservation: np.ndarray | None,
                     width: int) -> np.ndarray:
    """Ascending indices of at most ``width`` rows of ``V`` worth keeping in a beam.

    Half the beam goes to the best optimistic Nash products (the point most analyses look
    for), the rest to each party's best rows, the best welfare and fixed weighted sums.
    """
    N, m = V.shape
    if N <= width:
        return np.arange(N)
    scores = []
    finite = np.zeros(m, dtype=bool) if reservation is None else np.isfinite(reservation)
    if reservation is not None and finite.any():
        slack = np.maximum(optimistic[:, finite] - reservation[finite], 1e-9)
        scores.append(np.log(slack).sum(axis=1))
    directions = np.random.default_rng(m).dirichlet(np.ones(m), 4)  # fixed: same beam every run
    others = [V[:, p] for p in range(m)] + [V.sum(axis=1)] + [V @ w for w in directions]
    half = width // 2 if scores else 0
    q = max(1, (width - half) // len(others))
    picks = [np.argpartition(-s, min(N, n) - 1)[:n] for s, n in
             [(s, half) for s in scores] + [(s, q) for s in others] if n > 0]
    return np.unique(np.concatenate(picks))


def _exact_step(cand: np.ndarray, parent: np.ndarray, opt: np.ndarray, ways: np.ndarray,
                budget: Budget | None) -> tuple[np.ndarray, np.ndarray, Back]:
    """Sort, group equal vectors, drop dominated ones: the next state and its back-pointers."""
    srt = _lexsort_desc(cand)
    cand, parent, opt = cand[srt], parent[srt], opt[srt]
    first = np.ones(cand.shape[0], dtype=bool)
    first[1:] = np.any(cand[1:] != cand[:-1], axis=1)
    gid = np.cumsum(first) - 1
    uniq = cand[first]
    keep_u = _nondominated(uniq, budget)
    keep = keep_u[gid]
    new_id = np.cumsum(keep_u) - 1
    entry = (new_id[gid[keep]], parent[keep], opt[keep])
    V = uniq[keep_u]
    ways = np.bincount(entry[0], weights=ways[entry[1]], minlength=V.shape[0])
    return V, ways, entry


def _beam_width(cols: Sequence[np.ndarray], budget: Budget | None) -> int:
    """States kept per step so that a whole approximate merge creates about ``budget.beam_rows`` rows."""
    rows = sum(c.shape[0] for c in cols)
    allowed = _BEAM_MAX * rows if budget is None else budget.beam_rows
    return int(min(_BEAM_MAX, max(_BEAM_MIN, allowed // max(1, rows))))


def _plan(contrib: Sequence[np.ndarray], opts: Sequence[np.ndarray],
          m: int) -> tuple[list[np.ndarray], list[int], np.ndarray]:
    """Allowed columns ``[k', m]`` per issue, the merge order, and per step the best completion."""
    n = len(contrib)
    cols = [contrib[i][:, opts[i]].T for i in range(n)]
    # merge order: issues with the widest contribution spread first (tightens bounds early)
    spread = [float(np.max(c.max(axis=0) - c.min(axis=0))) for c in cols]
    order = sorted(range(n), key=lambda i: (-spread[i], i))
    ub_rest = np.zeros((n + 1, m))
    for s in range(n - 1, -1, -1):
        ub_rest[s] = ub_rest[s + 1] + cols[order[s]].max(axis=0)
    return cols, order, ub_rest


def _merge(
    contrib: Sequence[np.ndarray],
    allowed: Sequence[np.ndarray],
    m: int,
    reservation: np.ndarray | None,
    budget: Budget | None = None,
) -> _Merged | None:
    """Issue-by-issue merge; None when no package qualifies.

    ``reservation=None`` ignores reservations; entries may be ``-inf``.  Without a budget
    the merge is exact however long it takes.  When the budget forced a beam, the result has
    ``exact=False`` and, if the beam found no qualifying package, no vectors at all.
    """
    n = len(contrib)
    opts = [np.flatnonzero(a) for a in allowed]
    if any(len(o) == 0 for o in opts):
        return None
    cols, order, ub_rest = _plan(contrib, opts, m)
    prune = reservation is not None and bool(np.any(np.isfinite(reservation)))
    V = np.zeros((1, m))
    ways = np.ones(1)
    back: list[Back] = []
    if prune and not np.all(V[0] + ub_rest[0] >= reservation):
        return None
    exact, width = True, _beam_width(cols, budget)
    for step, i in enumerate(order):
        C = cols[i]
        k = C.shape[0]
        if exact and budget is not None and not budget.afford(_SORT_COST * V.shape[0] * k * m):
            exact = False
        rows = np.arange(V.shape[0]) if exact else _representatives(V, V + ub_rest[step], reservation, width)
        cand = (V[rows][:, None, :] + C[None, :, :]).reshape(-1, m)
        parent = np.repeat(rows, k)
        opt = np.tile(opts[i], rows.size)
        if prune:
            ok = np.all(cand + ub_rest[step + 1] >= reservation, axis=1)
            if not ok.all():
                cand, parent, opt = cand[ok], parent[ok], opt[ok]
        if cand.shape[0] == 0:
            if exact:
                return None
            # the beam may have dropped the only qualifying packages: "none found", not "none"
            if budget is not None:
                budget.approximate()
            return _Merged(np.zeros((0, m)), np.zeros(0), back, order, n, exact=False)
        if exact:
            try:
                V, ways, entry = _exact_step(cand, parent, opt, ways, budget)
            except OverBudget:
                exact = False
        if not exact:
            if budget is not None:
                budget.spend(_SORT_COST * cand.size)
            pick = _representatives(cand, cand + ub_rest[step + 1], reservation, width)
            V, ways, entry = _exact_step(cand[pick], parent[pick], opt[pick], ways, None)
        back.append(entry)
    if not exact and budget is not None:
        budget.approximate()
    return _Merged(V, ways, back, order, n, exact)


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
