"""The search space: sampling free parameters, turning values into overrides, prior penalty.

Kept apart from Optuna's study handling so the same functions serve the trials, the
written calibrated layer and the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.calibration.config import FreeParameter, nested


def suggest(trial: Any, free: Iterable[FreeParameter]) -> dict[str, float]:
    """Ask an Optuna trial for every free parameter (named by its dotted path)."""
    values: dict[str, float] = {}
    for p in free:
        if p.integer:
            values[p.path] = trial.suggest_int(p.path, int(p.low), int(p.high), log=p.log)
        else:
            values[p.path] = trial.suggest_float(p.path, p.low, p.high, log=p.log)
    return values


def start_values(free: Iterable[FreeParameter]) -> dict[str, float]:
    """The scenario's own values: the prior parameter set every study starts from."""
    return {p.path: (int(p.start) if p.integer else p.start) for p in free}


def deep_merge(into: dict, top: Mapping) -> None:
    """Lay ``top`` over ``into`` in place: mappings merge, everything else replaces."""
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value


def to_overrides(free: Iterable[FreeParameter], values: Mapping[str, float]) -> dict:
    """Nested scenario overrides ``{'parameters': {'exits': {...}}}`` from dotted-path values."""
    out: dict = {}
    for p in free:
        value = values[p.path]
        deep_merge(out, nested(p.keys, int(value) if p.integer else float(value)))
    return out


def prior_penalty(free: Iterable[FreeParameter], values: Mapping[str, float]) -> float:
    """Mean over free parameters of ``z**2 / 2``, the prior's z-score of the value.

    For a normal prior this is the negative log density relative to its peak; for a
    lognormal prior the same on the log scale; uniform priors add nothing. The mean (not
    the sum) keeps the penalty's size independent of how many parameters are free, so the
    config's ``prior_weight`` means the same whatever is freed.
    """
    free = list(free)
    if not free:
        return 0.0
    return sum(0.5 * p.prior.z(float(values[p.path])) ** 2 for p in free) / len(free)


def round_value(value: float, integer: bool = False, digits: int = 4) -> float | int:
    """Round to ``digits`` significant figures: enough for a hazard, short enough to read."""
    if integer:
        return int(round(value))
    if value == 0:
        return 0.0
    return float(f"{value:.{digits}g}")
