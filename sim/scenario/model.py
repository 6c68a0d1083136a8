"""The scenario model: one pydantic description of a scenario, validated once, frozen after.

Structure is checked by pydantic (types, ranges, unknown keys); everything that refers to
something else by id (parties, issues, options, tags, sources) is checked by
:func:`~sim.scenario.checks.cross_check`, which returns located problems with "did you mean"
suggestions. The loader (:mod:`sim.scenario.loader`) maps both kinds of problem back to
``file:line:col``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, Strict

from sim.scenario.fields import ADDED, Delta, Flag, Frozen, Points, Slug, Text, Unit, UnitDelta, added, added_at_default
from sim.scenario.incident_kinds import Attribution, IncidentKind, Provocation
from sim.scenario.participation import Suspension
from sim.scenario.refs import MEDIATOR, Path, RefProblem, suggest

__all__ = ["MEDIATOR", "Path", "RefProblem", "suggest", "iter_quotes", "scenario_hash",
           "Slug", "Scenario", "Issue", "Option", "Party", "Stance", "Quote", "Source", "Clock", "Dynamics",
           "Effects", "Suspension", "Lever", "Mediator", "ScheduledIncident", "RandomIncident", "Incidents",
           "Outcome", "HistoryEntry", "Debrief", "Pledge", "Provocation", "Attribution", "added", "ADDED"]

class Quote(Frozen):
    """A verbatim quote from one of the scenario's sources."""

    source: Slug
    text: Text


class Source(Frozen):
    id: Slug
    outlet: Text
    title: Text
    date: dt.date
    file: str | None = None
    """Name of the article's text file, used by ``mediate validate --sources DIR``."""
    url: str | None = None


class Clock(Frozen):
    start: AwareDatetime
    """When round 0 starts, with its UTC offset, e.g. 2025-03-18T18:00:00+03:00."""
    round_hours: Annotated[float, Strict(), Field(gt=0, le=24 * 365)] = 24
    max_rounds: Annotated[int, Strict(), Field(ge=1, le=1000)] = 30
    settle_rounds: Annotated[int, Strict(), Field(ge=1, le=1000)] = 3
    """The game ends early once the top outcome tier has held this many rounds."""


class Dynamics(Frozen):
    """Engine constants a scenario may tune; the defaults suit most scenarios."""

    violation_trust: UnitDelta = -0.10
    """Trust change (victim in actor) for an acknowledged violation."""
    dispute_trust: UnitDelta = -0.15
    """Trust change for a disputed incident: both sides lose trust in each other."""
    incident_trust: UnitDelta = -0.03
    """Trust change (victim in actor) for an incident no agreement covers."""
    monitored_factor: Unit = 0.5
    """Damage multiplier when a monitoring option in force settles a dispute."""
    covered_rate_factor: Unit = 0.2
    """Random incident rate multiplier while the actor reads its target as covered."""
    distrust_rate_gain: Annotated[float, Strict(), Field(ge=0, le=10)] = 1.0
    """Random incident rate x (1 + gain * (1 - actor's trust in the victim))."""
    consult_hours_fraction: Unit = 0.5
    """A consultation costs this fraction of a round."""
    credibility_trust: Unit = 0.5
    """How much the mediator's credibility eases the distrust penalty (0 = not at all)."""
    lapse_warning_hours: Annotated[float, Strict(), Field(gt=0, le=24 * 3650)] | None = added(None)
    """Warn on the wire this many hours before an option in force lapses; no warning when omitted."""
    renew_hours_fraction: Unit = added(0.25)
    """A renewal costs this fraction of a round (a proposal costs the rest of the round)."""
    coerced_denounce_per_day: Annotated[float, Strict(), Field(ge=0, le=10)] | None = added(None)
    """Daily rate (Poisson hazard) at which each party coerced into the agreement in force
    denounces it. Set (even to 0), acceptances are marked as coerced when they clear only
    because levers pushed the party's walk-away below where it started, or leave it below the
    status quo; unset, nothing is marked and nothing is denounced."""


class Option(Frozen):
    id: Slug
    label: Text
    description: str | None = None
    covers: tuple[Slug, ...] = ()
    """Target tags this option protects while it is in force (by the scenario's reading)."""
    duration_days: Annotated[float, Strict(), Field(gt=0, le=3650)] | None = None
    """The option lapses this many days after the agreement starts, unless renewed."""
    monitoring: Flag = False
    """A monitoring mechanism: settles disputes by the agreement's own ``covers``."""
    requires: tuple[Annotated[str, Field(max_length=130)], ...] = added(())
    """``issue.option`` each of which must be in the same package: a package without them is
    refused, and when one lapses this option reverts with it."""


class Issue(Frozen):
    id: Slug
    title: Text
    description: str | None = None
    default: Slug | None = None
    """Option taken when a proposal leaves the issue out; the first option if omitted."""
    options: tuple[Option, ...] = Field(min_length=1, max_length=64)
    consent: tuple[Slug, ...] | None = added(None)
    """Parties whose acceptance a package that moves this issue needs; every party when omitted."""

    @cached_property
    def default_option(self) -> str:
        return self.default if self.default is not None else self.options[0].id

    @cached_property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @cached_property
    def _option_map(self) -> dict[str, Option]:
        return {o.id: o for o in self.options}

    def option(self, option_id: str) -> Option:
        return self._option_map[option_id]


class Effects(Frozen):
    """What a lever or an incident changes."""

    reservation: dict[Slug, Delta] = {}
    trust: dict[str, UnitDelta] = {}
    """Keys ``a->b``: a's trust in b; a and b are party ids or ``mediator``."""
    weights: dict[Slug, dict[Slug, Delta]] = {}
    """Party (or ``mediator``, for its own stakes) -> issue -> change of its weight."""
    credibility: UnitDelta = 0


class Lever(Frozen):
    id: Slug
    label: Text
    description: str | None = None
    target: Slug
    cost: Unit = 0
    """Credibility the mediator loses by using it."""
    uses: Annotated[int, Strict(), Field(ge=1, le=100)] = 1
    effects: Effects = Effects()
    quote: Quote | None = None


class Stance(Frozen):
    weight: Annotated[float, Strict(), Field(gt=0, le=1000)]
    values: dict[Slug, Points]
    """Value per option; options not listed count 0."""
    demand: Slug
    red_lines: tuple[Slug, ...] = ()
    visibility: Literal["public", "private"] = "public"
    quote: Quote | None = None
    """Where the public demand comes from; required for public stances."""
    red_line_quote: Quote | None = None

    def value(self, option_id: str) -> float:
        return self.values.get(option_id, 0.0)


class Mediator(Frozen):
    name: Text
    leader: str | None = None
    credibility: Unit = 0.7
    levers: tuple[Lever, ...] = ()
    stances: dict[Slug, Stance] = added({})
    """The mediator's own stakes, shaped like a party's stances: its utility of a package is
    shown beside the parties' (never hidden); no red lines, always public."""


class Party(Frozen):
    id: Slug
    name: Text
    leader: str | None = None
    reservation: Points = 50
    concession: Annotated[float, Strict(), Field(gt=0, le=20)] = 1.0
    """beta: below 1 holds firm until late, above 1 concedes early."""
    distrust_penalty: Annotated[float, Strict(), Field(ge=0, le=100)] = 10
    walkout_trust: Unit = 0.05
    denounce_trust: Unit | None = None
    """Withdraws from the agreement in force when a violation or disputed incident leaves its
    trust in the actor below this (talks go on); never when omitted."""
    red_line_patience: Annotated[int, Strict(), Field(ge=0, le=100)] = 2
    noise: Annotated[float, Strict(), Field(ge=0, le=50)] = 0
    """Threshold jitter: each response draws uniformly within ±noise points."""
    trust: dict[str, Unit] = {}
    """This party's trust in other parties and in ``mediator``; 0.5 where not given."""
    reads: dict[str, tuple[Slug, ...]] = {}
    """``issue.option`` -> tags: how this party reads an option's coverage (replaces covers)."""
    stances: dict[Slug, Stance] = Field(min_length=1)
    consent: tuple[Slug, ...] | None = added(None)
    """Issues it must agree to (every issue when omitted): a package moving none of them doesn't need it."""
    suspends: Suspension | None = added(None)
    """Suspends its participation instead of walking out, and may rejoin; walks out when omitted."""


class ScheduledIncident(IncidentKind):
    id: Slug
    round: Annotated[int, Strict(), Field(ge=0, le=1000)]
    hour: Annotated[float, Strict(), Field(ge=0, lt=24 * 365)] = 0
    """Hours into the round (0 = at the start of the round)."""
    actor: Slug | None = None
    """Who did it; none for events with no hostile actor (a ship sails, talks are announced)."""
    victim: Slug | None = None
    """The party hit; every party but the actor when omitted (none without an actor)."""
    target: Slug | None = None
    """The tag of what was hit, which agreements and pledges may cover."""
    text: Text
    effects: Effects = Effects()
    quote: Quote | None = None


class RandomIncident(IncidentKind):
    id: Slug
    actor: Slug | None = None
    """Who did it; none for events with no hostile actor."""
    victim: Slug | None = None
    """The party hit; every party but the actor when omitted (none without an actor)."""
    target: Slug | None = None
    """The tag of what was hit, which agreements and pledges may cover."""
    rate_per_day: Annotated[float, Strict(), Field(ge=0, le=24)]
    text: Text
    effects: Effects = Effects()
    quote: Quote | None = None


class Incidents(Frozen):
    scheduled: tuple[ScheduledIncident, ...] = ()
    random: tuple[RandomIncident, ...] = ()


class Pledge(Frozen):
    """A unilateral pledge in force for one party before (or beside) any agreement."""

    id: Slug
    party: Slug
    """The party that pledges not to hit what ``covers`` names."""
    covers: tuple[Slug, ...] = Field(min_length=1)
    """Target tags the pledge protects (by its own text)."""
    round: Annotated[int, Strict(), Field(ge=0, le=1000)] = 0
    hour: Annotated[float, Strict(), Field(ge=0, lt=24 * 365)] = 0
    """Hours into ``round`` when it takes effect (default: the first hour of the game)."""
    days: Annotated[float, Strict(), Field(gt=0, le=3650)] | None = None
    """How long it holds; until the end of the game when omitted."""
    reads: dict[Slug, tuple[Slug, ...]] = {}
    """Party -> the tags it reads the pledge as covering (replaces ``covers`` for that party)."""
    text: Text
    quote: Quote | None = None


class Outcome(Frozen):
    id: Slug
    title: Text
    description: str | None = None
    when: dict[Slug, tuple[Slug, ...]] = Field(min_length=1)
    """Every listed issue must take one of the listed options in the agreement in force."""


class HistoryEntry(Frozen):
    round: Annotated[int, Strict(), Field(ge=0)] | None = None
    text: Text
    quote: Quote | None = None


class Debrief(Frozen):
    questions: tuple[Text, ...] = ()
    history: tuple[HistoryEntry, ...] = ()


class Scenario(Frozen):
    """A mediate negotiation scenario (format version 1)."""

    schema_: Literal[1] = Field(1, alias="schema")
    id: Slug
    title: Text
    summary: Text
    background: str | None = None
    sources: tuple[Source, ...] = ()
    clock: Clock
    tags: tuple[Slug, ...] = ()
    tag_labels: dict[Slug, Text] = added({})
    """Player-facing wording of tags, e.g. ``front_line: the front line``; a tag not listed is
    shown as its id."""
    history: str | None = added(None)
    """Moves file of what really happened (relative to this file): ``mediate run SCENARIO
    --script history`` plays it."""
    dynamics: Dynamics = Dynamics()
    issues: tuple[Issue, ...] = Field(min_length=1, max_length=200)
    mediator: Mediator
    parties: tuple[Party, ...] = Field(min_length=2, max_length=12)
    incidents: Incidents = Incidents()
    pledges: tuple[Pledge, ...] = added(())
    """Unilateral pledges: strikes on what they cover are judged as breaches by each side's reading."""
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    debrief: Debrief = Debrief()

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, populate_by_name=True,
                              use_attribute_docstrings=True)

    @cached_property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    @cached_property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parties)

    @cached_property
    def _issue_map(self) -> dict[str, Issue]:
        return {i.id: i for i in self.issues}

    @cached_property
    def _party_map(self) -> dict[str, Party]:
        return {p.id: p for p in self.parties}

    def issue(self, issue_id: str) -> Issue:
        return self._issue_map[issue_id]

    @cached_property
    def requirements(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(issue, option, the ``issue.option`` references it requires) of each option that
        requires any, in issue order: most scenarios have none, so most packages need no check."""
        return tuple((i.id, o.id, o.requires) for i in self.issues for o in i.options if o.requires)

    def party(self, party_id: str) -> Party:
        return self._party_map[party_id]

    @cached_property
    def _source_map(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    def source(self, source_id: str) -> Source:
        return self._source_map[source_id]

    @cached_property
    def default_package(self) -> dict[str, str]:
        return {i.id: i.default_option for i in self.issues}

    def complete(self, partial: dict[str, str]) -> dict[str, str]:
        """A full package: ``partial`` plus each left-out issue at its default, in issue order."""
        return {i.id: partial.get(i.id, i.default_option) for i in self.issues}

    def tag_label(self, tag: str) -> str:
        """How a tag reads in player-facing text (its label, else the id)."""
        return self.tag_labels.get(tag, tag)

    def covers(self, party_id: str | None, issue_id: str, option_id: str) -> tuple[str, ...]:
        """Tags an option protects as ``party_id`` reads it (None: as the text itself says)."""
        if party_id is not None:
            read = self.party(party_id).reads.get(f"{issue_id}.{option_id}")
            if read is not None:
                return read
        return self.issue(issue_id).option(option_id).covers


def scenario_hash(s: Scenario) -> str:
    """Content hash of a scenario's validated model (saves refuse a changed scenario). Fields
    added after schema 1's first edition count only once they differ from their default."""
    dump = s.model_dump_json(by_alias=True, exclude=added_at_default(s))
    return hashlib.sha256(dump.encode()).hexdigest()[:16]


def iter_quotes(s: Scenario) -> list[tuple[Path, Quote]]:
    """Every quote in the scenario with its document path, in document order."""
    found: list[tuple[Path, Quote]] = []
    for n, lev in enumerate(s.mediator.levers):
        if lev.quote:
            found.append((("mediator", "levers", n, "quote"), lev.quote))
    for i, st in s.mediator.stances.items():
        if st.quote:
            found.append((("mediator", "stances", i, "quote"), st.quote))
    for n, p in enumerate(s.parties):
        for i, st in p.stances.items():
            for field in ("quote", "red_line_quote"):
                q = getattr(st, field)
                if q:
                    found.append((("parties", n, "stances", i, field), q))
    lists: list[tuple[Path, tuple]] = [(("incidents", "scheduled"), s.incidents.scheduled),
                                       (("incidents", "random"), s.incidents.random),
                                       (("pledges",), s.pledges), (("debrief", "history"), s.debrief.history)]
    for at, items in lists:
        found += [((*at, n, "quote"), item.quote) for n, item in enumerate(items) if item.quote]
    return found
