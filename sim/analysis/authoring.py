"""What ``mediate validate`` checks beyond the format: can any outcome tier be reached, and
what in a valid scenario is probably not what its author meant?

:func:`tier_check` answers with data (the CLI words it); :func:`authoring_warnings` returns
located warnings (a document path and a message) the CLI maps to ``file:line:col``.  It runs against a small budget
(``VALIDATE_WORK``) so validation stays well under a second for any scenario the format
allows; when that budget is not enough to find a reachable tier or prove there is none, it
says the question is undecided rather than warn falsely.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.analysis.budget import VALIDATE_WORK, Budget
from sim.analysis.scenario_domains import collapse_ties, domain_from_scenario, tier_conditions
from sim.analysis.tiers import tier_reachability
from sim.scenario.model import Scenario
from sim.scenario.refs import Path

__all__ = ["TierCheck", "tier_check", "AuthoringWarning", "authoring_warnings", "walkout_warnings",
           "incident_hour_warnings", "lever_tier_warnings", "with_levers", "red_lines_crossed"]

LOW_TRUST_ROUNDS = 2
"""Rounds in a row below ``walkout_trust`` before a party walks out (the engine's rule)."""


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


@dataclass(frozen=True)
class AuthoringWarning:
    """Something valid that is probably a mistake, at a document path of the scenario."""

    path: Path
    message: str
    at_key: bool = False


def authoring_warnings(scenario: Scenario, check: TierCheck | None = None,
                       work: float = VALIDATE_WORK) -> list[AuthoringWarning]:
    """Every located warning: parties doomed to walk out, incidents outside their round, tiers
    only levers reach (``check`` is the scenario's :func:`tier_check`, computed if omitted)."""
    check = check if check is not None else tier_check(scenario, work)
    return [*walkout_warnings(scenario), *incident_hour_warnings(scenario),
            *lever_tier_warnings(scenario, check, work)]


def walkout_warnings(s: Scenario) -> list[AuthoringWarning]:
    """A party whose starting trust in a counterpart is at or below its own ``walkout_trust``:
    unless that trust rises, it walks out after the first rounds (any loss of trust suffices)."""
    found: list[AuthoringWarning] = []
    for n, p in enumerate(s.parties):
        for o in s.party_ids:
            t = p.trust.get(o, 0.5)
            if o == p.id or t > p.walkout_trust:
                continue
            at: Path = ("parties", n, "trust", o) if o in p.trust else ("parties", n, "walkout_trust")
            fate = (f"unless that trust rises it walks out at the end of round {LOW_TRUST_ROUNDS}" if t < p.walkout_trust
                    else f"the first loss of trust puts it below, and {LOW_TRUST_ROUNDS} rounds there end the talks")
            found.append(AuthoringWarning(at, (
                f"{p.id} starts with trust {t:.2f} in {o}, at or below its walkout_trust {p.walkout_trust:.2f}: "
                f"{fate}; raise parties[{n}].trust.{o} or lower parties[{n}].walkout_trust")))
    return found


def incident_hour_warnings(s: Scenario) -> list[AuthoringWarning]:
    """A scheduled incident whose ``hour`` is not inside its round: it happens in a later round
    than its ``round`` says, or after the game has ended (never)."""
    found: list[AuthoringWarning] = []
    h, end = s.clock.round_hours, s.clock.max_rounds * s.clock.round_hours
    for n, inc in enumerate(s.incidents.scheduled):
        if inc.hour < h:
            continue
        at = inc.round * h + inc.hour
        if at >= end:
            msg = (f"incident '{inc.id}' at hour {inc.hour:g} of round {inc.round} falls after the game ends "
                   f"(round {s.clock.max_rounds - 1} is the last, rounds last {h:g} hours): it never happens")
        else:
            msg = (f"incident '{inc.id}': hour {inc.hour:g} is past the end of round {inc.round} (rounds last {h:g} "
                   f"hours), so it happens in round {math.floor(at / h)}: set round and an hour below {h:g}")
        found.append(AuthoringWarning(("incidents", "scheduled", n, "hour"), msg))
    return found


def pressure_levers(s: Scenario) -> tuple[str, ...]:
    """Levers that lower a walk-away point or move a weight: the ones that can open a deal."""
    return tuple(lv.id for lv in s.mediator.levers
                 if any(d < 0 for d in lv.effects.reservation.values()) or lv.effects.weights)


def with_levers(s: Scenario, levers: tuple[str, ...]) -> Scenario:
    """The scenario as if each of ``levers`` had been used to its limit at the start (every use's
    reservation and weight effects applied, clamped as the engine clamps them)."""
    data: dict[str, Any] = s.model_dump(by_alias=True, exclude_defaults=False)
    parties = {p["id"]: p for p in data["parties"]}
    for lv in s.mediator.levers:
        if lv.id not in levers:
            continue
        for pid, d in lv.effects.reservation.items():
            parties[pid]["reservation"] = min(100.0, max(0.0, parties[pid]["reservation"] + d * lv.uses))
        for pid, ws in lv.effects.weights.items():
            if pid not in parties:  # the mediator's own weights play no part in any acceptance
                continue
            for issue, d in ws.items():
                st = parties[pid]["stances"].get(issue)
                if st is not None:
                    st["weight"] = min(1000.0, max(0.01, st["weight"] + d * lv.uses))
    return Scenario.model_validate(data)


def lever_tier_warnings(s: Scenario, check: TierCheck, work: float = VALIDATE_WORK) -> list[AuthoringWarning]:
    """Outcome tiers no package reaches as the scenario starts, but one does once the levers
    that lower walk-away points or move weights are used: only a mediator who pulls them gets there."""
    levers = pressure_levers(s)
    blocked = set(check.unreachable) | set(check.undecided)
    if not levers or not blocked:
        return []
    opened = set(tier_check(with_levers(s, levers), work).reachable) & blocked
    names = ", ".join(levers)
    return [AuthoringWarning(("outcomes", n, "id"), (
        f"outcome tier '{oc.id}' is reachable only with levers (used to their limit: {names}); "
        "a mediator who never uses them can't reach it — check the reservations if that is not meant"))
        for n, oc in enumerate(s.outcomes) if oc.id in opened]


def red_lines_crossed(s: Scenario, package: dict[str, str]) -> list[tuple[str, str, str]]:
    """(party, issue, option) of every red line the full package touches, in party order."""
    full = s.complete(package)
    return [(p.id, i, full[i]) for p in s.parties for i, st in p.stances.items() if full[i] in st.red_lines]
