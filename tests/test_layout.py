"""The negotiation screen's layout: nothing that matters is cut, focus is never colour alone,
Tab is quick, and the CLI's tables wrap rather than cut."""

from __future__ import annotations

import re

from rich.console import Console
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from sim.scenario import loader
from tests.pilot import flagship_ref, new_app, pilot_test
from tui.screens.help import screen_rows
from tui.screens.modals import ConfirmModal, MessageModal
from tui.screens.negotiation import NegotiationScreen
from tui.widgets.common import distinct_label
from tui.widgets.focus import MARKER
from tui.widgets.party import PartyPanel
from tui.widgets.proposal import OptionPicker, ProposalBuilder


def lines(app) -> list[str]:
    """The terminal's rows as text."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def negotiate(pilot) -> NegotiationScreen:
    await pilot.press("enter", "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, NegotiationScreen)
    return screen


def flagship():
    return loader.load_scenario(loader.resolve(flagship_ref()))


# ---------------------------------------------------------------- the builder


@pilot_test
async def test_issue_titles_are_never_cut_at_80x24():
    s = flagship()
    async with new_app().run_test(size=(80, 24)) as pilot:
        screen = await negotiate(pilot)
        text = " ".join(" ".join(ln.strip("┃│ ").split()) for ln in lines(pilot.app))
        title = s.issues[0].title
        assert title in text and f"{title[:10]}…" not in text
        for iss in s.issues[:4]:  # scrolled into view one by one, each whole
            screen.query_one(f"#select-{iss.id}").focus()
            await pilot.pause()
            text = " ".join(" ".join(ln.strip("┃│ ").split()) for ln in lines(pilot.app))
            assert iss.title in text


def test_alike_options_keep_the_words_that_tell_them_apart():
    s = flagship()
    scope = s.issue("truce_scope")
    labels = {o.id: o.label for o in scope.options}
    for width in (20, 26, 34):
        kremlin = distinct_label(labels["energy"], [v for k, v in labels.items() if k != "energy"], width)
        white_house = distinct_label(labels["energy_infra"], [v for k, v in labels.items() if k != "energy_infra"],
                                     width)
        assert len(kremlin) <= width and len(white_house) <= width
        assert "Kremlin" in kremlin and "White House" in white_house
    # Options that start differently are cut at the end, as before.
    assert distinct_label("Complete 30-day ceasefire (land, air and sea)", [labels["energy"]], 20).startswith("Complete")


@pilot_test
async def test_the_picker_shows_whose_wording_is_selected_at_80x24():
    async with new_app().run_test(size=(80, 24)) as pilot:
        await negotiate(pilot)
        picker = pilot.app.screen.query_one("#select-truce_scope", OptionPicker)
        picker.value = "energy"
        await pilot.pause()
        assert "Kremlin" in str(picker.render())
        picker.value = "energy_infra"
        await pilot.pause()
        assert "White House" in str(picker.render())


# ---------------------------------------------------------------- small terminals


@pilot_test
async def test_60x20_keeps_the_forecast_and_the_red_line_counter():
    async with new_app().run_test(size=(60, 20)) as pilot:
        screen = await negotiate(pilot)
        text = "\n".join(lines(pilot.app))
        for panel in screen.query(PartyPanel):
            view = panel.scrollable_content_region
            assert view.contains_region(panel.query_one("#party-risk").region)
            forecast = panel.query_one("#party-prediction").region
            # The verdict and its estimate (two rows); a long "why" may scroll.
            assert view.contains_region(forecast._replace(height=min(2, forecast.height)))
        # Worded in short: the counter on one row, and the verdict with its chance in view.
        assert text.count("red lines 0/") == len(screen.panels)
        assert len(re.findall(r"[✓✗?] (?:likely yes|likely no|unsure) \d+%", text)) == len(
            screen.panels)
        assert "Round 1/" in lines(pilot.app)[0] and "cred" in lines(pilot.app)[0]
        titles = lines(pilot.app)[2]
        assert "…" not in titles and all(p.name in titles for p in screen.scenario.parties)


@pilot_test
async def test_below_60x20_a_notice_asks_for_a_larger_window():
    async with new_app().run_test(size=(80, 24)) as pilot:
        screen = await negotiate(pilot)
        assert "Enlarge" not in "\n".join(lines(pilot.app))
        await pilot.resize_terminal(50, 16)
        await pilot.pause()
        text = " ".join(" ".join(lines(pilot.app)).split())
        assert "Enlarge the window to at least 60×20" in text and "50×16" in text
        assert screen.has_class("-too-small") and not screen.query_one("#parties").display
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert "Enlarge" not in "\n".join(lines(pilot.app))


@pilot_test
async def test_the_footer_never_cuts_a_key():
    async with new_app().run_test(size=(80, 24)) as pilot:
        await negotiate(pilot)
        for size in ((80, 24), (60, 20), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            keys = list(pilot.app.screen.query(FooterKey))
            assert {k.action for k in keys} >= {"propose", "terms", "app.help", "quit"}
            assert all(k.region.right <= size[0] for k in keys), size
            assert "q Quit" in lines(pilot.app)[-1] and "? Help" in lines(pilot.app)[-1]
            if size[0] >= 80:
                assert "p Propose" in lines(pilot.app)[-1]


# ---------------------------------------------------------------- focus


@pilot_test
async def test_focus_is_a_marker_and_a_border_shape_not_the_warning_colour():
    async with new_app().run_test(size=(80, 24)) as pilot:
        screen = await negotiate(pilot)
        builder = screen.query_one(ProposalBuilder)
        assert str(builder.border_title).startswith(MARKER)
        assert builder.styles.border_top[0] == "heavy"
        panel = screen.panels[0]
        assert not str(panel.border_title).startswith(MARKER) and panel.styles.border_top[0] == "round"
        await pilot.press("1")
        assert screen.focused is panel
        assert str(panel.border_title).startswith(MARKER) and panel.styles.border_top[0] == "heavy"
        assert not str(builder.border_title).startswith(MARKER) and builder.styles.border_top[0] == "round"
        # At risk is a colour on the round border; focused and at risk keeps both.
        panel.add_class("-at-risk")
        await pilot.pause()
        warning = panel.styles.border_top[1]
        await pilot.press("b")
        assert panel.styles.border_top[0] == "round" and panel.styles.border_top[1] == warning
        assert builder.styles.border_top[1] != warning


@pilot_test
async def test_keys_jump_to_each_panel():
    async with new_app().run_test(size=(80, 24)) as pilot:
        screen = await negotiate(pilot)
        await pilot.press("2")
        assert screen.focused is screen.panels[1]
        await pilot.press("e")
        assert screen.focused is screen.wire
        await pilot.press("b")
        assert isinstance(screen.focused, OptionPicker)
        rows = dict(screen_rows(pilot.app, NegotiationScreen))
        assert rows["b"] == "Go to the proposal builder" and rows["e"] == "Go to the news wire"
        assert "party's panel" in rows["1 … 9"]


@pilot_test
async def test_tab_between_issues_restyles_two_pickers_and_keeps_the_footer():
    """Tab took 150-400 ms when each focus move restyled the whole builder (:focus-within) and
    rebuilt the footer; the benchmark (benchmarks/tui.py) times it, this checks the cause."""
    async with new_app().run_test(size=(80, 24)) as pilot:
        screen = await negotiate(pilot)
        await pilot.press("tab")
        await pilot.pause()
        restyled: list[int] = []
        sheet = pilot.app.stylesheet
        original = sheet.update_nodes

        def counting(nodes, animate=False):
            nodes = list(nodes)
            restyled.append(len(nodes))
            return original(nodes, animate=animate)

        sheet.update_nodes = counting  # type: ignore[method-assign]
        keys = list(screen.query(FooterKey))
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
        sheet.update_nodes = original  # type: ignore[method-assign]
        assert isinstance(screen.focused, OptionPicker)
        assert sum(restyled) <= 4 * 4, restyled  # the picker that lost the focus and the one that got it
        assert list(screen.query(FooterKey)) == keys  # the same widgets: the footer was not rebuilt


# ---------------------------------------------------------------- terms, hint, levers


@pilot_test
async def test_the_terms_in_force_are_one_key_away():
    s = flagship()
    async with new_app().run_test(size=(80, 24)) as pilot:
        await negotiate(pilot)
        await pilot.press("t")
        assert isinstance(pilot.app.screen, MessageModal)
        assert "No agreement is in force yet" in " ".join(lines(pilot.app))
        await pilot.press("escape")
    # With an agreement: every term in full, its tier (the header has room for a few words).
    from tests.test_tui_snapshots import played_session
    from tui.widgets.status import terms_content

    scope = s.issues[0]
    view = played_session().view()  # the first issue agreed, then the deadline
    text = terms_content(s, view).plain
    assert view.agreement is not None
    assert f"{scope.title}: {scope.option(view.agreement[scope.id]).label}" in text
    assert (view.tier_title or "Below every outcome tier") in text


@pilot_test
async def test_the_hint_asks_before_replacing_a_built_package():
    async with new_app().run_test(size=(80, 24)) as pilot:
        screen = await negotiate(pilot)
        await pilot.press("h")  # an untouched builder: no question
        assert isinstance(pilot.app.screen, NegotiationScreen)
        hinted = screen.builder.package()
        await pilot.press("h")  # the builder holds the last hint: no question either
        assert isinstance(pilot.app.screen, NegotiationScreen)
        await pilot.press("right")
        built = screen.builder.package()
        assert built != hinted
        hints = len(screen.session.actions)
        await pilot.press("h")
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("n")
        assert screen.builder.package() == built and len(screen.session.actions) == hints
        await pilot.press("h")
        await pilot.press("y")
        await pilot.pause()
        assert len(screen.session.actions) == hints + 1
        # A package once proposed is in the record: the hint replaces it without asking.
        await pilot.press("right", "p")
        await pilot.pause()
        if isinstance(pilot.app.screen, NegotiationScreen) and not screen.session.ended:
            await pilot.press("h")
            assert isinstance(pilot.app.screen, NegotiationScreen)


@pilot_test
async def test_the_lever_list_never_highlights_below_its_visible_part():
    async with new_app().run_test(size=(80, 24)) as pilot:
        await negotiate(pilot)
        await pilot.press("l")
        await pilot.pause()
        ol = pilot.app.screen.query_one(OptionList)
        box = pilot.app.screen.query_one(".modal-box")
        assert ol.region.bottom <= box.region.bottom  # the box never clips the list
        for _ in range(ol.option_count + 1):
            await pilot.press("down")
            await pilot.pause()
            assert ol.highlighted is not None
            first = ol._index_to_line[ol.highlighted]
            last = first + ol._heights[ol.highlighted] - 1
            assert ol.scroll_y <= first and last < ol.scroll_y + ol.scrollable_content_region.height


# ---------------------------------------------------------------- the CLI's tables


def test_list_at_80_columns_never_cuts_an_id(monkeypatch):
    from sim.cli import authoring

    console = Console(width=80, record=True, color_system=None)
    monkeypatch.setattr(authoring, "out", console)
    authoring.list_cmd.callback() if hasattr(authoring.list_cmd, "callback") else authoring.list_cmd()
    text = console.export_text()
    for path in loader.bundled():
        assert path.stem in text
    assert "…" not in text


def test_compare_at_80_columns_keeps_its_headers_and_names(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from sim.cli import classroom, main

    files = [tmp_path / f"mediate-energy-truce-2025-03-seed{n}-a-long-player-name.jsonl" for n in (3, 4)]
    for n, f in zip((3, 4), files, strict=True):
        r = CliRunner().invoke(main, ["run", flagship_ref(), "--policy", "maximal", "--seed", str(n), "-q",
                                      "--json", str(f)], catch_exceptions=False)
        assert r.exit_code == 0, r.output
    console = Console(width=80, record=True, color_system=None)
    monkeypatch.setattr(classroom, "out", console)
    r = CliRunner().invoke(main, ["compare", *map(str, files)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    text = console.export_text()
    for header in ("seed", "tier", "days", "viol", "disp", "≠Nash", "hints", "±Russia", "±Ukraine"):
        assert header in text, header
    rows = text.splitlines()
    head = next(n for n, ln in enumerate(rows) if "seed" in ln)
    first_column = "".join(ln[: rows[head].index("seed")].strip() for ln in rows[head + 2:])
    for f in files:
        # The game column names each game by its file, less the scenario's own prefix: wrapped
        # over lines, every character kept.
        assert f.stem.removeprefix("mediate-energy-truce-2025-03-") in first_column.replace(" ", "")
