"""Outcome tiers: :func:`tier_reachability` tells, per tier, whether a feasible package satisfies
it and otherwise who blocks it (red lines, individual reservations, or a joint conflict).

A tier shown reachable always is (its witness is a real feasible package in the tier).  When a
budget forced an approximate search and no witness turned up, the tier is reported as
*undecided* (``decided = False``), never as unreachable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.budget import Budget
from sim.analysis.domain import Domain
from sim.analysis.points import Solution, _witness

__all__ = ["RedLineBlocker", "ReservationBlocker", "TierResult", "tier_reachability"]

#: issue -> options, by id or by index (any mix)
Condition = Mapping[str, Iterable[str]] | Mapping[int, Iterable[int]] | Mapping[int | str, Iterable[int | str]]


@dataclass(frozen=True)
class RedLineBlocker:
    """Every listed option of a required issue is someone's red line.

    ``per_option``: ``(option index, party indices with that red line)`` for
    each listed option; ``parties``: their union (sorted party indices).
    """

    issue: int
    issue_id: str
    options: tuple[int, ...]
    parties: tuple[int, ...]
    party_ids: tuple[str, ...]
    per_option: tuple[tuple[int, tuple[int, ...]], ...]


@dataclass(frozen=True)
class ReservationBlocker:
    """Party cannot reach its reservation anywhere in the tier (others ignored).

    ``gap = reservation - max_attainable > 0``.
    """

    party: int
    party_id: str
    max_attainable: float
    reservation: float
    gap: float


@dataclass(frozen=True, eq=False)
class TierResult:
    """Whether a tier (``condition``: issue -> allowed options) is reachable.

    If not: ``red_line_blockers`` (issues whose listed options are all red
    lines), ``reservation_blockers`` (parties who cannot reach their
    reservation even alone, computed with red-line-blocked issues relaxed to
    their listed options), and ``joint_conflict`` (True when no single party is
    to blame: reservations are only incompatible jointly).  ``witness`` is the
    Nash point within the tier when reachable.  ``decided`` is False when the search was
    cut short by a budget and found no witness: the tier may or may not be reachable (the
    blockers listed still block it; ``joint_conflict`` is then False).
    """

    condition: dict[int, tuple[int, ...]]
    reachable: bool
    red_line_blockers: tuple[RedLineBlocker, ...]
    reservation_blockers: tuple[ReservationBlocker, ...]
    joint_conflict: bool
    witness: Solution | None
    decided: bool = True


def _index(name: object, ids: tuple[str, ...], what: str) -> int:
    if isinstance(name, str):
        try:
            return ids.index(name)
        except ValueError:
            raise ValueError(f"unknown {what} {name!r}") from None
    i = int(name)  # type: ignore[call-overload]
    if not 0 <= i < len(ids):
        raise ValueError(f"{what} index {i} out of range (0..{len(ids) - 1})")
    return i


def _tier_mask(
    domain: Domain, condition: Condition
) -> tuple[dict[int, tuple[int, ...]], list[np.ndarray]]:
    cond: dict[int, tuple[int, ...]] = {}
    masks = [np.ones(k, dtype=bool) for k in domain.n_options]
    for key, os_ in condition.items():
        i = _index(key, domain.issues, "issue")
        if isinstance(os_, str):
            os_ = (os_,)
        listed = tuple(sorted({_index(o, domain.options[i], f"option of issue {domain.issues[i]!r}") for o in os_}))
        if not listed:
            raise ValueError(f"condition lists no option for issue {domain.issues[i]!r}")
        if i in cond:
            raise ValueError(f"condition names issue {domain.issues[i]!r} twice")
        cond[i] = listed
        masks[i] = np.zeros(domain.n_options[i], dtype=bool)
        masks[i][list(listed)] = True
    return dict(sorted(cond.items())), masks




def _red_line_blocker(domain: Domain, i: int, listed: tuple[int, ...]) -> RedLineBlocker:
    per_option = tuple((o, tuple(int(p) for p in np.flatnonzero(domain.red_lines[i][:, o]))) for o in listed)
    parties = tuple(sorted({p for _, ps in per_option for p in ps}))
    return RedLineBlocker(i, domain.issues[i], listed, parties, tuple(domain.parties[p] for p in parties), per_option)


def _blocked(domain: Domain, cond: dict[int, tuple[int, ...]], masks: list[np.ndarray],
             allowed: list[np.ndarray], decided: bool) -> TierResult:
    """Why no feasible package satisfies the tier (or, undecided, what blocks it for sure)."""
    red_blocks = []
    relaxed = list(allowed)
    for i, listed in cond.items():
        if not allowed[i].any():
            red_blocks.append(_red_line_blocker(domain, i, listed))
            relaxed[i] = masks[i]
    # issues unconstrained by the tier can have every option red-lined too
    for i, a in enumerate(allowed):
        if not a.any() and i not in cond:
            red_blocks.append(_red_line_blocker(domain, i, tuple(range(domain.n_options[i]))))
            relaxed[i] = np.ones(domain.n_options[i], dtype=bool)
    res_blocks = []
    for p in range(domain.n_parties):
        best = sum(float(domain.contrib[i][p, relaxed[i]].max()) for i in range(domain.n_issues))
        r = float(domain.reservation[p])
        if best < r:
            res_blocks.append(ReservationBlocker(p, domain.parties[p], best, r, r - best))
    joint = decided and not red_blocks and not res_blocks
    # a sure blocker decides the tier even when the search was cut short
    decided = decided or bool(red_blocks or res_blocks)
    return TierResult(cond, False, tuple(red_blocks), tuple(res_blocks), joint, None, decided)


def tier_reachability(
    domain: Domain,
    conditions: Sequence[Condition] | Condition,
    budget: Budget | None = None,
) -> list[TierResult]:
    """Reachability and blockers for each tier condition (see :class:`TierResult`).

    A condition maps issues to the options the agreement must pick one of.
    Issues and options may be given as indices or as ids (``{"price": ["low"]}``);
    ``TierResult.condition`` always uses indices.  A single mapping is accepted
    and treated as a list of one.  ``budget`` bounds the search (shared by all tiers).
    """
    if isinstance(conditions, Mapping):
        conditions = [conditions]
    out = []
    for condition in conditions:
        cond, masks = _tier_mask(domain, condition)
        allowed = [a & t for a, t in zip(domain.allowed, masks, strict=True)]
        witness, exact = _witness(domain, allowed, budget)
        if witness is not None:
            out.append(TierResult(cond, True, (), (), False, witness))
        else:
            out.append(_blocked(domain, cond, masks, allowed, exact))
    return out
