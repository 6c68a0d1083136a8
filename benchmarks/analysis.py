"""Benchmark sim.analysis (exact Pareto frontier + bargaining points).

Run:  python benchmarks/analysis.py [--no-negmas]

(a) 4^8 packages, 3 parties, random_domain seed 0: our frontier + Nash point
    against NegMAS (``negmas.preferences.ops.pareto_frontier`` and
    ``nash_points``), checked to give the same frontier and Nash point, with the
    speed ratio.  NegMAS is AGPL: it is imported ONLY here, and only if
    installed (``pip install -e .[bench]``, or a separate venv run with
    ``PYTHONPATH=<repo> <venv>/bin/python benchmarks/analysis.py``).
(b) ours alone on 4^10 .. 4^30 (3 parties) and a few 4-party sizes.
(c) ``bench_flagship()``: the bundled scenario, once ``domain_from_scenario`` exists.

Times are time.perf_counter medians over repeats (more repeats for fast cases).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import sim.analysis as an  # noqa: E402


def timed(fn, repeats: int):
    """(median seconds, last result) over ``repeats`` calls."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def repeats_for(seconds: float) -> int:
    return 15 if seconds < 0.01 else 7 if seconds < 0.1 else 3 if seconds < 2 else 1


def ms(s: float) -> str:
    return f"{s * 1e3:10.2f} ms"


def ours(domain: an.Domain):
    f = an.pareto_frontier(domain)
    return f, an.nash_point(domain, f)


def run_ours(domain: an.Domain):
    first, _ = timed(lambda: ours(domain), 1)  # warm-up + calibration
    return timed(lambda: ours(domain), repeats_for(first))


# --------------------------------------------------------------------------
# (a) against NegMAS
# --------------------------------------------------------------------------


def negmas_setup(domain: an.Domain):
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue(list(domain.options[i]), domain.issues[i]) for i in range(domain.n_issues)]
    os_ = make_os(issues)
    ufuns = [
        LinearAdditiveUtilityFunction(
            values=[
                {o: float(domain.contrib[i][p, j]) for j, o in enumerate(domain.options[i])}
                for i in range(domain.n_issues)
            ],
            weights=[1.0] * domain.n_issues,  # contributions already carry the weights
            outcome_space=os_,
            reserved_value=float(domain.reservation[p]),
        )
        for p in range(domain.n_parties)
    ]
    return issues, os_, ufuns


def negmas_run(issues, os_, ufuns):
    from negmas.preferences.ops import nash_points
    from negmas.preferences.ops import pareto_frontier as nm_frontier

    frontier, _ = nm_frontier(ufuns, issues=issues)
    nash = nash_points(ufuns, frontier, outcome_space=os_)
    return frontier, nash


def vecs(rows) -> set[tuple[float, ...]]:
    return {tuple(round(float(v), 6) for v in r) for r in rows}


def bench_vs_negmas(use_negmas: bool = True) -> None:
    n, k, m = 8, 4, 3
    base = an.random_domain(n, k, m, 0)
    # NegMAS's nash_points measures gains from max(reserved value, min utility);
    # with reservation = each party's minimum utility both tools optimise the
    # same product, and the frontier is the same as with reservation 0.
    low = sum(c.min(axis=1) for c in base.contrib)
    domain = base.with_reservation(low)
    print(f"(a) {k}^{n} = {k**n:,} packages, {m} parties, random_domain seed 0: frontier + Nash")
    t_ours, (f, nash) = run_ours(domain)
    assert vecs(an.pareto_frontier(base).utilities) == vecs(f.utilities)
    print(f"    {'':10s} {'frontier':>9s} {'time':>13s}   Nash utilities")
    print(f"    {'mediate':10s} {f.distinct:9d} {ms(t_ours)}   {np.round(nash.utilities, 3)}")
    if not use_negmas:
        print("    negmas: skipped (--no-negmas)")
        return
    try:
        import negmas  # noqa: F401
    except ImportError:
        print("    negmas not installed: pip install -e .[bench]")
        return
    issues, os_, ufuns = negmas_setup(domain)
    first, _ = timed(lambda: negmas_run(issues, os_, ufuns), 1)
    t_nm, (nm_front, nm_nash) = timed(lambda: negmas_run(issues, os_, ufuns), max(1, min(3, repeats_for(first))))
    nm_nash_vecs = vecs(u for u, _ in nm_nash)
    nm_first = np.round(np.asarray(nm_nash[0][0], dtype=float), 3) if nm_nash else None
    print(f"    {'negmas':10s} {len(nm_front):9d} {ms(t_nm)}   {nm_first}")
    same_front = vecs(f.utilities) == vecs(nm_front)
    same_nash = vecs(nash.tie_utilities) == nm_nash_vecs
    print(f"    same frontier (sets of utility vectors, 6 dp): {same_front}; same Nash point: {same_nash}")
    print(f"    speed ratio negmas / mediate: {t_nm / t_ours:,.0f}x")
    if not (same_front and same_nash):
        raise AssertionError("frontier or Nash point differs from NegMAS")


# --------------------------------------------------------------------------
# (b) ours alone
# --------------------------------------------------------------------------


def bench_scaling() -> None:
    print("\n(b) mediate alone, random_domain seed 0, 4 options per issue, reservation 0: frontier + Nash")
    print(f"    {'parties':>7s} {'packages':>10s} {'frontier':>9s} {'distinct':>9s} {'time':>13s}")
    for m, n in [(3, 10), (3, 12), (3, 16), (3, 20), (3, 24), (3, 30), (4, 8), (4, 10), (4, 12)]:
        d = an.random_domain(n, 4, m, 0)
        t, (f, _) = run_ours(d)
        print(f"    {m:7d} {'4^' + str(n):>10s} {f.count:9d} {f.distinct:9d} {ms(t)}")
    print("\n    other analyses on 4^10, 3 parties, seed 0, red lines p=0.05, reservation 45:")
    d = an.random_domain(10, 4, 3, 0, red_line_prob=0.05, reservation=45.0)
    f = an.pareto_frontier(d)
    rows = [
        ("kalai_smorodinsky", lambda: an.kalai_smorodinsky(d, f)),
        ("max_welfare", lambda: an.max_welfare(d, f)),
        ("zopa_size (exact, enumeration)", lambda: an.zopa_size(d)),
        ("zopa_size (Monte-Carlo, 200k)", lambda: an.zopa_size(d, exact_limit=0)),
        ("tier_reachability (3 tiers)", lambda: an.tier_reachability(d, [{0: {0}}, {1: {1, 2}, 2: {3}}, {3: {0}}])),
        ("smallest_relaxation (reservation 70)", lambda: an.smallest_relaxation(d.with_reservation([70.0, 70.0, 70.0]))),
    ]
    for name, fn in rows:
        first, _ = timed(fn, 1)
        t, _ = timed(fn, repeats_for(first))
        print(f"    {name:38s} {ms(t)}")


# --------------------------------------------------------------------------
# (c) flagship scenario
# --------------------------------------------------------------------------


def bench_flagship() -> None:
    """The bundled scenario through the whole analysis pipeline."""
    print("\n(c) flagship scenario")
    try:
        from sim.analysis.scenario_domains import domain_from_scenario
        from sim.scenario.loader import load_scenario
    except ImportError as exc:
        print(f"    skipped: {exc} (needs sim.loader.load_scenario and domain_from_scenario in sim.domain or sim.analysis)")
        return
    try:
        from sim.scenario.loader import DEFAULT_SCENARIO, resolve

        path = resolve(DEFAULT_SCENARIO)
    except ImportError:
        path = ROOT / "scenarios" / "energy-truce-2025-03.yaml"
    scenario = load_scenario(path)
    t_dom, d = timed(lambda: domain_from_scenario(scenario), 3)
    print(f"    {path.name}: {d.n_parties} parties, {d.n_issues} issues, {d.total_packages:,} packages")
    t, (f, nash) = run_ours(d)
    print(f"    {'domain_from_scenario':38s} {ms(t_dom)}")
    print(f"    {'frontier + Nash':38s} {ms(t)}   frontier {f.count} packages ({f.distinct} distinct)")
    for name, fn in [
        ("kalai_smorodinsky", lambda: an.kalai_smorodinsky(d, f)),
        ("max_welfare", lambda: an.max_welfare(d, f)),
        ("zopa_size", lambda: an.zopa_size(d)),
        ("smallest_relaxation", lambda: an.smallest_relaxation(d)),
    ]:
        first, _ = timed(fn, 1)
        tt, _ = timed(fn, repeats_for(first))
        print(f"    {name:38s} {ms(tt)}")


def main(argv: list[str]) -> int:
    bench_vs_negmas(use_negmas="--no-negmas" not in argv)
    bench_scaling()
    bench_flagship()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
