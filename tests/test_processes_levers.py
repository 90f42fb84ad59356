"""The decisions behind the levers of the first assessment, the fixed contact person and the
ungdomsgaranti's parts, on hand-made tables, and how a scenario's keys become their series.

Like ``tests/test_processes.py`` these run the Python twins (what the Mesa engine runs) and
check at the end that the compiled decisions (what the numba kernels inline) agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numba import njit

from sim import rules
from sim.cli import main
from sim.codes import (
    EV_ASSESSMENT,
    S_NOT_ENTERED,
    SITUASJONSBESTEMT,
    SPESIELT_TILPASSET,
    STANDARD,
    VARIG_TILPASSET,
)
from sim.engine.tables import empty_events
from sim.params import build
from sim.processes import advisors, entry
from sim.processes.decision import python
from sim.rng import U_CHURN, keyed_uniform, week_keys
from sim.scenario.loader import InputError
from sim.state import empty_youths

WEEK = 500
N = WEEK + 1  # series long enough to be read at WEEK
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tiny_scenario):
    params, timeline, _, _ = build(tiny_scenario, 1)
    return params, timeline


def sink() -> tuple:
    return empty_events(64), np.zeros(1, dtype=np.int64)


def series(value, dtype=np.float64) -> np.ndarray:
    return np.full(N, value, dtype=dtype)


# --- the first assessment -------------------------------------------------------------------

@pytest.mark.parametrize(("need", "u", "under", "over", "group"), [
    (SPESIELT_TILPASSET, 0.29, 0.3, 0.1, SITUASJONSBESTEMT),   # u below the too-low share
    (SPESIELT_TILPASSET, 0.30, 0.3, 0.1, VARIG_TILPASSET),     # then the too-high share
    (SPESIELT_TILPASSET, 0.39, 0.3, 0.1, VARIG_TILPASSET),
    (SPESIELT_TILPASSET, 0.40, 0.3, 0.1, SPESIELT_TILPASSET),  # the rest: right
    (SPESIELT_TILPASSET, 0.00, 0.0, 0.0, SPESIELT_TILPASSET),  # exact assessment
    (STANDARD, 0.00, 0.5, 0.0, STANDARD),                      # nothing below standard
    (VARIG_TILPASSET, 0.00, 0.0, 1.0, VARIG_TILPASSET),        # nothing above varig tilpasset
])
def test_the_first_assessment_splits_the_uniform_into_too_low_too_high_and_right(
        need: int, u: float, under: float, over: float, group: int) -> None:
    assert rules.first_assessment(need, u, under, over) == group


@pytest.mark.parametrize(("under_mult", "over_mult", "expected"), [
    (1.0, 0.0, SITUASJONSBESTEMT),   # every youth of this need assessed too low
    (0.0, 1.0, VARIG_TILPASSET),     # the lever removes the too-low ones; too high is left
    (0.0, 0.0, SPESIELT_TILPASSET),  # exact: the group of the true need
])
def test_the_assessment_lever_scales_the_shares_of_the_week(built, under_mult: float, over_mult: float,
                                                           expected: int) -> None:
    params, timeline = built
    P = params._replace(under_assessment=np.ones(4), over_assessment=np.ones(4))
    T = timeline._replace(under_assessment_mult=series(under_mult), over_assessment_mult=series(over_mult))
    Y = empty_youths(1)
    Y.need[0], Y.status[0] = SPESIELT_TILPASSET, S_NOT_ENTERED
    E, n_ev = sink()
    python(entry.arrive)(Y, E, n_ev, P, T, week_keys(1, WEEK), WEEK, 0, 0)
    assert Y.group[0] == expected
    assessed = [int(E.value[k]) for k in range(n_ev[0]) if E.kind[k] == EV_ASSESSMENT]
    assert assessed == [expected]


# --- the fixed contact person ---------------------------------------------------------------

def churns_of(P, T, groups: list[int]) -> list[bool]:
    Y = empty_youths(len(groups))
    Y.group[:] = groups
    keys = week_keys(1, WEEK)
    return [python(advisors.churns)(Y, P, T, keys, WEEK, i) for i in range(len(groups))]


@pytest.mark.parametrize(("lever", "target_only", "garanti", "own", "changes"), [
    # lever multiplier, lever only for the target group, guarantee's part in force, its
    # multiplier -> do (standard, situasjonsbestemt) change advisors (weekly chance 1)
    (1.0, False, False, 0.0, (True, True)),    # nothing in force
    (0.0, False, False, 0.0, (False, False)),  # the lever for all
    (0.0, True, False, 0.0, (True, False)),    # the lever for the target group only
    (1.0, False, True, 0.0, (True, False)),    # the guarantee's own, target group only
    (0.0, False, True, 1.0, (False, False)),   # both: the stronger holds
    (1.0, False, True, 1.0, (True, True)),
])
def test_a_fixed_contact_person_keeps_those_it_covers_with_their_advisor(
        built, lever: float, target_only: bool, garanti: bool, own: float, changes: tuple) -> None:
    params, timeline = built
    P = params._replace(churn=1.0, garanti_churn_mult=own, contact_person_target_group=target_only)
    T = timeline._replace(contact_churn_mult=series(lever), garanti_fixed_contact=series(garanti, np.bool_))
    assert tuple(churns_of(P, T, [STANDARD, SITUASJONSBESTEMT])) == changes


def test_the_lever_and_the_guarantee_do_not_compound(built) -> None:
    """0.4 from the lever and 0.4 from the guarantee leave a weekly chance of churn * 0.4,
    not churn * 0.16: the youths whose draw lies between the two change advisors."""
    params, timeline = built
    churn = 0.5
    P = params._replace(churn=churn, garanti_churn_mult=0.4, contact_person_target_group=False)
    T = timeline._replace(contact_churn_mult=series(0.4), garanti_fixed_contact=series(True, np.bool_))
    n = 400
    got = np.array(churns_of(P, T, [SPESIELT_TILPASSET] * n))
    u = np.array([keyed_uniform(week_keys(1, WEEK)[U_CHURN], i) for i in range(n)])
    assert (got == (u < churn * 0.4)).all()
    assert (got & (u >= churn * 0.16)).sum() > 20


# --- the guarantee's parts ------------------------------------------------------------------

@pytest.mark.parametrize(("part", "group", "youth_advisor"), [
    (True, SITUASJONSBESTEMT, True), (False, SITUASJONSBESTEMT, False), (True, STANDARD, False)])
def test_the_youth_advisor_part_places_the_target_group_with_youth_advisors(
        built, part: bool, group: int, youth_advisor: bool) -> None:
    params, timeline = built
    P = params._replace(youth_advisor_share=0.0, garanti_youth_advisor_share=1.0)
    T = timeline._replace(garanti_youth_advisors=series(part, np.bool_))
    Y = empty_youths(1)
    Y.group[0] = group
    assert python(advisors.wants_youth_advisor)(Y, P, T, WEEK, 0) == youth_advisor


def test_each_part_is_in_force_exactly_when_the_guarantee_is_and_the_part_is_on(tiny_with) -> None:
    parts = {"fixed_contact_person": True, "youth_advisors": False, "priority": True}
    _, T, _, calendar = build(tiny_with({"ungdomsgaranti": {"parts": parts}}), 1)
    start = calendar.first_week_from("2023-07-01")
    assert not T.garanti[:start].any() and T.garanti[start:].all()
    np.testing.assert_array_equal(T.garanti_fixed_contact, T.garanti)
    np.testing.assert_array_equal(T.garanti_priority, T.garanti)
    assert not T.garanti_youth_advisors.any()
    _, T, _, _ = build(tiny_with({"ungdomsgaranti": {"enabled": False, "parts": parts}}), 1)
    assert not (T.garanti_fixed_contact.any() or T.garanti_priority.any() or T.garanti_youth_advisors.any())


def test_the_levers_act_from_their_start(tiny_with) -> None:
    scenario = tiny_with({"assessment": {"under_assessment_multiplier": 0.5,
                                         "over_assessment_multiplier": 0.0, "start": "2023-01-02"},
                          "contact_person": {"churn_multiplier": 0.25, "applies_to": "target_group",
                                             "start": "2024-01-01"}})
    P, T, _, calendar = build(scenario, 1)
    a, c = calendar.first_week_from("2023-01-02"), calendar.first_week_from("2024-01-01")
    assert (T.under_assessment_mult[:a] == 1.0).all() and (T.under_assessment_mult[a:] == 0.5).all()
    assert (T.over_assessment_mult[:a] == 1.0).all() and (T.over_assessment_mult[a:] == 0.0).all()
    assert (T.contact_churn_mult[:c] == 1.0).all() and (T.contact_churn_mult[c:] == 0.25).all()
    assert P.contact_person_target_group
    P, T, _, _ = build(tiny_with({}), 1)
    assert not P.contact_person_target_group
    assert (T.under_assessment_mult == 1.0).all() and (T.contact_churn_mult == 1.0).all()


# --- the scenario's checks ------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "assessment: {under_assessment_multiplier: 0.5, start: 2030-01-01}\n",
    "contact_person: {churn_multiplier: 0.5, start: 2024-01-01}\n",
    "ungdomsgaranti: {start: 2024-06-01, parts: {priority: false}}\n",
])
def test_a_lever_starting_at_or_after_the_period_end_is_refused(tmp_path: Path, capsys, body: str) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nname: late\nscale: 0.005\n"
                    "period: {start: 2022-01-01, end: 2024-01-01}\nparameters: {burn_in_years: 1}\n" + body)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--no-plots"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    key = body.split(":")[0]
    assert len(err) == 1 and f"late.yaml: {key}.start:" in err[0] and "period end" in err[0]
    assert not out.exists()


def test_a_neutral_lever_may_carry_any_date(tiny_with) -> None:
    scenario = tiny_with({"contact_person": {"churn_multiplier": 1.0, "start": "2099-01-01"},
                          "assessment": {"under_assessment_multiplier": 1.0, "start": "2099-01-01"},
                          "ungdomsgaranti": {"start": "2099-01-01"}})
    assert scenario.contact_person.start is not None and scenario.assessment.start is not None


def test_an_assessment_lever_that_would_make_a_share_above_one_is_refused(tiny_with) -> None:
    with pytest.raises(InputError, match="assessment.under_assessment_multiplier.*spesielt_tilpasset"):
        tiny_with({"assessment": {"under_assessment_multiplier": 2.5, "start": "2023-01-02"}})


def test_a_contact_person_cannot_make_advisor_changes_more_likely(tiny_with) -> None:
    with pytest.raises(InputError, match="contact_person.churn_multiplier"):
        tiny_with({"contact_person": {"churn_multiplier": 1.5}})


# --- the compiled decisions are the same functions ------------------------------------------

def test_compiled_and_python_decisions_agree(built) -> None:
    params, timeline = built
    compiled_assessment = njit(lambda need, u, under, over: rules.first_assessment(need, u, under, over))
    for need in range(4):
        for u in (0.0, 0.1, 0.3, 0.35, 0.9):
            args = (need, u, 0.3 * (need > 0), 0.05 * (need < 3))
            assert compiled_assessment(*args) == rules.first_assessment(*args)
    P = params._replace(churn=0.5, garanti_churn_mult=0.4, contact_person_target_group=True)
    T = timeline._replace(contact_churn_mult=series(0.3), garanti_fixed_contact=series(True, np.bool_))
    Y = empty_youths(200)
    Y.group[:] = np.arange(200) % 4
    keys = week_keys(1, WEEK)
    compiled = [advisors.churns(Y, P, T, keys, WEEK, i) for i in range(200)]
    assert compiled == [python(advisors.churns)(Y, P, T, keys, WEEK, i) for i in range(200)]
    assert 0 < sum(compiled) < 200


def test_the_levers_are_marked_where_they_start_on_the_plots(tiny_with) -> None:
    from sim.plots import lever_starts

    scenario = tiny_with({"assessment": {"under_assessment_multiplier": 0.5, "start": "2023-01-02"},
                          "contact_person": {"churn_multiplier": 0.4, "start": "2024-01-01"},
                          "ungdomsgaranti": {"parts": {"priority": False}}})
    marks = dict((text, when.isoformat()) for when, text in lever_starts(scenario))
    assert marks == {"first §14a too low ×0.5, too high ×1": "2023-01-02",
                     "advisor changes ×0.4 (all)": "2024-01-01",
                     "ungdomsgaranti without priority": "2023-07-01"}


def test_a_faster_assessment_is_marked_as_such(tiny_with) -> None:
    from sim.plots import lever_starts

    scenario = tiny_with({"assessment": {"speed_multiplier": 2.0, "start": "2024-01-01"}})
    marks = [text for _, text in lever_starts(scenario)]
    assert "group too low raised ×2 as fast" in marks
    assert not any("first §14a" in m for m in marks)    # accuracy unchanged: not marked
