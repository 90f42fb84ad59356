"""Each policy lever does what its name promises, from its start date on (numba engine).

Every test pairs a lever with the tiny baseline (same seed: common random numbers) and
checks the mechanism a policy analyst relies on, not just that something changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.run import run_scenario

START = "2023-01-02"


def weekly(result, variable: str, category: str = "") -> pd.Series:
    w = result.weekly
    rows = w[(w["variable"] == variable) & (w["category"] == category)]
    return rows.set_index("week")["value"]


@pytest.fixture(scope="module")
def base(tiny_scenario):
    return run_scenario(tiny_scenario)


@pytest.fixture(scope="module")
def start_week(base):
    return base.calendar.first_week_from(START)


def test_tiltak_places_multiplier_scales_capacity_from_its_start(tiny_with, base, start_week) -> None:
    more = run_scenario(tiny_with({"tiltak": {"places_multiplier": 1.25, "start": START}}))
    cap_base, cap_more = weekly(base, "tiltak_capacity"), weekly(more, "tiltak_capacity")
    before, after = cap_base.index < start_week, cap_base.index >= start_week
    assert (cap_more[before] == cap_base[before]).all()
    ratio = (cap_more[after] / cap_base[after]).to_numpy()
    assert np.allclose(ratio, 1.25, atol=0.05)
    assert (weekly(more, "tiltak_in") <= cap_more).all()
    assert weekly(more, "tiltak_in")[after].mean() > weekly(base, "tiltak_in")[after].mean()


def test_fewer_tiltak_places_lengthen_the_waiting_list(tiny_with, base, start_week) -> None:
    fewer = run_scenario(tiny_with({"tiltak": {"places_multiplier": 0.5, "start": START}}))
    after = weekly(base, "tiltak_waiting").index >= start_week + 13
    assert weekly(fewer, "tiltak_waiting")[after].mean() > 1.5 * weekly(base, "tiltak_waiting")[after].mean()
    # Nobody is put out of a running tiltak: the cut takes hold as spells end, and no one
    # starts while the places in use exceed the new budget.
    in_use, cap = weekly(fewer, "tiltak_in"), weekly(fewer, "tiltak_capacity")
    settled = in_use.index >= start_week + 52
    assert (in_use[settled] <= cap[settled]).all()
    assert (in_use.diff()[(in_use > cap).shift(fill_value=False)] <= 0).all()


def test_ips_capacity_is_respected_and_doubling_fills_more_places(tiny_with, base, start_week) -> None:
    double = run_scenario(tiny_with({"ips": {"capacity_multiplier": 2.0, "start": START}}))
    after = weekly(base, "ips_in").index >= start_week + 26
    assert weekly(double, "ips_in")[after].mean() > weekly(base, "ips_in")[after].mean()


def test_longer_treatment_waits_grow_the_treatment_queue(tiny_with, base, start_week) -> None:
    slow = run_scenario(tiny_with({"health": {"treatment_wait_multiplier": 3.0, "start": START}}))
    after = weekly(base, "treatment_waiting").index >= start_week + 13
    waiting = weekly(slow, "treatment_waiting")[after].mean()
    assert waiting > 1.5 * weekly(base, "treatment_waiting")[after].mean()  # Little: about 3x in the long run


def test_concurrent_treatment_puts_more_youths_in_treatment_and_work(tiny_with, base, start_week) -> None:
    both = run_scenario(tiny_with({"health": {"concurrent_treatment_and_work": True, "start": START}}))
    key = ("stock_activity", "treatment_and_work_activity")
    after = weekly(base, *key).index >= start_week + 13
    assert weekly(both, *key)[after].mean() > weekly(base, *key)[after].mean()


def test_digital_to_meeting_trades_messages_for_meetings(tiny_with, base, start_week) -> None:
    meet = run_scenario(tiny_with({"contacts": {"digital_to_meeting_share": 0.3, "start": START}}))
    after = weekly(base, "contacts", "scheduled_meeting").index >= start_week
    assert weekly(meet, "contacts", "scheduled_meeting")[after].sum() > \
        weekly(base, "contacts", "scheduled_meeting")[after].sum()
    assert weekly(meet, "contacts", "activity_plan")[after].sum() < \
        weekly(base, "contacts", "activity_plan")[after].sum()


def test_staffing_multiplier_changes_the_number_of_youth_advisors(tiny_with, base, start_week) -> None:
    more = run_scenario(tiny_with({"staffing": {"youth_advisors": {"multiplier": 1.5, "start": START}}}))
    n_base, n_more = weekly(base, "advisors", "youth"), weekly(more, "advisors", "youth")
    assert (n_more[n_more.index < start_week] == n_base[n_base.index < start_week]).all()
    after = n_base.index >= start_week
    assert np.allclose(n_more[after] / n_base[after], 1.5, atol=0.1)
    mean_more = weekly(more, "portfolio_mean", "youth")[after].mean()
    assert mean_more < weekly(base, "portfolio_mean", "youth")[after].mean()


def test_ungdomsgaranti_off_means_more_advisor_changes(tiny_with, base) -> None:
    off = run_scenario(tiny_with({"ungdomsgaranti": {"enabled": False}}))
    garanti = base.calendar.first_week_from("2023-07-01")

    def changes(result) -> int:
        ev = result.events
        return int(((ev["kind"] == "advisor") & (ev["value"] == -1) & (ev["week"] >= garanti)).sum())

    assert changes(off) > changes(base)


def _youth_advisor_portfolios(result, start_week: int) -> pd.DataFrame:
    adv = result.advisors
    return adv[(adv["role"] == "youth") & (adv["week"] >= start_week)]


@pytest.mark.parametrize("mode", ["hard", "overflow", "hire"])
def test_a_binding_cap_holds_in_every_mode(mode: str, tiny_with, base, start_week) -> None:
    cap = {"youth": 40, "mode": mode, "start": START}
    capped = run_scenario(tiny_with({"policy": {"portfolio_cap": cap}}))
    held = _youth_advisor_portfolios(capped, start_week)
    assert ((held["portfolio"] <= 40) | (held["youths"] == 0)).all()
    assert (_youth_advisor_portfolios(base, start_week)["portfolio"] > 40).any()  # it binds
    after = weekly(base, "advisor_waiting").index >= start_week
    if mode == "hard":
        assert weekly(capped, "advisor_waiting")[after].mean() > weekly(base, "advisor_waiting")[after].mean()
    if mode == "overflow":
        assert weekly(capped, "youths_per_advisor", "both")[after].mean() > \
            weekly(base, "youths_per_advisor", "both")[after].mean()
    if mode == "hire":
        hired = weekly(capped, "hired_advisors")
        assert hired[after].max() > 0 and hired[~after].max() == 0
        assert capped.advisors[capped.advisors["hired"]]["older"].eq(0).all()
