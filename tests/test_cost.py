"""Costs over the measured window, net of savings, on hand-made runs worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import codes
from sim.calendar import Calendar
from sim.cost import payback_weeks
from sim.effects import paired_effects, parameter_share, quantiles
from sim.outcomes import outcomes
from sim.results import RunResult

FIRST_WEEK, N_WEEKS, SCALE = 10, 110, 0.5
UNIT = {"advisor_fte_year": 1_100_000.0, "tiltak_place_month": 0.0, "ips_place_month": 0.0,
        "aap_month": 17_000.0, "sosialhjelp_month": 0.0, "dagpenger_month": 0.0,
        "tiltakspenger_month": 0.0, "ufore_month": 0.0, "kvp_month": 0.0}


def run(advisors_from_60: int, aap_youths: int) -> RunResult:
    """Two advisors all period, ``advisors_from_60`` more from week 60; ``aap_youths`` youths on
    AAP in follow-up from week 60 to the end."""
    rows = [(0, w, a, "youth", False, 40) for w in range(FIRST_WEEK, N_WEEKS) for a in (0, 1)]
    rows += [(0, w, 2 + a, "youth", True, 40) for w in range(60, N_WEEKS) for a in range(advisors_from_60)]
    advisors = pd.DataFrame(rows, columns=["rep", "week", "advisor", "role", "hired", "portfolio"])
    log = []
    for y in range(aap_youths):
        log += [(0, 60, y, "registration", 0, 0), (0, 60, y, "benefit", codes.B_AAP, 0)]
    events = pd.DataFrame(log or [(0, 5, 99, "registration", 0, 0)],
                          columns=["rep", "week", "youth", "kind", "value", "aux"])
    events["kind"] = pd.Categorical(events["kind"], categories=list(codes.EVENT_KIND))
    weekly = pd.DataFrame(columns=["rep", "week", "variable", "category", "value"])
    return RunResult(name="hand", calendar=Calendar(dt.date(2020, 1, 6), FIRST_WEEK, N_WEEKS), scale=SCALE,
                     seeds=[0], events=events, youths=pd.DataFrame(), advisors=advisors, weekly=weekly)


def test_hired_advisors_are_priced_per_year_of_the_measured_window() -> None:
    # 339 advisors hired from the lever's start are 339 FTE over the window from that start,
    # not 339 x (share of the period after the start).
    table = outcomes(run(advisors_from_60=339, aap_youths=0), unit_costs=UNIT, from_week=60)
    assert table.loc[0, "veileder_fte_hired"] == pytest.approx(339 / SCALE)
    assert table.loc[0, "cost_veiledere"] == pytest.approx((2 + 339) / SCALE * 1_100_000)
    fte = sum(table.loc[0, f"veileder_fte_{r}"] for r in codes.ROLE) + table.loc[0, "veileder_fte_hired"]
    assert table.loc[0, "cost_veiledere"] == pytest.approx(fte * 1_100_000)
    whole = outcomes(run(advisors_from_60=339, aap_youths=0), unit_costs=UNIT)
    assert whole.loc[0, "cost_veiledere"] == pytest.approx((2 + 339 * 50 / 100) / SCALE * 1_100_000)


def test_gross_cost_savings_net_and_price_per_person() -> None:
    # Baseline: 3 youths on AAP from week 60; scenario: 1 more advisor and only 1 youth on AAP.
    base = outcomes(run(0, 3), unit_costs=UNIT, from_week=60)
    scen = outcomes(run(1, 1), unit_costs=UNIT, from_week=60)
    effects = paired_effects(base, scen).set_index("outcome")["effect_mean"]
    gross = 1 / SCALE * 1_100_000                   # one FTE per year, national
    savings = 2 / SCALE * 12 * 17_000               # two youths' AAP months per year, national
    assert effects["gross_cost_per_year"] == pytest.approx(gross)
    assert effects["savings_per_year"] == pytest.approx(savings)
    assert effects["net_cost_per_year"] == pytest.approx(gross - savings)
    assert effects["cost_total"] == pytest.approx(gross - savings)


def test_net_cost_per_extra_person_uses_the_mean_gain_and_an_unbounded_interval() -> None:
    zero = [0.0, 0, 0]
    base = pd.DataFrame({"cost_services": zero, "cost_benefits": zero, "cost_total": zero,
                         "work_or_education_12m_persons": [10.0, 10, 10]})
    scen = base + pd.DataFrame({"cost_services": [100.0, 100, 100], "cost_benefits": [0.0, 0, 0],
                                "cost_total": [100.0, 100, 100],
                                "work_or_education_12m_persons": [1.0, 3, 0]})
    row = paired_effects(base, scen).set_index("outcome").loc["net_cost_per_extra_person"]
    assert row["effect_mean"] == pytest.approx(100 / (4 / 3))
    assert row["effect_high"] == np.inf  # one run gains no one


def test_payback_counts_from_the_start_until_savings_stay_ahead() -> None:
    gross = np.full(20, 10.0)
    savings = np.r_[np.zeros(5), np.full(15, 20.0)]
    # Cumulative net: 50 after week 5, then -10 a week: 0 after week 10.
    assert payback_weeks(gross, savings) == 10
    assert payback_weeks(gross, np.full(20, 5.0)) is None        # never repaid in the window
    assert payback_weeks(np.zeros(20), np.full(20, 5.0)) is None  # nothing to repay
    noisy = np.r_[25.0, np.zeros(19)]                              # an early lucky week
    assert payback_weeks(gross, noisy) is None


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40))
def test_quantiles_match_numpy(values: list[float]) -> None:
    assert quantiles(np.array(values)) == pytest.approx(tuple(np.quantile(values, (0.05, 0.95))))


def test_parameter_share_by_the_law_of_total_variance() -> None:
    draw = np.repeat([0, 1, 2, 3], 2)
    assert parameter_share(np.array([1.0, 1, 5, 5, 9, 9, 2, 2]), draw) == 1.0  # no chance at all
    assert parameter_share(np.array([1.0, -1, 1, -1, 1, -1, 1, -1]), draw) == 0.0  # chance only
    assert parameter_share(np.array([1.0, 2, 3]), np.zeros(3)) == 0.0  # the central point alone
    assert np.isnan(parameter_share(np.array([1.0, 2, 3]), np.arange(3)))  # one rep per draw
    # Means 0 and 10, within-draw variance 2: between = 50 - 2/2 = 49, share 49/51.
    assert parameter_share(np.array([-1.0, 1, 9, 11]), np.repeat([0, 1], 2)) == pytest.approx(49 / 51)
