"""The scenarios the app offers and everything it opens, loaded and checked before the
terminal is taken over (so a bad scenario or save is a located message, never a broken screen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.engine.session import Session
from sim.runs import saved
from sim.runs.saved import Game
from sim.scenario import loader, saves
from sim.scenario.loader import LoadError, Problem
from sim.scenario.model import Scenario

MAX_SEED = 2**63 - 1


@dataclass
class ScenarioEntry:
    """One scenario the picker offers: loaded, or the problems that stop it loading."""

    ref: str
    """What a save records to find the scenario again: a bundled id or an absolute path."""
    path: Path
    scenario: Scenario | None = None
    error: LoadError | None = None
    bundled: bool = True


@dataclass
class Prepared:
    """Everything the app needs, validated before the terminal is taken over."""

    entries: list[ScenarioEntry]
    selected: int
    seed: int = 0
    session: Session | None = None
    """A resumed session (``--resume``), opened straight after the picker."""
    session_ref: str | None = None
    save_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    player: str = ""
    """The name in the picker's name field (``--player``, else the one remembered)."""
    game: Game = field(default_factory=Game)
    """Who played the resumed or reviewed session, and since when."""
    review: bool = False
    """``session`` is an exported game to read, not to play on (``play --review``)."""
    class_dir: Path | None = None
    """A class folder (``mediate serve``): each name typed in the picker plays in its own folder inside it."""


def _bundled_entries() -> list[ScenarioEntry]:
    entries = []
    for path in loader.bundled():
        try:
            entries.append(ScenarioEntry(path.stem, path, loader.load_scenario(path)))
        except LoadError as exc:
            entries.append(ScenarioEntry(path.stem, path, error=exc))
    if not entries:
        # A development checkout before any scenario is bundled: offer the template.
        template = loader.scenarios_dir() / "_template.yaml"
        if template.is_file():
            try:
                entries.append(ScenarioEntry(str(template.resolve()), template, loader.load_scenario(template),
                                             bundled=False))
            except LoadError as exc:
                entries.append(ScenarioEntry(str(template.resolve()), template, error=exc, bundled=False))
    return entries


def _entry_for(ref: str, entries: list[ScenarioEntry]) -> int:
    """Index of the entry for ``ref`` (a bundled id or a path), adding it when new; LoadError if bad."""
    path = loader.resolve(ref)
    resolved = path.resolve()
    for n, e in enumerate(entries):
        if e.path.resolve() == resolved:
            if e.error is not None:
                raise e.error
            return n
    scenario = loader.load_scenario(path)
    entries.insert(0, ScenarioEntry(str(resolved), path, scenario, bundled=False))
    return 0


def prepare(scenario_ref: str | None = None, seed: int = 0, resume: Path | str | None = None, *,
            player: str | None = None, review: Path | None = None, class_dir: Path | None = None) -> Prepared:
    """Load and check what the app will open; raises LoadError (with located problems) if bad."""
    prepared = _prepare(scenario_ref, seed, resume, review)
    if class_dir is not None:
        prepared.class_dir = Path(class_dir).resolve()
        prepared.player = saves.clean_player(player or "")  # a class asks each visitor: nothing is remembered
    else:
        prepared.player = saves.clean_player(player if player is not None else saves.remembered_player())
    if prepared.game.player and player is None:
        prepared.player = prepared.game.player
    return prepared


def _review(path: Path, entries: list[ScenarioEntry]) -> Prepared:
    from sim.runs.compare import load

    result = load(Path(path))
    selected = next((n for n, e in enumerate(entries) if e.scenario is not None
                     and e.scenario.id == result.session.scenario.id), 0)
    return Prepared(entries, selected, result.session.seed, result.session, result.session.scenario.id,
                    game=Game(result.player, result.started_at), review=True)


def _prepare(scenario_ref: str | None, seed: int, resume: Path | str | None, review: Path | None) -> Prepared:
    if not 0 <= int(seed) <= MAX_SEED:
        raise LoadError([Problem("--seed", 1, 1, f"seed {seed} is out of range: use a whole number "
                                                 f"from 0 to {MAX_SEED}")])
    entries = _bundled_entries()
    if review is not None:
        return _review(review, entries)
    if resume is not None:
        save_path = Path(resume)
        session, ref, game = saved.resume_game(save_path)
        if scenario_ref is not None and loader.resolve(scenario_ref).resolve() != loader.resolve(ref).resolve():
            raise LoadError([Problem(str(save_path), 1, 1, f"this save is for scenario '{session.scenario.id}', "
                                                           f"not '{scenario_ref}': leave out the scenario or "
                                                           "pick the matching save")])
        selected = _entry_for(ref, entries)
        return Prepared(entries, selected, session.seed, session, ref, save_path, game=game)
    if scenario_ref is not None:
        selected = _entry_for(scenario_ref, entries)
    else:
        ids = [e.ref for e in entries]
        if loader.DEFAULT_SCENARIO in ids:
            selected = ids.index(loader.DEFAULT_SCENARIO)
        else:
            selected = next((n for n, e in enumerate(entries) if e.scenario is not None), 0)
    return Prepared(entries, selected, int(seed))
