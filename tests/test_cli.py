"""The command line: authoring commands, runs, batches, and the installed wheel."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.runs import saved
from sim.scenario.loader import load_scenario
from tests.conftest import FLAGSHIP, ROOT, SHARED, TEMPLATE, write
from tests.helpers import invoke


def test_validate_ok_and_sources():
    r = invoke("validate", str(TEMPLATE))
    assert r.exit_code == 0 and "valid scenario 'harbour-dispute'" in r.output
    r = invoke("validate", "energy-truce-2025-03", "--sources", str(SHARED / "seeds"))
    assert r.exit_code == 0, r.output
    assert "quotes verified" in r.output


def test_validate_bad_file_exits_1_with_located_message(tmp_path, template_text):
    bad = write(tmp_path, template_text.replace("demand: shared", "demand: shard"))
    r = invoke("validate", str(bad), str(TEMPLATE))
    assert r.exit_code == 1
    assert f"{bad}:" in r.stderr and "did you mean 'shared'" in r.stderr
    assert "Traceback" not in r.output + r.stderr


def test_validate_reports_every_file(tmp_path):
    a = write(tmp_path, "- 1\n", "a.yaml")
    b = write(tmp_path, "x: [\n", "b.yaml")
    r = invoke("validate", str(a), str(b))
    assert r.exit_code == 1 and "a.yaml:1:1" in r.stderr and "b.yaml:" in r.stderr


def test_no_traceback_from_a_real_process(tmp_path):
    bad = tmp_path / "deep.yaml"
    bad.write_text("[" * 50_000)
    p = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(bad)], capture_output=True, text=True)
    assert p.returncode == 1 and "Traceback" not in p.stderr and "deep.yaml:1:" in p.stderr
    p = subprocess.run([sys.executable, "-m", "sim.cli", "run"], capture_output=True, text=True)
    assert p.returncode == 2, "usage errors exit 2"


def test_schema_is_json_schema():
    r = invoke("schema")
    schema = json.loads(r.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"issues", "parties", "mediator", "outcomes"} <= set(schema["properties"])


def test_new_writes_a_template_that_validates(tmp_path):
    target = tmp_path / "mine.yaml"
    r = invoke("new", str(target))
    assert r.exit_code == 0
    text = target.read_text()
    assert text.splitlines()[0].startswith("# yaml-language-server: $schema=")
    assert (tmp_path / "mediate-scenario.schema.json").exists()
    load_scenario(target)
    r = invoke("new", str(target))
    assert r.exit_code == 1 and "already exists" in r.stderr
    assert target.read_text() == text, "nothing the user made is lost"


def test_new_says_truly_whether_it_wrote_the_schema_and_refuses_a_missing_folder(tmp_path):
    schema = tmp_path / "mediate-scenario.schema.json"
    r = invoke("new", str(tmp_path / "a.yaml"))
    assert r.exit_code == 0 and "(and mediate-scenario.schema.json for editor completion)" in r.output
    schema.write_text("{}", encoding="utf-8")  # the user's own: left alone, and said so
    r = invoke("new", str(tmp_path / "b.yaml"))
    assert r.exit_code == 0 and schema.read_text(encoding="utf-8") == "{}"
    assert "(and mediate" not in r.output and "already there: left as it was" in " ".join(r.output.split())
    r = invoke("new", f"{tmp_path / 'drafts'}/")
    assert r.exit_code == 1 and "there is no folder" in r.stderr and "create it first" in r.stderr
    assert not (tmp_path / "drafts.yaml").exists() and not (tmp_path / "drafts").exists()


def test_list_finds_the_flagship():
    r = invoke("list")
    assert r.exit_code == 0 and "energy-truce-2025-03" in r.output


def test_run_with_policy_writes_transcript_and_report(tmp_path):
    j, md = tmp_path / "t.jsonl", tmp_path / "r.md"
    r = invoke("run", "energy-truce-2025-03", "--policy", "incremental", "--seed", "3", "--json", str(j),
               "--report", str(md))
    assert r.exit_code == 0, r.output
    assert "Ended:" in r.output
    lines = j.read_text().splitlines()
    assert json.loads(lines[0])["kind"] == "session" and json.loads(lines[-1])["kind"] == "end"
    report = md.read_text()
    assert report.startswith("# Debrief:") and "## Questions for discussion" in report


def test_run_with_a_bad_moves_file_is_located(tmp_path):
    moves = write(tmp_path, "moves:\n  - propose: {truce_scop: energy}\n  - consult: rusia\n  - dance\n", "m.yaml")
    r = invoke("run", "energy-truce-2025-03", "--script", str(moves))
    assert r.exit_code == 1
    assert "m.yaml:2:" in r.stderr and "did you mean 'truce_scope'" in r.stderr
    assert "m.yaml:4:" in r.stderr


def test_run_with_refused_move_points_at_it(tmp_path):
    s = load_scenario(FLAGSHIP)
    lever_id = s.mediator.levers[0].id
    uses = s.mediator.levers[0].uses
    body = "".join(f"  - lever: {lever_id}\n" for _ in range(uses + 1))
    moves = write(tmp_path, "moves:\n" + body, "m.yaml")
    r = invoke("run", "energy-truce-2025-03", "--script", str(moves))
    assert r.exit_code == 1 and f"m.yaml:{uses + 2}:" in r.stderr and "no uses left" in r.stderr


def test_run_needs_exactly_one_mediator():
    r = CliRunner().invoke(main, ["run", "energy-truce-2025-03"])
    assert r.exit_code == 2


def test_batch_two_workers_csv_and_row_replay(tmp_path):
    out = tmp_path / "b.csv"
    r = invoke("batch", "energy-truce-2025-03", "--policy", "incremental", "--runs", "12", "--workers", "2",
               "--seed", "5", "--csv", str(out))
    assert r.exit_code == 0, r.output
    assert "12 runs" in r.output and "95% interval" in r.output
    rows = list(csv.DictReader(out.open()))
    assert [int(x["run"]) for x in rows] == list(range(12))
    serial = tmp_path / "s.csv"
    invoke("batch", "energy-truce-2025-03", "--policy", "incremental", "--runs", "12", "--seed", "5",
           "--csv", str(serial))
    assert serial.read_text() == out.read_text(), "workers don't change results"
    row = rows[7]
    j = tmp_path / "t.jsonl"
    invoke("run", "energy-truce-2025-03", "--policy", "incremental", "--seed", row["seed"], "--json", str(j), "-q")
    end = json.loads(j.read_text().splitlines()[-1])
    assert (end["tier"] or "") == row["tier"] and end["violations"] == int(row["violations"])
    assert end["round"] + 1 == int(row["rounds"])


def test_unknown_scenario_suggests(tmp_path):
    r = invoke("run", "energy-truce-2025", "--policy", "random")
    assert r.exit_code == 1 and "mediate list" in r.stderr


@pytest.mark.slow
def test_wheel_installed_mediate_list_finds_the_scenario(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], check=True)
    wheel = next(dist.glob("mediate_sim-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True)
    other = tmp_path / "elsewhere"
    other.mkdir()
    p = subprocess.run([str(env_dir / "bin" / "mediate"), "list"], capture_output=True, text=True, cwd=other)
    assert p.returncode == 0, p.stderr
    assert "energy-truce-2025-03" in p.stdout
    p = subprocess.run([str(env_dir / "bin" / "mediate"), "validate", "energy-truce-2025-03"], capture_output=True,
                       text=True, cwd=other)
    assert p.returncode == 0, p.stderr
    assert not Path(other / "scenarios").exists()
    p = subprocess.run([str(env_dir / "bin" / "mediate"), "run", "energy-truce-2025-03", "--script", "history", "-q"],
                       capture_output=True, text=True, cwd=other)
    assert p.returncode == 0 and "Strikes on energy paused" in p.stdout, p.stderr


def test_committed_schema_is_current():
    """scenarios/mediate-scenario.schema.json is what `mediate schema` prints (regenerate with
    `mediate schema -o scenarios/mediate-scenario.schema.json`)."""
    committed = json.loads((ROOT / "scenarios" / "mediate-scenario.schema.json").read_text())
    assert committed == json.loads(invoke("schema").output)
    assert "description" in committed["$defs"]["Party"]["properties"]["concession"]


def test_mixed_up_files_and_bad_output_paths_get_clear_messages(tmp_path):
    r = invoke("run", str(ROOT / "scenarios" / "energy-truce-2025-03.history.yaml"), "--policy", "random")
    assert r.exit_code == 1 and "this is a moves file, not a scenario" in r.stderr
    r = invoke("run", "energy-truce-2025-03", "--script", str(FLAGSHIP))
    assert r.exit_code == 1 and "this is a scenario, not a moves file" in r.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = invoke("batch", "energy-truce-2025-03", "--policy", "random", "--runs", "2", "--csv", str(blocker / "x.csv"))
    assert r.exit_code == 1 and "cannot write" in r.stderr
    r = invoke("new", str(tmp_path))
    assert r.exit_code == 1 and "is a folder" in r.stderr


def test_set_overrides_make_what_ifs_and_are_recorded(tmp_path):
    base = json.loads(invoke("analyze", "energy-truce-2025-03", "--json").output)
    harder = json.loads(invoke("analyze", "energy-truce-2025-03", "--json",
                               "--set", "parties.russia.reservation=75").output)
    assert harder["reservations"]["russia"] == 75.0 and harder["zopa"]["count"] < base["zopa"]["count"]
    r = invoke("analyze", "energy-truce-2025-03", "--set", "parties.rusia.reservation=75")
    assert r.exit_code == 1 and "--set parties.rusia.reservation=75 (column 9): error" in r.stderr and "'russia'" in r.stderr
    r = invoke("analyze", "energy-truce-2025-03", "--set", "parties.russia.reservation=175")
    assert r.exit_code == 1 and "parties[0].reservation" in r.stderr
    j = tmp_path / "t.jsonl"
    invoke("run", "energy-truce-2025-03", "--policy", "incremental", "-q", "--json", str(j),
           "--set", "dynamics.dispute_trust=-0.3")
    assert json.loads(j.read_text().splitlines()[0])["overrides"] == ["dynamics.dispute_trust=-0.3"]
    out = tmp_path / "b.csv"
    r = invoke("batch", "energy-truce-2025-03", "--policy", "random", "--runs", "4", "--workers", "2",
               "--set", "mediator.credibility=0.1", "--csv", str(out))
    assert r.exit_code == 0 and "mediator.credibility=0.1" in r.output


def test_bundled_history_script_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not the repo: the bundled file is found beside the scenario
    j = tmp_path / "h.jsonl"
    r = invoke("run", "energy-truce-2025-03", "--script", "history", "-q", "--json", str(j))
    assert r.exit_code == 0, r.output
    head = json.loads(j.read_text().splitlines()[0])
    assert head["actions"][0] == {"propose": {"truce_scope": "full_30_days"}}


CORPUS = SHARED / "corpora" / "yaml-test-suite"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/yaml-test-suite is not beside the clone")
def test_yaml_test_suite_corpus_exits_1_with_located_messages_and_no_traceback():
    files = sorted(CORPUS.glob("*.yaml"))
    p = subprocess.run([sys.executable, "-m", "sim.cli", "validate", "-q", *map(str, files)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "Traceback" not in p.stderr + p.stdout
    located = re.compile(r"^(.+\.yaml):\d+:\d+: error: .+", re.M)
    named = {m.group(1) for m in located.finditer(p.stderr)}
    assert named == {str(f) for f in files}, "every file answered with at least one located error"


def test_compare_replays_a_class_of_transcripts_and_saves(tmp_path):
    from sim.analysis.scenario_domains import nash_distance
    from sim.engine.session import Session
    from sim.runs import scripts
    from sim.scenario.actions import load_moves

    a, b = tmp_path / "alice.jsonl", tmp_path / "bob.jsonl"
    invoke("run", "energy-truce-2025-03", "--script", "history", "-q", "--json", str(a))
    invoke("run", "energy-truce-2025-03", "--policy", "maximal", "--seed", "4", "-q", "--json", str(b))
    s = load_scenario(FLAGSHIP)
    moves, _ = load_moves(ROOT / "scenarios" / "energy-truce-2025-03.history.yaml", s)
    save = saved.save(Session(s, 9, moves.moves[:2]), "energy-truce-2025-03", tmp_path / "carol.json")
    bad = tmp_path / "eve.jsonl"
    bad.write_text("not a transcript\n")
    out = tmp_path / "class.csv"
    r = invoke("compare", str(a), str(b), str(save), str(bad), "--csv", str(out))
    assert r.exit_code == 1 and "eve.jsonl:1:1" in r.stderr, "a bad file is named, the rest still compared"
    rows = list(csv.DictReader(out.open()))
    assert [x["name"] for x in rows] == ["alice", "bob", "carol"]
    history = scripts.play_moves(s, 0, moves.moves).session
    assert rows[0]["best_tier"] == "energy_pause"
    assert rows[0]["issues_off_nash"] == str(len(nash_distance(history)["issues_differ"])), "replayed, then measured"
    assert rows[2]["ended"] == "in progress" and rows[2]["seed"] == "9"
    tampered = tmp_path / "mallory.jsonl"
    lines = a.read_text().splitlines()
    head = json.loads(lines[0])
    head["scenario_hash"] = "0" * 16
    tampered.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n")
    r = invoke("compare", str(tampered))
    assert r.exit_code == 1 and "has changed since this transcript was made" in r.stderr


def test_mediate_alone_or_with_plays_options_opens_the_tui(monkeypatch, tmp_path):
    import tui.app

    calls: list[tuple] = []
    monkeypatch.setattr(tui.app, "run_tui", lambda *a, **k: calls.append((a, k)) or 0)
    assert invoke().exit_code == 0
    assert calls[-1][0][:2] == (None, 0)
    r = invoke("--seed", "7", "--player", "Ada", f"--data-dir={tmp_path}")
    assert r.exit_code == 0, r.output
    assert calls[-1][0][:2] == (None, 7) and calls[-1][1]["player"] == "Ada"
    assert len(calls) == 2
    r = CliRunner().invoke(main, ["--sed", "7"])
    assert r.exit_code == 2 and "No such option '--sed'" in r.output and len(calls) == 2
    assert "COMMAND [ARGS]" in invoke("--help").output  # the group's help, not play's
