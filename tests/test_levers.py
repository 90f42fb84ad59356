"""Each policy lever does what its name promises, from its start date on (numba engine).

Every test pairs a lever with the tiny baseline (same seed: common random numbers) and
checks the mechanism a policy analyst relies on, not just that something changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.codes import (
    CH_SCHEDULED,
    EV_ADVISOR,
    EV_ASSESSMENT,
    EV_CONTACT,
    EV_REASSESSMENT,
    R_YOUTH,
    SITUASJONSBESTEMT,
    SPESIELT_TILPASSET,
)
from sim.engine.output import EngineOutput
from sim.model import NavModel
from sim.plan import STEPS, phase
from sim.rng import rep_seed
from sim.run import run_scenario

START = "2023-01-02"


def weekly(result, variable: str, category: str = "") -> pd.Series:
    w = result.weekly
    rows = w[(w["variable"] == variable) & (w["category"] == category)]
    return rows.set_index("week")["value"]


@pytest.fixture(scope="module")
def base(tiny_scenario):
    return run_scenario(tiny_scenario)


@pytest.fixture(scope="module")
def start_week(base):
    return base.calendar.first_week_from(START)


def test_tiltak_places_multiplier_scales_capacity_from_its_start(tiny_with, base, start_week) -> None:
    more = run_scenario(tiny_with({"tiltak": {"places_multiplier": 1.25, "start": START}}))
    cap_base, cap_more = weekly(base, "tiltak_capacity"), weekly(more, "tiltak_capacity")
    before, after = cap_base.index < start_week, cap_base.index >= start_week
    assert (cap_more[before] == cap_base[before]).all()
    ratio = (cap_more[after] / cap_base[after]).to_numpy()
    assert np.allclose(ratio, 1.25, atol=0.05)
    assert (weekly(more, "tiltak_in") <= cap_more).all()
    assert weekly(more, "tiltak_in")[after].mean() > weekly(base, "tiltak_in")[after].mean()


def test_fewer_tiltak_places_lengthen_the_waiting_list(tiny_with, base, start_week) -> None:
    fewer = run_scenario(tiny_with({"tiltak": {"places_multiplier": 0.5, "start": START}}))
    after = weekly(base, "tiltak_waiting").index >= start_week + 13
    assert weekly(fewer, "tiltak_waiting")[after].mean() > 1.5 * weekly(base, "tiltak_waiting")[after].mean()
    # Nobody is put out of a running tiltak: the cut takes hold as spells end, and no one
    # starts while the places in use exceed the new budget.
    in_use, cap = weekly(fewer, "tiltak_in"), weekly(fewer, "tiltak_capacity")
    settled = in_use.index >= start_week + 52
    assert (in_use[settled] <= cap[settled]).all()
    assert (in_use.diff()[(in_use > cap).shift(fill_value=False)] <= 0).all()


def test_ips_capacity_is_respected_and_doubling_fills_more_places(tiny_with, base, start_week) -> None:
    double = run_scenario(tiny_with({"ips": {"capacity_multiplier": 2.0, "start": START}}))
    after = weekly(base, "ips_in").index >= start_week + 26
    assert weekly(double, "ips_in")[after].mean() > weekly(base, "ips_in")[after].mean()


def test_longer_treatment_waits_grow_the_treatment_queue(tiny_with, base, start_week) -> None:
    slow = run_scenario(tiny_with({"health": {"treatment_wait_multiplier": 3.0, "start": START}}))
    after = weekly(base, "treatment_waiting").index >= start_week + 13
    waiting = weekly(slow, "treatment_waiting")[after].mean()
    assert waiting > 1.5 * weekly(base, "treatment_waiting")[after].mean()  # Little: about 3x in the long run


def test_concurrent_treatment_puts_more_youths_in_treatment_and_work(tiny_with, base, start_week) -> None:
    both = run_scenario(tiny_with({"health": {"concurrent_treatment_and_work": True, "start": START}}))
    key = ("stock_activity", "treatment_and_work_activity")
    after = weekly(base, *key).index >= start_week + 13
    assert weekly(both, *key)[after].mean() > weekly(base, *key)[after].mean()


def test_digital_to_meeting_trades_messages_for_meetings(tiny_with, base, start_week) -> None:
    meet = run_scenario(tiny_with({"contacts": {"digital_to_meeting_share": 0.3, "start": START}}))
    after = weekly(base, "contacts", "scheduled_meeting").index >= start_week
    assert weekly(meet, "contacts", "scheduled_meeting")[after].sum() > \
        weekly(base, "contacts", "scheduled_meeting")[after].sum()
    assert weekly(meet, "contacts", "activity_plan")[after].sum() < \
        weekly(base, "contacts", "activity_plan")[after].sum()


def test_staffing_multiplier_changes_the_number_of_youth_advisors(tiny_with, base, start_week) -> None:
    more = run_scenario(tiny_with({"staffing": {"youth_advisors": {"multiplier": 1.5, "start": START}}}))
    n_base, n_more = weekly(base, "advisors", "youth"), weekly(more, "advisors", "youth")
    assert (n_more[n_more.index < start_week] == n_base[n_base.index < start_week]).all()
    after = n_base.index >= start_week
    assert np.allclose(n_more[after] / n_base[after], 1.5, atol=0.1)
    mean_more = weekly(more, "portfolio_mean", "youth")[after].mean()
    assert mean_more < weekly(base, "portfolio_mean", "youth")[after].mean()


def test_staffing_multiplier_changes_the_number_of_both_age_advisors(tiny_with, base, start_week) -> None:
    """Fewer all-age advisors from the start: their number falls by the multiplier, the
    youth advisors stay, and the all-age advisors left take more youths each (their older
    users are their own, so the whole portefølje need not grow)."""
    fewer = run_scenario(tiny_with({"staffing": {"both_advisors": {"multiplier": 0.5, "start": START}}}))
    n_base, n_fewer = weekly(base, "advisors", "both"), weekly(fewer, "advisors", "both")
    assert (n_fewer[n_fewer.index < start_week] == n_base[n_base.index < start_week]).all()
    after = n_base.index >= start_week
    assert np.allclose(n_fewer[after] / n_base[after], 0.5, atol=0.1)
    assert (weekly(fewer, "advisors", "youth") == weekly(base, "advisors", "youth")).all()
    youths_fewer = weekly(fewer, "youths_per_advisor", "both")[after].mean()
    assert youths_fewer > 1.1 * weekly(base, "youths_per_advisor", "both")[after].mean()


def test_ungdomsgaranti_off_means_more_advisor_changes(tiny_with, base) -> None:
    off = run_scenario(tiny_with({"ungdomsgaranti": {"enabled": False}}))
    garanti = base.calendar.first_week_from("2023-07-01")

    def changes(result) -> int:
        ev = result.events
        return int(((ev["kind"] == "advisor") & (ev["value"] == -1) & (ev["week"] >= garanti)).sum())

    assert changes(off) > changes(base)


def _youth_advisor_portfolios(result, start_week: int) -> pd.DataFrame:
    adv = result.advisors
    return adv[(adv["role"] == "youth") & (adv["week"] >= start_week)]


@pytest.mark.parametrize("mode", ["hard", "overflow", "hire"])
def test_a_binding_cap_holds_in_every_mode(mode: str, tiny_with, base, start_week) -> None:
    cap = {"youth": 40, "mode": mode, "start": START}
    capped = run_scenario(tiny_with({"policy": {"portfolio_cap": cap}}))
    held = _youth_advisor_portfolios(capped, start_week)
    assert ((held["portfolio"] <= 40) | (held["youths"] == 0)).all()
    assert (_youth_advisor_portfolios(base, start_week)["portfolio"] > 40).any()  # it binds
    after = weekly(base, "advisor_waiting").index >= start_week
    if mode == "hard":
        assert weekly(capped, "advisor_waiting")[after].mean() > weekly(base, "advisor_waiting")[after].mean()
    if mode == "overflow":
        assert weekly(capped, "youths_per_advisor", "both")[after].mean() > \
            weekly(base, "youths_per_advisor", "both")[after].mean()
    if mode == "hire":
        hired = weekly(capped, "hired_advisors")
        assert hired[after].max() > 0 and hired[~after].max() == 0
        assert capped.advisors[capped.advisors["hired"]]["older"].eq(0).all()


# --- the first assessment, the fixed contact person and the guarantee's parts ---------------
# These read the engine's own event log, whose events carry the step of the week that wrote
# them (churn, assign, contacts), and the innsatsgruppe each youth held at that moment.

GARANTI = "2023-07-01"


def raw_run(scenario) -> tuple[EngineOutput, int]:
    """The numba engine's raw output and the week index of ``START``."""
    model = NavModel(scenario, rep_seed(scenario.seed, 0))
    return model.run(), model.calendar.first_week_from(START)


@pytest.fixture(scope="module")
def base_raw(tiny_scenario) -> EngineOutput:
    return raw_run(tiny_scenario)[0]


def event_frame(out: EngineOutput) -> pd.DataFrame:
    """The log with, on every event, the group its youth held when it happened (the last
    assessment or reassessment at or before it in the week's order of steps)."""
    ev = pd.DataFrame(out.events)
    ev["order"] = ev["week"].astype(np.int64) * len(STEPS) + ev["phase"]
    ev = ev.reset_index(names="seq").sort_values(["order", "seq"])
    groups = ev[ev["kind"].isin([EV_ASSESSMENT, EV_REASSESSMENT])][["order", "youth", "value"]]
    groups = groups.rename(columns={"value": "group"}).drop_duplicates(["order", "youth"], keep="last")
    return pd.merge_asof(ev, groups, on="order", by="youth")


def churned(ev: pd.DataFrame) -> pd.DataFrame:
    """Advisor changes of the churn step."""
    return ev[(ev["phase"] == phase("churn")) & (ev["kind"] == EV_ADVISOR) & (ev["value"] == -1)]


def in_target_group(ev: pd.DataFrame) -> pd.Series:
    return ev["group"].isin([SITUASJONSBESTEMT, SPESIELT_TILPASSET])


def first_assessments(out: EngineOutput) -> pd.DataFrame:
    """Each spell's first §14a group next to the youth's true need."""
    ev = pd.DataFrame(out.events)
    first = ev[ev["kind"] == EV_ASSESSMENT].copy()
    need = pd.Series(out.youths["need"], index=out.youths["youth"])
    first["need"] = need.loc[first["youth"]].to_numpy()
    return first


def test_an_exact_first_assessment_gives_every_youth_the_group_of_their_need(tiny_with, base_raw) -> None:
    exact = {"assessment": {"under_assessment_multiplier": 0.0, "over_assessment_multiplier": 0.0,
                            "start": START}}
    out, start = raw_run(tiny_with(exact))
    now, then = first_assessments(out), first_assessments(base_raw)
    assert (now["value"] != now["need"])[now["week"] < start].sum() > 0
    after = now[now["week"] >= start]
    assert len(after) > 500 and (after["value"] == after["need"]).all()
    assert (then["value"] != then["need"])[then["week"] >= start].mean() > 0.1  # the lever binds
    before = now["week"] < start
    pd.testing.assert_frame_equal(now[before], then[then["week"] < start])


def test_a_faster_assessment_raises_groups_too_low_sooner_and_only_from_its_start(
        tiny_with, base_raw) -> None:
    """Under the speed lever more youths placed below their need are raised each week (the
    week's reassessment draw is the same in both runs), none before the start."""
    out, start = raw_run(tiny_with({"assessment": {"speed_multiplier": 4.0, "start": START}}))

    def raised(o: EngineOutput) -> pd.DataFrame:
        ev = pd.DataFrame(o.events)
        return ev[ev["kind"] == EV_REASSESSMENT]

    now, then = raised(out), raised(base_raw)
    pd.testing.assert_frame_equal(now[now["week"] < start].reset_index(drop=True),
                                  then[then["week"] < start].reset_index(drop=True))
    up_now = (now["week"] >= start).sum()
    up_then = (then["week"] >= start).sum()
    assert up_then > 20 and up_now > 1.5 * up_then


def test_halving_too_low_assessments_halves_their_share(tiny_with, base_raw) -> None:
    """Same draws in both runs (common random numbers): every spell assessed too low under
    the lever was too low without it, and about half of those are left."""
    out, start = raw_run(tiny_with({"assessment": {"under_assessment_multiplier": 0.5, "start": START}}))
    spells = first_assessments(base_raw).merge(first_assessments(out), on=["week", "youth", "need"],
                                               suffixes=("_base", "_lever"))
    spells = spells[spells["week"] >= start]
    low_base, low_lever = spells["value_base"] < spells["need"], spells["value_lever"] < spells["need"]
    assert low_base.sum() > 150
    assert not (low_lever & ~low_base).any()
    assert 0.35 < low_lever.sum() / low_base.sum() < 0.65


def test_a_fixed_contact_person_for_all_stops_advisor_changes_from_its_start(tiny_with, base_raw) -> None:
    out, start = raw_run(tiny_with({"contact_person": {"churn_multiplier": 0.0, "start": START}}))
    now, then = churned(event_frame(out)), churned(event_frame(base_raw))
    assert (now["week"] >= start).sum() == 0
    assert (then["week"] >= start).sum() > 50
    pd.testing.assert_frame_equal(now[now["week"] < start], then[then["week"] < start])


def test_a_fixed_contact_person_for_the_target_group_leaves_the_others_changing(tiny_with) -> None:
    lever = {"churn_multiplier": 0.0, "applies_to": "target_group", "start": START}
    out, start = raw_run(tiny_with({"contact_person": lever}))
    after = churned(event_frame(out))
    after = after[after["week"] >= start]
    assert not in_target_group(after).any()
    assert len(after) > 20  # standard and varig tilpasset still change advisors


def test_the_lever_and_the_guarantee_give_one_contact_person_not_two(tiny_scenario, tiny_with,
                                                                  base_raw) -> None:
    """The guarantee's own fixed contact person already covers its target group; a lever of
    the same strength or weaker for the target group changes nothing."""
    own = tiny_scenario.parameters.ungdomsgaranti.churn_mult
    lever = {"churn_multiplier": min(1.0, 1.5 * own), "applies_to": "target_group", "start": GARANTI}
    out, _ = raw_run(tiny_with({"contact_person": lever}))
    np.testing.assert_array_equal(out.weekly, base_raw.weekly)


def test_every_part_off_is_the_guarantee_off(tiny_with) -> None:
    parts = {"fixed_contact_person": False, "youth_advisors": False, "priority": False}
    none, _ = raw_run(tiny_with({"ungdomsgaranti": {"parts": parts}}))
    off, _ = raw_run(tiny_with({"ungdomsgaranti": {"enabled": False}}))
    for k in off.events:
        np.testing.assert_array_equal(none.events[k], off.events[k])


def target_share(ev: pd.DataFrame, rows: pd.Series, since: int) -> float:
    """Share of the events ``rows`` from week ``since`` on that concern the target group."""
    picked = ev[rows & (ev["week"] >= since)]
    return float(in_target_group(picked).mean())


#: Advisors at 60 % of today's: the priority decides who is met only when the meeting budget
#: binds, which at today's staffing is too seldom in a tiny run to tell it from chance.
STRAINED: dict = {"staffing": {"youth_advisors": {"multiplier": 0.6},
                               "both_advisors": {"multiplier": 0.6}}}


#: The baseline places the guarantee's target group with youth advisors as often as other
#: new youths (the 2024 portfolios show no shift), so its placement part has nothing to undo
#: there; the parts are tested with the priors' placement share for the target group.
PLACEMENT: dict = {"parameters": {"ungdomsgaranti": {"youth_advisor_share": 0.85}}}


@pytest.fixture(scope="module")
def placed_raw(tiny_with) -> EngineOutput:
    return raw_run(tiny_with(PLACEMENT))[0]


@pytest.fixture(scope="module")
def strained_raw(tiny_with) -> EngineOutput:
    return raw_run(tiny_with({**STRAINED, **PLACEMENT}))[0]


@pytest.mark.parametrize("part", ["fixed_contact_person", "youth_advisors", "priority"])
def test_each_part_of_the_guarantee_acts_on_its_own(part: str, tiny_with, placed_raw,
                                                    strained_raw) -> None:
    """Switching one part off undoes that part for the target group, and only that part:
    the other two mechanisms are as strong as with the whole guarantee. Advisor changes and
    placements are read at today's staffing, meetings with advisors strained."""
    off = {"ungdomsgaranti": {"parts": {part: False}}}
    out, _ = raw_run(tiny_with({**PLACEMENT, **off}))
    strained_out, _ = raw_run(tiny_with({**STRAINED, **PLACEMENT, **off}))
    garanti = NavModel(tiny_with({}), 0).calendar.first_week_from(GARANTI)
    runs = {"part off": event_frame(out), "whole": event_frame(placed_raw),
            "strained part off": event_frame(strained_out), "strained whole": event_frame(strained_raw)}
    role = {"part off": out.adv_static["role"], "whole": placed_raw.adv_static["role"]}

    def changes_per_target_assignment(ev: pd.DataFrame) -> float:
        late = ev[ev["week"] >= garanti]
        tg = in_target_group(late)
        return (tg & (late["phase"] == phase("churn")) & (late["kind"] == EV_ADVISOR)
                & (late["value"] == -1)).sum() / (tg & (late["kind"] == EV_ADVISOR)).sum()

    def youth_advisor_share(name: str) -> float:
        ev = runs[name]
        placed = ev[(ev["phase"] == phase("assign")) & (ev["kind"] == EV_ADVISOR) & (ev["value"] >= 0)
                    & (ev["week"] >= garanti) & in_target_group(ev)]
        return float((role[name][placed["value"]] == R_YOUTH).mean())

    def meeting_share(name: str) -> float:
        ev = runs[name]
        return target_share(ev, (ev["kind"] == EV_CONTACT) & (ev["value"] == CH_SCHEDULED), garanti)

    more_changes = changes_per_target_assignment(runs["part off"]) > \
        1.5 * changes_per_target_assignment(runs["whole"])
    fewer_youth_advisors = youth_advisor_share("part off") < youth_advisor_share("whole") - 0.1
    # The target group already gets most scheduled meetings (about 0.92 in the strained tiny
    # run), so the priority shows as the others' share: it grows by more than a tenth without it.
    fewer_meetings = (1.0 - meeting_share("strained part off")
                      > 1.1 * (1.0 - meeting_share("strained whole")))
    assert (more_changes, fewer_youth_advisors, fewer_meetings) == (
        part == "fixed_contact_person", part == "youth_advisors", part == "priority")
