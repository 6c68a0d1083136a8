"""Cross-reference checks of what incidents add beyond schema 1's first edition (victims,
provocations, attribution, ``while``/``unless``) and of pledges; called by
:func:`~sim.scenario.checks.cross_check` with its collection of ids and problems."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sim.scenario.incident_kinds import AGREEMENT, NOBODY
from sim.scenario.refs import Path, suggest

if TYPE_CHECKING:
    from sim.scenario.model import Issue, Quote, RandomIncident, Scenario, ScheduledIncident


class Refs(Protocol):
    """What these checks need of the cross-check's collection (``checks._Refs``)."""

    s: Scenario
    parties: list[str]

    def add(self, path: Path, message: str, at_key: bool = False) -> None: ...
    def tag(self, path: Path, t: str) -> None: ...
    def source(self, path: Path, q: Quote | None) -> None: ...
    def option(self, path: Path, issue: Issue, o: str, at_key: bool = False) -> None: ...
    def party(self, path: Path, p: str, allowed: list[str] | None = None, at_key: bool = False) -> None: ...
    def issue(self, path: Path, i: str, at_key: bool = True) -> Issue | None: ...
    def dupes(self, items: tuple, path: Path, what: str) -> None: ...


def check_incident_kind(r: Refs, path: Path, inc: ScheduledIncident | RandomIncident, randoms: list[str]) -> None:
    """Victims, provocations, attribution and the options an incident depends on."""
    if inc.victims and inc.victim is not None:
        r.add((*path, "victims"), "give either 'victim' or 'victims', not both", True)
    for c, v in enumerate(inc.victims):
        r.party((*path, "victims", c), v)
        if v == inc.actor:
            r.add((*path, "victims", c), "a victim must be another party than the actor")
    for c, pr in enumerate(inc.provokes):
        if pr.incident not in randoms:
            r.add((*path, "provokes", c, "incident"), f"unknown random incident '{pr.incident}'"
                  f"{suggest(pr.incident, randoms)} (only random incidents have a rate to provoke)")
    for p, att in inc.attribution.items():
        r.party((*path, "attribution", p), p, at_key=True)
        if att.blames is not None and att.blames != NOBODY:
            r.party((*path, "attribution", p, "blames"), att.blames, [*r.parties, NOBODY])
    for key in ("while", "unless"):
        for c, ref in enumerate(getattr(inc, "while_" if key == "while" else key)):
            check_option_ref(r, (*path, key, c), ref)


def check_option_ref(r: Refs, path: Path, ref: str) -> None:
    """An ``issue.option`` reference, or 'agreement'."""
    if ref == AGREEMENT:
        return
    i, sep, o = ref.partition(".")
    if not sep:
        r.add(path, f"'{ref}' must look like 'issue.option' (or be '{AGREEMENT}': any agreement in force)")
        return
    iss = r.issue(path, i, at_key=False)
    if iss is not None:
        r.option(path, iss, o)


def check_pledges(r: Refs) -> None:
    last = r.s.clock.max_rounds - 1
    r.dupes(r.s.pledges, ("pledges",), "pledge")
    for n, pl in enumerate(r.s.pledges):
        path = ("pledges", n)
        r.party((*path, "party"), pl.party)
        for c, t in enumerate(pl.covers):
            r.tag((*path, "covers", c), t)
        for p, tags in pl.reads.items():
            r.party((*path, "reads", p), p, at_key=True)
            for c, t in enumerate(tags):
                r.tag((*path, "reads", p, c), t)
        r.source((*path, "quote"), pl.quote)
        if pl.round > last:
            r.add((*path, "round"), f"round {pl.round} is after the last round ({last}); "
                                    "lower it or raise clock.max_rounds")


def provoked_bound(s: Scenario, incident_id: str) -> float:
    """The most a random incident's rate can be multiplied by provocations: the product of
    every provocation's factor (those above 1) aimed at it. Thinning draws at this bound."""
    bound = 1.0
    for inc in (*s.incidents.scheduled, *s.incidents.random):
        for pr in inc.provokes:
            if pr.incident == incident_id:
                bound *= max(1.0, pr.factor)
    return bound
