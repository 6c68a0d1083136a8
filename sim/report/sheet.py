"""The reveal and the score sheet in Markdown (the report's "What they really wanted")."""

from __future__ import annotations

from sim.report.reveal import Reveal, StanceReveal, known_words, reservation_words, values_words
from sim.scenario.model import Scenario


def _md(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _stance_rows(s: Scenario, stances: tuple[StanceReveal, ...], known: bool) -> list[str]:
    head = "| Issue | Weight | Values (✓ demand, ✗ red line) |" + (" Known to the mediator |" if known else "")
    out = [head, "|---|---:|---|" + ("---|" if known else "")]
    for st in stances:
        row = f"| {_md(s.issue(st.issue).title)} | {st.share:.0%} | {_md(values_words(s, st))} |"
        out.append(row + (f" {_md(known_words(st))} |" if known else ""))
    return out


def score_sheet(s: Scenario, r: Reveal, package: dict[str, str]) -> list[str]:
    """Rows: the issues of the final deal with the option chosen; columns: each party's points
    (value × weight share), then the total (its utility) and its walk-away point."""
    names = [p.name for p in r.parties] + ([s.mediator.name + " (mediator)"] if r.mediator_score else [])
    out = ["| Issue: option in the deal | " + " | ".join(_md(n) for n in names) + " |",
           "|---|" + "---:|" * len(names)]
    scores = [{x.issue: x for x in p.score} for p in r.parties] + ([{x.issue: x for x in r.mediator_score}]
                                                                  if r.mediator_score else [])
    for i in s.issue_ids:
        cells = []
        for sc in scores:
            x = sc.get(i)
            cells.append("—" if x is None else f"{x.points:.1f} ({x.value:.0f} × {x.share:.0%})")
        label = s.issue(i).option(package[i]).label
        out.append(f"| {_md(s.issue(i).title)}: {_md(label)} | " + " | ".join(cells) + " |")
    totals = [f"**{p.total:.1f}**" for p in r.parties] + ([f"**{r.mediator_total:.1f}**"] if r.mediator_score else [])
    out.append("| **Total (utility)** | " + " | ".join(totals) + " |")
    walk = [f"{p.reservation_end:.1f}" for p in r.parties] + (["—"] if r.mediator_score else [])
    out.append("| Walk-away point at the end | " + " | ".join(walk) + " |")
    return out


def reveal_markdown(s: Scenario, r: Reveal, package: dict[str, str]) -> list[str]:
    """The section's lines: each party's stances and what the mediator learned, the mediator's
    stakes, the score sheet."""
    out = ["## What they really wanted", "",
           "Every party's instructions as the scenario wrote them, and what you learned of each, and when.", ""]
    for p in r.parties:
        out += [f"### {_md(p.name)}", "", f"{_md(reservation_words(p)).capitalize()}.", "",
                *_stance_rows(s, p.stances, known=True), ""]
    if r.mediator:
        out += [f"### {_md(s.mediator.name)} (the mediator's own stakes)", "", *_stance_rows(s, r.mediator, False), ""]
    out += ["## Score sheet", "", "Points each party scores from the final deal: value × the issue's weight share; "
            "the total is its utility.", "", *score_sheet(s, r, package), ""]
    return out
