"""Save files: scenario reference + content hash + seed + actions, written atomically.

A save is JSON. Resuming (:mod:`sim.runs.saved`) replays the actions on a fresh session, which
reproduces the game exactly. A save for a scenario whose content changed since is refused
with a clear message rather than silently diverging.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.errors import OutputError
from sim.files import atomic_write_text, read_bytes_bounded
from sim.scenario.actions import Action
from sim.scenario.loader import LoadError, Problem
from sim.scenario.model import Scenario
from sim.text import printable

FORMAT = "mediate-save/1"

MAX_BYTES = 4 * 1024 * 1024
"""Largest save read. A 30-round game's save is a few kilobytes."""
MAX_ACTIONS = 2_000
"""Most actions a save (or transcript) may hold: a 30-round game has fewer than 200; many more only stalls
the replay that resuming does (2,000 hints take about 5 s to replay)."""


class BranchedFrom(BaseModel):
    """Where a branched game came from: the save or transcript, and the rounds it kept."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    at_round: int = Field(ge=0)
    actions: int = Field(ge=0)


class SaveFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str = Field(FORMAT, pattern=r"^mediate-save/1$")
    scenario: str
    """Bundled id or path of the scenario file."""
    scenario_id: str
    scenario_hash: str
    seed: int = Field(ge=0, lt=2**63)
    saved_at: str
    actions: tuple[Action, ...] = ()
    branched_from: BranchedFrom | None = None
    """Set for a game branched from another (left out of the file otherwise)."""


def data_dir() -> Path:
    """Per-user folder for saves (MEDIATE_DATA_DIR overrides, e.g. for tests)."""
    env = os.environ.get("MEDIATE_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("mediate", appauthor=False))


def saves_dir() -> Path:
    return data_dir() / "saves"


def default_save_path(scenario: Scenario, seed: int) -> Path:
    return saves_dir() / f"{scenario.id}-seed{seed}.json"


def write(path: Path, data: SaveFile) -> Path:
    """Write a save file (atomically) and return its path."""
    payload = data.model_dump(mode="json")
    payload["actions"] = [a.to_data() for a in data.actions]
    if payload.get("branched_from") is None:
        payload.pop("branched_from", None)  # a game from the start: its save reads as it always did
    if path.parent == saves_dir():
        # The saves folder is mediate's own, made on first save; a folder the user names must exist.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(path, f"cannot create the saves folder: {exc.strerror or exc}") from None
    atomic_write_text(path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    return path


def parse_json(text: str, name: str, what: str, fix: str = "") -> object:
    """JSON text → data, or a located LoadError (also for nesting or numbers too large to parse)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError([Problem(name, exc.lineno, exc.colno, f"the {what} is corrupt ({exc.msg}){fix}")]) from None
    except RecursionError:
        raise LoadError([Problem(name, 1, 1, f"the {what} is corrupt (nested too deeply to read){fix}")]) from None
    except ValueError:  # Python refuses to read an integer of thousands of digits
        raise LoadError([Problem(name, 1, 1, f"the {what} is corrupt (a number thousands of digits long){fix}")]) \
            from None


def check_action_count(actions: object, name: str, what: str) -> None:
    """Refuse an action list far beyond any real game before it is validated or replayed."""
    if isinstance(actions, list) and len(actions) > MAX_ACTIONS:
        raise LoadError([Problem(name, 1, 1, f"the {what} holds {len(actions):,} actions; the limit is "
                                             f"{MAX_ACTIONS:,} (a 30-round game has fewer than 200)")])


def read(path: Path) -> SaveFile:
    """The save's contents, or a LoadError saying what is wrong with it (never any other exception)."""
    name = str(path)
    raw = read_bytes_bounded(path, MAX_BYTES, "save file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError([Problem(name, 1, 1, f"the save is not UTF-8 text (byte {exc.start + 1}): "
                                             "start a new game or pick another save")]) from None
    data = parse_json(text, name, "save", "; start a new game or pick another save")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LoadError([Problem(name, 1, 1, "not a mediate save file (no 'format: mediate-save/1')")])
    check_action_count(data.get("actions"), name, "save")
    try:
        return SaveFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(x) for x in first["loc"])
        raise LoadError([Problem(name, 1, 1, f"the save is damaged at {printable(where)}: {first['msg']}")]) from None
    except RecursionError:
        raise LoadError([Problem(name, 1, 1, "the save is damaged (nested too deeply to read)")]) from None


@dataclass(frozen=True)
class SaveInfo:
    path: Path
    scenario_id: str
    seed: int
    actions: int
    saved_at: str


def list_saves(scenario_id: str | None = None) -> list[SaveInfo]:
    """Readable saves, newest first (unreadable ones are skipped)."""
    found = []
    folder = saves_dir()
    if not folder.is_dir():
        return []
    for p in folder.glob("*.json"):
        try:
            sf = read(p)
        except LoadError:
            continue  # one damaged or foreign file must not hide the others or stop the picker
        if scenario_id is None or sf.scenario_id == scenario_id:
            found.append(SaveInfo(p, sf.scenario_id, sf.seed, len(sf.actions), sf.saved_at))
    found.sort(key=lambda s: (s.saved_at, str(s.path)), reverse=True)
    return found


