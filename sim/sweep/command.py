"""``navsim sweep``: check the sweep file, plan, run every point, analyse, write, summarise."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.sweep.design import Points, design_points, run_count, sensitivity
from sim.sweep.execute import Job, SweepError, executor_for, jobs_of, run_jobs
from sim.sweep.journal import Journal, fingerprint, journal_path
from sim.sweep.output import point_means, stdout_summary, sweep_json, write_sweep
from sim.sweep.spec import Sweep, load_sweep

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


@dataclass
class SweepResult:
    sweep: Sweep
    points: Points
    runs: pd.DataFrame          # one row per (point, replication): point, rep, outcomes
    sensitivity: pd.DataFrame   # empty for a grid


def run_sweep(sweep: Sweep, points: Points, *, workers: int = 1, dask: str | None = None,
              progress: bool = True, journal: Journal | None = None) -> SweepResult:
    """Run every (point, replication) not yet in ``journal``, and compute the sensitivity
    indices. Finished runs go to ``journal`` as they come, so a stopped sweep resumes."""
    from tqdm import tqdm

    from sim.run import warm_up

    done = journal.load() if journal else {}
    jobs = jobs_of(sweep, points)
    if done and progress:
        print(f"navsim: resuming: {len(done)} of {len(jobs)} runs were done before", file=sys.stderr)
    warm_up(sweep.base, notice=progress)  # compile once, before the bar and the workers
    if len(done) >= len(jobs):  # all ran before: no workers or cluster to start
        workers, dask = 1, None
    with executor_for(workers, dask, quiet=not progress) as executor, \
            tqdm(total=len(jobs), initial=len(done), desc=sweep.name, unit="run", disable=not progress,
                 file=sys.stderr, mininterval=0.5) as bar:

        def finished(job: Job, values: dict[str, float]) -> None:
            if journal:
                journal.append(job.point, job.rep, values)
            bar.update(1)

        try:
            runs = run_jobs(jobs, executor, done=done, on_result=finished)
        finally:
            if journal:
                journal.close()
    return SweepResult(sweep, points, runs, sensitivity(sweep, points, point_means(runs, sweep.outcomes)))


def plan_text(sweep: Sweep, points: Points) -> str:
    draws = f" x {len(sweep.draws)} posterior draws" if sweep.draws else ""
    return (f"{sweep.name}: design {sweep.design}, {len(sweep.parameters)} parameter(s), "
            f"{len(points)} points{draws} x {sweep.replications} replication(s) = "
            f"{run_count(sweep, points)} runs "
            f"at scale {sweep.base.scale}, {sweep.base.period.start} to {sweep.base.period.end}")


def default_out(name: str) -> Path:
    return Path("results") / f"sweep-{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def sweep_command(args: argparse.Namespace) -> int:
    """Entry point of ``navsim sweep`` (options in ``sim.cli``)."""
    sweep = load_sweep(args.sweep, reps=args.reps, seed=args.seed, scale=args.scale)
    if getattr(args, "draws", 0):
        from dataclasses import replace

        from sim.posterior_draws import chosen_draws, draw_overrides

        draws = chosen_draws(args.draws, sweep.base.seed)
        if draws is not None:
            sweep = replace(sweep, draws=tuple(draw_overrides(row) for _, row in draws.iterrows()))
    points = design_points(sweep)
    if args.dry_run:
        print(plan_text(sweep, points))
        print(points.table.to_string())
        return 0
    out = Path(args.out) if args.out is not None else default_out(sweep.name)
    from sim.preflight import check_memory, check_output_dir

    check_output_dir(out)
    if args.dask is None:  # local workers each hold one replication at a time
        check_memory(sweep.base, max(1, min(args.workers, run_count(sweep, points))), args.sweep)
    if not args.quiet:
        print(plan_text(sweep, points), file=sys.stderr)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    description = sweep_json(sweep, points, created)
    journal = Journal(journal_path(out), fingerprint(description))
    resume = f"run the same command with --out {out} to go on where it stopped"
    try:
        result = run_sweep(sweep, points, workers=args.workers, dask=args.dask, progress=not args.quiet,
                           journal=journal)
    except SweepError as exc:
        print(f"navsim: sweep failed, no results written: {exc}; the runs that finished are "
              f"kept: {resume}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"navsim: interrupted; the runs that finished are kept: {resume}", file=sys.stderr)
        return EXIT_INTERRUPTED
    write_sweep(out, sweep, points, result.runs, result.sensitivity, plots=not args.no_plots,
                description=description)
    journal.remove()
    print(stdout_summary(sweep, points, result.runs, result.sensitivity))
    print(f"wrote {out}")
    return 0
