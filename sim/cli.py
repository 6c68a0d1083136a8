"""The ``mediate`` command line: thin renderers over the sim library.

Exit codes: 0 ok, 1 invalid input (a located message, never a traceback), 2 usage.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import loader
from .loader import LoadError, Problem
from .model import Scenario

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

SCHEMA_FILE = "mediate-scenario.schema.json"


def fail(problems: list[Problem] | str) -> None:
    """Print located problems to stderr and exit 1."""
    if isinstance(problems, str):
        err.print(Text(problems, style="red"))
    else:
        for p in problems[: loader.MAX_SHOWN]:
            err.print(Text.assemble((f"{p.file}:{p.line}:{p.col}: ", "bold"), ("error: ", "red bold"), p.message))
        if len(problems) > loader.MAX_SHOWN:
            err.print(f"… and {len(problems) - loader.MAX_SHOWN} more problems")
    sys.exit(1)


def friendly(fn: Callable) -> Callable:
    """Turn LoadError into exit 1 with located messages (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LoadError as exc:
            fail(exc.problems)

    return wrapper


def open_scenario(name: str) -> tuple[Scenario, loader.Locator, Path]:
    path = loader.resolve(name)
    scenario, loc = loader.load_scenario_located(path)
    return scenario, loc, path


class DefaultPlayGroup(click.Group):
    """`mediate` with no command opens the TUI (same as `mediate play`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            args = ["play"]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultPlayGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mediate-sim", prog_name="mediate")
def main() -> None:
    """mediate: play the mediator between parties drawn from real reporting.

    With no command, opens the TUI on the bundled scenario.
    """


# ---------------------------------------------------------------- authoring


@main.command("list")
@friendly
def list_cmd() -> None:
    """List the bundled scenarios."""
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("id", style="bold")
    table.add_column("title")
    table.add_column("parties")
    table.add_column("issues", justify="right")
    table.add_column("rounds", justify="right")
    found = loader.bundled()
    for path in found:
        try:
            s = loader.load_scenario(path)
        except LoadError as exc:
            table.add_row(Text(path.stem), Text(f"invalid: {exc.problems[0].message}", style="red"), "", "", "")
            continue
        table.add_row(Text(s.id), Text(s.title), Text(", ".join(p.name for p in s.parties)),
                      str(len(s.issues)), str(s.clock.max_rounds))
    out.print(table)
    out.print(Text(f"{len(found)} scenario(s) in {loader.scenarios_dir()}", style="dim"))


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--sources", type=click.Path(path_type=Path),
              help="Folder of the articles' texts: check every quote appears verbatim.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
def validate(files: tuple[str, ...], sources: Path | None, quiet: bool) -> None:
    """Validate scenario FILES (paths or bundled ids); with --sources, verify quotes."""
    problems: list[Problem] = []
    for name in files:
        try:
            scenario, loc, path = open_scenario(name)
        except LoadError as exc:
            problems += exc.problems
            continue
        found = loader.verify_quotes(scenario, loc, sources) if sources is not None else []
        problems += found
        if not found and not quiet:
            quotes = len(loader.iter_quotes(scenario))
            checked = f", {quotes} quotes verified against {sources}" if sources is not None else ""
            out.print(Text.assemble(("✓ ", "green bold"), f"{path}: valid scenario '{scenario.id}' "
                                    f"({len(scenario.parties)} parties, {len(scenario.issues)} issues{checked})"))
            for warning in scenario_warnings(scenario):
                out.print(Text.assemble(("! ", "yellow bold"), f"{path}: warning: {warning}"))
    if problems:
        fail(problems)


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Problems that don't make a scenario invalid but that its author should know."""
    try:
        from .analysis import domain_from_scenario, tier_reachability
    except ImportError:  # analysis not available in this build
        return []
    dom = domain_from_scenario(scenario)
    tiers = tier_reachability(dom, [dict(o.when) for o in scenario.outcomes], scenario)
    if not any(t.reachable for t in tiers):
        return ["no outcome tier is reachable with these red lines and reservations "
                "(see `mediate analyze` for what blocks each one)"]
    return []


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
        err.print(f"wrote {output}")


def json_schema() -> dict:
    body = Scenario.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://mediate.invalid/schema/scenario-v1.json", **body}


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(path: Path, force: bool) -> None:
    """Write a commented scenario template to PATH (and the JSON Schema beside it)."""
    if path.suffix not in (".yaml", ".yml"):
        path = path.with_suffix(".yaml")
    if path.exists() and not force:
        fail(f"{path} already exists: choose another name or pass --force")
    if not path.parent.is_dir():
        fail(f"{path.parent} is not a folder: create it first")
    template = (loader.scenarios_dir() / "_template.yaml").read_text(encoding="utf-8")
    atomic_write(path, template)
    schema_path = path.parent / SCHEMA_FILE
    if not schema_path.exists():
        atomic_write(schema_path, json.dumps(json_schema(), indent=2) + "\n")
    out.print(Text.assemble(("✓ ", "green bold"), f"wrote {path} (and {schema_path.name} for editor completion)"))
    out.print(f"next: edit it, then `mediate validate {path}`")


# ---------------------------------------------------------------- entry


def run() -> None:  # pragma: no cover - console entry
    main()


if __name__ == "__main__":  # pragma: no cover
    main()
