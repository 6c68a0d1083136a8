"""The warm-up scenario (what the energy pause protects, and who reads it how) and the sources
table of the five articles: every quote verbatim, playable by every built-in policy within its
bands, the history reproducing the reported arc, the TUI opening it."""

from __future__ import annotations

import functools
import re
from collections import Counter

from textual.widgets import OptionList, Static

from sim.engine import events as ev
from sim.engine.session import Session
from sim.runs import policies, scripts
from sim.scenario import actions, loader
from sim.scenario.actions import lever, propose, wait
from tests.conftest import ROOT, SCENARIOS, SHARED
from tests.helpers import invoke
from tests.pilot import norm, pilot_test
from tui.app import MediateApp
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.negotiation import NegotiationScreen
from tui.screens.picker import PickerScreen

WARMUP_ID = "warmup-energy-pause"
WARMUP = SCENARIOS / f"{WARMUP_ID}.yaml"
WARMUP_HISTORY = SCENARIOS / f"{WARMUP_ID}.history.yaml"
SEEDS = SHARED / "seeds"
N = 100  # seeds per policy: the bands below hold with a margin at this size

# The bands the scenario's closing notes state: a pause is easy, a pause both sides read alike
# takes skill, the Black Sea step on top takes skill and levers.
T2 = {"pause_scope": "energy", "site_list": "rail_and_ports", "aid_intel": "defensive"}
T3 = {**T2, "black_sea": "maritime"}


def warmup():
    return loader.load_scenario(WARMUP)



# ---------------------------------------------------------------- the file and its quotes


def test_validates_with_every_quote_verified_against_the_articles():
    r = invoke("validate", str(WARMUP), "--sources", str(SEEDS))
    assert r.exit_code == 0, r.output
    s, loc = loader.load_scenario_located(WARMUP)
    assert f"{len(loader.iter_quotes(s))} quotes verified" in r.output
    assert loader.verify_quotes(s, loc, SEEDS) == []


def test_every_demand_red_line_incident_lever_and_history_entry_is_quoted():
    s = warmup()
    assert 4 <= len(s.issues) <= 6 and 8 <= s.clock.max_rounds <= 12
    assert all(src.file and src.outlet for src in s.sources)
    for p in s.parties:
        for issue, st in p.stances.items():
            if st.visibility == "public":
                assert st.quote is not None, f"{p.id}.{issue}"
                if st.red_lines:
                    assert st.red_line_quote is not None, f"{p.id}.{issue} red line"
    assert all(lv.quote is not None for lv in s.mediator.levers)
    assert all(inc.quote is not None for inc in s.incidents.scheduled)
    assert s.debrief.questions and all(h.quote is not None for h in s.debrief.history)


def test_judgement_numbers_carry_a_comment():
    """Every weight, value table, reservation, concession, cost and rate says why, on its line."""
    lines = WARMUP.read_text(encoding="utf-8").splitlines()
    numbers = [(n, ln) for n, ln in enumerate(lines, 1)
               if re.match(r"\s+(weight|values|reservation|concession|credibility|cost|rate_per_day|uses):", ln)]
    assert len(numbers) > 30
    assert [(n, ln.strip()) for n, ln in numbers if "#" not in ln] == []


def test_listed_by_mediate_list():
    r = invoke("list")
    assert r.exit_code == 0 and WARMUP_ID in r.output
    assert WARMUP_ID in [p.stem for p in loader.bundled()]


# ---------------------------------------------------------------- play


@functools.cache
def policy_tiers(name: str) -> Counter:
    """Best tier reached by a built-in policy over N seeds (shared by the tests below)."""
    s = warmup()
    return Counter(policies.play(s, name, seed).best_tier for seed in range(N))


def test_plays_under_every_built_in_policy_within_its_bands():
    best = {name: policy_tiers(name) for name in policies.POLICIES}
    for name in ("incremental", "maximal", "nash"):
        assert best[name][0] == 0, f"{name} always gets a pause"
        assert best[name][2] + best[name][3] <= 0.6 * N, f"{name}: a shared reading must take skill"
        assert best[name][3] <= 0.05 * N, f"{name}: the Black Sea step must take skill"
    assert max(best[name][2] for name in policies.POLICIES) >= 0.1 * N, "a shared reading is reachable"
    assert 0.2 * N <= best["random"][0] <= 0.8 * N, "a random mediator sometimes gets nothing"


def skilled(seed: int) -> Session:
    """The documented strategy (docs/teaching.md): the full ceasefire Kyiv wants, the pause the
    next day, levers on Moscow, then the spelled-out pause paid for with defensive-only
    intelligence, and the Black Sea on top, repeated until Moscow's threshold has come down."""
    moves = [propose(pause_scope="full_30_days"), propose(pause_scope="energy"),
             lever("restore_relations"), lever("vouch_for_putin"), *[propose(**T3)] * 7]
    session = Session(warmup(), seed)
    for a in moves:
        if session.ended:
            break
        session.act(a)
    while not session.ended:
        session.act(wait())
    return session


def test_a_skilled_mediator_beats_every_built_in_policy():
    s = warmup()
    top = len(s.outcomes)
    reached = sum(skilled(seed).best_tier == top for seed in range(N))
    assert reached >= 0.6 * N
    for name in policies.POLICIES:
        assert policy_tiers(name)[top] < reached, name


def test_a_list_naming_railways_turns_the_rail_dispute_into_a_violation():
    """The scenario's one idea: under the White House's words Moscow reads rail as outside the
    pause and the rail strike is disputed; with Kyiv's list both read it as covered."""
    s = warmup()
    opening = [propose(pause_scope="full_30_days")]

    def rail_judgement(pkg: dict[str, str]) -> str:
        session = Session(s, 0, [*opening, propose(**pkg)])
        session.act(wait(2))
        return next(e.judgement for e in session.events
                    if isinstance(e, ev.Incident) and e.incident == "rail-strikes")

    assert rail_judgement({"pause_scope": "energy_infra"}) == "disputed"
    forced = Session(s, 0, opening)
    forced.force_agreement(s.complete({"pause_scope": "energy_infra", "site_list": "rail_and_ports"}))
    forced.act(wait(2))
    rail = next(e for e in forced.events if isinstance(e, ev.Incident) and e.incident == "rail-strikes")
    assert rail.judgement == "violation" and rail.readings == {"russia": True, "ukraine": True}


# ---------------------------------------------------------------- the history


def test_history_reproduces_the_reported_arc_in_every_seed():
    s = warmup()
    moves, _ = actions.load_moves(WARMUP_HISTORY, s)
    for seed in range(N):
        run = scripts.play_moves(s, seed, moves.moves)
        session = run.session
        assert run.played == len(moves.moves) and run.refused is None, seed
        said = [e for e in session.events if isinstance(e, ev.Responded)]
        first = {e.party: e.accept for e in said[:2]}
        assert first == {"russia": False, "ukraine": True}, f"seed {seed}: Kyiv yes, Moscow no to the full ceasefire"
        assert all(e.accept for e in said[2:]), f"seed {seed}: the pause is agreed"
        pause = next(e for e in session.events if isinstance(e, ev.AgreementReached))
        assert pause.package["pause_scope"] == "energy_infra", "the White House's wording, not the Kremlin's"
        assert pause.round == 1, "from the end of the call, so the night's strikes fall under it"
        inc = {e.incident: e for e in session.events if isinstance(e, ev.Incident) and e.scheduled}
        assert inc["rail-strikes"].judgement == "disputed", seed
        assert inc["rail-strikes"].readings == {"russia": False, "ukraine": True}
        assert inc["krasnodar-depot"].judgement == "violation", seed
        assert session.best_tier == 1
        view = session.view()
        for a, b in (("ukraine", "russia"), ("russia", "ukraine")):
            assert view.party(a).trust[b] < s.party(a).trust[b], f"seed {seed}: {a}'s trust in {b} falls"


def test_history_runs_by_name_from_the_cli():
    r = invoke("run", WARMUP_ID, "--script", "history", "-q")
    assert r.exit_code == 0 and "A pause on strikes against energy" in r.output


# ---------------------------------------------------------------- the TUI


@pilot_test
async def test_the_tui_lists_opens_and_plays_it(in_tmp_cwd):
    s = warmup()
    app = MediateApp()
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        ol = picker.query_one("#scenarios", OptionList)
        refs = [e.ref for e in picker.entries]
        assert WARMUP_ID in refs
        ol.focus()
        ol.highlighted = refs.index(WARMUP_ID)
        await pilot.pause()
        assert picker.entry.ref == WARMUP_ID
        info = norm(str(picker.query_one("#info", Static).render()))
        assert norm(s.title) in info and all(norm(src.outlet) in info for src in s.sources)
        await pilot.press("enter")
        brief = app.screen
        assert isinstance(brief, BriefingScreen)
        text = norm(" ".join(str(w.render()) for w in brief.query(Static) if w.display))
        ru = next(p for p in s.parties if p.id == "russia")
        assert norm(ru.stances["pause_scope"].quote.text) in text
        await pilot.press("enter")
        neg = app.screen
        assert isinstance(neg, NegotiationScreen) and neg.session.scenario.id == WARMUP_ID
        neg.builder.set_package({"pause_scope": "full_30_days"})
        await pilot.press("p")
        neg.builder.set_package({"pause_scope": "energy_infra"})
        await pilot.press("p")
        assert neg.session.agreement is not None and neg.session.agreement["pause_scope"] == "energy_infra"
        for _ in range(s.clock.max_rounds + 2):
            if not isinstance(app.screen, NegotiationScreen):
                break
            await pilot.press("w")
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        outcome = norm(str(app.screen.query_one("#outcome", Static).render()))
        assert norm(s.outcomes[0].title) in outcome


# ---------------------------------------------------------------- docs/sources.md

ARTICLES = {"A": "000_b6f5be975c9a6ba7.txt", "B": "001_7c12636239844e68.txt", "C": "002_0f538658eccabdd7.txt",
            "D": "003_c1d4bcc39125d0fa.txt", "E": "004_c7646a8ee1cc730d.txt"}
QUOTE = r'"((?:[^"\\]|\\.)+)"'


def sources_quotes(doc: str) -> list[tuple[list[str], str]]:
    """(articles cited, quote) for each table row with a source column, each `"…" (X)` and each
    `X: "…"` in the text."""
    found: list[tuple[list[str], str]] = []
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("|") and len(cells) >= 4 and re.fullmatch(r"[A-E](, [A-E])*", cells[2]):
            m = re.fullmatch(QUOTE, cells[3])
            assert m, f"a claim row without a quote: {line[:80]}"
            found.append((cells[2].split(", "), m.group(1)))
    found += [([m.group(2)], m.group(1)) for m in re.finditer(QUOTE + r" \(([A-E])\)", doc)]
    found += [([m.group(1)], m.group(2)) for m in re.finditer(r"\b([A-E]): " + QUOTE, doc)]
    return [(keys, q.replace('\\"', '"')) for keys, q in found]


def test_sources_table_quotes_each_article_verbatim():
    doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    texts = {k: (SEEDS / f).read_text(encoding="utf-8") for k, f in ARTICLES.items()}
    quotes = sources_quotes(doc)
    wrong = [(k, q) for k, q in quotes if not any(q in texts[x] for x in k)]
    assert wrong == []
    per_article = Counter(x for keys, _ in quotes for x in keys)
    assert all(per_article[k] >= 8 for k in ARTICLES), per_article
    for f in ARTICLES.values():
        assert f in doc
    # the history errors are listed move by move
    assert all(f"| {m} (round {m})" in doc for m in range(4))
