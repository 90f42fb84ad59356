"""portfolio_mean, portfolio_share_above, contacts_per_advisor_week and first_contact_share."""

from __future__ import annotations

import datetime as dt
import gc
import weakref

import pytest
from test_measure_builder import RunBuilder, values

from sim.measure import Measurer, NotMeasurable
from sim.measure.advisors import assignments
from sim.measure.population import RepData
from sim.targets import Measure

DATE = "2021-02-15"  # week 58


@pytest.fixture(scope="module")
def run():
    b = RunBuilder(n_weeks=160, first_week=53)  # the period (and the advisor panel) starts in 2021
    # Portfolios in week 58; other weeks carry different numbers that must not leak in.
    b.advisor_row(58, 1, role="youth", youths=30, older=10, scheduled_meeting=4)
    b.advisor_row(58, 2, role="youth", employer="kommune", youths=50, older=10, scheduled_meeting=2)
    b.advisor_row(58, 3, role="both", youths=70)
    b.advisor_row(58, 4, role="older", youths=0, older=90)
    b.advisor_row(57, 1, role="youth", youths=300, scheduled_meeting=6)
    b.advisor_row(105, 1, role="youth", youths=30, scheduled_meeting=100)  # 2022
    for week, advisor in [(60, 1), (61, 1), (64, 2), (60, 3), (70, 2), (80, 1)]:
        role, employer = {1: ("youth", "stat"), 2: ("youth", "kommune"), 3: ("both", "stat")}[advisor]
        b.advisor_row(week, advisor, role=role, employer=employer)

    # New assignments in 2021 and the first contact from that advisor:
    b.add_youth(1).register(1, 60).ev(60, 1, "advisor", 1).ev(60, 1, "contact", "email_sms", aux=1)
    b.add_youth(2).register(2, 60).ev(61, 2, "advisor", 1).ev(62, 2, "contact", "scheduled_meeting", aux=1)
    b.add_youth(3).register(3, 60, group="situasjonsbestemt").ev(60, 3, "advisor", -1)
    b.ev(64, 3, "advisor", 2).ev(64, 3, "contact", "activity_plan", aux=2)
    b.ev(63, 3, "contact", "activity_plan", aux=-1)
    b.add_youth(4).register(4, 60).ev(60, 4, "advisor", 3).ev(70, 4, "contact", "scheduled_meeting", aux=3)
    b.add_youth(5).register(5, 60).ev(60, 5, "advisor", 1).ev(65, 5, "advisor", 1)  # same advisor: not new
    b.ev(65, 5, "contact", "activity_plan", aux=1)
    b.add_youth(6).register(6, 40).ev(40, 6, "advisor", 1)  # assigned in 2020
    b.ev(70, 6, "advisor", 2).ev(70, 6, "contact", "scheduled_meeting", aux=2)  # transfer in 2021
    b.add_youth(7).register(7, 60).ev(60, 7, "advisor", 1).ev(60, 7, "contact", "email_sms", aux=1)
    b.exit(7, 62, "work").register(7, 80, returning_from="work").ev(80, 7, "advisor", 1)  # new spell
    return b.build()


def test_portfolio_mean_counts_youths_and_older_users(run):
    assert values(run, "portfolio_mean", {"role": "youth"}, date=DATE) == [50.0]
    assert values(run, "portfolio_mean", {"role": ["youth", "both"]}, date=DATE) == [pytest.approx(170 / 3)]
    assert values(run, "portfolio_mean", {"employer": "kommune"}, date=DATE) == [60.0]
    assert values(run, "portfolio_mean", date=DATE) == [65.0]


def test_portfolio_share_above_is_strictly_above(run):
    assert values(run, "portfolio_share_above", {"role": "youth"}, date=DATE, threshold=50) == [0.5]
    assert values(run, "portfolio_share_above", {"role": "youth"}, date=DATE, threshold=60) == [0.0]


def test_contacts_per_advisor_week_is_a_mean_over_advisor_weeks(run):
    # Youth advisors' rows in 2021: week 57 (6), week 58 (4 and 2) and five rows without
    # meetings in weeks 60-80; the row of 2022 does not count.
    rows = [6, 4, 2, 0, 0, 0, 0, 0]
    assert values(run, "contacts_per_advisor_week", {"role": "youth"}, year=2021,
                  channel="scheduled_meeting") == [pytest.approx(sum(rows) / len(rows))]


def test_advisor_statistics_need_the_period(run):
    with pytest.raises(NotMeasurable, match="period"):
        values(run, "portfolio_mean", date="2020-06-01")


def test_new_assignments(run):
    data = RepData(0, {k: run.events[k].to_numpy() if k != "kind" else run.events[k].cat.codes.to_numpy()
                       for k in ("youth", "week", "kind", "value", "aux")},
                   run.youths, run.advisors, run.calendar, run.scale)
    youth, week, advisor = assignments(data)
    got = sorted(zip(youth.tolist(), week.tolist(), advisor.tolist(), strict=True))
    assert got == [(1, 60, 1), (2, 61, 1), (3, 64, 2), (4, 60, 3), (5, 60, 1), (6, 40, 1), (6, 70, 2),
                   (7, 60, 1), (7, 80, 1)]


def test_first_contact_share(run):
    # Assignments in 2021 and contact within one week (same week): 1 yes, 2 no (a week later),
    # 3 yes (its own message does not count), 4 no, 5 no, 6 yes (transfer), 7 yes then no.
    assert values(run, "first_contact_share", year=2021, within_weeks=1) == [pytest.approx(4 / 8)]
    assert values(run, "first_contact_share", {"role": "youth"}, year=2021, within_weeks=1) == [
        pytest.approx(4 / 7)]
    assert values(run, "first_contact_share", {"role": "youth"}, year=2021, within_weeks=2) == [
        pytest.approx(5 / 7)]
    assert values(run, "first_contact_share", {"employer": "kommune"}, year=2021, within_weeks=1) == [1.0]
    assert values(run, "first_contact_share", {"role": "youth", "innsatsgruppe": "standard"}, year=2021,
                  within_weeks=1) == [pytest.approx(3 / 6)]


def test_an_assignment_lost_within_its_week_still_counts():
    b = RunBuilder(n_weeks=160, first_week=53)
    b.advisor_row(60, 1)
    b.add_youth(1).register(1, 60).ev(60, 1, "advisor", 1).ev(60, 1, "contact", "email_sms", aux=1)
    b.ev(60, 1, "advisor", -1).exit(1, 60, "work")
    b.add_youth(2).register(2, 60).ev(60, 2, "advisor", 1).ev(60, 2, "advisor", -1).exit(2, 60, "work")
    assert values(b.build(), "first_contact_share", {"role": "youth"}, year=2021, within_weeks=1) == [0.5]


def test_an_unmeasurable_statistic_keeps_no_replication_data_alive(run):
    """A calibration measures hundreds of times in one process: the reason a statistic could
    not be measured must not hold the replication's data (in a reference cycle through its
    traceback, freed only by a full garbage collection, it grew a worker by about 1 GB per
    trial at scale 0.05)."""
    kept: list[weakref.ref] = []
    measurer = Measurer(run, cache=False)
    original = measurer.rep_data

    def watched(rep: int) -> RepData:
        data = original(rep)
        kept.append(weakref.ref(data))
        return data

    measurer.rep_data = watched  # type: ignore[method-assign]
    gc.disable()
    try:
        (result,) = measurer.compute([Measure("portfolio_mean", params={"date": dt.date(2020, 6, 1)})])
        assert isinstance(result, NotMeasurable) and "period" in str(result)
        assert kept and all(ref() is None for ref in kept), "replication data outlives the measurement"
    finally:
        gc.enable()
