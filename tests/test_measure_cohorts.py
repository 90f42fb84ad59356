"""cohort_share, duration_share and days_in_state on hand-made histories."""

from __future__ import annotations

import pytest
from test_measure_builder import RunBuilder, values

from sim.measure import NotMeasurable

# Cohort 2020 = first assessment in weeks 0-52; 12 months = 52 weeks; 6 months = 26 weeks.
COHORT = dict(cohort_year=2020, horizon_months=12)


@pytest.fixture(scope="module")
def run():
    b = RunBuilder(n_weeks=160)
    b.add_youth(1).register(1, 5).ev(20, 1, "reassessment", "situasjonsbestemt")
    b.ev(20, 1, "treatment", "in")  # treatment, but no mental-health problem
    b.add_youth(2, mental_health=True).register(2, 10, group="spesielt_tilpasset")
    b.ev(12, 2, "benefit", "aap").ev(40, 2, "benefit", "none")  # 28 weeks = 6 months of AAP
    b.ev(30, 2, "reassessment", "situasjonsbestemt")
    b.ev(35, 2, "tiltak", "in").ev(45, 2, "tiltak", "none")  # 10 weeks = 2 months
    b.ev(20, 2, "treatment", "in")
    b.add_youth(3, mental_health=True).register(3, 15, group="spesielt_tilpasset", benefit="aap")
    b.exit(3, 50, "ufore").ev(50, 3, "benefit", "ufore")  # AAP 15-49: 35 weeks = 8 months
    b.add_youth(4).register(4, 60)  # first assessed in 2021: not in the 2020 cohort
    b.add_youth(6).register(6, 2).exit(6, 3, "work").register(6, 30, returning_from="work")
    b.ev(70, 6, "reassessment", "situasjonsbestemt")  # after its window (2 + 52)
    return b.build()


# Cohort 2020: youths 1, 2, 3, 6.
@pytest.mark.parametrize("event, expected", [
    ("reassessed_up", 1 / 4),  # 1
    ("reassessed_down", 1 / 4),  # 2
    ("never_reassessed", 2 / 4),  # 3, 6 (6's new assessment on return is not a reassessment)
    ("never_tiltak", 3 / 4),  # all but 2
    ("got_aap", 2 / 4),  # 2, 3
    ("got_ufore", 1 / 4),  # 3
    ("got_mental_health_treatment", 1 / 4),  # 2 (1 is treated but has no mental-health problem)
])
def test_cohort_events(run, event, expected):
    assert values(run, "cohort_share", event=event, **COHORT) == [pytest.approx(expected)]


def test_cohort_filters_on_the_assessment(run):
    where = {"innsatsgruppe": "spesielt_tilpasset"}
    assert values(run, "cohort_share", where, event="got_aap", **COHORT) == [1.0]
    assert values(run, "cohort_share", {"mental_health": True}, event="got_ufore", **COHORT) == [0.5]


def test_horizon_limits_the_events(run):
    # Within 3 months (13 weeks) of assessment: 1's reassessment (15 weeks later) is too late.
    assert values(run, "cohort_share", event="reassessed_up", cohort_year=2020, horizon_months=3) == [0.0]


@pytest.mark.parametrize("band, expected", [
    ([0, 5], 0.0),
    ([6, 7], 0.5),  # 2: 6 months
    ([8, None], 0.5),  # 3: 8 months
    ([6, None], 1.0),
])
def test_duration_share_of_aap(run, band, expected):
    assert values(run, "duration_share", state="aap", band_months=band, **COHORT) == [expected]


def test_duration_share_of_tiltak(run):
    assert values(run, "duration_share", state="tiltak", band_months=[2, 2], **COHORT) == [1.0]
    assert values(run, "duration_share", state="tiltak", band_months=[3, None], **COHORT) == [0.0]


def test_days_in_state_of_new_entrants(run):
    # Entrants of 2020: 1 (5), 2 (10), 3 (15), 6 (2); 26-week windows from entry.
    # Work: 6 works weeks 3-27 (25 weeks). Follow-up: 1, 2, 3 all 26 weeks; 6 one week.
    assert values(run, "days_in_state", year=2020, horizon_months=6, state="work") == [25 * 7 / 4]
    follow_up = values(run, "days_in_state", year=2020, horizon_months=6, state="follow_up")
    assert follow_up == [(3 * 26 + 1) * 7 / 4]
    assert values(run, "days_in_state", year=2020, horizon_months=6, state="outside") == [0.0]
    where = {"innsatsgruppe": "spesielt_tilpasset"}
    assert values(run, "days_in_state", where, year=2020, horizon_months=6, state="follow_up") == [26 * 7]


def test_cohort_needs_its_horizon_in_the_run(run):
    with pytest.raises(NotMeasurable):
        values(run, "cohort_share", event="got_aap", cohort_year=2022, horizon_months=12)
