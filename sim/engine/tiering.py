"""The outcome tier of the agreement in force: recomputed, and announced when it changes.

A mixin shared by :class:`~sim.engine.session.Session` and the mechanism mixins, since every
change to the agreement (a deal, a lapse, a renewal, a denunciation, a withdrawal) may move it.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine.state import SessionState


class TierMixin(SessionState):
    """Keeps the outcome tier in step with the agreement in force."""

    def _update_tier(self) -> None:
        level = self._accord.retier(self._env.now)
        if level is None:
            return
        oc = self._scenario.outcomes[level - 1] if level else None
        self._emit(ev.TierChanged, tier=oc.id if oc else None, title=oc.title if oc else "no agreement tier",
                   level=level)
