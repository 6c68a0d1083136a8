"""The debrief of a session as one frozen record, computed once.

:func:`compute` runs every analysis the debrief shows (the full-information Nash package, the
durability forecast) exactly once; the Markdown report, the CLI's summary and the TUI's debrief
screen all render the same :class:`Debrief`, so they can never disagree on a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sim.analysis.forecast import Durability, durability
from sim.analysis.scenario_domains import nash_distance
from sim.engine.events import Ended, Event, Hinted, Rejoined, Suspended, TrustChanged, Walkout
from sim.engine.session import Session
from sim.report.glossary import possessive
from sim.report.reveal import Reveal, reveal
from sim.report.space import Offer, Space, offers, pairs, space
from sim.scenario.model import MEDIATOR, HistoryEntry, Scenario

MAX_PAIRS = 6
"""Most pairs of parties whose outcome space the debrief draws."""

FORECAST_RUNS = 200
"""Simulated futures in the debrief's durability forecast."""

NASH_CLOSE = 3.0
"""Within this many points of its Nash utility for every party, a result is "close to the fair split"."""
NASH_FAR = 10.0
"""This many points or more from its Nash utility is "much" more (or less)."""

STANDING_WORDS: dict[str, tuple[bool | None, str]] = {
    "walked_out": (None, "walked out of the talks"),
    "no_deal": (None, "no deal: the status quo"),
    "below_status_quo": (False, "worse than no deal"),
    "below_walkaway": (False, "worse than walking away"),
    "below_start": (False, "better than its walk-away only because levers pushed it down"),
    "better": (True, "better than no deal and walking away"),
}
"""Standing -> (good: True, bad: False, neither: None; the words every renderer uses)."""


@dataclass(frozen=True)
class PartyResult:
    """What the package at the end is worth to one party, against three baselines: the
    status quo (no deal), its walk-away at the start, and its walk-away at the end (which
    levers and events may have moved)."""

    id: str
    name: str
    utility: float
    reservation: float
    """The walk-away at the end."""
    start_reservation: float = 0.0
    """The walk-away the scenario starts it at."""
    status_quo: float = 0.0
    """U(the default package): what no deal is worth to it."""
    walked_out: bool = False
    coerced: bool = False
    """Coerced into the agreement in force (accepted only under pressure, or below the status quo)."""
    agreed: bool = True
    """False when nothing is in force at the end (the package is the status quo)."""

    @property
    def surplus(self) -> float:
        """Against the walk-away at the end."""
        return self.utility - self.reservation

    @property
    def surplus_start(self) -> float:
        """Against the walk-away at the start."""
        return self.utility - self.start_reservation

    @property
    def surplus_status_quo(self) -> float:
        """Against no deal."""
        return self.utility - self.status_quo

    @property
    def moved(self) -> bool:
        """Whether its walk-away moved during the game."""
        return abs(self.reservation - self.start_reservation) >= 0.05

    @property
    def standing(self) -> str:
        """A key of :data:`STANDING_WORDS`: the worst baseline the result falls below."""
        if self.walked_out:
            return "walked_out"
        if not self.agreed:
            return "no_deal"
        if self.surplus_status_quo < -0.05:
            return "below_status_quo"
        if self.surplus < -0.05:
            return "below_walkaway"
        if self.surplus_start < -0.05:
            return "below_start"
        return "better"

    @property
    def good(self) -> bool | None:
        return STANDING_WORDS[self.standing][0]

    @property
    def verdict(self) -> str:
        """The standing in words, with the coercion flag."""
        words = STANDING_WORDS[self.standing][1]
        return f"{words}; accepted under pressure" if self.coerced else words


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
    return (f"{possessive(m.name)} own stake: {m.utility:.1f} by its stances ({m.gain:+.1f} against no deal). "
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
    suspensions: tuple[Suspended, ...] = ()
    """Each time a party suspended its participation (the talks went on without it)."""
    rejoins: tuple[Rejoined, ...] = ()
    reveal: Reveal | None = None
    """Every party's real instructions, what the mediator learned and when, and the score sheet."""
    spaces: tuple[Space, ...] = ()
    """The outcome space of each pair of parties (the first :data:`MAX_PAIRS`)."""
    offers: tuple[Offer, ...] = ()
    """Every proposal with each party's utility and answer (the offer history)."""

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

    def returned(self, e: Suspended) -> Rejoined | None:
        """The return that ended suspension ``e`` (None: still away at the end)."""
        return next((r for r in self.rejoins if r.party == e.party and r.t >= e.t), None)

    @property
    def coerced(self) -> tuple[str, ...]:
        """Names of the parties coerced into the agreement in force at the end."""
        return tuple(p.name for p in self.parties if p.coerced)

    @property
    def nash_words(self) -> str | None:
        """The distance from the Nash package in plain words (None without one)."""
        return nash_words(self)


def _much(gap: float) -> str:
    return "much " if abs(gap) >= NASH_FAR else ""


def nash_words(d: Debrief) -> str | None:
    """"Close to the fair split", or who gets more (or less) than a Nash deal gives."""
    n = d.nash
    if n is None:
        return None
    gaps = [(p.name, n.utility_gap[p.id]) for p in d.scenario.parties if p.id in n.utility_gap]
    if not n.issues_differ:
        return "This is the Nash package itself: the fair split."
    if not gaps or all(abs(g) < NASH_CLOSE for _, g in gaps):
        return "Close to the fair split: every party gets within a few points of what a Nash deal gives."
    far = "Far from it" if any(abs(g) >= NASH_FAR for _, g in gaps) else "Some way from it"
    top = max(gaps, key=lambda x: x[1])
    low = min(gaps, key=lambda x: x[1])
    if top[1] >= NASH_CLOSE:
        parts = [f"{top[0]} gets {_much(top[1])}more than a Nash deal gives"]
        if low[1] <= -NASH_CLOSE:
            parts.append(f"{low[0]} {_much(low[1])}less")
    else:
        parts = [f"{low[0]} gets {_much(low[1])}less than a Nash deal gives"]
    return f"{far}: " + ", ".join(parts) + "."


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


def party_results(session: Session, package: Mapping[str, str]) -> tuple[PartyResult, ...]:
    s = session.scenario
    out = session.walkouts
    return tuple(PartyResult(p.id, p.name, session.utility(p.id, dict(package)), session.reservation(p.id),
                             start_reservation=float(p.reservation),
                             status_quo=session.utility(p.id, s.default_package), walked_out=p.id in out,
                             coerced=p.id in session.coerced, agreed=session.agreement is not None)
                 for p in s.parties)


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
        parties=party_results(session, package),
        nash=nash_of(session) if nash else None,
        forecast=forecast,
        hints=tuple(e for e in session.events if isinstance(e, Hinted)),
        trust=trust_pairs(session),
        events=session.events,
        mediator=mediator_stake(session),
        suspensions=tuple(e for e in session.events if isinstance(e, Suspended)),
        rejoins=tuple(e for e in session.events if isinstance(e, Rejoined)),
        reveal=reveal(session, package),
        spaces=tuple(space(session, pair) for pair in pairs(s.party_ids)[:MAX_PAIRS]) if nash else (),
        offers=offers(session.events),
    )


def describe_forecast(d: Durability, s: Scenario | None = None) -> str:
    """The forecast in one sentence: the share still in force at each horizon, and what ended
    it; then who was coerced into it (party names when ``s`` is given)."""
    parts = [f"{p:.0%} after {n} days (95% {lo:.0%}–{hi:.0%})"
             for n, p, lo, hi in zip(d.days, d.held, d.low, d.high, strict=True)]
    why = ", ".join(f"{k} {v}" for k, v in d.breaks.items() if v)
    text = "Still in force: " + "; ".join(parts) + (f". Ended by: {why} (of {d.runs} runs)." if why else ".")
    if d.coerced:
        text += " " + coercion_sentence(s, d.coerced, d.denounce_per_day)
    return text


def coercion_sentence(s: Scenario | None, coerced: Sequence[str], rate: float | None) -> str:
    """Who was coerced into an agreement, and what the forecast makes of it."""
    names = ", ".join(s.party(p).name if s is not None else p for p in coerced)
    head = f"Coerced into it: {names} (accepted only under pressure, or left below the status quo); "
    if rate is None:
        return head + "this scenario sets no rate of denunciation for coerced parties, so the forecast leaves it out."
    return head + f"each denounces it at a rate of {rate:g} a day, which the forecast includes."
