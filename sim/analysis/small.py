"""The small-space frontier path: two enumerated halves and a vectorised skyline.

On small spaces the merge (:mod:`sim.analysis.merge`) is dominated by fixed numpy call overhead
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

Its work is bounded by the limits below (at most 2^20 packages, 2^15 final candidates, pairwise
tests of at most 1024 columns), so it needs no budget.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

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


def _layout(contrib: Sequence[np.ndarray], allowed: Sequence[np.ndarray]) -> tuple:
    """Allowed options side by side: (C [m, sum k'], opt map or None, sizes, starts, offs)."""
    ks = [c.shape[1] for c in contrib]
    offs = [0]
    for k in ks:
        offs.append(offs[-1] + k)
    C = np.concatenate(contrib, axis=1)  # [m, sum k]: every option of every issue
    ok = np.concatenate(allowed)
    if ok.all():
        return C, None, ks, offs, offs
    opt = np.flatnonzero(ok)  # keep the allowed options only; opt maps back to option indices
    sizes = np.add.reduceat(ok, offs[:-1], dtype=np.intp).tolist()
    starts = [0]
    for k in sizes:
        starts.append(starts[-1] + k)
    return C.take(opt, axis=1), opt, sizes, starts, offs


def _balanced_split(sizes: Sequence[int], total: int) -> tuple[int, int]:
    """Split the issues into [0, split) and [split, n) with balanced package counts: (split, larger half)."""
    split, size, best = 0, 1, total
    for j, k in enumerate(sizes):
        size *= k
        if max(size, total // size) < best:
            split, best = j + 1, max(size, total // size)
    return split, best


def _halves(C: np.ndarray, starts: Sequence[int], split: int, n: int, m: int) -> list[np.ndarray]:
    """Utility vectors of every allowed half package, as columns, in mixed-radix order."""
    halves = []
    for a, b in ((0, split), (split, n)):
        H = C[:, starts[a] : starts[a + 1]] if a < b else np.zeros((m, 1))
        for i in range(a + 1, b):
            H = (H[:, :, None] + C[:, None, starts[i] : starts[i + 1]]).reshape(m, -1)
        halves.append(H)
    return halves


def _frontier_small(
    contrib: Sequence[np.ndarray],
    allowed: Sequence[np.ndarray],
    m: int,
    reservation: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Frontier of a small space by two enumerated halves (see module docstring).

    (packages [F, n], utilities [F, m]) in frontier order, or None when the
    space is too large for this path (see the _SMALL_* limits; the caller then
    uses the general merge).  The result is identical to the general path's.
    """
    n = len(contrib)
    C, opt, sizes, starts, offs = _layout(contrib, allowed)
    total = math.prod(sizes)
    if total > _SMALL_PACKAGES:
        return None
    empty = np.zeros((0, n), dtype=np.int64), np.zeros((0, m))
    if total == 0:
        return empty
    split, best = _balanced_split(sizes, total)
    if best > _SMALL_HALF:
        return None
    prune = False
    if reservation is not None:
        lo = np.minimum.reduceat(C, starts[:-1], axis=1)  # [m, n] per-issue extremes
        hi = np.maximum.reduceat(C, starts[:-1], axis=1)
        if (hi.sum(axis=1) < reservation).any():
            return empty
        prune = bool((lo.sum(axis=1) < reservation).any())  # else every package qualifies
    A, B = _halves(C, starts, split, n, m)
    ia = ib = None
    if prune and reservation is not None:  # bound: a half package that misses R even with the best other half
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
    if prune and reservation is not None:
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
    if ia is not None and ib is not None:
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

