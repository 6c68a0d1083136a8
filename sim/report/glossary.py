"""The words the product uses, each with one meaning, and how sources are cited.

One term per idea everywhere (TUI, report, CLI, docs): the *walk-away point* is what the
scenario file calls ``reservation`` and the literature a reservation value; it is never called
anything else in what a user reads.
"""

from __future__ import annotations

from sim.scenario.model import Scenario

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("utility", "What a package is worth to a party, in points from 0 to 100: the weighted sum of the values "
                "it gives each option, the weights being how much each issue matters to it."),
    ("walk-away point", "The utility below which a party would rather have no deal: it never accepts less. "
                        "Consulting a party reveals it; levers and events can move it. The scenario file calls "
                        "it `reservation`."),
    ("threshold", "What a party needs a package to be worth to accept it this round: it starts at what its stated "
                  "demands are worth and falls toward its walk-away point as the deadline nears; distrust raises it."),
    ("red line", "An option a party will never accept, whatever else the package gives it. Propose its red lines "
                 "too often and it walks out."),
    ("surplus", "A party's utility minus its walk-away point (or minus what no deal is worth to it): how much "
                "better than walking away the agreement leaves it."),
    ("no deal", "The status quo: every issue left at its default option, what holds if nothing is agreed."),
    ("Pareto frontier", "The packages no other package beats for one party without leaving another worse off."),
    ("Nash package", "The package that maximises the product of every party's surplus over its walk-away point, "
                     "max Π(U − R) with R the walk-away point: a standard fair split, computed with full "
                     "information."),
    ("Kalai–Smorodinsky point", "The package on the frontier where every party gets the same share of the most "
                                "it could hope for above its walk-away point."),
    ("outcome tier", "A level of success the scenario defines (tier 1 the lowest): an agreement reaches the highest "
                     "tier whose every condition it meets. The briefing lists what each tier needs."),
    ("consent", "Whose agreement an issue needs: a party with no say on an issue neither votes on it nor blocks it."),
    ("pledge", "A one-sided promise a party makes outside the agreement (for example to stop striking energy "
               "sites); each side judges a strike on what it covers by its own reading."),
    ("coerced", "A party accepted only under pressure: levers pushed its walk-away point below where it started, "
                "or the deal is worth less to it than no deal. Coerced agreements tend to be denounced."),
    ("credibility", "The mediator's standing, from 0 to 1: levers spend it, and the parties' trust in the mediator "
                    "follows it."),
    ("trust", "How much one party believes another will keep its word, from 0 to 1: it raises or lowers every "
              "threshold, and a party whose trust collapses walks out."),
)
"""(term, what it means), in the order a player meets them."""


UNNAMED_OUTLET = "News report (the article names no outlet)"
"""How a source whose article names no outlet is cited: a description a teacher can cite."""


def possessive(name: str) -> str:
    """"Russia's", but "United States'": a name ending in s takes the apostrophe alone."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def outlet(scenario: Scenario, source_id: str) -> str:
    """The outlet a source cites, or a plain description where the article names none (a scenario
    may leave ``outlet`` empty-ish, e.g. "Unattributed (seed 004)", when the text has no byline)."""
    src = next((x for x in scenario.sources if x.id == source_id), None)
    if src is None:
        return source_id
    name = src.outlet.strip()
    if not name or name.lower().startswith(("unattributed", "unknown", "n/a")):
        return UNNAMED_OUTLET
    return name


def headline(scenario: Scenario, source_id: str) -> str | None:
    """The source's headline, or None when the article has none (a title written "Untitled …")."""
    src = next((x for x in scenario.sources if x.id == source_id), None)
    if src is None or src.title.strip().lower().startswith("untitled"):
        return None
    return src.title


def citation(scenario: Scenario, source_id: str, *, title: bool = True) -> str:
    """Outlet, “headline”, date (``title=False`` leaves the headline out, beside a quote); the
    bare id for a source the scenario does not list."""
    src = next((x for x in scenario.sources if x.id == source_id), None)
    if src is None:
        return source_id
    head = headline(scenario, source_id) if title else None
    return f"{outlet(scenario, source_id)}, " + (f"“{head}”, " if head else "") + f"{src.date:%d %b %Y}"
