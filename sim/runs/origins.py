"""Where a branched game came from, kept with its session so every save of the branch records it.

(A module of its own so that saving, which every game uses, needs nothing of branching itself.)
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.engine.session import Session
from sim.scenario import saves


@dataclass(frozen=True)
class Origin:
    """Where a branch came from: the file, the rounds kept, and the actions replayed."""

    source: str
    at_round: int
    """Rounds kept as played (the branch's own moves start in round ``at_round + 1``)."""
    actions: int

    def to_data(self) -> dict[str, Any]:
        return {"source": self.source, "at_round": self.at_round, "actions": self.actions}


_ORIGINS: weakref.WeakKeyDictionary[Session, Origin] = weakref.WeakKeyDictionary()
"""Branch sessions -> their origin, so any later save of the branch keeps recording it."""


def origin_of(session: Session) -> Origin | None:
    """Where ``session`` branched from (None for a game played from the start)."""
    return _ORIGINS.get(session)


def remember(session: Session, origin: Origin | None) -> None:
    """Record that ``session`` is a branch (a resumed branch's save names its origin again)."""
    if origin is not None:
        _ORIGINS[session] = origin


def save_path(session: Session) -> Path:
    """Where a game is saved by default: a branch beside the original's save, never over it."""
    origin = origin_of(session)
    base = saves.default_save_path(session.scenario, session.seed)
    if origin is None:
        return base
    return base.with_name(f"{base.stem}-branch-r{origin.at_round}{base.suffix}")

