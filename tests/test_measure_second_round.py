"""The second-round metrics, filters and values, each on a hand-made event log.

Week 0 starts on 1 January 2020: 2020 is weeks 0-52, 2021 weeks 53-104, 2022 weeks 105-156.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from test_measure_builder import RunBuilder, target_measure, values

from sim.measure import NotMeasurable, measure
from sim.processes.older_users import older_flow
from sim.scenario.loader import InputError
from sim.targets import parse_targets


def count(run, metric, where=None, **params):
    return values(run, metric, where, **params)[0]


# --- annual_count, vedtak_person_count, vedtak_count ----------------------------------------

@pytest.fixture(scope="module")
def years():
    b = RunBuilder(n_weeks=160, scale=0.5)
    for y in range(1, 7):
        b.add_youth(y)
    b.register(1, 10, group="standard").ev(60, 1, "reassessment", "situasjonsbestemt")  # both groups in 2021
    b.register(2, 20, group="spesielt_tilpasset", benefit="sosialhjelp").exit(2, 50, "work")  # gone by 2021
    b.register(3, 70, group="standard")  # enters in 2021
    b.ev(80, 3, "reassessment", "standard").ev(90, 3, "reassessment", "spesielt_tilpasset")
    b.register(4, 40, group="situasjonsbestemt", benefit="dagpenger").exit(4, 60, "work")
    b.register(4, 80, group="situasjonsbestemt", returning_from="work")  # second vedtak in 2021
    b.register(5, 10, group="standard", labour="partly_working")
    b.register(6, 10, group="standard", labour="laid_off")
    b.ev(56, 6, "tiltak", "in").ev(70, 6, "tiltak", "none")
    return b.build()


def test_annual_count_counts_distinct_youths_in_any_week(years):
    # 2021: youths 1, 3, 4, 5, 6 (2 left in 2020); national = simulated / 0.5.
    assert count(years, "annual_count", year=2021) == 10.0
    assert count(years, "annual_count", year=2020) == 10.0  # 1, 2, 4, 5, 6


def test_annual_count_per_category_counts_a_youth_in_each_group_it_held(years):
    t = parse_targets({"targets": [{"id": "ig", "metric": "annual_count", "params": {
        "year": 2021, "attribute": "innsatsgruppe"}, "value": {"standard": 1, "situasjonsbestemt": 1,
                                                                "spesielt_tilpasset": 1}}]}, "t.yaml")
    got = {cat: measure(years, m).tolist()[0] for cat, _, m in t.targets[0].comparisons()}
    # standard: 1 (before week 60), 3, 5, 6; situasjonsbestemt: 1 (from 60), 4; spesielt: 3 (from 90).
    assert got == {"standard": 8.0, "situasjonsbestemt": 4.0, "spesielt_tilpasset": 2.0}


def test_annual_count_filters_on_the_week_state(years):
    assert count(years, "annual_count", {"benefit": "dagpenger"}, year=2021) == 2.0  # 4 before its exit
    assert count(years, "annual_count", {"benefit": "sosialhjelp"}, year=2020) == 2.0  # 2


def test_vedtak_counts_every_assessment_event_of_the_year(years):
    # 2021 events: 1 reassessment (1), 3 assessment + 2 reassessments, 4 assessment on return.
    assert count(years, "vedtak_count", year=2021) == 10.0
    assert count(years, "vedtak_person_count", year=2021) == 6.0  # youths 1, 3, 4
    t = parse_targets({"targets": [{"id": "v", "metric": "vedtak_count", "params": {
        "year": 2021, "attribute": "innsatsgruppe"}, "value": {"standard": 1, "situasjonsbestemt": 1}}]},
        "t.yaml")
    got = {cat: measure(years, m).tolist()[0] for cat, _, m in t.targets[0].comparisons()}
    assert got == {"standard": 4.0, "situasjonsbestemt": 4.0}  # by the group each event gives


# --- filters fully_unemployed and ips, benefit kvp -------------------------------------------

def test_fully_unemployed_excludes_work_hours_tiltak_and_higher_need(years):
    # Week 60 (in 2021): 1 situasjonsbestemt, no work: yes; 3 not yet entered; 4 exits in 60: no;
    # 5 partly working: no; 6 laid off but in tiltak: no.
    assert count(years, "stock_count", {"fully_unemployed": True}, date="2021-02-24") == 2.0
    # Week 75: 1 yes, 3 standard yes, 6 laid off out of tiltak yes, 5 no.
    assert count(years, "stock_count", {"fully_unemployed": True}, date="2021-06-09") == 6.0


def test_a_youth_awaiting_assessment_is_fully_unemployed_whatever_its_old_group():
    b = RunBuilder(n_weeks=60)
    b.add_youth(1)
    b.register(1, 5, group="spesielt_tilpasset").exit(1, 10, "work")
    b.ev(20, 1, "return", "work").ev(20, 1, "labour_attachment", "none")  # no assessment yet
    b.ev(30, 1, "assessment", "spesielt_tilpasset")
    run = b.build()
    assert count(run, "stock_count", {"fully_unemployed": True}, date="2020-05-27") == 1.0  # week 21
    assert count(run, "stock_count", {"fully_unemployed": True}, date="2020-08-05") == 0.0  # week 31


def test_ips_is_a_filter_and_a_panel_activity():
    b = RunBuilder(n_weeks=120)
    for y in (1, 2):
        b.add_youth(y)
        b.register(y, 10, group="spesielt_tilpasset")
    b.ev(58, 1, "ips", 1).ev(70, 1, "ips", 0)
    run = b.build()
    assert count(run, "annual_count", {"ips": True}, year=2021) == 1.0
    assert count(run, "annual_count", {"ips": True}, year=2020) == 0.0
    assert count(run, "panel_ever_share", activity="ips", start="2021-02-01", months=3) == 0.5


def test_kvp_is_a_benefit_counted_like_the_others():
    b = RunBuilder(n_weeks=120)
    for y in (1, 2):
        b.add_youth(y)
        b.register(y, 10, group="situasjonsbestemt", benefit="sosialhjelp")
    b.ev(50, 1, "benefit", "kvp").ev(70, 1, "benefit", "sosialhjelp")  # weeks 50-69: Dec 2020-May 2021
    run = b.build()
    assert count(run, "annual_count", {"benefit": "kvp"}, year=2021) == 1.0
    assert count(run, "annual_count", {"benefit": "kvp"}, year=2020) == 1.0  # from week 50
    assert count(run, "stock_share", date="2021-02-24", attribute="benefit", category="kvp") == 0.5
    assert count(run, "stock_share", date="2021-06-09", attribute="benefit", category="kvp") == 0.0


# --- population_share, mean_stock_count, period_share --------------------------------------

def test_population_share_divides_by_the_population_of_the_filtered_ages():
    b = RunBuilder(n_weeks=60, scale=0.5)
    for y, age in ((1, 20), (2, 21), (3, 25)):
        b.add_youth(y, age_at_week0=age).register(y, 5)
    run = b.build()
    run.manifest = {"scenario": {"inputs": {"population_by_age": {
        2019: [1000.0] * 14, 2021: [100.0 * (a - 15) for a in range(16, 30)]}}}}
    # 2020 is equally near 2019 and 2021: the earlier year is taken (1000 per age).
    share = count(run, "population_share", {"age": [20, 21]}, date="2020-03-04")
    assert share == pytest.approx(4.0 / 2000.0)  # youths 1 and 2, national 2 / 0.5
    run.manifest = {}
    with pytest.raises(NotMeasurable, match="population_by_age"):
        values(run, "population_share", {"age": [20, 21]}, date="2020-03-04")


def test_mean_stock_count_averages_the_weeks_of_the_year_or_its_months():
    b = RunBuilder(n_weeks=60)
    b.add_youth(1).add_youth(2)
    b.register(1, 0, benefit="dagpenger")
    b.register(2, 9, benefit="dagpenger").exit(2, 22, "work")  # weeks 9-21 (Mar to May 2020)
    run = b.build()
    assert count(run, "mean_stock_count", {"benefit": "dagpenger"}, year=2020) == pytest.approx(
        (53 + 13) / 53)
    # Jan-Feb 2020: weeks 0-8 start in them (week 8 starts 26 Feb); youth 2 not yet there.
    assert count(run, "mean_stock_count", {"benefit": "dagpenger"}, year=2020, months=[1, 2]) == 1.0


def test_period_share_of_mental_health_among_those_on_aap():
    b = RunBuilder(n_weeks=120)
    for y, mental in ((1, True), (2, False), (3, True), (4, True)):
        b.add_youth(y, mental_health=mental)
    b.register(1, 5, benefit="aap")
    b.register(2, 5, benefit="aap")
    b.register(3, 5, benefit="none")  # never on AAP: not in the population
    b.register(4, 5, benefit="none").ev(100, 4, "benefit", "aap")  # on AAP only after the period
    run = b.build()
    params = dict(start="2020-01-01", end="2021-01-01", attribute="mental_health", category=True)
    assert count(run, "period_share", {"benefit": "aap"}, **params) == 0.5


# --- panel_count, panel_months_share --------------------------------------------------------

@pytest.fixture(scope="module")
def panel_run():
    b = RunBuilder(n_weeks=120, scale=0.25)
    for y in range(1, 6):
        b.add_youth(y)
    b.register(1, 40, group="standard").ev(56, 1, "contact", "activity_plan", aux=-1)  # month 1
    b.register(2, 40, group="situasjonsbestemt")
    for w in (57, 61, 66):  # months 1, 2 and 3 (weeks 56-59, 60-64, 65-68)
        b.ev(w, 2, "contact", "activity_plan", aux=-1)
    b.register(3, 40, group="situasjonsbestemt").ev(59, 3, "contact", "activity_plan", aux=-1)
    b.ev(60, 3, "contact", "activity_plan", aux=-1)  # months 1 and 2
    b.register(4, 40, group="standard")  # no dialogue: not in the months distribution
    b.register(5, 40, group="standard").exit(5, 60, "work")  # not in the panel
    return b.build()


def test_panel_count_by_group_in_the_first_week(panel_run):
    assert count(panel_run, "panel_count", start="2021-02-01", months=3) == 16.0
    t = parse_targets({"targets": [{"id": "p", "metric": "panel_count", "params": {
        "start": "2021-02-01", "months": 3, "attribute": "innsatsgruppe"},
        "value": {"standard": 1, "situasjonsbestemt": 1}}]}, "t.yaml")
    got = {cat: measure(panel_run, m).tolist()[0] for cat, _, m in t.targets[0].comparisons()}
    assert got == {"standard": 8.0, "situasjonsbestemt": 8.0}


def test_panel_months_share_splits_users_by_their_months_in_the_activity(panel_run):
    t = parse_targets({"targets": [{"id": "d", "metric": "panel_months_share", "params": {
        "start": "2021-02-01", "months": 3, "activity": "digital_dialogue"},
        "value": {"1": 0.3, "2": 0.3, "3": 0.3}}]}, "t.yaml")
    got = {cat: measure(panel_run, m).tolist()[0] for cat, _, m in t.targets[0].comparisons()}
    assert got == pytest.approx({"1": 1 / 3, "2": 1 / 3, "3": 1 / 3})  # youths 1, 3, 2


# --- cohort_count, cohort_tiltak_count_share -----------------------------------------------

@pytest.fixture(scope="module")
def cohort_run():
    b = RunBuilder(n_weeks=200)
    for y in range(1, 6):
        b.add_youth(y)
    b.register(1, 10).exit(1, 20, "work")
    b.register(1, 60, returning_from="work")  # first assessed in 2020: not in the 2021 cohort
    b.register(2, 60).ev(62, 2, "tiltak", "in").ev(70, 2, "tiltak", "none")  # one spell
    b.register(3, 60).ev(62, 3, "tiltak", "in").ev(70, 3, "tiltak", "waiting")
    b.ev(71, 3, "tiltak", "in").ev(80, 3, "tiltak", "none")  # a gap of one week: two spells
    b.register(4, 60).ev(62, 4, "tiltak", "in").exit(4, 65, "work")
    b.register(4, 70, returning_from="work").ev(70, 4, "tiltak", "in")  # exit ends a spell: two
    b.ev(90, 4, "tiltak", "none").ev(95, 4, "tiltak", "in")  # three
    b.register(5, 60)  # never in tiltak
    return b.build()


def test_cohort_count_is_first_ever_assessments_in_the_year(cohort_run):
    assert count(cohort_run, "cohort_count", cohort_year=2021) == 4.0  # 2, 3, 4, 5; not 1
    assert count(cohort_run, "cohort_count", cohort_year=2022) == 0.0


def test_cohort_count_needs_history_before_the_cohort_year(cohort_run):
    with pytest.raises(NotMeasurable, match="starts with the simulation"):
        values(cohort_run, "cohort_count", cohort_year=2020)


def test_cohort_tiltak_count_share_counts_distinct_spells(cohort_run):
    t = parse_targets({"targets": [{"id": "c", "metric": "cohort_tiltak_count_share", "params": {
        "cohort_year": 2021, "horizon_months": 12}, "value": {"one": 0.5, "two": 0.3, "three_plus": 0.2}}]},
        "t.yaml")
    got = {cat: measure(cohort_run, m).tolist()[0] for cat, _, m in t.targets[0].comparisons()}
    assert got == pytest.approx({"one": 1 / 3, "two": 1 / 3, "three_plus": 1 / 3})  # 2; 3; 4


# --- advisor_first_contact_share -------------------------------------------------------------

#: The older users' flow: a new older user has twice the claim of one already followed, so
#: with 10 meetings a week for older users the first-contact chance is 1 - exp(-2 * 10 / older).
FLOW_PARAMETERS = {"advisors": {"older_flow": {"spell_weeks": 50.0, "first_contact_priority": 2.0}}}
#: Every advisor holds 10 meetings a week; those with youths are taken out for older users.
MEETINGS = {"scheduled_meeting": 6, "unscheduled_meeting": 4}


def _advisor_run(older: int, older_advisors: dict[int, int] | None = None):
    b = RunBuilder(n_weeks=120)
    b.parameters = FLOW_PARAMETERS
    for w in range(0, 120):
        b.advisor_row(w, 10, older=older, **MEETINGS).advisor_row(w, 11, **MEETINGS)
        for a, load in (older_advisors or {}).items():
            b.advisor_row(w, a, role="older", older=load, **MEETINGS)
    for y in range(1, 6):
        b.add_youth(y).register(y, 60)
    # Advisor 10: users 1 (contact the same week), 2 (the next week), 3 (never): bands 0, 1, 2,
    # median w2.
    b.ev(60, 1, "advisor", 10).ev(60, 1, "contact", "scheduled_meeting", aux=10)
    b.ev(60, 2, "advisor", 10).ev(61, 2, "contact", "email_sms", aux=10)
    b.ev(60, 3, "advisor", 10)
    # Advisor 11: users 4 (same week) and 5 (three weeks later): lower median -> le_1w.
    b.ev(60, 4, "advisor", 11).ev(60, 4, "contact", "activity_plan", aux=11)
    b.ev(60, 5, "advisor", 11).ev(63, 5, "contact", "activity_plan", aux=11)
    return b.build()


def test_advisor_first_contact_share_takes_each_advisors_median_band():
    run = _advisor_run(older=0)
    for band, expected in (("le_1w", 0.5), ("w2", 0.5), ("ge_3w", 0.0)):
        assert count(run, "advisor_first_contact_share", year=2021, band=band) == expected


def test_older_arrivals_are_contacted_sooner_where_there_are_fewer_users_per_meeting():
    """Older-user advisors with 20 users (chance 1 - e^-1 = 0.63 a week: usually within a
    week), 30 (0.49 then 0.49: usually the second week) and 100 (0.18: later)."""
    run = _advisor_run(older=0, older_advisors={20: 20, 21: 30, 22: 100})
    older = {"role": "older"}
    got = {band: count(run, "advisor_first_contact_share", older, year=2021, band=band)
           for band in ("le_1w", "w2", "ge_3w")}
    assert got == pytest.approx({"le_1w": 1 / 3, "w2": 1 / 3, "ge_3w": 1 / 3})


def test_older_arrivals_weigh_in_the_median_of_an_advisor_with_youths():
    """Advisor 10's youths alone give w2; 400 older users (10 meetings, 9 in the week of the
    youth's meeting: chance 0.05 a week) bring about 8 arrivals a week in the year, nearly
    all later than two weeks: ge_3w."""
    run = _advisor_run(older=400)
    assert count(run, "advisor_first_contact_share", {"role": "youth"}, year=2021, band="ge_3w") == 0.5


def test_older_users_share_the_meetings_the_youths_did_not_have():
    """Of 10 meetings a week, none, 9 or all 10 went to youths: 20 older users share 10, 1
    or none of them (one turns over every 50 weeks: 0.4 arrivals a week)."""
    panel = pd.DataFrame({"older": [20, 20, 0], **{ch: [n] * 3 for ch, n in MEETINGS.items()}})
    arrivals, chance = older_flow(panel, FLOW_PARAMETERS, np.array([0.0, 9.0, 10.0]))
    assert chance == pytest.approx([1 - math.exp(-2 * 10 / 20), 1 - math.exp(-2 * 1 / 20), 0.0])
    assert arrivals == pytest.approx([0.4, 0.4, 0.0])


def test_the_older_flow_needs_the_scenario_parameters():
    run = _advisor_run(older=40)
    run.manifest = None
    with pytest.raises(NotMeasurable, match="scenario parameters"):
        values(run, "advisor_first_contact_share", year=2021, band="le_1w")


# --- the format's rules for the new metrics --------------------------------------------------

@pytest.mark.parametrize("entry, message", [
    ({"metric": "annual_count", "params": {"year": 2021, "attribute": "innsatsgruppe"}, "value": 5},
     "value must be a mapping"),
    ({"metric": "annual_count", "params": {"year": 2021}, "value": {"standard": 5}},
     "has no categories without params.attribute"),
    ({"metric": "annual_count", "params": {"year": 2021, "category": "standard"}, "value": 5},
     "unknown key"),
    ({"metric": "population_share", "params": {"date": "2020-02-15"}, "value": 0.01}, "where.age"),
    ({"metric": "vedtak_count", "params": {"year": 2021, "attribute": "benefit"}, "value": {"aap": 1}},
     "unknown value 'benefit'"),
    ({"metric": "period_share", "params": {"start": "2021-01-01", "end": "2020-01-01",
                                           "attribute": "sex", "category": "male"}, "value": 0.5},
     "must be after start"),
    ({"metric": "panel_months_share", "params": {"start": "2021-02-01", "months": 3,
                                                 "activity": "meeting"}, "value": {"4": 0.5}},
     "unknown count '4'"),
    ({"metric": "mean_stock_count", "params": {"year": 2021, "months": [5, 2]}, "value": 10},
     "first <= last"),
    ({"metric": "annual_count", "params": {"year": 2021}, "value": -3}, "cannot be negative"),
])
def test_malformed_second_round_entries_are_one_line_errors(entry, message):
    with pytest.raises(InputError, match=message) as err:
        parse_targets({"targets": [{"id": "bad_one", **entry}]}, "t.yaml")
    assert "t.yaml" in str(err.value) and "bad_one" in str(err.value) and "\n" not in str(err.value)


def test_mental_health_category_reads_yaml_booleans():
    m = target_measure("period_share", {"benefit": "aap"}, start="2018-01-01", end="2023-01-01",
                       attribute="mental_health", category=True)
    assert m.params["category"] == "true"
