"""What every command shares: the consoles, located failures, scenario opening, --set."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from sim.errors import MAX_SHOWN, MediateError, OutputError
from sim.files import atomic_write_text, check_output
from sim.scenario import loader
from sim.scenario.loader import LoadError, Problem
from sim.scenario.model import Scenario
from sim.text import printable


class Folder(click.Path):
    """A folder option: a path that exists must be a folder. click's own ``file_okay=False`` turns
    away a regular file only, and would let ``/dev/null`` through to fail at the first save."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, file_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)  # a Path: path_type says so
        if os.path.exists(path) and not os.path.isdir(path):
            self.fail(f"{printable(str(path))} is not a folder: name a folder", param, ctx)
        return path


err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def fail(problems: list[Problem] | str) -> None:
    """Print located problems to stderr (at most MAX_SHOWN a file) and exit 1."""
    if isinstance(problems, str):
        # Plain Text, never markup: a path like "sch[red].json" must show as typed.
        err.print(Text(printable(problems), style="red"))
        sys.exit(1)
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for name, found in by_file.items():
        for p in found[: MAX_SHOWN]:
            err.print(Text.assemble((f"{p.where}: ", "bold"), ("error: ", "red bold"),
                                    printable(p.message)))
        if len(found) > MAX_SHOWN:
            err.print(Text(f"… and {len(found) - MAX_SHOWN} more problems in {printable(name)}"))
    sys.exit(1)


def friendly(fn: Callable) -> Callable:
    """Turn LoadError (located messages) and any other MediateError into exit 1, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LoadError as exc:
            fail(exc.problems)
        except MediateError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)

    return wrapper


def open_scenario(name: str, overrides: tuple[str, ...] = ()) -> tuple[Scenario, loader.Locator, Path]:
    path = loader.resolve(name)
    scenario, loc = loader.load_scenario_located(path, overrides)
    return scenario, loc, path


def set_option(fn: Callable) -> Callable:
    return click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
                        help="What-if: change one scenario field before the run, e.g. "
                             "--set parties.russia.reservation=60 (repeatable).")(fn)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def atomic_write(path: Path, text: str) -> None:
    """Write an output file by :mod:`sim.files`' rules, or exit 1 with ``cannot write PATH: reason``."""
    try:
        atomic_write_text(Path(path), text)
    except OutputError as exc:
        fail(str(exc))


def check_outputs(*paths: Path | None) -> None:
    """Refuse, before any work starts, output paths that can't be written (a folder, a missing folder)."""
    for path in paths:
        if path is not None:
            try:
                check_output(Path(path))
            except OutputError as exc:
                fail(str(exc))


def say(text: str, console: Console = err, style: str = "") -> None:
    """Print a message that may hold user text (paths, names) as plain, printable text, never markup."""
    console.print(Text(printable(text), style=style))


def wrote(path: Path) -> None:
    say(f"wrote {path}")

