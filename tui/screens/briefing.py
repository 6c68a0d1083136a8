"""The briefing: background, each party's public demands and red lines with their quotes and
sources, the mediator's levers, the issues on the table, how a round works, the sources."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static

from sim.analysis.scenario_domains import known_nash_package
from sim.engine.session import Session
from sim.scenario.model import Scenario

from ..messages import OpenSession
from ..widgets.common import (
    ERROR,
    MUTED,
    NO,
    UNKNOWN,
    plain,
    quote_content,
    reflow,
    round_fraction,
    source_text,
    when_text,
)
from ..widgets.footer import KeysFooter
from .help import HELP_AND_QUIT

Block = tuple[int, Content]
"""(indent level, content): each block is a Static indented by ``ind-N`` so wrapped lines align."""


def heading(text: str) -> Block:
    return (0, Content.styled(text, "bold underline $text-accent"))


def party_blocks(s: Scenario, party_id: str) -> list[Block]:
    p = s.party(party_id)
    out: list[Block] = [(0, Content.assemble((p.name, "bold"), plain(f" — {p.leader}" if p.leader else "")))]
    private = 0
    for issue_id in s.issue_ids:
        st = p.stances.get(issue_id)
        if st is None:
            continue
        if st.visibility == "private":
            private += 1
            continue
        iss = s.issue(issue_id)
        out.append((1, Content.assemble((iss.title + ": ", "bold"), "wants ", plain(iss.option(st.demand).label))))
        if st.quote is not None:
            out.append((2, quote_content(s, st.quote)))
        if st.red_lines:
            never = "; ".join(iss.option(o).label for o in st.red_lines)
            out.append((2, Content.assemble((f"{NO} red line — never: ", f"{ERROR} bold"), plain(never))))
            if st.red_line_quote is not None:
                out.append((3, quote_content(s, st.red_line_quote)))
    if private:
        out.append((1, Content.styled(f"{UNKNOWN} {p.name} has concerns it has not stated in public: "
                                      "consult it to learn them.", MUTED)))
    return out


def lever_blocks(s: Scenario, step: str) -> list[Block]:
    """``step``: what a consultation or a lever costs, in words ("half a round")."""
    m = s.mediator
    out: list[Block] = [heading(f"Your levers as {m.name}" + (f" ({m.leader})" if m.leader else "")),
                        (1, Content.styled(f"Your credibility starts at {m.credibility:.2f}; each lever spends "
                                           f"some of it, and a consultation or a lever takes {step}.", MUTED))]
    if not m.levers:
        out.append((1, Content.styled("none", MUTED)))
    for lv in m.levers:
        target = s.party(lv.target).name
        out.append((1, Content.assemble((lv.label, "bold"),
                                        (f" → {target} · costs {lv.cost:.2f} credibility · {lv.uses} use(s)", MUTED))))
        if lv.description:
            out.append((2, plain(lv.description)))
        if lv.quote is not None:
            out.append((2, quote_content(s, lv.quote)))
    return out


def issue_blocks(s: Scenario) -> list[Block]:
    out: list[Block] = [heading("The issues on the table")]
    for iss in s.issues:
        out.append((1, Content.assemble((iss.title, "bold"),
                                        (f"  (left out: {iss.option(iss.default_option).label})", MUTED))))
        for o in iss.options:
            out.append((2, Content.assemble("• ", plain(o.label))))
    return out


def rules_blocks(s: Scenario, step: str) -> list[Block]:
    c = s.clock
    return [
        heading("How the talks work"),
        (1, plain(f"Each round is {c.round_hours:g} hours; the talks last at most {c.max_rounds} rounds, "
                  f"from {when_text(c.start)}.")),
        (1, plain(f"p propose a package (ends the round) · c consult a party ({step}: learn its walk-away "
                  f"point and its weightiest hidden stance) · l use a lever ({step}) · w wait a round.")),
        (1, plain("A party accepts a package that crosses none of its red lines and is worth enough to it; "
                  "what is enough falls as the deadline nears and rises with distrust.")),
        (1, plain("While you build a package, each party's panel forecasts its answer from what you know "
                  "(consult to sharpen the forecast), and each option is marked ✓ a party's demand, ✗ its red line, "
                  "~ neither, ? not known.")),
        (1, plain("Propose a party's red lines too often and it walks out; so does a party whose trust "
                  "collapses. The game saves itself after every action.")),
    ]


def source_blocks(s: Scenario) -> list[Block]:
    if not s.sources:
        return []
    return [heading("Sources"), *[(1, Content.assemble("• ", plain(source_text(s, src.id)))) for src in s.sources]]


class BriefingScreen(Screen):
    BINDINGS = [
        Binding("enter", "begin", "Begin"),
        Binding("escape", "back", "Back"),
        *HELP_AND_QUIT,
    ]
    CSS_PATH = "briefing.tcss"
    HELP = """\
## The briefing

**enter** begins the negotiation, **esc** goes back. Below: each party's public demands and
red lines, your levers, the issues, how a round works, the sources.
"""
    KEY_HELP = {
        "begin": "Begin the negotiation",
        "back": "Back to the scenario picker",
        "quit": "Quit",
    }

    def __init__(self, scenario: Scenario, scenario_ref: str, seed: int) -> None:
        super().__init__(id="briefing")
        self.scenario = scenario
        self.scenario_ref = scenario_ref
        self.seed = seed
        # The session the briefing begins: its view says what a step costs in this scenario.
        self.session = Session(scenario, seed, advisor=known_nash_package)

    def blocks(self) -> list[Block]:
        s = self.scenario
        out: list[Block] = [(0, Content.styled(s.title, "bold")), (0, Content.styled(s.summary, "italic"))]
        if s.background:
            out += [(0, plain(par)) for par in reflow(s.background).split("\n\n")]
        out.append(heading("The parties: what they say in public"))
        for p in s.parties:
            out += party_blocks(s, p.id)
        step = round_fraction(self.session.view().step_cost)
        out += lever_blocks(s, step)
        out += issue_blocks(s)
        out += rules_blocks(s, step)
        out += source_blocks(s)
        return out

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="briefing-body", classes="panel") as body:
            body.border_title = "Briefing"
            body.border_subtitle = f"seed {self.seed} · ↑↓ PgUp PgDn scroll"
            body.can_focus = True
            for n, (level, content) in enumerate(self.blocks()):
                gap = " -gap" if level == 0 and n > 1 else ""
                yield Static(content, classes=f"brief ind-{level}{gap}")
        with Horizontal(id="briefing-buttons"):
            yield Button("◀ Back", id="back", compact=True)
            yield Button("Begin negotiation ▶", id="begin", variant="success", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#briefing-body").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "begin":
            self.action_begin()
        else:
            self.action_back()

    def action_begin(self) -> None:
        self.post_message(OpenSession(self.session, self.scenario_ref, replace=True))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit(0)
