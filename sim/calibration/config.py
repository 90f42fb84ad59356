"""The calibration config: settings and free parameters, checked strictly against the scenario.

``calibration/config.yaml`` names each free parameter by its dotted scenario path and gives
bounds, a prior and the evidence it rests on. A typo in a path would otherwise calibrate
nothing, and bounds the schema rejects would fail only mid-study, so everything is checked
up front: unknown keys, paths that do not lead to a number, ``low >= high``, priors or the
scenario's own value outside the bounds, and bounds the scenario schema refuses. Every
problem is a one-line :class:`InputError` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from sim.names import did_you_mean
from sim.scenario.loader import InputError, apply_overrides, entry_key, validate_file
from sim.scenario.schema import MAX_SCALE, Date, Scenario
from sim.strict import Strict

#: Top-level scenario blocks a free parameter may live in: behaviour and, if needed, inputs.
FREE_ROOTS = ("parameters", "inputs")
_PRIOR_TAGS = ("uniform", "normal", "lognormal")


class Settings(Strict):
    """How each trial runs. Every trial uses the same seed: common random numbers make
    trials differ only by their parameters, not by noise."""

    scale: Annotated[float, Field(gt=0.0, le=MAX_SCALE)]
    replications: Annotated[int, Field(ge=1)]
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = None
    period_end: Date | None = None
    sampler_seed: Annotated[int, Field(ge=0, lt=2**32)]
    startup_trials: Annotated[int, Field(ge=1)] = 10
    #: ``tpe`` explores the whole box; ``cmaes`` searches locally from the scenario's values
    #: (the priors), with step ``cmaes_sigma`` as a share of each parameter's range.
    sampler: Literal["tpe", "cmaes"] = "tpe"
    cmaes_sigma: Annotated[float, Field(gt=0.0, le=1.0)] = 0.1
    prior_weight: Annotated[float, Field(ge=0.0)]
    study_name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")]


class UniformPrior(Strict):
    dist: Literal["uniform"]


class NormalPrior(Strict):
    dist: Literal["normal"]
    mean: float | None = Field(default=None, description="default: the scenario's value")
    sd: Annotated[float, Field(gt=0.0)]


class LognormalPrior(Strict):
    dist: Literal["lognormal"]
    median: Annotated[float, Field(gt=0.0)] | None = Field(
        default=None, description="default: the scenario's value")
    sigma: Annotated[float, Field(gt=0.0)] = Field(description="standard deviation of the log")


PriorSpec = Annotated[UniformPrior | NormalPrior | LognormalPrior, Field(discriminator="dist")]


class FreeSpec(Strict):
    bounds: list[float] = Field(min_length=2, max_length=2)
    prior: PriorSpec
    log: bool = False
    evidence: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] | None = None
    note: str = ""


class PosteriorSettings(Strict):
    """How the ABC-SMC posterior runs (``navsim calibrate --posterior``).

    ``population``: accepted parameter sets per generation (the size of the ensemble);
    ``generations``: ABC-SMC generations, each with a tighter acceptance threshold;
    ``min_epsilon``: stop early once the threshold (the root of the validation loss) is
    this small; ``seed``: the sampler's random stream. Every simulation draws its own
    model seed from that stream, so chance is part of what ABC accounts for.
    """

    population: Annotated[int, Field(ge=2)] = 100
    generations: Annotated[int, Field(ge=1)] = 6
    min_epsilon: Annotated[float, Field(ge=0.0)] = 0.0
    seed: Annotated[int, Field(ge=0, lt=2**32)] = 20240702


class ConfigFile(Strict):
    settings: Settings
    posterior: PosteriorSettings = PosteriorSettings()
    free: dict[str, FreeSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Prior:
    """A prior on the parameter's natural scale (``normal``) or on its log (``lognormal``)."""

    dist: Literal["uniform", "normal", "lognormal"]
    center: float = 0.0   # mean, or median for lognormal
    spread: float = 1.0   # sd, or sigma of the log for lognormal

    def z(self, value: float) -> float:
        """Standardised distance from the prior's centre (0 for a uniform prior)."""
        if self.dist == "normal":
            return (value - self.center) / self.spread
        if self.dist == "lognormal":
            return (math.log(value) - math.log(self.center)) / self.spread
        return 0.0

    def describe(self) -> str:
        if self.dist == "normal":
            return f"normal({self.center:.4g}, sd {self.spread:.3g})"
        if self.dist == "lognormal":
            return f"lognormal(median {self.center:.4g}, sigma {self.spread:.3g})"
        return "uniform"


@dataclass(frozen=True)
class FreeParameter:
    """One free parameter, resolved against the scenario."""

    path: str                       # dotted path as written in the config
    keys: tuple[str | int, ...]     # the actual keys in the scenario mapping (years are ints)
    low: float
    high: float
    log: bool
    integer: bool
    prior: Prior
    start: float                    # where the search starts: the scenario's value unless --start
    evidence: str | None
    note: str
    value: float = math.nan         # the scenario's value (the prior parameter set)


@dataclass(frozen=True)
class CalibrationConfig:
    path: Path
    settings: Settings
    free: tuple[FreeParameter, ...]
    posterior: PosteriorSettings = PosteriorSettings()
    start: Path | None = None       # the layer the search starts from (None: the scenario)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.free]


def _key(path: str, *rest: Any) -> str:
    return entry_key("free", path, *rest)


def _parse(path: Path) -> ConfigFile:
    return validate_file(path, ConfigFile, table="free", expected="settings: and free:",
                         schema="sim/calibration/config.py", tags=_PRIOR_TAGS)


def resolve_path(data: Mapping, dotted: str) -> tuple[tuple[str | int, ...], Any]:
    """Follow ``dotted`` through the scenario mapping; year keys like ``2018`` become ints.

    Raises ``KeyError`` with the first segment that does not exist.
    """
    keys: list[str | int] = []
    node: Any = data
    for segment in dotted.split("."):
        if not isinstance(node, Mapping):
            raise KeyError(f"{'.'.join(map(str, keys))} is not a mapping, cannot go to {segment!r}")
        if segment in node:
            key: str | int = segment
        elif segment.lstrip("-").isdigit() and int(segment) in node:
            key = int(segment)
        else:
            where = ".".join(map(str, keys)) or "the top level"
            raise KeyError(f"no key {segment!r} under {where} in the scenario"
                           f"{did_you_mean(segment, map(str, node))}")
        keys.append(key)
        node = node[key]
    return tuple(keys), node


def nested(keys: tuple[str | int, ...], value: Any) -> dict:
    """``('a', 'b'), 1`` -> ``{'a': {'b': 1}}``."""
    out: Any = value
    for key in reversed(keys):
        out = {key: out}
    return out


def _resolve_one(file: Path, path: str, spec: FreeSpec, data: Mapping, base: Scenario) -> FreeParameter:
    if path.split(".")[0] not in FREE_ROOTS:
        raise InputError(file, _key(path), f"free parameters must lie under {' or '.join(FREE_ROOTS)}")
    try:
        keys, value = resolve_path(data, path)
    except KeyError as exc:
        raise InputError(file, _key(path), exc.args[0]) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a mapping" if isinstance(value, Mapping) else type(value).__name__
        raise InputError(file, _key(path), f"must lead to a number in the scenario, not {kind}")
    integer = isinstance(value, int)
    low, high = spec.bounds
    if not low < high:
        raise InputError(file, _key(path, "bounds"), f"low ({low:g}) must be below high ({high:g})")
    if integer and not (float(low).is_integer() and float(high).is_integer()):
        raise InputError(file, _key(path, "bounds"), "the parameter is a whole number; bounds must be too")
    if (spec.log or spec.prior.dist == "lognormal") and low <= 0:
        raise InputError(file, _key(path, "bounds"), "a log scale or lognormal prior needs low > 0")
    if not low <= value <= high:
        raise InputError(file, _key(path, "bounds"),
                         f"the scenario's value {value:g} lies outside [{low:g}, {high:g}]")
    for bound in (low, high):
        try:
            apply_overrides(base, nested(keys, int(bound) if integer else float(bound)), "bound")
        except InputError as exc:
            raise InputError(file, _key(path, "bounds"),
                             f"{bound:g} is not accepted by the scenario schema: {exc.message}") from None
    prior = _prior(file, path, spec, float(value), low, high)
    return FreeParameter(path=path, keys=keys, low=float(low), high=float(high), log=spec.log,
                         integer=integer, prior=prior, start=float(value), value=float(value),
                         evidence=spec.evidence,
                         note=spec.note.strip())


def _prior(file: Path, path: str, spec: FreeSpec, value: float, low: float, high: float) -> Prior:
    p = spec.prior
    if isinstance(p, UniformPrior):
        return Prior("uniform")
    if isinstance(p, NormalPrior):
        prior = Prior("normal", value if p.mean is None else p.mean, p.sd)
        name = "mean"
    else:
        prior = Prior("lognormal", value if p.median is None else p.median, p.sigma)
        name = "median"
    if not low <= prior.center <= high:
        raise InputError(file, _key(path, "prior", name),
                         f"{prior.center:g} lies outside the bounds [{low:g}, {high:g}]")
    return prior


def load_config(path: str | Path, base: Scenario) -> CalibrationConfig:
    """Read and check the calibration config against the scenario it will calibrate."""
    path = Path(path)
    parsed = _parse(path)
    s = parsed.settings
    if s.period_end is not None and s.period_end <= base.period.start:
        raise InputError(path, "settings.period_end",
                         f"must be after the scenario's period start {base.period.start}")
    data = base.model_dump(mode="python")
    free = tuple(_resolve_one(path, p, spec, data, base) for p, spec in parsed.free.items())
    return CalibrationConfig(path=path, settings=s, free=free, posterior=parsed.posterior)


def start_from(config: CalibrationConfig, layer: Path, layer_scenario: Scenario) -> CalibrationConfig:
    """The same free parameters and priors, with the search starting at ``layer``'s values.

    A calibration in stages continues from the last stage's fit (``--start
    calibration/calibrated.yaml``) while its priors stay centred on the prior scenario's
    values, so the prior penalty still measures distance from the priors, not from the fit.
    """
    data = layer_scenario.model_dump(mode="python")
    moved = []
    for p in config.free:
        value = float(resolve_path(data, p.path)[1])
        if not p.low <= value <= p.high:
            raise InputError(layer, p.path, f"the starting value {value:g} lies outside the "
                             f"config's bounds [{p.low:g}, {p.high:g}]")
        moved.append(dataclasses.replace(p, start=value))
    return dataclasses.replace(config, free=tuple(moved), start=Path(layer))


def trial_settings(config: CalibrationConfig, base: Scenario, reps: int | None, scale: float | None
                   ) -> dict[str, Any]:
    """Scenario overrides that every trial shares: scale, replications, seed, period end."""
    s = config.settings
    out: dict[str, Any] = {
        "scale": float(scale if scale is not None else s.scale),
        "replications": int(reps if reps is not None else s.replications),
        "seed": int(s.seed if s.seed is not None else base.seed),
    }
    if s.period_end is not None:
        out["period"] = {"end": s.period_end}
    return out


def evidence_warnings(config: CalibrationConfig, evidence_ids: set[str]) -> list[str]:
    """Evidence names not found in the targets file: worth a warning, not an error, because
    any targets file may be calibrated against and evidence only documents the priors."""
    return [f"{config.path}: {_key(p.path, 'evidence')}: {p.evidence!r} is not an evidence entry "
            f"of the targets file{did_you_mean(p.evidence, evidence_ids)}"
            for p in config.free if p.evidence and p.evidence not in evidence_ids]
