"""Forecasts are calibrated: the estimated threshold moves every round as the real one does,
confident marks are right at least 90 % of the time, and a forecast no says why."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sim.engine.events import Hinted, Responded
from sim.engine.session import Session
from sim.scenario import actions, loader
from tests.pilot import pilot_test
from tui.app import MediateApp
from tui.screens.negotiation import NegotiationScreen
from tui.widgets.party import forecast_warning, prediction_content

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "schema1"
_spec = importlib.util.spec_from_file_location("forecast_bench", ROOT / "benchmarks" / "forecast.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["forecast_bench"] = bench  # dataclasses look their module up while the class is made
_spec.loader.exec_module(bench)


def flagship():
    return loader.load_scenario(FIXTURES / "energy-truce-schema1.yaml")


def template():
    return loader.load_scenario(FIXTURES / "template-schema1.yaml")


def test_estimated_threshold_moves_every_round_without_a_new_answer():
    s = flagship()
    session = Session(s, 0)
    package = s.complete({"truce_scope": "energy"})
    events = session.act(actions.propose(truce_scope="energy"))
    assert any(isinstance(e, Responded) for e in events)
    said = {pid: session.view().party(pid).last_response for pid in s.party_ids}
    estimates, truths = [], []
    for _ in range(4):
        view = session.view()
        assert {pid: view.party(pid).last_response for pid in s.party_ids} == said  # no new answer
        estimates.append({pid: view.estimate(pid, package)[1] for pid in s.party_ids})
        truths.append({pid: session.threshold(pid) for pid in s.party_ids})
        session.act(actions.wait())
    for pid in s.party_ids:
        est = [e[pid] for e in estimates]
        real = [t[pid] for t in truths]
        assert all(b < a for a, b in zip(est, est[1:], strict=False)), (pid, est)
        # It moves the way the real threshold does.
        assert all((b < a) == (d < c) for a, b, c, d in zip(est, est[1:], real, real[1:], strict=False))


def test_confident_marks_are_right_at_least_90_percent_on_a_modest_sample():
    records = []
    for s in (flagship(), template()):
        records += bench.collect(s, 5)  # 5 games of each of the 4 policies: 40 games
    right, total = bench.confident_right(records)
    assert total >= 200
    assert right / total >= 0.90, (right, total)
    # The chances are informative as well as confident: better than always saying 50 %.
    assert bench.brier(records) < 0.15
    # Marks are not all hedged: most forecasts commit to a ✓ or ✗.
    assert total / len(records) >= 0.5


def test_a_forecast_no_says_which_party_and_what_falls_short():
    s = flagship()
    session = Session(s, 0)
    view = session.view()
    package = s.default_package  # the status quo: nothing either side asks for
    preds = view.predict(package)
    pid, pred = next((p, x) for p, x in preds.items() if x.verdict != "accept" and not x.red_lines)
    pv = view.party(pid)
    assert pred.gaps and pred.probability is not None and pred.probability < 0.85
    issue = pred.gaps[0][0]
    warning = forecast_warning(s, pv, pred)
    assert warning is not None and warning.startswith(pv.name) and s.issue(issue).title in warning
    assert s.issue(issue).title in prediction_content(s, pv, pred).plain or pred.verdict == "unsure"


@pilot_test
async def test_the_hint_says_who_may_refuse_it_and_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = flagship()
    app = MediateApp(str(FIXTURES / "energy-truce-schema1.yaml"))
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        await pilot.press("h")
        await pilot.pause()
        hinted = next(e for e in reversed(neg.session.events) if isinstance(e, Hinted))
        assert hinted.package is not None
        preds = neg.view.predict(hinted.package)
        doubtful = [pid for pid, p in preds.items() if p.verdict != "accept"]
        assert doubtful  # at the start nobody's answer to the hint is known to be yes
        notes = [x for x in neg.wire.plain_lines if x.startswith("» Forecast for the hint:")]
        assert len(notes) == len(doubtful)
        for pid, note in zip(doubtful, notes, strict=True):
            assert s.party(pid).name in note and ("short on" in note or "distrust" in note)
