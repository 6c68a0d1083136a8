"""Engine work must not change a game: transcripts of every built-in policy on the bundled
scenarios and the fixtures, pinned by their SHA-256.

A change meant to alter games (a new rule, a retuned scenario) re-pins them with
``python tests/test_transcript_pins.py --write``, and says so in its commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.runs.policies import POLICIES, play  # noqa: E402
from sim.runs.transcripts import jsonl  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402

PINS = ROOT / "tests" / "fixtures" / "transcript-pins.json"
SEEDS = 4
SCENARIOS = sorted(p for p in [*(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "tests" / "fixtures").glob("*.yaml")]
                   if not p.name.endswith(".history.yaml"))


def digest(path: Path, policy: str) -> str:
    s = load_scenario(path)
    h = hashlib.sha256()
    for seed in range(SEEDS):
        h.update(jsonl(play(s, policy, seed)).encode())
    return h.hexdigest()


def cases() -> list[tuple[str, str]]:
    return [(p.name, pol) for p in SCENARIOS for pol in POLICIES]


@pytest.mark.parametrize(("name", "policy"), cases())
def test_transcripts_are_unchanged(name: str, policy: str) -> None:
    pins = json.loads(PINS.read_text())
    path = next(p for p in SCENARIOS if p.name == name)
    assert digest(path, policy) == pins[f"{name}/{policy}"], f"{name} under {policy} plays differently"


def test_every_scenario_is_pinned() -> None:
    assert set(json.loads(PINS.read_text())) == {f"{n}/{p}" for n, p in cases()}


if __name__ == "__main__" and "--write" in sys.argv:
    PINS.write_text(json.dumps({f"{n}/{p}": digest(next(q for q in SCENARIOS if q.name == n), p)
                                for n, p in cases()}, indent=1, sort_keys=True) + "\n")
    print(f"pinned {len(cases())} transcripts in {PINS}")
