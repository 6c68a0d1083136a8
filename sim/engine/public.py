"""The scenario as the mediator may read it: hidden numbers replaced by the view's assumptions.

A :class:`~sim.engine.view.MediatorView` carries a scenario for titles, options, outcome tiers
and the rules of the game. It must not carry what the parties hide, so each party's walk-away
point, concession rate, weights and option values are replaced by the assumptions the view's
forecasts make (walk-away 50, β = 1, weight 10, the stated demand worth 100, a public red line
0, any other option 50), and private stances are left out altogether.
"""

from __future__ import annotations

from sim.memo import Memo
from sim.scenario.model import Party, Scenario, Stance

ASSUMED_RESERVATION = 50.0
ASSUMED_WEIGHT = 10.0
ASSUMED_DEFAULT_VALUE = 60.0
ASSUMED_CHANGE_VALUE = 40.0
VALUE_SD = 40.0
"""Spread of an unknown option value (points): the assumed 50 (or 100, 0) may be far off."""
VALUE_CORRELATION = 0.6
"""Share of the value error common to all the assumed values (it does not average out)."""
RESERVATION_SD = 12.0
"""Spread of an unknown walk-away point around the assumed 50."""
CONCESSION_SD = 0.5
"""Relative spread of how much a party concedes per round: its concession rate is unknown."""
TRUST_SD = 3.0
"""Threshold points that trust moves since the last answer may add or take away."""
_PUBLIC: Memo[Scenario] = Memo(32)


def _stance(st: Stance, options: tuple[str, ...]) -> Stance:
    values = {o: 100.0 if o == st.demand else 0.0 if o in st.red_lines else 50.0 for o in options}
    return st.model_copy(update={"weight": ASSUMED_WEIGHT, "values": values})


def _party(s: Scenario, p: Party) -> Party:
    stances = {i: _stance(st, s.issue(i).option_ids) for i, st in p.stances.items() if st.visibility == "public"}
    fields = {k: getattr(p, k) for k in type(p).model_fields}
    fields.update(reservation=ASSUMED_RESERVATION, concession=1.0, stances=stances)
    # model_construct, not model_copy: a copy would keep the original's cached lookups.
    return type(p).model_construct(_fields_set=p.model_fields_set, **fields)


def public_scenario(s: Scenario) -> Scenario:
    """``s`` without what its parties hide (remembered: a game takes a view before every decision)."""
    return _PUBLIC.get(id(s), (s,), lambda: _public(s))


def _public(s: Scenario) -> Scenario:
    fields = {k: getattr(s, k) for k in type(s).model_fields}
    fields["parties"] = tuple(_party(s, p) for p in s.parties)
    public = type(s).model_construct(_fields_set=s.model_fields_set, **fields)
    # Already public: a copy of a view passes its public scenario, and keeps it.
    _PUBLIC.get(id(public), (public,), lambda: public)
    return public
