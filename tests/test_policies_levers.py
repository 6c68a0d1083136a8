"""The built-in policies: `pressure` pulls levers on a party that rejects for want of value, and
`incremental` widens beyond its tier's issues to what the answers name as missing (gaps)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine.events import LeverUsed, Proposed, Responded
from sim.runs.policies import POLICIES, play, tier_issues
from sim.scenario.loader import load_scenario
from tests.conftest import FLAGSHIP, TEMPLATE

SCENARIOS = {"flagship": FLAGSHIP, "template": TEMPLATE}


@pytest.mark.parametrize("name", SCENARIOS)
def test_pressure_pulls_a_lever_on_a_party_that_rejected_on_value(name):
    s = load_scenario(SCENARIOS[name])
    session = play(s, "pressure", 0)
    levers = [n for n, e in enumerate(session.events) if isinstance(e, LeverUsed)]
    assert levers, "the pressure policy never pulled a lever"
    for n in levers:
        lever = session.events[n]
        assert isinstance(lever, LeverUsed)
        before = [e for e in session.events[:n] if isinstance(e, Responded)]
        last = [e for e in before if e.party == lever.target][-1]
        assert not last.accept and not last.red_lines
    # The lever it chose lowers that party's walk-away point, or else raises its trust.
    first = session.events[levers[0]]
    assert isinstance(first, LeverUsed)
    effects = next(lv for lv in s.mediator.levers if lv.id == first.lever).effects
    gain = sum(d for k, d in effects.trust.items() if k.startswith(f"{first.target}->"))
    assert effects.reservation.get(first.target, 0) < 0 or gain > 0


@pytest.mark.parametrize("policy", ["incremental", "maximal", "nash"])
def test_the_other_deliberate_policies_never_pull_levers(policy):
    assert not any(isinstance(e, LeverUsed) for e in play(load_scenario(FLAGSHIP), policy, 1).events)


def widened(path) -> list[tuple[int, str]]:
    """(round, issue) of every incremental proposal that moved an issue outside its tier's own
    conditions after an earlier rejection had named that issue as a gap."""
    s = load_scenario(path)
    session = play(s, "incremental", 0)
    named: set[str] = set()
    found = []
    tier_level = 0
    for e in session.events:
        if e.kind == "tier":
            tier_level = e.level
        if isinstance(e, Proposed):
            keep = tier_issues(s, min(len(s.outcomes), tier_level + 1))
            found += [(e.round, i) for i in e.changed if i in named and i not in keep]
        if isinstance(e, Responded) and not e.accept:
            named |= {i for i, _ in e.gaps}
    return found


# The reworked flagship's first tiers already hold every issue its answers name, so the
# widening shows on the warm-up from the same articles and on the template.
WIDENING = {"warm-up": SCENARIOS["flagship"].parent / "warmup-energy-pause.yaml", "template": TEMPLATE}


@pytest.mark.parametrize("name", WIDENING)
def test_incremental_adds_an_issue_a_rejection_named(name):
    assert widened(WIDENING[name]), "incremental never moved an issue named in a gap beyond its tier"


def test_pressure_is_a_built_in_policy_of_run_and_batch(tmp_path):
    assert "pressure" in POLICIES
    r = CliRunner().invoke(main, ["run", str(TEMPLATE), "--policy", "pressure", "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    csv = tmp_path / "b.csv"
    r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "pressure", "--runs", "2", "--workers", "1",
                                  "--csv", str(csv)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert csv.read_text().count("\n") == 3
