"""Engine benchmark: full flagship runs per second per core, by policy; batch scaling.

    python benchmarks/engine.py [--runs N] [--batch-runs N]

Prints a table of comparable figures. With the optional `bench` extra (negmas) installed it
adds one row: a NegMAS SAO negotiation (3 AspirationNegotiators, a 4^8 outcome space, 100
steps) beside one full flagship run. NegMAS is only ever imported here.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.runs.batch import run_batch  # noqa: E402
from sim.runs.policies import POLICIES, play  # noqa: E402
from sim.scenario.loader import load_scenario, resolve  # noqa: E402

FLAGSHIP = "energy-truce-2025-03"


def runs_per_second(scenario, policy: str, runs: int, first: int = 0) -> tuple[float, float]:
    """(runs/s, mean events per run) over seeds first..first+runs-1, single process."""
    started = time.perf_counter()
    events = 0
    for seed in range(first, first + runs):
        events += len(play(scenario, policy, seed).events)
    return runs / (time.perf_counter() - started), events / runs


def interleaved(scenario, policy: str, runs: int, slices: int = 10) -> tuple[float, float, float]:
    """(engine runs/s, floor runs/s, events per run) timed in alternating slices, so a machine
    whose speed drifts (a shared one does, by ±25 % within a minute) slows both alike and
    their ratio stays comparable."""
    per = max(1, runs // slices)
    engine = floor = 0.0
    events = 0.0
    for k in range(slices):
        rate, ev = runs_per_second(scenario, policy, per, first=k * per)
        engine += per / rate
        events += ev * per
        floor += per * 10 / simpy_floor(scenario, per * 10, first=k * per * 10)
    return per * slices / engine, per * slices * 10 / floor, events / (per * slices)


def simpy_floor(scenario, runs: int, first: int = 0) -> float:
    """Runs/s of a bare simpy loop with the flagship's rounds and Poisson incidents and no
    negotiation: the floor the engine's own cost is measured against."""
    import random

    import simpy

    hours = float(scenario.clock.round_hours)
    rounds = scenario.clock.max_rounds
    rates = [inc.rate_per_day / 24 for inc in scenario.incidents.random if inc.rate_per_day > 0]
    scheduled = [inc.round * hours + inc.hour for inc in scenario.incidents.scheduled]

    def clock(env: simpy.Environment, log: list):
        for r in range(rounds):
            log.append(("round", r, env.now))
            yield env.timeout(hours)

    def poisson(env: simpy.Environment, rng: random.Random, rate: float, log: list):
        while True:
            yield env.timeout(rng.expovariate(rate))
            log.append(("incident", env.now))

    def at(env: simpy.Environment, when: float, log: list):
        yield env.timeout(when)
        log.append(("incident", env.now))

    started = time.perf_counter()
    for seed in range(first, first + runs):
        env, log = simpy.Environment(), []
        env.process(clock(env, log))
        for n, rate in enumerate(rates):
            env.process(poisson(env, random.Random(seed * 1000 + n), rate, log))
        for when in scheduled:
            env.process(at(env, when, log))
        env.run(until=rounds * hours)
    return runs / (time.perf_counter() - started)


def batch_rate(scenario, policy: str, runs: int, workers: int) -> float:
    started = time.perf_counter()
    run_batch(scenario, policy, runs, 0, workers, lambda _row: None)
    return runs / (time.perf_counter() - started)


def batch_peak_memory(scenario, runs: int) -> float:
    """Peak traced memory (MiB) of a whole single-process batch: flat in the number of runs."""
    import tracemalloc

    tracemalloc.start()
    run_batch(scenario, "random", runs, 0, 1, lambda _row: None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def negmas_sao(steps: int = 100) -> float | None:
    """Seconds for one NegMAS SAO negotiation: 3 AspirationNegotiators, 4^8 outcomes."""
    try:
        import numpy as np
        from negmas import SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction as LUF
        from negmas.sao import AspirationNegotiator
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    issues = [make_issue(4, f"i{n}") for n in range(8)]
    times = []
    for _ in range(3):
        mech = SAOMechanism(issues=issues, n_steps=steps)
        for p in range(3):
            weights = rng.uniform(0, 1, 8)
            values = [{o: float(v) for o, v in zip(issue.all, rng.uniform(0, 1, 4), strict=True)} for issue in issues]
            ufun = LUF(values=values, weights=list(weights / weights.sum()), issues=issues)
            mech.add(AspirationNegotiator(name=f"p{p}"), preferences=ufun)
        started = time.perf_counter()
        mech.run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=300, help="runs per policy for the per-core rate")
    ap.add_argument("--batch-runs", type=int, default=2000, help="runs for the batch scaling rows")
    args = ap.parse_args()
    path = resolve(FLAGSHIP)
    scenario = load_scenario(path)
    print(f"mediate engine benchmark · {platform.python_implementation()} {platform.python_version()} · "
          f"{platform.machine()} · {os.cpu_count()} cores · {time.strftime('%Y-%m-%d')}")
    print()
    print(f"{'what':<44} {'figure':>14}")
    print("-" * 59)
    one_run = None
    floors = []
    for name in POLICIES:
        rate, floor, events = interleaved(scenario, name, args.runs)
        floors.append(floor)
        print(f"{'full flagship runs/s/core, ' + name:<44} {rate:>10,.0f}/s   ({events:.0f} events/run, "
              f"{rate / floor:.1%} of the floor)")
        if name == "incremental":
            one_run, inc_floor = 1 / rate, floor
    print(f"{'bare simpy floor (rounds + Poisson incidents)':<44} {min(floors):>10,.0f}–{max(floors):,.0f}/s "
          "(timed between the engine's runs)")
    assert one_run is not None
    print(f"{'engine / floor, incremental':<44} {1 / one_run / inc_floor:>11.1%}")
    for workers in (1, 2):
        rate = batch_rate(scenario, "incremental", args.batch_runs, workers)
        print(f"{f'batch {args.batch_runs} runs, incremental, {workers} worker(s)':<44} {rate:>10,.0f}/s")
    for runs in (200, 2000):
        print(f"{f'batch peak memory, {runs} runs (random policy)':<44} {batch_peak_memory(scenario, runs):>10,.2f} MiB")
    sao = negmas_sao()
    if sao is None:
        print(f"{'NegMAS SAO (3 agents, 4^8, 100 steps)':<44} {'negmas not installed: pip install -e .[bench]':>14}")
    else:
        print(f"{'NegMAS SAO (3 agents, 4^8, 100 steps)':<44} {sao * 1000:>10,.1f} ms")
        print(f"{'one full flagship run (incremental)':<44} {one_run * 1000:>10,.2f} ms   "
              f"({sao / one_run:,.0f}x)")


if __name__ == "__main__":
    main()
