"""Renewal and lapses through a real scenario: warnings before a lapse, the renew action, and
options that require each other (refused packages, lapses that take their dependents along)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine import events as ev
from sim.engine.session import Session
from sim.errors import ActionRefused, ReplayError
from sim.report import wire
from sim.scenario import loader
from sim.scenario.actions import Action, load_moves, propose, renew, wait
from sim.scenario.loader import LoadError
from tests.conftest import ROOT, write
from tests.pilot import norm, pilot_test

FIXTURE = ROOT / "tests" / "fixtures" / "renewal.yaml"
BOTH = {"corridor": "open", "inspections": "centre"}


def scenario(**replace: str):
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def load(tmp_path: Path, old: str, new: str):
    return loader.load_scenario(write(tmp_path, scenario(**{old: new})))


def played(*actions: Action, s=None) -> Session:
    return Session(s or loader.load_scenario(FIXTURE), 1, actions)


def kinds(session: Session, cls: type) -> list:
    return [e for e in session.events if isinstance(e, cls)]


def test_a_warning_comes_lapse_warning_hours_before_the_lapse_and_names_what_goes_with_it():
    se = played(propose(**BOTH), wait(), wait(), wait())
    (warning,) = kinds(se, ev.LapseWarning)
    assert (warning.issue, warning.option, warning.at, warning.t) == ("corridor", "open", 72.0, 72.0 - 30)
    assert warning.dependents == ("inspections",)
    text = wire.line(se.scenario, warning)
    assert text is not None and "LAPSING SOON" in text and "Corridor" in text and "Inspections" in text


def test_without_lapse_warning_hours_no_warning_event_is_emitted(tmp_path):
    s = load(tmp_path, "  lapse_warning_hours: 30\n", "")
    se = played(propose(**BOTH), wait(), wait(), wait(), s=s)
    assert not kinds(se, ev.LapseWarning)
    assert kinds(se, ev.AgreementLapsed)  # the lapse itself still happens


def test_a_lapse_reverts_the_options_that_require_it():
    se = played(propose(**BOTH), wait(), wait(), wait())
    lapses = [(e.issue, e.option, e.reverts_to, e.because, e.t) for e in kinds(se, ev.AgreementLapsed)]
    assert lapses == [("corridor", "open", "closed", "", 72.0),
                      ("inspections", "centre", "none", "corridor.open", 72.0)]
    assert se.agreement is None  # nothing but the status quo is left: no agreement in force
    assert se.tier == 0
    line = wire.line(se.scenario, kinds(se, ev.AgreementLapsed)[1])
    assert line is not None and "which it requires" in line and "Corridor: Open" in line


def test_a_package_missing_a_requirement_is_refused_with_the_reason():
    se = played()
    with pytest.raises(ActionRefused, match=r"'Inspections: Joint centre' requires 'Corridor: Open'"):
        se.act(propose(inspections="centre"))
    assert not kinds(se, ev.Proposed)  # refused before anyone was asked


def test_renew_extends_the_lapse_by_the_duration_at_a_fraction_of_a_round():
    se = played(propose(**BOTH))  # the proposal closes round 0: round 1 begins at hour 24
    before = se.now
    assert before == 24.0
    se.act(renew("corridor"))
    (r,) = kinds(se, ev.Renewed)
    assert r.expires == {"corridor": 72.0 + 3 * 24}
    assert se.expires == {"corridor": 144.0}
    assert se.now == pytest.approx(before + 0.25 * 24)  # dynamics.renew_hours_fraction
    assert se.view().budget == pytest.approx(0.75)
    for _ in range(4):  # to hour 120
        se.act(wait())
    assert not kinds(se, ev.AgreementLapsed)  # the old lapse at hour 72 stood down
    assert se.agreement == {**BOTH, "ports": "none"}
    warnings = kinds(se, ev.LapseWarning)
    assert [w.at for w in warnings] == [144.0]  # the warning for the old hour stood down too
    for _ in range(2):
        se.act(wait())
    assert [e.t for e in kinds(se, ev.AgreementLapsed)] == [144.0, 144.0]


def test_bare_renew_extends_every_lapsing_option_and_is_refused_when_there_is_none():
    se = played()
    with pytest.raises(ActionRefused, match="no agreement in force"):
        se.act(renew())
    se.act(propose(**BOTH))
    se.act(renew())
    assert kinds(se, ev.Renewed)[0].expires == {"corridor": 144.0}
    with pytest.raises(ActionRefused, match="Inspections: no option in force lapses"):
        se.act(renew("inspections"))


def test_renew_replays_from_a_moves_file_and_a_transcript(tmp_path):
    s = loader.load_scenario(FIXTURE)
    moves_file = write(tmp_path, "moves:\n  - propose: {corridor: open, inspections: centre}\n"
                                 "  - renew\n  - renew: corridor\n", "m.yaml")
    moves, _ = load_moves(moves_file, s)
    assert moves.moves[1] == renew() and moves.moves[2] == renew("corridor")
    assert [a.to_data() for a in moves.moves[1:]] == ["renew", {"renew": "corridor"}]
    one = Session(s, 3, moves.moves)
    two = Session(s, 3, [Action.model_validate(a.to_data()) for a in one.actions])
    assert [e.to_json() for e in one.events] == [e.to_json() for e in two.events]
    assert one.expires == {"corridor": 72.0 + 2 * 72.0}


def test_moves_files_locate_bad_renewals_and_refused_packages(tmp_path):
    s = loader.load_scenario(FIXTURE)
    bad = write(tmp_path, "moves:\n  - renew: coridor\n  - propose: {inspections: centre}\n", "m.yaml")
    with pytest.raises(LoadError) as info:
        load_moves(bad, s)
    text = "\n".join(str(p) for p in info.value.problems)
    assert re.search(r"m.yaml:2:\d+: .*unknown issue 'coridor'.*did you mean 'corridor'", text)
    assert re.search(r"m.yaml:3:\d+: .*requires 'Corridor: Open'", text)
    with pytest.raises(ReplayError):
        Session(s, 0, [renew("corridor")])


def test_the_cli_run_shows_warnings_renewals_and_cascaded_lapses(tmp_path):
    moves = write(tmp_path, "moves:\n  - propose: {corridor: open, inspections: centre}\n  - wait\n"
                            "  - renew: corridor\n", "m.yaml")
    out = tmp_path / "t.jsonl"
    r = CliRunner().invoke(main, ["run", str(FIXTURE), "--script", str(moves), "--json", str(out)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "renews: Corridor until" in r.output and "LAPSING SOON" in r.output
    assert "with 'Corridor: Open', which it requires" in r.output
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {"lapse_warning", "renew"} <= {x["kind"] for x in records}


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("requires: [corridor.open]", "requires: [corridor.opn]", r"unknown option 'opn' in corridor.*did you mean 'open'"),
    ("requires: [corridor.open]", "requires: [coridor.open]", r"unknown issue 'coridor'.*did you mean 'corridor'"),
    ("requires: [corridor.open]", "requires: [corridor]", r"must look like 'issue.option'"),
    ("requires: [corridor.open]", "requires: [inspections.none]", r"an option of inspections itself"),
    ("{id: none, label: None}\n      - {id: centre",
     "{id: none, label: None, requires: [corridor.open]}\n      - {id: centre", r"default.*can't require"),
    ("covers: [ships], duration_days: 3}", "covers: [ships], duration_days: 3, requires: [inspections.centre]}",
     r"go round in a circle \((corridor.open → inspections.centre|inspections.centre → corridor.open)"),
])
def test_requires_are_checked_and_located(tmp_path, old, new, expected):
    path = write(tmp_path, scenario(**{old: new}))
    with pytest.raises(LoadError) as info:
        loader.load_scenario(path)
    text = "\n".join(str(p) for p in info.value.problems)
    assert re.search(rf"s.yaml:\d+:\d+: .*{expected}", text), text


@pilot_test
async def test_the_tui_warns_in_the_header_renews_with_n_and_says_why_a_package_cant_be_proposed():
    from textual.widgets import Static

    from tui.app import MediateApp
    from tui.screens.modals import ChoiceModal
    from tui.screens.negotiation import NegotiationScreen
    from tui.widgets.status import StatusBar

    app = MediateApp(str(FIXTURE))
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen)
        assert neg.act(propose(**BOTH)) and neg.act(wait())
        await pilot.pause()
        header = norm(str(neg.query_one(StatusBar).render()))
        assert "Corridor lapses in 24 h (n renews)" in header
        await pilot.press("n")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")  # the first choice: every lapsing option
        await pilot.pause()
        assert neg.session.expires == {"corridor": 144.0}
        assert "lapses in" not in norm(str(neg.query_one(StatusBar).render()))
        neg.builder.set_package({"inspections": "centre"})
        await pilot.pause()
        detail = norm(str(neg.query_one("#issue-detail", Static).render()))
        assert "can't propose: Joint centre needs Corridor: Open" in detail
        await pilot.press("p")
        await pilot.pause()
        assert any("requires" in n.message for n in app._notifications)


@pytest.mark.parametrize("policy", ["incremental", "maximal", "random", "nash"])
def test_every_built_in_policy_plays_a_scenario_with_requirements(policy):
    from sim.runs.policies import play
    from sim.scenario import requires

    s = loader.load_scenario(FIXTURE)
    for seed in range(4):
        se = play(s, policy, seed)
        assert se.ended
        for e in kinds(se, ev.Proposed):
            assert not requires.missing(s, e.package)


def test_repair_adds_a_requirement_left_at_the_default_and_else_drops_the_option(tmp_path):
    from sim.scenario import requires

    s = loader.load_scenario(FIXTURE)
    assert requires.repair(s, {"inspections": "centre"}) == {"corridor": "open", "inspections": "centre",
                                                            "ports": "none"}
    s2 = load(tmp_path, "      - {id: open, label: Open, covers: [ships], duration_days: 3}\n",
              "      - {id: open, label: Open, covers: [ships], duration_days: 3}\n      - {id: half, label: Half open}\n")
    # The corridor was set to something else: the option needing 'open' is dropped instead.
    assert requires.repair(s2, {"corridor": "half", "inspections": "centre"}) == \
        {"corridor": "half", "inspections": "none", "ports": "none"}
