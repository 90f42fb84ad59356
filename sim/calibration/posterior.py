"""The posterior file and what it says about each parameter.

``posterior.parquet`` holds one row per draw, one column per free parameter named by its
dotted scenario path (``parameters.contact_effect.work``) on the scenario's scale, and a
``weight`` column summing to 1; :mod:`sim.posterior_draws` reads and writes it, for
everything that runs over draws.

Labels (:func:`labels`): a free parameter is *calibrated* when the targets narrowed it
clearly: its weighted 90 % posterior interval is less than :data:`NARROWING` (half) of
its prior's 90 % interval, both measured on the search scale (the log for hazards).
Otherwise the targets leave it *unidentified*, and it is labelled by what its prior rests
on: a *source* (an evidence entry) or an *assumption*.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.config import CalibrationConfig, FreeParameter
from sim.posterior_draws import WEIGHT, read
from sim.scenario.loader import InputError

#: A parameter counts as calibrated when its 90 % posterior interval is narrower than this
#: share of its prior's 90 % interval.
NARROWING = 0.5
#: The interval the labels and the table use: 5th to 95th weighted percentile.
LEVEL = (0.05, 0.95)
CALIBRATED, SOURCE, ASSUMPTION = "calibrated", "source", "assumption"


def parameters(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != WEIGHT]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of a weighted sample (inverse of the weighted empirical cdf,
    interpolated at the mid-points of the weights)."""
    order = np.argsort(values)
    v, w = np.asarray(values, dtype=float)[order], np.asarray(weights, dtype=float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cdf, v))


def _scale(p: FreeParameter, x: np.ndarray | float) -> np.ndarray | float:
    from sim.calibration.abc import on_log_scale

    return np.log(x) if on_log_scale(p) else x


def prior_interval(p: FreeParameter) -> tuple[float, float]:
    """The prior's 90 % interval on the scenario's scale (the truncated prior ABC samples)."""
    from sim.calibration.abc import on_log_scale, prior_variable

    rv = prior_variable(p)
    lo, hi = (float(rv.ppf(q)) for q in LEVEL)
    return (math.exp(lo), math.exp(hi)) if on_log_scale(p) else (lo, hi)


@dataclass(frozen=True)
class ParameterSummary:
    path: str
    prior_low: float
    prior_high: float
    median: float
    low: float
    high: float
    narrowing: float        # posterior 90 % width / prior 90 % width, on the search scale
    label: str              # calibrated, source or assumption
    evidence: str


def summarise(config: CalibrationConfig, frame: pd.DataFrame) -> list[ParameterSummary]:
    """Prior and posterior interval, narrowing and label of every free parameter."""
    w = frame[WEIGHT].to_numpy(dtype=float)
    out = []
    for p in config.free:
        if p.path not in frame.columns:
            raise InputError(None, p.path, "the posterior has no column for this free parameter")
        x = frame[p.path].to_numpy(dtype=float)
        low, median, high = (weighted_quantile(x, w, q) for q in (LEVEL[0], 0.5, LEVEL[1]))
        prior_low, prior_high = prior_interval(p)
        width_prior = float(_scale(p, prior_high) - _scale(p, prior_low))
        width = float(_scale(p, high) - _scale(p, low))
        narrowing = width / width_prior if width_prior > 0 else math.nan
        label = CALIBRATED if narrowing < NARROWING else (SOURCE if p.evidence else ASSUMPTION)
        out.append(ParameterSummary(path=p.path, prior_low=prior_low, prior_high=prior_high, median=median,
                                    low=low, high=high, narrowing=narrowing, label=label,
                                    evidence=p.evidence or ""))
    return out


def labels(config: CalibrationConfig, path: Path) -> dict[str, str]:
    """Label of every free parameter from a posterior file: calibrated, source or assumption."""
    return {s.path: s.label for s in summarise(config, read(path))}


def unidentified(config: CalibrationConfig, path: Path) -> list[str]:
    """Free parameters the targets leave unidentified (posterior not clearly narrower)."""
    return [s.path for s in summarise(config, read(path)) if s.label != CALIBRATED]


#: The config the shipped posterior was computed with (free parameters, priors), and the
#: scenario it was read over (the posterior holds the other parameters at its values).
SHIPPED_CONFIG = (Path("calibration/posterior_config.yaml"), Path("scenarios/baseline.yaml"))


def shipped_summaries() -> dict[str, ParameterSummary]:
    """Each parameter of the shipped posterior (:func:`sim.posterior_draws.posterior_file`),
    by dotted key; empty without one."""
    from sim import posterior_draws
    from sim.calibration.config import load_config
    from sim.paths import project_file
    from sim.scenario.loader import load_scenario

    parquet = posterior_draws.posterior_file()
    config_file, scenario_file = (project_file(f) for f in SHIPPED_CONFIG)
    if not (parquet.exists() and config_file.exists()):
        return {}
    scenario, _ = load_scenario(scenario_file)
    config = load_config(config_file, scenario)
    return {s.path: s for s in summarise(config, read(parquet))}


def describe(s: ParameterSummary) -> str:
    """One line for ``navsim show``: the label and the intervals it rests on."""
    why = f"{s.label} ({s.evidence})" if s.label == SOURCE else s.label
    return (f"posterior: {why}; 90 % interval {_num(s.low)} - {_num(s.high)} against the prior's "
            f"{_num(s.prior_low)} - {_num(s.prior_high)} (width ratio {s.narrowing:.2f})")


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "-"
    return f"{x:.3g}"


def table_markdown(config: CalibrationConfig, frame: pd.DataFrame) -> str:
    """The docs table: prior vs posterior per parameter, with its label."""
    lines = [
        "| parameter | prior 90 % | posterior median | posterior 90 % | width ratio | label |",
        "|---|---|---|---|---|---|",
    ]
    for s in summarise(config, frame):
        label = s.label + (f" ({s.evidence})" if s.label == SOURCE else "")
        lines.append(f"| `{s.path}` | {_num(s.prior_low)} - {_num(s.prior_high)} | {_num(s.median)} | "
                     f"{_num(s.low)} - {_num(s.high)} | {s.narrowing:.2f} | {label} |")
    n_eff = effective_size(frame)
    lines.append("")
    lines.append(f"{len(frame)} draws, effective sample size {n_eff:.0f}. Calibrated: the posterior's "
                 f"90 % interval is under {NARROWING:.0%} of the prior's (width ratio < {NARROWING}), "
                 "on the log scale for hazards.")
    return "\n".join(lines) + "\n"


def effective_size(frame: pd.DataFrame) -> float:
    """Kish's effective sample size of the weights."""
    w = frame[WEIGHT].to_numpy(dtype=float)
    return float(w.sum() ** 2 / (w**2).sum())


def central_draw(config: CalibrationConfig, frame: pd.DataFrame) -> dict[str, float]:
    """The draw single runs use: the one nearest the weighted median of every parameter,
    distances in prior-interval widths on the search scale (a real draw, so its parameters
    fit together)."""
    w = frame[WEIGHT].to_numpy(dtype=float)
    total = np.zeros(len(frame))
    for p in config.free:
        x = np.asarray(_scale(p, frame[p.path].to_numpy(dtype=float)))
        lo, hi = prior_interval(p)
        width = float(_scale(p, hi) - _scale(p, lo)) or 1.0
        total += ((x - weighted_quantile(x, w, 0.5)) / width) ** 2
    row = frame.iloc[int(np.argmin(total))]
    return {p.path: float(row[p.path]) for p in config.free}


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.calibration.posterior [POSTERIOR] [--config FILE] [--scenario FILE]``:
    print the prior-vs-posterior table (markdown) for the docs."""
    import argparse

    from sim.calibration.config import load_config
    from sim.paths import project_file
    from sim.scenario.loader import load_scenario

    ap = argparse.ArgumentParser(description="prior vs posterior per parameter, as a markdown table")
    ap.add_argument("posterior", type=Path, nargs="?", default=Path("calibration/posterior.parquet"))
    ap.add_argument("--config", type=Path, default=Path("calibration/config.yaml"))
    ap.add_argument("--scenario", type=Path, default=Path("scenarios/priors.yaml"))
    args = ap.parse_args(argv)
    try:
        scenario, _ = load_scenario(project_file(args.scenario))
        config = load_config(project_file(args.config), scenario)
        print(table_markdown(config, read(project_file(args.posterior))), end="")
    except InputError as exc:
        print(f"navsim: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
