"""Which panel has the focus, shown by shape and words, never by colour alone.

The panel holding the focus gets the ``-has-focus`` class (a heavy border in the stylesheet,
where the "at risk" warning is a colour on the usual round border) and a ``▶`` before its
title. A class set when the focus moves to another *panel* replaces Textual's
``:focus-within``, which restyled the whole builder on every Tab between its issues.
"""

from __future__ import annotations

from textual.content import Content
from textual.dom import DOMNode
from textual.widget import Widget

MARKER = "▶ "
FOCUS_CLASS = "-has-focus"


def panel_of(node: DOMNode | None) -> Widget | None:
    """The nearest ``.panel`` holding ``node`` (itself included), if any."""
    while node is not None:
        if isinstance(node, Widget) and node.has_class("panel"):
            return node
        node = node.parent
    return None


def mark_panel(panel: Widget, focused: bool) -> None:
    """Show or clear the focus marker on one panel."""
    panel.set_class(focused, FOCUS_CLASS)
    title = Content.from_text(panel.border_title) if panel.border_title is not None else Content("")
    marked = title.plain.startswith(MARKER)
    if focused and not marked:
        panel.border_title = Content.assemble(MARKER, title)
    elif not focused and marked:
        panel.border_title = title[len(MARKER):]


class FocusTracker:
    """Keeps the marker on the panel that holds the focus, one screen at a time."""

    def __init__(self) -> None:
        self.panel: Widget | None = None

    def focus_moved(self, widget: Widget | None) -> None:
        panel = panel_of(widget)
        if panel is self.panel:
            return  # within one panel (Tab between issues): nothing to restyle
        if self.panel is not None and self.panel.is_attached:
            mark_panel(self.panel, False)
        self.panel = panel
        if panel is not None:
            mark_panel(panel, True)
