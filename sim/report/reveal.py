"""The reveal and the score sheet: every party's real instructions (weights, values, red lines,
walk-away point), what the mediator learned of each and when, the mediator's own stakes, and
the points each party scores from the final deal, issue by issue.

Computed from a finished (or paused) session, once, into the :class:`~sim.report.debrief.Debrief`;
the TUI's "What they really wanted" tab and the Markdown report render the same record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.engine.events import Consulted, Event, Responded
from sim.engine.session import Session
from sim.scenario.model import Scenario, Stance


@dataclass(frozen=True)
class StanceReveal:
    """One stance as the scenario wrote it, and when the mediator learned it."""

    issue: str
    share: float
    """Its share (0–1) of everything the party cares about, at the start."""
    values: tuple[tuple[str, float], ...]
    """(option id, value 0–100) in the issue's option order."""
    demand: str
    red_lines: tuple[str, ...]
    private: bool
    """Kept out of public statements (its demand and red lines too)."""
    learned: int | None
    """Round (0-based) a consultation revealed its weight and values; None: never."""
    red_line_cited: int | None = None
    """First round (0-based) the party cited one of these red lines in rejecting a proposal."""


@dataclass(frozen=True)
class ScoreLine:
    """What one issue of the final deal scores for a party: share × value = points."""

    issue: str
    option: str
    share: float
    """The issue's share of the party's weights at the end (levers and events may move them)."""
    value: float

    @property
    def points(self) -> float:
        return self.share * self.value


@dataclass(frozen=True)
class PartyReveal:
    id: str
    name: str
    reservation: float
    """The walk-away point the scenario starts it at."""
    reservation_end: float
    reservation_learned: int | None
    """Round (0-based) the mediator learned the walk-away point; None: never."""
    stances: tuple[StanceReveal, ...]
    score: tuple[ScoreLine, ...]

    @property
    def total(self) -> float:
        return sum(x.points for x in self.score)


@dataclass(frozen=True)
class Reveal:
    parties: tuple[PartyReveal, ...]
    mediator: tuple[StanceReveal, ...]
    """The mediator's own stakes (empty: it has none); ``learned`` is None for them."""
    mediator_score: tuple[ScoreLine, ...]

    @property
    def mediator_total(self) -> float | None:
        return sum(x.points for x in self.mediator_score) if self.mediator_score else None


def _shares(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {i: (w / total if total > 0 else 0.0) for i, w in weights.items()}


def _first_learned(events: tuple[Event, ...], party: str) -> dict[str, int]:
    """What each consultation of ``party`` revealed ('reservation', issue ids) -> first round."""
    out: dict[str, int] = {}
    for e in events:
        if isinstance(e, Consulted) and e.party == party:
            for what in e.revealed:
                out.setdefault(what, e.round)
    return out


def _first_cited(events: tuple[Event, ...], party: str) -> dict[str, int]:
    """Issue -> first round the party rejected a proposal citing a red line on it."""
    out: dict[str, int] = {}
    for e in events:
        if isinstance(e, Responded) and e.party == party:
            for ref in e.red_lines:
                out.setdefault(ref.split(".", 1)[0], e.round)
    return out


def _stances(s: Scenario, stances: Mapping[str, Stance], learned: Mapping[str, int],
             cited: Mapping[str, int]) -> tuple[StanceReveal, ...]:
    shares = _shares({i: st.weight for i, st in stances.items()})
    return tuple(StanceReveal(i, shares[i], tuple((o, stances[i].value(o)) for o in s.issue(i).option_ids),
                              stances[i].demand, tuple(stances[i].red_lines), stances[i].visibility == "private",
                              learned.get(i), cited.get(i))
                 for i in s.issue_ids if i in stances)


def _score(s: Scenario, stances: Mapping[str, Stance], weights: Mapping[str, float],
           package: Mapping[str, str]) -> tuple[ScoreLine, ...]:
    shares = _shares(weights)
    return tuple(ScoreLine(i, package[i], shares.get(i, 0.0), stances[i].value(package[i]))
                 for i in s.issue_ids if i in stances)


def reveal(session: Session, package: Mapping[str, str]) -> Reveal:
    """The reveal of ``session``, scored on ``package`` (the deal in force at the end, else the status quo)."""
    s = session.scenario
    events = session.events
    parties = []
    for p in s.parties:
        learned = _first_learned(events, p.id)
        parties.append(PartyReveal(
            p.id, p.name, float(p.reservation), session.reservation(p.id), learned.get("reservation"),
            _stances(s, p.stances, learned, _first_cited(events, p.id)),
            _score(s, p.stances, session.weights(p.id), package)))
    m = s.mediator.stances
    return Reveal(tuple(parties), _stances(s, m, {}, {}),
                  _score(s, m, session.mediator_weights(), package) if m else ())


def _round(r: int) -> str:
    return f"round {r + 1}"


def known_words(st: StanceReveal) -> str:
    """What the mediator knew of a stance, and from when, in words (the TUI and report share them)."""
    said = "said in private" if st.private else "demand and red lines stated in public"
    if st.learned is None:
        how = "weight and values never learned" if not st.private else "never learned"
    else:
        how = ("" if st.private else "weight and values ") + f"learned by consulting in {_round(st.learned)}"
    parts = [how] if st.private and st.learned is None else [said, how]
    if st.red_line_cited is not None:
        parts.append(f"a red line cited in a refusal in {_round(st.red_line_cited)}")
    return "; ".join(parts)


def reservation_words(p: PartyReveal) -> str:
    """The walk-away point, as moved, and when the mediator learned it."""
    moved = f" → {p.reservation_end:.0f} at the end" if abs(p.reservation_end - p.reservation) >= 0.05 else ""
    when = (f"learned by consulting in {_round(p.reservation_learned)}" if p.reservation_learned is not None
            else "never learned")
    return f"walk-away point {p.reservation:.0f}{moved} ({when})"


def values_words(s: Scenario, st: StanceReveal) -> str:
    """Each option's value, its demand marked ✓ and red lines ✗, by label."""
    iss = s.issue(st.issue)

    def mark(o: str) -> str:
        return "✓ " if o == st.demand else "✗ " if o in st.red_lines else ""
    return " · ".join(f"{mark(o)}{iss.option(o).label} {v:.0f}" for o, v in st.values)
