"""mediate's engine library, as sub-packages with one import direction (top to bottom):

- :mod:`sim.cli`: the ``mediate`` command, one module per command group; the only part that prints.
- :mod:`sim.report`: one Debrief per session, rendered as text, Markdown and in the TUI; news-wire lines.
- :mod:`sim.runs`: mediator policies, batches, scripted runs, saved games, transcripts, compare.
- :mod:`sim.analysis`: the outcome space (frontier, bargaining points, ZOPA, tiers), forecasts, statistics.
- :mod:`sim.engine`: the simpy ``Session``, the parties, pure rules, typed events, the mediator's view.
- :mod:`sim.scenario`: the frozen scenario model and its checks, YAML with marks, moves files, save files.

Below them all: :mod:`sim.errors` (one exception hierarchy), :mod:`sim.files` (bounded reads,
safe writes). Nothing here imports the TUI.
"""
