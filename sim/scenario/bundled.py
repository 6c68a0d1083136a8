"""The scenarios that ship with mediate, and resolving a name to a scenario file."""

from __future__ import annotations

from pathlib import Path as FsPath

from sim.errors import NAMED, LoadError, Problem
from sim.scenario.refs import suggest

DEFAULT_SCENARIO = "energy-truce-2025-03"


def scenarios_dir() -> FsPath:
    """The folder holding the bundled scenarios."""
    sim_dir = FsPath(__file__).resolve().parent.parent
    # Inside an installed wheel the scenarios ship as sim/scenarios; in a checkout they sit at the top.
    for cand in (sim_dir / "scenarios", sim_dir.parent / "scenarios"):
        if cand.is_dir():
            return cand
    return sim_dir / "scenarios"


def bundled() -> list[FsPath]:
    """Bundled scenario files (templates and move scripts excluded), sorted by name."""
    return sorted(p for p in scenarios_dir().glob("*.yaml")
                  if not p.name.startswith("_") and p.name.count(".") == 1)


def resolve(name: str) -> FsPath:
    """A bundled scenario id or a path → the file's path (LoadError if neither)."""
    p = FsPath(name)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in name:
        return p
    cand = scenarios_dir() / f"{name}.yaml"
    if cand.exists():
        return cand
    ids = [b.stem for b in bundled()]
    raise LoadError([Problem(name, NAMED, 0, f"no bundled scenario '{name}'{suggest(name, ids)}; "
                                         "give a path to a .yaml file or see `mediate list`")])
