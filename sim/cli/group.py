"""The ``mediate`` command group: with no command it opens the TUI; a full or closed stdout ends it cleanly."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from sim.text import printable

# Errors that mean "the output can't be written": files are handled by sim.files (OutputError),
# so one of these reaching the entry point comes from writing stdout or stderr.
WRITE_ERRNOS = {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _silence_stdout() -> None:
    """Point stdout at the null device so the interpreter's final flush can't fail (and print a traceback)."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (e.g. under a test runner): nothing will be flushed to it at exit


class DefaultPlayGroup(click.Group):
    """`mediate` with no command opens the TUI (same as `mediate play`), and so does `mediate`
    followed by play's own options (`mediate --seed 7`, as a class is told to type)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or self._play_option(ctx, args[0]):
            args = ["play", *args]
        return super().parse_args(ctx, args)

    def _play_option(self, ctx: click.Context, arg: str) -> bool:
        play = self.get_command(ctx, "play")
        if play is None or not arg.startswith("-") or arg in ("-h", "--help"):
            return False
        name = arg.split("=", 1)[0]
        return any(name in p.opts for p in play.params if isinstance(p, click.Option))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Wraps all of click's handling, so --help and --version into a full stdout are covered too.
        try:
            try:
                return super().main(*args, **kwargs)
            finally:
                sys.stdout.flush()  # a full stdout shows here, inside the handler, not at interpreter exit
        except OSError as exc:
            if exc.errno not in WRITE_ERRNOS:
                raise
            _silence_stdout()
            if exc.errno != errno.EPIPE:  # a closed pipe (`| head`) ends quietly, as Unix tools do
                try:
                    print(f"mediate: cannot write to standard output: {printable(exc.strerror or exc)}",
                          file=sys.stderr)
                except OSError:
                    pass  # stderr is gone too: the exit code is all that is left to say it
            sys.exit(1)


@click.group(cls=DefaultPlayGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mediate-sim", prog_name="mediate")
def main() -> None:
    """mediate: play the mediator between parties drawn from real reporting.

    With no command, opens the TUI on the bundled scenario (play's options work here too:
    `mediate --seed 7`).

    \b
    Examples:
      mediate play --seed 7                         the same game for the whole class
      mediate run energy-truce-2025-03 --script history   what the US actually did
      mediate batch energy-truce-2025-03 --policy incremental --runs 2000 --workers 2
      mediate new my.yaml && mediate validate my.yaml && mediate analyze my.yaml
    """

