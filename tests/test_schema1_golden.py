"""Files written for schema 1's first edition keep validating and replay byte-identically.

``tests/fixtures/schema1`` holds the flagship and the template as they were shipped for schema 1's
first edition, and ``golden.json`` records games played on them (the history script and each
built-in policy on three seeds) as their actions and the SHA-256 of their transcripts. Every
later mechanism must leave these files' hashes, and these games' transcripts, exactly as they were.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sim.analysis.scenario_domains import known_nash_package
from sim.engine.session import Session
from sim.runs.transcripts import jsonl
from sim.scenario import loader
from sim.scenario.actions import Action
from sim.scenario.model import scenario_hash

FIXTURES = Path(__file__).parent / "fixtures" / "schema1"
GOLDEN = json.loads((FIXTURES / "golden.json").read_text(encoding="utf-8"))
GAMES = [(c["file"], g) for c in GOLDEN for g in c["games"]]


@pytest.mark.parametrize("case", GOLDEN, ids=[c["file"] for c in GOLDEN])
def test_schema1_files_validate_with_their_first_hash(case):
    s = loader.load_scenario(FIXTURES / case["file"])
    assert scenario_hash(s) == case["scenario_hash"]


@pytest.mark.parametrize(("file", "game"), GAMES, ids=[f"{f}-{g['by']}-{g['seed']}" for f, g in GAMES])
def test_schema1_games_replay_byte_identically(file, game):
    s = loader.load_scenario(FIXTURES / file)
    actions = [Action.model_validate(a) for a in game["actions"]]
    session = Session(s, game["seed"], actions, advisor=known_nash_package)
    assert hashlib.sha256(jsonl(session).encode()).hexdigest() == game["sha256"]
