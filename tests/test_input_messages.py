"""Messages a newcomer meets: each names where the problem is (a file's line and column, or the
``--set``/``--sweep`` argument) and how to fix it, in the words of the YAML file, never Python's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.scenario.loader import load_scenario_located
from tests.conftest import FLAGSHIP
from tests.helpers import invoke, line_col, refused


def run_set(*sets: str):
    args: list[str] = []
    for s in sets:
        args += ["--set", s]
    return invoke("run", "s.yaml", "--policy", "nash", "-q", *args)


# ---------------------------------------------------------------- --set and --sweep name the argument


def test_a_set_key_the_scenario_lacks_names_the_argument_and_its_full_path(edit):
    edit("schema: 1", "schema: 1")
    refused(run_set("max_rounds=5"), "--set max_rounds=5 (column 1)",
            "unknown key 'max_rounds' — did you mean 'clock.max_rounds'?")
    refused(run_set("parties.north.nosuch=5"), "--set parties.north.nosuch=5 (column 15)", "unknown key 'nosuch'")
    refused(run_set("max_round=5"), "--set max_round=5 (column 1)", "did you mean 'clock.max_rounds'?")


def test_a_set_value_out_of_range_names_the_argument_not_the_files_old_value(edit):
    edit("schema: 1", "schema: 1")
    text = refused(run_set("parties.north.reservation=500"), "--set parties.north.reservation=500 (column 27)",
                   "parties[0].reservation: should be less than or equal to 100 (got 500)")
    assert "s.yaml:" not in text
    refused(run_set("clock.max_rounds=abc"), "--set clock.max_rounds=abc (column 18)", "should be a whole number")
    # A mapping set whole: what is wrong inside it is the argument's too.
    refused(run_set("clock={round_hours: 24}"), "--set clock={round_hours: 24} (column 7)",
            "clock is missing required key 'start'")


def test_a_sweep_key_the_scenario_lacks_names_the_sweep(edit):
    edit("schema: 1", "schema: 1")
    r = invoke("batch", "s.yaml", "--policy", "nash", "--runs", "2", "--sweep", "max_rounds=8:20",
               "--design", "lhs", "--samples", "1")
    text = refused(r, "(column 1)", "did you mean 'clock.max_rounds'?")
    assert text.startswith("--sweep max_rounds="), "names the --sweep value, not --set or the file"


def test_a_misplaced_key_in_the_file_is_pointed_to_where_it_belongs(edit):
    text = edit("schema: 1", "schema: 1\nmax_rounds: 5")
    refused(invoke("validate", "s.yaml"), f"s.yaml:{line_col(text, 'max_rounds: 5')}",
            "unknown key 'max_rounds' — did you mean 'clock.max_rounds'?")


def test_every_sweep_in_batch_help_works_on_the_flagship():
    found = re.findall(r"--sweep ([a-z][\w.]*)=(\S+)", invoke("batch", "--help").output)
    assert found
    for path, values in found:
        first = values.split(":")[0].split(",")[0]
        load_scenario_located(FLAGSHIP, [f"{path}={first}"])  # raises if the path is not in the scenario


def test_a_set_value_that_is_not_yaml_suggests_quoting(edit):
    edit("schema: 1", "schema: 1")
    refused(run_set("title=[bold]x[/]"), "--set title=[bold]x[/] (column 13)", "YAML syntax error",
            """quote it: --set 'title="[bold]x[/]"'""")


# ---------------------------------------------------------------- numbers, empty files, text fields


def test_a_number_with_thousands_of_digits_is_located_and_out_of_range(edit):
    huge = "1" + "0" * 5000
    edit("schema: 1", "schema: 1")
    refused(run_set(f"parties.north.reservation={huge}"), "(column 27)", "the number is too long")
    text = edit("reservation: 40 ", f"reservation: {huge} ")
    out = refused(invoke("validate", "s.yaml"), f"s.yaml:{line_col(text, huge)}",
                  "parties[0].reservation: the number is too long (5,001 characters), far out of range")
    assert "sys.set_int_max_str_digits" not in out and "integer string conversion" not in out
    text = edit("reservation: 40 ", "reservation: 1e999 ")
    refused(invoke("validate", "s.yaml"), f"s.yaml:{line_col(text, '1e999')}", "is too large, far out of range")


@pytest.mark.parametrize("written", ["~\n", "null\n", "---\n", ""])
def test_a_file_holding_only_null_is_empty(tmp_path, monkeypatch, template_text, written):
    monkeypatch.chdir(tmp_path)
    Path("null.yaml").write_text(written, encoding="utf-8")
    refused(invoke("validate", "null.yaml"), "null.yaml:1:1", "the file is empty: start from `mediate new PATH`")
    Path("s.yaml").write_text(template_text, encoding="utf-8")
    out = refused(invoke("run", "s.yaml", "--script", "null.yaml"), "null.yaml:1:1", "the file is empty",
                  "a moves file lists the mediator's moves under `moves:`", "docs/authoring.md")
    assert "mediate new" not in out, "`mediate new` writes a scenario, not a moves file"


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("title: A harbour dispute (example)", 'title: ""', '""', "title: is empty: write some text"),
    ("title: A harbour dispute (example)", "title: " + "x" * 20_001, "x" * 20,
     "title: is 20,001 characters long; at most 20,000 are allowed: shorten it"),
    ("id: harbour-dispute ", "id: " + "a" * 65 + " ", "a" * 65,
     "id: is 65 characters long; at most 64 are allowed: shorten it"),
    ("title: A harbour dispute (example)", "title:", "title:\n", "title: has no value: write it after 'title:'"),
    ("{id: status_quo,", "{id: true,", "true,",
     'issues[0].options[0].id: should be text, not a true/false value: put it in quotes, e.g. id: "true"'),
    ("label: Nothing changes}", "label: 17}", "17}", 'should be text, not a number: put it in quotes, e.g. label: "17"'),
    ("title: A harbour dispute (example)", 'title: "   "', '"   "', "title: is blank (only spaces): write some text"),
], ids=["empty", "too-long", "long-id", "no-value", "true-id", "number-label", "blank"])
def test_text_and_id_fields_say_what_is_wrong_and_the_fix(edit, old, new, needle, message):
    text = edit(old, new)
    offset = 6 if needle == "title:\n" else 0  # no value: located just after the key
    out = refused(invoke("validate", "s.yaml"), f"s.yaml:{line_col(text, needle, offset)}", message)
    assert "String should" not in out and "valid string" not in out


def test_a_repeated_hint_in_a_moves_file_says_hints_take_no_time(tmp_path, monkeypatch, template_text):
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(template_text, encoding="utf-8")
    Path("mv.yaml").write_text("moves:\n  - hint: {until_round: 3}\n", encoding="utf-8")
    out = refused(invoke("run", "s.yaml", "--script", "mv.yaml"), "mv.yaml:2:11",
                  "moves[0].hint: takes no value: write `- hint` alone", "can't repeat")
    assert "should be True" not in out


def test_an_unknown_scenario_id_is_named_without_a_file_position():
    r = invoke("validate", "energy-truce")
    assert r.exit_code == 1
    assert r.stderr.startswith("energy-truce: error: no bundled scenario 'energy-truce'"), r.stderr
    assert "energy-truce:1:1" not in r.stderr, "a name given is not a file with lines"


@pytest.mark.parametrize("char", ["\u202e", "\u2067"])
def test_a_bidirectional_control_in_scenario_text_is_refused_located(edit, char):
    # It would reorder the rest of a terminal line: a party named with one reads backwards on screen.
    text = edit("title: A harbour dispute (example)", f'title: "A harbour {char}dispute"')
    r = invoke("validate", "s.yaml")
    at = line_col(text, '"A harbour')  # the text it is in
    refused(r, f"s.yaml:{at}", f"bidirectional control U+{ord(char):04X} in text", "remove it")


def test_right_to_left_text_itself_is_welcome(edit):
    edit("title: A harbour dispute (example)", "title: نزاع الميناء (A harbour dispute)")
    r = invoke("validate", "s.yaml")
    assert r.exit_code == 0, r.stderr
