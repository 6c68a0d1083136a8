"""Pilot tests of the TUI: a whole game from the picker to the debrief, resume, bad saves,
scenario text as data (never markup), and a small terminal (saves: test_tui_saves.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from textual.widgets import OptionList, RichLog, Static, TabbedContent

from sim.engine.events import Proposed
from sim.report import glossary, markdown
from sim.runs import transcripts
from sim.scenario import actions, loader, saves
from tests.pilot import (
    flagship,
    flagship_ref,
    log_text,
    negotiation,
    new_app,
    norm,
    pilot_test,
    screen_text,
    shot_text,
    static_text,
    static_text_options,
)
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen, export_name, transcript_name
from tui.screens.help import HelpScreen
from tui.screens.modals import ChoiceModal, ConfirmModal
from tui.screens.negotiation import NegotiationScreen
from tui.screens.picker import PickerScreen
from tui.widgets.trust_chart import TrustSparkline

SIZE = (80, 24)


pytestmark = pytest.mark.usefixtures("in_tmp_cwd")


# ---------------------------------------------------------------- a whole game


def check_picker(app, s) -> None:
    picker = app.screen
    assert isinstance(picker, PickerScreen)
    if loader.DEFAULT_SCENARIO in [p.stem for p in loader.bundled()]:
        assert picker.entry.ref == loader.DEFAULT_SCENARIO
    info = static_text(picker.query_one("#info", Static))
    assert norm(s.title) in info
    for src in s.sources:  # cited by outlet, or plainly where the article names none
        assert norm(glossary.outlet(s, src.id)) in info


async def check_briefing(app, pilot, s) -> None:
    await pilot.press("enter")
    brief = app.screen
    assert isinstance(brief, BriefingScreen)
    text = screen_text(brief)
    for p in s.parties:
        assert p.name in text
        public = [st for st in p.stances.values() if st.visibility == "public" and st.quote]
        assert norm(public[0].quote.text) in text
    for lv in s.mediator.levers:
        assert norm(lv.label) in text


async def play_each_action(app, pilot, s) -> NegotiationScreen:
    """Enter the negotiation and take one action of each kind, checking what each shows."""
    await pilot.press("enter")
    neg = app.screen
    assert isinstance(neg, NegotiationScreen)
    status = static_text(neg.query_one("#status", Static))
    assert f"Round 1 of {s.clock.max_rounds}" in status
    assert f"{s.clock.start:%d %b %H:%M}" in status

    # a proposal: open the first issue's select, take the next option
    first = s.issues[0]
    await pilot.press("enter", "down", "enter")
    assert neg.builder.package()[first.id] == first.options[1].id
    prediction = static_text(neg.panels[0].query_one("#party-prediction", Static))
    assert prediction[0] in "✓✗?"  # the short wording of an 80-column panel: the verdict first
    await pilot.press("p")
    wire = log_text(neg.wire)
    assert f"{s.mediator.name} proposes:" in wire
    assert norm(first.options[1].label) in wire
    assert all(p.name in wire for p in s.parties)
    assert "rejects" in wire or "accepts" in wire
    assert "Round 2 of" in static_text(neg.query_one("#status", Static))

    # a consultation: the first party's walk-away point becomes known
    await pilot.press("c")
    assert isinstance(app.screen, ChoiceModal)
    await pilot.press("enter")
    assert app.screen is neg
    p0 = s.parties[0]
    assert f"consults {p0.name}" in log_text(neg.wire)
    assert f"walk-away {neg.session.reservation(p0.id):.0f}" in neg.panels[0].text()
    revealed = next(i for i, st in neg.session.view().party(p0.id).stances.items() if st.revealed)
    share = neg.session.view().party(p0.id).stances[revealed].share
    assert f"matters {share:.0%}" in neg.panels[0].text(), "what the consultation revealed is shown"
    assert "half a round left" in static_text(neg.query_one("#status", Static))

    # a lever
    await pilot.press("l")
    assert isinstance(app.screen, ChoiceModal)
    await pilot.press("enter")
    lever = s.mediator.levers[0]
    assert f"uses a lever: {lever.label}" in log_text(neg.wire)
    assert f"{neg.session.view().credibility:.2f}" in static_text(neg.query_one("#status", Static))

    # a wait
    await pilot.press("w")
    assert f"{s.mediator.name} waits." in log_text(neg.wire)

    # a hint: the Nash package of what the mediator knows goes into the builder, no time passes
    now = neg.session.now
    await pilot.press("h")
    hinted = neg.session.events[-1]
    assert hinted.kind == "hint" and neg.session.now == now
    assert "Hint" in log_text(neg.wire)
    if hinted.package is not None:
        assert s.complete(neg.builder.package()) == hinted.package

    # autosaved after every action
    save = saves.read(neg.save_path)
    assert len(save.actions) == 5
    return neg


async def check_debrief(app, pilot, s, tmp_path) -> None:
    """Wait to the deadline, then every tab of the debrief, the export, and back to the picker."""
    for _ in range(s.clock.max_rounds + 5):
        if not isinstance(app.screen, NegotiationScreen):
            break
        await pilot.press("w")
    debrief = app.screen
    assert isinstance(debrief, DebriefScreen)
    session = debrief.session
    assert session.ended
    await app.workers.wait_for_complete()  # the debrief is computed in a worker
    await pilot.pause()

    outcome = static_text(debrief.query_one("#outcome", Static))
    assert "tier" in outcome
    for oc in s.outcomes:
        assert norm(oc.title) in outcome
    assert "Ended:" in outcome
    surplus = static_text(debrief.query_one("#surplus", Static))
    for p in s.parties:
        assert p.name in surplus
        pkg = session.agreement or s.default_package
        assert f"{session.utility(p.id, pkg) - session.reservation(p.id):+.1f}" in surplus

    await app.workers.wait_for_complete()
    await pilot.pause()
    nash = static_text(debrief.query_one("#nash", Static))
    assert "Nash bargaining package" in nash and "Hints used: 1" in nash
    assert "Durability forecast" in static_text(debrief.query_one("#forecast", Static))

    tabs = debrief.query_one(TabbedContent)
    tabs.active = "tab-trust"
    await pilot.pause()
    sparks = list(debrief.query(TrustSparkline))
    assert len(sparks) == len(s.parties) * len(s.parties)  # each party in each other and the mediator
    assert all(len(sp.data) == session.round + 1 for sp in sparks)

    tabs.active = "tab-timeline"
    await pilot.pause()
    timeline = log_text(debrief.query_one("#timeline", RichLog))
    assert f"{s.mediator.name} proposes:" in timeline and "■ END" in timeline

    tabs.active = "tab-history"
    await pilot.pause()
    history = screen_text(debrief.query_one("#history"))
    for h in s.debrief.history:
        assert norm(h.text) in history
        if h.quote:
            assert norm(h.quote.text) in history

    tabs.active = "tab-questions"
    await pilot.pause()
    questions = static_text(debrief.query_one("#questions", Static))
    for q in s.debrief.questions:
        assert norm(q) in questions

    await pilot.press("e")
    await app.workers.wait_for_complete()
    exported = saves.exports_dir() / export_name(session, debrief.game)
    report = exported.read_text(encoding="utf-8")
    assert report.startswith("# Debrief") and "## Hints used" in report
    assert report == markdown.markdown_report(session), "the same report as `mediate run --report`"
    jsonl = saves.exports_dir() / transcript_name(session, debrief.game)
    assert jsonl.read_text(encoding="utf-8") == transcripts.jsonl(session, started_at=debrief.game.started_at)

    await pilot.press("n")
    assert isinstance(app.screen, PickerScreen)
    assert "action(s)" in static_text_options(app.screen.query_one("#saves", OptionList))


@pilot_test
async def test_full_game_from_picker_to_debrief(tmp_path):
    s = flagship()
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        check_picker(app, s)
        await check_briefing(app, pilot, s)
        await play_each_action(app, pilot, s)
        await check_debrief(app, pilot, s, tmp_path)


@pilot_test
async def test_proposing_nothing_asks_first():
    app = new_app(flagship_ref())
    async with app.run_test(size=SIZE) as pilot:
        neg = await negotiation(app, pilot)
        assert neg.builder.changed_issues() == {}
        await pilot.press("p")
        assert isinstance(app.screen, ConfirmModal) and "Propose nothing?" in app.screen.title_text
        await pilot.press("n")
        assert app.screen is neg and not any(isinstance(e, Proposed) for e in neg.session.events)
        await pilot.press("p", "y")
        proposed = [e for e in neg.session.events if isinstance(e, Proposed)]
        assert len(proposed) == 1 and proposed[0].changed == (), "asked, then proposed as the player chose"
        await pilot.press("enter", "down", "enter", "p")  # a package that changes something: no question
        assert app.screen is neg and sum(isinstance(e, Proposed) for e in neg.session.events) == 2


@pilot_test
async def test_red_line_walkout_asks_first_then_ends_in_debrief():
    s = flagship()
    party, issue, red = next((p, i, st.red_lines[0]) for p in s.parties for i, st in p.stances.items()
                             if st.visibility == "public" and st.red_lines)
    app = new_app(flagship_ref())
    async with app.run_test(size=SIZE) as pilot:
        neg = await negotiation(app, pilot)
        neg.builder.set_package({issue: red})
        await pilot.pause()
        assert "red line" in static_text(neg.query_one(f"#party-{party.id} #party-prediction", Static))
        for _ in range(party.red_line_patience):
            await pilot.press("p")
            assert isinstance(app.screen, NegotiationScreen), "the talks must go on until patience runs out"
        # An 80-column panel words its counter in short, the walk-out warning included.
        assert f"red lines {party.red_line_patience}/{party.red_line_patience} · one more: it walks out" in neg.panels[
            s.party_ids.index(party.id)].text()
        proposals = sum(isinstance(e, Proposed) for e in neg.session.events)
        await pilot.press("p")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        assert app.screen is neg
        assert sum(isinstance(e, Proposed) for e in neg.session.events) == proposals
        await pilot.press("p")
        await pilot.press("y")
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()  # the debrief is computed in a worker
        await pilot.pause()
        assert "walked out" in static_text(app.screen.query_one("#outcome", Static))


@pilot_test
async def test_refused_action_is_a_notification_and_changes_nothing():
    app = new_app(flagship_ref())
    async with app.run_test(size=SIZE) as pilot:
        neg = await negotiation(app, pilot)
        before = list(neg.session.events)
        assert neg.act(actions.lever("no-such-lever")) is False
        assert list(neg.session.events) == before
        await pilot.pause()
        assert any("no-such-lever" in n.message for n in app._notifications)


# ---------------------------------------------------------------- scenario text is data


EVIL_TITLE = "[@click=app.quit]Click me[/] [b]not bold[/b] [red]x"
EVIL_PARTY = "North [b]town[/b] [@click=app.quit]q[/]"


def evil_scenario(tmp_path: Path) -> Path:
    data = yaml.safe_load((loader.scenarios_dir() / "_template.yaml").read_text(encoding="utf-8"))
    data["title"] = EVIL_TITLE
    data["summary"] = "Summary with [i]markup[/i] and [link=https://example.com]a link[/link]"
    data["parties"][0]["name"] = EVIL_PARTY
    data["issues"][0]["options"][1]["label"] = "Shared [b]grounds[/b]"
    data["mediator"]["levers"][0]["label"] = "Grant [@click=app.quit]now[/]"
    data["parties"][0]["stances"]["fishing"]["quote"]["text"] = "The grounds [b]have[/b] always been ours"
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pilot_test
async def test_scenario_text_is_shown_literally_never_as_markup(tmp_path):
    path = evil_scenario(tmp_path)
    app = new_app(str(path))
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen
        assert picker.entry.path == path
        info = picker.query_one("#info", Static)
        assert EVIL_TITLE in str(info.render())
        assert "[link=https://example.com]a link[/link]" in str(info.render())
        for x in range(0, 12, 3):  # where a rendered [@click] link would be
            await pilot.click(info, offset=(x, 0))
        await pilot.click("#scenarios", offset=(2, 1))
        assert app.is_running and app.return_code is None
        assert "[@click=app.quit]Click" in shot_text(app)

        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen)
        text = screen_text(app.screen)
        assert norm(EVIL_TITLE) in text and norm(EVIL_PARTY) in text
        assert "The grounds [b]have[/b] always been ours" in text
        assert "Grant [@click=app.quit]now[/]" in text

        await pilot.press("enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        assert "North [b]town[/b] [@click=app.qui" in shot_text(app)  # the panel's title, cut to fit
        await pilot.click(neg.panels[0], offset=(3, 0))  # the border title
        await pilot.press("enter", "down", "enter")
        assert "Shared [b]grounds[/b]" in static_text(neg.query_one("#issue-detail", Static))
        await pilot.press("p")
        assert isinstance(app.screen, ConfirmModal), "nothing is chosen in the builder: it asks first"
        await pilot.press("y")
        assert "Shared [b]grounds[/b]" in log_text(neg.wire)
        await pilot.press("l")
        assert isinstance(app.screen, ChoiceModal)
        assert "Grant [@click=app.quit]now[/]" in shot_text(app)
        await pilot.press("escape")
        assert app.is_running and app.return_code is None


# ---------------------------------------------------------------- a small terminal


@pilot_test
async def test_every_screen_survives_60x20(tmp_path):
    s = flagship()
    app = new_app(flagship_ref(), seed=2)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("enter")
        await pilot.press("pagedown", "pagedown", "end")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        await pilot.press("enter", "down", "down", "enter", "p")
        await pilot.press("c", "enter", "l", "enter")
        await pilot.press("tab", "tab", "z")
        await pilot.press("escape", "question_mark", "escape", "s")
        await pilot.resize_terminal(100, 32)
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        neg.act(actions.wait(s.clock.max_rounds - neg.session.round - 1))
        await pilot.pause()
        for _ in range(5):
            if not isinstance(app.screen, NegotiationScreen):
                break
            await pilot.press("w")
        assert isinstance(app.screen, DebriefScreen)
        for _ in range(5):
            await pilot.press("right")
            await pilot.pause()
        await pilot.press("question_mark", "escape", "e", "n")
        assert isinstance(app.screen, PickerScreen)
        assert app.is_running
