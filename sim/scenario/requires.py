"""Options that require each other (``requires: [issue.option]``): which requirements a package
misses, and what else reverts when an option leaves it.

Pure questions about a scenario and a full package, shared by the action checks, the engine's
lapses and the proposal builder.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.scenario.model import Scenario


def missing(s: Scenario, package: Mapping[str, str]) -> list[tuple[str, str]]:
    """(``issue.option`` in the package, ``issue.option`` it requires but the package lacks)."""
    out = []
    for i, o, refs in s.requirements:
        if package[i] != o:
            continue
        for ref in refs:
            ri, _, ro = ref.partition(".")
            if package.get(ri) != ro:
                out.append((f"{i}.{o}", ref))
    return out


def label(s: Scenario, ref: str) -> str:
    """'Issue title: Option label' for an ``issue.option`` reference."""
    i, _, o = ref.partition(".")
    return f"{s.issue(i).title}: {s.issue(i).option(o).label}"


def refusal(s: Scenario, package: Mapping[str, str]) -> str | None:
    """Why a package can't be proposed (its first missing requirement, in words), else None."""
    gaps = missing(s, package)
    if not gaps:
        return None
    have, need = gaps[0]
    return (f"'{label(s, have)}' requires '{label(s, need)}': add {need} to the package "
            f"or drop {have}")


def reverting(s: Scenario, package: Mapping[str, str], issue: str) -> list[tuple[str, str]]:
    """When ``issue`` reverts to its default: every other issue whose option then misses a
    requirement, in the order they revert, each with the ``issue.option`` whose loss took it."""
    pkg = {**package, issue: s.issue(issue).default_option}
    out: list[tuple[str, str]] = []
    while True:
        gaps = [(have, need) for have, need in missing(s, pkg)]
        if not gaps:
            return out
        have, need = gaps[0]
        i = have.partition(".")[0]
        pkg[i] = s.issue(i).default_option
        out.append((i, need))


def repair(s: Scenario, package: Mapping[str, str]) -> dict[str, str]:
    """A full package that can be proposed, close to ``package``: a missing requirement is
    added where its issue was left at the default, else the option needing it is dropped.
    For built-in mediators and hints, whose searches don't know about requirements."""
    pkg = s.complete(dict(package))
    for _ in range(2 * len(s.issue_ids)):
        gaps = missing(s, pkg)
        if not gaps:
            return pkg
        have, need = gaps[0]
        ni, _, no = need.partition(".")
        if pkg[ni] == s.issue(ni).default_option:
            pkg[ni] = no
        else:
            hi = have.partition(".")[0]
            pkg[hi] = s.issue(hi).default_option
    while gaps := missing(s, pkg):  # pathological chains: drop until nothing is missing
        hi = gaps[0][0].partition(".")[0]
        pkg[hi] = s.issue(hi).default_option
    return pkg
