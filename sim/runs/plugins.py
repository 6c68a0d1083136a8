"""Mediators by name: the built-ins, ``path/to/file.py:ClassName``, or an entry point in ``mediate.policies``.

A policy is what :class:`PolicyProtocol` describes: built from ``(scenario, seed)``, it is
asked :meth:`decide` with the mediator's :class:`~sim.engine.view.MediatorView` only and
returns an :class:`~sim.scenario.actions.Action`; :meth:`observe` (optional) gets the events
its last action caused. A spec is a plain string so it travels to worker processes and
cluster workers, each of which resolves it once (cached).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from sim.engine.events import Event
from sim.engine.session import Session
from sim.engine.view import MediatorView
from sim.errors import MediateError
from sim.runs.policies import POLICIES, make, play
from sim.scenario.actions import Action, wait
from sim.scenario.model import Scenario

GROUP = "mediate.policies"


@runtime_checkable
class PolicyProtocol(Protocol):
    """What a mediator must offer: ``Class(scenario, seed)`` then ``decide(view) -> Action``."""

    def decide(self, view: MediatorView) -> Action: ...


class PluginError(MediateError):
    """A policy spec that cannot be loaded (file or class missing, not a policy)."""


class PolicyExit(Exception):  # noqa: N818 (named for what happened: the policy exited)
    """A plug-in called ``sys.exit()``: turned into an ordinary exception so it fails that run only,
    as any other exception from the plug-in does, instead of ending the whole command."""

    def __init__(self, exc: SystemExit):
        super().__init__(f"the policy called sys.exit({exc.code!r}) during the game")


EXAMPLE = "docs/example_policy.py:Steady"
_FILES: dict[str, str] = {}
"""Each loaded plug-in file's real path → the path as the user wrote it (to locate its errors)."""


def spec_file(spec: str) -> Path | None:
    """The Python file a ``FILE.py:ClassName`` spec names (None for a built-in or an entry point)."""
    if spec in BUILTIN or ":" not in spec or _is_entry_point(spec):
        return None
    return Path(spec.rpartition(":")[0])


def _is_entry_point(spec: str) -> bool:
    return any(ep.name == spec for ep in entry_points(group=GROUP))


def located(exc: BaseException) -> str:
    """``FILE:LINE: `` of the last traceback frame inside a plug-in file (``FILE:LINE:COL: `` for a
    syntax error in one), or "" when the error did not come from a plug-in file."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        shown = _FILES.get(os.path.realpath(exc.filename))
        if shown is not None:
            return f"{shown}:{exc.lineno}:{exc.offset}: " if exc.offset else f"{shown}:{exc.lineno}: "
    for err in (exc, exc.__cause__):  # a PolicyExit's frames are on the SystemExit it stands for
        if err is None:
            continue
        frames = [f for f in traceback.extract_tb(err.__traceback__) if os.path.realpath(f.filename) in _FILES]
        if frames:
            return f"{_FILES[os.path.realpath(frames[-1].filename)]}:{frames[-1].lineno}: "
    return ""


def failure(spec: str, exc: BaseException, seed: int) -> str:
    """What ``mediate run`` says when a plug-in raised (or exited) during a game: where, what, which seed."""
    what = f"{exc}".removeprefix("the policy ") if isinstance(exc, PolicyExit) else \
        f"raised during the game: {type(exc).__name__}: {exc}"
    return f"{located(exc)}policy {spec} {what} (seed {seed})"


class Wait:
    """The "no mediator" baseline: waits every turn, so the game runs on its own."""

    name = "wait"

    def __init__(self, scenario: Scenario, seed: int):
        del scenario, seed  # needs neither: it never acts

    def decide(self, view: MediatorView) -> Action:
        del view
        return wait()


BUILTIN = (*POLICIES, "wait")
"""Names every command accepts without a file: the built-in mediators and the ``wait`` baseline."""

Factory = Callable[[Scenario, int], Any]


def _check_policy(obj: Any, where: str) -> Factory:
    if not isinstance(obj, type) or not callable(getattr(obj, "decide", None)):
        raise PluginError(f"{where} is not a policy: it must be a class with a decide(view) method "
                          f"returning an Action (see docs/policies.md)")
    return obj


def _check_file(spec: str, file: str, cls: str) -> Path:
    path = Path(file)
    if not cls.isidentifier():
        raise PluginError(f"policy {spec}: write FILE.py:ClassName, e.g. {EXAMPLE}")
    if path.is_dir():
        raise PluginError(f"policy {spec}: {file} is a folder: name the .py file in it that holds class {cls}")
    if path.exists() and not path.is_file():
        raise PluginError(f"policy {spec}: {file} is not a regular file (a device, FIFO or socket): "
                          "name a .py file on disk")
    if path.suffix != ".py":
        raise PluginError(f"policy {spec}: a policy file must be a Python file named .py (FILE.py:ClassName, "
                          f"e.g. {EXAMPLE})")
    if not path.exists():
        raise PluginError(f"policy {spec}: no such file {file}: check the path")
    return path


def _from_file(spec: str) -> Factory:
    file, _, cls = spec.rpartition(":")
    path = _check_file(spec, file, cls)
    name = f"mediate_policy_{abs(hash(str(path.resolve())))}"
    module = sys.modules.get(name)
    if module is None:
        loader_spec = importlib.util.spec_from_file_location(name, path)
        if loader_spec is None or loader_spec.loader is None:
            raise PluginError(f"policy {spec}: {file} is not a Python file")
        module = importlib.util.module_from_spec(loader_spec)
        _FILES[os.path.realpath(path)] = file
        try:
            loader_spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:  # the user's file: any error in it (even sys.exit) is theirs
            why = exc.msg if isinstance(exc, SyntaxError) else exc  # its own str repeats the file and line
            raise PluginError(f"{located(exc)}policy {spec}: importing {file} failed: "
                              f"{type(exc).__name__}: {why}") from None
        sys.modules[name] = module  # so instances and their classes pickle within this process
    if not hasattr(module, cls):
        found = sorted(k for k, v in vars(module).items() if isinstance(v, type) and hasattr(v, "decide"))
        hint = f" (policies in it: {', '.join(found)})" if found else ""
        raise PluginError(f"policy {spec}: {file} has no class {cls}{hint}")
    return _check_policy(getattr(module, cls), f"policy {spec}: {cls}")


def _from_entry_point(spec: str) -> Factory:
    found = [ep for ep in entry_points(group=GROUP) if ep.name == spec]
    if not found:
        names = sorted({*BUILTIN, *(ep.name for ep in entry_points(group=GROUP))})
        raise PluginError(f"unknown policy '{spec}': use one of {', '.join(names)}, "
                          f"FILE.py:ClassName, or an entry point in group {GROUP}")
    try:
        obj = found[0].load()
    except (Exception, SystemExit) as exc:  # a broken installed plug-in: say which, never a traceback
        raise PluginError(f"policy {spec}: loading entry point {found[0].value} failed: "
                          f"{type(exc).__name__}: {exc}") from None
    return _check_policy(obj, f"policy {spec} ({found[0].value})")


@functools.lru_cache(maxsize=64)
def resolve(spec: str) -> Factory | None:
    """The class a spec names, or None for a built-in (played by :func:`sim.runs.policies.play`)."""
    if spec in POLICIES:
        return None
    if spec == "wait":
        return Wait
    if spec_file(spec) is not None:
        return _from_file(spec)
    return _from_entry_point(spec)


def check(spec: str) -> str:
    """Load ``spec`` now (raising PluginError) so a bad name fails before any run starts."""
    resolve(spec)
    return spec


def play_spec(scenario: Scenario, spec: str, seed: int, max_actions: int = 10_000) -> Session:
    """A whole game under the policy ``spec`` names. A plug-in's own exception propagates, and its
    ``sys.exit()`` as :class:`PolicyExit` (so it fails this run, not the command)."""
    factory = resolve(spec)
    if factory is None:
        return play(scenario, spec, seed, max_actions)
    try:
        return _play_factory(scenario, spec, factory, seed, max_actions)
    except SystemExit as exc:
        raise PolicyExit(exc) from exc


def _play_factory(scenario: Scenario, spec: str, factory: Factory, seed: int, max_actions: int) -> Session:
    session = Session(scenario, seed)
    policy = factory(scenario, seed)
    observe: Callable[[list[Event]], Any] | None = getattr(policy, "observe", None)
    for _ in range(max_actions):
        if session.ended:
            break
        action = policy.decide(session.view())
        if not isinstance(action, Action):
            raise PluginError(f"policy {spec}: decide() returned {type(action).__name__}, not an Action")
        events = session.act(action)
        if observe is not None:
            observe(events)
    return session


def make_policy(spec: str, scenario: Scenario, seed: int) -> Any:
    """An instance of the policy ``spec`` names (for the TUI or a custom loop)."""
    factory = resolve(spec)
    return make(spec, scenario, seed) if factory is None else factory(scenario, seed)
