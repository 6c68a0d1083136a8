"""`mediate analyze`, the scenario-to-domain glue, forecasts and the nash policy."""

from __future__ import annotations

import json
from itertools import product

import numpy as np
import pytest
from click.testing import CliRunner

from sim.analysis import nash_point
from sim.analysis.forecast import durability
from sim.analysis.scenario_domains import domain_from_scenario, domain_from_view, known_nash_package, nash_distance
from sim.cli import main
from sim.engine.rules import utility
from sim.engine.session import Session
from sim.runs.policies import play
from sim.scenario.actions import consult, load_moves
from sim.scenario.loader import load_scenario
from tests.conftest import FLAGSHIP, HISTORY, TEMPLATE, write
from tests.helpers import invoke


def test_domain_utilities_match_the_engine():
    s = load_scenario(TEMPLATE)
    dom = domain_from_scenario(s)
    for combo in product(*(range(len(i.options)) for i in s.issues)):
        pkg = dom.describe_package(combo)
        for n, p in enumerate(s.parties):
            w = {i: st.weight for i, st in p.stances.items()}
            assert dom.utilities(np.array(combo))[n] == pytest.approx(utility(p, w, pkg))


def test_domain_from_view_uses_only_public_knowledge():
    s = load_scenario(TEMPLATE)
    session = Session(s, 0)
    dom = domain_from_view(session.view())
    north = s.party_ids.index("north")
    pier = s.issue_ids.index("pier")
    cancelled = s.issue("pier").option_ids.index("cancelled")
    # North's pier stance is private: before any consultation the mediator assumes North
    # prefers the default and dislikes what South demands in public (cancelling it).
    before = dom.contrib[pier][north]
    assert before[cancelled] == 0 and before[0] > before[1] > 0
    assert not dom.red_lines[pier][north, cancelled], "a private red line is unknown"
    assert dom.reservation[north] == 50.0, "unknown reservations are assumed 50"
    session.act(consult("north"))
    session.act(consult("north"))
    dom = domain_from_view(session.view())
    w = {i: st.weight for i, st in s.party("north").stances.items()}
    expected = [w["pier"] * v / sum(w.values()) for v in (50, 100, 0)]
    assert dom.contrib[pier][north] == pytest.approx(expected)
    assert dom.reservation[north] == 40.0
    assert dom.red_lines[pier][north, cancelled]


def test_analyze_flagship_json_and_table():
    r = invoke("analyze", "energy-truce-2025-03", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["packages"] == int(np.prod([len(i.options) for i in load_scenario(FLAGSHIP).issues]))
    assert data["zopa"]["exact"] and data["zopa"]["count"] > 0
    assert data["frontier"]["packages"] >= 1
    assert data["tiers"][0]["reachable"]
    nash = data["points"]["nash"]["package"]
    assert nash["truce_scope"] in {"energy", "energy_infra", "full_30_days"}
    r = invoke("analyze", "energy-truce-2025-03", "--known", "--round", "3")
    assert r.exit_code == 0 and "Nash" in r.output and "Outcome tiers" in r.output


def test_analyze_names_blockers_and_relaxations_with_yaml_lines(tmp_path, template_text):
    text = template_text.replace("reservation: 40", "reservation: 99")
    path = write(tmp_path, text)
    r = invoke("analyze", str(path), "--json")
    data = json.loads(r.output)
    assert data["zopa"]["count"] == 0 and data["points"]["nash"]["package"] is None
    assert not any(t["reachable"] for t in data["tiers"])
    assert any("north can reach at most" in b for t in data["tiers"] for b in t["blockers"])
    first = data["relaxations"][0]
    line, col = next((n, ln.index("99") + 1) for n, ln in enumerate(text.splitlines(), 1) if "reservation: 99" in ln)
    assert first["party"] == "north" and first["kind"] == "reservation"
    assert first["at"].endswith(f":{line}:{col}"), "points at the YAML value to change"
    r = invoke("validate", str(path))
    assert r.exit_code == 0 and "no outcome tier is reachable" in r.output


def test_analyze_agreement_forecast():
    r = invoke("analyze", "energy-truce-2025-03", "--agreement", "truce_scope=energy", "--runs", "20", "--json")
    f = json.loads(r.output)["forecast"]
    # The energy pause runs 30 days: it holds a week and has lapsed by day 30 unless renewed.
    assert f["in_force"]["7"]["share"] == 1.0 and f["in_force"]["30"]["share"] == 0.0
    assert f["ended_by"]["lapse"] == 20
    r = invoke("analyze", "energy-truce-2025-03", "--agreement", "truce_scope=energy", "--runs", "20")
    assert "Durability of truce_scope=energy agreed now, over 20 runs" in " ".join(r.output.split()), \
        "the package as it was given, not a Python dict"
    r = CliRunner().invoke(main, ["analyze", "energy-truce-2025-03", "--agreement", "truce_scop=energy"])
    assert r.exit_code == 2 and "did you mean 'truce_scope'" in r.output


def test_forecast_sees_walkouts_and_shares_the_past(tmp_path, template_text):
    text = template_text.replace("rate_per_day: 0.1", "rate_per_day: 3")
    s = load_scenario(write(tmp_path, text))
    d = durability(s, 1, (), package={"fishing": "shared"}, days=(2, 8), runs=60)
    assert d is not None and d.held[0] >= d.held[1]
    assert 0 < d.held[1] < 1, "random incidents make some replicates break (walkouts) and not others"
    assert d.breaks["walkout"] > 0


def test_nash_policy_plays_the_flagship_to_the_end():
    s = load_scenario(FLAGSHIP)
    session = play(s, "nash", 0)
    assert session.ended and session.best_tier >= 1
    assert known_nash_package(session.view()) is not None


def test_history_ends_at_the_full_information_nash_package():
    s = load_scenario(FLAGSHIP)
    moves, _ = load_moves(HISTORY, s)
    session = Session(s, 0, moves.moves)
    d = nash_distance(session)
    assert d is not None
    dom = domain_from_scenario(s, session)
    assert dom.describe_package(nash_point(dom).package) == d["nash"]


def test_analyze_survives_huge_tied_frontiers(tmp_path, template_text):
    """Issues nobody cares about multiply tied packages past any listing limit (4^12 here)."""
    extra = "".join(f"""
  - id: spare{n}
    title: Spare {n}
    options: [{{id: a, label: A}}, {{id: b, label: B}}, {{id: c, label: C}}, {{id: d, label: D}}]"""
                    for n in range(12))
    text = template_text.replace("\nmediator:", extra + "\n\nmediator:")
    r = invoke("analyze", str(write(tmp_path, text)), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["frontier"]["ties_merged"] and data["frontier"]["packages"] >= 4**12
    assert data["points"]["nash"]["package"]["spare0"] == "a", "one representative per tied kind"
    assert data["tiers"][0]["reachable"]
    path = tmp_path / "s.yaml"
    assert invoke("validate", str(path)).exit_code == 0
    s = load_scenario(path)
    assert known_nash_package(Session(s, 0).view()) is not None
    session = play(s, "nash", 1)
    assert session.ended and nash_distance(session) is not None


def test_agreement_with_malformed_ids_is_a_usage_error_not_a_traceback():
    from click.testing import CliRunner

    from sim.cli import main

    r = CliRunner().invoke(main, ["analyze", "energy-truce-2025-03", "--agreement", "Bad Id=z"])
    assert r.exit_code == 2
    assert "lowercase letters" in r.output and "Traceback" not in r.output
