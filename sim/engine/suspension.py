"""Partial participation: a party that may suspend instead of walking out, and its return.

A mixin of :class:`~sim.engine.session.Session`. When a party would walk out for a cause its
``suspends.on`` lists, and it has suspensions left (``suspends.times``), it suspends instead:
it no longer answers proposals, a package needing its consent can't be agreed, its trust
no longer weighs on the others' thresholds, and the agreement in force stands among the rest
unless ``agreement_survives`` is false. At each round's end a suspended party rejoins once
``rejoin_after`` rounds passed or, when it left over low trust, once its trust in every other
party is back at ``rejoin_trust``. On its return its red-line count and low-trust rounds
start again from zero.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine.state import EPS
from sim.engine.tiering import TierMixin


class SuspensionMixin(TierMixin):
    """Leaving the table (suspension or walkout) and coming back."""

    def _end(self, reason: str) -> None:
        raise NotImplementedError  # provided by Session

    def _leave(self, pid: str, **cause) -> None:
        """The party leaves for ``cause``: it suspends where its scenario allows, else walks out."""
        a = self._parties[pid]
        sp = a.party.suspends
        if sp is None or cause["cause"] not in sp.on or a.suspensions >= sp.times:
            self._walkout(pid, **cause)
            return
        a.suspend(cause["cause"])
        self._emit(ev.Suspended, party=pid, agreement_stands=sp.agreement_survives, **cause)
        if not sp.agreement_survives and self._accord.package is not None:
            self._accord.withdraw()
            self._update_tier()

    def _walkout(self, pid: str, **cause) -> None:
        self._parties[pid].walk_out()
        self._emit(ev.Walkout, party=pid, **cause)
        self._end("walkout")

    def _rejoins(self) -> None:
        """At a round's end: suspended parties whose trust recovered, or whose time is up, rejoin."""
        for pid in self._scenario.party_ids:
            a = self._parties[pid]
            sp = a.party.suspends
            if not a.suspended or sp is None:
                continue
            a.away += 1
            others = [o for o in self._scenario.party_ids if o != pid]
            # Trust brings back a party that left over trust; red lines are not healed by it.
            if (a.suspended_for == "low_trust" and sp.rejoin_trust is not None
                    and all(a.trust[o] >= sp.rejoin_trust - EPS for o in others)):
                cause = "trust"
            elif sp.rejoin_after is not None and a.away >= sp.rejoin_after:
                cause = "time"
            else:
                continue
            a.rejoin()
            self._emit(ev.Rejoined, party=pid, cause=cause, rounds=a.away)
