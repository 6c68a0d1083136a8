"""Parts of an incident beyond an attack: provocations, per-party attribution, several victims,
and the options an incident depends on (all optional; their defaults keep schema-1 behaviour)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from sim.scenario.fields import Flag, Frozen, Slug, added

NOBODY = "nobody"
"""``attribution.<party>.blames`` value: the party holds no one responsible (an accident)."""
AGREEMENT = "agreement"
"""``while:`` / ``unless:`` entry meaning "any agreement is in force"."""


class Provocation(Frozen):
    """An incident makes a random incident more (or less) likely for a while: the answer in kind."""

    incident: Slug
    """Id of the random incident whose rate changes."""
    factor: Annotated[float, Strict(), Field(ge=0, le=20)]
    """Its rate is multiplied by this while the provocation lasts (below 1: it calms)."""
    days: Annotated[float, Strict(), Field(gt=0, le=3650)]
    """How long the provocation lasts; a new one from the same incident starts the clock again."""


class Attribution(Frozen):
    """How one party reads an incident: whom it blames and whether it thinks it deliberate."""

    blames: Slug | None = None
    """The party it holds responsible, or 'nobody'; the incident's actor when omitted."""
    deliberate: Flag = True
    """False: it reads the incident as an accident, and no one loses its trust over it."""


class IncidentKind(Frozen):
    """The fields scheduled and random incidents share beyond schema 1's first edition."""

    victims: tuple[Slug, ...] = added(())
    """Several parties hit at once (instead of ``victim``)."""
    provokes: tuple[Provocation, ...] = added(())
    """Random incidents this one makes more likely for a while (reciprocity)."""
    attribution: dict[Slug, Attribution] = added({})
    """Party -> how it reads who did it and whether on purpose; parties not listed blame the
    actor and read it as deliberate."""
    while_: tuple[str, ...] = added((), alias="while")
    """``issue.option`` (or 'agreement') that must all be in force for the incident to happen;
    a random incident's rate is 0 otherwise."""
    unless: tuple[str, ...] = added(())
    """``issue.option`` (or 'agreement') none of which may be in force for it to happen."""
