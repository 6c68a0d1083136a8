"""Sweeps: a grid or a Latin hypercube of ``--set`` what-ifs, each point a cell of a batch.

``PATH=v1,v2,v3`` lists values (each read as YAML by ``--set``); ``PATH=lo:hi:step`` is the
range lo, lo+step, … up to hi inclusive; for a Latin hypercube, ``PATH=lo:hi`` is an interval
split into ``samples`` equal strata, one point drawn in each, the strata of the different paths
matched by independent random permutations (McKay et al. 1979). Whole-number ends give
whole-number values (write ``0.0:1.0`` for decimals). The design's draws come from the root seed, so a sweep replays exactly.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from sim.errors import MediateError

LHS_STREAM = 0x4C4853  # "LHS": the design's own seed stream, apart from the runs' seeds
MAX_CELLS = 100_000


class SweepError(MediateError):
    """A --sweep or --design that cannot be read."""


class SweepOptionsError(SweepError):
    """Options that do not go together (``--samples`` without ``--design lhs``, …): a usage error,
    where a bad value is bad input."""


@dataclass(frozen=True)
class Axis:
    path: str
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    whole: bool = False


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SweepError(f"--sweep {where}: '{text}' is not a number") from None
    if not math.isfinite(value):
        raise SweepError(f"--sweep {where}: '{text}' is not a finite number")
    return value


def _fmt(value: float, whole: bool) -> str:
    return str(int(round(value))) if whole else f"{value:.6g}"


def _is_int(text: str) -> bool:
    return text.strip().lstrip("+-").isdigit()


def typed(text: str) -> int | float | str:
    """A swept value as a row's column holds it: a number where the text is one written as
    Python writes it back (so a CSV's text is unchanged and a Parquet column is numeric)."""
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        if str(value) == text:
            return value
    return text


def parse(item: str) -> Axis:
    """One ``--sweep PATH=…`` argument."""
    path, sep, raw = item.partition("=")
    path, raw = path.strip(), raw.strip()
    if not sep or not path or not raw:
        raise SweepError(f"--sweep {item}: write PATH=v1,v2 or PATH=lo:hi:step, e.g. "
                         f"--sweep parties.russia.reservation=40:80:10")
    if ":" not in raw:
        values = tuple(v.strip() for v in raw.split(","))
        if any(not v for v in values):
            raise SweepError(f"--sweep {item}: an empty value between commas")
        return Axis(path, values)
    parts = raw.split(":")
    if len(parts) not in (2, 3):
        raise SweepError(f"--sweep {item}: a range is lo:hi (Latin hypercube) or lo:hi:step (grid)")
    lo, hi = _number(parts[0], item), _number(parts[1], item)
    if hi < lo:
        raise SweepError(f"--sweep {item}: the range's high end {parts[1]} is below its low end {parts[0]}")
    whole = _is_int(parts[0]) and _is_int(parts[1]) and (len(parts) == 2 or _is_int(parts[2]))
    if len(parts) == 2:
        return Axis(path, (), lo, hi, whole)
    step = _number(parts[2], item)
    if step <= 0:
        raise SweepError(f"--sweep {item}: the step must be positive")
    count = int(math.floor((hi - lo) / step + 1e-9)) + 1
    if count > MAX_CELLS:
        raise SweepError(f"--sweep {item}: {count:,} values; at most {MAX_CELLS:,}")
    return Axis(path, tuple(_fmt(lo + k * step, whole) for k in range(count)), lo, hi, whole)


def grid(axes: list[Axis]) -> list[tuple[tuple[str, str], ...]]:
    """Every combination of the axes' values, the last axis varying fastest."""
    for a in axes:
        if not a.values:
            raise SweepError(f"--sweep {a.path}={_fmt(a.low or 0, a.whole)}:{_fmt(a.high or 0, a.whole)} is an "
                             f"interval: give a step (lo:hi:step) for a grid, or use --design lhs --samples N")
    size = math.prod(len(a.values) for a in axes)
    if size > MAX_CELLS:
        raise SweepError(f"the grid has {size:,} points; at most {MAX_CELLS:,}")
    return [tuple(zip((a.path for a in axes), combo, strict=True))
            for combo in itertools.product(*(a.values for a in axes))]


def latin_hypercube(axes: list[Axis], samples: int, root: int) -> list[tuple[tuple[str, str], ...]]:
    """``samples`` points, one in each of ``samples`` equal strata of every axis' interval."""
    for a in axes:
        if a.low is None or a.high is None:
            raise SweepError(f"--sweep {a.path}: a Latin hypercube needs an interval PATH=lo:hi")
    if not 1 <= samples <= MAX_CELLS:
        raise SweepError(f"--samples {samples}: give 1 to {MAX_CELLS:,}")
    rng = np.random.default_rng(np.random.SeedSequence([root, LHS_STREAM]))
    cols = []
    for a in axes:
        assert a.low is not None and a.high is not None  # checked above
        k, r = rng.permutation(samples), rng.random(samples)
        if a.whole:  # the integers lo..hi cut into disjoint runs, one per stratum: values never repeat
            width = int(a.high - a.low) + 1
            if samples > width:
                raise SweepError(f"--sweep {a.path}: {int(a.low)}:{int(a.high)} holds only {width} whole number(s); "
                                 f"ask for fewer --samples or write decimal ends")
            start, end = k * width // samples, (k + 1) * width // samples
            cols.append([str(int(a.low) + int(s + math.floor(x * (e - s)))) for s, e, x in zip(start, end, r, strict=True)])
        else:
            cols.append([_fmt(a.low + u * (a.high - a.low), False) for u in (k + r) / samples])
    return [tuple((a.path, cols[k][j]) for k, a in enumerate(axes)) for j in range(samples)]


def design(items: list[str], kind: str = "grid", samples: int | None = None,
           root: int = 0) -> list[tuple[tuple[str, str], ...]]:
    """The sweep's points: each a tuple of (path, value) what-ifs. No ``--sweep``: one empty point."""
    axes = [parse(i) for i in items]
    paths = [a.path for a in axes]
    if len(set(paths)) != len(paths):
        raise SweepError(f"--sweep names {sorted({p for p in paths if paths.count(p) > 1})[0]} twice")
    if kind == "lhs":
        if not axes:
            raise SweepOptionsError("--design lhs needs at least one --sweep PATH=lo:hi")
        if samples is None:
            raise SweepOptionsError("--design lhs needs --samples N")
        return latin_hypercube(axes, samples, root)
    if samples is not None:
        raise SweepOptionsError("--samples goes with --design lhs")
    points: list[tuple[tuple[str, str], ...]] = grid(axes) if axes else [()]
    for a in axes:
        if len(set(a.values)) != len(a.values):
            raise SweepError(f"--sweep {a.path}: a value is listed twice")
    return points
