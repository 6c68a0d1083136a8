"""Transcripts: a JSONL header (scenario, hash, seed, actions, what-ifs), then one line per event.

The same seed and actions give byte-identical output (no clocks, no set ordering, floats
rounded by the engine). The header alone is enough to replay the game (``mediate compare``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sim.engine.session import Session
from sim.scenario.model import scenario_hash

FORMAT = "mediate-transcript/2"


def header(session: Session, overrides: Sequence[str] = ()) -> dict:
    s = session.scenario
    head = {"kind": "session", "format": FORMAT, "scenario": s.id, "scenario_hash": scenario_hash(s),
            "seed": session.seed, "actions": [a.to_data() for a in session.actions]}
    if overrides:
        head["overrides"] = list(overrides)
    return head


def jsonl(session: Session, overrides: Sequence[str] = ()) -> str:
    """The whole transcript: a header line (with any ``--set`` what-ifs), then one line per event."""
    lines = [json.dumps(header(session, overrides), ensure_ascii=False, separators=(",", ":"))]
    lines += [e.to_json() for e in session.events]
    return "\n".join(lines) + "\n"


