"""Coercion: acceptances that clear only under pressure, and the price they carry.

A party's acceptance of package x is *coerced* when

    U_p(x) < U_p(status quo)                 it is left worse off than with no deal, or
    U_p(x) < τ_p + τ(R_ref) − τ(R)           it clears only because levers pushed R down,

where R is the reservation now, R₀ the one the scenario starts it at, L the net shift levers
made to it, and R_ref = max(R, min(R − L, R₀)) the walk-away it would hold had levers not
pushed it below R₀ (τ(·) is the noiseless threshold at that reservation). A package put in force
without answers (a what-if forecast) is coerced for the parties it leaves below the status quo,
or below τ(R_ref) when levers pushed them.

While an agreement with coerced parties is in force, each of them denounces it at the rate
``dynamics.coerced_denounce_per_day`` (a Poisson hazard drawn from its own stream,
``coerced/<party>``); the first denunciation ends the agreement. Unset, nothing is marked in
the events and nothing is denounced, so games of schema 1's first edition replay unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from sim.engine import events as ev
from sim.engine.parties import counterparts
from sim.engine.state import EPS, stream
from sim.engine.tiering import TierMixin
from sim.scenario.model import Scenario


def reference_reservation(reservation: float, start: float, lever_push: float) -> float:
    """R_ref: the walk-away without the levers' push below where it started."""
    return max(reservation, min(reservation - lever_push, start))


def is_coerced(utility: float, status_quo: float, tau_ref: float | None) -> bool:
    """Below the status quo, or below the threshold levers had not pushed (None: not pushed)."""
    return utility < status_quo - EPS or (tau_ref is not None and utility < tau_ref - EPS)


class CoercionMixin(TierMixin):
    """Marks coerced acceptances and runs the denunciation hazard of a session."""

    def __init__(self, scenario: Scenario, seed: int, branch: tuple[int, float] | None,
                 max_rounds: int | None):
        super().__init__(scenario, seed, branch, max_rounds)
        self._coerced: tuple[str, ...] = ()
        self._coerced_serial = 0
        self._denounce_rngs: dict[str, random.Random] = {}
        self._denounce_branched: set[str] = set()

    @property
    def marks_coercion(self) -> bool:
        """Whether the scenario prices coercion (``dynamics.coerced_denounce_per_day`` is set)."""
        return self._scenario.dynamics.coerced_denounce_per_day is not None

    @property
    def coerced(self) -> tuple[str, ...]:
        """Parties coerced into the agreement in force (engine truth, marked or not)."""
        if self._accord.package is None or self._accord.serial != self._coerced_serial:
            return ()
        return self._coerced

    def _coercion_test(self, pid: str, tau: float) -> Callable[[float], bool]:
        """Whether an answer worth ``u`` against threshold ``tau`` would be coerced."""
        a = self._parties[pid]
        s = self._scenario
        status_quo = a.status_quo()
        r_ref = reference_reservation(a.reservation, a.party.reservation, a.lever_push)
        tau_ref = None
        if r_ref > a.reservation + EPS:
            others = counterparts(self._parties, pid, s.party_ids)
            unpushed = a.threshold(s, self._credibility, others, self._round, noisy=False, reservation=r_ref)
            tau_ref = tau + unpushed - a.threshold(s, self._credibility, others, self._round, noisy=False)
        return lambda u: is_coerced(u, status_quo, tau_ref)

    def _forced_coerced(self, package: Mapping[str, str]) -> tuple[str, ...]:
        """Parties a package put in force without answers coerces."""
        out = []
        for pid in self._scenario.party_ids:
            if self._coercion_test(pid, self._threshold(pid, noisy=False))(self._parties[pid].utility(package)):
                out.append(pid)
        return tuple(out)

    def _hold_coerced(self, serial: int, coerced: tuple[str, ...]) -> None:
        """Remember who was coerced into agreement ``serial`` and start their hazards."""
        self._coerced, self._coerced_serial = coerced, serial
        rate = self._scenario.dynamics.coerced_denounce_per_day
        if rate:
            for pid in coerced:
                self._env.process(self._denunciation(serial, pid, rate / 24))

    def _denounce_rng(self, pid: str) -> random.Random:
        rng = self._denounce_rngs.get(pid)
        if rng is None:
            rng = self._denounce_rngs[pid] = stream(self._seed, f"coerced/{pid}")
        return rng

    def _denunciation(self, serial: int, pid: str, hourly: float):
        at = self._env.now + self._denounce_rng(pid).expovariate(hourly)
        b = self._branch
        if b is not None and at >= b[1] and pid not in self._denounce_branched:
            # As for random incidents: a memoryless restart on a fresh stream at the branch time.
            self._denounce_branched.add(pid)
            rng = self._denounce_rngs[pid] = stream(self._seed, f"coerced/{pid}/branch/{b[0]}")
            at = max(b[1], self._env.now) + rng.expovariate(hourly)
        yield self._env.timeout(at - self._env.now)
        if self._ended or self._accord.serial != serial or self._accord.package is None:
            return
        self._accord.withdraw()
        self._emit(ev.AgreementDenounced, party=pid, cause="coerced")
        self._update_tier()
