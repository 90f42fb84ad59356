"""The business cycle and the drift of entrants' need: who registers, week by week.

The cycle moves the regular inflow and its mix with unemployment, and the returns from the
statuses in ``returns.follow_cycle``; the drift moves only the mix. Both at zero leave the
inflow exactly as ``inputs.inflow_per_year`` and the need shares give it.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.codes import (
    EV_RETURN,
    S_EDUCATION,
    S_FOLLOW_UP,
    S_OUTSIDE,
    S_WORK,
    SITUASJONSBESTEMT,
    SPESIELT_TILPASSET,
    STANDARD,
    VARIG_TILPASSET,
)
from sim.params import build
from sim.run import run_replication

ZERO = {"standard": 0.0, "situasjonsbestemt": 0.0, "spesielt_tilpasset": 0.0, "varig_tilpasset": 0.0}


def _mix(cdf: np.ndarray) -> np.ndarray:
    return np.diff(np.concatenate([np.zeros((len(cdf), 1)), cdf], axis=1), axis=1)


def _built(tiny_with, cycle=None, drift=None, follow_cycle=()):
    pop = {"cycle_elasticity": {**ZERO, **(cycle or {})},
           "need_drift": {"per_year": {**ZERO, **(drift or {})}, "from_year": 2018, "to_year": 2023}}
    scenario = tiny_with({"parameters": {"population": pop,
                                         "returns": {"follow_cycle": list(follow_cycle)}}})
    params, timeline, _, calendar = build(scenario, scenario.seed)
    return params, timeline, calendar


def _weeks(calendar, year: int) -> list[int]:
    return list(calendar.weeks_of_year(year))


def test_without_cycle_or_drift_the_mix_is_the_need_shares_in_every_week(tiny_with):
    params, timeline, _ = _built(tiny_with)
    shares = np.asarray(tiny_with({}).parameters.population.need_shares.as_list())
    assert np.allclose(_mix(params.need_cdf), shares / shares.sum())


def test_standard_registrations_rise_with_unemployment(tiny_with):
    """2020 (5.0 % unemployed) against 2019 (2.2 %): more entrants, more of them standard."""
    flat, flat_t, calendar = _built(tiny_with)
    cyc, cyc_t, _ = _built(tiny_with, cycle={"standard": 1.5})
    mix = _mix(cyc.need_cdf)
    w19, w20 = _weeks(calendar, 2019), _weeks(calendar, 2020)
    assert min(w19) >= 0     # the tiny run's burn-in starts in 2019
    assert mix[w20, STANDARD].mean() > mix[w19, STANDARD].mean() + 0.05
    assert cyc_t.inflow[w20].sum() > 1.2 * flat_t.inflow[w20].sum()
    # The mid-year placement: January 2020 is still close to 2019's level.
    assert mix[w20[0], STANDARD] < mix[w20[26], STANDARD]


def test_the_drift_shifts_the_mix_toward_higher_need_but_not_the_inflow(tiny_with):
    flat, flat_t, calendar = _built(tiny_with)
    drift, drift_t, _ = _built(tiny_with, drift={"spesielt_tilpasset": 0.05})
    mix = _mix(drift.need_cdf)
    assert np.array_equal(drift_t.inflow, flat_t.inflow)
    w19, w23, w24 = _weeks(calendar, 2019), _weeks(calendar, 2023), _weeks(calendar, 2024)
    ratio = (mix[w23[0], SPESIELT_TILPASSET] / mix[w23[0], SITUASJONSBESTEMT]) / (
        mix[w19[0], SPESIELT_TILPASSET] / mix[w19[0], SITUASJONSBESTEMT])
    assert ratio == pytest.approx(np.exp(0.05 * 4))
    assert np.allclose(mix[w24[0]], mix[w23[0]])    # held after to_year


def test_a_drift_ending_before_it_starts_is_refused(tiny_with):
    from pydantic import ValidationError

    from sim.scenario.loader import InputError
    with pytest.raises((InputError, ValidationError)) as info:
        tiny_with({"parameters": {"population": {"need_drift": {"from_year": 2023, "to_year": 2018}}}})
    assert "to_year" in str(info.value)


def test_returns_follow_the_cycle_of_the_returners_need_only_where_asked(tiny_with):
    """Returns from work follow unemployment to the power of the returner's need group's
    elasticity; returns from education, and every return without ``follow_cycle``, keep
    the weekly hazard of ``returns.weekly`` in every week."""
    flat, flat_t, calendar = _built(tiny_with, cycle={"standard": 1.5})
    cyc, cyc_t, _ = _built(tiny_with, cycle={"standard": 1.5}, follow_cycle=["work"])
    weekly = tiny_with({}).parameters.returns.weekly
    assert np.all(flat_t.return_hazard[:, S_WORK, :] == weekly["work"])
    assert np.all(flat_t.return_hazard[:, S_FOLLOW_UP, :] == 0.0)   # nobody returns from follow-up
    hazard = cyc_t.return_hazard
    assert np.all(hazard[:, S_EDUCATION, :] == weekly["education"])
    assert np.all(hazard[:, S_OUTSIDE, :] == weekly["outside"])
    # Need groups with no elasticity return as before; standard returns follow the cycle.
    assert np.all(hazard[:, S_WORK, VARIG_TILPASSET] == weekly["work"])
    w19, w20 = _weeks(calendar, 2019), _weeks(calendar, 2020)
    assert hazard[w20[26], S_WORK, STANDARD] > 1.5 * hazard[w19[26], S_WORK, STANDARD]
    week = w20[26]
    u = np.interp(week, [w19[26], w20[26]], [2.2, 5.0])  # mid-year placement, as registrations
    reference = tiny_with({}).parameters.exits.unemployment_reference
    assert hazard[week, S_WORK, STANDARD] == pytest.approx(weekly["work"] * (u / reference) ** 1.5, rel=0.02)


def test_returns_from_work_rise_in_the_wave_when_they_follow_the_cycle(tiny_with):
    """In a run whose returns from work follow the cycle, more youths come back from work in
    2020 (5.0 % unemployed) than in 2019 (2.2 %), and more than in 2020 without it."""

    def returns_from_work(follow_cycle):
        scenario = tiny_with({"parameters": {
            "population": {"cycle_elasticity": {**ZERO, "standard": 2.0}},
            "returns": {"follow_cycle": follow_cycle}}})
        out, calendar = run_replication(scenario, scenario.seed)
        ev = out.events
        back = (ev["kind"] == EV_RETURN) & (ev["value"] == S_WORK)
        return [int(np.count_nonzero(back & np.isin(ev["week"], list(calendar.weeks_of_year(y)))))
                for y in (2019, 2020)]

    flat19, flat20 = returns_from_work([])
    cyc19, cyc20 = returns_from_work(["work"])
    assert cyc20 > 1.3 * cyc19
    assert cyc20 > flat20
