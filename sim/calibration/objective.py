"""Scoring one parameter set: overrides -> run -> compare with the targets -> objective.

The objective of a trial is ``loss + prior_weight * prior_penalty``:

* ``loss`` is :func:`sim.validate.loss` of the comparison table (weighted mean of capped
  squared normalised errors over every compared value);
* ``prior_penalty`` is :func:`sim.calibration.space.prior_penalty` (mean of ``z**2 / 2``
  over the free parameters), which keeps poorly identified parameters near their evidence.

Every trial runs with the same seed, scale and replications (common random numbers), so
two trials differ only by their parameters. The simulation and comparison functions come
in as an :class:`Engine`, which lets tests score against a toy model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.calibration.config import CalibrationConfig
from sim.calibration.space import prior_penalty, to_overrides
from sim.scenario.loader import apply_overrides
from sim.scenario.schema import Scenario


def no_warm_up(*_: Any, **__: Any) -> bool:
    """Nothing to compile (engines of tests and of other simulators)."""
    return False


@dataclass(frozen=True)
class Engine:
    """The functions a trial needs; :func:`default_engine` gives the real ones."""

    run: Callable[..., Any]                 # run_scenario(scenario, *, reps, seed, progress)
    evaluate: Callable[..., pd.DataFrame]   # evaluate(run_result, targets, runner=intervention -> run)
    loss: Callable[[pd.DataFrame], float]   # loss(table)
    load_targets: Callable[[Path], Any]     # targets file -> what evaluate takes
    evidence_ids: Callable[[Any], set[str]]  # ids of the file's evidence entries
    warm_up: Callable[..., bool] = no_warm_up  # compile before the trials (sim.run.warm_up)


def default_engine() -> Engine:
    """The real simulation and validation, imported only when a calibration runs."""
    from sim import run, targets, validate

    return Engine(run=run.run_scenario, evaluate=validate.evaluate, loss=validate.loss,
                  load_targets=targets.load_targets, evidence_ids=targets.evidence_ids,
                  warm_up=run.warm_up)


@dataclass(frozen=True)
class Outcome:
    objective: float
    loss: float
    penalty: float
    pass_share: float      # share of targets passing (a distribution passes if all its values do)
    n_pass: int
    n_targets: int
    table: pd.DataFrame


def pass_summary(table: pd.DataFrame) -> tuple[float, int, int]:
    """(share, passed, total) over targets: a target passes when all its compared values pass."""
    rows = table[table["pass"].notna()] if "pass" in table else table.iloc[0:0]
    if rows.empty:
        return float("nan"), 0, 0
    by_target = rows.groupby("target_id", sort=False)["pass"].agg(lambda s: bool(s.astype(bool).all()))
    return float(by_target.mean()), int(by_target.sum()), int(len(by_target))


class Objective:
    """Scores a mapping of free-parameter values (dotted path -> value)."""

    def __init__(self, base: Scenario, config: CalibrationConfig, targets: Any, engine: Engine) -> None:
        self.base = base
        self.config = config
        self.targets = targets
        self.engine = engine

    def scenario(self, values: Mapping[str, float]) -> Scenario:
        return apply_overrides(self.base, to_overrides(self.config.free, values), "calibration trial")

    def _run(self, scenario: Scenario, seed: int | None = None) -> Any:
        from sim.validate import attach_scenario

        result = self.engine.run(scenario, reps=self.base.replications,
                                 seed=self.base.seed if seed is None else seed, progress=False)
        return attach_scenario(result, scenario)

    def __call__(self, values: Mapping[str, float], seed: int | None = None) -> Outcome:
        """Score ``values``; ``seed`` replaces the shared trial seed (ABC draws one per
        simulation so that chance is part of the posterior; control and treated runs of an
        experiment still share it)."""
        scenario = self.scenario(values)

        def runner(intervention: Mapping[str, Any]) -> Any:
            """Experiment targets: the trial's scenario with the intervention, same seeds."""
            return self._run(apply_overrides(scenario, intervention, "experiment intervention"), seed)

        result = self._run(scenario, seed)
        table = self.engine.evaluate(result, self.targets, runner=runner)
        loss = float(self.engine.loss(table))
        penalty = prior_penalty(self.config.free, values)
        objective = loss + self.config.settings.prior_weight * penalty
        share, n_pass, n_targets = pass_summary(table)
        return Outcome(objective=objective, loss=loss, penalty=penalty, pass_share=share,
                       n_pass=n_pass, n_targets=n_targets, table=table)


def is_finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)
