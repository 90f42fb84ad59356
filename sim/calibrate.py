"""``navsim calibrate``: fit the free parameters of ``calibration/config.yaml`` to the targets.

The steps, each in its own module under :mod:`sim.calibration`: read and check the config
against the scenario (``config``), then either

* a point fit: an Optuna study on a journal file in ``--out`` until it has ``--trials``
  finished trials (``study``; each trial scored by ``objective``), whose best values become
  the calibrated layer (``output``), with a fit report (``report``); or
* ``--posterior``: ABC-SMC (``abc``) for a weighted ensemble of parameter sets, written as
  ``posterior.parquet`` with a prior-vs-posterior table (``posterior``); its central draw
  becomes the calibrated layer that single runs use.

Everything is written into ``--out``. The shipped fit (``calibration/calibrated.yaml`` and
``calibration/posterior.parquet``) is replaced only with ``--write``, and only when the new
fit is at least as good on the targets, unless ``--force`` (``shipped``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna
import pandas as pd
from tqdm import tqdm

from sim import posterior_draws, preflight
from sim.calibration import abc, posterior, report, shipped
from sim.calibration import objective as objective_mod
from sim.calibration.config import (
    CalibrationConfig,
    evidence_warnings,
    load_config,
    start_from,
    trial_settings,
)
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
from sim.report import percent
from sim.results import atomic_write_bytes
from sim.scenario.loader import apply_overrides, load_scenario

DEFAULTS = {
    "targets": None,  # the project's targets files (sim.paths.default_targets)
    "config": Path("calibration/config.yaml"),
    "scenario": Path("scenarios/priors.yaml"),
    "out": Path("results/calibration"),
}
#: The shipped fit that ``--write`` (without a file) replaces; the posterior lies next to it.
SHIPPED = Path("calibration/calibrated.yaml")
#: The layer written into ``--out`` by every calibration.
LAYER = "calibrated.yaml"
#: The prior-vs-posterior table written next to the posterior.
POSTERIOR_TABLE = "posterior.md"


@dataclass
class Paths:
    targets: Path | list[Path]
    config: Path
    scenario: Path
    out: Path
    write: Path | None = None   # the fit to replace (``--write``); None: only ``out`` is written
    start: Path | None = None   # the layer the search starts from (``--start``)
    force: bool = False         # replace it even when the new fit is worse


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
    written: list[Path] = field(default_factory=list)
    decision: shipped.Decision | None = None   # whether --write replaced the shipped fit


def _paths(args: argparse.Namespace) -> Paths:
    given = {k: getattr(args, k, None) for k in DEFAULTS}
    targets = given.pop("targets")
    if isinstance(targets, list) and len(targets) == 1:
        targets = targets[0]  # one file: as before, so a study's fingerprint stays the same
    targets = [Path(f) for f in targets] if isinstance(targets, list) else Path(targets) if targets \
        else default_targets()
    rest = {k: Path(given[k]) if given[k] else (default if k == "out" else project_file(default))
            for k, default in DEFAULTS.items() if k != "targets"}
    write = getattr(args, "write", None)
    if write is not None:
        write = project_file(SHIPPED, to_write=True) if write is True else Path(write)
    start = getattr(args, "start", None)
    return Paths(targets=targets, **rest, write=write, force=bool(getattr(args, "force", False)),
                 start=Path(start) if start else None)


def setup(paths: Paths, reps: int | None = None, scale: float | None = None,
          engine: objective_mod.Engine | None = None) -> Setup:
    """Load and check everything (scenario, config, targets) before any trial runs."""
    engine = engine or objective_mod.default_engine()
    scenario, _ = load_scenario(paths.scenario)
    config = load_config(paths.config, scenario)
    if paths.start is not None:
        config = start_from(config, paths.start, load_scenario(paths.start)[0])
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
        "path": p.path, "prior": p.value, "calibrated": best_values[p.path], "low": p.low, "high": p.high,
        "log": p.log, "prior_dist": p.prior.describe(), "evidence": p.evidence or "", "note": p.note,
    } for p in s.config.free], columns=report.PARAMETER_COLUMNS)
    meta = {
        "date": dt.date.today().isoformat(), "targets": display_path(s.paths.targets),
        "scenario": display_path(s.paths.scenario), "config": display_path(s.paths.config),
        "write": display_path(s.paths.write or s.paths.out / LAYER), "scale": base.scale,
        "replications": base.replications,
        "seed": base.seed, "period_end": str(s.config.settings.period_end or ""),
        "prior_weight": s.config.settings.prior_weight, "best_trial": best.number,
        "finished_trials": n_finished, "fit_before": fit_before, "fit_after": fit_after,
        "start": display_path(s.config.start) if s.config.start else "",
    }
    report_path = report.write(report.ReportData(before=before.table, after=after.table, parameters=params,
                                                 history=hist, meta=meta), s.paths.out)
    header = header_lines(targets=s.paths.targets, config=s.paths.config, trials=n_finished,
                          best_number=best.number, best=fit_after, prior=fit_before, scale=base.scale,
                          start=s.config.start,
                          reps=base.replications, report=report_path)
    layer = s.paths.out / LAYER
    write_calibrated(layer, calibrated_text(s.config, best_values, layer, s.paths.scenario, header))
    written = [layer]
    decision = None
    if s.paths.write is not None:
        decision = shipped.decide(s.objective, after.loss, s.paths.write, s.paths.force)
        if decision.replace:
            written += shipped.replace(calibrated_text(s.config, best_values, s.paths.write,
                                                       s.paths.scenario, header), s.paths.write)
    done = hist[hist["state"] == "complete"]
    return Summary(before=fit_before, after=fit_after, best=best.number, completed=len(done),
                   mean_seconds=float(done["seconds"].mean()) if len(done) else float("nan"),
                   written=written, decision=decision)


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
        redo, lag = prepare(s.paths.out, study, s.config, s.stamp, workers)
        already = len(finished(study))
        spec = WorkerSpec(out=s.paths.out, study_name=settings.study_name,
                          sampler_seed=settings.sampler_seed, startup_trials=settings.startup_trials,
                          n_trials=trials, objective=s.objective, sampler=settings.sampler,
                          cmaes_sigma=settings.cmaes_sigma, lag=lag, redo=redo, run=uuid.uuid4().hex)
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


@dataclass
class PosteriorSummary:
    """What ``--posterior`` produced: the run, the posterior and the central draw's fit."""

    run: abc.RunInfo
    draws: int
    effective_size: float
    central: dict[str, Any]
    seconds_per_simulation: float
    written: list[Path] = field(default_factory=list)
    decision: shipped.Decision | None = None


def calibrate_posterior(s: Setup, population: int | None = None, generations: int | None = None,
                        workers: int = 1, dask: str | None = None, quiet: bool = False) -> PosteriorSummary:
    """Run (or continue) the ABC-SMC in ``--out``; write the posterior, its table and the
    central draw as the calibrated layer; replace the shipped fit only as ``--write`` asks."""
    settings = s.config.posterior
    population = population or settings.population
    generations = generations or settings.generations
    out = s.paths.out
    with exclusive_directory(out):
        if dask is None:
            s.objective.engine.warm_up(s.objective.base, notice=not quiet)  # once, before workers fork
        start = time.perf_counter()
        info = abc.run(s.objective, out, population=population, generations=generations, workers=workers,
                       dask=dask, min_epsilon=settings.min_epsilon, seed=settings.seed, quiet=quiet)
        elapsed = time.perf_counter() - start
        frame = abc.posterior_frame(s.config, out)
        posterior_file = out / shipped.POSTERIOR
        posterior_draws.write(frame, posterior_file)
        table = posterior.table_markdown(s.config, frame)
        atomic_write_bytes(out / POSTERIOR_TABLE, (
            f"# Posterior: prior vs posterior per parameter\n\n{info.generations} ABC-SMC generations "
            f"of {population}, {info.simulations} simulations at scale {s.objective.base.scale:g} with "
            f"{s.objective.base.replications} replication(s); thresholds "
            f"{', '.join(f'{e:.3g}' for e in info.epsilons)}.\n\n{table}").encode())
        central = posterior.central_draw(s.config, frame)
        fit = _fit(s.objective(central))
        header = [
            "The central draw of the posterior, laid over the priors. Written by `navsim calibrate "
            f"--posterior` on {dt.date.today().isoformat()}.",
            f"Targets: {display_path(s.paths.targets)}; free parameters and priors: "
            f"{display_path(s.paths.config)}.",
            f"{info.generations} ABC-SMC generations of {population} at scale {s.objective.base.scale:g}; "
            f"this draw: loss {fit['loss']:.4g}, {percent(fit['pass_share'])} of targets pass.",
            f"The whole ensemble: {shipped.POSTERIOR} next to this file. Keys not listed keep their "
            "prior values.",
        ]
        layer = out / LAYER
        write_calibrated(layer, calibrated_text(s.config, central, layer, s.paths.scenario, header))
        written = [posterior_file, out / POSTERIOR_TABLE, layer]
        decision = None
        if s.paths.write is not None:
            decision = shipped.decide(s.objective, fit["loss"], s.paths.write, s.paths.force)
            if decision.replace:
                written += shipped.replace(calibrated_text(s.config, central, s.paths.write,
                                                           s.paths.scenario, header),
                                           s.paths.write, posterior_file)
    per_simulation = elapsed / info.new_simulations if info.new_simulations else float("nan")
    return PosteriorSummary(run=info, draws=len(frame), effective_size=posterior.effective_size(frame),
                            central=fit, seconds_per_simulation=per_simulation, written=written,
                            decision=decision)


def _report_decision(decision: shipped.Decision | None) -> int:
    if decision is None:
        return 0
    if decision.replace:
        print(f"calibrate: replaced the shipped fit ({decision.message})")
        return 0
    print(f"navsim: {decision.message}", file=sys.stderr)
    return 1


def calibrate_command(args: argparse.Namespace) -> int:
    paths = _paths(args)
    s = setup(paths, reps=args.reps, scale=args.scale)
    if getattr(args, "posterior", False):
        return _posterior_command(s, args)
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
    print(f"loss {b['loss']:.4g} -> {a['loss']:.4g}, targets passing {percent(b['pass_share'])} -> "
          f"{percent(a['pass_share'])} ({'prior' if s.config.start is None else 'start'} -> calibrated "
          "parameters)")
    print(f"wrote {', '.join(display_path(p) for p in result.written)} and "
          f"{display_path(paths.out / report.REPORT)}")
    return _report_decision(result.decision)


def _posterior_command(s: Setup, args: argparse.Namespace) -> int:
    try:
        result = calibrate_posterior(s, args.population, args.generations, args.workers, args.dask,
                                     args.quiet)
    except KeyboardInterrupt:
        print(f"navsim: calibration interrupted; finished generations are kept in "
              f"{display_path(s.paths.out / abc.DATABASE)}; run the same command again to continue",
              file=sys.stderr)
        return 130
    info = result.run
    print(f"calibrate: {info.generations} generations, {info.simulations} simulations "
          f"({result.seconds_per_simulation:.1f} s each in this run); thresholds "
          f"{', '.join(f'{e:.3g}' for e in info.epsilons)}")
    print(f"posterior: {result.draws} draws, effective size {result.effective_size:.0f}; central draw: "
          f"loss {result.central['loss']:.4g}, targets passing {percent(result.central['pass_share'])}")
    print(f"wrote {', '.join(display_path(p) for p in result.written)}")
    return _report_decision(result.decision)
