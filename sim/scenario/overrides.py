"""``--set a.b.c=value``: what-if changes to parsed scenario data, made before validation."""

from __future__ import annotations

from typing import Any

from sim.errors import LoadError, Problem
from sim.scenario.marked_yaml import parse_yaml
from sim.scenario.refs import suggest


def apply_override(data: Any, item: str) -> None:
    """Set one field of parsed scenario data from ``a.b.c=value`` (for what-if runs).

    Path parts walk mappings by key and lists by an element's ``id`` (or its index); the
    value is read as YAML (``60``, ``-0.2``, ``[energy, rail]``, ``true``). Problems are
    reported against the ``--set`` argument, column-located.
    """
    where = f"--set {item}"
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise LoadError([Problem(where, 1, 1, "write --set PATH=VALUE, e.g. --set parties.russia.reservation=60")])
    value, _ = parse_yaml(raw.strip() or "''", where) if raw.strip() else ("", None)
    parts = key.strip().split(".")
    cur = data
    col = 1
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(cur, dict):
            if last:
                cur[part] = value
                return
            if part not in cur:
                raise LoadError([Problem(where, 1, col, f"no '{part}' here{suggest(part, list(cur))}")])
            cur = cur[part]
        elif isinstance(cur, list):
            ids = [x.get("id") for x in cur if isinstance(x, dict)]
            if part in ids:
                idx = ids.index(part)
            elif part.isdigit() and int(part) < len(cur):
                idx = int(part)
            else:
                raise LoadError([Problem(where, 1, col, f"no item '{part}' in this list"
                                                        f"{suggest(part, [str(i) for i in ids if i])}")])
            if last:
                cur[idx] = value
                return
            cur = cur[idx]
        else:
            raise LoadError([Problem(where, 1, col, f"'{'.'.join(parts[:n])}' is a single value, not a mapping or list")])
        col += len(part) + 1
