"""The negotiation screen's header: date and hour, round, time left, credibility, agreement in force."""

from __future__ import annotations

from datetime import timedelta

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from sim.engine.view import MediatorView
from sim.scenario.model import Scenario

from .common import (
    ACCENT,
    MUTED,
    OK,
    SUCCESS,
    WARN,
    WARNING,
    level_style,
    meter,
    plain,
    round_fraction,
    set_content,
    span_text,
)


def pledges_text(s: Scenario, view: MediatorView) -> str:
    """' · pledged: Russia (energy)' for the unilateral pledges in force ('' without any)."""
    if not view.pledges:
        return ""
    each = [f"{s.party(p.party).name} ({', '.join(s.tag_label(t) for t in p.covers)})" for p in view.pledges]
    return " · pledged: " + "; ".join(each)


def agreement_line(s: Scenario, view: MediatorView) -> Content:
    pledged = plain(pledges_text(s, view))
    if not view.agreement:
        return Content.assemble(("In force: ", "bold"), ("no agreement yet", MUTED), pledged,
                                (f" · outcome tiers reached 0 of {len(s.outcomes)}", MUTED))
    changed = [i for i in s.issue_ids if view.agreement[i] != s.issue(i).default_option]
    terms = "; ".join(f"{s.issue(i).title}: {s.issue(i).option(view.agreement[i]).label}" for i in changed)
    # The tier before its title: a long title cut at 60 columns must not take the tier with it.
    tier = (Content.assemble((f"{OK} tier {view.tier} of {len(s.outcomes)}: ", f"{SUCCESS} bold"),
                             (view.tier_title or "", "bold")) if view.tier
            else Content.styled("agreement below every outcome tier", MUTED))
    lapse: Content | str = ""
    if view.expires:
        soonest = min(view.expires.values())
        lapse = Content.styled(f" · lapses {(s.clock.start + timedelta(hours=soonest)):%d %b %H:%M} unless renewed",
                               ACCENT)
        soon = lapse_warning(s, view)
        if soon:
            lapse = Content.styled(f" · {WARN} {soon}", f"{WARNING} bold")
    return Content.assemble(("In force: ", "bold"), tier, lapse, " — ", plain(terms or "status quo"), pledged)


def terms_content(s: Scenario, view: MediatorView) -> Content:
    """The agreement in force in full, one term a line (the header has room for a few words)."""
    if not view.agreement:
        return Content.assemble(("No agreement is in force yet", "bold"),
                                plain(f": the status quo holds. Outcome tiers reached: 0 of {len(s.outcomes)}."))
    tier = (Content.assemble((f"{OK} {view.tier_title}", f"{SUCCESS} bold"), f" (tier {view.tier} of {len(s.outcomes)})")
            if view.tier else Content.styled("Below every outcome tier", MUTED))
    lines = [tier, Content("")]
    for i in s.issue_ids:
        iss, o = s.issue(i), view.agreement[i]
        if o == iss.default_option:
            continue
        line = Content.assemble((f"{iss.title}: ", "bold"), plain(iss.option(o).label))
        if i in view.expires:
            when = s.clock.start + timedelta(hours=view.expires[i])
            line = Content.assemble(line, (f" — lapses {when:%d %b %H:%M} unless renewed", ACCENT))
        lines.append(line)
    if len(lines) == 2:
        lines.append(Content.styled("Every issue stays as it is (the status quo).", MUTED))
    return Content("\n").join(lines)


def lapse_warning(s: Scenario, view: MediatorView) -> str:
    """'Corridor lapses in 18 h (n renews)' for options lapsing within the scenario's warning
    window (one round when it sets none); '' when nothing lapses soon."""
    window = s.dynamics.lapse_warning_hours or s.clock.round_hours
    soon = view.lapsing(window)
    if not soon:
        return ""
    names = ", ".join(s.issue(i).title for i, _ in soon)
    return f"{names} lapses in {span_text(soon[0][1])} (n renews)"


class StatusBar(Static):
    """Two fixed lines: the clock, the round, time left and credibility; the agreement in force."""

    DEFAULT_CSS = """
    StatusBar {
        height: 2;
        padding: 0 1;
        background: $primary-background;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    view: reactive[MediatorView | None] = reactive(None, always_update=True, init=False, repaint=False)
    """What the mediator knows now; every change redraws the bar."""

    COMPACT_BELOW = 78
    """Width under which the first line takes its short form."""

    def __init__(self, scenario: Scenario, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.scenario = scenario

    def watch_view(self, view: MediatorView | None) -> None:
        if view is None:
            return
        self.show(view)

    def on_resize(self) -> None:
        if self.view is not None:
            self.show(self.view)

    def show(self, view: MediatorView) -> None:
        s = self.scenario
        full = view.budget >= 1 - 1e-9
        if self.size.width >= self.COMPACT_BELOW:
            left = "full round left" if full else f"{round_fraction(view.budget)} left"
            first = Content.assemble(
                (f"{view.when:%a %d %b %H:%M}", "bold"), (" · ", MUTED),
                (f"Round {view.round + 1} of {view.max_rounds}", "bold"), (" · ", MUTED),
                left, (" · ", MUTED), ("credibility ", ""), meter(view.credibility, 6),
            )
        else:  # the same facts in some 55 columns: nothing on the line is cut
            left = "full round left" if full else f"{view.budget:.0%} of round left"
            first = Content.assemble(
                (f"{view.when:%d %b %H:%M}", "bold"), (" · ", MUTED),
                (f"Round {view.round + 1}/{view.max_rounds}", "bold"), (" · ", MUTED),
                left, (" · ", MUTED), "cred. ", (f"{view.credibility:.2f}", level_style(view.credibility)),
            )
        set_content(self, Content("\n").join([first, agreement_line(s, view)]), layout=False)  # fixed height
