"""Unilateral pledges: in force for one party from their hour, with or without an agreement.

A mixin of :class:`~sim.engine.session.Session`. Whether a pledge is in force is a function
of the clock alone (start ≤ now < end), so an incident at the very hour a pledge starts is
judged against it whatever order the processes run in; the pledge's events are for the wire.
A later agreement does not replace a pledge: while both are in force, what the pledging party
is bound not to hit is the union of the two.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine import rules
from sim.engine.state import EPS, SessionState
from sim.scenario.model import Pledge


class PledgesMixin(SessionState):
    """The pledges of a session and what they cover."""

    def _start_pledges(self) -> None:
        for pl in self._scenario.pledges:
            self._env.process(self._pledge(pl))

    def _pledge(self, pl: Pledge):
        start, end = rules.pledge_span(pl, self._H)
        if start > self._env.now:
            yield self._env.timeout(start - self._env.now)
        if self._ended:
            return
        self._emit(ev.PledgeMade, pledge=pl.id, party=pl.party, covers=pl.covers, text=pl.text,
                   until=round(end, 6) if end is not None else None)
        if end is None:
            return
        yield self._env.timeout(max(0.0, end - self._env.now))
        if not self._ended:
            self._emit(ev.PledgeLapsed, pledge=pl.id, party=pl.party)

    def pledges_in_force(self, party: str | None = None) -> tuple[Pledge, ...]:
        """The pledges in force now (of ``party`` only, when given)."""
        memo = self._pledge_memo()
        key = ("in", party)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = tuple(pl for pl in self._scenario.pledges if (party is None or pl.party == party)
                                    and rules.pledge_in_force(pl, self._H, self._env.now, EPS))
        return hit

    def pledged(self, actor: str, reader: str | None) -> set[str]:
        """Tags ``actor``'s pledges in force protect, as ``reader`` reads them (None: by their text).
        The set is shared: callers must not change it."""
        memo = self._pledge_memo()
        key = (actor, reader)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = set()
            for pl in self.pledges_in_force(actor):
                hit.update(pl.reads.get(reader, pl.covers) if reader is not None else pl.covers)
        return hit
