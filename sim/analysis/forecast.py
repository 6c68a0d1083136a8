"""Durability forecast: how likely an agreement is still in force after 7 and 30 days.

Monte Carlo of the incident process from the current state: each replicate replays the
session's past exactly (same seed and actions), then gives every random incident a fresh
stream from now on (:class:`~sim.engine.Session` ``branch``) while the mediator waits. An
agreement stops being in force when one of its options lapses, a party withdraws after an
incident, a party coerced into it denounces it (:mod:`sim.engine.coercion`), or a party walks
out; the clock runs past the scenario's deadline so the forecast can look 30 days ahead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sim.analysis.scenario_domains import known_nash_package
from sim.analysis.stats import wilson
from sim.engine.events import AgreementCollapsed, AgreementDenounced, AgreementLapsed, Suspended, Walkout
from sim.engine.session import Session
from sim.scenario.actions import Action, wait
from sim.scenario.model import Scenario

__all__ = ["Durability", "durability"]


@dataclass(frozen=True)
class Durability:
    """How an agreement fared in ``runs`` simulated futures where the mediator only waits."""

    package: dict[str, str]
    runs: int
    days: tuple[int, ...]
    held: tuple[float, ...]
    """Share of replicates in which the agreement was still in force after each horizon."""
    low: tuple[float, ...]
    high: tuple[float, ...]
    """95 % Wilson interval of each share."""
    breaks: dict[str, int]
    """What ended it within the longest horizon: 'lapse', 'collapse', 'denounce' or 'walkout',
    counted over replicates."""
    coerced: tuple[str, ...] = ()
    """Parties coerced into it (accepted only under pressure, or left below the status quo)."""
    denounce_per_day: float | None = None
    """The scenario's ``dynamics.coerced_denounce_per_day`` (None: coercion is not priced)."""


def durability(scenario: Scenario, seed: int, actions: Sequence[Action] = (), package: dict[str, str] | None = None,
               days: Iterable[int] = (7, 30), runs: int = 300) -> Durability | None:
    """Forecast for ``package`` put in force now (default: the agreement in force after
    ``actions``), ``runs`` replicates looking ``days`` ahead.

    None when there is no agreement to forecast, or when the talks are already over.
    Computation only: the report package words it for people.
    """
    days = tuple(sorted(days))
    base = Session(scenario, seed, actions, advisor=known_nash_package)
    package = scenario.complete(package) if package is not None else base.agreement
    if package is None:
        return None
    t0 = base.now
    horizon = t0 + days[-1] * 24
    rounds = math.ceil(horizon / base.round_hours) + 2
    held = [0] * len(days)
    coerced: tuple[str, ...] = ()
    breaks = {"lapse": 0, "collapse": 0, "walkout": 0, "denounce": 0}
    for k in range(runs):
        s = Session(scenario, seed, actions, advisor=known_nash_package, branch=(k, t0),
                    max_rounds=max(rounds, scenario.clock.max_rounds))
        if s.ended:
            return None
        if s.agreement != package:
            s.force_agreement(package)
        coerced = s.coerced
        first = len(s.events)
        while not s.ended and s.now < horizon:
            s.act(wait(max(1, math.ceil((horizon - s.now) / s.round_hours))))
        t_break = math.inf
        for e in s.events[first:]:
            if isinstance(e, AgreementLapsed | AgreementCollapsed | AgreementDenounced | Walkout):
                t_break = e.t
                breaks[e.kind] += 1
                break
            if isinstance(e, Suspended) and not e.agreement_stands:  # the key only once it happens
                t_break = e.t
                breaks["suspension"] = breaks.get("suspension", 0) + 1
                break
        for n, d in enumerate(days):
            if t_break > t0 + d * 24:
                held[n] += 1
    shares = [wilson(h, runs) for h in held]
    return Durability(package, runs, days, tuple(x[0] for x in shares), tuple(x[1] for x in shares),
                      tuple(x[2] for x in shares), breaks, coerced, scenario.dynamics.coerced_denounce_per_day)

