"""The Mesa reference engine and the numba engine give identical results.

Same scenario, same seed: the same event log (every column, the phase of the week
included, in the order things happened), the same weekly table, the same advisor panel and
the same youths, compared both as raw engine output and as the output tables users read.
Each lever case also checks that its lever really changes the run, so that the code behind
the lever is compared, not skipped.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sim.codes import EV_ADVISOR, R_BOTH, R_YOUTH
from sim.engine.kernels import PH_CAP, PH_CHURN, PH_STAFFING
from sim.engine.output import EngineOutput, ordered_events, to_frames
from sim.engine.setup import advisor_layout
from sim.model import NavModel
from sim.params import Timeline, build
from sim.results import TABLES, write_tables
from sim.rng import rep_seed
from sim.run import run_scenario
from sim.scenario.schema import Scenario

LEVER_START = "2023-06-01"  # inside the tiny scenario's period, before the guarantee


def run_engine(scenario: Scenario, engine: str) -> tuple[EngineOutput, NavModel]:
    model = NavModel(scenario, rep_seed(scenario.seed, 0), engine=engine)
    return model.run(), model


def timeline_of(scenario: Scenario) -> Timeline:
    return build(scenario, rep_seed(scenario.seed, 0))[1]


def first_difference(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> str:
    """The first event where two ordered logs differ, with its neighbours, for the message."""
    n = min(len(a["week"]), len(b["week"]))
    differs = np.zeros(n, dtype=bool)
    for k in a:
        differs |= a[k][:n] != b[k][:n]
    if not differs.any():
        return f"logs agree on the first {n} events; lengths {len(a['week'])} and {len(b['week'])}"
    j = int(np.argmax(differs))
    rows = slice(max(0, j - 2), j + 3)
    show = {k: (a[k][rows].tolist(), b[k][rows].tolist()) for k in a}
    return f"first difference at event {j} (numba, mesa): {show}"


def assert_identical(numba_out: EngineOutput, mesa_out: EngineOutput) -> None:
    ev_n, ev_m = ordered_events(numba_out.events), ordered_events(mesa_out.events)
    same_log = all(np.array_equal(ev_n[k], ev_m[k]) for k in ev_n)
    assert same_log, first_difference(ev_n, ev_m)
    # the engines even emit in the same order (``navsim bench`` compares the raw logs)
    assert all(np.array_equal(numba_out.events[k], mesa_out.events[k]) for k in numba_out.events)
    np.testing.assert_array_equal(numba_out.weekly, mesa_out.weekly)
    np.testing.assert_array_equal(numba_out.adv_active, mesa_out.adv_active)
    np.testing.assert_array_equal(numba_out.adv_youths, mesa_out.adv_youths)
    np.testing.assert_array_equal(numba_out.adv_contacts, mesa_out.adv_contacts)
    for k, v in numba_out.youths.items():
        np.testing.assert_array_equal(v, mesa_out.youths[k], err_msg=f"youths.{k}")


def youth_advisor_portfolios(out: EngineOutput) -> tuple[np.ndarray, np.ndarray]:
    """Youths and portfolios (youths and older users) of active youth advisors, [week, advisor];
    -1 where the advisor is not active."""
    youth_role = out.adv_static["role"] == R_YOUTH
    on = out.adv_active[:, youth_role]
    youths = np.where(on, out.adv_youths[:, youth_role], -1)
    portfolio = np.where(on, youths + out.adv_older[:, youth_role], -1)
    return youths, portfolio


def period_week(scenario: Scenario, series: np.ndarray) -> int:
    """Index in the period of the first week where ``series`` differs from its first value."""
    first_week = build(scenario, 0)[2].first_week
    changed = np.nonzero(series != series[0])[0]
    assert len(changed), "the lever never changes inside the run"
    return int(changed[0]) - first_week


def events_in_phase(out: EngineOutput, phase: int, kind: int) -> int:
    return int(np.sum((out.events["phase"] == phase) & (out.events["kind"] == kind)))


# Lever checks: each asserts that the lever does what it says in this run.


def check_cap(mode: str) -> Callable[[Scenario, EngineOutput, EngineOutput], None]:
    def check(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
        cap = scenario.policy.portfolio_cap.youth
        start = period_week(scenario, timeline_of(scenario).cap_youth)
        youths, portfolio = youth_advisor_portfolios(out)
        assert portfolio[:start].max() > cap, "the cap must bind: some youth advisor is above it before"
        # from the start no portfolio is above the cap, unless older users alone fill it
        assert ((portfolio[start:] <= cap) | (youths[start:] <= 0)).all()
        assert events_in_phase(out, PH_CAP, EV_ADVISOR) > 0, "advisors above the cap hand over youths"
        hired = out.adv_active[:, out.adv_static["hired"]].any(axis=1)
        assert hired[start:].any() == (mode == "hire")
        assert not hired[:start].any()
        if mode == "overflow":
            both = out.adv_static["role"] == R_BOTH
            assert out.adv_youths[start:, both].sum() > base.adv_youths[start:, both].sum()

    return check


def check_average(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    """An average target keeps current users: nobody is handed over; with hire, youth
    advisors are hired from its start."""
    assert events_in_phase(out, PH_CAP, EV_ADVISOR) == 0
    start = period_week(scenario, timeline_of(scenario).cap_youth)
    hired = out.adv_active[:, out.adv_static["hired"]].any(axis=1)
    assert hired[start:].any() == (scenario.policy.portfolio_cap.mode == "hire")
    assert not hired[:start].any()


def check_staffing(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    timeline = timeline_of(scenario)
    start = period_week(scenario, timeline.youth_advisors)
    youth_role = out.adv_static["role"] == R_YOUTH
    active = (out.adv_active & youth_role).sum(axis=1)
    assert active[start] == timeline.youth_advisors[-1] != active[start - 1]
    if timeline.youth_advisors[-1] < timeline.youth_advisors[0]:
        assert events_in_phase(out, PH_STAFFING, EV_ADVISOR) > 0, "youths of leaving advisors wait"


def check_tiltak(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    timeline = timeline_of(scenario)
    start = period_week(scenario, timeline.tiltak_capacity)
    assert timeline.tiltak_capacity[-1] < timeline.tiltak_capacity[start - 1]


def check_tiltak_mix(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    timeline = timeline_of(scenario)
    assert timeline.tiltak_mix[-1, 1] == 0.7 and timeline.tiltak_mix[0, 1] != 0.7
    assert (timeline.tiltak_type_capacity.sum(axis=1) == timeline.tiltak_capacity).all()


def check_guarantee_off(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    assert not timeline_of(scenario).garanti.any()


def check_concurrent(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    assert timeline_of(scenario).concurrent.all()


def check_more_meetings(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    scheduled = 0  # channel code of scheduled meetings
    assert out.adv_contacts[:, :, scheduled].sum() > base.adv_contacts[:, :, scheduled].sum()


def check_assessment(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    timeline = timeline_of(scenario)
    assert timeline.under_assessment_mult[-1] == 0.0 and timeline.over_assessment_mult[-1] == 2.0


def check_contact_person(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    start = build(scenario, 0)[2].first_week + period_week(scenario, timeline_of(scenario).contact_churn_mult)

    def churned(o: EngineOutput) -> int:
        ev = o.events
        return int(((ev["phase"] == PH_CHURN) & (ev["kind"] == EV_ADVISOR) & (ev["week"] >= start)).sum())

    assert 0 < churned(out) < churned(base)


def check_garanti_parts(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    timeline = timeline_of(scenario)
    assert timeline.garanti_fixed_contact.any()
    assert not (timeline.garanti_priority.any() or timeline.garanti_youth_advisors.any())


def _no_check(scenario: Scenario, out: EngineOutput, base: EngineOutput) -> None:
    return None


CAP = {"youth": 30, "start": LEVER_START}  # youth advisors' portfolios are about 38
CASES: dict[str, tuple[dict, Callable[[Scenario, EngineOutput, EngineOutput], None]]] = {
    "baseline": ({}, _no_check),
    "cap_hard": ({"policy": {"portfolio_cap": {**CAP, "mode": "hard"}}}, check_cap("hard")),
    "cap_overflow": ({"policy": {"portfolio_cap": {**CAP, "mode": "overflow"}}}, check_cap("overflow")),
    "cap_hire": ({"policy": {"portfolio_cap": {**CAP, "mode": "hire"}}}, check_cap("hire")),
    "cap_target_group_office_average": (
        {"policy": {"portfolio_cap": {"youth": 15, "counts": "target_group", "over": "office", "mode": "hard",
                                      "on_start": "keep", "start": LEVER_START}}}, check_average),
    # young users per youth advisor are about 20 nationally in the tiny run after the start
    "cap_young_national_average_hire": (
        {"policy": {"portfolio_cap": {"youth": 19, "counts": "young", "over": "national", "mode": "hire",
                                      "on_start": "keep", "start": LEVER_START}}}, check_average),
    "staffing_0.7": ({"staffing": {"youth_advisors": {"multiplier": 0.7, "start": LEVER_START}}},
                     check_staffing),
    "staffing_1.4": ({"staffing": {"youth_advisors": {"multiplier": 1.4, "start": LEVER_START}}},
                     check_staffing),
    "tiltak_0.5": ({"tiltak": {"places_multiplier": 0.5, "start": LEVER_START}}, check_tiltak),
    "tiltak_mix": ({"tiltak": {"mix": {"lonnstilskudd": 0.1, "opplaering": 0.7, "arbeidstrening": 0.1,
                                       "oppfolging": 0.1}, "start": LEVER_START}}, check_tiltak_mix),
    "ungdomsgaranti_off": ({"ungdomsgaranti": {"enabled": False}}, check_guarantee_off),
    "concurrent_treatment": ({"health": {"concurrent_treatment_and_work": True}}, check_concurrent),
    "digital_to_meeting": ({"contacts": {"digital_to_meeting_share": 0.3}}, check_more_meetings),
    "assessment": ({"assessment": {"under_assessment_multiplier": 0.0, "over_assessment_multiplier": 2.0,
                                   "start": LEVER_START}}, check_assessment),
    "contact_person": ({"contact_person": {"churn_multiplier": 0.3, "applies_to": "target_group",
                                           "start": LEVER_START}}, check_contact_person),
    "garanti_parts": ({"ungdomsgaranti": {"parts": {"youth_advisors": False, "priority": False}}},
                      check_garanti_parts),
    # not a lever but two behaviours the engines share: early exits and returns by need
    "early_exits_and_returns_by_need": (
        {"parameters": {"exits": {"early_mult": {"standard": 2.5, "situasjonsbestemt": 1.5,
                                                 "spesielt_tilpasset": 1.0, "varig_tilpasset": 1.0}},
                        "returns": {"need_mult": {"standard": 2.0, "situasjonsbestemt": 1.0,
                                                  "spesielt_tilpasset": 1.0, "varig_tilpasset": 0.5}}}},
        _no_check),
    # meetings front-loaded: a youth early in the spell comes first
    "early_spell_meetings": (
        {"parameters": {"contacts": {"priority_early_spell": 6.0, "early_spell_weeks": 20}}}, _no_check),
    # many short spells in the kvalifiseringsprogram, in and out of sosialhjelp
    "kvalifiseringsprogram": (
        {"parameters": {"benefits": {"kvp": {
            "start_weekly": {"standard": 0.0, "situasjonsbestemt": 0.05, "spesielt_tilpasset": 0.05,
                             "varig_tilpasset": 0.05},
            "mean_duration_weeks": 8}}}},
        _no_check),
}


@pytest.fixture(scope="module")
def baseline_numba(tiny_scenario: Scenario) -> EngineOutput:
    return run_engine(tiny_scenario, "numba")[0]


@pytest.mark.parametrize("case", list(CASES))
def test_engines_identical(case: str, tiny_with, baseline_numba: EngineOutput) -> None:
    overrides, check_lever = CASES[case]
    scenario = tiny_with(overrides)
    numba_out, numba_model = run_engine(scenario, "numba")
    mesa_out, mesa_model = run_engine(scenario, "mesa")
    assert numba_model.engine.hi > 1500, "a few thousand youths"
    assert_identical(numba_out, mesa_out)
    frames_n = to_frames([numba_out], numba_model.calendar)
    frames_m = to_frames([mesa_out], mesa_model.calendar)
    for name, frame in frames_n.items():
        pd.testing.assert_frame_equal(frame, frames_m[name], check_exact=True, obj=name)
    if case != "baseline":
        changed = len(numba_out.events["week"]) != len(baseline_numba.events["week"]) or not all(
            np.array_equal(ordered_events(numba_out.events)[k], ordered_events(baseline_numba.events)[k])
            for k in numba_out.events)
        assert changed, f"{case}: the lever changed nothing"
    check_lever(scenario, numba_out, baseline_numba)


def test_handing_over_the_event_log_gives_the_same_tables(tiny_scenario: Scenario) -> None:
    """``run_scenario`` lets ``to_frames`` free the raw log as it sorts it (to keep a national
    run's memory down); the tables must be those made from a log that is kept."""
    out, model = run_engine(tiny_scenario, "numba")
    kept = to_frames([out], model.calendar)
    n_events = len(out.events["week"])
    handed_over = to_frames([out], model.calendar, release_events=True)
    assert out.events == {}, "the raw log is released"
    assert len(handed_over["events"]) == n_events > 0
    for name, frame in kept.items():
        pd.testing.assert_frame_equal(handed_over[name], frame, check_exact=True, obj=name)


def test_identical_without_event_log(tiny_with) -> None:
    """Not keeping the event log changes no statistic, in either engine."""
    scenario = tiny_with({"scale": 0.004})
    seed = rep_seed(scenario.seed, 0)
    outs = [NavModel(scenario, seed, engine=e, record_events=False).run() for e in ("numba", "mesa")]
    full = run_engine(scenario, "numba")[0]
    for out in outs:
        assert len(out.events["week"]) < len(full.events["week"]) // 10
        np.testing.assert_array_equal(out.weekly, full.weekly)
        np.testing.assert_array_equal(out.adv_youths, full.adv_youths)
        np.testing.assert_array_equal(out.adv_contacts, full.adv_contacts)


# Common random numbers: what does not change a decision changes no byte of the output.


def write_run(scenario: Scenario, directory, seed: int | None = None) -> dict[str, bytes]:
    """Run ``scenario`` (numba engine), write its tables, return each file's bytes."""
    result = run_scenario(scenario, reps=1, seed=seed, engine="numba")
    directory.mkdir(parents=True)
    write_tables(result, directory)
    return {name: (directory / f"{name}.parquet").read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def baseline_files(tiny_with, tmp_path_factory) -> dict[str, bytes]:
    return write_run(tiny_with({"scale": 0.004}), tmp_path_factory.mktemp("baseline") / "run")


def test_written_tables_read_back_as_the_run_made_them(tiny_with, tmp_path) -> None:
    """The events table is written with its own encodings (delta, dictionaries); reading
    any table back gives exactly the frame the run made."""
    result = run_scenario(tiny_with({"scale": 0.004}), reps=2, engine="numba")
    write_tables(result, tmp_path)
    for name in TABLES:
        frame = getattr(result, name)
        assert len(frame) > 0
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), frame,
                                      check_exact=True, obj=name)


@pytest.mark.parametrize("mode", ["hard", "overflow", "hire"])
def test_cap_that_never_binds_changes_no_byte(mode: str, tiny_with, baseline_files, tmp_path) -> None:
    scenario = tiny_with({"scale": 0.004, "policy": {"portfolio_cap": {
        "youth": 100000, "mode": mode, "start": LEVER_START}}})
    files = write_run(scenario, tmp_path / "capped")
    for name in TABLES:
        assert files[name] == baseline_files[name], f"{name}.parquet differs under a cap of 100000 ({mode})"


def test_same_seed_same_bytes_other_seed_other_bytes(tiny_with, baseline_files, tmp_path) -> None:
    scenario = tiny_with({"scale": 0.004})
    again = write_run(scenario, tmp_path / "again")
    assert again == baseline_files
    other = write_run(scenario, tmp_path / "other", seed=scenario.seed + 1)
    assert other["events"] != baseline_files["events"]
    assert other["weekly"] != baseline_files["weekly"]


#: A single youth advisor in several offices: the others have none.
OFFICES_WITHOUT_YOUTH_ADVISORS = {"scale": 0.004, "parameters": {"advisors": {"offices_national": 750}},
                                  "staffing": {"youth_advisors": {"multiplier": 0.05}}}


@pytest.fixture(scope="module")
def without_youth_advisors(tiny_with) -> dict[str, EngineOutput]:
    """Per engine, the run with no cap in offices where some have no youth advisor."""
    scenario = tiny_with(OFFICES_WITHOUT_YOUTH_ADVISORS)
    params, timeline, sizes, _ = build(scenario, scenario.seed)
    layout = advisor_layout(scenario, params, timeline, sizes)
    youth_offices = set(layout.office[(layout.role == R_YOUTH) & ~layout.hired].tolist())
    assert params.n_offices >= 3 and len(youth_offices) == 1
    return {engine: run_engine(scenario, engine)[0] for engine in ("numba", "mesa")}


@pytest.mark.parametrize(("mode", "engine"), [
    (mode, engine) for mode in ("hard", "overflow", "hire") for engine in ("mesa", "numba")
])
def test_cap_that_never_binds_where_offices_lack_youth_advisors(
        engine: str, mode: str, tiny_with, without_youth_advisors: dict[str, EngineOutput]) -> None:
    """A cap on youth advisors' portfolios says nothing about offices that have none."""
    scenario = tiny_with({**OFFICES_WITHOUT_YOUTH_ADVISORS, "policy": {"portfolio_cap": {
        "youth": 100000, "mode": mode, "start": LEVER_START}}})
    out = run_engine(scenario, engine)[0]
    base = without_youth_advisors[engine]
    for k in base.events:
        np.testing.assert_array_equal(out.events[k], base.events[k], err_msg=f"events.{k}")
    np.testing.assert_array_equal(out.weekly, base.weekly)
