"""Simulation-based check of the ABC posterior on the real model.

Pick known values for a few free parameters, simulate every target of a targets file at
those values (the "observed" data are then the model's own output), calibrate on those
synthetic targets with ``navsim calibrate --posterior`` machinery, and report whether each
known value lies inside its 90 % posterior interval, and how much the posterior narrowed.

Usage (from the project root; the defaults are a modest run for 2 cores)::

    python benchmarks/sbc_check.py --out results/sbc --scale 0.01 --population 40 --generations 3

The free parameters checked are those of ``--config`` named with ``--free`` (default: the
base hazard to work of the standard group and the contact effect on work); the others keep
the scenario's values. The known values are the prior's centres moved by ``--shift`` prior
sds (on the search scale), so the check is not started at the answer.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import yaml

from sim.calibrate import Paths, calibrate_posterior, setup
from sim.calibration import posterior
from sim.calibration.abc import on_log_scale
from sim.calibration.config import CalibrationConfig

DEFAULT_FREE = ["parameters.exits.work_weekly.standard", "parameters.contact_effect.work"]


def known_values(config: CalibrationConfig, shift: float) -> dict[str, float]:
    """The prior's centre moved by ``shift`` spreads (on the log for hazards), kept in bounds."""
    out = {}
    for p in config.free:
        if p.prior.dist == "uniform":
            value = p.low + (0.5 + 0.2 * shift) * (p.high - p.low)
        elif on_log_scale(p):
            spread = p.prior.spread if p.prior.dist == "lognormal" else p.prior.spread / p.prior.center
            value = math.exp(math.log(p.prior.center) + shift * spread)
        else:
            value = p.prior.center + shift * p.prior.spread
        out[p.path] = min(max(value, p.low + 1e-9), p.high - 1e-9)
    return out


def synthetic_targets(targets_files: list[Path], table, out: Path) -> Path:
    """The targets files with every compared value replaced by the simulated one."""
    simulated = {(r.target_id, None if r.category != r.category else r.category): r.simulated
                 for r in table.itertuples()}
    entries = []
    for file in targets_files:
        entries += yaml.safe_load(Path(file).read_text())["targets"]
    kept = []
    for entry in entries:
        if entry.get("metric") == "evidence":
            continue
        if isinstance(entry.get("value"), dict):
            values = {cat: simulated.get((entry["id"], cat)) for cat in entry["value"]}
            if any(v is None or v != v for v in values.values()):
                continue
            entry["value"] = {cat: float(v) for cat, v in values.items()}
        else:
            value = simulated.get((entry["id"], None))
            if value is None or value != value:
                continue
            entry["value"] = float(value)
        kept.append(entry)
    path = out / "synthetic_targets.yaml"
    path.write_text(yaml.safe_dump({"targets": kept}, sort_keys=False, allow_unicode=True))
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("results/sbc"))
    ap.add_argument("--targets", type=Path, nargs="+",
                    default=[Path("calibration/targets.yaml"), Path("calibration/targets_experiments.yaml")])
    ap.add_argument("--config", type=Path, default=Path("calibration/config.yaml"))
    ap.add_argument("--scenario", type=Path, default=Path("scenarios/priors.yaml"))
    ap.add_argument("--free", nargs="+", default=DEFAULT_FREE)
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--population", type=int, default=40)
    ap.add_argument("--generations", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shift", type=float, default=0.7)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    # A config holding only the checked parameters (same bounds and priors as the project's).
    raw = yaml.safe_load(args.config.read_text())
    unknown = [f for f in args.free if f not in raw["free"]]
    if unknown:
        print(f"sbc_check: not free in {args.config}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    raw["free"] = {k: v for k, v in raw["free"].items() if k in args.free}
    raw["posterior"] = {**raw.get("posterior", {}), "population": args.population,
                        "generations": args.generations}
    config_file = args.out / "config.yaml"
    config_file.write_text(yaml.safe_dump(raw, sort_keys=False))

    # 1. simulate the targets at the known values (merged into one targets file first)
    merged = args.out / "targets_merged.yaml"
    entries = []
    for f in args.targets:
        entries += yaml.safe_load(f.read_text())["targets"]
    merged.write_text(yaml.safe_dump({"targets": entries}, sort_keys=False, allow_unicode=True))
    truth_setup = setup(Paths(targets=merged, config=config_file, scenario=args.scenario,
                              out=args.out / "abc"), reps=args.reps, scale=args.scale)
    truth = known_values(truth_setup.config, args.shift)
    start = time.perf_counter()
    outcome = truth_setup.objective(truth, seed=12345)
    seconds_truth = time.perf_counter() - start
    synthetic = synthetic_targets([merged], outcome.table, args.out)

    # 2. calibrate on them
    s = setup(replace(truth_setup.paths, targets=synthetic), reps=args.reps, scale=args.scale)
    result = calibrate_posterior(s, workers=args.workers, quiet=False)
    frame = posterior.read(args.out / "abc" / "posterior.parquet")

    # 3. known values inside the 90 % intervals?
    rows = []
    for summary in posterior.summarise(s.config, frame):
        value = truth[summary.path]
        rows.append({"parameter": summary.path, "known": value, "low": summary.low, "median": summary.median,
                     "high": summary.high, "inside": bool(summary.low <= value <= summary.high),
                     "width_ratio": summary.narrowing, "label": summary.label})
    record = {"scale": args.scale, "reps": args.reps, "population": args.population,
              "generations": result.run.generations, "simulations": result.run.simulations,
              "seconds_per_simulation": result.seconds_per_simulation,
              "seconds_one_evaluation_at_truth": seconds_truth,
              "epsilons": result.run.epsilons, "parameters": rows,
              "all_inside": all(r["inside"] for r in rows)}
    (args.out / "sbc_result.json").write_text(json.dumps(record, indent=2))
    for r in rows:
        print(f"{r['parameter']}: known {r['known']:.4g}, 90 % interval {r['low']:.4g} - {r['high']:.4g} "
              f"({'inside' if r['inside'] else 'OUTSIDE'}), width ratio {r['width_ratio']:.2f}, {r['label']}")
    print(f"{result.run.simulations} simulations, {result.seconds_per_simulation:.1f} s each; "
          f"thresholds {', '.join(f'{e:.3g}' for e in result.run.epsilons)}")
    return 0 if record["all_inside"] else 1


if __name__ == "__main__":
    sys.exit(main())
