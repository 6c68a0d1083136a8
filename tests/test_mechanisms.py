"""Each engine mechanism pinned by a test that fails when the mechanism is taken out.

(a) red lines cited in a rejection become known to the mediator, (b) the 'settled' ending,
(c) the monitoring damper, (d) walked-out parties no longer weigh on trust; plus the
structured event data the renderers turn into words.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine import rules as neg
from sim.engine.events import (
    AgreementCollapsed,
    AgreementLapsed,
    AgreementReached,
    Consulted,
    Ended,
    Incident,
    LeverUsed,
    Responded,
    Shifted,
    TierChanged,
    TrustChanged,
    Walkout,
)
from sim.engine.parties import Disclosure, PartyAgent
from sim.engine.session import Session
from sim.engine.view import KnownStance
from sim.errors import ActionRefused
from sim.report.wire import consult_details, line, response_reasons
from sim.scenario.actions import consult, lever, propose, wait
from sim.scenario.loader import load_scenario
from tests.conftest import write
from tests.test_engine import MINI

# A third party whose trust in Alpha is already below its walk-out line: it leaves at the end
# of round 1, and Alpha, which distrusts it, stays at the table.
GAMMA = MINI.replace("""parties:
  - id: a""", """parties:
  - id: c
    name: Gamma
    walkout_trust: 0.05
    trust: {a: 0.04, b: 0.5, mediator: 0.5}
    stances:
      aid: {weight: 1, values: {continue: 50, stop: 50}, demand: continue, visibility: private}
  - id: a""").replace("    distrust_penalty: 0\n    walkout_trust: 0.05\n    red_line_patience: 1\n"
                      "    trust: {b: 0.5, mediator: 0.5}",
                      "    distrust_penalty: 20\n    walkout_trust: 0.01\n    red_line_patience: 1\n"
                      "    trust: {b: 0.9, c: 0.1, mediator: 0.5}")


@pytest.fixture
def mini(tmp_path):
    return load_scenario(write(tmp_path, MINI))


def short(s, rounds=2, **clock):
    """The scenario with fewer rounds: thresholds concede fast enough to agree in round 0."""
    return s.model_copy(update={"clock": s.clock.model_copy(update={"max_rounds": rounds, **clock})})


def with_dynamics(s, **dyn):
    return s.model_copy(update={"dynamics": s.dynamics.model_copy(update=dyn)})


def of(session, cls):
    return [e for e in session.events if isinstance(e, cls)]


# ---------------------------------------------------------------- (a) cited red lines


def test_a_private_red_line_cited_in_a_rejection_becomes_known(tmp_path):
    # Beta's aid stance is private and holds a red line: the mediator can't see it until
    # Beta cites it in a rejection.
    text = MINI.replace("aid: {weight: 60, values: {continue: 30, stop: 100}, demand: stop, visibility: private}",
                        "aid: {weight: 60, values: {continue: 30, stop: 100}, demand: stop, red_lines: [continue], "
                        "visibility: private}")
    s = Session(load_scenario(write(tmp_path, text)), seed=1)
    assert "aid" not in s.view().party("b").stances, "a private stance is unknown at first"
    evs = s.act(propose(pause="energy"))
    beta = next(e for e in evs if isinstance(e, Responded) and e.party == "b")
    assert not beta.accept and beta.red_lines == ("aid.continue",)
    assert s.view().party("b").stances["aid"] == KnownStance("aid", "private", None, ("continue",), False)
    assert s.view().party("b").red_line_proposals == 1
    s.act(propose(pause="energy"))
    assert s.view().party("b").stances["aid"].red_lines == ("continue",), "cited once, listed once"


def test_what_the_view_knows_of_each_stance(tmp_path):
    text = MINI.replace("red_lines: [stop],\n            quote: {source: src, text: q}}",
                        "red_lines: [stop],\n            quote: {source: src, text: q}, red_line_quote: {source: src, text: r}}")
    text = text.replace("effects: {reservation: {a: -10}, ", "effects: {weights: {a: {pause: 50}}, reservation: {a: -10}, ")
    scen = load_scenario(write(tmp_path, text))
    stances = scen.party("a").stances
    s = Session(scen, seed=1)
    pv = s.view().party("a")
    assert dict(pv.stances) == {i: KnownStance(i, "public", st.demand, st.red_lines, False, quote=st.quote,
                                               red_line_quote=st.red_line_quote) for i, st in stances.items()}
    assert pv.hidden == 2 and stances["aid"].red_line_quote is not None
    s.act(propose(aid="stop"))
    pv = s.view().party("a")
    assert pv.stances["aid"].red_lines == ("stop",), "a public red line cited is not listed twice"
    assert pv.red_line_proposals == 1 and pv.at_risk and pv.red_lines_left == 0
    assert pv.last_response is not None and pv.last_response[0]["aid"] == "stop"
    s.act(consult("a"))
    pause = stances["pause"]
    want = KnownStance("pause", "public", "wide", (), True, 50.0, dict(pause.values), pause.quote, None, share=0.5)
    assert s.view().party("a").stances["pause"] == want and s.view().party("a").hidden == 1
    s.act(lever("push"))
    assert s.view().party("a").stances["pause"] == replace(want, weight=100.0, share=pytest.approx(2 / 3))


# ---------------------------------------------------------------- (b) the settled ending


def test_the_top_tier_held_for_settle_rounds_ends_as_settled(mini):
    scen = short(mini, rounds=10, settle_rounds=2)
    s = Session(scen, seed=1)
    s.act(wait(7))
    s.act(propose(pause="wide"))
    assert s.agreement is not None and s.tier == len(scen.outcomes)
    assert not s.ended and s.round == 8, "held for one round of two"
    s.act(wait())
    end = s.events[-1]
    assert s.ended and s.end_reason == "settled"
    assert isinstance(end, Ended) and end.reason == "settled" and end.t == 9 * 24 and end.best_tier == "wide"
    assert s.held_days(2) == pytest.approx(2.0) and s.held_days(1) == pytest.approx(2.0)


def test_a_lower_tier_never_settles(mini):
    s = Session(short(mini, rounds=10, settle_rounds=1), seed=1)
    s.act(wait(7))
    s.act(propose(pause="energy"))
    assert s.tier == 1
    s.act(wait(5))
    assert s.ended and s.end_reason == "deadline"


def test_settled_through_the_cli(tmp_path):
    moves = tmp_path / "m.yaml"
    scen = write(tmp_path, MINI.replace("max_rounds: 10}", "max_rounds: 10, settle_rounds: 2}"))
    moves.write_text("scenario: mini\nseed: 1\nmoves:\n  - wait: 7\n  - propose: {pause: wide}\n", encoding="utf-8")
    out = tmp_path / "t.jsonl"
    r = CliRunner().invoke(main, ["run", str(scen), "--script", str(moves), "--json", str(out)])
    assert r.exit_code == 0, r.output
    assert "■ END (settled)" in r.output
    end = json.loads(out.read_text(encoding="utf-8").splitlines()[-1])
    assert end["kind"] == "end" and end["reason"] == "settled"


# ---------------------------------------------------------------- (c) the monitoring damper


def rail_strike_trust(scen, package):
    s = Session(short(scen), seed=1)
    s.force_agreement(package)
    s.act(wait(2))
    inc = next(e for e in s.events if isinstance(e, Incident))
    moves = [(e.truster, e.trustee, e.before, e.after) for e in of(s, TrustChanged) if e.cause == "incident:rail-strike"]
    return s, inc, moves


def test_monitors_damp_an_incident_they_rule_not_covered(mini):
    s, inc, moves = rail_strike_trust(mini, {"pause": "energy", "monitor": "yes"})
    assert (inc.judgement, inc.verdict) == ("monitored", "not covered")
    assert moves == [("a", "b", 0.5, 0.485)], "incident_trust −0.03 × monitored_factor 0.5"
    assert s.violations == 0 and s.disputes == 0
    _, _, undamped = rail_strike_trust(with_dynamics(mini, monitored_factor=1.0), {"pause": "energy", "monitor": "yes"})
    assert undamped == [("a", "b", 0.5, 0.47)]
    _, plain, disputed = rail_strike_trust(mini, {"pause": "energy"})
    assert plain.judgement == "disputed" and disputed == [("a", "b", 0.5, 0.35), ("b", "a", 0.5, 0.35)]


def test_monitors_damp_a_violation_they_rule_and_it_counts(tmp_path):
    # Beta reads the wide pause as sparing rail; the text says it covers rail: the monitors
    # rule a violation, which counts and costs damped trust.
    text = MINI.replace("    trust: {a: 0.5, mediator: 0.5}\n", "    trust: {a: 0.5, mediator: 0.5}\n"
                        "    reads: {pause.wide: [energy]}\n")
    scen = load_scenario(write(tmp_path, text))
    s, inc, moves = rail_strike_trust(scen, {"pause": "wide", "monitor": "yes"})
    assert (inc.judgement, inc.verdict) == ("monitored", "violation")
    assert moves == [("a", "b", 0.5, 0.45)], "violation_trust −0.10 × 0.5"
    assert s.violations == 1 and s.disputes == 0


def test_the_incident_damage_table():
    from sim.scenario.model import Dynamics

    dyn = Dynamics(violation_trust=-0.1, dispute_trust=-0.2, incident_trust=-0.04, monitored_factor=0.25)
    assert neg.incident_damage(dyn, "none", "", "x", "v") == [("v", "x", -0.04)]
    assert neg.incident_damage(dyn, "violation", "", "x", "v") == [("v", "x", -0.1)]
    assert neg.incident_damage(dyn, "disputed", "", "x", "v") == [("v", "x", -0.2), ("x", "v", -0.2)]
    assert neg.incident_damage(dyn, "monitored", "violation", "x", "v") == [("v", "x", -0.025)]
    assert neg.incident_damage(dyn, "monitored", "not covered", "x", "v") == [("v", "x", -0.01)]
    assert neg.breaks_agreement("violation", "") and neg.breaks_agreement("monitored", "violation")
    assert not neg.breaks_agreement("monitored", "not covered") and not neg.breaks_agreement("disputed", "")
    assert neg.SEVERITY["disputed"] > neg.SEVERITY["violation"] > neg.SEVERITY["monitored"] > neg.SEVERITY["none"]


# ---------------------------------------------------------------- (d) walked-out parties


def test_a_party_that_walked_out_no_longer_weighs_on_trust(tmp_path):
    scen = load_scenario(write(tmp_path, GAMMA))
    s = Session(scen, seed=1)
    alpha = scen.party("a")

    def expected(counterparts):
        trust = s.view().party("a").trust
        teff = neg.effective_trust(scen, trust, scen.mediator.credibility, counterparts)
        return neg.threshold(alpha.reservation, neg.aspiration(alpha, s.weights("a")), 3, scen.clock.max_rounds,
                             alpha.concession, alpha.distrust_penalty, teff)

    assert s.threshold("a", at_round=3) == pytest.approx(expected(["b", "c"]))
    s.act(wait(2))
    walk = of(s, Walkout)
    assert s.ended and s.walkouts == ("c",) and walk[0].counterpart == "a"
    assert s.threshold("a", at_round=3) == pytest.approx(expected(["b"]))
    assert expected(["b"]) < expected(["b", "c"]) - 1, "the distrusted party's exit lowers the bar"
    # The mediator's estimate also leaves the walked-out party out of Alpha's trust.
    v = s.view()
    assert v.party("c").walked_out
    still = replace(v, parties=tuple(replace(p, walked_out=False) if p.id == "c" else p for p in v.parties),
                    _beliefs={})
    pkg = scen.complete({"pause": "wide"})
    assert v.estimate("a", pkg)[1] < still.estimate("a", pkg)[1] - 1


# ---------------------------------------------------------------- structured event data


def test_consultation_reveals_values_and_the_renderer_says_them(mini):
    s = Session(mini, seed=1)
    ev = s.act(consult("b"))[0]
    assert isinstance(ev, Consulted) and ev.revealed == ("reservation", "aid") and ev.reservation == 30
    (told,) = ev.stances
    assert told.issue == "aid" and told.share == pytest.approx(0.6) and told.values == {"continue": 30, "stop": 100}
    assert consult_details(mini, ev) == ("Beta would walk away from anything worth less than 30 points to it.",
                                         "Aid: 60% of what matters to Beta; values Continue 30, Stop 100 "
                                         "(not said in public)")
    ev2 = s.act(consult("b"))[0]
    assert isinstance(ev2, Consulted) and ev2.revealed == ("pause",) and ev2.reservation is None
    assert consult_details(mini, ev2) == ("Pause: 40% of what matters to Beta; values No pause 20, Energy 80, "
                                          "Energy and rail 50",)
    ev3 = s.act(consult("b"))[0]
    assert isinstance(ev3, Consulted) and ev3.revealed == () and ev3.stances == ()
    assert line(mini, ev3) == "Mediator consults Beta: Beta has nothing more to tell."
    s.act(consult("a"))
    ev4 = s.act(consult("a"))[0]
    assert isinstance(ev4, Consulted) and ev4.revealed == ("aid",)
    assert consult_details(mini, ev4) == ("Aid: 50% of what matters to Alpha; values Continue 100, Stop 0; never: Stop",)


def test_responses_carry_gaps_and_red_lines_as_data(mini):
    s = Session(mini, seed=1)
    evs = s.act(propose(pause="energy", aid="stop"))
    alpha, beta = (e for e in evs if isinstance(e, Responded))
    assert alpha.red_lines == ("aid.stop",) and not alpha.accept
    assert response_reasons(mini, alpha) == ("red line: Aid — Stop",)
    assert beta.red_lines == () and beta.gaps == ()
    assert response_reasons(mini, beta)[0].startswith("acceptable: utility 92.0 ≥ threshold")
    evs = s.act(propose(pause="none"))
    beta = next(e for e in evs if isinstance(e, Responded) and e.party == "b")
    assert beta.gaps == (("aid", 42.0), ("pause", 24.0))
    assert response_reasons(mini, beta)[1:] == ("Aid: wants Stop (−42)", "Pause: wants Energy (−24)")
    assert line(mini, beta).startswith("Beta ✗ rejects — not enough: utility ")


# ---------------------------------------------------------------- the agreement in force


def test_a_party_denounces_the_agreement_when_an_incident_breaks_its_trust(tmp_path):
    # Alpha reads the energy pause as covering rail; Beta's rail strike is disputed, and with
    # Alpha's trust in Beta already low it withdraws: the agreement collapses, talks go on.
    text = MINI.replace("    trust: {b: 0.5, mediator: 0.5}\n    reads:",
                        "    trust: {b: 0.2, mediator: 0.5}\n    denounce_trust: 0.1\n    reads:")
    scen = load_scenario(write(tmp_path, text))
    scen = scen.model_copy(update={"clock": scen.clock.model_copy(update={"max_rounds": 2})})
    s = Session(scen, seed=1)
    s.act(propose(pause="energy"))
    assert s.agreement is not None
    s.act(wait())
    collapsed = of(s, AgreementCollapsed)
    assert collapsed and collapsed[0].party == "a" and collapsed[0].against == "b"
    assert collapsed[0].trust < 0.1 and s.agreement is None and s.tier == 0
    assert not of(s, AgreementLapsed), "the expiry of a collapsed agreement never fires"
    assert not of(s, Walkout)
    same = load_scenario(write(tmp_path, MINI.replace("    trust: {b: 0.5, mediator: 0.5}\n    reads:",
                                                      "    trust: {b: 0.2, mediator: 0.5}\n    reads:"), "n.yaml"))
    s2 = Session(same.model_copy(update={"clock": scen.clock}), seed=1)
    s2.act(propose(pause="energy"))
    s2.act(wait())
    assert not of(s2, AgreementCollapsed), "without denounce_trust the agreement survives the dispute"
    assert any(isinstance(e, TrustChanged) and e.after < 0.1 for e in s2.events)


def test_tiers_rise_and_fall_with_the_agreement(mini):
    s = Session(short(mini, rounds=10), seed=1)
    s.act(wait(7))
    s.act(propose(pause="energy"))
    s.act(propose(pause="wide"))
    tiers = [(e.tier, e.title, e.level) for e in of(s, TierChanged)]
    assert tiers == [("pause", "Pause", 1), ("wide", "Wide pause", 2)]
    assert s.tier == 2 and s.best_tier == 2
    reached = of(s, AgreementReached)
    assert [r.expires for r in reached] == [{"pause": 7 * 24 + 48}, {}], "the wide pause never lapses"
    s.act(wait(3))
    assert not of(s, AgreementLapsed), "a replaced agreement's expiry never fires"
    assert s.held_days(1) == pytest.approx(3.0) and s.held_days(2) == pytest.approx(2.0)


def test_a_lapse_reverts_the_issue_and_drops_the_tier(mini):
    s = Session(mini, seed=1)
    s.act(wait(6))
    s.act(propose(pause="energy"))
    assert s.agreement == mini.complete({"pause": "energy"}) and s.expires == {"pause": 6 * 24 + 48}
    s.act(wait(3))
    (lapse,) = of(s, AgreementLapsed)
    assert (lapse.issue, lapse.option, lapse.reverts_to, lapse.t) == ("pause", "energy", "none", 6 * 24 + 48)
    assert s.agreement is None and s.expires == {} and s.tier == 0 and s.best_tier == 1
    assert [(e.tier, e.title, e.level) for e in of(s, TierChanged)][-1] == (None, "no agreement tier", 0)
    assert line(mini, lapse) == "! Pause: 'Energy' has lapsed"
    assert s.held_days(1) == pytest.approx(2.0) and s.held_days(2) == 0


def test_a_lapse_keeps_the_rest_of_the_agreement(mini):
    s = Session(mini, seed=1)
    s.force_agreement({"pause": "energy", "monitor": "yes"})
    s.act(wait(3))
    assert s.agreement == mini.complete({"monitor": "yes"}), "monitors stay; the pause reverts"
    assert s.tier == 0 and s.expires == {}


def test_force_agreement_is_not_a_mediator_action(mini):
    s = Session(mini, seed=1)
    evs = s.force_agreement({"pause": "wide"})
    assert [e.kind for e in evs] == ["agreement", "tier"] and s.actions == () and s.tier == 2
    assert evs[0].package == mini.complete({"pause": "wide"})
    s.act(wait(100))
    with pytest.raises(ActionRefused, match="over"):
        s.force_agreement({"pause": "energy"})


def test_a_lever_costs_credibility_and_moves_what_it_says(tmp_path):
    text = MINI.replace(
        "effects: {reservation: {a: -10}, trust: {a->mediator: -0.1}}}",
        "effects: {reservation: {a: -50}, trust: {a->mediator: -0.1, a->b: 0.7}, "
        "weights: {b: {pause: 5}}, credibility: 0.05}}")
    s = Session(load_scenario(write(tmp_path, text)), seed=1)
    evs = s.act(lever("push"))
    assert isinstance(evs[0], LeverUsed) and (evs[0].lever, evs[0].target, evs[0].credibility) == ("push", "a", 0.3)
    shifts = [(e.what, e.party, e.issue, e.before, e.after, e.cause) for e in evs if isinstance(e, Shifted)]
    assert shifts == [("credibility", "mediator", "", 0.5, 0.3, "lever:push"),
                      ("reservation", "a", "", 40.0, 0.0, "lever:push"),
                      ("weight", "b", "pause", 40.0, 45.0, "lever:push"),
                      ("credibility", "mediator", "", 0.3, 0.35, "lever:push")], "reservation clamped at 0"
    trust = [(e.truster, e.trustee, e.before, e.after, e.cause) for e in evs if isinstance(e, TrustChanged)]
    assert trust == [("a", "mediator", 0.5, 0.4, "lever:push"), ("a", "b", 0.5, 1.0, "lever:push")]
    assert s.credibility == pytest.approx(0.35) and s.reservation("a") == 0 and s.weights("b")["pause"] == 45
    assert s.uses_left("push") == 0 and s.now == 12
    assert line(s.scenario, evs[0]) == "Mediator uses a lever: Push (Alpha)"


def test_reservations_and_weights_stay_in_range(tmp_path):
    text = MINI.replace("effects: {reservation: {a: -10}, trust: {a->mediator: -0.1}}}",
                        "effects: {reservation: {a: 80}, weights: {a: {aid: -100}}}}")
    s = Session(load_scenario(write(tmp_path, text)), seed=1)
    s.act(lever("push"))
    assert s.reservation("a") == 100 and s.weights("a")["aid"] == 0.01


def test_a_party_agent_on_its_own(mini):
    agent = PartyAgent(mini, mini.party("b"), random.Random(0))
    assert agent.shift_weight("monitor", 3) is None, "no stance on the issue: no weight to move"
    assert agent.shift_trust("a", 0.0) is None and agent.shift_trust("a", 0.7) == (0.5, 1.0)
    assert agent.shift_trust("a", 0.1) is None, "already at the top"
    assert agent.shift_trust("a", -2) == (1.0, 0.0) and agent.trust["a"] == 0.0
    assert agent.shift_reservation(-40) == (30.0, 0.0) and agent.shift_reservation(150) == (0.0, 100.0)
    assert agent.low_trust_counterpart(2) is None and agent.low_trust_counterpart(2) == "a"
    agent.shift_trust("a", 0.5)
    assert agent.low_trust_counterpart(1) is None and agent.low_rounds == {"a": 0}
    told = agent.consult(mini)
    assert told.revealed == ("reservation", "aid") and told.reservation == 100.0
    assert agent.consult(mini).revealed == ("pause",) and agent.consult(mini) == Disclosure((), None, ())


def test_event_numbers_are_rounded_to_four_places(tmp_path):
    text = MINI.replace("cost: 0.2, effects: {reservation: {a: -10}", "cost: 0.123456, effects: {reservation: {a: -10.123456}")
    s = Session(load_scenario(write(tmp_path, text)), seed=1)
    used, cred, res = s.act(lever("push"))[:3]
    assert used.credibility == 0.3765 and (cred.before, cred.after, res.after) == (0.5, 0.3765, 29.8765)
    assert s.act(consult("a"))[0].reservation == 29.8765 == s.view().party("a").reservation
