"""Transcripts: a JSONL header (scenario, hash, seed, actions, what-ifs), then one line per event.

The same seed and actions give byte-identical output (no clocks, no set ordering, floats
rounded by the engine). The header alone is enough to replay the game (``mediate compare``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from sim.engine.session import Session
from sim.errors import LoadError, Problem
from sim.scenario.actions import Action
from sim.scenario.model import scenario_hash
from sim.scenario.saves import MAX_ACTIONS, MAX_PLAYER, BranchedFrom, check_action_count
from sim.text import printable

FORMAT = "mediate-transcript/2"
READABLE = (FORMAT, "mediate-transcript/1")
"""Formats compare reads: /1 differs only in its event lines, and replay needs just the header."""


def header(session: Session, overrides: Sequence[str] = (), player: str = "", started_at: str = "") -> dict:
    """The first line; ``player`` and ``started_at`` are written only when known, so older transcripts
    (and ``mediate run``'s, which has no player) keep their bytes."""
    s = session.scenario
    head = {"kind": "session", "format": FORMAT, "scenario": s.id, "scenario_hash": scenario_hash(s),
            "seed": session.seed, "actions": [a.to_data() for a in session.actions]}
    if overrides:
        head["overrides"] = list(overrides)
    if player:
        head["player"] = player
    if started_at:
        head["started_at"] = started_at
    return head


def jsonl(session: Session, overrides: Sequence[str] = (), player: str = "", started_at: str = "") -> str:
    """The whole transcript: a header line (with any ``--set`` what-ifs, the player), then one line per event."""
    lines = [json.dumps(header(session, overrides, player, started_at), ensure_ascii=False, separators=(",", ":"))]
    lines += [e.to_json() for e in session.events]
    return "\n".join(lines) + "\n"




MAX_BYTES = 64 * 1024 * 1024
"""Largest transcript read: a 30-round game's transcript is well under a megabyte."""
MAX_OVERRIDES = 1_000
"""Most ``--set`` what-ifs a transcript may record."""


class TranscriptHeader(BaseModel):
    """The first line of a transcript: enough to replay the game. Strict: "7" is not a seed."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["session"] = "session"
    format: StrictStr
    scenario: StrictStr = Field(min_length=1, max_length=4096)
    scenario_hash: StrictStr
    seed: StrictInt = Field(ge=0, lt=2**63)
    actions: tuple[Action, ...] = Field(default=(), max_length=MAX_ACTIONS)
    overrides: tuple[StrictStr, ...] = Field(default=(), max_length=MAX_OVERRIDES)
    player: StrictStr = Field("", max_length=MAX_PLAYER)
    """Who played (added in format 2 without a format change: absent in older transcripts)."""
    started_at: StrictStr = Field("", max_length=40)
    branched_from: BranchedFrom | None = None
    """Where a branch's game came from (``run --from … --at-round``, the debrief's branch)."""


def _column(line: str, key: object) -> int:
    """Column of ``"key"`` in the header line (1 when it is not there), so the message points at it."""
    at = line.find(json.dumps(key)) if isinstance(key, str) else -1
    return at + 1 if at >= 0 else 1


def parse_header(name: str, line: str, data: dict) -> TranscriptHeader:
    """The validated header of transcript ``name`` (its first ``line``, parsed as ``data``).

    Every problem is a LoadError at line 1, naming the key (and the action number) that is wrong.
    """
    check_action_count(data.get("actions"), name, "transcript")
    try:
        return TranscriptHeader.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            key = loc[0] if loc else "header"
            where = f"'{key}'"
            if key == "actions" and len(loc) > 1 and isinstance(loc[1], int):
                where = f"'actions' (action {loc[1] + 1})"
            problems.append(Problem(name, 1, _column(line, key),
                                    f"{printable(where)}: {err['msg']} (got {_shown(err.get('input'))})"))
        raise LoadError(problems) from None
    except RecursionError:
        raise LoadError([Problem(name, 1, 1, "the header is nested too deeply to read")]) from None


def _shown(value: object) -> str:
    """A short, printable picture of a wrong value for a message."""
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return printable(text if len(text) <= 60 else text[:57] + "…")
