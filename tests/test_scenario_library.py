"""The policy scenarios load, and each turns exactly its lever relative to the baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.changes import scenario_changes
from sim.scenario.loader import load_scenario, scenario_to_jsonable

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

#: File -> the resolved keys it must change (with their values) relative to the baseline.
LIBRARY: dict[str, dict[str, object]] = {
    "ungdomsgaranti_off": {"ungdomsgaranti.enabled": False},
    "cap50_hard": {"policy.portfolio_cap.youth": 50, "policy.portfolio_cap.start": "2025-01-01"},
    "cap50_overflow": {"policy.portfolio_cap.youth": 50, "policy.portfolio_cap.mode": "overflow",
                       "policy.portfolio_cap.start": "2025-01-01"},
    "cap50_hire": {"policy.portfolio_cap.youth": 50, "policy.portfolio_cap.mode": "hire",
                   "policy.portfolio_cap.start": "2025-01-01"},
    "tiltak_plus25": {"tiltak.places_multiplier": 1.25, "tiltak.start": "2025-01-01"},
    "ips_double": {"ips.capacity_multiplier": 2.0, "ips.start": "2025-01-01"},
    "concurrent_treatment": {"health.concurrent_treatment_and_work": True, "health.start": "2025-01-01"},
    "more_meetings": {"contacts.digital_to_meeting_share": 0.3, "contacts.start": "2025-01-01"},
    "cap_never_binds": {"policy.portfolio_cap.youth": 100000, "policy.portfolio_cap.start": "2025-01-01"},
    "assessment_accurate": {"assessment.under_assessment_multiplier": 0.5, "assessment.start": "2025-01-01"},
    "fixed_contact_person": {"contact_person.churn_multiplier": 0.4, "contact_person.start": "2025-01-01"},
    "ungdomsgaranti_contact_person_only": {"ungdomsgaranti.parts.youth_advisors": False,
                                           "ungdomsgaranti.parts.priority": False},
    "cap50_target_group_average": {"policy.portfolio_cap.youth": 50,
                                   "policy.portfolio_cap.counts": "target_group",
                                   "policy.portfolio_cap.over": "office",
                                   "policy.portfolio_cap.mode": "hire",
                                   "policy.portfolio_cap.on_start": "keep",
                                   "policy.portfolio_cap.start": "2025-01-01"},
    "tiltak_mix_training": {"tiltak.mix.lonnstilskudd": 0.25, "tiltak.mix.opplaering": 0.40,
                            "tiltak.mix.arbeidstrening": 0.15, "tiltak.mix.oppfolging": 0.20,
                            "tiltak.start": "2025-01-01"},
    "assessment_faster": {"assessment.speed_multiplier": 2.0, "assessment.start": "2025-01-01"},
    "more_youth_advisors": {"staffing.youth_advisors.multiplier": 1.2,
                            "staffing.youth_advisors.start": "2025-01-01"},
    "shorter_treatment_wait": {"health.treatment_wait_multiplier": 0.5, "health.start": "2025-01-01"},
}


@pytest.fixture(scope="module")
def baseline() -> dict:
    scenario, _ = load_scenario(SCENARIOS / "baseline.yaml")
    return scenario_to_jsonable(scenario)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_scenario_loads_and_changes_only_its_lever(name: str, baseline: dict) -> None:
    path = SCENARIOS / f"{name}.yaml"
    scenario, provenance = load_scenario(path)
    assert scenario.name == name
    assert scenario.description.strip(), "a scenario says in words what it changes"
    changes = {c.key: c.after for c in scenario_changes(baseline, scenario_to_jsonable(scenario))}
    assert changes == LIBRARY[name]
    for key in LIBRARY[name]:
        assert provenance[key] == str(path)  # set by the scenario file itself, not inherited


def test_every_scenario_file_is_covered() -> None:
    files = {p.stem for p in SCENARIOS.glob("*.yaml")} - {"baseline", "priors"}
    assert set(LIBRARY) == files


def test_scenarios_are_commented_with_their_lever() -> None:
    for name in LIBRARY:
        text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
        assert text.startswith("# Lever:"), name
        assert "extends: baseline.yaml" in text, name


@pytest.mark.parametrize("name", ["baseline", *sorted(LIBRARY)])
def test_scenario_runs(name: str) -> None:
    """Every library scenario runs (small and short) and writes sensible tables."""
    from sim.run import run_scenario

    small = {"scale": 0.004, "period": {"start": "2024-01-01", "end": "2025-12-31"},
             "parameters": {"burn_in_years": 2}}
    scenario, _ = load_scenario(SCENARIOS / f"{name}.yaml", small)
    result = run_scenario(scenario)
    weekly = result.weekly
    follow_up = weekly[(weekly["variable"] == "stock_status") & (weekly["category"] == "follow_up")]
    assert (follow_up["value"] > 0).all()
    assert (weekly["value"] >= 0).all()
    assert {"registration", "exit", "contact"} <= set(result.events["kind"].astype(str))
