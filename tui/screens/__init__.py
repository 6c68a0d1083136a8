"""The screens of the TUI: the scenario picker, the briefing, the negotiation, the debrief, the
help screen and the small modals (choose, confirm, message). Each carries its own styles
(``CSS_PATH``, the ``.tcss`` beside it) and a Markdown ``HELP``; none imports the app."""
