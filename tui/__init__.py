"""mediate's terminal interface: :func:`tui.app.run_tui` runs it, :func:`tui.app.prepare` checks a
scenario or save before the terminal is touched, :class:`tui.app.MediateApp` is the Textual app.

Imports run one way: ``app`` → ``screens`` → ``widgets`` → sim's public API (checked by
``tests/test_tui_architecture.py``)."""
