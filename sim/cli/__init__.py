"""The ``mediate`` command line: thin renderers over the sim library, the only part that prints.

One module per command group; each command is a plain click command added to :data:`main`.
Exit codes: 0 ok, 1 invalid input (a located message, never a traceback), 2 usage.
"""

from __future__ import annotations

from sim.cli.analysis import analyze
from sim.cli.authoring import list_cmd, new, schema, validate
from sim.cli.batch import batch
from sim.cli.classroom import compare
from sim.cli.group import main
from sim.cli.play import play
from sim.cli.runs import run_cmd
from sim.cli.serve import serve
from sim.cli.tournament import tournament

for _command in (list_cmd, validate, schema, new, play, run_cmd, batch, tournament, analyze, compare, serve):
    main.add_command(_command)

__all__ = ["main"]
