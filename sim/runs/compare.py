"""Set a class's results side by side: sessions rebuilt from transcripts or saves.

Each student exports a JSONL transcript from the debrief (or sends a save file); every one is
replayed exactly from its scenario, seed and actions, so what is compared is what happened,
not what a file claims.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.domains import known_nash_package
from sim.engine.session import Session
from sim.errors import ReplayError
from sim.runs import rows, saved
from sim.runs.transcripts import FORMAT
from sim.scenario import loader
from sim.scenario.actions import Action
from sim.scenario.loader import LoadError, Problem
from sim.scenario.model import scenario_hash


@dataclass(frozen=True)
class Result:
    name: str
    session: Session

    def row(self) -> dict:
        """The compare columns of :mod:`sim.runs.rows` for this session, after its name."""
        cols = [*rows.COMPARE, *rows.surplus_columns(self.session.scenario)]
        measured = ("days_at_best_tier", *rows.surplus_columns(self.session.scenario))
        return {"name": self.name, **rows.row(self.session, cols, dict.fromkeys(measured, rows.COMPARE_DIGITS))}


def load(path: Path, scenario: str | None = None) -> Result:
    """A session rebuilt from a JSONL transcript or a save file (LoadError when it can't be)."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError([Problem(name, 1, 1, f"cannot read: {exc}")]) from None
    first = text.lstrip().split("\n", 1)[0]
    try:
        head = json.loads(first)
    except json.JSONDecodeError:
        head = None
    if isinstance(head, dict) and head.get("format") == FORMAT:
        return Result(path.stem, _from_transcript(path, head, scenario))
    if text.lstrip().startswith("{") and '"mediate-save/1"' in text:
        session, _ = saved.resume(path)
        return Result(path.stem, session)
    raise LoadError([Problem(name, 1, 1, "not a mediate transcript (.jsonl from `run --json` or the debrief's "
                                         "export) or save file")])


def _from_transcript(path: Path, head: dict, scenario: str | None) -> Session:
    name = str(path)
    ref = scenario or head.get("scenario", "")
    s, _ = loader.load_scenario_located(loader.resolve(ref), head.get("overrides", ()))
    if s.id != head.get("scenario"):
        raise LoadError([Problem(name, 1, 1, f"this transcript is of scenario '{head.get('scenario')}', "
                                             f"not '{s.id}'")])
    if scenario_hash(s) != head.get("scenario_hash"):
        raise LoadError([Problem(name, 1, 1, f"scenario '{s.id}' has changed since this transcript was made; "
                                             "give the version it was played on with --scenario PATH")])
    actions = []
    for n, data in enumerate(head.get("actions", [])):
        try:
            actions.append(Action.model_validate(data))
        except ValueError as exc:
            raise LoadError([Problem(name, 1, 1, f"action {n + 1} is not a mediator action: {exc}")]) from None
    try:
        return Session(s, int(head.get("seed", 0)), actions, advisor=known_nash_package)
    except ReplayError as exc:
        raise LoadError([Problem(name, 1, 1, str(exc))]) from None
