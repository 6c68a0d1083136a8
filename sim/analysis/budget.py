"""A deterministic allowance of work for one analysis.

Exact outcome-space analysis can grow exponentially with the number of parties and issues, so
every product-facing analysis runs against a :class:`Budget`: its steps charge the elementary
operations they are about to do (comparisons, candidate rows) and, when the allowance would run
out, switch to a bounded approximation and mark the budget ``exact = False``.  Work is counted,
not timed, so the same scenario always gets the same answer on any machine (transcripts and
reports stay byte-identical); the allowances below are calibrated with ``benchmarks/limits.py``.
"""

from __future__ import annotations

import math

__all__ = ["Budget", "ANALYZE_WORK", "NASH_WORK", "VALIDATE_WORK"]

#: work allowances (elementary operations; about 1e9 per second on one core)
ANALYZE_WORK = 1.5e9
NASH_WORK = 6e8
VALIDATE_WORK = 6e7


class OverBudget(Exception):
    """Raised inside the analysis when a step cannot be afforded (never escapes the package)."""


class Budget:
    """Work left for an analysis, and whether everything so far was computed exactly.

    ``Budget()`` is unlimited.  Pass one budget to every call of an analysis so that the calls
    share it; ``exact`` turns False the first time any of them falls back to an approximation.
    ``beam_rows`` sizes each approximate search (its work is about ``beam_rows * m``).
    """

    def __init__(self, work: float = math.inf, beam_rows: int = 400_000) -> None:
        self.left = float(work)
        self.exact = True
        self.beam_rows = beam_rows  # candidate rows one approximate search may create

    def afford(self, amount: float) -> bool:
        """Spend ``amount`` if that much is left; False (nothing spent) otherwise."""
        if amount > self.left:
            return False
        self.left -= amount
        return True

    def spend(self, amount: float) -> None:
        """Record work done regardless of what is left (approximations: bounded by construction)."""
        self.left -= amount

    @property
    def spent(self) -> bool:
        """True once nothing is left: callers looping over many searches stop there."""
        return self.left <= 0

    def charge(self, amount: float) -> None:
        """Spend ``amount`` or raise :class:`OverBudget`."""
        if not self.afford(amount):
            raise OverBudget

    def approximate(self) -> None:
        """Record that a result was approximated."""
        self.exact = False


def unlimited(budget: Budget | None) -> Budget:
    """The budget to use when the caller passed none: unlimited, so results are exact."""
    return Budget() if budget is None else budget
