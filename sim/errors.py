"""One exception hierarchy: everything mediate raises on purpose is a :class:`MediateError`.

Renderers (the CLI, the TUI) catch ``MediateError`` and show its message; anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.text import printable

MAX_SHOWN = 60
"""Problems shown per file: the rest are counted."""


class MediateError(Exception):
    """Base of every error mediate raises on purpose."""


class ActionRefused(MediateError):
    """The action can't be taken now (unknown id, no uses left, game over); nothing changed."""


class ReplayError(ActionRefused):
    """Action number ``index`` (0-based) of a replayed list no longer applies."""

    def __init__(self, index: int, action: str, reason: str):
        self.index, self.action, self.reason = index, action, reason
        super().__init__(f"action {index + 1} ({action}) can't be replayed: {reason}")


class AnalysisTooLarge(MediateError):
    """An analysis would exceed its size or time bound; callers fall back and say so."""


class OutputError(MediateError, OSError):
    """A file the user named can't be written (a folder, a missing folder, a full disk, a closed pipe).

    Raised by :func:`sim.files.atomic_write_text` and :class:`sim.files.Output` for every failure;
    nothing else escapes them, so ``except MediateError`` (or ``except OutputError``) is enough for a
    renderer. It is also an ``OSError`` (with ``strerror`` the reason, ``errno`` None), so callers
    written for plain file errors keep catching it. ``str(exc)`` is the whole message,
    ``cannot write PATH: reason``, safe to print.
    """

    def __init__(self, path: object, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"cannot write {printable(self.path)}: {printable(reason)}")
        self.strerror = reason


ARGUMENT = "--"
"""How a :class:`Problem`'s ``file`` starts when it names a command-line argument, not a file."""
NAMED = 0
"""A :class:`Problem`'s line when its ``file`` is a name the user gave that is no file (an
unknown bundled scenario id): there is no position to show."""


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    @property
    def where(self) -> str:
        """``file:line:col``; for a command-line argument (``--set PATH=VALUE``), the argument and
        its column, since ``--set a.b=75:1:9`` reads as if the value were 75:1:9."""
        # File names carry text from users' files: never let it reach a terminal raw.
        if self.file.startswith(ARGUMENT):
            return f"{printable(self.file)} (column {self.col})"
        if self.line == NAMED:
            return printable(self.file)
        return f"{printable(self.file)}:{self.line}:{self.col}"

    def __str__(self) -> str:
        return f"{self.where}: {printable(self.message)}"


class LoadError(MediateError):
    """One or more located problems with a file."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(self.render())

    def render(self) -> str:
        shown = [str(p) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            shown.append(f"… and {len(self.problems) - MAX_SHOWN} more problems")
        return "\n".join(shown)
