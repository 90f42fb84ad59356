"""Shared pieces of the metrics: the registry, the 'cannot measure' signal and week windows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.calendar import months_to_weeks
from sim.measure.errors import NotMeasurable
from sim.measure.population import RepData
from sim.targets import Measure

__all__ = ["METRIC_FUNCTIONS", "NotMeasurable", "metric", "share"]

MetricFn = Callable[[RepData, Measure], float]
METRIC_FUNCTIONS: dict[str, MetricFn] = {}


def metric(name: str) -> Callable[[MetricFn], MetricFn]:
    """Register the function computing ``name`` for one replication."""
    def register(fn: MetricFn) -> MetricFn:
        METRIC_FUNCTIONS[name] = fn
        return fn
    return register


def share(hits: np.ndarray, population: np.ndarray) -> float:
    """Share of ``population`` (bool mask) with ``hits``; NaN when nobody is in it."""
    n = int(np.count_nonzero(population))
    return float(np.count_nonzero(hits & population)) / n if n else float("nan")


def horizon_weeks(m: Measure, name: str = "horizon_months") -> int:
    return months_to_weeks(m.params[name])


def require_weeks(rd: RepData, first: int, stop: int, what: str, advisors: bool = False) -> None:
    """Raise :class:`NotMeasurable` unless weeks ``[first, stop)`` lie inside the run.

    Youth data cover every simulated week (the event log keeps the burn-in); the advisor
    panel covers only the weeks of the scenario's period.
    """
    lo = rd.calendar.first_week if advisors else 0
    if first < lo or stop > rd.n_weeks:
        cal = rd.calendar
        needed = (f"week of {cal.date_of(first)}" if stop - first == 1
                  else f"weeks {cal.date_of(first)} to {cal.date_of(stop - 1)}")
        raise NotMeasurable(f"{what} ({needed}) is outside the simulated {'period' if advisors else 'weeks'} "
                            f"({cal.date_of(lo)} to {cal.date_of(rd.n_weeks - 1)})")


def year_ranges(rd: RepData, years: tuple[int, ...]) -> list[range]:
    """The weeks of each calendar year (weeks whose first day falls in the year)."""
    return [rd.calendar.weeks_of_year(y) for y in years]


def in_ranges(week: np.ndarray, ranges: list[range]) -> np.ndarray:
    """Which weeks fall in any of ``ranges``."""
    week = np.asarray(week)
    ok = np.zeros(len(week), dtype=bool)
    for r in ranges:
        ok |= (week >= r.start) & (week < r.stop)
    return ok


def year_start_of(week: np.ndarray, ranges: list[range]) -> np.ndarray:
    """First week of the year range containing each week (the start of its measured period)."""
    out = np.full(len(week), -1, dtype=np.int64)
    for r in ranges:
        inside = (week >= r.start) & (week < r.stop)
        out[inside] = r.start
    return out
