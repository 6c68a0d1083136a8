"""The row of a finished session: named reporters, one table, from which every table of runs takes its columns.

A reporter is a column name and a function of a session (as Mesa's DataCollector model
reporters are). ``mediate batch`` (its CSV) and ``mediate compare`` both pick their columns
from :func:`reporters`, so a column means the same thing wherever it appears.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sim.analysis.scenario_domains import nash_distance
from sim.engine.events import AgreementDenounced, AgreementReached, Ended, Hinted, Suspended
from sim.engine.session import Session
from sim.scenario.model import Scenario

Reporter = Callable[[Session], Any]


def _end(session: Session) -> Ended | None:
    last = session.events[-1] if session.events else None
    return last if isinstance(last, Ended) else None


def _tier_id(session: Session, level: int) -> str:
    return session.scenario.outcomes[level - 1].id if level else ""


def _rounds(session: Session) -> int:
    end = _end(session)
    return end.round + 1 if end else session.round + 1


def _days_in_force(session: Session) -> float:
    """As the engine recorded it at the end (rounded there), so a CSV value replays exactly."""
    end = _end(session)
    return end.days_in_force if end else 0.0


def _issues_off_nash(session: Session) -> int | None:
    d = nash_distance(session)
    return len(d["issues_differ"]) if d else None


def _coerced(session: Session) -> str:
    """The parties coerced into the run's last agreement (space-separated; empty when none)."""
    last = next((e for e in reversed(session.events) if isinstance(e, AgreementReached)), None)
    return " ".join(last.coerced) if last else ""


def _mediator_utility(session: Session) -> float | str:
    """U_m of the agreement in force at the end (else the status quo); empty without stakes."""
    u = session.mediator_utility()
    return "" if u is None else round(u, BATCH_DIGITS)


def _surplus(party: str) -> Reporter:
    return lambda session: session.surplus()[party]


def reporters(scenario: Scenario) -> dict[str, Reporter]:
    """Every column a finished session can report, by name (surplus columns per party)."""
    table: dict[str, Reporter] = {
        "seed": lambda se: se.seed,
        "actions": lambda se: len(se.actions),
        "end": lambda se: se.end_reason or "",
        "ended": lambda se: se.end_reason or "in progress",
        "tier": lambda se: _tier_id(se, se.tier),
        "tier_at_end": lambda se: _tier_id(se, se.tier),  # compare's name for it
        "best_tier": lambda se: _tier_id(se, se.best_tier),
        "rounds": _rounds,
        "days_in_force": _days_in_force,
        "days_at_best_tier": lambda se: se.held_days(se.best_tier) if se.best_tier else 0.0,
        "violations": lambda se: se.violations,
        "disputes": lambda se: se.disputes,
        "walkout": lambda se: next(iter(se.walkouts), ""),
        "hints": lambda se: sum(isinstance(e, Hinted) for e in se.events),
        "issues_off_nash": _issues_off_nash,
        "coerced": _coerced,
        "suspensions": lambda se: sum(isinstance(e, Suspended) for e in se.events),
        "denunciations": lambda se: sum(isinstance(e, AgreementDenounced) for e in se.events),
        "mediator_utility": _mediator_utility,
    }
    for p in scenario.party_ids:
        table[f"surplus_{p}"] = _surplus(p)
    return table


def surplus_columns(scenario: Scenario) -> list[str]:
    return [f"surplus_{p}" for p in scenario.party_ids]


BATCH = ("seed", "tier", "best_tier", "end", "rounds", "days_in_force", "violations", "disputes", "walkout")
"""The batch CSV's columns after ``run`` (then one surplus column per party, then :data:`BATCH_TAIL`)."""

BATCH_TAIL = ("coerced", "suspensions", "denunciations", "mediator_utility")
"""The batch CSV's last columns: who was coerced into the last agreement, the suspensions and
denunciations, and the mediator's utility at the end (empty when it holds no stakes)."""

BATCH_DIGITS = 4
"""Batch surplus columns carry the engine's precision (``Ended.surplus``)."""

COMPARE = ("seed", "actions", "ended", "best_tier", "tier_at_end", "days_at_best_tier", "violations", "disputes",
           "hints", "issues_off_nash")
"""Compare's columns after ``name`` (then one surplus column per party)."""

COMPARE_DIGITS = 2
"""Compare rounds every measured (float) column for its table."""


def row(session: Session, names: Iterable[str], digits: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The named columns of ``session``, in order; ``digits`` rounds the columns it names."""
    table = reporters(session.scenario)
    out = {name: table[name](session) for name in names}
    for name, n in (digits or {}).items():
        out[name] = round(out[name], n)
    return out
