"""The footer of keys: Textual's, recomposed only when the keys it shows change.

Textual's ``Footer`` rebuilds all its key widgets on every focus change (the focused widget's
bindings join the list), which made Tab between the builder's issues cost some 100 ms. Here
the footer compares what it would show and keeps its widgets when nothing changed. The
command palette's key is left out (``ctrl+p`` is listed in the help), so the footer's width
goes to the screen's own keys and ``q Quit`` is never cut at 80 columns.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

KEPT_WORDS = ("app.help", "quit")
"""Actions whose words stay when the footer is too narrow for every key's words."""

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
        self._terse = False

    def shown_keys(self, screen: Screen) -> Signature:
        """(key, description, enabled) of every key the footer would show, in order."""
        return tuple((b.key, b.description, enabled)
                     for (_, b, enabled, _tip) in screen.active_bindings.values() if b.show)

    def compose(self) -> ComposeResult:
        """Every key; when their words don't all fit, only help and quit keep theirs (the help
        screen says what each key does), so no key is ever cut off."""
        keys: list[Widget] = list(super().compose())
        width = self.app.size.width
        self._terse = sum(self.key_width(k) for k in keys) > width
        if self._terse:
            for k in keys:
                if isinstance(k, FooterKey) and k.action not in KEPT_WORDS:
                    k.description = ""
        yield from keys

    @staticmethod
    def key_width(key: Widget) -> int:
        """Columns a compact key takes: its key, a space, its words, a space."""
        if not isinstance(key, FooterKey):
            return 0
        return len(key.key_display) + 1 + (len(key.description) + 1 if key.description else 0)

    def on_resize(self, _event: events.Resize) -> None:
        self._shown = None  # the words may fit now, or no longer
        self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and self._bindings_ready:
            shown = self.shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
