"""Signals: a batch stopped as a terminal, ``timeout`` or a scheduler stops it keeps the finished
rows whole in the file named, leaves no temp file and ends (exit 130); Ctrl-C while the command
is still loading ends it quietly too."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

WAIT = 120


BATCH = ("batch", "energy-truce-2025-03", "--policy", "random", "--runs", "200000")


def start(out: Path, command: tuple[str, ...] = BATCH) -> subprocess.Popen:
    """A long two-worker batch (or tournament) in its own process group, as a shell starts a job."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "sim.cli", *command, "--workers", "2", "--csv", str(out)],
                            cwd=out.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def rows_begun(out: Path, proc: subprocess.Popen) -> None:
    """Wait until the batch has streamed some rows into its temp file."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the batch ended early: {proc.stderr.read() if proc.stderr else ''}")
        if any(p.stat().st_size > 5000 for p in out.parent.glob(f".{out.name}.*.tmp")):
            return
        time.sleep(0.1)
    raise AssertionError("no rows were written")


def kept(out: Path, proc: subprocess.Popen) -> list[dict]:
    try:
        _, stderr = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("the batch hung after the signal") from None
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and f"the runs finished so far are in {out}" in stderr, stderr
    assert not list(out.parent.glob(f".{out.name}.*")), "no temp file is left behind"
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows and all(r["status"] == "ok" for r in rows), "whole rows"
    return rows


@pytest.mark.parametrize("signals", [(signal.SIGTERM,), (signal.SIGINT, signal.SIGINT), (signal.SIGINT, signal.SIGTERM)],
                         ids=["term", "ctrl-c-twice", "ctrl-c-then-term"])
def test_a_stopped_batch_keeps_its_finished_rows(tmp_path, signals):
    out = tmp_path / "runs.csv"
    proc = start(out)
    rows_begun(out, proc)
    for n, sig in enumerate(signals):
        if n:
            time.sleep(0.05)  # an impatient second press, while the first is being handled
        os.killpg(proc.pid, sig)  # the whole group: the workers get it too, as from a terminal
    rows = kept(out, proc)
    assert [int(r["run"]) for r in rows] == list(range(len(rows))), "in order"


def test_a_stopped_tournament_keeps_the_runs_it_played(tmp_path):
    out = tmp_path / "t.csv"
    proc = start(out, ("tournament", "energy-truce-2025-03", "--policies", "nash", "--runs", "100000"))
    rows_begun(out, proc)
    os.killpg(proc.pid, signal.SIGINT)
    kept(out, proc)


def test_ctrl_c_while_the_command_loads_ends_quietly(monkeypatch, capsys):
    """Loading the CLI takes most of a second: Ctrl-C then is an exit 130, not a traceback."""
    import importlib.abc

    from sim import entry

    class Interrupted(importlib.abc.MetaPathFinder):
        def find_spec(self, name, *_):
            if name == "sim.cli":
                raise KeyboardInterrupt
            return None

    for name in [m for m in sys.modules if m == "sim.cli" or m.startswith("sim.cli.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    with pytest.raises(SystemExit) as exited:
        entry.main()
    assert exited.value.code == 130 and capsys.readouterr().err == "interrupted\n"
