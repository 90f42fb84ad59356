"""``navsim bench``: how fast the engines are, measured, not assumed.

The unit is the *youth-week*: one youth present in the model (registered and not yet aged
out, whether in follow-up or between spells) stepped through one week. It is computed from
the replication's output (entry weeks and aged-out events), so both engines are measured on
exactly the same work. Rates exclude compilation, which is reported apart (``compile_s``:
compiling, or loading numba's on-disk cache, in a fresh process).

The numba engine runs ``repeats`` times on the same population and its rate is the median
run (every run's time is in ``numba_seconds``): one run takes a fraction of a second, so a
single one mostly measures the first touch of freshly allocated memory and whatever else the
machine was doing. The Mesa engine runs once; it takes long enough that neither matters.
Half the numba runs come before the Mesa run and half after it: on a shared machine whose
speed drifts over minutes, numba runs all taken in the seconds before the Mesa run measured
a different machine from the one the Mesa run had. Before each timed run, outside the
timing, the garbage of earlier runs is collected, so a run is not timed on top of its
predecessors' memory.

``steps`` is where the numba engine's time goes: ``repeats`` more runs with each step of the
week timed (``NumbaEngine(profile=True)``), each step's median run in ns per youth-week and
as a share of the steps' total.

``floor_ratio`` compares the engine with a bare compiled loop doing one random draw and one
array write per youth-week: how far the full model is from what the machine can do at all.
The loop is timed right after each numba run, and the floor is the median of those timings,
so that the two rates of the ratio are taken at the same moments.

The scaling table runs the numba engine with the event log off at each size and reports the
median run. The sizes are measured side by side: the largest runs once, and after each of its
chunks of weeks (untimed) every smaller size runs once. Measured one after the other, the
small sizes' fraction of a second and the largest size's half minute caught the shared
machine at different moments, and the comparison measured its drift as much as the engine.
A lone size runs ``repeats`` times or for :data:`SCALING_SECONDS`.
"""

from __future__ import annotations

import argparse
import gc
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from sim.codes import EV_EXIT, S_AGED_OUT
from sim.engine.output import EngineOutput
from sim.paths import BASELINE, project_file
from sim.results import atomic_write_json
from sim.rng import bare_loop_floor
from sim.run import warm_up
from sim.scenario.loader import apply_overrides, load_scenario
from sim.scenario.schema import Scenario

PROBE_SCALE = 0.02
#: A lone size in the scaling table runs ``repeats`` times or until its runs add up to this
#: many seconds, whichever comes first, and its rate is the median run: a lone run of a fifth
#: of a second measured the machine's mood more than the engine.
SCALING_SECONDS = 10.0


def youth_weeks(out: EngineOutput, n_weeks: int) -> tuple[int, float]:
    """Youth-weeks stepped and the mean number of youths present per week."""
    entry = out.youths["entry_week"].astype(np.int64)
    end = np.full(len(entry), n_weeks, dtype=np.int64)
    ev = out.events
    aged = (ev["kind"] == EV_EXIT) & (ev["value"] == S_AGED_OUT)
    end[ev["youth"][aged]] = ev["week"][aged]
    total = int(np.clip(end - entry, 0, None).sum())
    return total, total / n_weeks


def base_scenario(path: str | Path = BASELINE) -> Scenario:
    """The scenario to bench, by default the project's baseline."""
    return load_scenario(project_file(path))[0]


def bench_scenario(years: int, scale: float, base: Scenario | None = None) -> Scenario:
    """``base`` (the baseline) over ``years`` years from 2019 after one burn-in year, at ``scale``."""
    base = base or base_scenario()
    return apply_overrides(base, {
        "scale": scale,
        "period": {"start": "2019-01-01", "end": f"{2019 + years - 1}-12-31"},
        "parameters": {"burn_in_years": 1},
        "replications": 1,
    }, "bench")


def timed_run(scenario: Scenario, engine: str, seed: int, record_events: bool = True):
    """Run one replication and time it, with the garbage of earlier runs collected first.

    Models hold reference cycles, so a finished run's tables stay allocated until Python's
    cycle collector happens to run; timed on top of them, a run paid for fresh memory (page
    faults and the kernel compacting huge pages) and was up to a fifth slower.
    """
    from sim.model import NavModel

    gc.collect()
    t0 = time.perf_counter()
    model = NavModel(scenario, seed, engine=engine, record_events=record_events)
    out = model.run()
    return out, time.perf_counter() - t0, model


def _timed_floor(out: EngineOutput, n_weeks: int) -> float:
    """Seconds of the bare loop over as many youth-weeks as the run had youths on average."""
    _, mean_youths = youth_weeks(out, n_weeks)
    t0 = time.perf_counter()
    bare_loop_floor(int(round(mean_youths)), n_weeks, 1)
    return time.perf_counter() - t0


def scale_for(youths: int, years: int, base: Scenario) -> float:
    """Scale that puts ``youths`` youths in the model on average (probed with the numba engine)."""
    probe = bench_scenario(years, PROBE_SCALE, base)
    out, _, model = timed_run(probe, "numba", probe.seed)
    _, mean = youth_weeks(out, model.engine.n_weeks)
    return PROBE_SCALE * youths / max(mean, 1.0)


def measure(youths: int = 20000, years: int = 2, scaling: list[int] | None = None,
            log=print, repeats: int = 5, scenario_path: str | Path = BASELINE) -> dict[str, Any]:
    base = base_scenario(scenario_path)
    t0 = time.perf_counter()
    tiny = bench_scenario(1, 0.001, base)
    warm_up(tiny, "numba", notice=False)  # compiles as a first run does, if the cache is cold
    timed_run(tiny, "numba", 1)
    compile_s = time.perf_counter() - t0
    scale = scale_for(youths, years, base)
    scenario = bench_scenario(years, scale, base)
    log(f"bench: {base.name}, {youths} youths (scale {scale:.4f}), {years} years after one "
        "burn-in year")
    bare_loop_floor(10, 2, 1)  # compile outside the timing
    numba_runs: list[float] = []
    floor_runs: list[float] = []
    numba_out = model = None

    def numba_repeats(count: int) -> None:
        nonlocal numba_out, model
        for _ in range(count):
            numba_out = model = None  # the last run's results are garbage before the next starts
            numba_out, secs, model = timed_run(scenario, "numba", scenario.seed)
            numba_runs.append(secs)
            floor_runs.append(_timed_floor(numba_out, model.engine.n_weeks))

    numba_repeats((repeats + 1) // 2)
    log(f"bench: numba engine {', '.join(f'{t:.3f}' for t in numba_runs)} s; "
        "running the mesa engine on the same population ...")
    mesa_out, mesa_s, mesa_model = timed_run(scenario, "mesa", scenario.seed)
    identical = all(np.array_equal(numba_out.events[k], mesa_out.events[k]) for k in numba_out.events)
    del mesa_out, mesa_model  # the later numba runs are not timed beside the Mesa run's agents
    numba_repeats(repeats // 2)
    step_seconds = _timed_steps(scenario, repeats)
    steps_total = max(sum(step_seconds.values()), 1e-12)
    numba_s = statistics.median(numba_runs)
    floor_s = statistics.median(floor_runs)
    n_weeks = model.engine.n_weeks
    yw, mean_youths = youth_weeks(numba_out, n_weeks)
    log(f"bench: numba engine {numba_s:.3f} s (median of {repeats}, in order: "
        f"{', '.join(f'{t:.3f}' for t in numba_runs)}; mesa ran after the first {(repeats + 1) // 2})")
    n_floor = int(round(mean_youths))
    numba_rate = yw / numba_s
    result: dict[str, Any] = {
        "youths": int(round(mean_youths)),
        "weeks": n_weeks,
        "youth_weeks": yw,
        "mesa_youth_weeks_per_s": yw / mesa_s,
        "numba_youth_weeks_per_s": numba_rate,
        "ratio": mesa_s / numba_s,
        "mesa_seconds": mesa_s,
        "numba_seconds": numba_runs,
        "floor_seconds": floor_runs,
        "floor_youth_weeks_per_s": n_floor * n_weeks / floor_s,
        "floor_ratio": (n_floor * n_weeks / floor_s) / numba_rate,
        "compile_s": compile_s,
        "engines_identical": bool(identical),
        "event_bytes": int(sum(v.nbytes for v in numba_out.events.values())),
        "events_per_youth_week": len(numba_out.events["week"]) / yw,
        "steps": [{"step": name, "seconds": secs, "ns_per_youth_week": secs * 1e9 / yw,
                   "share": secs / steps_total}
                  for name, secs in step_seconds.items()],
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "scaling": [],
    }
    sizes = [(n, bench_scenario(years, scale * n / youths, base)) for n in scaling or []]
    if sizes:
        log(f"bench: scaling, event log off: {', '.join(str(n) for n, _ in sizes)} youths, side by side ...")
    for n, (runs, m) in _scaling_runs(sizes, repeats).items():
        secs = statistics.median(runs)
        ywn, mean_n = youth_weeks_no_events(m)
        table_bytes = sum(a.nbytes for a in m.engine.youths)
        scratch_bytes = sum(a.nbytes for a in m.engine.workspace) + m.engine.present.nbytes
        result["scaling"].append({
            "youths": int(round(mean_n)), "weeks": m.engine.n_weeks,
            "youth_weeks_per_s": ywn / secs, "seconds": secs, "runs": runs,
            "bytes_per_youth": table_bytes / max(mean_n, 1.0),
            "bytes_per_youth_allocated": table_bytes / len(m.engine.youths.status),
            "workspace_bytes_per_youth": scratch_bytes / max(mean_n, 1.0),
        })
        log(f"bench: scaling {n}: {ywn / secs / 1e6:.2f} M youth-weeks/s (median of {len(runs)})")
    _relative_costs(result["scaling"])
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _timed_steps(scenario: Scenario, repeats: int) -> dict[str, float]:
    """Seconds of each step of the week: its median over ``repeats`` more numba runs, timed
    step by step.

    Runs of their own, since reading the clock after every step (about a microsecond each)
    would add to the timed runs: they show where the engine's time goes, not how fast it is.
    """
    from sim.engine.numba_engine import NumbaEngine

    runs: list[dict[str, float]] = []
    for _ in range(repeats):
        gc.collect()
        engine = NumbaEngine(scenario, scenario.seed, profile=True)
        engine.run()
        runs.append(engine.step_times())
    return {step: statistics.median(run[step] for run in runs) for step in runs[0]}


def _relative_costs(rows: list[dict[str, Any]]) -> None:
    """Add each size's cost per youth-week (ns) and that cost relative to the smallest size.

    The target is a flat cost from the smallest size to the largest, and a ratio reads more
    directly than two rates in the millions.
    """
    if not rows:
        return
    smallest = min(rows, key=lambda row: row["youths"])
    base_ns = 1e9 / smallest["youth_weeks_per_s"]
    for row in rows:
        row["ns_per_youth_week"] = 1e9 / row["youth_weeks_per_s"]
        row["cost_vs_smallest"] = row["ns_per_youth_week"] / base_ns


def _scaling_runs(sizes: list[tuple[int, Scenario]], repeats: int) -> dict[int, tuple[list[float], Any]]:
    """Seconds of each size's runs (event log off) and its last model, by size.

    The largest size runs once; its run's progress callback, after each compiled chunk of
    weeks, runs every smaller size once, and the time spent there is taken out of the large
    run's time. So the sizes sample the same stretch of the machine's time. A lone size
    runs ``repeats`` times or until its runs add up to :data:`SCALING_SECONDS`.
    """
    from sim.model import NavModel

    if not sizes:
        return {}
    runs: dict[int, list[float]] = {n: [] for n, _ in sizes}
    models: dict[int, Any] = {}

    def run_once(n: int, s: Scenario) -> None:
        models[n] = None  # the size's last run is garbage before the next starts
        _, secs, models[n] = timed_run(s, "numba", s.seed, record_events=False)
        runs[n].append(secs)

    if len(sizes) == 1:
        (n, s), = sizes
        while not runs[n] or (len(runs[n]) < repeats and sum(runs[n]) < SCALING_SECONDS):
            run_once(n, s)
        return {n: (runs[n], models[n])}
    largest, big = max(sizes, key=lambda size: size[0])
    smaller = [(n, s) for n, s in sizes if n != largest]
    paused = 0.0

    def between_chunks(_weeks: int) -> None:
        nonlocal paused
        t0 = time.perf_counter()
        for n, s in smaller:
            run_once(n, s)
        paused += time.perf_counter() - t0

    gc.collect()
    t0 = time.perf_counter()
    models[largest] = NavModel(big, big.seed, engine="numba", record_events=False)
    models[largest].run(between_chunks)
    runs[largest].append(time.perf_counter() - t0 - paused)
    return {n: (runs[n], models[n]) for n, _ in sizes}


def youth_weeks_no_events(model) -> tuple[int, float]:
    """Youth-weeks when the event log is off: from the youths' entry and birth weeks."""
    e = model.engine
    total = int(e.youth_weeks(e.hi).sum())
    return total, total / e.n_weeks


def table(result: dict[str, Any]) -> str:
    lines = [
        f"youths in the model (mean)     {result['youths']:>14,}",
        f"weeks                          {result['weeks']:>14,}",
        f"mesa engine  youth-weeks/s     {result['mesa_youth_weeks_per_s']:>14,.0f}",
        f"numba engine youth-weeks/s     {result['numba_youth_weeks_per_s']:>14,.0f}",
        f"ratio numba/mesa               {result['ratio']:>14,.1f}",
        f"bare loop youth-weeks/s        {result['floor_youth_weeks_per_s']:>14,.0f}",
        f"floor ratio (bare/numba)       {result['floor_ratio']:>14,.1f}",
        f"compile or cache load (s)      {result['compile_s']:>14,.2f}",
        f"engines identical              {str(result['engines_identical']):>14}",
        f"peak RSS (MB)                  {result['peak_rss_mb']:>14,.0f}",
    ]
    if result.get("steps"):
        lines.append("where the numba engine's time goes (more runs, timed step by step; medians):")
        lines.append(f"  {'step':<16} {'ns/youth-week':>14} {'share':>7}")
        for row in result["steps"]:
            lines.append(f"  {row['step']:<16} {row['ns_per_youth_week']:>14,.1f} {row['share']:>7.1%}")
    if result["scaling"]:
        lines.append("scaling (numba, event log off):")
        lines.append(f"  {'youths':>10} {'youth-weeks/s':>15} {'ns/youth-week':>14} {'vs smallest':>12} "
                     f"{'bytes/youth':>12} {'scratch B/youth':>16} {'seconds':>9}")
        for row in result["scaling"]:
            lines.append(f"  {row['youths']:>10,} {row['youth_weeks_per_s']:>15,.0f} "
                         f"{row['ns_per_youth_week']:>14,.1f} {row['cost_vs_smallest']:>11.2f}x "
                         f"{row['bytes_per_youth']:>12,.0f} {row['workspace_bytes_per_youth']:>16,.0f} "
                         f"{row['seconds']:>9.1f}")
    return "\n".join(lines)


def bench_command(args: argparse.Namespace) -> int:
    scaling = [int(x) for x in args.scaling.split(",") if x.strip()] if args.scaling else []
    result = measure(args.youths, args.years, scaling, log=lambda m: print(m, file=sys.stderr),
                     repeats=args.repeats, scenario_path=args.scenario or BASELINE)
    print(table(result))
    if args.json:
        atomic_write_json(args.json, result)
        print(f"wrote {args.json}")
    return 0
