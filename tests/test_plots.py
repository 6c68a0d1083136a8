"""Pictures: the outcome space of two parties with every proposal, the offer history, in the
debrief, the report and ``compare --plot``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine.session import Session
from sim.report import debrief, figures, markdown
from sim.report.space import offers, space
from sim.scenario import actions, loader
from tests.pilot import pilot_test
from tui.app import MediateApp
from tui.messages import OpenSession
from tui.screens.debrief import DebriefScreen
from tui.widgets.plots import OffersPlot, SpacePlot

FIXTURES = Path(__file__).parent / "fixtures"
DUO = FIXTURES / "explain-duo.yaml"
TRIO = FIXTURES / "consent-trio.yaml"


def played() -> Session:
    """Two refusals, then the Nash package (water shared half and half, bridge for trucks)."""
    s = loader.load_scenario(DUO)
    session = Session(s, 0, [actions.consult("up"), actions.propose(water="w0", bridge="b1"), actions.wait(3),
                             actions.propose(water="w70", bridge="b1"), actions.propose(water="w50", bridge="b2")])
    session.act(actions.wait(100))
    return session


def test_the_outcome_space_of_two_parties():
    session = played()
    sp = space(session, ("up", "down"))
    assert sp.frontier == ((63.0, 88.0), (91.0, 64.0)), "the two Pareto-optimal packages"
    assert sp.nash == pytest.approx((63.0, 88.0)) and sp.ks == pytest.approx((63.0, 88.0))
    assert sp.walk_away == (40.0, 45.0)
    assert [(n, ok) for n, _, ok in sp.offers] == [(1, False), (2, False), (3, True)]
    assert sp.offers[1][1] == pytest.approx((88.0, 52.0)), "utilities the parties answered with"
    assert sp.final == pytest.approx((63.0, 88.0)) and sp.agreed
    assert (57.0, 52.0) in sp.cloud and len(sp.cloud) == 6, "every package touching no red line"


def test_the_offer_history_has_each_proposal_in_order():
    hist = offers(played().events)
    assert [o.number for o in hist] == [1, 2, 3]
    assert [o.agreed for o in hist] == [False, False, True]
    assert hist[0].accepted == {"up": False, "down": False} and hist[2].utility == pytest.approx(
        {"up": 63.0, "down": 88.0})


def test_the_report_carries_the_figures_as_text():
    text = markdown.markdown_report(played(), forecast_runs=5)
    figs = text[text.index("## Figures"):]
    assert "```text" in figs and "Outcome space: Upton against Downton" in figs
    assert "Offer history: each proposal's utility to each party" in figs
    assert "\x1b[" not in figs, "plain text, no colour codes"
    block = figs.split("```text\n", 1)[1].split("```", 1)[0]
    assert "★" in block and "x" in block and "Pareto frontier" in block


def test_three_parties_give_a_space_per_pair():
    s = loader.load_scenario(TRIO)
    session = Session(s, 0, [actions.wait(s.clock.max_rounds)])
    d = debrief.compute(session, forecast_runs=0)
    assert [sp.pair for sp in d.spaces] == [(a, b) for i, a in enumerate(s.party_ids) for b in s.party_ids[i + 1:]]
    assert not d.offers


def test_compare_plot_draws_the_class_on_one_plane(tmp_path):
    runner = CliRunner()
    a, b = tmp_path / "ann.jsonl", tmp_path / "ben.jsonl"
    runner.invoke(main, ["run", str(DUO), "--policy", "maximal", "--seed", "1", "-q", "--json", str(a)])
    runner.invoke(main, ["run", str(DUO), "--policy", "wait", "--seed", "2", "-q", "--json", str(b)])
    r = runner.invoke(main, ["compare", str(a), str(b), "--scenario", str(DUO), "--plot"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "The class's deals: Upton against Downton" in r.output
    assert re.search(r"★ *1", r.output) and re.search(r"★ *2", r.output), "each game's deal, numbered as its row"
    r = runner.invoke(main, ["compare", str(a), "--scenario", str(DUO), "--plot", "--pair", "up,nobody"])
    assert r.exit_code != 0 and "--pair needs two party ids" in r.output


def test_figures_render_as_text_at_any_width():
    s = loader.load_scenario(DUO)
    sp = space(played(), ("up", "down"))
    for width in (40, 78, 120):
        text = figures.as_text(figures.draw_space, s, sp, width=width, height=20)
        assert max(len(line) for line in text.splitlines()) <= width


@pilot_test
async def test_the_debrief_draws_the_plots_and_cycles_pairs():
    s = loader.load_scenario(TRIO)
    session = Session(s, 0, [actions.wait(s.clock.max_rounds)])
    app = MediateApp(str(TRIO), seed=0)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(OpenSession(session, str(TRIO)))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        plot = screen.query_one(SpacePlot)
        first = plot.space.pair
        assert first == tuple(s.party_ids[:2])
        screen.query_one("#debrief-tabs").active = "tab-space"
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert plot.space.pair != first, "x draws the next pair"
        assert not screen.query(OffersPlot), "no proposal, no offer history"
