"""Branching: replay the first rounds of a saved game or transcript, then play on differently.

A branch is a new session with the original's scenario and seed whose first actions are the
original's actions up to round N; the engine's per-source random streams then give it the
same incidents as the original up to that point (the same actions meet the same shocks), and
the same streams afterwards as far as the new choices allow. The branch is a game like any
other: saved, exported and compared as usual, and its save and transcript record where it
branched from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.scenario_domains import known_nash_package
from sim.engine.session import Session
from sim.errors import MediateError
from sim.files import read_bytes_bounded
from sim.runs import compare, transcripts
from sim.runs.origins import Origin, origin_of, remember, save_path
from sim.runs.plugins import PluginError, PolicyExit, make_policy, resolve
from sim.runs.policies import mended
from sim.runs.scripts import play_on_moves
from sim.scenario import saves
from sim.scenario.actions import Action, wait
from sim.text import printable

CHANGED_FIX = "give the version it was played on as SCENARIO: mediate run PATH.yaml --from FILE --at-round N …"
"""What ``run --from`` says about a transcript whose scenario has changed: its SCENARIO argument says which."""


class BranchError(MediateError):
    """A branch that can't be made: the round is past the game's end, or the file can't serve."""


@dataclass(frozen=True)
class Original:
    """A game rebuilt from a save or transcript, with what a branch of it needs."""

    session: Session
    scenario_ref: str
    overrides: tuple[str, ...]
    path: Path


def _transcript_header(path: Path) -> transcripts.TranscriptHeader | None:
    """The header when ``path`` is a transcript, None when it is something else (a save)."""
    raw = read_bytes_bounded(path, transcripts.MAX_BYTES, "transcript or save file")
    first = raw.decode("utf-8", errors="replace").lstrip().split("\n", 1)[0]
    try:
        head = json.loads(first)
    except (ValueError, RecursionError):
        return None
    if isinstance(head, dict) and head.get("format") in transcripts.READABLE:
        return transcripts.parse_header(str(path), first, head)
    return None


def open_original(path: Path, scenario: str | None = None) -> Original:
    """The game in a save or transcript, replayed exactly (LoadError when it can't be: a changed
    scenario, a damaged file). ``scenario`` locates a transcript's scenario when it isn't bundled."""
    head = _transcript_header(path)
    # Not a transcript: loading it as a save first says what is wrong with it when it is neither.
    session = compare.load(path, scenario if head is not None else None, CHANGED_FIX).session
    if head is None and scenario is not None:
        raise BranchError(f"{printable(str(path))} is a save, which names its own scenario: "
                          "leave out SCENARIO")
    if head is not None:
        return Original(session, scenario or head.scenario, head.overrides, path)
    return Original(session, saves.read(path).scenario, (), path)


def check_round(session: Session, at_round: int) -> None:
    """Refuse a branch point past the game's end (or before its start)."""
    last = session.round  # 0-based: the round the game ended in (or is in now)
    if at_round < 0 or at_round > last:
        state = "ended" if session.ended else "is"
        keep = "--at-round 0 (it has no finished round to keep)" if last == 0 else \
            f"--at-round 0 to {last} (0 replays nothing)"
        raise BranchError(f"--at-round {at_round} is past the game's end: it {state} in round {last + 1}, so "
                          f"give {keep}")


def start(original: Session, at_round: int, source: str = "") -> Session:
    """A new session that replays ``original`` up to its first decision in round ``at_round + 1``.

    A wait of several rounds that reaches past the branch point is cut short there, so the
    branch always gets its first decision in that round (the events are the same either way).
    """
    check_round(original, at_round)
    branch = Session(original.scenario, original.seed, advisor=known_nash_package)
    for a in original.actions:
        if branch.ended or branch.round >= at_round:
            break
        if a.wait is not None and branch.round + a.wait > at_round:
            a = wait(at_round - branch.round)
        branch.act(a)
    remember(branch, Origin(source, at_round, len(branch.actions)))
    return branch


def play_on_policy(session: Session, spec: str, max_actions: int = 10_000) -> Session:
    """Let the policy ``spec`` play on from where ``session`` stands until the game ends.

    The policy is first shown the events so far (through ``observe``), as if it had watched.
    A plug-in's ``sys.exit()`` is raised as :class:`PolicyExit`, like any other error of its own.
    """
    try:
        return _play_on(session, spec, max_actions)
    except SystemExit as exc:
        raise PolicyExit(exc) from exc


def _play_on(session: Session, spec: str, max_actions: int) -> Session:
    s = session.scenario
    policy = make_policy(spec, s, session.seed)
    builtin = resolve(spec) is None
    observe = getattr(policy, "observe", None)
    if observe is not None and session.events:
        observe(list(session.events))
    for _ in range(max_actions):
        if session.ended:
            break
        action = policy.decide(session.view())
        if not isinstance(action, Action):
            raise PluginError(f"policy {spec}: decide() returned {type(action).__name__}, not an Action")
        events = session.act(mended(s, action) if builtin else action)  # as in a built-in's own games
        if observe is not None:
            observe(events)
    return session


def jsonl(session: Session, overrides: Sequence[str] = ()) -> str:
    """The branch's transcript: as any run's, its header also naming where it branched from."""
    text = transcripts.jsonl(session, overrides)
    origin = origin_of(session)
    if origin is None:
        return text
    head, rest = text.split("\n", 1)
    data = json.loads(head)
    data["branched_from"] = origin.to_data()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n" + rest


def game_name(session: Session, scenario_ref: str) -> str:
    """What a branch of a game played in the TUI names as its source: the game's save, if any."""
    path = save_path(session)
    return str(path) if path.is_file() else f"{scenario_ref} (seed {session.seed})"


__all__ = ["BranchError", "Origin", "Original", "check_round", "game_name", "jsonl", "open_original", "origin_of",
           "play_on_moves", "play_on_policy", "remember", "save_path", "start"]
