"""Coercion, suspension, stakes, renewal, consent and `requires` reach the tournament scores,
the batch rows, the built-in policies and the analysis."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from sim.analysis.scenario_domains import full_nash, nash_distance
from sim.cli import main
from sim.engine.events import AgreementDenounced, AgreementLapsed, Renewed
from sim.engine.session import Session
from sim.runs import rows
from sim.runs.policies import play
from sim.runs.tournament import METRICS, Score, run_tournament
from sim.scenario import requires
from sim.scenario.actions import lever, propose, wait
from sim.scenario.loader import load_scenario
from tests.conftest import write

FIX = Path(__file__).parent / "fixtures"
COERCION = load_scenario(FIX / "coercion.yaml")
DEAL = {"corridor": "open", "sanctions": "eased"}
OLD_BATCH = ["run", "id", "seed", "tier", "best_tier", "end", "rounds", "days_in_force", "violations", "disputes",
             "walkout"]


def coerced_game(seed: int = 1) -> Session:
    return Session(COERCION, seed, [lever("squeeze"), propose(**DEAL), *[wait()] * 8])


def test_a_coerced_deal_scores_one_and_a_free_one_zero(tmp_path):
    assert Score()(coerced_game())["coerced"] == 1, "the squeeze made Ukraine's acceptance coerced"
    text = (FIX / "coercion.yaml").read_text(encoding="utf-8").replace("kept: 60, eased: 10}", "kept: 60, eased: 50}")
    fair = load_scenario(write(tmp_path, text, "fair.yaml"))
    free = Session(fair, 1, [propose(**DEAL), *[wait()] * 8])
    assert free.events and Score()(free)["coerced"] == 0
    assert Score()(Session(COERCION, 1, [wait()] * 3))["coerced"] == 0, "no deal, nothing coerced"


def test_the_tournament_compares_coerced_deals_like_every_measure():
    assert "coerced" in METRICS
    st = run_tournament([COERCION], ["incremental"], runs=3, reps=50)
    got = [c for c in st.comparisons if c.metric == "coerced"]
    assert [c.policy for c in got] == ["incremental", "random"] and all(c.n == 3 for c in got)
    assert st.means["wait"]["coerced"] == 0.0


def test_batch_rows_end_with_coercion_suspensions_denunciations_and_the_mediators_utility(tmp_path):
    game = coerced_game()
    assert any(isinstance(e, AgreementDenounced) for e in game.events), "the fixture's hazard denounces"
    got = rows.row(game, rows.BATCH_TAIL)
    assert got["coerced"] == "ukr" and got["denunciations"] == 1 and got["suspensions"] == 0
    assert got["mediator_utility"] == "", "this mediator holds no stakes"
    out = tmp_path / "b.csv"
    r = CliRunner().invoke(main, ["batch", str(FIX / "suspension-trio.yaml"), "--policy", "incremental",
                                  "--runs", "2", "--csv", str(out)])
    assert r.exit_code == 0, r.output
    table = list(csv.DictReader(out.open()))
    head = list(table[0])
    assert head[:len(OLD_BATCH)] == OLD_BATCH
    assert head[-6:] == ["coerced", "suspensions", "denunciations", "mediator_utility", "status", "error"]
    assert all(x["suspensions"] == "1" for x in table) and "suspensions" in r.output
    out2 = tmp_path / "g.csv"
    r = CliRunner().invoke(main, ["batch", str(FIX / "renewal.yaml"), "--policy", "nash", "--runs", "2",
                                  "--csv", str(out2)])
    assert r.exit_code == 0, r.output
    stakes = [float(x["mediator_utility"]) for x in csv.DictReader(out2.open())]
    assert stakes and all(u > 0 for u in stakes) and "mediator's own utility" in r.output


def test_built_in_policies_renew_what_would_lapse():
    s = load_scenario(FIX / "renewal.yaml")
    for policy in ("incremental", "maximal", "nash", "pressure"):
        game = play(s, policy, 0)
        assert any(isinstance(e, Renewed) for e in game.events), policy
        assert not any(isinstance(e, AgreementLapsed) for e in game.events), policy
        assert game.tier == 2, f"{policy}: the inspected corridor still stands at the end"


def test_the_full_information_nash_counts_only_the_parties_a_package_needs():
    s = load_scenario(FIX / "consent-trio.yaml")
    # Counting the guarantor on every package leaves nothing everyone accepts; the exports deal
    # needs only North and South.
    found = full_nash(Session(s, 0))
    assert found is not None
    pkg, u = found
    assert pkg == {"corridor": "keep", "exports": "move"}
    assert set(u) == set(s.party_ids) and u["north"] >= 30 and u["south"] >= 40
    d = nash_distance(Session(s, 0))
    assert d is not None and d["issues_differ"] == ["exports"]


BROKEN = (FIX / "renewal.yaml").read_text(encoding="utf-8")


def test_analysis_never_names_a_package_that_breaks_requires(tmp_path):
    # East now wants the corridor closed but the centre built: the additive search's best
    # package (closed, centre) is one the centre's `requires` forbids.
    text = BROKEN.replace("values: {closed: 20, open: 90}", "values: {closed: 90, open: 0}", 1)
    text = text.replace("values: {closed: 30, open: 80}", "values: {closed: 60, open: 50}", 1)
    assert text != BROKEN
    path = write(tmp_path, text, "broken.yaml")
    s = load_scenario(path)
    nash = full_nash(Session(s, 0))
    assert nash is not None and not requires.missing(s, nash[0])
    r = CliRunner().invoke(main, ["analyze", str(path), "--json"])
    assert r.exit_code == 0, r.output
    points = json.loads(r.output)["points"]
    for name, point in points.items():
        if point["package"] is not None:
            assert not requires.missing(s, s.complete(point["package"])), name
