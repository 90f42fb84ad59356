"""``navsim compare``: policy scenarios against a baseline, with paired replications.

Every scenario runs with the baseline's seed, so replication ``r`` of a scenario and of the
baseline share their random numbers (common random numbers): the same youths enter, and
the same draws decide their paths until the policy makes them differ. The effect of a
scenario on an outcome is therefore computed per replication, ``scenario − baseline``, and
summarised by its mean and the 5th and 95th percentiles of the paired differences (a 90 %
interval). A scenario that changes nothing in the model gives exactly zero on every
outcome; no noise is added anywhere.

The result directory holds ``effects.csv`` (tidy, one row per scenario and outcome),
``outcomes_by_replication.csv``, ``comparison.json`` (what changed and the cost per extra
person in work or education), ``report.md``, ``report.html`` and ``plots/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calendar import Calendar
from sim.comparison import KEY_OUTCOMES, Comparison, ScenarioRun, shown_path
from sim.outcomes import OUTCOMES, outcomes
from sim.plots import COMPARE_STOCKS
from sim.results import RunResult, write_dir_atomically
from sim.scenario.changes import scenario_changes
from sim.scenario.loader import load_scenario, scenario_to_jsonable
from sim.scenario.schema import Scenario

#: Runs one scenario: ``runner(scenario, *, reps, seed, progress) -> RunResult``.
Runner = Callable[..., RunResult]

DEFAULT_REPS = 10
QUANTILES = (0.05, 0.95)
#: Outcome behind the cost per extra person (national persons per year).
PERSONS_OUTCOME = "work_or_education_12m_persons"
COST_OUTCOME = "cost_total"
EFFECT_COLUMNS = ["scenario", "outcome", "baseline_mean", "scenario_mean", "effect_mean",
                  "effect_low", "effect_high", "unit", "excludes_zero", "replications"]


# --------------------------------------------------------------------------- effects

def paired_effects(base: pd.DataFrame, scen: pd.DataFrame) -> pd.DataFrame:
    """Per outcome: baseline and scenario means, and the paired effect's mean and 90 % interval.

    Rows of ``base`` and ``scen`` are matched by replication index. Where both runs have no
    value (e.g. no advisor of a role) the replication's difference is 0: the two runs agree.
    """
    columns = [c for c in base.columns if c in scen.columns]
    reps = base.index.intersection(scen.index)
    b = base.loc[reps, columns].astype(np.float64)
    s = scen.loc[reps, columns].astype(np.float64)
    diff = s - b
    diff = diff.mask(b.isna() & s.isna(), 0.0)
    rows = []
    for outcome in columns:
        d = diff[outcome].to_numpy()
        d = d[np.isfinite(d)]
        if len(d):
            low, high = (float(q) for q in np.quantile(d, QUANTILES))
            mean = float(d.mean())
        else:
            low = high = mean = float("nan")
        rows.append({
            "outcome": outcome,
            "baseline_mean": _nanmean(b[outcome]),
            "scenario_mean": _nanmean(s[outcome]),
            "effect_mean": mean,
            "effect_low": low,
            "effect_high": high,
            "unit": OUTCOMES[outcome].unit if outcome in OUTCOMES else "",
            "excludes_zero": bool(low > 0 or high < 0),
            "replications": int(len(d)),
        })
    return pd.DataFrame(rows)


def _nanmean(values: pd.Series) -> float:
    arr = values.to_numpy(dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if len(arr) else float("nan")


def cost_per_extra_person(effects: pd.DataFrame) -> float | None:
    """Extra cost per extra person in work or education 12 months after registration.

    Both are national and per year of the period (``cost_total`` over the period,
    ``work_or_education_12m_persons`` over its entry window); None when the scenario does not
    raise the number of persons (a ratio with a zero or negative denominator means nothing).
    """
    by = effects.set_index("outcome")["effect_mean"]
    if PERSONS_OUTCOME not in by or COST_OUTCOME not in by:
        return None
    persons, cost = float(by[PERSONS_OUTCOME]), float(by[COST_OUTCOME])
    if not np.isfinite(persons) or not np.isfinite(cost) or persons <= 0:
        return None
    return cost / persons


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


def _keep_weekly(weekly: pd.DataFrame) -> pd.DataFrame:
    """Only the stocks the comparison figure draws, so many runs fit in memory."""
    wanted = {v for v, *_ in COMPARE_STOCKS}
    return weekly[weekly["variable"].astype(str).isin(wanted)].copy()


#: Replications of one scenario run in parallel on this many processes.
WORKERS = os.cpu_count() or 1


def default_runner() -> Runner:
    """The simulation engine's entry point (imported late: the engine is heavy to load)."""
    from sim.run import run_scenario

    return run_scenario


def run_one(label: str, path: Path, scenario: Scenario, reps: int,
            runner: Runner, window_start: dt.date | None = None) -> tuple[ScenarioRun, Calendar]:
    """Run a scenario and keep its outcomes per replication and its key weekly stocks."""
    result = runner(scenario, reps=reps, seed=scenario.seed, progress=False, workers=WORKERS)
    from_week = None if window_start is None else result.calendar.week_of(window_start)
    table = outcomes(result, unit_costs=scenario.costs, from_week=from_week)
    run = ScenarioRun(label=label, path=path, scenario=scenario, resolved=scenario_to_jsonable(scenario),
                      table=table, weekly=_keep_weekly(result.weekly))
    return run, result.calendar


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
            window_start: dt.date | None = None) -> Comparison:
    """Run the baseline and each scenario with paired replications and compute the effects.

    ``runner`` runs one scenario (default: ``sim.run.run_scenario``); it must derive each
    replication's seed from the scenario's seed so that runs are paired. Outcomes are measured
    from ``window_start`` (default: the earliest start of a changed lever, else the period).
    """
    from tqdm import tqdm

    loaded = load_scenarios(base, scenarios, seed=seed, scale=scale, reps=reps)
    if runner is None:
        from sim.run import warm_up

        runner = default_runner()
        warm_up(loaded[0][1], notice=progress)  # before the bar, and once for all workers
    if window_start is None:
        window_start = measured_window_start(loaded)
    labels = _unique_labels([s.name for _, s in loaded])
    runs: list[ScenarioRun] = []
    calendar = None
    with tqdm(total=len(loaded), desc="compare", unit="run", disable=not progress, file=sys.stderr) as bar:
        for label, (path, scenario) in zip(labels, loaded, strict=True):
            bar.set_postfix_str(label)
            run, calendar = run_one(label, path, scenario, reps, runner, window_start)
            runs.append(run)
            bar.update(1)
    base_run, scen_runs = runs[0], runs[1:]
    frames, changes, cpp = [], {}, {}
    for run in scen_runs:
        effects = paired_effects(base_run.table, run.table)
        effects.insert(0, "scenario", run.label)
        frames.append(effects)
        changes[run.label] = scenario_changes(base_run.resolved, run.resolved)
        cpp[run.label] = cost_per_extra_person(effects)
    return Comparison(
        base=base_run, scenarios=scen_runs, effects=pd.concat(frames, ignore_index=True)[EFFECT_COLUMNS],
        changes=changes, cost_per_person=cpp, reps=reps, seed=base_run.scenario.seed,
        scale=base_run.scenario.scale, calendar=calendar,
        window_start=None if window_start is None else window_start.isoformat())


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
        "seed": comparison.seed,
        "scale": comparison.scale,
        "created": comparison.created,
        "scenarios": [
            {"name": run.label, "path": shown_path(run.path), "description": run.scenario.description.strip(),
             "changes": [{"key": c.key, "baseline": c.before, "scenario": c.after, "start": c.start}
                         for c in comparison.changes[run.label]],
             "cost_per_extra_person_nok": _jsonable(comparison.cost_per_person[run.label])}
            for run in comparison.scenarios
        ],
    }


def write_comparison(comparison: Comparison, out: Path) -> Path:
    """Write every file of a comparison into ``out`` atomically (all of them or none)."""
    from sim.report import write_report

    def fill(directory: Path) -> None:
        comparison.effects.to_csv(directory / "effects.csv", index=False)
        per_rep = pd.concat(
            [run.table.assign(scenario=run.label).reset_index()
             for run in (comparison.base, *comparison.scenarios)], ignore_index=True)
        per_rep[["scenario", "rep", *[c for c in per_rep.columns if c not in ("scenario", "rep")]]].to_csv(
            directory / "outcomes_by_replication.csv", index=False)
        (directory / "comparison.json").write_text(
            json.dumps(comparison_json(comparison), indent=2, default=str) + "\n")
        write_report(comparison, directory)

    return write_dir_atomically(out, fill)


def stdout_table(comparison: Comparison) -> str:
    """A short plain-text table: the key effects of each scenario with their intervals."""
    from sim.plots import display_unit, effect_unit
    from sim.report import fmt_number

    lines = [f"Effects (scenario − baseline '{comparison.base.label}'), {comparison.reps} paired "
             "replications, mean and 90 % interval:"]
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
        lines.append(f"{run.label:<22} {'cost per extra person in work/educ.':<37} {text}")
    return "\n".join(lines)


def default_out() -> Path:
    return Path("results") / f"compare-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def compare_command(args: argparse.Namespace) -> int:
    """Entry point of ``navsim compare`` (options in ``sim.cli``)."""
    reps = args.reps or DEFAULT_REPS
    out = Path(args.out) if args.out is not None else default_out()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        from sim.scenario.loader import InputError

        raise InputError(out, None, "output directory exists and is not empty")
    comparison = compare(args.base, args.scenarios, reps=reps, seed=args.seed, scale=args.scale,
                         progress=not args.quiet, window_start=getattr(args, "window_from", None))
    write_comparison(comparison, out)
    print(stdout_table(comparison))
    print(f"Wrote {out}/effects.csv, report.md and report.html")
    return 0
