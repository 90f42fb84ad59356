"""Outcomes and costs on a hand-made event log whose answers are worked out by hand below."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from sim import codes
from sim.calendar import Calendar
from sim.outcomes import OUTCOMES, build_timeline, outcomes, summary
from sim.results import RunResult

FIRST_WEEK, N_WEEKS, SCALE = 10, 200, 0.5
PERIOD_WEEKS = N_WEEKS - FIRST_WEEK
MONTH = 52 / 12
UNIT_COSTS = {"advisor_fte_year": 1000.0, "tiltak_place_month": 100.0, "ips_place_month": 50.0,
              "aap_month": 10.0, "sosialhjelp_month": 0.0, "dagpenger_month": 0.0,
              "tiltakspenger_month": 0.0, "ufore_month": 1.0, "kvp_month": 0.0}

S = {name: i for i, name in enumerate(codes.STATUS)}
CH = {name: i for i, name in enumerate(codes.CHANNEL)}


def ev(week: int, youth: int, kind: str, value: int = 0, aux: int = 0) -> tuple:
    return (week, youth, kind, value, aux)


#: Five youths (comments give what each contributes to the hand computations).
LOG = [
    # y1: registered w20, advisor at once, meeting w22, to work w40 (in work 84 of its 104 weeks).
    ev(20, 1, "registration"), ev(20, 1, "assessment", codes.STANDARD), ev(20, 1, "advisor", 5),
    ev(22, 1, "contact", CH["scheduled_meeting"], 5), ev(40, 1, "exit", S["work"]),
    # y2: registered w30 without an advisor until w34 (4 weeks), on AAP, waits for tiltak
    # w35-w41 (6 weeks), in tiltak w41-w61, to education w70. Its own message w31 is not an
    # advisor contact; the advisor's first contact is w36 (6 weeks after registration).
    ev(30, 2, "registration"), ev(30, 2, "assessment", codes.SPESIELT_TILPASSET),
    ev(30, 2, "advisor", -1), ev(30, 2, "benefit", codes.B_AAP),
    ev(31, 2, "contact", CH["activity_plan"], -1), ev(34, 2, "advisor", 7),
    ev(35, 2, "tiltak", codes.Q_WAITING), ev(36, 2, "contact", CH["activity_plan"], 7),
    ev(41, 2, "tiltak", codes.Q_IN), ev(61, 2, "tiltak", codes.Q_NONE), ev(70, 2, "exit", S["education"]),
    # y3: registered before the period; its first entry in the period is the return w50;
    # work w60 (in work at 6 months, w76), back in follow-up w90 (not at 12 months, w102).
    # After that return it gets an advisor only at w93: a 3-week wait with no "-1" event.
    ev(5, 3, "registration"), ev(5, 3, "advisor", 2), ev(12, 3, "exit", S["outside"]),
    ev(50, 3, "return", S["outside"]), ev(50, 3, "advisor", 2), ev(60, 3, "exit", S["work"]),
    ev(90, 3, "return", S["work"]), ev(93, 3, "advisor", 3),
    # y4: registered w150: in the 6-month cohort only (in follow-up at w176), never contacted.
    ev(150, 4, "registration"), ev(150, 4, "advisor", 4),
    # y5: direct to uføretrygd w15, never in follow-up.
    ev(15, 5, "ufore_direct"), ev(15, 5, "benefit", codes.B_UFORE),
]

#: Youth-weeks in follow-up inside the period: y1 20, y2 40, y3 2 + 10 + 110, y4 50.
FU_WEEKS = 20 + 40 + (12 - 10) + 10 + (200 - 90) + 50


def events_frame(log: list[tuple], rep: int = 0) -> pd.DataFrame:
    frame = pd.DataFrame(log, columns=["week", "youth", "kind", "value", "aux"])
    frame.insert(0, "rep", rep)
    return frame


def make_result(events: pd.DataFrame, reps: int = 1) -> RunResult:
    """A RunResult around ``events`` with a small advisor panel and weekly stocks."""
    events = events.astype({"rep": "int16", "week": "int32", "youth": "int32", "value": "int32",
                            "aux": "int32"})
    events["kind"] = pd.Categorical(events["kind"], categories=list(codes.EVENT_KIND))
    events = events.sort_values(["rep", "week", "youth", "kind", "value", "aux"], kind="stable")
    rows = []
    for rep in range(reps):
        rows += [(rep, w, 5, "youth", False, 40) for w in range(FIRST_WEEK, N_WEEKS)]
        rows += [(rep, w, 7, "both", False, 60) for w in range(100, N_WEEKS)]
        rows += [(rep, w, 9, "youth", True, 50) for w in range(150, N_WEEKS)]
    advisors = pd.DataFrame(rows, columns=["rep", "week", "advisor", "role", "hired", "portfolio"])
    weekly = pd.DataFrame(
        [(rep, week, "stock_benefit", cat, val) for rep in range(reps)
         for week, cat, val in [(N_WEEKS - 2, "aap", 99.0), (N_WEEKS - 1, "aap", 3.0),
                                (N_WEEKS - 1, "ufore", 7.0)]],
        columns=["rep", "week", "variable", "category", "value"])
    return RunResult(
        name="hand", calendar=Calendar(dt.date(2020, 1, 6), FIRST_WEEK, N_WEEKS), scale=SCALE,
        seeds=list(range(reps)), events=events.reset_index(drop=True), youths=pd.DataFrame(),
        advisors=advisors, weekly=weekly, manifest={"scenario": {"costs": UNIT_COSTS}})


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return outcomes(make_result(events_frame(LOG)))


def test_work_or_education_shares_follow_the_entry_cohorts(table: pd.DataFrame) -> None:
    # 6 months: y1 work, y2 follow-up, y3 work, y4 follow-up -> 2 of 4.
    assert table.loc[0, "work_or_education_6m"] == pytest.approx(50.0)
    # 12 months: y1 work, y2 education, y3 back in follow-up; y4 lacks the horizon -> 2 of 3.
    assert table.loc[0, "work_or_education_12m"] == pytest.approx(200 / 3)
    window_years = (N_WEEKS - 52 - FIRST_WEEK) / 52
    assert table.loc[0, "work_or_education_12m_persons"] == pytest.approx(2 / SCALE / window_years)


def test_days_in_work_counts_seven_days_a_week_over_two_years(table: pd.DataFrame) -> None:
    # New entrants with two full years: y1 (84 weeks in work) and y2 (none).
    assert table.loc[0, "days_in_work_2y"] == pytest.approx((84 * 7 + 0) / 2)


def test_tiltak_contacts_and_waiting(table: pd.DataFrame) -> None:
    assert table.loc[0, "tiltak_share_of_weeks"] == pytest.approx(100 * 20 / FU_WEEKS)
    assert table.loc[0, "tiltak_starts_per_1000"] == pytest.approx(1000 / (FU_WEEKS / 52))
    youth_months = FU_WEEKS / MONTH
    assert table.loc[0, "contacts_per_month_scheduled_meeting"] == pytest.approx(1 / youth_months)
    assert table.loc[0, "contacts_per_month_activity_plan"] == pytest.approx(1 / youth_months)
    assert table.loc[0, "contacts_per_month_all"] == pytest.approx(2 / youth_months)
    assert table.loc[0, "weeks_to_first_contact"] == pytest.approx((2 + 6) / 2)
    # Waiting spells: y2 4 weeks (advisor -1 at entry), y3 3 weeks (no advisor after its return).
    assert table.loc[0, "weeks_waiting_veileder"] == pytest.approx((4 + 3) / 2)
    assert table.loc[0, "share_weeks_without_veileder"] == pytest.approx(100 * 7 / FU_WEEKS)
    assert table.loc[0, "weeks_waiting_tiltak"] == pytest.approx(6.0)


def test_stocks_at_period_end_are_national(table: pd.DataFrame) -> None:
    assert table.loc[0, "aap_stock_end"] == pytest.approx(3 / SCALE)
    assert table.loc[0, "ufore_stock_end"] == pytest.approx(7 / SCALE)


def test_portfolio_and_advisor_ftes(table: pd.DataFrame) -> None:
    assert table.loc[0, "portefolje_mean_youth"] == pytest.approx((190 * 40 + 50 * 50) / 240)
    assert table.loc[0, "portefolje_p90_youth"] == pytest.approx(50.0)
    assert table.loc[0, "portefolje_mean_both"] == pytest.approx(60.0)
    assert np.isnan(table.loc[0, "portefolje_mean_older"])
    assert table.loc[0, "veileder_fte_youth"] == pytest.approx(190 / PERIOD_WEEKS / SCALE)
    assert table.loc[0, "veileder_fte_both"] == pytest.approx(100 / PERIOD_WEEKS / SCALE)
    assert table.loc[0, "veileder_fte_hired"] == pytest.approx(50 / PERIOD_WEEKS / SCALE)


def test_costs_price_the_quantities_per_year_nationally(table: pd.DataFrame) -> None:
    per_year = 1 / MONTH / (PERIOD_WEEKS / 52) / SCALE  # youth-weeks -> national months per year
    # AAP is paid only in follow-up: y2's 40 weeks, though its benefit state outlives its exit.
    assert table.loc[0, "cost_aap"] == pytest.approx(40 * per_year * 10.0)
    assert table.loc[0, "cost_ufore"] == pytest.approx((N_WEEKS - 15) * per_year * 1.0)
    assert table.loc[0, "cost_tiltak"] == pytest.approx(20 * per_year * 100.0)
    assert table.loc[0, "cost_veiledere"] == pytest.approx((190 + 100 + 50) / PERIOD_WEEKS / SCALE * 1000)
    items = ["veiledere", "tiltak", "ips", "aap", "dagpenger", "tiltakspenger", "sosialhjelp", "ufore"]
    assert table.loc[0, "cost_total"] == pytest.approx(sum(table.loc[0, f"cost_{i}"] for i in items))


def test_replications_are_measured_separately() -> None:
    only_y1 = [e for e in LOG if e[1] == 1]
    events = pd.concat([events_frame(LOG, 0), events_frame(only_y1, 1)], ignore_index=True)
    table = outcomes(make_result(events, reps=2))
    assert list(table.index) == [0, 1]
    assert table.loc[0, "work_or_education_6m"] == pytest.approx(50.0)
    assert table.loc[1, "work_or_education_6m"] == pytest.approx(100.0)
    assert table.loc[1, "days_in_work_2y"] == pytest.approx(84 * 7)


def test_kind_as_plain_strings_gives_the_same_outcomes(table: pd.DataFrame) -> None:
    result = make_result(events_frame(LOG))
    result.events["kind"] = result.events["kind"].astype(str)
    pd.testing.assert_frame_equal(outcomes(result), table)


def test_timeline_state_holds_until_the_next_event() -> None:
    timeline = build_timeline(make_result(events_frame(LOG)).events, N_WEEKS)
    y2 = timeline[timeline["youth"] == 2]
    assert list(y2["start"]) == [30, 34, 35, 41, 61, 70]
    assert list(y2["end"]) == [34, 35, 41, 61, 70, N_WEEKS]
    assert list(y2["tiltak"]) == [0, 0, codes.Q_WAITING, codes.Q_IN, 0, 0]
    assert y2["status"].iloc[-1] == S["education"]


def test_summary_is_json_ready_with_per_replication_values(table: pd.DataFrame) -> None:
    result = make_result(events_frame(LOG))
    data = summary(result, table)
    text = json.dumps(data, allow_nan=False)  # NaN (no 'older' advisors) must become null
    assert data["outcomes"]["work_or_education_6m"]["values"] == [50.0]
    assert data["outcomes"]["portefolje_mean_older"]["mean"] is None
    assert "aap_stock_end" in text
    assert set(table.columns) <= set(OUTCOMES)
