"""One definition of a week's activity: the measured flags and the engines' weekly stocks agree."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from test_measure_builder import RunBuilder, values

from sim import codes, rules
from sim.measure.timeline import activity_flags, primary_activity

_COMBINATIONS = list(itertools.product(range(len(codes.QUEUE_STATE)), range(len(codes.QUEUE_STATE)),
                                       range(len(codes.LABOUR_ATTACHMENT)), (0, 1)))


def _flags(combos):
    tiltak, treatment, labour, search = (np.array(c) for c in zip(*combos, strict=True))
    return activity_flags(tiltak, treatment, labour, search, np.ones(len(combos), dtype=bool))


def test_primary_activity_is_the_engines_rule_for_every_state():
    """The weekly stock_activity counts (rules.primary_activity) and the panels read one definition."""
    measured = primary_activity(_flags(_COMBINATIONS))
    engine = [rules.primary_activity(*c) for c in _COMBINATIONS]
    assert measured.tolist() == engine


def test_every_week_in_follow_up_has_its_primary_activity_among_its_flags():
    flags = _flags(_COMBINATIONS)
    primary = primary_activity(flags)
    for i, code in enumerate(primary):
        assert flags[codes.ACTIVITY[code]][i]


def test_partly_working_job_seeker_is_partial_work_not_job_search():
    tiltak, treatment = codes.Q_NONE, codes.Q_NONE
    flags = _flags([(tiltak, treatment, codes.LA_PARTLY_WORKING, 1)])
    assert flags["partial_work"].tolist() == [True]
    assert flags["job_search"].tolist() == [False]
    assert flags["no_activity"].tolist() == [False]


def test_nobody_outside_follow_up_has_an_activity():
    flags = activity_flags(np.array([codes.Q_IN]), np.array([0]), np.array([0]), np.array([1]),
                           np.array([False]))
    assert not any(f.any() for f in flags.values())
    assert primary_activity(flags).tolist() == [-1]


@pytest.fixture(scope="module")
def run():
    b = RunBuilder(n_weeks=120)
    for y in (1, 2, 3):
        b.add_youth(y)
    b.register(1, 40, labour="partly_working", job_search=1)  # partly working job seeker
    b.register(2, 40, job_search=1)  # job seeker only
    b.register(3, 40, group="spesielt_tilpasset", job_search=1).ev(58, 3, "treatment", "in")
    b.ev(58, 3, "tiltak", "in")  # in treatment and tiltak from week 58
    return b.build()


@pytest.mark.parametrize("activity, expected", [
    ("job_search", 2 / 3),  # 2, and 3 before its treatment and tiltak; not 1
    ("partial_work", 1 / 3),  # 1
    ("tiltak", 1 / 3),  # 3: a tiltak with treatment is still a tiltak
    ("treatment", 1 / 3),
    ("treatment_and_work_activity", 1 / 3),
    ("no_activity", 0.0),
])
def test_panel_activities_on_a_handmade_log(run, activity, expected):
    assert values(run, "panel_ever_share", activity=activity, start="2021-02-01", months=3) == [
        pytest.approx(expected)]
