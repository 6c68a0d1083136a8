"""The debrief of a session as one frozen record, computed once.

:func:`compute` runs every analysis the debrief shows (the full-information Nash package, the
durability forecast) exactly once; the Markdown report, the CLI's summary and the TUI's debrief
screen all render the same :class:`Debrief`, so they can never disagree on a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sim.analysis.forecast import Durability, durability
from sim.analysis.scenario_domains import nash_distance
from sim.engine.events import Ended, Event, Hinted, TrustChanged, Walkout
from sim.engine.session import Session
from sim.scenario.model import MEDIATOR, HistoryEntry, Scenario

FORECAST_RUNS = 200
"""Simulated futures in the debrief's durability forecast."""


@dataclass(frozen=True)
class PartyResult:
    """What the package at the end is worth to one party."""

    id: str
    name: str
    utility: float
    reservation: float

    @property
    def surplus(self) -> float:
        return self.utility - self.reservation


@dataclass(frozen=True)
class NashDistance:
    """The package at the end beside the full-information Nash package."""

    nash: Mapping[str, str]
    nash_utility: Mapping[str, float]
    issues_differ: tuple[str, ...]
    utility_gap: Mapping[str, float]
    """Party -> its utility at the end minus its Nash utility."""
    exact: bool
    """False when the Nash package was found by an approximate search."""


@dataclass(frozen=True)
class TrustPair:
    """Trust of ``truster`` in ``trustee``: at the start and at the end of every round played."""

    truster: str
    trustee: str
    start: float
    series: tuple[float, ...]


@dataclass(frozen=True)
class MediatorStake:
    """What the package at the end is worth to the mediator by its own stances (bias made visible)."""

    name: str
    utility: float
    status_quo: float
    """U_m of the status quo: what its stakes get from no deal."""

    @property
    def gain(self) -> float:
        return self.utility - self.status_quo


def mediator_stake(session: Session) -> MediatorStake | None:
    """The mediator's utility of the package at the end, beside the status quo's."""
    s = session.scenario
    u = session.mediator_utility(session.agreement or s.default_package)
    sq = session.mediator_utility(s.default_package)
    if u is None or sq is None:
        return None
    return MediatorStake(s.mediator.name, u, sq)


def describe_mediator_stake(m: MediatorStake) -> str:
    """The mediator's own stake in one sentence (shown beside the parties' results)."""
    return (f"{m.name}'s own stake: {m.utility:.1f} by its stances ({m.gain:+.1f} against no deal). "
            "A mediator with interests of its own may steer the talks towards them.")


@dataclass(frozen=True)
class Debrief:
    """Everything the debrief shows, computed once from a session."""

    scenario: Scenario
    seed: int
    actions: int
    rounds_played: int
    best_tier: int
    """Highest outcome tier reached (1-based; 0 for none)."""
    held_days: tuple[float, ...]
    """Days each tier (1, 2, …) or a higher one held."""
    tier: int
    """Tier in force at the end (0 for none)."""
    tier_title: str
    end: Ended | None
    """The end of the talks (None while they are still going)."""
    violations: int
    disputes: int
    walkouts: tuple[Walkout, ...]
    agreement: Mapping[str, str] | None
    package: Mapping[str, str]
    """The agreement in force at the end, else the status quo."""
    parties: tuple[PartyResult, ...]
    nash: NashDistance | None
    """None when no package meets every walk-away point, or when not computed."""
    forecast: Durability | None
    """None without an agreement to forecast, or when not computed."""
    hints: tuple[Hinted, ...]
    trust: tuple[TrustPair, ...]
    events: tuple[Event, ...]
    mediator: MediatorStake | None = None
    """The mediator's own stake in the package at the end (None: it holds no stances)."""

    @property
    def end_reason(self) -> str | None:
        return self.end.reason if self.end else None

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        return self.scenario.debrief.history

    @property
    def questions(self) -> tuple[str, ...]:
        return self.scenario.debrief.questions

    @property
    def changed_issues(self) -> tuple[str, ...]:
        """Issues where the agreement moved off the status quo (none without an agreement)."""
        if self.agreement is None:
            return ()
        s = self.scenario
        return tuple(i for i in s.issue_ids if self.agreement[i] != s.issue(i).default_option)

    def title_of(self, level: int) -> str | None:
        return self.scenario.outcomes[level - 1].title if level else None


def trust_pairs(session: Session) -> tuple[TrustPair, ...]:
    """Trust of each ordered pair at the end of every round played (for charts)."""
    s = session.scenario
    start = {(p.id, o): p.trust.get(o, 0.5) for p in s.parties for o in [*s.party_ids, MEDIATOR] if o != p.id}
    current = dict(start)
    last_round = session.events[-1].round if session.events else 0
    series: dict[tuple[str, str], list[float]] = {k: [] for k in current}
    by_round: dict[int, list[TrustChanged]] = {}
    for e in session.events:
        if isinstance(e, TrustChanged):
            by_round.setdefault(e.round, []).append(e)
    for r in range(last_round + 1):
        for e in by_round.get(r, []):
            current[(e.truster, e.trustee)] = e.after
        for k in series:
            series[k].append(current[k])
    return tuple(TrustPair(a, b, start[(a, b)], tuple(v)) for (a, b), v in series.items())


def nash_of(session: Session) -> NashDistance | None:
    d = nash_distance(session)
    if d is None:
        return None
    return NashDistance(MappingProxyType(dict(d["nash"])), MappingProxyType(dict(d["nash_utility"])),
                        tuple(d["issues_differ"]), MappingProxyType(dict(d["utility_gap"])),
                        bool(d.get("exact", True)))  # results made before approximation existed were exact


def compute(session: Session, forecast_runs: int = FORECAST_RUNS, nash: bool = True) -> Debrief:
    """The debrief of ``session``. ``forecast_runs=0`` skips the forecast and ``nash=False``
    the Nash package, for summaries that show neither."""
    s = session.scenario
    view = session.view()
    end = next((e for e in reversed(session.events) if isinstance(e, Ended)), None)
    package = session.agreement or s.default_package
    forecast = None
    if session.agreement and session.end_reason != "walkout" and forecast_runs:
        forecast = durability(s, session.seed, session.actions, runs=forecast_runs)
    return Debrief(
        scenario=s, seed=session.seed, actions=len(session.actions), rounds_played=view.round + 1,
        best_tier=session.best_tier,
        held_days=tuple(session.held_days(level) for level in range(1, len(s.outcomes) + 1)),
        tier=view.tier, tier_title=view.tier_title, end=end,
        violations=session.violations, disputes=session.disputes,
        walkouts=tuple(e for e in session.events if isinstance(e, Walkout)),
        agreement=MappingProxyType(dict(session.agreement)) if session.agreement else None,
        package=MappingProxyType(dict(package)),
        parties=tuple(PartyResult(p.id, p.name, session.utility(p.id, package), session.reservation(p.id))
                      for p in s.parties),
        nash=nash_of(session) if nash else None,
        forecast=forecast,
        hints=tuple(e for e in session.events if isinstance(e, Hinted)),
        trust=trust_pairs(session),
        events=session.events,
        mediator=mediator_stake(session),
    )


def describe_forecast(d: Durability) -> str:
    """The forecast in one sentence: the share still in force at each horizon, and what ended it."""
    parts = [f"{p:.0%} after {n} days (95% {lo:.0%}–{hi:.0%})"
             for n, p, lo, hi in zip(d.days, d.held, d.low, d.high, strict=True)]
    why = ", ".join(f"{k} {v}" for k, v in d.breaks.items() if v)
    return "Still in force: " + "; ".join(parts) + (f". Ended by: {why} (of {d.runs} runs)." if why else ".")
