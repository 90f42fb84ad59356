"""ips_outcome_share on hand-made histories: IPS participants followed from their own start."""

from __future__ import annotations

import pytest
from test_measure_builder import RunBuilder, target_measure, values

from sim.measure import NotMeasurable, measure
from sim.scenario.loader import InputError
from sim.targets import parse_targets

# The hand-made calendar starts on 2020-01-01: 2021 is weeks 53-104. Months 3 to 6 after a
# start in week s are weeks [s + 13, s + 26).


def _run():
    b = RunBuilder(n_weeks=160)
    for y in range(1, 7):
        b.add_youth(y, age_at_week0=20 if y != 6 else 27)
    # 1: starts IPS in week 60, in work from week 70 (before the window): all 13 weeks.
    b.register(1, 50, group="spesielt_tilpasset").ev(60, 1, "ips", 1).exit(1, 70, "work")
    # 2: starts in week 60, in education from week 80: weeks 80-85 of [73, 86), 6 of 13.
    b.register(2, 50, group="spesielt_tilpasset").ev(60, 2, "ips", 1).exit(2, 80, "education")
    # 3: starts in week 60, still in follow-up throughout: 0 of 13.
    b.register(3, 50, group="spesielt_tilpasset").ev(60, 3, "ips", 1)
    # 4: in follow-up and in work, but never in IPS: not a participant.
    b.register(4, 50, group="spesielt_tilpasset").exit(4, 70, "work")
    # 5: started in 2020 (week 40), ended in 2021 (week 56: an end is not a start), started
    #    again in week 90: counted from 90, in work from week 100 to 110: weeks 103-109 of
    #    [103, 116), 7 of 13.
    b.register(5, 30, group="spesielt_tilpasset").ev(40, 5, "ips", 1).ev(56, 5, "ips", 0)
    b.ev(90, 5, "ips", 1).ev(92, 5, "ips", 0).ev(94, 5, "ips", 1).exit(5, 100, "work")
    b.register(5, 110, returning_from="work", group="spesielt_tilpasset")
    # 6: aged 28 at the start (week 60), in work from week 75: weeks 75-85, 11 of 13.
    b.register(6, 50, group="spesielt_tilpasset").ev(60, 6, "ips", 1).exit(6, 75, "work")
    return b.build()


@pytest.fixture(scope="module")
def run():
    return _run()


def test_share_in_the_outcome_over_the_window_after_each_start(run):
    # Participants of 2021: 1, 2, 3, 5, 6 (4 never in IPS; 5 once, from its first 2021 start).
    expected = (13 + 6 + 0 + 7 + 11) / 13 / 5
    assert values(run, "ips_outcome_share", year=2021, window_months=[3, 6],
                  outcome="work_or_education") == [pytest.approx(expected)]
    assert values(run, "ips_outcome_share", year=2021, window_months=[3, 6],
                  outcome="work") == [pytest.approx((13 + 0 + 0 + 7 + 11) / 13 / 5)]


def test_filters_apply_in_the_start_week(run):
    assert values(run, "ips_outcome_share", {"age": [18, 25]}, year=2021, window_months=[3, 6],
                  outcome="work_or_education") == [pytest.approx((13 + 6 + 0 + 7) / 13 / 4)]


def test_a_year_without_participants_is_empty_not_zero(run):
    # 2020's only participant, youth 5 (start in week 40), is in follow-up in weeks [53, 66).
    assert values(run, "ips_outcome_share", year=2020, window_months=[3, 6], outcome="work") == [0.0]
    b = RunBuilder(n_weeks=160)  # nobody ever starts IPS
    b.add_youth(1).register(1, 0).exit(1, 20, "work")
    (value,) = values(b.build(), "ips_outcome_share", year=2021, window_months=[3, 6], outcome="work")
    assert value != value  # NaN: nobody to measure


def test_windows_outside_the_run_cannot_be_measured(run):
    with pytest.raises(NotMeasurable, match="IPS starts and their windows"):
        measure(run, target_measure("ips_outcome_share", year=2022, window_months=[3, 12],
                                    outcome="work"))


@pytest.mark.parametrize("window", [[6, 3], [3], "3-6", [-1, 3], [3, 3]])
def test_a_bad_window_is_one_line_naming_the_key(window):
    entry = {"id": "ips", "metric": "ips_outcome_share", "value": 0.4,
             "params": {"year": 2021, "window_months": window, "outcome": "work"}}
    with pytest.raises(InputError, match=r"params.window_months: must be \[from, to\]"):
        parse_targets({"targets": [entry]}, "t.yaml")
