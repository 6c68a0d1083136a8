"""The negotiation screen renders the engine's MediatorView and nothing it re-derives: one
assignment of its reactive ``view`` redraws every panel, and what a step costs, whether it
ends the round, and who would walk out are the view's answers, worded from them."""

from __future__ import annotations

from pathlib import Path

import yaml
from textual.widgets import Static

from sim.scenario import actions
from tests.pilot import norm, pilot_test
from tui.app import MediateApp
from tui.screens.briefing import BriefingScreen
from tui.screens.modals import ChoiceModal
from tui.screens.negotiation import NegotiationScreen
from tui.widgets.common import round_fraction
from tui.widgets.proposal import OptionPicker, ProposalBuilder

SIZE = (80, 24)
TEMPLATE = Path(__file__).resolve().parent.parent / "scenarios" / "_template.yaml"


def rendered(screen) -> str:
    return norm(" ".join(str(w.render()) for w in screen.query(Static) if w.display))


def scenario_with_step(tmp_path: Path, fraction: float) -> Path:
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    data.setdefault("dynamics", {})["consult_hours_fraction"] = fraction
    path = tmp_path / "step.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_part_of_a_round_in_words():
    assert round_fraction(0.5) == "half a round"
    assert round_fraction(0.25) == "a quarter of a round"
    assert round_fraction(0.3) == "30 % of a round"


@pilot_test
async def test_step_cost_is_worded_from_the_scenario_not_assumed_half(tmp_path):
    app = MediateApp(str(scenario_with_step(tmp_path, 0.3)))
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen)
        brief = rendered(app.screen)
        assert "a consultation or a lever takes 30 % of a round" in brief
        assert "half a round" not in brief

        await pilot.press("enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        parties = neg.scenario.party_ids
        for n, left in enumerate(("70 % of a round left", "40 % of a round left", "10 % of a round left")):
            await pilot.press("c")
            assert isinstance(app.screen, ChoiceModal)
            assert "Takes 30 % of a round; you can act again this round." in rendered(app.screen)
            await pilot.press("escape")
            assert neg.act(actions.consult(parties[n % len(parties)]))
            await pilot.pause()
            assert left in rendered(neg)

        # A tenth of the round left: the next step takes the rest of it.
        assert neg.view.step_ends_round
        await pilot.press("c")
        assert "This takes the rest of the round" in rendered(app.screen)


@pilot_test
async def test_one_assignment_of_view_redraws_status_panels_and_builder():
    app = MediateApp()
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        s = neg.scenario
        party = s.party_ids[0]
        assert "walk-away ?" in neg.panels[0].text()

        # Step the session behind the screen's back, then hand it the new view once.
        neg.session.act(actions.consult(party))
        neg.session.act(actions.wait())
        assert "walk-away ?" in neg.panels[0].text() and "Round 1 of" in rendered(neg)
        neg.view = neg.session.view()
        await pilot.pause()
        assert f"Round {neg.session.view().round + 1} of {s.clock.max_rounds}" in rendered(neg)
        assert f"walk-away {neg.session.reservation(party):.0f}" in neg.panels[0].text()
        for widget in (neg.status, *neg.panels, neg.builder):
            assert widget.view is neg.view, f"{widget!r} is bound to the screen's view"


@pilot_test
async def test_builder_messages_carry_their_value_and_control():
    app = MediateApp()
    app.animation_level = "none"
    seen: list = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        del seen[:]
        await pilot.press("right")
        await pilot.pause()
        first = neg.scenario.issues[0]
        picked = [m for m in seen if isinstance(m, OptionPicker.Changed)]
        built = [m for m in seen if isinstance(m, ProposalBuilder.Changed)]
        assert picked and built, "stepping an option tells the builder, and the builder the screen"
        assert picked[-1].control is neg.builder.query_one(f"#select-{first.id}", OptionPicker)
        assert picked[-1].value == first.options[1].id
        assert built[-1].control is neg.builder
        assert built[-1].package[first.id] == first.options[1].id
