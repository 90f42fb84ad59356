"""Running scenarios: replications in, a :class:`~sim.results.RunResult` and files out.

``run_scenario`` is the one entry point every command uses (run, validate, calibrate,
compare, bench). Replication ``r`` of a scenario with seed ``s`` always gets the seed
``sim.rng.rep_seed(s, r)``, so two scenarios with the same seed are paired replication by
replication (common random numbers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.engine.output import EngineOutput, to_frames
from sim.results import RunResult, atomic_write_json, write_dir_atomically, write_tables
from sim.rng import rep_seed
from sim.scenario.loader import apply_overrides, load_scenario, scenario_to_jsonable
from sim.scenario.schema import Scenario

log = logging.getLogger(__name__)

#: Where results go when a command is given no ``--out``: under the working folder.
RESULTS_ROOT = Path("results")


def replication_seeds(seed: int, reps: int) -> list[int]:
    return [rep_seed(seed, r) for r in range(reps)]


def run_replication(scenario: Scenario, seed: int, engine: str | None = None,
                    progress: Callable[[int], None] | None = None) -> tuple[EngineOutput, Any]:
    """One replication; returns its raw output and calendar."""
    from sim.model import NavModel

    model = NavModel(scenario, seed, engine=engine)
    out = model.run(progress)
    # A mesa.Model refers to itself through its wrapped step method, so a finished model is
    # freed only when the cyclic garbage collector next runs. At national scale its engine
    # (tables, and the event buffer beyond what the output still uses) then sat under the
    # output tables and the outcomes, 1.6 GB more at the peak. Let the engine go now.
    del model.engine
    return out, model.calendar


def _replication_job(args: tuple[Scenario, int, str | None]) -> tuple[EngineOutput, Any]:
    scenario, seed, engine = args
    return run_replication(scenario, seed, engine)


#: Population share of the run that compiles the numba engine (:func:`warm_up`): enough for
#: every phase to run, small enough to take a fraction of a second once compiled.
WARM_UP_SCALE = 0.001


#: Seconds between redraws of the compile display, so its clock moves while a kernel compiles.
COMPILE_TICK = 0.5


class _CompileDisplay:
    """A bar on stderr with the elapsed time while the engine compiles.

    numba gives no sign of life while it compiles, so once started a thread redraws the bar
    every :data:`COMPILE_TICK` seconds: the clock moves even during the longest kernel.
    """

    def __init__(self, steps: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=steps, unit="kernel", file=sys.stderr, leave=False,
                        desc="navsim: compiling the numba engine (first run after an install or "
                             "a change; then cached)",
                        bar_format="{desc}: {n_fmt}/{total_fmt} kernels, {elapsed}")
        self.stop = threading.Event()
        self.clock = threading.Thread(target=self._tick, daemon=True, name="compile-clock")

    def _tick(self) -> None:
        while not self.stop.wait(COMPILE_TICK):
            self.bar.refresh()

    def start(self) -> None:
        self.clock.start()

    def done(self, *_: Any) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.stop.set()
        if self.clock.is_alive():
            self.clock.join()
        seconds = self.bar.format_dict["elapsed"]
        self.bar.close()
        print(f"navsim: compiled the numba engine in {seconds:.0f} s (cached for the next runs)",
              file=sys.stderr, flush=True)


def warm_up(scenario: Scenario, engine: str | None = None, *, notice: bool = True) -> bool:
    """Compile the numba engine now if its on-disk cache is cold; True if it compiled.

    numba compiles on a kernel's first call. Done inside the first replication, that froze
    the progress bar, then showed an hours-long estimate of the time left, and with several
    worker processes each one compiled the same code at once. A small copy of the scenario
    (same structure, so the same compiled types; ``WARM_UP_SCALE`` of the population, one
    replication) is compiled here instead, before any bar or worker starts: its kernels in
    parallel processes (``sim.engine.compile``), then the week that calls them, run once.
    The cache it fills is read by every later run and by forked workers. ``notice`` shows a
    bar with the elapsed time on stderr meanwhile.
    """
    if (engine or scenario.engine) != "numba":
        return False
    from sim import rng
    from sim.engine import kernels, record
    from sim.jitcache import dispatchers_of, heal, is_cached, stamp_external

    heal(dispatchers_of(kernels, record, rng))
    if is_cached(kernels.step_weeks) is not False:
        return False
    log.info("the numba engine's cache is cold: compiling it")
    from sim.engine.compile import TASKS, compile_in_parallel
    from sim.model import NavModel

    small = apply_overrides(scenario, {"scale": WARM_UP_SCALE, "replications": 1}, "compile run")
    display = _CompileDisplay(len(TASKS) + 1) if notice else None
    try:
        compile_in_parallel(small, on_done=display and display.done,
                            on_started=display and display.start)
        NavModel(small, small.seed, engine="numba").run()  # compiles step_weeks, loads the rest
    finally:
        if display is not None:
            display.done()
            display.close()
    stamp_external()
    return True


def run_scenario(scenario: Scenario, *, reps: int | None = None, seed: int | None = None,
                 progress: bool = False, engine: str | None = None, workers: int = 1,
                 seeds: list[int] | None = None) -> RunResult:
    """Run ``reps`` replications (default: the scenario's) and collect the output tables.

    ``seeds`` gives the replications' seeds outright (one per replication: a posterior draw's
    seeds, :func:`sim.posterior_draws.draw_seeds`); otherwise replication ``r`` gets
    ``rep_seed(seed, r)``. With ``workers > 1`` replications run in parallel processes; the
    result is the same as in one process, since each replication depends only on its own seed.
    """
    if seeds is not None:
        seeds = [int(s) for s in seeds]
        if reps is not None and int(reps) != len(seeds):
            raise ValueError(f"{reps} replications but {len(seeds)} seeds")
        reps = len(seeds)
    else:
        reps = scenario.replications if reps is None else int(reps)
        seeds = replication_seeds(scenario.seed if seed is None else int(seed), reps)
    workers = max(1, min(int(workers), reps))
    outputs: list[EngineOutput] = []
    calendar = None
    bar = None
    warm_up(scenario, engine, notice=progress)
    if progress:
        from tqdm import tqdm

        from sim.calendar import Calendar

        weeks = Calendar.for_period(scenario.period.start, scenario.period.end,
                                    scenario.parameters.burn_in_years).n_weeks
        total, unit = (weeks * reps, "week") if workers == 1 else (reps, "replication")
        bar = tqdm(total=total, unit=unit, desc=f"{scenario.name}", leave=False,
                   file=sys.stderr, mininterval=0.5)
    try:
        if workers == 1:
            for i, s in enumerate(seeds):
                started = time.perf_counter()
                out, calendar = run_replication(scenario, s, engine, bar.update if bar else None)
                outputs.append(out)
                log.info("%s: replication %d of %d (seed %d) took %.1f s", scenario.name, i + 1, reps,
                         s, time.perf_counter() - started)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            jobs = [(scenario, s, engine) for s in seeds]
            from sim.workers import initializer_for_parent

            init, initargs = initializer_for_parent()
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=init, initargs=initargs) as pool:
                for out, cal in pool.map(_replication_job, jobs):
                    outputs.append(out)
                    calendar = cal
                    if bar is not None:
                        bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    log.debug("collecting the output tables of %d replication(s)", len(outputs))
    frames = to_frames(outputs, calendar, release_events=True)  # the raw logs are not needed again
    return RunResult(name=scenario.name, calendar=calendar, scale=scenario.scale, seeds=seeds,
                     **frames)


def git_commit() -> str | None:
    """The commit of the source checkout, recorded so a result can be traced to its code."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions of Python and the packages a result depends on (``extra``: more packages)."""
    found = {"python": platform.python_version()}
    for pkg in ("navsim", "mesa", "numpy", "pandas", "numba", "pyarrow", "pydantic", *extra):
        try:
            found[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            found[pkg] = "not installed"
    return found


def manifest(result: RunResult, scenario: Scenario, provenance: dict[str, str]) -> dict[str, Any]:
    cal = result.calendar
    return {
        "name": scenario.name,
        "scenario": scenario_to_jsonable(scenario),
        "provenance": provenance,
        "seeds": result.seeds,
        "replications": result.replications,
        "scale": scenario.scale,
        "engine": scenario.engine,
        "calendar": {**cal.as_dict(), "period_start": scenario.period.start.isoformat(),
                     "period_end": scenario.period.end.isoformat()},
        "versions": versions(),
        "git_commit": git_commit(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def write_run(result: RunResult, scenario: Scenario, provenance: dict[str, str], out: Path,
              plots: bool = True) -> Path:
    """Write every output file of a run into ``out`` atomically (see docs/OUTPUTS.md)."""
    from sim.outcomes import summary as outcome_summary

    summary = outcome_summary(result, unit_costs=scenario.costs)
    result.summary = summary

    def fill(tmp: Path) -> None:
        result.manifest = manifest(result, scenario, provenance)
        atomic_write_json(tmp / "manifest.json", result.manifest)
        write_tables(result, tmp)
        atomic_write_json(tmp / "summary.json", summary)
        if plots:
            from sim.plots import plot_run

            plot_run(result, tmp / "plots", scenario)

    log.info("writing %s", out)
    return write_dir_atomically(out, fill)


HEADLINES = ("work_or_education_6m", "work_or_education_12m", "days_in_work_2y", "tiltak_share_of_weeks",
             "aap_stock_end", "ufore_stock_end", "contacts_per_month_all", "weeks_to_first_contact",
             "weeks_waiting_veileder", "weeks_waiting_tiltak", "portefolje_mean_youth", "cost_total")


def headline_table(summary: dict[str, Any]) -> str:
    """A few headline outcomes as aligned text (the full set is in summary.json)."""
    rows = summary.get("outcomes", {})
    lines = []
    for key in HEADLINES:
        row = rows.get(key)
        if not row or row.get("mean") is None:
            continue
        value = row["mean"]
        shown = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.1f}"
        lines.append(f"  {row['label']:<56} {shown:>16}  {row['unit']}")
    return "\n".join(lines)


def default_out(name: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return RESULTS_ROOT / f"{name}-{stamp}"


def overrides_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """Scenario keys set on the command line (laid over the file, recorded as such)."""
    over: dict[str, Any] = {}
    for opt, key in (("seed", "seed"), ("reps", "replications"), ("scale", "scale"), ("engine", "engine")):
        value = getattr(args, opt, None)
        if value is not None:
            over[key] = value
    return over


def run_command(args: argparse.Namespace) -> int:
    """``navsim run``: validate everything first, then run, then write all files at once.

    Without ``--out`` the results go to ``results/<name>-<timestamp>`` in the working folder,
    and the command says so before it starts, so a folder never appears unannounced. It
    always ends by printing where it wrote (``--quiet`` keeps only that line).
    """
    from sim import preflight

    scenario, provenance = load_scenario(args.scenario, overrides_from_args(args))
    out = args.out or default_out(scenario.name)
    preflight.check_population(scenario, args.scenario)
    preflight.check_memory(scenario, scenario.replications, args.scenario)
    preflight.check_output_dir(out, preflight.output_bytes(scenario, scenario.replications,
                                                           plots=not args.no_plots))
    if args.out is None and not args.quiet:
        print(f"navsim: results will go to {out} (--out chooses the folder)", file=sys.stderr)
    log.info("running %s from %s: %d replication(s), seed %d, scale %g, engine %s", scenario.name,
             args.scenario, scenario.replications, scenario.seed, scenario.scale, scenario.engine)
    result = run_scenario(scenario, progress=not args.quiet)
    preflight.check_result_population(len(result.youths), args.scenario)
    write_run(result, scenario, provenance, out, plots=not args.no_plots)
    if not args.quiet:
        print(f"{scenario.name}: {result.replications} replication(s), "
              f"{scenario.period.start} to {scenario.period.end}, scale {scenario.scale}")
        print(headline_table(result.summary))
    print(f"wrote {out}")
    return 0
