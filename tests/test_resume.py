"""Resume: stable run ids, an interrupted batch or sweep carries on with --resume, the output stays whole."""

from __future__ import annotations

import csv

import pytest

from sim.runs import batch
from sim.runs.batch import Cell, run_seed
from sim.scenario import loader
from tests.conftest import TEMPLATE
from tests.helpers import invoke

BATCH = ["batch", str(TEMPLATE), "--policy", "incremental", "--runs", "20", "--seed", "9"]



def test_run_ids_are_stable_and_name_scenario_what_ifs_policy_and_seed():
    s = loader.load_scenario(TEMPLATE)
    other = loader.load_scenario_located(TEMPLATE, ["parties.north.reservation=30"])[0]
    seed = run_seed(9, 3)
    base = Cell(s, "incremental").run_id(seed)
    assert base == Cell(loader.load_scenario(TEMPLATE), "incremental").run_id(seed)
    assert len({base, Cell(s, "nash").run_id(seed), Cell(s, "incremental").run_id(seed + 1),
                Cell(other, "incremental", ("parties.north.reservation=30",)).run_id(seed)}) == 4


def test_an_interrupted_batch_resumes_to_the_same_file(tmp_path, monkeypatch):
    full = tmp_path / "full.csv"
    assert invoke(*BATCH, "--csv", str(full)).exit_code == 0
    part = tmp_path / "part.csv"
    real = batch.one_run

    def stop_at_13(cell, root, index, run_id=None):
        if index == 13:
            raise KeyboardInterrupt
        return real(cell, root, index, run_id)

    monkeypatch.setattr(batch, "one_run", stop_at_13)
    r = invoke(*BATCH, "--csv", str(part))
    assert r.exit_code == 130 and "--resume" in r.stderr
    lines = part.read_text().splitlines()
    assert len(lines) == 1 + 13 and full.read_text().startswith(part.read_text()), "whole rows, in order"
    monkeypatch.setattr(batch, "one_run", real)
    calls = []
    monkeypatch.setattr(batch, "one_run", lambda *a: calls.append(a[2]) or real(*a))
    r = invoke(*BATCH, "--csv", str(part), "--resume")
    assert r.exit_code == 0, r.output
    assert calls == list(range(13, 20)), "only the missing runs are played"
    assert part.read_text() == full.read_text()
    assert "resuming" in r.stderr and "13 run(s) already there" in r.stderr
    assert "20 runs of harbour-dispute" in r.output, "the summary counts the rows read back too"
    calls.clear()
    assert invoke(*BATCH, "--csv", str(part), "--resume").exit_code == 0 and calls == []
    assert part.read_text() == full.read_text()


def test_a_sweep_resumes_whatever_rows_survived(tmp_path):
    sweep = [*BATCH, "--sweep", "parties.north.reservation=30,95"]
    full = tmp_path / "full.csv"
    assert invoke(*sweep, "--csv", str(full)).exit_code == 0
    head, *body = full.read_text().splitlines(keepends=True)
    part = tmp_path / "part.csv"
    part.write_text(head + "".join(body[::3]) + body[1][:25])  # a last line cut short is not a finished run
    r = invoke(*sweep, "--csv", str(part), "--resume")
    assert r.exit_code == 0, r.output
    got = part.read_text().splitlines(keepends=True)
    assert got[0] == head and sorted(got[1:]) == sorted(body)


def test_resume_refuses_another_batchs_file_and_needs_an_output(tmp_path):
    out = tmp_path / "b.csv"
    assert invoke(*BATCH, "--csv", str(out)).exit_code == 0
    before = out.read_text()
    r = invoke(*BATCH, "--sweep", "clock.max_rounds=4,5", "--csv", str(out), "--resume")
    assert r.exit_code == 1 and "columns are not this batch's" in r.stderr and out.read_text() == before
    assert invoke(*BATCH, "--resume").exit_code == 2
    fresh = tmp_path / "new.csv"
    r = invoke(*BATCH, "--csv", str(fresh), "--resume")
    assert r.exit_code == 0 and len(fresh.read_text().splitlines()) == 21, "resuming nothing starts afresh"


@pytest.mark.parametrize("device", ["/dev/null"])
def test_resume_into_a_device_is_refused(device):
    r = invoke(*BATCH, "--csv", device, "--resume")
    assert r.exit_code == 1 and "not a regular file" in r.stderr


def test_failed_runs_are_rows_and_resume_keeps_them(tmp_path):
    body = ("from sim.scenario.actions import wait\n"
            "class Odd:\n    def __init__(self, s, seed): self.bad = seed % 2\n"
            "    def decide(self, view):\n        if self.bad: raise ValueError('odd seed')\n        return wait()\n")
    (tmp_path / "odd.py").write_text(body)
    out = tmp_path / "o.csv"
    args = ["batch", str(TEMPLATE), "--policy", f"{tmp_path / 'odd.py'}:Odd", "--runs", "10", "--csv", str(out)]
    r = invoke(*args)
    assert r.exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert {(int(x["seed"]) % 2, x["status"]) for x in rows} == {(0, "ok"), (1, "failed")}
    assert invoke(*args, "--resume").exit_code == 0 and len(out.read_text().splitlines()) == 11
