"""``python -m sim.cli``: the same as the ``mediate`` command."""

from sim.cli import main

main()
