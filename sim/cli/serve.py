"""``mediate serve``: a class in the browser, each visitor in a process and folder of their own."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from sim.cli.common import Folder, fail, friendly, say


def visitor_command(class_dir: Path, seed: int, scenario: str | None) -> str:
    """What the server runs for each browser visitor: the TUI in class mode (the picker asks the name)."""
    args = [sys.executable, "-m", "sim.cli", "play", "--class-dir", str(class_dir), "--seed", str(seed)]
    return shlex.join(args + ([scenario] if scenario else []))


@click.command()
@click.argument("scenario", required=False)
@click.option("--class-dir", required=True, type=Folder(),
              help="The class folder: one folder per player name inside it (created when needed).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--host", default="localhost", show_default=True,
              help="Address to listen on (0.0.0.0 for every network interface, e.g. a classroom's Wi-Fi).")
@click.option("--public-url", help="The address students type, when it differs from http://HOST:PORT.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="The seed the picker offers every student (they can change it).")
@friendly
def serve(scenario: str | None, class_dir: Path, port: int, host: str, public_url: str | None, seed: int) -> None:
    """Serve the TUI to a class's browsers: each visitor types a name and plays in their own folder.

    See the class's results as they come with `mediate compare CLASS_DIR`.
    """
    try:
        from textual_serve.server import Server
    except ImportError:
        fail("mediate serve needs textual-serve: pip install 'mediate-sim[serve]'")
    if scenario is not None:
        from sim.scenario.loader import load_scenario, resolve

        load_scenario(resolve(scenario))  # a bad scenario is a located message here, not in every browser
    try:
        class_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create the class folder {class_dir}: {exc.strerror or exc}")
    folder = class_dir.resolve()
    url = public_url or f"http://{host}:{port}"
    say(f"Serving mediate at {url} · games kept in {folder} · results: mediate compare {shlex.quote(str(folder))}")
    Server(visitor_command(folder, seed, scenario), host=host, port=port, title="mediate",
           public_url=public_url).serve()
