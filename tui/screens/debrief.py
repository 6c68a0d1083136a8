"""The debrief: outcome and how long it held, surplus, trust over time, the timeline, the
result beside what actually happened, and the discussion questions; export to Markdown."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from sim.engine.events import AgreementCollapsed, AgreementLapsed, AgreementReached, Ended, TierChanged, Walkout
from sim.engine.session import Session
from sim.files import atomic_write_text
from sim.report import markdown, wire
from sim.runs import transcripts

from ..widgets.common import ERROR, MUTED, NO, OK, SUCCESS, WARNING, plain, quote_content, round_when
from ..widgets.trust_chart import TrustChart
from ..widgets.wire import NewsWire

END_WORDS = {
    "deadline": "the deadline passed",
    "walkout": "a party walked out",
    "settled": "the top outcome tier held long enough to settle",
}


def export_name(session: Session) -> str:
    return f"mediate-{session.scenario.id}-seed{session.seed}-debrief.md"


def transcript_name(session: Session) -> str:
    return f"mediate-{session.scenario.id}-seed{session.seed}.jsonl"


def outcome_lines(session: Session) -> list[Content]:
    s = session.scenario
    view = session.view()
    out: list[Content] = []
    top = len(s.outcomes)
    if session.best_tier:
        best = s.outcomes[session.best_tier - 1]
        out.append(Content.assemble((f"{OK} Highest tier reached: ", f"{SUCCESS} bold"), (best.title, "bold"),
                                    f" (tier {session.best_tier} of {top})"))
    else:
        out.append(Content.assemble((f"{NO} No outcome tier reached", f"{ERROR} bold"),
                                    (f" (0 of {top})", MUTED)))
    for level, oc in enumerate(s.outcomes, start=1):
        days = session.held_days(level)
        mark, style = (OK, SUCCESS) if days > 0 else ("·", MUTED)
        held = f"held {days:.1f} days" if days > 0 else "not reached"
        out.append(Content.assemble((f"  {mark} {level}. ", style), plain(oc.title), (f" — {held}", style)))
    out.append(Content(""))
    if view.agreement:
        changed = [i for i in s.issue_ids if view.agreement[i] != s.issue(i).default_option]
        out.append(Content.assemble(("In force at the end: ", "bold"),
                                    plain(view.tier_title if view.tier else "an agreement below every tier")))
        for i in changed:
            out.append(Content.assemble("  ", plain(s.issue(i).title), ": ",
                                        plain(s.issue(i).option(view.agreement[i]).label)))
    else:
        out.append(Content.assemble(("In force at the end: ", "bold"), ("no agreement", MUTED)))
    reason = session.end_reason or "in progress"
    out.append(Content.assemble(("Ended: ", "bold"), plain(END_WORDS.get(reason, reason))))
    for e in session.events:
        if isinstance(e, Walkout):
            out.append(Content.assemble((f"  {NO} ", ERROR), plain(f"{s.party(e.party).name}: {wire.walkout_reason(s, e)}")))
    vs, ds = session.violations, session.disputes
    out.append(Content.assemble(("Incidents under the agreement: ", "bold"),
                                (f"{vs} violation(s)", WARNING if vs else ""), " · ",
                                (f"{ds} dispute(s)", WARNING if ds else "")))
    out.append(Content.styled(f"{len(session.actions)} mediator action(s) · seed {session.seed} · "
                              f"{view.round + 1} of {s.clock.max_rounds} rounds", MUTED))
    return out


def surplus_lines(session: Session) -> list[Content]:
    s = session.scenario
    package = session.agreement or s.default_package
    width = max(len(p.name) for p in s.parties) + 2
    what = "the agreement in force at the end" if session.agreement else "the status quo (nothing agreed)"
    out = [Content.assemble(("Surplus: ", "bold"), f"what {what} is worth to each party beyond its walk-away point"),
           Content.styled(f"{'Party'.ljust(width)}{'Utility':>8}{'Walk-away':>11}{'Surplus':>10}", MUTED)]
    for p in s.parties:
        u = session.utility(p.id, package)
        r = session.reservation(p.id)
        d = u - r
        mark, style, word = (OK, SUCCESS, "better than walking away") if d >= 0 else (NO, ERROR, "worse than walking away")
        out.append(Content.assemble(plain(p.name.ljust(width)), f"{u:8.1f}{r:11.1f}",
                                    (f"{d:+9.1f} {mark}", f"{style} bold"), (f" {word}", MUTED)))
    return out


def your_talks_lines(session: Session) -> list[Content]:
    s = session.scenario
    out: list[Content] = []
    for e in session.events:
        if isinstance(e, AgreementReached | AgreementLapsed | AgreementCollapsed | TierChanged | Walkout | Ended):
            line = wire.line(s, e)
            if line:
                when = round_when(s, e.round)
                out.append(Content.assemble((f"{when:%d %b}: ", f"{MUTED} bold"), plain(line)))
    if not any(isinstance(e, AgreementReached) for e in session.events):
        out.insert(0, Content.styled("No agreement was reached.", MUTED))
    return out


def history_blocks(session: Session) -> list[tuple[str, Content]]:
    """(css class, content) per line: what actually happened, each with its quote and source."""
    s = session.scenario
    out: list[tuple[str, Content]] = []
    for h in s.debrief.history:
        when = f"{round_when(s, h.round):%d %b}: " if h.round is not None else ""
        out.append(("hist-entry", Content.assemble((when, f"{MUTED} bold"), plain(h.text))))
        if h.quote is not None:
            out.append(("hist-quote", quote_content(s, h.quote)))
    if not out:
        out.append(("hist-entry", Content.styled("This scenario records no history to compare with.", MUTED)))
    return out


def nash_lines(session: Session) -> list[Content]:
    """The agreement beside the full-information Nash package, and the hints used."""
    from sim.analysis.domains import nash_distance
    from sim.engine.events import Hinted

    s = session.scenario
    out = [Content(""), Content.styled("Beside the Nash bargaining package (full information, max Π(U − R))",
                                       "bold")]
    d = nash_distance(session)
    if d is None:
        out.append(Content.styled("  No package meets every party's walk-away point now: there is no Nash package.",
                                  MUTED))
    else:
        changed = [i for i in s.issue_ids if d["nash"][i] != s.issue(i).default_option]
        for i in changed:
            out.append(Content.assemble("  ", plain(s.issue(i).title), ": ", plain(s.issue(i).option(d["nash"][i]).label)))
        same = len(s.issues) - len(d["issues_differ"])
        out.append(Content.assemble(("  Your result matches it on ", MUTED), (f"{same} of {len(s.issues)}", "bold"),
                                    (" issues.", MUTED)))
        for p in s.parties:
            gap = d["utility_gap"][p.id]
            gap = 0.0 if abs(gap) < 0.05 else gap
            out.append(Content.assemble("  ", plain(p.name), f": Nash {d['nash_utility'][p.id]:.1f}, yours ",
                                        f"{d['nash_utility'][p.id] + gap:.1f} ", (f"({gap:+.1f})", MUTED)))
    hints = sum(1 for e in session.events if isinstance(e, Hinted))
    out.append(Content.assemble(("Hints used: ", "bold"), str(hints)))
    return out


def forecast_text(session: Session) -> Content:
    from sim.analysis.forecast import describe, durability

    if not session.agreement or session.end_reason == "walkout":
        return Content.styled("Durability forecast: no agreement in force to forecast.", MUTED)
    d = durability(session.scenario, session.seed, session.actions, runs=200)
    if d is None:
        return Content.styled("Durability forecast: not available.", MUTED)
    return Content.assemble(("Durability forecast ", "bold"),
                            (f"(if nobody renewed anything, {d.runs} simulated futures): ", MUTED), describe(d))


class DebriefScreen(Screen):
    BINDINGS = [
        Binding("e", "export", "Export"),
        Binding("n", "new_game", "New game"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]
    HELP = {
        "export": "Write the debrief (Markdown) and the transcript (.jsonl, for `mediate compare`) to the current "
                  "folder",
        "new_game": "Back to the scenario picker",
        "quit": "Quit",
    }

    def __init__(self, session: Session, scenario_ref: str) -> None:
        super().__init__(id="debrief")
        self.session = session
        self.scenario = session.scenario
        self.scenario_ref = scenario_ref

    def compose(self) -> ComposeResult:
        s = self.scenario
        session = self.session
        yield Static(Content.assemble(("Debrief · ", "bold"), plain(s.title)), id="debrief-title")
        with TabbedContent(id="debrief-tabs"):
            with TabPane("Outcome", id="tab-outcome"):
                with VerticalScroll(classes="tab-scroll"):
                    yield Static(Content("\n").join(outcome_lines(session)), id="outcome")
                    yield Static(Content("\n").join(surplus_lines(session)), id="surplus")
                    yield Static(Content("\n").join(nash_lines(session)), id="nash")
                    yield Static(Content.styled("Durability forecast: simulating futures…", MUTED), id="forecast")
            with TabPane("Trust", id="tab-trust"):
                with VerticalScroll(classes="tab-scroll"):
                    yield Static(Content.styled("Trust at the end of each round (0 to 1, one bar per round)",
                                                MUTED))
                    yield TrustChart(s, markdown.trust_series(session), id="trust-chart")
            with TabPane("Timeline", id="tab-timeline"):
                yield NewsWire(s, id="timeline")
            with TabPane("History", id="tab-history"):
                with Horizontal(id="history-columns"):
                    with VerticalScroll(classes="history-col", id="your-talks") as left:
                        left.border_title = "Your talks"
                        for line in your_talks_lines(session):
                            yield Static(line, classes="hist-entry")
                    with VerticalScroll(classes="history-col", id="history") as right:
                        right.border_title = "What actually happened"
                        for cls, line in history_blocks(session):
                            yield Static(line, classes=cls)
            with TabPane("Questions", id="tab-questions"):
                with VerticalScroll(classes="tab-scroll"):
                    qs = s.debrief.questions
                    body = (Content("\n\n").join(Content.assemble((f"{n}. ", "bold"), plain(q))
                                                 for n, q in enumerate(qs, start=1))
                            if qs else Content.styled("This scenario has no discussion questions.", MUTED))
                    yield Static(body, id="questions")
        yield Footer()

    def on_mount(self) -> None:
        from sim.engine.events import Shifted, TrustChanged

        events = [e for e in self.session.events if not isinstance(e, TrustChanged | Shifted)]
        self.query_one("#timeline", NewsWire).add_events(events)
        self.query_one("#debrief-tabs Tabs").focus()
        self.forecast()

    @work(thread=True, exclusive=True, group="forecast")
    def forecast(self) -> None:
        """Monte Carlo of the agreement's future: a few hundred replays, so off the UI thread."""
        text = forecast_text(self.session)
        self.app.call_from_thread(self.query_one("#forecast", Static).update, text)

    @work(thread=True, exclusive=True, group="export")
    def action_export(self) -> None:
        """The Markdown debrief to read, and the transcript a teacher can `mediate compare`."""
        path = Path.cwd() / export_name(self.session)
        jsonl = path.with_name(transcript_name(self.session))
        try:
            atomic_write_text(path, markdown.markdown_report(self.session))
            atomic_write_text(jsonl, transcripts.jsonl(self.session))
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Could not write {path}: {exc}", title="Export failed",
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"Wrote {path.name} and {jsonl.name} (for `mediate compare`)",
                                  title="Exported", markup=False)

    def action_new_game(self) -> None:
        self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit(0)

