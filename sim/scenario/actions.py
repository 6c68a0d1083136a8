"""Mediator actions, and moves files (a scripted list of actions) with located validation.

A moves file is YAML::

    scenario: energy-truce-2025-03      # optional: which scenario it was written for
    seed: 7                             # optional: default seed for `mediate run`
    moves:
      - propose: {truce_scope: full_30_days}
      - consult: russia
      - lever: pause_intel
      - wait                            # or {wait: 3} for several rounds
      - hint                            # the Nash package of what the mediator knows (no time)
      - renew: corridor                 # extend an option in force by its duration_days
      - renew                           # ... or every option in force that lapses
      - wait: {until_round: 12}         # wait until round 12 begins (0-based, shown as R13)
      - {consult: ukraine, until_round: 14}   # repeat a move until round 14 begins

``until_round: N`` repeats its move until the game reaches round N (0-based, as in
``incidents.scheduled[].round``); a move whose round has already come is skipped. A hint
takes no game time, so it can't repeat.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator

from sim.errors import LoadError, Problem
from sim.memo import Memo
from sim.scenario.locator import Locator, describe
from sim.scenario.marked_yaml import parse_yaml
from sim.scenario.model import Scenario, Slug
from sim.scenario.refs import Path, RefProblem, suggest
from sim.scenario.requires import refusal
from sim.scenario.text import read_bounded_text
from sim.scenario.validate import validate_data

KINDS = ("propose", "consult", "lever", "wait", "hint", "renew")

MAX_MOVES = 10_000
"""Most moves a moves file may hold (a whole game is rarely more than a hundred)."""
MAX_MOVES_BYTES = 1_000_000
EMPTY_MOVES = ("a moves file lists the mediator's moves under `moves:`, e.g. `moves: [hint, wait]` "
               "(see docs/authoring.md, section 5)")


class Action(BaseModel):
    """One mediator action. Exactly one of the fields is set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    propose: dict[Slug, Slug] | None = None
    """Issue -> option; issues left out take their default."""
    consult: Slug | None = None
    lever: Slug | None = None
    wait: Annotated[int, Strict(), Field(ge=1, le=1000)] | None = None
    hint: Literal[True] | None = None
    """Ask for a hint (the Nash package of what the mediator knows); takes no game time."""
    renew: Slug | Literal[True] | None = None
    """Extend the option in force on this issue (True: every option in force that lapses) by
    its ``duration_days``; costs ``dynamics.renew_hours_fraction`` of a round."""
    until_round: Annotated[int, Strict(), Field(ge=0, le=1000)] | None = None
    """Repeat the move until the game reaches this round (0-based); scripts only."""

    @model_validator(mode="before")
    @classmethod
    def _bare_words(cls, data: Any) -> Any:
        if data == "wait":
            return {"wait": 1}
        if data == "hint":
            return {"hint": True}
        if data == "renew":
            return {"renew": True}
        if isinstance(data, dict) and isinstance(data.get("wait"), dict) and set(data["wait"]) == {"until_round"}:
            # `wait: {until_round: N}` reads better than `{wait: 1, until_round: N}`.
            return {**{k: v for k, v in data.items() if k != "wait"}, "wait": 1, **data["wait"]}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> Action:
        set_ = [k for k in KINDS if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError("each move is exactly one of: propose: {issue: option}, consult: PARTY, "
                             "lever: LEVER, wait, hint, renew or renew: ISSUE")
        if self.hint and self.until_round is not None:
            raise ValueError("a hint takes no game time, so it can't repeat until a round: "
                             "remove until_round from it")
        return self

    def once(self) -> Action:
        """The move itself, without its ``until_round`` repetition (what the engine plays)."""
        return self if self.until_round is None else self.model_copy(update={"until_round": None})

    @property
    def kind(self) -> Literal["propose", "consult", "lever", "wait", "hint", "renew"]:
        for k in KINDS:
            if getattr(self, k) is not None:
                return k  # type: ignore[return-value]
        raise AssertionError("unreachable: validated to have one kind")

    def to_data(self) -> Any:
        """The compact YAML/JSON form (``'wait'`` for a one-round wait)."""
        if self.until_round is not None:
            return self.model_dump(exclude_none=True)
        if self.wait == 1:
            return "wait"
        if self.hint:
            return "hint"
        if self.renew is True:
            return "renew"
        return self.model_dump(exclude_none=True)

    def describe(self) -> str:
        if self.until_round is not None:
            return f"{self.once().describe()} until round {self.until_round + 1}"
        if self.propose is not None:
            return "propose " + ", ".join(f"{k}={v}" for k, v in self.propose.items()) if self.propose else "propose defaults"
        if self.consult is not None:
            return f"consult {self.consult}"
        if self.lever is not None:
            return f"lever {self.lever}"
        if self.hint:
            return "hint"
        if self.renew is not None:
            return "renew every lapsing option" if self.renew is True else f"renew {self.renew}"
        return "wait" if self.wait == 1 else f"wait {self.wait}"


def propose(**package: str) -> Action:
    return Action(propose=package)


_PROPOSALS: Memo[Action] = Memo(256)


def proposal(package: Mapping[str, str]) -> Action:
    """``Action(propose=package)``, validated once per package in its order: policies propose
    the same packages game after game, and a move is frozen."""
    return _PROPOSALS.get(tuple(package.items()), (), lambda: Action(propose=dict(package)))


# Actions are frozen: the same move is validated once and shared (policies make them every turn).
@functools.lru_cache(maxsize=256)
def consult(party: str) -> Action:
    return Action(consult=party)


@functools.lru_cache(maxsize=256)
def lever(lever_id: str) -> Action:
    return Action(lever=lever_id)


@functools.lru_cache(maxsize=256)
def wait(rounds: int = 1) -> Action:
    return Action(wait=rounds)


@functools.lru_cache(maxsize=1)
def hint() -> Action:
    return Action(hint=True)


@functools.lru_cache(maxsize=256)
def renew(issue: str | None = None) -> Action:
    """Renew one issue's option in force, or (no issue) every option in force that lapses."""
    return Action(renew=issue if issue is not None else True)


class Moves(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario: str | None = None
    seed: Annotated[int, Strict(), Field(ge=0, lt=2**63)] | None = None
    moves: tuple[Action, ...] = Field(min_length=1, max_length=MAX_MOVES)


def check_action(s: Scenario, a: Action, path: Path) -> list[RefProblem]:
    """Problems with an action's references to the scenario (empty when it is valid)."""
    out: list[RefProblem] = []
    if a.propose is not None:
        for issue_id, option_id in a.propose.items():
            if issue_id not in s.issue_ids:
                out.append(RefProblem((*path, "propose", issue_id),
                                      f"unknown issue '{issue_id}'{suggest(issue_id, s.issue_ids)}", True))
            elif option_id not in s.issue(issue_id).option_ids:
                opts = s.issue(issue_id).option_ids
                out.append(RefProblem((*path, "propose", issue_id),
                                      f"unknown option '{option_id}' in {issue_id}{suggest(option_id, opts)}"))
        if not out and s.requirements:  # most scenarios have none: no package to complete
            why = refusal(s, s.complete(dict(a.propose)))
            if why is not None:
                out.append(RefProblem((*path, "propose"), why))
    if isinstance(a.renew, str) and a.renew not in s.issue_ids:
        out.append(RefProblem((*path, "renew"), f"unknown issue '{a.renew}'{suggest(a.renew, s.issue_ids)}"))
    if a.consult is not None and a.consult not in s.party_ids:
        out.append(RefProblem((*path, "consult"), f"unknown party '{a.consult}'{suggest(a.consult, s.party_ids)}"))
    if a.lever is not None:
        ids = [lv.id for lv in s.mediator.levers]
        if a.lever not in ids:
            out.append(RefProblem((*path, "lever"), f"unknown lever '{a.lever}'{suggest(a.lever, ids)}"))
    last = s.clock.max_rounds - 1
    if a.until_round is not None and a.until_round > last:
        out.append(RefProblem((*path, "until_round"), f"round {a.until_round} is after the last round ({last}, "
                                                      "rounds count from 0): lower it"))
    return out


def check_moves(s: Scenario, m: Moves) -> list[RefProblem]:
    out: list[RefProblem] = []
    if m.scenario is not None and m.scenario != s.id:
        out.append(RefProblem(("scenario",), f"these moves were written for scenario '{m.scenario}', "
                                             f"not '{s.id}': run them on that scenario or fix the id"))
    for n, a in enumerate(m.moves):
        out += check_action(s, a, ("moves", n))
    return out


def load_moves(path: str | FsPath, scenario: Scenario) -> tuple[Moves, Locator]:
    """A moves file checked against the scenario, every problem located (raises LoadError).

    Each move is checked on its own, so one malformed move doesn't hide the others' problems.
    """
    path = FsPath(path)
    name = str(path)
    data, loc = parse_yaml(read_bounded_text(path, MAX_MOVES_BYTES, "moves file"), name, EMPTY_MOVES)
    if isinstance(data, dict) and "issues" in data and "moves" not in data:
        raise LoadError([Problem(name, 1, 1, "this is a scenario, not a moves file: give it as "
                                             "SCENARIO, and a moves file to --script")])
    items = data.get("moves") if isinstance(data, dict) else None
    if isinstance(items, list) and len(items) > MAX_MOVES:
        raise LoadError([loc.problem(("moves", MAX_MOVES), f"{len(items):,} moves; a moves file holds at most "
                                                           f"{MAX_MOVES:,}: split it or remove moves")])
    problems: list[Problem] = []
    moves = None
    try:
        moves = validate_data(data, loc, Moves)
    except LoadError as exc:
        problems += exc.problems
    refs: list[RefProblem] = []
    if moves is not None:
        refs = check_moves(scenario, moves)
    elif isinstance(items, list):
        for n, item in enumerate(items):
            try:
                refs += check_action(scenario, Action.model_validate(item), ("moves", n))
            except ValidationError:
                continue  # already reported by the whole-file validation
    problems += [loc.problem(r.path, f"{describe(r.path)}: {r.message}", r.at_key) for r in refs]
    if problems or moves is None:
        raise LoadError(problems)
    return moves, loc
