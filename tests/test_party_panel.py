"""A party panel's counter and forecast in a narrow terminal: the verdict and its chance come
first, in the lines a short panel shows, and the wording follows the panel's width."""

from __future__ import annotations

from textual.widgets import Static

from sim.engine.session import Session
from sim.scenario import loader
from tests.pilot import flagship_ref, norm, pilot_test
from tui.app import MediateApp
from tui.screens.negotiation import NegotiationScreen
from tui.widgets.party import NARROW, prediction_content, risk_line


def flagship():
    return loader.load_scenario(loader.resolve(flagship_ref()))


def test_the_short_forecast_opens_with_the_verdict_and_its_chance():
    s = flagship()
    view = Session(s, 0).view()
    preds = view.predict(s.default_package)
    for pid, pred in preds.items():
        pv = view.party(pid)
        short = prediction_content(s, pv, pred, short=True).plain
        long = prediction_content(s, pv, pred).plain
        first = short.split(" · ")[0]
        assert len(first) <= 16, first  # one line of a panel in a 60-column terminal
        assert first[0] in "✓✗?" and f"{pred.probability:.0%}" in first
        assert long.startswith("Forecast: ")
        # Nothing of substance is dropped: the estimate and the threshold are still there.
        assert f"est. {pred.utility:.0f}" in short and f"~{pred.threshold:.0f}" in short
    assert risk_line(view.party(s.party_ids[0]), short=True).plain == f"red lines 0/{s.parties[0].red_line_patience} ✓"


def test_a_short_forecast_names_the_red_line_it_touches():
    s = flagship()
    view = Session(s, 0).view()
    pid, issue, option = next((p.id, i, o) for p in s.parties for i, st in p.stances.items() for o in st.red_lines)
    package = s.complete({issue: option})
    pred = view.predict(package)[pid]
    text = prediction_content(s, view.party(pid), pred, short=True).plain
    assert text.startswith("✗ red line: ") and s.issue(issue).option(option).label in text


@pilot_test
async def test_the_panels_reword_their_forecast_as_the_terminal_narrows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = MediateApp(flagship_ref())
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)

        def shown() -> list[tuple[int, str, str]]:
            return [(p.size.width, norm(str(p.query_one("#party-risk", Static).render())),
                     norm(str(p.query_one("#party-prediction", Static).render()))) for p in neg.panels]

        for width, risk, forecast in shown():
            assert width >= NARROW and risk.startswith("red-line proposals") and forecast.startswith("Forecast:")
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        for width, risk, forecast in shown():
            assert width < NARROW and risk.startswith("red lines") and forecast[0] in "✓✗?"
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert all(f.startswith("Forecast:") for _, _, f in shown())
