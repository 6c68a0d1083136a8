"""Non-dominated filters over distinct utility vectors sorted lexicographically descending.

In lexicographic-descending order any dominator of point ``i`` comes *before* ``i``, so
"is ``i`` dominated" is a prefix query:

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
  grows quickly with m, so this filter charges its work to a :class:`Budget`
  block by block and raises ``OverBudget`` when the allowance runs out.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.budget import Budget

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




def _nd_pairwise(P: np.ndarray, budget: Budget | None = None) -> np.ndarray:
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
        if budget is not None:
            budget.charge(b * (nd.shape[0] + b) * (m - 1))
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


def _nondominated(P: np.ndarray, budget: Budget | None = None) -> np.ndarray:
    """Keep-mask over distinct rows sorted lexicographically descending (work charged to ``budget``)."""
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
        if budget is not None:
            budget.charge(8.0 * N ** (4.0 / 3.0))
        return _nd_3d(P)
    return _nd_pairwise(P, budget)


def _lexsort_desc(U: np.ndarray) -> np.ndarray:
    """Indices sorting rows of U lexicographically descending (column 0 primary)."""
    return np.lexsort(tuple(-U[:, p] for p in range(U.shape[1] - 1, -1, -1)))

