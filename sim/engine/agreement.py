"""The agreement in force: its package, its expiries, what it covers, and the tier it meets.

:class:`Accord` is the session's bookkeeping for the agreement and the outcome tiers over
time; it changes only when the session tells it to and never emits events.
"""

from __future__ import annotations

from sim.engine import rules
from sim.memo import token
from sim.scenario import requires
from sim.scenario.model import Scenario


class Accord:
    """The package in force (None: none), its lapse hours, and the tier history."""

    def __init__(self, s: Scenario):
        self._s = s
        self.package: dict[str, str] | None = None
        self.since = 0.0
        self.expires: dict[str, float] = {}
        self.serial = 0
        """Bumped whenever the agreement is replaced or withdrawn: pending expiries check it."""
        self._covers: dict[str | None, set[str]] = {}
        """Tags the agreement in force covers, by reader; cleared whenever it changes."""
        self.answers: dict[tuple[int, int], tuple] = {}
        """What the session works out from the package in force alone (how an incident is
        judged), by question; cleared whenever the package changes."""
        self._token: int | None = None
        """:func:`~sim.memo.token` of the package in force, once asked; cleared with it."""
        self.tier = 0
        self.best_tier = 0
        self.tier_since = 0.0
        self.tier_hours: dict[int, float] = {}

    def covered(self, reader: str | None) -> set[str]:
        """Tags the agreement in force protects as ``reader`` reads it (cached per agreement)."""
        tags = self._covers.get(reader)
        if tags is None:
            tags = self._covers[reader] = rules.in_force_covers(self._s, reader, self.package)
        return tags

    @property
    def package_token(self) -> int:
        """A number standing for the package in force (none: the empty package) in the keys of
        memos shared by a batch's games, which put the same agreements in force."""
        if self._token is None:
            self._token = token(tuple(self.package.items()) if self.package is not None else ())
        return self._token

    def _changed(self) -> None:
        """The package in force changed: forget what was worked out from the old one."""
        self._covers, self.answers, self._token = {}, {}, None

    def put(self, package: dict[str, str], now: float) -> int:
        """Put ``package`` in force now; return its serial (its lapse hours are in :attr:`expires`)."""
        self.serial += 1
        self.package = dict(package)
        self._changed()
        self.since = now
        self.expires = {}
        for i, o in package.items():
            days = self._s.issue(i).option(o).duration_days
            if days is not None:
                self.expires[i] = round(now + days * 24, 6)
        return self.serial

    def withdraw(self) -> None:
        self.serial += 1  # cancels the pending expiries
        self.package, self.expires = None, {}
        self._changed()

    def lapse(self, issue: str) -> tuple[str, str]:
        """Revert one issue to its default; (option that lapsed, default). An agreement left at
        the status quo is no agreement."""
        if self.package is None:
            raise ValueError("no agreement in force")
        option = self.package[issue]
        default = self._s.issue(issue).default_option
        self.package = {**self.package, issue: default}
        self._changed()
        self.expires.pop(issue, None)
        if all(o == self._s.issue(i).default_option for i, o in self.package.items()):
            self.package = None
        return option, default

    def lapse_all(self, issue: str) -> list[tuple[str, str, str, str]]:
        """Revert ``issue`` and every option that required what reverts with it:
        (issue, option that lapsed, default, the ``issue.option`` that took it or '')."""
        if self.package is None:
            raise ValueError("no agreement in force")
        chain = [(issue, "")] + requires.reverting(self._s, self.package, issue)
        out = []
        for i, because in chain:
            option, default = self.lapse(i)
            out.append((i, option, default, because))
            if self.package is None:
                break
        return out

    def dependents(self, issue: str) -> tuple[str, ...]:
        """Issues whose options in force would revert with ``issue``."""
        if self.package is None:
            return ()
        return tuple(i for i, _ in requires.reverting(self._s, self.package, issue))

    def renew(self, issue: str) -> float:
        """Push the lapse of ``issue``'s option in force back by its duration; the new hour."""
        assert self.package is not None
        days = self._s.issue(issue).option(self.package[issue]).duration_days
        assert days is not None
        self.expires[issue] = round(self.expires[issue] + days * 24, 6)
        return self.expires[issue]

    def retier(self, now: float) -> int | None:
        """Recompute the tier; its new level when it changed, else None."""
        level = rules.tier_of(self._s, self.package)
        if level == self.tier:
            return None
        self.close(now)
        self.tier, self.tier_since = level, now
        self.best_tier = max(self.best_tier, level)
        return level

    def close(self, now: float) -> None:
        """Book the hours spent in the current tier up to ``now``."""
        self.tier_hours[self.tier] = self.tier_hours.get(self.tier, 0.0) + now - self.tier_since

    def held_hours(self, level: int, now: float, open_: bool) -> float:
        """Hours the agreement satisfied tier ``level`` or higher; ``open_`` counts the
        current stretch (not yet booked)."""
        hours = sum(h for lv, h in self.tier_hours.items() if lv >= level)
        if open_ and self.tier >= level:
            hours += now - self.tier_since
        return hours
