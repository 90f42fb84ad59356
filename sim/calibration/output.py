"""Writing the calibrated layer: the best values as a scenario file that extends the priors.

The file holds only the free parameters, so ``priors -> calibrated -> baseline`` changes
nothing else; its ``extends`` is relative to where it is written, so the tree can move.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from sim.calibration.config import CalibrationConfig
from sim.calibration.space import round_value, to_overrides
from sim.report import percent
from sim.results import atomic_write_bytes


def relative_extends(write: Path, scenario: Path) -> str:
    """Path of ``scenario`` as seen from the directory of ``write`` (forward slashes)."""
    rel = os.path.relpath(Path(scenario).resolve(), Path(write).resolve().parent)
    return Path(rel).as_posix()


def display_path(path: Path | list[Path]) -> str:
    """A path for humans and headers: relative to the working directory when inside it
    (several paths joined with commas)."""
    if isinstance(path, list):
        return ", ".join(display_path(p) for p in path)
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name if path.is_absolute() else path.as_posix()


def rounded(config: CalibrationConfig, values: Mapping[str, float]) -> dict[str, float | int]:
    return {p.path: round_value(float(values[p.path]), p.integer) for p in config.free}


def calibrated_text(config: CalibrationConfig, values: Mapping[str, float], write: Path,
                    scenario: Path, header: Sequence[str]) -> str:
    """The calibrated YAML: a comment header, ``extends``, ``name`` and the nested values."""
    body = {"extends": relative_extends(write, scenario), "name": "calibrated"}
    body.update(to_overrides(config.free, rounded(config, values)))
    lines = [f"# {line}".rstrip() for line in header]
    return "\n".join(lines) + "\n" + yaml.safe_dump(body, sort_keys=False, default_flow_style=False,
                                                    allow_unicode=True, width=100)


def header_lines(*, targets: Path | list[Path],
                 config: Path, trials: int, best_number: int, best: Mapping[str, float],
                 prior: Mapping[str, float] | None, scale: float, reps: int, report: Path,
                 start: Path | None = None) -> list[str]:
    """The header: when, against what, and how good, so the file explains itself."""
    def fit(d: Mapping[str, float]) -> str:
        return f"loss {d['loss']:.4g}, {percent(d['pass_share'])} of targets pass"

    lines = [
        "Fitted parameters, laid over the priors. Written by `navsim calibrate` on "
        f"{dt.date.today().isoformat()}.",
        f"Targets: {display_path(targets)}; free parameters and priors: {display_path(config)}.",
        f"{trials} finished trials at scale {scale:g} with {reps} replication(s); "
        f"best is trial {best_number}: {fit(best)}.",
    ]
    if prior is not None:
        lines.append(f"With the prior parameters: {fit(prior)}." if start is None else
                     f"The search started from {display_path(start)}: {fit(prior)} there.")
    lines.append(f"Fit report: {display_path(report)}. Keys not listed keep their prior values.")
    return lines


def write_calibrated(path: Path, text: str) -> None:
    atomic_write_bytes(Path(path), text.encode("utf-8"))
