"""Save files: scenario reference + content hash + seed + actions, written atomically.

A save is JSON. Resuming (:mod:`sim.runs.saved`) replays the actions on a fresh session, which
reproduces the game exactly. A save for a scenario whose content changed since is refused
with a clear message rather than silently diverging.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
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


MAX_PLAYER = 80
"""Longest player name kept (a name is for a class list, not a paragraph)."""


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
    player: str = Field("", max_length=MAX_PLAYER)
    """Who plays this game (``mediate play --player``, or the picker's name field); empty when unnamed."""
    started_at: str = ""
    """When the game began (ISO time, UTC): with the player, what tells two games of one seed apart."""
    round: int = Field(0, ge=0)
    """The round the game had reached when saved, for the picker's list (resuming replays the actions)."""
    branched_from: BranchedFrom | None = None
    """Set for a game branched from another (left out of the file otherwise)."""
    ended: bool = False
    """Whether the game was over when saved, for the picker's list (left out of the file otherwise)."""


_folders: dict[str, Path] = {}
"""Folders chosen for this process (``--data-dir``, ``--out``, a class player's folder)."""


def use_data_dir(path: Path | None) -> None:
    """Keep this process's saves (and default exports) in ``path``; None goes back to the default."""
    if path is None:
        _folders.pop("data", None)
    else:
        _folders["data"] = Path(path).resolve()


def use_exports_dir(path: Path | None) -> None:
    """Write exports to ``path`` (``mediate play --out``); None goes back to the data folder's ``exports``."""
    if path is None:
        _folders.pop("exports", None)
    else:
        _folders["exports"] = Path(path).resolve()


def data_dir() -> Path:
    """Per-user folder for saves: ``--data-dir``, else MEDIATE_DATA_DIR (e.g. for tests), else the platform's."""
    if "data" in _folders:
        return _folders["data"]
    env = os.environ.get("MEDIATE_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("mediate", appauthor=False))


def saves_dir() -> Path:
    return data_dir() / "saves"


def exports_dir() -> Path:
    """Where the debrief's export writes: ``--out``, else the data folder's ``exports``."""
    return _folders.get("exports", data_dir() / "exports")


def slug(name: str) -> str:
    """A player's name as a file-name part: letters and digits of any script, and dashes ("anon"
    when nothing is left). An ASCII name keeps the part it had before other scripts were kept."""
    text = re.sub(r"[\W_]+", "-", name.strip().casefold()).strip("-")
    return text[:40].strip("-") or "anon"


def player_folder(class_dir: Path, name: str) -> Path:
    """A class player's own folder. Names made only of signs (nothing for :func:`slug` to keep)
    each get one of their own, so no two such players share "anon"."""
    part = slug(name)
    if part == "anon" and name:
        part = "anon-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return class_dir / part


def older_player_folder(class_dir: Path, name: str) -> Path | None:
    """The folder earlier versions gave this name, when it differs: they kept ASCII letters and
    digits only, so every name in another script shared "anon" (its saves are told apart by name)."""
    part = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")[:40].strip("-") or "anon"
    folder = class_dir / part
    return folder if folder != player_folder(class_dir, name) else None


def clean_player(name: str) -> str:
    """A player's name as kept: printable, single-spaced, at most MAX_PLAYER characters."""
    return printable(" ".join(name.split()))[:MAX_PLAYER]


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def stamp(started_at: str) -> str:
    """A start time as a file-name part (20261202-153005)."""
    digits = re.sub(r"[^0-9]", "", started_at)[:14].ljust(14, "0")
    return f"{digits[:8]}-{digits[8:]}"


def game_stem(scenario_id: str, seed: int, player: str, started_at: str) -> str:
    """The file name (without suffix) shared by a game's save and exports: never that of another game."""
    return f"{scenario_id}-seed{seed}-{slug(player)}-{stamp(started_at)}"


def default_save_path(scenario: Scenario, seed: int) -> Path:
    """The one save path of a scenario and seed before players (still what a game's save is named after)."""
    return saves_dir() / f"{scenario.id}-seed{seed}.json"


def new_save_path(scenario: Scenario, seed: int, player: str, started_at: str, suffix: str = "") -> Path:
    """A save path no other game uses: a new game (or branch: ``suffix``) never replaces an old one's save."""
    base = saves_dir() / (game_stem(scenario.id, seed, player, started_at) + suffix)
    path, n = base.with_suffix(".json"), 2
    while path.exists():
        path, n = base.with_name(f"{base.name}-{n}.json"), n + 1
    return path


def remembered_player() -> str:
    """The name last typed in the picker (kept in the data folder), or ""."""
    try:
        return clean_player((data_dir() / "player.txt").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""


def remember_player(name: str) -> None:
    """Keep the name for the next run; a folder one cannot write to only loses the convenience."""
    try:
        data_dir().mkdir(parents=True, exist_ok=True)
        atomic_write_text(data_dir() / "player.txt", clean_player(name) + "\n")
    except (OSError, OutputError):
        pass


def write(path: Path, data: SaveFile) -> Path:
    """Write a save file (atomically) and return its path."""
    payload = data.model_dump(mode="json")
    payload["actions"] = [a.to_data() for a in data.actions]
    if payload.get("branched_from") is None:
        payload.pop("branched_from", None)  # a game from the start: its save reads as it always did
    if not payload.get("ended"):
        payload.pop("ended", None)  # nor does a game still on
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
    player: str = ""
    started_at: str = ""
    round: int = 0
    ended: bool = False


def list_saves(scenario_id: str | None = None, player: str | None = None,
               older: Path | None = None) -> list[SaveInfo]:
    """Readable saves, newest first (unreadable ones are skipped): all of them, or only those of
    ``player`` (a class: players whose names share a folder never see each other's games), also
    from the data folder ``older`` (:func:`older_player_folder`)."""
    found = []
    folders = [saves_dir()] + ([older / "saves"] if older is not None else [])
    for p in (p for folder in folders if folder.is_dir() for p in folder.glob("*.json")):
        try:
            sf = read(p)
        except LoadError:
            continue  # one damaged or foreign file must not hide the others or stop the picker
        if (scenario_id is None or sf.scenario_id == scenario_id) and (player is None or sf.player == player):
            found.append(SaveInfo(p, sf.scenario_id, sf.seed, len(sf.actions), sf.saved_at, sf.player,
                                  sf.started_at, sf.round, sf.ended))
    found.sort(key=lambda s: (s.saved_at, str(s.path)), reverse=True)
    return found


