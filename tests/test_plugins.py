"""Your own mediator: --policy FILE.py:Class or an entry point, the Policy protocol, clear errors, failed runs."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.runs import plugins
from sim.runs.batch import Cell, run_batch
from sim.runs.plugins import PluginError, PolicyProtocol, play_spec, resolve
from sim.runs.transcripts import jsonl
from sim.scenario import loader
from tests.conftest import TEMPLATE
from tests.helpers import invoke

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "example_policy.py"
STEADY = f"{EXAMPLE}:Steady"



def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


FLAKY = """
from sim.scenario.actions import wait

class Flaky:
    def __init__(self, scenario, seed):
        self.seed = seed
    def decide(self, view):
        if self.seed % 3 == 0 and view.round >= 2:
            raise RuntimeError("my mediator broke")
        return wait()
"""


def test_the_example_policy_plays_run_batch_and_tournament(tmp_path):
    s = loader.load_scenario(TEMPLATE)
    assert isinstance(plugins.make_policy(STEADY, s, 0), PolicyProtocol)
    a, b = play_spec(s, STEADY, 4), play_spec(s, STEADY, 4)
    assert jsonl(a) == jsonl(b), "a plug-in game replays"
    assert a.best_tier >= 1 and play_spec(s, "wait", 4).best_tier == 0, "it mediates: waiting reaches nothing"
    r = invoke("run", str(TEMPLATE), "--policy", STEADY, "--seed", "4", "-q")
    assert r.exit_code == 0 and "best tier: Fishing truce" in r.output
    out = tmp_path / "b.csv"
    r = invoke("batch", str(TEMPLATE), "--policy", STEADY, "--runs", "6", "--csv", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 6 and {x["status"] for x in rows} == {"ok"} and {x["best_tier"] for x in rows} == {"truce"}
    r = invoke("tournament", str(TEMPLATE), "--policies", STEADY, "--runs", "6")
    assert r.exit_code == 0 and "Steady" in r.output


def test_a_plug_in_that_raises_fails_its_runs_not_the_batch(tmp_path):
    spec = f"{write(tmp_path, 'flaky.py', FLAKY)}:Flaky"
    out = tmp_path / "b.csv"
    r = invoke("batch", str(TEMPLATE), "--policy", spec, "--runs", "12", "--csv", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open()))
    failed = [x for x in rows if x["status"] == "failed"]
    assert failed and len(failed) < 12
    assert all(int(x["seed"]) % 3 == 0 and x["error"] == "RuntimeError: my mediator broke" and x["tier"] == ""
               for x in failed)
    assert all(int(x["seed"]) % 3 for x in rows if x["status"] == "ok")
    assert "failed" in r.stderr
    seed = failed[0]["seed"]
    r = invoke("run", str(TEMPLATE), "--policy", spec, "--seed", seed, "-q")
    assert r.exit_code == 1 and "raised during the game: RuntimeError: my mediator broke" in r.stderr
    assert "Traceback" not in r.output


@pytest.mark.parametrize("body, spec_tail, message", [
    (None, "missing.py:X", "no such file"),
    ("class Other:\n    def decide(self, view): ...\n", ":Gone", "has no class Gone (policies in it: Other)"),
    ("class NotOne:\n    pass\n", ":NotOne", "is not a policy"),
    ("VALUE = 3\n", ":VALUE", "is not a policy"),
    ("import does_not_exist_anywhere\n", ":X", "importing"),
])
def test_bad_plug_ins_are_clear_errors(tmp_path, body, spec_tail, message):
    spec = str(tmp_path / spec_tail) if body is None else f"{write(tmp_path, f'p{len(body)}.py', body)}{spec_tail}"
    for command in (["run", str(TEMPLATE), "-q"], ["batch", str(TEMPLATE), "--runs", "2"]):
        r = CliRunner().invoke(main, [*command, "--policy", spec])
        assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
        assert message in r.stderr, r.stderr
    r = CliRunner().invoke(main, ["tournament", str(TEMPLATE), "--policies", spec, "--runs", "2"])
    assert r.exit_code == 1 and message in r.stderr


def test_decide_must_return_an_action(tmp_path):
    body = "class Bad:\n    def __init__(self, s, seed): pass\n    def decide(self, view): return 42\n"
    spec = f"{write(tmp_path, 'bad.py', body)}:Bad"
    cell = Cell(loader.load_scenario(TEMPLATE), spec)
    rows: list[dict] = []
    run_batch([cell], "", 2, 0, on_row=rows.append)
    assert [r["status"] for r in rows] == ["failed", "failed"] and "not an Action" in rows[0]["error"]


def test_an_entry_point_in_the_mediate_policies_group(tmp_path, monkeypatch):
    pkg = tmp_path / "site"
    pkg.mkdir()
    (pkg / "my_mediators.py").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    info = pkg / "my_mediators-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-mediators\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[mediate.policies]\nsteady = my_mediators:Steady\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(pkg))
    resolve.cache_clear()
    try:
        s = loader.load_scenario(TEMPLATE)
        assert resolve("steady").__name__ == "Steady"
        assert jsonl(play_spec(s, "steady", 3)) == jsonl(play_spec(s, STEADY, 3))
        r = invoke("run", str(TEMPLATE), "--policy", "steady", "--seed", "3", "-q")
        assert r.exit_code == 0 and "Fishing truce" in r.output
        with pytest.raises(PluginError, match="unknown policy 'stedy'"):
            resolve("stedy")
    finally:
        resolve.cache_clear()
