"""Engine details the mutation run found untested: noise, boundaries, the end event, replays."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine import rules as neg
from sim.engine.events import Ended, Hinted, Incident, Responded
from sim.engine.session import Session, stream
from sim.errors import ActionRefused, ReplayError
from sim.scenario.actions import hint, lever, propose, wait
from sim.scenario.loader import load_scenario
from tests.conftest import write
from tests.test_engine import MINI


@pytest.fixture
def mini(tmp_path):
    return load_scenario(write(tmp_path, MINI))


def test_noise_is_drawn_from_the_partys_own_stream_and_clamped(tmp_path):
    scen = load_scenario(write(tmp_path, MINI.replace("    reservation: 40\n", "    reservation: 40\n    noise: 50\n")))
    clamped = set()
    for seed in range(12):
        s = Session(scen, seed=seed)
        rng = stream(seed, "noise/a")
        for rnd in (0, 9):
            s.act(wait(rnd - s.round)) if rnd > s.round else None
            exact = s.threshold("a")
            said = next(e for e in s.act(propose(pause="wide")) if isinstance(e, Responded) and e.party == "a")
            want = exact + rng.uniform(-50, 50)
            clamped |= {"top"} if want > 100 else {"bottom"} if want < 0 else set()
            assert said.threshold == round(min(100.0, max(0.0, want)), 4)
            if s.ended:
                break
    assert clamped == {"top", "bottom"}, "both clamps were exercised"


def test_the_last_round_asks_the_reservation_and_equal_is_enough(tmp_path):
    scen = load_scenario(write(tmp_path, MINI.replace("    reservation: 40\n", "    reservation: 50\n")))
    s = Session(scen, seed=1)
    assert s.threshold("a", at_round=9) == 50 == s.threshold("a", at_round=15)
    assert s.threshold("a", at_round=8) > 50
    s.act(wait(9))
    alpha = next(e for e in s.act(propose(pause="none")) if isinstance(e, Responded) and e.party == "a")
    assert alpha.utility == 50 == alpha.threshold and alpha.accept, "utility equal to the threshold accepts"


def test_the_end_event_sums_up_the_game(mini):
    s = Session(mini, seed=1)
    s.act(wait(6))
    s.act(propose(pause="energy"))
    s.act(wait(100))
    end = s.events[-1]
    assert end == Ended(t=240.0, round=9, reason="deadline", tier=None, best_tier="pause", days_in_force=0.0,
                        violations=0, disputes=0, surplus={"a": 10.0, "b": -4.0})
    s2 = Session(mini.model_copy(update={"clock": mini.clock.model_copy(update={"max_rounds": 2})}), seed=1)
    s2.force_agreement({"pause": "wide"})
    s2.act(wait(2))
    end2 = s2.events[-1]
    assert isinstance(end2, Ended)
    assert (end2.tier, end2.best_tier, end2.days_in_force, end2.violations, end2.disputes) == ("wide", "wide", 2.0, 1, 0)
    assert end2.surplus == {"a": 60.0, "b": 8.0}
    assert s2.awaiting is False and s2.walkouts == () and s2.view().party("a").walked_out is False


def test_scheduled_incidents_fire_in_time_order(tmp_path):
    text = MINI.replace("text: Rail strike.}", "text: Rail strike.}\n    - {id: early, round: 0, hour: 3, actor: a, "
                        "target: port, text: Port closed.}")
    s = Session(load_scenario(write(tmp_path, text)), seed=1)
    s.act(wait(3))
    inc = [(e.incident, e.t, e.actor, e.target, e.text, e.scheduled) for e in s.events if isinstance(e, Incident)]
    assert inc == [("early", 3.0, "a", "port", "Port closed.", True), ("rail-strike", 30.0, "b", "rail", "Rail strike.", True)]


def test_refusals_say_why_and_replays_say_which_action(mini):
    with pytest.raises(ReplayError) as exc:
        Session(mini, seed=1, actions=[lever("push"), wait(), lever("push")])
    assert (exc.value.index, exc.value.action, exc.value.reason) == (2, "lever push", "lever 'push' has no uses left")
    s = Session(mini, seed=1, advisor=lambda view: {"pause": "wide"} if view.round == 0 else None)
    assert s.act(hint()) == [Hinted(t=0, round=0, package={"pause": "wide"})]
    s.act(wait(100))
    with pytest.raises(ActionRefused, match="^the negotiation is over$"):
        s.act(wait())
    with pytest.raises(ActionRefused, match="^the negotiation is over$"):
        s.force_agreement({"pause": "wide"})


def test_the_formulas_at_their_edges(mini):
    trust = {"b": 0.4, "c": 0.8, "mediator": 0.5}
    k = mini.dynamics.credibility_trust
    assert neg.effective_trust(mini, trust, 0.6, ["b", "c"]) == pytest.approx(0.6 + 0.4 * k * 0.6 * 0.5)
    assert neg.effective_trust(mini, trust, 0.6, []) == 1.0, "no counterpart left: nobody to distrust"
    assert neg.threshold(50, 40, 3, 10, 1.0, 0, 1.0) == 50, "an aspiration below the reservation adds nothing"
    assert neg.threshold(40, 90, 14, 10, 1.0, 0, 1.0) == 40, "past the deadline the bar stays at the reservation"
    assert neg.threshold(90, 95, 0, 10, 1.0, 50, 0.0) == 100 and neg.threshold(0, 0, 0, 10, 1.0, 0, 1.0) == 0
    alpha = mini.party("a")
    assert neg.largest_gaps(alpha, {"pause": 90, "aid": 10}, mini.complete({"aid": "stop"})) == [("pause", 90), ("aid", 10)]
    assert neg.largest_gaps(alpha, {"pause": 50, "aid": 50}, mini.complete({"aid": "stop"})) == [("aid", 50), ("pause", 50)]
    assert neg.largest_gaps(alpha, {"pause": 1, "aid": 99}, mini.complete({"pause": "wide"})) == []
    assert neg.largest_gaps(alpha, {"pause": 1, "aid": 99}, mini.complete({"pause": "energy"})) == [("pause", 0.3)]
    single = mini.party("b").model_copy(update={"stances": {"aid": mini.party("b").stances["aid"]}})
    assert neg.utility(single, {"aid": 1.0}, mini.complete({"aid": "stop"})) == 100


def test_compare_reads_transcripts_of_format_1_and_2(tmp_path, mini):
    scen = write(tmp_path, MINI, "mini.yaml")
    new = tmp_path / "new.jsonl"
    r = CliRunner().invoke(main, ["run", str(scen), "--policy", "incremental", "--seed", "2", "-q", "--json", str(new)])
    assert r.exit_code == 0, r.output
    text = new.read_text(encoding="utf-8")
    assert '"format":"mediate-transcript/2"' in text.splitlines()[0]
    (tmp_path / "old.jsonl").write_text(text.replace("mediate-transcript/2", "mediate-transcript/1", 1), encoding="utf-8")
    (tmp_path / "odd.jsonl").write_text(text.replace("mediate-transcript/2", "mediate-transcript/9", 1), encoding="utf-8")
    r = CliRunner().invoke(main, ["compare", "--scenario", str(scen), str(new), str(tmp_path / "old.jsonl")])
    assert r.exit_code == 0 and "2 game(s)" in r.output, r.output
    r = CliRunner().invoke(main, ["compare", "--scenario", str(scen), str(tmp_path / "odd.jsonl")])
    assert r.exit_code == 1 and "'mediate-transcript/9' is not one this mediate reads" in r.output and "Traceback" not in r.output
