"""The flagship as the reporting has it: every quote verbatim, every judgement number argued,
the mechanisms the articles call for in place (pledges from the first hour, disputed
attribution, reciprocity, the mediator's own stakes)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from sim.cli import main
from sim.engine import events as ev
from sim.engine.session import Session
from sim.scenario import loader
from sim.scenario.actions import wait
from tests.conftest import FLAGSHIP, SHARED

SEEDS = SHARED / "seeds"


def test_validates_with_every_quote_verified_and_no_traceback():
    r = CliRunner().invoke(main, ["validate", str(FLAGSHIP), "--sources", str(SEEDS)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    s, loc = loader.load_scenario_located(FLAGSHIP)
    assert f"{len(loader.iter_quotes(s))} quotes verified" in r.output
    assert loader.verify_quotes(s, loc, SEEDS) == []


def test_every_public_demand_and_red_line_quotes_the_articles():
    s = loader.load_scenario(FLAGSHIP)
    assert all(src.file and src.outlet and "Unattributed" not in src.outlet for src in s.sources)
    for p in s.parties:
        for issue, st in p.stances.items():
            if st.visibility == "public":
                assert st.quote is not None, f"{p.id}.{issue}"
                if st.red_lines:
                    assert st.red_line_quote is not None, f"{p.id}.{issue} red line"
    assert all(lv.quote is not None for lv in s.mediator.levers)
    assert all(st.quote is not None for st in s.mediator.stances.values())
    assert all(pl.quote is not None for pl in s.pledges)


def test_judgement_numbers_carry_a_comment():
    lines = FLAGSHIP.read_text(encoding="utf-8").splitlines()
    numbers = [(n, ln) for n, ln in enumerate(lines, 1) if re.match(
        r"\s+(weight|values|reservation|concession|credibility|cost|rate_per_day|uses|distrust_penalty):", ln)]
    assert len(numbers) > 60
    assert [(n, ln.strip()) for n, ln in numbers if "#" not in ln] == []


def test_putins_order_judges_the_first_nights_grid_strike_which_moscow_denies():
    """Nothing is agreed in round 0, yet the halt order is in force within minutes of the call:
    the Slovyansk strike is judged under it, disputed (Moscow denies it), and Kyiv answers."""
    s = loader.load_scenario(FLAGSHIP)
    session = Session(s, 0)
    session.act(wait())
    pledge = next(e for e in session.events if isinstance(e, ev.PledgeMade))
    assert pledge.pledge == "putin-halt-order" and pledge.t < 1
    grid = next(e for e in session.events if isinstance(e, ev.Incident) and e.incident == "slovyansk-grid")
    assert grid.judgement == "disputed" and grid.denied
    assert grid.blames == {"ukraine": "russia", "russia": ""}
    provoked = [e for e in session.events if isinstance(e, ev.Provoked) and e.by == "slovyansk-grid"]
    assert [e.incident for e in provoked] == ["refinery-strike"]
    assert not any(isinstance(e, ev.AgreementReached) for e in session.events)


def test_the_mediators_own_stakes_are_shown():
    s = loader.load_scenario(FLAGSHIP)
    assert set(s.mediator.stances) >= {"power_plants", "sanctions", "truce_scope"}
    session = Session(s, 0)
    d = s.default_package
    assert session.mediator_utility({**d, "power_plants": "us_ownership"}) > session.mediator_utility(d)
