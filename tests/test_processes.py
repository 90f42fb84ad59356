"""The decisions of ``sim.processes`` on hand-made tables, against values worked out by hand.

Both engines call these same functions, so the engine-equivalence test cannot catch a rule
that is wrong in both: these tests can. They run the Python twins (what the Mesa engine
runs); the last tests check that the compiled decisions (what the numba kernels inline)
give the same answers.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

from sim.codes import (
    B_AAP,
    B_DAGPENGER,
    B_NONE,
    B_SOSIALHJELP,
    B_TILTAKSPENGER,
    B_UFORE,
    CH_ACTIVITY_PLAN,
    CH_EMAIL_SMS,
    CH_SCHEDULED,
    CH_UNSCHEDULED,
    EV_ADVISOR,
    EV_BENEFIT,
    EV_EXIT,
    EV_TILTAK,
    N_CHANNELS,
    Q_IN,
    Q_NONE,
    Q_WAITING,
    ROLE,
    S_EDUCATION,
    S_FOLLOW_UP,
    S_OUTSIDE,
    S_UFORE,
    S_WORK,
    S_WORK_AND_EDUCATION,
    SITUASJONSBESTEMT,
    STANDARD,
    WEEKS_PER_YEAR,
)
from sim.engine.tables import empty_events
from sim.params import CAP_COUNTS, CAP_MODES, CAP_OVER, build
from sim.processes import advisors, contacts, entry, places, spells, transitions
from sim.processes.decision import python
from sim.rng import week_keys
from sim.state import ADVISOR_COLUMNS, Advisors, empty_youths

YOUTH, BOTH = ROLE.index("youth"), ROLE.index("both")
WEEK = 200
ALL, YOUNG, TARGET = (CAP_COUNTS.index(c) for c in ("all", "young", "target_group"))
#: The cap's fields of ``Params``, enough for the advisor decisions.
CapParams = namedtuple("CapParams", "cap_mode cap_counts cap_over")  # noqa: PYI024


def cap_params(mode: str = "hard", counts: str = "all", over: str = "advisor") -> CapParams:
    return CapParams(CAP_MODES.index(mode), CAP_COUNTS.index(counts), CAP_OVER.index(over))


def office_of(roles: list[int], n_youths: list[int], older: list[int] | None = None,
              hired: list[bool] | None = None, active: list[bool] | None = None,
              n_target: list[int] | None = None) -> Advisors:
    """One office (0) whose advisors have these roles and portfolios."""
    n = len(roles)
    columns = {
        "role": np.array(roles, dtype=np.int8), "office": np.zeros(n, dtype=np.int16),
        "employer": np.zeros(n, dtype=np.int8), "older": np.array(older or [0] * n, dtype=np.int32),
        "older_base": np.array(older or [0] * n, dtype=np.int32), "capacity": np.ones(n, dtype=np.float64),
        "active": np.array(active or [True] * n, dtype=np.bool_),
        "hired": np.array(hired or [False] * n, dtype=np.bool_),
        "n_youths": np.array(n_youths, dtype=np.int32),
        "n_target": np.array(n_target or [0] * n, dtype=np.int32),
        "contacts": np.zeros((n, N_CHANNELS), dtype=np.int32),
        "office_start": np.array([0, n], dtype=np.int32), "office_members": np.arange(n, dtype=np.int32),
    }
    assert set(columns) == {c.name for c in ADVISOR_COLUMNS}
    return Advisors(**columns)


def sink() -> tuple:
    return empty_events(64), np.zeros(1, dtype=np.int64)


def written(E, n_ev) -> list[tuple[int, int]]:
    """The events written, as (kind, value)."""
    return [(int(E.kind[k]), int(E.value[k])) for k in range(n_ev[0])]


@pytest.fixture(scope="module")
def built(tiny_scenario):
    params, timeline, _, _ = build(tiny_scenario, 1)
    return params, timeline


# --- spells ---------------------------------------------------------------------------------

def test_leaving_follow_up_releases_the_advisor_the_tiltak_and_the_benefit() -> None:
    Y, A = empty_youths(1), office_of([YOUTH], [1])
    Y.status[0], Y.advisor[0], Y.tiltak[0], Y.benefit[0] = S_FOLLOW_UP, 0, Q_IN, B_AAP
    E, n_ev = sink()
    python(spells.end_spell)(Y, A, E, n_ev, WEEK, 0, 3, S_WORK)
    assert (Y.status[0], Y.advisor[0], Y.tiltak[0], Y.benefit[0]) == (S_WORK, -1, Q_NONE, B_NONE)
    assert A.n_youths[0] == 0
    assert written(E, n_ev) == [(EV_ADVISOR, -1), (EV_TILTAK, Q_NONE), (EV_BENEFIT, B_NONE),
                                (EV_EXIT, S_WORK)]


def test_leaving_for_ufore_starts_uforetrygd() -> None:
    Y, A = empty_youths(1), office_of([YOUTH], [0])
    Y.status[0], Y.benefit[0] = S_FOLLOW_UP, B_AAP
    E, n_ev = sink()
    python(spells.end_spell)(Y, A, E, n_ev, WEEK, 0, 3, S_UFORE)
    assert (Y.status[0], Y.benefit[0]) == (S_UFORE, B_UFORE)
    assert written(E, n_ev) == [(EV_BENEFIT, B_UFORE), (EV_EXIT, S_UFORE)]


def test_a_youth_ages_out_in_the_week_they_turn_thirty() -> None:
    born = WEEK - spells.AGE_OUT * WEEKS_PER_YEAR
    assert python(spells.reaches_age_out)(born, WEEK)
    assert not python(spells.reaches_age_out)(born + 1, WEEK)


def test_only_those_who_left_for_work_education_or_nothing_come_back() -> None:
    hazard = np.zeros((16, 4))          # [status, need]
    hazard[[S_WORK, S_EDUCATION, S_WORK_AND_EDUCATION, S_OUTSIDE], :] = 0.5
    hazard[S_WORK, 0] = 0.8             # the need's own hazard is the one read
    back = python(spells.comes_back)
    assert back(S_WORK, 1, 0.49, hazard) and back(S_OUTSIDE, 2, 0.1, hazard)
    assert not back(S_WORK, 1, 0.51, hazard) and back(S_WORK, 0, 0.51, hazard)
    assert not back(S_FOLLOW_UP, 0, 0.0, hazard) and not back(S_UFORE, 0, 0.0, hazard)


# --- advisors and the cap -------------------------------------------------------------------

def test_cap_excess_counts_the_youths_over_the_cap_and_never_the_older_users() -> None:
    excess = python(advisors.cap_excess)
    A = office_of([YOUTH, YOUTH, BOTH, YOUTH], [30, 30, 80, 30], older=[25, 60, 0, 0],
                  active=[True, True, True, False])
    assert excess(A, 0, 50, ALL) == 5       # 55 users, cap 50: five youths handed over
    assert excess(A, 0, 0, ALL) == 0        # no cap
    assert excess(A, 0, 55, ALL) == 0       # at the cap
    assert excess(A, 0, 60, ALL) == 0       # under the cap
    assert excess(A, 1, 50, ALL) == 30      # older users alone over the cap: every youth, no more
    assert excess(A, 1, 50, YOUNG) == 0     # counting the young only: 30 is under the cap
    assert excess(A, 2, 50, ALL) == 0       # a both-age advisor is not under the youth cap
    assert excess(A, 3, 20, ALL) == 0       # an empty slot hands over nobody


def test_a_target_group_cap_counts_and_moves_only_the_guarantees_target_group() -> None:
    excess = python(advisors.cap_excess)
    A = office_of([YOUTH], [60], older=[10], n_target=[45])
    assert python(advisors.counted)(A, 0, TARGET) == 45
    assert excess(A, 0, 40, TARGET) == 5
    assert excess(A, 0, 50, TARGET) == 0    # 70 users in all, 45 of the target group
    assert excess(A, 0, 10, TARGET) == 35   # at most the target-group youths it holds
    counts = python(advisors.counts_toward_cap)
    assert counts(SITUASJONSBESTEMT, TARGET) and not counts(STANDARD, TARGET)
    assert counts(STANDARD, ALL) and counts(STANDARD, YOUNG)


def test_the_least_loaded_advisor_counts_older_users_and_breaks_ties_by_id() -> None:
    pick = python(advisors.least_loaded)
    A = office_of([YOUTH, YOUTH, YOUTH, BOTH], [10, 5, 5, 0], older=[0, 5, 0, 0])
    assert pick(A, 0, YOUTH, 0, ALL) == 2   # 10, 10, 5 users
    A.n_youths[2] = 10
    assert pick(A, 0, YOUTH, 0, ALL) == 0   # three ties at 10: lowest id
    assert pick(A, 0, YOUTH, 10, ALL) == -1  # all at the cap
    assert pick(A, 0, YOUTH, 10, YOUNG) == 1  # counting the young only, advisor 1 holds 5
    assert pick(A, 0, BOTH, 0, ALL) == 3


@pytest.mark.parametrize(("mode", "expected"), [("hard", -1), ("overflow", 2), ("hire", 3)])
def test_when_every_youth_advisor_is_at_the_cap_the_mode_decides(mode: str, expected: int) -> None:
    A = office_of([YOUTH, YOUTH, BOTH, YOUTH], [50, 50, 70, 0], hired=[False, False, False, True],
                  active=[True, True, True, False])
    got = python(advisors.choose_advisor)(A, cap_params(mode), 0, True, True, 50, np.zeros(1, dtype=np.int64))
    assert got == expected
    assert bool(A.active[3]) == (mode == "hire")


def test_a_cap_in_an_office_without_youth_advisors_changes_nothing() -> None:
    A = office_of([BOTH, BOTH], [70, 60])
    choose = python(advisors.choose_advisor)
    national = np.zeros(1, dtype=np.int64)
    for mode in CAP_MODES:
        for over in CAP_OVER:
            P = cap_params(mode, over=over)
            assert choose(A, P, 0, True, True, 50, national) == choose(A, P, 0, True, True, 0, national) == 1


def test_a_youth_meant_for_a_both_age_advisor_gets_a_youth_advisor_if_the_office_has_none() -> None:
    A = office_of([YOUTH, YOUTH], [20, 10])
    national = np.zeros(1, dtype=np.int64)
    assert python(advisors.choose_advisor)(A, cap_params(), 0, False, True, 0, national) == 1


def test_an_office_average_binds_when_the_office_is_full_on_average() -> None:
    choose = python(advisors.choose_advisor)
    national = np.zeros(1, dtype=np.int64)
    P = cap_params("hard", "target_group", "office")
    A = office_of([YOUTH, YOUTH], [70, 40], n_target=[60, 30])    # target group 45 on average
    assert python(advisors.room)(A, 0, 2, 50, TARGET) == 10
    assert choose(A, P, 0, True, True, 50, national) == 1           # room: the least loaded
    A.n_target[1] = 41                                               # 60 + 41 > 2 x 50
    assert choose(A, P, 0, True, True, 50, national) == -1          # a hard target: wait
    assert choose(A, P, 0, True, False, 50, national) == 1          # a standard youth does not count


def test_a_national_average_uses_the_room_it_is_given_and_a_hire_adds_to_it() -> None:
    choose = python(advisors.choose_advisor)
    A = office_of([YOUTH, YOUTH, YOUTH], [70, 40, 0], hired=[False, False, True], active=[True, True, False])
    assert python(advisors.national_room)(A, 50, ALL) == -10
    assert choose(A, cap_params(over="national"), 0, True, True, 50, np.array([3])) == 1
    assert choose(A, cap_params(over="national"), 0, True, True, 50, np.array([0])) == -1
    national = np.array([0])
    assert choose(A, cap_params("hire", over="national"), 0, True, True, 50, national) == 2
    assert national[0] == 50


def test_placing_a_youth_who_counts_uses_up_the_national_room(built) -> None:
    params, timeline = built
    Y, A = empty_youths(2), office_of([YOUTH, YOUTH], [10, 20])
    Y.status[:] = S_FOLLOW_UP
    Y.group[0], Y.group[1] = SITUASJONSBESTEMT, STANDARD
    Y.advisor[:] = -1
    P = params._replace(youth_advisor_share=1.0, garanti_youth_advisor_share=1.0, cap_counts=TARGET,
                        cap_over=CAP_OVER.index("national"))
    national = np.array([5])
    E, n_ev = sink()
    for i in (0, 1):
        python(advisors.place)(Y, A, E, n_ev, P, timeline, WEEK, i, 50, national, 6)
    assert list(Y.advisor) == [0, 0] and national[0] == 4             # only the target-group youth counts
    assert A.n_target[0] == 1 and A.n_youths[0] == 12


def test_the_target_group_count_follows_reassessment_and_leaving() -> None:
    Y, A = empty_youths(1), office_of([YOUTH], [1], n_target=[0])
    Y.advisor[0], Y.group[0] = 0, STANDARD
    python(advisors.regroup)(Y, A, 0, SITUASJONSBESTEMT)
    assert (Y.group[0], A.n_target[0]) == (SITUASJONSBESTEMT, 1)
    E, n_ev = sink()
    python(spells.unassign)(Y, A, E, n_ev, WEEK, 0, 2)
    assert (A.n_youths[0], A.n_target[0]) == (0, 0)


def test_the_office_decides_once_per_wait_whether_a_youth_gets_a_youth_advisor(built) -> None:
    params, timeline = built
    Y = empty_youths(200)
    Y.group[:] = STANDARD
    Y.wait_since[:] = WEEK
    wants = python(advisors.wants_youth_advisor)
    P = params._replace(youth_advisor_share=0.5)
    first = [wants(Y, P, timeline, WEEK, i) for i in range(200)]
    later = [wants(Y, P, timeline, WEEK + 7, i) for i in range(200)]
    assert first == later and 60 < sum(first) < 140


def test_the_cap_mode_codes_are_the_scenario_words() -> None:
    assert CAP_MODES[advisors.CAP_HARD] == "hard"
    assert CAP_MODES[advisors.CAP_OVERFLOW] == "overflow"
    assert CAP_MODES[advisors.CAP_HIRE] == "hire"


def test_the_guarantee_keeps_its_target_group_with_their_advisor(built) -> None:
    params, timeline = built
    Y = empty_youths(2)
    Y.group[0], Y.group[1] = SITUASJONSBESTEMT, STANDARD
    keys = week_keys(1, WEEK)
    T = timeline._replace(garanti_fixed_contact=np.ones(WEEK + 1, dtype=np.bool_),
                          contact_churn_mult=np.ones(WEEK + 1))
    P = params._replace(churn=1.0, garanti_churn_mult=0.0)
    churns = python(advisors.churns)
    assert not churns(Y, P, T, keys, WEEK, 0)   # target group: the fixed contact person stays
    assert churns(Y, P, T, keys, WEEK, 1)       # standard innsats: not covered


def test_assigning_an_advisor_makes_a_first_contact_due() -> None:
    Y, A = empty_youths(1), office_of([YOUTH], [4])
    Y.group[0] = SITUASJONSBESTEMT
    E, n_ev = sink()
    python(advisors.assign)(Y, A, E, n_ev, WEEK, 0, 0, 2)
    assert (Y.advisor[0], Y.assigned_week[0], bool(Y.pending[0]), A.n_youths[0]) == (0, WEEK, True, 5)
    assert A.n_target[0] == 1
    assert written(E, n_ev) == [(EV_ADVISOR, 0)]


# --- contacts -------------------------------------------------------------------------------

def test_a_meeting_renews_the_last_meeting_and_a_message_does_not(built) -> None:
    params, _ = built
    Y = empty_youths(2)
    Y.pending[:] = True
    python(contacts.contacted)(Y, params, WEEK, 0, CH_SCHEDULED)
    python(contacts.contacted)(Y, params, WEEK, 1, CH_EMAIL_SMS)
    assert list(Y.last_meeting) == [WEEK, 0] and list(Y.last_contact) == [WEEK, WEEK]
    assert not Y.pending.any()
    assert Y.intensity[0] == pytest.approx(params.intensity_weight[CH_SCHEDULED])
    assert Y.intensity[1] == pytest.approx(params.intensity_weight[CH_EMAIL_SMS])


def test_dialogue_goes_quiet_and_starts_again_by_the_weekly_hazards(built) -> None:
    """Of many users in follow-up, the paused share of the active ones and the resumed share
    of the quiet ones are the weekly hazards; non-users and youths out of follow-up never
    turn; with no pause the dialogue never stops, as before the dialogue came and went."""
    params, _ = built
    n = 20000
    turn = python(contacts.turn_dialogue)
    keys = week_keys(params.seed, WEEK)

    def youths(active: bool) -> object:
        Y = empty_youths(n)
        Y.status[:] = S_FOLLOW_UP
        Y.dialogue_user[:] = True
        Y.dialogue_active[:] = active
        return Y

    P = params._replace(dialogue_pause=0.1, dialogue_resume=0.3)
    Y = youths(True)
    for i in range(n):
        turn(Y, P, keys, i)
    assert 1 - Y.dialogue_active.mean() == pytest.approx(0.1, abs=0.01)
    Y = youths(False)
    for i in range(n):
        turn(Y, P, keys, i)
    assert Y.dialogue_active.mean() == pytest.approx(0.3, abs=0.015)
    Y = youths(True)
    Y.dialogue_user[: n // 2] = False
    Y.dialogue_active[: n // 2] = False
    Y.status[n // 2: n // 2 + 10] = S_WORK
    for i in range(n):
        turn(Y, P._replace(dialogue_pause=1.0, dialogue_resume=1.0), keys, i)
    assert not Y.dialogue_active[: n // 2].any(), "a youth who does not use the dialogue never starts"
    assert Y.dialogue_active[n // 2: n // 2 + 10].all(), "out of follow-up nothing turns"
    Y = youths(True)
    for i in range(100):
        turn(Y, P._replace(dialogue_pause=0.0), keys, i)
    assert Y.dialogue_active.all()
    compiled, twin = youths(True), youths(True)
    for i in range(200):
        contacts.turn_dialogue(compiled, P, keys, i)
        turn(twin, P, keys, i)
    assert (compiled.dialogue_active == twin.dialogue_active).all()


def test_only_a_going_dialogue_writes_in_the_activity_plan(built) -> None:
    params, _ = built
    Y = empty_youths(2)
    Y.status[:] = S_FOLLOW_UP
    Y.dialogue_user[:] = True
    Y.dialogue_active[:] = [True, False]
    P = params._replace(user_message=np.ones_like(params.user_message))
    E, n_ev = sink()
    for i in range(2):
        python(contacts.write_message)(Y, E, n_ev, P, week_keys(params.seed, WEEK), WEEK, i, 0)
    assert n_ev[0] == 1 and E.youth[0] == 0


def test_turning_digital_time_into_meetings_moves_the_budget_at_the_meeting_cost(built) -> None:
    params, timeline = built
    A = office_of([YOUTH], [40], older=[10])
    keys = week_keys(1, WEEK)
    n = len(timeline.year)
    plan = python(contacts.plan_week)
    before, after = np.zeros(N_CHANNELS), np.zeros(N_CHANNELS)
    quota = np.zeros(N_CHANNELS, dtype=np.int64)
    T0 = timeline._replace(digital_to_meeting=np.zeros(n), meeting_cost=np.full(n, 2.0))
    T1 = timeline._replace(digital_to_meeting=np.full(n, 0.5), meeting_cost=np.full(n, 2.0))
    share = plan(A, params, T0, keys, 10, 0, 40, before, quota)
    assert share == plan(A, params, T1, keys, 10, 0, 40, after, quota)
    digital = before[CH_ACTIVITY_PLAN] + before[CH_EMAIL_SMS]
    assert after[CH_ACTIVITY_PLAN] == pytest.approx(before[CH_ACTIVITY_PLAN] / 2)
    assert after[CH_EMAIL_SMS] == pytest.approx(before[CH_EMAIL_SMS] / 2)
    assert after[CH_SCHEDULED] == pytest.approx(before[CH_SCHEDULED] + 0.5 * digital / 2.0)
    assert after[CH_UNSCHEDULED] == pytest.approx(before[CH_UNSCHEDULED])
    assert 0.0 < share < 1.0  # 40 youths and 10 older users share the time


def test_contacts_the_youths_cannot_take_go_to_older_users() -> None:
    A = office_of([YOUTH, YOUTH], [2, 2], older=[30, 0])
    give = python(contacts.unspent_to_older)
    for a in (0, 1):
        give(A, a, CH_EMAIL_SMS, 5)
        give(A, a, CH_SCHEDULED, 0)
    assert list(A.contacts[0]) == [0, 0, 0, 5]  # the older users take the five messages
    assert not A.contacts[1].any()  # nobody to take them: they are not sent


# --- transitions and places -----------------------------------------------------------------

@pytest.mark.parametrize(("u", "where"), [(0.01, S_WORK_AND_EDUCATION), (0.05, S_WORK),
                                          (0.2, S_EDUCATION), (0.35, S_OUTSIDE)])
def test_the_uniform_that_decided_an_exit_splits_it(u: float, where: int) -> None:
    # work 0.1 (a quarter of it with education), education 0.2, outside the rest
    assert python(transitions.exit_to)(u, 0.1, 0.2, 0.25) == where


def test_a_no_show_loses_the_tiltak_place(built) -> None:
    params, timeline = built
    Y = empty_youths(1)
    Y.tiltak[0] = Q_WAITING
    E, n_ev = sink()
    took = python(places.take_tiltak_place)(Y, E, n_ev, params._replace(tiltak_no_show=1.0), timeline,
                                            week_keys(1, WEEK), WEEK, 0, 5)
    assert not took and Y.tiltak[0] == Q_NONE
    assert written(E, n_ev) == [(EV_TILTAK, Q_NONE)] and E.aux[0] == places.NO_SHOW


def tiltak_start(params, timeline, benefit: int, age: int, right: float, cut: bool) -> tuple:
    """A youth of ``age`` on ``benefit`` takes a tiltak place in WEEK; a share ``right`` of
    tiltak give the right to tiltakspenger; the rate ``cut`` in force or not."""
    Y = empty_youths(1)
    Y.tiltak[0], Y.benefit[0], Y.group[0] = Q_WAITING, benefit, SITUASJONSBESTEMT
    Y.birth_week[0] = WEEK - age * WEEKS_PER_YEAR - 10
    P = params._replace(tiltak_no_show=0.0, tiltakspenger_right_share=np.full(4, right),
                        sosialhjelp_in_tiltak=0.0)
    T = timeline._replace(tiltakspenger_cut=np.full(WEEK + 1, cut))
    E, n_ev = sink()
    took = python(places.take_tiltak_place)(Y, E, n_ev, P, T, week_keys(1, WEEK), WEEK, 0, 5)
    assert took and Y.tiltak[0] == Q_IN
    return Y, E, n_ev


@pytest.mark.parametrize(("benefit", "cut", "after"), [
    (B_NONE, False, B_TILTAKSPENGER), (B_NONE, True, B_TILTAKSPENGER),
    (B_SOSIALHJELP, False, B_TILTAKSPENGER),
    (B_SOSIALHJELP, True, B_SOSIALHJELP),        # the cut rate is below sosialhjelp
    (B_AAP, False, B_AAP), (B_DAGPENGER, False, B_DAGPENGER)])
def test_tiltakspenger_start_with_a_tiltak_only_without_another_state_benefit(
        built, benefit: int, cut: bool, after: int) -> None:
    Y, E, n_ev = tiltak_start(*built, benefit, age=20, right=1.0, cut=cut)
    assert Y.benefit[0] == after
    started = [(EV_BENEFIT, B_TILTAKSPENGER)] if after != benefit else []
    assert written(E, n_ev) == [(EV_TILTAK, Q_IN), *started]


@pytest.mark.parametrize(("age", "right", "paid"), [(17, 1.0, False), (18, 1.0, True), (25, 0.0, False)])
def test_tiltakspenger_need_age_18_and_a_tiltak_that_gives_the_right(
        built, age: int, right: float, paid: bool) -> None:
    Y, _, _ = tiltak_start(*built, B_NONE, age=age, right=right, cut=False)
    assert (Y.benefit[0] == B_TILTAKSPENGER) == paid


def test_the_rules_of_tiltakspenger() -> None:
    gets = python(places.gets_tiltakspenger)
    assert gets(B_NONE, 18, True, False) and gets(B_SOSIALHJELP, 29, True, False)
    assert not gets(B_NONE, 17, True, False)            # under 18
    assert not gets(B_NONE, 20, False, False)           # a tiltak without the right
    assert not gets(B_SOSIALHJELP, 20, True, True)      # after the cut: stays on sosialhjelp
    for b in (B_AAP, B_DAGPENGER, B_UFORE, B_TILTAKSPENGER):
        assert not gets(b, 20, True, False)


def test_some_participants_without_tiltakspenger_get_sosialhjelp(built) -> None:
    params, timeline = built
    sosialhjelp = python(places.needs_sosialhjelp_in_tiltak)
    assert sosialhjelp(B_NONE, 18, 0.4, 0.5) and not sosialhjelp(B_NONE, 18, 0.6, 0.5)
    assert not sosialhjelp(B_NONE, 17, 0.0, 1.0)          # under 18
    for b in (B_AAP, B_DAGPENGER, B_TILTAKSPENGER, B_SOSIALHJELP):
        assert not sosialhjelp(b, 20, 0.0, 1.0)
    # a tiltak without the right to tiltakspenger, and everyone in need: sosialhjelp starts
    Y = empty_youths(1)
    Y.tiltak[0], Y.benefit[0], Y.birth_week[0] = Q_WAITING, B_NONE, WEEK - 20 * WEEKS_PER_YEAR
    P = params._replace(tiltak_no_show=0.0, tiltakspenger_right_share=np.zeros(4), sosialhjelp_in_tiltak=1.0)
    E, n_ev = sink()
    assert python(places.take_tiltak_place)(Y, E, n_ev, P, timeline, week_keys(1, WEEK), WEEK, 0, 5)
    assert Y.benefit[0] == B_SOSIALHJELP
    assert written(E, n_ev) == [(EV_TILTAK, Q_IN), (EV_BENEFIT, B_SOSIALHJELP)]


def test_the_age_band_at_entry() -> None:
    band = python(entry.age_band_at)
    born = WEEK - 20 * WEEKS_PER_YEAR
    assert band(born + 1, WEEK) == 0 and band(born, WEEK) == 1      # the week of the 20th birthday
    assert band(WEEK - 16 * WEEKS_PER_YEAR, WEEK) == 0
    assert band(WEEK - 24 * WEEKS_PER_YEAR - 51, WEEK) == 1 and band(WEEK - 25 * WEEKS_PER_YEAR, WEEK) == 2


@pytest.mark.parametrize(("band", "lowered", "u", "weeks"), [
    (3, False, 0.30, 104),     # laid off from work (ordinary share 1): half get the long period
    (3, False, 0.90, 52),      # ... and everyone laid off gets at least the short one
    (0, False, 0.10, 104),     # ordinary share 0.4 in 16-19, half of them earned 2 G: long period
    (0, False, 0.30, 52),      # met the ordinary requirement only: short period
    (0, False, 0.50, 0),       # earned too little for the ordinary requirement
    (0, True, 0.50, 52),       # ... which the pandemic's lowered requirement lets through
    (2, False, 0.50, 52),      # 25-29: ordinary share 0.8, long below 0.4
    (2, False, 0.90, 0),
])
def test_dagpenger_need_earlier_earnings_and_the_period_follows_them(
        band: int, lowered: bool, u: float, weeks: int) -> None:
    ordinary = np.array([0.4, 0.6, 0.8, 1.0])[band]  # the age bands, then the laid off
    assert python(entry.dagpenger_period)(ordinary, lowered, u, 0.5, 104, 52) == weeks


@pytest.mark.parametrize(("pandemic", "ends"), [(False, True), (True, False)])
def test_dagpenger_run_out_after_their_period_except_under_the_pandemic_rules(
        built, pandemic: bool, ends: bool) -> None:
    params, timeline = built
    Y, A = empty_youths(1), office_of([YOUTH], [1])
    Y.status[0], Y.advisor[0], Y.group[0], Y.need[0] = S_FOLLOW_UP, 0, STANDARD, STANDARD
    Y.benefit[0], Y.benefit_since[0], Y.dagpenger_weeks[0] = B_DAGPENGER, WEEK - 52, 52
    P = params._replace(exit_work=np.zeros_like(params.exit_work), exit_education=np.zeros(4),
                        exit_outside=np.zeros(4), sosialhjelp_after_dagpenger=0.0)
    T = timeline._replace(dagpenger_pandemic=np.full(WEEK + 1, pandemic))
    E, n_ev = sink()
    assert python(transitions.transition)(Y, A, E, n_ev, P, T, week_keys(1, WEEK), WEEK, 0, 1.0, 4)
    assert Y.benefit[0] == (B_NONE if ends else B_DAGPENGER)
    Y.dagpenger_weeks[0] = 104                          # a longer period has not run out
    Y.benefit[0], Y.benefit_since[0] = B_DAGPENGER, WEEK - 52
    python(transitions.transition)(Y, A, E, n_ev, P, T, week_keys(1, WEEK), WEEK, 0, 1.0, 4)
    assert Y.benefit[0] == B_DAGPENGER


def test_a_follow_up_week_with_a_certain_exit_ends_the_spell(built) -> None:
    params, timeline = built
    Y, A = empty_youths(1), office_of([YOUTH], [1])
    Y.status[0], Y.advisor[0], Y.group[0], Y.need[0] = S_FOLLOW_UP, 0, STANDARD, STANDARD
    P = params._replace(exit_work=np.ones_like(params.exit_work), exit_both_share=0.0,
                        ufore_from_varig=0.0, aap_start=0.0)
    E, n_ev = sink()
    stays = python(transitions.transition)(Y, A, E, n_ev, P, timeline, week_keys(1, WEEK), 10, 0, 1.0, 4)
    assert not stays
    assert Y.status[0] == S_WORK and Y.advisor[0] == -1 and A.n_youths[0] == 0


# --- the compiled decisions are the same functions ------------------------------------------

def test_compiled_and_python_decisions_agree() -> None:
    for u in (0.01, 0.05, 0.2, 0.35):
        assert transitions.exit_to(u, 0.1, 0.2, 0.25) == python(transitions.exit_to)(u, 0.1, 0.2, 0.25)
    for ordinary in (0.4, 0.6, 0.8, 1.0):
        for lowered in (False, True):
            for u in (0.1, 0.35, 0.5, 0.7, 0.9):
                args = (ordinary, lowered, u, 0.5, 104, 52)
                assert entry.dagpenger_period(*args) == python(entry.dagpenger_period)(*args)
    for b in (B_NONE, B_SOSIALHJELP, B_AAP):
        for age in (17, 18):
            for right in (False, True):
                for cut in (False, True):
                    assert places.gets_tiltakspenger(b, age, right, cut) == \
                        python(places.gets_tiltakspenger)(b, age, right, cut)
            for u in (0.2, 0.8):
                assert places.needs_sosialhjelp_in_tiltak(b, age, u, 0.5) == \
                    python(places.needs_sosialhjelp_in_tiltak)(b, age, u, 0.5)

    def office() -> Advisors:
        return office_of([YOUTH, YOUTH, BOTH, YOUTH], [50, 40, 70, 0], older=[0, 5, 0, 0],
                         hired=[False, False, False, True], active=[True, True, True, False],
                         n_target=[30, 35, 20, 0])

    for mode in CAP_MODES:
        for counts in CAP_COUNTS:
            for over in CAP_OVER:
                P = cap_params(mode, counts, over)
                for cap in (0, 40, 50, 80):
                    for wants_youth in (True, False):
                        compiled, twin = office(), office()
                        n_c, n_t = np.array([3]), np.array([3])
                        got = advisors.choose_advisor(compiled, P, 0, wants_youth, True, cap, n_c)
                        assert got == python(advisors.choose_advisor)(twin, P, 0, wants_youth, True, cap, n_t)
                        assert list(compiled.active) == list(twin.active) and n_c[0] == n_t[0]
                        for a in range(4):
                            assert advisors.cap_excess(compiled, a, cap, P.cap_counts) == \
                                python(advisors.cap_excess)(twin, a, cap, P.cap_counts)


def test_only_a_ceiling_that_moves_users_hands_youths_over() -> None:
    hands_over = python(advisors.hands_over)
    P = namedtuple("P", "cap_move cap_over")  # noqa: PYI024
    assert hands_over(P(True, CAP_OVER.index("advisor")), 50)
    assert not hands_over(P(True, CAP_OVER.index("advisor")), 0)      # no cap in force
    assert not hands_over(P(False, CAP_OVER.index("advisor")), 50)    # on_start: keep
    assert not hands_over(P(True, CAP_OVER.index("office")), 50)      # an average moves nobody
