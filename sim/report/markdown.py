"""The Markdown debrief report (``run --report`` and the TUI's export)."""

from __future__ import annotations

from sim.engine.events import (
    Ended,
    Hinted,
    Shifted,
    TrustChanged,
    Walkout,
)
from sim.engine.session import Session
from sim.report.wire import line, name_of, stamp, walkout_reason
from sim.scenario.model import MEDIATOR


def _md(text: str) -> str:
    """Scenario text is data: escape what Markdown would read as markup."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def trust_series(session: Session) -> dict[tuple[str, str], list[float]]:
    """Trust of each ordered pair at the end of every round played (for charts)."""
    s = session.scenario
    current = {(p.id, o): p.trust.get(o, 0.5) for p in s.parties for o in [*s.party_ids, MEDIATOR] if o != p.id}
    last_round = session.events[-1].round if session.events else 0
    series: dict[tuple[str, str], list[float]] = {k: [] for k in current}
    by_round: dict[int, list[TrustChanged]] = {}
    for e in session.events:
        if isinstance(e, TrustChanged):
            by_round.setdefault(e.round, []).append(e)
    for r in range(last_round + 1):
        for e in by_round.get(r, []):
            current[(e.truster, e.trustee)] = e.after
        for k in series:
            series[k].append(current[k])
    return series


def analysis_sections(session: Session, forecast_runs: int = 200) -> dict[str, str]:
    """The debrief's analytic sections: distance from the full-information Nash package, the
    durability forecast of the agreement in force, and the hints the mediator asked for."""
    from sim.analysis.domains import nash_distance_text
    from sim.analysis.forecast import describe, durability

    s = session.scenario
    out = {"Distance from the Nash bargaining package": nash_distance_text(session)}
    if session.agreement and session.end_reason != "walkout" and forecast_runs:
        d = durability(s, session.seed, session.actions, runs=forecast_runs)
        if d is not None:
            out["Durability forecast"] = (f"If the talks stopped here and nobody renewed anything "
                                          f"({d.runs} simulated futures): {describe(d)}")
    hints = [e for e in session.events if isinstance(e, Hinted)]
    if hints:
        out["Hints used"] = "\n".join(f"- `{stamp(s, e)}` {_md(line(s, e) or '')}" for e in hints)
    else:
        out["Hints used"] = "None."
    return out


def markdown_report(session: Session, extra: dict[str, str] | None = None, forecast_runs: int = 200) -> str:
    """The debrief as Markdown: tier and how long it held, incidents, surplus, the distance
    from the Nash package, durability, hints, timeline, history and questions.

    ``extra`` adds titled sections. The CLI's ``--report`` and the TUI's export both call this.
    """
    extra = {**analysis_sections(session, forecast_runs), **(extra or {})}
    s = session.scenario
    end = next((e for e in reversed(session.events) if isinstance(e, Ended)), None)
    view = session.view()
    out = [f"# Debrief: {_md(s.title)}", ""]
    out.append(f"Scenario `{s.id}` · seed {session.seed} · {len(session.actions)} mediator actions · "
               f"{view.round + 1} of {s.clock.max_rounds} rounds")
    out.append("")
    out.append("## Outcome")
    best = s.outcomes[session.best_tier - 1].title if session.best_tier else "no outcome tier"
    now = view.tier_title if view.tier else "no agreement tier"
    status = f"ended: {end.reason}" if end else "still in progress"
    out.append(f"- Highest tier reached: **{_md(best)}**")
    for level, oc in enumerate(s.outcomes, start=1):
        days = session.held_days(level)
        if days > 0:
            out.append(f"  - {_md(oc.title)}: held {days:.1f} days")
    out.append(f"- In force at the end: {_md(now)} ({status})")
    out.append(f"- Violations: {session.violations} · disputes: {session.disputes}")
    walk = [e for e in session.events if isinstance(e, Walkout)]
    for w in walk:
        out.append(f"- Walkout: {_md(name_of(s, w.party))} — {_md(walkout_reason(s, w))}")
    out.append("")
    out.append("## Agreement and surplus")
    package = session.agreement or s.default_package
    if session.agreement:
        for i in s.issue_ids:
            if package[i] != s.issue(i).default_option:
                out.append(f"- {_md(s.issue(i).title)}: {_md(s.issue(i).option(package[i]).label)}")
    else:
        out.append("- No agreement in force.")
    out.append("")
    out.append("| Party | Utility | Reservation | Surplus |")
    out.append("|---|---:|---:|---:|")
    for p in s.parties:
        u = session.utility(p.id, package)
        r = session.reservation(p.id)
        out.append(f"| {_md(p.name)} | {u:.1f} | {r:.1f} | {u - r:+.1f} |")
    out.append("")
    for title, body in (extra or {}).items():
        out += [f"## {_md(title)}", "", body, ""]
    out.append("## Trust at the end")
    out.append("")
    out.append("| Truster | Trustee | Start | End |")
    out.append("|---|---|---:|---:|")
    for (a, b), vals in trust_series(session).items():
        if vals:
            start = s.party(a).trust.get(b, 0.5)
            out.append(f"| {_md(name_of(s, a))} | {_md(name_of(s, b))} | {start:.2f} | {vals[-1]:.2f} |")
    out.append("")
    out.append("## Timeline")
    out.append("")
    for e in session.events:
        if isinstance(e, TrustChanged | Shifted):
            continue
        text = line(s, e)
        if text:
            out.append(f"- `{stamp(s, e)}` {_md(text)}")
    out.append("")
    if s.debrief.history:
        out.append("## What actually happened")
        out.append("")
        for h in s.debrief.history:
            when = f"Round {h.round + 1}: " if h.round is not None else ""
            cite = ""
            if h.quote:
                src = s.source(h.quote.source)
                cite = f" — “{_md(h.quote.text)}” ({_md(src.outlet)}, {src.date:%d %b %Y})"
            out.append(f"- {when}{_md(h.text)}{cite}")
        out.append("")
    if s.debrief.questions:
        out.append("## Questions for discussion")
        out.append("")
        for n, q in enumerate(s.debrief.questions, start=1):
            out.append(f"{n}. {_md(q)}")
        out.append("")
    return "\n".join(out)

