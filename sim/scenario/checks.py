"""Cross-reference checks of a structurally valid scenario, one function per section.

pydantic has checked types and ranges; these check everything that refers to something else
by id (parties, issues, options, tags, sources), plus the bounds on how much a game may
simulate. Each returns :class:`RefProblem` s located by document path, with suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.scenario.incident_checks import check_incident_kind, check_pledges, provoked_bound
from sim.scenario.refs import MEDIATOR, Path, RefProblem, suggest

if TYPE_CHECKING:  # the model imports this module, so its types are for annotations only
    from sim.scenario.model import Effects, Issue, Quote, Scenario, Stance

MAX_SPAN_HOURS = 10 * 365 * 24
"""Longest game a scenario may simulate: max_rounds × round_hours (the flagship: 720 hours)."""
MAX_INCIDENT_CANDIDATES = 20_000
"""Most random incident candidates a game may expect to draw (the flagship: about 110)."""
FORECAST_DAYS = 30
"""Forecasts run the clock this many days past the deadline (see sim.analysis.forecast)."""

__all__ = ["cross_check", "provoked_bound", "MAX_SPAN_HOURS", "MAX_INCIDENT_CANDIDATES", "FORECAST_DAYS"]


@dataclass
class _Refs:
    """The ids a scenario defines, and the problems found so far."""

    s: Scenario
    out: list[RefProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tags = list(self.s.tags)
        self.sources = [x.id for x in self.s.sources]
        self.parties = list(self.s.party_ids)
        self.issues = list(self.s.issue_ids)
        self.actors = [*self.parties, MEDIATOR]

    def add(self, path: Path, message: str, at_key: bool = False) -> None:
        self.out.append(RefProblem(path, message, at_key))

    def tag(self, path: Path, t: str) -> None:
        if t not in self.tags:
            self.add(path, f"unknown tag '{t}'{suggest(t, self.tags)} (tags must be listed under 'tags')")

    def source(self, path: Path, q: Quote | None) -> None:
        if q is not None and q.source not in self.sources:
            self.add((*path, "source"), f"unknown source '{q.source}'{suggest(q.source, self.sources)}")

    def option(self, path: Path, issue: Issue, o: str, at_key: bool = False) -> None:
        if o not in issue.option_ids:
            self.add(path, f"unknown option '{o}' in {issue.id}{suggest(o, issue.option_ids)}", at_key)

    def party(self, path: Path, p: str, allowed: list[str] | None = None, at_key: bool = False) -> None:
        allowed = self.parties if allowed is None else allowed
        if p not in allowed:
            self.add(path, f"unknown party '{p}'{suggest(p, allowed)}", at_key)

    def issue(self, path: Path, i: str, at_key: bool = True) -> Issue | None:
        if i not in self.issues:
            self.add(path, f"unknown issue '{i}'{suggest(i, self.issues)}", at_key)
            return None
        return self.s.issue(i)

    def dupes(self, items: tuple, path: Path, what: str) -> None:
        seen: set[str] = set()
        for n, item in enumerate(items):
            if item.id in seen:
                self.add((*path, n, "id"), f"duplicate {what} id '{item.id}': ids must be unique")
            seen.add(item.id)


def cross_check(s: Scenario) -> list[RefProblem]:
    """Every id reference in the scenario, checked; problems come with suggestions."""
    r = _Refs(s)
    for check in (check_ids, check_issues, check_requires, check_levers, check_mediator,
                  check_parties, check_consent, check_incidents, check_pledges, check_outcomes, check_history,
                  check_limits):
        check(r)
    return r.out


def check_ids(r: _Refs) -> None:
    """Ids unique within their kind; 'mediator' reserved; tags listed once."""
    s = r.s
    r.dupes(s.sources, ("sources",), "source")
    r.dupes(s.issues, ("issues",), "issue")
    r.dupes(s.parties, ("parties",), "party")
    r.dupes(s.mediator.levers, ("mediator", "levers"), "lever")
    r.dupes(s.outcomes, ("outcomes",), "outcome")
    # Scheduled and random incidents share one id space, each reported at its own path.
    seen: set[str] = set()
    for kind in ("scheduled", "random"):
        for n, inc in enumerate(getattr(s.incidents, kind)):
            if inc.id in seen:
                r.add(("incidents", kind, n, "id"), f"duplicate incident id '{inc.id}': ids must be unique "
                                                   "across scheduled and random incidents")
            seen.add(inc.id)
    if MEDIATOR in r.parties:
        r.add(("parties", r.parties.index(MEDIATOR), "id"),
              "'mediator' is reserved for the mediator; give the party another id")
    for n, tag in enumerate(s.tags):
        if tag in r.tags[:n]:
            r.add(("tags", n), f"duplicate tag '{tag}'")
    for tag in s.tag_labels:
        if tag not in r.tags:
            r.add(("tag_labels", tag), f"label for unknown tag '{tag}'{suggest(tag, r.tags)} "
                                       "(label only tags listed under 'tags')", at_key=True)


def check_issues(r: _Refs) -> None:
    for n, iss in enumerate(r.s.issues):
        if iss.default is not None:
            r.option(("issues", n, "default"), iss, iss.default)
        seen: set[str] = set()
        for k, o in enumerate(iss.options):
            if o.id in seen:
                r.add(("issues", n, "options", k, "id"), f"duplicate option id '{o.id}' in {iss.id}")
            seen.add(o.id)
            for c, t in enumerate(o.covers):
                r.tag(("issues", n, "options", k, "covers", c), t)


def check_effects(r: _Refs, path: Path, e: Effects) -> None:
    for p in e.reservation:
        r.party((*path, "reservation", p), p, at_key=True)
    for key in e.trust:
        check_trust_key(r, (*path, "trust", key), key)
    for p, ws in e.weights.items():
        r.party((*path, "weights", p), p, r.actors, at_key=True)
        for i in ws:
            if r.issue((*path, "weights", p, i), i) is None or p not in r.actors:
                continue
            held = r.s.mediator.stances if p == MEDIATOR else r.s.party(p).stances
            if i not in held:
                r.add((*path, "weights", p, i), f"{p} holds no stance on {i}, so its weight can't change: "
                                                "add a stance or remove this", True)


def check_trust_key(r: _Refs, path: Path, key: str) -> None:
    a, sep, b = (part.strip() for part in key.partition("->"))
    if not sep or not a or not b:
        r.add(path, f"trust key '{key}' must look like 'a->b' (a's trust in b)", True)
    elif a == MEDIATOR:
        r.add(path, f"trust key '{key}': the mediator's own trust is not modelled; use 'party->mediator' "
                    "for a party's trust in it", True)
    else:
        for end in (a, b):
            r.party(path, end, r.actors, at_key=True)
        if a == b:
            r.add(path, f"trust key '{key}' names the same side twice", True)


def check_requires(r: _Refs) -> None:
    """``requires: [issue.option]`` on options: ids that exist, another issue, no default
    option requiring anything (a lapse reverts to it), and no cycle."""
    graph: dict[str, list[str]] = {}
    for n, iss in enumerate(r.s.issues):
        for k, o in enumerate(iss.options):
            path = ("issues", n, "options", k, "requires")
            if o.requires and o.id == iss.default_option:
                r.add(path, f"'{o.id}' is {iss.id}'s default, what a lapse reverts to, so it can't require "
                            "anything: move the requirement to the options that need it", True)
            for c, ref in enumerate(o.requires):
                i, sep, opt = ref.partition(".")
                if not sep:
                    r.add((*path, c), f"requires '{ref}' must look like 'issue.option'")
                    continue
                target = r.issue((*path, c), i, at_key=False)
                if target is None:
                    continue
                if i == iss.id:
                    r.add((*path, c), f"'{ref}' is an option of {iss.id} itself: a package holds one option "
                                      "per issue, so require an option of another issue")
                    continue
                r.option((*path, c), target, opt)
                if opt in target.option_ids:
                    graph.setdefault(f"{iss.id}.{o.id}", []).append(ref)
    cycle = _cycle(graph)
    if cycle:
        ci, _, co = cycle[0].partition(".")
        n = r.issues.index(ci)
        k = r.s.issue(ci).option_ids.index(co)
        r.add(("issues", n, "options", k, "requires"),
              f"requirements go round in a circle ({' → '.join([*cycle, cycle[0]])}): keep one direction; "
              "an option that requires another already reverts when that one lapses", True)


def _cycle(graph: dict[str, list[str]]) -> list[str]:
    """One cycle of the requirement graph (empty when there is none), by depth-first search."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def check_levers(r: _Refs) -> None:
    for n, lev in enumerate(r.s.mediator.levers):
        path = ("mediator", "levers", n)
        r.party((*path, "target"), lev.target)
        check_effects(r, (*path, "effects"), lev.effects)
        r.source((*path, "quote"), lev.quote)


def check_parties(r: _Refs) -> None:
    for n, p in enumerate(r.s.parties):
        path = ("parties", n)
        for other in p.trust:
            if other == p.id:
                r.add((*path, "trust", other), "a party's trust in itself is not modelled; remove it", True)
            else:
                r.party((*path, "trust", other), other, r.actors, at_key=True)
        for key, read in p.reads.items():
            i, sep, o = key.partition(".")
            if not sep:
                r.add((*path, "reads", key), f"reads key '{key}' must look like 'issue.option'", True)
                continue
            iss = r.issue((*path, "reads", key), i)
            if iss is not None:
                r.option((*path, "reads", key), iss, o, at_key=True)
            for c, t in enumerate(read):
                r.tag((*path, "reads", key, c), t)
        for i, st in p.stances.items():
            check_stance(r, (*path, "stances", i), st, i, party=True)


def check_mediator(r: _Refs) -> None:
    """The mediator's own stakes: shaped like a party's, but public and without red lines."""
    for i, st in r.s.mediator.stances.items():
        path = ("mediator", "stances", i)
        check_stance(r, path, st, i, party=False)
        if st.red_lines:
            r.add((*path, "red_lines"), "the mediator has no red lines (it chooses what it proposes): "
                                        "remove red_lines, or give the option a value of 0", True)
        if st.visibility == "private":
            r.add((*path, "visibility"), "the mediator's own stakes are always shown to the player: "
                                         "remove 'visibility: private'")


def check_stance(r: _Refs, spath: Path, st: Stance, i: str, party: bool) -> None:
    """One stance of a party (or, ``party=False``, of the mediator) on issue ``i``. The stance is
    handed in, not looked up by its holder's id: the id may be a duplicate or a reserved one."""
    iss = r.issue(spath, i)
    if iss is None:
        return
    for o in st.values:
        r.option((*spath, "values", o), iss, o, at_key=True)
    r.option((*spath, "demand"), iss, st.demand)
    for c, o in enumerate(st.red_lines):
        r.option((*spath, "red_lines", c), iss, o)
    if st.demand in st.red_lines:
        r.add((*spath, "demand"), f"the demand '{st.demand}' is also one of the party's red lines")
    if set(st.red_lines) >= set(iss.option_ids):
        r.add((*spath, "red_lines"), f"every option of {i} is a red line: no package could ever be accepted")
    if st.visibility == "public" and st.quote is None and party:
        r.add(spath, "a public stance needs a 'quote' citing where the demand was stated "
                     "(or make it 'visibility: private')", True)
    r.source((*spath, "quote"), st.quote)
    r.source((*spath, "red_line_quote"), st.red_line_quote)


def check_consent(r: _Refs) -> None:
    """Consent lists name real issues and parties, and every issue needs someone's consent."""
    s = r.s
    for n, p in enumerate(s.parties):
        for c, i in enumerate(p.consent or ()):
            r.issue(("parties", n, "consent", c), i, at_key=False)
    for n, iss in enumerate(s.issues):
        for c, pid in enumerate(iss.consent or ()):
            r.party(("issues", n, "consent", c), pid)
            if pid in r.parties and (own := s.party(pid).consent) is not None and iss.id not in own:
                r.add(("issues", n, "consent", c), f"{pid} is listed here, but its own 'consent' leaves out "
                                                   f"{iss.id}: add {iss.id} to it or remove {pid} from this list")
        known = [p for p in s.parties if p.id in r.parties]
        if not any((p.consent is None or iss.id in p.consent) and (iss.consent is None or p.id in iss.consent)
                   for p in known):
            r.add(("issues", n, "consent") if iss.consent is not None else ("issues", n, "id"),
                  f"no party's consent is needed for {iss.id}, so a package moving only it would need no one's "
                  "acceptance: list a party in the issue's 'consent', or add the issue to a party's 'consent'")


def check_incidents(r: _Refs) -> None:
    last = r.s.clock.max_rounds - 1
    randoms = [inc.id for inc in r.s.incidents.random]
    for kind in ("scheduled", "random"):
        for n, inc in enumerate(getattr(r.s.incidents, kind)):
            path = ("incidents", kind, n)
            if inc.actor is not None:
                r.party((*path, "actor"), inc.actor)
            if inc.victim is not None:
                r.party((*path, "victim"), inc.victim)
                if inc.victim == inc.actor:
                    r.add((*path, "victim"), "the victim must be another party than the actor")
            if inc.target is not None:
                r.tag((*path, "target"), inc.target)
            check_effects(r, (*path, "effects"), inc.effects)
            r.source((*path, "quote"), inc.quote)
            check_incident_kind(r, path, inc, randoms)
            if kind == "scheduled" and inc.round > last:
                r.add((*path, "round"), f"round {inc.round} is after the last round ({last}); "
                                        "lower it or raise clock.max_rounds")


def check_outcomes(r: _Refs) -> None:
    for n, oc in enumerate(r.s.outcomes):
        for i, opts in oc.when.items():
            path = ("outcomes", n, "when", i)
            iss = r.issue(path, i)
            if iss is None:
                continue
            if not opts:
                r.add(path, f"the condition on {i} lists no option, so no agreement could meet it: "
                            f"list at least one option of {i}, or remove {i} from 'when'")
            for c, o in enumerate(opts):
                r.option((*path, c), iss, o)


def check_history(r: _Refs) -> None:
    for n, h in enumerate(r.s.debrief.history):
        r.source(("debrief", "history", n, "quote"), h.quote)


def check_limits(r: _Refs) -> None:
    """Bounds on how much a game simulates, so a typo can't make the engine run for minutes."""
    clock, dyn = r.s.clock, r.s.dynamics
    span = clock.max_rounds * clock.round_hours
    if span > MAX_SPAN_HOURS:
        r.add(("clock", "max_rounds"), f"the game would span {span:,.0f} hours (max_rounds × round_hours); "
                                       f"the limit is {MAX_SPAN_HOURS:,}: lower clock.max_rounds or clock.round_hours")
        return
    # The engine draws candidates at each incident's highest rate, and forecasts run past the deadline.
    days = span / 24 + FORECAST_DAYS
    total = sum(inc.rate_per_day * provoked_bound(r.s, inc.id) for inc in r.s.incidents.random)
    expected = total * (1 + dyn.distrust_rate_gain) * days
    if expected > MAX_INCIDENT_CANDIDATES:
        at: Path = ("incidents", "random") if r.s.incidents.random else ("dynamics",)
        r.add(at, f"random incidents would draw about {expected:,.0f} candidates over a game "
                  f"(Σ rate_per_day × provocation bound × (1 + distrust_rate_gain) × {days:,.0f} days); the limit is "
                  f"{MAX_INCIDENT_CANDIDATES:,}: lower incidents.random[*].rate_per_day, "
                  "dynamics.distrust_rate_gain, clock.max_rounds or clock.round_hours")

