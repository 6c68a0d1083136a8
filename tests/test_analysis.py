"""Tests for sim.analysis's points, ZOPA, tiers and relaxations: each is checked against brute-force enumeration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.analysis import (
    Domain,
    Relaxation,
    kalai_smorodinsky,
    max_welfare,
    nash_point,
    pareto_frontier,
    random_domain,
    smallest_relaxation,
    tier_reachability,
    zopa_size,
)
from tests.analysis_oracles import SETTINGS, all_packages, as_set, bf_frontier, bf_pool, bf_utilities, domains, general_path

# --------------------------------------------------------------------------
# bargaining points
# --------------------------------------------------------------------------


@SETTINGS
@given(domains())
def test_points_match_brute_force(d):
    pk, U = bf_pool(d)
    nash, ks, wel = nash_point(d), kalai_smorodinsky(d), max_welfare(d)
    if len(pk) == 0:
        assert nash is None and ks is None and wel is None
        return
    fpk, fU = bf_frontier(pk, U)
    R = d.reservation
    # Nash: value equal; ties are the frontier packages attaining it
    prod = np.prod(U - R, axis=1)
    best = prod.max()
    assert math.isclose(nash.value, best, rel_tol=1e-12, abs_tol=0.0)
    fprod = np.prod(fU - R, axis=1)
    want = fpk[np.isclose(fprod, best, rtol=1e-12, atol=0.0) if best > 0 else fprod == best]
    assert as_set(nash.ties) == as_set(want)
    assert tuple(nash.package) == tuple(nash.ties[0])
    np.testing.assert_array_equal(nash.utilities, bf_utilities(d, nash.package[None])[0])
    # max welfare: exact, all maximisers (they are all Pareto-optimal)
    w = U.sum(axis=1)
    assert wel.value == w.max()
    assert as_set(wel.ties) == as_set(pk[w == w.max()])
    # KS: full brute force over the feasible set with the documented tie-breaks
    ideal = U.max(axis=0)
    span = ideal - R
    ratio = np.where(span > 0, (U - R) / np.where(span > 0, span, 1.0), 1.0).min(axis=1)
    cand = np.isclose(ratio, ratio.max(), rtol=1e-12, atol=0.0) if ratio.max() > 0 else ratio == ratio.max()
    p2 = np.where(cand, prod, -np.inf)
    cand &= np.isclose(p2, p2.max(), rtol=1e-12, atol=0.0) if p2.max() > 0 else p2 == p2.max()
    rows = sorted(tuple(-u for u in U[r]) + tuple(pk[r]) for r in np.flatnonzero(cand))
    assert tuple(ks.package) == rows[0][d.n_parties :]
    assert math.isclose(ks.value, ratio.max(), rel_tol=1e-12, abs_tol=1e-15)


def test_ks_tie_broken_by_nash_product_then_order():
    # one issue, options are utility vectors; ideals are 100 for everyone
    vecs = np.array([[50, 100, 60], [50, 70, 90], [100, 0, 0], [0, 0, 100], [50, 90, 70]], dtype=float)
    d = Domain.from_arrays([vecs.T])
    ks = kalai_smorodinsky(d)
    # a, b and e all have min ratio 0.5; Nash products 300000, 315000, 315000;
    # b and e tie on both, e comes first in frontier order (U_1 = 90 > 70)
    assert ks.value == 0.5
    assert tuple(ks.package) == (4,)
    assert as_set(ks.ties) == {(1,), (4,)}
    assert tuple(nash_point(d).package) == (4,)
    # welfare ties a, b and e (210 each): a is first in frontier order
    wel = max_welfare(d)
    assert tuple(wel.package) == (0,) and wel.value == 210.0 and as_set(wel.ties) == {(0,), (1,), (4,)}


def test_nash_accepts_precomputed_frontier():
    d = random_domain(6, 3, 3, 1, reservation=30.0)
    f = pareto_frontier(d)
    assert tuple(nash_point(d, f).package) == tuple(nash_point(d).package)
    with pytest.raises(ValueError):
        nash_point(d, pareto_frontier(d, feasible_only=False))


# --------------------------------------------------------------------------
# ZOPA
# --------------------------------------------------------------------------


@SETTINGS
@given(domains())
def test_zopa_count_matches_brute_force(d):
    z = zopa_size(d)
    pk, _ = bf_pool(d)
    assert z.exact and z.count == z.low == z.high == len(pk)
    assert z.total == math.prod(d.n_options)
    assert z.allowed == len(bf_pool(d, feasible_only=False)[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_zopa_monte_carlo_interval_covers_truth(seed):
    d = random_domain(7, 4, 3, seed, red_line_prob=0.05, reservation=45.0)
    exact = zopa_size(d)
    est = zopa_size(d, exact_limit=0, samples=100_000)
    assert exact.exact and not est.exact and est.samples == 100_000
    assert est.low <= exact.count <= est.high
    assert est.allowed == exact.allowed


def test_zopa_empty_is_exact_even_when_large():
    d = random_domain(30, 4, 3, 0, reservation=[99.0, 0.0, 0.0])
    z = zopa_size(d)
    assert z.exact and z.count == 0 and z.allowed == 4**30


# --------------------------------------------------------------------------
# tiers
# --------------------------------------------------------------------------


def tier_domain(reservation=(0.0, 0.0, 0.0)):
    # issue 0: options 0..2; issue 1: options 0..1
    contrib = [
        np.array([[30.0, 20.0, 0.0], [0.0, 20.0, 30.0], [10.0, 10.0, 10.0]]),
        np.array([[20.0, 0.0], [0.0, 20.0], [5.0, 15.0]]),
    ]
    red = [np.zeros((3, 3), dtype=bool), np.zeros((3, 2), dtype=bool)]
    red[0][0, 2] = True  # A refuses option 2 of issue 0
    red[0][1, 0] = True  # B refuses option 0 of issue 0
    return Domain.from_arrays(contrib, red, np.array(reservation), parties=("A", "B", "C"))


def test_tier_red_line_blockers():
    d = tier_domain()
    (t,) = tier_reachability(d, [{0: {0, 2}}])
    assert not t.reachable and t.witness is None
    (b,) = t.red_line_blockers
    assert b.issue == 0 and b.options == (0, 2) and b.parties == (0, 1) and b.party_ids == ("A", "B")
    assert dict(b.per_option) == {0: (1,), 2: (0,)}
    assert t.reservation_blockers == () and not t.joint_conflict


def test_tier_reservation_blockers_and_gap():
    d = tier_domain(reservation=(0.0, 45.0, 0.0))
    # tier forces issue 1 = option 0: B gets at most 20 (issue 0 is forced to option 1 by red lines) + 0
    (t,) = tier_reachability(d, {1: [0]})
    assert not t.reachable and t.red_line_blockers == ()
    (b,) = t.reservation_blockers
    assert b.party == 1 and b.party_id == "B"
    assert b.max_attainable == 20.0 and b.reservation == 45.0 and b.gap == 25.0


def test_tier_joint_conflict_and_reachable():
    d = tier_domain(reservation=(35.0, 35.0, 0.0))
    # alone each can reach 35+ (A: 20+20 with issue0=1; B: 30+20), but not together
    results = tier_reachability(d, [{}, {0: {1}}])
    for t in results:
        assert not t.reachable and t.joint_conflict
        assert t.red_line_blockers == () and t.reservation_blockers == ()
    d = tier_domain()
    (t,) = tier_reachability(d, [{0: {1}, 1: {1}}])
    assert t.reachable and t.witness is not None
    assert tuple(t.witness.package) == (1, 1) and d.is_feasible(t.witness.package)


@SETTINGS
@given(domains(max_issues=4), st.data())
def test_tier_reachability_matches_brute_force(d, data):
    cond = {}
    for i in data.draw(st.sets(st.integers(0, d.n_issues - 1), max_size=2)):
        cond[i] = data.draw(st.sets(st.integers(0, d.n_options[i] - 1), min_size=1))
    (t,) = tier_reachability(d, [cond])
    with general_path():
        (g,) = tier_reachability(d, [cond])
    assert (t.witness is None) == (g.witness is None)
    if t.witness is not None:
        np.testing.assert_array_equal(t.witness.ties, g.witness.ties)
        np.testing.assert_array_equal(t.witness.tie_utilities, g.witness.tie_utilities)
        assert t.witness.value == g.witness.value
    pk, U = bf_pool(d, restrict=cond)
    assert t.reachable == (len(pk) > 0)
    if t.reachable:
        # the witness is the Nash point within the tier (all its ties)
        fpk, fU = bf_frontier(pk, U)
        prod = np.prod(fU - d.reservation, axis=1)
        best = prod.max()
        want = fpk[np.isclose(prod, best, rtol=1e-12, atol=0.0) if best > 0 else prod == best]
        assert as_set(t.witness.ties) == as_set(want)
        assert tuple(t.witness.package) == tuple(t.witness.ties[0])
        return
    blocked = {i for i, os_ in cond.items() if all(d.red_lines[i][:, o].any() for o in os_)}
    blocked |= {i for i in range(d.n_issues) if i not in cond and not d.allowed[i].any()}
    assert {b.issue for b in t.red_line_blockers} == blocked
    for b in t.red_line_blockers:
        for o, ps in b.per_option:
            assert ps == tuple(np.flatnonzero(d.red_lines[b.issue][:, o]))
    # reservation blockers: per party best over the tier (red-line-blocked issues relaxed)
    for p in range(d.n_parties):
        best = -np.inf
        for x in all_packages(d):
            if any(i in cond and x[i] not in cond[i] for i in range(d.n_issues)):
                continue
            if any(i not in blocked and d.red_lines[i][:, x[i]].any() for i in range(d.n_issues)):
                continue
            best = max(best, sum(d.contrib[i][p, x[i]] for i in range(d.n_issues)))
        named = [b for b in t.reservation_blockers if b.party == p]
        if best < d.reservation[p]:
            assert len(named) == 1 and named[0].max_attainable == best
            assert named[0].gap == d.reservation[p] - best
        else:
            assert not named
    assert t.joint_conflict == (not t.red_line_blockers and not t.reservation_blockers)


def test_tier_rejects_bad_conditions():
    d = tier_domain()
    with pytest.raises(ValueError):
        tier_reachability(d, [{5: {0}}])
    with pytest.raises(ValueError):
        tier_reachability(d, [{0: {7}}])
    with pytest.raises(ValueError):
        tier_reachability(d, [{0: set()}])
    with pytest.raises(ValueError):
        tier_reachability(d, [{"I9": ["o0"]}])
    with pytest.raises(ValueError):
        tier_reachability(d, [{"I0": ["nope"]}])
    with pytest.raises(ValueError):
        tier_reachability(d, [{0: [0], "I0": [1]}])


def test_tier_conditions_accept_ids():
    d = tier_domain()
    by_id, by_index = tier_reachability(d, [{"I0": ["o0", "o2"]}, {0: [0, 2]}])
    assert by_id.condition == by_index.condition == {0: (0, 2)}
    assert [b.parties for b in by_id.red_line_blockers] == [(0, 1)]
    (t,) = tier_reachability(d, {"I0": "o1", 1: ["o1"]})
    assert t.reachable and t.condition == {0: (1,), 1: (1,)}


# --------------------------------------------------------------------------
# smallest relaxation
# --------------------------------------------------------------------------


def check_relaxations(d: Domain, rel: list[Relaxation]) -> None:
    if len(bf_pool(d)[0]):
        assert rel == []
        return
    sizes = [r.size for r in rel]
    assert sizes == sorted(sizes)
    for r in rel:
        changed = r.apply(d)
        assert len(bf_pool(changed)[0]) > 0, r
        assert r.witness is not None and changed.is_feasible(r.witness.package)
        assert as_set(r.witness.ties) == as_set(nash_point(changed).ties)
    # reservation kind: exact minimum, for every party for which it is possible
    for p in range(d.n_parties):
        R = np.array(d.reservation)
        R[p] = -np.inf
        pk, U = bf_pool(d, reservation=R)
        got = [r for r in rel if r.kind == "reservation" and r.party == p]
        if len(pk) == 0:
            assert not got
            continue
        (r,) = got
        assert r.new_reservation == U[:, p].max()
        assert r.delta == d.reservation[p] - U[:, p].max() > 0
        # anything smaller leaves it infeasible
        R2 = np.array(d.reservation)
        R2[p] = np.nextafter(r.new_reservation, np.inf)
        assert len(bf_pool(d, reservation=R2)[0]) == 0
    # red-line kind: exactly the sole red lines whose removal suffices
    want = set()
    for i in range(d.n_issues):
        for o in range(d.n_options[i]):
            ps = np.flatnonzero(d.red_lines[i][:, o])
            if len(ps) == 1 and len(bf_pool(d.without_red_line(int(ps[0]), i, o))[0]):
                want.add((int(ps[0]), i, o))
    assert {(r.party, r.issue, r.option) for r in rel if r.kind == "red_line"} == want
    for r in rel:
        if r.kind == "red_line":
            pk, U = bf_pool(r.apply(d))
            assert math.isclose(r.slack, float(np.max(np.min(U - d.reservation, axis=1))), abs_tol=1e-9)


@SETTINGS
@given(domains(max_issues=4))
def test_smallest_relaxation_brute_force(d):
    rel = smallest_relaxation(d)
    check_relaxations(d, rel)
    with general_path():
        other = smallest_relaxation(d)
    key = lambda r: (r.kind, r.party, r.issue, r.option, r.size, r.slack, r.new_reservation)  # noqa: E731
    assert [key(r) for r in rel] == [key(r) for r in other]
    for a, b in zip(rel, other, strict=True):
        np.testing.assert_array_equal(a.witness.ties, b.witness.ties)


def test_smallest_relaxation_crafted():
    d = tier_domain(reservation=(35.0, 35.0, 0.0))
    rel = smallest_relaxation(d)
    assert rel, "infeasible domain must have a relaxation"
    check_relaxations(d, rel)
    # A's red line on issue 0 option 2 is worthless (A would get 0 there); B's on option 0 too
    kinds = {(r.kind, r.party) for r in rel}
    assert ("reservation", 0) in kinds and ("reservation", 1) in kinds
    top = rel[0]
    assert top.size == min(r.size for r in rel)
    # lifting a red line that unlocks the deal ranks first (size 0)
    contrib = [np.array([[10.0, 50.0], [10.0, 50.0]]), np.array([[10.0, 0.0], [0.0, 10.0]])]
    red = [np.array([[False, False], [False, True]]), np.zeros((2, 2), dtype=bool)]
    d = Domain.from_arrays(contrib, red, [45.0, 45.0])
    rel = smallest_relaxation(d)
    check_relaxations(d, rel)
    assert rel[0].kind == "red_line" and (rel[0].party, rel[0].issue, rel[0].option) == (1, 0, 1)
    assert rel[0].slack == 5.0
    # feasible already: nothing to relax
    assert smallest_relaxation(d.without_red_line(1, 0, 1)) == []


def test_smallest_relaxation_within_tier():
    d = tier_domain()
    # tier {issue 0: option 0} is blocked by B's red line only
    rel = smallest_relaxation(d, {0: {0}})
    assert [(r.kind, r.party, r.issue, r.option) for r in rel] == [("red_line", 1, 0, 0)]


# --------------------------------------------------------------------------
# Domain
# --------------------------------------------------------------------------


def test_domain_validation_and_helpers():
    with pytest.raises(ValueError):
        Domain.from_arrays([np.ones((2, 3))], [np.zeros((2, 2), dtype=bool)])
    with pytest.raises(ValueError):
        Domain.from_arrays([np.array([[np.nan]])])
    with pytest.raises(ValueError):
        Domain.from_arrays([np.ones((2, 2))], reservation=[np.inf, 0.0])
    d = Domain(
        ("price", "term"),
        (("low", "high"), ("1y", "2y", "3y")),
        ("buyer", "seller"),
        (np.array([[60.0, 0.0], [0.0, 60.0]]), np.array([[0.0, 20.0, 40.0], [40.0, 20.0, 0.0]])),
        (np.zeros((2, 2), dtype=bool), np.array([[True, False, False], [False, False, False]])),
        np.array([30.0, 30.0]),
    )
    assert [a.tolist() for a in d.allowed] == [[True, True], [False, True, True]]
    assert d.total_packages == 6 and d.allowed_packages == 4
    assert d.describe_package([1, 2]) == {"price": "high", "term": "3y"}
    assert d.is_feasible(np.array([1, 2])) and not d.is_feasible(np.array([0, 0]))
    np.testing.assert_array_equal(d.is_feasible(np.array([[1, 2], [0, 2]])), [True, False])
    with pytest.raises(ValueError):
        d.contrib[0][0, 0] = 1.0  # read-only


def test_random_domain_is_reproducible():
    a, b = random_domain(5, 3, 3, 42, red_line_prob=0.2), random_domain(5, 3, 3, 42, red_line_prob=0.2)
    for x, y in zip(a.contrib + a.red_lines, b.contrib + b.red_lines, strict=True):
        np.testing.assert_array_equal(x, y)
    # utilities are points: the best package per party is at most 100
    for p in range(3):
        assert 0 <= sum(c[p].max() for c in a.contrib) <= 100 + 1e-9
    d = random_domain(3, [2, 3, 4], 2, 0)
    assert d.n_options == (2, 3, 4)
