"""Flows out of and back into follow-up: ``transition_share`` and ``return_share``."""

from __future__ import annotations

import numpy as np

from sim import codes
from sim.measure.base import horizon_weeks, in_ranges, metric, require_weeks, share, year_ranges
from sim.measure.population import RepData
from sim.targets import Measure

#: Statuses that count as each outcome (``work`` includes work combined with education).
OUTCOME_STATUSES: dict[str, tuple[int, ...]] = {
    "work": (codes.S_WORK, codes.S_WORK_AND_EDUCATION),
    "education": (codes.S_EDUCATION, codes.S_WORK_AND_EDUCATION),
    "work_or_education": (codes.S_WORK, codes.S_EDUCATION, codes.S_WORK_AND_EDUCATION),
    "work_only": (codes.S_WORK,),
    "education_only": (codes.S_EDUCATION,),
    "work_and_education": (codes.S_WORK_AND_EDUCATION,),
    "outside": (codes.S_OUTSIDE,),
}
WORK_OR_EDUCATION = OUTCOME_STATUSES["work_or_education"]


@metric("transition_share")
def transition_share(rd: RepData, m: Measure) -> float:
    """Share of risk-set person-months in ``outcome`` ``horizon_months`` later.

    Risk set: every (youth, month start) with the month start (the week containing the 1st
    of each month) in ``year`` (a list pools the years), the youth in follow-up that week
    and matching ``where`` on that week's state (``new_entrant``: registered or returned
    from the start of the year to that week). In follow-up means not in work or education:
    work and education are statuses outside follow-up in the model, and partial work while
    in follow-up is not "in work". Outcome: the youth's status in the week ``horizon``
    weeks after the month start (``round(months * 52 / 12)``). Youths who have aged out or
    moved to uføretrygd by then stay in the risk set and are in no outcome (``outside`` is
    the status ``outside`` only). Every month start and its horizon must lie in the run.
    """
    h = horizon_weeks(m)
    points = [(rd.calendar.weeks_of_year(y).start, w) for y in m.params["year"]
              for w in rd.calendar.month_starts(y)]
    require_weeks(rd, min(w for _, w in points), max(w for _, w in points) + h + 1,
                  "risk-set months and their horizon")
    outcome = OUTCOME_STATUSES[m.params["outcome"]]
    hits = total = 0
    for year_start, week in points:
        state = rd.snapshot(week)
        risk = (state.status == codes.S_FOLLOW_UP) & rd.youth_mask(
            m.where, state, (min(year_start, week), week))
        later = rd.snapshot(week + h)
        hits += int(np.count_nonzero(risk & np.isin(later.status, outcome)))
        total += int(np.count_nonzero(risk))
    return hits / total if total else float("nan")


@metric("return_share")
def return_share(rd: RepData, m: Measure) -> float:
    """Share of youths who left follow-up for work or education in ``year`` and are back
    in follow-up ``horizon_months`` after leaving.

    Moves: exits to work, education or both in a week of the year; a youth counts once per
    year, with the first such exit. Filters apply to the state in the last week in
    follow-up (the week before the exit; ``new_entrant``: registered or returned from the
    start of the year to the exit). Back: status ``follow_up`` in the week ``horizon``
    weeks after the exit week (a return that ended again by then does not count).
    """
    h = horizon_weeks(m)
    ranges = year_ranges(rd, m.params["year"])
    require_weeks(rd, min(r.start for r in ranges) - 1, max(r.stop for r in ranges) + h,
                  "moves and their horizon")
    ex = rd.exits
    to_work = np.isin(ex.value, WORK_OR_EDUCATION)
    youths, weeks, starts = [], [], []
    for r in ranges:
        sel = np.flatnonzero(to_work & in_ranges(ex.week, [r]))
        # EventIndex is sorted by youth then week: the first row per youth is its first move.
        _, first = np.unique(ex.youth[sel], return_index=True)
        youths.append(ex.youth[sel][first])
        weeks.append(ex.week[sel][first])
        starts.append(np.full(len(first), r.start, dtype=np.int64))
    youth, week, year_start = (np.concatenate(a) for a in (youths, weeks, starts))
    before = rd.at(youth, week - 1)
    movers = rd.youth_mask(m.where, before, (year_start, week))
    back = rd.at(youth, week + h).status == codes.S_FOLLOW_UP
    return share(back, movers)
