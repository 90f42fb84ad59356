"""Second-round counts over the weeks of a year or period, and over §14a events.

"Matches ``where`` in a week" means: counted that week as by ``stock_count`` (in
follow-up; on uføretrygd too when the ``benefit`` filter accepts ``ufore``) and matching
the filters on that week's state. ``new_entrant`` means registered or returned from the
start of the measured year (or period) to that week. Every week must lie in the run.
Counts are national: simulated count / scale.

* ``annual_count``: distinct youths matching in at least one week whose first day falls
  in ``year``; per category (with ``attribute``) the distinct youths who in some week
  match and have that category, so one youth can count in several.
* ``vedtak_person_count`` / ``vedtak_count``: distinct youths with / number of
  ``assessment`` and ``reassessment`` events in the year, filters on the state in the
  event week; ``attribute: innsatsgruppe`` splits the events by the group they give.
* ``population_share``: ``stock_count(where)`` on ``date`` over the national population
  of the ages in ``where.age``, from the scenario input ``inputs.population_by_age``
  (the year of ``date``, or the series' nearest year).
* ``mean_stock_count``: mean over the weeks starting in ``year`` (with ``months: [first,
  last]``, only in those calendar months) of the weekly ``stock_count(where)``.
* ``period_share``: among youths matching in some week of ``[start, end)`` (the weeks
  holding a day of it), the share with ``attribute == category`` in a week they match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import numpy as np

from sim.measure.base import NotMeasurable, in_ranges, metric, require_weeks, year_ranges
from sim.measure.population import RepData
from sim.measure.stocks import counted
from sim.measure.timeline import StateAt
from sim.targets import ATTRIBUTES, Measure


def _year_weeks(rd: RepData, m: Measure) -> list[range]:
    ranges = year_ranges(rd, m.params["year"])
    require_weeks(rd, min(r.start for r in ranges), max(r.stop for r in ranges), "year")
    return ranges


def matching_weeks(rd: RepData, m: Measure, ranges: list[range]) -> Iterator[tuple[StateAt, np.ndarray]]:
    """For each week of ``ranges``: every youth's state and who matches ``where`` that week."""
    for r in ranges:
        for week in r:
            state = rd.snapshot(week)
            yield state, counted(m.where, state) & rd.youth_mask(m.where, state, (r.start, week))


def _category_code(m: Measure) -> tuple[str, int] | None:
    attribute = m.params.get("attribute")
    if attribute is None:
        return None
    return attribute, ATTRIBUTES[attribute].index(m.params["category"])


@metric("annual_count")
def annual_count(rd: RepData, m: Measure) -> float:
    ranges = _year_weeks(rd, m)
    wanted = _category_code(m)
    ever = np.zeros(len(rd.youth_ids), dtype=bool)
    for state, match in matching_weeks(rd, m, ranges):
        if wanted is not None:
            match = match & (rd.attribute(wanted[0], state) == wanted[1])
        ever |= match
    return float(np.count_nonzero(ever)) / rd.scale


def _vedtak(rd: RepData, m: Measure) -> tuple[np.ndarray, np.ndarray]:
    """Youth and resulting group of the year's §14a events matching ``where`` (event week)."""
    ranges = _year_weeks(rd, m)
    youth = np.r_[rd.assessments.youth, rd.reassessments.youth]
    week = np.r_[rd.assessments.week, rd.reassessments.week]
    group = np.r_[rd.assessments.value, rd.reassessments.value]
    sel = in_ranges(week, ranges) & rd.known(youth)
    youth, week, group = youth[sel], week[sel], group[sel]
    starts = np.zeros(len(week), dtype=np.int64)
    for r in ranges:
        starts[(week >= r.start) & (week < r.stop)] = r.start
    ok = rd.youth_mask(m.where, rd.at(youth, week), (starts, week))
    return youth[ok], group[ok]


@metric("vedtak_person_count")
def vedtak_person_count(rd: RepData, m: Measure) -> float:
    youth, _ = _vedtak(rd, m)
    return float(len(np.unique(youth))) / rd.scale


@metric("vedtak_count")
def vedtak_count(rd: RepData, m: Measure) -> float:
    youth, group = _vedtak(rd, m)
    wanted = _category_code(m)
    if wanted is not None:
        youth = youth[group == wanted[1]]
    return float(len(youth)) / rd.scale


def population_of_ages(scenario: Mapping, year: int, ages: tuple[tuple[int, int], ...]) -> float:
    """National population of ``ages`` in ``year`` from ``inputs.population_by_age``.

    The input maps years to 14 numbers (ages 16..29); the nearest year of the series is used.
    """
    series = (scenario.get("inputs") or {}).get("population_by_age")
    if not series:
        raise NotMeasurable("the scenario has no inputs.population_by_age (population by age and year)")
    years = sorted(int(y) for y in series)
    nearest = min(years, key=lambda y: (abs(y - year), y))
    row = series.get(nearest, series.get(str(nearest)))
    total = 0.0
    for lo, hi in ages:
        if lo < 16 or hi > 29:
            raise NotMeasurable(f"inputs.population_by_age covers ages 16-29, not {lo}-{hi}")
        total += float(sum(row[a - 16] for a in range(lo, hi + 1)))
    return total


@metric("population_share")
def population_share(rd: RepData, m: Measure) -> float:
    from sim.measure.stocks import stock_count

    population = population_of_ages(rd.scenario, m.params["date"].year, m.where["age"])
    if population <= 0:
        raise NotMeasurable("inputs.population_by_age gives no one of these ages")
    return stock_count(rd, m) / population


@metric("mean_stock_count")
def mean_stock_count(rd: RepData, m: Measure) -> float:
    ranges = _year_weeks(rd, m)
    months = m.params.get("months")
    if months is not None:
        first, last = months
        ranges = [range(w, w + 1) for r in ranges for w in r if first <= rd.calendar.date_of(w).month <= last]
    counts = [np.count_nonzero(match) for _, match in matching_weeks(rd, m, ranges)]
    return float(np.mean(counts)) / rd.scale


@metric("period_share")
def period_share(rd: RepData, m: Measure) -> float:
    first = rd.calendar.week_of(m.params["start"])
    stop = rd.calendar.week_of(m.params["end"] - dt.timedelta(days=1)) + 1
    require_weeks(rd, first, stop, "period")
    wanted = _category_code(m)
    assert wanted is not None
    member = np.zeros(len(rd.youth_ids), dtype=bool)
    hit = np.zeros(len(rd.youth_ids), dtype=bool)
    for state, match in matching_weeks(rd, m, [range(first, stop)]):
        member |= match
        hit |= match & (rd.attribute(wanted[0], state) == wanted[1])
    n = int(np.count_nonzero(member))
    return float(np.count_nonzero(hit)) / n if n else float("nan")
