"""The tiers and the terms explained: the briefing lists each tier and what it needs in option
labels, ``?`` has a glossary tab, panels show labels (never option ids), sources cite an outlet
or a plain description, and one term (walk-away point) is used wherever a user reads."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from sim.engine.session import Session
from sim.report import glossary, markdown
from sim.scenario import actions, loader
from tests.pilot import norm, pilot_test
from tui.app import MediateApp
from tui.messages import OpenSession
from tui.screens.briefing import BriefingScreen, tier_blocks
from tui.screens.help import HelpScreen
from tui.screens.negotiation import NegotiationScreen
from tui.widgets.bars import THRESHOLD_MARK, bar_content
from tui.widgets.party import PartyPanel

DUO = Path(__file__).parent / "fixtures" / "explain-duo.yaml"


def rich_text(renderable) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def duo():
    return loader.load_scenario(DUO)


def test_briefing_lists_every_tier_with_the_labels_it_needs():
    s = duo()
    text = norm("\n".join(str(c) for _, c in tier_blocks(s)))
    assert "Tier 1 of 2: The water shared" in text
    assert "Water share: Half the river to each town or Seventy per cent upstream" in text
    assert "Tier 2 of 2: Water and the bridge" in text and "Both issues settled." in text
    assert "The old bridge: Bridge reopened for pedestrians or Bridge reopened for trucks" in text
    assert "w50" not in text and "b1" not in text


def test_an_article_with_no_outlet_is_cited_by_a_plain_description():
    s = duo()
    assert glossary.citation(s, "gazette") == "The River Gazette, “Towns talk about the river”, 19 Mar 2025"
    cited = glossary.citation(s, "unsigned")
    assert cited == f"{glossary.UNNAMED_OUTLET}, 20 Mar 2025"
    assert "Unattributed" not in cited and "seed" not in cited and "Untitled" not in cited


def test_the_report_says_walk_away_point_never_reservation():
    s = duo()
    session = Session(s, 0, [actions.consult("up"), actions.propose(water="w50", bridge="b2")])
    session.act(actions.wait(100))
    text = markdown.markdown_report(session, forecast_runs=5)
    assert "walk-away" in text.lower()
    assert "reservation" not in text.lower()


def test_the_glossary_defines_the_terms_a_player_meets():
    terms = [t for t, _ in glossary.GLOSSARY]
    for needed in ("utility", "threshold", "walk-away point", "surplus", "Nash package", "Kalai–Smorodinsky point",
                   "outcome tier", "red line", "consent", "pledge", "coerced"):
        assert needed in terms
    assert "reservation" not in terms, "one term: the walk-away point (the YAML key is named in its meaning)"


@pilot_test
async def test_help_has_a_glossary_tab():
    app = MediateApp(str(DUO), seed=0)
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.query_one("#help-box").active == "help-glossary"
        shown = norm(rich_text(app.screen.query_one("#glossary-text").content))
        for term, _ in glossary.GLOSSARY:
            assert term in shown


@pilot_test
async def test_briefing_shows_the_tiers_and_cites_sources_plainly():
    app = MediateApp(str(DUO), seed=0)
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        text = norm(" ".join(str(w.render()) for w in app.screen.query(".brief")))
        assert "The outcome tiers: what each needs" in text
        assert "Tier 2 of 2: Water and the bridge" in text
        assert "Unattributed" not in text and glossary.UNNAMED_OUTLET in text


@pilot_test
async def test_a_consulted_party_panel_names_options_by_their_labels():
    s = duo()
    session = Session(s, 0, [actions.consult("up")])
    app = MediateApp(str(DUO), seed=0)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(OpenSession(session, str(DUO)))
        await pilot.pause()
        assert isinstance(app.screen, NegotiationScreen)
        panel = next(p for p in app.screen.query(PartyPanel) if p.party_id == "up")
        text = norm(panel.text())
        assert "Seventy per cent upstream 100" in text
        assert "w70" not in text and "w50" not in text


def test_the_bar_shows_the_estimate_its_spread_the_threshold_and_the_walk_away():
    s = duo()
    package = s.complete({"water": "w50", "bridge": "b2"})
    before = Session(s, 0, [])
    after = Session(s, 0, [actions.consult("down")])
    unknown = str(bar_content(before.view(), "down", package))
    known = str(bar_content(after.view(), "down", package))
    assert "walk-away ~50?" in unknown, "an unknown walk-away point is the assumed one, marked"
    assert "walk-away 45" in known and "?" not in known.splitlines()[1]
    u, tau, spread = after.view().forecast("down", package)
    assert f"est. {u:.0f} ±{spread:.0f}" in known and f"needs ~{tau:.0f}" in known
    assert spread < before.view().forecast("down", package)[2], "consulting narrows the spread"
    bar = known.splitlines()[0]
    assert bar.index(THRESHOLD_MARK) == 2 + min(19, int(tau / 5)) and "W" in bar


@pilot_test
async def test_each_party_panel_draws_its_bar_while_building():
    s = duo()
    session = Session(s, 0, [actions.consult("up")])
    app = MediateApp(str(DUO), seed=0)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(OpenSession(session, str(DUO)))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NegotiationScreen)
        for panel in screen.query(PartyPanel):
            text = panel.text()
            assert THRESHOLD_MARK in text and "needs ~" in text
        up = next(p for p in screen.query(PartyPanel) if p.party_id == "up")
        assert "walk-away 40" in up.text().split("est.")[-1], "Upton's walk-away point, learned by consulting"
