"""Scenarios: the frozen pydantic model of a negotiation and everything that reads one.

- :mod:`~sim.scenario.model`: the model classes (``Scenario``, ``Issue``, ``Party``, …) and
  ``scenario_hash``; :mod:`~sim.scenario.checks`: the cross-reference and size checks.
- :mod:`~sim.scenario.loader`: ``load_scenario`` / ``load_scenario_located`` (YAML 1.2 core
  schema, strict numbers and booleans, every problem located at ``file:line:col``), with the
  bundled scenarios, ``--set`` overrides and quote verification it ties together.
- :mod:`~sim.scenario.actions`: mediator actions and moves files.
- :mod:`~sim.scenario.saves`: save files.

Everything raises only :class:`sim.errors.LoadError` for bad input.
"""
