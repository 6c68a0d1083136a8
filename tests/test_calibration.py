"""Calibration of the flagship against the reporting: the bands its closing notes state.

Every built-in policy plays the same 300 seeds `mediate batch --runs 300` plays (root seed 0),
in two processes, once for the whole module; each assertion reads those shared runs.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pytest

from sim.analysis.forecast import durability
from sim.engine import events as ev
from sim.engine.session import Session
from sim.runs import policies, scripts
from sim.runs.batch import run_seed
from sim.scenario import actions, loader
from sim.scenario.actions import consult, lever, propose
from tests.conftest import FLAGSHIP, HISTORY, ROOT

N = 300
SEEDS = [run_seed(0, i) for i in range(N)]
SKILLED = ROOT / "docs" / "flagship-skilled.moves.yaml"

# The documented strategy's offer (docs/flagship-skilled.moves.yaml): the Black Sea, paid for
# with what Moscow asked for that Kyiv can live with (sanctions are Europe's to ease, and it won't).
OFFER = {"truce_scope": "energy_infra", "black_sea": "maritime", "prisoners": "swap_175",
         "army_size": "no_mobilisation", "language": "protect", "elections": "presidential",
         "intel_sharing": "defensive"}
# The same offer with Kyiv's NATO hopes given up and its power plants to US ownership (the
# mediator's own stake): below Kyiv's status quo, so a deal Kyiv signs under pressure.
FORCED = {**OFFER, "nato": "renounce", "power_plants": "us_ownership"}

PAUSE, SECOND, FULL = 1, 2, 3  # tier levels: energy pause, infrastructure and sea, full ceasefire

# What the reporting says no side signed: Kyiv "rejected Putin's key condition that Western
# allies stop providing military aid and intelligence" and will not see occupied land
# recognised; Moscow went to war over NATO's "creeping expansion".
NEVER = {"military_aid": {"pause", "end"}, "intel_sharing": {"end"},
         "territory": {"recognise"}, "nato": {"open"}}


def flagship():
    return loader.load_scenario(FLAGSHIP)


def summarise(job: tuple[str, int]) -> dict:
    """What the assertions need from one game: its best tier and every agreement put in force."""
    policy, seed = job
    s = flagship()
    session = policies.play(s, policy, seed)
    return {"policy": policy, "seed": seed, "best_tier": session.best_tier,
            "agreements": [dict(e.package) for e in session.events if isinstance(e, ev.AgreementReached)]}


def play_all() -> dict[str, list[dict]]:
    jobs = [(p, seed) for p in policies.POLICIES for seed in SEEDS]
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool:
        done = list(pool.map(summarise, jobs, chunksize=25))
    out: dict[str, list[dict]] = {p: [] for p in policies.POLICIES}
    for r in done:
        out[r["policy"]].append(r)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory, worker_id) -> dict[str, list[dict]]:
    """The games, played once per test session: under pytest-xdist the first worker to get
    here plays them and leaves them in the session's shared temporary folder for the other."""
    if worker_id == "master":
        return play_all()
    import fcntl  # POSIX only, like the xdist workers that need it here

    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "flagship-calibration.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache = shared / "flagship-calibration.json"
        if not cache.is_file():
            cache.write_text(json.dumps(play_all()), encoding="utf-8")
        return json.loads(cache.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the opening, any seed


def test_round_0_kyiv_accepts_and_moscow_rejects_the_full_ceasefire_in_any_seed():
    s = flagship()
    for seed in SEEDS:
        session = Session(s, seed)
        session.act(propose(truce_scope="full_30_days"))
        said = {e.party: e for e in session.events if isinstance(e, ev.Responded)}
        assert said["ukraine"].accept, seed
        assert not said["russia"].accept and not said["russia"].red_lines, seed
        assert said["russia"].gaps[0][0] == "truce_scope", "Moscow refuses the ceasefire itself"


def test_a_mediator_who_consults_and_proposes_the_pause_gets_it_from_the_first_rounds():
    s = flagship()
    for seed in SEEDS:
        session = Session(s, seed)
        for a in (consult("russia"), consult("ukraine"), propose(truce_scope="energy_infra")):
            session.act(a)
        reached = [e for e in session.events if isinstance(e, ev.AgreementReached)]
        assert reached and reached[0].round == 1, seed
        assert session.tier == PAUSE


# ---------------------------------------------------------------- the built-in policies


def test_no_built_in_policy_gets_far_beyond_the_pause(runs):
    for name, games in runs.items():
        best = Counter(g["best_tier"] for g in games)
        second = sum(n for tier, n in best.items() if tier >= SECOND)
        full = sum(n for tier, n in best.items() if tier >= FULL)
        assert second <= N / 2, f"{name}: the second tier in {second} of {N}"
        assert full <= 0.05 * N, f"{name}: a full ceasefire or more in {full} of {N}"
    assert any(g["best_tier"] >= PAUSE for g in runs["incremental"]), "the pause is there to take"


def test_no_agreement_under_any_policy_crosses_what_the_sides_refused(runs):
    crossed = [(name, g["seed"], issue, pkg[issue])
               for name, games in runs.items() for g in games for pkg in g["agreements"]
               for issue, refused in NEVER.items() if pkg[issue] in refused]
    assert crossed == []
    assert sum(len(g["agreements"]) for games in runs.values() for g in games) > N, "agreements were made"


# ---------------------------------------------------------------- the history


def test_history_reproduces_the_reported_arc_in_every_seed():
    s = flagship()
    moves, _ = actions.load_moves(HISTORY, s)
    start = dict(s.party("ukraine").trust)
    for seed in SEEDS[:100]:
        run = scripts.play_moves(s, seed, moves.moves)
        session = run.session
        assert run.refused is None and run.played == len(moves.moves), seed
        said = [e for e in session.events if isinstance(e, ev.Responded)]
        assert {e.party: e.accept for e in said[:2]} == {"russia": False, "ukraine": True}, seed
        pause = next(e for e in session.events if isinstance(e, ev.AgreementReached))
        assert pause.round == 1 and pause.package["truce_scope"] == "energy_infra", seed
        disputed = [e for e in session.events if isinstance(e, ev.Incident) and e.t > pause.t
                    and e.target in ("rail", "port") and e.judgement == "disputed"]
        assert disputed, f"seed {seed}: strikes on rail or ports after the pause are disputed"
        assert all((e.readings["russia"], e.readings["ukraine"]) == (False, True) for e in disputed)
        assert session.view().party("ukraine").trust["russia"] < start["russia"], seed


# ---------------------------------------------------------------- a skilled human


def test_the_documented_strategy_beats_every_built_in_policy(runs):
    s = flagship()
    moves, _ = actions.load_moves(SKILLED, s)
    games = [scripts.play_moves(s, seed, moves.moves).session for seed in SEEDS[:60]]
    reached = sum(g.best_tier >= SECOND for g in games) / len(games)
    assert reached >= 0.8
    for name, played in runs.items():
        share = sum(g["best_tier"] >= SECOND for g in played) / N
        assert share < reached, name
    for g in games:
        for pkg in (dict(e.package) for e in g.events if isinstance(e, ev.AgreementReached)):
            assert all(pkg[i] not in refused for i, refused in NEVER.items())


# ---------------------------------------------------------------- coercion


def offer_path(seed: int, on_kyiv: bool) -> tuple[Session, list]:
    """The documented strategy's opening, then an offer each round until both sides take it:
    the strategy's own, or (``on_kyiv``) the worse one forced on Kyiv with the aid
    cutoff and "you don't have the cards" twice."""
    acts = [propose(truce_scope="full_30_days"), propose(truce_scope="energy_infra")]
    if on_kyiv:
        acts += [lever("pause_intel"), lever("cards_pressure"), lever("cards_pressure")]
    acts += [lever("restore_relations"), lever("vouch_for_putin"), lever("hockey")]
    session = Session(flagship(), seed, acts)
    while not session.ended and session.best_tier < SECOND:
        acts.append(propose(**(FORCED if on_kyiv else OFFER)))
        session.act(acts[-1])
    return session, acts


def test_a_coerced_path_to_the_second_tier_is_marked_and_forecast_fragile():
    s = flagship()
    coerced, reached = [], 0
    for seed in SEEDS[:12]:
        session, acts = offer_path(seed, on_kyiv=True)
        if session.best_tier < SECOND:
            continue
        reached += 1
        last = [e for e in session.events if isinstance(e, ev.AgreementReached)][-1]
        if last.coerced:
            assert last.coerced == ("ukraine",) and session.coerced == ("ukraine",)
            coerced.append((seed, acts))
    assert reached >= 9 and len(coerced) >= 4, "pressure on Kyiv buys the deal, under pressure"
    seed, acts = next((seed, acts) for seed, acts in coerced if offer_path(seed, on_kyiv=False)[0].best_tier >= SECOND)
    forced = durability(s, seed, acts, days=(7,), runs=60)
    assert forced is not None and forced.coerced == ("ukraine",) and forced.breaks["denounce"] > 0
    patient, patient_acts = offer_path(seed, on_kyiv=False)
    assert not patient.coerced
    held = durability(s, seed, patient_acts, days=(7,), runs=60)
    assert held is not None and held.coerced == ()
    assert forced.held[0] < 0.8 < held.held[0], "a deal forced on Kyiv is forecast to break within a week"
