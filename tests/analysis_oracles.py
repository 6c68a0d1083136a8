"""Brute-force references and hypothesis domains that the analysis tests check against."""

from __future__ import annotations

import contextlib
import itertools

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import sim.analysis.small as small_mod
from sim.analysis import (
    Domain,
)

# --------------------------------------------------------------------------
# brute force reference
# --------------------------------------------------------------------------


def all_packages(d: Domain) -> np.ndarray:
    return np.array(list(itertools.product(*[range(k) for k in d.n_options])), dtype=np.int64).reshape(-1, d.n_issues)


def bf_utilities(d: Domain, pk: np.ndarray) -> np.ndarray:
    # independent of Domain.utilities: plain Python sums in issue order
    return np.array([[sum(d.contrib[i][p, x[i]] for i in range(d.n_issues)) for p in range(d.n_parties)] for x in pk]).reshape(
        -1, d.n_parties
    )


def bf_pool(d: Domain, feasible_only: bool = True, restrict=None, reservation=None):
    pk = all_packages(d)
    ok = np.ones(len(pk), dtype=bool)
    for i in range(d.n_issues):
        ok &= ~d.red_lines[i][:, pk[:, i]].any(axis=0)
        if restrict is not None and i in restrict:
            ok &= np.isin(pk[:, i], list(restrict[i]))
    U = bf_utilities(d, pk)
    R = d.reservation if reservation is None else reservation
    if feasible_only:
        ok &= np.all(U >= R, axis=1)
    return pk[ok], U[ok]


def bf_frontier(pk: np.ndarray, U: np.ndarray):
    keep = []
    for a in range(len(U)):
        dominated = any(np.all(U[b] >= U[a]) and np.any(U[b] > U[a]) for b in range(len(U)))
        if not dominated:
            keep.append(a)
    return pk[keep], U[keep]


def as_set(pk) -> set[tuple[int, ...]]:
    return {tuple(int(v) for v in x) for x in pk}


@contextlib.contextmanager
def general_path():
    """Disable the small-space path (_frontier_small): everything goes through _merge."""
    old = small_mod._SMALL_PACKAGES
    small_mod._SMALL_PACKAGES = -1
    try:
        yield
    finally:
        small_mod._SMALL_PACKAGES = old


def assert_same_frontier(a, b) -> None:
    assert a.packages.dtype == b.packages.dtype == np.int64
    np.testing.assert_array_equal(a.packages, b.packages)
    np.testing.assert_array_equal(a.utilities, b.utilities)
    assert a.distinct == b.distinct and a.feasible_only == b.feasible_only


# --------------------------------------------------------------------------
# hypothesis domains
# --------------------------------------------------------------------------


@st.composite
def domains(draw, max_issues=5):
    m = draw(st.integers(2, 4))
    n = draw(st.integers(1, max_issues))
    ks = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    tie_heavy = draw(st.booleans())
    if tie_heavy:  # few distinct small values: many equal vectors and partial ties
        val = st.sampled_from([0.0, 1.0, 2.0, 3.0, 10.0])
    else:
        val = st.floats(0.0, 100.0, allow_nan=False, allow_infinity=False)
    contrib = [np.array(draw(st.lists(val, min_size=m * k, max_size=m * k))).reshape(m, k) for k in ks]
    if tie_heavy and draw(st.booleans()):  # an issue nobody cares about: every package ties k ways
        contrib[draw(st.integers(0, n - 1))][:] = 0.0
    red = [np.zeros((m, k), dtype=bool) for k in ks]
    for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3, 5]))):  # a few red lines
        i = draw(st.integers(0, n - 1))
        red[i][draw(st.integers(0, m - 1)), draw(st.integers(0, ks[i] - 1))] = True
    # reservation as a share of the party's best possible utility (> 1: unreachable)
    best = sum(c.max(axis=1) for c in contrib)
    hi = draw(st.sampled_from([0.6, 0.8, 1.05]))
    share = np.array(draw(st.lists(st.floats(-0.1, hi), min_size=m, max_size=m)))
    res = share * np.maximum(best, 1.0)
    return Domain.from_arrays(contrib, red, res)


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frontier_order_ok(pk: np.ndarray, U: np.ndarray) -> bool:
    rows = [tuple(-u for u in U[r]) + tuple(pk[r]) for r in range(len(pk))]
    return rows == sorted(rows)
