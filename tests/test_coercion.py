"""Coercion has a price: acceptances that clear only under pressure, or below the status quo, are
marked; coerced agreements are denounced at the scenario's rate; the forecast shows it.

The fixture (tests/fixtures/coercion.yaml): Ukraine's walk-away starts at 60, no deal is worth
65 to it, and an open corridor with eased sanctions 55; the "squeeze" lever pushes its walk-away
to 45, "nudge" by only 2.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.analysis.forecast import durability
from sim.cli import main
from sim.engine.coercion import is_coerced, reference_reservation
from sim.engine.events import AgreementDenounced, AgreementReached, Responded, TierChanged
from sim.engine.session import Session
from sim.report.debrief import compute, describe_forecast
from sim.report.wire import line
from sim.scenario.actions import lever, propose, wait
from sim.scenario.loader import load_scenario
from sim.scenario.model import scenario_hash
from tests.conftest import write

FIXTURE = Path(__file__).parent / "fixtures" / "coercion.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
DEAL = {"corridor": "open", "sanctions": "eased"}
FAIR = TEXT.replace("kept: 60, eased: 10}", "kept: 60, eased: 50}")
"""Eased sanctions worth 50 to Ukraine: the deal (75) beats no deal and its walk-away at the start."""


def load(tmp_path, text: str = TEXT, name: str = "s.yaml"):
    return load_scenario(write(tmp_path, text, name))


def rate(text: str, value: str) -> str:
    """The fixture with another ``coerced_denounce_per_day`` ("" drops the field)."""
    old = "dynamics:\n  coerced_denounce_per_day: 0.5\n"
    assert old in text
    return text.replace(old, f"dynamics:\n  coerced_denounce_per_day: {value}\n" if value else "")


def of(session, cls):
    return [e for e in session.events if isinstance(e, cls)]


def answer(session, party: str) -> Responded:
    return [e for e in of(session, Responded) if e.party == party][-1]


def test_the_formulas():
    assert reference_reservation(45, 60, -15) == 60, "levers undone"
    assert reference_reservation(55, 60, -5) == 60
    assert reference_reservation(55, 50, -5) == 55, "levers did not push it below where it started"
    assert reference_reservation(40, 50, -5) == 45, "only the levers' part is undone"
    assert is_coerced(50, 65, None) and not is_coerced(70, 65, None)
    assert is_coerced(55, 40, 60) and not is_coerced(61, 40, 60)


def test_an_acceptance_that_clears_only_under_pressure_is_coerced(tmp_path):
    s = load(tmp_path)
    free = Session(s, 1, [propose(**DEAL)])
    assert not answer(free, "ukr").accept, "without the lever Ukraine says no"
    game = Session(s, 1, [lever("squeeze"), propose(**DEAL)])
    ukr, rus = answer(game, "ukr"), answer(game, "rus")
    assert ukr.accept and ukr.coerced and rus.accept and not rus.coerced
    (reached,) = of(game, AgreementReached)
    assert reached.coerced == ("ukr",) and game.coerced == ("ukr",)
    assert ukr.to_dict()["coerced"] is True and "coerced" not in rus.to_dict()
    assert json.loads(reached.to_json())["coerced"] == ["ukr"]
    assert line(s, ukr).startswith("Ukraine ! accepts under pressure")
    assert line(s, rus).startswith("Russia ✓ accepts")


def test_a_lever_the_acceptance_did_not_need_coerces_nothing(tmp_path):
    # Walk-away 60 -> 58: the deal worth 75 clears either way, and it beats the status quo.
    s = load(tmp_path, FAIR)
    game = Session(s, 1, [lever("nudge"), propose(**DEAL)])
    assert answer(game, "ukr").accept and not answer(game, "ukr").coerced
    assert of(game, AgreementReached)[0].coerced == () and game.coerced == ()


def test_the_lever_criterion_alone(tmp_path):
    # No deal now worth 45 to Ukraine: the deal (55) beats it, but clears only because the
    # squeeze pushed the walk-away from 60 to 45.
    s = load(tmp_path, TEXT.replace("values: {closed: 70, open: 100}", "values: {closed: 30, open: 100}"))
    assert s.party("ukr").stances["corridor"].values["closed"] == 30
    game = Session(s, 1, [lever("squeeze"), propose(**DEAL)])
    assert answer(game, "ukr").accept and answer(game, "ukr").coerced


def test_below_the_status_quo_is_coerced_without_any_lever(tmp_path):
    s = load(tmp_path, TEXT.replace("reservation: 60", "reservation: 40"))
    game = Session(s, 1, [propose(**DEAL)])
    assert answer(game, "ukr").accept and answer(game, "ukr").coerced, "55 for Ukraine against 65 for no deal"


def test_unset_rate_marks_nothing_and_keeps_old_transcripts(tmp_path):
    s = load(tmp_path, rate(TEXT, ""))
    assert s.dynamics.coerced_denounce_per_day is None
    assert scenario_hash(s) == scenario_hash(load(tmp_path, rate(TEXT, "") + "\n# same\n", "t.yaml"))
    game = Session(s, 1, [lever("squeeze"), propose(**DEAL), wait(9)])
    assert not answer(game, "ukr").coerced and "coerced" not in answer(game, "ukr").to_dict()
    assert "coerced" not in of(game, AgreementReached)[0].to_dict()
    assert not of(game, AgreementDenounced) and game.agreement is not None
    assert game.coerced == ("ukr",), "the engine still knows (the debrief says so)"


def test_a_coerced_agreement_is_denounced_at_the_scenario_rate(tmp_path):
    s = load(tmp_path)
    game = Session(s, 1, [lever("squeeze"), propose(**DEAL), wait(9)])
    (d,) = of(game, AgreementDenounced)
    assert (d.party, d.cause) == ("ukr", "coerced") and 12 < d.t < 240
    assert game.agreement is None and game.tier == 0 and game.coerced == ()
    assert [e.level for e in of(game, TierChanged)] == [1, 0]
    assert line(s, d) == "✗ DENOUNCED: Ukraine denounces the agreement it accepted only under pressure"
    again = Session(s, 1, game.actions)
    assert [e.to_json() for e in again.events] == [e.to_json() for e in game.events], "same seed, same game"
    zero = Session(load(tmp_path, rate(TEXT, "0"), "z.yaml"), 1, game.actions)
    assert answer(zero, "ukr").coerced and not of(zero, AgreementDenounced) and zero.agreement is not None
    # An agreement nobody was coerced into is never denounced, whatever the rate.
    fair = Session(load(tmp_path, FAIR, "f.yaml"), 1, [propose(**DEAL), wait(9)])
    assert fair.agreement is not None and not of(fair, AgreementDenounced)


def test_denunciation_times_follow_the_rate(tmp_path):
    # Exponential with mean 1/0.5 = 2 days after the agreement (hour 12).
    s = load(tmp_path)
    days = []
    for seed in range(200):
        game = Session(s, seed, [lever("squeeze"), propose(**DEAL), wait(9)])
        ds = of(game, AgreementDenounced)
        days.append((ds[0].t - 12) / 24 if ds else math.inf)
    within_one = sum(d <= 1 for d in days) / len(days)
    assert within_one == pytest.approx(1 - math.exp(-0.5), abs=0.1)


def test_the_forecast_prices_coercion(tmp_path):
    s = load(tmp_path)
    acts = [lever("squeeze"), propose(**DEAL)]
    d = durability(s, 0, acts, days=(1, 7), runs=120)
    assert d is not None and d.coerced == ("ukr",) and d.denounce_per_day == 0.5
    assert d.breaks["denounce"] > 0 and d.breaks["collapse"] == 0
    assert d.held[0] == pytest.approx(math.exp(-0.5), abs=0.12)
    assert d.held[1] < 0.1, "e^-3.5 ≈ 3% still in force after a week"
    assert "Coerced into it: Ukraine" in describe_forecast(d, s) and "0.5 a day" in describe_forecast(d, s)
    unpriced = durability(load(tmp_path, rate(TEXT, ""), "u.yaml"), 0, acts, days=(1, 7), runs=40)
    assert unpriced is not None and unpriced.held == (1.0, 1.0) and unpriced.coerced == ("ukr",)
    assert "sets no rate of denunciation" in describe_forecast(unpriced, s)
    fair = durability(load(tmp_path, FAIR, "f.yaml"), 0, [propose(**DEAL)], days=(1, 7), runs=40)
    assert fair is not None and fair.coerced == () and fair.held == (1.0, 1.0)


def test_a_forced_package_below_the_status_quo_is_coerced(tmp_path):
    s = load(tmp_path)
    game = Session(s, 0)
    game.force_agreement(DEAL)
    assert game.coerced == ("ukr",) and of(game, AgreementReached)[0].coerced == ("ukr",)
    r = CliRunner().invoke(main, ["analyze", str(write(tmp_path, TEXT, "a.yaml")), "--agreement",
                                  "corridor=open,sanctions=eased", "--runs", "40", "--json"])
    assert r.exit_code == 0, r.output
    f = json.loads(r.output)["forecast"]
    assert f["coerced"] == ["ukr"] and f["coerced_denounce_per_day"] == 0.5 and f["ended_by"]["denounce"] > 0
    text = CliRunner().invoke(main, ["analyze", str(write(tmp_path, TEXT, "a.yaml")), "--agreement",
                                     "corridor=open,sanctions=eased", "--runs", "40"]).output
    assert "Coerced into it: Ukraine" in text


def test_the_debrief_flags_the_coerced_party(tmp_path):
    s = load(tmp_path, rate(TEXT, "0"))
    d = compute(Session(s, 1, [lever("squeeze"), propose(**DEAL), wait(9)]), forecast_runs=20)
    assert d.coerced == ("Ukraine",)
    ukr = next(p for p in d.parties if p.id == "ukr")
    assert ukr.coerced and "accepted under pressure" in ukr.verdict
    assert d.forecast is not None and d.forecast.coerced == ("ukr",)


def test_the_tui_marks_a_coerced_acceptance(tmp_path):
    from tui.widgets.party import answer_content
    from tui.widgets.wire import event_style

    s = load(tmp_path)
    game = Session(s, 1, [lever("squeeze"), propose(**DEAL)])
    ukr, rus = answer(game, "ukr"), answer(game, "rus")
    assert "accepted under pressure (coerced)" in answer_content(s, ukr).plain
    assert "under pressure" not in answer_content(s, rus).plain and "accepted" in answer_content(s, rus).plain
    assert (event_style(ukr), event_style(rus)) == ("warning", "success")
    assert event_style(of(game, AgreementReached)[0]) == "warning"
    assert line(s, of(game, AgreementReached)[0]).endswith("— accepted under pressure by Ukraine")
    fair = Session(load(tmp_path, FAIR, "f.yaml"), 1, [propose(**DEAL)])
    assert event_style(of(fair, AgreementReached)[0]) == "success"
    assert "under pressure" not in line(s, of(fair, AgreementReached)[0])
    denounced = Session(s, 1, [*game.actions, wait(9)])
    assert event_style(of(denounced, AgreementDenounced)[0]) == "error"
