"""``navsim compare``: policy scenarios against a baseline, with paired replications.

Every scenario runs with the baseline's seed, so replication ``r`` of a scenario and of the
baseline share their random numbers (common random numbers): the same youths enter, and
the same draws decide their paths until the policy makes them differ. The effect of a
scenario on an outcome is therefore computed per replication, ``scenario − baseline``, and
summarised by its mean and the 5th and 95th percentiles of the paired differences (a 90 %
interval). With posterior draws (``--draws K``) every scenario runs at the same K parameter
sets, R replications each, and the interval spans both chance and the parameters
(:mod:`sim.effects`). A scenario that changes nothing in the model gives exactly zero on every
outcome; no noise is added anywhere. Runs are jobs of one replication each, journaled as they
finish (:mod:`sim.compare_jobs`).

The result directory holds ``effects.csv`` (tidy, one row per scenario and outcome),
``effects_by_county.csv`` (the same for the results by county of :mod:`sim.counties`, one
row per scenario, county and result),
``outcomes_by_replication.csv`` (one row per scenario, draw and replication),
``baseline_runs.jsonl`` (for ``--baseline-from``), ``comparison.json`` (what changed and the cost per extra
person in work or education), ``report.md``, ``report.html`` and ``plots/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calendar import WEEKS_PER_MONTH, Calendar
from sim.compare_jobs import (
    BASELINE_RUNS,
    KEPT_COSTS,
    Journal,
    Runner,
    baseline_header,
    default_workers,
    jobs_for,
    read_baseline_runs,
    run_all,
    run_replication,
    write_baseline_runs,
)
from sim.comparison import KEY_OUTCOMES, Comparison, ScenarioRun, shown_path
from sim.cost import payback_weeks
from sim.counties import UNITS as COUNTY_UNITS
from sim.effects import EFFECT_COLUMNS, NET_PER_PERSON, PERSONS_OUTCOME, RUN_INDEX, paired_effects
from sim.journal import journal_path
from sim.posterior_draws import DEFAULT_REPS_PER_DRAW, chosen_draws, draw_overrides
from sim.results import write_dir_atomically
from sim.scenario.changes import scenario_changes
from sim.scenario.loader import apply_overrides, load_scenario, scenario_to_jsonable
from sim.scenario.schema import Scenario
from sim.sweep.journal import fingerprint

DEFAULT_REPS = 10
# --------------------------------------------------------------------------- price

def cost_per_extra_person(effects: pd.DataFrame) -> float | None:
    """The ``net_cost_per_extra_person`` row's mean (None when persons do not rise)."""
    by = effects.set_index("outcome")["effect_mean"]
    value = float(by.get(NET_PER_PERSON, np.nan))
    return value if np.isfinite(value) else None


def payback_months(base: ScenarioRun, scen: ScenarioRun) -> float | None:
    """Months from the window's start until the savings repay the gross cost (mean over runs),
    None where they do not within the window (see :func:`sim.cost.payback_weeks`)."""
    if not base.cost_weekly or not scen.cost_weekly:
        return None
    gross = (scen.cost_weekly["services"] - base.cost_weekly["services"]).mean(axis=0)
    savings = (base.cost_weekly["benefits"] - scen.cost_weekly["benefits"]).mean(axis=0)
    weeks = payback_weeks(gross, savings)
    return None if weeks is None else weeks / WEEKS_PER_MONTH


# --------------------------------------------------------------------------- running

def _overrides(seed: int | None, scale: float | None, reps: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if seed is not None:
        out["seed"] = seed
    if scale is not None:
        out["scale"] = scale
    if reps is not None:
        out["replications"] = reps
    return out


def load_scenarios(base: Path, scenarios: Sequence[Path], *, seed: int | None, scale: float | None,
                   reps: int) -> list[tuple[Path, Scenario]]:
    """Load the baseline and the scenarios with one seed, scale and number of replications.

    Without ``seed``/``scale`` the baseline's own values go to every scenario: pairing needs
    the same seed, and effects mean nothing across different population sizes.
    """
    base_scenario, _ = load_scenario(base, _overrides(seed, scale, reps))
    shared = _overrides(base_scenario.seed, base_scenario.scale, reps)
    loaded = [(Path(base), base_scenario)]
    for path in scenarios:
        scenario, _ = load_scenario(path, shared)
        loaded.append((Path(path), scenario))
    return loaded


def _unique_labels(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return labels


def default_runner() -> Runner:
    """The simulation engine's one replication (imported late: the engine is heavy to load)."""
    return run_replication


def _scenario_run(label: str, path: Path, scenario: Scenario, results: list[tuple[int, int, dict]],
                  first_week: int) -> ScenarioRun:
    """A scenario's runs, in (draw, rep) order, as its outcome table, stocks and cost series."""
    index = pd.MultiIndex.from_tuples([(k, r) for k, r, _ in results], names=list(RUN_INDEX))
    table = pd.DataFrame([res["outcomes"] for _, _, res in results], index=index)
    frames = []
    for i, (_, _, res) in enumerate(results):
        for key, series in res["stocks"].items():
            variable, category = key.split("|", 1)
            frames.append(pd.DataFrame({"rep": i, "week": np.arange(first_week, first_week + len(series)),
                                        "variable": variable, "category": category, "value": series}))
    weekly = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["rep", "week", "variable", "category", "value"])
    costs = {k: np.array([res["costs"][k] for _, _, res in results]) for k in KEPT_COSTS}
    counties = None
    if all(res.get("by_county") for _, _, res in results):
        counties = pd.DataFrame([res["by_county"] for _, _, res in results], index=index)
    return ScenarioRun(label=label, path=path, scenario=scenario, resolved=scenario_to_jsonable(scenario),
                       table=table, weekly=weekly, cost_weekly=costs, county_table=counties)


def effects_by_county(base: ScenarioRun, scenarios: Sequence[ScenarioRun]) -> pd.DataFrame | None:
    """The paired effects on the results by county (``sim.counties``): one row per scenario,
    county and result, in the columns of ``effects.csv`` with ``county`` after ``scenario``.
    None when a run lacks them."""
    if base.county_table is None or any(run.county_table is None for run in scenarios):
        return None
    frames = []
    for run in scenarios:
        effects = paired_effects(base.county_table, run.county_table)
        split = effects["outcome"].str.split("|", n=1, expand=True)
        effects["outcome"] = split[1]
        effects.insert(0, "county", split[0])
        effects.insert(0, "scenario", run.label)
        effects["unit"] = [COUNTY_UNITS.get(o, "") for o in effects["outcome"]]
        frames.append(effects)
    return pd.concat(frames, ignore_index=True) if frames else None


def measured_window_start(loaded: Sequence[tuple[Path, Scenario]]) -> dt.date | None:
    """The earliest start date of any lever a scenario changes (None: no dated change).

    Outcomes are measured from then on, so the years before a policy starts do not dilute
    its effect; the report states the window.
    """
    base = scenario_to_jsonable(loaded[0][1])
    starts = [dt.date.fromisoformat(c.start) for _, scen in loaded[1:]
              for c in scenario_changes(base, scenario_to_jsonable(scen)) if c.start]
    period_start = loaded[0][1].period.start
    starts = [d for d in starts if d > period_start]
    return min(starts) if starts else None


def compare(base: Path, scenarios: Sequence[Path], *, reps: int = DEFAULT_REPS, seed: int | None = None,
            scale: float | None = None, progress: bool = True, runner: Runner | None = None,
            window_start: dt.date | None = None, draws: pd.DataFrame | None = None,
            workers: int = 1, out: Path | None = None, baseline_from: Path | None = None) -> Comparison:
    """Run the baseline and each scenario with paired runs and compute the effects.

    ``runner(scenario, seed)`` runs one replication (default: the engine). ``draws`` are
    posterior parameter sets (rows of :func:`sim.posterior_draws.choose_draws`); without them
    every scenario runs at its own parameters (the central point). ``reps`` replications run
    per draw. Outcomes are measured from ``window_start`` (default: the earliest start of a
    changed lever, else the period). With ``out``, finished runs go to a journal beside it,
    and an earlier, stopped comparison with the same ``out`` is resumed. ``baseline_from`` is
    the folder of a finished comparison whose baseline runs are reused (same seed, scale,
    period, replications, draws, window and baseline, else refused).
    """
    from tqdm import tqdm

    loaded = load_scenarios(base, scenarios, seed=seed, scale=scale, reps=reps)
    if window_start is None:
        window_start = measured_window_start(loaded)
    overrides = [{}] if draws is None or len(draws) == 0 else [draw_overrides(r) for _, r in draws.iterrows()]
    at_draw = [[apply_overrides(sc, o, f"posterior draw {k}") if o else sc for k, o in enumerate(overrides)]
               for _, sc in loaded]
    base_seed = loaded[0][1].seed
    jobs = jobs_for(len(loaded), len(overrides), reps, base_seed)
    labels = _unique_labels([s.name for _, s in loaded])
    created = dt.datetime.now().isoformat(timespec="seconds")
    journal = None
    if out is not None:
        stamp = fingerprint({"scenarios": [scenario_to_jsonable(s) for row in at_draw for s in row],
                             "reps": reps, "window": str(window_start)})
        journal = Journal(journal_path(out), stamp, created)
    done = journal.load() if journal else {}
    header = baseline_header(loaded[0][1], reps, overrides, window_start)
    resumed = len(done)
    if baseline_from is not None:
        reused = read_baseline_runs(baseline_from, header)
        done = {**reused, **done}
        if progress:
            print(f"navsim: the baseline's {len(reused)} runs come from {baseline_from}", file=sys.stderr)
    created = journal.created if journal else created
    if runner is None:
        from sim.run import warm_up

        runner = default_runner()
        if len(done) < len(jobs):
            warm_up(loaded[0][1], notice=progress)  # before the bar, and once for all workers
    if resumed and progress:
        print(f"navsim: resuming: {resumed} of {len(jobs)} runs were done before", file=sys.stderr)
    with tqdm(total=len(jobs), initial=len(done), desc="compare", unit="replication", disable=not progress,
              file=sys.stderr, mininterval=0.5) as bar:
        def finished(job, value) -> None:  # noqa: ANN001
            if journal:
                journal.append(job, value)
            bar.set_postfix_str(f"{labels[job.scenario]} draw {job.draw} rep {job.rep}")
            bar.update(1)

        try:
            results = run_all(jobs, at_draw, window_start, runner, workers, done, finished)
        finally:
            if journal:
                journal.close()
    calendar = Calendar.from_manifest(results[(0, 0, 0)]["calendar"])
    runs = [_scenario_run(label, path, scenario,
                          [(k, r, results[(i, k, r)]) for k in range(len(overrides)) for r in range(reps)],
                          calendar.first_week)
            for i, (label, (path, scenario)) in enumerate(zip(labels, loaded, strict=True))]
    base_run, scen_runs = runs[0], runs[1:]
    frames, changes, cpp, payback = [], {}, {}, {}
    for run in scen_runs:
        effects = paired_effects(base_run.table, run.table)
        effects.insert(0, "scenario", run.label)
        frames.append(effects)
        changes[run.label] = scenario_changes(base_run.resolved, run.resolved)
        cpp[run.label] = cost_per_extra_person(effects)
        payback[run.label] = payback_months(base_run, run)
    comparison = Comparison(
        base=base_run, scenarios=scen_runs, effects=pd.concat(frames, ignore_index=True)[EFFECT_COLUMNS],
        changes=changes, cost_per_person=cpp, payback_months=payback, reps=reps, seed=base_seed,
        scale=base_run.scenario.scale, calendar=calendar,
        window_start=None if window_start is None else window_start.isoformat(),
        draws=len(overrides) if overrides != [{}] else 0, created=created)
    comparison.journal = journal
    comparison.effects_by_county = effects_by_county(base_run, scen_runs)
    comparison.baseline_runs = (header, [(k, r, results[(0, k, r)]) for k in range(len(overrides))
                                         for r in range(reps)])
    return comparison


# --------------------------------------------------------------------------- writing

def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """What changed, the cost per extra person and the run settings, for machines."""
    return {
        "baseline": {"name": comparison.base.label, "path": shown_path(comparison.base.path)},
        "replications": comparison.reps,
        "posterior_draws": comparison.draws,
        "seed": comparison.seed,
        "scale": comparison.scale,
        "scenarios": [
            {"name": run.label, "path": shown_path(run.path), "description": run.scenario.description.strip(),
             "changes": [{"key": c.key, "baseline": c.before, "scenario": c.after, "start": c.start}
                         for c in comparison.changes[run.label]],
             "net_cost_per_extra_person_nok": _jsonable(comparison.cost_per_person[run.label]),
             "months_until_savings_repay_the_cost": _jsonable(comparison.payback_months[run.label])}
            for run in comparison.scenarios
        ],
    }


def write_comparison(comparison: Comparison, out: Path) -> Path:
    """Write every file of a comparison into ``out`` atomically (all of them or none)."""
    from sim.report import write_report

    def fill(directory: Path) -> None:
        comparison.effects.to_csv(directory / "effects.csv", index=False)
        if comparison.effects_by_county is not None:
            comparison.effects_by_county.to_csv(directory / "effects_by_county.csv", index=False)
        per_rep = pd.concat(
            [run.table.assign(scenario=run.label).reset_index()
             for run in (comparison.base, *comparison.scenarios)], ignore_index=True)
        first = ["scenario", *RUN_INDEX]
        per_rep[[*first, *[c for c in per_rep.columns if c not in first]]].to_csv(
            directory / "outcomes_by_replication.csv", index=False)
        (directory / "comparison.json").write_text(
            json.dumps(comparison_json(comparison), indent=2, default=str) + "\n")
        write_report(comparison, directory)
        if comparison.baseline_runs is not None:
            write_baseline_runs(directory / BASELINE_RUNS, *comparison.baseline_runs)

    return write_dir_atomically(out, fill)


def stdout_table(comparison: Comparison) -> str:
    """A short plain-text table: the key effects of each scenario with their intervals."""
    from sim.plots import display_unit, effect_unit
    from sim.report import fmt_number, interval_sources, runs_text

    lines = [f"Effects (scenario − baseline '{comparison.base.label}'), {runs_text(comparison)}, "
             f"mean and 90 % interval ({interval_sources(comparison)}):"]
    header = (f"{'scenario':<22} {'outcome':<37} {'effect':>10} {'90 % interval':>22}  "
              f"{'unit':<24} sure")
    lines += [header, "-" * len(header)]
    effects = comparison.effects
    for run in comparison.scenarios:
        part = effects[effects["scenario"] == run.label].set_index("outcome")
        for outcome in KEY_OUTCOMES:
            if outcome not in part.index:
                continue
            row = part.loc[outcome]
            _, factor = display_unit(row["unit"])
            interval = (f"{fmt_number(row['effect_low'] / factor, True)} to "
                        f"{fmt_number(row['effect_high'] / factor, True)}")
            lines.append(f"{run.label:<22} {outcome:<37} {fmt_number(row['effect_mean'] / factor, True):>10} "
                         f"{interval:>22}  {effect_unit(row['unit']):<24} "
                         f"{'yes' if row['excludes_zero'] else 'no'}")
        cpp = comparison.cost_per_person[run.label]
        text = "n/a (no extra persons)" if cpp is None else f"NOK {fmt_number(cpp)}"
        persons_sure = PERSONS_OUTCOME in part.index and bool(part.loc[PERSONS_OUTCOME, "excludes_zero"])
        if cpp is not None and not persons_sure:
            text += " (uncertain: the gain in persons may be 0)"
        lines.append(f"{run.label:<22} {'net cost per extra person in work/educ.':<37} {text}")
        months = comparison.payback_months[run.label]
        if months is not None:
            lines.append(f"{run.label:<22} {'months until savings repay the cost':<37} {months:.0f}")
    return "\n".join(lines)


def default_out() -> Path:
    return Path("results") / f"compare-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def compare_command(args: argparse.Namespace) -> int:
    """Entry point of ``navsim compare`` (options in ``sim.cli``)."""
    out = Path(args.out) if args.out is not None else default_out()
    from sim.preflight import check_compare

    check_compare(args, out)
    base_scenario, _ = load_scenario(args.base, _overrides(args.seed, args.scale, None))
    draws = chosen_draws(getattr(args, "draws", None), base_scenario.seed)
    reps = args.reps or (DEFAULT_REPS if draws is None else DEFAULT_REPS_PER_DRAW)
    try:
        comparison = compare(args.base, args.scenarios, reps=reps, seed=args.seed, scale=args.scale,
                             progress=not args.quiet, window_start=getattr(args, "window_from", None),
                             draws=draws, workers=getattr(args, "workers", None) or default_workers(),
                             out=out, baseline_from=getattr(args, "baseline_from", None))
    except KeyboardInterrupt:
        print(f"navsim: interrupted; the replications that finished are kept: run the same command "
              f"with --out {out} to go on where it stopped", file=sys.stderr)
        return 130
    write_comparison(comparison, out)
    if comparison.journal is not None:
        comparison.journal.remove()
    print(stdout_table(comparison))
    print(f"Wrote {out}/effects.csv, report.md and report.html")
    return 0
