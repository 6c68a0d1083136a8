"""Set a class's results side by side: sessions rebuilt from transcripts or saves.

Each student exports a JSONL transcript from the debrief (or sends a save file); every one is
replayed exactly from its scenario, seed and actions, so what is compared is what happened,
not what a file claims.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.domains import known_nash_package, nash_distance
from sim.engine.events import Hinted
from sim.engine.session import Session
from sim.errors import ReplayError
from sim.runs import saved
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
        s = self.session.scenario
        end = self.session.events[-1]
        ended = getattr(end, "reason", None) if end.kind == "end" else None
        nash = nash_distance(self.session)
        row = {
            "name": self.name, "seed": self.session.seed, "actions": len(self.session.actions),
            "ended": ended or "in progress",
            "best_tier": s.outcomes[self.session.best_tier - 1].id if self.session.best_tier else "",
            "tier_at_end": s.outcomes[self.session.tier - 1].id if self.session.tier else "",
            "days_at_best_tier": round(self.session.held_days(self.session.best_tier), 2)
            if self.session.best_tier else 0.0,
            "violations": self.session.violations, "disputes": self.session.disputes,
            "hints": sum(isinstance(e, Hinted) for e in self.session.events),
            "issues_off_nash": len(nash["issues_differ"]) if nash else None,
        }
        for p, v in self.session.surplus().items():
            row[f"surplus_{p}"] = round(v, 2)
        return row


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
    if isinstance(head, dict) and head.get("format") in (FORMAT, "mediate-transcript/1"):  # /1: same header
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
