"""``navsim validate``: compare a run's statistics with observed targets.

:func:`evaluate` computes every target of a targets file on a run (one row per compared
value: a distribution gives one row per category, ``target_id:category``), with the mean
and the 5 %-95 % range over replications and the tolerance resolved to an absolute
distance. :func:`loss` condenses that table into the number calibration minimises.
:func:`validate_command` is the command: it runs the scenario, evaluates, prints the table
and writes it (CSV, Markdown, plots, JSON) when asked.

Honesty rule: every statistic is computed exactly as the format defines it (see
:mod:`sim.measure`); a statistic the run cannot give (a window outside the simulated
weeks, an empty population) is reported as such and fails, never approximated.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.effects import parameter_share
from sim.measure import Measurer, NotMeasurable
from sim.paths import BASELINE, default_targets, project_file
from sim.report import percent
from sim.results import RunResult, atomic_write_json, write_dir_atomically
from sim.scenario.loader import apply_overrides, load_scenario
from sim.targets import EXPERIMENT, Evidence, Measure, Target, TargetSet, canonical, load_targets

Runner = Callable[[Mapping[str, Any]], RunResult]

COLUMNS = ["id", "target_id", "category", "metric", "family", "observed", "simulated", "low", "high",
           "parameter_share", "tol_abs", "tolerance", "pass", "weight", "status", "reason", "source"]
#: ``status`` values: computed, or why not.
OK, EMPTY, NOT_MEASURABLE, NOT_COMPUTED = "ok", "empty", "not_measurable", "not_computed"
#: Largest standardised distance a row contributes to :func:`loss` (and the distance of a
#: row that could not be measured), so one wild statistic cannot swamp the others.
#: Distances beyond this many tolerances all count the same. A low cap makes the calibration
#: work on the many statistics it can bring within tolerance instead of trading them for a
#: few it cannot reach (a cap of 10 let one missed statistic outweigh fifteen near misses).
LOSS_CAP = 3.0
INTERVAL = (0.05, 0.95)


# --- evaluation ---------------------------------------------------------------------------

def evaluate(run_result: RunResult, targets: TargetSet | Iterable[Target],
             runner: Runner | None = None, draws: Sequence[int] | np.ndarray | None = None) -> pd.DataFrame:
    """One row per compared value of ``targets`` on ``run_result`` (columns: :data:`COLUMNS`).

    ``simulated`` is the mean over replications (replications whose population is empty are
    left out), ``low``/``high`` the 5 % and 95 % quantiles over every replication of every
    posterior draw (so the interval holds both chance and the parameters' uncertainty).
    ``draws`` gives each replication's posterior draw (``run_over_draws`` numbers them
    ``k * reps + r``); with two draws or more ``parameter_share`` is the share of the
    statistic's variance over replications that comes from the draws
    (:func:`sim.effects.parameter_share`, as in ``navsim compare``), otherwise NaN: with one
    draw it is not defined. ``tol_abs`` the allowed
    ``|simulated - observed|`` (abs x; rel r*|observed|; se 2*s), ``pass`` whether the mean
    lies within it. A target's ``weight`` is shared equally by its rows, so a distribution
    weighs as much as a single value. ``experiment_effect`` rows call
    ``runner(intervention)`` for the treated run (same seeds as ``run_result``, which is the
    control) and compare treated - control per replication; without a runner they are
    reported with status ``not_computed``.
    """
    target_list = list(targets)
    labels = None if draws is None else np.asarray(draws)
    if labels is not None and len(labels) != run_result.replications:
        raise ValueError(f"{len(labels)} draw labels for {run_result.replications} replications")
    comparisons = [(t, cat, obs, m) for t in target_list for cat, obs, m in t.comparisons()]
    control: dict[str, Measure] = {}
    for _, _, _, m in comparisons:
        if m.metric != EXPERIMENT:
            control.setdefault(m.key(), m)
        elif runner is not None:
            inner: Measure = m.params["measure"]
            control.setdefault(inner.key(), inner)
    keys = sorted(control)  # neighbours share snapshots (same date / year)
    measured = dict(zip(keys, Measurer(run_result, cache=False).compute([control[k] for k in keys]),
                        strict=True))
    effects = _experiment_effects(comparisons, measured, runner)

    rows = []
    for t, cat, obs, m in comparisons:
        n_rows = len(t.value) if isinstance(t.value, dict) else 1
        if m.metric == EXPERIMENT:
            result = effects.get(m.key(), NotMeasurable("needs a runner to re-run the scenario"))
        else:
            result = measured[m.key()]
        rows.append(_row(t, cat, obs, result, runner is None and m.metric == EXPERIMENT, n_rows, labels))
    return pd.DataFrame(rows, columns=COLUMNS)


def _experiment_effects(comparisons: list, measured: Mapping[str, Any], runner: Runner | None
                        ) -> dict[str, np.ndarray | NotMeasurable]:
    """Treated - control per replication for each experiment measure (one run per intervention)."""
    if runner is None:
        return {}
    by_intervention: dict[str, list[Measure]] = {}
    interventions: dict[str, Mapping] = {}
    for _, _, _, m in comparisons:
        if m.metric == EXPERIMENT:
            key = canonical(m.params["intervention"])
            interventions[key] = m.params["intervention"]
            if all(x.key() != m.key() for x in by_intervention.setdefault(key, [])):
                by_intervention[key].append(m)
    out: dict[str, np.ndarray | NotMeasurable] = {}
    for key, measures in by_intervention.items():
        treated_run = runner(interventions[key])
        inner = [m.params["measure"] for m in measures]
        treated = Measurer(treated_run, cache=False).compute(inner)
        for m, inner_m, t_values in zip(measures, inner, treated, strict=True):
            c_values = measured[inner_m.key()]
            if isinstance(t_values, NotMeasurable) or isinstance(c_values, NotMeasurable):
                out[m.key()] = t_values if isinstance(t_values, NotMeasurable) else c_values
            elif len(t_values) != len(c_values):
                out[m.key()] = NotMeasurable(
                    f"treated run has {len(t_values)} replications, control {len(c_values)}")
            else:
                out[m.key()] = t_values - c_values
    return out


def _row(t: Target, category: str | None, observed: float, result: np.ndarray | NotMeasurable,
         not_computed: bool, n_rows: int, draws: np.ndarray | None = None) -> dict[str, Any]:
    tol = t.tolerance.allowed(observed)
    row = {
        "id": t.id if category is None else f"{t.id}:{category}",
        "target_id": t.id, "category": category, "metric": t.metric, "family": t.metric,
        "observed": observed, "simulated": math.nan, "low": math.nan, "high": math.nan,
        "parameter_share": math.nan, "tol_abs": tol, "tolerance": str(t.tolerance), "pass": False,
        "weight": t.weight / n_rows,
        "status": OK, "reason": "", "source": t.source,
    }
    if isinstance(result, NotMeasurable):
        row.update(status=NOT_COMPUTED if not_computed else NOT_MEASURABLE, reason=str(result))
        return row
    values = np.asarray(result, dtype=float)
    finite = np.isfinite(values)
    values = values[finite]
    if not len(values):
        row.update(status=EMPTY, reason="no one in the measured population in any replication")
        return row
    simulated = float(values.mean())
    low, high = (float(q) for q in np.quantile(values, INTERVAL))
    # A hair of slack so that a value exactly on the boundary is not failed by rounding.
    passed = abs(simulated - observed) <= tol + 1e-9 * max(1.0, abs(observed))
    row.update(simulated=simulated, low=low, high=high, parameter_share=share_of_draws(values, draws, finite),
               **{"pass": bool(passed)})
    return row


def share_of_draws(values: np.ndarray, draws: np.ndarray | None, kept: np.ndarray) -> float:
    """:func:`sim.effects.parameter_share` of the replications ``kept``, NaN unless they come
    from two posterior draws or more (with one draw the share is not defined)."""
    if draws is None:
        return math.nan
    labels = np.asarray(draws)[kept]
    if len(np.unique(labels)) < 2:
        return math.nan
    return parameter_share(values, labels)


def loss(table: pd.DataFrame) -> float:
    """Weighted mean of squared standardised distances, the calibration objective.

    For each row: ``z = min(|simulated - observed| / tol_abs, LOSS_CAP)``; the loss is
    ``sum(weight * z**2) / sum(weight)``. Dividing by the tolerance makes statistics of
    different units comparable and lets tight targets pull harder; the cap keeps one badly
    missed statistic from dominating. Rows that could not be measured count as the cap;
    rows not computed (experiments without a runner) are left out. A zero tolerance gives
    0 for an exact match and the cap otherwise. With no rows the loss is 0.
    """
    rows = table[table["status"] != NOT_COMPUTED]
    if not len(rows):
        return 0.0
    distance = (rows["simulated"] - rows["observed"]).abs().to_numpy(dtype=float)
    tol = rows["tol_abs"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(tol > 0, distance / tol, np.where(distance == 0, 0.0, np.inf))
    z = np.where(np.isfinite(z), np.minimum(z, LOSS_CAP), LOSS_CAP)
    weight = rows["weight"].to_numpy(dtype=float)
    total = weight.sum()
    return float((weight * z**2).sum() / total) if total > 0 else 0.0


def pass_share(table: pd.DataFrame) -> float:
    """Share of compared values (rows) that pass; 0 when nothing is compared."""
    return float(table["pass"].mean()) if len(table) else 0.0


# --- reporting ----------------------------------------------------------------------------

def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}".replace(",", " ")
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def _interval(row: Mapping) -> str:
    if not math.isfinite(row["low"]):
        return "-"
    return f"[{_fmt(row['low'])}, {_fmt(row['high'])}]"


def _verdict(row: Mapping) -> str:
    if row["status"] == OK:
        return "pass" if row["pass"] else "FAIL"
    return "n/a"


def format_table(table: pd.DataFrame, evidence: Iterable[Evidence] = ()) -> str:
    """The plain-text report: one block per metric family, evidence apart, the pass share."""
    lines: list[str] = []
    width = max([len(str(i)) for i in table["id"]] + [10])
    header = (f"  {'id':<{width}}  {'observed':>10}  {'simulated':>10}  {'90% interval':>22}  "
              f"{'tolerance':>10}  result")
    for family, group in table.groupby("family", sort=False):
        passed = int(group["pass"].sum())
        lines += ["", f"{family}  ({passed}/{len(group)} pass)", header]
        for _, row in group.iterrows():
            line = (f"  {row['id']:<{width}}  {_fmt(row['observed']):>10}  {_fmt(row['simulated']):>10}  "
                    f"{_interval(row):>22}  {_fmt(row['tol_abs']):>10}  {_verdict(row)}")
            if row["reason"]:
                line += f"  ({row['reason']})"
            lines.append(line)
    evidence = list(evidence)
    if evidence:
        lines += ["", f"evidence (not compared): {len(evidence)}"]
        lines += [f"  {e.id}: {e.source}" if e.source else f"  {e.id}" for e in evidence]
    n_pass = int(table["pass"].sum())
    lines += ["", f"pass share: {n_pass}/{len(table)} = {percent(pass_share(table))}"]
    return "\n".join(lines).lstrip("\n")


def format_markdown(table: pd.DataFrame, evidence: Iterable[Evidence] = (), title: str = "") -> str:
    """The report as Markdown: one table per metric family, then evidence and pass share."""
    out = [f"# Validation{': ' + title if title else ''}", ""]
    n_pass = int(table["pass"].sum())
    drawn = "parameter_share" in table and bool(table["parameter_share"].notna().any())
    covers = ("over the replications of every posterior draw, so it holds chance and parameter "
              "uncertainty" if drawn else
              "over the replications of one parameter set (no posterior draws), so it holds "
              "chance only")
    out += [f"Pass share: **{percent(pass_share(table))}** ({n_pass} of {len(table)} compared values). "
            f"Simulated = mean over replications; interval = 5 %-95 % {covers}; "
            "pass when |simulated - observed| <= tolerance. validation.csv gives each value's "
            "parameter_share (empty with fewer than two posterior draws).", ""]
    for family, group in table.groupby("family", sort=False):
        out += [f"## {family}", "",
                "| id | observed | simulated | 90 % interval | tolerance | result | note |",
                "|---|---:|---:|---:|---:|---|---|"]
        for _, row in group.iterrows():
            out.append(f"| {row['id']} | {_fmt(row['observed'])} | {_fmt(row['simulated'])} | "
                       f"{_interval(row)} | {_fmt(row['tol_abs'])} ({row['tolerance']}) | "
                       f"{_verdict(row)} | {row['reason']} |")
        out.append("")
    evidence = list(evidence)
    if evidence:
        out += ["## Evidence (not compared)", ""]
        out += [f"- `{e.id}`: {e.source}" + (f" ({e.note})" if e.note else "") for e in evidence]
        out.append("")
    return "\n".join(out)


def plot_family(table: pd.DataFrame, family: str, path: Path) -> None:
    """Simulated (with its 90 % interval) against observed (with its tolerance), one row per value."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    group = table[table["family"] == family]
    n = len(group)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.32 * n))
    y = np.arange(n)[::-1].astype(float)
    obs = group["observed"].to_numpy(dtype=float)
    tol = group["tol_abs"].to_numpy(dtype=float)
    sim = group["simulated"].to_numpy(dtype=float)
    colors = ["tab:green" if p else "tab:red" for p in group["pass"]]
    ax.hlines(y + 0.12, obs - tol, obs + tol, colors="0.7", linewidth=5, label="observed ± tolerance")
    ax.scatter(obs, y + 0.12, marker="s", color="black", zorder=3, label="observed")
    measured = np.isfinite(sim)
    if measured.any():  # a family none of whose rows could be measured has nothing to draw
        _plot_simulated(ax, group, y, sim, measured, colors)
    ax.set_yticks(y)
    ax.set_yticklabels(group["id"], fontsize=7)
    ax.set_title(family)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_simulated(ax: Any, group: pd.DataFrame, y: np.ndarray, sim: np.ndarray, measured: np.ndarray,
                    colors: list[str]) -> None:
    ax.hlines(y[measured] - 0.12, group["low"].to_numpy(dtype=float)[measured],
              group["high"].to_numpy(dtype=float)[measured], colors=np.array(colors)[measured], linewidth=1.5,
              label="simulated 90 % interval")
    ax.scatter(sim[measured], y[measured] - 0.12, c=np.array(colors)[measured], zorder=3,
               label="simulated mean (green: pass)")


def write_report(directory: Path, table: pd.DataFrame, evidence: Iterable[Evidence] = (),
                 title: str = "") -> None:
    """validation.csv, validation.md and plots/<family>.png into ``directory``."""
    evidence = list(evidence)
    table.to_csv(directory / "validation.csv", index=False)
    (directory / "validation.md").write_text(format_markdown(table, evidence, title), encoding="utf-8")
    plots = directory / "plots"
    plots.mkdir(exist_ok=True)
    for family in table["family"].unique():
        plot_family(table, family, plots / f"{family}.png")


def _json_number(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


def to_json(table: pd.DataFrame, evidence: Iterable[Evidence] = ()) -> dict[str, Any]:
    """The ``--json`` document: pass share, one entry per compared value, evidence ids."""
    return {
        "pass_share": pass_share(table),
        "targets": [
            {"id": row["id"], "observed": _json_number(row["observed"]),
             "simulated": _json_number(row["simulated"]), "low": _json_number(row["low"]),
             "high": _json_number(row["high"]), "parameter_share": _json_number(row["parameter_share"]),
             "pass": bool(row["pass"])}
            for _, row in table.iterrows()
        ],
        "evidence": [e.id for e in evidence],
    }


# --- the command --------------------------------------------------------------------------

def attach_scenario(run: Any, scenario: Any) -> Any:
    """Give an in-memory run the scenario it ran, as a written run's manifest holds it:
    some statistics read scenario inputs (population_share reads inputs.population_by_age)."""
    manifest = getattr(run, "manifest", None)
    if isinstance(manifest, dict) and "scenario" not in manifest:
        from sim.scenario.loader import scenario_to_jsonable

        manifest["scenario"] = scenario_to_jsonable(scenario)
    return run


def _check_interventions(targets: TargetSet, scenario: Any) -> None:
    """Fail before running if an experiment's intervention is not a valid scenario change."""
    for t in targets.targets:
        if t.metric == EXPERIMENT:
            source = f"{t.file}: targets[{t.index}] ({t.id}).params.intervention"
            apply_overrides(scenario, t.measure.params["intervention"], source)


def _preflight(targets: TargetSet, scenario: Any, scenario_path: Path, reps: int, out: Path | None,
               json_path: Path | None) -> None:
    """Everything that would fail or answer nothing, checked before the run (sim.preflight)."""
    from sim import preflight

    preflight.require_targets(targets)
    preflight.check_targets_period(targets, scenario, scenario_path)
    preflight.check_population(scenario, scenario_path)
    preflight.check_memory(scenario, reps, scenario_path)
    if out is not None:
        preflight.check_output_dir(out, preflight.PLOT_BYTES)
    if json_path is not None:
        preflight.check_output_file(json_path, what="--json")


def run_over_draws(scenario: Any, draws: list[dict[str, Any]], reps: int, progress: bool,
                   intervention: Mapping[str, Any] | None = None) -> RunResult:
    """``reps`` replications at each posterior draw (none: the central point) in one result.

    Replication r of draw k runs with the seed ``run_seed(seed, k, r, reps)``
    (:mod:`sim.posterior_draws`), the seed ``navsim compare`` and ``navsim sweep`` give it, so
    the draws meet fresh chance and the same ``--seed --draws --reps`` give the same runs in
    the three commands. ``intervention`` (an experiment's) is applied on top of each draw's
    parameters, so an intervention on a parameter the posterior varies is not undone by the
    draw, and the treated run meets the same draws and seeds as its control. Replications are
    numbered ``k * reps + r``: the 90 % interval over them holds both chance and the
    parameters' uncertainty.
    """
    from sim.posterior_draws import draw_seeds
    from sim.run import run_scenario

    workers = os.cpu_count() or 1
    parts = []
    for k, over in enumerate(draws or [{}]):
        at_draw = apply_overrides(scenario, over, f"posterior draw {k}") if over else scenario
        if intervention is not None:
            at_draw = apply_overrides(at_draw, intervention, "experiment intervention")
        parts.append(run_scenario(at_draw, reps=reps, seeds=draw_seeds(scenario.seed, k, reps),
                                  progress=progress, workers=workers))
    if len(parts) == 1:
        return parts[0]
    tables = {}
    for name in ("events", "youths", "advisors", "weekly"):
        frames = [getattr(part, name).assign(rep=getattr(part, name)["rep"].astype(np.int32) + k * reps)
                  if "rep" in getattr(part, name) else getattr(part, name) for k, part in enumerate(parts)]
        tables[name] = pd.concat(frames, ignore_index=True)
    return RunResult(name=scenario.name, calendar=parts[0].calendar, scale=scenario.scale,
                     seeds=[s for part in parts for s in part.seeds], **tables)


def validate_command(args: argparse.Namespace) -> int:
    """Run the scenario, evaluate the targets, print the table and write what was asked.

    Returns 0 when the validation ran, whatever the pass share; bad input raises
    :class:`InputError` before anything is run or written.
    """
    targets = load_targets(getattr(args, "targets", None) or default_targets())
    scenario_path = getattr(args, "scenario", None) or project_file(BASELINE)
    overrides = {key: value for key, value in (
        ("seed", getattr(args, "seed", None)), ("scale", getattr(args, "scale", None)),
        ("replications", getattr(args, "reps", None))) if value is not None}
    scenario, _ = load_scenario(scenario_path, overrides)
    reps = scenario.replications if getattr(args, "reps", None) else max(3, scenario.replications)
    _check_interventions(targets, scenario)
    out: Path | None = getattr(args, "out", None)
    json_path: Path | None = getattr(args, "json", None)
    _preflight(targets, scenario, scenario_path, reps, out, json_path)
    progress = not getattr(args, "quiet", False)

    from sim.posterior_draws import chosen_draws, draw_overrides

    chosen = chosen_draws(getattr(args, "draws", 0) or 0, scenario.seed)
    draws = [] if chosen is None else [draw_overrides(row) for _, row in chosen.iterrows()]
    run = attach_scenario(run_over_draws(scenario, draws, reps, progress), scenario)

    def runner(intervention: Mapping[str, Any]) -> RunResult:
        treated = apply_overrides(scenario, intervention, "experiment intervention")
        return attach_scenario(run_over_draws(scenario, draws, reps, progress, intervention), treated)

    table = evaluate(run, targets, runner, draws=np.repeat(np.arange(max(len(draws), 1)), reps))
    runs = f"{len(draws)} posterior draws x {reps} replications" if draws else f"{reps} replications"
    title = f"{scenario.name}, {runs}, scale {scenario.scale:g}, seed {scenario.seed}"
    print(f"validate: {title}; targets: {', '.join(targets.files)}")
    print(format_table(table, targets.evidence))
    if out is not None:
        write_dir_atomically(out, lambda d: write_report(d, table, targets.evidence, title))
        print(f"wrote {out}")
    if json_path is not None:
        atomic_write_json(json_path, to_json(table, targets.evidence))
        print(f"wrote {json_path}")
    return 0
