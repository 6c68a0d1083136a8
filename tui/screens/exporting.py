"""The debrief's export: the Markdown report and the transcript, to the exports folder (and, in a
browser under ``mediate serve``, downloaded there too); nothing is replaced without asking."""

from __future__ import annotations

import io
from pathlib import Path

from textual import work
from textual.content import Content
from textual.screen import Screen

from sim.engine.session import Session
from sim.errors import MediateError
from sim.files import atomic_write_text
from sim.report import markdown
from sim.report.debrief import Debrief
from sim.runs import transcripts
from sim.runs.saved import Game
from sim.scenario import saves

from ..widgets.common import plain
from .modals import confirm


def _stem(session: Session, game: Game | None) -> str:
    if game is None or not (game.player or game.started_at):
        return f"mediate-{session.scenario.id}-seed{session.seed}"
    return "mediate-" + saves.game_stem(session.scenario.id, session.seed, game.player, game.started_at)


def export_name(session: Session, game: Game | None = None) -> str:
    """The Markdown export's file name: the player and start time keep two games of one seed apart."""
    return f"{_stem(session, game)}-debrief.md"


def transcript_name(session: Session, game: Game | None = None) -> str:
    return f"{_stem(session, game)}.jsonl"



class Exporting(Screen):
    """The export half of the debrief screen: it sets ``session``, ``game``, ``review`` and ``debrief``."""

    session: Session
    game: Game
    review: bool
    debrief: Debrief | None

    def export_paths(self) -> tuple[Path, Path]:
        folder = saves.exports_dir().resolve()
        return folder / export_name(self.session, self.game), folder / transcript_name(self.session, self.game)

    def action_export(self) -> None:
        if self.review:
            self.notify("This is a review of a file: nothing is exported.", markup=False)
            return
        if self.debrief is None:
            self.notify("The debrief is still being computed: export again in a moment.", title="Not ready",
                        markup=False)
            return
        d = self.debrief
        existing = [p for p in self.export_paths() if p.exists()]
        if not existing:
            self.export(d)
            return
        body = Content("\n").join([plain(f"{p.name} already exists in {p.parent}.") for p in existing])
        confirm(self, "Replace the exported files?", body, lambda: self.export(d), yes="Replace", no="Keep")

    @work(thread=True, exclusive=True, group="export")
    def export(self, d: Debrief) -> None:
        """The Markdown debrief to read, and the transcript a teacher can `mediate compare`."""
        path, jsonl = self.export_paths()
        report = markdown.render(d)
        record = transcripts.jsonl(self.session, player=self.game.player, started_at=self.game.started_at)
        target = path
        try:
            if path.parent == (saves.data_dir() / "exports").resolve():
                path.parent.mkdir(parents=True, exist_ok=True)  # mediate's own folder; one the user names must exist
            atomic_write_text(path, report)
            target = jsonl
            atomic_write_text(jsonl, record)
        except (MediateError, OSError) as exc:
            self.app.call_from_thread(self.notify, f"Could not write {target}: {exc}", title="Export failed",
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self.delivered, path, jsonl, report, record)

    def delivered(self, path: Path, jsonl: Path, report: str, record: str) -> None:
        """Say where the files are; in a browser (``mediate serve``) also hand them to it as downloads."""
        if self.app.is_web:
            self.app.deliver_text(io.StringIO(report), save_filename=path.name, mime_type="text/markdown")
            self.app.deliver_text(io.StringIO(record), save_filename=jsonl.name, mime_type="application/jsonl")
        self.notify(f"Wrote {path} and {jsonl.name} (for `mediate compare`)", title="Exported", markup=False)

