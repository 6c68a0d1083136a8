"""A party's panel: trust meters, walk-out risk, and what the mediator knows of its positions."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Group
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from sim.engine.consent import holds
from sim.engine.events import Responded
from sim.engine.view import MediatorView, PartyView, Prediction
from sim.report.wire import response_reasons
from sim.scenario.model import MEDIATOR, Scenario

from .bars import bar_content
from .common import (
    ERROR,
    MUTED,
    NO,
    OK,
    SUCCESS,
    UNKNOWN,
    WARN,
    WARNING,
    meter,
    option_label,
    plain,
    rich_palette,
    set_content,
)
from .focus import MARKER


def trust_lines(s: Scenario, view: MediatorView, pv: PartyView) -> list[Content]:
    order = [o for o in s.party_ids if o in pv.trust] + [MEDIATOR]
    names = {o: ("mediator" if o == MEDIATOR else view.party(o).name[:16]) for o in order}
    width = max(len(n) for n in names.values()) + 10
    out = []
    walkout = s.party(pv.id).walkout_trust
    for o in order:
        label = f"trust in {names[o]}".ljust(width)
        line = Content.assemble(plain(label), meter(pv.trust[o], 8))
        if o != MEDIATOR and pv.trust[o] < walkout:
            line = Content.assemble(line, (f" {WARN} walk-out level", WARNING))
        out.append(line)
    return out


NARROW = 24
"""Content width under which a panel words its counter and forecast in short (a 60- or 80-column
terminal): the answer stays in the lines a short panel shows."""


def risk_line(pv: PartyView, short: bool = False) -> Content:
    n, cap = pv.red_line_proposals, pv.red_line_patience
    if short and not (pv.walked_out or pv.suspended):
        style = f"{ERROR} bold" if pv.at_risk else (WARNING if n > 0 else SUCCESS)
        mark = f"{WARN} " if n > 0 else ""
        tail = " · one more: it walks out" if pv.at_risk else ("" if n > 0 else f" {OK}")
        return Content.styled(f"{mark}red lines {n}/{cap}{tail}", style)
    if pv.walked_out:
        return Content.styled(f"{NO} WALKED OUT of the talks", f"{ERROR} bold")
    if pv.suspended:
        return Content.styled(f"{WARN} SUSPENDED its participation: talks go on without it", f"{WARNING} bold")
    if pv.at_risk:
        return Content.styled(f"{WARN} red-line proposals {n} of {cap}: one more and it walks out", f"{ERROR} bold")
    if n > 0:
        return Content.styled(f"{WARN} red-line proposals {n} of {cap}", WARNING)
    return Content.assemble(("red-line proposals ", ""), (f"0 of {cap} {OK}", SUCCESS))


def knowledge_line(pv: PartyView) -> Content:
    total = len(pv.stances) + pv.private_unknown
    known = total - pv.hidden
    walk = (Content.styled(f"walk-away {UNKNOWN}", MUTED) if pv.reservation is None
            else Content(f"walk-away {pv.reservation:.0f}"))
    full = Content.styled(f"{known}/{total} stances known", SUCCESS if known == total else MUTED)
    return Content.assemble(walk, " · ", full)


def consent_line(s: Scenario, pv: PartyView) -> Content | None:
    """The issues the party must agree to, when it is not every issue (None then)."""
    if pv.consent is None:
        return None
    held = [s.issue(i).title for i in s.issue_ids if holds(s, pv.id, i)]
    return Content.styled("has a say on: " + ("; ".join(held) or "nothing"), MUTED)


def red_line_refs(s: Scenario, pred: Prediction) -> list[str]:
    refs = []
    for ref in pred.red_lines:
        i, o = ref.split(".", 1)
        refs.append(f"{s.issue(i).title}: {s.issue(i).option(o).label}")
    return refs


DISTRUST_WORTH_SAYING = 3.0
"""Threshold points of distrust from which a forecast no names it as a reason."""


def shortfall(s: Scenario, pv: PartyView, pred: Prediction) -> str:
    """Why a package is forecast to fall short for a party: what its distrust adds to its
    threshold, and the known issues furthest below what it wants ('' when none is known)."""
    bits = []
    for i, gap in pred.gaps[:2]:
        demand = pv.stances[i].demand
        want = f"wants {s.issue(i).option(demand).label}, " if demand is not None else ""
        bits.append(f"{s.issue(i).title} ({want}−{gap:.0f})")
    more = len(pred.gaps) - len(bits)
    out = ["short on " + "; ".join(bits) + (f" and {more} more demand(s)" if more > 0 else "")] if bits else []
    if pred.distrust >= DISTRUST_WORTH_SAYING:
        out.insert(0, f"distrust adds ~{pred.distrust:.0f} to what it needs")
    return "; ".join(out)


def forecast_warning(s: Scenario, pv: PartyView, pred: Prediction) -> str | None:
    """One line on why a party is forecast not to accept (None when it is forecast to)."""
    if pred.verdict == "accept":
        return None
    chance = f"{pred.probability:.0%} chance" if pred.probability is not None else "unsure"
    if pred.red_lines:
        return f"{pv.name} rejects: red line {'; '.join(red_line_refs(s, pred))}"
    why = shortfall(s, pv, pred)
    verdict = "likely to reject" if pred.verdict == "reject" else "unsure"
    return (f"{pv.name} {verdict} ({chance}): est. {pred.utility:.0f} vs needs ~{pred.threshold:.0f}"
            + (f"; {why}" if why else ""))


def prediction_content(s: Scenario, pv: PartyView, pred: Prediction, short: bool = False) -> Content:
    """The party's likely answer to the package in the builder, marked when its answer
    wouldn't decide it (not needed, or away); ``short``: the verdict and its chance first."""
    if short:
        return _short_verdict(s, pv, pred)
    if pred.away:
        note = ("a package that needs it can't pass while it is away" if pred.needed
                else "not needed for this package")
        return Content.assemble(Content.styled("Forecast: ", "bold"), (f"{WARN} suspended", f"{WARNING} bold"),
                                plain(f" — it won't answer; {note}"))
    content = _verdict_content(s, pv, pred)
    if not pred.needed:
        content = Content.assemble(content, (" · not needed for this package: its no doesn't block", MUTED))
    return content


def _verdict_content(s: Scenario, pv: PartyView, pred: Prediction) -> Content:
    """Mark, words, estimate and chance, and why when the party is forecast to say no."""
    head = Content.styled("Forecast: ", "bold")
    if pred.red_lines:
        refs = red_line_refs(s, pred)
        sp = s.party(pv.id).suspends
        leave = "suspend or walk out" if sp is not None and "red_lines" in sp.on else "walk out"
        if not pred.needed:  # not asked to sign: its patience is not spent
            risk = " (its patience is not spent on a package it has no say over)"
        elif pv.walks_out_over(pred.red_lines):
            risk = f" {WARN} it would {leave} (patience {pv.red_line_patience} used up)"
        else:
            risk = f" (it sits through {pv.red_lines_left} more before walking out)"
        return Content.assemble(head, (f"{NO} rejects — red line ", f"{ERROR} bold"), plain("; ".join(refs)),
                                (risk, ERROR))
    chance = f", {pred.probability:.0%} chance" if pred.probability is not None else ""
    est = (f" (est. {pred.utility:.0f} vs needs ~{pred.threshold:.0f}{chance})", MUTED)
    if pred.verdict == "accept":
        return Content.assemble(head, (f"{OK} accepts" if pred.certain else f"{OK} likely to accept",
                                       f"{SUCCESS} bold"), est)
    why = shortfall(s, pv, pred)
    if pred.verdict == "reject":
        return Content.assemble(head, (f"{NO} rejects" if pred.certain else f"{NO} likely to reject",
                                       f"{ERROR} bold"), est, plain(f" — {why}" if why else ""))
    return Content.assemble(head, (f"{UNKNOWN} unsure", f"{WARNING} bold"), est)


_SHORT_WORDS = {"accept": (OK, "yes", "likely yes", SUCCESS), "reject": (NO, "no", "likely no", ERROR),
                "unsure": (UNKNOWN, "unsure", "unsure", WARNING)}
"""Verdict -> (mark, words when certain, words when likely, style) of a short forecast."""


def _short_verdict(s: Scenario, pv: PartyView, pred: Prediction) -> Content:
    """The forecast in a narrow panel: mark, verdict and chance in its first line, then the
    estimate and why, so the lines a short panel shows carry the answer."""
    if pred.away:
        return Content.assemble((f"{WARN} away", f"{WARNING} bold"), plain(" — it won't answer"))
    if pred.red_lines:
        head = Content.styled(f"{NO} red line", f"{ERROR} bold")
        words = ": " + "; ".join(red_line_refs(s, pred))
    else:
        mark, sure, likely, style = _SHORT_WORDS[pred.verdict]
        chance = f" {pred.probability:.0%}" if pred.probability is not None else ""
        head = Content.styled(f"{mark} {sure if pred.certain else likely}{chance}", f"{style} bold")
        why = shortfall(s, pv, pred) if pred.verdict != "accept" else ""
        words = f" · est. {pred.utility:.0f} vs ~{pred.threshold:.0f}" + (f" — {why}" if why else "")
    content = Content.assemble(head, (words, MUTED))
    if not pred.needed:
        content = Content.assemble(content, (" · not needed", MUTED))
    return content


def answer_content(s: Scenario, e: Responded) -> Content:
    when = s.clock.start + timedelta(hours=e.t)
    head = Content.styled(f"Answer {when:%d %b}: ", "bold")
    first = response_reasons(s, e)[0]
    if not e.needed:
        head = Content.assemble(head, ("(not needed) ", MUTED))
    if e.accept and e.coerced:
        return Content.assemble(head, ("! accepted under pressure (coerced)", f"{WARNING} bold"),
                                plain(f" — {first}" if first else ""))
    if e.accept:
        return Content.assemble(head, (f"{OK} accepted", f"{SUCCESS} bold"), plain(f" — {first}" if first else ""))
    return Content.assemble(head, (f"{NO} rejected", f"{ERROR} bold"), plain(f" — {first}" if first else ""))


def stance_renderable(s: Scenario, pv: PartyView, palette: dict[str, Style]) -> tuple[Group, str]:
    """Every known stance: the issue, what the party wants, what it will never accept (a Rich
    group, so that wrapped lines keep their indent), and the same as plain text."""
    items: list = []
    for issue_id in s.issue_ids:
        st = pv.stances.get(issue_id)
        if st is None:
            continue
        head = Text()
        head.append("● " if st.revealed else "· ", style=palette["success"] if st.revealed else palette["muted"])
        head.append(s.issue(issue_id).title, style="bold")
        if st.revealed and st.visibility == "private":
            head.append(" (said in private)", style=palette["muted"])
        body = Text()
        if st.demand is not None:
            body.append("wants ")
            body.append(option_label(s, issue_id, st.demand))
        if st.red_lines:
            if body:
                body.append("\n")
            body.append(f"{NO} never ", style=palette["error"])
            body.append("; ".join(option_label(s, issue_id, o) for o in st.red_lines))
        if st.revealed and st.values is not None:
            # What the consultation revealed: how much the issue matters, and each option's value.
            if body:
                body.append("\n")
            if st.share is not None:
                body.append(f"matters {st.share:.0%} · ", style="bold")
            body.append(" · ".join(f"{option_label(s, issue_id, o)} {st.values.get(o, 0):.0f}"
                                  for o in s.issue(issue_id).option_ids),
                        style=palette["muted"])
        items += [head, Padding(body, (0, 0, 0, 3))]
        items.append(Text(""))
    extra = pv.private_unknown
    if extra:
        items.append(Text(f"{UNKNOWN} {extra} more concern(s) not stated in public: consult to learn them",
                          style=palette["muted"]))
    plain_text = "\n".join(x.plain if isinstance(x, Text) else x.renderable.plain for x in items)
    return Group(*items), plain_text


class PartyPanel(VerticalScroll, can_focus=True):
    """One party: trust meters, risk, what is known, bound to the screen's ``view``. Scrolls;
    ``z`` zooms it."""

    DEFAULT_CLASSES = "party panel"
    DEFAULT_CSS = """
    PartyPanel {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
    }
    PartyPanel > .party-state, PartyPanel > .party-bar {
        margin-bottom: 1;
    }
    PartyPanel > .party-prediction {
        margin-bottom: 0;
    }
    """
    ALLOW_MAXIMIZE = True
    HELP = """\
## A party

Trust, red-line patience, its forecast answer to the builder's package, and its stances
(● known exactly, · only what it says in public). **z** zooms, **esc** restores.

In a narrow terminal the counter and forecast are worded in short, the verdict first:
`✓ likely yes 87% · est. 83 vs ~79` is an 87 % chance of a yes, its estimated score of the
package against the ~79 it needs; `red lines 0/2` counts red-line proposals against its patience.
"""

    view: reactive[MediatorView | None] = reactive(None, always_update=True, init=False, repaint=False)
    """What the mediator knows now; every change redraws the panel."""

    def __init__(self, scenario: Scenario, party_id: str, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.scenario = scenario
        self.party_id = party_id
        p = scenario.party(party_id)
        self.border_title = plain(p.name + (f" — {p.leader}" if p.leader else ""))
        self._stances_plain: str | None = None
        self._short = False
        """Whether the panel is narrow (see :data:`NARROW`)."""
        self._shown: tuple[MediatorView, Prediction] | None = None
        """What the forecast line last showed, to reword it when the panel's width crosses NARROW."""

    def compose(self) -> ComposeResult:
        # The red-line counter and the forecast first: they stay in view in a 60×20 terminal.
        yield Static(id="party-risk", classes="party-risk")
        yield Static(id="party-prediction", classes="party-prediction")
        yield Static(id="party-bar", classes="party-bar")
        yield Static(id="party-answer", classes="party-answer")
        yield Static(id="party-state", classes="party-state")
        yield Static(id="party-stances", classes="party-stances")

    def on_resize(self) -> None:
        """The leader's name only when the whole title fits: a party's name is never cut."""
        p = self.scenario.party(self.party_id)
        full = p.name + (f" — {p.leader}" if p.leader else "")
        marker = MARKER if str(self.border_title or "").startswith(MARKER) else ""
        # The border leaves its content width less 4 for the title; room for the focus marker too.
        title = full if len(MARKER + full) <= self.size.width - 4 else p.name
        self.border_title = plain(marker + title)
        short = self.size.width < NARROW
        if short != self._short:  # reword the two lines that have a short form, nothing else
            self._short = short
            if self.view is not None:
                set_content(self._risk, risk_line(self.view.party(self.party_id), short))
            if self._shown is not None:
                view, pred = self._shown
                set_content(self._prediction, prediction_content(self.scenario, view.party(self.party_id), pred, short))

    def on_mount(self) -> None:
        self._risk = self.query_one("#party-risk", Static)
        self._state = self.query_one("#party-state", Static)
        self._prediction = self.query_one("#party-prediction", Static)
        self._bar = self.query_one("#party-bar", Static)
        self._bar.display = False
        self._answer = self.query_one("#party-answer", Static)
        self._answer.display = False
        self._stances = self.query_one("#party-stances", Static)

    def show_prediction(self, view: MediatorView, pred: Prediction, package: dict[str, str] | None = None) -> None:
        """The party's likely answer to the builder's package (``view``: the screen's, which the
        screen's own watcher sees before this panel's binding has caught up), and with the
        package, its estimate as a bar."""
        self._shown = (view, pred)
        set_content(self._prediction, prediction_content(self.scenario, view.party(self.party_id), pred, self._short))
        self._bar.display = package is not None
        if package is not None:
            set_content(self._bar, bar_content(view, self.party_id, package))

    def show_answer(self, answer: Responded | None) -> None:
        """The party's answer to the last proposal (its first reason; the wire has them all)."""
        self._answer.display = answer is not None
        if answer is not None:
            set_content(self._answer, answer_content(self.scenario, answer))

    def watch_view(self, view: MediatorView | None) -> None:
        if view is None:
            return
        pv = view.party(self.party_id)
        s = self.scenario
        set_content(self._risk, risk_line(pv, self._short))
        say = consent_line(s, pv)
        set_content(self._state, Content("\n").join([*trust_lines(s, view, pv), knowledge_line(pv),
                                                     *([say] if say else [])]))
        group, plain_text = stance_renderable(s, pv, rich_palette(self.app))
        if plain_text != self._stances_plain:
            self._stances_plain = plain_text
            self._stances.update(group)
        self.set_class(pv.walked_out, "-walked-out")
        self.set_class(pv.suspended, "-suspended")
        self.set_class(pv.at_risk, "-at-risk")

    def text(self) -> str:
        """The panel's plain text (for tests and screen readers)."""
        parts = [self._risk, self._prediction, self._bar, self._answer, self._state]
        return "\n".join([*(str(w.render()) for w in parts if w.display), self._stances_plain or ""])
