"""The negotiation engine: a simpy :class:`~sim.engine.session.Session` driven by the mediator's actions.

- :mod:`sim.engine.session`: ``Session`` (act, view, what-ifs) and the simpy processes;
  :mod:`sim.engine.state` its read-only state and queries.
- :mod:`sim.engine.parties`: each party as an agent (its state, threshold, responses, what a
  consultation reveals).
- :mod:`sim.engine.agreement`: the agreement in force, its expiries and outcome tiers.
- :mod:`sim.engine.rules`: the model's formulas and the incident-damage table, pure functions.
- :mod:`sim.engine.events`: the typed, JSON-serialisable events (data only, no English).
- :mod:`sim.engine.view`: ``MediatorView``, what the mediator can know, and its estimates.
"""
