"""Kinds of tiltak: places by kind, the ``tiltak.mix`` lever, lock-in and post-programme
effects, and tiltakspenger only where the kind gives the right (numba engine, tiny scenario)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import rules
from sim.codes import B_TILTAKSPENGER, Q_IN, Q_NONE, Q_WAITING, TILTAK_TYPE
from sim.params import _split_places
from sim.run import run_scenario
from sim.scenario.loader import InputError

START = "2023-01-02"
TRAINING = {"lonnstilskudd": 0.1, "opplaering": 0.7, "arbeidstrening": 0.1, "oppfolging": 0.1}


def by_kind(result, variable: str = "tiltak_in_type") -> pd.DataFrame:
    w = result.weekly
    rows = w[w["variable"] == variable]
    return rows.pivot(index="week", columns="category", values="value")[list(TILTAK_TYPE)]


def weekly(result, variable: str) -> pd.Series:
    w = result.weekly
    return w[(w["variable"] == variable) & (w["category"] == "")].set_index("week")["value"]


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=30),
       st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4).filter(lambda v: sum(v) > 0))
def test_places_by_kind_sum_to_the_budget_and_follow_the_mix(totals, weights) -> None:
    total = np.array(totals, dtype=np.float64)
    mix = np.tile(np.array(weights) / sum(weights), (len(totals), 1))
    split = _split_places(total, mix)
    assert (split >= 0).all()
    assert (split.sum(axis=1) == total).all()
    assert np.all(np.abs(split - mix * total[:, None]) <= 1.0)


@pytest.fixture(scope="module")
def base(tiny_scenario):
    return run_scenario(tiny_scenario)


@pytest.fixture(scope="module")
def training(tiny_with):
    return run_scenario(tiny_with({"tiltak": {"mix": TRAINING, "start": START}}))


def test_no_kind_holds_more_youths_than_its_places(base) -> None:
    held, cap = by_kind(base), weekly(base, "tiltak_capacity")
    assert (held.sum(axis=1) == weekly(base, "tiltak_in")).all()
    assert (held.sum(axis=1) <= cap).all()
    # every kind is used at today's mix
    assert (held.mean() > 0).all()


def test_the_mix_lever_moves_places_between_kinds_from_its_start(base, training) -> None:
    start = training.calendar.first_week_from(START)
    before_b, before_t = by_kind(base).loc[:start - 1], by_kind(training).loc[:start - 1]
    pd.testing.assert_frame_equal(before_b, before_t)
    late = by_kind(training).index >= start + 52
    share = by_kind(training)[late].sum() / by_kind(training)[late].sum().sum()
    share_base = by_kind(base)[late].sum() / by_kind(base)[late].sum().sum()
    assert share["opplaering"] > share_base["opplaering"] + 0.2
    assert share["arbeidstrening"] < share_base["arbeidstrening"]


def test_todays_mix_as_a_lever_changes_nothing(tiny_scenario, tiny_with, base) -> None:
    today = {k: t.place_share for k, t in tiny_scenario.parameters.tiltak.types.items()}
    same = run_scenario(tiny_with({"tiltak": {"mix": today, "start": START}}))
    pd.testing.assert_frame_equal(same.weekly, base.weekly)
    pd.testing.assert_frame_equal(same.events, base.events)


def test_a_wage_subsidy_never_gives_tiltakspenger(tiny_with) -> None:
    """Only wage subsidies: nobody starts tiltakspenger when starting a tiltak."""
    only_wage = {"lonnstilskudd": 1.0, "opplaering": 0.0, "arbeidstrening": 0.0, "oppfolging": 0.0}
    run = run_scenario(tiny_with({"tiltak": {"mix": only_wage, "start": START}}))
    ev = run.events
    start = run.calendar.first_week_from(START)
    # from the lever's start every free place is a wage subsidy
    late = ev[ev["week"] >= start]
    started = late[(late["kind"] == "tiltak") & (late["value"] == Q_IN)]
    assert len(started) > 50
    assert not ((late["kind"] == "benefit") & (late["value"] == B_TILTAKSPENGER)).any()
    before = ev[(ev["week"] < start) & (ev["kind"] == "benefit")]
    assert (before["value"] == B_TILTAKSPENGER).any()  # as there were before


def test_lock_in_while_in_and_the_post_programme_effect_after() -> None:
    lock_in, post_work, post_education = (0.9, 0.6, 0.8, 0.9), (1.3, 1.2, 1.0, 1.0), (1.0, 1.0, 1.15, 1.0)
    assert rules.tiltak_exit_mults(Q_IN, 1, -1, 100, lock_in, post_work, post_education, 52) == (0.6, 0.6)
    assert rules.tiltak_exit_mults(Q_NONE, 0, 90, 100, lock_in, post_work, post_education, 52) == (1.3, 1.0)
    assert rules.tiltak_exit_mults(Q_NONE, 2, 90, 100, lock_in, post_work, post_education, 52) == (1.0, 1.15)
    assert rules.tiltak_exit_mults(Q_NONE, 0, 40, 100, lock_in, post_work, post_education, 52) == (1.0, 1.0)
    assert rules.tiltak_exit_mults(Q_NONE, 0, -1, 100, lock_in, post_work, post_education, 52) == (1.0, 1.0)


def test_referrals_go_only_to_kinds_that_suit_and_have_places() -> None:
    suits, mix = (1.0, 0.0, 1.0, 1.0), (0.5, 0.5, 0.0, 0.5)
    kinds = {rules.tiltak_kind(suits, mix, u) for u in np.linspace(0.0, 0.999, 200)}
    assert kinds == {0, 3}


def test_a_mix_that_does_not_sum_to_one_is_refused(tiny_with) -> None:
    with pytest.raises(InputError, match="sum to 1.2"):
        tiny_with({"tiltak": {"mix": {**TRAINING, "opplaering": 0.9}, "start": START}})


def test_after_a_tiltak_the_referral_waits_for_the_post_programme_weeks() -> None:
    """The after-tiltak multiplier acts in the post weeks only, never before a first tiltak."""
    mults = (1.0, 1.0, 1.0, 1.0, 1.0, 0.25)

    def hazard(weeks_since_tiltak: int) -> float:
        return rules.tiltak_referral_hazard(0.04, Q_NONE, 0, 0, 100, False, 0.0, mults, 22, 0.0,
                                            weeks_since_tiltak, 52)

    assert hazard(-1) == pytest.approx(0.04)
    assert hazard(0) == hazard(51) == pytest.approx(0.01)
    assert hazard(52) == pytest.approx(0.04)


def test_no_new_referral_in_the_post_weeks_when_the_multiplier_is_zero(tiny_with) -> None:
    """With mult_after_tiltak 0 no youth is referred again within post_weeks of a tiltak's
    end in the same spell; with 1 some are."""
    def gaps(run) -> pd.Series:
        ev = run.events
        ev = ev[ev["kind"].isin(["tiltak", "return"])].sort_values(["youth", "week"], kind="stable")
        is_tiltak = ev["kind"] == "tiltak"
        before = is_tiltak & (ev["value"] == Q_IN)
        prev_in = before.groupby(ev["youth"]).shift(1, fill_value=False)
        ended = is_tiltak & (ev["value"] == Q_NONE) & prev_in   # a spell in tiltak ended
        last_end = ev["week"].where(ended).groupby(ev["youth"]).ffill()
        last_return = ev["week"].where(ev["kind"] == "return").groupby(ev["youth"]).ffill().fillna(-1)
        referred = is_tiltak & (ev["value"] == Q_WAITING) & (last_end > last_return)
        return (ev["week"] - last_end)[referred]

    post = 52
    none = run_scenario(tiny_with({"parameters": {"tiltak": {"mult_after_tiltak": 0.0, "post_weeks": post}}}))
    some = run_scenario(tiny_with({"parameters": {"tiltak": {"mult_after_tiltak": 1.0, "post_weeks": post}}}))
    assert len(gaps(some)) > 20 and (gaps(some) < post).any()
    assert len(gaps(none)) > 0 and (gaps(none) >= post).all()


def test_the_room_for_new_starts_is_per_kind_and_never_above_the_whole_budget() -> None:
    from sim.processes import places
    from sim.processes.decision import python

    room = python(places.tiltak_room)
    free = [0, 0, 0, 0]
    # kinds 0 and 2 have room (2 + 1), kind 1 is over its share after a cut
    assert room([5, 3, 4, 2], 14, [3, 5, 3, 2], free) == 1   # only 1 place free in all
    assert free == [2, -2, 1, 0]
    assert room([5, 3, 4, 2], 20, [3, 5, 3, 2], free) == 3   # the kinds' room decides
