"""``mediate play``: the TUI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim.cli.common import Folder, fail, friendly


@click.command()
@click.argument("scenario", required=False)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Same seed + same actions = the same game (give a class one seed).")
@click.option("--resume", type=click.Path(path_type=Path), help="Continue a saved session.")
@click.option("--player", help="Your name, on your saves and exports (the picker remembers the last one).")
@click.option("--data-dir", type=Folder(),
              help="Keep saves here instead of the per-user data folder (created when needed).")
@click.option("--out", type=Folder(),
              help="Folder the debrief's export writes to (it must exist)  [default: the data folder's exports/]")
@click.option("--review", type=click.Path(path_type=Path),
              help="Open an exported transcript (.jsonl) or a save read-only in the debrief.")
@click.option("--class-dir", type=Folder(),
              help="A class folder: the name typed in the picker plays in its own folder inside it "
                   "(what `mediate serve` runs for each visitor).")
@friendly
def play(scenario: str | None, seed: int, resume: Path | None, player: str | None, data_dir: Path | None,
         out: Path | None, review: Path | None, class_dir: Path | None) -> None:
    """Open the TUI (scenario picker → briefing → negotiation → debrief)."""
    from sim.scenario import saves

    if out is not None and not out.is_dir():
        fail(f"--out {out}: no such folder: create it first, or leave --out out to use {saves.exports_dir()}")
    if class_dir is not None and data_dir is not None:
        fail("give --class-dir or --data-dir, not both: in a class, each player's folder is inside the class folder")
    saves.use_data_dir(data_dir)
    saves.use_exports_dir(out)
    # The TUI is a renderer over this library; it is imported only when asked for.
    from tui.app import run_tui

    sys.exit(run_tui(scenario, seed, resume, player=player, review=review, class_dir=class_dir))
