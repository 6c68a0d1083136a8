"""Tournaments: every mediator on the same seeds of the same scenarios, ranked with paired statistics.

Each run is scored on the tier reached (the best tier's level, 0 for none), the days the final
agreement held, its distance from the full-information Nash point (Euclidean, in utility), the
total surplus, durability (the share of the best tier still in force at the end: level at end
over best level, 0 with no deal) and coerced deals (1 when the run's last agreement had parties
coerced into it, ``AgreementReached.coerced``, else 0: its mean is the share of such runs).
Baselines always play: ``wait`` (no mediator) and ``random``. Each policy is compared with a
reference (``wait`` unless told) on every measure: the mean paired difference, its bootstrap
interval and a sign-flip p-value, Holm-corrected across the whole table. The intervals are not
adjusted for multiplicity: each is a 95% interval on its own. :meth:`Standings.ranking` orders
by mean tier reached, then mean days held, then mean surplus.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analysis.paired import bootstrap_ci, holm, sign_flip_p
from sim.analysis.scenario_domains import nash_distance
from sim.engine import events as ev
from sim.engine.session import Session
from sim.runs.batch import Cell, Measure, run_batch
from sim.scenario.model import Scenario

BASELINES = ("wait", "random")
METRICS = ("tier", "days_held", "nash_distance", "surplus", "durability", "coerced")
HIGHER_IS_BETTER = {"tier": True, "days_held": True, "nash_distance": False, "surplus": True,
                    "durability": True, "coerced": False}
STATS_STREAM = 0x544F55  # the resampling's own seed stream, apart from the runs' seeds


class Score(Measure):
    """A tournament row's measures (after the run's seed)."""

    summarise = False

    def columns(self, _s: Scenario) -> list[str]:
        return ["seed", *METRICS]

    def __call__(self, session: Session) -> dict[str, Any]:
        end = session.events[-1] if session.events and isinstance(session.events[-1], ev.Ended) else None
        d = nash_distance(session)
        best = session.best_tier
        row: dict[str, Any] = {
            "seed": session.seed,
            "tier": best,
            "days_held": end.days_in_force if end else 0.0,
            "nash_distance": round(math.sqrt(sum(g * g for g in d["utility_gap"].values())), 4) if d else "",
            "surplus": round(sum(session.surplus().values()), 4),
            "durability": round(session.tier / best, 4) if best else 0.0,
            "coerced": coerced_deal(session),
        }
        return row


def coerced_deal(session: Session) -> int:
    """1 when the run's last agreement had coerced parties (denounced since or not), else 0."""
    last = next((e for e in reversed(session.events) if isinstance(e, ev.AgreementReached)), None)
    return int(bool(last and last.coerced))


@dataclass
class Comparison:
    policy: str
    metric: str
    n: int
    mean_diff: float
    low: float
    high: float
    p: float
    p_holm: float = 1.0


@dataclass
class Standings:
    policies: list[str]
    reference: str
    n_runs: int
    means: dict[str, dict[str, float]]
    failed: dict[str, int]
    comparisons: list[Comparison] = field(default_factory=list)

    def ranking(self) -> list[str]:
        """Best first: by tier reached, then days held, then surplus (means)."""
        return sorted(self.policies, key=lambda p: tuple(-self.means[p][m] for m in ("tier", "days_held", "surplus")))


def lineup(policies: Sequence[str]) -> list[str]:
    """The policies asked for, then the baselines not already among them (no repeats)."""
    seen: list[str] = []
    for p in [*policies, *BASELINES]:
        if p not in seen:
            seen.append(p)
    return seen


def cells(scenarios: Sequence[Scenario], policies: Sequence[str], overrides: tuple[str, ...] = ()) -> list[Cell]:
    score = Score()
    return [Cell(s, p, overrides, (("scenario", s.id), ("policy", p)), score) for s in scenarios for p in policies]


def _value(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def run_tournament(scenarios: Sequence[Scenario], policies: Sequence[str], runs: int, root: int = 0,
                   executor: Executor | None = None, on_row: Callable[[dict], None] | None = None,
                   reference: str = "wait", overrides: tuple[str, ...] = (), reps: int = 2000) -> Standings:
    """Play the lineup (policies plus baselines) on ``runs`` seeds of every scenario and compare."""
    names = lineup(policies)
    if reference not in names:
        names.append(reference)
    table = {p: {m: np.full(len(scenarios) * runs, np.nan) for m in METRICS} for p in names}
    failed = dict.fromkeys(names, 0)
    slot = {s.id: k for k, s in enumerate(scenarios)}

    def take(row: dict) -> None:
        if row["status"] != "ok":
            failed[row["policy"]] += 1
        else:
            at = slot[row["scenario"]] * runs + row["run"]
            for m in METRICS:
                table[row["policy"]][m][at] = _value(row[m])
        if on_row is not None:
            on_row(row)

    run_batch(cells(scenarios, names, overrides), "", runs, root, executor, take)
    means = {p: {m: float(np.nanmean(v)) if np.any(~np.isnan(v)) else float("nan") for m, v in table[p].items()}
             for p in names}
    out = Standings(names, reference, runs, means, failed)
    rng = np.random.default_rng(np.random.SeedSequence([root, STATS_STREAM]))
    for p in names:
        if p == reference:
            continue
        for m in METRICS:
            a, b = table[p][m], table[reference][m]
            keep = ~(np.isnan(a) | np.isnan(b))
            d = a[keep] - b[keep]
            lo, hi = bootstrap_ci(d, rng, reps)
            mean = float(d.mean()) if len(d) else float("nan")
            out.comparisons.append(Comparison(p, m, int(len(d)), mean, lo, hi, sign_flip_p(d, rng, reps)))
    for c, adj in zip(out.comparisons, holm([c.p for c in out.comparisons]), strict=True):
        c.p_holm = adj
    return out
