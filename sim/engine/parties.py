"""The parties as agents: each owns its state and decides its own responses.

A :class:`PartyAgent` holds what moves during a game (reservation, weights, trust, the
red-line count, what it revealed and cited, its last response) and the behaviour that reads
or changes it: its threshold, its answer to a package, what a consultation reveals, and
clamped trust, reservation and weight shifts. The :class:`~sim.engine.session.Session`
orchestrates time and events; an agent never emits events or writes text.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sim.engine import rules
from sim.engine.events import Told
from sim.engine.view import KnownStance
from sim.frozen import quick_init
from sim.memo import Memo
from sim.scenario.model import MEDIATOR, Party, Scenario

EPS = 1e-9

_READINGS: Memo[tuple[tuple[str, ...], float, tuple[tuple[str, float], ...]]] = Memo(256)


@quick_init
@dataclass(frozen=True)
class Response:
    """A party's answer to a package: what it is worth to it and why it says yes or no."""

    accept: bool
    utility: float
    threshold: float
    red_lines: tuple[str, ...]
    gaps: tuple[tuple[str, float], ...]
    coerced: bool = False
    """Accepted only under pressure (see :mod:`sim.engine.coercion`)."""


@quick_init
@dataclass(frozen=True)
class Disclosure:
    """What one consultation told the mediator (``revealed`` empty: nothing more to tell)."""

    revealed: tuple[str, ...]
    reservation: float | None
    stances: tuple[Told, ...]


class PartyAgent:
    """One party at the table: its moving state and its behaviour."""

    def __init__(self, s: Scenario, p: Party, noise: random.Random):
        self.party = p
        self._noise = noise
        self.reservation = float(p.reservation)
        self.lever_push = 0.0
        """The net shift levers have made to the reservation (clamped shifts, as applied)."""
        self.weights = {i: float(st.weight) for i, st in p.stances.items()}
        self.trust = {o: float(p.trust.get(o, 0.5)) for o in [*s.party_ids, MEDIATOR] if o != p.id}
        self.red_line_count = 0
        self.low_rounds = {o: 0 for o in s.party_ids if o != p.id}
        self.revealed: list[str] = []
        self.reservation_known = False
        self.walked_out = False
        self.suspended = False
        self.suspensions = 0
        """How many times it suspended its participation (``suspends``)."""
        self.away = 0
        """Round ends passed since it last suspended."""
        self.suspended_for = ""
        """Why it last suspended: 'red_lines' or 'low_trust'."""
        # Red lines the party has cited in its responses (issue -> options): known to the mediator.
        self.cited: dict[str, list[str]] = {}
        # (package, utility, threshold, round) of its latest response: said in the open.
        self.last_response: tuple[dict[str, str], float, float, int] | None = None
        self._known_cache: tuple[int, Mapping[str, KnownStance], int] | None = None
        self._knowledge = 0
        """Counts the changes to what :meth:`known` reads (revealed, cited, weights): bumped by
        the only methods that make them, so a view need not compare them."""
        self.changes = 0
        """Counts the changes to what a view of the party shows (trust, the reservation and
        whether it is known, its known stances, its answers and red-line count, walking out,
        suspension): bumped by the only methods that make them, so a view need not compare them."""
        self._table = rules.value_table(p)
        self._issue_ids = s.issue_ids
        self._red_lines = rules.red_line_table(p)
        self._demands = {i: st.demand for i, st in p.stances.items()}
        self._defaults = s.default_package
        self._weights_moved = 0
        """Counts the weight shifts (:meth:`shift_weight` is the only one to make them)."""
        self._at_weights_memo: tuple[int, tuple[float, float]] | None = None
        """(weight shifts, (A_p, status-quo utility) at those weights): they move only with the weights."""

    @property
    def id(self) -> str:
        return self.party.id

    # ------------------------------------------------------------ behaviour

    def utility(self, package: Mapping[str, str]) -> float:
        return rules.table_utility(self._table, self.weights, package)

    def aspiration(self) -> float:
        """A_p at the current weights (:func:`rules.aspiration`)."""
        return self._at_weights()[0]

    def status_quo(self) -> float:
        """The utility of the scenario's default package at the current weights."""
        return self._at_weights()[1]

    def _at_weights(self) -> tuple[float, float]:
        """(A_p, the default package's utility), recomputed only when a weight moved."""
        if self._at_weights_memo is None or self._at_weights_memo[0] != self._weights_moved:
            self._at_weights_memo = (self._weights_moved, (rules.table_utility(self._table, self.weights, self._demands),
                                                      rules.table_utility(self._table, self.weights, self._defaults)))
        return self._at_weights_memo[1]

    def threshold(self, s: Scenario, credibility: float, counterparts: list[str], round_: int,
                  noisy: bool = True, reservation: float | None = None) -> float:
        """τ_p in ``round_`` given the counterparts still at the table; ``noisy`` draws the
        party's noise from its own stream (only for real responses); ``reservation`` replaces
        the current one (what τ would be had levers not moved it)."""
        p = self.party
        teff = rules.effective_trust(s, self.trust, credibility, counterparts)
        r = self.reservation if reservation is None else reservation
        tau = rules.threshold(r, self.aspiration(),
                              min(round_, s.clock.max_rounds - 1), s.clock.max_rounds,
                              p.concession, p.distrust_penalty, teff)
        if noisy and p.noise > 0:
            tau = min(100.0, max(0.0, tau + self._noise.uniform(-p.noise, p.noise)))
        return tau

    def respond(self, package: dict[str, str], tau: float, round_: int,
                coerced: Callable[[float], bool] | None = None, needed: bool = True) -> Response:
        """Answer a package against threshold ``tau``; remember what it said (the red lines it
        cited become known). A red-line proposal counts against its patience only when its
        acceptance is ``needed``: it is not asked to sign a package it has no say over.
        ``coerced(u)`` tells whether an acceptance worth ``u`` clears only under pressure."""
        hit, u, gaps = self._reading(package)
        ok = not hit and u >= tau - EPS
        forced = ok and coerced is not None and coerced(u)
        self.last_response = (package, round(u, 4), round(tau, 4), round_)
        self.changes += 1
        for ref in hit:
            i, o = ref.split(".", 1)
            if o not in self.cited.setdefault(i, []):
                self.cited[i].append(o)
                self._knowledge += 1
        if hit and needed:
            self.red_line_count += 1
        return Response(ok, round(u, 4), round(tau, 4), hit, gaps, forced)

    def _reading(self, package: dict[str, str]) -> tuple[tuple[str, ...], float, tuple[tuple[str, float], ...]]:
        """(red lines hit, utility, largest gaps) of a package: a function of the package and the
        weights alone, so remembered across the games of a process, which propose the same
        packages at the same weights again and again. The package is complete and in issue order
        (as ``Scenario.complete`` makes it), so its options alone name it: a key of (issue,
        option) pairs would allocate ten small tuples per answer, and holding them in the memo
        cost the random policy, whose packages rarely recur, 15 % of its speed."""
        def read() -> tuple[tuple[str, ...], float, tuple[tuple[str, float], ...]]:
            assert tuple(package) == self._issue_ids, "a complete package, in issue order"
            return (tuple(rules.red_lines_hit(self._red_lines, package)), self.utility(package),
                    tuple((i, round(g, 4)) for i, g in rules.table_gaps(self._table, self.weights, package)))

        return _READINGS.get((id(self.party), tuple(self.weights.values()), tuple(package.values())),
                             (self.party,), read)

    @property
    def present(self) -> bool:
        """At the table: neither walked out nor suspended."""
        return not (self.walked_out or self.suspended)

    def suspend(self, cause: str) -> None:
        self.suspended = True
        self.changes += 1
        self.suspended_for = cause
        self.suspensions += 1
        self.away = 0

    def rejoin(self) -> None:
        """Back at the table with a clean slate: the red-line count and the low-trust rounds
        that made it leave start again (else it would leave again at once)."""
        self.suspended = False
        self.red_line_count = 0
        self.changes += 1
        self.low_rounds = dict.fromkeys(self.low_rounds, 0)

    def walk_out(self) -> None:
        self.walked_out = True
        self.changes += 1

    @property
    def out_of_patience(self) -> bool:
        """More red-line proposals than it sits through: it walks out."""
        return self.red_line_count > self.party.red_line_patience

    def consult(self, s: Scenario) -> Disclosure:
        """Reveal the reservation (first consultation) and the weightiest hidden stance."""
        reservation = None
        revealed: list[str] = []
        self.changes += 1
        if not self.reservation_known:
            self.reservation_known = True
            revealed.append("reservation")
            reservation = round(self.reservation, 4)
        hidden = sorted((i for i in self.party.stances if i not in self.revealed),
                        key=lambda i: (-self.weights[i], s.issue_ids.index(i)))
        told: tuple[Told, ...] = ()
        if hidden:
            i = hidden[0]
            self.revealed.append(i)
            self._knowledge += 1
            revealed.append(i)
            stance = self.party.stances[i]
            share = self.weights[i] / sum(self.weights.values())
            values = {o: float(stance.value(o)) for o in s.issue(i).option_ids}
            told = (Told(i, round(share, 6), values),)
        return Disclosure(tuple(revealed), reservation, told)

    def shift_trust(self, other: str, delta: float) -> tuple[float, float] | None:
        """Move trust in ``other`` by ``delta``, clamped to 0–1; (before, after), or None when
        nothing moved."""
        before = self.trust[other]
        after = min(1.0, max(0.0, before + delta))
        if abs(after - before) < EPS:
            return None
        self.trust[other] = after
        self.changes += 1
        return before, after

    def shift_reservation(self, delta: float, lever: bool = False) -> tuple[float, float]:
        """Move the reservation by ``delta``, clamped to 0–100; ``lever``: a lever moved it."""
        before = self.reservation
        self.reservation = min(100.0, max(0.0, before + delta))
        self.changes += 1
        if lever:
            self.lever_push += self.reservation - before
        return before, self.reservation

    def shift_weight(self, issue: str, delta: float) -> tuple[float, float] | None:
        """Move one issue's weight (never below 0.01); None when it holds no stance on it."""
        if issue not in self.weights:
            return None
        before = self.weights[issue]
        self.weights[issue] = max(0.01, before + delta)
        self._knowledge += 1
        self._weights_moved += 1
        self.changes += 1
        return before, self.weights[issue]

    def low_trust_counterpart(self, rounds: int) -> str | None:
        """Count the rounds trust in each counterpart ended below ``walkout_trust``; the first
        counterpart below it for ``rounds`` rounds in a row (the party walks out), else None."""
        limit = self.party.walkout_trust
        for o in self.low_rounds:
            self.low_rounds[o] = self.low_rounds[o] + 1 if self.trust[o] < limit - EPS else 0
            if self.low_rounds[o] >= rounds:
                return o
        return None

    # ------------------------------------------------------------ the mediator's knowledge

    def known(self) -> tuple[Mapping[str, KnownStance], int]:
        """What the mediator knows of this party's stances, and how many are hidden; rebuilt
        only when that knowledge or the weights changed (views are taken before every decision)."""
        key = self._knowledge
        if self._known_cache is not None and self._known_cache[0] == key:
            return self._known_cache[1], self._known_cache[2]
        known: dict[str, KnownStance] = {}
        total = sum(self.weights.values()) or 1.0
        for i, stance in self.party.stances.items():
            if i in self.revealed:
                known[i] = KnownStance(i, stance.visibility, stance.demand, stance.red_lines, True,
                                       self.weights[i], dict(stance.values), stance.quote,
                                       stance.red_line_quote, share=self.weights[i] / total)
            elif stance.visibility == "public":
                lines = (*stance.red_lines, *(o for o in self.cited.get(i, ()) if o not in stance.red_lines))
                known[i] = KnownStance(i, "public", stance.demand, lines, False,
                                       quote=stance.quote, red_line_quote=stance.red_line_quote)
            elif i in self.cited:
                # A private stance shows itself only through the red lines the party cited.
                known[i] = KnownStance(i, "private", None, tuple(self.cited[i]), False)
        hidden = sum(1 for i in self.party.stances if i not in self.revealed)
        frozen = MappingProxyType(known)
        self._known_cache = (key, frozen, hidden)
        return frozen, hidden


def counterparts(agents: Mapping[str, PartyAgent], party_id: str, order: Sequence[str]) -> list[str]:
    """The parties still at the table other than ``party_id``: walked-out and suspended parties
    no longer weigh on its trust."""
    return [o for o in order if o != party_id and agents[o].present]
