"""Typed events: everything the engine tells the world, JSON-serialisable.

Every event carries ``t`` (hours since ``clock.start``) and ``round``. Renderers (the CLI
transcript, the TUI's news wire, the Markdown report) work from these alone.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, ClassVar

from sim.frozen import quick_init

ADDED = "added"
"""Metadata key of event fields added after transcript format 2: left out of the JSON while
they hold their default, so games that don't use the newer mechanisms replay byte-identically."""


def added(default: Any = MISSING, *, default_factory: Any = MISSING) -> Any:
    """A field added to an event after format 2 (see :data:`ADDED`)."""
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata={ADDED: True})
    return field(default=default, metadata={ADDED: True})


def _default(f: Any) -> Any:
    return f.default_factory() if f.default_factory is not MISSING else f.default


@quick_init
@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = "event"
    t: float
    round: int

    def to_dict(self) -> dict[str, Any]:
        data = {"kind": self.kind, **asdict(self)}
        for f in fields(self):
            if f.metadata.get(ADDED) and data[f.name] == _default(f):
                del data[f.name]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


@quick_init
@dataclass(frozen=True)
class RoundStarted(Event):
    kind: ClassVar[str] = "round"


@quick_init
@dataclass(frozen=True)
class Proposed(Event):
    kind: ClassVar[str] = "proposal"
    package: dict[str, str]
    """The full package, every issue included (left-out issues at their default)."""
    changed: tuple[str, ...]
    """Issues the mediator set away from the default."""


@quick_init
@dataclass(frozen=True)
class Responded(Event):
    kind: ClassVar[str] = "response"
    party: str
    accept: bool
    utility: float
    threshold: float
    red_lines: tuple[str, ...] = ()
    """``issue.option`` of each red line the package touches (any one means no)."""
    gaps: tuple[tuple[str, float], ...] = ()
    """(issue, weighted points) of the two issues where the package falls furthest below the
    party's demands, largest first."""
    coerced: bool = added(False)
    """An acceptance that clears only because levers pushed the party's walk-away below where it
    started, or that leaves it below the status quo (marked only while
    ``dynamics.coerced_denounce_per_day`` is set; see :mod:`sim.engine.coercion`)."""
    needed: bool = added(True)
    """False when the package touches no issue the party holds (consent per issue): its answer
    is on record but its no doesn't block."""


@quick_init
@dataclass(frozen=True)
class AgreementReached(Event):
    kind: ClassVar[str] = "agreement"
    package: dict[str, str]
    expires: dict[str, float] = field(default_factory=dict)
    """Issue -> hour at which its option lapses (options with ``duration_days``)."""
    coerced: tuple[str, ...] = added(())
    """Parties whose acceptance was coerced (see :attr:`Responded.coerced`)."""


@quick_init
@dataclass(frozen=True)
class AgreementLapsed(Event):
    kind: ClassVar[str] = "lapse"
    issue: str
    option: str
    reverts_to: str
    because: str = added("")
    """``issue.option`` whose lapse took this option with it (it required it); '' when it lapsed
    on its own term."""


@quick_init
@dataclass(frozen=True)
class LapseWarning(Event):
    """An option in force lapses soon (only when ``dynamics.lapse_warning_hours`` is set)."""

    kind: ClassVar[str] = "lapse_warning"
    issue: str
    option: str
    at: float
    """The hour it lapses unless renewed."""
    dependents: tuple[str, ...] = ()
    """Issues whose options in force require it and would revert with it."""


@quick_init
@dataclass(frozen=True)
class Renewed(Event):
    """The mediator renewed options in force: each lapses later by its ``duration_days``."""

    kind: ClassVar[str] = "renew"
    expires: dict[str, float]
    """Issue -> the new hour its option lapses."""


@quick_init
@dataclass(frozen=True)
class AgreementCollapsed(Event):
    """A party withdrew from the agreement in force after an incident broke its trust."""

    kind: ClassVar[str] = "collapse"
    party: str
    against: str
    trust: float
    incident: str


@quick_init
@dataclass(frozen=True)
class AgreementDenounced(Event):
    """A party coerced into the agreement in force denounced it: the agreement ends."""

    kind: ClassVar[str] = "denounce"
    party: str
    cause: str
    """'coerced' (the party accepted only under pressure; ``dynamics.coerced_denounce_per_day``)."""


@quick_init
@dataclass(frozen=True)
class Incident(Event):
    kind: ClassVar[str] = "incident"
    incident: str
    actor: str
    target: str
    text: str
    scheduled: bool
    judgement: str
    """'none' (no agreement covers it), 'violation', 'disputed', or 'monitored'."""
    readings: dict[str, bool] = field(default_factory=dict)
    """Party -> whether that party reads the agreement in force as covering the target."""
    verdict: str = ""
    """For 'monitored': 'violation' or 'not covered', by the agreement's own text."""
    victims: tuple[str, ...] = added(())
    """The parties hit, when the incident names several."""
    blames: dict[str, str] = added(default_factory=dict)
    """With disputed attribution: party -> whom it holds responsible ('' nobody, an accident)."""
    denied: tuple[str, ...] = added(())
    """Parties blamed that deny it (they read it as not their doing, or not deliberate)."""
    pledges: tuple[str, ...] = added(())
    """Pledges in force that some victim reads as covering the target."""


@quick_init
@dataclass(frozen=True)
class Provoked(Event):
    """An incident made a random incident more (or less) likely for a while: the answer in kind."""

    kind: ClassVar[str] = "provoked"
    incident: str
    """The random incident whose rate changed."""
    by: str
    """The incident that provoked it."""
    factor: float
    until: float
    """Hour at which the provocation ends."""


@quick_init
@dataclass(frozen=True)
class PledgeMade(Event):
    """A unilateral pledge took effect."""

    kind: ClassVar[str] = "pledge"
    pledge: str
    party: str
    covers: tuple[str, ...]
    text: str
    until: float | None
    """Hour at which it lapses (None: it holds to the end)."""


@quick_init
@dataclass(frozen=True)
class PledgeLapsed(Event):
    kind: ClassVar[str] = "pledge_lapse"
    pledge: str
    party: str


@quick_init
@dataclass(frozen=True)
class TrustChanged(Event):
    kind: ClassVar[str] = "trust"
    truster: str
    trustee: str
    before: float
    after: float
    cause: str


@quick_init
@dataclass(frozen=True)
class Shifted(Event):
    """A reservation, weight or the mediator's credibility moved (levers, battlefield)."""

    kind: ClassVar[str] = "shift"
    what: str
    """'reservation', 'weight' or 'credibility'."""
    party: str
    issue: str
    before: float
    after: float
    cause: str


@quick_init
@dataclass(frozen=True)
class LeverUsed(Event):
    kind: ClassVar[str] = "lever"
    lever: str
    target: str
    credibility: float
    """The mediator's credibility after the cost."""


@quick_init
@dataclass(frozen=True)
class Told:
    """One stance a consultation revealed."""

    issue: str
    share: float
    """Its share of everything the party cares about (0–1)."""
    values: dict[str, float]
    """Option -> its value to the party (0–100), in the issue's option order."""


@quick_init
@dataclass(frozen=True)
class Consulted(Event):
    kind: ClassVar[str] = "consult"
    party: str
    revealed: tuple[str, ...]
    """What became known: 'reservation' and issue ids (empty: nothing more to tell)."""
    reservation: float | None = None
    """The reservation, when this consultation revealed it."""
    stances: tuple[Told, ...] = ()
    """The stances this consultation revealed."""


@quick_init
@dataclass(frozen=True)
class Hinted(Event):
    """The mediator asked for a hint: the Nash package of what it knows (None: it sees no deal)."""

    kind: ClassVar[str] = "hint"
    package: dict[str, str] | None


@quick_init
@dataclass(frozen=True)
class Waited(Event):
    kind: ClassVar[str] = "wait"


@quick_init
@dataclass(frozen=True)
class Walkout(Event):
    kind: ClassVar[str] = "walkout"
    party: str
    cause: str
    """'red_lines' (it was proposed its red lines too often) or 'low_trust'."""
    count: int = 0
    """red_lines: how many proposals touched its red lines."""
    patience: int = 0
    """red_lines: how many it would sit through."""
    counterpart: str = ""
    """low_trust: the party its trust in fell too low."""
    limit: float = 0.0
    """low_trust: its walkout_trust."""
    rounds: int = 0
    """low_trust: the consecutive rounds trust stayed below the limit."""


@quick_init
@dataclass(frozen=True)
class Suspended(Event):
    """A party suspended its participation instead of walking out: the talks go on without it."""

    kind: ClassVar[str] = "suspend"
    party: str
    cause: str
    """'red_lines' or 'low_trust', as for :class:`Walkout`."""
    agreement_stands: bool
    """Whether the agreement in force (if any) stays in force among the rest."""
    count: int = 0
    patience: int = 0
    counterpart: str = ""
    limit: float = 0.0
    rounds: int = 0


@quick_init
@dataclass(frozen=True)
class Rejoined(Event):
    """A suspended party came back to the table."""

    kind: ClassVar[str] = "rejoin"
    party: str
    cause: str
    """'trust' (its trust recovered to ``rejoin_trust``) or 'time' (``rejoin_after`` rounds passed)."""
    rounds: int
    """Rounds it was away."""


@quick_init
@dataclass(frozen=True)
class TierChanged(Event):
    kind: ClassVar[str] = "tier"
    tier: str | None
    title: str
    level: int
    """0 = no tier; 1.. = position in the scenario's outcome list."""


@quick_init
@dataclass(frozen=True)
class Ended(Event):
    kind: ClassVar[str] = "end"
    reason: str
    """'deadline', 'walkout' or 'settled'."""
    tier: str | None
    best_tier: str | None
    days_in_force: float
    """How long the agreement at the end had been in force (0 without one)."""
    violations: int
    disputes: int
    surplus: dict[str, float]
    """Party -> U_p(agreement at the end) − R_p (the default package if none)."""
    suspensions: int = added(0)
    """How many times a party suspended its participation."""
    suspended: tuple[str, ...] = added(())
    """Parties still suspended at the end."""
    mediator_utility: float | None = added(None)
    """U_m(agreement at the end) by the mediator's own stakes (None: it holds none)."""
    mediator_status_quo: float | None = added(None)
    """U_m(default package): what the mediator's stakes get from no deal."""
