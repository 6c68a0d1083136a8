"""Partial participation in the scenario model: a party's ``suspends`` block.

Its own module so the scenario model stays small; configured like every model in
:mod:`sim.scenario.model` (frozen, unknown keys refused, attribute docstrings as descriptions).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

Unit = Annotated[float, Strict(), Field(ge=0, le=1)]
Flag = Annotated[bool, Strict()]


class Suspension(BaseModel):
    """How a party suspends its participation instead of walking out, and when it rejoins."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, use_attribute_docstrings=True)

    on: tuple[Literal["red_lines", "low_trust"], ...] = ("red_lines", "low_trust")
    """The walk-out causes that become a suspension (the others still end the talks)."""
    times: Annotated[int, Strict(), Field(ge=1, le=100)] = 1
    """How many times it suspends; the next time it walks out."""
    rejoin_trust: Unit | None = 0.3
    """After a low-trust suspension: rejoins at the end of a round once its trust in every other
    party is at least this (never by trust when null)."""
    rejoin_after: Annotated[int, Strict(), Field(ge=1, le=1000)] | None = None
    """Rejoins at the end of this many rounds away at the latest (never by time when null)."""
    agreement_survives: Flag = True
    """Whether the agreement in force stays in force among the rest while it is away."""
