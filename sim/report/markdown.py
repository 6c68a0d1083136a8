"""The Markdown debrief report (``run --report`` and the TUI's export), rendered from a :class:`Debrief`."""

from __future__ import annotations

from sim.engine.events import Shifted, TrustChanged
from sim.engine.session import Session
from sim.report import figures
from sim.report.debrief import FORECAST_RUNS, Debrief, compute, describe_forecast, describe_mediator_stake
from sim.report.glossary import citation
from sim.report.sheet import reveal_markdown
from sim.report.wire import line, name_of, stamp, walkout_reason


def _md(text: str) -> str:
    """Scenario text is data: escape what Markdown would read as markup."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def nash_distance_text(d: Debrief) -> str:
    """The Nash package and the agreement's distance from it."""
    s = d.scenario
    n = d.nash
    if n is None:
        return "No package meets every party's walk-away point at the end, so there is no Nash package."
    how = "" if n.exact else " (approximate: the outcome space is too large to search exactly)"
    lines = [f"Full-information Nash bargaining package (max Π(U − R), R each party's walk-away point) at the end{how}:", ""]
    for i in s.issue_ids:
        if n.nash[i] != s.issue(i).default_option:
            lines.append(f"- {_md(s.issue(i).title)}: {_md(s.issue(i).option(n.nash[i]).label)}")
    lines.append("")
    lines.append(f"Issues where your result differs: {len(n.issues_differ)} of {len(s.issues)}. "
                 f"{_md(d.nash_words or '')}")
    lines.append("")
    lines.append("| Party | Nash utility | Your result | Difference |")
    lines.append("|---|---:|---:|---:|")
    for p in s.parties:
        nu = n.nash_utility[p.id]
        gap = n.utility_gap[p.id]
        gap = 0.0 if abs(gap) < 0.05 else gap  # no "-0.0"
        lines.append(f"| {_md(p.name)} | {nu:.1f} | {nu + gap:.1f} | {gap:+.1f} |")
    return "\n".join(lines)


def analysis_sections(d: Debrief) -> dict[str, str]:
    """The debrief's analytic sections: distance from the full-information Nash package, the
    durability forecast of the agreement in force, and the hints the mediator asked for."""
    s = d.scenario
    out = {"Distance from the Nash bargaining package": nash_distance_text(d)}
    if d.forecast is not None:
        out["Durability forecast"] = (f"If the talks stopped here and nobody renewed anything "
                                      f"({d.forecast.runs} simulated futures): {describe_forecast(d.forecast, s)}")
    if d.hints:
        out["Hints used"] = "\n".join(f"- `{stamp(s, e)}` {_md(line(s, e) or '')}" for e in d.hints)
    else:
        out["Hints used"] = "None."
    return out


def _outcome(d: Debrief) -> list[str]:
    s = d.scenario
    out = ["## Outcome"]
    best = d.title_of(d.best_tier) or "no outcome tier"
    now = d.tier_title if d.tier else "no agreement tier"
    status = f"ended: {d.end.reason}" if d.end else "still in progress"
    out.append(f"- Highest tier reached: **{_md(best)}**")
    for oc, days in zip(s.outcomes, d.held_days, strict=True):
        if days > 0:
            out.append(f"  - {_md(oc.title)}: held {days:.1f} days")
    out.append(f"- In force at the end: {_md(now)} ({status})")
    out.append(f"- Violations: {d.violations} · disputes: {d.disputes}")
    for w in d.walkouts:
        out.append(f"- Walkout: {_md(name_of(s, w.party))} — {_md(walkout_reason(s, w))}")
    for e in d.suspensions:
        back = d.returned(e)
        after = f"rejoined after {back.rounds} round(s)" if back else "still suspended at the end"
        out.append(f"- Suspension: {_md(name_of(s, e.party))} — {_md(walkout_reason(s, e))}; {after}")
    out.append("")
    out.append("## Agreement and surplus")
    if d.agreement:
        for i in d.changed_issues:
            out.append(f"- {_md(s.issue(i).title)}: {_md(s.issue(i).option(d.package[i]).label)}")
    else:
        out.append("- No agreement in force.")
    out += ["", *surplus_table(d), ""]
    return out


def surplus_table(d: Debrief) -> list[str]:
    """Each party's result against no deal, its walk-away at the start and at the end, and its standing."""
    out = ["| Party | Utility | No deal | Walk-away at start | Walk-away at end | vs no deal | vs start | vs end "
           "| Standing |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for p in d.parties:
        out.append(f"| {_md(p.name)} | {p.utility:.1f} | {p.status_quo:.1f} | {p.start_reservation:.1f} | "
                   f"{p.reservation:.1f} | {p.surplus_status_quo:+.1f} | {p.surplus_start:+.1f} | {p.surplus:+.1f} | "
                   f"{_md(p.verdict)} |")
    if d.coerced:
        out += ["", f"Coerced: {_md(', '.join(d.coerced))} accepted only under pressure (levers pushed the walk-away "
                    "below where it started) or below the status quo."]
    if d.mediator is not None:
        out += ["", _md(describe_mediator_stake(d.mediator))]
    return out


def _story(d: Debrief) -> list[str]:
    s = d.scenario
    out = ["## Trust at the end", "", "| Truster | Trustee | Start | End |", "|---|---|---:|---:|"]
    for t in d.trust:
        if t.series:
            out.append(f"| {_md(name_of(s, t.truster))} | {_md(name_of(s, t.trustee))} | {t.start:.2f} | "
                       f"{t.series[-1]:.2f} |")
    out += ["", "## Timeline", ""]
    for e in d.events:
        if isinstance(e, TrustChanged | Shifted):
            continue
        text = line(s, e)
        if text:
            out.append(f"- `{stamp(s, e)}` {_md(text)}")
    out.append("")
    if d.history:
        out += ["## What actually happened", ""]
        for h in d.history:
            when = f"Round {h.round + 1}: " if h.round is not None else ""
            cite = ""
            if h.quote:
                cite = f" — “{_md(h.quote.text)}” ({_md(citation(s, h.quote.source, title=False))})"
            out.append(f"- {when}{_md(h.text)}{cite}")
        out.append("")
    if d.questions:
        out += ["## Questions for discussion", ""]
        for n, q in enumerate(d.questions, start=1):
            out.append(f"{n}. {_md(q)}")
        out.append("")
    return out


def figure_lines(d: Debrief) -> list[str]:
    """The outcome space of each pair and the offer history, as plotext text figures."""
    s = d.scenario
    if not d.spaces and not d.offers:
        return []
    out = ["## Figures", "", "The outcome space: utility to one party (across) against the other's (up); "
           "the red lines are their walk-away points, N the Nash package, K the Kalai–Smorodinsky point, "
           "+ a proposal both accepted, x one refused (numbered in order), ★ the final deal.", ""]
    for sp in d.spaces:
        out += ["```text", figures.as_text(figures.draw_space, s, sp), "```", ""]
    if d.offers:
        out += ["```text", figures.as_text(figures.draw_offers, s, d.offers, height=18), "```", ""]
    return out


def render(d: Debrief, extra: dict[str, str] | None = None) -> str:
    """The debrief as Markdown: tier and how long it held, incidents, surplus, the distance
    from the Nash package, durability, hints, timeline, history and questions.

    ``extra`` adds titled sections after the analytic ones.
    """
    s = d.scenario
    out = [f"# Debrief: {_md(s.title)}", ""]
    out.append(f"Scenario `{s.id}` · seed {d.seed} · {d.actions} mediator actions · "
               f"{d.rounds_played} of {s.clock.max_rounds} rounds")
    out.append("")
    out += _outcome(d)
    if d.reveal is not None:
        out += reveal_markdown(s, d.reveal, dict(d.package))
    for title, body in {**analysis_sections(d), **(extra or {})}.items():
        out += [f"## {_md(title)}", "", body, ""]
    out += figure_lines(d)
    out += _story(d)
    return "\n".join(out)


def markdown_report(session: Session | Debrief, extra: dict[str, str] | None = None,
                    forecast_runs: int = FORECAST_RUNS) -> str:
    """The Markdown debrief of a session, or of a debrief already computed (``forecast_runs``
    then has no effect). The CLI's ``--report`` and the TUI's export both call this."""
    d = session if isinstance(session, Debrief) else compute(session, forecast_runs)
    return render(d, extra)
