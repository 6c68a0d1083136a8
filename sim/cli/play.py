"""``mediate play``: the TUI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim.cli.common import friendly


@click.command()
@click.argument("scenario", required=False)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Same seed + same actions = the same game (give a class one seed).")
@click.option("--resume", type=click.Path(path_type=Path), help="Continue a saved session.")
@friendly
def play(scenario: str | None, seed: int, resume: Path | None) -> None:
    """Open the TUI (scenario picker → briefing → negotiation → debrief)."""
    # The TUI is a renderer over this library; it is imported only when asked for.
    from tui.app import run_tui

    sys.exit(run_tui(scenario, seed, resume))
