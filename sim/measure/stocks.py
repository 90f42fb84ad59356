"""Point-in-time stocks: ``stock_share`` and ``stock_count``.

Measurement point: the week containing ``date``. The population is the youths in
follow-up that week who match ``where`` (filters on that week's state); ``new_entrant``
means registered or returned between the start of the date's calendar year and the date.
"""

from __future__ import annotations

import numpy as np

from sim import codes
from sim.measure.base import metric, require_weeks, share
from sim.measure.population import RepData
from sim.measure.timeline import StateAt
from sim.targets import ATTRIBUTES, Measure


def _point(rd: RepData, m: Measure) -> tuple[int, StateAt, tuple[int, int]]:
    date = m.params["date"]
    week = rd.calendar.week_of(date)
    require_weeks(rd, week, week + 1, "date")
    year_start = min(rd.calendar.weeks_of_year(date.year).start, week)
    return week, rd.snapshot(week), (year_start, week)


@metric("stock_share")
def stock_share(rd: RepData, m: Measure) -> float:
    """Share of youths in follow-up on ``date`` (matching ``where``) with attribute == category."""
    _, state, period = _point(rd, m)
    population = (state.status == codes.S_FOLLOW_UP) & rd.youth_mask(m.where, state, period)
    attribute = m.params["attribute"]
    category = ATTRIBUTES[attribute].index(m.params["category"])
    return share(rd.attribute(attribute, state) == category, population)


@metric("stock_count")
def stock_count(rd: RepData, m: Measure) -> float:
    """National number of youths matching ``where`` on ``date``: simulated count / scale.

    Counted: youths in follow-up; and, when ``where`` has a ``benefit`` filter that accepts
    ``ufore``, youths on uføretrygd (status ``ufore``, including direct inflow at 18),
    since the reports' stock of uføretrygd recipients under 30 is not in follow-up.
    """
    _, state, period = _point(rd, m)
    n = np.count_nonzero(counted(m.where, state) & rd.youth_mask(m.where, state, period))
    return float(n) / rd.scale


def counted(where: dict, state: StateAt) -> np.ndarray:
    """Youths a count can include that week: in follow-up, and on uføretrygd when the
    ``benefit`` filter accepts ``ufore``."""
    out = state.status == codes.S_FOLLOW_UP
    if "ufore" in where.get("benefit", ()):
        out = out | (state.status == codes.S_UFORE)
    return out
