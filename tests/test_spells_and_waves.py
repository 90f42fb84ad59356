"""Who leaves soon, who comes back, and when the laid off arrive.

* ``exits.early_mult``: leaving is more likely in a spell's first ``exits.early_weeks``
  (duration dependence), by assessed innsatsgruppe; 1 everywhere changes nothing.
* ``returns.need_mult``: the return hazards by the returner's need.
* ``inputs.layoff_month_weights``: one month profile for every year, or one per year, so a
  wave can start in March 2020 and not in January.
* ``inputs.unemployment_monthly``: months whose unemployment the chance of finding work
  reads instead of the yearly average.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.codes import (
    EV_ASSESSMENT,
    EV_EXIT,
    EV_REGISTRATION,
    EV_RETURN,
    S_OUTSIDE,
    S_WORK,
    SITUASJONSBESTEMT,
    STANDARD,
    VARIG_TILPASSET,
)
from sim.params import build
from sim.run import run_replication
from sim.scenario.loader import InputError

ONES = {"standard": 1.0, "situasjonsbestemt": 1.0, "spesielt_tilpasset": 1.0, "varig_tilpasset": 1.0}


def _spells(out) -> tuple[np.ndarray, np.ndarray]:
    """Completed spells: the innsatsgruppe of the spell's first assessment and its length in
    weeks (arrival to exit)."""
    ev = out.events
    order = np.lexsort((np.arange(len(ev["week"])), ev["week"], ev["youth"]))
    youth, week, kind, value = (ev[k][order] for k in ("youth", "week", "kind", "value"))
    groups, lengths = [], []
    start, group, current = -1, -1, -1
    for y, w, k, v in zip(youth, week, kind, value, strict=True):
        if y != current:
            current, start, group = y, -1, -1
        if k in (EV_REGISTRATION, EV_RETURN):
            start, group = w, -1
        elif k == EV_ASSESSMENT and start >= 0 and group < 0:
            group = v
        elif k == EV_EXIT and start >= 0 and group >= 0:
            groups.append(group)
            lengths.append(w - start)
            start = -1
    return np.asarray(groups), np.asarray(lengths)


def test_early_exits_shorten_the_first_weeks_of_standard_spells_only(tiny_with):
    """With standard spells three times as likely to end in their first 8 weeks, more of
    them end that soon; spells of the other groups keep their share of early ends."""
    early = {"exits": {"early_weeks": 8, "early_mult": {**ONES, "standard": 3.0}}}
    base = tiny_with({"parameters": {"exits": {"early_weeks": 8, "early_mult": ONES}}})
    fast = tiny_with({"parameters": early})
    g0, n0 = _spells(run_replication(base, base.seed)[0])
    g1, n1 = _spells(run_replication(fast, fast.seed)[0])
    soon = lambda g, n, group: float(np.mean(n[g == group] < 8))  # noqa: E731
    assert (g0 == STANDARD).sum() > 200 and (g1 == STANDARD).sum() > 200
    assert soon(g1, n1, STANDARD) > soon(g0, n0, STANDARD) + 0.1
    assert soon(g1, n1, SITUASJONSBESTEMT) == pytest.approx(soon(g0, n0, SITUASJONSBESTEMT), abs=0.05)


def test_early_exits_at_one_change_nothing(tiny_with):
    """``early_mult`` of 1 (the schema's default) leaves the run byte-identical, whatever
    ``early_weeks`` says."""
    a = tiny_with({"parameters": {"exits": {"early_weeks": 0, "early_mult": ONES}}})
    b = tiny_with({"parameters": {"exits": {"early_weeks": 30, "early_mult": ONES}}})
    ev_a, ev_b = run_replication(a, a.seed)[0].events, run_replication(b, b.seed)[0].events
    assert all(np.array_equal(ev_a[k], ev_b[k]) for k in ev_a)


def test_return_hazards_scale_with_the_need_multiplier(tiny_with):
    scenario = tiny_with({"parameters": {"returns": {"need_mult": {**ONES, "standard": 3.0,
                                                                   "varig_tilpasset": 0.5}}}})
    hazard = build(scenario, scenario.seed)[1].return_hazard
    plain = build(tiny_with({}), scenario.seed)[1].return_hazard
    assert np.allclose(hazard[:, S_OUTSIDE, STANDARD], np.minimum(3.0 * plain[:, S_OUTSIDE, STANDARD], 1.0))
    assert np.allclose(hazard[:, S_WORK, VARIG_TILPASSET], 0.5 * plain[:, S_WORK, VARIG_TILPASSET])
    assert np.array_equal(hazard[:, :, SITUASJONSBESTEMT], plain[:, :, SITUASJONSBESTEMT])


def _layoffs(tiny_with, weights, per_year=None):
    scenario = tiny_with({"inputs": {"layoff_inflow_per_year": per_year or {2019: 0, 2020: 120000, 2021: 0},
                                     "layoff_month_weights": weights}})
    _, timeline, _, calendar = build(scenario, scenario.seed)
    months = np.array([calendar.date_of(w).month for w in range(calendar.n_weeks)])
    return timeline.layoff_inflow, months, timeline.year


def test_a_year_of_its_own_puts_the_wave_in_its_months(tiny_with):
    """A profile for 2020 with lay-offs from March only: none in January-February 2020, and
    the year's total is kept to within the months' unequal lengths in weeks (the weights are
    per month, each week of a month gets its month's weight)."""
    profile = [0.0, 0.0, 6.0, 3.0, 1.0, 0.5, 0.5, 0.2, 0.2, 0.2, 0.2, 0.2]
    layoff, months, year = _layoffs(tiny_with, {2020: profile})
    in2020 = year == 2020
    assert layoff[in2020 & (months <= 2)].sum() == 0
    assert layoff[in2020 & (months == 3)].sum() > layoff[in2020 & (months == 5)].sum() > 0
    even, _, _ = _layoffs(tiny_with, [1.0] * 12)
    assert layoff[in2020].sum() == pytest.approx(even[in2020].sum(), rel=0.06)


def test_one_profile_for_all_years_is_the_same_as_listing_it_for_each(tiny_with):
    profile = [1.2, 0.4, 4.0, 2.0, 0.5, 0.3, 0.3, 0.3, 0.3, 0.5, 1.0, 1.2]
    per_year = {2019: 0, 2020: 60000, 2021: 20000, 2022: 0}
    shared, _, year = _layoffs(tiny_with, profile, per_year)
    listed, _, _ = _layoffs(tiny_with, {int(y): profile for y in np.unique(year)}, per_year)
    assert np.array_equal(shared, listed)


def test_a_year_without_lay_off_months_is_refused_naming_it(tiny_with):
    with pytest.raises((InputError, ValidationError)) as info:
        _layoffs(tiny_with, {2020: [0.0] * 12})
    assert "2020" in str(info.value) and "layoff_month_weights" in str(info.value)


def test_monthly_unemployment_is_in_force_in_its_months_only(tiny_with):
    """A month given in ``inputs.unemployment_monthly`` sets the unemployment the chance of
    finding work reads in that month's weeks; the other weeks keep what they had."""
    plain = tiny_with({})
    scenario = tiny_with({"inputs": {"unemployment_monthly": {"2022-04": 7.0, "2023-02": 1.0}}})
    _, timeline, _, calendar = build(scenario, scenario.seed)
    before = build(plain, plain.seed)[1].unemployment
    labels = np.array([calendar.date_of(w).strftime("%Y-%m") for w in range(calendar.n_weeks)])
    assert np.all(timeline.unemployment[labels == "2022-04"] == 7.0)
    assert np.all(timeline.unemployment[labels == "2023-02"] == 1.0)
    assert before[labels == "2022-04"][0] != 7.0
    rest = ~np.isin(labels, ["2022-04", "2023-02"])
    assert np.array_equal(timeline.unemployment[rest], before[rest])


def test_fewer_leave_for_work_in_a_month_of_high_unemployment(tiny_with):
    """April 2022 at 10 % unemployment instead of the year's 1.8 %: fewer exits to work that
    month."""
    def exits_to_work_in_april_2022(months):
        scenario = tiny_with({"inputs": {"unemployment_monthly": months}})
        out, calendar = run_replication(scenario, scenario.seed)
        ev = out.events
        april = [w for w in range(calendar.n_weeks) if calendar.date_of(w).strftime("%Y-%m") == "2022-04"]
        to_work = (ev["kind"] == EV_EXIT) & (ev["value"] == S_WORK)
        return int(np.count_nonzero(to_work & np.isin(ev["week"], april)))

    assert exits_to_work_in_april_2022({"2022-04": 10.0}) < 0.8 * exits_to_work_in_april_2022({})


def test_a_month_that_is_not_a_month_is_refused(tiny_with):
    with pytest.raises((InputError, ValidationError)) as info:
        tiny_with({"inputs": {"unemployment_monthly": {"2020-4": 10.0}}})
    assert "unemployment_monthly" in str(info.value) and "2020-4" in str(info.value)


@pytest.mark.parametrize("monthly", ["absent", "empty"])
def test_inputs_without_monthly_unemployment_load(tiny_scenario, monthly):
    """A scenario written before monthly unemployment existed, or with none, loads: the
    yearly averages are then in force in every month."""
    from sim.scenario.schema import Scenario

    data = tiny_scenario.model_dump()
    if monthly == "absent":
        del data["inputs"]["unemployment_monthly"]
    else:
        data["inputs"]["unemployment_monthly"] = {}
    scenario = Scenario.model_validate(data)
    assert scenario.inputs.unemployment_monthly == {}
    _, timeline, _, _ = build(scenario, scenario.seed)
    assert len(np.unique(timeline.unemployment[timeline.year == 2020])) == 1


@pytest.mark.parametrize("key", ["exits", "returns"])
def test_a_negative_multiplier_is_refused(tiny_with, key):
    """A negative multiplier would make a hazard negative: refused, naming the key."""
    name = "early_mult" if key == "exits" else "need_mult"
    with pytest.raises((InputError, ValidationError)) as info:
        tiny_with({"parameters": {key: {name: {**ONES, "standard": -0.5}}}})
    assert name in str(info.value) and "standard" in str(info.value)
