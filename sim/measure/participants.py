"""Outcomes of programme participants, counted from their own start: ``ips_outcome_share``.

A trial of IPS (individual placement and support) compares its participants with their
controls some months after each one started; a stock or a transition share of the whole
population cannot say that, since it mixes youths at every stage of IPS with youths never
in it. This metric follows the participants themselves.

Participants: youths with an IPS start (an ``ips`` event with value 1: a place taken, not a
referral to the queue) in a week of ``year`` (a list pools the years); a youth with more than
one start in a year counts once, from the first. ``where`` applies to the state in the
start week (``new_entrant``: registered or returned from the start of the year to the
start). Window: the months ``window_months = [lo, hi]`` after the start, weeks
``[s + round(lo * 52 / 12), s + round(hi * 52 / 12))`` from the start week ``s``, so
``[3, 6]`` is the 4th to 6th month. Value: the mean over participants of the share of the
window's weeks with a status in ``outcome`` (as in ``transition_share``: ``work`` includes
work combined with education); that is, the share of participants in the outcome in a
week drawn at random from the window. Every participant's window must lie in the run.
"""

from __future__ import annotations

import numpy as np

from sim.calendar import months_to_weeks
from sim.measure.base import in_ranges, metric, require_weeks, year_ranges
from sim.measure.flows import OUTCOME_STATUSES
from sim.measure.population import RepData
from sim.targets import Measure


def ips_participants(rd: RepData, m: Measure) -> tuple[np.ndarray, np.ndarray]:
    """Youths (matching ``where`` in the start week) with an IPS start in ``year``, and the
    week of their first start in each year."""
    lo, hi = (months_to_weeks(x) for x in m.params["window_months"])
    ranges = year_ranges(rd, m.params["year"])
    require_weeks(rd, min(r.start for r in ranges), max(r.stop for r in ranges) - 1 + hi,
                  "IPS starts and their windows")
    starts = rd.ips_starts
    youths, weeks, year_starts = [], [], []
    for r in ranges:
        sel = np.flatnonzero(in_ranges(starts.week, [r]))
        # EventIndex is sorted by youth then week: the first row per youth is its first start.
        _, first = np.unique(starts.youth[sel], return_index=True)
        youths.append(starts.youth[sel][first])
        weeks.append(starts.week[sel][first])
        year_starts.append(np.full(len(first), r.start, dtype=np.int64))
    youth, week, year_start = (np.concatenate(a) for a in (youths, weeks, year_starts))
    members = rd.youth_mask(m.where, rd.at(youth, week), (year_start, week))
    return youth[members], week[members]


@metric("ips_outcome_share")
def ips_outcome_share(rd: RepData, m: Measure) -> float:
    """Among IPS participants of ``year``, the share in ``outcome`` over the months
    ``window_months`` after their start (see the module's docstring); NaN with none."""
    youth, week = ips_participants(rd, m)
    if not len(youth):
        return float("nan")
    lo, hi = (months_to_weeks(x) for x in m.params["window_months"])
    tl = rd.timeline
    weeks = tl.weeks_in(tl.status_in(OUTCOME_STATUSES[m.params["outcome"]]), youth, week + lo, week + hi)
    return float(np.mean(weeks / (hi - lo)))
