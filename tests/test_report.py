"""The debrief record: its fields for the history game, its analyses computed once, and the
Markdown report, the CLI summary and the TUI screen agreeing on every number."""

from __future__ import annotations

import csv
import functools
import io
import re

import pytest
from click.testing import CliRunner
from rich.console import Console

import sim.report.debrief as debrief_mod
from sim.analysis import forecast
from sim.cli import main
from sim.engine.events import Hinted
from sim.engine.session import Session
from sim.report import markdown, text
from sim.report.debrief import compute, describe_forecast
from sim.runs import rows
from sim.runs.compare import Result
from sim.runs.policies import play
from sim.scenario import loader
from sim.scenario.actions import wait
from tests import helpers
from tests.conftest import FLAGSHIP, HISTORY
from tests.helpers import count_calls


@functools.cache
def history_session():
    return helpers.history_session()


@functools.cache
def history_debrief():
    return compute(history_session())


def counting_durability(monkeypatch) -> list[int]:
    return count_calls(monkeypatch, forecast.durability, "durability", debrief_mod)


def test_fields_of_the_history_game():
    session = history_session()
    d = history_debrief()
    s = session.scenario
    assert (d.seed, d.actions, d.rounds_played) == (0, 33, 30)
    assert d.title_of(d.best_tier) == "Strikes on energy paused" and d.tier == d.best_tier == 1
    assert d.end is not None and d.end_reason == "deadline"
    assert round(d.held_days[0], 1) == 29.0 and all(h == 0 for h in d.held_days[1:])
    assert (d.violations, d.disputes, d.walkouts) == (7, 5, ())
    assert d.agreement == session.agreement and d.package == session.agreement
    assert len(d.changed_issues) == 2
    assert [(p.name, round(p.utility, 1), round(p.reservation, 1), round(p.surplus, 1)) for p in d.parties] == [
        ("Russia", 80.7, 60.0, 20.7), ("Ukraine", 81.6, 54.0, 27.6), ("Europe (EU)", 67.0, 55.0, 12.0)]
    assert d.nash is not None and d.nash.exact and d.nash.issues_differ == ("prisoners", "air_defence", "europe")
    assert all(d.nash.nash[i] == session.agreement[i] for i in s.issue_ids if i not in d.nash.issues_differ)
    assert d.forecast is not None and d.forecast.runs == 200 and d.forecast.breaks["lapse"] == 200
    assert d.hints == () and not any(isinstance(e, Hinted) for e in session.events)
    assert [(t.truster, t.trustee, t.start, t.series[-1]) for t in d.trust][0] == ("russia", "ukraine", 0.1, 0.0)
    assert all(len(t.series) == d.rounds_played for t in d.trust)
    assert d.events == session.events
    assert d.history == s.debrief.history and d.questions == s.debrief.questions and d.history


def test_the_record_is_frozen():
    d = history_debrief()
    with pytest.raises(AttributeError):
        d.violations = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        d.package["x"] = "y"  # type: ignore[index]


def test_the_forecast_runs_once_for_every_renderer(monkeypatch):
    calls = counting_durability(monkeypatch)
    d = compute(history_session())
    assert len(calls) == 1
    markdown.markdown_report(d)
    text.summary(d)
    from tui.screens import debrief as screen

    screen.forecast_text(d)
    screen.nash_lines(d)
    assert len(calls) == 1, "rendering never forecasts again"
    compute(history_session(), forecast_runs=0)
    assert len(calls) == 1, "forecast_runs=0 skips it"


def test_no_forecast_without_an_agreement(monkeypatch):
    calls = counting_durability(monkeypatch)
    session = Session(loader.load_scenario(FLAGSHIP), 0, [wait(1000)])  # the mediator never proposes
    assert session.ended and session.agreement is None
    d = compute(session)
    assert d.forecast is None and calls == [] and d.agreement is None and d.changed_issues == ()
    report = markdown.render(d)
    assert "## Durability forecast" not in report and "- No agreement in force." in report


def numbers(line: str) -> list[str]:
    return re.findall(r"[+-]?\d+\.\d", line)


def test_three_renderers_agree_on_the_numbers():
    from tui.screens import debrief as screen

    d = history_debrief()
    report = markdown.render(d)
    console = Console(file=io.StringIO(), width=120, color_system=None)
    for part in text.summary(d):
        console.print(part)
    summary = console.file.getvalue()
    tui = "\n".join(str(c) for c in screen.surplus_lines(d))
    for p in d.parties:
        # utility, no deal, walk-away at the start and at the end, and the surplus against each
        full = [f"{p.utility:.1f}", f"{p.status_quo:.1f}", f"{p.start_reservation:.1f}", f"{p.reservation:.1f}",
                f"{p.surplus_status_quo:+.1f}", f"{p.surplus_start:+.1f}", f"{p.surplus:+.1f}"]
        short = full if p.moved else [full[0], full[1], full[3], full[4], full[6]]
        md_row = next(line for line in report.splitlines() if line.startswith(f"| {p.name} | {full[0]}"))
        assert numbers(md_row) == full
        cli_row = next(line for line in summary.splitlines() if p.name in line)
        assert numbers(cli_row) == short
        tui_row = next(line for line in tui.splitlines() if line.startswith(p.name))
        assert numbers(tui_row) == short
    assert describe_forecast(d.forecast) in report
    assert describe_forecast(d.forecast) in str(screen.forecast_text(d))
    assert f"{d.violations} violation(s), {d.disputes} dispute(s)" in summary
    outcome = "\n".join(str(c) for c in screen.outcome_lines(d))
    assert f"{d.violations} violation(s)" in outcome and f"Violations: {d.violations}" in report


def test_the_cli_report_and_summary_come_from_the_same_record(tmp_path, monkeypatch):
    calls = counting_durability(monkeypatch)
    out = tmp_path / "r.md"
    r = CliRunner().invoke(main, ["run", str(FLAGSHIP), "--script", str(HISTORY), "-q", "--report", str(out)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert len(calls) == 1, "the run's summary never forecasts"
    assert out.read_text(encoding="utf-8") == markdown.render(history_debrief())
    assert "Ended: deadline in round 30; best tier: Strikes on energy paused" in r.output
    assert "+20.7" in r.output and "+27.6" in r.output


def test_an_approximate_nash_package_says_so(monkeypatch):
    from tui.screens import debrief as screen

    exact_report = markdown.render(history_debrief())  # before the patch: the record is computed once
    real = debrief_mod.nash_distance
    monkeypatch.setattr(debrief_mod, "nash_distance", lambda session: {**real(session), "exact": False})
    d = compute(history_session(), forecast_runs=0)
    assert d.nash is not None and not d.nash.exact
    assert "(approximate" in markdown.render(d)
    assert "approximate" in str(screen.nash_lines(d)[1])
    assert "approximate" not in exact_report, "an exact one does not"


def test_batch_and_compare_columns_come_from_one_table(tmp_path):
    s = loader.load_scenario(FLAGSHIP)
    out = tmp_path / "b.csv"
    r = CliRunner().invoke(main, ["batch", str(FLAGSHIP), "--policy", "incremental", "--runs", "3", "--seed", "5",
                                  "--csv", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    got = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    table = rows.reporters(s)
    assert list(got[0]) == ["run", "id", *rows.BATCH, *rows.surplus_columns(s), *rows.BATCH_TAIL, "status", "error"]
    assert set(rows.BATCH) <= set(table)
    for line in got:
        session = play(s, "incremental", int(line["seed"]))
        assert line["end"] == session.end_reason and int(line["rounds"]) == session.round + 1
        for p in s.party_ids:
            assert float(line[f"surplus_{p}"]) == round(session.surplus()[p], 4) == session.events[-1].surplus[p]
    row = Result("x", history_session()).row()
    assert list(row) == ["name", "player", "started_at", "branched_after", *rows.COMPARE, *rows.surplus_columns(s)]
    assert row["tier_at_end"] == row["best_tier"] == s.outcomes[0].id
    assert row["issues_off_nash"] == len(history_debrief().nash.issues_differ) == 3
    assert row["surplus_russia"] == round(history_debrief().parties[0].surplus, 2)


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_the_terminal_result_is_never_cut(width):
    d = history_debrief()
    console = Console(file=io.StringIO(), width=width, color_system=None)
    for part in text.summary(d):
        console.print(part)
    printed = console.file.getvalue()
    table = printed[printed.index("┏"):printed.index("┘") + 1]
    assert "…" not in table and all(len(line) <= width for line in table.splitlines())
    flat = " ".join(printed.split())
    assert "vs walk-away: the surplus against each" in flat
    for p in d.parties:
        # Each party's standing reads whole: in its column at 100 columns and more, on a line of its own below.
        if width >= 100:
            row = " ".join(c.strip() for line in table.splitlines() for c in line.split("│")[-2:-1]
                           if line.startswith("│"))
            assert p.verdict in " ".join(row.split())
        else:
            assert f"{p.name}: {p.verdict}" in printed.splitlines()


def test_party_names_are_escaped_in_every_table(tmp_path, template_text):
    """A name holding '|' or HTML must stay one cell of plain text, the Nash table included."""
    name = "River | trust <img src=x>"
    path = tmp_path / "s.yaml"
    path.write_text(template_text.replace("name: North town", f'name: "{name}"', 1), encoding="utf-8")
    out = tmp_path / "p.md"
    r = CliRunner().invoke(main, ["run", str(path), "--policy", "nash", "-q", "--report", str(out)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    report = out.read_text(encoding="utf-8")
    nash = report[report.index("## Distance from the Nash bargaining package"):]
    nash = nash[: nash.index("\n## ", 1)]
    rows = [row for row in nash.splitlines() if row.startswith("| River")]
    assert rows, nash
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 5, row  # four cells: the name's '|' is escaped
    assert not re.search(r"(?<!\\)<img", nash), "raw HTML never reaches the report (the figures are fenced as text)"


def test_a_name_ending_in_s_takes_the_apostrophe_alone():
    from sim.report.glossary import possessive

    assert [possessive(n) for n in ("Russia", "United States", "Millford mill owners")] == \
        ["Russia's", "United States'", "Millford mill owners'"]
