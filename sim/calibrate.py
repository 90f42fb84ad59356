"""``navsim calibrate``: fit the free parameters of ``calibration/config.yaml`` to the targets.

The steps, each in its own module under :mod:`sim.calibration`: read and check the config
against the scenario (``config``), run an Optuna study on a journal file in ``--out`` until
it has ``--trials`` finished trials (``study``; each trial scored by ``objective``), then
write the best values as the calibrated layer (``output``) and a fit report comparing the
prior and the calibrated parameters on every target (``report``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import pandas as pd
from tqdm import tqdm

from sim import preflight
from sim.calibration import objective as objective_mod
from sim.calibration import report
from sim.calibration.config import CalibrationConfig, evidence_warnings, load_config, trial_settings
from sim.calibration.objective import Objective, Outcome
from sim.calibration.output import calibrated_text, display_path, header_lines, rounded, write_calibrated
from sim.calibration.space import start_values
from sim.calibration.study import (
    JOURNAL,
    CalibrationError,
    WorkerSpec,
    best_trial,
    exclusive_directory,
    fingerprint,
    finished,
    history,
    open_study,
    prepare,
    repair_journal,
    run_workers,
)
from sim.paths import default_targets, project_file
from sim.scenario.loader import apply_overrides, load_scenario

DEFAULTS = {
    "targets": None,  # the project's targets files (sim.paths.default_targets)
    "config": Path("calibration/config.yaml"),
    "scenario": Path("scenarios/priors.yaml"),
    "out": Path("results/calibration"),
    "write": Path("calibration/calibrated.yaml"),
}


@dataclass
class Paths:
    targets: Path | list[Path]
    config: Path
    scenario: Path
    out: Path
    write: Path


@dataclass
class Setup:
    """A checked calibration, ready to run: nothing has been written yet."""

    paths: Paths
    config: CalibrationConfig
    objective: Objective
    stamp: str


@dataclass
class Summary:
    """How the prior and the calibrated parameters fit (``loss``, ``pass_share``, ...)."""

    before: dict[str, Any]
    after: dict[str, Any]
    best: int
    completed: int
    mean_seconds: float


def _paths(args: argparse.Namespace) -> Paths:
    given = {k: getattr(args, k, None) for k in DEFAULTS}
    targets = given.pop("targets")
    if isinstance(targets, list) and len(targets) == 1:
        targets = targets[0]  # one file: as before, so a study's fingerprint stays the same
    targets = [Path(f) for f in targets] if isinstance(targets, list) else Path(targets) if targets \
        else default_targets()
    rest = {k: Path(given[k]) if given[k] else
            (default if k == "out" else project_file(default, to_write=k == "write"))
            for k, default in DEFAULTS.items() if k != "targets"}
    return Paths(targets=targets, **rest)


def setup(paths: Paths, reps: int | None = None, scale: float | None = None,
          engine: objective_mod.Engine | None = None) -> Setup:
    """Load and check everything (scenario, config, targets) before any trial runs."""
    engine = engine or objective_mod.default_engine()
    scenario, _ = load_scenario(paths.scenario)
    config = load_config(paths.config, scenario)
    targets = engine.load_targets(paths.targets)
    if hasattr(targets, "targets"):  # a targets file with nothing to fit fails now
        preflight.require_targets(targets)
    for warning in evidence_warnings(config, engine.evidence_ids(targets)):
        print(f"navsim: warning: {warning}", file=sys.stderr)
    base = apply_overrides(scenario, trial_settings(config, scenario, reps, scale), "calibration settings")
    preflight.check_population(base, paths.scenario)  # at the trials' scale and period
    return Setup(paths=paths, config=config, objective=Objective(base, config, targets, engine),
                 stamp=fingerprint(config, base, paths.targets))


def _fit(outcome: Outcome) -> dict[str, Any]:
    table = outcome.table
    values = table["pass"].dropna().astype(bool) if "pass" in table else pd.Series(dtype=bool)
    return {"loss": outcome.loss, "penalty": outcome.penalty, "objective": outcome.objective,
            "pass_share": outcome.pass_share, "n_pass": outcome.n_pass, "n_targets": outcome.n_targets,
            "value_pass_share": float(values.mean()) if len(values) else float("nan")}


def finish(s: Setup, study: Any) -> Summary:
    """Score the prior and the best (rounded, as written) parameters; write layer and report."""
    best = best_trial(study)
    best_values = rounded(s.config, best.params)
    prior_values = start_values(s.config.free)
    before, after = s.objective(prior_values), s.objective(best_values)
    fit_before, fit_after = _fit(before), _fit(after)
    hist = history(study)
    n_finished = len(finished(study))
    base = s.objective.base
    params = pd.DataFrame([{
        "path": p.path, "prior": p.start, "calibrated": best_values[p.path], "low": p.low, "high": p.high,
        "log": p.log, "prior_dist": p.prior.describe(), "evidence": p.evidence or "", "note": p.note,
    } for p in s.config.free], columns=report.PARAMETER_COLUMNS)
    meta = {
        "date": dt.date.today().isoformat(), "targets": display_path(s.paths.targets),
        "scenario": display_path(s.paths.scenario), "config": display_path(s.paths.config),
        "write": display_path(s.paths.write), "scale": base.scale, "replications": base.replications,
        "seed": base.seed, "period_end": str(s.config.settings.period_end or ""),
        "prior_weight": s.config.settings.prior_weight, "best_trial": best.number,
        "finished_trials": n_finished, "fit_before": fit_before, "fit_after": fit_after,
    }
    report_path = report.write(report.ReportData(before=before.table, after=after.table, parameters=params,
                                                 history=hist, meta=meta), s.paths.out)
    header = header_lines(targets=s.paths.targets, config=s.paths.config, trials=n_finished,
                          best_number=best.number, best=fit_after, prior=fit_before, scale=base.scale,
                          reps=base.replications, report=report_path)
    write_calibrated(s.paths.write, calibrated_text(s.config, best_values, s.paths.write,
                                                    s.paths.scenario, header))
    done = hist[hist["state"] == "complete"]
    return Summary(before=fit_before, after=fit_after, best=best.number, completed=len(done),
                   mean_seconds=float(done["seconds"].mean()) if len(done) else float("nan"))


def calibrate(s: Setup, trials: int, workers: int = 1, quiet: bool = False) -> Summary:
    """Run the study up to ``trials`` finished trials, then write the outputs."""
    settings = s.config.settings
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with exclusive_directory(s.paths.out):
        dropped = repair_journal(s.paths.out / JOURNAL)
        if dropped:
            print(f"navsim: {display_path(s.paths.out / JOURNAL)}: dropped a torn last line ({dropped} "
                  "bytes) left by an interrupted write; that trial runs again", file=sys.stderr)
        study = open_study(s.paths.out, settings.study_name)
        prepare(s.paths.out, study, s.config, s.stamp)
        already = len(finished(study))
        spec = WorkerSpec(out=s.paths.out, study_name=settings.study_name,
                          sampler_seed=settings.sampler_seed, startup_trials=settings.startup_trials,
                          n_trials=trials, objective=s.objective, sampler=settings.sampler,
                          cmaes_sigma=settings.cmaes_sigma)
        if already < trials:
            s.objective.engine.warm_up(s.objective.base, notice=not quiet)  # once, before workers fork
            bar = tqdm(total=trials, initial=already, unit="trial", desc="calibrate", disable=quiet,
                       dynamic_ncols=True)

            def progress(n: int) -> None:
                if n != bar.n:
                    bar.update(n - bar.n)

            try:
                run_workers(spec, workers, progress)
            finally:
                bar.close()
        elif not quiet:
            print(f"calibrate: the study already has {already} finished trials; rewriting the outputs")
        return finish(s, study)


def calibrate_command(args: argparse.Namespace) -> int:
    paths = _paths(args)
    s = setup(paths, reps=args.reps, scale=args.scale)
    try:
        result = calibrate(s, args.trials, args.workers, args.quiet)
    except KeyboardInterrupt:
        print(f"navsim: calibration interrupted; finished trials are kept in {display_path(paths.out)}; "
              "run the same command again to continue", file=sys.stderr)
        return 130
    except CalibrationError as exc:
        print(f"navsim: calibration stopped: {exc}", file=sys.stderr)
        return 1
    b, a = result.before, result.after
    print(f"calibrate: {result.completed} completed trials, {result.mean_seconds:.1f} s each on average; "
          f"best trial {result.best}")
    print(f"loss {b['loss']:.4g} -> {a['loss']:.4g}, targets passing {b['pass_share']:.0%} -> "
          f"{a['pass_share']:.0%} (prior -> calibrated parameters)")
    print(f"wrote {display_path(paths.write)} and {display_path(paths.out / report.REPORT)}")
    return 0
