"""Results by county (fylke): the run's youths in follow-up, their work or education a year
after entry, and their youth advisors' portfolios, county by county.

Offices differ by county (``sim.offices``), so a national mean can hide where a policy
acts. Each county's numbers count its own youths (a youth's county is their office's) and
its own advisors, with the definitions of the national outcomes: :func:`sim.outcomes.county_table`
hands this module the run's timeline and entry cohort, so the counts add up to the national
totals and the shares weighted by their counts give the national shares. The table is
written with a run's outputs as ``by_county.csv`` (docs/OUTPUTS.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import codes
from sim.results import RunResult

#: The table's columns after ``county``, with what each holds (docs/OUTPUTS.md).
COLUMNS: dict[str, str] = {
    "youths_in_follow_up": "mean number of youths in follow-up over the period (national)",
    "entrants_per_year": "youths entering in the period whose status a year later is known, "
                         "per year (national): the cohort of the next column",
    "work_or_education_12m": "percent of those entrants in work or education 12 months later",
    "youth_advisors": "mean number of active youth advisors (national)",
    "portfolio_youth_advisors": "mean portfolio (users) of the county's youth advisors",
}

#: The unit of each column, as the effects tables print it.
UNITS: dict[str, str] = {
    "youths_in_follow_up": "persons (national)",
    "entrants_per_year": "persons per year (national)",
    "work_or_education_12m": "percent",
    "youth_advisors": "advisors (national)",
    "portfolio_youth_advisors": "users",
}


def _county_of(youths: pd.DataFrame, reps: int, rep: np.ndarray, youth: np.ndarray) -> np.ndarray:
    """County code of each (replication, youth), from the youths table."""
    top = max(int(youths["youth"].max()) if len(youths) else 0, int(youth.max()) if len(youth) else 0)
    lookup = np.full((reps, top + 1), -1, dtype=np.int64)
    lookup[youths["rep"].to_numpy(), youths["youth"].to_numpy()] = youths["county"].cat.codes.to_numpy()
    return lookup[rep.astype(np.int64), youth.astype(np.int64)]


def _by_county_rep(values: np.ndarray, county: np.ndarray, rep: np.ndarray, reps: int) -> np.ndarray:
    """Sums of ``values`` by (county, replication), as an array [county, rep]."""
    n = len(codes.COUNTY)
    flat = np.bincount(county * reps + rep, weights=values.astype(np.float64), minlength=n * reps)
    return flat[: n * reps].reshape(n, reps).astype(np.float64)  # bincount of nothing is int


def by_county_reps(result: RunResult, timeline: pd.DataFrame, cohort: tuple[np.ndarray, ...],
                   window_years: float, reps: int, first_week: int) -> dict[str, np.ndarray]:
    """Each column of :data:`COLUMNS` as an array [county, replication], measured from
    ``first_week`` (the period's, or a comparison's window).

    ``timeline`` is the run's state timeline (``sim.outcomes.build_timeline``), ``cohort``
    the replication, youth id and success of each youth of the 12-month entry cohort
    (``sim.outcomes.entry_cohort``), which enters over ``window_years``.
    """
    n_weeks = result.calendar.n_weeks
    scale = float(result.scale)
    weeks = max(n_weeks - first_week, 1)

    rep = timeline["rep"].to_numpy().astype(np.int64)
    county = _county_of(result.youths, reps, rep, timeline["youth"].to_numpy())
    in_period = np.maximum(np.minimum(timeline["end"].to_numpy(), n_weeks)
                           - np.maximum(timeline["start"].to_numpy(), first_week), 0)
    follow_up = in_period * (timeline["status"].to_numpy() == codes.S_FOLLOW_UP)
    out = {"youths_in_follow_up": _by_county_rep(follow_up, county, rep, reps) / weeks / scale}

    c_rep, c_youth, success = cohort
    c_county = _county_of(result.youths, reps, c_rep, c_youth)
    entrants = _by_county_rep(np.ones(len(c_rep)), c_county, c_rep, reps)
    won = _by_county_rep(success, c_county, c_rep, reps)
    out["entrants_per_year"] = entrants / scale / window_years if window_years > 0 else entrants * 0.0
    out["work_or_education_12m"] = np.divide(100.0 * won, entrants, out=np.full_like(won, np.nan),
                                             where=entrants > 0)

    adv = result.advisors
    adv = adv[(adv["week"].to_numpy() >= first_week) & (adv["role"].astype(str).to_numpy() == "youth")]
    a_rep = adv["rep"].to_numpy().astype(np.int64)
    a_county = adv["county"].cat.codes.to_numpy().astype(np.int64)
    advisor_weeks = _by_county_rep(np.ones(len(adv)), a_county, a_rep, reps)
    users = _by_county_rep(adv["portfolio"].to_numpy(), a_county, a_rep, reps)
    out["youth_advisors"] = advisor_weeks / weeks / scale
    out["portfolio_youth_advisors"] = np.divide(users, advisor_weeks, out=np.full_like(users, np.nan),
                                                where=advisor_weeks > 0)
    return out


def table(per_rep: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per county: each column of :data:`COLUMNS`, its mean over replications
    (a county without offices in a small run shows zeros and empty shares)."""
    frame = pd.DataFrame({"county": list(codes.COUNTY)})
    for name in COLUMNS:
        frame[name] = [float(np.nanmean(row)) if np.isfinite(row).any() else float("nan")
                       for row in per_rep[name]]
    return frame
