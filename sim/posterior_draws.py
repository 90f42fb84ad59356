"""Parameter sets from the calibration's posterior, for comparisons that carry its uncertainty.

``calibration/posterior.parquet`` holds one row per posterior draw, one column per
parameter named by its dotted scenario key (``parameters.contact_effect.work``) and a
``weight`` column. A comparison with ``--draws K`` runs every scenario at K parameter sets
chosen from it by systematic resampling with a seeded stream: deterministic, and each
draw's chance of being chosen proportional to its weight.

``navsim compare``, ``sweep`` and ``validate`` choose their draws with :func:`chosen_draws`
and seed their runs with :func:`run_seed`: replication ``r`` of draw ``k`` gets the seed
``rep_seed(seed, k * R + r)`` with ``R`` replications per draw. So the same ``--seed``,
``--draws`` and ``--reps`` give the same parameter sets and the same random numbers in all
three commands, and with the central point alone (one draw) replication ``r`` has the seed
``rep_seed(seed, r)`` of ``navsim run``.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.results import atomic_write_bytes
from sim.rng import rep_seed
from sim.scenario.loader import InputError

#: Named stream that picks the draws, with the comparison's seed: ``crc32(b"posterior_draws")``.
DRAW_STREAM = zlib.crc32(b"posterior_draws")

WEIGHT = "weight"
#: Posterior draws of ``--draws`` when a posterior ships, and replications per draw then.
DEFAULT_DRAWS = 20
DEFAULT_REPS_PER_DRAW = 2


def write(frame: pd.DataFrame, path: Path) -> None:
    """Write the posterior table atomically (parquet, no index)."""
    check(frame, path)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    atomic_write_bytes(Path(path), buffer.getvalue())


def read(path: Path | str) -> pd.DataFrame:
    """The posterior's rows, checked; one line naming the file and what is wrong otherwise."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, None, "file not found")
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, None, f"cannot read the posterior: {exc}") from None
    check(frame, path)
    return frame.reset_index(drop=True)


def check(frame: pd.DataFrame, path: Path | None = None) -> None:
    """A posterior table: a ``weight`` column of non-negative weights with a positive sum,
    at least one parameter column, every value finite."""
    if WEIGHT not in frame.columns:
        raise InputError(path, WEIGHT, "the posterior has no weight column")
    if len(frame.columns) < 2 or frame.empty:
        raise InputError(path, None, "the posterior has no draws or no parameter columns")
    values = frame.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise InputError(path, None, "the posterior holds values that are not finite")
    w = frame[WEIGHT].to_numpy(dtype=float)
    if (w < 0).any() or not w.sum() > 0:
        raise InputError(path, WEIGHT, "weights must be non-negative with a positive sum")


#: The posterior's rows, checked: what a comparison's ``--draws`` resample.
load_draws = read


def choose_draws(frame: pd.DataFrame, k: int, seed: int) -> pd.DataFrame:
    """``k`` rows by systematic resampling on the weights (one uniform from a seeded stream)."""
    weights = frame[WEIGHT].to_numpy(dtype=np.float64)
    cumulative = np.cumsum(weights / weights.sum())
    u = (np.random.default_rng([seed, DRAW_STREAM]).random() + np.arange(k)) / k
    rows = np.minimum(np.searchsorted(cumulative, u, side="right"), len(frame) - 1)
    return frame.iloc[rows].reset_index(drop=True)


def draw_overrides(row: pd.Series) -> dict[str, Any]:
    """A draw's parameters as nested scenario overrides (``a.b.c: v`` -> ``{a: {b: {c: v}}}``)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == WEIGHT:
            continue
        node = out
        *parents, leaf = str(key).split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value.item() if hasattr(value, "item") else value
    return out


def posterior_file() -> Path:
    """The shipped posterior, ``calibration/posterior.parquet``."""
    from sim.paths import project_file

    return project_file(Path("calibration") / "posterior.parquet")


def chosen_draws(k: int | None, seed: int) -> pd.DataFrame | None:
    """``k`` draws of the shipped posterior (default :data:`DEFAULT_DRAWS`), chosen with the
    command's seed; None without a posterior file or with ``k`` 0: the central point."""
    path = posterior_file()
    if k == 0 or not path.exists():
        return None
    return choose_draws(load_draws(path), DEFAULT_DRAWS if k is None else k, seed)


def run_seed(seed: int, draw: int, rep: int, reps: int) -> int:
    """Seed of replication ``rep`` of draw ``draw`` when every draw runs ``reps`` replications.

    Runs are numbered ``draw * reps + rep``, so every run of a study meets fresh chance, and
    run ``(k, r)`` of two scenarios (or two points, or a control and its treated run) share
    their random numbers: common random numbers within a draw.
    """
    if not 0 <= rep < reps or draw < 0:
        raise ValueError(f"replication {rep} of draw {draw} with {reps} replications per draw")
    return rep_seed(seed, draw * reps + rep)


def draw_seeds(seed: int, draw: int, reps: int) -> list[int]:
    """The seeds of draw ``draw``'s ``reps`` replications (:func:`run_seed`)."""
    return [run_seed(seed, draw, r, reps) for r in range(reps)]
