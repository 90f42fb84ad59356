"""The fit report's figures, drawn from plain tables (see :mod:`sim.calibration.report`)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

_CLIP = 5.0


def _worst_error(table: pd.DataFrame) -> pd.Series:
    """Per target, the signed normalised error (sim - obs) / tolerance with the largest size."""
    t = table[table["tol_abs"].astype(float) > 0].copy()
    t["err"] = (t["simulated"].astype(float) - t["observed"].astype(float)) / t["tol_abs"].astype(float)
    t = t[t["err"].notna()]  # rows the run cannot measure have no error to plot
    idx = t["err"].abs().groupby(t["target_id"], sort=False).idxmax()
    return t.loc[idx].set_index("target_id")["err"]


def _save(fig: plt.Figure, path: Path) -> None:
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def fit_before_after(before: pd.DataFrame, after: pd.DataFrame, path: Path) -> None:
    """One row per target: how far the prior and the calibrated model miss, in tolerances."""
    b, a = _worst_error(before), _worst_error(after)
    ids = list(dict.fromkeys([*b.index, *a.index]))
    y = np.arange(len(ids))
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.16 * len(ids) + 1.2)))
    ax.axvspan(-1, 1, color="tab:green", alpha=0.12, label="within tolerance")
    ax.axvline(0, color="grey", lw=0.8)
    bx = np.clip(b.reindex(ids).to_numpy(dtype=float), -_CLIP, _CLIP)
    axx = np.clip(a.reindex(ids).to_numpy(dtype=float), -_CLIP, _CLIP)
    ax.scatter(bx, y, marker="o", facecolors="none", edgecolors="grey", s=22, label="prior parameters")
    ax.scatter(axx, y, marker="o", color="tab:blue", s=18, label="calibrated")
    ax.set_yticks(y, ids, fontsize=6)
    ax.invert_yaxis()
    ax.set_xlim(-_CLIP - 0.3, _CLIP + 0.3)
    ax.set_xlabel(f"(simulated − observed) / tolerance (clipped at ±{_CLIP:g}; worst value per target)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    ax.set_title("Fit per target, before and after calibration")
    _save(fig, path)


def convergence(history: pd.DataFrame, path: Path) -> None:
    """Objective of each completed trial and the best so far: has the search levelled off?"""
    done = history[history["state"] == "complete"].sort_values("number")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    if not done.empty:
        obj = done["objective"].astype(float)
        top.scatter(done["number"], obj, s=10, color="grey", alpha=0.6, label="trial")
        top.step(done["number"], obj.cummin(), where="post", color="tab:blue", label="best so far")
        finite = obj[np.isfinite(obj)]
        if len(finite) and finite.min() > 0 and finite.max() / finite.min() > 20:
            top.set_yscale("log")
        best_idx = obj.expanding().apply(lambda s: s.argmin(), raw=True).astype(int)
        share = done["pass_share"].astype(float).to_numpy()
        bottom.step(done["number"], share[best_idx.to_numpy()], where="post", color="tab:blue",
                    label="best trial so far")
        bottom.scatter(done["number"], share, s=8, color="grey", alpha=0.5)
    top.set_ylabel("objective")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    top.set_title("Convergence")
    bottom.set_ylabel("targets passing")
    bottom.set_ylim(0, 1)
    bottom.set_xlabel("trial")
    _save(fig, path)


def _normalise(value: float, low: float, high: float, log: bool) -> float:
    if log and low > 0 and value > 0:
        return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    return (value - low) / (high - low)


def parameters(table: pd.DataFrame, path: Path) -> None:
    """Each parameter's prior and calibrated value within its bounds (0 = low, 1 = high).
    Values pressed against a bound suggest the bound or the model needs a second look."""
    rows = table.to_dict("records")
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * len(rows) + 1.2)))
    for i, r in enumerate(rows):
        lo, hi, lg = float(r["low"]), float(r["high"]), bool(r["log"])
        ax.plot([0, 1], [i, i], color="lightgrey", lw=4, solid_capstyle="butt", zorder=0)
        ax.scatter(_normalise(float(r["prior"]), lo, hi, lg), i, marker="o", facecolors="none",
                   edgecolors="grey", s=40, label="prior value" if i == 0 else None)
        ax.scatter(_normalise(float(r["calibrated"]), lo, hi, lg), i, marker="D", color="tab:blue",
                   s=30, label="calibrated" if i == 0 else None)
    ax.set_yticks(y, [str(r["path"]).removeprefix("parameters.") for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(-0.05, 1.05)
    ax.set_xlabel("position within bounds (log scale where the search is)")
    if rows:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    ax.set_title("Free parameters")
    _save(fig, path)
