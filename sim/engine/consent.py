"""Consent per issue: whose acceptance a package needs.

A party holds an issue when its own ``consent`` list (every issue when omitted) names it and
the issue's ``consent`` list (every party when omitted) names the party. A package *touches*
an issue when it sets it away from the issue's default; it needs the acceptance of every
party that holds an issue it touches. The status quo touches nothing and, as before consent
per issue existed, needs everyone. Without ``consent`` fields every party holds every issue,
so every package needs every party: today's rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.memo import Memo
from sim.scenario.model import Scenario


def holds(s: Scenario, party_id: str, issue_id: str) -> bool:
    """Whether ``party_id``'s acceptance is needed for a package that moves ``issue_id``."""
    own = s.party(party_id).consent
    rule = s.issue(issue_id).consent
    return (own is None or issue_id in own) and (rule is None or party_id in rule)


def touched(s: Scenario, package: Mapping[str, str]) -> tuple[str, ...]:
    """The issues ``package`` sets away from their default, in scenario order."""
    return tuple(i for i in s.issue_ids if package.get(i, s.issue(i).default_option) != s.issue(i).default_option)


def needed(s: Scenario, package: Mapping[str, str]) -> tuple[str, ...]:
    """The parties whose acceptance ``package`` needs, in scenario order."""
    rules = _rules(s)
    if rules is None:
        return s.party_ids  # every party holds every issue: the package needs everyone
    needs: set[str] = set()
    moved = False
    for i, default, holders in rules:
        if package.get(i, default) != default:
            needs |= holders
            moved = True
    if not moved:
        return s.party_ids  # the status quo touches nothing
    return tuple(p for p in s.party_ids if p in needs)


_RULES: Memo[tuple[tuple[str, str, frozenset[str]], ...] | None] = Memo(16)


def _rules(s: Scenario) -> tuple[tuple[str, str, frozenset[str]], ...] | None:
    """(issue, default, parties holding it) per issue, remembered per scenario (asked for every
    trial package); None when the scenario restricts consent nowhere."""
    def compile_() -> tuple[tuple[str, str, frozenset[str]], ...] | None:
        if not uses_consent(s):
            return None
        return tuple((i, s.issue(i).default_option, frozenset(p for p in s.party_ids if holds(s, p, i)))
                     for i in s.issue_ids)

    return _RULES.get(id(s), (s,), compile_)


def uses_consent(s: Scenario) -> bool:
    """Whether the scenario restricts consent anywhere (else every party is always needed)."""
    return any(p.consent is not None for p in s.parties) or any(i.consent is not None for i in s.issues)
