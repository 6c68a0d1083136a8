"""``mediate serve``: a class in the browser, each visitor in a process and folder of their own."""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path
from typing import Any

import click

from sim.cli.common import Folder, fail, friendly, say


def visitor_command(class_dir: Path, seed: int, scenario: str | None) -> str:
    """What the server runs for each browser visitor: the TUI in class mode (the picker asks the name)."""
    args = [sys.executable, "-m", "sim.cli", "play", "--class-dir", str(class_dir), "--seed", str(seed)]
    return shlex.join(args + ([scenario] if scenario else []))


WILDCARDS = frozenset({"0.0.0.0", "::", ""})
"""Hosts that mean "every interface": an address to listen on, never one a browser can open."""


def class_server(command: str, host: str, port: int, public_url: str | None) -> Any:
    """The textual-serve server. Without ``--public-url`` each page names the server by the
    address its visitor typed (the request's Host), so a page served to a classroom never
    sends its browser to 0.0.0.0 or to the teacher's own localhost."""
    from textual_serve.server import Server

    class ClassServer(Server):
        async def handle_index(self, request: Any) -> Any:
            if public_url is None:
                # The page's URLs are built synchronously from this before the handler yields.
                self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, _app: Any) -> None:
            # textual-serve's banner gives the command and an address built from --host, which for
            # 0.0.0.0 no browser can open; mediate's own start message has said where to go.
            self.console.print("Press Ctrl+C to stop serving.", highlight=False)

    return ClassServer(command, host=host, port=port, title="mediate", public_url=public_url)


def addresses(host: str, port: int) -> str:
    """Where students can reach the server, as the start message says it."""
    if host not in WILDCARDS:
        return f"at http://{host}:{port}"
    name = socket.gethostname()
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(name, port, socket.AF_INET, socket.SOCK_STREAM)}
    except OSError:
        found = set()
    ips = sorted(ip for ip in found if not ip.startswith("127."))
    where = ", ".join(f"http://{ip}:{port}" for ip in ips) or f"http://{name}:{port}"
    return f"on every interface, port {port} (students open this machine's address: {where})"


@click.command()
@click.argument("scenario", required=False)
@click.option("--class-dir", required=True, type=Folder(),
              help="The class folder: one folder per player name inside it (created when needed).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--host", default="localhost", show_default=True,
              help="Address to listen on (0.0.0.0 for every network interface, e.g. a classroom's Wi-Fi).")
@click.option("--public-url", help="The server's outside address, behind a proxy or tunnel only (else each page "
                   "talks back to the address its visitor typed).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="The seed the picker offers every student (they can change it).")
@friendly
def serve(scenario: str | None, class_dir: Path, port: int, host: str, public_url: str | None, seed: int) -> None:
    """Serve the TUI to a class's browsers: each visitor types a name and plays in their own folder.

    See the class's results as they come with `mediate compare CLASS_DIR`.
    """
    try:
        import textual_serve.server  # noqa: F401
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
    url = f"at {public_url}" if public_url else addresses(host, port)
    say(f"Serving mediate {url} · games kept in {folder} · results: mediate compare {shlex.quote(str(folder))}")
    class_server(visitor_command(folder, seed, scenario), host, port, public_url).serve()
