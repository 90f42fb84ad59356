"""Parameter sets from the calibration's posterior, for comparisons that carry its uncertainty.

``calibration/posterior.parquet`` holds one row per posterior draw, one column per
parameter named by its dotted scenario key (``parameters.contact_effect.work``) and a
``weight`` column. A comparison with ``--draws K`` runs every scenario at K parameter sets
chosen from it by systematic resampling with a seeded stream: deterministic, and each
draw's chance of being chosen proportional to its weight.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario.loader import InputError

WEIGHT = "weight"
#: Named stream that picks the draws, with the comparison's seed: ``crc32(b"posterior_draws")``.
DRAW_STREAM = zlib.crc32(b"posterior_draws")


def load_draws(path: Path | str) -> pd.DataFrame:
    """The posterior's rows; one line naming the file and what is wrong when it is unusable."""
    path = Path(path)
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, None, f"cannot read the posterior: {exc}") from None
    if WEIGHT not in frame.columns:
        raise InputError(path, WEIGHT, "missing: the posterior needs a weight column")
    weights = frame[WEIGHT].to_numpy(dtype=np.float64)
    if len(frame) == 0 or not np.all(np.isfinite(weights)) or (weights < 0).any() or weights.sum() <= 0:
        raise InputError(path, WEIGHT, "needs at least one row, and finite weights >= 0 with a positive sum")
    return frame.reset_index(drop=True)


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
