"""Read scenario files into validated, frozen models, with every problem located.

The work is split by what it holds: :mod:`~sim.scenario.marked_yaml` reads YAML 1.2 into data
with marks, :mod:`~sim.scenario.validate` turns pydantic's errors into located messages,
:mod:`~sim.scenario.overrides` applies ``--set`` what-ifs, :mod:`~sim.scenario.bundled` finds
the shipped scenarios and :mod:`~sim.scenario.quotes` checks quotes against their sources.
This module ties them together and re-exports their public names. All problems of a file
are reported together; nothing here raises anything but :class:`LoadError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path as FsPath

from sim.errors import LoadError, Problem
from sim.scenario.bundled import DEFAULT_SCENARIO, bundled, resolve, scenarios_dir
from sim.scenario.checks import cross_check
from sim.scenario.locator import Locator, describe
from sim.scenario.marked_yaml import CORE_TAGS, MAX_ALIASES, MAX_DEPTH, MAX_NODES, CoreLoader, parse_yaml
from sim.scenario.model import Scenario, iter_quotes
from sim.scenario.overrides import apply_override
from sim.scenario.quotes import normalise, verify_quotes
from sim.scenario.text import decode, read_bounded_text
from sim.scenario.validate import validate_data

__all__ = ["LoadError", "Problem", "Locator", "describe", "resolve", "bundled", "scenarios_dir", "DEFAULT_SCENARIO",
           "load_scenario", "load_scenario_located", "parse_yaml", "read_text", "validate_data", "verify_quotes",
           "normalise", "iter_quotes", "decode", "apply_override", "CoreLoader", "CORE_TAGS", "MAX_BYTES",
           "MAX_NODES", "MAX_ALIASES", "MAX_DEPTH"]

MAX_BYTES = 1_000_000
"""Largest scenario or moves file read (the flagship is about 60 KB)."""


def read_text(path: FsPath, max_bytes: int = MAX_BYTES, what: str = "file") -> str:
    """The text of a regular file of at most ``max_bytes``, or a LoadError naming what is wrong.

    Devices, FIFOs and folders are refused before anything is read, so ``/dev/zero`` or a
    terminal given as a scenario can neither exhaust memory nor hang.
    """
    return read_bounded_text(FsPath(path), max_bytes, what)


def load_scenario_located(path: str | FsPath, overrides: Sequence[str] = ()) -> tuple[Scenario, Locator]:
    """Load a scenario; ``overrides`` are ``path.to.field=value`` changes made before validation."""
    path = FsPath(path)
    data, loc = parse_yaml(read_text(path), str(path))
    if isinstance(data, dict) and "moves" in data and "issues" not in data:
        raise LoadError([Problem(str(path), 1, 1, "this is a moves file, not a scenario: play it with "
                                                  f"`mediate run SCENARIO --script {path}`")])
    for item in overrides:
        done = apply_override(data, item)
        # Later problems in that value are the argument's, not the file's line holding the old value.
        loc.arguments[done.path] = (done.where, done.key_col, done.value_col)
    return validate_data(data, loc, Scenario, cross_check), loc


def load_scenario(path: str | FsPath) -> Scenario:
    """Load, validate and freeze a scenario file (raises LoadError)."""
    return load_scenario_located(path)[0]
