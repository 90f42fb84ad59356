"""The posterior by ABC-SMC (pyabc): a weighted ensemble of parameter sets that fit the targets.

Why ABC-SMC: navsim is a stochastic simulator without a likelihood, its targets are a mix
of shares, counts and experiment effects each with a tolerance, and a calibration must
resume after a kill and spread over local processes or a Dask cluster. pyabc gives all
of that (sequential Monte Carlo with adaptive thresholds, a SQLite history that a run
continues from, samplers for processes and for Dask), so no sampler is written here.

The pieces:

* the prior of each free parameter of ``calibration/config.yaml`` becomes a pyabc random
  variable on the parameter's search scale (the log for ``log: true`` or lognormal priors),
  truncated to the bounds: a proposal outside them has prior density 0 and is never run;
* one simulation = :class:`~sim.calibration.objective.Objective` at a seed drawn from the
  sampler's random stream, summarised by one statistic, the validation loss (weighted mean
  of capped squared tolerance-normalised errors, :func:`sim.validate.loss`); the distance
  to the observed data is its square root, so a threshold of 1 means "on average within
  tolerance";
* generation 0 takes the prior sample as is (threshold infinity); each later generation
  accepts only simulations with a distance below the median of the previous one;
* the run lives in ``<out>/abc.db``: every finished generation is stored, a run started
  again with the same ``--out`` continues from the last one (a generation cut by a kill
  is sampled again).
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.config import CalibrationConfig, FreeParameter
from sim.calibration.objective import Objective

DATABASE = "abc.db"
#: The one summary statistic: the validation loss of a simulation (0 = every target hit).
STATISTIC = "loss"
#: Model seeds drawn for simulations lie below this.
_SEED_LIMIT = 2**31 - 1


def on_log_scale(p: FreeParameter) -> bool:
    """Hazards and other parameters spanning an order of magnitude are sampled on the log."""
    return p.log or p.prior.dist == "lognormal"


def abc_name(p: FreeParameter) -> str:
    """A parameter name pyabc stores safely (its parameters are attribute-like names)."""
    return "p_" + p.path.replace(".", "__")


def prior_variable(p: FreeParameter) -> Any:
    """The prior of ``p`` as a pyabc random variable on its search scale, within its bounds."""
    import pyabc

    low, high = (math.log(p.low), math.log(p.high)) if on_log_scale(p) else (p.low, p.high)
    if p.prior.dist == "uniform":
        return pyabc.RV("uniform", low, high - low)
    centre = math.log(p.prior.center) if p.prior.dist == "lognormal" else p.prior.center
    if p.prior.dist == "normal" and on_log_scale(p):
        # a normal prior on a parameter searched on the log: its sd as a relative spread
        centre, spread = math.log(p.prior.center), p.prior.spread / p.prior.center
    else:
        spread = p.prior.spread
    a, b = (low - centre) / spread, (high - centre) / spread
    return pyabc.RV("truncnorm", a, b, loc=centre, scale=spread)


def prior_distribution(config: CalibrationConfig) -> Any:
    import pyabc

    return pyabc.Distribution(**{abc_name(p): prior_variable(p) for p in config.free})


def to_values(config: CalibrationConfig, particle: Mapping[str, float]) -> dict[str, float]:
    """A pyabc particle (search scale) -> free-parameter values on the scenario's scale."""
    out: dict[str, float] = {}
    for p in config.free:
        x = float(particle[abc_name(p)])
        value = math.exp(x) if on_log_scale(p) else x
        value = min(max(value, p.low), p.high)   # exp/log round-off at a bound
        out[p.path] = float(round(value)) if p.integer else value
    return out


@dataclass
class Simulator:
    """The pyabc model: parameters -> {``loss``}. Picklable, so it runs in worker
    processes and on Dask workers alike."""

    objective: Objective

    def __call__(self, particle: Mapping[str, float]) -> dict[str, float]:
        values = to_values(self.objective.config, particle)
        seed = int(np.random.randint(0, _SEED_LIMIT))
        outcome = self.objective(values, seed=seed)
        loss = float(outcome.loss)
        return {STATISTIC: loss if math.isfinite(loss) else float("inf")}


def distance(simulated: Mapping[str, float], observed: Mapping[str, float]) -> float:
    """Root of the validation loss: 1 means the targets are missed by one tolerance on average."""
    return math.sqrt(max(float(simulated[STATISTIC]) - float(observed[STATISTIC]), 0.0))


def database_url(out: Path) -> str:
    return "sqlite:///" + str((Path(out) / DATABASE).resolve())


@contextlib.contextmanager
def sampler_for(workers: int, dask: str | None, quiet: bool = True) -> Iterator[Any]:
    """The pyabc sampler for the options ``--workers`` and ``--dask`` mean everywhere.

    No ``--dask``: one process, or ``workers`` forked processes (pyabc's multicore sampler,
    which inherits the compiled engine). ``--dask ADDRESS|local``: the same executor as
    ``navsim sweep --dask`` (:func:`sim.sweep.execute.executor_for`), with as many
    simulations in flight as there are workers.
    """
    from pyabc.sampler import ConcurrentFutureSampler, MulticoreEvalParallelSampler, SingleCoreSampler

    if dask is None:
        if workers <= 1:
            yield SingleCoreSampler()
        else:
            yield MulticoreEvalParallelSampler(n_procs=workers)
        return
    from sim.sweep.execute import executor_for

    with executor_for(workers, dask, quiet=quiet) as executor:
        cores = workers
        client = getattr(executor, "_client", None)
        if client is not None:
            cores = max(1, len(client.scheduler_info().get("workers", {})))
        # default_pickle: pyabc pickles the simulation once with cloudpickle and submits a
        # module-level function (submitting its own closure fails to pickle the sampler).
        yield ConcurrentFutureSampler(executor, client_max_jobs=cores, default_pickle=True)


@dataclass
class RunInfo:
    generations: int          # generations stored in the database
    new_generations: int      # sampled by this call
    simulations: int          # simulations over the whole run
    new_simulations: int      # simulations of this call
    epsilons: list[float]     # acceptance threshold per generation
    populations: pd.DataFrame  # pyabc's table: t, epsilon, samples, particles, ...


def run(objective: Objective, out: Path, *, population: int, generations: int, workers: int = 1,
        dask: str | None = None, min_epsilon: float = 0.0, seed: int = 0, quiet: bool = True) -> RunInfo:
    """Run (or continue) the ABC-SMC in ``out/abc.db`` until it has ``generations`` generations."""
    import logging

    import pyabc

    for name in ("ABC", "Epsilon", "Distance", "Acceptor", "Sampler", "History", "Data_plot", "Redis-Server"):
        logging.getLogger(f"ABC.{name}" if name != "ABC" else "ABC").setLevel(
            logging.INFO if not quiet else logging.WARNING)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    config = objective.config
    url = database_url(out)
    existing = (out / DATABASE).exists() and _stored_generations(url) > 0
    if (out / DATABASE).exists() and not existing:
        (out / DATABASE).unlink()   # killed before its first generation was stored: nothing to keep
    np.random.seed(seed % 2**32)
    with sampler_for(workers, dask, quiet=quiet) as sampler:
        abc = pyabc.ABCSMC(Simulator(objective), prior_distribution(config), distance,
                           population_size=population, sampler=sampler,
                           eps=pyabc.QuantileEpsilon(initial_epsilon=math.inf, alpha=0.5))
        if existing:
            history = abc.load(url, 1)
            np.random.seed((seed + 7919 * (history.max_t + 1)) % 2**32)  # do not replay generation 0's draws
        else:
            history = abc.new(url, {STATISTIC: 0.0})
        before = history.max_t + 1
        sims_before = int(history.total_nr_simulations) if existing else 0
        remaining = generations - before
        if remaining > 0:
            with warnings.catch_warnings():
                # pyabc compares each threshold with the previous one; generation 0's is infinite
                warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
                history = abc.run(minimum_epsilon=min_epsilon, max_nr_populations=remaining)
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0]
    return RunInfo(generations=history.max_t + 1, new_generations=max(0, history.max_t + 1 - before),
                   simulations=int(history.total_nr_simulations),
                   new_simulations=int(history.total_nr_simulations) - sims_before,
                   epsilons=[float(e) for e in populations["epsilon"]], populations=populations)


def _stored_generations(url: str) -> int:
    import pyabc

    try:
        history = pyabc.History(url, create=False)
        history.id = 1
        return history.max_t + 1
    except Exception:  # noqa: BLE001 - an empty or foreign file: start afresh is not safe, so 0
        return 0


def posterior_frame(config: CalibrationConfig, out: Path, t: int | None = None) -> pd.DataFrame:
    """The last (or ``t``-th) generation as the posterior table: one row per draw, one column
    per free parameter (dotted scenario path, the scenario's scale) and ``weight`` (sums to 1)."""
    import pyabc

    history = pyabc.History(database_url(out), create=False)
    history.id = 1
    frame, weights = history.get_distribution(m=0, t=t)
    rows = [to_values(config, row) for row in frame.to_dict("records")]
    table = pd.DataFrame(rows, columns=config.paths)
    w = np.asarray(weights, dtype=float)
    table["weight"] = w / w.sum()
    return table.reset_index(drop=True)
