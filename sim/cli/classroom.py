"""``mediate compare``: a class's results side by side."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from sim.cli.common import atomic_write, check_outputs, fail, friendly, out, wrote
from sim.scenario.loader import LoadError
from sim.text import printable


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--scenario", help="The scenario the games were played on, when it is not the bundled one.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Also write the table as CSV.")
@friendly
def compare(files: tuple[Path, ...], scenario: str | None, csv_out: Path | None) -> None:
    """Set a class's results side by side: FILES are transcripts (.jsonl) or saves.

    Each game is replayed from its seed and actions, so the table shows what happened.
    """
    import csv
    import io

    from sim.runs.compare import load

    check_outputs(csv_out)
    results, problems = [], []
    for f in files:
        try:
            results.append(load(f, scenario))
        except LoadError as exc:
            problems += exc.problems
    if results:
        rows = [r.row() for r in results]
        s = results[0].session.scenario
        titles = {o.id: o.title for o in s.outcomes}
        level = {o.id: n for n, o in enumerate(s.outcomes, start=1)}
        from rich import box

        table = Table(title=Text(f"{len(rows)} game(s) of {s.title}", style="table.title"), title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
        # A long game name wraps (fold); the headers keep their width, never collapsing to "…".
        table.add_column("game", justify="left", overflow="fold", min_width=8)
        for col in ("seed", "tier", "days", "viol", "disp", "≠Nash", "hints"):
            table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
        parties = [p for p in s.parties if all(f"surplus_{p.id}" in r for r in rows)]
        for p in parties:
            table.add_column(Text(f"±{p.name}"), justify="right", no_wrap=True, min_width=len(p.name) + 1)
        for r in rows:
            off = "–" if r["issues_off_nash"] is None else str(r["issues_off_nash"])
            table.add_row(Text(printable(r["name"])), str(r["seed"]), str(level.get(r["best_tier"], 0)),
                          f"{r['days_at_best_tier']:.1f}", str(r["violations"]), str(r["disputes"]), off,
                          str(r["hints"]), *[f"{r[f'surplus_{p.id}']:+.1f}" for p in parties])
        out.print(table)
        out.print(Text("tier: highest outcome tier reached (" + "; ".join(f"{n} {t}" for n, t in
                                                                         enumerate(titles.values(), 1)) +
                       ") · days: how long it held · ≠Nash: issues where the final deal differs from the "
                       "full-information Nash package · ±: surplus over the walk-away point", style="dim"))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["best_tier"]] = counts.get(r["best_tier"], 0) + 1
        out.print(Text("Best tier reached: " + "; ".join(f"{titles.get(k, 'none')} × {v}" for k, v in counts.items())))
        if csv_out is not None:
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            atomic_write(csv_out, buf.getvalue())
            wrote(csv_out)
    if problems:
        fail(problems)

