"""What the mediator can know: public stances, trust, and what consultations revealed.

A :class:`MediatorView` is a frozen snapshot the TUI renders and policies decide from.
Predictions use only this knowledge: for a stance not yet revealed, the mediator assumes
the stated demand is worth 100, a stated red line 0, any other option 50, and a weight equal
to the mean of the weights revealed so far (10 before any); issues a party has said nothing
about share the weight of its hidden private stances, with a mild preference for the
default; an unknown reservation is taken as 50 and concession as linear (β = 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from sim.engine.consent import needed
from sim.engine.rules import effective_trust, stake_utility, threshold
from sim.scenario.model import MEDIATOR, Quote, Scenario

ASSUMED_RESERVATION = 50.0
ASSUMED_WEIGHT = 10.0
ASSUMED_DEFAULT_VALUE = 60.0
ASSUMED_CHANGE_VALUE = 40.0
MARGIN = 5.0
"""Points either side of the estimated threshold where a prediction stays 'unsure'."""


@dataclass(frozen=True)
class KnownStance:
    issue: str
    visibility: str
    demand: str | None
    """The stated demand (None for a private stance not yet revealed)."""
    red_lines: tuple[str, ...]
    """Red lines the mediator knows of (public ones, or all once revealed)."""
    revealed: bool
    weight: float | None = None
    values: dict[str, float] | None = None
    quote: Quote | None = None
    red_line_quote: Quote | None = None
    share: float | None = None
    """Once revealed: the stance's share of everything the party cares about (0–1)."""


@dataclass(frozen=True)
class PledgeView:
    """A unilateral pledge in force (its text is public)."""

    id: str
    party: str
    covers: tuple[str, ...]
    """Tags it protects by its own text."""
    text: str
    until: float | None
    """Hour it lapses (None: it holds to the end)."""


@dataclass(frozen=True)
class PartyView:
    id: str
    name: str
    leader: str | None
    trust: dict[str, float]
    """This party's trust in each counterpart and in 'mediator' (visible to all)."""
    stances: Mapping[str, KnownStance]
    reservation: float | None
    """Known once a consultation revealed it."""
    hidden: int
    """How many of its stances (public or private) are still hidden."""
    walked_out: bool
    red_line_proposals: int
    red_line_patience: int
    last_response: tuple[dict[str, str], float, float, int] | None = None
    """(package, utility, threshold, round) the party stated when it last responded."""
    suspended: bool = False
    """It suspended its participation: it answers no proposal until it rejoins."""
    consent: tuple[str, ...] | None = None
    """The issues it must agree to (None: every issue); see :mod:`sim.engine.consent`."""

    @property
    def present(self) -> bool:
        """At the table: neither walked out nor suspended."""
        return not (self.walked_out or self.suspended)

    @property
    def private_unknown(self) -> int:
        """Hidden stances that are private: the mediator doesn't even know the issue matters."""
        public_hidden = sum(1 for st in self.stances.values() if not st.revealed)
        return max(0, self.hidden - public_hidden)

    @property
    def red_lines_left(self) -> int:
        """How many more proposals touching its red lines the party sits through; one more
        than this and it walks out (the engine's rule: count > patience)."""
        return max(0, self.red_line_patience - self.red_line_proposals)

    @property
    def at_risk(self) -> bool:
        """The next proposal touching one of its red lines makes this party walk out."""
        return self.present and self.red_line_proposals >= self.red_line_patience

    def walks_out_over(self, red_lines_hit: tuple[str, ...]) -> bool:
        """Whether a proposal touching ``red_lines_hit`` (known red lines) makes it walk out."""
        return bool(red_lines_hit) and self.at_risk


@dataclass(frozen=True)
class Prediction:
    verdict: Literal["accept", "reject", "unsure"]
    certain: bool
    """True when the verdict rests on a known red line or on full knowledge of the party."""
    utility: float
    threshold: float
    red_lines: tuple[str, ...] = ()
    needed: bool = True
    """False when the package touches no issue the party holds: its no wouldn't block."""
    away: bool = False
    """The party is suspended: it won't answer, and a package that needs it can't pass."""


@dataclass(frozen=True)
class LeverView:
    id: str
    label: str
    target: str
    cost: float
    uses_left: int
    description: str | None = None


@dataclass(frozen=True)
class MediatorView:
    round: int
    max_rounds: int
    hours: float
    when: dt.datetime
    budget: float
    """Fraction of the current round the mediator still has (consults and levers cost half)."""
    credibility: float
    agreement: dict[str, str] | None
    expires: dict[str, float]
    tier: int
    tier_title: str
    parties: tuple[PartyView, ...]
    levers: tuple[LeverView, ...]
    ended: bool
    end_reason: str | None
    actions_taken: int
    scenario: Scenario = field(repr=False, compare=False)
    step_cost: float = 0.5
    """Fraction of a round a consultation or a lever costs (``dynamics.consult_hours_fraction``)."""
    renew_cost: float = 0.25
    """Fraction of a round a renewal costs (``dynamics.renew_hours_fraction``)."""
    mediator_weights: dict[str, float] = field(default_factory=dict)
    """The mediator's own stakes' weights now: it knows its own interests (and so does the player)."""
    pledges: tuple[PledgeView, ...] = ()
    """Unilateral pledges in force now."""
    _beliefs: dict = field(default_factory=dict, repr=False, compare=False)
    """Cache: a view is a snapshot, so each party's beliefs are computed once per view."""

    @property
    def step_ends_round(self) -> bool:
        """A consultation or lever now uses up the rest of the round (the clock moves on after)."""
        return self.budget <= self.step_cost + 1e-9

    def mediator_utility(self, package: dict[str, str]) -> float | None:
        """U_m of a full package by the mediator's own stakes (None: it holds none)."""
        return stake_utility(self.scenario.mediator.stances, self.mediator_weights, package)

    def lapsing(self, within: float) -> list[tuple[str, float]]:
        """(issue, hours left) of options in force lapsing within ``within`` hours, soonest first."""
        soon = [(i, at - self.hours) for i, at in self.expires.items() if at - self.hours <= within]
        return sorted(soon, key=lambda x: x[1])

    def party(self, party_id: str) -> PartyView:
        return next(p for p in self.parties if p.id == party_id)

    def estimate(self, party_id: str, package: dict[str, str]) -> tuple[float, float]:
        """Estimated (utility, threshold) of a full package for a party, from known information.

        Once the party has answered a proposal, its stated utility and threshold calibrate the
        estimate: the model's error on that package is assumed to carry over, and its stated
        threshold (which only falls as the rounds pass, unless trust breaks) is taken as is.
        """
        u, tau = self._model_estimate(party_id, package)
        last = self.party(party_id).last_response
        if last is None:
            return u, tau
        said_pkg, said_u, said_tau, _ = last
        u0, _ = self._model_estimate(party_id, said_pkg)
        return min(100.0, max(0.0, u + said_u - u0)), said_tau

    def beliefs(self, party_id: str) -> dict[str, tuple[float, dict[str, float], float]]:
        """The mediator's model of a party: issue -> (weight, value per option, best value).

        Revealed stances are known exactly. A public stance not yet revealed counts its stated
        demand 100, its known red lines 0 and anything else 50, at the mean revealed weight.
        Issues the party has said nothing about share the weight of its still-hidden private
        stances, with a preference for leaving them alone (default 60, another option 40, and
        0 for what a counterpart demands in public: in a conflict, one side's demand is
        likely the other's cost).
        """
        cached = self._beliefs.get(party_id)
        if cached is not None:
            return cached
        pv = self.party(party_id)
        s = self.scenario
        revealed_w = [st.weight for st in pv.stances.values() if st.revealed and st.weight is not None]
        mean_w = sum(revealed_w) / len(revealed_w) if revealed_w else ASSUMED_WEIGHT
        out: dict[str, tuple[float, dict[str, float], float]] = {}
        public_hidden = 0
        for i, st in pv.stances.items():
            opts = s.issue(i).option_ids
            if st.revealed and st.values is not None and st.weight is not None:
                vals = {o: st.values.get(o, 0.0) for o in opts}
                best = vals.get(st.demand, 0.0) if st.demand else max(vals.values(), default=0.0)
                out[i] = (st.weight, vals, best)
            elif st.demand is not None:
                public_hidden += 1
                out[i] = (mean_w, {o: 100.0 if o == st.demand else 0.0 if o in st.red_lines else 50.0
                                   for o in opts}, 100.0)
        private_hidden = max(0, pv.hidden - public_hidden)
        unknown = [i for i in s.issue_ids if i not in out]
        if private_hidden and unknown:
            w = mean_w * private_hidden / len(unknown)
            for i in unknown:
                iss = s.issue(i)
                lines = pv.stances[i].red_lines if i in pv.stances else ()
                # What a counterpart demands in public is assumed to cost this party most.
                rivals = {o.stances[i].demand for o in self.parties if o.id != party_id and i in o.stances}
                out[i] = (w, {o: 0.0 if o in lines or o in rivals else ASSUMED_DEFAULT_VALUE
                              if o == iss.default_option else ASSUMED_CHANGE_VALUE for o in iss.option_ids},
                          ASSUMED_DEFAULT_VALUE)
        self._beliefs[party_id] = out
        return out

    def _model_estimate(self, party_id: str, package: dict[str, str]) -> tuple[float, float]:
        pv = self.party(party_id)
        num = den = asp_num = 0.0
        for i, (w, vals, best) in self.beliefs(party_id).items():
            num += w * vals[package[i]]
            asp_num += w * best
            den += w
        u = num / den if den else 50.0
        aspiration = asp_num / den if den else 100.0
        s = self.scenario
        party = s.party(party_id)
        others = [p.id for p in self.parties if p.id != party_id and p.present]
        trust = {**pv.trust}
        trust.setdefault(MEDIATOR, 0.5)
        teff = effective_trust(s, trust, self.credibility, others)
        r = pv.reservation if pv.reservation is not None else ASSUMED_RESERVATION
        tau = threshold(r, aspiration, min(self.round, s.clock.max_rounds - 1), s.clock.max_rounds, 1.0,
                        party.distrust_penalty, teff)
        return u, tau

    def needs(self, package: dict[str, str]) -> tuple[str, ...]:
        """The parties whose acceptance ``package`` needs (consent per issue is public)."""
        return needed(self.scenario, package)

    def counted(self, package: dict[str, str]) -> tuple[PartyView, ...]:
        """The parties whose answer decides ``package``: needed and at the table."""
        needs = self.needs(package)
        return tuple(p for p in self.parties if p.id in needs and p.present)

    def blocked_by_absence(self, package: dict[str, str]) -> tuple[str, ...]:
        """Suspended parties whose consent ``package`` needs: it can't pass while they are away."""
        needs = self.needs(package)
        return tuple(p.id for p in self.parties if p.id in needs and p.suspended)

    def predict(self, package: dict[str, str]) -> dict[str, Prediction]:
        """Each party's likely response to a full package, from known information only."""
        out: dict[str, Prediction] = {}
        needs = self.needs(package)
        for pv in self.parties:
            hit = tuple(f"{i}.{package[i]}" for i, st in pv.stances.items() if package[i] in st.red_lines)
            u, tau = self.estimate(pv.id, package)
            full = pv.hidden == 0 and pv.reservation is not None
            need, away = pv.id in needs, pv.suspended
            if hit:
                out[pv.id] = Prediction("reject", True, u, tau, hit, need, away)
            elif u >= tau + MARGIN:
                out[pv.id] = Prediction("accept", full, u, tau, (), need, away)
            elif u <= tau - MARGIN:
                out[pv.id] = Prediction("reject", full, u, tau, (), need, away)
            else:
                out[pv.id] = Prediction("unsure", False, u, tau, (), need, away)
        return out
