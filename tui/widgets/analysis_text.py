"""The debrief's analytic lines: the agreement beside the Nash package, the durability
forecast, the discussion questions (scenario text as plain text)."""

from __future__ import annotations

from textual.content import Content

from sim.report import debrief
from sim.report.debrief import Debrief

from .common import MUTED, plain


def nash_lines(d: Debrief) -> list[Content]:
    """The agreement beside the full-information Nash package, and the hints used."""
    s = d.scenario
    n = d.nash
    how = "" if n is None or n.exact else " — approximate"
    out = [Content(""), Content.styled(f"Beside the Nash bargaining package (full information, max Π(U − R)){how}",
                                       "bold")]
    if n is None:
        out.append(Content.styled("  No package meets every party's walk-away point now: there is no Nash package.",
                                  MUTED))
    else:
        for i in s.issue_ids:
            if n.nash[i] != s.issue(i).default_option:
                out.append(Content.assemble("  ", plain(s.issue(i).title), ": ",
                                            plain(s.issue(i).option(n.nash[i]).label)))
        same = len(s.issues) - len(n.issues_differ)
        out.append(Content.assemble(("  Your result matches it on ", MUTED), (f"{same} of {len(s.issues)}", "bold"),
                                    (" issues. ", MUTED), plain(d.nash_words or "")))
        for p in s.parties:
            gap = n.utility_gap[p.id]
            gap = 0.0 if abs(gap) < 0.05 else gap  # no "-0.0"
            nu = n.nash_utility[p.id]
            out.append(Content.assemble("  ", plain(p.name), f": Nash {nu:.1f}, yours ", f"{nu + gap:.1f} ",
                                        (f"({gap:+.1f})", MUTED)))
    out.append(Content.assemble(("Hints used: ", "bold"), str(len(d.hints))))
    return out


def forecast_text(d: Debrief) -> Content:
    if not d.agreement or d.end_reason == "walkout":
        return Content.styled("Durability forecast: no agreement in force to forecast.", MUTED)
    if d.forecast is None:
        return Content.styled("Durability forecast: not available.", MUTED)
    return Content.assemble(("Durability forecast ", "bold"),
                            (f"(if nobody renewed anything, {d.forecast.runs} simulated futures): ", MUTED),
                            debrief.describe_forecast(d.forecast, d.scenario))


def questions_content(d: Debrief) -> Content:
    if not d.questions:
        return Content.styled("This scenario has no discussion questions.", MUTED)
    return Content("\n\n").join(Content.assemble((f"{n}. ", "bold"), plain(q))
                                 for n, q in enumerate(d.questions, start=1))
