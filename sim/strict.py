"""The one base of every input file's model: scenario, sweep file, calibration config, targets.

Input files are read strictly because a silently ignored or coerced value makes a run
answer a different question than the one asked: unknown keys are errors, types are not
coerced (``"3"`` is not 3, 1.0 is not true), NaN and infinity are rejected, and a parsed
model cannot be changed afterwards.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Base for every block of an input file: unknown keys are errors, types are strict,
    NaN is rejected, values are frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)
