"""A sweep's result directory and the summary it prints.

Files (all written at once, or none; see docs/OUTPUTS.md):

* ``sweep.json``: the sweep as run: file, design, parameters, seeds, the resolved base
  scenario, package versions;
* ``points.csv``: one row per point, the values its scenario got;
* ``runs.csv``: one row per (point, replication) with the parameters and every outcome;
* ``summary.csv``: per point and outcome, the mean over replications and the 5th and
  95th percentiles (over every run of every posterior draw), the number of runs and of
  draws, and ``parameter_share`` (with two draws or more; NaN otherwise);
* ``sensitivity.csv`` (sobol, morris): the indices per outcome and parameter;
* ``plots/``: the figures of :mod:`sim.sweep.plots`.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sim.effects import parameter_share
from sim.outcomes import OUTCOMES
from sim.posterior_draws import draw_seeds
from sim.results import atomic_write_json, write_dir_atomically
from sim.scenario.loader import plain, scenario_to_jsonable
from sim.sweep.design import Points
from sim.sweep.spec import Sweep, short_names

#: Quantiles of the band over replications in summary.csv and the figures.
BAND = (0.05, 0.95)
#: Rows of the grid table printed on stdout (the rest are in summary.csv).
SHOWN_POINTS = 25
#: Outcomes in the printed tables (all are in the files).
SHOWN_OUTCOMES = 4


def point_means(runs: pd.DataFrame, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """Mean of each outcome over a point's replications (index ``point``)."""
    return runs.groupby("point", sort=True)[list(outcomes)].mean()


def summary_table(points: Points, runs: pd.DataFrame, outcomes: tuple[str, ...],
                  reps_per_draw: int | None = None) -> pd.DataFrame:
    """Long table: point, the parameters, outcome, unit, mean, low, high, replications, draws,
    parameter_share.

    ``low`` and ``high`` are the band over every run of the point, all posterior draws
    together, so they hold chance and parameter uncertainty. Run ``rep`` belongs to draw
    ``rep // reps_per_draw``; with two draws or more ``parameter_share`` is the share of the
    outcome's variance over the point's runs that comes from the draws
    (:func:`sim.effects.parameter_share`, as in ``navsim compare``); with one draw (or
    ``reps_per_draw`` None) it is NaN: not defined.
    """
    runs = runs.assign(draw=0 if reps_per_draw is None else runs["rep"] // reps_per_draw)
    grouped = runs.groupby("point", sort=True)
    frames = []
    for outcome in outcomes:
        g = grouped[outcome]
        kept = runs[runs[outcome].notna()]
        share = {point: _share(part[outcome], part["draw"])
                 for point, part in kept.groupby("point", sort=True)}
        frames.append(pd.DataFrame({
            "outcome": outcome, "unit": OUTCOMES[outcome].unit, "mean": g.mean(),
            "low": g.quantile(BAND[0]), "high": g.quantile(BAND[1]), "replications": g.count(),
            "draws": kept.groupby("point", sort=True)["draw"].nunique().reindex(g.size().index, fill_value=0),
            "parameter_share": pd.Series(share, dtype=float).rename_axis("point")}))
    long = pd.concat(frames).join(points.table).reset_index()
    return long[["point", *points.table.columns, "outcome", "unit", "mean", "low", "high", "replications",
                 "draws", "parameter_share"]]


def _share(values: pd.Series, draws: pd.Series) -> float:
    """Parameter share of one point's runs; NaN with fewer than two draws (not defined)."""
    if draws.nunique() < 2:
        return math.nan
    return parameter_share(values.to_numpy(dtype=float), draws.to_numpy())


def runs_table(points: Points, runs: pd.DataFrame) -> pd.DataFrame:
    """The jobs' outcomes with each point's parameter values beside them."""
    table = runs.join(points.table, on="point")
    params = list(points.table.columns)
    rest = [c for c in runs.columns if c not in ("point", "rep")]
    return table[["point", "rep", *params, *rest]]


def sweep_json(sweep: Sweep, points: Points, created: str) -> dict[str, Any]:
    from sim.run import git_commit, versions

    return {
        "name": sweep.name,
        "description": sweep.description,
        "sweep_file": str(sweep.file),
        "scenario_file": str(sweep.scenario_file),
        "design": sweep.design,
        "samples": sweep.samples,
        "levels": sweep.levels if sweep.design == "morris" else None,
        "design_seed": sweep.design_seed,
        "parameters": [{"path": p.path, "values": plain(list(p.values)) if p.values is not None else None,
                        "bounds": None if p.low is None else [p.low, p.high], "integer": p.integer}
                       for p in sweep.parameters],
        "outcomes": list(sweep.outcomes),
        "points": len(points),
        "replications": sweep.replications,
        "seed": sweep.base.seed,
        "posterior_draws": list(sweep.draws),
        "replication_seeds": [s for k in range(max(len(sweep.draws), 1))
                              for s in draw_seeds(sweep.base.seed, k, sweep.replications)],
        "measure_from": None if sweep.measure_from is None else sweep.measure_from.isoformat(),
        "scenario": scenario_to_jsonable(sweep.base),
        "versions": versions(("SALib", "distributed")),
        "git_commit": git_commit(),
        "created": created,
    }


def write_sweep(out: Path, sweep: Sweep, points: Points, runs: pd.DataFrame,
                sensitivity: pd.DataFrame, plots: bool = True,
                description: dict[str, Any] | None = None) -> Path:
    """Write the result directory at once; ``description`` is sweep.json's content (made now
    if not given)."""
    if description is None:
        description = sweep_json(sweep, points, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def fill(tmp: Path) -> None:
        atomic_write_json(tmp / "sweep.json", description)
        points.table.to_csv(tmp / "points.csv")
        runs_table(points, runs).to_csv(tmp / "runs.csv", index=False)
        summary = summary_table(points, runs, sweep.outcomes, sweep.replications)
        summary.to_csv(tmp / "summary.csv", index=False)
        if not sensitivity.empty:
            sensitivity.to_csv(tmp / "sensitivity.csv", index=False)
        if plots:
            from sim.sweep.plots import plot_sweep

            plot_sweep(sweep, points, summary, sensitivity, tmp / "plots")

    return write_dir_atomically(out, fill)


def _fmt(value: float) -> str:
    if value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if abs(value) < 1 else f"{value:,.1f}"


def _grid_text(sweep: Sweep, points: Points, runs: pd.DataFrame) -> list[str]:
    shown = sweep.outcomes[:SHOWN_OUTCOMES]
    means = point_means(runs, shown)
    table = points.table.rename(columns=short_names(sweep.paths)).join(means)
    text = table.head(SHOWN_POINTS).to_string(formatters={o: _fmt for o in shown})
    lines = ["Mean over replications at each point:", *text.splitlines()]
    if len(table) > SHOWN_POINTS:
        lines.append(f"... {len(table) - SHOWN_POINTS} more points in summary.csv")
    return lines


def _index_text(sweep: Sweep, sensitivity: pd.DataFrame) -> list[str]:
    column, what = (("ST", "Total-order Sobol' index ST (share of the outcome's variance over the box "
                     "due to the parameter, with its interactions)") if sweep.design == "sobol" else
                    ("mu_star", "Morris mu* (mean absolute elementary effect: the change of the "
                     "outcome across the parameter's range, in the outcome's unit)"))
    shown = [o for o in sweep.outcomes if o in set(sensitivity["outcome"])][:SHOWN_OUTCOMES]
    if column not in sensitivity.columns:
        return [f"{what}: not computed for any outcome (see sensitivity.csv)"]
    wide = sensitivity.pivot(index="parameter", columns="outcome", values=column)
    wide = wide.reindex(index=sweep.paths, columns=shown).rename(index=short_names(sweep.paths))
    return [f"{what}:", *wide.to_string(formatters={o: _fmt for o in shown}).splitlines()]


def stdout_summary(sweep: Sweep, points: Points, runs: pd.DataFrame, sensitivity: pd.DataFrame) -> str:
    head = (f"{sweep.name}: {sweep.design}, {len(points)} points x {sweep.replications} "
            f"replication(s), seed {sweep.base.seed}, scale {sweep.base.scale}")
    body = _grid_text(sweep, points, runs) if sweep.design == "grid" else _index_text(sweep, sensitivity)
    return "\n".join([head, *body])
