"""What every command shares: the consoles, located failures, scenario opening, --set."""

from __future__ import annotations

import functools
import os
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
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


class _Out(Console):
    """stdout. Into a pipe or file, a table is never cut: rich takes the width of whatever terminal
    stdin or stderr is (or 80), which says nothing about the reader of the pipe, and would shrink a
    wide table to ``da…`` cells; there, a table too wide for it is drawn at the narrowest width at
    which every cell shows whole (wrapping between words). On a terminal, or with COLUMNS set, that
width rules."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        need = 0
        if not self.is_terminal and "COLUMNS" not in os.environ:  # a width asked for is kept
            options = self.options.update_width(10_000)
            need = max((Measurement.get(self, options, o).minimum for o in objects if isinstance(o, Table)),
                       default=0)
        if need <= self.width:
            super().print(*objects, **kwargs)
            return
        # print(width=) can only narrow the console's width, so widen the console for this call.
        kept = self.width
        self.width = need
        try:
            super().print(*objects, **kwargs)
        finally:
            self.width = kept


err = Console(stderr=True, highlight=False, soft_wrap=True)
out = _Out(highlight=False, soft_wrap=True)


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


def _one_set_per_field(_ctx: click.Context, _param: click.Parameter, items: tuple[str, ...]) -> tuple[str, ...]:
    """Two --set of one field: the last would win silently, and a title naming both would mislead."""
    fields = [item.partition("=")[0].strip() for item in items]
    for n, field in enumerate(fields):
        if field and field in fields[:n]:
            raise click.BadParameter(f"{field} is set twice: keep one --set {field}=…")
    return items


def set_option(fn: Callable) -> Callable:
    return click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", callback=_one_set_per_field,
                        help="What-if: change one scenario field before the run, e.g. "
                             "--set parties.russia.reservation=60 (repeatable, one per field).")(fn)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def atomic_write(path: Path, text: str) -> None:
    """Write an output file by :mod:`sim.files`' rules, or exit 1 with ``cannot write PATH: reason``."""
    try:
        atomic_write_text(Path(path), text)
    except OutputError as exc:
        fail(str(exc))


def check_outputs(*paths: Path | None, inputs: Iterable[Path | None] = ()) -> None:
    """Refuse, before any work starts, output paths that can't be written (a folder, a missing folder),
    that are one of the command's ``inputs`` (writing would replace what it reads), or that name the
    same file as another of its outputs (one would overwrite the other)."""
    given = [Path(p) for p in paths if p is not None]
    for path in given:
        if str(path) == "-":  # many tools read it as stdout; a file named "-" would surprise
            fail("cannot write -: a file named '-' is not written: name a file, or /dev/stdout for the terminal")
        try:
            check_output(path)
        except OutputError as exc:
            fail(str(exc))
    sources = [Path(p) for p in inputs if p is not None]
    for k, path in enumerate(given):
        source = next((s for s in sources if same_file(path, s)), None)
        if source is not None:
            also = "" if str(source) == str(path) else f" (the same file as {printable(str(source))})"
            fail(f"cannot write {printable(str(path))}: it is one of this command's inputs{also}, and writing "
                 "it would replace what the command reads: name another output file")
        twin = next((o for o in given[:k] if same_file(path, o)), None)
        if twin is not None:
            also = "" if str(twin) == str(path) else f" ({printable(str(twin))} is the same file)"
            fail(f"cannot write {printable(str(path))}: two of this command's outputs name it{also}, so one would "
                 "overwrite the other: give each output its own file")


def same_file(a: Path, b: Path) -> bool:
    """Whether writing ``a`` would replace the regular file ``b`` is, or the new file ``b`` will be
    (symlinks resolved, hard links caught by ``samefile``). A device or FIFO is written through,
    never replaced, so it is never "the same file" (``--json /dev/stdout --report /dev/stdout`` is fine)."""
    try:
        sa: os.stat_result | None = os.stat(a)
    except OSError:
        sa = None
    try:
        sb: os.stat_result | None = os.stat(b)
    except OSError:
        sb = None
    if sa is not None and sb is not None:
        return stat.S_ISREG(sa.st_mode) and os.path.samestat(sa, sb)
    # Neither exists yet: the same path once symlinks are resolved. One exists and one does not: different.
    return sa is None and sb is None and os.path.realpath(a) == os.path.realpath(b)


def input_files(scenarios: Iterable[str] = (), policies: Iterable[str] = (),
                files: Iterable[Path | None] = ()) -> list[Path]:
    """The files a command reads, for :func:`check_outputs`: the scenarios named (by path or bundled
    id), the plug-in policy files, and any other input files given."""
    from sim.runs.plugins import spec_file

    found = [Path(f) for f in files if f is not None]
    for name in scenarios:
        try:
            found.append(loader.resolve(name))
        except LoadError:
            pass  # an unknown scenario is reported when it is opened
    found += [f for f in (spec_file(p) for p in policies) if f is not None]
    return found


def say(text: str, console: Console = err, style: str = "") -> None:
    """Print a message that may hold user text (paths, names) as plain, printable text, never markup."""
    console.print(Text(printable(text), style=style))


def wrote(path: Path) -> None:
    say(f"wrote {path}")

