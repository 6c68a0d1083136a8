"""Built-in mediators for scripted runs and batches.

A policy sees only a :class:`~sim.view.MediatorView` (public stances, trust, what its own
consultations revealed, red lines parties cited when rejecting) and the events its own
actions caused. It never reads engine truth. All policies are deterministic given the seed.

- ``incremental``: consult each side once, then the narrowest deal first (the lowest tier),
  widening one tier at a time once a deal holds; waits a round after a rejection. When a
  rejection names an issue outside the tier's own (``Responded.gaps``), the next proposal also
  moves that issue towards the party that named it.
- ``maximal``: consults each side once, then the top tier first; steps down a tier after two
  rejections, and after a deal tries one tier higher every few rounds.
- ``random``: a random legal action each turn (a baseline).
- ``nash``: consults, then proposes the Nash bargaining package of what it knows
  (see :mod:`sim.analysis`), re-estimated every round.
- ``pressure``: plays like ``maximal``, but when a party rejects a package that touches none
  of its red lines, pulls a lever on that party (the one that lowers its walk-away point most,
  while credibility lasts) before proposing again.

Every policy but ``random`` first renews an option in force that would lapse within the next
round (:func:`renew_step`), rather than let it lapse.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.engine.events import Event, Proposed, Responded
from sim.engine.known import known_key, standing_key
from sim.engine.session import Session, stream
from sim.engine.view import MediatorView
from sim.memo import Memo, canonical, token
from sim.scenario import requires
from sim.scenario.actions import Action, consult, proposal, renew, wait
from sim.scenario.model import Lever, Scenario


class Policy:
    name = "policy"

    def __init__(self, scenario: Scenario, seed: int):
        self.scenario = scenario
        self.rng = stream(seed, f"policy/{self.name}")

    def decide(self, view: MediatorView) -> Action:
        raise NotImplementedError

    def observe(self, events: list[Event]) -> None:
        """Events caused by the policy's last action (default: ignored)."""


def renew_step(view: MediatorView) -> Action | None:
    """Renew the option in force that lapses soonest, when it lapses within the next round."""
    if view.ended or view.agreement is None:
        return None  # a renewal needs an agreement in force
    # A lapse due this very hour is already under way (its process runs before the action).
    soon = [i for i, left in view.lapsing(view.scenario.clock.round_hours) if left > 1e-9]
    return renew(soon[0]) if soon else None


def known_red(view: MediatorView, issue: str, option: str) -> bool:
    return (issue, option) in view.red_lines()


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
        # Only the parties whose answer decides the package (consent per issue, suspensions).
        deciders = view.counted(trial) or view.parties
        score = min(u - t for u, t in (view.estimate(p.id, trial) for p in deciders))
        if best_score is None or score > best_score + 1e-9:
            best, best_score = o, score
    return best


_TIER_PACKAGES: Memo[tuple[tuple[str, str], ...] | None] = Memo(4096)
"""Room for the states a long batch meets: 2,000 flagship games under ``maximal`` ask 34,000 times in
3,405 states, and 1,024 entries missed 7,240 times (a tenth of the run's time; each miss is a search).
An entry is about 2.6 KB, so the memo stays under 11 MB however many games are played."""


def tier_package(view: MediatorView, level: int) -> dict[str, str] | None:
    """A full package meeting outcome tier ``level`` as well as known information allows.

    Remembered by everything the estimates read (the round, credibility, the agreement, what is
    known of each party, its trust and last answer): the games of a batch meet the same states
    again (see :data:`_TIER_PACKAGES`)."""
    s = view.scenario
    key = (id(s), level, view.round, view.credibility,
           token(tuple(view.agreement.items())) if view.agreement is not None else None,
           tuple((known_key(pv), standing_key(pv)) for pv in view.parties))
    pkg = _TIER_PACKAGES.get(key, (s,), lambda: _canonical_package(_tier_package(view, level)))
    return dict(pkg) if pkg is not None else None


def _canonical_package(pkg: dict[str, str] | None) -> tuple[tuple[str, str], ...] | None:
    return canonical(tuple(pkg.items())) if pkg is not None else None


def _tier_package(view: MediatorView, level: int) -> dict[str, str] | None:
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


def widen(view: MediatorView, pkg: dict[str, str], named: dict[str, str], tried: dict[str, dict[str, float]],
          keep: set[str]) -> dict[str, str]:
    """``pkg`` with each issue a rejection named (issue -> the party that named it) moved off the
    option the party complained of: first to options not yet tried, best believed first (never
    one touching a known red line or one the mediator believes worth nothing to the party), then,
    once all were tried, to the one whose reported gaps were smallest (ties keep ``pkg``'s own).
    ``tried`` holds, per issue, the parties' total gap with each option proposed; issues in
    ``keep`` (the tier's own) stay."""
    out = dict(pkg)
    for issue, party in named.items():
        if issue in keep:
            continue
        belief = view.beliefs(party).get(issue)
        values = belief[1] if belief is not None else {}
        gaps = tried.get(issue, {})
        options = [o for o in view.scenario.issue(issue).option_ids
                   if not known_red(view, issue, o) and values.get(o, 50.0) > 0]
        fresh = [o for o in options if o not in gaps]
        if fresh:
            out[issue] = max(fresh, key=lambda o: values.get(o, 50.0))
        elif known := [o for o in options if o in gaps]:
            out[issue] = min(known, key=lambda o: (gaps[o], o != pkg[issue]))
    return out


def tier_issues(scenario: Scenario, level: int) -> set[str]:
    """Issues the conditions of tiers 1..level name."""
    return {i for oc in scenario.outcomes[:level] for i in oc.when}


class Incremental(Policy):
    name = "incremental"

    def __init__(self, scenario: Scenario, seed: int):
        super().__init__(scenario, seed)
        self.consulted: list[str] = []
        self.rejected = False
        self.named: dict[str, str] = {}
        """Issue -> the party whose rejection first named it as missing."""
        self.tried: dict[str, dict[str, float]] = {}
        """Issue -> option -> the parties' total gap on the issue with that option proposed."""

    def decide(self, view: MediatorView) -> Action:
        if (renewal := renew_step(view)) is not None:
            return renewal
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
            if pkg is not None:
                pkg = widen(view, pkg, self.named, self.tried, tier_issues(view.scenario, level))
            if pkg is not None and pkg != view.agreement:
                return proposal(pkg)
        return wait()

    def observe(self, events: list[Event]) -> None:
        proposed = next((e.package for e in events if isinstance(e, Proposed)), None)
        answers = [e for e in events if isinstance(e, Responded) and e.needed]  # only answers that decide
        if proposed is None or not answers:
            return
        self.rejected = any(not e.accept for e in answers)
        for e in answers:
            if not e.accept and not e.red_lines:
                for issue, _ in e.gaps:
                    self.named.setdefault(issue, e.party)
        for issue in self.named:
            # Every party's gap on the issue counts (one left out of a party's two largest as 0),
            # so an option that pleases the party that named it but wrongs another is not kept.
            total = sum(dict(e.gaps).get(issue, 0.0) for e in answers)
            self.tried.setdefault(issue, {})[proposed[issue]] = total


class Maximal(Policy):
    name = "maximal"

    def __init__(self, scenario: Scenario, seed: int):
        super().__init__(scenario, seed)
        self.target = len(scenario.outcomes)
        self.misses = 0
        self.quiet = 0
        self.consulted: list[str] = []

    def decide(self, view: MediatorView) -> Action:
        if (renewal := renew_step(view)) is not None:
            return renewal
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
                return proposal(pkg)
            self.target -= 1
        self.target = max(self.target, view.tier)
        return wait()

    def observe(self, events: list[Event]) -> None:
        if any(isinstance(e, Responded) and not e.accept and e.needed for e in events):
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
        return proposal(pkg)


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

        if (renewal := renew_step(view)) is not None:
            return renewal
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
        return proposal(pkg)

    def observe(self, events: list[Event]) -> None:
        self.rejected = any(isinstance(e, Responded) and not e.accept and e.needed for e in events)


def pressure_lever(view: MediatorView, party: str) -> Lever | None:
    """The unused lever on ``party`` that lowers its walk-away point most, else moves a weight,
    else raises its trust (a trusted guarantor lowers what it needs), that the mediator's
    credibility still affords; None when there is none."""
    usable = {lv.id for lv in view.levers if lv.uses_left > 0 and lv.target == party and lv.cost < view.credibility}
    best, best_key = None, None
    for lv in view.scenario.mediator.levers:
        if lv.id not in usable:
            continue
        drop = -lv.effects.reservation.get(party, 0.0)
        gain = sum(d for k, d in lv.effects.trust.items() if k.partition("->")[0].strip() == party)
        key = (drop, bool(lv.effects.weights.get(party)), gain)
        if (drop > 0 or key[1] or gain > 0) and (best_key is None or key > best_key):
            best, best_key = lv, key
    return best


class Pressure(Maximal):
    """Maximal, pulling a lever on a party that rejected a package for want of value."""

    name = "pressure"

    def __init__(self, scenario: Scenario, seed: int):
        super().__init__(scenario, seed)
        self.unmoved: list[str] = []
        """Parties that rejected the last proposal on value, not on a red line."""

    def decide(self, view: MediatorView) -> Action:
        while self.unmoved and len(self.consulted) >= len(view.parties):
            lv = pressure_lever(view, self.unmoved.pop(0))
            if lv is not None:
                return Action(lever=lv.id)
        return super().decide(view)

    def observe(self, events: list[Event]) -> None:
        super().observe(events)
        answers = [e for e in events if isinstance(e, Responded)]
        if answers:
            self.unmoved = [e.party for e in answers if not e.accept and not e.red_lines and e.needed]


POLICIES: dict[str, Callable[[Scenario, int], Policy]] = {
    "incremental": Incremental,
    "maximal": Maximal,
    "random": RandomPolicy,
    "nash": Nash,
    "pressure": Pressure,
}


def make(name: str, scenario: Scenario, seed: int) -> Policy:
    return POLICIES[name](scenario, seed)


def mended(s: Scenario, action: Action) -> Action:
    """``action``, or its package mended when it misses a requirement: built-in policies choose
    issue by issue, so what they propose is mended, not refused."""
    if action.propose is None or not s.requirements or not requires.missing(s, s.complete(action.propose)):
        return action
    fixed = requires.repair(s, action.propose)
    return proposal({i: o for i, o in fixed.items() if o != s.issue(i).default_option})


def play(scenario: Scenario, policy: str, seed: int, max_actions: int = 10_000) -> Session:
    """Run a whole game with a built-in policy and return the finished session."""
    session = Session(scenario, seed)
    pol = make(policy, scenario, seed)
    for _ in range(max_actions):
        if session.ended:
            break
        pol.observe(session.act(mended(scenario, pol.decide(session.view()))))
    return session


__all__ = ["POLICIES", "Policy", "make", "mended", "play", "renew_step", "tier_package"]
