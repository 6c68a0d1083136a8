"""A game's state and the read-only questions about it: the base of :class:`~sim.engine.session.Session`.

:class:`SessionState` holds the clock, the party agents, the agreement in force, the
mediator's credibility and levers, and the events so far; its properties and queries never
change the game. The session adds the processes and the mechanisms that move it.
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import datetime, timedelta
from typing import Any, Generic, NoReturn, TypeVar, overload

import simpy

from sim.engine import rules
from sim.engine.agreement import Accord
from sim.engine.events import Event
from sim.engine.parties import PartyAgent, counterparts
from sim.engine.view import LeverView, MediatorView, PartyView, PledgeView
from sim.memo import Memo
from sim.scenario.actions import Action
from sim.scenario.model import Party, Scenario

EPS = 1e-9
_PLEDGE_MARGIN = 1e-6
T = TypeVar("T")


def stream(seed: int, name: str) -> random.Random:
    """An independent, reproducible random stream for one source of chance."""
    digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class ReadOnly(Generic[T]):
    """A read-only, typed view of one private attribute: ``seed = ReadOnly[int]("_seed")``."""

    def __init__(self, attr: str, doc: str | None = None):
        self.attr = attr
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> ReadOnly[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self if obj is None else getattr(obj, self.attr)

    def __set__(self, obj: object, value: NoReturn) -> NoReturn:
        raise AttributeError(f"property {self.name!r} of {type(obj).__name__!r} object has no setter")


_PLEDGE_ANSWERS: Memo[dict[tuple[bool, ...], dict]] = Memo(16)


def _pledge_answers(s: Scenario) -> dict[tuple[bool, ...], dict]:
    """Which pledges are in force -> what they cover, by question: a function of the frozen
    scenario alone, so every game of the scenario shares the answers (a batch asks the same)."""
    return _PLEDGE_ANSWERS.get(id(s), (s,), dict)


class SessionState:
    """The state of one game and every read-only question about it (see :class:`Session`)."""

    def __init__(self, scenario: Scenario, seed: int, branch: tuple[int, float] | None,
                 max_rounds: int | None):
        s = self._scenario = scenario
        self._seed = int(seed)
        self._branch = branch
        self._max_rounds = max_rounds or s.clock.max_rounds
        self._forecasting = max_rounds is not None
        self._events: list[Event] = []
        self._actions: list[Action] = []
        self._env = simpy.Environment()
        self._H = float(s.clock.round_hours)
        self._parties = {p.id: PartyAgent(s, p, stream(self._seed, f"noise/{p.id}")) for p in s.parties}
        self._credibility = float(s.mediator.credibility)
        self._uses = {lv.id: lv.uses for lv in s.mediator.levers}
        self._mediator_weights = {i: float(st.weight) for i, st in s.mediator.stances.items()}
        self._accord = Accord(s)
        self._violations = 0
        self._disputes = 0
        self._round = 0
        self._budget = 1.0
        self._ended = False
        self._end_reason: str | None = None
        self._pending: simpy.Event | None = None
        self._waits_left = 0
        self._provoked: dict[str, dict[str, tuple[float, float]]] = {}
        """Random incident -> provoking incident -> (factor, until hour)."""
        self._view_carry: dict = {}
        """What the views of this game compute once and share (see ``MediatorView._carry``)."""
        self._party_views: dict[str, tuple[int, PartyView]] = {}
        """Party -> (its agent's change count, the view of it at that count)."""
        self._lever_views: tuple[tuple[int, ...], tuple[LeverView, ...]] = ((), ())
        """(uses left per lever, the views of the levers with those uses)."""
        self._pledges_now: tuple[float, dict] | None = None
        """(hour until which the answers hold, answers): what pledges cover (see ``_pledge_memo``)."""
        self._victims_of: dict[int, tuple[str, ...]] = {}
        self._rate_of: dict[int, tuple] = {}
        """What a random incident's rate reads of the frozen scenario, by incident (see ``_rate``)."""
        self._pledge_answers = _pledge_answers(s)
        self._pledge_spans: tuple[tuple[float, float | None], ...] | None = None
        self._stamp: tuple[float, float, int] = (-1.0, 0.0, 0)
        """(hour, its rounded t, its round) of the last event emitted."""

    # ------------------------------------------------------------ read-only state

    @property
    def awaiting(self) -> bool:
        """True when the clock is stopped for the mediator's next action."""
        return self._pending is not None and not self._ended

    scenario = ReadOnly[Scenario]("_scenario")
    seed = ReadOnly[int]("_seed")

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event so far, in order (the transcript's body)."""
        return tuple(self._events)

    @property
    def actions(self) -> tuple[Action, ...]:
        """The mediator's actions so far: with the seed, all a replay needs."""
        return tuple(self._actions)

    @property
    def now(self) -> float:
        """Simulated hours since ``clock.start``."""
        return self._env.now

    round = ReadOnly[int]("_round", "The current round (0-based).")
    max_rounds = ReadOnly[int]("_max_rounds")
    round_hours = ReadOnly[float]("_H")

    @property
    def agreement(self) -> dict[str, str] | None:
        """A copy of the full package in force, or None."""
        return dict(self._accord.package) if self._accord.package is not None else None

    @property
    def expires(self) -> dict[str, float]:
        """Issue -> the hour its option in force lapses."""
        return dict(self._accord.expires)

    @property
    def tier(self) -> int:
        """Level of the outcome tier the agreement in force meets (0 = none)."""
        return self._accord.tier

    @property
    def best_tier(self) -> int:
        return self._accord.best_tier

    violations = ReadOnly[int]("_violations")
    disputes = ReadOnly[int]("_disputes")
    credibility = ReadOnly[float]("_credibility")
    ended = ReadOnly[bool]("_ended")
    end_reason = ReadOnly[str | None]("_end_reason", "'deadline', 'walkout' or 'settled' once ended.")

    @property
    def walkouts(self) -> tuple[str, ...]:
        """Ids of the parties that walked out, in scenario order."""
        return tuple(p for p, a in self._parties.items() if a.walked_out)

    @property
    def suspended(self) -> tuple[str, ...]:
        """Ids of the parties suspended now, in scenario order."""
        return tuple(p for p, a in self._parties.items() if a.suspended)

    def weights(self, party_id: str) -> dict[str, float]:
        """A party's current issue weights (levers and incidents move them; engine truth)."""
        return dict(self._parties[party_id].weights)

    def uses_left(self, lever_id: str) -> int:
        return self._uses[lever_id]

    def when(self, hours: float | None = None) -> datetime:
        """The in-game date and time at ``hours`` (default: now)."""
        return self._scenario.clock.start + timedelta(hours=self._env.now if hours is None else hours)

    def utility(self, party_id: str, package: dict[str, str]) -> float:
        """True utility of a full package for a party (engine truth, not mediator knowledge)."""
        return self._parties[party_id].utility(package)

    def mediator_utility(self, package: dict[str, str] | None = None) -> float | None:
        """U_m of a full package (default: the agreement in force, else the status quo) by the
        mediator's own stakes; None when it holds none."""
        package = package or self._accord.package or self._scenario.default_package
        return rules.stake_utility(self._scenario.mediator.stances, self._mediator_weights, package)

    def mediator_weights(self) -> dict[str, float]:
        """The mediator's current weights on its own stakes (levers may move them)."""
        return dict(self._mediator_weights)

    def _mediator_end(self) -> dict[str, float]:
        """The end event's mediator fields (none when it holds no stakes, as before they existed)."""
        u = self.mediator_utility()
        if u is None:
            return {}
        sq = self.mediator_utility(self._scenario.default_package)
        assert sq is not None
        return {"mediator_utility": round(u, 4), "mediator_status_quo": round(sq, 4)}

    def reservation(self, party_id: str) -> float:
        return self._parties[party_id].reservation

    def surplus(self) -> dict[str, float]:
        """Each party's U_p − R_p for the agreement in force (the default package if none)."""
        package = self._accord.package or self._scenario.default_package
        return {p: self.utility(p, package) - self.reservation(p) for p in self._scenario.party_ids}

    def covered(self, reader: str | None) -> set[str]:
        """Tags the agreement in force protects as ``reader`` reads it (cached per agreement)."""
        return self._accord.covered(reader)

    def held_days(self, level: int) -> float:
        """Days the agreement satisfied tier ``level`` or higher (0 when never)."""
        return self._accord.held_hours(level, self._env.now, open_=not self._ended) / 24

    def threshold(self, party_id: str, at_round: int | None = None) -> float:
        """A party's acceptance threshold without noise (engine truth): now, or as it would be
        in round ``at_round`` with today's trust, weights and reservation (``analyze --round``)."""
        return self._threshold(party_id, noisy=False, at_round=at_round)

    def view(self) -> MediatorView:
        """What the mediator can know now."""
        s = self._scenario
        parties = [self._party_view(p) for p in s.parties]
        uses = tuple(self._uses.values())
        if self._lever_views[0] != uses:  # rebuilt only when a lever is used
            self._lever_views = (uses, tuple(LeverView(lv.id, lv.label, lv.target, lv.cost, self._uses[lv.id],
                                                       lv.description) for lv in s.mediator.levers))
        levers = self._lever_views[1]
        tier = self._accord.tier
        title = s.outcomes[tier - 1].title if tier else "no agreement tier"
        return MediatorView(self._round, self._max_rounds, self._env.now, self.when(), self._budget,
                            round(self._credibility, 4), self.agreement, self.expires, tier, title,
                            tuple(parties), levers, self._ended, self._end_reason, len(self._actions), s,
                            s.dynamics.consult_hours_fraction, renew_cost=s.dynamics.renew_hours_fraction,
                            mediator_weights=self.mediator_weights(), pledges=self._pledge_views(),
                            _carry=self._view_carry)

    def _party_view(self, p: Party) -> PartyView:
        """What the mediator knows of one party now: the previous view's own object while none
        of it changed (so what a view computes from it carries over, see ``MediatorView``)."""
        a = self._parties[p.id]
        old = self._party_views.get(p.id)
        if old is not None and old[0] == a.changes:
            return old[1]
        known, hidden = a.known()
        pv = PartyView(p.id, p.name, p.leader, {k: round(v, 4) for k, v in a.trust.items()}, known,
                       round(a.reservation, 4) if a.reservation_known else None, hidden,
                       a.walked_out, a.red_line_count, p.red_line_patience, a.last_response,
                       suspended=a.suspended, consent=p.consent)
        self._party_views[p.id] = (a.changes, pv)
        return pv

    def _pledge_memo(self) -> dict:
        """What pledges cover now, by question (every random-incident candidate asks): in force is
        a function of the clock alone, so the answers hold while the same pledges are in force."""
        now = self._env.now
        memo = self._pledges_now
        if memo is None or now >= memo[0]:
            # Keyed by which pledges are in force, so the answers outlive the hour.
            spans = self._pledge_spans
            if spans is None:
                spans = self._pledge_spans = tuple(rules.pledge_span(pl, self._H) for pl in self._scenario.pledges)
            # rules.pledge_in_force, inlined.
            flags = tuple(start <= now + EPS and (end is None or now < end - EPS) for start, end in spans)
            # The flags hold until the clock nears the next start or end (the clock only moves on);
            # the margin makes sure they are read afresh before any of them can change.
            edges = [x - _PLEDGE_MARGIN for span in spans for x in span if x is not None and x - _PLEDGE_MARGIN > now]
            memo = self._pledges_now = (min(edges, default=math.inf), self._pledge_answers.setdefault(flags, {}))
        return memo[1]

    def _pledge_views(self) -> tuple[PledgeView, ...]:
        if not self._scenario.pledges:
            return ()
        memo = self._pledge_memo()  # the views hold while the same pledges are in force
        hit = memo.get("views")
        if hit is None:
            hit = memo["views"] = tuple(PledgeView(pl.id, pl.party, pl.covers, pl.text,
                                                   rules.pledge_span(pl, self._H)[1])
                                        for pl in self._scenario.pledges
                                        if rules.pledge_in_force(pl, self._H, self._env.now, EPS))
        return hit

    def _threshold(self, party_id: str, noisy: bool = True, at_round: int | None = None) -> float:
        s = self._scenario
        return self._parties[party_id].threshold(s, self._credibility, counterparts(self._parties, party_id, s.party_ids),
                                                 self._round if at_round is None else at_round, noisy)

    def _emit(self, cls: type[Event], **kw) -> None:
        # The round is read off the clock, so an incident at a round's first hour belongs to it
        # even when it fires before the rounds process has announced the round.
        now = self._env.now
        stamp = self._stamp
        if stamp[0] != now:  # several events share an hour: stamp it once
            stamp = self._stamp = (now, round(now, 6), min(self._max_rounds - 1, int((now + EPS) // self._H)))
        self._events.append(cls(t=stamp[1], round=stamp[2], **kw))
