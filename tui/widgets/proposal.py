"""The proposal builder: one option picker per issue, a mark per party showing how the chosen
option sits with that party's known stance, and a detail line (full wording, each party's
position) for the issue in focus. The screen shows each party's predicted reaction in its panel.

An :class:`OptionPicker` is one line of text that opens a list of the issue's options (enter,
space or a click) or steps through them (← →). A Textual ``Select`` per issue would do the same
with some twenty widgets each, which made the screen slow to open."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, Static

from sim.engine.view import MediatorView
from sim.report.glossary import possessive
from sim.scenario import requires
from sim.scenario.model import Issue, Scenario

from .common import ERROR, MUTED, NO, OK, SUCCESS, UNKNOWN, WARNING, distinct_label, plain, set_content

MARK_LEGEND = f"{OK} their demand · {NO} their red line · ~ neither · {UNKNOWN} not known · · no stance"


def short_name(name: str, n: int = 2) -> str:
    return name[:n]


def stance_mark(view: MediatorView, party_id: str, issue_id: str, option_id: str) -> tuple[str, str]:
    """How an option sits with a party's *known* stance: (mark, style)."""
    pv = view.party(party_id)
    st = pv.stances.get(issue_id)
    if st is None:
        return (UNKNOWN, MUTED) if pv.private_unknown else ("·", MUTED)
    if option_id in st.red_lines:
        return NO, f"{ERROR} bold"
    if st.demand == option_id:
        return OK, f"{SUCCESS} bold"
    return "~", WARNING


def stance_words(s: Scenario, view: MediatorView, party_id: str, issue_id: str, option_id: str) -> Content:
    pv = view.party(party_id)
    st = pv.stances.get(issue_id)
    mark, style = stance_mark(view, party_id, issue_id, option_id)
    name = Content.assemble((f"{mark} ", style), (pv.name, "bold"), ": ")
    if st is None:
        return Content.assemble(name, ("position not known" if pv.private_unknown else "no stance", MUTED))
    iss = s.issue(issue_id)
    parts = [Content.assemble("wants ", plain(iss.option(st.demand).label))] if st.demand else []
    if st.red_lines:
        parts.append(Content.assemble((f"{NO} never ", ERROR),
                                      plain("; ".join(iss.option(o).label for o in st.red_lines))))
    return Content.assemble(name, Content(" · ").join(parts))


def package_line(s: Scenario, view: MediatorView, package: dict[str, str]) -> Content:
    """The whole package: why it can't be proposed (a missing requirement), and what it is worth
    to the mediator by its own stances (shown beside the parties', never hidden)."""
    parts = []
    gaps = requires.missing(s, package)
    if gaps:  # short: the builder is narrow (proposing anyway gives the full reason)
        have, need = gaps[0]
        i, _, o = have.partition(".")
        parts.append(Content.assemble((f"{NO} can't propose: ", f"{ERROR} bold"),
                                      plain(f"{s.issue(i).option(o).label} needs {requires.label(s, need)}")))
    u = view.mediator_utility(package)
    if u is not None:
        sq = view.mediator_utility(s.default_package)
        gain = f" ({u - sq:+.0f} vs no deal)" if sq is not None else ""
        parts.append(Content.assemble(plain(f"{possessive(s.mediator.name)} own stake: "), (f"{u:.0f}", "bold"), gain))
    return Content("   ").join(parts)


class OptionPicker(Widget, can_focus=True):
    """The option chosen for one issue; ← → step, and enter, space or a click ask for the list
    (:class:`OptionPicker.ListRequested`: the screen shows it, and sets ``value``)."""

    DEFAULT_CSS = """
    OptionPicker {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $boost;
        &:focus {
            background: $accent 40%;
            text-style: bold;
        }
        &:hover {
            background: $accent 20%;
        }
    }
    """
    HELP = f"""\
## Choosing an option

**← →** step through this issue's options, **enter** lists them, **p** proposes the package.
Marks per party: {MARK_LEGEND}.
"""
    BINDINGS = [
        Binding("enter,space", "choose", "Choose", show=False),
        Binding("left", "step(-1)", "Previous option", show=False),
        Binding("right", "step(1)", "Next option", show=False),
    ]

    value: reactive[str] = reactive("", init=False)

    class Changed(Message):
        """The chosen option changed."""

        def __init__(self, picker: OptionPicker, value: str) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> OptionPicker:
            return self.picker

    class ListRequested(Message):
        """The person wants to see the issue's options to choose from."""

        def __init__(self, picker: OptionPicker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> OptionPicker:
            return self.picker

    def __init__(self, issue: Issue, value: str, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.issue = issue
        self.set_reactive(OptionPicker.value, value)

    def render(self) -> Content:
        label = self.issue.option(self.value).label
        others = [o.label for o in self.issue.options if o.id != self.value]
        fitted = distinct_label(label, others, self.size.width - 2) if self.size.width > 2 else label
        return Content.assemble(plain(fitted), (" ▾", MUTED))

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, delta: int) -> None:
        ids = self.issue.option_ids
        self.value = ids[(ids.index(self.value) + delta) % len(ids)]

    def action_choose(self) -> None:
        self.post_message(self.ListRequested(self))

    def on_click(self) -> None:
        self.focus()
        self.action_choose()


class IssueRow(Widget):
    """One issue: its title (wrapped, never cut), its option picker, a mark per party; in a
    narrow builder the title takes a line of its own above the picker."""

    DEFAULT_CLASSES = "issue-row"

    def __init__(self, scenario: Scenario, issue_id: str, value: str, *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.scenario = scenario
        self.issue_id = issue_id
        self.value = value

    def compose(self) -> ComposeResult:
        iss = self.scenario.issue(self.issue_id)
        yield Label(plain(iss.title), classes="issue-title", markup=False)
        with Horizontal(classes="issue-choice"):
            yield OptionPicker(iss, self.value, id=f"select-{self.issue_id}", classes="issue-select")
            # Start at the marks' final width (3 columns a party): later updates skip layout.
            yield Static(" " * 3 * len(self.scenario.parties), classes="issue-marks")


class ProposalBuilder(Vertical):
    """Select an option per issue; see how each sits with each party (from the bound ``view``)
    before proposing."""

    DEFAULT_CLASSES = "panel"
    DEFAULT_CSS = """
    ProposalBuilder {
        width: 55%;
        min-width: 44;
        height: 1fr;
        padding: 0 1;
        #issues {
            height: 1fr;
            scrollbar-size-vertical: 1;
        }
        .issue-row {
            height: auto;
            layout: horizontal;
        }
        .issue-head {
            color: $text-muted;
        }
        .issue-title {
            width: 2fr;
            height: auto;
            color: $text-muted;
        }
        .issue-row.-changed .issue-title {
            color: $text;
            text-style: bold;
        }
        .issue-choice {
            width: 3fr;
            height: 1;
        }
        &.-stacked IssueRow {
            layout: vertical;
        }
        &.-stacked IssueRow .issue-title, &.-stacked .issue-choice {
            width: 1fr;
        }
        &.-stacked IssueRow .issue-choice {
            padding-left: 2;
        }
        &.-stacked .issue-head .issue-title {
            display: none;
        }
        .issue-select-head {
            width: 1fr;
        }
        .issue-marks {
            width: auto;
            height: 1;
        }
        #issue-detail {
            height: 3;
            border-top: solid $primary-lighten-1 30%;
        }
        &.-package-line #issue-detail {
            height: 5;
        }
    }
    """
    ALLOW_MAXIMIZE = True
    HELP = """\
## The proposal

**tab** moves between the issues, **p** proposes, **r** resets to the agreement in force.
"""

    view: reactive[MediatorView | None] = reactive(None, always_update=True, init=False, repaint=False)
    """What the mediator knows now; every change redraws the marks."""

    class Changed(Message):
        """The package being built changed."""

        def __init__(self, builder: ProposalBuilder, package: dict[str, str]) -> None:
            super().__init__()
            self.builder = builder
            self.package = package

        @property
        def control(self) -> ProposalBuilder:
            return self.builder

    def __init__(self, scenario: Scenario, package: dict[str, str], *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.scenario = scenario
        self._initial = dict(package)
        self.focus_issue = scenario.issue_ids[0]
        self.border_title = "Proposal"
        self.border_subtitle = "tab move · enter choose · p propose"

    def compose(self) -> ComposeResult:
        s = self.scenario
        head = "".join(short_name(p.name).center(3) for p in s.parties)
        with Horizontal(classes="issue-row issue-head"):
            yield Label("Issue", classes="issue-title")
            with Horizontal(classes="issue-choice"):
                yield Label("Your option", classes="issue-select-head")
                yield Label(plain(head), classes="issue-marks", markup=False)
        with VerticalScroll(id="issues"):
            for iss in s.issues:
                yield IssueRow(s, iss.id, self._initial.get(iss.id, iss.default_option), id=f"row-{iss.id}")
        yield Static(id="issue-detail")

    STACK_BELOW = 60
    """Content width under which each issue's title takes its own line (the picker gets the width)."""

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.STACK_BELOW, "-stacked")
        self.border_subtitle = ("tab move · enter choose · p propose" if event.size.width >= 38
                                else "tab · enter · p propose")

    def on_mount(self) -> None:
        self._selects = {i: self.query_one(f"#select-{i}", OptionPicker) for i in self.scenario.issue_ids}
        self._rows = {i: self.query_one(f"#row-{i}", IssueRow) for i in self.scenario.issue_ids}
        self._marks = {i: row.query_one(".issue-marks", Static) for i, row in self._rows.items()}
        self._detail = self.query_one("#issue-detail", Static)
        s = self.scenario
        # A third detail line for the whole package: requirements it misses, the mediator's own stake.
        self.set_class(bool(s.mediator.stances) or any(o.requires for i in s.issues for o in i.options),
                       "-package-line")

    # ------------------------------------------------------------ package

    def package(self) -> dict[str, str]:
        return {i: picker.value for i, picker in self._selects.items()}

    def changed_issues(self) -> dict[str, str]:
        """Only the issues set away from their default (what a proposal states)."""
        s = self.scenario
        return {i: o for i, o in self.package().items() if o != s.issue(i).default_option}

    def set_package(self, package: dict[str, str]) -> None:
        """Show ``package`` (left-out issues at their default) with one redraw, not one per issue."""
        for iss in self.scenario.issues:
            picker = self._selects[iss.id]
            want = package.get(iss.id, iss.default_option)
            if picker.value != want:
                picker.set_reactive(OptionPicker.value, want)
                picker.refresh()
        self.refresh_marks()
        self.post_message(self.Changed(self, self.package()))

    # ------------------------------------------------------------ display

    def watch_view(self) -> None:
        self.refresh_marks()

    def on_option_picker_changed(self, event: OptionPicker.Changed) -> None:
        event.stop()
        self.refresh_marks()
        self.post_message(self.Changed(self, self.package()))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        node: DOMNode | None = event.widget
        while node is not None and not isinstance(node, IssueRow):
            node = node.parent
        if isinstance(node, IssueRow) and node.issue_id != self.focus_issue:
            self.focus_issue = node.issue_id
            self.refresh_detail()

    def refresh_marks(self) -> None:
        view = self.view
        if view is None or not self.is_mounted:
            return
        s = self.scenario
        package = self.package()
        for iss in s.issues:
            parts = [Content.styled(mark.center(3), style)
                     for mark, style in (stance_mark(view, p.id, iss.id, package[iss.id]) for p in s.parties)]
            set_content(self._marks[iss.id], Content("").join(parts), layout=False)  # fixed 6×1
            self._rows[iss.id].set_class(package[iss.id] != iss.default_option, "-changed")
        self.refresh_detail()

    def refresh_detail(self) -> None:
        view = self.view
        if view is None or not self.is_mounted:
            return
        s = self.scenario
        i = self.focus_issue
        option = self.package()[i]
        iss = s.issue(i)
        lines = [Content.assemble((iss.title + " → ", "bold"), plain(iss.option(option).label))]
        if self.has_class("-package-line"):  # before the stances, which may wrap in a narrow terminal
            lines.append(package_line(s, view, s.complete(self.package())))
        lines.append(Content("   ").join(stance_words(s, view, p.id, i, option) for p in s.parties))
        set_content(self._detail, Content("\n").join(lines), layout=False)  # fixed height
