"""Tag labels in player-facing text, a scenario's own `history:` moves file, and moves that
repeat `until_round`."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from textual.widgets import Static

from sim.cli import main
from sim.engine.events import Consulted, Incident, RoundStarted
from sim.engine.session import Session
from sim.report.wire import line
from sim.runs import saved
from sim.runs.scripts import history_file, history_moves, play_moves
from sim.scenario.actions import Action, load_moves, wait
from sim.scenario.loader import load_scenario
from sim.scenario.model import scenario_hash
from tests.conftest import FLAGSHIP, HISTORY, TEMPLATE, write
from tests.helpers import history_session
from tests.pilot import norm, pilot_test
from tui.app import MediateApp
from tui.screens.debrief import DebriefScreen, historical_moves_lines

LABELLED = "tags: [pier, boats]\ntag_labels: {boats: the fishing boats}\n"


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def line_no(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def rammed_line(path) -> str:
    s = load_scenario(path)
    session = Session(s, 0)
    session.force_agreement({"fishing": "shared"})  # both towns read "shared" as covering the boats
    while not session.ended:
        session.act(wait())
    e = next(e for e in session.events if isinstance(e, Incident) and e.incident == "boat-rammed")
    assert e.judgement == "violation"
    text = line(s, e)
    assert text is not None
    return text


def test_the_wire_names_a_tag_by_its_label(tmp_path, template_text):
    labelled = write(tmp_path, template_text.replace("tags: [pier, boats]", LABELLED.strip()))
    assert "covering the fishing boats" in rammed_line(labelled)
    assert "covering boats" in rammed_line(TEMPLATE)  # a tag without a label reads as its id


def test_labels_leave_the_hash_of_an_unlabelled_scenario_alone(tmp_path, template_text):
    labelled = load_scenario(write(tmp_path, template_text.replace("tags: [pier, boats]", LABELLED.strip())))
    assert scenario_hash(labelled) != scenario_hash(load_scenario(TEMPLATE))
    again = load_scenario(write(tmp_path, template_text.replace("tags: [pier, boats]", "tags: [pier, boats]\n"
                                                                "tag_labels: {}"), "again.yaml"))
    assert scenario_hash(again) == scenario_hash(load_scenario(TEMPLATE))


def test_a_label_for_an_unknown_tag_is_a_located_error(tmp_path, template_text):
    text = template_text.replace("tags: [pier, boats]", "tags: [pier, boats]\ntag_labels: {boat: the boats}")
    r = cli("validate", str(write(tmp_path, text)))
    assert r.exit_code == 1
    n = line_no(text, "tag_labels: {boat: the boats}")
    assert f"s.yaml:{n}:14: error: tag_labels.boat: label for unknown tag 'boat' — did you mean 'boats'?" in r.output


MOVES = """scenario: harbour-dispute
seed: 4
moves:
  - consult: north
  - propose: {fishing: shared}
  - wait: {until_round: 4}
  - {consult: south, until_round: 6}
"""


def authored(tmp_path, template_text, moves: str = MOVES):
    folder = tmp_path / "authored"
    folder.mkdir()
    write(folder, moves, "real.moves.yaml")
    return write(folder, template_text.replace("tags: [pier, boats]", "tags: [pier, boats]\n"
                                               "history: real.moves.yaml"), "harbour.yaml")


def test_run_script_history_plays_the_file_the_scenario_names(tmp_path, template_text, monkeypatch):
    path = authored(tmp_path, template_text)
    monkeypatch.chdir(tmp_path)  # the history file is found beside the scenario, not in the working folder
    out = tmp_path / "t.jsonl"
    r = cli("run", str(path), "--script", "history", "-q", "--json", str(out))
    assert r.exit_code == 0, r.output
    head = json.loads(out.read_text().splitlines()[0])
    assert head["seed"] == 4
    assert head["actions"][:3] == [{"consult": "north"}, {"propose": {"fishing": "shared"}}, "wait"]
    assert validate_ok(path)


def validate_ok(path) -> bool:
    r = cli("validate", str(path))
    return r.exit_code == 0 and "warning" not in r.output


def test_validate_reports_a_missing_history_file_at_its_line(tmp_path, template_text):
    path = authored(tmp_path, template_text)
    (path.parent / "real.moves.yaml").unlink()
    r = cli("validate", str(path))
    assert r.exit_code == 1
    n = line_no(path.read_text(), "history: real.moves.yaml")
    assert re.search(rf"harbour\.yaml:{n}:10: error: history: no moves file .*real\.moves\.yaml", r.output), r.output


def test_validate_reports_a_bad_move_in_the_history_file_in_that_file(tmp_path, template_text):
    path = authored(tmp_path, template_text, MOVES.replace("consult: north", "consult: nort"))
    r = cli("validate", str(path))
    assert r.exit_code == 1
    assert "real.moves.yaml:4:14: error: moves[0].consult: unknown party 'nort' — did you mean 'north'?" in r.output


def test_until_round_waits_and_repeats_until_the_round_begins(tmp_path, template_text):
    path = authored(tmp_path, template_text)
    s = load_scenario(path)
    moves, _ = load_moves(path.parent / "real.moves.yaml", s)
    session = play_moves(s, 4, moves.moves).session
    south = [e.round for e in session.events if isinstance(e, Consulted) and e.party == "south"]
    assert south == [4, 4, 5, 5]  # two consultations fill a round; repeated through rounds 4 and 5
    # The engine saw plain moves: the record replays as it is.
    assert all(a.until_round is None for a in session.actions)
    replay = Session(s, 4, session.actions)
    assert [e.kind for e in replay.events] == [e.kind for e in session.events]
    assert [e.round for e in session.events if isinstance(e, RoundStarted)][:5] == [0, 1, 2, 3, 4]


def test_until_round_of_a_round_already_past_skips_the_move(template_text):
    s = load_scenario(TEMPLATE)
    run = play_moves(s, 0, [wait(3), Action(consult="north", until_round=2), Action(consult="south")])
    assert [e.party for e in run.session.events if isinstance(e, Consulted)] == ["south"]


def test_until_round_problems_are_located(tmp_path):
    s = load_scenario(TEMPLATE)
    bad = write(tmp_path, "moves:\n  - {hint: true, until_round: 3}\n  - wait: {until_round: 10}\n", "m.yaml")
    r = cli("run", str(TEMPLATE), "--script", str(bad), "-q")
    assert r.exit_code == 1
    assert "m.yaml:2:5: error: moves[0]: a hint takes no game time, so it can't repeat until a round" in r.output
    assert re.search(r"m\.yaml:3:\d+: error: moves\[1\]\.until_round: round 10 is after the last round \(9, "
                     r"rounds count from 0\)", r.output), r.output
    assert Action.model_validate({"wait": {"until_round": 3}}).describe() == "wait until round 4"
    assert s.clock.max_rounds == 10


def test_the_flagship_history_is_found_beside_it_and_shown_in_the_debrief():
    s = load_scenario(FLAGSHIP)
    assert history_file(s, FLAGSHIP) == HISTORY
    moves = history_moves(s, FLAGSHIP)
    assert moves is not None
    shown = [str(c) for c in historical_moves_lines(s, moves)]
    assert len(shown) == len(moves) + 1 and "--script history" in shown[0]
    first_propose = next(n for n, a in enumerate(moves) if a.propose is not None)
    label = next(s.issue(i).option(o).label for i, o in moves[first_propose].propose.items()
                 if o != s.issue(i).default_option)
    assert label in shown[first_propose + 1]
    assert historical_moves_lines(s, None) == []


@pilot_test
async def test_the_tui_debrief_lists_the_history_moves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    session = history_session()
    app = MediateApp(resume=saved.save(session, str(FLAGSHIP)))
    app.animation_level = "none"
    moves = history_moves(session.scenario, FLAGSHIP)
    assert moves is not None
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        shown = [norm(str(w.render())) for w in screen.query("#history .hist-move").results(Static)]
        assert len(shown) == len(moves) + 1 and "--script history" in shown[0]
