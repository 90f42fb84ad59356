"""Running a sweep's points: one job per (point, replication), on any executor.

A job runs one replication of one point's scenario and returns only its outcomes (a few
numbers), so jobs ship little and any worker can run any job. Replication ``r`` of every
point gets the seed ``rep_seed(seed, r)``, as in ``navsim run`` and ``navsim compare``: the
points share their random numbers (common random numbers), and a point's outcomes are
those of ``navsim run`` on its scenario. With posterior draws the seeds are those of
:func:`sim.posterior_draws.run_seed`, as in ``navsim compare`` and ``navsim validate``.

Jobs go to a ``concurrent.futures.Executor``: a pool of local processes (forked after the
engine is compiled, so they share the compiled code), or a dask.distributed cluster through
``Client.get_executor()``. Results are put back in job order, so the output does not depend
on which worker finished first.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from sim.posterior_draws import run_seed
from sim.scenario.loader import InputError, apply_overrides
from sim.scenario.schema import Scenario
from sim.sweep.design import Points
from sim.sweep.spec import Sweep


class SweepError(Exception):
    """A job that failed on its worker; the CLI prints it as one line."""


@dataclass(frozen=True)
class Job:
    point: int
    rep: int
    scenario: Scenario
    seed: int
    outcomes: tuple[str, ...]
    measure_from: dt.date | None  # None: from the period start


def jobs_of(sweep: Sweep, points: Points) -> list[Job]:
    """Every (point, run), points in design order, runs within. With posterior draws, run
    ``k * R + r`` is replication r of draw k, with the seed ``run_seed(seed, k, r, R)`` (the
    seeds of ``navsim compare`` and ``navsim validate``): each point meets the same draws and
    seeds."""
    reps = sweep.replications
    draws = sweep.draws or ({},)
    jobs = []
    for point, values in enumerate(points.values):
        scenario = sweep.scenario_at(values)
        for k, over in enumerate(draws):
            at_draw = apply_overrides(scenario, over, f"posterior draw {k}") if over else scenario
            jobs.extend(Job(point, k * reps + r, at_draw, run_seed(sweep.base.seed, k, r, reps),
                            sweep.outcomes, sweep.measure_from) for r in range(reps))
    return jobs


def run_job(job: Job) -> dict[str, float]:
    """One replication of one point: its outcomes (NaN where there was nobody to measure)."""
    from sim.engine.output import to_frames
    from sim.outcomes import outcomes
    from sim.results import RunResult
    from sim.run import run_replication

    out, calendar = run_replication(job.scenario, job.seed)
    frames = to_frames([out], calendar, release_events=True)
    result = RunResult(name=job.scenario.name, calendar=calendar, scale=job.scenario.scale,
                       seeds=[job.seed], **frames)
    from_week = None if job.measure_from is None else calendar.week_of(job.measure_from)
    table = outcomes(result, unit_costs=job.scenario.costs, from_week=from_week)
    return {name: (float(table[name].iloc[0]) if name in table.columns else math.nan)
            for name in job.outcomes}


def _describe(job: Job, exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"point {job.point}, replication {job.rep} failed: {type(exc).__name__}: {text[0] if text else ''}"


def run_jobs(jobs: Sequence[Job], executor: Executor | None = None,
             done: Mapping[tuple[int, int], dict[str, float]] | None = None,
             on_result: Callable[[Job, dict[str, float]], None] | None = None) -> pd.DataFrame:
    """Run every job not in ``done`` (keyed by (point, replication): results of an earlier,
    interrupted run), in this process without ``executor``, calling ``on_result`` as each
    finishes. One row per job, in job order: ``point``, ``rep`` and the outcomes."""
    done = done or {}
    results: list[dict[str, float] | None] = [done.get((j.point, j.rep)) for j in jobs]
    todo = [i for i, r in enumerate(results) if r is None]

    def finished(i: int, values: dict[str, float]) -> None:
        results[i] = values
        if on_result:
            on_result(jobs[i], values)

    if executor is None:
        for i in todo:
            try:
                values = run_job(jobs[i])
            except Exception as exc:
                raise SweepError(_describe(jobs[i], exc)) from exc
            finished(i, values)
    else:
        futures = {executor.submit(run_job, jobs[i]): i for i in todo}
        try:
            for future in as_completed(futures):
                i = futures[future]
                try:
                    values = future.result()
                except Exception as exc:  # a worker's failure, reported as one line
                    raise SweepError(_describe(jobs[i], exc)) from exc
                finished(i, values)
        finally:
            for future in futures:
                future.cancel()
    frame = pd.DataFrame([r or {} for r in results], columns=list(jobs[0].outcomes) if jobs else [])
    frame.insert(0, "rep", [j.rep for j in jobs])
    frame.insert(0, "point", [j.point for j in jobs])
    return frame


@contextmanager
def executor_for(workers: int, dask: str | None, quiet: bool = False) -> Iterator[Executor | None]:
    """The executor the command line asks for.

    ``dask``: the address of a running dask.distributed scheduler (``tcp://host:8786``),
    whose workers must have navsim installed; or ``local`` for a cluster of ``workers``
    processes on this machine. Without it: ``workers`` forked processes, or none for one.
    """
    if dask is None:
        if workers <= 1:
            yield None
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from sim.workers import initializer_for_parent

        init, initargs = initializer_for_parent()  # no orphans after a kill -9 of the sweep
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=init, initargs=initargs) as pool:
            yield pool
        return
    from distributed import Client, LocalCluster

    if dask == "local":
        with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client.get_executor()
        return
    try:
        client = Client(dask, timeout="10s")
    except (OSError, ValueError) as exc:  # unreachable, or not an address
        raise InputError(None, "--dask", f"cannot reach the scheduler at {dask}: {exc}") from None
    with client:
        if not quiet:
            workers_now = len(client.scheduler_info().get("workers", {}))
            print(f"navsim: sweep on {dask} ({workers_now} workers)", file=sys.stderr)
        yield client.get_executor()
