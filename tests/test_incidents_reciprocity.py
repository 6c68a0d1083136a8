"""Reciprocity (an incident provokes answers in kind, with the Poisson process kept exact by
thinning at the provoked bound) and disputed attribution (each party judges by its own reading
of who did it)."""

from __future__ import annotations

from pathlib import Path

from sim.engine.events import Incident, Provoked, TrustChanged
from sim.engine.session import Session
from sim.report.wire import line
from sim.scenario.actions import propose, wait
from sim.scenario.loader import load_scenario
from sim.scenario.model import Attribution, Scenario

FIXTURE = Path(__file__).parent / "fixtures" / "incident-kinds.yaml"
STRIKE_AT = 30.0  # depot-strike: round 1, hour 6
WINDOW = 72.0  # provokes kyiv-answers ×6 for 3 days


def scenario(**pledges_and_incidents) -> Scenario:
    s = load_scenario(FIXTURE)
    return s.model_copy(update=pledges_and_incidents)


def without_provocation(s: Scenario) -> Scenario:
    strike = s.incidents.scheduled[0].model_copy(update={"provokes": ()})
    return s.model_copy(update={"incidents": s.incidents.model_copy(update={"scheduled": (strike,)})})


def with_attribution(s: Scenario, **readings: Attribution) -> Scenario:
    strike = s.incidents.scheduled[0].model_copy(update={"attribution": readings, "provokes": ()})
    return s.model_copy(update={"incidents": s.incidents.model_copy(update={"scheduled": (strike,), "random": ()}),
                                "pledges": ()})


def answers(s: Scenario, seed: int, start: float, end: float) -> int:
    g = Session(s, seed=seed)
    g.act(wait(9))
    return sum(1 for e in g.events if isinstance(e, Incident) and e.incident == "kyiv-answers" and start <= e.t < end)


def test_a_strike_multiplies_the_answering_rate_for_its_days_and_thinning_stays_exact():
    # No trust moves, so no walkout ends a game early and the rates are the base ones.
    s = load_scenario(FIXTURE)
    provoked = s.model_copy(update={"dynamics": s.dynamics.model_copy(update={"incident_trust": 0.0})})
    calm = without_provocation(provoked)
    seeds = range(120)
    inside = sum(answers(provoked, n, STRIKE_AT, STRIKE_AT + WINDOW) for n in seeds) / len(seeds)
    inside_calm = sum(answers(calm, n, STRIKE_AT, STRIKE_AT + WINDOW) for n in seeds) / len(seeds)
    after = sum(answers(provoked, n, STRIKE_AT + WINDOW, 216) for n in seeds) / len(seeds)
    # Poisson means: 0.5/day × 3 days = 1.5 calm, × 6 = 9 provoked; 0.5 × (216 − 102)/24 ≈ 2.4 after
    # (wait(9) stops the clock at the start of the last round, hour 216).
    assert 1.1 < inside_calm < 1.9
    assert 8.2 < inside < 9.8, "a rate above the thinning bound would cap the provoked count near 1.5"
    assert 1.9 < after < 2.9, "the provocation ends after its days"


def test_the_provocation_is_an_event_the_wire_reads():
    s = load_scenario(FIXTURE)
    g = Session(s, seed=3)
    g.act(wait(3))
    (p,) = [e for e in g.events if isinstance(e, Provoked)]
    assert (p.incident, p.by, p.factor, p.until, p.t) == ("kyiv-answers", "depot-strike", 6, STRIKE_AT + WINDOW, STRIKE_AT)
    assert line(s, p) == "  Kyiv is more likely to answer in kind (×6 until 22 Mar 06:00)"
    assert not any(isinstance(e, Provoked) for e in Session(without_provocation(s), seed=3).act(wait(3)))


def strike(s: Scenario, package: dict[str, str] | None = None) -> tuple[Session, Incident, list[TrustChanged]]:
    g = Session(s, seed=1)
    if package:
        g.force_agreement(package)
    g.act(wait(2))
    (inc,) = [e for e in g.events if isinstance(e, Incident)]
    return g, inc, [e for e in g.events if isinstance(e, TrustChanged)]


def test_kyiv_blames_moscow_and_moscow_denies_it_turns_a_violation_into_a_dispute():
    base = with_attribution(load_scenario(FIXTURE))
    _, plain, moved = strike(base, {"pause": "energy"})
    assert plain.judgement == "violation" and not plain.blames and len(moved) == 1
    disputed = with_attribution(load_scenario(FIXTURE), moscow=Attribution(blames="nobody"))
    g, inc, moved = strike(disputed, {"pause": "energy"})
    assert inc.judgement == "disputed" and inc.denied == ("moscow",)
    assert inc.blames == {"kyiv": "moscow", "moscow": ""}
    assert {(t.truster, t.trustee) for t in moved} == {("kyiv", "moscow"), ("moscow", "kyiv")}
    assert g.disputes == 1 and g.violations == 0
    assert line(disputed, inc) == "! A fuel depot burns. — ! DISPUTED (Kyiv blames Moscow; Moscow denies it)"


def test_a_victim_that_reads_an_accident_loses_no_trust():
    accident = with_attribution(load_scenario(FIXTURE), kyiv=Attribution(deliberate=False))
    g, inc, moved = strike(accident, {"pause": "energy"})
    assert inc.judgement == "none" and moved == [] and g.violations == 0
    assert inc.blames["kyiv"] == "" and "Kyiv reads it as an accident" in (line(accident, inc) or "")


def test_a_victim_that_blames_a_third_party_loses_trust_in_that_party():
    misread = with_attribution(load_scenario(FIXTURE), kyiv=Attribution(blames="ankara"))
    _, inc, moved = strike(misread)
    assert [(t.truster, t.trustee) for t in moved] == [("kyiv", "ankara")]
    assert inc.denied == ("ankara",) and "Kyiv blames Ankara" in (line(misread, inc) or "")


def test_an_agreement_then_a_provoked_answer_is_judged_too():
    s = load_scenario(FIXTURE)
    g = Session(s, seed=3)
    g.act(propose(pause="energy", corridor="open"))
    assert g.agreement is not None
    g.act(wait(3))
    judged = [e.judgement for e in g.events if isinstance(e, Incident) and e.incident == "kyiv-answers"]
    assert judged and set(judged) == {"violation"}, "Kyiv's answers hit energy the pause covers"


def test_validate_bounds_random_candidates_by_the_largest_provoked_rate(tmp_path):
    from click.testing import CliRunner

    from sim.cli import main
    from tests.conftest import write

    text = FIXTURE.read_text(encoding="utf-8")
    old = "      provokes: [{incident: kyiv-answers, factor: 6, days: 3}]\n"
    assert old in text
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(FIXTURE)]).exit_code == 0
    # Three provocations ×20 bound the rate at 8000 × 0.5/day over 40 days: 160,000 candidates.
    heavy = text.replace(old, "      provokes: [" + ", ".join(["{incident: kyiv-answers, factor: 20, days: 1}"] * 3)
                         + "]\n")
    out = runner.invoke(main, ["validate", str(write(tmp_path, heavy))])
    assert out.exit_code == 1 and "provocation bound" in out.output and "160,000" in out.output, out.output
