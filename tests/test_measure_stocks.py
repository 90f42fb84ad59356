"""stock_share and stock_count on a hand-made run, with every youth filter."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_measure_builder import RunBuilder, values

from sim.measure import NotMeasurable
from sim.targets import ATTRIBUTES

DATE = "2021-02-15"  # week 58 of the hand-made calendar


@pytest.fixture(scope="module")
def run():
    b = RunBuilder(n_weeks=160, scale=0.5)
    b.add_youth(1, education="compulsory").register(1, 10, group="standard", benefit="dagpenger")
    b.add_youth(2, sex="male", mental_health=True).register(2, 20, group="spesielt_tilpasset", benefit="aap")
    b.add_youth(3).register(3, 30, group="spesielt_tilpasset").exit(3, 50, "work")
    b.add_youth(4, age_at_week0=16).register(4, 55, group="standard", labour="partly_working")
    b.add_youth(5, age_at_week0=18).ev(40, 5, "ufore_direct")
    b.add_youth(6).register(6, 70, group="standard")
    return b.build()


def test_the_stock_is_youths_in_follow_up_on_the_date(run):
    # In follow-up in week 58: youths 1, 2 and 4 (3 has left for work, 6 not yet come).
    assert values(run, "stock_share", date=DATE, attribute="innsatsgruppe", category="standard") == [2 / 3]
    assert values(run, "stock_share", date=DATE, attribute="benefit", category="aap") == [1 / 3]


def test_counts_are_scaled_to_the_nation(run):
    assert values(run, "stock_count", date=DATE) == [3 / 0.5]
    assert values(run, "stock_count", {"benefit": "aap"}, date=DATE) == [1 / 0.5]


def test_ufore_count_includes_youths_outside_follow_up(run):
    assert values(run, "stock_count", {"benefit": "ufore"}, date=DATE) == [1 / 0.5]
    assert values(run, "stock_count", {"benefit": ["ufore", "aap"]}, date=DATE) == [2 / 0.5]


def test_age_and_age_band_use_age_on_the_date(run):
    # Youth 4 is 17 in week 58, the others 23 or older.
    assert values(run, "stock_count", {"age": [18, 29]}, date=DATE) == [2 / 0.5]
    assert values(run, "stock_count", {"age": [[16, 17], [25, 29]]}, date=DATE) == [1 / 0.5]
    assert values(run, "stock_share", date=DATE, attribute="age_band", category="16-19") == [1 / 3]


def test_registered_months_band_counts_whole_months_of_the_spell(run):
    # Youth 1: 48 weeks = 11 months; youth 2: 38 weeks = 8 months; youth 4: 3 weeks = 0 months.
    band = dict(date=DATE, attribute="registered_months_band")
    assert values(run, "stock_share", category="8-11", **band) == [2 / 3]
    assert values(run, "stock_share", category="0-3", **band) == [1 / 3]


def test_fixed_attributes_and_states_as_filters(run):
    assert values(run, "stock_count", {"sex": "male"}, date=DATE) == [2.0]
    assert values(run, "stock_count", {"education": "compulsory"}, date=DATE) == [2.0]
    assert values(run, "stock_count", {"mental_health": True}, date=DATE) == [2.0]
    assert values(run, "stock_count", {"mental_health": False}, date=DATE) == [4.0]
    assert values(run, "stock_count", {"labour_attachment": "partly_working"}, date=DATE) == [2.0]
    assert values(run, "stock_count", {"innsatsgruppe": ["spesielt_tilpasset", "varig_tilpasset"]},
                  date=DATE) == [2.0]
    assert values(run, "stock_share", {"innsatsgruppe": "standard"}, date=DATE, attribute="sex",
                  category="female") == [1.0]


def test_new_entrant_means_registered_this_year_up_to_the_date(run):
    assert values(run, "stock_count", {"new_entrant": True}, date=DATE) == [2.0]
    assert values(run, "stock_count", {"new_entrant": False}, date=DATE) == [4.0]


def test_empty_population_gives_nan(run):
    (share,) = values(run, "stock_share", {"age": [28, 29]}, date=DATE, attribute="sex", category="male")
    assert share != share


def test_a_date_outside_the_run_is_not_measured(run):
    with pytest.raises(NotMeasurable, match="outside"):
        values(run, "stock_count", date="2030-01-01")


_GROUPS = ["standard", "situasjonsbestemt", "spesielt_tilpasset"]
_BENEFITS = ["none", "aap", "dagpenger"]
_entry = st.tuples(st.integers(0, 30), st.sampled_from(_GROUPS), st.sampled_from(_BENEFITS),
                   st.one_of(st.none(), st.integers(0, 40)), st.integers(16, 29))


@settings(max_examples=40, deadline=None)
@given(st.lists(_entry, min_size=1, max_size=12))
def test_a_distribution_over_all_categories_sums_to_one(youths):
    b = RunBuilder(n_weeks=60)
    for y, (entry, group, benefit, leaves, age) in enumerate(youths):
        b.add_youth(y, age_at_week0=age).register(y, entry, group=group, benefit=benefit)
        if leaves is not None and leaves > entry:
            b.exit(y, leaves, "work")
    run = b.build()
    date = "2020-08-05"  # week 31
    for attribute in ATTRIBUTES:
        shares = [values(run, "stock_share", date=date, attribute=attribute, category=c)[0]
                  for c in ATTRIBUTES[attribute]]
        if any(math.isnan(s) for s in shares):
            assert all(math.isnan(s) for s in shares)  # nobody in follow-up that week
            continue
        assert all(0.0 <= s <= 1.0 for s in shares)
        assert sum(shares) == pytest.approx(1.0), attribute
