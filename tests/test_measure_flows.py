"""transition_share and return_share on hand-made histories."""

from __future__ import annotations

import pytest
from test_measure_builder import RunBuilder, values

from sim.measure import NotMeasurable

# 2021 month starts in the hand-made calendar: weeks 52, 56, 60, 65, 69, 73, 78, 82, 87, 91, 95, 100.
# Six months = 26 weeks; three months = 13 weeks.


def _run(n_weeks: int = 160):
    b = RunBuilder(n_weeks=n_weeks)
    for y in range(1, 7):
        b.add_youth(y)
    b.register(1, 0, group="situasjonsbestemt")  # in follow-up throughout: 12 risk months, no outcome
    b.register(2, 0).exit(2, 80, "work")  # 7 risk months (52-78); 6 in work 26 weeks later
    b.register(3, 0).exit(3, 60, "education").register(3, 90, returning_from="education")
    # 3: risk months 52, 56 (in education 26 weeks later) and 91, 95, 100 (back in follow-up)
    b.register(4, 0).exit(4, 55, "work").register(4, 60, returning_from="work").exit(4, 70, "work")
    b.register(5, 0, group="spesielt_tilpasset").exit(5, 100, "work_and_education")
    b.register(5, 105, returning_from="work_and_education").exit(5, 110, "outside")
    b.register(6, 0).exit(6, 70, "outside")
    return b.build()


@pytest.fixture(scope="module")
def run():
    return _run()


def test_transition_to_work_or_education(run):
    # Risk months (in follow-up at the month start) and their status 26 weeks later:
    # 1: 12 months, always in follow-up.            2: 52-78 (7); all but 52 -> 78 in work.
    # 3: 52, 56 (-> education), 91, 95, 100 (5).   4: 52, 60, 65, 69 (4), all -> work.
    # 5: 52-95 (11); 78 -> 104 work_and_education, 87, 91, 95 -> outside.
    # 6: 52-69 (5), all -> outside.
    risk = 12 + 7 + 5 + 4 + 11 + 5
    assert values(run, "transition_share", year=2021, horizon_months=6,
                  outcome="work_or_education") == [pytest.approx((6 + 2 + 4 + 1) / risk)]
    assert values(run, "transition_share", year=2021, horizon_months=6,
                  outcome="work") == [pytest.approx((6 + 4 + 1) / risk)]
    assert values(run, "transition_share", year=2021, horizon_months=6,
                  outcome="work_only") == [pytest.approx((6 + 4) / risk)]
    assert values(run, "transition_share", year=2021, horizon_months=6,
                  outcome="education_only") == [pytest.approx(2 / risk)]
    assert values(run, "transition_share", year=2021, horizon_months=6,
                  outcome="outside") == [pytest.approx((3 + 5) / risk)]


def test_transition_filters_at_the_month_start(run):
    assert values(run, "transition_share", {"innsatsgruppe": "situasjonsbestemt"}, year=2021,
                  horizon_months=6, outcome="work_or_education") == [0.0]


def test_pooled_years_are_one_measurement(run):
    # 2020: all six youths are in follow-up at all 12 month starts (weeks 0-47); 26 weeks
    # later (26-73) youth 3 is in education at 60, 65, 69, 73 and youth 4 in work at 56, 73.
    single = values(run, "transition_share", year=2020, horizon_months=6, outcome="work_or_education")
    assert single == [pytest.approx(6 / 72)]
    pooled = values(run, "transition_share", year=[2020, 2021], horizon_months=6, outcome="work_or_education")
    assert pooled == [pytest.approx((6 + 13) / (72 + 44))]


def test_transition_needs_the_whole_horizon_in_the_run():
    with pytest.raises(NotMeasurable):
        values(_run(n_weeks=120), "transition_share", year=2021, horizon_months=6, outcome="work")


def test_return_share(run):
    # Moves to work/education in 2021: 2 (80), 3 (60), 4 (55; its second move in 70 does not
    # count), 5 (100). Thirteen weeks later only 4 is back in follow-up (returned in 60).
    assert values(run, "return_share", year=2021, horizon_months=3) == [pytest.approx(1 / 4)]
    # 26 weeks later: 3 (returned in 90, 60 + 26 = 86: not yet back), 4 (55 + 26 = 81: in work).
    assert values(run, "return_share", year=2021, horizon_months=6) == [0.0]


def test_return_share_filters_on_the_last_week_in_follow_up(run):
    assert values(run, "return_share", {"innsatsgruppe": "spesielt_tilpasset"}, year=2021,
                  horizon_months=3) == [0.0]
    assert values(run, "return_share", {"innsatsgruppe": "standard"}, year=2021,
                  horizon_months=3) == [pytest.approx(1 / 3)]
