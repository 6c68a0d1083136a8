"""How long validate / analyze / the debrief's Nash take at the scenario format's limits.

Run by hand:  PYTHONPATH=. python benchmarks/limits.py [--quick]

For a grid of parties x issues x options it writes a random valid scenario
(:func:`scenario_text`, every party caring about every issue, values 0..100, a few red
lines, reservations 40..60, three outcome tiers) and times, in a subprocess of the real CLI
where it says so:

- ``load``: loading the scenario alone, in this process (the floor under the next two);
- ``validate``: ``mediate validate FILE`` (start-up, load, the tier check), budget 1 s;
- ``analyze``:  ``mediate analyze FILE --json``, budget 5 s;
- ``nash``:     the full-information Nash package of the debrief (``nash_distance``), budget 2 s;

each beside its budget (the anchor) and the ratio (of CPU time: a busy machine inflates wall
time, not CPU time), and whether the result was exact.  The
maxima (12 x 200 x 64) do not fit the loader's limits (1 MB, 100,000 YAML nodes) with every
party valuing every option of every issue; the grid has the largest full scenarios that do
(12 x 100 x 24, 12 x 200 x 11) and 12 x 200 x 64 with each party caring about 8% of the
issues.  Speed goals live here, not in unit tests.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGETS = {"load": 1.0, "validate": 1.0, "analyze": 5.0, "nash": 2.0}
GRID = [(2, 4, 3), (3, 8, 4), (4, 10, 6), (6, 10, 6), (6, 40, 6), (8, 60, 8), (12, 100, 16),
        (12, 100, 24), (12, 200, 11), (12, 200, 64, 0.08)]
QUICK = [(6, 10, 6), (6, 40, 6)]


def scenario_data(parties: int, issues: int, options: int, seed: int = 0, density: float = 1.0,
                  reservation: int | None = None) -> dict:
    """A random valid scenario (as data) with the given size.

    ``density``: share of issues each party cares about; ``reservation``: every party's
    (default: random in 40..60).
    """
    rng = np.random.default_rng(seed)
    opts = [str(o) for o in range(options)]
    issue_ids = [f"i{i}" for i in range(issues)]
    party_ids = [f"p{p}" for p in range(parties)]
    out_parties = []
    for p in party_ids:
        cares = [i for i in issue_ids if rng.random() < density] or issue_ids[:1]
        stances = {}
        for i in cares:
            values = rng.integers(0, 101, options)
            demand = int(np.argmax(values))
            reds = [opts[o] for o in range(options) if o != demand and o != 0 and rng.random() < 0.02]
            stances[i] = {"weight": int(rng.integers(1, 100)), "values": dict(zip(opts, values.tolist(), strict=True)),
                          "demand": opts[demand], "red_lines": reds, "visibility": "private"}
        trust = {o: 0.5 for o in [*party_ids, "mediator"] if o != p}
        res = int(rng.integers(40, 61)) if reservation is None else reservation
        out_parties.append({"id": p, "name": f"Party {p}", "reservation": res,
                            "trust": trust, "stances": stances})
    outcomes = [{"id": f"t{n}", "title": f"Tier {n}",
                 "when": {issue_ids[(n * 7) % issues]: [opts[(n + 1) % options]]}} for n in range(3)]
    return {
        "schema": 1, "id": f"limits-{parties}x{issues}x{options}", "title": "Limits", "summary": "Generated.",
        "sources": [{"id": "src", "outlet": "Test", "title": "T", "date": "2025-01-01"}],
        "clock": {"start": "2025-01-01T00:00:00+00:00", "round_hours": 24, "max_rounds": 10},
        "tags": ["t"],
        "issues": [{"id": i, "title": f"Issue {i}", "default": "0",
                    "options": [{"id": o, "label": f"Option {o}"} for o in opts]} for i in issue_ids],
        "mediator": {"name": "M"},
        "parties": out_parties,
        "outcomes": outcomes,
    }


def scenario_text(parties: int, issues: int, options: int, seed: int = 0, density: float = 1.0,
                  reservation: int | None = None) -> str:
    """The scenario as compact YAML (JSON is YAML), one party per line."""
    data = scenario_data(parties, issues, options, seed, density, reservation)
    body = {k: v for k, v in data.items() if k != "parties"}
    text = json.dumps(body, separators=(",", ":"))[:-1]
    lines = [json.dumps(p, separators=(",", ":")) for p in data["parties"]]
    return text + ',"parties":[\n' + ",\n".join(lines) + "]}\n"


def cli(*args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds, the finished process) of ``mediate ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "120"})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def load_seconds(path: Path) -> tuple[float, float, None]:
    """(wall, CPU) of loading the scenario alone: the floor under validate and analyze."""
    from sim.scenario.loader import load_scenario

    started, cpu = time.perf_counter(), time.process_time()
    load_scenario(path)
    return time.perf_counter() - started, time.process_time() - cpu, None


def nash_seconds(path: Path) -> tuple[float, float, bool | None]:
    """(wall, CPU, exact) of the debrief's full-information Nash package (the scenario already loaded)."""
    from sim.analysis.scenario_domains import nash_distance
    from sim.engine.session import Session
    from sim.scenario.loader import load_scenario

    session = Session(load_scenario(path), 0)
    started, cpu = time.perf_counter(), time.process_time()
    d = nash_distance(session)
    return time.perf_counter() - started, time.process_time() - cpu, None if d is None else d["exact"]


def row(name: str, wall: float, cpu: float, exact: object) -> str:
    """One timing beside its budget; the ratio uses CPU time, which other load on the machine does not inflate."""
    budget = BUDGETS[name]
    flag = {True: "exact", False: "approximate", None: "-"}.get(exact, str(exact))  # type: ignore[call-overload]
    return (f"  {name:<9} cpu {cpu:6.2f} s (wall {wall:6.2f} s)  budget {budget:4.1f} s  "
            f"ratio {cpu / budget:5.2f}  {flag}")


def main() -> None:
    grid = QUICK if "--quick" in sys.argv else GRID
    wall, cpu, _ = cli("--help")
    print(f"start-up (mediate --help): cpu {cpu:.2f} s, wall {wall:.2f} s -- included in validate and analyze")
    with tempfile.TemporaryDirectory() as tmp:
        for spec in grid:
            p, i, o = spec[:3]
            density = spec[3] if len(spec) > 3 else 1.0
            path = Path(tmp) / f"s-{p}x{i}x{o}.yaml"
            text = scenario_text(p, i, o, density=density)
            path.write_text(text, encoding="utf-8")
            print(f"{p} parties x {i} issues x {o} options" + (f" (density {density})" if density < 1 else "")
                  + f": {len(text.encode()) / 1000:,.0f} KB")
            wall, cpu, proc = cli("validate", str(path))
            if proc.returncode != 0:
                print(f"  not loadable: {proc.stdout.strip()[:120]}")
                continue
            print(row("load", *load_seconds(path)))
            print(row("validate", wall, cpu, "undecided" if "could not tell" in proc.stdout else "decided"))
            wall, cpu, proc = cli("analyze", str(path), "--json")
            exact = json.loads(proc.stdout)["exact"] if proc.returncode == 0 else f"rc={proc.returncode}"
            print(row("analyze", wall, cpu, exact))
            print(row("nash", *nash_seconds(path)))

if __name__ == "__main__":
    main()
