"""The footer of keys: Textual's, recomposed only when the keys it shows change.

Textual's ``Footer`` rebuilds all its key widgets on every focus change (the focused widget's
bindings join the list), which made Tab between the builder's issues cost some 100 ms. Here
the footer compares what it would show and keeps its widgets when nothing changed. The
command palette's key is left out (``ctrl+p`` is listed in the help), so the footer's width
goes to the screen's own keys and ``q Quit`` is never cut at 80 columns.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Signature = tuple[tuple[str, str, bool], ...]


class KeysFooter(Footer):
    """The screen's shown keys, compact, without the command palette's."""

    DEFAULT_CSS = """
    KeysFooter {
        background: $panel;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, show_command_palette=False, compact=True)
        self._shown: Signature | None = None

    def shown_keys(self, screen: Screen) -> Signature:
        """(key, description, enabled) of every key the footer would show, in order."""
        return tuple((b.key, b.description, enabled)
                     for (_, b, enabled, _tip) in screen.active_bindings.values() if b.show)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and self._bindings_ready:
            shown = self.shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
