"""`mediate validate` warns of what is valid but probably not meant, located at file:line:col:
a party doomed to walk out, a scheduled incident outside its round, tiers only levers reach;
`mediate analyze --agreement` warns of a package that crosses a red line."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from sim.analysis.authoring import authoring_warnings, tier_check, with_levers
from sim.cli import main
from sim.engine.events import Incident
from sim.engine.session import Session
from sim.runs.policies import play
from sim.scenario.actions import wait
from sim.scenario.loader import load_scenario
from tests.conftest import TEMPLATE, write


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_template_validates_without_warnings():
    r = cli("validate", str(TEMPLATE))
    assert r.exit_code == 0 and "warning" not in r.output, r.output


def test_a_party_starting_below_its_walkout_trust_is_warned_at_its_trust_line(tmp_path, template_text):
    text = template_text.replace("trust: {south: 0.4, mediator: 0.6}", "trust: {south: 0.03, mediator: 0.6}")
    path = write(tmp_path, text)
    r = cli("validate", str(path))
    assert r.exit_code == 0, r.output
    n = line_of(text, "trust: {south: 0.03")
    assert re.search(rf"s\.yaml:{n}:\d+: warning: north starts with trust 0\.03 in south, at or below its "
                     r"walkout_trust 0\.05: unless that trust rises it walks out", r.output), r.output
    # The warning tells the truth: left alone, north walks out.
    assert play(load_scenario(path), "incremental", 0).end_reason == "walkout"


def test_trust_exactly_at_walkout_trust_is_warned_too(tmp_path, template_text):
    text = template_text.replace("trust: {south: 0.4, mediator: 0.6}", "trust: {south: 0.4, mediator: 0.6}\n"
                                 "    walkout_trust: 0.4")
    r = cli("validate", str(write(tmp_path, text)))
    assert "warning: north starts with trust 0.40 in south, at or below its walkout_trust 0.40: the first loss " \
           "of trust puts it below" in r.output, r.output


def test_an_incident_hour_past_its_round_is_warned_with_the_round_it_really_happens_in(tmp_path, template_text):
    text = template_text.replace("      round: 2\n", "      round: 2\n      hour: 30\n")
    path = write(tmp_path, text)
    r = cli("validate", str(path))
    n = line_of(text, "hour: 30")
    assert f"s.yaml:{n}:13: warning: incident 'boat-rammed': hour 30 is past the end of round 2 (rounds last 24 " \
           "hours), so it happens in round 3" in r.output, r.output
    s = load_scenario(path)
    session = Session(s, 0)
    while not session.ended:
        session.act(wait())
    rammed = [e for e in session.events if isinstance(e, Incident) and e.incident == "boat-rammed"]
    assert [e.round for e in rammed] == [3]


def test_an_incident_after_the_game_ends_is_warned_as_never_happening(tmp_path, template_text):
    text = template_text.replace("      round: 2\n", "      round: 9\n      hour: 24\n")
    r = cli("validate", str(write(tmp_path, text)))
    assert "warning: incident 'boat-rammed' at hour 24 of round 9 falls after the game ends" in r.output, r.output
    assert "it never happens" in r.output


def lever_only(template_text: str) -> str:
    # South's utility for the fishing truce (shared, pier undecided) is 70: a walk-away of 72 blocks
    # it, and the grant (-5, one use) brings south down to 67.
    return template_text.replace("    name: South town\n    reservation: 45", "    name: South town\n    reservation: 72")


def test_a_tier_only_levers_reach_is_warned_at_its_outcome(tmp_path, template_text):
    text = lever_only(template_text)
    path = write(tmp_path, text)
    r = cli("validate", str(path))
    assert r.exit_code == 0, r.output
    n = line_of(text, "{id: truce,")
    assert re.search(rf"s\.yaml:{n}:\d+: warning: outcome tier 'truce' is reachable only with levers \(used to "
                     r"their limit: grant\)", r.output), r.output
    s = load_scenario(path)
    assert "truce" in tier_check(s).unreachable and "truce" in tier_check(with_levers(s, ("grant",))).reachable


def test_no_lever_warning_when_the_lever_does_not_lower_the_walk_away(tmp_path, template_text):
    text = lever_only(template_text).replace("reservation: {south: -5}", "reservation: {south: 5}")
    s = load_scenario(write(tmp_path, text))
    assert not [w for w in authoring_warnings(s) if "levers" in w.message]


def test_analyze_agreement_warns_of_a_crossed_red_line(tmp_path):
    r = cli("analyze", str(TEMPLATE), "--agreement", "fishing=shared,pier=cancelled", "--runs", "10")
    assert r.exit_code == 0, r.output
    assert "! warning: this package crosses North town's red line on pier (cancelled: Cancel it)" in r.output
    assert "South town's red line" not in r.output
    j = json.loads(cli("analyze", str(TEMPLATE), "--agreement", "fishing=north_only", "--runs", "10",
                       "--json").output)
    assert j["forecast"]["red_lines"] == [{"party": "south", "issue": "fishing", "option": "north_only"}]


def test_analyze_agreement_of_a_clean_package_has_no_red_line_warning():
    r = cli("analyze", str(TEMPLATE), "--agreement", "fishing=shared", "--runs", "10")
    assert r.exit_code == 0 and "crosses" not in r.output, r.output
