"""Playing a moves file: its actions in order, then the mediator waits until the game ends.

A move with ``until_round: N`` is played again and again while the game is before round N;
the engine sees (and the transcript records) each repetition as a plain action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.scenario_domains import known_nash_package
from sim.engine.session import Session
from sim.errors import ActionRefused
from sim.scenario.actions import Action, wait
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class ScriptRun:
    session: Session
    played: int
    """How many of the script's moves were played (the rest came after the game ended)."""
    refused: tuple[int, str] | None = None
    """(index, reason) of the move the engine refused; the session stops there."""


def history_file(scenario: Scenario, scenario_path: Path | None) -> Path | None:
    """The moves file of what really happened: the one the scenario names under ``history:``
    (relative to the scenario file), else ``<id>.history.yaml`` beside it if there is one."""
    if scenario.history is not None:
        named = Path(scenario.history)
        if named.is_absolute() or scenario_path is None:
            return named
        return Path(scenario_path).parent / named
    if scenario_path is None:
        return None
    beside = Path(scenario_path).parent / f"{scenario.id}.history.yaml"
    return beside if beside.is_file() else None


def history_moves(scenario: Scenario, scenario_path: Path | None) -> tuple[Action, ...] | None:
    """The moves of the scenario's history file, or None when it has none that loads."""
    from sim.errors import LoadError
    from sim.scenario.actions import load_moves

    path = history_file(scenario, scenario_path)
    if path is None:
        return None
    try:
        return load_moves(path, scenario)[0].moves
    except LoadError:
        return None


def play_moves(scenario: Scenario, seed: int, moves: Sequence[Action]) -> ScriptRun:
    """Play ``moves``; after the last one the mediator waits until the game ends."""
    return play_on_moves(Session(scenario, seed, advisor=known_nash_package), moves)


def play_on_moves(session: Session, moves: Sequence[Action]) -> ScriptRun:
    """Play ``moves`` on from where ``session`` stands, then wait until the game ends."""
    played = 0
    for n, a in enumerate(moves):
        if session.ended:
            break
        try:
            if a.until_round is None:
                session.act(a)
            else:
                # Every move but a hint (refused by the format) spends game time, so this ends.
                while not session.ended and session.round < a.until_round:
                    session.act(a.once())
        except ActionRefused as exc:
            return ScriptRun(session, played, (n, str(exc)))
        played += 1
    while not session.ended:
        session.act(wait())
    return ScriptRun(session, played)
