"""What ``mediate validate`` checks beyond the format: can any outcome tier be reached?

:func:`tier_check` answers with data (the CLI words it).  It runs against a small budget
(``VALIDATE_WORK``) so validation stays well under a second for any scenario the format
allows; when that budget is not enough to find a reachable tier or prove there is none, it
says the question is undecided rather than warn falsely.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.analysis.budget import VALIDATE_WORK, Budget
from sim.analysis.scenario_domains import collapse_ties, domain_from_scenario, tier_conditions
from sim.analysis.tiers import tier_reachability
from sim.scenario.model import Scenario

__all__ = ["TierCheck", "tier_check"]


@dataclass(frozen=True)
class TierCheck:
    """Outcome tier ids by what the bounded check found."""

    reachable: tuple[str, ...]
    unreachable: tuple[str, ...]
    undecided: tuple[str, ...]

    @property
    def none_reachable(self) -> bool:
        """True only when every tier was proved unreachable."""
        return not self.reachable and not self.undecided

    @property
    def inconclusive(self) -> bool:
        """True when no tier was found reachable but some could not be decided."""
        return not self.reachable and bool(self.undecided)


def tier_check(scenario: Scenario, work: float = VALIDATE_WORK) -> TierCheck:
    """Which of the scenario's outcome tiers a feasible package reaches (full information)."""
    dom, rep = collapse_ties(domain_from_scenario(scenario))
    tiers = tier_reachability(dom, tier_conditions(scenario, rep), Budget(work, beam_rows=60_000))
    found: dict[str, list[str]] = {"reachable": [], "unreachable": [], "undecided": []}
    for oc, t in zip(scenario.outcomes, tiers, strict=True):
        kind = "reachable" if t.reachable else "unreachable" if t.decided else "undecided"
        found[kind].append(oc.id)
    return TierCheck(tuple(found["reachable"]), tuple(found["unreachable"]), tuple(found["undecided"]))
