"""What a comparison of scenarios is made of: the runs, the paired effects, what changed.

``sim.compare`` makes a :class:`Comparison` and ``sim.report`` writes it; both read this
module, so neither needs the other's internals (the report does not import the command).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calendar import Calendar
from sim.compare_jobs import Journal
from sim.scenario.changes import Change
from sim.scenario.schema import Scenario

#: Outcomes in the short stdout table and the effect figure.
KEY_OUTCOMES = (
    "work_or_education_12m",
    "work_or_education_6m",
    "days_in_work_2y",
    "tiltak_share_of_weeks",
    "contacts_per_month_scheduled_meeting",
    "weeks_to_first_contact",
    "weeks_waiting_veileder",
    "portefolje_mean_youth",
    "aap_stock_end",
    "gross_cost_per_year",
    "savings_per_year",
    "net_cost_per_year",
)


@dataclass
class ScenarioRun:
    """A scenario's resolved inputs and what is kept of its run: outcomes and a few stocks."""

    label: str
    path: Path
    scenario: Scenario
    resolved: dict[str, Any]
    table: pd.DataFrame
    weekly: pd.DataFrame
    cost_weekly: dict[str, np.ndarray] = field(default_factory=dict)  # runs x weeks of the window
    #: Results by county per run (columns ``county|column``, ``sim.counties``); None when a
    #: run does not carry them (a baseline reused from an older comparison).
    county_table: pd.DataFrame | None = None


@dataclass
class Comparison:
    """Everything a report needs: the runs, the paired effects and what each scenario changed."""

    base: ScenarioRun
    scenarios: list[ScenarioRun]
    effects: pd.DataFrame
    changes: dict[str, list[Change]]
    cost_per_person: dict[str, float | None]
    payback_months: dict[str, float | None]
    reps: int
    seed: int
    scale: float
    calendar: Calendar | None = None
    window_start: str | None = None  # first day of the measured window (None: the period start)
    draws: int = 0  # posterior draws (0: the central point alone)
    journal: Journal | None = None
    #: Paired effects per county (``effects_by_county.csv``): the columns of ``effects``
    #: with ``county`` after ``scenario``; None when runs lack the results by county.
    effects_by_county: pd.DataFrame | None = None
    baseline_runs: tuple[dict[str, Any], list] | None = None  # header and runs, for --baseline-from
    created: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))


def shown_path(path: Path) -> str:
    """A path as the reader knows it: relative to the working directory when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
