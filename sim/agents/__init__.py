"""The model's agents: rows of the engine's state tables (``sim.state``) as Mesa agents.

* :class:`~sim.agents.youth.Youth`: a young user; :class:`~sim.agents.advisor.Advisor`: a
  veileder with a portfolio. The same classes serve both engines: in the Mesa reference
  engine they act, one method per step of the week, through the decisions of
  ``sim.processes``; in the numba engine they are made on demand as readers of its arrays
  (:func:`~sim.agents.views.materialize`).
"""

from sim.agents.advisor import Advisor
from sim.agents.youth import Youth

__all__ = ["Advisor", "Youth"]
