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

from sim.files import atomic_write_text
from sim.scenario.actions import Action
from sim.scenario.loader import LoadError, Problem
from sim.scenario.model import Scenario

FORMAT = "mediate-save/1"


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
    atomic_write_text(path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    return path


def read(path: Path) -> SaveFile:
    """The save's contents, or a LoadError saying what is wrong with it."""
    name = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError([Problem(name, 1, 1, "no such save file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError([Problem(name, 1, 1, f"cannot read the save: {exc}")]) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LoadError([Problem(name, exc.lineno, exc.colno, f"the save is corrupt ({exc.msg}); "
                                                              "start a new game or pick another save")]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LoadError([Problem(name, 1, 1, "not a mediate save file (no 'format: mediate-save/1')")])
    try:
        return SaveFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(x) for x in first["loc"])
        raise LoadError([Problem(name, 1, 1, f"the save is damaged at {where}: {first['msg']}")]) from None


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
            continue
        if scenario_id is None or sf.scenario_id == scenario_id:
            found.append(SaveInfo(p, sf.scenario_id, sf.seed, len(sf.actions), sf.saved_at))
    found.sort(key=lambda s: (s.saved_at, str(s.path)), reverse=True)
    return found


