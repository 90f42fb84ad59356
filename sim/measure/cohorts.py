"""Cohorts followed from their start: ``cohort_share``, ``duration_share``, ``days_in_state``.

Cohort (``cohort_share``, ``duration_share``): youths whose first ever §14a assessment
(the first ``assessment`` event in the log) fell in a week of ``cohort_year`` (a list pools
years). Each member is followed over the window ``[a, a + horizon)`` from the assessment
week ``a``, ``horizon = round(horizon_months * 52 / 12)`` weeks. Filters apply to the state
in the assessment week (``new_entrant``: registered or returned from the start of the
cohort year to the assessment). Every member's window must lie in the run.
"""

from __future__ import annotations

import numpy as np

from sim import codes
from sim.measure.base import (
    NotMeasurable,
    horizon_weeks,
    in_ranges,
    metric,
    require_weeks,
    share,
    year_ranges,
    year_start_of,
)
from sim.measure.panels import in_tiltak, in_treatment
from sim.measure.population import RepData
from sim.measure.timeline import EventIndex
from sim.targets import Measure


def _first_events(index: EventIndex, rd: RepData, years: tuple[int, ...], h: int, what: str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each youth's first event of ``index`` if it falls in ``years``: youth, week, year start."""
    ranges = year_ranges(rd, years)
    require_weeks(rd, min(r.start for r in ranges), max(r.stop for r in ranges) - 1 + h, what)
    _, first = np.unique(index.youth, return_index=True)
    youth, week = index.youth[first], index.week[first]
    sel = in_ranges(week, ranges) & rd.known(youth)
    return youth[sel], week[sel], year_start_of(week[sel], ranges)


def cohort(rd: RepData, m: Measure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members matching ``where``: youth ids, window starts and window stops."""
    h = horizon_weeks(m)
    youth, week, year_start = _first_events(rd.assessments, rd, m.params["cohort_year"], h,
                                            "cohort years and their horizon")
    members = rd.youth_mask(m.where, rd.at(youth, week), (year_start, week))
    return youth[members], week[members], week[members] + h


@metric("cohort_share")
def cohort_share(rd: RepData, m: Measure) -> float:
    """Share of the cohort with ``event`` within the horizon.

    * ``reassessed_up`` / ``reassessed_down``: a reassessment to a higher / lower
      innsatsgruppe than the youth's previous assessment or reassessment;
    * ``never_reassessed``: no reassessment;
    * ``never_tiltak``: never in a tiltak (state ``in``; waiting does not count);
    * ``got_aap``: on AAP in at least one week; ``got_ufore``: on uføretrygd (benefit or
      exit to uføretrygd) in at least one week;
    * ``got_mental_health_treatment``: a youth with a mental-health problem who was in
      treatment in at least one week.
    """
    youth, start, stop = cohort(rd, m)
    tl = rd.timeline
    event = m.params["event"]
    if event == "reassessed_up":
        hits = rd.reassessed_up.count(youth, start, stop) > 0
    elif event == "reassessed_down":
        hits = rd.reassessed_down.count(youth, start, stop) > 0
    elif event == "never_reassessed":
        hits = rd.reassessments.count(youth, start, stop) == 0
    elif event == "never_tiltak":
        hits = tl.weeks_in(in_tiltak(tl), youth, start, stop) == 0
    elif event == "got_aap":
        hits = tl.weeks_in(tl.benefit == codes.B_AAP, youth, start, stop) > 0
    elif event == "got_ufore":
        hits = tl.weeks_in(tl.benefit == codes.B_UFORE, youth, start, stop) > 0
    elif event == "got_mental_health_treatment":
        hits = rd.mental_health(youth) & (tl.weeks_in(in_treatment(tl), youth, start, stop) > 0)
    else:
        raise KeyError(event)
    return share(hits, np.ones(len(youth), dtype=bool))


@metric("duration_share")
def duration_share(rd: RepData, m: Measure) -> float:
    """Among cohort members ever in ``state`` within the horizon, the share whose total time
    in it within the horizon lies in ``band_months`` (inclusive; open above when hi is null).

    Time is counted in whole months, ``weeks * 12 // 52`` (13 weeks = 3 months, 12 weeks =
    2 months), the same convention as whole years of age, so bands ``[0, 5]`` and ``[6, 11]``
    do not overlap. ``aap``: benefit AAP; ``tiltak``: in a tiltak (not waiting).
    """
    youth, start, stop = cohort(rd, m)
    tl = rd.timeline
    condition = tl.benefit == codes.B_AAP if m.params["state"] == "aap" else in_tiltak(tl)
    weeks = tl.weeks_in(condition, youth, start, stop)
    months = weeks * 12 // 52
    lo, hi = m.params["band_months"]
    in_band = (months >= lo) & (months <= (np.inf if hi is None else hi))
    return share(in_band, weeks > 0)


#: Statuses that make up each ``days_in_state`` state.
DAYS_STATUSES: dict[str, tuple[int, ...]] = {
    "work": (codes.S_WORK, codes.S_WORK_AND_EDUCATION),
    "follow_up": (codes.S_FOLLOW_UP,),
    "outside": (codes.S_OUTSIDE,),
}


@metric("days_in_state")
def days_in_state(rd: RepData, m: Measure) -> float:
    """Mean days in ``state`` over the ``horizon_months`` after entry, among new entrants of ``year``.

    New entrants: youths whose first registration (``registration`` event; returns are not
    entries) fell in a week of the year; window ``[entry, entry + horizon)``; filters on
    the state in the entry week. Days = 7 * weeks with the status: ``work`` (work, or work
    and education), ``follow_up``, ``outside``. Every window must lie in the run.
    """
    h = horizon_weeks(m)
    youth, week, year_start = _first_events(rd.entries, rd, m.params["year"], h,
                                            "entry years and their horizon")
    members = rd.youth_mask(m.where, rd.at(youth, week), (year_start, week))
    youth, week = youth[members], week[members]
    if not len(youth):
        return float("nan")
    tl = rd.timeline
    weeks = tl.weeks_in(tl.status_in(DAYS_STATUSES[m.params["state"]]), youth, week, week + h)
    return float(7.0 * weeks.mean())


@metric("cohort_count")
def cohort_count(rd: RepData, m: Measure) -> float:
    """National number of youths (matching ``where`` in the assessment week) whose first
    ever §14a assessment falls in ``cohort_year``. A cohort year that starts with the
    simulation cannot be measured: its youths' earlier assessments are not in the log."""
    _require_history(rd, m)
    youth, _, _ = cohort(rd, m.with_param("horizon_months", 0.0))
    return float(len(youth)) / rd.scale


def _require_history(rd: RepData, m: Measure) -> None:
    """Youths assessed before the run are never in a cohort, so a cohort year must start
    after the simulation does (the burn-in's assessments are in the log)."""
    if min(r.start for r in year_ranges(rd, m.params["cohort_year"])) <= 0:
        raise NotMeasurable("the cohort year starts with the simulation: whether its youths were "
                            "assessed before is unknown")


def tiltak_spell_starts(rd: RepData) -> EventIndex:
    """First week of every tiltak spell: a run of consecutive weeks in a tiltak (state
    ``in`` during follow-up); any week out of it, waiting included, ends the spell."""
    tl = rd.timeline
    cond = in_tiltak(tl)
    same_youth = np.r_[False, tl.youth[1:] == tl.youth[:-1]]
    continues = same_youth & np.r_[False, cond[:-1]]
    begins = cond & ~continues
    return EventIndex(tl.youth[begins], tl.start[begins])


@metric("cohort_tiltak_count_share")
def cohort_tiltak_count_share(rd: RepData, m: Measure) -> float:
    """Among cohort members with a tiltak spell within the horizon, the share with ``count``
    distinct spells (``one``, ``two``, ``three_plus``). A spell under way in the assessment
    week counts as one."""
    _require_history(rd, m)
    youth, start, stop = cohort(rd, m)
    tl = rd.timeline
    ongoing = tl.weeks_in(in_tiltak(tl), youth, start, start + 1) > 0
    spells = tiltak_spell_starts(rd).count(youth, start + 1, stop) + ongoing
    wanted = {"one": spells == 1, "two": spells == 2, "three_plus": spells >= 3}[m.params["count"]]
    return share(wanted, spells > 0)
