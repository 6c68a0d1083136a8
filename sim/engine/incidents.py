"""Incidents: the scheduled and random processes, how each incident is judged, and what it does.

A mixin of :class:`~sim.engine.session.Session`: random incidents arrive as Poisson processes
(thinned by the rate of the moment), scheduled ones at their hour; each happens only while its
``while:``/``unless:`` options allow. Each victim judges it by its own reading of who did it
and of the agreement and pledges in force (:func:`~sim.engine.rules.judge`); it moves trust,
applies its effects, may provoke answers in kind, and may make a victim withdraw from the
agreement.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine import rules as neg
from sim.engine.effects import EffectsMixin
from sim.engine.pledges import PledgesMixin
from sim.engine.state import EPS, stream
from sim.engine.tiering import TierMixin
from sim.memo import Memo
from sim.scenario.incident_checks import provoked_bound
from sim.scenario.incident_kinds import AGREEMENT, NOBODY
from sim.scenario.model import RandomIncident, ScheduledIncident

AnyIncident = ScheduledIncident | RandomIncident
_Judged = tuple[str, str, tuple[tuple[str, str, float], ...], tuple[tuple[str, str], ...], dict]
"""(worst judgement, verdict, trust damage, (victim, accused) read as breaking it, event fields)."""
_JUDGED: Memo[_Judged] = Memo(256)
_RateTerms = tuple[bool, float, str | None, str | None, float, float, tuple[str, ...]]


class IncidentsMixin(PledgesMixin, EffectsMixin, TierMixin):
    """The incident processes and mechanisms of a session."""

    def _scheduled(self):
        for inc in sorted(self._scenario.incidents.scheduled, key=lambda i: (i.round * self._H + i.hour, i.id)):
            at = inc.round * self._H + inc.hour
            if at > self._env.now:
                yield self._env.timeout(at - self._env.now)
            if self._allowed(inc):
                self._incident(inc, scheduled=True)

    def _random(self, inc: RandomIncident):
        """Poisson arrivals by thinning: candidates at the maximum rate, each kept with
        probability rate(t)/max_rate. Candidates and draws come from the incident's own
        stream whatever the mediator does. The maximum bounds every provocation at once."""
        rng = stream(self._seed, f"incident/{inc.id}")
        dyn = self._scenario.dynamics
        max_rate = inc.rate_per_day / 24 * (1 + dyn.distrust_rate_gain) * provoked_bound(self._scenario, inc.id)
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
        covered (by the agreement or its own pledge), ×Π factor of the provocations running,
        ×(1 + gain·(1 − the actor's mean trust in its victims)); 0 outside ``while``/``unless``."""
        conditional, rate, actor_id, target, covered_factor, gain, victims = self._rate_terms(inc)
        if conditional and not self._allowed(inc):
            return 0.0
        if target is not None and actor_id is not None and self._reads_covered(target, actor_id, actor_id):
            rate *= covered_factor
        provoked = self._provoked.get(inc.id)
        if provoked:
            now = self._env.now
            for factor, until in provoked.values():
                if now < until - EPS:
                    rate *= factor
        if actor_id is None:
            return rate
        trusts = self._parties[actor_id].trust
        if len(victims) == 1:  # the common case, without the mean's generator (the same float)
            trust = trusts[victims[0]]
        else:
            trust = sum(trusts[v] for v in victims) / len(victims) if victims else 1.0
        return rate * (1 + gain * (1 - trust))

    def _rate_terms(self, inc: RandomIncident) -> _RateTerms:
        """What :meth:`_rate` reads of the frozen scenario, gathered once per incident (every
        candidate arrival asks): (has while/unless, base hourly rate, actor, target,
        covered-rate factor, distrust gain, victims)."""
        hit = self._rate_of.get(id(inc))
        if hit is None:
            dyn = self._scenario.dynamics
            hit = self._rate_of[id(inc)] = (
                bool(inc.while_ or inc.unless), inc.rate_per_day / 24, inc.actor, inc.target,
                dyn.covered_rate_factor, dyn.distrust_rate_gain, self._victims(inc))
        return hit

    def _allowed(self, inc: AnyIncident) -> bool:
        """Whether every ``while`` option is in force and no ``unless`` option is."""
        if not inc.while_ and not inc.unless:
            return True
        package = self._accord.package

        def holds(ref: str) -> bool:
            if ref == AGREEMENT:
                return package is not None
            i, _, o = ref.partition(".")
            return package is not None and package.get(i) == o

        return all(holds(r) for r in inc.while_) and not any(holds(r) for r in inc.unless)

    def _reads_covered(self, tag: str, actor: str | None, reader: str) -> bool:
        """Whether ``reader`` reads ``tag`` as protected from ``actor``: by the agreement, or by
        actor's pledges (every candidate arrival asks, so no union of the two is built)."""
        if tag in self._accord.covered(reader):
            return True
        return actor is not None and bool(self._scenario.pledges) and tag in self.pledged(actor, reader)

    def _blamed(self, inc: AnyIncident, party: str) -> str | None:
        """Whom ``party`` holds responsible for a deliberate act (None: nobody, an accident)."""
        att = inc.attribution.get(party)
        if att is None:
            return inc.actor
        if not att.deliberate or att.blames == NOBODY:
            return None
        return att.blames or inc.actor

    def _judge(self, inc: AnyIncident, victim: str, accused: str) -> tuple[str, str]:
        """One victim's judgement of ``accused``; a denial turns a violation into a dispute."""
        s = self._scenario
        pledged = None
        if self._scenario.pledges and self.pledges_in_force(accused):
            def pledged(reader: str | None) -> set[str]:
                return self.pledged(accused, reader)
        judgement, vd = neg.judge(s, accused, victim, inc.target, self._accord.package, self.covered, pledged)
        if judgement == "violation" and self._blamed(inc, accused) != accused:
            judgement = "disputed"
        return judgement, vd

    def _incident(self, inc: AnyIncident, scheduled: bool) -> None:
        if self._ended:
            return
        worst, verdict, damage, judged, told = self._judged(inc)
        if neg.breaks_agreement(worst, verdict):
            self._violations += 1
        elif worst == "disputed":
            self._disputes += 1
        self._emit(ev.Incident, scheduled=scheduled, **told)
        for a, b, d in damage:
            self._trust(a, b, d, f"incident:{inc.id}")
        self._apply(inc.effects, f"incident:{inc.id}")
        self._provoke(inc)
        if worst != "none" and self._accord.package is not None:
            self._maybe_denounce(inc, judged)

    def _judged(self, inc: AnyIncident) -> _Judged:
        """(worst judgement, its verdict, trust damage, the victims who read it as breaking the
        agreement with whom they blame, the Incident event's fields): a function of the incident,
        the agreement in force and the pledges in force, so worked out once while those hold."""
        answers = self._accord.answers
        pledges = self._pledge_memo()  # which pledges are in force, shared by the scenario's games
        key = (id(inc), id(pledges))  # both live as long as the session
        hit = answers.get(key)
        if hit is None:
            # The games of a batch put the same agreements in force: ask them too.
            hit = answers[key] = _JUDGED.get((*key, self._accord.package_token), (inc, pledges),
                                             lambda: self._judge_now(inc))
        worst, verdict, damage, judged, told = hit
        # Each event gets its own dicts: events are frozen, their dict fields are not.
        told = {**told, "readings": dict(told["readings"])}
        if "blames" in told:
            told["blames"] = dict(told["blames"])
        return worst, verdict, damage, judged, told

    def _judge_now(self, inc: AnyIncident) -> _Judged:
        s = self._scenario
        worst, verdict = "none", ""
        damage: list[tuple[str, str, float]] = []
        judged: list[tuple[str, str]] = []
        denied: list[str] = []
        for v in self._victims(inc):
            accused = self._blamed(inc, v)
            if accused is None or accused == v:
                continue  # read as an accident: no one loses trust
            if self._blamed(inc, accused) != accused and accused not in denied:
                denied.append(accused)
            judgement, vd = self._judge(inc, v, accused)
            if judgement == "disputed" or neg.breaks_agreement(judgement, vd):
                judged.append((v, accused))
            if neg.SEVERITY[judgement] > neg.SEVERITY[worst]:
                worst, verdict = judgement, vd
            damage += neg.incident_damage(s.dynamics, judgement, vd, accused, v)
        told = {"incident": inc.id, "actor": inc.actor or "", "target": inc.target or "", "text": inc.text,
                "judgement": worst, "verdict": verdict, **self._described(inc, denied)}
        return worst, verdict, tuple(damage), tuple(judged), told

    def _described(self, inc: AnyIncident, denied: list[str]) -> dict:
        """The Incident event's readings and, when used, its victims, attribution and pledges."""
        s = self._scenario
        target = inc.target
        readings = {p: target is not None and self._reads_covered(target, inc.actor, p) for p in s.party_ids}
        out: dict = {"readings": readings}
        if inc.victims:
            out["victims"] = tuple(inc.victims)
        if inc.attribution:
            out["blames"] = {p: self._blamed(inc, p) or "" for p in s.party_ids if p == inc.actor
                             or p in self._victims(inc) or p in inc.attribution}
            out["denied"] = tuple(denied)
        if s.pledges and inc.target is not None:
            out["pledges"] = self._pledges_hit(inc, inc.target)
        return out

    def _pledges_hit(self, inc: AnyIncident, target: str) -> tuple[str, ...]:
        """The pledges in force of the parties the victims blame that cover ``target`` as a victim
        reads them: a function of the incident and of which pledges are in force."""
        memo = self._pledge_memo()
        key = ("hit", id(inc))  # the scenario is frozen: its incidents live as long as the session
        hit = memo.get(key)
        if hit is None:
            victims = self._victims(inc)
            accused = sorted({a for v in victims if (a := self._blamed(inc, v)) is not None})
            hit = memo[key] = tuple(pl.id for a in accused for pl in self.pledges_in_force(a)
                                    if any(target in self.pledged(a, v) for v in victims))
        return hit

    def _provoke(self, inc: AnyIncident) -> None:
        for pr in inc.provokes:
            until = round(self._env.now + pr.days * 24, 6)
            self._provoked.setdefault(pr.incident, {})[inc.id] = (pr.factor, until)
            self._emit(ev.Provoked, incident=pr.incident, by=inc.id, factor=pr.factor, until=until)

    def _victims(self, inc: AnyIncident) -> tuple[str, ...]:
        """The parties an incident hits: those named, else every party but the actor (none
        without an actor)."""
        hit = self._victims_of.get(id(inc))  # the scenario is frozen: ask once per incident
        if hit is None:
            if inc.victims:
                hit = tuple(inc.victims)
            elif inc.victim:
                hit = (inc.victim,)
            else:
                hit = tuple(v for v in self._scenario.party_ids if v != inc.actor) if inc.actor is not None else ()
            self._victims_of[id(inc)] = hit
        return hit

    def _maybe_denounce(self, inc: AnyIncident, judged: tuple[tuple[str, str], ...]) -> None:
        """A victim that reads the incident as breaking the agreement, and whose trust in the
        party it blames has fallen below its ``denounce_trust``, withdraws: the agreement collapses."""
        for v, accused in judged:
            a = self._parties[v]
            limit = a.party.denounce_trust
            if limit is not None and a.trust[accused] < limit - EPS:
                self._accord.withdraw()
                self._emit(ev.AgreementCollapsed, party=v, against=accused, trust=round(a.trust[accused], 4),
                           incident=inc.id)
                self._update_tier()
                return
