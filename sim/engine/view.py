"""What the mediator can know: public stances, trust, and what consultations revealed.

A :class:`MediatorView` is a frozen snapshot the TUI renders and policies decide from.
Predictions use only this knowledge: for a stance not yet revealed, the mediator assumes
the stated demand is worth 100, a stated red line 0, any other option 50, and a weight equal
to the mean of the weights revealed so far (10 before any); issues a party has said nothing
about share the weight of its hidden private stances, with a mild preference for the
default; an unknown reservation is taken as 50 and concession as linear (β = 1). Forecasts
(:meth:`MediatorView.predict`) turn this into a chance of acceptance, with a spread from what
is still unknown; the view's own scenario is the public copy of :mod:`sim.engine.public`.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sim.engine import public as assumed
from sim.engine.consent import needed
from sim.engine.known import KnownStance, LeverView, PartyView, PledgeView, Prediction
from sim.engine.public import ASSUMED_RESERVATION, ASSUMED_WEIGHT, public_scenario
from sim.engine.rules import effective_trust, stake_utility, threshold
from sim.frozen import quick_init
from sim.scenario.model import MEDIATOR, Scenario

__all__ = ["KnownStance", "LeverView", "MediatorView", "PartyView", "PledgeView", "Prediction"]

CONFIDENT = 0.8
"""A forecast is a confident ✓ or ✗ when the estimated chance of acceptance is at least this
(or at most 1 − this); in between it is '?'. Measured by ``benchmarks/forecast.py``."""
CERTAIN = 0.99
"""With everything about a party known, a chance this extreme reads as 'accepts'/'rejects'."""


@quick_init
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
    """The scenario without what the parties hide (:func:`sim.engine.public.public_scenario`)."""
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
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Cache of what depends only on the snapshot (shares, trust, aspiration) by (kind, key);
    never copied by ``dataclasses.replace``, which makes another snapshot."""
    _carry: dict = field(default_factory=dict, repr=False, compare=False)
    """Cache shared by the views of one game: beliefs and shares carry over to the next view
    while every party's known stances are the very same objects (the agents rebuild them only
    when what the mediator knows changes)."""

    def __post_init__(self) -> None:
        # Whatever built the view passes the engine's scenario: keep only its public part.
        object.__setattr__(self, "scenario", public_scenario(self.scenario))

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

    def red_lines(self) -> frozenset[tuple[str, str]]:
        """(issue, option) of every red line the mediator knows of, any party's."""
        hit = self._memo.get("red")
        if hit is None:
            hit = self._memo["red"] = self._carried("red", "", None, lambda _: frozenset(
                (i, o) for p in self.parties for i, st in p.stances.items() for o in st.red_lines))
        return hit

    def party(self, party_id: str) -> PartyView:
        by_id = self._memo.get("party")
        if by_id is None:
            by_id = self._memo["party"] = {p.id: p for p in self.parties}
        return by_id[party_id]

    def estimate(self, party_id: str, package: dict[str, str]) -> tuple[float, float]:
        """Estimated (utility, threshold) of a full package for a party, from known information
        (see :meth:`forecast`; policies ask it for every trial package, so it skips the spread)."""
        u, tau, _, _ = self._point_now(party_id, package)  # trial packages are rarely asked twice
        return u, tau

    def forecast(self, party_id: str, package: dict[str, str]) -> tuple[float, float, float]:
        """Estimated (utility, threshold, spread) of a full package for a party.

        Once the party has answered a proposal, its stated utility and threshold calibrate the
        estimate: the model's error on that package is assumed to carry over, and the stated
        threshold is carried forward by the model's own change of threshold since that answer
        (so it keeps falling as the rounds pass). ``spread`` is the standard deviation of the
        estimate's error on U − τ, from what is still unknown: option values of stances not
        revealed, the walk-away point, the rate of concession and the party's noise.
        """
        key = ("fc", party_id, tuple(package.items()))
        hit = self._memo.get(key)
        if hit is None:
            u, tau, _, _ = self._point(party_id, package)
            hit = self._memo[key] = (u, tau, self._spread(party_id, package))
        return hit

    def _point(self, party_id: str, package: dict[str, str]) -> tuple[float, float, float, float]:
        """(utility, threshold, aspiration − walk-away, threshold drift since the last answer)."""
        key = ("pt", party_id, tuple(package.items()))
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._point_now(party_id, package)
        return hit

    def _point_now(self, party_id: str, package: dict[str, str]) -> tuple[float, float, float, float]:
        u, tau, gap = self._model_estimate(party_id, package, self.round)
        last = self.party(party_id).last_response
        if last is None:
            return u, tau, gap, 0.0
        said_pkg, said_u, said_tau, said_round = last
        said = self._memo.get(("said", party_id))
        if said is None:
            said = self._memo[("said", party_id)] = self._model_estimate(party_id, said_pkg, said_round)
        u0, tau0, _ = said
        drift = tau - tau0
        u = min(100.0, max(0.0, u + said_u - u0))
        tau = min(100.0, max(0.0, said_tau + drift))
        return u, tau, gap, drift

    def _spread(self, party_id: str, package: dict[str, str]) -> float:
        pv = self.party(party_id)
        _, _, gap, drift = self._point(party_id, package)
        noise_var = (self.scenario.party(party_id).noise / math.sqrt(3)) ** 2
        last = pv.last_response
        if last is None:
            s = min(1.0, (self.round + 1) / self.max_rounds)
            res_sd = 0.0 if pv.reservation is not None else assumed.RESERVATION_SD * s
            var = (self._value_variance(party_id, package, None) + res_sd ** 2
                   + assumed.CONCESSION_SD ** 2 * gap ** 2 * (1 - s) + noise_var)
            return math.sqrt(var + 1.0)
        said_pkg, _, _, said_round = last
        moved = self.round != said_round
        var = (self._value_variance(party_id, package, said_pkg) + (assumed.CONCESSION_SD * drift) ** 2
               + (assumed.TRUST_SD ** 2 if moved else 0.0) + 2 * noise_var)
        return math.sqrt(var + 1.0)

    def _value_variance(self, party_id: str, package: dict[str, str], said: dict[str, str] | None) -> float:
        """Variance of the estimated utility from option values not yet revealed (only over the
        issues where ``package`` differs from ``said``, the package the party answered)."""
        var = linear = 0.0
        for i, share, demand in self._unrevealed(party_id):
            if said is not None and said[i] == package[i]:
                continue
            sd = assumed.VALUE_SD / 2 if demand is not None and package[i] == demand else assumed.VALUE_SD
            if said is not None:
                sd *= math.sqrt(2)  # the error on a change between two guessed values
            var += (share * sd) ** 2
            linear += share * sd
        # The assumed values err together (one pessimistic guess repeated over many issues),
        # so part of the error does not average out.
        return var + (assumed.VALUE_CORRELATION * linear) ** 2

    def _unrevealed(self, party_id: str) -> tuple[tuple[str, float, str | None], ...]:
        """(issue, share of the belief weight, demand) of each issue whose values are still guessed."""
        key = ("unrevealed", party_id)
        hit = self._memo.get(key)
        if hit is None:
            pv = self.party(party_id)
            beliefs = self._shares(party_id)
            total = sum(w for w, _, _ in beliefs.values()) or 1.0
            out = []
            for i, (w, _vals, _) in beliefs.items():
                st = pv.stances.get(i)
                if st is None or not st.revealed:
                    out.append((i, w / total, st.demand if st is not None else None))
            hit = self._memo[key] = tuple(out)
        return hit

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
        if cached is None:
            cached = self._beliefs[party_id] = self._carried("beliefs", party_id, None, self._beliefs_now)
        return cached

    def _carried(self, kind: str, party_id: str, extra: object, compute: Callable[[str], Any]) -> Any:
        """``compute(party_id)``, or what an earlier view of the same game computed when the
        parties' known stances are identical and ``extra`` is equal."""
        known = self._memo.get("known")
        if known is None:
            known = self._memo["known"] = (tuple(p.stances for p in self.parties),
                                           tuple(p.hidden for p in self.parties))
        sig, hidden = known
        extra = (extra, hidden)
        old = self._carry.get((kind, party_id))
        if (old is not None and old[1] == extra and len(old[0]) == len(sig)
                and all(map(operator.is_, old[0], sig))):
            return old[2]
        out = compute(party_id)
        self._carry[(kind, party_id)] = (sig, extra, out)
        return out

    def _beliefs_now(self, party_id: str) -> dict[str, tuple[float, dict[str, float], float]]:
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
                out[i] = (w, {o: 0.0 if o in lines or o in rivals else assumed.ASSUMED_DEFAULT_VALUE
                              if o == iss.default_option else assumed.ASSUMED_CHANGE_VALUE for o in iss.option_ids},
                          assumed.ASSUMED_DEFAULT_VALUE)
        return out

    def _shares(self, party_id: str) -> dict[str, tuple[float, dict[str, float], float]]:
        """:meth:`beliefs` with each weight as a share of the whole: a revealed stance's share is
        known exactly (the consultation said it), the rest is spread over the others in
        proportion to their assumed weights."""
        key = ("shares", party_id)
        cached = self._memo.get(key)
        if cached is None:
            cached = self._memo[key] = self._carried("shares", party_id, None, self._shares_now)
        return cached

    def _shares_now(self, party_id: str) -> dict[str, tuple[float, dict[str, float], float]]:
        beliefs = self.beliefs(party_id)
        stances = self.party(party_id).stances
        known = {i: st.share for i, st in stances.items() if st.revealed and st.share is not None and i in beliefs}
        rest = sum(w for i, (w, _, _) in beliefs.items() if i not in known)
        left = max(0.0, 1.0 - sum(known.values()))
        total = sum(w for w, _, _ in beliefs.values()) or 1.0
        out = {}
        for i, (w, vals, best) in beliefs.items():
            share = known[i] if i in known else (w * left / rest if rest else 0.0) if known else w / total
            out[i] = (share, vals, best)
        return out

    def _model_estimate(self, party_id: str, package: dict[str, str], round_: int) -> tuple[float, float, float]:
        """The model's (utility, threshold in ``round_`` with today's trust, aspiration − walk-away)."""
        key = ("est", party_id, round_)
        hit = self._memo.get(key)  # what every package's estimate for the party shares in this snapshot
        if hit is None:
            shares, aspiration, den, r = self._aspiration(party_id)
            s = self.scenario
            party = s.party(party_id)
            tau = threshold(r, aspiration, min(round_, s.clock.max_rounds - 1), s.clock.max_rounds, 1.0,
                            party.distrust_penalty, self._trust_eff(party_id))
            hit = self._memo[key] = (shares, den, tau, max(0.0, aspiration - r))
        shares, den, tau, gap = hit
        num = 0.0
        for i, w, vals in shares:
            num += w * vals[package[i]]
        return (num / den if den else 50.0), tau, gap

    def _aspiration(self, party_id: str) -> tuple[tuple[tuple[str, float, dict[str, float]], ...], float, float, float]:
        """(issue, share, values) per issue, the model's aspiration, the shares' sum and the
        walk-away point: what every estimate for the party shares within one snapshot."""
        key = ("asp", party_id)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._carried("asp", party_id, self.party(party_id).reservation,
                                                  self._aspiration_now)
        return hit

    def _aspiration_now(self, party_id: str) -> tuple:
        den = asp_num = 0.0
        shares = []
        for i, (w, vals, best) in self._shares(party_id).items():
            shares.append((i, w, vals))
            asp_num += w * best
            den += w
        pv = self.party(party_id)
        r = pv.reservation if pv.reservation is not None else ASSUMED_RESERVATION
        return (tuple(shares), asp_num / den if den else 100.0, den, r)

    def _trust_eff(self, party_id: str) -> float:
        key = ("teff", party_id)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        pv = self.party(party_id)
        others = [p.id for p in self.parties if p.id != party_id and p.present]
        trust = {**pv.trust}
        trust.setdefault(MEDIATOR, 0.5)
        out = self._memo[key] = effective_trust(self.scenario, trust, self.credibility, others)
        return out

    def distrust_points(self, party_id: str) -> float:
        """Threshold points the party's distrust adds now (trust and the penalty are public)."""
        return self.scenario.party(party_id).distrust_penalty * (1 - self._trust_eff(party_id))

    def known_gaps(self, party_id: str, package: dict[str, str], n: int = 2) -> tuple[tuple[str, float], ...]:
        """The ``n`` issues where the package is estimated to fall furthest below what the party
        is known to want (weighted points of its estimated utility), largest first."""
        beliefs = self._shares(party_id)
        total = sum(w for w, _, _ in beliefs.values()) or 1.0
        stances = self.party(party_id).stances
        gaps = [(i, w * (best - vals[package[i]]) / total) for i, (w, vals, best) in beliefs.items()
                if i in stances and stances[i].demand is not None]
        gaps = [g for g in gaps if g[1] > 1e-9]
        gaps.sort(key=lambda g: (-g[1], g[0]))
        return tuple(gaps[:n])

    def needs(self, package: dict[str, str]) -> tuple[str, ...]:
        """The parties whose acceptance ``package`` needs (consent per issue is public)."""
        return needed(self.scenario, package)

    def counted(self, package: dict[str, str]) -> tuple[PartyView, ...]:
        """The parties whose answer decides ``package``: needed and at the table."""
        needs = self.needs(package)  # not memoised: policies ask it once per trial package
        return tuple(p for p in self.parties if p.id in needs and p.present)

    def blocked_by_absence(self, package: dict[str, str]) -> tuple[str, ...]:
        """Suspended parties whose consent ``package`` needs: it can't pass while they are away."""
        needs = self.needs(package)
        return tuple(p.id for p in self.parties if p.id in needs and p.suspended)

    def predict(self, package: dict[str, str]) -> dict[str, Prediction]:
        """Each party's likely response to a full package, from known information only.

        A known red line means a certain no. Otherwise the chance of acceptance is
        Φ((U − τ) / spread) from :meth:`forecast`: at least :data:`CONFIDENT` is a likely yes,
        at most 1 − :data:`CONFIDENT` a likely no, anything between is unsure."""
        out: dict[str, Prediction] = {}
        needs = self.needs(package)
        for pv in self.parties:
            hit = tuple(f"{i}.{package[i]}" for i, st in pv.stances.items() if package[i] in st.red_lines)
            u, tau, spread = self.forecast(pv.id, package)
            need, away = pv.id in needs, pv.suspended
            if hit:
                out[pv.id] = Prediction("reject", True, u, tau, hit, probability=0.0, needed=need, away=away)
                continue
            p = 0.5 * (1 + math.erf((u - tau) / (spread * math.sqrt(2))))
            full = pv.hidden == 0 and pv.reservation is not None
            if p >= CONFIDENT:
                out[pv.id] = Prediction("accept", full and p >= CERTAIN, u, tau, probability=p, needed=need,
                                        away=away)
                continue
            verdict: Literal["reject", "unsure"] = "reject" if p <= 1 - CONFIDENT else "unsure"
            out[pv.id] = Prediction(verdict, verdict == "reject" and full and p <= 1 - CERTAIN, u, tau,
                                    probability=p, gaps=self.known_gaps(pv.id, package, n=len(package)),
                                    distrust=self.distrust_points(pv.id), needed=need, away=away)
        return out
