"""Sweeps: grids and Latin hypercubes of --set what-ifs, common random numbers, per-point summaries, Parquet."""

from __future__ import annotations

import csv
import json
import sys

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.runs.sweeps import SweepError, design, parse
from tests.conftest import TEMPLATE
from tests.helpers import invoke


def test_sweep_values_and_ranges():
    assert parse("parties.north.reservation=30,45, 60").values == ("30", "45", "60")
    assert parse("clock.max_rounds=4:10:3").values == ("4", "7", "10")
    assert parse("parties.north.concession=0.5:1:0.25").values == ("0.5", "0.75", "1")
    assert design(["a=1,2", "b=x,y,z"]) == [(("a", "1"), ("b", "x")), (("a", "1"), ("b", "y")), (("a", "1"), ("b", "z")),
                                           (("a", "2"), ("b", "x")), (("a", "2"), ("b", "y")), (("a", "2"), ("b", "z"))]
    assert design([]) == [()]
    for bad, message in [("a", "write PATH="), ("a=1:x:1", "not a number"), ("a=5:1:1", "below its low end"),
                         ("a=1:5:0", "step must be positive"), ("a=1,,2", "empty value")]:
        with pytest.raises(SweepError, match=message):
            parse(bad)
    with pytest.raises(SweepError, match="give a step"):
        design(["a=1:5"])
    with pytest.raises(SweepError, match="twice"):
        design(["a=1,2", "a=3"])


def test_latin_hypercube_puts_one_point_in_every_stratum():
    pts = design(["x=0.0:1.0", "y=10.0:20.0"], "lhs", 8, root=3)
    assert len(pts) == 8
    xs = sorted(float(dict(p)["x"]) for p in pts)
    ys = sorted(float(dict(p)["y"]) for p in pts)
    assert [int(x * 8) for x in xs] == list(range(8))
    assert [int((y - 10) / 10 * 8) for y in ys] == list(range(8))
    assert design(["x=0.0:1.0", "y=10.0:20.0"], "lhs", 8, root=3) == pts, "the design replays from the root seed"
    assert design(["x=0.0:1.0", "y=10.0:20.0"], "lhs", 8, root=4) != pts
    whole = design(["n=4:12"], "lhs", 4, root=0)
    assert all(dict(p)["n"].isdigit() for p in whole), "whole-number ends give whole numbers"
    assert sorted(int(dict(p)["n"]) for p in design(["n=0:9"], "lhs", 10, root=1)) == list(range(10))
    with pytest.raises(SweepError, match="0:9 holds only 10 whole number"):
        design(["n=0:9"], "lhs", 11)
    with pytest.raises(SweepError, match="interval"):
        design(["x=1,2"], "lhs", 3)
    with pytest.raises(SweepError, match="--samples"):
        design(["x=0.0:1.0"], "lhs", None)


def test_a_grid_sweep_rows_same_seeds_and_summary(tmp_path):
    out = tmp_path / "s.csv"
    r = invoke("batch", str(TEMPLATE), "--policy", "incremental", "--runs", "8", "--seed", "2",
               "--sweep", "parties.north.reservation=30,95", "--sweep", "clock.max_rounds=6:8:2", "--csv", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 4 * 8
    assert list(rows[0])[:4] == ["run", "id", "parties.north.reservation", "clock.max_rounds"]
    cells: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        cells.setdefault((row["parties.north.reservation"], row["clock.max_rounds"]), []).append(row)
    assert sorted(cells) == [("30", "6"), ("30", "8"), ("95", "6"), ("95", "8")]
    seeds = {tuple(x["seed"] for x in v) for v in cells.values()}
    assert len(seeds) == 1, "common random numbers: every point plays the same seeds"
    assert len({x["id"] for x in rows}) == len(rows), "ids differ between points"
    # The what-if really changes the game: a north that wants 95 never settles, one that wants 30 does.
    assert all(x["best_tier"] == "" for k, v in cells.items() if k[0] == "95" for x in v)
    assert all(x["best_tier"] != "" for k, v in cells.items() if k[0] == "30" for x in v)
    assert max(int(x["rounds"]) for x in cells[("95", "6")]) == 6 and max(int(x["rounds"]) for x in cells[("95", "8")]) == 8
    assert "4 points × 8 runs" in r.output and "any tier" in r.output and "67.6%–100.0%" in r.output
    assert "failed" not in r.output, "a failed column only when runs failed"
    # A row replays with `run --set ... --seed`.
    row = cells[("30", "8")][3]
    j = tmp_path / "t.jsonl"
    invoke("run", str(TEMPLATE), "--policy", "incremental", "--seed", row["seed"], "--set", "parties.north.reservation=30",
           "--set", "clock.max_rounds=8", "--json", str(j), "-q")
    end = json.loads(j.read_text().splitlines()[-1])
    assert (end["best_tier"] or "") == row["best_tier"] and end["round"] + 1 == int(row["rounds"])


@pytest.mark.parametrize("width", [60, 80])
def test_a_sweep_summary_is_never_cut_in_a_narrow_terminal(tmp_path, monkeypatch, width):
    from sim.cli import common

    monkeypatch.setattr(common.out, "width", width)  # the console's own setter: as if the terminal were this wide
    monkeypatch.setattr(type(common.out), "is_terminal", property(lambda _: True))  # and a terminal (a pipe's never cut)
    r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "incremental", "--runs", "4",
                                  "--sweep", "parties.north.reservation=30,95", "--sweep", "clock.max_rounds=6:8:2",
                                  "--csv", str(tmp_path / "s.csv")])
    assert r.exit_code == 0, r.output
    table = r.output[r.output.index("┏"):r.output.index("┘") + 1]
    assert "…" not in table and all(len(line) <= width for line in table.splitlines())
    # Every interval whole on its own line, and each path readable once the header's lines are joined.
    assert table.count("51.0%–100.0%") == 2 and table.count("0.0%–49.0%") == 6
    header = table[:table.index("┡")]
    cols = ["".join(parts) for parts in zip(*[[c.strip() for c in line.split("┃")[1:-1]]
                                               for line in header.splitlines()[1:]], strict=True)]
    assert cols[:2] == ["parties.north.reservation", "clock.max_rounds"]


def test_an_lhs_sweep_from_the_command_line(tmp_path):
    out = tmp_path / "l.csv"
    r = invoke("batch", str(TEMPLATE), "--policy", "nash", "--runs", "3", "--design", "lhs", "--samples", "5",
               "--sweep", "parties.north.reservation=20:90", "--csv", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open()))
    values = sorted({int(x["parties.north.reservation"]) for x in rows})
    assert len(rows) == 15 and len(values) == 5 and all(20 <= v <= 90 for v in values)
    r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "nash", "--runs", "3", "--design", "lhs",
                                  "--sweep", "parties.north.reservation=20:90"])
    assert r.exit_code == 2 and "--samples" in r.output, "options that do not go together: a usage error"


def test_a_sweep_of_a_field_that_does_not_exist_is_located():
    r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "nash", "--runs", "2",
                                  "--sweep", "parties.nort.reservation=1,2"])
    assert r.exit_code == 1 and "no item 'nort'" in r.stderr and "Traceback" not in r.output
    assert "--sweep parties.nort.reservation=1 (column 9): error" in r.stderr, "names the --sweep value, not --set"


def test_parquet_output_and_a_clean_error_without_pyarrow(tmp_path, monkeypatch):
    import pyarrow.parquet as pq  # a test extra: never skipped, so a broken install fails here
    out = tmp_path / "s.parquet"
    r = invoke("batch", str(TEMPLATE), "--policy", "incremental", "--runs", "5", "--sweep", "clock.max_rounds=4,6",
               "--out", str(out))
    assert r.exit_code == 0, r.output
    table = pq.read_table(out)
    assert table.num_rows == 10 and table.column("rounds").type == "int64"
    csv_out = tmp_path / "s.csv"
    invoke("batch", str(TEMPLATE), "--policy", "incremental", "--runs", "5", "--sweep", "clock.max_rounds=4,6",
           "--out", str(csv_out))
    assert [str(x["id"]) for x in table.to_pylist()] == [x["id"] for x in csv.DictReader(csv_out.open())]
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "nash", "--runs", "2", "--out",
                                  str(tmp_path / "x.parquet")])
    assert r.exit_code == 1 and "needs pyarrow" in r.stderr and not (tmp_path / "x.parquet").exists()


def test_parquet_option_writes_parquet_and_each_option_is_named_for_its_format(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "runs.parquet"
    r = invoke("batch", str(TEMPLATE), "--policy", "nash", "--runs", "3", "--parquet", str(out))
    assert r.exit_code == 0, r.output
    assert pq.read_table(out).num_rows == 3
    for args, said in [(["--parquet", str(tmp_path / "runs.csv")], "name the file .parquet"),
                       (["--csv", str(tmp_path / "runs.parquet")], "that name writes Parquet: use --parquet"),
                       (["--csv", str(tmp_path / "a.csv"), "--parquet", str(out)], "give one of --csv, --parquet or --out")]:
        r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "nash", "--runs", "2", *args])
        assert r.exit_code == 2 and said in r.output, (args, r.output)
    assert not (tmp_path / "runs.csv").exists() and not (tmp_path / "a.csv").exists()
