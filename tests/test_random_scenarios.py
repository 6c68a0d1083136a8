"""Random valid scenarios through the whole library: load, play every policy, analyse, forecast.

Whatever an author writes that validates must never crash anything downstream.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis.assessment import assess
from sim.analysis.forecast import durability
from sim.engine.session import Session
from sim.report.markdown import markdown_report
from sim.runs.policies import POLICIES, play
from sim.runs.transcripts import jsonl
from sim.scenario.loader import load_scenario_located

TAGS = ["energy", "rail", "port", "homes"]


@st.composite
def scenarios(draw) -> dict:
    n_issues = draw(st.integers(1, 4))
    issues = []
    for i in range(n_issues):
        k = draw(st.integers(1, 4))
        options = [{"id": f"o{o}", "label": f"Option {o}",
                    "covers": draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
                    **({"duration_days": draw(st.sampled_from([1, 3, 10]))} if draw(st.booleans()) else {}),
                    **({"monitoring": True} if draw(st.integers(0, 5)) == 0 else {})}
                   for o in range(k)]
        issues.append({"id": f"i{i}", "title": f"Issue {i}", "options": options})
    n_parties = draw(st.integers(2, 3))
    party_ids = [f"p{p}" for p in range(n_parties)]
    parties = []
    for p in party_ids:
        stances = {}
        for iss in issues:
            if draw(st.integers(0, 3)) == 0:
                continue
            opts = [o["id"] for o in iss["options"]]
            values = {o: draw(st.integers(0, 100)) for o in opts}
            demand = draw(st.sampled_from(opts))
            reds = [o for o in opts if o != demand and draw(st.integers(0, 4)) == 0]
            stances[iss["id"]] = {"weight": draw(st.integers(1, 50)), "values": values, "demand": demand,
                                  "red_lines": reds, "visibility": draw(st.sampled_from(["public", "private"])),
                                  "quote": {"source": "src", "text": "words"}}
        if not stances:
            iss = issues[0]
            stances[iss["id"]] = {"weight": 1, "values": {iss["options"][0]["id"]: 100},
                                  "demand": iss["options"][0]["id"], "visibility": "private"}
        trust = {o: draw(st.floats(0, 1)) for o in [*party_ids, "mediator"] if o != p}
        parties.append({"id": p, "name": f"Party {p}", "reservation": draw(st.integers(0, 90)),
                        "concession": draw(st.sampled_from([0.3, 1, 3])), "trust": trust,
                        "walkout_trust": draw(st.sampled_from([0, 0.05, 0.3])),
                        **({"denounce_trust": 0.3} if draw(st.booleans()) else {}),
                        "red_line_patience": draw(st.integers(0, 2)), "noise": draw(st.sampled_from([0, 3])),
                        "stances": stances})
    random_incidents = [{"id": f"r{n}", "actor": draw(st.sampled_from(party_ids)), "target": draw(st.sampled_from(TAGS)),
                         "rate_per_day": draw(st.sampled_from([0.1, 1, 5])), "text": "Something happens.",
                         "effects": {"trust": {f"{party_ids[0]}->{party_ids[1]}": -0.05}}}
                        for n in range(draw(st.integers(0, 2)))]
    outcomes = []
    for n in range(draw(st.integers(1, 3))):
        iss = draw(st.sampled_from(issues))
        opts = draw(st.lists(st.sampled_from([o["id"] for o in iss["options"]]), min_size=1, max_size=2, unique=True))
        outcomes.append({"id": f"t{n}", "title": f"Tier {n}", "when": {iss["id"]: opts}})
    rounds = draw(st.integers(1, 8))
    return {
        "schema": 1, "id": "random", "title": "Random", "summary": "Generated.",
        "sources": [{"id": "src", "outlet": "Test", "title": "T", "date": "2025-01-01"}],
        "clock": {"start": "2025-01-01T00:00:00+00:00", "round_hours": draw(st.sampled_from([12, 24])),
                  "max_rounds": rounds, "settle_rounds": draw(st.integers(1, 3))},
        "tags": TAGS, "issues": issues,
        "mediator": {"name": "M", "levers": [{"id": "push", "label": "Push", "target": party_ids[0], "cost": 0.2,
                                              "uses": 2, "effects": {"reservation": {party_ids[0]: -10}}}]},
        "parties": parties,
        "incidents": {"scheduled": [{"id": "s0", "round": rounds - 1, "actor": party_ids[1], "target": "rail",
                                     "text": "A strike."}],
                      "random": random_incidents},
        "outcomes": outcomes,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=scenarios(), seed=st.integers(0, 2**32))
def test_random_valid_scenarios_run_everywhere(tmp_path, data, seed):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    s, loc = load_scenario_located(path)
    for name in POLICIES:
        session = play(s, name, seed)
        assert session.ended
        assert jsonl(Session(s, seed, session.actions)) == jsonl(session), "replay reproduces the game"
    report = markdown_report(session, forecast_runs=5)
    assert report.startswith("# Debrief")
    result = assess(s, loc, path)
    assert result["frontier"]["packages"] >= 0 and len(result["tiers"]) == len(s.outcomes)
    assess(s, loc, path, round_=0, known=True)
    durability(s, seed, (), package={s.issues[0].id: s.issues[0].options[-1].id}, runs=3)
