"""``--set a.b.c=value``: what-if changes to parsed scenario data, made before validation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sim.errors import LoadError, Problem
from sim.scenario.marked_yaml import parse_yaml
from sim.scenario.refs import Path, suggest


@dataclass(frozen=True)
class Override:
    """Where one ``--set`` wrote: the document path, the argument, and the columns (in the
    argument) of the last key and of the value, so later problems there name the argument."""

    path: Path
    where: str
    key_col: int
    value_col: int


def _quote_hint(key: str, raw: str) -> str:
    if '"' in raw or "'" in raw:
        return "if it is text, quote it in YAML (\"…\") inside the shell's quotes"
    return f"if it is text, quote it: --set '{key}=\"{raw}\"'"


def _value(raw: str, where: str, key: str, value_col: int) -> Any:
    """The value read as YAML; its problems located in the argument, not in the value alone."""
    if not raw:
        return ""
    try:
        value, _ = parse_yaml(raw, where, empty=None)
    except LoadError as exc:
        shifted = []
        for p in exc.problems:
            msg = p.message
            if msg.startswith("YAML"):  # markup-like text ([bold], `a: b`, {x}) is not meant as YAML
                msg = f"{msg}: {_quote_hint(key, raw)}"
            shifted.append(replace(p, col=p.col + value_col - 1 if p.line == 1 else p.col, message=msg))
        raise LoadError(shifted) from None
    return value


def apply_override(data: Any, item: str) -> Override:
    """Set one field of parsed scenario data from ``a.b.c=value`` (for what-if runs).

    Path parts walk mappings by key and lists by an element's ``id`` (or its index); the
    value is read as YAML (``60``, ``-0.2``, ``[energy, rail]``, ``true``). Problems are
    reported against the ``--set`` argument, column-located; so are the problems validation
    later finds in the value (see :attr:`sim.scenario.locator.Locator.arguments`).
    """
    where = f"--set {item}"
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise LoadError([Problem(where, 1, 1, "write --set PATH=VALUE, e.g. --set parties.russia.reservation=60")])
    value_col = len(key) + 2 + len(raw) - len(raw.lstrip())
    value = _value(raw.strip(), where, key.strip(), value_col)
    parts = key.strip().split(".")
    cur = data
    col = 1 + len(key) - len(key.lstrip())
    done: list[str | int] = []
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(cur, dict):
            if last:
                cur[part] = value
                return Override((*done, part), where, col, value_col)
            if part not in cur:
                raise LoadError([Problem(where, 1, col, f"no '{part}' here{suggest(part, list(cur))}")])
            done.append(part)
            cur = cur[part]
        elif isinstance(cur, list):
            ids = [x.get("id") if isinstance(x, dict) else None for x in cur]
            if part in ids:
                idx = ids.index(part)
            elif part.isascii() and part.isdigit() and len(part) < 10 and int(part) < len(cur):
                idx = int(part)
            else:
                raise LoadError([Problem(where, 1, col, f"no item '{part}' in this list"
                                                        f"{suggest(part, [str(i) for i in ids if i])}")])
            if last:
                cur[idx] = value
                return Override((*done, idx), where, col, value_col)
            done.append(idx)
            cur = cur[idx]
        else:
            raise LoadError([Problem(where, 1, col, f"'{'.'.join(parts[:n])}' is a single value, not a mapping or list")])
        col += len(part) + 1
    raise AssertionError("unreachable: the last part returns")
