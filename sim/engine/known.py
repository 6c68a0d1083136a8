"""What the mediator knows of each party, stance and lever, and its forecast of an answer:
the frozen parts a :class:`~sim.engine.view.MediatorView` is made of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sim.frozen import quick_init
from sim.memo import Memo, token
from sim.scenario.model import Quote


@quick_init
@dataclass(frozen=True)
class KnownStance:
    issue: str
    visibility: str
    demand: str | None
    """The stated demand (None for a private stance not yet revealed)."""
    red_lines: tuple[str, ...]
    """Red lines the mediator knows of (public ones, or all once revealed)."""
    revealed: bool
    weight: float | None = None
    values: dict[str, float] | None = None
    quote: Quote | None = None
    red_line_quote: Quote | None = None
    share: float | None = None
    """Once revealed: the stance's share of everything the party cares about (0–1)."""


@quick_init
@dataclass(frozen=True)
class PledgeView:
    """A unilateral pledge in force (its text is public)."""

    id: str
    party: str
    covers: tuple[str, ...]
    """Tags it protects by its own text."""
    text: str
    until: float | None
    """Hour it lapses (None: it holds to the end)."""


@quick_init
@dataclass(frozen=True)
class PartyView:
    id: str
    name: str
    leader: str | None
    trust: dict[str, float]
    """This party's trust in each counterpart and in 'mediator' (visible to all)."""
    stances: Mapping[str, KnownStance]
    reservation: float | None
    """Known once a consultation revealed it."""
    hidden: int
    """How many of its stances (public or private) are still hidden."""
    walked_out: bool
    red_line_proposals: int
    red_line_patience: int
    last_response: tuple[dict[str, str], float, float, int] | None = None
    """(package, utility, threshold, round) the party stated when it last responded."""
    suspended: bool = False
    """It suspended its participation: it answers no proposal until it rejoins."""
    consent: tuple[str, ...] | None = None
    """The issues it must agree to (None: every issue); see :mod:`sim.engine.consent`."""

    @property
    def present(self) -> bool:
        """At the table: neither walked out nor suspended."""
        return not (self.walked_out or self.suspended)

    @property
    def private_unknown(self) -> int:
        """Hidden stances that are private: the mediator doesn't even know the issue matters."""
        public_hidden = sum(1 for st in self.stances.values() if not st.revealed)
        return max(0, self.hidden - public_hidden)

    @property
    def red_lines_left(self) -> int:
        """How many more proposals touching its red lines the party sits through; one more
        than this and it walks out (the engine's rule: count > patience)."""
        return max(0, self.red_line_patience - self.red_line_proposals)

    @property
    def at_risk(self) -> bool:
        """The next proposal touching one of its red lines makes this party walk out."""
        return self.present and self.red_line_proposals >= self.red_line_patience

    def walks_out_over(self, red_lines_hit: tuple[str, ...]) -> bool:
        """Whether a proposal touching ``red_lines_hit`` (known red lines) makes it walk out."""
        return bool(red_lines_hit) and self.at_risk


def known_key(pv: PartyView) -> tuple:
    """What the mediator knows of a party's interests, as a hashable key: its known stances, how
    many are hidden, its known walk-away and whether it is at the table. Answers computed from
    this alone (a Nash package of what is known) can be remembered by it across games."""
    return (pv.id, pv.suspended, pv.walked_out, pv.reservation, pv.hidden, _stances_key(pv.stances))


_STANCES: Memo[int] = Memo(256)


def _stances_key(stances: Mapping[str, KnownStance]) -> int:
    """The known stances' :func:`~sim.memo.token`, worked out once per mapping (a party's agent
    hands out the same mapping while what the mediator knows of it stays the same)."""
    return _STANCES.get(id(stances), (stances,), lambda: token(tuple(
        (i, st.visibility, st.demand, st.red_lines, st.revealed, st.weight,
         tuple(st.values.items()) if st.values is not None else None, st.share)
        for i, st in stances.items())))


def standing_key(pv: PartyView) -> tuple:
    """The rest of what estimates of a party read, as a hashable key: its trust and its last answer."""
    last = pv.last_response
    return (tuple(pv.trust.items()), None if last is None else (_package_key(last[0]), *last[1:]))


_PACKAGES: Memo[int] = Memo(256)


def _package_key(package: Mapping[str, str]) -> int:
    """A package answered, as its :func:`~sim.memo.token`, worked out once per package (every
    view until the party answers again holds the same one)."""
    return _PACKAGES.get(id(package), (package,), lambda: token(tuple(package.items())))


@quick_init
@dataclass(frozen=True)
class Prediction:
    verdict: Literal["accept", "reject", "unsure"]
    certain: bool
    """True on a known red line, or when everything about the party is known and the chance
    is at least :data:`CERTAIN` (or at most 1 − it)."""
    utility: float
    threshold: float
    red_lines: tuple[str, ...] = ()
    probability: float | None = None
    """Estimated chance the party accepts (0 on a known red line)."""
    gaps: tuple[tuple[str, float], ...] = ()
    """Unless an acceptance is forecast: every known demand the package is estimated to fall
    short of, (issue, weighted points of its utility), largest first."""
    distrust: float = 0.0
    """Points the party's distrust adds to its threshold (``D·(1 − trust_eff)``, all known)."""
    needed: bool = True
    """False when the package touches no issue the party holds: its no wouldn't block."""
    away: bool = False
    """The party is suspended: it won't answer, and a package that needs it can't pass."""


@quick_init
@dataclass(frozen=True)
class LeverView:
    id: str
    label: str
    target: str
    cost: float
    uses_left: int
    description: str | None = None
