"""Weeks and dates: the one place where the model's weekly clock meets the calendar.

The targets format (docs/TARGETS.md) fixes the conventions the reports' statistics need: a
month is 52/12 weeks, a window of ``m`` months covers ``round(m * 52 / 12)`` weeks, and
dates are ISO days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

WEEKS_PER_MONTH = 52 / 12


def months_to_weeks(months: float) -> int:
    """Weeks covered by a window of ``months`` months (docs/TARGETS.md: round(m * 52 / 12))."""
    return int(round(months * WEEKS_PER_MONTH))


@dataclass(frozen=True)
class Calendar:
    """Maps week indices to dates for one run.

    ``sim_start`` is the first day of week 0 (the start of the burn-in); ``first_week`` is
    the first week inside the scenario's period; ``n_weeks`` counts all simulated weeks.
    """

    sim_start: dt.date
    first_week: int
    n_weeks: int

    @classmethod
    def for_period(cls, start: dt.date, end: dt.date, burn_in_years: int) -> Calendar:
        """Calendar whose burn-in ends exactly at ``start`` and that runs through ``end``."""
        burn_in_weeks = int(burn_in_years) * 52
        sim_start = start - dt.timedelta(weeks=burn_in_weeks)
        n_weeks = burn_in_weeks + (end - start).days // 7 + 1
        return cls(sim_start=sim_start, first_week=burn_in_weeks, n_weeks=n_weeks)

    @classmethod
    def from_manifest(cls, calendar: dict) -> Calendar:
        """Rebuild the calendar stored in a run's ``manifest.json``."""
        return cls(
            sim_start=dt.date.fromisoformat(str(calendar["sim_start"])),
            first_week=int(calendar["first_week"]),
            n_weeks=int(calendar["n_weeks"]),
        )

    def date_of(self, week: int) -> dt.date:
        """First day of ``week``."""
        return self.sim_start + dt.timedelta(days=7 * int(week))

    def week_of(self, date: dt.date | str) -> int:
        """The week whose seven days contain ``date`` (may be outside the run)."""
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        return (date - self.sim_start).days // 7

    def first_week_from(self, date: dt.date | str) -> int:
        """The first week that starts on or after ``date``: when a lever dated ``date`` acts."""
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        week = self.week_of(date)
        if self.date_of(week) < date:
            week += 1
        return max(0, week)

    def year_of_weeks(self) -> np.ndarray:
        """Calendar year of the first day of every simulated week (int16 array)."""
        return np.array([self.date_of(w).year for w in range(self.n_weeks)], dtype=np.int16)

    def month_of_weeks(self) -> np.ndarray:
        """Calendar month (1-12) of the first day of every simulated week (int8 array)."""
        return np.array([self.date_of(w).month for w in range(self.n_weeks)], dtype=np.int8)

    def weeks_of_year(self, year: int) -> range:
        """Weeks whose first day falls in calendar ``year``."""
        first = self.week_of(dt.date(year, 1, 1))
        if self.date_of(first) < dt.date(year, 1, 1):
            first += 1
        last = self.week_of(dt.date(year, 12, 31))
        return range(first, last + 1)

    def month_starts(self, year: int) -> list[int]:
        """The week containing the first day of each month of ``year``."""
        return [self.week_of(dt.date(year, m, 1)) for m in range(1, 13)]

    def as_dict(self) -> dict:
        """JSON-ready form for the manifest."""
        return {
            "sim_start": self.sim_start.isoformat(),
            "first_week": self.first_week,
            "n_weeks": self.n_weeks,
        }
