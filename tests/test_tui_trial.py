"""What a user trial at 80×24 and 60×20 found: the renew dialog's words, the branch list and
toast, where help opens and what has the focus, the keys the README lists, ← → in yes/no
dialogs, the trust chart's figures, a zoomed panel's scroll, and the tier in the header."""

from __future__ import annotations

import re

import pytest
from rich.console import Console
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Button, TabbedContent

from sim.engine.session import Session
from sim.scenario import actions
from tests.conftest import FLAGSHIP, ROOT, write
from tests.pilot import flagship, flagship_ref, negotiation, new_app, pilot_test
from tui.messages import OpenSession
from tui.screens.debrief import DebriefScreen, replayed_words
from tui.screens.help import HelpScreen
from tui.screens.modals import ChoiceModal, ConfirmModal, renew_modal
from tui.screens.negotiation import NegotiationScreen
from tui.widgets.common import span_text
from tui.widgets.trust_chart import TrustChart, TrustSparkline, pair_label

WHITE_HOUSE = {"truce_scope": "energy_infra"}
"""The White House's wording of the truce: Russia and Ukraine accept it in round 1 at seed 3."""


def lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def in_force() -> Session:
    session = Session(flagship(), 3, [actions.propose(**WHITE_HOUSE)])
    assert session.view().tier == 1 and session.view().expires, "the truce is in force and lapses"
    return session


def ended(rounds: int = 6) -> Session:
    s = flagship()
    session = Session(s, 0, [actions.wait(rounds)])
    session.act(actions.wait(s.clock.max_rounds))
    assert session.ended
    return session


# ---------------------------------------------------------------- renew


def test_spans_of_days_read_in_days():
    assert [span_text(h) for h in (0, 18, 47, 48, 672, 700, -3)] == [
        "0 h", "18 h", "47 h", "2 days", "28 days", "29 days 4 h", "0 h"]


def test_the_renew_dialog_says_its_cost_once_and_the_lapse_in_days():
    s = flagship()
    view = in_force().view()
    modal = renew_modal(s, view)
    assert isinstance(modal.note, Content)
    assert modal.note.plain == "Takes a quarter of a round; the parties are not asked again."
    console = Console(width=200, record=True)
    for option in modal.options:
        console.print(option.prompt)
    text = console.export_text()
    left = dict(view.lapsing(float("inf")))["truce_scope"]
    assert left == 696 and "lapses in 29 days · renewal adds 30 days" in text
    assert " h ·" not in text


# ---------------------------------------------------------------- branching


def test_a_one_round_span_reads_round_1():
    assert [replayed_words(r) for r in (0, 1, 3)] == ["from the start", "round 1 as played", "rounds 1-3 as played"]


@pilot_test
async def test_the_branch_list_toast_and_file_name_count_the_same_rounds():
    app = new_app(flagship_ref())
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(OpenSession(ended(), flagship_ref()))
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("b")
        modal = app.screen
        assert isinstance(modal, ChoiceModal)
        prompts = [str(o.prompt) for o in modal.options]
        assert prompts[1] == "Round 2 · 19 Mar (round 1 as played)"
        assert prompts[3] == "Round 4 · 21 Mar (rounds 1-3 as played)"
        modal.query_one("OptionList").highlighted = 3  # "Round 4"
        await pilot.press("enter")
        await pilot.pause()
        neg = app.screen
        assert isinstance(neg, NegotiationScreen) and neg.session.round == 3
        assert neg.save_path is not None and neg.save_path.name.endswith("-branch-r3.json"), "named as documented"
        toast = next(n.message for n in app._notifications if n.message.startswith("Branched"))
        assert "after round 3 (rounds 1-3 as played" in toast and "you play on from round 4" in toast
        assert toast.endswith(f"Saved as {neg.save_path.name}")
        await app.workers.wait_for_complete()


# ---------------------------------------------------------------- help


@pilot_test
async def test_help_opens_at_the_calling_screens_section_and_scrolls_at_once():
    app = new_app(flagship_ref())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        help_ = app.screen
        assert isinstance(help_, HelpScreen)
        scroll = help_.query_one("#help-keys-scroll", VerticalScroll)
        assert app.focused is scroll and scroll.scroll_y == 0, "the picker's keys come first"
        await pilot.press("pagedown")
        assert scroll.scroll_y > 0, "PgDn scrolls without a Tab first"
        await pilot.press("right")
        await pilot.pause()
        assert help_.query_one(TabbedContent).active == "help-glossary"
        assert app.focused is help_.query_one("#help-glossary-scroll")
        await pilot.press("down")
        assert app.focused.scroll_y > 0
        await pilot.press("left", "escape", "enter", "enter")

        assert isinstance(app.screen, NegotiationScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(lines(app))
        assert "Negotiation" in text and "Scenario picker" not in text
        scroll = app.screen.query_one("#help-keys-scroll", VerticalScroll)
        section = next(w for w in app.screen.query(".help-section") if w.name == "Negotiation")
        assert scroll.scroll_y == section.virtual_region.y > 0, "the section's title at the top"
        before = scroll.scroll_y
        await pilot.press("down")
        assert scroll.scroll_y == before + 1
        await pilot.press("escape", "w", "w", "w", "w", "question_mark")  # later: the same section
        await pilot.pause()
        assert app.screen.query_one("#help-keys-scroll").scroll_y == before


def test_the_readme_lists_every_negotiation_key():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys = readme.split("## The negotiation screen's keys", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"\*\*([^*]+)\*\*", keys))
    for b in NegotiationScreen.BINDINGS:
        if not b.system:
            key = b.key_display or b.key
            assert key in listed, f"{key} ({b.action}) is missing from the README's key list"


# ---------------------------------------------------------------- yes / no


@pilot_test
async def test_left_and_right_move_between_the_buttons_of_a_yes_no_dialog():
    answers: list[bool | None] = []
    app = new_app(flagship_ref())
    async with app.run_test(size=(80, 24)) as pilot:
        await negotiation(app, pilot)
        app.push_screen(ConfirmModal("Start another game?", Content("Sure?"), yes="New game", no="Cancel"),
                        answers.append)
        await pilot.pause()
        modal = app.screen
        assert app.focused is modal.query_one("#no", Button)
        await pilot.press("right")
        assert app.focused is modal.query_one("#yes", Button)
        await pilot.press("right")
        assert app.focused is modal.query_one("#yes", Button), "no wrap-around past the last button"
        await pilot.press("left")
        assert app.focused is modal.query_one("#no", Button)
        await pilot.press("right", "enter")
        assert answers == [True], "→ then enter presses the button on the right"


# ---------------------------------------------------------------- trust chart


@pytest.mark.parametrize("width", [80, 60])
@pilot_test
async def test_every_trust_row_keeps_its_figures(width):
    session = ended()
    app = new_app(flagship_ref())
    async with app.run_test(size=(width, 60)) as pilot:  # tall: every pair in view; the width is the point
        app.post_message(OpenSession(session, flagship_ref()))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#debrief-tabs", TabbedContent).active = "tab-trust"
        await pilot.pause()
        await pilot.pause()
        chart = app.screen.query_one(TrustChart)
        text = lines(app)
        s = session.scenario
        for (a, b), vals in chart.series.items():
            start = s.party(a).trust.get(b, 0.5)
            row = next(ln for ln in text if pair_label(s, a, b) in ln)
            assert f"{start:.2f}" in row and f"{vals[-1]:.2f}" in row
            assert f"low {min([start, *vals]):.2f}" in row, row
        for spark in chart.query(TrustSparkline):
            assert spark.size.width >= len(spark.data) and spark.region.right <= width, "a bar for every round"


# ---------------------------------------------------------------- zoom, header


@pilot_test
async def test_a_panel_back_from_its_zoom_is_at_its_top():
    app = new_app(flagship_ref())
    async with app.run_test(size=(80, 24)) as pilot:
        neg = await negotiation(app, pilot)
        panel = neg.panels[0]
        for unzoom in ("escape", "z"):
            await pilot.press("1", "z", "end")
            await pilot.pause()
            assert neg.maximized is panel and panel.scroll_y > 0
            await pilot.press(unzoom)
            await pilot.pause()
            assert neg.maximized is None and panel.scroll_y == 0
            assert "red lines 0/2" in "\n".join(lines(app)), "the counter back in sight"


@pilot_test
async def test_the_tier_in_force_stays_in_the_header_at_60x20(tmp_path):
    long_title = "A pause on strikes against energy, as both capitals read it"  # as long as the warm-up's
    text = FLAGSHIP.read_text(encoding="utf-8")
    assert "title: Strikes on energy paused" in text
    path = write(tmp_path, text.replace("title: Strikes on energy paused", f"title: {long_title}"))
    app = new_app(str(path), seed=3)
    async with app.run_test(size=(60, 20)) as pilot:
        neg = await negotiation(app, pilot)
        assert neg.act(actions.propose(**WHITE_HOUSE))
        await pilot.pause()
        header = lines(app)[1]
        assert neg.view.tier == 1 and "tier 1 of 4" in header, header
        assert header.rstrip().endswith("…"), "the title is what gets cut"


@pilot_test
async def test_the_lever_dialog_says_the_mediators_credibility_in_good_english():
    app = new_app(flagship_ref())
    async with app.run_test(size=(80, 24)) as pilot:
        await negotiation(app, pilot)
        await pilot.press("l")
        assert isinstance(app.screen, ChoiceModal)
        # "United States' credibility", as a name ending in s takes it (it read "United States credibility").
        assert f"{flagship().mediator.name}' credibility now 0.70" in "\n".join(lines(app))
