"""Bad input of every class, through the real CLI: exit 1, located at file:line:col, the fix
named in the message, no traceback. Each case changes one line of the template."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.scenario.actions import MAX_MOVES
from sim.scenario.checks import MAX_INCIDENT_CANDIDATES, MAX_SPAN_HOURS
from sim.scenario.loader import load_scenario
from tests.conftest import FLAGSHIP
from tests.helpers import invoke, line_col, refused

# ---------------------------------------------------------------- YAML 1.2 numbers


@pytest.mark.parametrize("written", ["0x36", "3_5", "0o17", "1:30"])
def test_yaml_11_numbers_are_text_so_a_number_field_says_what_it_got(edit, written):
    text = edit("weight: 60 ", f"weight: {written} ")
    r = invoke("validate", "s.yaml")
    refused(r, f"s.yaml:{line_col(text, written)}", f"weight: should be a number (got '{written}')")


def test_sexagesimal_hour_is_refused_not_read_as_90(edit):
    text = edit("      round: 2\n", "      round: 2\n      hour: 1:30\n")
    r = invoke("run", "s.yaml", "--policy", "incremental", "-q")
    refused(r, f"s.yaml:{line_col(text, '1:30')}", "incidents.scheduled[0].hour: should be a number (got '1:30')")


def test_leading_zero_is_decimal(edit):
    edit("weight: 60 ", "weight: 017 ")
    assert invoke("validate", "s.yaml").exit_code == 0
    assert load_scenario("s.yaml").party("north").stances["fishing"].weight == 17


# ---------------------------------------------------------------- strict numbers and booleans


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("weight: 60 ", "weight: true ", "true", "weight: should be a number (got true)"),
        ("weight: 60 ", 'weight: "60" ', '"60"', "weight: should be a number (got '60')"),
        ("duration_days: 30}", "duration_days: 30, monitoring: yes}", "yes}", "monitoring: should be true or false (got 'yes')"),
        ("duration_days: 30}", "duration_days: 30, monitoring: 1}", "1}", "monitoring: should be true or false (got 1)"),
        ("max_rounds: 10 ", "max_rounds: 10.5 ", "10.5", "clock.max_rounds: should be a whole number"),
        ("credibility: 0.7 ", "credibility: false ", "false", "mediator.credibility: should be a number (got false)"),
    ],
)
def test_numbers_and_booleans_are_strict(edit, old, new, needle, message):
    text = edit(old, new)
    r = invoke("validate", "s.yaml")
    refused(r, f"s.yaml:{line_col(text, new, new.index(needle))}", message)


# ---------------------------------------------------------------- control characters


def test_raw_control_character_is_located_at_its_own_column(tmp_path, monkeypatch, template_text):
    monkeypatch.chdir(tmp_path)
    text = template_text.replace("title: A harbour dispute (example)", "title: A harbour \x1b[2J dispute")
    Path("s.yaml").write_text(text, encoding="utf-8")
    r = invoke("validate", "s.yaml")
    out = refused(r, f"s.yaml:{line_col(text, chr(27))}", "control character U+001B", "remove it")
    assert "special characters are not allowed" not in out, "said plainly, not in the YAML parser's words"


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("title: A harbour dispute", '"ti\\etle": A harbour dispute', '"ti'),
        ("trust: {north: 0.4, mediator: 0.5}", 'trust: {"nor\\u001bth": 0.4, mediator: 0.5}', '"nor'),
        ("reads: {fishing.shared:", 'reads: {"fishing.sha\\ared":', '"fishing.sha'),
    ],
)
def test_control_characters_in_keys_are_refused_located(edit, old, new, needle):
    text = edit(old, new)
    out = refused(invoke("validate", "s.yaml"), f"s.yaml:{line_col(text, needle)}", "control character", "in a key",
                  "remove it")
    assert "\x1b" not in out and "\x07" not in out, "the key itself never reaches the terminal"


def test_control_characters_in_moves_file_keys(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text('moves:\n  - {propose: {"truce\\e[31m_scope": full_30_days}}\n', encoding="utf-8")
    r = invoke("run", str(FLAGSHIP), "--script", "m.yaml", "-q")
    refused(r, "m.yaml:2:16", "control character U+001B in a key", "remove it")


# ---------------------------------------------------------------- located cross references


def test_duplicate_incident_id_across_kinds_is_located_at_the_random_one(edit):
    text = edit("id: net-cutting", "id: boat-rammed")
    r = invoke("validate", "s.yaml")
    random_part = text.index("  random:")
    where = line_col(text[random_part:], "id: boat-rammed", 4).split(":")
    refused(r, f"s.yaml:{text.count(chr(10), 0, random_part) + int(where[0])}:{where[1]}",
            "incidents.random[0].id: duplicate incident id 'boat-rammed'", "must be unique")


def test_empty_option_list_in_a_tier_is_a_located_error(edit):
    text = edit("when: {fishing: [shared]}}", "when: {fishing: []}}")
    where = f"s.yaml:{line_col(text, '[]}}')}"
    fix = ("outcomes[0].when.fishing", "lists no option", "list at least one option of fishing")
    refused(invoke("validate", "s.yaml"), where, *fix)
    refused(invoke("run", "s.yaml", "--policy", "incremental", "-q"), where, *fix)



def test_a_party_called_mediator_is_refused_at_its_id(edit):
    text = edit("  - id: south", "  - id: mediator")
    refused(invoke("validate", "s.yaml"), f"s.yaml:{line_col(text, 'id: mediator', 4)}",
            "parties[1].id: 'mediator' is reserved for the mediator", "give the party another id")


def test_two_parties_with_one_id_are_each_checked_by_their_own_stances(edit, template_text):
    south = template_text.index("  - id: south")
    changed = template_text[south:].replace("  - id: south", "  - id: north", 1).replace("      pier:", "      pir:", 1)
    text = edit(template_text[south:], changed)
    r = invoke("validate", "s.yaml")
    second = text.count("\n", 0, south) + 1  # the second party's line: its id is what is refused
    refused(r, f"s.yaml:{second}:9", "parties[1].id: duplicate party id 'north'")
    refused(r, f"s.yaml:{line_col(text, 'pir:')}", "parties[1].stances.pir: unknown issue 'pir'", "did you mean 'pier'")


# ---------------------------------------------------------------- files that are not regular files


def test_devices_and_folders_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused(invoke("validate", "/dev/zero"), "/dev/zero:1:1", "not a regular file", "give a file on disk")
    refused(invoke("run", str(FLAGSHIP), "--script", "/dev/zero", "-q"), "/dev/zero:1:1", "give a moves file on disk")
    Path("d.yaml").mkdir()
    refused(invoke("validate", "d.yaml"), "d.yaml:1:1", "folder", "name a file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkfifo("f.yaml")
    refused(invoke("validate", "f.yaml"), "f.yaml:1:1", "not a regular file", "give a file on disk")
    refused(invoke("run", str(FLAGSHIP), "--script", "f.yaml", "-q"), "f.yaml:1:1", "give a moves file on disk")


def test_too_large_file_names_the_limit_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("big.yaml").write_text("a: " + "x" * 1_000_001 + "\n", encoding="utf-8")
    refused(invoke("validate", "big.yaml"), "big.yaml:1:1", "the limit is 1,000,000", "trim its text")


def test_moves_file_with_too_many_moves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text("moves:\n" + "  - wait\n" * (MAX_MOVES + 1), encoding="utf-8")
    r = invoke("run", str(FLAGSHIP), "--script", "m.yaml", "-q")
    refused(r, f"m.yaml:{MAX_MOVES + 2}:5", f"at most {MAX_MOVES:,}", "split it or remove moves")


# ---------------------------------------------------------------- --sources stays inside its folder


def test_source_file_outside_the_sources_folder_is_refused(edit, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "outside.txt").write_text("No pier in our waters.", encoding="utf-8")
    text = edit("file: gazette.txt", "file: ../outside.txt")
    r = invoke("validate", "s.yaml", "--sources", "src")
    refused(r, f"s.yaml:{line_col(text, '../outside.txt')}", "is outside src", "name a file inside the --sources folder")


def test_source_symlink_leading_out_of_the_folder_is_refused(edit, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "gazette.txt").symlink_to("/etc/hostname")
    text = edit("file: gazette.txt", "file: gazette.txt")
    r = invoke("validate", "s.yaml", "--sources", "src")
    refused(r, f"s.yaml:{line_col(text, 'file: gazette.txt', 6)}", "is outside src")


def test_a_source_found_by_its_id_that_links_out_of_the_folder_is_named(edit, tmp_path, template_text):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "gazette.txt").symlink_to("/etc/hostname")
    line = next(ln for ln in template_text.splitlines(keepends=True) if ln.strip().startswith("file: gazette.txt"))
    text = edit(line, "")  # no file: the source is looked up as gazette.*
    r = invoke("validate", "s.yaml", "--sources", "src")
    refused(r, f"s.yaml:{line_col(text, 'id: gazette', 4)}", "gazette.txt links outside src",
            "copy the article's text into the folder")


# ---------------------------------------------------------------- what the engine can simulate


def test_simulated_span_is_bounded(edit):
    text = edit("round_hours: 24", "round_hours: 8760")
    Path("s.yaml").write_text(text := text.replace("max_rounds: 10", "max_rounds: 1000"), encoding="utf-8")
    r = invoke("run", "s.yaml", "--policy", "incremental", "-q")
    refused(r, f"s.yaml:{line_col(text, 'max_rounds: 1000', 12)}", f"the limit is {MAX_SPAN_HOURS:,}",
            "lower clock.max_rounds or clock.round_hours")
    # Set on the command line, the value refused is not the one the file holds: the argument is named.
    edit("round_hours: 24", "round_hours: 8760")
    r = invoke("run", "s.yaml", "--policy", "incremental", "-q", "--set", "clock.max_rounds=1000")
    refused(r, "--set clock.max_rounds=1000 (column 18)", f"the limit is {MAX_SPAN_HOURS:,}")


def test_expected_incident_candidates_are_bounded(edit):
    text = edit("max_rounds: 10", "max_rounds: 1000")
    r = invoke("validate", "s.yaml")  # 0.1/day over 1000 days is fine
    assert r.exit_code == 0, r.stderr
    r = invoke("run", "s.yaml", "--policy", "incremental", "-q", "--set", "incidents.random.net-cutting.rate_per_day=24")
    refused(r, f"s.yaml:{line_col(text, '    - id: net-cutting', 4)}", f"the limit is {MAX_INCIDENT_CANDIDATES:,}",
            "lower incidents.random[*].rate_per_day, dynamics.distrust_rate_gain")


def test_the_flagships_documented_blow_up_is_refused_quickly():
    r = invoke("run", str(FLAGSHIP), "--policy", "incremental", "--set", "clock.max_rounds=1000",
               "--set", "clock.round_hours=8760", "--set", "dynamics.distrust_rate_gain=10")
    refused(r, "--set clock.max_rounds=1000 (column 18)", "clock.max_rounds", "lower clock.max_rounds or clock.round_hours")
