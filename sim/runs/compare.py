"""Set a class's results side by side: sessions rebuilt from transcripts or saves.

Each student exports a JSONL transcript from the debrief (or sends a save file); every one is
replayed exactly from its scenario, seed and actions, so what is compared is what happened,
not what a file claims.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.scenario_domains import known_nash_package
from sim.engine.session import Session
from sim.errors import ReplayError
from sim.files import read_bytes_bounded
from sim.runs import rows, saved, transcripts
from sim.runs.origins import origin_of
from sim.scenario import loader
from sim.scenario.loader import LoadError, Problem
from sim.scenario.model import scenario_hash
from sim.text import printable


@dataclass(frozen=True)
class Result:
    name: str
    session: Session
    player: str = ""
    started_at: str = ""
    branched_after: int | None = None
    """For a branch: the rounds it kept as played (its own moves begin in the next)."""

    def row(self) -> dict:
        """The compare columns of :mod:`sim.runs.rows` for this session, after its name, player,
        start and (for a branch) the rounds it kept."""
        cols = [*rows.COMPARE, *rows.surplus_columns(self.session.scenario)]
        measured = ("days_at_best_tier", *rows.surplus_columns(self.session.scenario))
        branched = "" if self.branched_after is None else self.branched_after
        return {"name": self.name, "player": self.player, "started_at": self.started_at, "branched_after": branched,
                **rows.row(self.session, cols, dict.fromkeys(measured, rows.COMPARE_DIGITS))}


def class_files(folder: Path) -> list[Path]:
    """A class folder's games: every exported transcript, and every save whose game was not exported.

    ``mediate serve`` keeps each player's folder under the class folder (``NAME/saves``, ``NAME/exports``);
    a save and the export of the same game share a file stem, so each game is counted once, and a game
    still being played shows up from its save.
    """
    transcripts_found = sorted(p for p in folder.rglob("*.jsonl") if p.is_file())
    exported = {p.stem for p in transcripts_found}
    saves_found = sorted(p for p in folder.rglob("saves/*.json") if p.is_file() and p.stem not in exported)
    return transcripts_found + saves_found


CHANGED_FIX = "give the version it was played on with --scenario PATH"
"""What ``mediate compare`` says to do about a transcript whose scenario has changed."""


def load(path: Path, scenario: str | None = None, changed_fix: str = "it can't be replayed exactly") -> Result:
    """A session rebuilt from a JSONL transcript or a save file (LoadError, only, when it can't be).
    ``changed_fix`` ends the message for a transcript whose scenario has changed: how the calling
    command is given the version it was played on (the default, for a caller that has no way)."""
    name = str(path)
    raw = read_bytes_bounded(path, transcripts.MAX_BYTES, "transcript or save file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError([Problem(name, 1, 1, f"not UTF-8 text (byte {exc.start + 1}): give a transcript (.jsonl) "
                                             "or a save file")]) from None
    text = text.removeprefix("\ufeff")  # an editor's byte-order mark is no reason to refuse a file
    first = text.lstrip().split("\n", 1)[0]
    try:
        head = json.loads(first)
    except (ValueError, RecursionError) as exc:
        head = None  # maybe a save (indented JSON over many lines): decided below
        if '"mediate-transcript/' in first:  # a transcript's header, damaged: say where
            col = exc.colno if isinstance(exc, json.JSONDecodeError) else 1
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            raise LoadError([Problem(name, 1, col, f"the transcript's first line is not valid JSON ({why}): "
                                                   "restore the file from where it came, or export it again")]) from None
    if isinstance(head, dict) and str(head.get("format", "")).startswith("mediate-transcript/") \
            and head.get("format") not in transcripts.READABLE:
        raise LoadError([Problem(name, 1, 1, f"format {printable(head['format'])!r} is not one this mediate reads "
                                             f"({', '.join(transcripts.READABLE)}): was it made by a newer mediate?")])
    if isinstance(head, dict) and head.get("format") in transcripts.READABLE:
        parsed = transcripts.parse_header(name, first, head)
        kept = parsed.branched_from.at_round if parsed.branched_from is not None else None
        session = _from_transcript(path, parsed, scenario, changed_fix)
        return Result(path.stem, session, parsed.player, parsed.started_at, kept)
    if text.lstrip().startswith("{") and '"mediate-save/1"' in text:
        session, _, game = saved.resume_game(path)
        origin = origin_of(session)
        return Result(path.stem, session, game.player, game.started_at, origin.at_round if origin else None)
    raise LoadError([Problem(name, 1, 1, "not a mediate transcript (.jsonl from `run --json` or the debrief's "
                                         "export) or save file")])


def _from_transcript(path: Path, head: transcripts.TranscriptHeader, scenario: str | None,
                     changed_fix: str) -> Session:
    name = str(path)
    ref = scenario or head.scenario
    s, _ = loader.load_scenario_located(saved.scenario_path(ref, name), head.overrides)
    if s.id != head.scenario:
        raise LoadError([Problem(name, 1, 1, f"this transcript is of scenario '{printable(head.scenario)}', "
                                             f"not '{s.id}'")])
    if scenario_hash(s) != head.scenario_hash:
        raise LoadError([Problem(name, 1, 1, f"scenario '{s.id}' has changed since this transcript was made; "
                                             f"{changed_fix}")])
    try:
        return Session(s, head.seed, head.actions, advisor=known_nash_package)
    except ReplayError as exc:
        raise LoadError([Problem(name, 1, 1, str(exc))]) from None
