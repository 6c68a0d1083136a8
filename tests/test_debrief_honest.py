"""An honest debrief: results against no deal and against the walk-away at the start as well as
the moved one, walkouts not called "worse than walking away", coerced acceptances flagged, and
the distance from the Nash package in plain words — the same in Markdown, the CLI and the TUI.

Fixture: tests/fixtures/coercion.yaml (a deal worth 55 to Ukraine against 65 for no deal, which
it accepts only after a lever pushed its walk-away from 60 to 45).
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from rich.console import Console

from sim.engine.session import Session
from sim.report import markdown, text
from sim.report.debrief import NashDistance, compute, nash_words
from sim.scenario.actions import lever, propose, wait
from sim.scenario.loader import load_scenario
from tests.conftest import write
from tui.screens import debrief as screen

TEXT = (Path(__file__).parent / "fixtures" / "coercion.yaml").read_text(encoding="utf-8")
NO_HAZARD = TEXT.replace("coerced_denounce_per_day: 0.5", "coerced_denounce_per_day: 0")
DEAL = {"corridor": "open", "sanctions": "eased"}


def squeezed(tmp_path, source: str = NO_HAZARD):
    s = load_scenario(write(tmp_path, source))
    return compute(Session(s, 1, [lever("squeeze"), propose(**DEAL), wait(9)]), forecast_runs=10)


def renders(d) -> tuple[str, str, str]:
    console = Console(file=io.StringIO(), width=160, color_system=None)
    for part in text.summary(d):
        console.print(part)
    tui = "\n".join(c.plain for c in screen.surplus_lines(d))
    return markdown.render(d), console.file.getvalue(), tui


def party(d, pid: str):
    return next(p for p in d.parties if p.id == pid)


def test_a_squeezed_deal_below_no_deal_gets_no_green_check(tmp_path):
    d = squeezed(tmp_path)
    ukr = party(d, "ukr")
    assert (ukr.utility, ukr.status_quo, ukr.start_reservation, ukr.reservation) == (55.0, 65.0, 60.0, 45.0)
    assert (ukr.surplus_status_quo, ukr.surplus_start, ukr.surplus) == (-10.0, -5.0, 10.0)
    assert ukr.standing == "below_status_quo" and ukr.good is False and ukr.coerced
    assert ukr.verdict == "worse than no deal; accepted under pressure"
    md, cli, tui = renders(d)
    row = next(line for line in md.splitlines() if line.startswith("| Ukraine |"))
    assert "| -10.0 | -5.0 | +10.0 |" in row and "worse than no deal" in row
    assert "Coerced: Ukraine accepted only under pressure" in md
    assert "worse than no deal; accepted under pressure" in cli and "60.0 → 45.0" in cli
    lines = tui.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("Ukraine"))
    assert "✓" not in lines[at] and "✗" in lines[at] and "60.0 → 45.0" in lines[at]
    assert "-5.0 / +10.0" in lines[at] and "worse than no deal" in lines[at + 1]
    assert "better than walking away" not in "\n".join(lines[at:at + 2])
    assert any(line.startswith("! Coerced: Ukraine accepted only under pressure") for line in lines)
    rus = party(d, "rus")
    assert rus.standing == "better" and not rus.coerced and rus.good is True


def test_better_only_against_the_pushed_walk_away(tmp_path):
    # No deal now worth 45 to Ukraine: the deal (55) beats it and the pushed walk-away (45),
    # but not the walk-away it started with (60).
    d = squeezed(tmp_path, NO_HAZARD.replace("values: {closed: 70, open: 100}", "values: {closed: 30, open: 100}"))
    ukr = party(d, "ukr")
    assert ukr.surplus_status_quo > 0 and ukr.surplus > 0 and ukr.surplus_start == -5.0
    assert ukr.standing == "below_start" and ukr.good is False and ukr.coerced
    _, _, tui = renders(d)
    assert "better than its walk-away only because levers pushed it down" in tui


def test_a_party_that_walked_out_is_not_worse_than_walking_away(tmp_path):
    source = NO_HAZARD.replace("    red_line_patience: 2\n", "    red_line_patience: 0\n").replace(
        "sanctions: {weight: 50, values: {kept: 0, eased: 100}, demand: eased,",
        "sanctions: {weight: 50, values: {kept: 0, eased: 100}, demand: eased, red_lines: [kept],")
    s = load_scenario(write(tmp_path, source))
    d = compute(Session(s, 1, [propose(corridor="open")]), forecast_runs=0)
    assert d.end_reason == "walkout"
    rus, ukr = party(d, "rus"), party(d, "ukr")
    assert rus.walked_out and rus.standing == "walked_out" and rus.good is None
    assert ukr.standing == "no_deal" and ukr.good is None
    md, cli, tui = renders(d)
    for out in (md, cli, tui):
        assert "worse than walking away" not in out and "walked out of the talks" in out
    assert "✗" not in next(line for line in tui.splitlines() if line.startswith("Russia"))


def test_the_distance_from_the_nash_package_in_plain_words(tmp_path):
    d = squeezed(tmp_path)

    def at(**gaps):
        n = NashDistance(MappingProxyType(dict(d.package)), MappingProxyType({p: 50.0 for p in gaps}),
                         ("sanctions",), MappingProxyType(gaps), True)
        return nash_words(replace(d, nash=n))

    assert at(rus=15.0, ukr=-12.0) == "Far from it: Russia gets much more than a Nash deal gives, Ukraine much less."
    assert at(rus=5.0, ukr=-4.0) == "Some way from it: Russia gets more than a Nash deal gives, Ukraine less."
    assert at(rus=1.0, ukr=-2.0).startswith("Close to the fair split")
    assert at(rus=-1.0, ukr=-11.0) == "Far from it: Ukraine gets much less than a Nash deal gives."
    same = NashDistance(MappingProxyType(dict(d.package)), MappingProxyType({"rus": 1.0, "ukr": 1.0}), (),
                        MappingProxyType({"rus": 0.0, "ukr": 0.0}), True)
    assert nash_words(replace(d, nash=same)) == "This is the Nash package itself: the fair split."
    assert nash_words(replace(d, nash=None)) is None
    # The real game: its words appear in the Markdown report and the TUI's Nash lines.
    assert d.nash is not None and d.nash_words
    md, _, _ = renders(d)
    assert d.nash_words in md
    assert d.nash_words in "\n".join(c.plain for c in screen.nash_lines(d))
