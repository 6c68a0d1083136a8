"""``mediate tournament``: mediators on the same seeds, baselines included, ranked with paired statistics."""

from __future__ import annotations

import math
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from sim.cli.batch import executor_options, open_executor, progress_bar, streamed
from sim.cli.common import check_outputs, friendly, input_files, open_scenario, out, say, set_option, wrote

LABELS = {"tier": "tier reached", "days_held": "days held", "nash_distance": "Nash distance",
          "surplus": "surplus", "durability": "durability", "coerced": "coerced deals"}


def _num(x: float, digits: int = 2) -> str:
    return "–" if math.isnan(x) else f"{x:.{digits}f}"


def refuse_repeats(names: list[str], message: str) -> None:
    """A usage error naming the first name given twice (``message`` holds ``{}`` for it)."""
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise click.UsageError(message.format(twice))


@click.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--policies", required=True, metavar="A,B,C",
              help="Mediators to rank, comma-separated: built-ins (incremental, maximal, random, nash, pressure, wait), "
                   "FILE.py:ClassName or entry points. The wait and random baselines always play.")
@click.option("--runs", type=click.IntRange(1, 1_000_000), required=True, help="Seeds per scenario (the same for all).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Root seed.")
@click.option("--against", "reference", default="wait", show_default=True,
              help="The policy every other is compared with, seed by seed.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Stream one row per run to this CSV.")
@executor_options
@set_option
@friendly
def tournament(scenarios: tuple[str, ...], policies: str, runs: int, seed: int, reference: str,
               csv_out: Path | None, workers: int, executor_kind: str, scheduler: str | None,
               overrides: tuple[str, ...]) -> None:
    """Rank mediators on the same seeds of SCENARIO…, with 'no mediator' and random baselines.

    Scores: tier reached, days the final agreement held, distance from the Nash point, total
    surplus, durability and coerced deals. The ranking is by mean tier reached, then mean days
    held, then mean surplus (higher first). Each policy's paired difference from --against
    (default: wait) gets a 95% bootstrap interval and a sign-flip p-value: the p-values are
    Holm-corrected across the table, the intervals are not adjusted for multiplicity (each is
    95% on its own). Fewer than 6 runs in all (scenarios × --runs) give a warning: then no
    p-value can reach 0.05.

    \b
    Example:
      mediate tournament energy-truce-2025-03 --policies incremental,maximal,nash --runs 200 --csv t.csv
    """
    from sim.runs import plugins
    from sim.runs.batch import columns
    from sim.runs.tables import CsvTable
    from sim.runs.tournament import METRICS, cells, lineup, run_tournament

    asked = [p.strip() for p in policies.split(",") if p.strip()]
    if not asked:
        raise click.UsageError("--policies needs at least one name")
    refuse_repeats(asked, "policy {} is named twice in --policies")
    for p in [*asked, reference]:
        plugins.check(p)
    check_outputs(csv_out, inputs=input_files(scenarios, [*asked, reference]))
    loaded = [open_scenario(name, overrides)[0] for name in scenarios]
    ids = [s.id for s in loaded]
    refuse_repeats(ids, "scenario {} is named twice")
    names = lineup([*asked, reference])
    sink = CsvTable(csv_out, columns(cells(loaded[:1], names[:1])[0])) if csv_out is not None else None
    # Interrupted, the runs played are kept; a ranking needs every policy on every seed.
    interrupted = (f"interrupted: the runs finished so far are in {csv_out}; no ranking, since not every policy "
                   "played every seed (run it again for one)")
    with streamed(sink, interrupted), open_executor(executor_kind, workers, scheduler) as ex, \
            progress_bar(f"tournament · {len(names)} policies", len(loaded) * len(names) * runs) as step:
        def on_row(row: dict) -> None:
            if sink is not None:
                sink.write(row)
            step()

        st = run_tournament(loaded, asked, runs, seed, ex, on_row, reference, overrides)
    show(st, METRICS, f"{', '.join(ids)} · {runs:,} seeds each (root seed {seed})")
    if any(st.failed.values()):
        say("note: failed runs (the policy raised): "
            + ", ".join(f"{p} {n:,}" for p, n in st.failed.items() if n), style="yellow")
    few = few_runs(runs * len(loaded))
    if few:
        say(few, style="yellow")
    if csv_out is not None:
        wrote(csv_out)


MIN_PAIRED = 6
"""Paired runs below which the statistics say little: a sign-flip p can't fall below 2/2^n < 0.05 until n = 6."""


def few_runs(n: int) -> str:
    """The warning for a tournament of ``n`` paired runs a policy (scenarios × --runs), or "" when enough."""
    if n >= MIN_PAIRED:
        return ""
    width = "have no width (one difference: nothing to resample)" if n == 1 else "are unreliable"
    return (f"warning: only {n} paired run(s) per policy: the bootstrap intervals {width}, and no p-value can "
            f"reach 0.05; use --runs 30 or more for meaningful intervals")


def show(st, metrics: tuple[str, ...], title: str) -> None:  # noqa: ANN001 (Standings; imported lazily)
    ranking = Table(title=Text(f"Ranking · {title}"), title_justify="left", pad_edge=False)
    ranking.add_column("#", justify="right", no_wrap=True)
    # A policy's name is never cut. Each measure is exactly as wide as its widest figure or
    # header word (its header wraps between words), so the built-ins fit in 80 columns.
    ranking.add_column("policy", no_wrap=True, min_width=max(len(p) for p in st.ranking()))
    cells = {p: [_num(st.means[p][m]) for m in metrics] for p in st.ranking()}
    for k, m in enumerate(metrics):
        width = max(*(len(w) for w in LABELS[m].split()), *(len(v[k]) for v in cells.values()))
        ranking.add_column(LABELS[m], justify="right", width=width)
    for k, p in enumerate(st.ranking(), 1):
        ranking.add_row(str(k), Text(p), *cells[p])
    out.print(ranking)
    diffs = Table(title=Text(f"Paired differences from {st.reference} (95% bootstrap interval; "
                             f"sign-flip p, Holm-corrected over {len(st.comparisons)} tests; * p < 0.05)"),
                  title_justify="left")
    # Nothing is ever cut: the policy is named once per block, measures and intervals wrap between words.
    names = [c.policy for c in st.comparisons] or [""]
    diffs.add_column("policy", no_wrap=True, min_width=max(len(p) for p in names))
    diffs.add_column("measure", min_width=max(len(w) for m in metrics for w in LABELS[m].split()))
    diffs.add_column("mean\ndifference", justify="right", no_wrap=True)
    diffs.add_column("95% interval", justify="right", min_width=len("-00.000 …"))
    diffs.add_column("p (Holm)", justify="right", no_wrap=True)
    for k, c in enumerate(st.comparisons):
        first = k == 0 or st.comparisons[k - 1].policy != c.policy
        last = k + 1 == len(st.comparisons) or st.comparisons[k + 1].policy != c.policy
        diffs.add_row(Text(c.policy if first else ""), LABELS[c.metric], f"{c.mean_diff:+.3f}" if c.n else "–",
                      f"{_num(c.low, 3)} … {_num(c.high, 3)}", f"{c.p_holm:.4f}{' *' if c.p_holm < 0.05 else '  '}",
                      end_section=last)
    out.print(diffs)
