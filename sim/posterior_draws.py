"""Parameter sets from the calibration's posterior, for comparisons that carry its uncertainty.

``calibration/posterior.parquet`` holds one row per posterior draw, one column per
parameter named by its dotted scenario key (``parameters.contact_effect.work``) and a
``weight`` column. A comparison with ``--draws K`` runs every scenario at K parameter sets
chosen from it by systematic resampling with a seeded stream: deterministic, and each
draw's chance of being chosen proportional to its weight.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.results import atomic_write_bytes
from sim.scenario.loader import InputError

#: Named stream that picks the draws, with the comparison's seed: ``crc32(b"posterior_draws")``.
DRAW_STREAM = zlib.crc32(b"posterior_draws")

WEIGHT = "weight"


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
