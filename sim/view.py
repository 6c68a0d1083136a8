"""What the mediator can know: public stances, trust, and what consultations revealed.

A :class:`MediatorView` is a frozen snapshot the TUI renders and policies decide from.
Predictions use only this knowledge: for a stance not yet revealed, the mediator assumes
the stated demand is worth 100, a stated red line 0, any other option 50, and a weight equal
to the mean of the weights revealed so far (10 before any); private stances not yet revealed
are invisible; an unknown reservation is taken as 50 and concession as linear (β = 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .model import MEDIATOR, Quote, Scenario
from .negotiation import effective_trust, threshold

ASSUMED_RESERVATION = 50.0
ASSUMED_WEIGHT = 10.0
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


@dataclass(frozen=True)
class Prediction:
    verdict: Literal["accept", "reject", "unsure"]
    certain: bool
    """True when the verdict rests on a known red line or on full knowledge of the party."""
    utility: float
    threshold: float
    red_lines: tuple[str, ...] = ()


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

    def party(self, party_id: str) -> PartyView:
        return next(p for p in self.parties if p.id == party_id)

    def estimate(self, party_id: str, package: dict[str, str]) -> tuple[float, float]:
        """Estimated (utility, threshold) of a full package for a party, from known information."""
        pv = self.party(party_id)
        revealed_w = [st.weight for st in pv.stances.values() if st.revealed and st.weight is not None]
        mean_w = sum(revealed_w) / len(revealed_w) if revealed_w else ASSUMED_WEIGHT
        num = den = 0.0
        asp_num = 0.0
        for i, st in pv.stances.items():
            if st.revealed and st.values is not None and st.weight is not None:
                w, vals = st.weight, st.values
                v = vals.get(package[i], 0.0)
                best = vals.get(st.demand, 0.0) if st.demand else max(vals.values(), default=0.0)
            elif st.demand is not None:
                w = mean_w
                opt = package[i]
                v = 100.0 if opt == st.demand else 0.0 if opt in st.red_lines else 50.0
                best = 100.0
            else:
                continue
            num += w * v
            asp_num += w * best
            den += w
        u = num / den if den else 50.0
        aspiration = asp_num / den if den else 100.0
        s = self.scenario
        party = s.party(party_id)
        others = [p.id for p in self.parties if p.id != party_id and not p.walked_out]
        trust = {**pv.trust}
        trust.setdefault(MEDIATOR, 0.5)
        teff = effective_trust(s, party, trust, self.credibility, others)
        r = pv.reservation if pv.reservation is not None else ASSUMED_RESERVATION
        tau = threshold(r, aspiration, self.round, self.max_rounds, 1.0, party.distrust_penalty, teff)
        return u, tau

    def predict(self, package: dict[str, str]) -> dict[str, Prediction]:
        """Each party's likely response to a full package, from known information only."""
        out: dict[str, Prediction] = {}
        for pv in self.parties:
            hit = tuple(f"{i}.{package[i]}" for i, st in pv.stances.items() if package[i] in st.red_lines)
            u, tau = self.estimate(pv.id, package)
            full = pv.hidden == 0 and pv.reservation is not None
            if hit:
                out[pv.id] = Prediction("reject", True, u, tau, hit)
            elif u >= tau + MARGIN:
                out[pv.id] = Prediction("accept", full, u, tau)
            elif u <= tau - MARGIN:
                out[pv.id] = Prediction("reject", full, u, tau)
            else:
                out[pv.id] = Prediction("unsure", False, u, tau)
        return out
