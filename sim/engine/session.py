"""The simpy engine and the mediator's one interface to it: :class:`Session`.

A session is scenario + seed + the list of mediator actions. Its simpy ``Environment``
runs processes for the rounds, the scheduled incidents, one Poisson process per random
incident, and each expiring option. The rounds process yields an event the session
triggers with the mediator's action, so the clock stops exactly where a decision is due:
:meth:`Session.act` triggers it, steps the environment until the next decision (or the
end), and returns the typed events that happened in between. Nothing polls.

The parties are agents (:mod:`sim.engine.parties`) that own their state and answer for
themselves; the agreement in force is kept by :class:`~sim.engine.agreement.Accord`; the
formulas are pure functions in :mod:`sim.engine.rules`. The session orchestrates: it runs
the processes, asks the agents, and emits the events.

Randomness: one ``random.Random`` per source of chance (each random incident, each
party's noise), seeded from ``sha256(seed/name)``, so two mediators facing the same seed
meet the same shocks as far as their choices allow (common random numbers), and nothing
depends on PYTHONHASHSEED.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sim.engine import events as ev
from sim.engine.coercion import CoercionMixin
from sim.engine.consent import needed
from sim.engine.incidents import IncidentsMixin
from sim.engine.renewal import RenewalMixin
from sim.engine.state import EPS, stream
from sim.engine.suspension import SuspensionMixin
from sim.engine.view import MediatorView
from sim.errors import ActionRefused, ReplayError
from sim.memo import Memo
from sim.scenario.actions import Action, check_action
from sim.scenario.model import Scenario

__all__ = ["LOW_TRUST_ROUNDS", "ActionRefused", "Advisor", "Session", "stream"]

LOW_TRUST_ROUNDS = 2
"""A party walks out when its trust in a counterpart is below its walkout_trust at the end
of this many consecutive rounds."""


Advisor = Callable[[MediatorView], "dict[str, str] | None"]
"""Answers a hint: a package for the mediator to consider, from its view only (None: no deal seen)."""


_CHECKED: Memo[str | None] = Memo(256)


def _problem(s: Scenario, action: Action) -> str | None:
    """The first problem with an action's references to the scenario, else None; remembered
    per scenario and move (both frozen): policies play the same moves game after game."""
    def first() -> str | None:
        problems = check_action(s, action, ())
        return problems[0].message if problems else None

    return _CHECKED.get((id(s), id(action)), (s, action), first)


class Session(IncidentsMixin, RenewalMixin, CoercionMixin, SuspensionMixin):
    """One game: drive it with :meth:`act`, read it with :meth:`view` and :attr:`events`."""

    def __init__(self, scenario: Scenario, seed: int = 0, actions: Iterable[Action] = (), *,
                 advisor: Advisor | None = None, branch: tuple[int, float] | None = None,
                 max_rounds: int | None = None):
        """``advisor`` answers hint actions from the mediator's view (the analysis layer injects
        one; without it a hint is refused). ``branch=(k, t)`` gives every random incident a fresh
        stream (number k) from hour t on, for Monte Carlo forecasts from a shared past;
        ``max_rounds`` overrides the scenario's deadline (forecasts look past it), and then the
        game never ends as settled."""
        super().__init__(scenario, seed, branch, max_rounds)
        self._advisor = advisor
        s = scenario
        self._start_pledges()  # first: a pledge from the first hour is news before the first decision
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

    # ------------------------------------------------------------ the mediator's interface

    def act(self, action: Action) -> list[ev.Event]:
        """Take one mediator action; return the events it caused up to the next decision."""
        if self._ended:
            raise ActionRefused("the negotiation is over")
        problem = _problem(self._scenario, action)
        if problem is not None:
            raise ActionRefused(problem)
        if action.lever is not None and self._uses[action.lever] <= 0:
            raise ActionRefused(f"lever '{action.lever}' has no uses left")
        if action.renew is not None:
            self.renewable(action.renew)
        first = len(self._events)
        if action.hint:
            if self._advisor is None:
                raise ActionRefused("hints are not available in this session (no advisor)")
            # Advice, not a move: no game time passes and the simpy process keeps waiting.
            self._actions.append(action)
            self._emit(ev.Hinted, package=self._advisor(self.view()))
            return self._events[first:]
        pending, self._pending = self._pending, None
        if pending is None:  # only after the end, which is refused above
            raise ActionRefused("the negotiation is not waiting for an action")
        self._actions.append(action)
        pending.succeed(action)
        self._advance()
        return self._events[first:]

    def force_agreement(self, package: Mapping[str, str]) -> list[ev.Event]:
        """Put ``package`` in force now as if every party had accepted it: the entry point for
        what-if forecasts (how long would this hold?). Not a mediator action: it is not recorded
        in :attr:`actions`, so a session that used it can't be saved or replayed as a game."""
        if self._ended:
            raise ActionRefused("the negotiation is over")
        first = len(self._events)
        full = self._scenario.complete(dict(package))
        self._agree(full, self._forced_coerced(full))
        return self._events[first:]

    # ------------------------------------------------------------ stepping

    def _advance(self) -> None:
        while self._pending is None and not self._ended:
            self._env.step()

    # ------------------------------------------------------------ processes

    def _rounds(self):
        for r in range(self._max_rounds):
            self._round = r
            self._budget = 1.0
            self._emit(ev.RoundStarted)
            yield from self._decisions()
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

    def _decisions(self):
        """The mediator's moves within one round: consultations and levers spend part of the
        round; a proposal or a wait closes it."""
        while self._budget > EPS and not self._ended:
            if self._waits_left > 0:
                self._waits_left -= 1
                self._emit(ev.Waited)
                return
            self._pending = self._env.event()
            action: Action = yield self._pending
            if action.kind in ("consult", "lever", "renew"):
                dyn = self._scenario.dynamics
                if action.consult is not None:
                    self._consult(action.consult)
                elif action.lever is not None:
                    self._lever(action.lever)
                elif action.renew is not None:
                    self._renew(self.renewable(action.renew))
                fraction = dyn.renew_hours_fraction if action.renew is not None else dyn.consult_hours_fraction
                cost = min(self._budget, fraction)
                self._budget -= cost
                if cost > EPS:
                    yield self._env.timeout(cost * self._H)
                continue
            if action.kind == "propose":
                self._propose(action.propose or {})
            else:
                self._waits_left = (action.wait or 1) - 1
                self._emit(ev.Waited)
            return

    # ------------------------------------------------------------ mechanisms

    def _propose(self, partial: dict[str, str]) -> None:
        s = self._scenario
        package = s.complete(partial)
        changed = tuple(i for i in s.issue_ids if package[i] != s.issue(i).default_option)
        self._emit(ev.Proposed, package=package, changed=changed)
        needs = needed(s, package)
        accepts = [self._parties[p].present for p in needs]  # an absent party can't consent
        leaving = []
        coerced = []
        for pid in s.party_ids:
            a = self._parties[pid]
            if not a.present:
                continue
            need = pid in needs
            tau = self._threshold(pid)
            r = a.respond(package, tau, self._round, self._coercion_test(pid, tau), need)
            self._emit(ev.Responded, party=pid, accept=r.accept, utility=r.utility, threshold=r.threshold,
                       red_lines=r.red_lines, gaps=r.gaps, coerced=r.coerced and self.marks_coercion, needed=need)
            if need:
                accepts.append(r.accept)
                if r.coerced:
                    coerced.append(pid)
            if a.out_of_patience:
                leaving.append(pid)
        if leaving:
            a = self._parties[leaving[0]]
            self._leave(a.id, cause="red_lines", count=a.red_line_count, patience=a.party.red_line_patience)
            return
        if all(accepts):
            self._agree(package, tuple(coerced))

    def _agree(self, package: dict[str, str], coerced: tuple[str, ...] = ()) -> None:
        serial = self._accord.put(package, self._env.now)
        self._schedule_lapses()
        self._emit(ev.AgreementReached, package=dict(package), expires=dict(self._accord.expires),
                   coerced=coerced if self.marks_coercion else ())
        self._hold_coerced(serial, coerced)
        self._update_tier()

    def _end_of_round(self) -> None:
        s = self._scenario
        self._rejoins()
        for pid in s.party_ids:
            a = self._parties[pid]
            if a.suspended:
                continue
            o = a.low_trust_counterpart(LOW_TRUST_ROUNDS)
            if o is not None:
                self._leave(pid, cause="low_trust", counterpart=o, limit=a.party.walkout_trust,
                            rounds=LOW_TRUST_ROUNDS)
                if self._ended:
                    return
        acc = self._accord
        if (not self._forecasting and acc.tier == len(s.outcomes)
                and self._env.now - acc.tier_since >= s.clock.settle_rounds * self._H - EPS):
            self._end("settled")

    def _end(self, reason: str) -> None:
        if self._ended:
            return
        s = self._scenario
        acc = self._accord
        acc.close(self._env.now)
        surplus = {pid: round(v, 4) for pid, v in self.surplus().items()}
        days = (self._env.now - acc.since) / 24 if acc.package else 0.0
        self._ended = True
        self._end_reason = reason
        self._pending = None
        self._emit(ev.Ended, reason=reason, tier=s.outcomes[acc.tier - 1].id if acc.tier else None,
                   best_tier=s.outcomes[acc.best_tier - 1].id if acc.best_tier else None,
                   days_in_force=round(days, 4), violations=self._violations, disputes=self._disputes,
                   surplus=surplus, suspensions=sum(a.suspensions for a in self._parties.values()),
                   suspended=tuple(p for p, a in self._parties.items() if a.suspended),
                   **self._mediator_end())
