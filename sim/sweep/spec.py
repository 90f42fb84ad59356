"""The sweep file: which scenario, which keys vary and how, checked before anything runs.

A sweep of a few hundred runs that stops at point 97 on a misspelt key, or on a value the
scenario schema refuses, wastes the hour before it. So every parameter path is followed
through the resolved scenario, every grid value and both bounds of a range are laid over
the scenario and validated by its schema, and every outcome name is checked, up front.
Each problem is one :class:`~sim.scenario.loader.InputError` naming the file and the key,
e.g. ``sweeps/cap.yaml: parameters[policy.portfolio_cap.youth].values[2]: ...``.

Paths are relative to the sweep file (as ``extends`` in scenarios is), so a sweep file
works from any working directory.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from sim.calibration.config import nested, resolve_path
from sim.calibration.space import deep_merge
from sim.names import did_you_mean
from sim.scenario.loader import InputError, apply_overrides, entry_key, load_scenario, validate_file
from sim.scenario.schema import MAX_SCALE, Date, Scenario
from sim.strict import Strict

Design = Literal["grid", "sobol", "morris"]

#: Outcomes a sweep reports when its file names none: the comparison's key outcomes.
DEFAULT_OUTCOMES = (
    "work_or_education_12m",
    "work_or_education_6m",
    "days_in_work_2y",
    "tiltak_share_of_weeks",
    "contacts_per_month_all",
    "weeks_to_first_contact",
    "weeks_waiting_veileder",
    "portefolje_mean_youth",
)


class ParameterSpec(Strict):
    """One varied scenario key: ``values`` for a grid, ``bounds`` for sobol and morris."""

    values: list[Any] | None = Field(default=None, min_length=1)
    bounds: list[float] | None = Field(default=None, min_length=2, max_length=2)


class SweepFile(Strict):
    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")]
    description: str = ""
    scenario: Annotated[str, Field(min_length=1)] = Field(
        description="scenario file, relative to the sweep file")
    design: Design
    samples: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="sobol: base samples N (a power of 2); morris: trajectories")
    levels: Annotated[int, Field(ge=2)] = Field(default=4, description="morris: grid levels")
    design_seed: Annotated[int, Field(ge=0, lt=2**32)] = Field(
        default=0, description="seed of the sobol scrambling or the morris trajectories")
    replications: Annotated[int, Field(ge=1)] = 2
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = None
    scale: Annotated[float, Field(gt=0.0, le=MAX_SCALE)] | None = None
    period_end: Date | None = None
    measure_from: Date | None = Field(
        default=None, description="outcomes are measured from this date (default: period start)")
    outcomes: list[str] | None = Field(default=None, min_length=1)
    parameters: dict[str, ParameterSpec] = Field(min_length=1)


@dataclass(frozen=True)
class SweepParameter:
    """A varied key, resolved against the scenario."""

    path: str                        # dotted path as written in the sweep file
    keys: tuple[str | int, ...]      # the keys in the scenario mapping (year keys are ints)
    values: tuple[Any, ...] | None   # grid
    low: float | None                # sobol, morris
    high: float | None
    integer: bool                    # sampled values are rounded to whole numbers

    def override(self, value: Any) -> dict:
        return nested(self.keys, value)

    def cast(self, value: Any) -> Any:
        """A sampled value as the scenario takes it (whole numbers for integer keys)."""
        if self.values is not None:
            return value
        return int(round(float(value))) if self.integer else float(value)


@dataclass(frozen=True)
class Sweep:
    """A checked sweep: the base scenario (with the sweep's seed, scale and period) and the
    parameters, ready to make the scenario of any point."""

    file: Path
    name: str
    description: str
    scenario_file: Path
    design: Design
    samples: int | None
    levels: int
    design_seed: int
    replications: int
    base: Scenario
    measure_from: dt.date | None
    outcomes: tuple[str, ...]
    parameters: tuple[SweepParameter, ...]
    #: Posterior parameter sets as scenario overrides; each point runs ``replications`` at each
    #: (empty: the central point alone).
    draws: tuple[dict[str, Any], ...] = ()

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.parameters]

    def overrides(self, values: Mapping[str, Any]) -> dict:
        out: dict = {}
        for p in self.parameters:
            deep_merge(out, p.override(p.cast(values[p.path])))
        return out

    def scenario_at(self, values: Mapping[str, Any]) -> Scenario:
        """The base scenario with the point's values laid over it."""
        return apply_overrides(self.base, self.overrides(values), f"{self.file} (sweep point)")


def _key(path: str, *rest: Any) -> str:
    return entry_key("parameters", path, *rest)


def _parse(path: Path) -> SweepFile:
    return validate_file(path, SweepFile, table="parameters",
                         expected="scenario:, design: and parameters:", schema="sim/sweep/spec.py")


def _check_design(file: Path, spec: SweepFile) -> None:
    wanted = "values" if spec.design == "grid" else "bounds"
    for path, p in spec.parameters.items():
        given = p.values if wanted == "values" else p.bounds
        other = p.bounds if wanted == "values" else p.values
        if given is None:
            raise InputError(file, _key(path), f"design {spec.design} needs {wanted}: for every parameter")
        if other is not None:
            raise InputError(file, _key(path, "bounds" if wanted == "values" else "values"),
                             f"not used by design {spec.design}; give only {wanted}")
    if spec.design == "grid":
        if spec.samples is not None:
            raise InputError(file, "samples", "not used by design grid (the values make the points)")
        return
    if spec.samples is None:
        raise InputError(file, "samples", f"design {spec.design} needs samples:")
    if spec.design == "sobol" and spec.samples & (spec.samples - 1):
        raise InputError(file, "samples", f"sobol needs a power of 2 (got {spec.samples}), "
                         "for the balance of its sequence")
    if spec.design == "sobol" and len(spec.parameters) < 2:
        raise InputError(file, "parameters", "sobol indices need at least two parameters")


def _check_outcomes(file: Path, names: list[str]) -> tuple[str, ...]:
    from sim.outcomes import OUTCOMES

    for i, name in enumerate(names):
        if name not in OUTCOMES:
            raise InputError(file, f"outcomes[{i}]", f"unknown outcome {name!r}"
                             f"{did_you_mean(name, OUTCOMES)} (docs/OUTCOMES.md lists them)")
    if len(set(names)) != len(names):
        raise InputError(file, "outcomes", "an outcome is named twice")
    return tuple(names)


def _accepted(file: Path, base: Scenario, keys: tuple, value: Any, key: str) -> None:
    try:
        apply_overrides(base, nested(keys, value), "sweep")
    except InputError as exc:
        raise InputError(file, key,
                         f"{value!r} is not accepted by the scenario schema: {exc.message}") from None


def _resolve(file: Path, path: str, spec: ParameterSpec, data: Mapping, base: Scenario) -> SweepParameter:
    if path.split(".")[0] in ("name", "extends", "description", "seed", "replications", "scale", "engine"):
        raise InputError(file, _key(path), "not a model key; set seed, scale and replications at the "
                         "top of the sweep file")
    try:
        keys, value = resolve_path(data, path)
    except KeyError as exc:
        raise InputError(file, _key(path), exc.args[0]) from None
    if isinstance(value, Mapping):
        raise InputError(file, _key(path), "leads to a mapping; name one of its keys")
    if spec.values is not None:
        for i, v in enumerate(spec.values):
            _accepted(file, base, keys, v, _key(path, "values", i))
        if len({repr(v) for v in spec.values}) != len(spec.values):
            raise InputError(file, _key(path, "values"), "a value is given twice")
        return SweepParameter(path, keys, tuple(spec.values), None, None, False)
    assert spec.bounds is not None
    if isinstance(value, bool) or not (value is None or isinstance(value, int | float)):
        raise InputError(file, _key(path), f"bounds need a number here, and the scenario has {value!r}")
    low, high = spec.bounds
    if not low < high:
        raise InputError(file, _key(path, "bounds"), f"low ({low:g}) must be below high ({high:g})")
    integer = isinstance(value, int) or (value is None and all(float(b).is_integer() for b in (low, high)))
    if integer and not all(float(b).is_integer() for b in (low, high)):
        raise InputError(file, _key(path, "bounds"), "the key is a whole number; bounds must be too")
    for bound in (low, high):
        _accepted(file, base, keys, int(bound) if integer else float(bound), _key(path, "bounds"))
    return SweepParameter(path, keys, None, float(low), float(high), integer)


#: Most points a design may have, and most runs (points x replications) a sweep may ask
#: for: far beyond any study that finishes, and small enough to plan in memory at once. A
#: larger number is a typo (an extra zero, 2**30 samples), refused before anything is drawn.
MAX_POINTS = 100_000
MAX_RUNS = 1_000_000


def _check_size(file: Path, spec: SweepFile, params: tuple[SweepParameter, ...], reps: int) -> None:
    """Refuse a design too large to draw or run, naming the key that makes it so."""
    d = len(params)
    if spec.design == "grid":
        points, key = math.prod(len(p.values or ()) for p in params), "parameters"
    elif spec.design == "sobol":
        points, key = (spec.samples or 0) * (d + 2), "samples"
    else:
        points, key = (spec.samples or 0) * (d + 1), "samples"
    if points > MAX_POINTS:
        raise InputError(file, key, f"the {spec.design} design has {points:,} points, more than "
                         f"{MAX_POINTS:,}; make it smaller")
    if points * reps > MAX_RUNS:
        raise InputError(file, "replications", f"{points:,} points x {reps:,} replications = "
                         f"{points * reps:,} runs, more than {MAX_RUNS:,}; use fewer replications")


def load_sweep(path: str | Path, *, reps: int | None = None, seed: int | None = None,
               scale: float | None = None) -> Sweep:
    """Read and check a sweep file; ``reps``, ``seed`` and ``scale`` (the command line) win."""
    file = Path(path)
    spec = _parse(file)
    _check_design(file, spec)
    scenario_file = file.parent / spec.scenario  # an absolute path stays as it is
    over: dict[str, Any] = {}
    for key, value in (("seed", seed if seed is not None else spec.seed),
                       ("scale", scale if scale is not None else spec.scale)):
        if value is not None:
            over[key] = value
    if spec.period_end is not None:
        over["period"] = {"end": spec.period_end}
    try:
        base, _ = load_scenario(scenario_file, over)
    except InputError as exc:
        if spec.period_end is not None and (exc.key or "").startswith("period"):
            # The sweep's period_end made the period wrong: blame it, not the scenario file.
            raise InputError(file, "period_end", f"{spec.period_end}: {exc.message}") from None
        raise
    if spec.measure_from is not None and not base.period.start <= spec.measure_from < base.period.end:
        raise InputError(file, "measure_from", f"must lie in the period {base.period.start} to "
                         f"{base.period.end}")
    data = base.model_dump(mode="python")
    params = tuple(_resolve(file, p, s, data, base) for p, s in spec.parameters.items())
    if spec.design == "grid":
        points = math.prod(len(p.values or ()) for p in params)
        if points < 2:
            raise InputError(file, "parameters", "a grid needs at least two points")
    _check_size(file, spec, params, int(reps if reps is not None else spec.replications))
    return Sweep(
        file=file, name=spec.name, description=spec.description.strip(), scenario_file=scenario_file,
        design=spec.design, samples=spec.samples, levels=spec.levels, design_seed=spec.design_seed,
        replications=int(reps if reps is not None else spec.replications), base=base,
        measure_from=spec.measure_from,
        outcomes=_check_outcomes(file, spec.outcomes or list(DEFAULT_OUTCOMES)), parameters=params)


def short_names(paths: list[str]) -> dict[str, str]:
    """Each dotted path's shortest tail that no other path ends with: the parameters'
    names in printed tables and figures (``portfolio_cap.youth``, not the whole path)."""
    out = {}
    for path in paths:
        parts = path.split(".")
        for n in range(1, len(parts) + 1):
            tail = ".".join(parts[-n:])
            if not any(o != path and (o == tail or o.endswith("." + tail)) for o in paths):
                break
        out[path] = tail
    return out
