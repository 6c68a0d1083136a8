"""Messages the screens post for the app to act on, so that no screen imports the app."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from sim.engine.session import Session
from sim.runs.saved import Game


class OpenSession(Message):
    """Show a session: its negotiation, or its debrief when it is over.

    ``replace`` swaps out the screen that posted it (the briefing, the finished negotiation)
    instead of stacking the session on top (the picker, which stays to come back to). ``game`` says
    who plays it and since when; ``review`` opens a finished game read-only (``play --review``)."""

    def __init__(self, session: Session, scenario_ref: str, save_path: Path | None = None, *,
                 resumed: bool = False, replace: bool = False, game: Game | None = None,
                 review: bool = False) -> None:
        super().__init__()
        self.session = session
        self.scenario_ref = scenario_ref
        self.save_path = save_path
        self.resumed = resumed
        self.replace = replace
        self.game = game or Game()
        self.review = review
