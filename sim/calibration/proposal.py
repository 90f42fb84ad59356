"""The parameters of trial ``n``: a function of the seed, ``n`` and the trials before it only.

A calibration killed mid-trial must resume to the same trials as an uninterrupted one, and
two workers must give the same trials however their timing falls. Optuna's samplers read
whatever the study holds when they are asked (two workers: whichever trials happen to have
finished) and CMA-ES also mixes the trial number into its random state. So the sampler never
sees the shared study: trial ``n`` is proposed in a private in-memory study holding exactly
the trials numbered below ``n - lag`` (all finished; the caller waits for them), by a
sampler seeded from ``(sampler_seed, n)``. ``lag`` is the number of trials that may run
alongside (workers - 1, fixed when the study is created): with one worker each trial sees
every trial before it; with two, trial ``n`` does not wait for ``n - 1``, which is the price
of running in parallel and is the same in every run.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
from optuna.trial import FrozenTrial

from sim.calibration.config import FreeParameter
from sim.calibration.space import start_values, suggest

#: The system attribute where Optuna keeps the parameters of a queued trial.
FIXED = "fixed_params"


def sampler(kind: str, seed: int, number: int, startup_trials: int, cmaes_sigma: float,
            free: Sequence[FreeParameter]) -> optuna.samplers.BaseSampler:
    """A fresh sampler whose random state depends only on the study's seed and ``number``."""
    state = int(np.random.SeedSequence([seed, number]).generate_state(1)[0])
    if kind == "cmaes":
        # Optuna 4.9 announced that x0 and sigma0 move elsewhere in 6.0 (pinned below 6): a
        # start at the priors is the point of this sampler, so the notice is silenced here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return optuna.samplers.CmaEsSampler(x0=start_values(free), sigma0=cmaes_sigma, seed=state,
                                                n_startup_trials=0, warn_independent_sampling=False)
    return optuna.samplers.TPESampler(seed=state, n_startup_trials=startup_trials)


def propose(before: Sequence[FrozenTrial], the_sampler: optuna.samplers.BaseSampler,
            free: Sequence[FreeParameter], fixed: dict[str, Any] | None = None
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(parameters, sampler's system attributes) of the next trial after ``before``.

    ``fixed`` gives the parameters outright (the prior start, or a trial being re-run); the
    sampler is still asked so that its bookkeeping (CMA-ES's generation and state, kept in
    system attributes) is the same as in a run that was never interrupted.
    """
    memory = optuna.create_study(direction="minimize", sampler=the_sampler)
    memory.add_trials(list(before))
    if fixed is not None:
        memory.enqueue_trial(dict(fixed))
    trial = memory.ask()
    params = suggest(trial, free)
    attrs = {k: v for k, v in memory.get_trials(deepcopy=False)[-1].system_attrs.items() if k != FIXED}
    return params, attrs
