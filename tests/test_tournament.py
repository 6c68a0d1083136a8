"""Tournaments: every mediator on the same seeds, baselines, paired statistics, a ranking, CSV."""

from __future__ import annotations

import csv

import numpy as np
from click.testing import CliRunner

from sim.analysis.paired import bootstrap_ci, holm, sign_flip_p
from sim.cli import main
from sim.runs.tournament import METRICS, lineup, run_tournament
from sim.scenario import loader
from tests.conftest import FLAGSHIP, TEMPLATE


def test_holm_and_the_paired_tests_by_hand():
    assert holm([0.01, 0.04, 0.03]) == [0.03, 0.06, 0.06]
    assert holm([0.5, 0.001]) == [0.5, 0.002]
    rng = np.random.default_rng(0)
    assert sign_flip_p(np.zeros(30), rng) == 1.0
    shifted = rng.normal(1.0, 1.0, 60)
    assert sign_flip_p(shifted, rng, 999) == 1 / 1000, "a clear shift: no flip reaches it"
    assert sign_flip_p(rng.normal(0.0, 1.0, 60), rng, 999) > 0.01
    lo, hi = bootstrap_ci(shifted, rng)
    assert lo < shifted.mean() < hi and hi - lo < 1.0


def test_a_mediator_beats_no_mediator_on_the_template():
    s = loader.load_scenario(TEMPLATE)
    st = run_tournament([s], ["incremental"], 30, root=1)
    assert st.policies == ["incremental", "wait", "random"] and st.reference == "wait"
    assert st.ranking()[0] == "incremental" and st.ranking()[-1] == "wait"
    assert st.means["wait"]["tier"] == 0 and st.means["incremental"]["tier"] >= 1
    tier = next(c for c in st.comparisons if c.policy == "incremental" and c.metric == "tier")
    assert tier.n == 30 and tier.mean_diff >= 1 and tier.low > 0 and tier.p_holm < 0.01
    assert len(st.comparisons) == 2 * len(METRICS)
    assert all(c.p_holm >= c.p for c in st.comparisons)
    again = run_tournament([s], ["incremental"], 30, root=1)
    assert [(c.mean_diff, c.low, c.p) for c in again.comparisons] == [(c.mean_diff, c.low, c.p) for c in st.comparisons]


def test_the_tournament_command(tmp_path):
    out = tmp_path / "t.csv"
    r = CliRunner().invoke(main, ["tournament", str(TEMPLATE), str(FLAGSHIP), "--policies", "incremental,nash",
                                  "--runs", "4", "--csv", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 2 * 4 * 4
    assert list(rows[0])[:5] == ["run", "id", "scenario", "policy", "seed"]
    seeds = {(x["scenario"], x["policy"]): [x["seed"] for x in rows if (x["scenario"], x["policy"]) == (sc, p)]
             for x in rows for sc, p in [(x["scenario"], x["policy"])]}
    for sc in ("harbour-dispute", "energy-truce-2025-03"):
        assert len({tuple(seeds[(sc, p)]) for p in lineup(["incremental", "nash"])}) == 1, "the same seeds for all"
    assert "Ranking" in r.output and "Paired differences from wait" in r.output and "Holm" in r.output
    assert "coerced" in r.stderr or "coerced" in r.output


def test_tournament_tables_fit_80_columns_uncut(monkeypatch):
    from sim.cli import common

    monkeypatch.setattr(common.out, "width", 80)  # the console's own setter: an 80-column terminal
    r = CliRunner().invoke(main, ["tournament", str(TEMPLATE), "--policies", "incremental,maximal", "--runs", "12"])
    assert r.exit_code == 0, r.output
    tables = r.output[r.output.index("┏"):r.output.rindex("┘") + 1]
    assert "…" not in tables.replace(" … ", ""), "a cell was cut"
    assert all(len(line) <= 80 for line in tables.splitlines() if line[:1] in "┏┃┡│├└"), "a table is too wide"
    paired = tables[tables.index("Paired"):]
    # The policy is named once per block, and each significant line is starred beside its p.
    assert sum(line.startswith("│ incremental ") for line in paired.splitlines()) == 1
    assert " * │" in paired and "* p < 0.05" in paired


def test_tournament_errors_are_clean():
    r = CliRunner().invoke(main, ["tournament", str(TEMPLATE), "--policies", "incremental,nope", "--runs", "2"])
    assert r.exit_code == 1 and "unknown policy 'nope'" in r.stderr
    r = CliRunner().invoke(main, ["tournament", str(TEMPLATE), str(TEMPLATE), "--policies", "nash", "--runs", "2"])
    assert r.exit_code == 2 and "named twice" in r.output
    r = CliRunner().invoke(main, ["tournament", str(TEMPLATE), "--policies", "nash,incremental,nash", "--runs", "2"])
    assert r.exit_code == 2 and "policy nash is named twice in --policies" in r.output
    r = CliRunner().invoke(main, ["tournament", str(TEMPLATE), "--policies", " , ", "--runs", "2"])
    assert r.exit_code == 2
