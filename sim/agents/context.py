"""What the Mesa agents may see of the engine that steps them: a small context.

A ``Youth`` or ``Advisor`` reads the week's parameters and levers, the seed of its random
streams, and writes events through :meth:`WeekContext.emit`; it never reaches into the
engine's internals. Declared here, as protocols, so that the agents do not import the
engine that imports them (``sim.engine.mesa_engine`` satisfies :class:`WeekContext`).
"""

from __future__ import annotations

from typing import Protocol

from sim.params import Params, Timeline


class WeekContext(Protocol):
    """The engine as an agent sees it."""

    params: Params  # behaviour (``sim.params``), vectors as tuples of Python floats
    levers: Timeline  # this week's value of every series and lever
    seed: int  # of the keyed random streams (``sim.rng``)
    week: int  # the week being stepped
    labour_market: float  # this week's unemployment factor on the chance of finding work

    def emit(self, week: int, youth: int, phase: int, kind: int, value: int, aux: int) -> None:
        """Record one event."""


class Veileder(Protocol):
    """An advisor as a youth sees it: who they are, and the portfolio they join or leave."""

    advisor_id: int

    def take(self, youth: object) -> None:
        """Add ``youth`` to the portfolio."""

    def release(self, youth: object) -> None:
        """Remove ``youth`` from the portfolio."""
