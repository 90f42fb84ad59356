"""Figures of a sweep: how outcomes respond to the parameters, and which parameters matter.

* grid: ``response.png``, one panel per outcome: the mean over replications (with the
  5-95 % band) against the first parameter, a line for each combination of the others;
* sobol: ``sobol.png``, one panel per outcome: first-order and total indices per
  parameter, with their 95 % intervals;
* morris: ``morris.png``, one panel per outcome: mu* against sigma per parameter;
* sobol and morris: ``scatter.png``, each outcome against each parameter over the sample,
  the plainest view of what the indices summarise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.outcomes import OUTCOMES
from sim.plots import display_unit, new_figure, save_figure
from sim.sweep.design import Points
from sim.sweep.spec import Sweep, short_names

#: Lines in one panel of the grid figure before the other parameters are left out of it.
MAX_LINES = 8


def _panels(n: int, ncols: int = 2, height: float = 3.2, width: float = 12.0):  # noqa: ANN202
    nrows = max(1, -(-n // ncols))
    fig, axes = new_figure(nrows, ncols, size=(width, 0.8 + nrows * height))
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def _label(outcome: str) -> tuple[str, str, float]:
    meta = OUTCOMES[outcome]
    unit, factor = display_unit(meta.unit)
    return meta.label, unit, factor


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def plot_grid(sweep: Sweep, points: Points, summary: pd.DataFrame, path: Path) -> Path:
    table = points.table
    x_name, others = table.columns[0], list(table.columns[1:])
    groups = [((), table)] if not others else list(table.groupby(others, sort=False, dropna=False))
    groups = groups[:MAX_LINES]
    fig, axes = _panels(len(sweep.outcomes))
    stats = summary.set_index(["outcome", "point"])[["mean", "low", "high"]]
    short = short_names(sweep.paths)
    for ax, outcome in zip(axes, sweep.outcomes, strict=False):
        label, unit, factor = _label(outcome)
        for key, part in groups:
            xs = part[x_name]
            pos = xs.to_numpy(dtype=np.float64) if _numeric(xs) else np.arange(len(xs))
            rows = stats.loc[outcome].loc[part.index]
            mean, lo, hi = (rows[c].to_numpy(dtype=np.float64) / factor for c in ("mean", "low", "high"))
            name = ", ".join(f"{short[o]}={v}" for o, v in zip(others, np.atleast_1d(key),
                                                               strict=False)) or None
            ax.plot(pos, mean, marker="o", label=name)
            ax.fill_between(pos, lo, hi, alpha=0.2)
            if not _numeric(xs):
                ax.set_xticks(pos, [str(v) for v in xs])
        ax.set_title(label, fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.set_xlabel(x_name, fontsize=8)
        if others:
            ax.legend(fontsize=7)
    fig.suptitle(f"{sweep.name}: mean over {sweep.replications} replication(s) with the 5-95 % band")
    return save_figure(fig, path)


def _index_panels(sweep: Sweep, sensitivity: pd.DataFrame, column: str, height: float = 3.2):  # noqa: ANN202
    """A panel for each outcome that has the index ``column``, and its rows by parameter."""
    parts = []
    for outcome in sweep.outcomes:
        part = sensitivity[sensitivity["outcome"] == outcome].set_index("parameter").reindex(sweep.paths)
        if column in part.columns and part[column].notna().any():
            parts.append((outcome, part))
    fig, axes = _panels(max(1, len(parts)), height=height)
    return fig, axes, parts


def plot_sobol(sweep: Sweep, sensitivity: pd.DataFrame, path: Path) -> Path:
    y = np.arange(len(sweep.paths))
    fig, axes, parts = _index_panels(sweep, sensitivity, "ST", height=0.9 + 0.45 * len(sweep.paths))
    for ax, (outcome, part) in zip(axes, parts, strict=False):
        for offset, (col, name) in zip((-0.2, 0.2), (("S1", "first order"), ("ST", "total")), strict=True):
            ax.barh(y + offset, part[col], height=0.4, xerr=part[f"{col}_conf"], capsize=2,
                    label=name, alpha=0.8)
        ax.set_yticks(y, [short_names(sweep.paths)[p] for p in sweep.paths], fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(_label(outcome)[0], fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle(f"{sweep.name}: Sobol' indices with 95 % intervals ({len(sweep.paths)} parameters)")
    return save_figure(fig, path)


def plot_morris(sweep: Sweep, sensitivity: pd.DataFrame, path: Path) -> Path:
    fig, axes, parts = _index_panels(sweep, sensitivity, "mu_star")
    for ax, (outcome, part) in zip(axes, parts, strict=False):
        ax.errorbar(part["mu_star"], part["sigma"], xerr=part["mu_star_conf"], fmt="o", capsize=2)
        for name, row in part.iterrows():
            ax.annotate(short_names(sweep.paths)[str(name)], (row["mu_star"], row["sigma"]), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")
        ax.set_xlabel("mu* (importance)", fontsize=8)
        ax.set_ylabel("sigma (interaction, non-linearity)", fontsize=8)
        ax.set_title(_label(outcome)[0], fontsize=9)
    fig.suptitle(f"{sweep.name}: Morris screening, {sweep.samples} trajectories")
    return save_figure(fig, path)


def plot_scatter(sweep: Sweep, points: Points, summary: pd.DataFrame, path: Path) -> Path:
    means = summary.pivot(index="point", columns="outcome", values="mean")
    k, n = len(sweep.paths), len(sweep.outcomes)
    fig, axes = new_figure(n, k, size=(2.6 * k + 1, 2.2 * n + 0.8))
    axes = axes.reshape(n, k)
    for i, outcome in enumerate(sweep.outcomes):
        label, unit, factor = _label(outcome)
        for j, param in enumerate(sweep.paths):
            ax = axes[i, j]
            ax.scatter(points.table[param], means[outcome] / factor, s=6, alpha=0.6)
            ax.tick_params(labelsize=6)
            if i == n - 1:
                ax.set_xlabel(short_names(sweep.paths)[param], fontsize=7)
            if j == 0:
                ax.set_ylabel(f"{outcome}\n({unit})", fontsize=6)
    fig.suptitle(f"{sweep.name}: each point's mean over replications against each parameter")
    return save_figure(fig, path)


def plot_sweep(sweep: Sweep, points: Points, summary: pd.DataFrame, sensitivity: pd.DataFrame,
               directory: Path) -> list[Path]:
    """Every figure of the sweep; ``summary`` is summary.csv's table (:func:`summary_table`)."""
    if sweep.design == "grid":
        return [plot_grid(sweep, points, summary, directory / "response.png")]
    first = (plot_sobol if sweep.design == "sobol" else plot_morris)(
        sweep, sensitivity, directory / f"{sweep.design}.png")
    return [first, plot_scatter(sweep, points, summary, directory / "scatter.png")]
