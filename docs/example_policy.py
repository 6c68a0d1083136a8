"""An example mediator for ``--policy docs/example_policy.py:Steady`` (see docs/policies.md).

Steady consults every party once, then proposes the highest outcome tier whose package it
estimates every party would accept (else the next tier up), and waits a round after any rejection.
"""

from __future__ import annotations

from sim.engine.events import Event, Responded
from sim.engine.view import MediatorView
from sim.runs.policies import tier_package
from sim.scenario.actions import Action, consult, wait
from sim.scenario.model import Scenario


class Steady:
    def __init__(self, scenario: Scenario, seed: int):
        del scenario, seed  # it decides from the view alone, with no randomness
        self.asked: set[str] = set()
        self.rejected = False

    def decide(self, view: MediatorView) -> Action:
        for party in view.parties:
            if party.id not in self.asked:
                self.asked.add(party.id)
                return consult(party.id)
        if self.rejected:
            self.rejected = False
            return wait()
        for level in range(len(view.scenario.outcomes), view.tier, -1):
            package = tier_package(view, level)
            if package is None or package == view.agreement:
                continue
            if all(u >= t for u, t in (view.estimate(p.id, package) for p in view.parties)):
                return Action(propose=package)
        # Nothing looks safe: try the next tier up anyway; the answer teaches the estimates.
        package = tier_package(view, view.tier + 1) if view.tier < len(view.scenario.outcomes) else None
        return Action(propose=package) if package and package != view.agreement else wait()

    def observe(self, events: list[Event]) -> None:
        self.rejected = any(isinstance(e, Responded) and not e.accept for e in events)
