"""The measurement engine: every metric of the targets format, computed from a run.

Each statistic is computed per replication from the run's tables (docs/OUTPUTS.md)
exactly as the targets format (docs/TARGETS.md) defines it; the modules document the
definitions where the format leaves room:

* :mod:`sim.measure.timeline`: states rebuilt from the event log, and their scoping;
* :mod:`sim.measure.population`: filters and derived attributes (age, bands, new entrants);
* :mod:`sim.measure.stocks`: ``stock_share``, ``stock_count``;
* :mod:`sim.measure.panels`: ``panel_ever_share``, ``panel_pattern_share`` and the activities;
* :mod:`sim.measure.flows`: ``transition_share``, ``return_share``;
* :mod:`sim.measure.participants`: ``ips_outcome_share`` (IPS participants from their start);
* :mod:`sim.measure.cohorts`: ``cohort_share``, ``duration_share``, ``days_in_state``;
* :mod:`sim.measure.advisors`: ``portfolio_mean``, ``portfolio_share_above``,
  ``contacts_per_advisor_week``, ``first_contact_share``, ``advisor_first_contact_share``;
* :mod:`sim.measure.counts`: the second round's counts over weeks and events
  (``annual_count``, ``vedtak_person_count``, ``vedtak_count``, ``population_share``,
  ``mean_stock_count``, ``period_share``); ``panel_count`` and ``panel_months_share`` are
  in :mod:`sim.measure.panels`, ``cohort_count`` and ``cohort_tiltak_count_share`` in
  :mod:`sim.measure.cohorts`.

``experiment_effect`` needs a second run and is handled by :mod:`sim.validate`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim import codes
from sim.measure import (  # noqa: F401 - register the metrics
    advisors,
    cohorts,
    counts,
    flows,
    panels,
    participants,
    stocks,
)
from sim.measure.base import METRIC_FUNCTIONS, NotMeasurable
from sim.measure.population import RepData, category_codes
from sim.results import RunResult
from sim.targets import EXPERIMENT, Measure

__all__ = ["Measurer", "NotMeasurable", "measure", "METRIC_FUNCTIONS"]


class Measurer:
    """Computes measures on one run, replication by replication.

    Building a replication's :class:`RepData` (the state timeline) is the expensive part,
    so :meth:`compute` measures a whole list of statistics on each replication before
    moving to the next. With ``cache=True`` the replications are kept for later calls.
    """

    def __init__(self, run: RunResult, cache: bool = True) -> None:
        self.run = run
        self.cache = cache
        self._reps: dict[int, RepData] = {}
        ev = run.events
        self._ev = {
            "rep": ev["rep"].to_numpy(dtype=np.int32),
            "week": ev["week"].to_numpy(dtype=np.int32),
            "youth": ev["youth"].to_numpy(dtype=np.int32),
            "kind": category_codes(ev["kind"], codes.EVENT_KIND).astype(np.int8),
            "value": ev["value"].to_numpy(dtype=np.int32),
            "aux": ev["aux"].to_numpy(dtype=np.int32),
        }
        order = np.argsort(self._ev["rep"], kind="stable")
        self._order = order
        self._rep_sorted = self._ev["rep"][order]
        # Replications are numbered 0..n-1, one per seed.
        self.reps = list(range(run.replications))

    @property
    def replications(self) -> int:
        return len(self.reps)

    def rep_data(self, rep: int) -> RepData:
        """The measuring data of replication ``rep`` (built on first use)."""
        if rep in self._reps:
            return self._reps[rep]
        lo, hi = np.searchsorted(self._rep_sorted, [rep, rep + 1])
        rows = self._order[lo:hi]
        events = {k: v[rows] for k, v in self._ev.items() if k != "rep"}
        youths = _rows(self.run.youths, rep)
        advisors_rep = _rows(self.run.advisors, rep)
        scenario = (self.run.manifest or {}).get("scenario")
        data = RepData(rep, events, youths, advisors_rep, self.run.calendar, self.run.scale,
                       scenario if isinstance(scenario, dict) else None)
        if self.cache:
            self._reps[rep] = data
        return data

    def compute(self, measures: Sequence[Measure]) -> list[np.ndarray | NotMeasurable]:
        """Per-replication values of each measure (NaN where a replication's population is
        empty), or the :class:`NotMeasurable` saying why the run cannot give it."""
        for m in measures:
            if m.metric == EXPERIMENT:
                raise ValueError("experiment_effect needs two runs; see sim.validate.evaluate")
            if m.metric not in METRIC_FUNCTIONS:
                raise ValueError(f"no measurement for metric {m.metric!r}")
        values = [np.full(self.replications, np.nan) for _ in measures]
        failed: dict[int, NotMeasurable] = {}
        for r, rep in enumerate(self.reps):
            data = self.rep_data(rep)
            for i, m in enumerate(measures):
                if i in failed:
                    continue
                try:
                    values[i][r] = METRIC_FUNCTIONS[m.metric](data, m)
                except NotMeasurable as exc:
                    # kept without its traceback: the traceback holds this frame, whose
                    # replication data (hundreds of MB at scale) would then live in a
                    # reference cycle until the next full garbage collection
                    failed[i] = exc.with_traceback(None)
        return [failed.get(i, v) for i, v in enumerate(values)]

    def values(self, m: Measure) -> np.ndarray:
        """Per-replication values of one measure; raises :class:`NotMeasurable`."""
        (result,) = self.compute([m])
        if isinstance(result, NotMeasurable):
            raise result
        return result


def _rows(frame: pd.DataFrame, rep: int) -> pd.DataFrame:
    if not len(frame):
        return frame
    return frame[frame["rep"].to_numpy() == rep].reset_index(drop=True)


def measure(run: RunResult, m: Measure) -> np.ndarray:
    """Per-replication values of ``m`` on ``run`` (one-off use; see :class:`Measurer`)."""
    return Measurer(run, cache=False).values(m)
