"""``mediate compare``: a class's results side by side."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from sim.cli.common import atomic_write, check_outputs, fail, friendly, input_files, out, wrote
from sim.runs.compare import Result
from sim.scenario.loader import LoadError
from sim.scenario.model import Scenario
from sim.text import printable


def game_label(row: dict, scenario_id: str = "") -> str:
    """A game as a class reads it: when it began (and whether it is still on), else its file name
    without the part every export of the scenario shares."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(row["started_at"]).astimezone().strftime("%d %b %H:%M")
    except (TypeError, ValueError):
        name = str(row["name"])
        when = printable(name.removeprefix(f"mediate-{scenario_id}-").removeprefix(f"{scenario_id}-") or name)
    branch = "" if row.get("branched_after", "") == "" else f" branch after round {row['branched_after']}"
    return when + (" playing" if row["ended"] == "in progress" else "") + branch


def one_per_game(results: list[Result]) -> list[Result]:
    """A game exported and still saved is one game: its transcript (listed first) stands for it."""
    seen: set[tuple] = set()
    kept = []
    for res in results:
        key = (res.player, res.started_at, res.session.scenario.id, res.session.seed)
        if not (res.started_at and key in seen):
            kept.append(res)
        seen.add(key)
    return kept


def class_table(rows: list[dict], s: Scenario) -> Table:
    """The results as a table that fits 80 columns: only the player and game columns wrap."""
    from rich import box

    level = {o.id: n for n, o in enumerate(s.outcomes, start=1)}
    table = Table(title=Text(f"{len(rows)} game(s) of {s.title}", style="table.title"), title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0))  # the box's space divides columns
    table.add_column("player", justify="left", overflow="fold", min_width=6)
    table.add_column("game", justify="left", overflow="fold", min_width=8)  # a long file name folds, never "…"
    for col in ("seed", "tier", "days", "viol", "disp", "≠Nash", "hints"):
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))  # a header is never cut to "…"
    parties = [p for p in s.parties if all(f"surplus_{p.id}" in r for r in rows)]
    for p in parties:
        # A party's name wraps between words, never inside one.
        table.add_column(Text(f"±{p.name}"), justify="right", overflow="fold",
                         min_width=1 + max(len(w) for w in p.name.split()))
    for r in rows:
        off = "–" if r["issues_off_nash"] is None else str(r["issues_off_nash"])
        table.add_row(Text(printable(r["player"]) or "–"), Text(game_label(r, s.id)), str(r["seed"]),
                      str(level.get(r["best_tier"], 0)), f"{r['days_at_best_tier']:.1f}", str(r["violations"]),
                      str(r["disputes"]), off, str(r["hints"]), *[f"{r[f'surplus_{p.id}']:+.1f}" for p in parties])
    return table


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--scenario", help="The scenario the games were played on, when it is not the bundled one.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Also write the table as CSV.")
@click.option("--plot", is_flag=True, help="Also draw every game's final deal on one pair's outcome space.")
@click.option("--pair", metavar="A,B", help="The two parties (ids) the plot sets against each other "
                                          "(default: the first two).")
@friendly
def compare(files: tuple[Path, ...], scenario: str | None, csv_out: Path | None, plot: bool = False,
            pair: str | None = None) -> None:
    """Set a class's results side by side: FILES are transcripts (.jsonl), saves, or class folders.

    Each game is replayed from its seed and actions, so the table shows what happened. A folder
    (``mediate serve --class-dir``'s, or a data folder) gives every game in it: exported transcripts, and
    the saves of games not exported yet (still being played); run it again for the latest.
    ``--plot`` draws the deals on the outcome space (numbered as the table's rows).
    """
    import csv
    import io

    from sim.runs.compare import CHANGED_FIX, class_files, load

    expanded = [g for f in files for g in (class_files(f) if f.is_dir() else [f])]
    check_outputs(csv_out, inputs=input_files([scenario] if scenario else [], files=expanded))
    if not expanded:
        fail("no games found: give transcripts (.jsonl), saves, or a class folder holding them")
    results, problems = [], []
    for f in expanded:
        try:
            results.append(load(f, scenario, CHANGED_FIX))
        except LoadError as exc:
            problems += exc.problems
    results = one_per_game(results)
    if results:
        rows = [r.row() for r in results]
        s = results[0].session.scenario
        ids = plot_pair(s, pair) if plot else None  # a bad --pair stops before anything is shown
        titles = {o.id: o.title for o in s.outcomes}
        out.print(class_table(rows, s), soft_wrap=False)  # fit the terminal (the shared console soft-wraps)
        tiers = "; ".join(f"{n} {t}" for n, t in enumerate(titles.values(), 1))
        out.print(Text("game: when it began (playing: not over yet; a branch: the rounds it kept as played) · "
                       f"tier: highest outcome tier reached ({tiers}) · "
                       "days: days at that tier or above, over the whole game (run's 'in force at the end' counts "
                       "the last agreement only) · ≠Nash: issues where the final deal differs from the "
                       "full-information Nash package · ±: surplus over the walk-away point", style="dim"))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["best_tier"]] = counts.get(r["best_tier"], 0) + 1
        out.print(Text("Best tier reached: " + "; ".join(f"{titles.get(k, 'none')} × {v}" for k, v in counts.items())))
        if ids is not None:
            draw_deals([r.session for r in results], ids)
        if csv_out is not None:
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            atomic_write(csv_out, buf.getvalue())
            wrote(csv_out)
    if problems:
        fail(problems)



def plot_pair(s: Scenario, pair: str | None) -> tuple[str, str]:
    """The two parties ``--pair`` names (default: the first two), or a usage error saying what is wrong."""
    example = f"e.g. --pair {','.join(s.party_ids[:2])}"
    ids = tuple(x.strip() for x in pair.split(",")) if pair else tuple(s.party_ids[:2])
    if len(ids) != 2:
        raise click.UsageError(f"--pair needs two party ids of {s.id}, comma-separated, {example}")
    unknown = [i for i in ids if i not in s.party_ids]
    if unknown:
        raise click.UsageError(f"--pair needs two party ids of {s.id}: there is no party "
                               f"'{printable(unknown[0])}' (its parties: {', '.join(s.party_ids)}), {example}")
    if ids[0] == ids[1]:
        raise click.UsageError(f"--pair names {ids[0]} twice: the plot sets two different parties against each "
                               f"other, {example}")
    return ids[0], ids[1]


def draw_deals(sessions: list, ids: tuple[str, str]) -> None:
    """The class's deals on one outcome space of the parties ``ids``, in the terminal (plotext text)."""
    from sim.report import figures
    from sim.report.space import space

    s = sessions[0].scenario
    base = space(sessions[0], (ids[0], ids[1]))
    deals = [(str(n), (se.utility(ids[0], dict(se.agreement or s.default_package)),
                       se.utility(ids[1], dict(se.agreement or s.default_package))))
             for n, se in enumerate(sessions, start=1)]
    width = max(40, min(out.width, 120))
    out.print(Text(figures.as_text(figures.draw_class, s, base, deals, width=width, height=24)))
    out.print(Text("Numbers: the table's rows (no deal: the status quo) · N Nash package · K Kalai–Smorodinsky · "
                   "red lines: walk-away points at the end of game 1", style="dim"))
