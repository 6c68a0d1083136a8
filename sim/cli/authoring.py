"""Commands for scenario authors: list, validate, schema, new."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from sim.cli.common import atomic_write, check_outputs, fail, friendly, open_scenario, out, plural, say, wrote
from sim.scenario import loader
from sim.scenario.loader import LoadError, Locator, Problem
from sim.scenario.model import Scenario
from sim.text import printable

SCHEMA_FILE = "mediate-scenario.schema.json"


@click.command("list")
@friendly
def list_cmd() -> None:
    """List the bundled scenarios."""
    found = loader.bundled()
    # The id is what a user types: never cut, never wrapped; titles and names wrap, never cut.
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("id", style="bold", no_wrap=True, min_width=max((len(printable(p.stem)) for p in found), default=2))
    table.add_column("title", overflow="fold")
    table.add_column("parties", overflow="fold")
    table.add_column("issues", justify="right", no_wrap=True, min_width=6)
    table.add_column("rounds", justify="right", no_wrap=True, min_width=6)
    for path in found:
        try:
            s = loader.load_scenario(path)
        except LoadError as exc:
            table.add_row(Text(printable(path.stem)), Text(printable(f"invalid: {exc.problems[0].message}"), style="red"),
                          "", "", "")
            continue
        table.add_row(Text(s.id), Text(s.title), Text(", ".join(p.name for p in s.parties)),
                      str(len(s.issues)), str(s.clock.max_rounds))
    out.print(table)
    say(f"{len(found)} scenario(s) in {loader.scenarios_dir()}", console=out, style="dim")


@click.command()
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
        found += history_problems(scenario, loc, path)
        problems += found
        if not found and not quiet:
            quotes = len(loader.iter_quotes(scenario))
            checked = f", {quotes} quotes verified against {sources}" if sources is not None else ""
            out.print(Text.assemble(("✓ ", "green bold"), printable(
                f"{path}: valid scenario '{scenario.id}' ({plural(len(scenario.parties), 'party', 'parties')}, "
                f"{plural(len(scenario.issues), 'issue')}{checked})")))
            for warning in scenario_warnings(scenario, loc, path):
                out.print(Text.assemble(("! ", "yellow bold"), printable(warning)))
    if problems:
        fail(problems)



def scenario_warnings(scenario: Scenario, loc: Locator, path: Path) -> list[str]:
    """Problems that don't make a scenario invalid but that its author should know, each
    ``file:line:col: warning: …`` (or ``file: warning: …`` when about the whole scenario)."""
    from sim.analysis.authoring import authoring_warnings, tier_check

    found: list[str] = []
    check = tier_check(scenario)
    if check.none_reachable:
        found.append(f"{path}: warning: no outcome tier is reachable with these red lines and walk-away points "
                     "(see `mediate analyze` for what blocks each one)")
    elif check.inconclusive:
        found.append(f"{path}: warning: could not tell within validate's time bound whether any outcome tier is "
                     "reachable (the scenario is large; `mediate analyze` searches further)")
    found += [str(loc.problem(w.path, f"warning: {w.message}", w.at_key)) for w in authoring_warnings(scenario, check)]
    return found


def history_problems(scenario: Scenario, loc: Locator, path: Path) -> list[Problem]:
    """The moves file named under ``history:``, loaded against the scenario: its problems (a
    missing file is reported at the scenario's ``history:`` line)."""
    from sim.runs.scripts import history_file
    from sim.scenario.actions import load_moves

    if scenario.history is None:
        return []  # a bundled <id>.history.yaml is checked by the tests that ship it
    named = history_file(scenario, path)
    if named is None:
        return []
    if not named.is_file():
        return [loc.problem(("history",), f"history: no moves file {named} (the path is relative to this "
                                          "scenario file): fix the name or remove history")]
    try:
        load_moves(named, scenario)
    except LoadError as exc:
        return list(exc.problems)
    return []


@click.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
        wrote(output)


def json_schema() -> dict:
    body = Scenario.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://mediate.invalid/schema/scenario-v1.json", **body}



@click.command()
@click.argument("target", metavar="PATH", type=click.Path())
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(target: str, force: bool) -> None:
    """Write a commented scenario template to PATH (and the JSON Schema beside it)."""
    path = Path(target)
    if path.is_dir():
        fail(f"{path} is a folder: give a file name, e.g. {path / 'my-scenario.yaml'}")
    # Path() drops a trailing slash: "drafts/" meant a folder, not a file drafts.yaml.
    if target.endswith(("/", os.sep)) or (os.altsep and target.endswith(os.altsep)):
        fail(f"there is no folder {target}: create it first, or give a file name, e.g. {path / 'my-scenario.yaml'}")
    if path.suffix not in (".yaml", ".yml"):
        path = path.with_suffix(".yaml")
    if path.exists() and not force:
        fail(f"{path} already exists: choose another name or pass --force")
    check_outputs(path)
    template = (loader.scenarios_dir() / "_template.yaml").read_text(encoding="utf-8")
    atomic_write(path, template)
    schema_path = path.parent / SCHEMA_FILE
    if not path.is_file():  # a device such as /dev/null: nothing beside it
        also = ""
    elif schema_path.exists():  # it may be the user's own, or another scenario's: left alone
        also = f" ({schema_path.name} for editor completion was already there: left as it was)"
    else:
        atomic_write(schema_path, json.dumps(json_schema(), indent=2) + "\n")
        also = f" (and {schema_path.name} for editor completion)"
    out.print(Text.assemble(("✓ ", "green bold"), printable(f"wrote {path}{also}")))
    say(f"next: edit it, then `mediate validate {path}`", console=out)
