"""The numba engine's agents, made on demand: ``Youth`` and ``Advisor`` over its arrays.

An agent holds only its row number and reads the current array element, so one made once
stays true as the model steps. The engine itself never needs them.
"""

from __future__ import annotations

import mesa

from sim.agents.advisor import Advisor
from sim.agents.youth import Youth


def materialize(model: mesa.Model) -> None:
    """Register an agent for every entered youth and every advisor slot not yet made."""
    engine = model.engine
    have = getattr(model, "_viewed", (0, 0))
    for row in range(have[0], engine.hi):
        Youth(model, engine, row)
    n_adv = len(engine.advisors.role)
    for row in range(have[1], n_adv):
        Advisor(model, engine, row)
    model._viewed = (engine.hi, n_adv)
