"""Helpers the TUI's pilot tests share: which scenario to start, the app with animations off,
running an async pilot test, walking to the negotiation screen, and rendered text with its white
space folded."""

from __future__ import annotations

import asyncio
import functools
import html
import re

from textual.widgets import OptionList, RichLog, Static

from sim.scenario import loader
from tui.app import MediateApp
from tui.screens.negotiation import NegotiationScreen


def flagship_ref() -> str:
    """The flagship when it is bundled, else whichever bundled scenario exists."""
    ids = [p.stem for p in loader.bundled()]
    if loader.DEFAULT_SCENARIO in ids:
        return loader.DEFAULT_SCENARIO
    return ids[0] if ids else str(loader.scenarios_dir() / "_template.yaml")


def pilot_test(fn):
    """Run an async Pilot test in its own event loop (no async pytest plugin needed)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def flagship():
    return loader.load_scenario(loader.resolve(flagship_ref()))


def static_text(widget: Static) -> str:
    return norm(str(widget.render()))


def log_text(log: RichLog) -> str:
    """What a RichLog shows (its rendered, wrapped lines), whitespace normalised."""
    return norm(" ".join(strip.text for strip in log.lines))


def shot_text(app) -> str:
    """The text of the whole terminal as a screenshot shows it."""
    return norm(html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " "))


def screen_text(screen) -> str:
    return norm(" ".join(str(w.render()) for w in screen.query(Static) if w.display))


def new_app(*args, **kwargs) -> MediateApp:
    """The app with animations off, so Pilot never waits for a scroll to glide."""
    app = MediateApp(*args, **kwargs)
    app.animation_level = "none"
    return app


def static_text_options(ol: OptionList) -> str:
    return norm(" ".join(str(ol.get_option_at_index(n).prompt) for n in range(ol.option_count)))


async def negotiation(app: MediateApp, pilot) -> NegotiationScreen:
    """From the picker through the briefing to the negotiation screen, with the picker's defaults."""
    await pilot.press("enter", "enter")
    assert isinstance(app.screen, NegotiationScreen)
    return app.screen
