"""What the CLI says about bad inputs: --pair, outputs that would replace inputs, a changed
scenario under ``run --from``, plug-in files and their errors, plug-ins that exit, piped tables,
and a tournament too small for its statistics."""

from __future__ import annotations

import csv
import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import common, main
from sim.runs import plugins
from tests.conftest import TEMPLATE

CRASHY = """\
from sim.scenario.actions import wait


class Crashy:
    def __init__(self, scenario, seed):
        pass

    def decide(self, view):
        if view.round >= 1:
            helper()
        return wait()


def helper():
    raise ValueError("boom")


class Quitter:
    def __init__(self, scenario, seed):
        pass

    def decide(self, view):
        import sys
        sys.exit(3)
"""


def run(*args: object, env: dict[str, str] | None = None):
    """The CLI in-process; exit codes and messages are what is tested (no exception escapes)."""
    r = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    return r


@pytest.fixture
def game(tmp_path) -> Path:
    path = tmp_path / "game.jsonl"
    r = run("run", TEMPLATE, "--policy", "nash", "--json", path, "-q")
    assert r.exit_code == 0, r.output
    return path


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# 1. --pair


def test_pair_naming_one_party_twice_is_a_usage_error(game):
    r = run("compare", game, "--scenario", TEMPLATE, "--plot", "--pair", "north,north")
    assert r.exit_code == 2 and "--pair names north twice" in r.output and "two different parties" in r.output
    assert "game(s) of" not in r.output, "refused before the table is shown"


def test_pair_with_an_unknown_party_names_it(game):
    r = run("compare", game, "--scenario", TEMPLATE, "--plot", "--pair", "north,nobody")
    assert r.exit_code == 2 and "no party 'nobody'" in r.output and "north" in r.output


# 2. outputs that are inputs, or each other


def test_compare_refuses_to_write_over_the_transcript_it_reads(game, tmp_path):
    before = game.read_bytes()
    r = run("compare", game, "--csv", game)
    assert r.exit_code == 1 and f"cannot write {game}" in r.stderr and "one of this command's inputs" in r.stderr
    assert game.read_bytes() == before
    link = tmp_path / "link.csv"
    link.symlink_to(game)
    r = run("compare", game, "--csv", link)
    assert r.exit_code == 1 and "the same file as" in r.stderr and game.read_bytes() == before
    hard = tmp_path / "hard.csv"
    os.link(game, hard)
    r = run("compare", tmp_path / "game.jsonl", "--csv", hard)
    assert r.exit_code == 1 and "inputs" in r.stderr and game.read_bytes() == before


def test_compare_refuses_to_write_over_a_game_inside_a_class_folder(game):
    before = game.read_bytes()
    r = run("compare", game.parent, "--csv", game)
    assert r.exit_code == 1 and "inputs" in r.stderr and game.read_bytes() == before


def test_a_branch_refuses_to_replace_its_original(game):
    before = game.read_bytes()
    r = run("run", TEMPLATE, "--from", game, "--at-round", "1", "--policy", "wait", "--json", game, "-q")
    assert r.exit_code == 1 and "one of this command's inputs" in r.stderr
    assert game.read_bytes() == before


def test_run_refuses_one_file_for_two_outputs_before_playing(tmp_path):
    both = tmp_path / "x.jsonl"
    r = run("run", TEMPLATE, "--policy", "nash", "--json", both, "--report", both)
    assert r.exit_code == 1 and "two of this command's outputs name it" in r.stderr
    assert not both.exists() and "best tier" not in r.output, "refused before any work"
    r = run("run", TEMPLATE, "--policy", "nash", "--json", "/dev/null", "--report", "/dev/null", "-q")
    assert r.exit_code == 0, "a device is written through, never replaced: naming it twice is fine"


def test_run_and_tournament_refuse_to_write_over_the_scenario_or_plug_in(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    policy = write(tmp_path, "mine.py", CRASHY)
    r = run("run", scenario, "--policy", "wait", "--report", scenario)
    assert r.exit_code == 1 and "inputs" in r.stderr
    r = run("run", scenario, "--policy", f"{policy}:Crashy", "--json", policy)
    assert r.exit_code == 1 and "inputs" in r.stderr and policy.read_text(encoding="utf-8") == CRASHY
    r = run("tournament", scenario, "--policies", "nash", "--runs", "1", "--csv", scenario)
    assert r.exit_code == 1 and "inputs" in r.stderr
    assert scenario.read_text(encoding="utf-8") == TEMPLATE.read_text(encoding="utf-8")


# 3. a changed scenario under run --from


def test_run_from_a_changed_scenario_names_run_s_own_fix(game, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text(TEMPLATE.read_text(encoding="utf-8").replace("max_rounds: ", "max_rounds: 1", 1),
                       encoding="utf-8")
    r = run("run", changed, "--from", game, "--at-round", "1", "--policy", "wait")
    assert r.exit_code == 1 and "has changed since this transcript was made" in r.stderr
    assert "--scenario" not in r.stderr and "as SCENARIO" in r.stderr
    r = run("compare", game, "--scenario", changed)
    assert r.exit_code == 1 and "with --scenario PATH" in r.stderr, "compare keeps its own wording"


# 4. plug-in files and their errors


@pytest.mark.parametrize("spec, message", [
    ("mine.py:", "e.g. docs/example_policy.py:Steady"),
    ("mine.py:Greedy.x", "e.g. docs/example_policy.py:Steady"),
    ("{tmp}:Greedy", "is a folder"),
    ("/dev/null:Greedy", "is not a regular file"),
    ("mine.txt:Greedy", "must be a Python file named .py"),
])
def test_bad_plug_in_specs_say_what_is_wrong(tmp_path, spec, message):
    r = run("run", TEMPLATE, "--policy", spec.format(tmp=tmp_path), "-q")
    assert r.exit_code == 1 and message in r.stderr, r.stderr
    assert "Cautious" not in r.stderr and "unknown policy" not in r.stderr and "no such file" not in r.stderr


def test_the_example_named_in_messages_exists():
    cls = plugins.EXAMPLE.rpartition(":")[2]
    assert f"class {cls}:" in (Path(__file__).resolve().parents[1] / "docs" / "example_policy.py").read_text()


def test_a_plug_in_error_during_play_names_its_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "crashy.py", CRASHY)
    r = run("run", TEMPLATE, "--policy", "crashy.py:Crashy", "-q")
    assert r.exit_code == 1
    assert "crashy.py:15: policy crashy.py:Crashy raised during the game: ValueError: boom (seed 0)" in r.stderr


@pytest.mark.parametrize("body, where", [
    ("x = 1\ny = undefined_name\n", "bad.py:2: "),
    ("class A:\n    def f(:\n        pass\n", "bad.py:2:11: "),
    ("import sys\nsys.exit(3)\n", "bad.py:2: "),
])
def test_an_import_error_names_the_line(tmp_path, monkeypatch, body, where):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bad.py", body)
    r = run("run", TEMPLATE, "--policy", "bad.py:X", "-q")
    assert r.exit_code == 1 and r.stderr.startswith(where) and "importing bad.py failed" in r.stderr, r.stderr


# 5. a plug-in that calls sys.exit()


def test_sys_exit_in_decide_fails_the_run_not_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "crashy.py", CRASHY)
    r = run("run", TEMPLATE, "--policy", "crashy.py:Quitter", "-q")
    assert r.exit_code == 1 and "crashy.py:24: policy crashy.py:Quitter called sys.exit(3)" in r.stderr
    out = tmp_path / "b.csv"
    r = run("batch", TEMPLATE, "--policy", "crashy.py:Quitter", "--runs", "3", "--csv", out)
    assert r.exit_code != 3 and "wrote" in r.stderr, r.output
    rows = list(csv.DictReader(out.open()))
    assert [x["status"] for x in rows] == ["failed"] * 3 and "sys.exit(3)" in rows[0]["error"]
    r = run("run", TEMPLATE, "--policy", "nash", "--json", tmp_path / "g.jsonl", "-q")
    r = run("run", TEMPLATE, "--from", tmp_path / "g.jsonl", "--at-round", "1", "--policy", "crashy.py:Quitter", "-q")
    assert r.exit_code == 1 and "called sys.exit(3)" in r.stderr


# 6. piped tables


def test_a_piped_tournament_table_is_never_cut(monkeypatch):
    # The width rich took from a narrow terminal on stdin or stderr, while stdout is a pipe.
    monkeypatch.setattr(common.out, "width", 50)  # the console's own setter
    monkeypatch.delenv("COLUMNS", raising=False)  # the tests' own default width; a user's COLUMNS is kept
    r = run("tournament", TEMPLATE, "--policies", "nash", "--runs", "6")
    assert r.exit_code == 0, r.output
    ranking = r.stdout.split("Paired differences")[0]
    assert "…" not in ranking, ranking
    assert any(line.startswith("│1 │ nash") for line in ranking.splitlines()), ranking
    assert "days" in ranking and "surplus" in ranking


# 7. the tournament's statistics


def test_tournament_help_says_how_it_ranks_and_what_is_adjusted():
    r = run("tournament", "--help", env={"COLUMNS": "200"})
    text = " ".join(r.output.split())
    assert "by mean tier reached, then mean days held, then mean surplus" in text
    assert "Holm-corrected" in text and "intervals are not adjusted for multiplicity" in text


def test_one_run_warns_that_the_intervals_need_more():
    r = run("tournament", TEMPLATE, "--policies", "nash", "--runs", "1")
    assert r.exit_code == 0 and "intervals have no width" in r.stderr and "--runs 30" in r.stderr
    r = run("tournament", TEMPLATE, "--policies", "nash", "--runs", "6")
    assert r.exit_code == 0 and "warning: only" not in r.stderr


def test_a_damaged_transcript_header_is_located_and_a_bom_is_forgiven(tmp_path):
    good = tmp_path / "g.jsonl"
    assert run("run", "energy-truce-2025-03", "--policy", "nash", "-q", "--json", good).exit_code == 0
    text = good.read_text(encoding="utf-8")
    bom = tmp_path / "bom.jsonl"
    bom.write_text("\ufeff" + text, encoding="utf-8")
    assert run("compare", bom).exit_code == 0, "an editor's byte-order mark is no reason to refuse it"
    cut = tmp_path / "cut.jsonl"
    cut.write_text(text[:60], encoding="utf-8")
    r = run("compare", cut)
    assert r.exit_code == 1 and f"{cut}:1:61: error: the transcript's first line is not valid JSON" in r.stderr
    newer = tmp_path / "newer.jsonl"
    newer.write_text(text.replace("mediate-transcript/2", "mediate-transcript/9", 1), encoding="utf-8")
    r = run("compare", newer)
    assert r.exit_code == 1 and "'mediate-transcript/9' is not one this mediate reads" in r.stderr


def test_dash_is_not_taken_for_a_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("run", "energy-truce-2025-03", "--policy", "nash", "-q", "--json", "-")
    assert r.exit_code == 1 and "a file named '-' is not written" in r.stderr and "/dev/stdout" in r.stderr
    assert not (tmp_path / "-").exists()
