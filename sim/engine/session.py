"""The simpy engine and the mediator's one interface to it: :class:`Session`.

A session is scenario + seed + the list of mediator actions. Its simpy ``Environment``
runs processes for the rounds, the scheduled incidents, one Poisson process per random
incident, and each expiring option. The rounds process yields an event the session
triggers with the mediator's action, so the clock stops exactly where a decision is due:
:meth:`Session.act` triggers it, steps the environment until the next decision (or the
end), and returns the typed events that happened in between. Nothing polls.

Randomness: one ``random.Random`` per source of chance (each random incident, each
party's noise), seeded from ``sha256(seed/name)``, so two mediators facing the same seed
meet the same shocks as far as their choices allow (common random numbers), and nothing
depends on PYTHONHASHSEED.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from types import MappingProxyType

import simpy

from sim.engine import rules as neg
from sim.engine.events import (
    AgreementCollapsed,
    AgreementLapsed,
    AgreementReached,
    Consulted,
    Ended,
    Event,
    Hinted,
    Incident,
    LeverUsed,
    Proposed,
    Responded,
    RoundStarted,
    Shifted,
    TierChanged,
    TrustChanged,
    Waited,
    Walkout,
)
from sim.engine.view import KnownStance, LeverView, MediatorView, PartyView
from sim.errors import ActionRefused, ReplayError
from sim.scenario.actions import Action, check_action
from sim.scenario.model import MEDIATOR, Effects, Party, RandomIncident, Scenario, ScheduledIncident

EPS = 1e-9
LOW_TRUST_ROUNDS = 2
"""A party walks out when its trust in a counterpart is below its walkout_trust at the end
of this many consecutive rounds."""


Advisor = Callable[[MediatorView], "dict[str, str] | None"]
"""Answers a hint: a package for the mediator to consider, from its view only (None: no deal seen)."""


def stream(seed: int, name: str) -> random.Random:
    """An independent, reproducible random stream for one source of chance."""
    digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class _PartyState:
    __slots__ = ("party", "reservation", "weights", "trust", "red_line_count", "low_rounds", "revealed",
                 "reservation_known", "walked_out", "cited", "last_response")

    def __init__(self, s: Scenario, p: Party):
        self.party = p
        self.reservation = float(p.reservation)
        self.weights = {i: float(st.weight) for i, st in p.stances.items()}
        self.trust = {o: float(p.trust.get(o, 0.5)) for o in [*s.party_ids, MEDIATOR] if o != p.id}
        self.red_line_count = 0
        self.low_rounds = {o: 0 for o in s.party_ids if o != p.id}
        self.revealed: list[str] = []
        self.reservation_known = False
        self.walked_out = False
        # Red lines the party has cited in its responses (issue -> options): known to the mediator.
        self.cited: dict[str, list[str]] = {}
        # (package, utility, threshold, round) of its latest response: said in the open.
        self.last_response: tuple[dict[str, str], float, float, int] | None = None


class Session:
    """One game: drive it with :meth:`act`, read it with :meth:`view` and :attr:`events`."""

    def __init__(self, scenario: Scenario, seed: int = 0, actions: Iterable[Action] = (), *,
                 advisor: Advisor | None = None, branch: tuple[int, float] | None = None,
                 max_rounds: int | None = None):
        """``advisor`` answers hint actions from the mediator's view (the analysis layer injects
        one; without it a hint is refused). ``branch=(k, t)`` gives every random incident a fresh
        stream (number k) from hour t on, for Monte Carlo forecasts from a shared past;
        ``max_rounds`` overrides the scenario's deadline (forecasts look past it), and then the
        game never ends as settled."""
        self._scenario = scenario
        self._advisor = advisor
        self._seed = int(seed)
        self._branch = branch
        self._max_rounds = max_rounds or scenario.clock.max_rounds
        self._forecasting = max_rounds is not None
        self._events: list[Event] = []
        self._actions: list[Action] = []
        self._env = simpy.Environment()
        s = scenario
        self._H = float(s.clock.round_hours)
        self._state = {p.id: _PartyState(s, p) for p in s.parties}
        self._credibility = float(s.mediator.credibility)
        self._uses = {lv.id: lv.uses for lv in s.mediator.levers}
        self._agreement: dict[str, str] | None = None
        self._agreement_since = 0.0
        self._expires: dict[str, float] = {}
        self._agreement_serial = 0
        self._covers: dict[str | None, set[str]] = {}
        """Tags the agreement in force covers, by reader; cleared whenever it changes."""
        self._tier = 0
        self._best_tier = 0
        self._tier_since = 0.0
        self._tier_hours: dict[int, float] = {}
        self._violations = 0
        self._disputes = 0
        self._round = 0
        self._budget = 1.0
        self._ended = False
        self._end_reason: str | None = None
        self._pending: simpy.Event | None = None
        self._waits_left = 0
        self._noise = {p.id: stream(self._seed, f"noise/{p.id}") for p in s.parties}
        self._known_cache: dict[str, tuple] = {}
        self._env.process(self._rounds())
        if s.incidents.scheduled:
            self._env.process(self._scheduled())
        for inc in s.incidents.random:
            if inc.rate_per_day > 0:
                self._env.process(self._random(inc))
        self._advance()
        # The one replay loop: saves, transcripts, forecasts and scripts all rebuild sessions here.
        for n, a in enumerate(actions):
            try:
                self.act(a)
            except ActionRefused as exc:
                raise ReplayError(n, a.describe(), str(exc)) from None

    # ------------------------------------------------------------ public interface

    @property
    def awaiting(self) -> bool:
        """True when the clock is stopped for the mediator's next action."""
        return self._pending is not None and not self._ended

    # ------------------------------------------------------------ read-only state

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def seed(self) -> int:
        return self._seed

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

    @property
    def round(self) -> int:
        """The current round (0-based)."""
        return self._round

    @property
    def max_rounds(self) -> int:
        return self._max_rounds

    @property
    def round_hours(self) -> float:
        return self._H

    @property
    def agreement(self) -> dict[str, str] | None:
        """A copy of the full package in force, or None."""
        return dict(self._agreement) if self._agreement is not None else None

    @property
    def expires(self) -> dict[str, float]:
        """Issue -> the hour its option in force lapses."""
        return dict(self._expires)

    @property
    def tier(self) -> int:
        """Level of the outcome tier the agreement in force meets (0 = none)."""
        return self._tier

    @property
    def best_tier(self) -> int:
        return self._best_tier

    @property
    def violations(self) -> int:
        return self._violations

    @property
    def disputes(self) -> int:
        return self._disputes

    @property
    def credibility(self) -> float:
        return self._credibility

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def end_reason(self) -> str | None:
        """'deadline', 'walkout' or 'settled' once ended."""
        return self._end_reason

    @property
    def walkouts(self) -> tuple[str, ...]:
        """Ids of the parties that walked out, in scenario order."""
        return tuple(p for p, st in self._state.items() if st.walked_out)

    def weights(self, party_id: str) -> dict[str, float]:
        """A party's current issue weights (levers and incidents move them; engine truth)."""
        return dict(self._state[party_id].weights)

    def uses_left(self, lever_id: str) -> int:
        return self._uses[lever_id]

    def act(self, action: Action) -> list[Event]:
        """Take one mediator action; return the events it caused up to the next decision."""
        if self._ended:
            raise ActionRefused("the negotiation is over")
        problems = check_action(self._scenario, action, ())
        if problems:
            raise ActionRefused(problems[0].message)
        if action.hint and self._advisor is None:
            raise ActionRefused("hints are not available in this session (no advisor)")
        if action.lever is not None and self._uses[action.lever] <= 0:
            raise ActionRefused(f"lever '{action.lever}' has no uses left")
        assert self._pending is not None
        self._actions.append(action)
        first = len(self._events)
        if action.hint:
            # Advice, not a move: no game time passes and the simpy process keeps waiting.
            self._emit(Hinted, package=self._advisor(self.view()))
            return self._events[first:]
        pending, self._pending = self._pending, None
        pending.succeed(action)
        self._advance()
        return self._events[first:]

    def view(self) -> MediatorView:
        """What the mediator can know now."""
        s = self._scenario
        parties = []
        for p in s.parties:
            st = self._state[p.id]
            known, hidden = self._known(p, st)
            parties.append(PartyView(p.id, p.name, p.leader, {k: round(v, 4) for k, v in st.trust.items()}, known,
                                     round(st.reservation, 4) if st.reservation_known else None, hidden,
                                     st.walked_out, st.red_line_count, p.red_line_patience, st.last_response))
        levers = tuple(LeverView(lv.id, lv.label, lv.target, lv.cost, self._uses[lv.id], lv.description)
                       for lv in s.mediator.levers)
        title = s.outcomes[self._tier - 1].title if self._tier else "no agreement tier"
        return MediatorView(self._round, self._max_rounds, self._env.now, self.when(), self._budget,
                            round(self._credibility, 4), dict(self._agreement) if self._agreement else None,
                            dict(self._expires), self._tier, title, tuple(parties), levers, self._ended,
                            self._end_reason, len(self._actions), s, s.dynamics.consult_hours_fraction)

    def _known(self, p: Party, st: _PartyState) -> tuple[Mapping[str, KnownStance], int]:
        """What the mediator knows of a party's stances, rebuilt only when that knowledge or
        the party's weights changed (views are taken before every decision)."""
        key = (tuple(st.revealed), tuple((i, tuple(o)) for i, o in st.cited.items()), tuple(st.weights.values()))
        cached = self._known_cache.get(p.id)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        known: dict[str, KnownStance] = {}
        hidden = 0
        total = sum(st.weights.values()) or 1.0
        for i, stance in p.stances.items():
            rev = i in st.revealed
            if not rev:
                hidden += 1
            if rev:
                known[i] = KnownStance(i, stance.visibility, stance.demand, stance.red_lines, True,
                                       st.weights[i], dict(stance.values), stance.quote, stance.red_line_quote,
                                       share=st.weights[i] / total)
            elif stance.visibility == "public":
                lines = (*stance.red_lines, *(o for o in st.cited.get(i, ()) if o not in stance.red_lines))
                known[i] = KnownStance(i, "public", stance.demand, lines, False,
                                       quote=stance.quote, red_line_quote=stance.red_line_quote)
            elif i in st.cited:
                # A private stance shows itself only through the red lines the party cited.
                known[i] = KnownStance(i, "private", None, tuple(st.cited[i]), False)
        frozen = MappingProxyType(known)
        self._known_cache[p.id] = (key, frozen, hidden)
        return frozen, hidden

    def when(self, hours: float | None = None):
        """The in-game date and time at ``hours`` (default: now)."""
        return self._scenario.clock.start + timedelta(hours=self._env.now if hours is None else hours)

    def utility(self, party_id: str, package: dict[str, str]) -> float:
        """True utility of a full package for a party (engine truth, not mediator knowledge)."""
        st = self._state[party_id]
        return neg.utility(st.party, st.weights, package)

    def reservation(self, party_id: str) -> float:
        return self._state[party_id].reservation

    def surplus(self) -> dict[str, float]:
        """Each party's U_p − R_p for the agreement in force (the default package if none)."""
        package = self._agreement or self._scenario.default_package
        return {p: self.utility(p, package) - self.reservation(p) for p in self._scenario.party_ids}

    # ------------------------------------------------------------ stepping

    def _advance(self) -> None:
        while self._pending is None and not self._ended:
            self._env.step()

    def _emit(self, cls: type[Event], **kw) -> None:
        # The round is read off the clock, so an incident at a round's first hour belongs to it
        # even when it fires before the rounds process has announced the round.
        r = min(self._max_rounds - 1, int((self._env.now + EPS) // self._H))
        self._events.append(cls(t=round(self._env.now, 6), round=r, **kw))

    # ------------------------------------------------------------ processes

    def _rounds(self):
        s = self._scenario
        for r in range(self._max_rounds):
            self._round = r
            self._budget = 1.0
            self._emit(RoundStarted)
            while self._budget > EPS and not self._ended:
                if self._waits_left > 0:
                    self._waits_left -= 1
                    self._emit(Waited)
                    break
                self._pending = self._env.event()
                action: Action = yield self._pending
                kind = action.kind
                if kind in ("consult", "lever"):
                    if kind == "consult":
                        self._consult(action.consult)
                    else:
                        self._lever(action.lever)
                    cost = min(self._budget, s.dynamics.consult_hours_fraction)
                    self._budget -= cost
                    if cost > EPS:
                        yield self._env.timeout(cost * self._H)
                    continue
                if kind == "propose":
                    self._propose(action.propose or {})
                else:
                    self._waits_left = (action.wait or 1) - 1
                    self._emit(Waited)
                break
            if self._ended:
                return
            rest = (r + 1) * self._H - self._env.now
            if rest > EPS:
                yield self._env.timeout(rest)
            self._end_of_round()
            if self._ended:
                return
        self._round = self._max_rounds - 1
        self._end("deadline")

    def _scheduled(self):
        for inc in sorted(self._scenario.incidents.scheduled, key=lambda i: (i.round * self._H + i.hour, i.id)):
            at = inc.round * self._H + inc.hour
            if at > self._env.now:
                yield self._env.timeout(at - self._env.now)
            self._incident(inc, scheduled=True)

    def _random(self, inc: RandomIncident):
        """Poisson arrivals by thinning: candidates at the maximum rate, each kept with
        probability rate(t)/max_rate. Candidates and draws come from the incident's own
        stream whatever the mediator does."""
        rng = stream(self._seed, f"incident/{inc.id}")
        dyn = self._scenario.dynamics
        max_rate = inc.rate_per_day / 24 * (1 + dyn.distrust_rate_gain)
        branched = self._branch is None
        while True:
            at = self._env.now + rng.expovariate(max_rate)
            if not branched and at >= self._branch[1]:
                # Memoryless arrivals: restarting the draw at the branch time with a new
                # stream keeps the process exactly Poisson, and the past exactly shared.
                branched = True
                rng = stream(self._seed, f"incident/{inc.id}/branch/{self._branch[0]}")
                at = self._branch[1] + rng.expovariate(max_rate)
            yield self._env.timeout(at - self._env.now)
            u = rng.random()
            if u * max_rate < self._rate(inc):
                self._incident(inc, scheduled=False)

    def covered(self, reader: str | None) -> set[str]:
        """Tags the agreement in force protects as ``reader`` reads it (cached per agreement)."""
        tags = self._covers.get(reader)
        if tags is None:
            tags = self._covers[reader] = neg.in_force_covers(self._scenario, reader, self._agreement)
        return tags

    def _rate(self, inc: RandomIncident) -> float:
        """Hourly rate now: base, ×covered_rate_factor while the actor reads the target as
        covered, ×(1 + gain·(1 − the actor's mean trust in its victims))."""
        s = self._scenario
        dyn = s.dynamics
        rate = inc.rate_per_day / 24
        if inc.target in self.covered(inc.actor):
            rate *= dyn.covered_rate_factor
        actor = self._state[inc.actor]
        victims = self._victims(inc)
        trust = sum(actor.trust[v] for v in victims) / len(victims) if victims else 1.0
        return rate * (1 + dyn.distrust_rate_gain * (1 - trust))

    def _expiry(self, serial: int, issue: str, at: float):
        yield self._env.timeout(max(0.0, at - self._env.now))
        if self._agreement_serial != serial or self._agreement is None or self._ended:
            return
        option = self._agreement[issue]
        default = self._scenario.issue(issue).default_option
        self._agreement = {**self._agreement, issue: default}
        self._covers = {}
        self._expires.pop(issue, None)
        self._emit(AgreementLapsed, issue=issue, option=option, reverts_to=default)
        if all(o == self._scenario.issue(i).default_option for i, o in self._agreement.items()):
            self._agreement = None
        self._update_tier()

    # ------------------------------------------------------------ mechanisms

    def threshold(self, party_id: str, at_round: int | None = None) -> float:
        """A party's acceptance threshold without noise (engine truth): now, or as it would be
        in round ``at_round`` with today's trust, weights and reservation (``analyze --round``)."""
        return self._threshold(self._state[party_id], noisy=False, at_round=at_round)

    def force_agreement(self, package: Mapping[str, str]) -> list[Event]:
        """Put ``package`` in force now as if every party had accepted it: the entry point for
        what-if forecasts (how long would this hold?). Not a mediator action: it is not recorded
        in :attr:`actions`, so a session that used it can't be saved or replayed as a game."""
        if self._ended:
            raise ActionRefused("the negotiation is over")
        first = len(self._events)
        self._agree(self._scenario.complete(dict(package)))
        return self._events[first:]

    def _threshold(self, st: _PartyState, noisy: bool = True, at_round: int | None = None) -> float:
        p = st.party
        s = self._scenario
        others = [o for o in s.party_ids if o != p.id and not self._state[o].walked_out]
        teff = neg.effective_trust(s, p, st.trust, self._credibility, others)
        tau = neg.threshold(st.reservation, neg.aspiration(p, st.weights),
                            min(self._round if at_round is None else at_round, s.clock.max_rounds - 1),
                            s.clock.max_rounds,
                            p.concession, p.distrust_penalty, teff)
        if noisy and p.noise > 0:
            tau = min(100.0, max(0.0, tau + self._noise[p.id].uniform(-p.noise, p.noise)))
        return tau

    def _propose(self, partial: dict[str, str]) -> None:
        s = self._scenario
        package = s.complete(partial)
        changed = tuple(i for i in s.issue_ids if package[i] != s.issue(i).default_option)
        self._emit(Proposed, package=package, changed=changed)
        accepts = []
        walkouts = []
        for pid in s.party_ids:
            st = self._state[pid]
            hit = neg.red_lines_hit(st.party, package)
            u = neg.utility(st.party, st.weights, package)
            tau = self._threshold(st)
            ok = not hit and u >= tau - EPS
            self._emit(Responded, party=pid, accept=ok, utility=round(u, 4), threshold=round(tau, 4),
                       reasons=neg.reasons(s, st.party, st.weights, package, ok, u, tau), red_lines=tuple(hit))
            accepts.append(ok)
            st.last_response = (package, round(u, 4), round(tau, 4), self._round)
            for ref in hit:
                i, o = ref.split(".", 1)
                if o not in st.cited.setdefault(i, []):
                    st.cited[i].append(o)
            if hit:
                st.red_line_count += 1
                if st.red_line_count > st.party.red_line_patience:
                    walkouts.append(pid)
        if walkouts:
            pid = walkouts[0]
            self._walkout(pid, f"the mediator kept proposing its red lines "
                               f"({self._state[pid].red_line_count} times; patience {self._state[pid].party.red_line_patience})")
            return
        if all(accepts):
            self._agree(package)

    def _agree(self, package: dict[str, str]) -> None:
        s = self._scenario
        self._agreement_serial += 1
        self._agreement = dict(package)
        self._covers = {}
        self._agreement_since = self._env.now
        self._expires = {}
        for i, o in package.items():
            days = s.issue(i).option(o).duration_days
            if days is not None:
                self._expires[i] = round(self._env.now + days * 24, 6)
                self._env.process(self._expiry(self._agreement_serial, i, self._expires[i]))
        self._emit(AgreementReached, package=dict(package), expires=dict(self._expires))
        self._update_tier()

    def _update_tier(self) -> None:
        level = neg.tier_of(self._scenario, self._agreement)
        if level == self._tier:
            return
        self._tier_hours[self._tier] = self._tier_hours.get(self._tier, 0.0) + self._env.now - self._tier_since
        self._tier, self._tier_since = level, self._env.now
        self._best_tier = max(self._best_tier, level)
        oc = self._scenario.outcomes[level - 1] if level else None
        self._emit(TierChanged, tier=oc.id if oc else None, title=oc.title if oc else "no agreement tier",
                   level=level)

    def _consult(self, party_id: str) -> None:
        """Reveal the party's reservation (first consultation) and its weightiest hidden stance."""
        s = self._scenario
        st = self._state[party_id]
        p = st.party
        revealed: list[str] = []
        details: list[str] = []
        if not st.reservation_known:
            st.reservation_known = True
            revealed.append("reservation")
            details.append(f"{p.name} would walk away from anything worth less than {st.reservation:.0f} "
                           "points to it.")
        hidden = [i for i in p.stances if i not in st.revealed]
        hidden.sort(key=lambda i: (-st.weights[i], s.issue_ids.index(i)))
        if hidden:
            i = hidden[0]
            st.revealed.append(i)
            revealed.append(i)
            stance = p.stances[i]
            iss = s.issue(i)
            share = 100 * st.weights[i] / sum(st.weights.values())
            vals = ", ".join(f"{iss.option(o).label} {stance.value(o):.0f}" for o in iss.option_ids)
            line = f"{iss.title}: {share:.0f}% of what matters to {p.name}; values {vals}"
            if stance.red_lines:
                line += "; never: " + ", ".join(iss.option(o).label for o in stance.red_lines)
            if stance.visibility == "private":
                line += " (not said in public)"
            details.append(line)
        elif st.reservation_known and len(revealed) == 0:
            details.append(f"{p.name} has nothing more to tell.")
        self._emit(Consulted, party=party_id, revealed=tuple(revealed), details=tuple(details))

    def _lever(self, lever_id: str) -> None:
        lv = next(lv for lv in self._scenario.mediator.levers if lv.id == lever_id)
        self._uses[lever_id] -= 1
        before = self._credibility
        self._credibility = min(1.0, max(0.0, self._credibility - lv.cost))
        self._emit(LeverUsed, lever=lever_id, target=lv.target, credibility=round(self._credibility, 4))
        if abs(self._credibility - before) > EPS:
            self._emit(Shifted, what="credibility", party=MEDIATOR, issue="", before=round(before, 4),
                       after=round(self._credibility, 4), cause=f"lever:{lever_id}")
        self._apply(lv.effects, f"lever:{lever_id}")

    def _incident(self, inc: ScheduledIncident | RandomIncident, scheduled: bool) -> None:
        if self._ended:
            return
        s = self._scenario
        dyn = s.dynamics
        victims = self._victims(inc)
        readings = {p: inc.target in self.covered(p) for p in s.party_ids}
        worst = "none"
        verdict = ""
        damage: list[tuple[str, str, float]] = []
        order = {"none": 0, "monitored": 1, "violation": 2, "disputed": 3}
        judged: list[str] = []
        for v in victims:
            judgement, vd = neg.judge(s, inc.actor, v, inc.target, self._agreement, self.covered)
            if judgement in ("violation", "disputed") or (judgement == "monitored" and vd == "violation"):
                judged.append(v)
            if order[judgement] > order[worst]:
                worst, verdict = judgement, vd
            if judgement == "none":
                damage.append((v, inc.actor, dyn.incident_trust))
            elif judgement == "violation":
                damage.append((v, inc.actor, dyn.violation_trust))
            elif judgement == "disputed":
                damage.append((v, inc.actor, dyn.dispute_trust))
                damage.append((inc.actor, v, dyn.dispute_trust))
            else:  # monitored: settled by the text, damage damped
                base = dyn.violation_trust if vd == "violation" else dyn.incident_trust
                damage.append((v, inc.actor, base * dyn.monitored_factor))
        if worst in ("violation",) or (worst == "monitored" and verdict == "violation"):
            self._violations += 1
        elif worst == "disputed":
            self._disputes += 1
        self._emit(Incident, incident=inc.id, actor=inc.actor, target=inc.target, text=inc.text,
                   scheduled=scheduled, judgement=worst, readings=readings, verdict=verdict)
        for a, b, d in damage:
            self._trust(a, b, d, f"incident:{inc.id}")
        self._apply(inc.effects, f"incident:{inc.id}")
        if worst in ("violation", "disputed", "monitored") and self._agreement is not None:
            self._maybe_denounce(inc, judged)

    def _victims(self, inc: ScheduledIncident | RandomIncident) -> list[str]:
        """The parties an incident hits: the named victim, else every party but the actor."""
        return [inc.victim] if inc.victim else [v for v in self._scenario.party_ids if v != inc.actor]

    def _maybe_denounce(self, inc: ScheduledIncident | RandomIncident, victims: list[str]) -> None:
        """A victim that reads the incident as breaking the agreement, and whose trust in the
        actor has fallen below its ``denounce_trust``, withdraws: the agreement collapses."""
        for v in victims:
            st = self._state[v]
            limit = st.party.denounce_trust
            if limit is not None and st.trust[inc.actor] < limit - EPS:
                self._agreement_serial += 1  # cancels the pending expiries
                self._agreement, self._expires, self._covers = None, {}, {}
                self._emit(AgreementCollapsed, party=v, against=inc.actor, trust=round(st.trust[inc.actor], 4),
                           incident=inc.id)
                self._update_tier()
                return

    def _trust(self, a: str, b: str, delta: float, cause: str) -> None:
        if a == MEDIATOR or abs(delta) < EPS:
            return
        st = self._state[a]
        before = st.trust[b]
        after = min(1.0, max(0.0, before + delta))
        if abs(after - before) < EPS:
            return
        st.trust[b] = after
        self._emit(TrustChanged, truster=a, trustee=b, before=round(before, 4), after=round(after, 4), cause=cause)

    def _apply(self, e: Effects, cause: str) -> None:
        for pid, d in e.reservation.items():
            st = self._state[pid]
            before = st.reservation
            st.reservation = min(100.0, max(0.0, before + d))
            self._emit(Shifted, what="reservation", party=pid, issue="", before=round(before, 4),
                       after=round(st.reservation, 4), cause=cause)
        for key, d in e.trust.items():
            a, _, b = key.partition("->")
            self._trust(a.strip(), b.strip(), d, cause)
        for pid, ws in e.weights.items():
            st = self._state[pid]
            for i, d in ws.items():
                if i not in st.weights:
                    continue  # the party holds no stance on this issue: weight has no meaning
                before = st.weights[i]
                st.weights[i] = max(0.01, before + d)
                self._emit(Shifted, what="weight", party=pid, issue=i, before=round(before, 4),
                           after=round(st.weights[i], 4), cause=cause)
        if abs(e.credibility) > EPS:
            before = self._credibility
            self._credibility = min(1.0, max(0.0, before + e.credibility))
            self._emit(Shifted, what="credibility", party=MEDIATOR, issue="", before=round(before, 4),
                       after=round(self._credibility, 4), cause=cause)

    def _end_of_round(self) -> None:
        s = self._scenario
        for pid in s.party_ids:
            st = self._state[pid]
            for o in st.low_rounds:
                st.low_rounds[o] = st.low_rounds[o] + 1 if st.trust[o] < st.party.walkout_trust - EPS else 0
                if st.low_rounds[o] >= LOW_TRUST_ROUNDS:
                    name = s.party(o).name
                    self._walkout(pid, f"its trust in {name} stayed below {st.party.walkout_trust:g} "
                                       f"for {LOW_TRUST_ROUNDS} rounds")
                    return
        top = len(s.outcomes)
        if (not self._forecasting and self._tier == top
                and self._env.now - self._tier_since >= s.clock.settle_rounds * self._H - EPS):
            self._end("settled")

    def _walkout(self, pid: str, reason: str) -> None:
        self._state[pid].walked_out = True
        self._emit(Walkout, party=pid, reason=reason)
        self._end("walkout")

    def _end(self, reason: str) -> None:
        if self._ended:
            return
        s = self._scenario
        self._tier_hours[self._tier] = self._tier_hours.get(self._tier, 0.0) + self._env.now - self._tier_since
        surplus = {pid: round(v, 4) for pid, v in self.surplus().items()}
        days = (self._env.now - self._agreement_since) / 24 if self._agreement else 0.0
        best = s.outcomes[self._best_tier - 1].id if self._best_tier else None
        tier = s.outcomes[self._tier - 1].id if self._tier else None
        self._ended = True
        self._end_reason = reason
        self._pending = None
        self._emit(Ended, reason=reason, tier=tier, best_tier=best, days_in_force=round(days, 4),
                   violations=self._violations, disputes=self._disputes, surplus=surplus)

    # ------------------------------------------------------------ summaries

    def held_days(self, level: int) -> float:
        """Days the agreement satisfied tier ``level`` or higher (0 when never)."""
        hours = 0.0
        open_level = self._tier
        for lv, h in self._tier_hours.items():
            if lv >= level:
                hours += h
        if not self._ended and open_level >= level:
            hours += self._env.now - self._tier_since
        return hours / 24


