"""Saving and resuming games: a session to its save file and back, by exact replay."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.scenario_domains import known_nash_package
from sim.engine.session import Session
from sim.errors import LoadError, Problem, ReplayError
from sim.runs.origins import Origin, origin_of, remember
from sim.scenario import saves
from sim.scenario.loader import load_scenario, resolve
from sim.scenario.model import scenario_hash
from sim.text import printable


def scenario_path(ref: str, named_in: str) -> Path:
    """The scenario file a save or transcript names, refused at that file when it is no file to read.

    A name like ``/dev/zero`` or a FIFO inside a save would otherwise make resuming never end.
    """
    try:
        path = resolve(ref)
    except LoadError as exc:
        # An unknown bundled id: say so at the file that names it, not at the id itself.
        raise LoadError([Problem(named_in, 1, 1, f"the scenario it names: {p.message}") for p in exc.problems]) from None
    try:
        info = os.stat(path)
    except OSError:
        return path  # missing or unreadable: the loader says so, located at the scenario's path
    if not stat.S_ISREG(info.st_mode):
        raise LoadError([Problem(named_in, 1, 1, f"names scenario '{printable(ref)}', which is not a regular file: "
                                                 "give the scenario's .yaml file")])
    return path


@dataclass(frozen=True)
class Game:
    """Who plays a game and when it began: carried by its save, its exports and its transcript."""

    player: str = ""
    started_at: str = ""

    @classmethod
    def new(cls, player: str = "") -> Game:
        return cls(saves.clean_player(player), saves.now_iso())


def save(session: Session, scenario_ref: str, path: Path | None = None, game: Game | None = None) -> Path:
    """Write the session's save file (atomically) and return its path (a new one per game when not given)."""
    game = game or Game()
    origin = origin_of(session)
    # A branch is saved beside the original's save, never over it (nor over another branch).
    path = path or saves.new_save_path(session.scenario, session.seed, game.player, game.started_at or saves.now_iso(),
                                       f"-branch-r{origin.at_round}" if origin is not None else "")
    data = saves.SaveFile(format=saves.FORMAT, scenario=scenario_ref, scenario_id=session.scenario.id,
                          scenario_hash=scenario_hash(session.scenario), seed=session.seed,
                          saved_at=saves.now_iso(), actions=tuple(session.actions), player=game.player,
                          started_at=game.started_at, round=session.round, ended=session.ended,
                          branched_from=saves.BranchedFrom(**origin.to_data()) if origin is not None else None)
    return saves.write(path, data)


def resume(path: Path) -> tuple[Session, str]:
    """Rebuild the saved session by replaying its actions; returns it and its scenario ref."""
    session, ref, _ = resume_game(path)
    return session, ref


def resume_game(path: Path) -> tuple[Session, str, Game]:
    """:func:`resume`, and who played the game and when it began."""
    sf = saves.read(path)
    scenario = load_scenario(scenario_path(sf.scenario, str(path)))
    if scenario.id != sf.scenario_id:
        raise LoadError([Problem(str(path), 1, 1, f"the save is for scenario '{printable(sf.scenario_id)}' "
                                                  f"but {printable(sf.scenario)} now holds '{scenario.id}'")])
    if scenario_hash(scenario) != sf.scenario_hash:
        raise LoadError([Problem(str(path), 1, 1, f"scenario '{scenario.id}' has changed since this game was "
                                                  "saved, so it can't be replayed exactly; start a new game")])
    try:
        session = Session(scenario, sf.seed, sf.actions, advisor=known_nash_package)
    except ReplayError as exc:
        raise LoadError([Problem(str(path), 1, 1, f"{exc}: start a new game")]) from None
    if sf.branched_from is not None:
        remember(session, Origin(**sf.branched_from.model_dump()))
    return session, sf.scenario, Game(sf.player, sf.started_at)
