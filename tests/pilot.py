"""Helpers the TUI's pilot tests share: which scenario to start, running an async pilot test,
and rendered text with its white space folded."""

from __future__ import annotations

import asyncio
import functools
import re

from sim.scenario import loader


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
