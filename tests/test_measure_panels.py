"""panel_ever_share and panel_pattern_share: the panel, every activity, the patterns."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_measure_builder import RunBuilder, values

START = "2021-02-01"  # week 56; 3 months = 13 weeks: the window is weeks 56-68
WINDOW = dict(start=START, months=3)


@pytest.fixture(scope="module")
def run():
    b = RunBuilder(n_weeks=160)
    for y in range(1, 9):
        b.add_youth(y)
    b.register(1, 40, group="situasjonsbestemt", job_search=1)
    b.ev(60, 1, "tiltak", "in").ev(65, 1, "tiltak", "none")
    b.register(2, 40, group="spesielt_tilpasset").ev(50, 2, "treatment", "in")
    b.ev(62, 2, "labour_attachment", "partly_working")
    b.register(3, 40, group="spesielt_tilpasset").ev(57, 3, "treatment", "in").ev(59, 3, "treatment", "none")
    b.ev(66, 3, "tiltak", "in").ev(64, 3, "tiltak", "waiting")
    b.register(4, 40)
    b.register(5, 40, job_search=1).ev(60, 5, "contact", "activity_plan", aux=-1)
    b.register(6, 40, job_search=1).exit(6, 63, "outside")  # leaves during the window: not in the panel
    b.register(7, 58, job_search=1)  # arrives during the window: not in the panel
    b.register(8, 40, job_search=1).ev(56, 8, "contact", "scheduled_meeting", aux=3)
    b.ev(70, 8, "contact", "activity_plan", aux=3)  # after the window
    b.ev(61, 6, "contact", "unscheduled_meeting", aux=3)
    return b.build()


# The panel is youths 1, 2, 3, 4, 5 and 8.
@pytest.mark.parametrize("activity, expected", [
    ("tiltak", 2 / 6),  # 1 and 3 (3's waiting weeks do not count)
    ("treatment", 2 / 6),  # 2 and 3
    ("treatment_and_work_activity", 1 / 6),  # 2 (3 has them in different weeks)
    ("partial_work", 1 / 6),  # 2
    ("job_search", 3 / 6),  # 1 (before its tiltak), 5, 8
    ("no_activity", 2 / 6),  # 3 (weeks between treatment and tiltak), 4
    ("digital_dialogue", 1 / 6),  # 5 (8's message falls after the window)
    ("meeting", 1 / 6),  # 8 (6 had one but is not in the panel)
])
def test_ever_in_activity(run, activity, expected):
    assert values(run, "panel_ever_share", activity=activity, **WINDOW) == [pytest.approx(expected)]


@pytest.mark.parametrize("pattern, expected", [
    ("treatment_and_work", 2 / 6),  # 2 (treatment + partial work), 3 (treatment, later tiltak)
    ("treatment_only", 0.0),
    ("work_activity_only", 1 / 6),  # 1
    ("neither", 3 / 6),  # 4, 5, 8
])
def test_patterns(run, pattern, expected):
    assert values(run, "panel_pattern_share", pattern=pattern, **WINDOW) == [pytest.approx(expected)]


def test_filters_apply_at_the_window_start(run):
    where = {"innsatsgruppe": "spesielt_tilpasset"}
    assert values(run, "panel_ever_share", where, activity="treatment", **WINDOW) == [1.0]
    assert values(run, "panel_ever_share", where, activity="no_activity", **WINDOW) == [0.5]


def test_window_length_follows_the_month_rule(run):
    # 1 month = round(4.33) = 4 weeks (56-59) ends before youth 1's tiltak starts in week 60;
    # 1.2 months = round(5.2) = 5 weeks (56-60) reaches it, and youth 6, who leaves in week
    # 63, is then in the panel too.
    assert values(run, "panel_ever_share", activity="tiltak", start=START, months=1) == [0.0]
    five_weeks = values(run, "panel_ever_share", activity="tiltak", start=START, months=1.2)
    assert five_weeks == [pytest.approx(1 / 7)]


_event = st.tuples(st.integers(0, 39), st.integers(0, 4),
                   st.sampled_from(["registration", "exit", "tiltak", "treatment", "labour_attachment"]),
                   st.integers(0, 2))


@settings(max_examples=40, deadline=None)
@given(st.lists(_event, max_size=40))
def test_patterns_partition_the_panel(events):
    b = RunBuilder(n_weeks=40)
    for y in range(5):
        b.add_youth(y)
    for week, youth, kind, value in events:
        b.ev(week, youth, kind, value + 2 if kind == "exit" else value)
    run = b.build()
    window = dict(start="2020-03-04", months=2)  # weeks 9-17
    shares = [values(run, "panel_pattern_share", pattern=p, **window)[0]
              for p in ("treatment_and_work", "treatment_only", "work_activity_only", "neither")]
    if all(math.isnan(s) for s in shares):
        return  # empty panel
    assert all(0.0 <= s <= 1.0 for s in shares)
    assert sum(shares) == pytest.approx(1.0)
    ever = values(run, "panel_ever_share", activity="treatment", **window)[0]
    assert ever == pytest.approx(shares[0] + shares[1])
