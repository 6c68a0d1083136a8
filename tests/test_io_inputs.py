"""Hostile inputs, through the real CLI: unbounded reads, corrupt saves, wrong types, terminal
escapes, impossible worker counts; a clear message, exit 1, nothing lost, no traceback."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from sim.scenario.saves import list_saves, saves_dir
from sim.text import printable
from tests.conftest import TEMPLATE
from tests.helpers import invoke
from tests.hostile import FLAG, clean, cli, device, header, save_data
from tui.app import prepare

# ---------------------------------------------------------------- 2. unbounded reads


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_device_or_fifo_as_save_or_transcript_is_refused_without_hanging(tmp_path, kind):
    path = device("/dev/zero") if kind == "zero" else tmp_path / "fifo.json"
    if kind == "fifo":
        os.mkfifo(path)
    for command in (["play", "--resume", path], ["compare", path]):
        r = cli(*command)
        assert r.returncode == 1, command
        assert f"{path}:1:1: error: is not a regular file" in clean(r), command


def test_device_named_inside_a_save_or_transcript_is_refused(tmp_path, transcript):
    save = tmp_path / "s.json"
    save.write_text(json.dumps(save_data(scenario="/dev/zero")), encoding="utf-8")
    bad = tmp_path / "t.jsonl"
    bad.write_text(json.dumps({**header(transcript), "scenario": "/dev/zero"}) + "\n", encoding="utf-8")
    for command, path in ((["play", "--resume", save], save), (["compare", bad], bad),
                          (["compare", transcript, "--scenario", "/dev/zero"], transcript)):
        r = cli(*command)
        assert r.returncode == 1, command
        assert f"{path}:1:1: error: names scenario '/dev/zero', which is not a regular file" in clean(r)


def test_oversized_save_and_transcript_are_refused_with_the_limit(tmp_path):
    for name in ("huge.json", "huge.jsonl"):
        path = tmp_path / name
        with open(path, "wb") as fh:
            fh.truncate(200 * 1024 * 1024)  # sparse: costs no disk
        r = invoke("compare", path)
        assert r.exit_code == 1
        assert "209,715,200 bytes; the limit is" in clean(r)
    r = invoke("play", "--resume", tmp_path / "huge.json")
    assert r.exit_code == 1 and "the limit is 4,194,304" in clean(r)


def test_too_many_actions_are_refused_quickly(tmp_path, transcript):
    save = tmp_path / "hints.json"
    save.write_text(json.dumps(save_data(actions=["hint"] * 200_000)), encoding="utf-8")
    bad = tmp_path / "hints.jsonl"
    bad.write_text(json.dumps({**header(transcript), "actions": ["hint"] * 200_000}) + "\n", encoding="utf-8")
    started = time.perf_counter()
    for command in (["play", "--resume", save], ["compare", bad]):
        r = invoke(*command)
        assert r.exit_code == 1
        assert "holds 200,000 actions; the limit is 2,000" in clean(r)
    assert time.perf_counter() - started < 30


# ---------------------------------------------------------------- 3. corrupt files in the saves folder


def _corrupt_saves() -> list[Path]:
    folder = saves_dir()
    folder.mkdir(parents=True, exist_ok=True)
    deep = folder / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")
    digits = folder / "digits.json"
    digits.write_text(json.dumps(save_data(seed=1))[:-1] + ', "x": ' + "9" * 5000 + "}", encoding="utf-8")
    (folder / "zero.json").symlink_to("/dev/zero")
    return [deep, digits]


def test_corrupt_saves_are_skipped_by_the_picker_and_named_by_resume_and_compare():
    good = saves_dir() / "good.json"
    saves_dir().mkdir(parents=True, exist_ok=True)
    good.write_text(json.dumps(save_data(seed=4)), encoding="utf-8")
    deep, digits = _corrupt_saves()
    assert [s.path for s in list_saves()] == [good]
    assert [s.path for s in list_saves(FLAG)] == [good]
    prepared = prepare()  # what `mediate` does before the picker opens
    assert prepared.entries
    expected = {("play", deep): "the save is corrupt (nested too deeply to read)",
                ("compare", deep): "not a mediate transcript",  # nothing in it says it is a save
                ("play", digits): "the save is corrupt (a number thousands of digits long)",
                ("compare", digits): "the save is corrupt (a number thousands of digits long)"}
    for (command, path), why in expected.items():
        r = invoke(*(["play", "--resume", path] if command == "play" else ["compare", path]))
        assert r.exit_code == 1, command
        assert f"{path}:1:1: error: {why}" in clean(r), (command, r.stderr)


# ---------------------------------------------------------------- 4. compare: wrong types in the header


@pytest.mark.parametrize(("key", "value", "why"), [
    ("seed", "7", "valid integer"), ("seed", -1, "greater than or equal to 0"), ("seed", True, "valid integer"),
    ("seed", 1.5, "valid integer"), ("seed", None, "valid integer"), ("scenario", 5, "valid string"),
    ("scenario", ["x"], "valid string"), ("actions", {"wait": 1}, "valid tuple"), ("actions", "hint", "valid tuple"),
    ("overrides", "x=1", "valid tuple"), ("overrides", [1], "valid string"), ("scenario_hash", 0, "valid string"),
])
def test_compare_names_the_key_with_the_wrong_type(tmp_path, transcript, key, value, why):
    line = json.dumps({**header(transcript), key: value})
    bad = tmp_path / "bad.jsonl"
    bad.write_text(line + "\n", encoding="utf-8")
    r = invoke("compare", bad)
    assert r.exit_code == 1
    col = line.index(f'"{key}"') + 1
    assert f"{bad}:1:{col}: error: '{key}'" in clean(r) and why in r.stderr, r.stderr


def test_compare_names_a_bad_action_by_number(tmp_path, transcript):
    head = header(transcript)
    head["actions"] = [*head["actions"][:2], {"wait": "soon"}]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(head) + "\n", encoding="utf-8")
    r = invoke("compare", bad)
    assert r.exit_code == 1
    assert "'actions' (action 3)" in clean(r)


# ---------------------------------------------------------------- 5. terminal escapes


def test_printable_shows_controls_and_bidi_as_escapes():
    assert printable("a\x1b[2J\x07\x9b\u202e\x7f\nb") == "a\\x1b[2J\\x07\\x9b\\u202e\\x7f\\nb"
    assert printable("Zürich, Київ, 北京 — ok") == "Zürich, Київ, 北京 — ok"


def test_escapes_in_a_transcript_never_reach_the_terminal(tmp_path, transcript):
    bad = tmp_path / "evil.jsonl"
    bad.write_text(json.dumps({**header(transcript), "scenario": "\x1b[2J\x1b[H\x1b]0;owned\x07"}) + "\n",
                   encoding="utf-8")
    r = invoke("compare", bad)
    assert r.exit_code == 1
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert "\\x1b[2J\\x1b[H\\x1b]0;owned\\x07" in clean(r)


def test_escapes_in_a_save_never_reach_the_terminal(tmp_path):
    save = tmp_path / "evil.json"
    save.write_text(json.dumps(save_data(scenario_id="\x1b[31mred", actions=[{"consult": "\x1b[2J"}])),
                    encoding="utf-8")
    r = invoke("play", "--resume", save)
    assert r.exit_code == 1
    assert "\x1b" not in r.stderr
    clean(r)


def test_escapes_in_file_names_are_shown_as_escapes(tmp_path, transcript):
    evil = tmp_path / "class\x1b]0;title\x07.jsonl"
    evil.write_bytes(transcript.read_bytes())
    r = invoke("compare", evil)
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "class\\x1b]0;title\\x07" in r.output
    missing = tmp_path / "gone\x1b[2J.json"
    r = invoke("play", "--resume", missing)
    assert r.exit_code == 1 and "\x1b" not in r.stderr and "gone\\x1b[2J.json" in clean(r)


def test_escapes_in_yaml_keys_are_shown_as_escapes(tmp_path):
    bad = tmp_path / "s.yaml"
    text = TEMPLATE.read_text(encoding="utf-8")
    bad.write_text(text + '\n"\\e[2Jsneaky": 1\n', encoding="utf-8")
    r = invoke("validate", bad)
    assert r.exit_code == 1
    # The loader refuses the key, located, and never echoes the raw escape.
    at = len(TEMPLATE.read_text(encoding="utf-8").splitlines()) + 2  # the key's line, after a blank one
    assert "\x1b" not in r.stderr and f"s.yaml:{at}:1:" in clean(r) and "U+001B in a key" in clean(r)


# ---------------------------------------------------------------- 6. batch workers


def test_batch_workers_are_capped_by_the_machine(tmp_path):
    cores = os.cpu_count() or 1
    if cores >= 256:
        pytest.fail("this machine has 256 cores or more: the cap can't be observed with --workers 256")
    out = tmp_path / "b.csv"
    r = invoke("batch", FLAG, "--policy", "nash", "--runs", "3", "--workers", "256", "--csv", out)
    assert r.exit_code == 0, r.output
    assert f"using {cores} worker(s), one per core of this machine, not the 256 asked for" in clean(r)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_an_unknown_scenario_named_in_a_transcript_is_reported_at_the_transcript(tmp_path):
    evil = tmp_path / "evil.jsonl"
    evil.write_text('{"kind":"session","format":"mediate-transcript/2","scenario":"\\u001b[2Jfake",'
                    '"scenario_hash":"x","seed":1,"actions":[]}\n', encoding="utf-8")
    r = invoke("compare", evil)
    assert r.exit_code == 1 and "\x1b" not in r.stderr
    assert f"{evil}:1:1: error: the scenario it names: no bundled scenario '\\x1b[2Jfake'" in clean(r)
