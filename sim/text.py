"""Text safe to show on a terminal: :func:`printable` for any string that came from a user's file.

File names, save and transcript fields and YAML keys reach error messages and tables. Raw control
characters there could clear the screen, move the cursor, set the window title or reorder the line
(bidi overrides), so every such string is shown with those characters as visible escapes.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the Unicode format characters that reorder or hide text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object) -> str:
    """``value`` as text with every control or reordering character shown as an escape (``\\x1b``).

    Ordinary text, including accents and non-Latin scripts, is unchanged.
    """
    return _UNSAFE.sub(_escape, str(value))


def printable_lines(value: object) -> str:
    """Like :func:`printable`, but keeps line breaks: for multi-line messages built by mediate itself."""
    return "\n".join(printable(line) for line in str(value).split("\n"))
