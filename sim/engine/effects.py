"""Effects: consultations, levers, and the trust, reservation, weight and credibility shifts they
and incidents cause.

A mixin of :class:`~sim.engine.session.Session`; each shift is clamped by the party agent and
announced as a typed event.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine.state import EPS, SessionState
from sim.scenario.model import MEDIATOR, Effects


class EffectsMixin(SessionState):
    """Consultations, levers and the shifts of a session."""

    def _consult(self, party_id: str) -> None:
        told = self._parties[party_id].consult(self._scenario)
        self._emit(ev.Consulted, party=party_id, revealed=told.revealed, reservation=told.reservation,
                   stances=told.stances)

    def _lever(self, lever_id: str) -> None:
        lv = next(lv for lv in self._scenario.mediator.levers if lv.id == lever_id)
        self._uses[lever_id] -= 1
        before = self._credibility
        self._credibility = min(1.0, max(0.0, self._credibility - lv.cost))
        self._emit(ev.LeverUsed, lever=lever_id, target=lv.target, credibility=round(self._credibility, 4))
        if abs(self._credibility - before) > EPS:
            self._emit(ev.Shifted, what="credibility", party=MEDIATOR, issue="", before=round(before, 4),
                       after=round(self._credibility, 4), cause=f"lever:{lever_id}")
        self._apply(lv.effects, f"lever:{lever_id}")

    def _trust(self, a: str, b: str, delta: float, cause: str) -> None:
        if a == MEDIATOR or abs(delta) < EPS:
            return
        moved = self._parties[a].shift_trust(b, delta)
        if moved is not None:
            self._emit(ev.TrustChanged, truster=a, trustee=b, before=round(moved[0], 4), after=round(moved[1], 4),
                       cause=cause)

    def _shift_mediator_weight(self, issue: str, delta: float) -> tuple[float, float] | None:
        """Move the mediator's own weight on an issue (never below 0.01, like a party's)."""
        if issue not in self._mediator_weights:
            return None
        before = self._mediator_weights[issue]
        self._mediator_weights[issue] = max(0.01, before + delta)
        return before, self._mediator_weights[issue]

    def _apply(self, e: Effects, cause: str) -> None:
        for pid, d in e.reservation.items():
            before, after = self._parties[pid].shift_reservation(d, lever=cause.startswith("lever:"))
            self._emit(ev.Shifted, what="reservation", party=pid, issue="", before=round(before, 4),
                       after=round(after, 4), cause=cause)
        for key, d in e.trust.items():
            a, _, b = key.partition("->")
            self._trust(a.strip(), b.strip(), d, cause)
        for pid, ws in e.weights.items():
            for i, d in ws.items():
                moved = self._shift_mediator_weight(i, d) if pid == MEDIATOR else self._parties[pid].shift_weight(i, d)
                if moved is not None:  # None: the party holds no stance on this issue
                    self._emit(ev.Shifted, what="weight", party=pid, issue=i, before=round(moved[0], 4),
                               after=round(moved[1], 4), cause=cause)
        if abs(e.credibility) > EPS:
            before = self._credibility
            self._credibility = min(1.0, max(0.0, before + e.credibility))
            self._emit(ev.Shifted, what="credibility", party=MEDIATOR, issue="", before=round(before, 4),
                       after=round(self._credibility, 4), cause=cause)
