"""One plain-text news-wire line per event: the CLI transcript, the TUI's wire, the report's timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sim.engine.events import (
    AgreementCollapsed,
    AgreementLapsed,
    AgreementReached,
    Consulted,
    Ended,
    Event,
    Hinted,
    Incident,
    LeverUsed,
    Proposed,
    Responded,
    RoundStarted,
    Shifted,
    TierChanged,
    TrustChanged,
    Waited,
    Walkout,
)
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


def stamp(s: Scenario, e: Event) -> str:
    when = s.clock.start + timedelta(hours=e.t)
    return f"R{e.round + 1:>2} {when:%d %b %H:%M}"  # rounds are 1-based for people, 0-based in files


def line(s: Scenario, e: Event) -> str | None:
    """One plain-text news-wire line for an event (None for events shown only as state)."""
    match e:
        case RoundStarted():
            return None
        case Proposed(package=p, changed=ch):
            return f"{s.mediator.name} proposes: {package_text(s, p, ch)}"
        case Responded(party=pid, accept=ok, reasons=rs):
            mark = "✓ accepts" if ok else "✗ rejects"
            return f"{name_of(s, pid)} {mark} — " + "; ".join(rs)
        case AgreementReached(package=p, expires=ex):
            lapse = ""
            if ex:
                lapse = " (lapses: " + ", ".join(
                    f"{s.issue(i).title} {(s.clock.start + timedelta(hours=h)):%d %b}" for i, h in ex.items()) + ")"
            return f"✓ AGREEMENT in force: {package_text(s, p)}{lapse}"
        case AgreementCollapsed(party=pid, against=a, trust=t):
            return (f"✗ COLLAPSE: {name_of(s, pid)} withdraws from the agreement — its trust in "
                    f"{name_of(s, a)} is down to {t:.2f}")
        case AgreementLapsed(issue=i, option=o):
            return f"! {s.issue(i).title}: '{s.issue(i).option(o).label}' has lapsed"
        case Incident(actor=a, text=text, judgement=j, readings=r, verdict=v, target=tg):
            tail = ""
            if j == "violation":
                tail = f" — ✗ VIOLATION: both sides read the agreement as covering {tg}"
            elif j == "disputed":
                who = [name_of(s, p) for p, c in r.items() if c]
                verb = "reads" if len(who) == 1 else "read"
                tail = (f" — ! DISPUTED: {' and '.join(who)} {verb} the agreement as covering {tg}; "
                        f"{name_of(s, a)} does not")
            elif j == "monitored":
                tail = f" — monitors rule: {v}"
            return f"! {text}{tail}"
        case TrustChanged(truster=a, trustee=b, before=x, after=y):
            arrow = "↓" if y < x else "↑"
            return f"  trust {name_of(s, a)} → {name_of(s, b)} {arrow} {x:.2f} → {y:.2f}"
        case Shifted(what=w, party=pid, issue=i, before=x, after=y):
            if w == "credibility":
                return f"  {s.mediator.name}'s credibility {x:.2f} → {y:.2f}"
            if w == "weight":
                return f"  {name_of(s, pid)} cares {'more' if y > x else 'less'} about {s.issue(i).title}"
            return f"  {name_of(s, pid)}'s walk-away point moves {'up' if y > x else 'down'} ({x:.0f} → {y:.0f})"
        case LeverUsed(lever=lv):
            lever = next(x for x in s.mediator.levers if x.id == lv)
            return f"{s.mediator.name} uses a lever: {lever.label} ({name_of(s, lever.target)})"
        case Consulted(party=pid, details=d):
            return f"{s.mediator.name} consults {name_of(s, pid)}: " + " ".join(d)
        case Waited():
            return f"{s.mediator.name} waits."
        case Hinted(package=p):
            if p is None:
                return "Hint: from what you know, no package meets every party's estimated needs yet."
            return f"Hint (Nash package of what you know): {package_text(s, p)}"
        case Walkout(party=pid, reason=why):
            return f"✗ WALKOUT: {name_of(s, pid)} leaves the talks — {why}"
        case TierChanged(title=title, level=lv):
            return f"» Outcome tier: {title}" + (f" (level {lv})" if lv else "")
        case Ended(reason=why, best_tier=best, violations=v, disputes=d):
            best_t = next((o.title for o in s.outcomes if o.id == best), "none")
            return f"■ END ({why}): best tier {best_t}; {v} violation(s), {d} dispute(s)"
    return None

