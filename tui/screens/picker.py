"""The scenario picker: bundled scenarios (and one given by path), a summary with sources,
the player's name and the seed, and the saved games of the selected scenario to resume.

In a class (``mediate serve``), the name typed here chooses the player's own folder inside the
class folder, so the saved games listed are that player's only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from sim.runs import saved
from sim.scenario import saves
from sim.scenario.loader import LoadError

from ..entries import MAX_SEED, ScenarioEntry
from ..messages import OpenSession
from ..widgets.common import ERROR, MUTED, NO, WARN, WARNING, plain, source_text, when_text
from ..widgets.footer import KeysFooter
from .briefing import BriefingScreen
from .help import HELP_AND_QUIT
from .modals import ConfirmModal, MessageModal


def entry_label(e: ScenarioEntry) -> Content:
    if e.scenario is None:
        return Content.assemble((f"{NO} ", ERROR), plain(e.path.name), (" (invalid)", ERROR))
    tag = "" if e.bundled else " (file)"
    return Content.assemble(plain(e.scenario.title), (tag, MUTED))


def entry_details(e: ScenarioEntry) -> Content:
    if e.scenario is None:
        problems = e.error.problems if e.error is not None else []
        lines = [Content.styled(f"{NO} This scenario file has problems and can't be played:", f"{ERROR} bold")]
        lines += [plain(str(p)) for p in problems[:20]]
        return Content("\n").join(lines)
    s = e.scenario
    parties = ", ".join(p.name + (f" ({p.leader})" if p.leader else "") for p in s.parties)
    hours = s.clock.round_hours
    span = f"{hours:g} h" if hours % 24 else f"{hours / 24:g} day" + ("s" if hours != 24 else "")
    lines = [
        Content.styled(s.title, "bold"),
        plain(s.summary),
        Content(""),
        Content.assemble(("Parties: ", "bold"), plain(parties)),
        Content.assemble(("Mediator: ", "bold"), plain(s.mediator.name),
                         (f" · {len(s.mediator.levers)} lever(s)", MUTED)),
        Content.assemble(("Talks: ", "bold"), f"{len(s.issues)} issues · {s.clock.max_rounds} rounds of {span} "
                                              f"from {when_text(s.clock.start)}"),
        Content.assemble(("Outcome tiers: ", "bold"), plain(" → ".join(o.title for o in s.outcomes))),
    ]
    if s.sources:
        lines += [Content(""), Content.styled("Sources", "bold")]
        lines += [Content.assemble("  • ", plain(source_text(s, src.id))) for src in s.sources]
    return Content("\n").join(lines)


def saved_when(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%d %b %Y %H:%M")
    except ValueError:
        return iso


class PickerScreen(Screen):
    BINDINGS = [
        Binding("enter", "enter", "Start", priority=True),
        Binding("r", "resume", "Resume save"),
        *HELP_AND_QUIT,
    ]
    CSS_PATH = "picker.tcss"
    HELP = """\
## Choose a scenario

**enter** starts the selected one, **r** resumes a save. Same seed + same moves = the same game.
Type your name first: it goes on your saves and exports, so a class can tell its games apart.
**tab** goes from the list to the name, the seed, Start, the saved games and then the About pane.
"""
    KEY_HELP = {
        "enter": "Start a new game of the selected scenario with the seed shown (via its briefing)",
        "resume": "Resume the highlighted saved game",
        "quit": "Quit",
    }

    def __init__(self, entries: list[ScenarioEntry], selected: int = 0, seed: int = 0, *, player: str = "",
                 class_dir: Path | None = None) -> None:
        super().__init__(id="picker")
        self.entries = entries
        self.selected = selected
        self.seed = seed
        self.player = player
        self.class_dir = class_dir
        """Set in a class: each name plays in its own folder inside it."""
        self.save_infos: list[saves.SaveInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("mediate", "bold"), ("  ·  play the mediator: choose a scenario", MUTED)),
                     id="picker-title")
        with Horizontal(id="picker-top"):
            scen = OptionList(*[Option(entry_label(e), id=str(n)) for n, e in enumerate(self.entries)],
                              id="scenarios", classes="panel")
            scen.border_title = "Scenarios"
            yield scen
            with VerticalScroll(id="scenario-info", classes="panel") as info:
                info.border_title = "About"
                yield Static(id="info")
        with Horizontal(id="picker-bottom"):
            with Vertical(id="new-game", classes="panel") as box:
                box.border_title = "New game"
                with Horizontal(id="player-row"):
                    yield Label("Name ", id="player-label")
                    yield Input(self.player, id="player", compact=True, max_length=saves.MAX_PLAYER,
                                placeholder="your name", tooltip="Goes on your saves and exports")
                with Horizontal(id="seed-row"):
                    yield Label("Seed ", id="seed-label")
                    yield Input(str(self.seed), type="integer", id="seed", compact=True,
                                tooltip="Same seed + same moves = same game (for a class)")
                    yield Button("Start ▶", id="start", variant="success", compact=True)
                yield Static(id="seed-note")
            saves_list = OptionList(id="saves", classes="panel")
            saves_list.border_title = "Saved games"
            yield saves_list
        yield KeysFooter()

    def on_mount(self) -> None:
        scen = self.query_one("#scenarios", OptionList)
        if self.entries:
            scen.highlighted = self.selected
        self.use_player_folder()
        if self.class_dir is not None and not self.player:
            self.query_one("#player", Input).focus()  # a class visitor's first step
        else:
            scen.focus()
        self.show_entry()

    def on_screen_resume(self) -> None:
        self.refresh_saves()

    @property
    def focus_chain(self) -> list[Widget]:
        """Tab goes from the scenario list to the name, then the seed and Start: the About pane
        sits beside the list, so position order would put it next, and a name typed there was lost."""
        chain = super().focus_chain
        return [w for w in chain if w.id != "scenario-info"] + [w for w in chain if w.id == "scenario-info"]

    # ------------------------------------------------------------ selection

    @property
    def entry(self) -> ScenarioEntry | None:
        if not self.entries:
            return None
        return self.entries[self.selected]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "scenarios" and event.option.id is not None:
            self.selected = int(event.option.id)
            self.show_entry()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click: on a scenario it only selects it (Start starts); on a save it resumes it."""
        event.stop()
        if event.option_list.id == "saves" and event.option.id is not None:
            self.resume(int(event.option.id))

    def show_entry(self) -> None:
        e = self.entry
        info = self.query_one("#info", Static)
        if e is None:
            info.update(Content.styled("No scenarios found.", ERROR))
            return
        info.update(entry_details(e))
        self.query_one("#scenario-info", VerticalScroll).scroll_home(animate=False)
        self.refresh_saves()

    @property
    def player_name(self) -> str:
        return saves.clean_player(self.query_one("#player", Input).value)

    def use_player_folder(self) -> None:
        """In a class, the saves (and exports) folder is the one of the name typed."""
        if self.class_dir is not None:
            name = self.player_name
            saves.use_data_dir(saves.player_folder(self.class_dir, name) if name else self.class_dir / ".no-name")

    def refresh_saves(self) -> None:
        e = self.entry
        ol = self.query_one("#saves", OptionList)
        ol.clear_options()
        unnamed = self.class_dir is not None and not self.player_name
        playable = e is not None and e.scenario is not None and not unnamed
        self.save_infos = self.player_saves(e.scenario.id) if playable and e is not None and e.scenario else []
        if not self.save_infos:
            empty = "type your name to see your saved games" if unnamed else "no saved games for this scenario"
            ol.add_option(Option(Content.styled(empty, MUTED), disabled=True))
        for n, info in enumerate(self.save_infos):
            started = f" · started {saved_when(info.started_at)}" if info.started_at else \
                f" · saved {saved_when(info.saved_at)}"
            prompt = Content.assemble(Content.styled(info.player or "(no name)", "bold"), f" · seed {info.seed}",
                                      " · finished" if info.ended else f" · round {info.round + 1}",
                                      f" · {info.actions} action(s)", (started, MUTED))
            ol.add_option(Option(prompt, id=str(n)))
        self.update_seed_note()

    def player_saves(self, scenario_id: str) -> list[saves.SaveInfo]:
        """Every save of the scenario; in a class, only the typed name's own (names that differ only
        in case or signs share a folder, and older versions put every non-Latin name in one)."""
        if self.class_dir is None:
            return saves.list_saves(scenario_id)
        name = self.player_name
        return saves.list_saves(scenario_id, player=name, older=saves.older_player_folder(self.class_dir, name))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "player":
            self.use_player_folder()
            self.refresh_saves()
        self.update_seed_note()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def read_seed(self) -> int | None:
        raw = self.query_one("#seed", Input).value.strip()
        try:
            seed = int(raw)
        except ValueError:
            return None
        return seed if 0 <= seed <= MAX_SEED else None

    def update_seed_note(self) -> None:
        note = self.query_one("#seed-note", Static)
        seed = self.read_seed()
        e = self.entry
        if seed is None:
            note.update(Content.styled(f"{NO} the seed must be a whole number from 0", ERROR))
            return
        if e is not None and self.same_game_saves(seed):
            note.update(Content.styled(f"{WARN} you have a saved game with seed {seed}: a new game is saved beside "
                                       "it (resume it on the right)", WARNING))
        else:
            note.update(Content.styled("Same seed + same moves = the same game.", MUTED))

    # ------------------------------------------------------------ actions

    def action_enter(self) -> None:
        """Enter starts a new game, or resumes the save when the saves list has focus."""
        focused = self.focused
        if isinstance(focused, OptionList) and focused.id == "saves":
            if self.save_infos and focused.highlighted is not None and focused.highlighted < len(self.save_infos):
                self.resume(focused.highlighted)
            return
        if isinstance(focused, Button) and focused.id != "start":
            focused.press()
            return
        self.action_start()

    def same_game_saves(self, seed: int) -> list[saves.SaveInfo]:
        """Saves of this scenario, seed and player: what a new game might be mistaken for."""
        return [i for i in self.save_infos if i.seed == seed and i.player == self.player_name]

    def action_start(self) -> None:
        e = self.entry
        if e is None or e.scenario is None:
            self.notify("This scenario can't be played: fix the problems shown.", severity="error", markup=False)
            return
        seed = self.read_seed()
        if seed is None:
            self.notify(f"The seed must be a whole number from 0 to {MAX_SEED}.", severity="error", markup=False)
            self.query_one("#seed", Input).focus()
            return
        name = self.player_name
        if self.class_dir is not None and not name:
            self.notify("Type your name first: your games are kept under it.", severity="warning", markup=False)
            self.query_one("#player", Input).focus()
            return
        scenario, ref = e.scenario, e.ref

        def begin(yes: bool | None = True) -> None:
            if not yes:
                return
            if self.class_dir is None:
                saves.remember_player(name)
            self.app.push_screen(BriefingScreen(scenario, ref, seed, saved.Game.new(name)))

        existing = self.same_game_saves(seed)
        if not existing:
            begin()
            return
        last = existing[0]
        body = Content("\n").join([
            plain(f"{name or 'A game with no name'} already has {len(existing)} saved game(s) with seed {seed} "
                  f"(the latest at round {last.round + 1}, {last.actions} action(s))."),
            Content.styled("A new game gets a save of its own: the saved ones stay under Saved games.", MUTED)])
        self.app.push_screen(ConfirmModal("Start another game?", body, yes="New game", no="Cancel"), begin)

    def action_resume(self) -> None:
        if not self.save_infos:
            self.notify("No saved game for this scenario.", markup=False)
            return
        ol = self.query_one("#saves", OptionList)
        n = ol.highlighted if ol.highlighted is not None and ol.highlighted < len(self.save_infos) else 0
        self.resume(n)

    def resume(self, n: int) -> None:
        info = self.save_infos[n]
        try:
            session, ref, game = saved.resume_game(info.path)
        except LoadError as exc:
            self.show_save_error(exc)
            return
        self.post_message(OpenSession(session, ref, info.path, resumed=True, game=game))

    def show_save_error(self, exc: LoadError) -> None:
        body = Content("\n").join([Content.styled("This saved game can't be resumed:", "bold"),
                                   *[plain(str(p)) for p in exc.problems],
                                   Content(""), Content.styled("Start a new game or pick another save.", MUTED)])
        self.notify(exc.problems[0].message if exc.problems else "damaged save", title="Can't resume",
                    severity="error", markup=False)
        self.app.push_screen(MessageModal("Can't resume this save", body))
        self.refresh_saves()

    def action_quit(self) -> None:
        self.app.exit(0)

