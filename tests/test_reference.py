"""The reference pages are generated from the code and committed current; an unknown key or
name anywhere is met with the closest known one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.names import did_you_mean
from sim.outcomes import OUTCOMES
from sim.reference import PAGES, page
from sim.scenario.keys import known_paths, rows
from sim.scenario.loader import InputError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.mark.parametrize("name", PAGES)
def test_the_committed_page_is_what_the_code_generates(name: str) -> None:
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == page(name), f"docs/{name} is stale: run python -m sim.reference"


def test_every_scenario_key_and_every_outcome_is_on_its_page() -> None:
    keys = (ROOT / "docs" / "SCENARIO_KEYS.md").read_text(encoding="utf-8")
    for row in rows():
        top_block = row.kind == "block" and "." not in row.path
        assert (f"## `{row.path}`" if top_block else f"| `{row.path}` |") in keys
    assert "`policy.portfolio_cap.mode` | one of hard, overflow, hire | hard |" in keys
    outcomes = (ROOT / "docs" / "OUTCOMES.md").read_text(encoding="utf-8")
    for name, outcome in OUTCOMES.items():
        assert f"| `{name}` | {outcome.label} |" in outcomes


def test_every_key_the_baseline_sets_is_a_known_key() -> None:
    scenario, prov = load_scenario(BASELINE)
    known = set(known_paths())
    # year series and lists are leaves of their key
    assert all(p in known or p.rsplit(".", 1)[0] in known for p in prov)


@pytest.mark.parametrize(("written", "meant"), [
    ("policy: {portfolio_cap: {yuoth: 40}}", "policy.portfolio_cap.youth"),
    ("parameters: {contacts: {youth_time_wieght: 1.0}}", "parameters.contacts.youth_time_weight"),
    ("staffing: {youth_advisor: {multiplier: 2}}", "staffing.youth_advisors"),
])
def test_a_misspelt_scenario_key_names_the_key_it_was_meant_to_be(
        tmp_path: Path, written: str, meant: str) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(f"extends: {BASELINE}\nname: typo\n{written}\n")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert f"(did you mean {meant}?)" in str(err.value) and str(path) in str(err.value)


def test_no_suggestion_when_nothing_is_close() -> None:
    assert did_you_mean("zzzz", ["baseline", "cap50_hard"]) == ""
    assert did_you_mean("work_or_educaton_6m", OUTCOMES) == " (did you mean work_or_education_6m?)"
