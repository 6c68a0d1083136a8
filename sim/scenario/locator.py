"""Where things are in a YAML file: the marks of every value and key, by document path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.errors import Problem
from sim.scenario.refs import Path


@dataclass
class Locator:
    """Marks (1-based line and column) of every value and mapping key, by document path."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    arguments: dict[Path, tuple[str, int, int]] = field(default_factory=dict)
    """Paths a ``--set`` argument replaced: the argument, the column of its last key and of its value."""

    def at(self, path: Path, at_key: bool = False) -> tuple[int, int]:
        """The mark of ``path``, or of its nearest ancestor the file has (1:1 at worst)."""
        path = tuple(path)
        while True:
            if at_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]
            at_key = False

    def problem(self, path: Path, message: str, at_key: bool = False) -> Problem:
        """The problem at ``path``, located in the file, or at the ``--set`` argument that wrote
        the value there (the file's line holds the value the argument replaced)."""
        path = tuple(path)
        for n in range(len(path), 0, -1):
            if path[:n] in self.arguments:
                where, key_col, value_col = self.arguments[path[:n]]
                return Problem(where, 1, key_col if at_key and n == len(path) else value_col, message)
        line, col = self.at(path, at_key)
        return Problem(self.file, line, col, message)


def describe(path: Path) -> str:
    """A document path as an author writes it: ``parties[1].stances.energy``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def mark(m: Any) -> tuple[int, int]:
    """A PyYAML mark (0-based) as 1-based line and column."""
    return (m.line + 1, m.column + 1)
