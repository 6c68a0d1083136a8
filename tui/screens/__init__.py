"""Screens of the mediate TUI."""
