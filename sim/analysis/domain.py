"""The outcome space: :class:`Domain` (additive utilities on an exact grid) and :func:`random_domain`.

Model
-----
Issues ``i = 0..n-1`` with ``k_i`` options each; a *package* picks one option
per issue and is written as an int vector of option indices.  Parties
``p = 0..m-1`` have additive utilities in points::

    U_p(x) = sum_i c[i][p, x_i],   c[i][p, o] = w_{p,i} * v_{p,i}(o) / sum_j w_{p,j}

so a :class:`Domain` only stores the per-issue contribution tables ``c[i]``
(shape ``[m, k_i]``).  Option ``o`` of issue ``i`` is *allowed* unless some
party has it as a red line.  A package is *feasible* (in the ZOPA) iff every
option it picks is allowed and ``U_p(x) >= R_p`` for every party.

Exact arithmetic
----------------
On construction every contribution is snapped to a dyadic grid (a multiple
of ``2**-e`` where ``e`` is chosen so that the largest possible sum of
contributions -- over all issues and all parties -- stays below ``2**53``
grid units).  The change is below 1e-13 points for 0..100 domains, and in
exchange every package utility, partial sum and welfare sum is computed
*exactly* in float64, in any association order.  Ties between packages are
therefore true ties and comparisons against reservations are exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["Domain", "random_domain"]


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Domain:
    """A negotiation outcome space with additive utilities.

    Args:
        issues: issue ids, length n.
        options: option ids per issue, ``options[i]`` has length ``k_i >= 1``.
        parties: party ids, length m >= 1.
        contrib: per issue a float array ``[m, k_i]``: party p's points from
            option o of issue i (weight share times value), so that a package's
            utility is the sum of the picked entries.
        red_lines: per issue a bool array ``[m, k_i]``, True where party p has
            option o as a red line.
        reservation: float array ``[m]``, each party's reservation utility.

    Derived (not passed): ``allowed[i]`` (bool ``[k_i]``, False where any
    party has a red line).  Contributions are snapped to an exact dyadic grid
    (see module docstring); arrays are copied and made read-only.
    """

    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    parties: tuple[str, ...]
    contrib: tuple[np.ndarray, ...]
    red_lines: tuple[np.ndarray, ...]
    reservation: np.ndarray
    allowed: tuple[np.ndarray, ...] = field(init=False, repr=False)
    grid_exponent: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        issues = tuple(str(s) for s in self.issues)
        options = tuple(tuple(str(o) for o in opts) for opts in self.options)
        parties = tuple(str(p) for p in self.parties)
        n, m = len(issues), len(parties)
        if m < 1:
            raise ValueError("a domain needs at least one party")
        if len(options) != n or len(self.contrib) != n or len(self.red_lines) != n:
            raise ValueError(
                f"issues ({n}), options ({len(options)}), contrib ({len(self.contrib)}) "
                f"and red_lines ({len(self.red_lines)}) must have the same length"
            )
        if len(set(issues)) != n:
            raise ValueError("issue ids must be unique")
        if len(set(parties)) != m:
            raise ValueError("party ids must be unique")
        contrib, red = [], []
        for i in range(n):
            k = len(options[i])
            if k < 1:
                raise ValueError(f"issue {issues[i]!r} has no options")
            c = np.asarray(self.contrib[i], dtype=np.float64)
            r = np.asarray(self.red_lines[i], dtype=bool)
            if c.shape != (m, k):
                raise ValueError(f"contrib[{i}] has shape {c.shape}, expected {(m, k)}")
            if r.shape != (m, k):
                raise ValueError(f"red_lines[{i}] has shape {r.shape}, expected {(m, k)}")
            contrib.append(c)
            red.append(r)
        # One pass over all issues at once (policies build a domain every time what they know
        # changes): the same elementwise results as issue by issue.
        flat = np.concatenate([c.ravel() for c in contrib]) if contrib else np.zeros(0)
        if not np.isfinite(flat).all():
            bad = next(i for i, c in enumerate(contrib) if not np.isfinite(c).all())
            raise ValueError(f"contrib[{bad}] has non-finite values")
        res = np.asarray(self.reservation, dtype=np.float64).reshape(-1)
        if res.shape != (m,):
            raise ValueError(f"reservation has shape {res.shape}, expected {(m,)}")
        if not np.all(np.isfinite(res)):
            raise ValueError("reservations must be finite")
        # exact dyadic grid: every sum of <= n contributions, times m, < 2**53 units
        bound = sum(float(np.max(np.abs(c))) for c in contrib) * m
        e = 0 if bound == 0.0 else 52 - math.frexp(bound)[1]
        snapped = np.ldexp(np.rint(np.ldexp(flat, e)), -e)
        snapped.setflags(write=False)
        ends = np.cumsum([c.size for c in contrib])[:-1]
        parts = np.split(snapped, ends) if contrib else []
        contrib = [part.reshape(c.shape) for part, c in zip(parts, contrib, strict=True)]
        s = object.__setattr__
        s(self, "issues", issues)
        s(self, "options", options)
        s(self, "parties", parties)
        s(self, "contrib", tuple(contrib))  # views of one read-only array
        s(self, "red_lines", tuple(_frozen(r) for r in red))
        s(self, "reservation", _frozen(res))
        s(self, "allowed", tuple(_frozen(np.asarray(~r.any(axis=0))) for r in red))
        s(self, "grid_exponent", e)

    # ---- constructors ---------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        contrib: Sequence[np.ndarray] | np.ndarray,
        red_lines: Sequence[np.ndarray] | np.ndarray | None = None,
        reservation: Sequence[float] | np.ndarray | float | None = None,
        *,
        issues: Sequence[str] | None = None,
        options: Sequence[Sequence[str]] | None = None,
        parties: Sequence[str] | None = None,
    ) -> Domain:
        """Build a domain from contribution arrays, with default ids.

        ``contrib``: sequence of ``[m, k_i]`` arrays (or one ``[n, m, k]``
        array).  ``red_lines``: same shapes, bool (default: none).
        ``reservation``: ``[m]`` or a scalar (default 0).  Default ids are
        ``I0, I1, ...``, ``o0, o1, ...`` and ``P0, P1, ...``.
        """
        contrib = [np.asarray(c, dtype=np.float64) for c in contrib]
        if not contrib and parties is None and reservation is None:
            raise ValueError("with no issues, pass parties or reservation to fix m")
        if contrib:
            m = contrib[0].shape[0]
        elif parties is not None:
            m = len(parties)
        else:
            m = int(np.asarray(reservation).size)
        if red_lines is None:
            red_lines = [np.zeros(c.shape, dtype=bool) for c in contrib]
        if reservation is None:
            reservation = np.zeros(m)
        reservation = np.broadcast_to(np.asarray(reservation, dtype=np.float64), (m,))
        issues = tuple(issues) if issues is not None else tuple(f"I{i}" for i in range(len(contrib)))
        if options is None:
            options = tuple(tuple(f"o{o}" for o in range(c.shape[1])) for c in contrib)
        parties = tuple(parties) if parties is not None else tuple(f"P{p}" for p in range(m))
        return cls(issues, tuple(map(tuple, options)), parties, tuple(contrib), tuple(red_lines), reservation)

    @classmethod
    def from_weights_values(
        cls,
        weights: np.ndarray,
        values: Sequence[np.ndarray],
        red_lines: Sequence[np.ndarray] | None = None,
        reservation: Sequence[float] | np.ndarray | float | None = None,
        **ids: Sequence,
    ) -> Domain:
        """Build from weights ``[m, n]`` and values (per issue ``[m, k_i]``, 0..100).

        ``contrib[i][p, o] = weights[p, i] * values[i][p, o] / weights[p].sum()``.
        """
        w = np.asarray(weights, dtype=np.float64)
        total = w.sum(axis=1)
        if np.any(total <= 0):
            raise ValueError("every party needs a positive total weight")
        contrib = [w[:, i, None] * np.asarray(v, dtype=np.float64) / total[:, None] for i, v in enumerate(values)]
        return cls.from_arrays(contrib, red_lines, reservation, **ids)

    # ---- basic facts ----------------------------------------------------

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    @property
    def n_options(self) -> tuple[int, ...]:
        return tuple(len(o) for o in self.options)

    @property
    def total_packages(self) -> int:
        """Size of the full product space (red lines ignored)."""
        return math.prod(self.n_options)

    @property
    def allowed_packages(self) -> int:
        """Number of packages touching no red line."""
        return math.prod(int(a.sum()) for a in self.allowed)

    def utilities(self, packages: np.ndarray) -> np.ndarray:
        """Utilities ``[P, m]`` of packages ``[P, n]`` (or ``[m]`` for one package)."""
        pk = np.asarray(packages, dtype=np.int64)
        single = pk.ndim == 1
        pk = np.atleast_2d(pk)
        u = np.zeros((pk.shape[0], self.n_parties))
        for i, c in enumerate(self.contrib):
            u += c[:, pk[:, i]].T
        return u[0] if single else u

    def is_feasible(self, packages: np.ndarray) -> np.ndarray | bool:
        """True where the package touches no red line and meets every reservation."""
        pk = np.asarray(packages, dtype=np.int64)
        single = pk.ndim == 1
        pk = np.atleast_2d(pk)
        ok = np.ones(pk.shape[0], dtype=bool)
        for i, a in enumerate(self.allowed):
            ok &= a[pk[:, i]]
        ok &= np.all(self.utilities(pk) >= self.reservation, axis=1)
        return bool(ok[0]) if single else ok

    def describe_package(self, package: Sequence[int] | np.ndarray) -> dict[str, str]:
        """``{issue id: option id}`` for a package of option indices."""
        return {self.issues[i]: self.options[i][int(o)] for i, o in enumerate(package)}

    def with_reservation(self, reservation: Sequence[float] | np.ndarray) -> Domain:
        return replace(self, reservation=np.asarray(reservation, dtype=np.float64))

    def without_red_line(self, party: int, issue: int, option: int) -> Domain:
        red = [np.array(r) for r in self.red_lines]
        red[issue][party, option] = False
        return replace(self, red_lines=tuple(red))


def random_domain(
    n_issues: int,
    n_options: int | Sequence[int],
    n_parties: int,
    seed: int,
    red_line_prob: float = 0.0,
    reservation: float | Sequence[float] = 0.0,
) -> Domain:
    """A random additive domain, reproducible from ``seed``.

    Draws, in this order, from ``numpy.random.default_rng(seed)``: weights
    ``uniform(0, 1, (m, n))``; then per issue values ``uniform(0, 100, (m, k_i))``;
    then, only if ``red_line_prob > 0``, per issue red lines
    ``random((m, k_i)) < red_line_prob``.  Contributions are
    ``w * v / sum(w)``; reservations are ``reservation`` (default 0).
    """
    rng = np.random.default_rng(seed)
    ks = [int(n_options)] * n_issues if isinstance(n_options, int | np.integer) else [int(k) for k in n_options]
    if len(ks) != n_issues:
        raise ValueError("n_options must be an int or have one entry per issue")
    weights = rng.uniform(0.0, 1.0, (n_parties, n_issues))
    values = [rng.uniform(0.0, 100.0, (n_parties, k)) for k in ks]
    red = None
    if red_line_prob > 0:
        red = [rng.random((n_parties, k)) < red_line_prob for k in ks]
    return Domain.from_weights_values(weights, values, red, reservation)

