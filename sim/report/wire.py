"""One plain-text news-wire line per event: the CLI transcript, the TUI's wire, the report's timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sim.engine import events as ev
from sim.report.glossary import possessive
from sim.scenario import requires
from sim.scenario.model import MEDIATOR, Scenario


def name_of(s: Scenario, who: str) -> str:
    if who == MEDIATOR:
        return s.mediator.name
    return s.party(who).name if who in s.party_ids else who


def package_text(s: Scenario, package: dict[str, str], only: Iterable[str] | None = None) -> str:
    ids = list(only) if only is not None else [i for i in s.issue_ids if package[i] != s.issue(i).default_option]
    if not ids:
        return "nothing beyond the status quo"
    return "; ".join(f"{s.issue(i).title}: {s.issue(i).option(package[i]).label}" for i in ids)


def stamp(s: Scenario, e: ev.Event) -> str:
    when = s.clock.start + timedelta(hours=e.t)
    return f"R{e.round + 1:>2} {when:%d %b %H:%M}"  # rounds are 1-based for people, 0-based in files


def response_reasons(s: Scenario, e: ev.Responded) -> tuple[str, ...]:
    """A response's reasons in words: the red lines it hit, else the verdict and the two
    largest gaps."""
    if e.red_lines:
        out = []
        for ref in e.red_lines:
            i, o = ref.split(".", 1)
            out.append(f"red line: {s.issue(i).title} — {s.issue(i).option(o).label}")
        return tuple(out)
    head = (f"acceptable: utility {e.utility:.1f} ≥ threshold {e.threshold:.1f}" if e.accept
            else f"not enough: utility {e.utility:.1f} < threshold {e.threshold:.1f}")
    stances = s.party(e.party).stances
    gaps = [f"{s.issue(i).title}: wants {s.issue(i).option(stances[i].demand).label} (−{g:.0f})" for i, g in e.gaps]
    return (head, *gaps)


def consult_details(s: Scenario, e: ev.Consulted) -> tuple[str, ...]:
    """What a consulted party told the mediator, one sentence per thing revealed."""
    p = s.party(e.party)
    out = []
    if e.reservation is not None:
        out.append(f"{p.name} would walk away from anything worth less than {e.reservation:.0f} points to it.")
    for told in e.stances:
        iss = s.issue(told.issue)
        stance = p.stances[told.issue]
        vals = ", ".join(f"{iss.option(o).label} {v:.0f}" for o, v in told.values.items())
        text = f"{iss.title}: {100 * told.share:.0f}% of what matters to {p.name}; values {vals}"
        if stance.red_lines:
            text += "; never: " + ", ".join(iss.option(o).label for o in stance.red_lines)
        if stance.visibility == "private":
            text += " (not said in public)"
        out.append(text)
    if not e.revealed:
        out.append(f"{p.name} has nothing more to tell.")
    return tuple(out)


def mediator_stake(s: Scenario, e: ev.Ended) -> str:
    """The mediator's own stake in the outcome, when it holds one ('' otherwise)."""
    if e.mediator_utility is None or e.mediator_status_quo is None:
        return ""
    return (f"; {possessive(s.mediator.name)} own stake: {e.mediator_utility:.1f} "
            f"({e.mediator_utility - e.mediator_status_quo:+.1f} vs no deal)")


def walkout_reason(s: Scenario, e: ev.Walkout | ev.Suspended) -> str:
    """Why a party walked out (or suspended), in words."""
    if e.cause == "red_lines":
        return f"the mediator kept proposing its red lines ({e.count} times; patience {e.patience})"
    return f"its trust in {name_of(s, e.counterpart)} stayed below {e.limit:g} for {e.rounds} rounds"


class Known:
    """The mediator's knowledge while the events are read in order: whose walk-away point and
    which private stances a consultation has revealed. Lines rendered with it never show a
    hidden number (``mediate run`` renders without it: the full record)."""

    def __init__(self) -> None:
        self.reservations: set[str] = set()
        self.stances: set[tuple[str, str]] = set()

    def see(self, e: ev.Event) -> None:
        """Learn what an event reveals (call for every event, in order)."""
        if isinstance(e, ev.Consulted):
            if e.reservation is not None:
                self.reservations.add(e.party)
            self.stances.update((e.party, told.issue) for told in e.stances)


def line(s: Scenario, e: ev.Event, known: Known | None = None) -> str | None:
    """One plain-text news-wire line for an event (None for events shown only as state).

    With ``known`` (the mediator's knowledge so far, which this call updates), hidden
    walk-away points and private concerns are told only as the mediator can see them."""
    if known is not None:
        known.see(e)
        if isinstance(e, ev.Shifted):
            return _shift(s, e, known)
    match e:
        case ev.Proposed(package=p, changed=ch):
            return f"{s.mediator.name} proposes: {package_text(s, p, ch)}"
        case ev.Responded(party=pid, accept=ok, coerced=forced, needed=need):
            mark = ("! accepts under pressure" if forced else "✓ accepts") if ok else "✗ rejects"
            note = "" if need else " (not needed for this package)"
            return f"{name_of(s, pid)} {mark}{note} — " + "; ".join(response_reasons(s, e))
        case ev.LeverUsed(lever=lv):
            lever = next(x for x in s.mediator.levers if x.id == lv)
            return f"{s.mediator.name} uses a lever: {lever.label} ({name_of(s, lever.target)})"
        case ev.Consulted(party=pid):
            return f"{s.mediator.name} consults {name_of(s, pid)}: " + " ".join(consult_details(s, e))
        case ev.Waited():
            return f"{s.mediator.name} waits."
        case ev.Hinted(package=None):
            return "Hint: from what you know, no package meets every party's estimated needs yet."
        case ev.Hinted(package=dict() as p):
            return f"Hint (Nash package of what you know): {package_text(s, p)}"
        case ev.Walkout(party=pid):
            return f"✗ WALKOUT: {name_of(s, pid)} leaves the talks — {walkout_reason(s, e)}"
        case ev.Suspended(party=pid, agreement_stands=stands):
            fate = "the agreement in force stands among the rest" if stands else "the agreement in force falls"
            return f"‖ SUSPENDED: {name_of(s, pid)} suspends its participation — {walkout_reason(s, e)}; " \
                   f"talks go on without it ({fate})"
        case ev.Rejoined(party=pid, cause=why, rounds=n):
            how = "its trust recovered" if why == "trust" else "its time away is up"
            return f"↩ REJOINED: {name_of(s, pid)} is back at the table after {n} round(s) ({how})"
        case ev.Ended(reason=why, best_tier=best, violations=v, disputes=d, suspensions=n):
            best_t = next((o.title for o in s.outcomes if o.id == best), "none")
            away = f"; {n} suspension(s)" if n else ""
            return f"■ END ({why}): best tier {best_t}; {v} violation(s), {d} dispute(s){away}" + mediator_stake(s, e)
    return _news(s, e)


def _news(s: Scenario, e: ev.Event) -> str | None:
    """Lines for what happens to the agreement, the parties' trust and the battlefield."""
    match e:
        case ev.AgreementReached(package=p, expires=ex, coerced=forced):
            lapse = ", ".join(f"{s.issue(i).title} {(s.clock.start + timedelta(hours=h)):%d %b}" for i, h in ex.items())
            under = ", ".join(name_of(s, pid) for pid in forced)
            return (f"✓ AGREEMENT in force: {package_text(s, p)}" + (f" (lapses: {lapse})" if lapse else "")
                    + (f" — accepted under pressure by {under}" if under else ""))
        case ev.AgreementCollapsed(party=pid, against=a, trust=t):
            return (f"✗ COLLAPSE: {name_of(s, pid)} withdraws from the agreement — its trust in "
                    f"{name_of(s, a)} is down to {t:.2f}")
        case ev.AgreementDenounced(party=pid):
            return f"✗ DENOUNCED: {name_of(s, pid)} denounces the agreement it accepted only under pressure"
        case ev.AgreementLapsed(issue=i, option=o, because=why):
            took = f" with '{requires.label(s, why)}', which it requires" if why else ""
            return f"! {s.issue(i).title}: '{s.issue(i).option(o).label}' has lapsed{took}"
        case ev.LapseWarning() | ev.Renewed():
            return _renewal(s, e)
        case ev.Incident(text=text):
            return f"! {text}{_judgement(s, e)}{_attribution(s, e)}"
        case ev.Provoked() | ev.PledgeMade() | ev.PledgeLapsed():
            return _reciprocity(s, e)
        case ev.TrustChanged(truster=a, trustee=b, before=x, after=y):
            arrow = "↓" if y < x else "↑"
            return f"  trust {name_of(s, a)} → {name_of(s, b)} {arrow} {x:.2f} → {y:.2f}"
        case ev.Shifted():
            return _shift(s, e)
        case ev.TierChanged(title=title, level=lv):
            return f"» Outcome tier: {title}" + (f" (level {lv})" if lv else "")
    return None  # RoundStarted: shown as state only


def _renewal(s: Scenario, e: ev.Event) -> str | None:
    """Lines for lapse warnings and renewals."""
    def day(h: float) -> str:
        return f"{(s.clock.start + timedelta(hours=h)):%d %b %H:%M}"

    match e:
        case ev.LapseWarning(issue=i, option=o, at=at, dependents=deps):
            took = (" — and with it " + ", ".join(f"{s.issue(d).title}" for d in deps)) if deps else ""
            return (f"! LAPSING SOON: {s.issue(i).title}: '{s.issue(i).option(o).label}' lapses {day(at)} "
                    f"unless renewed{took}")
        case ev.Renewed(expires=ex):
            return f"{s.mediator.name} renews: " + ", ".join(f"{s.issue(i).title} until {day(h)}" for i, h in ex.items())
    return None


def _judgement(s: Scenario, e: ev.Incident) -> str:
    """How an incident was judged against the agreement in force ('' when none covers it)."""
    what = "the agreement" if not e.pledges else "the pledge in force"
    if e.judgement == "violation":
        return f" — ✗ VIOLATION: both sides read {what} as covering {s.tag_label(e.target)}"
    if e.judgement == "disputed":
        who = [name_of(s, p) for p, c in e.readings.items() if c]
        verb = "reads" if len(who) == 1 else "read"
        if e.denied:  # the dispute is over who did it: the attribution that follows says so
            return " — ! DISPUTED"
        return (f" — ! DISPUTED: {' and '.join(who)} {verb} {what} as covering {s.tag_label(e.target)}; "
                f"{name_of(s, e.actor)} does not")
    if e.judgement == "monitored":
        return f" — monitors rule: {e.verdict}"
    return ""


def _shift(s: Scenario, e: ev.Shifted, known: Known | None = None) -> str:
    x, y = e.before, e.after
    who = name_of(s, e.party)
    if e.what == "credibility":
        return f"  {possessive(s.mediator.name)} credibility {x:.2f} → {y:.2f}"
    if e.what == "weight":
        if known is not None and _private(s, e.party, e.issue) and (e.party, e.issue) not in known.stances:
            return f"  {possessive(who)} priorities shift"  # the issue itself is a concern not yet revealed
        return f"  {who} cares {'more' if y > x else 'less'} about {s.issue(e.issue).title}"
    if known is not None and e.party not in known.reservations:
        # A lower walk-away point means the party settles for less: its position weakens.
        return f"  {possessive(who)} position {'strengthens' if y > x else 'weakens'}"
    return f"  {possessive(who)} walk-away point moves {'up' if y > x else 'down'} ({x:.0f} → {y:.0f})"


def _private(s: Scenario, party: str, issue: str) -> bool:
    stance = s.party(party).stances.get(issue) if party in s.party_ids else None
    return stance is not None and stance.visibility == "private"


def _attribution(s: Scenario, e: ev.Incident) -> str:
    """Who blames whom, when the parties read an incident differently ('' when they don't)."""
    if not e.blames:
        return ""
    parts = []
    for p, blamed in e.blames.items():
        if p in e.denied or blamed == p:
            continue
        parts.append(f"{name_of(s, p)} blames {name_of(s, blamed)}" if blamed
                     else f"{name_of(s, p)} reads it as an accident")
    parts += [f"{name_of(s, d)} denies it" for d in e.denied]
    return " (" + "; ".join(parts) + ")" if parts else ""


def _reciprocity(s: Scenario, e: ev.Event) -> str | None:
    """Lines for provocations and unilateral pledges."""
    match e:
        case ev.Provoked(incident=i, factor=f, until=u):
            inc = next(x for x in s.incidents.random if x.id == i)
            more = "more" if f >= 1 else "less"
            who = f"{name_of(s, inc.actor)} is {more} likely to answer in kind" if inc.actor else f"'{i}' is {more} likely"
            return f"  {who} (×{f:g} until {(s.clock.start + timedelta(hours=u)):%d %b %H:%M})"
        case ev.PledgeMade(party=p, text=text, until=u):
            end = f" (until {(s.clock.start + timedelta(hours=u)):%d %b %H:%M})" if u is not None else ""
            return f"◆ PLEDGE by {name_of(s, p)}: {text}{end}"
        case ev.PledgeLapsed(party=p, pledge=pl):
            return f"! {possessive(name_of(s, p))} pledge '{pl}' has lapsed"
    return None
