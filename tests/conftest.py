"""Shared fixtures: a tiny, fast version of the baseline scenario.

``tiny_scenario`` is the baseline at scale 0.008 (a few thousand youths, an office in each county, a dozen
youth advisors) over 2022-2024 with a three-year burn-in, so one run covers the pandemic
lay-off wave (in the burn-in) and the ungdomsgaranti from July 2023, in well under a
second with the numba engine and a few seconds with the Mesa engine. ``tiny_with`` lays
overrides over it (a policy lever, a smaller scale, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from sim.scenario.loader import apply_overrides, load_scenario
from sim.scenario.schema import Scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"

#: Overrides that turn the baseline into the tiny scenario.
TINY: dict[str, Any] = {
    "scale": 0.008,
    "replications": 1,
    "period": {"start": "2022-01-01", "end": "2024-12-31"},
    "parameters": {"burn_in_years": 3},
}


@pytest.fixture(scope="session")
def tiny_scenario() -> Scenario:
    scenario, _ = load_scenario(BASELINE, TINY)
    return scenario


@pytest.fixture(scope="session")
def tiny_with(tiny_scenario: Scenario) -> Callable[[Mapping[str, Any]], Scenario]:
    """``tiny_with({"policy": {...}})``: the tiny scenario with ``overrides`` laid over it."""

    def make(overrides: Mapping[str, Any]) -> Scenario:
        return apply_overrides(tiny_scenario, overrides, "test override")

    return make
