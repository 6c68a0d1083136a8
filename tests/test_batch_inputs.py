"""What a batch is given that it cannot use: a table mended by hand or begun by another batch
(resume), a --set that a --sweep would override, a policy that fails every run, its own
scenario as output; and what it writes: a Parquet file of the usual mode with numeric sweeps."""

from __future__ import annotations

import csv
import os
import stat

import pytest

from tests.conftest import TEMPLATE
from tests.helpers import invoke

BATCH = ["batch", str(TEMPLATE), "--policy", "incremental", "--runs", "20", "--seed", "9"]


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "runs.csv"
    r = invoke(*BATCH, "--csv", path)
    assert r.exit_code == 0, r.output
    return path


def mend(path, line: int, column: str, value: str) -> None:
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    rows[line - 1][rows[0].index(column)] = value
    path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize(("column", "value", "why"), [
    ("rounds", "abc", "rounds is 'abc', not a number"),
    ("best_tier", "no_such_tier", "best_tier is 'no_such_tier', not a tier of harbour-dispute"),
])
def test_a_mended_row_is_located_not_a_traceback_or_a_wrong_sum(table, column, value, why):
    mend(table, 7, column, value)
    before = table.read_bytes()
    r = invoke(*BATCH, "--csv", table, "--resume")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"{table}:7:1: error: cannot resume: {why}: mend or remove the row" in " ".join(r.stderr.split())
    assert table.read_bytes() == before, "the table is left as it was"


def test_a_row_there_twice_is_refused(table):
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(lines[:6] + lines[5:6] + lines[6:]), encoding="utf-8")
    r = invoke(*BATCH, "--csv", table, "--resume")
    assert r.exit_code == 1 and f"{table}:7:1: error: cannot resume: run" in r.stderr and "is there twice" in r.stderr


def test_a_table_begun_by_another_batch_is_refused_not_mixed(table):
    before = table.read_bytes()
    other = [*BATCH[:3], "nash", *BATCH[4:]]
    r = invoke(*other, "--csv", table, "--resume")
    assert r.exit_code == 1
    assert f"{table}:2:1: error: cannot resume: run" in r.stderr and "not one of this batch's" in r.stderr
    assert "give the policy, root seed, scenario" in " ".join(r.stderr.split())
    assert table.read_bytes() == before


def test_a_set_that_a_sweep_would_override_is_refused():
    r = invoke(*BATCH, "--set", "parties.north.reservation=90", "--sweep", "parties.north.reservation=50,70")
    assert r.exit_code == 2
    assert "--set parties.north.reservation=90 and --sweep parties.north.reservation=… change the same field" in r.output


def test_a_batch_whose_every_run_failed_is_an_error_not_a_table_of_nan(tmp_path):
    plugin = tmp_path / "broken.py"
    plugin.write_text("class Broken:\n    def __init__(self, scenario, seed):\n        pass\n\n"
                      "    def decide(self, view):\n        raise ValueError('no idea')\n\n"
                      "    def observe(self, events):\n        pass\n", encoding="utf-8")
    out = tmp_path / "runs.csv"
    r = invoke("batch", TEMPLATE, "--policy", f"{plugin}:Broken", "--runs", "4", "--csv", out)
    assert r.exit_code == 1 and "nan" not in r.output
    assert "every run failed (the policy raised)" in r.stderr and "no idea" in r.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [row["status"] for row in rows] == ["failed"] * 4, "the rows with their errors are kept"


def test_the_output_may_not_be_the_scenario_it_reads(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    r = invoke("batch", scenario, "--policy", "nash", "--runs", "2", "--out", scenario)
    assert r.exit_code == 1 and "it is one of this command's inputs" in r.stderr
    assert scenario.read_text(encoding="utf-8") == TEMPLATE.read_text(encoding="utf-8")


def test_parquet_has_the_usual_mode_and_numeric_sweep_columns(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "lhs.parquet"
    r = invoke(*BATCH[:5], "5", "--design", "lhs", "--samples", "3", "--sweep", "parties.north.reservation=30:60",
               "--sweep", "parties.north.concession=0.5:2", "--parquet", out)
    assert r.exit_code == 0, r.output
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask, "an ordinary file, as a CSV is"
    table = pq.read_table(out)
    for column in ("parties.north.reservation", "parties.north.concession"):
        assert str(table.schema.field(column).type) in ("int64", "double"), table.schema


@pytest.mark.parametrize(("options", "message"), [
    (("--samples", "4"), "--samples goes with --design lhs"),
    (("--design", "lhs", "--sweep", "parties.north.reservation=30:60"), "--design lhs needs --samples N"),
    (("--design", "lhs", "--samples", "4"), "--design lhs needs at least one --sweep"),
])
def test_options_that_do_not_go_together_are_a_usage_error(options, message):
    r = invoke(*BATCH, *options)
    assert r.exit_code == 2 and message in r.output, r.output


def test_a_field_set_twice_is_a_usage_error():
    r = invoke(*BATCH, "--set", "parties.north.reservation=60", "--set", "parties.north.reservation=70")
    assert r.exit_code == 2 and "parties.north.reservation is set twice" in r.output
