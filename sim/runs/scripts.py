"""Playing a moves file: its actions in order, then the mediator waits until the game ends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.analysis.scenario_domains import known_nash_package
from sim.engine.session import Session
from sim.errors import ActionRefused
from sim.scenario.actions import Action, wait


@dataclass(frozen=True)
class ScriptRun:
    session: Session
    played: int
    """How many of the script's moves were played (the rest came after the game ended)."""
    refused: tuple[int, str] | None = None
    """(index, reason) of the move the engine refused; the session stops there."""


def play_moves(scenario, seed: int, moves: Sequence[Action]) -> ScriptRun:
    """Play ``moves``; after the last one the mediator waits until the game ends."""
    session = Session(scenario, seed, advisor=known_nash_package)
    played = 0
    for n, a in enumerate(moves):
        if session.ended:
            break
        try:
            session.act(a)
        except ActionRefused as exc:
            return ScriptRun(session, played, (n, str(exc)))
        played += 1
    while not session.ended:
        session.act(wait())
    return ScriptRun(session, played)
