"""The negotiation model's formulas, as pure functions (see docs/model.md).

Utilities are points 0–100:  U_p(x) = Σ_i w_i·v_i(x_i) / Σ_i w_i  over p's stances.
Threshold in round r of T:   τ_p = R + (A − R)·(1 − s^(1/β)) + D·(1 − trust_eff),  s = (r + 1)/T
  A = U_p(p's stated demands) (aspiration), R = reservation, β = concession, D = distrust penalty,
  trust_eff = tc + (1 − tc)·k·credibility·tm, with tc the party's mean trust in its
  counterparts, tm its trust in the mediator and k = dynamics.credibility_trust: a credible,
  trusted mediator stands guarantor and eases the penalty for distrust.
A party accepts x iff x touches none of its red lines and U_p(x) ≥ τ_p.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sim.scenario.model import MEDIATOR, Dynamics, Party, Pledge, Scenario, Stance


def utility(party: Party, weights: Mapping[str, float], package: Mapping[str, str]) -> float:
    """U_p(x): weighted mean of the party's option values, 0–100."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(weights[i] * st.value(package[i]) for i, st in party.stances.items()) / total


ValueTable = tuple[tuple[str, Mapping[str, float], float], ...]
"""(issue, value per option, value of the demand) per stance, in stance order."""


def value_table(party: Party) -> ValueTable:
    """A party's option values precompiled for :func:`table_utility` and :func:`table_gaps`."""
    return tuple((i, st.values, st.value(st.demand)) for i, st in party.stances.items())


def table_utility(table: ValueTable, weights: Mapping[str, float], package: Mapping[str, str]) -> float:
    """:func:`utility` from a :func:`value_table` (the same sum in the same order)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum([weights[i] * vals.get(package[i], 0.0) for i, vals, _ in table]) / total


def table_gaps(table: ValueTable, weights: Mapping[str, float], package: Mapping[str, str], n: int = 2
               ) -> list[tuple[str, float]]:
    """:func:`largest_gaps` from a :func:`value_table`."""
    total = sum(weights.values()) or 1.0
    gaps = []
    for i, vals, demand in table:
        gap = weights[i] * (demand - vals.get(package[i], 0.0)) / total
        if gap > 1e-9:
            gaps.append((i, gap))
    gaps.sort(key=lambda g: (-g[1], g[0]))
    return gaps[:n]


def stake_utility(stances: Mapping[str, Stance], weights: Mapping[str, float],
                  package: Mapping[str, str]) -> float | None:
    """U_m(x): the same weighted mean over the mediator's own stances (None: it holds none)."""
    total = sum(weights.values())
    if not stances or total <= 0:
        return None
    return sum(weights[i] * st.value(package[i]) for i, st in stances.items()) / total


def aspiration(party: Party, weights: Mapping[str, float]) -> float:
    """A_p: the utility of the party's own stated demands."""
    return utility(party, weights, {i: st.demand for i, st in party.stances.items()})


def effective_trust(s: Scenario, trust: Mapping[str, float], credibility: float,
                    counterparts: list[str]) -> float:
    tc = sum(trust[c] for c in counterparts) / len(counterparts) if counterparts else 1.0
    tm = trust[MEDIATOR]
    return tc + (1 - tc) * s.dynamics.credibility_trust * credibility * tm


def threshold(reservation: float, aspiration_: float, round_: int, max_rounds: int, beta: float,
              distrust_penalty: float, trust_eff: float) -> float:
    """τ_p(t): concedes from aspiration to reservation over the rounds, raised by distrust."""
    s = min(1.0, (round_ + 1) / max_rounds)
    gap = max(0.0, aspiration_ - reservation)
    tau = reservation + gap * (1 - s ** (1 / beta)) + distrust_penalty * (1 - trust_eff)
    return min(100.0, max(0.0, tau))


def red_line_table(party: Party) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(issue, red lines) of each of the party's stances that has any, in stance order."""
    return tuple((i, st.red_lines) for i, st in party.stances.items() if st.red_lines)


def red_lines_hit(table: tuple[tuple[str, tuple[str, ...]], ...], package: Mapping[str, str]) -> list[str]:
    """``issue.option`` for every red line in a :func:`red_line_table` the package touches, in stance order."""
    return [f"{i}.{package[i]}" for i, lines in table if package[i] in lines]


def largest_gaps(party: Party, weights: Mapping[str, float], package: Mapping[str, str], n: int = 2
                 ) -> list[tuple[str, float]]:
    """The n issues where the package falls furthest below the party's demands (weighted points)."""
    total = sum(weights.values()) or 1.0
    gaps = []
    for i, st in party.stances.items():
        gap = weights[i] * (st.value(st.demand) - st.value(package[i])) / total
        if gap > 1e-9:
            gaps.append((i, gap))
    gaps.sort(key=lambda g: (-g[1], g[0]))
    return gaps[:n]


def in_force_covers(s: Scenario, reader: str | None, agreement: Mapping[str, str] | None) -> set[str]:
    """Tags the agreement in force protects, as ``reader`` reads it (None: by its own text)."""
    if not agreement:
        return set()
    tags: set[str] = set()
    for i, o in agreement.items():
        tags.update(s.covers(reader, i, o))
    return tags


def monitored(s: Scenario, agreement: Mapping[str, str] | None) -> bool:
    """Whether the agreement in force includes a monitoring option."""
    return agreement is not None and any(s.issue(i).option(o).monitoring for i, o in agreement.items())


def judge(s: Scenario, actor: str, victim: str, target: str | None, agreement: Mapping[str, str] | None,
          covered: Callable[[str | None], set[str]] | None = None,
          pledged: Callable[[str | None], set[str]] | None = None) -> tuple[str, str]:
    """How an incident by ``actor`` on ``target`` is judged while ``agreement`` is in force.

    Covered for both by their own readings → 'violation'; for the victim only → 'disputed',
    unless a monitoring option is in force, which settles it by the agreement's own text
    ('monitored', with verdict 'violation' or 'not covered'). Not covered for the victim → 'none'.
    ``covered(reader)`` may supply cached coverage sets for the same agreement; ``pledged(reader)``
    the tags the actor's pledges in force protect as ``reader`` reads them, which count as
    covered too (reader None: by the pledges' own text).
    """
    if target is None or (not agreement and pledged is None):
        return "none", ""
    base = covered or (lambda reader: in_force_covers(s, reader, agreement))

    def cov(reader: str | None) -> bool:
        return target in base(reader) or (pledged is not None and target in pledged(reader))

    if not cov(victim):
        return "none", ""
    if cov(actor):
        return "violation", ""
    if monitored(s, agreement):
        return "monitored", "violation" if cov(None) else "not covered"
    return "disputed", ""


def pledge_span(pl: Pledge, round_hours: float) -> tuple[float, float | None]:
    """(start, end) hours of a pledge; end None: it holds to the end of the game."""
    start = pl.round * round_hours + pl.hour
    return start, (start + pl.days * 24 if pl.days is not None else None)


def pledge_in_force(pl: Pledge, round_hours: float, now: float, eps: float = 1e-9) -> bool:
    """start ≤ now < end: a function of the clock alone."""
    start, end = pledge_span(pl, round_hours)
    return start <= now + eps and (end is None or now < end - eps)


def tier_of(s: Scenario, agreement: Mapping[str, str] | None) -> int:
    """Level of the highest outcome tier the agreement satisfies (0 = none)."""
    if not agreement:
        return 0
    level = 0
    for n, oc in enumerate(s.outcomes, start=1):
        if all(agreement.get(i) in opts for i, opts in oc.when.items()):
            level = n
    return level


SEVERITY = {"none": 0, "monitored": 1, "violation": 2, "disputed": 3}
"""How an incident's judgements rank when it hits several victims: the worst one is reported."""

# Judgement (and, for 'monitored', the verdict) -> the trust pairs an incident moves and the
# dynamics field that says by how much: 'victim' trusts the actor less, 'actor' the victim.
# A monitored incident is settled by the text, so its damage is damped by monitored_factor.
DAMAGE: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("none", ""): (("victim", "incident_trust"),),
    ("violation", ""): (("victim", "violation_trust"),),
    ("disputed", ""): (("victim", "dispute_trust"), ("actor", "dispute_trust")),
    ("monitored", "violation"): (("victim", "violation_trust"),),
    ("monitored", "not covered"): (("victim", "incident_trust"),),
}


def incident_damage(dyn: Dynamics, judgement: str, verdict: str, actor: str, victim: str
                    ) -> list[tuple[str, str, float]]:
    """(truster, trustee, delta) for each trust pair an incident judged so moves."""
    factor = dyn.monitored_factor if judgement == "monitored" else 1.0
    out = []
    for who, field in DAMAGE[(judgement, verdict)]:
        pair = (victim, actor) if who == "victim" else (actor, victim)
        out.append((*pair, getattr(dyn, field) * factor))
    return out


def breaks_agreement(judgement: str, verdict: str) -> bool:
    """Whether an incident so judged counts as a violation of the agreement in force."""
    return judgement == "violation" or (judgement == "monitored" and verdict == "violation")
