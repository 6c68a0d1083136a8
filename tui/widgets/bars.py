"""While a package is being built: a bar per party with its estimated utility (and the spread
of that estimate) against its estimated threshold and its walk-away point, all from what the
mediator knows (``MediatorView.forecast``: nothing the mediator hasn't learned)."""

from __future__ import annotations

from textual.content import Content

from sim.engine.view import ASSUMED_RESERVATION, MediatorView

from .common import ERROR, MUTED, SUCCESS, WARNING

CELLS = 20
"""Cells of the 0–100 scale (5 points each)."""

THRESHOLD_MARK = "┃"
WALK_AWAY_MARK = "W"


def _cell(points: float) -> int:
    return min(CELLS - 1, max(0, int(points * CELLS / 100)))


def bar_content(view: MediatorView, party_id: str, package: dict[str, str]) -> Content:
    """Two lines: the bar (█ the estimate's sure part, ▒ its spread, ┃ the estimated threshold,
    W the walk-away point), then the numbers; marks and words, never colour alone."""
    u, tau, spread = view.forecast(party_id, package)
    known = view.party(party_id).reservation
    walk = known if known is not None else ASSUMED_RESERVATION
    lo, hi = _cell(u - spread), _cell(u + spread)
    cells = ["█" if n < lo else "▒" if n <= hi else "·" for n in range(CELLS)]
    cells[_cell(walk)] = WALK_AWAY_MARK
    cells[_cell(tau)] = THRESHOLD_MARK
    style = SUCCESS if u - spread >= tau else ERROR if u + spread < tau else WARNING
    bar = Content.assemble(("0 ", MUTED), *[(c, f"{style} bold" if c == THRESHOLD_MARK else
                                             MUTED if c in "·W" else style) for c in cells], (" 100", MUTED))
    walk_words = f"walk-away {walk:.0f}" if known is not None else f"walk-away ~{walk:.0f}?"
    legend = Content.styled(f"est. {u:.0f} ±{spread:.0f} · {THRESHOLD_MARK} needs ~{tau:.0f} · "
                            f"{WALK_AWAY_MARK} {walk_words}", MUTED)
    return Content.assemble(bar, "\n", legend)
