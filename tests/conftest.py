"""Shared fixtures: a tiny, fast version of the baseline scenario, and the central
parameter set for every command unless a test gives a posterior.

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


@pytest.fixture(autouse=True)
def _central_point_unless_a_test_gives_a_posterior(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    """With the shipped posterior, ``compare`` and ``sweep`` run 20 parameter draws by
    default; a test of something else runs the central point, and a test of the draws
    points ``posterior_file`` at its own small posterior."""
    import sim.posterior_draws

    missing = tmp_path_factory.getbasetemp() / "no-posterior.parquet"
    monkeypatch.setattr(sim.posterior_draws, "posterior_file", lambda: missing)
