"""Replacing the shipped fit only on purpose, and never with a worse one.

A calibration writes into its ``--out`` folder. The fit that scenarios build on
(``calibration/calibrated.yaml``, and ``calibration/posterior.parquet`` next to it) is
replaced only with ``--write``; before that, the shipped layer is scored with the same
objective (same scenario, seed, scale, replications and targets) as the new fit, and a
new fit with a higher loss is refused unless ``--force``. A three-trial test run can thus
no longer overwrite a long fit by accident.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sim.calibration.config import CalibrationConfig, resolve_path
from sim.calibration.objective import Objective
from sim.results import atomic_write_bytes
from sim.scenario.loader import load_scenario

POSTERIOR = "posterior.parquet"


class WorseFitError(Exception):
    """The new fit is worse than the shipped one and ``--force`` was not given."""


@dataclass(frozen=True)
class Decision:
    replace: bool
    new_loss: float
    old_loss: float | None   # None: nothing shipped yet (or it no longer loads)
    message: str


def shipped_values(config: CalibrationConfig, layer: Path) -> dict[str, float] | None:
    """The free parameters' values in the shipped layer (through its ``extends`` chain)."""
    if not Path(layer).exists():
        return None
    scenario, _ = load_scenario(layer)
    data = scenario.model_dump(mode="python")
    return {p.path: float(resolve_path(data, p.path)[1]) for p in config.free}


def decide(objective: Objective, new_loss: float, layer: Path, force: bool) -> Decision:
    """Whether the fit with ``new_loss`` may replace ``layer`` (same objective for both)."""
    values = shipped_values(objective.config, layer)
    if values is None:
        return Decision(True, new_loss, None, f"no fit at {layer} yet")
    old_loss = float(objective(values).loss)
    if new_loss <= old_loss:
        return Decision(True, new_loss, old_loss, f"loss {old_loss:.4g} -> {new_loss:.4g}")
    if force:
        return Decision(True, new_loss, old_loss,
                        f"loss {old_loss:.4g} -> {new_loss:.4g}: worse, replaced because of --force")
    return Decision(False, new_loss, old_loss,
                    f"the new fit is worse than the shipped one (loss {new_loss:.4g} against "
                    f"{old_loss:.4g}); kept {layer}; use --force to replace it anyway")


def replace(layer_text: str, layer: Path, posterior: Path | None = None) -> list[Path]:
    """Write the new layer (and copy the posterior next to it), each atomically."""
    atomic_write_bytes(Path(layer), layer_text.encode("utf-8"))
    written = [Path(layer)]
    if posterior is not None:
        target = Path(layer).parent / POSTERIOR
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(posterior, tmp)
        tmp.replace(target)
        written.append(target)
    return written
