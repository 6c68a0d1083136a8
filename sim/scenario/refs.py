"""What problems found after structural validation are made of: a document path, a message,
and "did you mean" suggestions. Shared by the model's checks and by moves files."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

MEDIATOR = "mediator"
"""The id that stands for the mediator in trust keys (``ukraine->mediator``)."""

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class RefProblem:
    """A problem found after structural validation, located by its path in the document."""

    path: Path
    message: str
    at_key: bool = False
    """True when the problem is the mapping key at ``path`` rather than its value."""


def closest(name: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The candidate ``name`` was most likely meant to be, if one is close enough."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(name: str, candidates: list[str] | tuple[str, ...]) -> str:
    """' — did you mean 'x'?' for the closest candidate, or a list of the choices."""
    close = closest(name, candidates)
    if close is not None:
        return f" — did you mean '{close}'?"
    if not candidates:
        return ""
    shown = ", ".join(f"'{c}'" for c in list(candidates)[:8])
    more = "" if len(candidates) <= 8 else ", …"
    return f" (expected one of {shown}{more})"
