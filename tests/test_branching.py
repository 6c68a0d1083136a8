"""Branching from a saved round: the first N rounds of a game replayed exactly, then other moves.

Through the API (same incidents before the branch point), the CLI (``run --from … --at-round``,
its files, ``compare`` of original and branch, clean errors) and the TUI debrief (pick a round,
play on as a new game whose save records where it branched from).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sim.engine.events import Incident
from sim.engine.session import Session
from sim.runs import branching, compare, saved
from sim.runs.plugins import play_spec
from sim.runs.scripts import play_moves
from sim.scenario import loader, saves
from sim.scenario.actions import Action, wait
from tests.helpers import invoke
from tests.pilot import pilot_test

FIXTURE = Path(__file__).parent / "fixtures" / "incident-kinds.yaml"
SEED = 4



def scenario():
    return loader.load_scenario(FIXTURE)


def original() -> Session:
    """A whole game: the incremental mediator on the fixture with its random incidents."""
    return play_spec(scenario(), "incremental", SEED)


def before(session: Session, n: int) -> list[str]:
    return [e.to_json() for e in session.events if e.round < n]


def test_incidents_before_the_branch_round_are_identical_and_the_games_then_differ():
    orig = original()
    n = 4
    branch = branching.start(orig, n, "orig")
    assert branch.round == n and not branch.ended
    assert list(branch.actions) == [a for a in orig.actions[:len(branch.actions)]]
    branching.play_on_policy(branch, "maximal")
    incidents = [e for e in orig.events if isinstance(e, Incident) and e.round < n]
    assert incidents, "the fixture's random incidents happen before the branch round"
    assert before(branch, n) == before(orig, n), "same actions, same streams: the same rounds before N"
    assert [e.to_json() for e in branch.events if isinstance(e, Incident) and e.round < n] == \
        [e.to_json() for e in incidents]
    assert branch.ended and branch.actions != orig.actions
    assert [e.to_json() for e in branch.events] != [e.to_json() for e in orig.events]


def test_a_branch_that_plays_the_same_moves_reproduces_the_original_exactly():
    orig = original()
    branch = branching.start(orig, 3)
    run = branching.play_on_moves(branch, orig.actions[len(branch.actions):])
    assert run.refused is None
    assert [e.to_json() for e in branch.events] == [e.to_json() for e in orig.events]


def test_a_long_wait_across_the_branch_point_is_cut_there():
    orig = play_moves(scenario(), SEED, [wait(6)]).session
    branch = branching.start(orig, 2)
    assert branch.round == 2 and branch.actions == (Action(wait=2),)
    assert before(branch, 2) == before(orig, 2)


def test_round_past_the_end_is_refused():
    orig = original()
    with pytest.raises(branching.BranchError, match=f"past the game's end.*give --at-round 0 to {orig.round} "):
        branching.start(orig, orig.round + 1)
    fresh = Session(orig.scenario, SEED)  # no round finished yet: only 0 can be kept
    with pytest.raises(branching.BranchError, match=r"give --at-round 0 \(it has no finished round to keep\)"):
        branching.start(fresh, 1)


def test_a_branch_save_records_its_origin_and_resumes_as_a_branch(tmp_path):
    orig = original()
    branch = branching.start(orig, 2, "game.json")
    path = saved.save(branch, str(FIXTURE))
    assert path.name.endswith("-branch-r2.json") and path != saves.default_save_path(orig.scenario, SEED)
    data = json.loads(path.read_text())
    assert data["branched_from"] == {"source": "game.json", "at_round": 2, "actions": len(branch.actions)}
    resumed, _ = saved.resume(path)
    assert branching.origin_of(resumed) == branching.origin_of(branch)
    plain = saved.save(orig, str(FIXTURE), tmp_path / "plain.json")
    assert "branched_from" not in json.loads(plain.read_text()), "a game from the start saves as it always did"
    # The teacher's table tells the branch from the game it came from.
    rows = {r.name: r.row()["branched_after"] for r in (compare.load(path), compare.load(plain))}
    assert rows == {path.stem: 2, "plain": ""}


# ------------------------------------------------------------------ CLI


@pytest.fixture
def game(tmp_path) -> Path:
    path = tmp_path / "orig.jsonl"
    r = invoke("run", str(FIXTURE), "--policy", "incremental", "--seed", str(SEED), "--json", str(path), "-q")
    assert r.exit_code == 0, r.output
    return path


def test_cli_branch_with_a_policy_writes_a_transcript_that_compares_with_the_original(tmp_path, game):
    out = tmp_path / "branch.jsonl"
    report = tmp_path / "branch.md"
    r = invoke("run", str(FIXTURE), "--from", str(game), "--at-round", "3", "--policy", "wait",
               "--json", str(out), "--report", str(report), "-q")
    assert r.exit_code == 0, r.output
    assert "then wait from round 4" in r.output and report.read_text().startswith("#")
    head = json.loads(out.read_text().split("\n", 1)[0])
    assert head["branched_from"]["at_round"] == 3 and head["seed"] == SEED
    orig_lines = game.read_text().splitlines()[1:]
    branch_lines = out.read_text().splitlines()[1:]
    assert [x for x in branch_lines if json.loads(x)["round"] < 3] == \
        [x for x in orig_lines if json.loads(x)["round"] < 3]
    r = invoke("compare", str(game), str(out), "--scenario", str(FIXTURE))
    assert r.exit_code == 0, r.output
    rows = {line.split()[1]: line.split() for line in r.output.splitlines()
            if line.split()[1:2] in (["orig"], ["branch"])}  # after the player column
    assert set(rows) == {"orig", "branch"} and rows["orig"][2:] != rows["branch"][2:], r.output


def test_cli_branch_from_a_save_with_a_script(tmp_path):
    orig = original()
    save = saved.save(orig, str(FIXTURE), tmp_path / "game.json")
    moves = tmp_path / "alt.yaml"
    moves.write_text(textwrap.dedent(f"""\
        scenario: {orig.scenario.id}
        moves:
          - wait: 1
        """))
    out = tmp_path / "b.jsonl"
    r = invoke("run", "--from", str(save), "--at-round", "2", "--script", str(moves), "--json", str(out), "-q")
    assert r.exit_code == 0, r.output
    r = invoke("compare", str(save), str(out), "--scenario", str(FIXTURE))
    assert r.exit_code == 0 and "game" in r.output and " b " in r.output, r.output


def test_cli_clean_errors(tmp_path, game):
    r = invoke("run", str(FIXTURE), "--from", str(game), "--at-round", "99", "--policy", "wait")
    assert r.exit_code == 1 and "past the game's end" in r.output and "Traceback" not in r.output
    other = tmp_path / "other.yaml"
    other.write_text("scenario: some-other-scenario\nmoves:\n  - wait: 1\n")
    r = invoke("run", str(FIXTURE), "--from", str(game), "--at-round", "2", "--script", str(other))
    assert r.exit_code == 1 and "written for scenario 'some-other-scenario'" in r.output
    changed = tmp_path / "changed.yaml"
    changed.write_text(FIXTURE.read_text().replace("rate_per_day: 0.5", "rate_per_day: 0.6"))
    r = invoke("run", str(changed), "--from", str(game), "--at-round", "2", "--policy", "wait")
    assert r.exit_code == 1 and "has changed since this transcript was made" in r.output
    r = invoke("run", str(FIXTURE), "--from", str(game), "--policy", "wait")
    assert r.exit_code == 2 and "--at-round" in r.output
    r = invoke("run", "--policy", "wait")
    assert r.exit_code == 2 and "SCENARIO" in r.output
    save = saved.save(original(), str(FIXTURE), tmp_path / "game.json")
    r = invoke("run", str(FIXTURE), "--from", str(save), "--at-round", "2", "--policy", "wait")
    assert r.exit_code == 1 and "is a save, which names its own scenario: leave out SCENARIO" in r.output
    neither = tmp_path / "notes.txt"
    neither.write_text("a note, not a game\n")
    r = invoke("run", str(FIXTURE), "--from", str(neither), "--at-round", "2", "--policy", "wait")
    assert r.exit_code == 1 and "notes.txt:1:1: error: not a mediate transcript" in r.output, r.output
    assert "is a save" not in r.output


def test_cli_refuses_a_save_of_a_changed_scenario(tmp_path):
    copy = tmp_path / "s.yaml"
    copy.write_text(FIXTURE.read_text())
    save = saved.save(original(), str(copy), tmp_path / "game.json")
    copy.write_text(FIXTURE.read_text().replace("rate_per_day: 0.5", "rate_per_day: 0.6"))
    r = invoke("run", "--from", str(save), "--at-round", "1", "--policy", "wait")
    assert r.exit_code == 1 and "has changed since this game was saved" in r.output and "Traceback" not in r.output


# ------------------------------------------------------------------ TUI


@pilot_test
async def test_tui_debrief_branches_from_a_picked_round_into_a_new_game(tmp_path):
    from tui.app import MediateApp
    from tui.screens.debrief import DebriefScreen
    from tui.screens.modals import ChoiceModal
    from tui.screens.negotiation import NegotiationScreen

    orig = original()
    path = saved.save(orig, str(FIXTURE.resolve()))
    app = MediateApp(resume=path)
    app.animation_level = "none"
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("home", "down", "down", "down", "enter")  # round 4: rounds 1-3 as played
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NegotiationScreen)
        branch = screen.session
        assert branch is not orig and branch.round == 3 and not branch.ended
        assert before(branch, 3) == before(orig, 3)
        assert screen.save_path is not None and screen.save_path != path
        data = json.loads(screen.save_path.read_text())
        assert data["branched_from"]["at_round"] == 3 and data["branched_from"]["source"] == str(path)
        assert json.loads(path.read_text()).get("branched_from") is None, "the original's save is untouched"


def test_the_readme_branching_example_says_what_the_flagship_does(tmp_path):
    """README, "Branching from a round": on seed 0 the maximal and pressure branches from round 3
    make 17 proposals to the record's 3 and end where it ends (tier 1, 29 days, 7 violations),
    with Russia +21.0 and Ukraine +28.6 against the record's +20.7 and +27.6."""
    record = tmp_path / "history.jsonl"
    assert invoke("run", "energy-truce-2025-03", "--script", "history", "--json", str(record), "-q").exit_code == 0
    ends = {"history": record}
    for policy in ("maximal", "pressure"):
        ends[policy] = tmp_path / f"{policy}-r3.jsonl"
        r = invoke("run", "--from", str(record), "--at-round", "3", "--policy", policy, "--json", str(ends[policy]), "-q")
        assert r.exit_code == 0, r.output
    facts = {}
    for name, path in ends.items():
        lines = [json.loads(x) for x in path.read_text().splitlines()]
        end = lines[-1]
        facts[name] = (sum(x["kind"] == "proposal" for x in lines), end["best_tier"], end["violations"])
    assert facts == {"history": (3, "energy_pause", 7), "maximal": (17, "energy_pause", 7),
                     "pressure": (17, "energy_pause", 7)}
    r = invoke("compare", *(str(p) for p in ends.values()))
    assert r.output.count(" branch after round 3 ") == 2, "each branch says where it left the record"
    rows = {line.split()[1]: line.replace(" branch after round 3", "").split() for line in r.output.splitlines()
            if line.split()[1:2] and
            line.split()[1] in ("history", "maximal-r3", "pressure-r3")}
    assert [rows[g][4] for g in ("history", "maximal-r3", "pressure-r3")] == ["29.0"] * 3, r.output
    assert [rows[g][9:11] for g in ("history", "maximal-r3", "pressure-r3")] == \
        [["+20.7", "+27.6"], ["+21.0", "+28.6"], ["+21.0", "+28.6"]], r.output
