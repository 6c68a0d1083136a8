"""Built-in mediators for scripted runs and batches.

A policy sees only a :class:`~sim.view.MediatorView` (public stances, trust, what its own
consultations revealed, red lines parties cited when rejecting) and the events its own
actions caused. It never reads engine truth. All policies are deterministic given the seed.

- ``incremental``: consult each side once, then the narrowest deal first (the lowest tier),
  widening one tier at a time once a deal holds; waits a round after a rejection.
- ``maximal``: consults each side once, then the top tier first; steps down a tier after two
  rejections, and after a deal tries one tier higher every few rounds.
- ``random``: a random legal action each turn (a baseline).
- ``nash``: consults, then proposes the Nash bargaining package of what it knows
  (see :mod:`sim.analysis`), re-estimated every round.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.engine.events import Event, Responded
from sim.engine.session import Session, stream
from sim.engine.view import MediatorView
from sim.scenario import requires
from sim.scenario.actions import Action, consult, wait
from sim.scenario.model import Scenario


class Policy:
    name = "policy"

    def __init__(self, scenario: Scenario, seed: int):
        self.scenario = scenario
        self.rng = stream(seed, f"policy/{self.name}")

    def decide(self, view: MediatorView) -> Action:
        raise NotImplementedError

    def observe(self, events: list[Event]) -> None:
        """Events caused by the policy's last action (default: ignored)."""


def known_red(view: MediatorView, issue: str, option: str) -> bool:
    return any(issue in p.stances and option in p.stances[issue].red_lines for p in view.parties)


def base_package(view: MediatorView) -> dict[str, str]:
    """The agreement in force (or the defaults), with any known red line moved off."""
    s = view.scenario
    pkg = dict(view.agreement) if view.agreement else dict(s.default_package)
    for i, o in pkg.items():
        if known_red(view, i, o):
            pkg[i] = best_option(view, pkg, i, s.issue(i).option_ids) or o
    return pkg


def best_option(view: MediatorView, pkg: dict[str, str], issue: str, options: tuple[str, ...]) -> str | None:
    """Of ``options`` for ``issue``, the one touching no known red line that maximises the
    worst party's estimated margin (utility − threshold); None if all are known red lines."""
    best, best_score = None, None
    for o in options:
        if known_red(view, issue, o):
            continue
        trial = {**pkg, issue: o}
        score = min(u - t for u, t in (view.estimate(p.id, trial) for p in view.parties))
        if best_score is None or score > best_score + 1e-9:
            best, best_score = o, score
    return best


def tier_package(view: MediatorView, level: int) -> dict[str, str] | None:
    """A full package meeting outcome tier ``level`` as well as known information allows."""
    s = view.scenario
    pkg = base_package(view)
    for lv in range(1, level + 1):  # lower tiers' conditions too, so widening keeps what holds
        for i, opts in s.outcomes[lv - 1].when.items():
            if lv < level and pkg[i] in opts:
                continue
            choice = best_option(view, pkg, i, opts)
            if choice is None:
                return None
            pkg[i] = choice
    return pkg


class Incremental(Policy):
    name = "incremental"

    def __init__(self, scenario: Scenario, seed: int):
        super().__init__(scenario, seed)
        self.consulted: list[str] = []
        self.rejected = False

    def decide(self, view: MediatorView) -> Action:
        for p in view.parties:
            if p.id not in self.consulted:
                self.consulted.append(p.id)
                return consult(p.id)
        if self.rejected:
            self.rejected = False
            return wait()
        top = len(view.scenario.outcomes)
        for level in range(view.tier + 1, top + 1):
            pkg = tier_package(view, level)
            if pkg is not None and pkg != view.agreement:
                return Action(propose=pkg)
        return wait()

    def observe(self, events: list[Event]) -> None:
        if any(isinstance(e, Responded) and not e.accept for e in events):
            self.rejected = True


class Maximal(Policy):
    name = "maximal"

    def __init__(self, scenario: Scenario, seed: int):
        super().__init__(scenario, seed)
        self.target = len(scenario.outcomes)
        self.misses = 0
        self.quiet = 0
        self.consulted: list[str] = []

    def decide(self, view: MediatorView) -> Action:
        for p in view.parties:
            if p.id not in self.consulted:
                self.consulted.append(p.id)
                return consult(p.id)
        top = len(view.scenario.outcomes)
        if view.tier >= self.target:
            self.quiet += 1
            if self.quiet < 3 or view.tier >= top:
                return wait()
            self.quiet, self.target = 0, view.tier + 1
        while self.target > view.tier:
            pkg = tier_package(view, self.target)
            if pkg is not None and pkg != view.agreement:
                return Action(propose=pkg)
            self.target -= 1
        self.target = max(self.target, view.tier)
        return wait()

    def observe(self, events: list[Event]) -> None:
        if any(isinstance(e, Responded) and not e.accept for e in events):
            self.misses += 1
            if self.misses >= 2:
                self.misses = 0
                self.target = max(1, self.target - 1)
        elif any(isinstance(e, Responded) for e in events):
            self.misses = 0


class RandomPolicy(Policy):
    name = "random"

    def decide(self, view: MediatorView) -> Action:
        s = view.scenario
        r = self.rng.random()
        levers = [lv.id for lv in view.levers if lv.uses_left > 0]
        if r < 0.15:
            return consult(self.rng.choice(s.party_ids))
        if r < 0.25 and levers:
            return Action(lever=self.rng.choice(levers))
        if r < 0.40:
            return wait()
        pkg = {}
        for iss in s.issues:
            if self.rng.random() < 0.3:
                pkg[iss.id] = self.rng.choice(iss.option_ids)
        return Action(propose=pkg)


class Nash(Policy):
    """Proposes the Nash package of the mediator's own knowledge (consulting first)."""

    name = "nash"
    consults_per_party = 2

    def __init__(self, scenario: Scenario, seed: int):
        super().__init__(scenario, seed)
        self.consults: dict[str, int] = {}
        self.rejected = False
        self._key: tuple | None = None
        self._package: dict[str, str] | None = None

    def decide(self, view: MediatorView) -> Action:
        from sim.analysis.scenario_domains import known_nash_package

        for p in view.parties:
            if self.consults.get(p.id, 0) < self.consults_per_party and p.hidden > 0:
                self.consults[p.id] = self.consults.get(p.id, 0) + 1
                return consult(p.id)
        if self.rejected:
            self.rejected = False
            return wait()
        # The known domain changes only with knowledge: reuse the package until it does.
        key = tuple((p.id, p.reservation, tuple((i, st.revealed, st.weight, st.red_lines) for i, st in p.stances.items()))
                    for p in view.parties)
        if key != self._key:
            self._key, self._package = key, known_nash_package(view)
        pkg = self._package
        if pkg is None or pkg == view.agreement:
            return wait()
        return Action(propose=pkg)

    def observe(self, events: list[Event]) -> None:
        self.rejected = any(isinstance(e, Responded) and not e.accept for e in events)


POLICIES: dict[str, Callable[[Scenario, int], Policy]] = {
    "incremental": Incremental,
    "maximal": Maximal,
    "random": RandomPolicy,
    "nash": Nash,
}


def make(name: str, scenario: Scenario, seed: int) -> Policy:
    return POLICIES[name](scenario, seed)


def play(scenario: Scenario, policy: str, seed: int, max_actions: int = 10_000) -> Session:
    """Run a whole game with a built-in policy and return the finished session."""
    session = Session(scenario, seed)
    pol = make(policy, scenario, seed)
    for _ in range(max_actions):
        if session.ended:
            break
        action = pol.decide(session.view())
        if action.propose is not None and requires.missing(scenario, scenario.complete(action.propose)):
            # Policies choose issue by issue; a package missing a requirement is mended, not refused.
            fixed = requires.repair(scenario, action.propose)
            action = Action(propose={i: o for i, o in fixed.items() if o != scenario.issue(i).default_option})
        pol.observe(session.act(action))
    return session


__all__ = ["POLICIES", "Policy", "make", "play", "tier_package"]
