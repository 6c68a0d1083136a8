"""The ``mediate`` command's entry point: loading the CLI imports the whole engine (most of a
second), and Ctrl-C in that time should end it as Ctrl-C does later, without a traceback."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from sim.cli import main as cli
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    cli()
