"""The runs of a comparison: one job per (scenario, posterior draw, replication), journaled.

A job runs one replication and keeps only what the comparison reads: the outcomes, the
weekly cost of services and benefits over the measured window and the few weekly stocks
the report draws. So a worker holds one replication's event log at a time, whatever the
number of scenarios, draws and replications (a comparison that ran each scenario's ten
replications into one table peaked at 3.3 GB at the defaults).

Run ``(draw k, replication r)`` of every scenario gets the seed
:func:`sim.posterior_draws.run_seed` gives it, ``rep_seed(seed, k * R + r)``, as in
``navsim sweep`` and ``navsim validate``: common random numbers across scenarios within a
draw, fresh chance for each draw. With the central point alone (no posterior) that is
``rep_seed(seed, r)``, as in ``navsim run``.

Finished jobs are appended to a journal beside the output directory as they finish
(``.<out name>.journal.jsonl``, fingerprinted like the sweep's), so a stopped comparison run
again with the same ``--out`` runs only what is missing. Numbers go through JSON's
shortest round-trip form, so a resumed comparison writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.codes import COUNTY
from sim.cost import weekly_costs
from sim.journal import RunJournal
from sim.outcomes import build_timeline, county_reps, has_counties, outcomes
from sim.plots import COMPARE_STOCKS
from sim.posterior_draws import run_seed
from sim.results import RunResult
from sim.scenario.loader import InputError
from sim.scenario.schema import Scenario

#: Runs one replication: ``runner(scenario, seed) -> RunResult``.
Runner = Callable[[Scenario, int], RunResult]
KEPT_COSTS = ("services", "benefits")
#: Weekly stocks kept of each run: those the comparison plots draw, and the youth veiledere
#: hired under a cap, which the report shows around a lever's start.
KEPT_STOCKS = (*((var, cat) for var, cat, *_ in COMPARE_STOCKS), ("hired_advisors", ""))


@dataclass(frozen=True)
class Job:
    scenario: int   # 0 is the baseline
    draw: int
    rep: int
    seed: int


def jobs_for(n_scenarios: int, draws: int, reps: int, seed: int) -> list[Job]:
    """Replication by replication, each run of every scenario next to the others'."""
    return [Job(s, k, r, run_seed(seed, k, r, reps))
            for k in range(draws) for r in range(reps) for s in range(n_scenarios)]


def run_replication(scenario: Scenario, seed: int) -> RunResult:
    """The engine's one replication as a RunResult (the default runner)."""
    from sim.engine.output import to_frames
    from sim.run import run_replication as engine_run

    out, calendar = engine_run(scenario, seed)
    frames = to_frames([out], calendar, release_events=True)
    return RunResult(name=scenario.name, calendar=calendar, scale=scenario.scale, seeds=[seed], **frames)


def stock_key(variable: str, category: str) -> str:
    return f"{variable}|{category}"


def county_key(county: str, column: str) -> str:
    """Key of a by-county result (``sim.counties.COLUMNS``) in a job's ``by_county``."""
    return f"{county}|{column}"


def run_job(scenario: Scenario, seed: int, window_start: dt.date | None,
            runner: Runner = run_replication) -> dict[str, Any]:
    """One replication reduced to outcomes, weekly costs, kept stocks (plain lists) and the
    results by county (``sim.counties``, from the same window as the outcomes)."""
    result = runner(scenario, seed)
    cal = result.calendar
    from_week = None if window_start is None else cal.week_of(window_start)
    timeline = build_timeline(result.events, cal.n_weeks)
    table = outcomes(result, unit_costs=scenario.costs, from_week=from_week, timeline=timeline)
    costs = weekly_costs(result, timeline, scenario.costs, 1, from_week)
    by_county = {}
    if has_counties(result):
        per_county = county_reps(result, timeline, from_week)
        by_county = {county_key(county, name): float(values[c, 0])
                     for name, values in per_county.items() for c, county in enumerate(COUNTY)}
    del timeline
    weekly = result.weekly
    stocks = {}
    variable = weekly["variable"].astype(str).to_numpy()
    category = weekly["category"].astype(str).to_numpy()
    week = weekly["week"].to_numpy()
    for var, cat in KEPT_STOCKS:
        rows = (variable == var) & (category == cat) & (week >= cal.first_week)
        series = np.zeros(cal.n_weeks - cal.first_week)
        np.add.at(series, week[rows] - cal.first_week, weekly["value"].to_numpy()[rows])
        if rows.any():
            stocks[stock_key(var, cat)] = series.tolist()
    return {"outcomes": {c: float(table[c].iloc[0]) for c in table.columns},
            "costs": {k: costs[k][0].tolist() for k in KEPT_COSTS},
            "stocks": stocks,
            "by_county": by_county,
            "calendar": cal.as_dict()}


def make_pool(workers: int) -> Executor:
    """The process pool jobs run on (forked after the engine is compiled, so workers share it);
    its workers die with this process, so a killed comparison leaves no orphans."""
    from sim.workers import initializer_for_parent

    init, initargs = initializer_for_parent()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=init, initargs=initargs)


def default_workers() -> int:
    return os.cpu_count() or 1


# --------------------------------------------------------------------------- journal

class Journal(RunJournal):
    """Finished jobs of one comparison, keyed by (scenario, draw, rep)."""

    other = ("another comparison (other scenarios, seed, scale, draws or navsim version); use "
             "another --out, or delete it")

    def __init__(self, path: Path, stamp: str, created: str) -> None:
        super().__init__(path, stamp, {"created": created})
        self.created = created

    def load(self) -> dict[tuple[int, int, int], dict[str, Any]]:
        """Jobs already done; sets ``created`` from the journal, so a resumed comparison
        states when it was first started."""
        head, rows = self.read()
        self.created = head.get("created", self.created)
        return {tuple(row["job"]): row["result"] for row in rows}

    def append(self, job: Job, result: Mapping[str, Any]) -> None:
        self.append_row({"job": [job.scenario, job.draw, job.rep], "result": result})


@contextmanager
def executor(workers: int) -> Iterator[Executor | None]:
    if workers <= 1:
        yield None
        return
    pool = make_pool(workers)
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def run_all(jobs: list[Job], scenarios: list[list[Scenario]], window_start: dt.date | None,
            runner: Runner, workers: int, done: dict[tuple[int, int, int], dict[str, Any]],
            on_result: Callable[[Job, dict[str, Any]], None]) -> dict[tuple[int, int, int], dict[str, Any]]:
    """Run the jobs not in ``done``; ``scenarios[s][k]`` is scenario s at draw k."""
    results = dict(done)
    todo = [j for j in jobs if (j.scenario, j.draw, j.rep) not in done]
    with executor(min(workers, len(todo))) as pool:
        if pool is None:
            for job in todo:
                value = run_job(scenarios[job.scenario][job.draw], job.seed, window_start, runner)
                results[(job.scenario, job.draw, job.rep)] = value
                on_result(job, value)
        else:
            futures = {pool.submit(run_job, scenarios[j.scenario][j.draw], j.seed, window_start, runner): j
                       for j in todo}
            for future in as_completed(futures):
                job = futures[future]
                value = future.result()
                results[(job.scenario, job.draw, job.rep)] = value
                on_result(job, value)
    return results



# --------------------------------------------------------------------------- a finished baseline

BASELINE_RUNS = "baseline_runs.jsonl"
#: What a reused baseline must share with this comparison, and how to say it differs.
_BASELINE_KEYS = {"seed": "seed", "scale": "scale", "period": "period", "reps": "replications per draw",
                  "draws": "posterior draws", "window": "measured window", "scenario": "baseline scenario"}


def baseline_header(scenario: Scenario, reps: int, draws: list[dict[str, Any]],
                    window_start: dt.date | None) -> dict[str, Any]:
    """What the baseline's runs depend on, written above them and checked on reuse."""
    from sim.scenario.loader import scenario_to_jsonable
    from sim.sweep.journal import fingerprint

    resolved = scenario_to_jsonable(scenario)
    return {"seed": scenario.seed, "scale": scenario.scale,
            "period": [scenario.period.start.isoformat(), scenario.period.end.isoformat()],
            "reps": reps, "draws": draws,
            "window": None if window_start is None else window_start.isoformat(),
            "scenario": fingerprint({k: v for k, v in resolved.items() if k not in ("name", "description")})}


def write_baseline_runs(path: Path, header: Mapping[str, Any],
                        runs: list[tuple[int, int, Mapping[str, Any]]]) -> None:
    lines = [json.dumps(header)] + [json.dumps({"job": [0, k, r], "result": res}) for k, r, res in runs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_baseline_runs(directory: Path, header: Mapping[str, Any]) -> dict[tuple, dict[str, Any]]:
    """The baseline's runs of a finished comparison in ``directory``, refused (one line) when it
    was run with another seed, scale, period, replications, draws, window or baseline."""
    path = Path(directory) / BASELINE_RUNS
    if not path.is_file():
        raise InputError(path, None, "not found: --baseline-from needs the folder of a finished comparison")
    lines = path.read_text(encoding="utf-8").splitlines()
    theirs = json.loads(lines[0]) if lines else {}
    for key, what in _BASELINE_KEYS.items():
        if theirs.get(key) != header[key]:
            raise InputError(path, key, f"the baseline there was run with another {what} "
                             f"({theirs.get(key)!r}, here {header[key]!r}); it cannot be reused")
    return {tuple(row["job"]): row["result"] for row in map(json.loads, lines[1:])}
