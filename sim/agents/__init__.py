"""The model's agents.

* :class:`~sim.agents.youth.Youth` and :class:`~sim.agents.advisor.Advisor` are the agents
  of the Mesa reference engine (``sim.engine.mesa_engine``): real ``mesa.Agent`` objects
  holding their own state, one method per phase of the week they take part in.
* :class:`~sim.agents.office.Office` groups the advisors who take an office's youths.
* ``sim.agents.views`` has the numba engine's agents: read-only views over its arrays,
  with the same readable attributes.
"""

from sim.agents.advisor import Advisor
from sim.agents.office import Office
from sim.agents.youth import Youth

__all__ = ["Advisor", "Office", "Youth"]
