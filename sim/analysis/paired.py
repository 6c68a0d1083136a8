"""Paired comparisons with numpy: bootstrap intervals, sign-flip permutation tests, Holm's correction.

Two mediators played on the same seeds give paired outcomes; their per-seed differences d
carry the comparison. The mean of d has a percentile bootstrap interval (resampling seeds);
under "no difference" each d is as likely to be −d, so the two-sided p-value is the share of
random sign flips whose |mean| is at least the observed one (with the +1 correction of
Phipson and Smyth 2010, so p is never 0). Holm's step-down keeps the family-wise error rate.
"""

from __future__ import annotations

import numpy as np


def bootstrap_ci(d: np.ndarray, rng: np.random.Generator, reps: int = 2000,
                 level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval for the mean of ``d`` (nan, nan for no data)."""
    n = len(d)
    if n == 0:
        return float("nan"), float("nan")
    means = np.empty(reps)
    for start in range(0, reps, 250):  # blocks bound the index matrix's memory
        k = min(250, reps - start)
        means[start:start + k] = d[rng.integers(0, n, size=(k, n))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return float(lo), float(hi)


def sign_flip_p(d: np.ndarray, rng: np.random.Generator, reps: int = 2000) -> float:
    """Two-sided paired permutation p-value for mean(d) = 0 (1.0 for no data or all zeros)."""
    n = len(d)
    if n == 0 or not np.any(d):
        return 1.0
    observed = abs(d.mean())
    hits = 0
    for start in range(0, reps, 250):
        k = min(250, reps - start)
        signs = rng.integers(0, 2, size=(k, n)) * 2 - 1
        hits += int(np.sum(np.abs((signs * d).mean(axis=1)) >= observed - 1e-12))
    return (hits + 1) / (reps + 1)


def holm(pvalues: list[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given (monotone, capped at 1)."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted
