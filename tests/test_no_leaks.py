"""The TUI and the mediator's view show only what the mediator knows: no hidden walk-away point
or weight before a consultation revealed it. ``mediate run`` keeps the full record."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from sim.analysis.scenario_domains import known_nash_package
from sim.engine import events as ev
from sim.engine.public import ASSUMED_RESERVATION, ASSUMED_WEIGHT
from sim.engine.session import Session
from sim.report import wire
from sim.runs.scripts import play_moves
from sim.scenario import actions, loader
from sim.scenario.actions import Action
from tests.pilot import pilot_test
from tui.app import MediateApp
from tui.screens.modals import consult_modal, lever_modal
from tui.screens.negotiation import NegotiationScreen

FIXTURES = Path(__file__).parent / "fixtures" / "schema1"
FLAGSHIP = FIXTURES / "energy-truce-schema1.yaml"
HISTORY = FIXTURES / "energy-truce-schema1.history.yaml"


def flagship():
    return loader.load_scenario(FLAGSHIP)


def history_moves() -> list[Action]:
    return [Action.model_validate(m) for m in yaml.safe_load(HISTORY.read_text(encoding="utf-8"))["moves"]]


def leaks(s, text: str, revealed: set[str]) -> list[str]:
    """Hidden walk-away numbers in ``text`` for parties whose walk-away point is not revealed."""
    found = []
    for p in s.parties:
        if p.id in revealed:
            continue
        for pattern in (rf"{re.escape(p.name)}'s walk-away point moves", rf"{re.escape(p.name)} would walk away from"):
            found += re.findall(pattern, text)
    return found


# ---------------------------------------------------------------- the wire


def test_wire_in_mediator_mode_tells_shifts_without_numbers_until_a_consultation():
    s = flagship()
    run = play_moves(s, 0, [*history_moves(), actions.consult("ukraine")])
    known = wire.Known()
    told = [(e, wire.line(s, e, known)) for e in run.session.events]
    full = [wire.line(s, e) for e in run.session.events]
    consulted = next(n for n, (e, _) in enumerate(told) if isinstance(e, ev.Consulted))
    before = "\n".join(t for _, t in told[:consulted] if t)
    after = "\n".join(t for _, t in told[consulted + 1:] if t)
    # The full record (mediate run) has the numbers; the mediator's wire does not.
    assert "Ukraine's walk-away point moves down (58 → 56)" in "\n".join(t for t in full if t)
    assert "walk-away point moves" not in before
    assert "Ukraine's position weakens" in before and "Russia's position strengthens" in before
    # After consulting Ukraine its shifts come with numbers; Russia's stay hidden.
    assert re.search(r"Ukraine's walk-away point moves down \(\d+ → \d+\)", after)
    assert "Russia's walk-away point" not in after and "Russia's position strengthens" in after


def test_run_transcript_keeps_the_full_record():
    s = flagship()
    run = play_moves(s, 0, history_moves())
    lines = [wire.line(s, e) for e in run.session.events if isinstance(e, ev.Shifted) and e.what == "reservation"]
    assert lines and all("walk-away point moves" in x for x in lines)


def test_a_weight_shift_on_an_unrevealed_private_concern_does_not_name_it():
    s = flagship()
    party, issue = next((p, i) for p in s.parties for i, st in p.stances.items() if st.visibility == "private")
    e = ev.Shifted(t=0.0, round=0, what="weight", party=party.id, issue=issue, before=10.0, after=14.0, cause="x")
    assert s.issue(issue).title in (wire.line(s, e) or "")
    assert wire.line(s, e, wire.Known()) == f"  {party.name}'s priorities shift"
    known = wire.Known()
    known.stances.add((party.id, issue))
    assert s.issue(issue).title in (wire.line(s, e, known) or "")


# ---------------------------------------------------------------- the view


def numbers(obj, skip: tuple[str, ...] = ("scenario", "_beliefs")) -> list[float]:
    """Every float in a view's fields, recursively (the scenario is audited on its own)."""
    if isinstance(obj, bool | int):
        return []  # counts and round numbers
    if isinstance(obj, float):
        return [obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [x for f in dataclasses.fields(obj) if f.name not in skip for x in numbers(getattr(obj, f.name))]
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in numbers(v)]
    if isinstance(obj, list | tuple):
        return [x for v in obj for x in numbers(v)]
    return []


def test_the_view_carries_nothing_hidden():
    s = flagship()
    session = Session(s, 0)
    session.act(actions.wait())
    view = session.view()
    hidden = {float(p.reservation) for p in s.parties} | {
        float(st.weight) for p in s.parties for st in p.stances.values()}
    hidden -= {ASSUMED_RESERVATION, ASSUMED_WEIGHT}
    assert not hidden & set(numbers(view.parties))
    for p, pub in zip(s.parties, view.scenario.parties, strict=True):
        assert pub.reservation == ASSUMED_RESERVATION and pub.concession == 1.0
        assert set(pub.stances) == {i for i, st in p.stances.items() if st.visibility == "public"}
        for i, st in pub.stances.items():
            assert st.weight == ASSUMED_WEIGHT
            assert st.values[st.demand] == 100 and all(st.values[o] == 0 for o in st.red_lines)
            assert set(st.values.values()) <= {0.0, 50.0, 100.0}, i
    assert any(p.reservation != ASSUMED_RESERVATION for p in s.parties)  # the audit has something to find
    # Until a consultation, the view knows no walk-away point; after one, exactly the true one.
    assert all(pv.reservation is None for pv in view.parties)
    session.act(actions.consult("ukraine"))
    assert session.view().party("ukraine").reservation == round(session.reservation("ukraine"), 4)


def test_hints_and_forecasts_are_the_same_from_the_public_scenario():
    """The view forecasts from knowledge only: the same knowledge gives the same forecast
    whatever the hidden numbers are."""
    s = flagship()
    sets = [f"parties.{p.id}.{k}={v}" for p in s.parties for k, v in (("reservation", 90), ("concession", 3.0))]
    other, _ = loader.load_scenario_located(FLAGSHIP, sets)
    assert other.party("russia").reservation == 90
    a, b = Session(s, 0), Session(other, 0)
    package = s.complete({"truce_scope": "energy"})
    assert a.view().predict(package) == b.view().predict(package)
    assert known_nash_package(a.view()) == known_nash_package(b.view())


# ---------------------------------------------------------------- the TUI


def rendered(app, neg: NegotiationScreen) -> str:
    """Everything the negotiation screen shows: the whole wire, every panel, the screenshot."""
    parts = [*neg.wire.plain_lines, *(p.text() for p in neg.panels), app.export_screenshot()]
    return "\n".join(parts)


@pilot_test
async def test_tui_shows_no_hidden_walk_away_point_through_the_history_game(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = flagship()
    app = MediateApp(str(FLAGSHIP))
    app.animation_level = "none"
    moves = [*history_moves(), actions.wait(2), actions.consult("ukraine"), actions.wait(12)]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        seen_weakens = False
        for move in moves:
            assert neg.act(move)
            await pilot.pause()
            revealed = {pv.id for pv in neg.view.parties if pv.reservation is not None}
            text = rendered(app, neg)
            assert leaks(s, text, revealed) == [], move
            for pv in neg.view.parties:
                panel = next(p for p in neg.panels if p.party_id == pv.id).text()
                assert (re.search(r"walk-away \d", panel) is not None) == (pv.id in revealed)
                shown = len(re.findall(r"matters \d+%", panel))
                assert shown == sum(st.revealed for st in pv.stances.values())
            for modal in (consult_modal(neg.view), lever_modal(s, neg.view)):
                app.push_screen(modal)
                await pilot.pause()
                assert leaks(s, app.export_screenshot(), revealed) == []
                app.pop_screen()
                await pilot.pause()
            seen_weakens |= "Ukraine's position weakens" in text
        assert seen_weakens
        wire_text = "\n".join(neg.wire.plain_lines)
        assert re.search(r"Ukraine's walk-away point moves down \(\d+ → \d+\)", wire_text)
        assert "Russia's walk-away point" not in wire_text
