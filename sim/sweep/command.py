"""``navsim sweep``: check the sweep file, plan, run every point, analyse, write, summarise."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.scenario.loader import InputError
from sim.sweep.design import Points, design_points, run_count, sensitivity
from sim.sweep.execute import SweepError, executor_for, jobs_of, run_jobs
from sim.sweep.output import stdout_summary, write_sweep
from sim.sweep.spec import Sweep, load_sweep

EXIT_FAILED = 1


@dataclass
class SweepResult:
    sweep: Sweep
    points: Points
    runs: pd.DataFrame          # one row per (point, replication): point, rep, outcomes
    sensitivity: pd.DataFrame   # empty for a grid


def run_sweep(sweep: Sweep, points: Points, *, workers: int = 1, dask: str | None = None,
              progress: bool = True) -> SweepResult:
    """Run every (point, replication) and compute the sensitivity indices."""
    from tqdm import tqdm

    from sim.run import warm_up

    warm_up(sweep.base, notice=progress)  # compile once, before the bar and the workers
    jobs = jobs_of(sweep, points)
    with executor_for(workers, dask, quiet=not progress) as executor, \
            tqdm(total=len(jobs), desc=sweep.name, unit="run", disable=not progress, file=sys.stderr,
                 mininterval=0.5) as bar:
        runs = run_jobs(jobs, executor, progress=lambda: bar.update(1))
    means = runs.groupby("point", sort=True)[list(sweep.outcomes)].mean()
    return SweepResult(sweep, points, runs, sensitivity(sweep, points, means))


def plan_text(sweep: Sweep, points: Points) -> str:
    per_point = sweep.replications
    return (f"{sweep.name}: design {sweep.design}, {len(sweep.parameters)} parameter(s), "
            f"{len(points)} points x {per_point} replication(s) = {run_count(sweep, points)} runs "
            f"at scale {sweep.base.scale}, {sweep.base.period.start} to {sweep.base.period.end}")


def default_out(name: str) -> Path:
    return Path("results") / f"sweep-{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def sweep_command(args: argparse.Namespace) -> int:
    """Entry point of ``navsim sweep`` (options in ``sim.cli``)."""
    sweep = load_sweep(args.sweep, reps=args.reps, seed=args.seed, scale=args.scale)
    points = design_points(sweep)
    if args.dry_run:
        print(plan_text(sweep, points))
        print(points.table.to_string())
        return 0
    out = Path(args.out) if args.out is not None else default_out(sweep.name)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(out, None, "output directory exists and is not empty")
    if not args.quiet:
        print(plan_text(sweep, points), file=sys.stderr)
    try:
        result = run_sweep(sweep, points, workers=args.workers, dask=args.dask, progress=not args.quiet)
    except SweepError as exc:
        print(f"navsim: sweep failed, nothing written: {exc}", file=sys.stderr)
        return EXIT_FAILED
    write_sweep(out, sweep, points, result.runs, result.sensitivity, plots=not args.no_plots)
    print(stdout_summary(sweep, points, result.runs, result.sensitivity))
    print(f"wrote {out}")
    return 0
