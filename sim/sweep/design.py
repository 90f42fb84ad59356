"""The points of a sweep's design, and what its results say about sensitivity.

* ``grid``: every combination of the listed values, the first parameter varying slowest.
* ``sobol``: Saltelli's extension of a scrambled Sobol' sequence (SALib), ``samples * (k + 2)``
  points for ``k`` parameters; the analysis gives first-order (S1) and total (ST) indices
  with 95 % bootstrap intervals: the share of an outcome's variance over the box that a
  parameter explains alone, and with its interactions.
* ``morris``: ``samples`` one-at-a-time trajectories on a grid of ``levels`` levels (SALib),
  ``samples * (k + 1)`` points; the analysis gives mu* (mean absolute elementary effect:
  how much the parameter matters) and sigma (how much its effect depends on the others),
  a cheap screening before a Sobol' study.

Sampling happens in the parameters' own units; keys that are whole numbers are rounded
when the scenario is made (:meth:`SweepParameter.cast`), so the analysis sees the sampled
values and the model the rounded ones, a small distortion for keys with few values.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.sweep.spec import Sweep

#: Bootstrap resamples and confidence level of the sensitivity indices' intervals.
RESAMPLES = 200
CONF_LEVEL = 0.95


@dataclass(frozen=True)
class Points:
    """A design's points: ``values`` the exact values each point's scenario gets (by path),
    ``table`` the same as a table for the files and figures (index ``point``; a column that
    mixes numbers and nulls shows NaN there), ``sample`` the raw sample matrix SALib
    analyses (None for a grid)."""

    values: list[dict[str, Any]]
    table: pd.DataFrame
    sample: np.ndarray | None

    def __len__(self) -> int:
        return len(self.values)


def _points(sweep: Sweep, rows: list[tuple], sample: np.ndarray | None) -> Points:
    values = [dict(zip(sweep.paths, row, strict=True)) for row in rows]
    table = pd.DataFrame(rows, columns=sweep.paths, index=pd.RangeIndex(len(rows), name="point"))
    return Points(values, table, sample)


def problem(sweep: Sweep) -> dict[str, Any]:
    """SALib's description of the box: names and bounds."""
    return {"num_vars": len(sweep.parameters), "names": sweep.paths,
            "bounds": [[p.low, p.high] for p in sweep.parameters]}


def design_points(sweep: Sweep) -> Points:
    if sweep.design == "grid":
        return _points(sweep, list(itertools.product(*(p.values or () for p in sweep.parameters))), None)
    if sweep.design == "sobol":
        from SALib.sample import sobol

        sample = sobol.sample(problem(sweep), sweep.samples, calc_second_order=False,
                              seed=sweep.design_seed)
    else:
        from SALib.sample import morris

        sample = morris.sample(problem(sweep), sweep.samples, num_levels=sweep.levels,
                               seed=sweep.design_seed)
    rows = [tuple(p.cast(v) for p, v in zip(sweep.parameters, row, strict=True)) for row in sample]
    return _points(sweep, rows, np.asarray(sample, dtype=np.float64))


def run_count(sweep: Sweep, points: Points) -> int:
    return len(points) * sweep.replications * max(len(sweep.draws), 1)


def sensitivity(sweep: Sweep, points: Points, means: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices of each outcome (columns of ``means``, one row per point: the mean
    over replications), one row per outcome and parameter. Empty for a grid.

    An outcome with a missing value at some point (nobody to measure) or no variation over
    the box has no indices; its rows say so in ``note``.
    """
    if sweep.design == "grid" or points.sample is None:
        return pd.DataFrame()
    prob = problem(sweep)
    rows: list[dict[str, Any]] = []
    for outcome in means.columns:
        y = means[outcome].to_numpy(dtype=np.float64)
        note = ""
        if not np.isfinite(y).all():
            note = "not computed: the outcome is missing at some points"
        elif np.ptp(y) == 0.0:
            note = "not computed: the outcome does not vary over the box"
        if note:
            rows.extend({"outcome": outcome, "parameter": name, "note": note} for name in prob["names"])
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if sweep.design == "sobol":
                from SALib.analyze import sobol

                res = sobol.analyze(prob, y, calc_second_order=False, num_resamples=RESAMPLES,
                                    conf_level=CONF_LEVEL, seed=sweep.design_seed)
                keys = ("S1", "S1_conf", "ST", "ST_conf")
            else:
                from SALib.analyze import morris

                res = morris.analyze(prob, points.sample, y, num_resamples=RESAMPLES,
                                     conf_level=CONF_LEVEL, num_levels=sweep.levels,
                                     seed=sweep.design_seed)
                keys = ("mu", "mu_star", "mu_star_conf", "sigma")
        for j, name in enumerate(prob["names"]):
            rows.append({"outcome": outcome, "parameter": name,
                         **{k: float(np.asarray(res[k])[j]) for k in keys}, "note": ""})
    return pd.DataFrame(rows)
