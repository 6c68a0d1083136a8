"""Renewal and lapses: options with a term lapse (taking the options that require them along),
the wire is warned beforehand when the scenario asks for it, and the mediator may renew.

A mixin of :class:`~sim.engine.session.Session`. Each option with ``duration_days`` in force
gets a lapse process (and, with ``dynamics.lapse_warning_hours``, a warning process) keyed by
the agreement's serial and the lapse hour: a replaced agreement or a renewal makes the pending
ones stand down, and a renewal starts new ones.

A renewal asks the parties for no new vote: they accepted the option and its term, and the
mediator brokers the extension, which is why it costs only part of a round.
"""

from __future__ import annotations

from sim.engine import events as ev
from sim.engine.tiering import TierMixin
from sim.errors import ActionRefused


class RenewalMixin(TierMixin):
    """Lapse, warning and renewal processes of a session."""

    def _schedule_lapses(self, issues: list[str] | None = None) -> None:
        serial = self._accord.serial
        warn = self._scenario.dynamics.lapse_warning_hours
        for i, at in self._accord.expires.items():
            if issues is not None and i not in issues:
                continue
            if warn is not None:
                self._env.process(self._warning(serial, i, at, warn))
            self._env.process(self._expiry(serial, i, at))

    def _current(self, serial: int, issue: str, at: float) -> bool:
        """Whether a pending lapse still stands: same agreement, same lapse hour, game on."""
        acc = self._accord
        return (acc.serial == serial and acc.package is not None and not self._ended
                and acc.expires.get(issue) == at)

    def _warning(self, serial: int, issue: str, at: float, before: float):
        yield self._env.timeout(max(0.0, at - before - self._env.now))
        if self._current(serial, issue, at):
            assert self._accord.package is not None
            self._emit(ev.LapseWarning, issue=issue, option=self._accord.package[issue], at=at,
                       dependents=self._accord.dependents(issue))

    def _expiry(self, serial: int, issue: str, at: float):
        yield self._env.timeout(max(0.0, at - self._env.now))
        if not self._current(serial, issue, at):
            return
        for i, option, default, because in self._accord.lapse_all(issue):
            self._emit(ev.AgreementLapsed, issue=i, option=option, reverts_to=default, because=because)
        self._update_tier()

    def renewable(self, renew: str | bool) -> list[str]:
        """Issues a ``renew`` action would extend (refused with the reason when none)."""
        acc = self._accord
        if acc.package is None:
            raise ActionRefused("there is no agreement in force to renew")
        if renew is True:
            if not acc.expires:
                raise ActionRefused("no option in force lapses: there is nothing to renew")
            return list(acc.expires)
        assert isinstance(renew, str)
        if renew not in acc.expires:
            title = self._scenario.issue(renew).title
            raise ActionRefused(f"{title}: no option in force lapses, so there is nothing to renew")
        return [renew]

    def _renew(self, issues: list[str]) -> None:
        new = {i: self._accord.renew(i) for i in issues}
        self._emit(ev.Renewed, expires=new)
        self._schedule_lapses(issues)
