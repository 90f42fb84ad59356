"""What the agents may see of the engine that steps them: a small context.

An agent reads and changes its own row of the engine's tables (``sim.state``) through the
decisions of ``sim.processes``, with the week's parameters, levers, random stream keys and
event sink; it never reaches into the engine's loops. Declared here, as a protocol, so that
the agents do not import the engines that make them.
"""

from __future__ import annotations

from typing import Any, Protocol

from sim.params import Params, Timeline
from sim.state import Advisors, Youths


class WeekContext(Protocol):
    """The engine as an agent sees it."""

    youths: Youths  # the youth table (numpy arrays, or Python lists in the Mesa engine)
    advisors: Advisors  # the advisor table
    params: Params  # behaviour (``sim.params``)
    T: Timeline  # every series and lever, indexed by week
    keys: Any  # this week's random stream keys (``sim.rng.week_keys``)
    events: Any  # the event sink (``sim.engine.tables.Events``)
    n_ev: Any  # its fill level, a one-element array
    week: int  # the week being stepped
