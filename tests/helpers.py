"""Helpers several test modules share: the CLI in-process, the flagship's history game, and spies on
patched functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from click.testing import CliRunner, Result

from sim.cli import main
from sim.runs.scripts import play_moves
from sim.scenario import loader
from sim.scenario.actions import load_moves
from tests.conftest import FLAGSHIP, HISTORY


def invoke(*args: object) -> Result:
    """The CLI in-process with these arguments (any path or number as its text); an exception
    it does not turn into a message fails the test with its traceback."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def history_session():
    """The flagship played through its history script, a fresh session on every call."""
    s = loader.load_scenario(FLAGSHIP)
    moves, _ = load_moves(HISTORY, s)
    return play_moves(s, moves.seed or 0, moves.moves).session


def count_calls(monkeypatch, real: Callable[..., Any], name: str, *modules: object,
                before: Callable[[], object] | None = None) -> list[int]:
    """Replaces ``name`` in each of ``modules`` by a spy that calls ``before`` (if any), then ``real``;
    returns the list the spy appends 1 to on each call."""
    calls: list[int] = []

    def spy(*args, **kwargs):
        calls.append(1)
        if before is not None:
            before()
        return real(*args, **kwargs)

    for module in modules:
        monkeypatch.setattr(module, name, spy)
    return calls


def refused(r, where: str, *fix: str) -> str:
    """Assert a located refusal; returns stderr with Rich's line wrapping undone."""
    text = " ".join(r.stderr.split())
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "Traceback" not in r.stderr, r.stderr
    assert f"{where}: error:" in text, text
    for part in fix:
        assert part in text, text
    assert "✓" not in r.output, "a refused file is never reported valid"
    return text


def line_col(text: str, needle: str, offset: int = 0) -> str:
    """'line:col' (1-based) of ``needle`` in ``text``, plus ``offset`` columns."""
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    return f"{line}:{at - (text.rfind(chr(10), 0, at) + 1) + 1 + offset}"
