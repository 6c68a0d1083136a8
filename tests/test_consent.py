"""Consent per issue: a package needs only the parties that hold an issue it moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.analysis.scenario_domains import known_nash_package
from sim.engine import events as ev
from sim.engine.consent import needed
from sim.engine.session import Session
from sim.report.wire import line
from sim.scenario.actions import Action, consult
from sim.scenario.loader import LoadError, load_scenario
from sim.scenario.model import scenario_hash
from tests.conftest import write
from tui.widgets.party import consent_line, prediction_content

FIXTURE = Path(__file__).parent / "fixtures" / "consent-trio.yaml"
PARTY_RULE = "    consent: [corridor]                  # CONSENT\n"
ISSUE_RULE = "    default: keep\n    options:\n      - {id: keep, label: Not addressed}"
EXPORTS_ONLY = {"exports": "move"}


def variant(tmp_path: Path, form: str):
    """The trio with the guarantor's say given by its own list ('party'), by a rule on the
    exports issue ('issue'), or not restricted at all ('none')."""
    text = FIXTURE.read_text(encoding="utf-8")
    assert PARTY_RULE in text and ISSUE_RULE in text
    if form != "party":
        text = text.replace(PARTY_RULE, "")
    if form == "issue":
        text = text.replace(ISSUE_RULE, "    default: keep\n    consent: [north, south]\n    options:\n"
                                        "      - {id: keep, label: Not addressed}")
    return load_scenario(write(tmp_path, text, f"trio-{form}.yaml"))


def responses(events) -> dict[str, ev.Responded]:
    return {e.party: e for e in events if isinstance(e, ev.Responded)}


@pytest.mark.parametrize("form", ["party", "issue"])
def test_a_party_without_a_say_does_not_block(tmp_path, form):
    s = variant(tmp_path, form)
    assert needed(s, s.complete(EXPORTS_ONLY)) == ("north", "south")
    session = Session(s)
    out = session.act(Action(propose=EXPORTS_ONLY))
    said = responses(out)
    assert said["guarantor"].accept is False and said["guarantor"].red_lines == ("exports.move",)
    assert said["guarantor"].needed is False and said["north"].needed and said["south"].needed
    assert any(isinstance(e, ev.AgreementReached) for e in out)
    assert session.agreement == {"corridor": "keep", "exports": "move"}
    # Its red line wasn't put to it to sign: no patience spent, no walkout (patience is 0).
    assert not session.ended and session.view().party("guarantor").red_line_proposals == 0
    # ... but what it said is on record: the red line it cited is known.
    assert session.view().party("guarantor").stances["exports"].red_lines == ("move",)


def test_without_consent_rules_every_party_is_needed(tmp_path):
    s = variant(tmp_path, "none")
    session = Session(s)
    out = session.act(Action(propose=EXPORTS_ONLY))
    assert all(r.needed for r in responses(out).values())
    assert session.agreement is None
    assert [e.party for e in out if isinstance(e, ev.Walkout)] == ["guarantor"]
    # Left at their default, the new fields stay out of the event JSON and the scenario hash.
    assert all("needed" not in e.to_dict() for e in out)
    assert scenario_hash(s) == scenario_hash(variant(tmp_path, "none"))


def test_a_holder_still_blocks_what_it_holds(tmp_path):
    s = variant(tmp_path, "party")
    session = Session(s)
    out = session.act(Action(propose={"corridor": "move"}))
    said = responses(out)
    assert said["guarantor"].needed and not said["guarantor"].accept
    assert session.agreement is None
    # The status quo moves nothing and needs everyone, as before consent per issue.
    assert needed(s, s.default_package) == s.party_ids


def test_the_wire_and_the_view_mark_a_party_not_needed(tmp_path):
    s = variant(tmp_path, "party")
    session = Session(s)
    view = session.view()
    package = s.complete(EXPORTS_ONLY)
    assert view.needs(package) == ("north", "south")
    assert [p.id for p in view.counted(package)] == ["north", "south"]
    pred = view.predict(package)
    assert pred["guarantor"].needed is False and pred["north"].needed
    text = prediction_content(s, view.party("guarantor"), pred["guarantor"]).plain
    assert "not needed for this package" in text
    assert "not needed" not in prediction_content(s, view.party("north"), pred["north"]).plain
    assert consent_line(s, view.party("guarantor")).plain == "has a say on: Corridor"
    assert consent_line(s, view.party("north")) is None
    out = session.act(Action(propose=EXPORTS_ONLY))
    lines = [line(s, e) for e in out]
    assert "Guarantor ✗ rejects (not needed for this package) — red line: Exports — Facilitated" in lines
    assert any(x and x.startswith("North ✓ accepts —") for x in lines)
    # Its red line is known now. Its patience is 0, but a package it has no say over doesn't
    # spend it: no walk-out warning.
    view = session.view()
    pred = view.predict(package)["guarantor"]
    assert pred.red_lines == ("exports.move",) and not pred.needed
    text = prediction_content(s, view.party("guarantor"), pred).plain
    assert "its patience is not spent" in text and "walk out" not in text


def known_everything(s) -> Session:
    session = Session(s)
    for pid in s.party_ids:
        session.act(consult(pid))
        session.act(consult(pid))
    return session


def test_the_hint_finds_a_deal_among_the_parties_it_needs(tmp_path):
    with_rule = known_everything(variant(tmp_path, "party")).view()
    assert with_rule.party("guarantor").stances["exports"].red_lines == ("move",)
    # No package clears all three (the guarantor's red line, its walk-away point), but the
    # guarantor has no say over exports: the two that must agree to exports can strike that deal.
    assert known_nash_package(with_rule) == {"corridor": "keep", "exports": "move"}
    without = known_everything(variant(tmp_path, "none")).view()
    assert known_nash_package(without) is None


def problems(tmp_path: Path, old: str, new: str) -> list:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    with pytest.raises(LoadError) as exc:
        load_scenario(write(tmp_path, text, "bad.yaml"))
    return exc.value.problems


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "expected", "at"), [
    ("consent: [corridor]", "consent: [corridr]", "unknown issue 'corridr' — did you mean 'corridor'?",
     "consent: [corridr]"),
    (ISSUE_RULE, ISSUE_RULE.replace("    options", "    consent: [north, guarantr]\n    options"),
     "unknown party 'guarantr' — did you mean 'guarantor'?", "consent: [north, guarantr]"),
    (ISSUE_RULE, ISSUE_RULE.replace("    options", "    consent: [guarantor]\n    options"),
     "guarantor is listed here, but its own 'consent' leaves out exports", "consent: [guarantor]"),
    (ISSUE_RULE, ISSUE_RULE.replace("    options", "    consent: []\n    options"),
     "no party's consent is needed for exports", "consent: []"),
])
def test_consent_lists_are_cross_checked(tmp_path, old, new, expected, at):
    found = problems(tmp_path, old, new)
    hit = next((p for p in found if expected in p.message), None)
    assert hit is not None, [p.message for p in found]
    text = FIXTURE.read_text(encoding="utf-8").replace(old, new, 1)
    assert hit.line == line_of(text, at)
