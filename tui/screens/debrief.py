"""The debrief: outcome and how long it held, surplus, trust over time, the timeline, the
result beside what actually happened, and the discussion questions; export to Markdown.

The :class:`~sim.report.debrief.Debrief` (full-information Nash package, durability forecast)
is computed once, in a worker thread: the screen shows "computing…" until it is ready, and the
export writes that same record.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from sim.engine.events import (
    AgreementCollapsed,
    AgreementDenounced,
    AgreementLapsed,
    AgreementReached,
    Ended,
    Rejoined,
    Shifted,
    Suspended,
    TierChanged,
    TrustChanged,
    Walkout,
)
from sim.engine.session import Session
from sim.errors import MediateError
from sim.report import debrief, wire
from sim.report.debrief import Debrief
from sim.runs import branching, saved
from sim.runs.saved import Game
from sim.runs.scripts import history_moves
from sim.scenario import loader
from sim.scenario.actions import Action
from sim.scenario.model import Scenario

from ..messages import OpenSession
from ..widgets.analysis_text import forecast_text, nash_lines, questions_content
from ..widgets.common import ERROR, MUTED, NO, OK, SUCCESS, WARN, WARNING, plain, quote_content, round_when
from ..widgets.plots import OffersTab, SpaceTab
from ..widgets.reveal import RevealTab, ScoreTab
from ..widgets.trust_chart import TrustChart
from ..widgets.wire import NewsWire
from .exporting import Exporting, export_name, transcript_name  # noqa: F401  (the names stay importable here)
from .help import HELP_AND_QUIT
from .modals import ChoiceModal

END_WORDS = {
    "deadline": "the deadline passed",
    "walkout": "a party walked out",
    "settled": "the top outcome tier held long enough to settle",
}


def outcome_lines(d: Debrief) -> list[Content]:
    s = d.scenario
    out: list[Content] = []
    top = len(s.outcomes)
    if d.best_tier:
        out.append(Content.assemble((f"{OK} Highest tier reached: ", f"{SUCCESS} bold"),
                                    (d.title_of(d.best_tier) or "", "bold"), f" (tier {d.best_tier} of {top})"))
    else:
        out.append(Content.assemble((f"{NO} No outcome tier reached", f"{ERROR} bold"),
                                    (f" (0 of {top})", MUTED)))
    for level, (oc, days) in enumerate(zip(s.outcomes, d.held_days, strict=True), start=1):
        mark, style = (OK, SUCCESS) if days > 0 else ("·", MUTED)
        held = f"held {days:.1f} days" if days > 0 else "not reached"
        out.append(Content.assemble((f"  {mark} {level}. ", style), plain(oc.title), (f" — {held}", style)))
    out.append(Content(""))
    if d.agreement:
        out.append(Content.assemble(("In force at the end: ", "bold"),
                                    plain(d.tier_title if d.tier else "an agreement below every tier")))
        for i in d.changed_issues:
            out.append(Content.assemble("  ", plain(s.issue(i).title), ": ",
                                        plain(s.issue(i).option(d.agreement[i]).label)))
    else:
        out.append(Content.assemble(("In force at the end: ", "bold"), ("no agreement", MUTED)))
    reason = d.end_reason or "in progress"
    out.append(Content.assemble(("Ended: ", "bold"), plain(END_WORDS.get(reason, reason))))
    for e in d.walkouts:
        out.append(Content.assemble((f"  {NO} ", ERROR), plain(f"{s.party(e.party).name}: {wire.walkout_reason(s, e)}")))
    for sus in d.suspensions:
        back = d.returned(sus)
        after = f"rejoined after {back.rounds} round(s)" if back else "still suspended at the end"
        out.append(Content.assemble((f"  {WARN} suspended: ", WARNING),
                                    plain(f"{s.party(sus.party).name}: {wire.walkout_reason(s, sus)}; {after}")))
    vs, ds = d.violations, d.disputes
    # Pledges count too: a strike on a pledged target is a violation with no agreement in force.
    out.append(Content.assemble(("Breaches of the agreement or a pledge: ", "bold"),
                                (f"{vs} violation(s)", WARNING if vs else ""), " · ",
                                (f"{ds} dispute(s)", WARNING if ds else "")))
    out.append(Content.styled(f"{d.actions} mediator action(s) · seed {d.seed} · "
                              f"{d.rounds_played} of {s.clock.max_rounds} rounds", MUTED))
    return out


def surplus_lines(d: Debrief) -> list[Content]:
    """Each party's result against no deal and its walk-away (at the start, and as moved), and
    its standing in words: a check only when it beats all three."""
    width = max(len(p.name) for p in d.parties) + 2
    what = "the agreement in force at the end" if d.agreement else "the status quo (nothing agreed)"
    out = [Content.assemble(("Surplus: ", "bold"), f"what {what} is worth to each party beside no deal and its "
                                                   "walk-away point"),
           Content.styled(f"{'Party'.ljust(width)}{'Utility':>8}{'No deal':>9}{'Walk-away':>16}"
                          f"{'vs no deal':>12}{'vs walk-away':>15}", MUTED)]
    for p in d.parties:
        mark, style = {True: (OK, SUCCESS), False: (NO, ERROR), None: ("·", MUTED)}[p.good]
        walk = f"{p.start_reservation:.1f} → {p.reservation:.1f}" if p.moved else f"{p.reservation:.1f}"
        vs_walk = f"{p.surplus_start:+.1f} / {p.surplus:+.1f}" if p.moved else f"{p.surplus:+.1f}"
        out.append(Content.assemble(plain(p.name.ljust(width)), f"{p.utility:8.1f}{p.status_quo:9.1f}{walk:>16}",
                                    f"{p.surplus_status_quo:+12.1f}{vs_walk:>15}", (f" {mark}", f"{style} bold")))
        out.append(Content.assemble(" " * width, (p.verdict, style)))
    if any(p.moved for p in d.parties):
        out.append(Content.styled("Walk-away: at the start → at the end (levers and events moved it); "
                                  "vs walk-away: against each.", MUTED))
    if d.coerced:
        out.append(Content.assemble(("! Coerced: ", f"{WARNING} bold"),
                                    plain(f"{', '.join(d.coerced)} accepted only under pressure (levers pushed the "
                                          "walk-away below where it started) or below the status quo.")))
    if d.mediator is not None:
        out.append(plain(debrief.describe_mediator_stake(d.mediator)))
    return out


def your_talks_lines(d: Debrief) -> list[Content]:
    s = d.scenario
    out: list[Content] = []
    for e in d.events:
        if isinstance(e, AgreementReached | AgreementLapsed | AgreementCollapsed | AgreementDenounced
                      | TierChanged | Walkout | Ended | Suspended | Rejoined):
            line = wire.line(s, e)
            if line:
                when = round_when(s, e.round)
                out.append(Content.assemble((f"{when:%d %b}: ", f"{MUTED} bold"), plain(line)))
    if not any(isinstance(e, AgreementReached) for e in d.events):
        out.insert(0, Content.styled("No agreement was reached.", MUTED))
    return out


def history_blocks(d: Debrief) -> list[tuple[str, Content]]:
    """(css class, content) per line: what actually happened, each with its quote and source."""
    s = d.scenario
    out: list[tuple[str, Content]] = []
    for h in d.history:
        when = f"{round_when(s, h.round):%d %b}: " if h.round is not None else ""
        out.append(("hist-entry", Content.assemble((when, f"{MUTED} bold"), plain(h.text))))
        if h.quote is not None:
            out.append(("hist-quote", quote_content(s, h.quote)))
    if not out:
        out.append(("hist-entry", Content.styled("This scenario records no history to compare with.", MUTED)))
    return out


def move_text(s: Scenario, a: Action) -> str:
    """A move of the history file in player-facing words (labels and names, not ids)."""
    if a.propose is not None:
        changed = [s.issue(i).option(o).label for i, o in s.complete(a.propose).items()
                   if o != s.issue(i).default_option]
        text = "propose: " + ("; ".join(changed) if changed else "the status quo")
    elif a.consult is not None:
        text = f"consult {s.party(a.consult).name}"
    elif a.lever is not None:
        text = "lever: " + next(lv.label for lv in s.mediator.levers if lv.id == a.lever)
    elif a.hint:
        text = "hint"
    else:
        text = "wait" if a.wait == 1 else f"wait {a.wait} rounds"
    return text if a.until_round is None else f"{text}, until round {a.until_round + 1}"


def historical_moves_lines(s: Scenario, moves: tuple[Action, ...] | None) -> list[Content]:
    """The real mediator's moves as the scenario's history file records them (none: nothing)."""
    if not moves:
        return []
    out = [Content.styled("\nThe mediator's moves in the record (replay them: mediate run SCENARIO --script history)",
                          f"{MUTED} bold")]
    out += [plain(f"{n}. {move_text(s, a)}") for n, a in enumerate(moves, 1)]
    return out


def replayed_words(at_round: int) -> str:
    """What a branch at ``at_round`` (0-based: the rounds before it) keeps of the game."""
    if at_round == 0:
        return "from the start"
    return "round 1 as played" if at_round == 1 else f"rounds 1-{at_round} as played"


def branched_words(at_round: int, actions: int, path: Path | None) -> str:
    """The toast of a new branch. Its save is named ``…-branch-rN`` with N the rounds replayed
    (docs/model.md, tests/test_branching.py, as ``run --at-round N``), so the toast leads with
    those rounds ("after round 3" beside "-r3"), then says where play resumes."""
    if at_round == 0:
        where = "Branched from the start: you play on from round 1"
    else:
        where = (f"Branched after round {at_round} ({replayed_words(at_round)}, {actions} action(s) replayed): "
                 f"you play on from round {at_round + 1}")
    return where + (f". Saved as {path.name}" if path is not None else "")


COMPUTING = "Computing the debrief (the Nash package and a durability forecast)…"


class DebriefScreen(Exporting):
    CSS_PATH = "debrief.tcss"
    BINDINGS = [
        Binding("e", "export", "Export"),
        Binding("n", "new_game", "New game"),
        Binding("b", "branch", "Branch"),
        Binding("x", "next_pair", "Next pair"),
        *HELP_AND_QUIT,
    ]
    HELP = """\
## The debrief

**e** exports it (Markdown and transcript), **n** starts a new game, **b** branches: pick a round of
the timeline and play on from there as a new game (the rounds before it replayed as they were);
**← →** change tab.
"""
    KEY_HELP = {
        "export": "Write the debrief (Markdown) and the transcript (.jsonl, for `mediate compare`) to the exports "
                  "folder (`play --out DIR`; in a browser, also download them)",
        "new_game": "Back to the scenario picker",
        "branch": "What if: pick a round of the timeline and play on from there, as a new game",
        "next_pair": "Outcome space: draw the next pair of parties (three or more parties)",
        "quit": "Quit",
    }
    """Action -> what its key does, for the app's help screen."""

    def __init__(self, session: Session, scenario_ref: str, game: Game | None = None, *, review: bool = False,
                 save_path: Path | None = None) -> None:
        super().__init__(id="debrief")
        self.save_path = save_path
        """The game's save, which a branch names as its source."""
        self.session = session
        self.game = game or Game()
        self.review = review
        """Opened from a file (``play --review``): nothing is written, the file is shown as it is."""
        self.scenario = session.scenario
        self.scenario_ref = scenario_ref
        self.debrief: Debrief | None = None
        """Set once the worker has computed it; the export writes this same record."""
        self.history_moves: tuple[Action, ...] | None = None
        """The moves of the scenario's history file (read by the worker), if it has one."""

    def compose(self) -> ComposeResult:
        s = self.scenario
        who = (f" · {self.game.player}" if self.game.player else "") + (" · review (read-only)" if self.review else "")
        yield Static(Content.assemble(("Debrief · ", "bold"), plain(s.title), Content.styled(who, MUTED)),
                     id="debrief-title")
        with TabbedContent(id="debrief-tabs"):
            with TabPane("Outcome", id="tab-outcome"):
                with VerticalScroll(classes="tab-scroll", id="outcome-scroll"):
                    yield Static(Content.styled(COMPUTING, MUTED), id="computing")
            with TabPane("Trust", id="tab-trust"):
                with VerticalScroll(classes="tab-scroll", id="trust-scroll"):
                    yield Static(Content.styled("Trust at the end of each round (0 to 1, one bar per round)",
                                                MUTED))
            with TabPane("Timeline", id="tab-timeline"):
                yield NewsWire(s, id="timeline")
            with TabPane("History", id="tab-history"):
                with Horizontal(id="history-columns"):
                    with VerticalScroll(classes="history-col", id="your-talks") as left:
                        left.border_title = "Your talks"
                    with VerticalScroll(classes="history-col", id="history") as right:
                        right.border_title = "What actually happened"
            with TabPane("What they really wanted", id="tab-reveal"):
                yield RevealTab(classes="tab-scroll", id="reveal-scroll")
            with TabPane("Score sheet", id="tab-score"):
                yield ScoreTab(classes="tab-scroll", id="score-scroll")
            with TabPane("Outcome space", id="tab-space"):
                yield SpaceTab()
            with TabPane("Offers", id="tab-offers"):
                yield OffersTab()
            with TabPane("Questions", id="tab-questions"):
                with VerticalScroll(classes="tab-scroll"):
                    yield Static(Content.styled(COMPUTING, MUTED), id="questions")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#debrief-tabs Tabs").focus()
        self.compute()

    @work(thread=True, exclusive=True, group="debrief")
    def compute(self) -> None:
        """The Nash package and a few hundred replays for the forecast: off the UI thread,
        so a big scenario never freezes the screen."""
        try:
            result = debrief.compute(self.session)
            try:
                self.history_moves = history_moves(self.scenario, loader.resolve(self.scenario_ref))
            except MediateError:
                self.history_moves = None  # the record is optional: the debrief stands without it
        except MediateError as exc:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self.failed, str(exc))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, result)

    def failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#computing", Static).update(Content.styled(f"The debrief could not be computed: {message}",
                                                                   ERROR))

    def show(self, d: Debrief) -> None:
        """Render the computed debrief into every tab."""
        if not self.is_attached:
            return
        self.debrief = d
        self.query_one("#computing").remove()
        self.query_one("#outcome-scroll").mount(
            Static(Content("\n").join(outcome_lines(d)), id="outcome"),
            Static(Content("\n").join(surplus_lines(d)), id="surplus"),
            Static(Content("\n").join(nash_lines(d)), id="nash"),
            Static(forecast_text(d), id="forecast"))
        series = {(t.truster, t.trustee): list(t.series) for t in d.trust}
        self.query_one("#trust-scroll").mount(TrustChart(d.scenario, series, id="trust-chart"))
        self.query_one("#timeline", NewsWire).add_events(
            [e for e in d.events if not isinstance(e, TrustChanged | Shifted)])
        self.query_one("#your-talks").mount(*[Static(line, classes="hist-entry") for line in your_talks_lines(d)])
        self.query_one("#history").mount(*[Static(line, classes=cls) for cls, line in history_blocks(d)],
                                         *[Static(line, classes="hist-move")
                                           for line in historical_moves_lines(d.scenario, self.history_moves)])
        self.query_one("#questions", Static).update(questions_content(d))
        self.query_one(SpaceTab).show(d)
        self.query_one(OffersTab).show(d)
        self.query_one(RevealTab).show(d)
        self.query_one(ScoreTab).show(d)

    def action_next_pair(self) -> None:
        """The outcome space of the next pair of parties (three or more parties)."""
        self.query_one(SpaceTab).next_pair()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        """Show the "Next pair" key only when there is more than one pair."""
        return action != "next_pair" or len(self.scenario.parties) > 2

    def action_branch(self) -> None:
        """Offer every round the game reached; the pick starts a branch in the negotiation screen."""
        s = self.scenario
        options = [Option(f"Round {r + 1} · {round_when(s, r):%d %b} ({replayed_words(r)})", id=str(r))
                   for r in range(self.session.round + 1)]
        self.app.push_screen(ChoiceModal("Play on from which round?", options,
                                         Content.styled("The rounds before it are replayed as they were, "
                                                        "with the same chances; then the moves are yours.", MUTED),
                                         highlight=self.session.round),
                             self.start_branch)

    def start_branch(self, picked: str | None) -> None:
        if picked is None:
            return
        own = self.save_path is not None and self.save_path.is_file()
        source = str(self.save_path) if own else branching.game_name(self.session, self.scenario_ref)
        branch = branching.start(self.session, int(picked), source)
        game = Game.new(self.game.player)  # a branch is a new game of the same player, with a save of its own
        path: Path | None = None  # unsaved, the branch still plays: the negotiation screen saves it later
        try:
            path = saved.save(branch, self.scenario_ref, game=game)
        except MediateError as exc:
            self.notify(f"Could not save the branch: {exc}", title="Save failed", severity="error", markup=False)
        self.notify(branched_words(int(picked), len(branch.actions), path), markup=False)
        self.post_message(OpenSession(branch, self.scenario_ref, path, game=game))

    def action_new_game(self) -> None:
        self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit(0)
