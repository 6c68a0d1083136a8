"""Forecast calibration: are the ✓ / ✗ / ? marks and the estimated chances right?

    python benchmarks/forecast.py [--games N] [--scenario REF ...]

Plays N games of each built-in policy on each scenario (default: the flagship and the
template). Just before every proposal it records each party's forecast (mark, estimated chance
of acceptance) from the mediator's view, then the party's real answer. Prints a reliability
table per mark and per probability bin (count, mean predicted chance, observed rate of
acceptance), the Brier score, and the share of confident marks (✓ and ✗) that were right.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.engine.events import Responded  # noqa: E402
from sim.engine.session import Session  # noqa: E402
from sim.runs.policies import POLICIES, make  # noqa: E402
from sim.scenario.loader import load_scenario, resolve  # noqa: E402
from sim.scenario.model import Scenario  # noqa: E402

DEFAULT_SCENARIOS = ("energy-truce-2025-03", str(Path(__file__).resolve().parent.parent / "scenarios" / "_template.yaml"))
BINS = 10


@dataclass(frozen=True)
class Record:
    """One forecast and the answer that followed it."""

    policy: str
    party: str
    round: int
    verdict: str
    certain: bool
    probability: float
    accepted: bool

    @property
    def confident(self) -> bool:
        return self.verdict != "unsure"

    @property
    def right(self) -> bool:
        return self.accepted == (self.verdict == "accept")


def records(scenario: Scenario, policy: str, seed: int, max_actions: int = 10_000) -> list[Record]:
    """Every forecast made just before a proposal in one game of ``policy``, with its answer."""
    session = Session(scenario, seed)
    pol = make(policy, scenario, seed)
    out: list[Record] = []
    for _ in range(max_actions):
        if session.ended:
            break
        view = session.view()
        action = pol.decide(view)
        preds = view.predict(scenario.complete(action.propose)) if action.propose is not None else {}
        events = session.act(action)
        pol.observe(events)
        for e in events:
            if isinstance(e, Responded) and e.party in preds:
                p = preds[e.party]
                out.append(Record(policy, e.party, view.round, p.verdict, p.certain,
                                  p.probability if p.probability is not None else 0.5, e.accept))
    return out


def collect(scenario: Scenario, games: int, policies: tuple[str, ...] = tuple(POLICIES)) -> list[Record]:
    return [r for pol in policies for seed in range(games) for r in records(scenario, pol, seed)]


def brier(rs: list[Record]) -> float:
    return sum((r.probability - r.accepted) ** 2 for r in rs) / len(rs) if rs else 0.0


def confident_right(rs: list[Record]) -> tuple[int, int]:
    """(right, total) over confident marks (✓ and ✗, red lines included)."""
    conf = [r for r in rs if r.confident]
    return sum(r.right for r in conf), len(conf)


def table(rs: list[Record]) -> list[str]:
    """The reliability table as Markdown rows: per mark, then per probability bin."""
    lines = ["| group | count | predicted | observed |", "|---|---:|---:|---:|"]

    def row(name: str, group: list[Record]) -> None:
        if group:
            pred = sum(r.probability for r in group) / len(group)
            obs = sum(r.accepted for r in group) / len(group)
            lines.append(f"| {name} | {len(group)} | {pred:.2f} | {obs:.2f} |")

    row("✓ accepts (certain)", [r for r in rs if r.verdict == "accept" and r.certain])
    row("✓ likely to accept", [r for r in rs if r.verdict == "accept" and not r.certain])
    row("? unsure", [r for r in rs if r.verdict == "unsure"])
    row("✗ likely to reject", [r for r in rs if r.verdict == "reject" and not r.certain])
    row("✗ rejects (certain)", [r for r in rs if r.verdict == "reject" and r.certain])
    for b in range(BINS):
        lo, hi = b / BINS, (b + 1) / BINS
        row(f"p in [{lo:.1f}, {hi:.1f}{']' if b == BINS - 1 else ')'}",
            [r for r in rs if lo <= r.probability < hi or (b == BINS - 1 and r.probability == 1.0)])
    return lines


def report(name: str, rs: list[Record]) -> list[str]:
    right, total = confident_right(rs)
    share = right / total if total else 1.0
    per_policy = ", ".join(
        f"{pol} {sum(r.right for r in g if r.confident)}/{sum(r.confident for r in g)}"
        for pol in dict.fromkeys(r.policy for r in rs) for g in [[r for r in rs if r.policy == pol]])
    return [f"### {name}: {len(rs)} forecasts", "", *table(rs), "",
            f"Brier score {brier(rs):.3f}; confident marks right {right}/{total} = {share:.1%} ({per_policy})", ""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--games", type=int, default=100, help="games per policy and scenario (default 100)")
    ap.add_argument("--scenario", action="append", help="scenario reference (repeatable)")
    args = ap.parse_args(argv)
    everything: list[Record] = []
    for ref in args.scenario or DEFAULT_SCENARIOS:
        s = load_scenario(resolve(ref))
        rs = collect(s, args.games)
        everything += rs
        print("\n".join(report(Path(ref).stem, rs)))
    if len(args.scenario or DEFAULT_SCENARIOS) > 1:
        print("\n".join(report("all", everything)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
