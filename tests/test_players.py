"""Players: two games of one seed keep separate saves and exports, nothing is replaced without asking,
`compare` tells the players apart, and an exported game opens read-only (`play --review`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from textual.widgets import Input, OptionList

from sim.engine.session import Session
from sim.runs import saved, transcripts
from sim.runs.saved import Game
from sim.scenario import loader, saves
from tests.conftest import FLAGSHIP, ROOT
from tests.helpers import history_session, invoke
from tests.pilot import flagship_ref, norm, pilot_test
from tui.app import MediateApp
from tui.entries import prepare
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen, export_name, transcript_name
from tui.screens.modals import ConfirmModal
from tui.screens.negotiation import NegotiationScreen
from tui.screens.picker import PickerScreen

SIZE = (80, 24)



def new_app(**kwargs) -> MediateApp:
    app = MediateApp(prepared=prepare(flagship_ref(), **kwargs))
    app.animation_level = "none"
    return app


def saves_shown(picker: PickerScreen) -> str:
    ol = picker.query_one("#saves", OptionList)
    return norm(" ".join(str(ol.get_option_at_index(n).prompt) for n in range(ol.option_count)))


async def play_one_wait(player: str, seed: int) -> None:
    """Start a game from the picker as ``player``, wait one round, quit (which saves)."""
    app = new_app(seed=seed, player=player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "w")
        assert isinstance(app.screen, NegotiationScreen)
        await pilot.press("q")


@pilot_test
async def test_two_players_with_one_seed_keep_separate_saves_and_a_new_game_asks_first():
    s = loader.load_scenario(loader.resolve(flagship_ref()))
    await play_one_wait("Ana", 7)
    await play_one_wait("Ben", 7)
    infos = saves.list_saves(s.id)
    assert sorted(i.player for i in infos) == ["Ana", "Ben"] and {i.seed for i in infos} == {7}
    assert len({i.path for i in infos}) == 2 and all(i.actions == 1 and i.started_at for i in infos)

    # Ana again with seed 7: the picker lists both games and asks before starting another.
    app = new_app(seed=7, player="Ana")
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen
        shown = saves_shown(picker)
        assert "Ana · seed 7 · round 2 · 1 action(s)" in shown and "Ben" in shown
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        assert app.screen is picker
        await pilot.press("enter")
        await pilot.press("y")
        assert isinstance(app.screen, BriefingScreen) and app.screen.game.player == "Ana"
    assert len(saves.list_saves(s.id)) == 2, "nothing was saved over: the old games are untouched"


@pilot_test
async def test_the_name_typed_in_the_picker_is_remembered_for_the_next_run():
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#player", Input).value == ""
        app.screen.query_one("#player", Input).value = "Chiara"
        await pilot.pause()
        await pilot.press("enter")  # start: the name goes on the game and is kept
        assert isinstance(app.screen, BriefingScreen) and app.screen.game.player == "Chiara"
    assert prepare(flagship_ref()).player == "Chiara"
    assert prepare(flagship_ref(), player="Dev").player == "Dev", "--player wins over the remembered name"


@pilot_test
async def test_tab_from_the_scenario_list_lands_on_the_name_so_a_typed_name_goes_on_the_game():
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.focused.id == "scenarios"
        await pilot.press("tab", *"Noor")
        assert app.focused.id == "player", "the About pane comes last in the tab order, not next"
        await pilot.press("tab", "tab")
        assert app.focused.id == "start"
        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen) and app.screen.game.player == "Noor"


def ended_app(tmp_path, player: str = "Ana") -> tuple[MediateApp, Session, Game]:
    session = history_session()
    game = Game(player, "2026-12-02T15:00:00+00:00")
    path = saved.save(session, str(FLAGSHIP), game=game)
    app = MediateApp(resume=path)
    app.animation_level = "none"
    return app, session, game


@pilot_test
async def test_export_goes_to_the_chosen_folder_and_asks_before_replacing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    saves.use_exports_dir(out)
    app, session, game = ended_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        md, jsonl = out / export_name(session, game), out / transcript_name(session, game)
        assert "ana-20261202-150000" in md.name and md.read_text(encoding="utf-8").startswith("# Debrief")
        head = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
        assert head["player"] == "Ana" and head["started_at"] == game.started_at
        md.write_text("kept\n", encoding="utf-8")
        assert app._notifications, "the export said where it wrote"
        await pilot.press("e")  # again: both files exist
        assert isinstance(app.screen, ConfirmModal)
        assert not app._notifications, "no toast left over the question's buttons"
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert md.read_text(encoding="utf-8") == "kept\n", "declined: the file is untouched"
        await pilot.press("e", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert md.read_text(encoding="utf-8").startswith("# Debrief"), "confirmed: replaced"


def test_play_out_must_name_an_existing_folder(tmp_path):
    r = invoke("play", "--out", str(tmp_path / "missing"))
    assert r.exit_code == 1 and "no such folder" in r.stderr and "Traceback" not in r.output


def test_compare_reads_a_class_folder_and_tells_players_apart_at_80_columns(tmp_path):
    s = loader.load_scenario(FLAGSHIP)
    base = history_session()
    cls = tmp_path / "class"
    for name, n in (("Ana", len(base.actions)), ("Ben", 2)):
        session = Session(s, base.seed, base.actions[:n])
        game = Game(name, f"2026-12-02T15:0{n % 10}:00+00:00")
        saves.use_data_dir(cls / saves.slug(name))
        saved.save(session, str(FLAGSHIP), game=game)
        if name == "Ana":  # Ana exported her finished game: it counts once, from its transcript
            (cls / "ana" / "exports").mkdir(parents=True)
            (cls / "ana" / "exports" / transcript_name(session, game)).write_text(
                transcripts.jsonl(session, player=name, started_at=game.started_at), encoding="utf-8")
    # A transcript from before players (or `mediate run`), under the debrief's old default name.
    (cls / f"mediate-{s.id}-seed{base.seed}.jsonl").write_text(transcripts.jsonl(base), encoding="utf-8")
    out = tmp_path / "class.csv"
    # A real process at 80 columns: the console takes its width from the terminal it starts in.
    r = subprocess.run([sys.executable, "-m", "sim.cli", "compare", str(cls), "--csv", str(out)], capture_output=True,
                       text=True, env={**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 4 and rows[0].startswith("name,player,started_at,")
    assert [row.split(",")[1] for row in rows[1:]] == ["Ana", "", "Ben"]
    table = r.stdout.splitlines()
    header = next(line for line in table if "player" in line)
    assert "…" not in header and all(col in header for col in ("seed", "tier", "days", "hints"))
    assert "±Russia" in header and "±Ukraine" in header, "every party's column is there"
    assert "±Europe" in " ".join(table[:6]), "the third party's too (its name wraps above the header)"
    assert all(len(line.rstrip()) <= 80 for line in table[:8])
    starts = [line.split()[0] for line in table if line.strip()]
    assert "Ana" in starts and "Ben" in starts
    assert f"seed{base.seed}" in " ".join(table), "an unnamed game is shown by the part of its file name that differs"
    ben = table.index(next(line for line in table if line.split()[:1] == ["Ben"]))
    assert "playing" in " ".join(table[ben:ben + 3]), "Ben's game is still on: it came from his save"


def test_transcript_header_carries_the_player_only_when_known():
    session = history_session()
    plain_head = transcripts.header(session)
    assert "player" not in plain_head and "started_at" not in plain_head, "older transcripts keep their bytes"
    line = transcripts.jsonl(session, player="Ana", started_at="2026-12-02T15:00:00+00:00").splitlines()[0]
    parsed = transcripts.parse_header("t.jsonl", line, json.loads(line))
    assert (parsed.player, parsed.started_at) == ("Ana", "2026-12-02T15:00:00+00:00")
    old = json.loads(transcripts.jsonl(session).splitlines()[0])
    assert transcripts.parse_header("old.jsonl", json.dumps(old), old).player == ""


@pilot_test
async def test_review_opens_an_exported_transcript_read_only(tmp_path):
    session = history_session()
    path = tmp_path / "ana.jsonl"
    path.write_text(transcripts.jsonl(session, player="Ana", started_at="2026-12-02T15:00:00+00:00"),
                    encoding="utf-8")
    app = MediateApp(prepared=prepare(review=path))
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen) and screen.review
        assert screen.session.events == session.events and screen.game.player == "Ana"
        assert re.search(r"Ana · review", str(screen.query_one("#debrief-title").render()))
        await pilot.press("e")
        await app.workers.wait_for_complete()
        assert not saves.exports_dir().exists(), "a review writes nothing"
    r = invoke("play", "--review", str(tmp_path / "missing.jsonl"))
    assert r.exit_code == 1 and "missing.jsonl:1:1" in r.stderr


@pilot_test
async def test_in_a_browser_the_export_is_also_downloaded(tmp_path, monkeypatch):
    app, session, game = ended_app(tmp_path)
    delivered: list[tuple[str, str]] = []
    monkeypatch.setattr(MediateApp, "is_web", property(lambda _self: True))
    monkeypatch.setattr(MediateApp, "deliver_text",
                        lambda _self, f, **kw: delivered.append((kw["save_filename"], f.read())))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
    names = [n for n, _ in delivered]
    assert names == [export_name(session, game), transcript_name(session, game)]
    assert delivered[1][1] == (saves.exports_dir() / transcript_name(session, game)).read_text(encoding="utf-8")


def test_serve_checks_the_scenario_before_serving_and_runs_the_class_mode_for_each_visitor(tmp_path):
    from sim.cli.serve import visitor_command

    r = invoke("serve", "no-such-scenario", "--class-dir", str(tmp_path / "class"))
    assert r.exit_code == 1 and "no-such-scenario" in r.stderr and "Traceback" not in r.output
    r = invoke("serve", "--class-dir", os.devnull)  # a device where the folder should be
    assert r.exit_code == 2 and f"{os.devnull} is not a folder: name a folder" in r.output, r.output
    for option in ("--data-dir", "--class-dir", "--out"):
        r = invoke("play", option, os.devnull)
        assert r.exit_code == 2 and f"{os.devnull} is not a folder" in r.output, (option, r.output)
    command = visitor_command(tmp_path / "my class", 7, None)
    assert "play --class-dir" in command and "'" + str(tmp_path / "my class") + "'" in command and "--seed 7" in command


async def class_visit(cls, name: str, seed: int = 7, play: bool = True) -> str:
    """A class member opens the picker, types ``name``; it shows their saved games, then (``play``)
    they start a game, wait one round and quit (which saves). Returns the saved games shown."""
    app = MediateApp(prepared=prepare(flagship_ref(), seed=seed, class_dir=cls))
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        picker.query_one("#player", Input).value = name
        await pilot.pause()
        shown = saves_shown(picker)
        if play:
            picker.query_one("#scenarios", OptionList).focus()
            await pilot.press("enter", "enter", "w")
            assert isinstance(app.screen, NegotiationScreen) and app.screen.game.player == name
            await pilot.press("q")
    return shown


@pilot_test
async def test_class_members_whose_names_fold_alike_never_see_each_others_games(tmp_path):
    cls = tmp_path / "class"
    await class_visit(cls, "Дмитро")
    assert "no saved games" in await class_visit(cls, "Олена"), "another script is not one shared folder"
    assert (saves.player_folder(cls, "Дмитро") / "saves").is_dir() and saves.player_folder(cls, "Дмитро").name == "дмитро"
    await class_visit(cls, "Ana")
    assert "no saved games" in await class_visit(cls, "ANA", play=False), "a folder shared by case shows only one's own"
    assert "Ana · seed 7 · round 2" in await class_visit(cls, "Ana", play=False)
    assert saves.player_folder(cls, "?!") != saves.player_folder(cls, "…"), "names with no letters differ too"

    # A save from a version that put every non-Latin name in "anon" is still its player's own.
    [mine] = (saves.player_folder(cls, "Дмитро") / "saves").glob("*.json")
    older = cls / "anon" / "saves"
    older.mkdir(parents=True)
    (older / "old.json").write_text(mine.read_text(encoding="utf-8").replace('"round": 1', '"round": 4'),
                                    encoding="utf-8")
    assert "round 5" in await class_visit(cls, "Дмитро", play=False)
    shown = await class_visit(cls, "Олена", play=False)
    assert "Олена · seed 7" in shown and "Дмитро" not in shown


@pilot_test
async def test_the_picker_marks_a_finished_game_finished():
    over = history_session()
    assert over.ended
    done = saved.save(over, str(FLAGSHIP), game=Game("Ana", "2026-12-02T15:00:00+00:00"))
    on = saved.save(Session(over.scenario, over.seed, over.actions[:2]), str(FLAGSHIP),
                    game=Game("Ben", "2026-12-02T16:00:00+00:00"))
    assert json.loads(done.read_text(encoding="utf-8"))["ended"] is True
    assert "ended" not in json.loads(on.read_text(encoding="utf-8")), "a game still on saves as it always did"
    app = new_app()
    async with app.run_test(size=SIZE):
        shown = saves_shown(app.screen)
    assert f"Ana · seed {over.seed} · finished · {len(over.actions)} action(s)" in shown
    assert f"Ben · seed {over.seed} · round " in shown
