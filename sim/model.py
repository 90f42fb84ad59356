"""``NavModel``: the Mesa model of young users' pathways through Nav.

One step is one week. The model delegates the week to an engine:

* ``engine="mesa"`` (``sim.engine.mesa_engine``): every ``Youth`` and ``Advisor`` is a
  ``mesa.Agent`` stepped in Python. Slow, readable: the reference.
* ``engine="numba"`` (``sim.engine.numba_engine``): state in struct-of-arrays tables,
  stepped by compiled kernels. Agents exist as thin views over the arrays, made on demand
  by :meth:`NavModel.materialize_agents`, so Mesa's tooling (``model.agents``,
  ``agents_by_type``) still works.

Both engines draw every decision from the same keyed random streams (``sim.rng``), so with
the same seed they produce identical event logs. Mesa's own ``model.random`` is seeded
too but the model never draws from it: a shared stream would couple decisions that common
random numbers must keep apart.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa

from sim.engine.output import EngineOutput
from sim.scenario.schema import Scenario


class NavModel(mesa.Model):
    """Young users (16-29) in Nav follow-up, their advisors and offices, week by week."""

    def __init__(self, scenario: Scenario, seed: int, engine: str | None = None,
                 record_events: bool = True) -> None:
        super().__init__(seed=seed)
        self.scenario = scenario
        self.seed_value = int(seed)
        self.engine_name = engine or scenario.engine
        if self.engine_name == "numba":
            from sim.engine.numba_engine import NumbaEngine

            self.engine = NumbaEngine(scenario, seed, record_events=record_events)
        elif self.engine_name == "mesa":
            from sim.engine.mesa_engine import MesaEngine

            self.engine = MesaEngine(self, scenario, seed, record_events=record_events)
        else:
            raise ValueError(f"unknown engine {self.engine_name!r} (numba or mesa)")
        self.calendar = self.engine.calendar
        self.running = True

    @property
    def phases(self) -> tuple[str, ...]:
        """The phases of one week, in the order they run."""
        return tuple(self.engine.phases)

    @property
    def week(self) -> int:
        """The next week to be simulated (0 = start of the burn-in)."""
        return self.engine.week

    @property
    def date(self):
        return self.calendar.date_of(self.engine.week)

    def step(self) -> None:
        """Simulate one week."""
        self.engine.step()
        if self.engine.week >= self.engine.n_weeks:
            self.running = False

    def run(self, progress: Callable[[int], None] | None = None) -> EngineOutput:
        """Simulate to the end of the period and return the replication's output."""
        if self.engine_name == "numba":
            out = self.engine.run(progress)  # compiled in chunks of weeks
            self.running = False
            return out
        while self.running:
            self.step()
            if progress is not None:
                progress(1)
        return self.engine.output()

    def materialize_agents(self) -> mesa.AgentSet:
        """Make every youth and advisor present in the model a ``mesa.Agent`` and return them.

        In the Mesa engine they already are; in the numba engine this creates views over
        the arrays (reading through to the current state).
        """
        if self.engine_name == "numba":
            from sim.agents.views import materialize

            materialize(self)
        return self.agents
