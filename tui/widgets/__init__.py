"""Widgets of the mediate TUI."""
