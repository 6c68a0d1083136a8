"""What the hostile-input and hostile-output tests share: the CLI in a subprocess (for real
stdout, devices and hangs), a character device the test needs, stderr checked for tracebacks,
a flagship transcript, and a save to corrupt."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sim.scenario.saves import saves_dir
from tests.conftest import ROOT
from tests.helpers import invoke

FLAG = "energy-truce-2025-03"
TIMEOUT = 120  # generous on a loaded machine; a hang is what these tests exist to catch


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    """``python -m sim.cli ARGS`` in a subprocess (for real stdout, devices and hangs)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "sim.cli", *map(str, args)], cwd=ROOT, env=env,
                          stderr=subprocess.PIPE, timeout=TIMEOUT, **kw)


def device(path: str) -> Path:
    p = Path(path)
    if not (p.exists() and stat.S_ISCHR(p.stat().st_mode)):
        pytest.fail(f"{path} is needed by this test and is not a character device here")
    return p


def clean(r) -> str:
    """stderr of a run (CliRunner result or CompletedProcess), checked to hold no traceback."""
    assert "Traceback" not in (text := r.stderr if isinstance(r.stderr, str) else r.stderr.decode()), text
    return text


def write_transcript(tmp_path: Path) -> Path:
    """A flagship game played by ``nash`` on seed 3, as a transcript in ``tmp_path``."""
    path = tmp_path / "game.jsonl"
    r = invoke("run", FLAG, "--policy", "nash", "--seed", "3", "-q", "--json", path)
    assert r.exit_code == 0, r.output
    return path


def header(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8").split("\n", 1)[0])


def save_data(seed: int = 1, **changes: object) -> dict:
    from sim.engine.session import Session
    from sim.runs import saved
    from sim.scenario.loader import load_scenario, resolve

    path = saves_dir() / "base.json"
    saves_dir().mkdir(parents=True, exist_ok=True)
    saved.save(Session(load_scenario(resolve(FLAG)), seed), FLAG, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    return {**data, **changes}


