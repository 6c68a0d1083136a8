"""Incidents: the scheduled and random processes, how each incident is judged, and what it does.

A mixin of :class:`~sim.engine.session.Session`: random incidents arrive as Poisson processes
(thinned by the rate of the moment), scheduled ones at their hour; each is judged by every
victim's reading of the agreement in force (:func:`~sim.engine.rules.judge`), moves trust,
applies its effects, and may make a victim withdraw from the agreement.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine import rules as neg
from sim.engine.effects import EffectsMixin
from sim.engine.state import EPS, stream
from sim.scenario.model import RandomIncident, ScheduledIncident


class IncidentsMixin(EffectsMixin):
    """The incident processes and mechanisms of a session."""

    def _update_tier(self) -> None:
        raise NotImplementedError  # provided by Session

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
        branch = self._branch
        while True:
            at = self._env.now + rng.expovariate(max_rate)
            if branch is not None and at >= branch[1]:
                # Memoryless arrivals: restarting the draw at the branch time with a new
                # stream keeps the process exactly Poisson, and the past exactly shared.
                rng = stream(self._seed, f"incident/{inc.id}/branch/{branch[0]}")
                at = branch[1] + rng.expovariate(max_rate)
                branch = None
            yield self._env.timeout(at - self._env.now)
            if rng.random() * max_rate < self._rate(inc):
                self._incident(inc, scheduled=False)

    def _rate(self, inc: RandomIncident) -> float:
        """Hourly rate now: base, ×covered_rate_factor while the actor reads the target as
        covered, ×(1 + gain·(1 − the actor's mean trust in its victims))."""
        dyn = self._scenario.dynamics
        rate = inc.rate_per_day / 24
        if inc.target in self.covered(inc.actor):
            rate *= dyn.covered_rate_factor
        actor = self._parties[inc.actor]
        victims = self._victims(inc)
        trust = sum(actor.trust[v] for v in victims) / len(victims) if victims else 1.0
        return rate * (1 + dyn.distrust_rate_gain * (1 - trust))

    def _incident(self, inc: ScheduledIncident | RandomIncident, scheduled: bool) -> None:
        if self._ended:
            return
        s = self._scenario
        worst, verdict = "none", ""
        damage: list[tuple[str, str, float]] = []
        judged: list[str] = []
        for v in self._victims(inc):
            judgement, vd = neg.judge(s, inc.actor, v, inc.target, self._accord.package, self.covered)
            if judgement == "disputed" or neg.breaks_agreement(judgement, vd):
                judged.append(v)
            if neg.SEVERITY[judgement] > neg.SEVERITY[worst]:
                worst, verdict = judgement, vd
            damage += neg.incident_damage(s.dynamics, judgement, vd, inc.actor, v)
        if neg.breaks_agreement(worst, verdict):
            self._violations += 1
        elif worst == "disputed":
            self._disputes += 1
        readings = {p: inc.target in self.covered(p) for p in s.party_ids}
        self._emit(ev.Incident, incident=inc.id, actor=inc.actor, target=inc.target, text=inc.text,
                   scheduled=scheduled, judgement=worst, readings=readings, verdict=verdict)
        for a, b, d in damage:
            self._trust(a, b, d, f"incident:{inc.id}")
        self._apply(inc.effects, f"incident:{inc.id}")
        if worst != "none" and self._accord.package is not None:
            self._maybe_denounce(inc, judged)

    def _victims(self, inc: ScheduledIncident | RandomIncident) -> list[str]:
        """The parties an incident hits: the named victim, else every party but the actor."""
        return [inc.victim] if inc.victim else [v for v in self._scenario.party_ids if v != inc.actor]

    def _maybe_denounce(self, inc: ScheduledIncident | RandomIncident, victims: list[str]) -> None:
        """A victim that reads the incident as breaking the agreement, and whose trust in the
        actor has fallen below its ``denounce_trust``, withdraws: the agreement collapses."""
        for v in victims:
            a = self._parties[v]
            limit = a.party.denounce_trust
            if limit is not None and a.trust[inc.actor] < limit - EPS:
                self._accord.withdraw()
                self._emit(ev.AgreementCollapsed, party=v, against=inc.actor, trust=round(a.trust[inc.actor], 4),
                           incident=inc.id)
                self._update_tier()
                return
