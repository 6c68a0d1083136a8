"""Tests for the Pareto frontier, its small-space path and the dominance filters, against brute force."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim.analysis.dominance as dominance_mod
import sim.analysis.frontier as frontier_mod
import sim.analysis.points as points_mod
import sim.analysis.small as small_mod
import sim.analysis.zopa as zopa_mod
from sim.analysis import (
    Domain,
    FrontierTooLarge,
    kalai_smorodinsky,
    max_welfare,
    nash_point,
    pareto_frontier,
    random_domain,
    zopa_size,
)
from sim.analysis.dominance import _lexsort_desc, _nd_pairwise, _nondominated
from sim.analysis.small import _frontier_small, _skyline
from tests.analysis_oracles import (
    SETTINGS,
    all_packages,
    as_set,
    assert_same_frontier,
    bf_frontier,
    bf_pool,
    bf_utilities,
    domains,
    frontier_order_ok,
    general_path,
)
from tests.helpers import count_calls

# --------------------------------------------------------------------------
# frontier
# --------------------------------------------------------------------------


@SETTINGS
@given(domains(), st.booleans())
def test_frontier_matches_brute_force(d, feasible_only):
    f = pareto_frontier(d, feasible_only=feasible_only)  # small domains: _frontier_small
    with general_path():
        assert_same_frontier(f, pareto_frontier(d, feasible_only=feasible_only))
    pk, U = bf_frontier(*bf_pool(d, feasible_only))
    assert as_set(f.packages) == as_set(pk)
    assert f.count == len(pk) == len(f)
    assert f.distinct == len({tuple(u) for u in U})
    # utilities are exact (dyadic grid): identical to the brute-force sums
    np.testing.assert_array_equal(f.utilities, bf_utilities(d, f.packages))
    assert frontier_order_ok(f.packages, f.utilities)
    assert f.packages.dtype == np.int64 and f.packages.shape == (f.count, d.n_issues)


def test_frontier_reports_every_tied_package():
    # issue 2 is worth nothing to anyone: every frontier vector has 3 packages
    contrib = [np.array([[10.0, 0.0], [0.0, 10.0]]), np.array([[3.0, 1.0], [1.0, 3.0]]), np.zeros((2, 3))]
    d = Domain.from_arrays(contrib)
    f = pareto_frontier(d)
    pk, _ = bf_frontier(*bf_pool(d))
    assert as_set(f.packages) == as_set(pk)
    assert f.count == 3 * f.distinct
    for path in (contextlib.nullcontext, general_path):
        with path(), pytest.raises(FrontierTooLarge) as err:
            pareto_frontier(d, max_packages=3 * f.distinct - 1)
        assert err.value.count == f.count and err.value.distinct == f.distinct
        with path():
            assert pareto_frontier(d, max_packages=3 * f.distinct).count == f.count
    # 30 issues nobody cares about: 2**30 tied packages are refused, not expanded
    big = Domain.from_arrays(contrib[:2] + [np.zeros((2, 2))] * 30)
    with pytest.raises(FrontierTooLarge):
        pareto_frontier(big)
    # identical options on one issue tie too
    contrib = [np.array([[5.0, 5.0, 1.0], [2.0, 2.0, 9.0]]), np.array([[1.0, 2.0], [2.0, 1.0]])]
    d = Domain.from_arrays(contrib)
    f = pareto_frontier(d)
    assert as_set(f.packages) == as_set(bf_frontier(*bf_pool(d))[0])
    assert {(0, 0), (1, 0)} <= as_set(f.packages)


def test_frontier_4_8_three_parties_verified_against_enumeration():
    d = random_domain(8, 4, 3, 0, red_line_prob=0.05, reservation=20.0)
    f = pareto_frontier(d)
    pk = all_packages(d)
    ok = np.ones(len(pk), dtype=bool)
    for i, a in enumerate(d.allowed):
        ok &= a[pk[:, i]]
    U = d.utilities(pk)
    ok &= np.all(U >= d.reservation, axis=1)
    pk, U = pk[ok], U[ok]
    F = f.utilities
    # every feasible package is on the frontier or strictly dominated by a frontier vector
    on = np.zeros(len(pk), dtype=bool)
    fset = as_set(f.packages)
    on[[i for i, x in enumerate(pk) if tuple(x) in fset]] = True
    dom = np.zeros(len(pk), dtype=bool)
    for a in range(0, len(pk), 4096):
        blk = U[a : a + 4096]
        dom[a : a + 4096] = (np.all(F[None] >= blk[:, None], axis=2) & np.any(F[None] > blk[:, None], axis=2)).any(axis=1)
    assert np.all(on ^ dom)
    # and no feasible package dominates a frontier vector
    for a in range(0, len(F), 64):
        blk = F[a : a + 64]
        assert not (np.all(U[None] >= blk[:, None], axis=2) & np.any(U[None] > blk[:, None], axis=2)).any()


def test_frontier_edge_cases():
    # an issue with every option red-lined: nothing is allowed
    d = Domain.from_arrays([np.ones((2, 2))], [np.array([[True, False], [False, True]])])
    assert pareto_frontier(d).count == 0
    assert nash_point(d) is None and kalai_smorodinsky(d) is None and max_welfare(d) is None
    # single option everywhere
    d = Domain.from_arrays([np.array([[3.0], [4.0]])] * 3)
    f = pareto_frontier(d)
    assert f.count == 1 and as_set(f.packages) == {(0, 0, 0)}
    np.testing.assert_array_equal(f.utilities[0], [9.0, 12.0])
    # one party: all maximisers
    d = Domain.from_arrays([np.array([[1.0, 2.0, 2.0]]), np.array([[0.0, 0.0]])])
    assert as_set(pareto_frontier(d).packages) == {(1, 0), (1, 1), (2, 0), (2, 1)}
    # no issues: the empty package
    d = Domain.from_arrays([], parties=("a", "b"))
    f = pareto_frontier(d)
    assert f.count == 1 and f.packages.shape == (1, 0)
    assert pareto_frontier(d.with_reservation([1.0, 0.0])).count == 0


def bf_dominated(P: np.ndarray) -> np.ndarray:
    """Strict dominance among the rows of P, any order, repeats allowed."""
    ge = np.all(P[None, :, :] >= P[:, None, :], axis=2)
    gt = np.any(P[None, :, :] > P[:, None, :], axis=2)
    return (ge & gt).any(axis=1)


@pytest.mark.parametrize("N", [1, 2, 10, 47, 48, 49, 300])
@pytest.mark.parametrize("m", [1, 2, 3, 5])
def test_skyline_matches_brute_force(N, m):
    # both sides of the pre-filter cut-off (N > 3 * top, top = 16); integer values
    # make many repeated rows (ties) and partial ties
    rng = np.random.default_rng(N * 10 + m)
    for P in (rng.integers(0, 6, (N, m)).astype(float), rng.uniform(0, 100, (N, m))):
        want = np.flatnonzero(~bf_dominated(P))
        for top in (1, 16):
            np.testing.assert_array_equal(_skyline(np.ascontiguousarray(P.T), top), want)


def test_skyline_gives_up_beyond_survivor_limit(monkeypatch):
    P = np.random.default_rng(0).dirichlet([1, 1, 1], 400).T * 100  # all 400 non-dominated
    assert _skyline(P, 16).size == 400
    monkeypatch.setattr(small_mod, "_SMALL_SURVIVORS", 399)
    assert _skyline(P, 16) is None
    assert _skyline(P[:, :399], 200) is not None  # no pre-filter, 399 columns: still allowed


def spy_merge(monkeypatch) -> list[int]:
    return count_calls(monkeypatch, frontier_mod._merge, "_merge", frontier_mod, points_mod)


@pytest.mark.parametrize(
    "limit, value, small",
    [
        ("_SMALL_PACKAGES", 4**8 - 1, False),
        ("_SMALL_PACKAGES", 4**8, True),
        ("_SMALL_HALF", 4**4 - 1, False),
        ("_SMALL_HALF", 4**4, True),
        ("_SMALL_CANDIDATES", 209, False),  # this domain: 14 x 15 = 210 final candidates
        ("_SMALL_CANDIDATES", 210, True),
        ("_SMALL_SURVIVORS", 16, False),
        ("_SMALL_SURVIVORS", 256, True),
    ],
)
def test_small_path_cutoffs_agree_with_general_path(monkeypatch, limit, value, small):
    # the benchmark domain: 4^8, 3 parties, reservation = each party's minimum
    base = random_domain(8, 4, 3, 0)
    d = base.with_reservation(sum(c.min(axis=1) for c in base.contrib))
    with general_path():
        want = pareto_frontier(d)
        want_nash = nash_point(d, want)
    assert want.count == 76
    monkeypatch.setattr(small_mod, limit, value)
    calls = spy_merge(monkeypatch)
    f = pareto_frontier(d)
    assert (not calls) == small
    assert_same_frontier(f, want)
    nash = nash_point(d, f)
    np.testing.assert_array_equal(nash.ties, want_nash.ties)
    assert nash.value == want_nash.value


@pytest.mark.parametrize(
    "d",
    [
        random_domain(8, 4, 3, 1),
        random_domain(9, 4, 2, 2, red_line_prob=0.1, reservation=40.0),
        random_domain(10, 4, 3, 0),  # 2^20 allowed packages: the largest small space
        random_domain(6, [1, 7, 2, 5, 3, 9], 4, 3, reservation=30.0),
        random_domain(7, 5, 3, 4, red_line_prob=0.15, reservation=[50.0, 45.0, 0.0]),  # bounds prune
        # ties: rounded values, and two issues nobody cares about
        Domain.from_arrays([np.round(c / 8) for c in random_domain(8, 4, 3, 5).contrib]),
        Domain.from_arrays(list(random_domain(5, 4, 3, 6).contrib) + [np.zeros((3, 3))] * 2),
    ],
)
def test_small_path_agrees_with_general_path_on_larger_domains(monkeypatch, d):
    for feasible_only in (True, False):
        calls = spy_merge(monkeypatch)
        f = pareto_frontier(d, feasible_only=feasible_only)
        assert not calls  # served by _frontier_small
        with general_path():
            assert_same_frontier(f, pareto_frontier(d, feasible_only=feasible_only))
    assert _frontier_small(d.contrib, d.allowed, d.n_parties, d.reservation) is not None


def test_small_path_declines_large_or_lopsided_spaces(monkeypatch):
    calls = spy_merge(monkeypatch)
    d = random_domain(11, 4, 3, 0)  # 2^22 packages
    assert _frontier_small(d.contrib, d.allowed, 3, d.reservation) is None
    assert pareto_frontier(d).count > 0 and calls
    # one issue with 5000 options: a half that large is left to the general path
    d = Domain.from_arrays([np.random.default_rng(1).uniform(0, 1, (2, 5000)), np.ones((2, 2))])
    assert _frontier_small(d.contrib, d.allowed, 2, d.reservation) is None
    # every package ties: all 4096 final candidates survive the pre-filter (too many)
    d = Domain.from_arrays([np.zeros((2, 4))] * 6)
    assert _frontier_small(d.contrib, d.allowed, 2, d.reservation) is None
    assert pareto_frontier(d).count == 4**6


@pytest.mark.parametrize("N", [150, 3000])
@pytest.mark.parametrize("integer", [False, True])
def test_nondominated_filters_agree(N, integer):
    rng = np.random.default_rng(N + integer)
    P = rng.dirichlet([1, 1, 1], N) * 100 + rng.normal(0, 0.5, (N, 3))
    if integer:
        P = np.round(P / 5)
    P = np.unique(P, axis=0)
    P = P[_lexsort_desc(P)]
    assert np.array_equal(_nondominated(P), _nd_pairwise(P))


def test_chunked_paths_agree(monkeypatch):
    rng = np.random.default_rng(7)
    P = rng.dirichlet([1, 1, 1, 1], 2000) * 100
    P = P[_lexsort_desc(P)]
    d = random_domain(6, 4, 3, 3, red_line_prob=0.1, reservation=35.0)
    before = (_nondominated(P[:, :3]), _nd_pairwise(P), pareto_frontier(d).packages, zopa_size(d).count)
    monkeypatch.setattr(dominance_mod, "_CHUNK", 64)
    monkeypatch.setattr(zopa_mod, "_CHUNK", 64)
    after = (_nondominated(P[:, :3]), _nd_pairwise(P), pareto_frontier(d).packages, zopa_size(d).count)
    for x, y in zip(before, after, strict=True):
        np.testing.assert_array_equal(x, y)
    assert after[3] == len(bf_pool(d)[0])


def test_grid_makes_sums_order_independent():
    rng = np.random.default_rng(3)
    d = Domain.from_arrays([rng.uniform(0, 1, (3, 4)) / 3.0 for _ in range(12)])
    pk = rng.integers(0, 4, (200, 12))
    forward = d.utilities(pk)
    backward = np.zeros_like(forward)
    for i in reversed(range(12)):
        backward += d.contrib[i][:, pk[:, i]].T
    np.testing.assert_array_equal(forward, backward)
    raw = Domain.from_arrays([np.array([[0.1, 0.2]])])
    assert abs(raw.contrib[0][0, 0] - 0.1) < 1e-14
