"""Compiled weekly phases of the numba engine.

One function per phase of the week, in the order of :data:`PHASES`; each loops over the
struct-of-arrays tables (``sim.engine.tables``) in id order and calls the shared decision
rules of ``sim.rules``. Every random number is ``sim.rng.uniform`` of (seed, stream, week,
id); the week's stream keys are computed once (``keys``, from ``sim.rng.week_keys``) and each
decision mixes in its id (``keyed_uniform``): the same bits, one mixing round a draw. Events
are written into a preallocated buffer; ``n_ev[0]`` is the fill level. The week's scratch
lists live in a workspace allocated once (``sim.engine.tables.Workspace``). The Mesa engine
(``sim.engine.mesa_engine``) performs the same phases agent by agent;
``tests/test_engine_equivalence.py`` holds them to identical event logs.

Only youths who have entered and not aged out can change. The engine keeps their ids in a
list, ``present`` (ascending: ids are given in order of entry), so the weekly loops skip the
long-gone and the unborn; entry order is not birth order, so a range of ids from the first
youth not yet aged out would hold about as many aged-out youths as present ones. One pass
over the list (:func:`scan_present`) finds who ages out, who returns, and who is in follow-up
this week; after returns, the phases visit only the youths in follow-up.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit, objmode

from sim import plan, rules
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
    EV_ASSESSMENT,
    EV_BENEFIT,
    EV_CONTACT,
    EV_EXIT,
    EV_IPS,
    EV_JOB_SEARCH,
    EV_LABOUR_ATTACHMENT,
    EV_REASSESSMENT,
    EV_REGISTRATION,
    EV_RETURN,
    EV_TILTAK,
    EV_TREATMENT,
    EV_UFORE_DIRECT,
    LA_LAID_OFF,
    LA_NONE,
    LA_PARTLY_WORKING,
    Q_IN,
    Q_NONE,
    Q_WAITING,
    R_BOTH,
    R_YOUTH,
    S_AGED_OUT,
    S_EDUCATION,
    S_FOLLOW_UP,
    S_NOT_ENTERED,
    S_OUTSIDE,
    S_UFORE,
    S_WORK,
    S_WORK_AND_EDUCATION,
    VARIG_TILPASSET,
    WEEKS_PER_YEAR,
)
from sim.engine.record import record_week
from sim.rng import (
    U_AAP,
    U_AAP_END,
    U_AGE,
    U_ASSESSMENT,
    U_ASSIGN_ROLE,
    U_BENEFIT_AT_ENTRY,
    U_BIRTH_REGION,
    U_BIRTH_WEEK,
    U_CHILDREN,
    U_CHURN,
    U_CONTACT_ROUND_SCHEDULED,
    U_DAGPENGER_END,
    U_DIALOGUE_USER,
    U_EDUCATION,
    U_EXIT,
    U_IPS_END,
    U_IPS_REFERRAL,
    U_JOB_SEARCH,
    U_JOB_SEARCH_AT_ENTRY,
    U_LABOUR,
    U_LABOUR_AT_ENTRY,
    U_MENTAL_HEALTH,
    U_NEED,
    U_OFFICE,
    U_OTHER_HEALTH,
    U_REASSESSMENT,
    U_RETURN,
    U_SEX,
    U_SOSIALHJELP_AT_ENTRY,
    U_TILTAK_END,
    U_TILTAK_NO_SHOW,
    U_TILTAK_REFERRAL,
    U_TREATMENT_END,
    U_TREATMENT_REFERRAL,
    U_TREATMENT_START,
    U_UFORE,
    U_USER_MESSAGE,
    keyed_uniform,
    week_keys,
)

AGE_OUT = 30

# The steps of the week, from the plan (``sim.plan``). The index of a step is written with
# every event so that the event log can be put back in the order things happened.
PHASE_NAMES = plan.PHASE_NAMES
PH_INFLOW = plan.phase("inflow")
PH_AGEING = plan.phase("ageing")
PH_RETURNS = plan.phase("returns")
PH_STAFFING = plan.phase("staffing")
PH_CHURN = plan.phase("churn")
PH_CAP = plan.phase("cap")
PH_ASSIGN = plan.phase("assign")
PH_CONTACTS = plan.phase("contacts")
PH_TRANSITIONS = plan.phase("transitions")
PH_TILTAK = plan.phase("tiltak_places")
PH_IPS = plan.phase("ips_places")

# The steps of a week as :func:`step_weeks` can time and trace them: the plan's steps, plus
# the engine's own two, the pass over the present youths that decides who ages out and who
# returns (after inflow), and the weekly statistics (at the end).
TIMED_STEPS = (PHASE_NAMES[0], "scan_present", *PHASE_NAMES[1:], "record_week")
T_INFLOW = TIMED_STEPS.index("inflow")
T_SCAN = TIMED_STEPS.index("scan_present")
T_AGEING = TIMED_STEPS.index("ageing")
T_RETURNS = TIMED_STEPS.index("returns")
T_STAFFING = TIMED_STEPS.index("staffing")
T_CHURN = TIMED_STEPS.index("churn")
T_CAP = TIMED_STEPS.index("cap")
T_ASSIGN = TIMED_STEPS.index("assign")
T_CONTACTS = TIMED_STEPS.index("contacts")
T_TRANSITIONS = TIMED_STEPS.index("transitions")
T_TILTAK = TIMED_STEPS.index("tiltak_places")
T_IPS = TIMED_STEPS.index("ips_places")
T_RECORD = TIMED_STEPS.index("record_week")

pick = rules.pick
first_assessment = rules.first_assessment
with_follow_up = rules.with_follow_up
updated_intensity = rules.updated_intensity
garanti_target = rules.garanti_target
channel_budget = rules.channel_budget
youth_share_of_time = rules.youth_share_of_time
whole_contacts = rules.whole_contacts
meeting_priority = rules.meeting_priority
digital_priority = rules.digital_priority
digital_reachable = rules.digital_reachable
first_contact_by_meeting = rules.first_contact_by_meeting
tiltak_referral_hazard = rules.tiltak_referral_hazard
exit_hazards = rules.exit_hazards
aap_eligible = rules.aap_eligible
unemployment_factor = rules.unemployment_factor


@njit(cache=True, inline="always")
def emit(E, n_ev, week, youth, phase, kind, value, aux):
    k = n_ev[0]
    E.week[k] = week
    E.youth[k] = youth
    E.phase[k] = phase
    E.kind[k] = kind
    E.value[k] = value
    E.aux[k] = aux
    n_ev[0] = k + 1


# ----------------------------------------------------------------------------------------
# set-up


@njit(cache=True)
def draw_attributes(Y, P):
    """Fixed attributes of every youth, from streams keyed by the youth's id alone."""
    keys = week_keys(P.seed, 0)
    for i in range(Y.status.shape[0]):
        kind = Y.entry_kind[i]
        if kind == 1:
            need = 0
        elif kind == 2:
            need = VARIG_TILPASSET
        else:
            need = pick(P.need_cdf, keyed_uniform(keys[U_NEED], i))
        Y.need[i] = need
        if kind == 2:
            Y.birth_week[i] = Y.entry_week[i] - 18 * WEEKS_PER_YEAR
        else:
            age = 16 + pick(P.entry_age_cdf[need], keyed_uniform(keys[U_AGE], i))
            within = int(keyed_uniform(keys[U_BIRTH_WEEK], i) * WEEKS_PER_YEAR)
            Y.birth_week[i] = Y.entry_week[i] - age * WEEKS_PER_YEAR - within
        Y.sex[i] = 0 if keyed_uniform(keys[U_SEX], i) < P.female_share[need] else 1
        Y.education[i] = pick(P.education_cdf[need], keyed_uniform(keys[U_EDUCATION], i))
        Y.birth_region[i] = pick(P.birth_region_cdf, keyed_uniform(keys[U_BIRTH_REGION], i))
        Y.children[i] = keyed_uniform(keys[U_CHILDREN], i) < P.children_share[need]
        Y.mental_health[i] = keyed_uniform(keys[U_MENTAL_HEALTH], i) < P.mental_health_share[need]
        Y.other_health[i] = keyed_uniform(keys[U_OTHER_HEALTH], i) < P.other_health_share[need]
        Y.dialogue_user[i] = keyed_uniform(keys[U_DIALOGUE_USER], i) < P.dialogue_user_share[need]
        Y.office[i] = int(keyed_uniform(keys[U_OFFICE], i) * P.n_offices)


# ----------------------------------------------------------------------------------------
# spells


@njit(cache=True)
def arrivals(Y, E, n_ev, P, keys, w, ids, phase):
    """Youths ``ids`` (ascending) arrive at Nav: a registration, or a return from the status
    they are in. Each gets a fresh §14a assessment and starting state; a direct uføre entry
    (entry kind 2) is recorded and not followed up.

    One loop over a phase's arrivals rather than a helper per youth: numba would count
    references to every column of the tables on each inlined call, which cost several times
    the spell itself.
    """
    for i in ids:
        previous_status = Y.status[i]
        if previous_status == S_NOT_ENTERED and Y.entry_kind[i] == 2:
            Y.status[i] = S_UFORE
            Y.benefit[i] = B_UFORE
            Y.reg_week[i] = w
            emit(E, n_ev, w, i, phase, EV_UFORE_DIRECT, 0, 0)
            emit(E, n_ev, w, i, phase, EV_BENEFIT, B_UFORE, 0)
            continue
        need = Y.need[i]
        Y.status[i] = S_FOLLOW_UP
        Y.reg_week[i] = w
        if previous_status == S_NOT_ENTERED:
            emit(E, n_ev, w, i, phase, EV_REGISTRATION, 0, 0)
        else:
            emit(E, n_ev, w, i, phase, EV_RETURN, previous_status, 0)
        u = keyed_uniform(keys[U_ASSESSMENT], i)
        g = first_assessment(need, u, P.under_assessment, P.over_assessment)
        Y.group[i] = g
        emit(E, n_ev, w, i, phase, EV_ASSESSMENT, g, 0)
        if Y.entry_kind[i] == 1 and previous_status == S_NOT_ENTERED:
            labour = LA_LAID_OFF
        elif keyed_uniform(keys[U_LABOUR_AT_ENTRY], i) < P.partly_working_share[need]:
            labour = LA_PARTLY_WORKING
        else:
            labour = LA_NONE
        Y.labour[i] = labour
        emit(E, n_ev, w, i, phase, EV_LABOUR_ATTACHMENT, labour, 0)
        if labour == LA_LAID_OFF or keyed_uniform(keys[U_BENEFIT_AT_ENTRY], i) < P.dagpenger_share[need]:
            benefit = B_DAGPENGER
        elif keyed_uniform(keys[U_SOSIALHJELP_AT_ENTRY], i) < P.sosialhjelp_share[need]:
            benefit = B_SOSIALHJELP
        else:
            benefit = B_NONE
        Y.benefit[i] = benefit
        Y.benefit_since[i] = w
        emit(E, n_ev, w, i, phase, EV_BENEFIT, benefit, 0)
        start = P.job_search_start[need]
        stationary = start / (start + P.job_search_stop[need])
        engaged = 1 if keyed_uniform(keys[U_JOB_SEARCH_AT_ENTRY], i) < stationary else 0
        Y.job_search[i] = engaged
        emit(E, n_ev, w, i, phase, EV_JOB_SEARCH, engaged, 0)
        Y.advisor[i] = -1
        Y.wait_since[i] = w
        Y.pending[i] = False
        Y.intensity[i] = 0.0
        Y.last_meeting[i] = w
        Y.last_contact[i] = w
        Y.tiltak[i] = Q_NONE
        Y.treatment[i] = Q_NONE
        Y.ips[i] = Q_NONE


@njit(cache=True, inline="always")
def unassign(Y, A, E, n_ev, w, i, phase):
    a = Y.advisor[i]
    if a >= 0:
        A.n_youths[a] -= 1
        Y.advisor[i] = -1
        Y.wait_since[i] = w
        Y.pending[i] = False
        emit(E, n_ev, w, i, phase, EV_ADVISOR, -1, 0)


@njit(cache=True, inline="always")
def end_spell(Y, A, E, n_ev, w, i, phase, new_status):
    """Leave follow-up: release advisor, tiltak place, treatment and IPS; record the exit."""
    unassign(Y, A, E, n_ev, w, i, phase)
    if Y.tiltak[i] != Q_NONE:
        Y.tiltak[i] = Q_NONE
        emit(E, n_ev, w, i, phase, EV_TILTAK, Q_NONE, 0)
    if Y.treatment[i] != Q_NONE:
        Y.treatment[i] = Q_NONE
        emit(E, n_ev, w, i, phase, EV_TREATMENT, Q_NONE, 0)
    if Y.ips[i] == Q_IN:
        emit(E, n_ev, w, i, phase, EV_IPS, 0, 0)
    Y.ips[i] = Q_NONE
    if new_status == S_UFORE:
        Y.benefit[i] = B_UFORE
        emit(E, n_ev, w, i, phase, EV_BENEFIT, B_UFORE, 0)
    elif Y.benefit[i] != B_NONE:
        Y.benefit[i] = B_NONE
        emit(E, n_ev, w, i, phase, EV_BENEFIT, B_NONE, 0)
    Y.status[i] = new_status
    emit(E, n_ev, w, i, phase, EV_EXIT, new_status, 0)


# ----------------------------------------------------------------------------------------
# phases


@njit(cache=True)
def phase_inflow(Y, E, n_ev, P, keys, w, first, last):
    """Youths with ids in [first, last) enter this week (ids are in order of entry)."""
    arrivals(Y, E, n_ev, P, keys, w, np.arange(first, last, 1, np.uint32), PH_INFLOW)


@njit(cache=True)
def scan_present(status, birth_week, return_hazard, return_key, w, present, n, S):
    """One pass over the ``n`` present youths at the start of week ``w``: who reaches 30,
    who comes back to Nav, and who will be in follow-up after returns.

    Returns ``(kept, aged, returning, follow_up)``, id arrays in ascending order;
    ``present[:kept]`` is rewritten in place to hold those still present; the lists are
    views of the workspace ``S`` (``sim.engine.tables.Workspace``). The decisions
    are those of the ageing and returns phases, taken for each youth in one visit instead
    of three passes over all ids; the phases then act on the short lists, in id order, so
    the events are the same. A return is drawn for every youth and counted only where the
    status allows it: a branch on the status was mispredicted about as often as not, and
    an unused draw consumes nothing (``sim.rng``).

    The follow-up list is what the phases after returns visit: a youth who leaves during
    the week stays in it and is skipped by their status. Ids are unsigned (``uint32``; the
    event log stores them as int32): indexing with an unsigned id needs no check for a
    negative index, which was several per cent of the time of the phases that loop over
    them.
    """
    limit = w - AGE_OUT * WEEKS_PER_YEAR
    aged = S.aged
    returning = S.returning
    follow_up = S.follow_up
    kept = 0
    n_aged = 0
    n_returning = 0
    n_follow_up = 0
    for k in range(n):
        i = present[k]
        if birth_week[i] <= limit:
            aged[n_aged] = i
            n_aged += 1
            continue
        present[kept] = i
        kept += 1
        s = status[i]
        back = (s >= S_WORK) & (s <= S_OUTSIDE) & (keyed_uniform(return_key, i) < return_hazard[s])
        returning[n_returning] = i
        n_returning += back
        follow_up[n_follow_up] = i
        n_follow_up += (s == S_FOLLOW_UP) | back
    return kept, aged[:n_aged], returning[:n_returning], follow_up[:n_follow_up]


@njit(cache=True)
def phase_ageing(Y, A, E, n_ev, w, aged):
    """Everyone reaching 30 (``aged``, from :func:`scan_present`) leaves the model
    (recorded, not simulated further)."""
    for i in aged:
        if Y.status[i] == S_FOLLOW_UP:
            end_spell(Y, A, E, n_ev, w, i, PH_AGEING, S_AGED_OUT)
        else:
            Y.status[i] = S_AGED_OUT
            emit(E, n_ev, w, i, PH_AGEING, EV_EXIT, S_AGED_OUT, 0)


@njit(cache=True)
def phase_returns(Y, E, n_ev, P, keys, w, returning):
    """Some who left for work, education or nothing come back to Nav (``returning``, drawn
    in :func:`scan_present` with ``P.return_hazard`` of their status)."""
    arrivals(Y, E, n_ev, P, keys, w, returning, PH_RETURNS)


@njit(cache=True)
def phase_staffing(Y, A, E, n_ev, T, w, follow_up, youth_slots, both_first, both_slots):
    """Ordinary youth and both-age advisors active this week (staffing levers); youths of
    an advisor who leaves wait for a new one (only youths in follow-up have an advisor)."""
    changed = False
    for j in range(youth_slots):
        on = j < T.youth_advisors[w]
        if A.active[j] != on:
            A.active[j] = on
            changed = True
    for j in range(both_slots):
        a = both_first + j
        on = j < T.both_advisors[w]
        if A.active[a] != on:
            A.active[a] = on
            changed = True
    if changed:
        for i in follow_up:
            a = Y.advisor[i]
            if a >= 0 and not A.active[a]:
                unassign(Y, A, E, n_ev, w, i, PH_STAFFING)


@njit(cache=True)
def phase_churn(Y, A, E, n_ev, P, T, keys, w, active, S):
    """Advisor changes; a fixed contact person under the ungdomsgaranti makes them rarer.

    On the way, the youths in follow-up left without an advisor (by an earlier week, by
    staffing or by churn now) go onto the assignment phase's waiting list
    (``S.waiting``, with ``S.since`` the week they started waiting), in id order: one pass
    over the follow-up list instead of two. Returns the list's length.
    """
    waiting = S.waiting
    since = S.since
    count = 0
    for i in active:
        if Y.status[i] != S_FOLLOW_UP:
            continue
        if Y.advisor[i] >= 0:
            h = P.churn
            if garanti_target(T.garanti[w], Y.group[i]):
                h *= P.garanti_churn_mult
            if keyed_uniform(keys[U_CHURN], i) >= h:
                continue
            unassign(Y, A, E, n_ev, w, i, PH_CHURN)
        waiting[count] = i
        since[count] = Y.wait_since[i]
        count += 1
    return count


@njit(cache=True)
def _without_advisor(Y, active, S):
    """The assignment phase's waiting list made afresh (as :func:`phase_churn` makes it)."""
    waiting = S.waiting
    since = S.since
    count = 0
    for i in active:
        if Y.status[i] == S_FOLLOW_UP and Y.advisor[i] < 0:
            waiting[count] = i
            since[count] = Y.wait_since[i]
            count += 1
    return count


@njit(cache=True)
def phase_cap(Y, A, E, n_ev, T, w, active):
    """A portfolio cap in force: youth advisors whose portfolio (youths and older users)
    exceeds it hand over their most recently assigned youths. Returns how many."""
    cap = T.cap_youth[w]
    handed_over = 0
    if cap <= 0:
        return handed_over
    n_adv = A.role.shape[0]
    for a in range(n_adv):
        if not A.active[a] or A.role[a] != R_YOUTH or A.n_youths[a] + A.older[a] <= cap:
            continue
        excess = min(A.n_youths[a] + A.older[a] - cap, A.n_youths[a])
        for _ in range(excess):
            # newest assignment first; among equals the highest id
            best = -1
            for i in active:
                if Y.advisor[i] == a and Y.status[i] == S_FOLLOW_UP:
                    if best < 0 or Y.assigned_week[i] >= Y.assigned_week[best]:
                        best = i
            if best < 0:
                break
            unassign(Y, A, E, n_ev, w, best, PH_CAP)
            handed_over += 1
    return handed_over


@njit(cache=True)
def _least_loaded(A, office, role, cap):
    """Active advisor of ``role`` in ``office`` with the smallest portfolio (youths and older
    users; lowest id on ties); with ``cap > 0`` only advisors whose portfolio is below the
    cap. -1 if none."""
    best = -1
    for k in range(A.office_start[office], A.office_start[office + 1]):
        a = A.office_members[k]
        if not A.active[a] or A.role[a] != role:
            continue
        load = A.n_youths[a] + A.older[a]
        if cap > 0 and load >= cap:
            continue
        if best < 0 or load < A.n_youths[best] + A.older[best]:
            best = a
    return best


@njit(cache=True)
def _hire(A, office):
    """Activate the office's next free hire slot; -1 if none is left."""
    for k in range(A.office_start[office], A.office_start[office + 1]):
        a = A.office_members[k]
        if A.hired[a] and not A.active[a]:
            A.active[a] = True
            return a
    return -1


@njit(cache=True)
def phase_assign(Y, A, E, n_ev, P, T, keys, w, waiting, since):
    """Youths without an advisor get one in their office, longest waiting first.

    ``waiting`` are their ids (ascending) and ``since`` the weeks they started waiting.
    """
    count = waiting.shape[0]
    if count == 0:
        return
    order = np.argsort(since, kind="mergesort")
    cap = T.cap_youth[w]
    for k in range(count):
        i = waiting[order[k]]
        o = Y.office[i]
        target = garanti_target(T.garanti[w], Y.group[i])
        share = P.garanti_youth_advisor_share if target else P.youth_advisor_share
        wants_youth = keyed_uniform(keys[U_ASSIGN_ROLE], i) < share
        a = -1
        if wants_youth:
            a = _least_loaded(A, o, R_YOUTH, cap)
            # The cap binds only where the office has youth advisors and all are full.
            if a < 0 and cap > 0 and _least_loaded(A, o, R_YOUTH, 0) >= 0:
                if P.cap_mode == 1:  # overflow: to a both-age advisor
                    a = _least_loaded(A, o, R_BOTH, 0)
                elif P.cap_mode == 2:  # hire: a new youth advisor
                    a = _hire(A, o)
                # hard: wait for a free place
            elif a < 0:
                a = _least_loaded(A, o, R_BOTH, 0)
        else:
            a = _least_loaded(A, o, R_BOTH, 0)
            if a < 0:
                a = _least_loaded(A, o, R_YOUTH, cap)
        if a >= 0:
            Y.advisor[i] = a
            Y.assigned_week[i] = w
            Y.pending[i] = True
            A.n_youths[a] += 1
            emit(E, n_ev, w, i, PH_ASSIGN, EV_ADVISOR, a, 0)


#: Bits of a contact slot's ``info``: the youth's innsatsgruppe in the low bits, then flags.
INFO_GROUP = 7
INFO_PENDING = 8
INFO_TILTAK = 16
INFO_TREATMENT = 32
INFO_DIALOGUE = 64


@njit(cache=True, inline="always")
def _contact(A, E, n_ev, w, a, channel, slots, s, given, channel_of):
    """Advisor ``a`` contacts the youth in ``slots[s]``: the event and the advisor's count
    now; the youth's own state at the end of the phase, from ``channel_of``. ``given``
    marks the slot, so the advisor's later choices skip the youth without looking them up.
    """
    emit(E, n_ev, w, slots[s].youth, PH_CONTACTS, EV_CONTACT, channel, a)
    A.contacts[a, channel] += 1
    given[s] = True
    channel_of[slots[s].at] = channel


@njit(cache=True, inline="always")
def _take_best(score, n):
    """Position of the highest score in ``score[:n]`` (the earliest on ties), marked as taken
    (its score set to -inf); -1 when all are taken. Inlined: as a call, taking the array as
    an argument cost two atomic reference-count updates a contact.

    Taking the best repeatedly gives the positions in the order of a stable sort by
    descending score, but costs only the scans for the contacts actually given: an advisor
    gives a few meetings a week to a portfolio of dozens.
    """
    best = -1
    top = -np.inf
    for j in range(n):
        if score[j] > top:
            top = score[j]
            best = j
    if best >= 0:
        score[best] = -np.inf
    return best


@njit(cache=True)
def phase_contacts(Y, A, E, n_ev, P, T, keys, w, active, S):
    """Advisors spend their weekly contact budget; youths write in the activity plan.

    The work is laid out for the memory, since at national scale this phase was the one
    whose cost per youth grew with the population:

    1. each advisor's slice of a compressed list (CSR) comes from the portfolio counts,
       which every assignment and hand-over keeps up to date;
    2. one pass in id order stages, for each youth with an advisor, the few small fields
       their priorities are made of (:data:`sim.engine.tables.SLOT`, 16 bytes);
    3. a short loop moves each staged youth into their advisor's slice (ascending ids
       within a slice);
    4. each advisor computes the priorities of their own slice, contiguous in memory,
       chooses, and logs the contacts (in the advisor's order, as the Mesa engine does);
    5. a last pass in id order updates the contacted youths' state, and youths write in
       the activity plan.

    A youth's priorities change only when their own advisor contacts them, and no youth
    is contacted twice by their advisor in one week, so priorities computed from the
    fields of step 2 are the ones the advisor would compute on the spot, and deferring the
    state to step 5 changes nothing but the order of memory accesses. The slots hold the
    fields, not the priorities: at a million youths the scattered writes of step 3 wait on
    memory, and 16 bytes a youth instead of 32 (three float priorities) made the run a
    tenth faster. Placing the youths in the loop of step 2 was slower still: a long loop
    body leaves few scattered writes in flight.
    """
    n_adv = A.role.shape[0]
    n = active.shape[0]
    priority = P.priority
    group_weight = P.priority_group
    weight = P.intensity_weight
    garanti = T.garanti[w]
    # 1. the slices, from the portfolio counts
    start = S.start
    start[0] = 0
    for a in range(n_adv):
        start[a + 1] = start[a] + A.n_youths[a]
    fill = S.fill
    fill[:] = start[:-1]
    n_members = start[n_adv]
    # 2. in id order: each youth's advisor and the fields of their priorities
    advisor_at = S.advisor_at  # -1: not followed up by an advisor
    staged = S.staged
    for p in range(n):
        i = active[p]
        Y.contacted[i] = False
        a = -1
        if Y.status[i] == S_FOLLOW_UP:
            Y.intensity[i] = updated_intensity(Y.intensity[i], P.intensity_retention)
            a = Y.advisor[i]
        advisor_at[p] = a
        if a < 0:
            continue
        slot = staged[p]
        slot.youth = i
        slot.at = p
        slot.since_meeting = w - Y.last_meeting[i]
        slot.since_contact = w - Y.last_contact[i]
        slot.info = (Y.group[i] | (Y.pending[i] * INFO_PENDING) | ((Y.tiltak[i] == Q_IN) * INFO_TILTAK)
                     | ((Y.treatment[i] == Q_IN) * INFO_TREATMENT) | (Y.dialogue_user[i] * INFO_DIALOGUE))
    # 3. each youth into their advisor's slice, in a loop that does nothing else: its
    # writes land all over memory, and a short loop keeps many of them in flight at once
    slots = S.slots
    for p in range(n):
        a = advisor_at[p]
        if a < 0:
            continue
        s = fill[a]
        fill[a] = s + 1
        slots[s] = staged[p]
    for a in range(n_adv):
        if fill[a] != start[a + 1]:
            raise ValueError("an advisor's portfolio count differs from their youths in follow-up")
    given = S.given  # contacted this week, by slot
    given[:n_members] = False
    # 4. advisor by advisor: budgets, quotas, and who gets the contacts
    channel_of = S.channel_of  # by position in ``active``
    channel_of[:n] = -1
    A.contacts[:, :] = 0
    budget = np.empty(4, dtype=np.float64)
    quota = np.empty(4, dtype=np.int64)
    largest = 0
    for a in range(n_adv):
        largest = max(largest, start[a + 1] - start[a])
    score = np.empty(largest, dtype=np.float64)
    by_plan = np.empty(largest, dtype=np.float64)
    reachable = np.empty(largest, dtype=np.int64)
    for a in range(n_adv):
        if not A.active[a]:
            continue
        first = start[a]
        y = start[a + 1] - first
        older = A.older[a]
        portfolio = y + older
        for c in range(4):
            budget[c] = channel_budget(P.budget_const[c], P.budget_per_user[c], portfolio,
                                       P.municipal_shift[c], A.employer[a] == 1)
        shift = T.digital_to_meeting[w]
        if shift > 0.0:
            moved = shift * (budget[CH_ACTIVITY_PLAN] + budget[CH_EMAIL_SMS])
            budget[CH_ACTIVITY_PLAN] *= 1.0 - shift
            budget[CH_EMAIL_SMS] *= 1.0 - shift
            budget[CH_SCHEDULED] += moved / T.meeting_cost[w]
        share = youth_share_of_time(y, older, P.youth_time_weight)
        for c in range(4):
            A.contacts[a, c] += int(budget[c] * (1.0 - share) + 0.5)
        if y == 0:
            continue  # no youths, no quota to draw
        for c in range(4):
            u = keyed_uniform(keys[U_CONTACT_ROUND_SCHEDULED + c], a)
            quota[c] = whole_contacts(budget[c] * share, u)
        if quota[CH_SCHEDULED] + quota[CH_UNSCHEDULED] > 0:
            for k in range(y):
                slot = slots[first + k]
                g = slot.info & INFO_GROUP
                score[k] = meeting_priority(
                    group_weight[g], (slot.info & INFO_PENDING) != 0 and first_contact_by_meeting(g),
                    (slot.info & INFO_TILTAK) != 0, (slot.info & INFO_TREATMENT) != 0,
                    garanti_target(garanti, g), slot.since_meeting, priority)
            for c in (CH_SCHEDULED, CH_UNSCHEDULED):
                for _ in range(quota[c]):
                    k = _take_best(score, y)
                    if k < 0:
                        break
                    _contact(A, E, n_ev, w, a, c, slots, first + k, given, channel_of)
        if quota[CH_ACTIVITY_PLAN] + quota[CH_EMAIL_SMS] == 0:
            continue
        # Digital contacts, in digital priority, to youths not met this week whom the channel
        # reaches: activity-plan messages first (dialogue users only), then e-mail/SMS to
        # whoever is left.
        m = 0
        for s in range(first, first + y):
            if given[s]:
                continue
            slot = slots[s]
            g = slot.info & INFO_GROUP
            pending = (slot.info & INFO_PENDING) != 0
            dialogue = (slot.info & INFO_DIALOGUE) != 0
            if not digital_reachable(pending, g, dialogue, False):
                continue
            reachable[m] = s
            score[m] = digital_priority(pending, slot.since_contact, priority)
            by_plan[m] = score[m] if digital_reachable(pending, g, dialogue, True) else -np.inf
            m += 1
        for _ in range(quota[CH_ACTIVITY_PLAN]):
            k = _take_best(by_plan, m)
            if k < 0:
                break
            score[k] = -np.inf
            _contact(A, E, n_ev, w, a, CH_ACTIVITY_PLAN, slots, reachable[k], given, channel_of)
        for _ in range(quota[CH_EMAIL_SMS]):
            k = _take_best(score, m)
            if k < 0:
                break
            _contact(A, E, n_ev, w, a, CH_EMAIL_SMS, slots, reachable[k], given, channel_of)
    # 5. in id order: the contacted youths' state; youths' own activity-plan messages
    for p in range(n):
        i = active[p]
        c = channel_of[p]
        if c >= 0:
            Y.contacted[i] = True
            Y.pending[i] = False
            Y.last_contact[i] = w
            if c == CH_SCHEDULED or c == CH_UNSCHEDULED:
                Y.last_meeting[i] = w
            Y.intensity[i] += weight[c]
        if advisor_at[p] >= 0 and Y.dialogue_user[i]:
            if keyed_uniform(keys[U_USER_MESSAGE], i) < P.user_message[Y.group[i]]:
                emit(E, n_ev, w, i, PH_CONTACTS, EV_CONTACT, CH_ACTIVITY_PLAN, -1)
                Y.last_contact[i] = w
                Y.intensity[i] += P.user_message_weight


@njit(cache=True, inline="always")
def _count_or_queue(state, since, i, ids, joined, n_in, n_waiting):
    """Youth ``i`` in a place (``state[i]``) is counted; one waiting is put on the list
    ``ids``, with the week they joined it in ``joined``. Returns the new counts."""
    if state[i] == Q_IN:
        return n_in + 1, n_waiting
    if state[i] == Q_WAITING:
        ids[n_waiting] = i
        joined[n_waiting] = since[i]
        return n_in, n_waiting + 1
    return n_in, n_waiting


@njit(cache=True)
def phase_transitions(Y, A, E, n_ev, P, T, keys, w, active, S):
    """Each youth in follow-up: reassessment, benefits, treatment, IPS, tiltak referral and
    end, job search, labour attachment, and exits (in that order).

    On the way, the queues of the two place phases after it: each youth's last step here
    is the last change to their tiltak and IPS state before those phases, so a youth still
    in follow-up goes into the count of places in use or onto the waiting list
    (``S.waiting``/``S.since`` for tiltak, ``S.ips_waiting``/``S.ips_since`` for IPS, in id
    order). Collecting them here saves two more passes over the follow-up list. Returns
    (tiltak places in use, tiltak waiting, IPS places in use, IPS waiting).
    """
    concurrent = T.concurrent[w]
    tiltak_mults = P.tiltak_mults
    early_weeks = P.tiltak_early_weeks
    exit_mults = P.exit_mults
    exit_effects = P.exit_effects
    labour_market = unemployment_factor(T.unemployment[w], P.unemployment_reference,
                                        P.unemployment_elasticity)
    tiltak_in = 0
    tiltak_waiting = 0
    ips_in = 0
    ips_waiting = 0
    tiltak_ids = S.waiting
    tiltak_since = S.since
    ips_ids = S.ips_waiting
    ips_since = S.ips_since
    for i in active:
        if Y.status[i] != S_FOLLOW_UP:
            continue
        need = Y.need[i]
        g = Y.group[i]
        x = Y.intensity[i]
        # 1. reassessment (§14a) as information arrives
        u = keyed_uniform(keys[U_REASSESSMENT], i)
        if g < need:
            if u < with_follow_up(P.reassess_up, P.effect_discovery, x):
                g += 1
                Y.group[i] = g
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_REASSESSMENT, g, 0)
        elif g > need:
            if u < P.reassess_down:
                g -= 1
                Y.group[i] = g
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_REASSESSMENT, g, 0)
        # ``|``, not ``or``: numba compiles ``or`` of two array elements into branches that
        # hold a reference to each array, two atomic updates a youth
        health = Y.mental_health[i] | Y.other_health[i]
        # 2. benefits
        b = Y.benefit[i]
        if b == B_DAGPENGER and w - Y.benefit_since[i] >= P.dagpenger_max_weeks:
            to_sosialhjelp = keyed_uniform(keys[U_DAGPENGER_END], i) < P.sosialhjelp_after_dagpenger
            nb = B_SOSIALHJELP if to_sosialhjelp else B_NONE
            Y.benefit[i] = nb
            Y.benefit_since[i] = w
            emit(E, n_ev, w, i, PH_TRANSITIONS, EV_BENEFIT, nb, 0)
        elif b == B_AAP:
            if keyed_uniform(keys[U_AAP_END], i) < P.aap_end:
                Y.benefit[i] = B_NONE
                Y.benefit_since[i] = w
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_BENEFIT, B_NONE, 0)
        elif aap_eligible(g, health, b):
            if keyed_uniform(keys[U_AAP], i) < P.aap_start:
                Y.benefit[i] = B_AAP
                Y.benefit_since[i] = w
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_BENEFIT, B_AAP, 0)
        h = 0.0
        if Y.benefit[i] == B_AAP:
            h += P.ufore_from_aap * T.ufore_from_aap_mult[w]
        if g == VARIG_TILPASSET:
            h += P.ufore_from_varig
        if h > 0.0 and keyed_uniform(keys[U_UFORE], i) < h:
            end_spell(Y, A, E, n_ev, w, i, PH_TRANSITIONS, S_UFORE)
            continue
        # 3. medical treatment: referral, waiting, treatment
        t = Y.treatment[i]
        if t == Q_NONE:
            if health:
                ref = P.treatment_referral_mental[g] if Y.mental_health[i] else P.treatment_referral_other[g]
                if keyed_uniform(keys[U_TREATMENT_REFERRAL], i) < ref:
                    Y.treatment[i] = Q_WAITING
                    emit(E, n_ev, w, i, PH_TRANSITIONS, EV_TREATMENT, Q_WAITING, 0)
        elif t == Q_WAITING:
            wait = P.treatment_wait_mean * T.treatment_wait_mult[w]
            if keyed_uniform(keys[U_TREATMENT_START], i) < 1.0 / wait:
                Y.treatment[i] = Q_IN
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_TREATMENT, Q_IN, 0)
        else:
            if keyed_uniform(keys[U_TREATMENT_END], i) < P.treatment_end:
                Y.treatment[i] = Q_NONE
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_TREATMENT, Q_NONE, 0)
                if Y.ips[i] == Q_IN:
                    emit(E, n_ev, w, i, PH_TRANSITIONS, EV_IPS, 0, 0)
                Y.ips[i] = Q_NONE
        # 4. IPS: job specialist in the treatment team, on the clinician's referral
        if Y.ips[i] == Q_NONE:
            if Y.treatment[i] == Q_IN and Y.mental_health[i]:
                if keyed_uniform(keys[U_IPS_REFERRAL], i) < P.ips_referral:
                    Y.ips[i] = Q_WAITING
                    Y.ips_since[i] = w
        elif Y.ips[i] == Q_IN:
            if keyed_uniform(keys[U_IPS_END], i) < P.ips_end:
                Y.ips[i] = Q_NONE
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_IPS, 0, 0)
        # 5. tiltak: referral to the waiting list, or the end of a spell
        if Y.tiltak[i] == Q_NONE:
            h = tiltak_referral_hazard(P.tiltak_referral[g], Y.treatment[i], Y.labour[i], Y.benefit[i],
                                       w - Y.reg_week[i], concurrent, x, tiltak_mults, early_weeks,
                                       P.effect_tiltak)
            if keyed_uniform(keys[U_TILTAK_REFERRAL], i) < h:
                Y.tiltak[i] = Q_WAITING
                Y.tiltak_since[i] = w
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_TILTAK, Q_WAITING, 0)
        elif Y.tiltak[i] == Q_IN:
            if keyed_uniform(keys[U_TILTAK_END], i) < P.tiltak_end[g]:
                Y.tiltak[i] = Q_NONE
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_TILTAK, Q_NONE, 0)
                if Y.benefit[i] == B_TILTAKSPENGER:
                    Y.benefit[i] = B_NONE
                    Y.benefit_since[i] = w
                    emit(E, n_ev, w, i, PH_TRANSITIONS, EV_BENEFIT, B_NONE, 0)
        # 6. job search
        u = keyed_uniform(keys[U_JOB_SEARCH], i)
        if Y.job_search[i] == 0:
            if u < with_follow_up(P.job_search_start[g], P.effect_job_search, x):
                Y.job_search[i] = 1
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_JOB_SEARCH, 1, 0)
        elif u < P.job_search_stop[g]:
            Y.job_search[i] = 0
            emit(E, n_ev, w, i, PH_TRANSITIONS, EV_JOB_SEARCH, 0, 0)
        # 7. labour attachment
        u = keyed_uniform(keys[U_LABOUR], i)
        la = Y.labour[i]
        if la == LA_LAID_OFF:
            if u < P.laid_off_end:
                Y.labour[i] = LA_NONE
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_LABOUR_ATTACHMENT, LA_NONE, 0)
        elif la == LA_NONE:
            if u < P.partly_working_start[g]:
                Y.labour[i] = LA_PARTLY_WORKING
                emit(E, n_ev, w, i, PH_TRANSITIONS, EV_LABOUR_ATTACHMENT, LA_PARTLY_WORKING, 0)
        elif u < P.partly_working_end:
            Y.labour[i] = LA_NONE
            emit(E, n_ev, w, i, PH_TRANSITIONS, EV_LABOUR_ATTACHMENT, LA_NONE, 0)
        # 8. exits: work, education (some both), or leaving Nav with neither
        hw, he, ho = exit_hazards(P.exit_work[g], P.exit_education[g], P.exit_outside[g], Y.tiltak[i],
                                  Y.treatment[i], Y.ips[i], Y.labour[i], Y.benefit[i], Y.education[i],
                                  Y.mental_health[i], x, labour_market, exit_mults, exit_effects)
        u = keyed_uniform(keys[U_EXIT], i)
        if u < hw + he + ho:
            if u < hw * P.exit_both_share:
                new = S_WORK_AND_EDUCATION
            elif u < hw:
                new = S_WORK
            elif u < hw + he:
                new = S_EDUCATION
            else:
                new = S_OUTSIDE
            end_spell(Y, A, E, n_ev, w, i, PH_TRANSITIONS, new)
            continue
        # 9. the queues of the place phases
        tiltak_in, tiltak_waiting = _count_or_queue(Y.tiltak, Y.tiltak_since, i, tiltak_ids, tiltak_since,
                                                    tiltak_in, tiltak_waiting)
        ips_in, ips_waiting = _count_or_queue(Y.ips, Y.ips_since, i, ips_ids, ips_since, ips_in, ips_waiting)
    return tiltak_in, tiltak_waiting, ips_in, ips_waiting


@njit(cache=True)
def _in_queue_order(ids, since):
    """``ids`` (ascending) in queue order: earliest ``since`` first, then lowest id."""
    return ids[np.argsort(since, kind="mergesort")]


@njit(cache=True)
def phase_tiltak_places(Y, E, n_ev, P, T, keys, w, in_use, waiting, since):
    """Free tiltak places go to the waiting list in order; no-shows lose their place.

    ``in_use`` places are taken; ``waiting`` are the ids on the list (ascending) and
    ``since`` the weeks they joined it, from :func:`phase_transitions`.
    """
    free = T.tiltak_capacity[w] - in_use
    if free <= 0:
        return
    for i in _in_queue_order(waiting, since):
        if free <= 0:
            break
        if keyed_uniform(keys[U_TILTAK_NO_SHOW], i) < P.tiltak_no_show:
            Y.tiltak[i] = Q_NONE
            emit(E, n_ev, w, i, PH_TILTAK, EV_TILTAK, Q_NONE, 1)
            continue
        Y.tiltak[i] = Q_IN
        Y.tiltak_since[i] = w
        free -= 1
        emit(E, n_ev, w, i, PH_TILTAK, EV_TILTAK, Q_IN, 0)
        if Y.benefit[i] == B_NONE or Y.benefit[i] == B_SOSIALHJELP:
            Y.benefit[i] = B_TILTAKSPENGER
            Y.benefit_since[i] = w
            emit(E, n_ev, w, i, PH_TILTAK, EV_BENEFIT, B_TILTAKSPENGER, 0)


@njit(cache=True)
def phase_ips_places(Y, E, n_ev, T, w, in_use, waiting, since):
    """Free IPS places go to referred youths in order (the list as for tiltak)."""
    free = T.ips_capacity[w] - in_use
    if free <= 0:
        return
    for i in _in_queue_order(waiting, since):
        if free <= 0:
            break
        Y.ips[i] = Q_IN
        free -= 1
        emit(E, n_ev, w, i, PH_IPS, EV_IPS, 1, 0)


# ----------------------------------------------------------------------------------------
# the week, compiled end to end


@njit(cache=True)
def _clock():
    """Python's performance counter, in seconds: a call into the interpreter, about a
    microsecond, made only when the week is being timed."""
    with objmode(now="float64"):
        now = time.perf_counter()
    return now


@njit(cache=True, inline="always")
def _start_lap(step_seconds):
    """The clock now with a profile (``step_seconds`` not empty), else 0."""
    if step_seconds.shape[0] == 0:
        return 0.0
    return _clock()


@njit(cache=True, inline="always")
def _lap(step_seconds, step_trace, step, since):
    """Step ``step`` of :data:`TIMED_STEPS` has just run. With a profile (``step_seconds`` not
    empty), add the time since ``since`` to it and return the time now; with a trace
    (``step_trace`` not empty), append the step to it (``step_trace[0]`` is the count, the
    steps follow, as far as there is room). Without either, do nothing."""
    if step_trace.shape[0] > 0:
        n = step_trace[0]
        if n + 1 < step_trace.shape[0]:
            step_trace[n + 1] = step
        step_trace[0] = n + 1
    if step_seconds.shape[0] == 0:
        return since
    now = _clock()
    step_seconds[step] += now - since
    return now


@njit(cache=True)
def step_weeks(Y, A, E, n_ev, P, T, S, present, counts, w_from, w_to, week_first_id, layout,
               max_events_per_youth, first_week, weekly, adv_active, adv_youths, adv_contacts,
               record_events, step_seconds, step_trace):
    """Run weeks ``w_from`` .. ``w_to - 1`` (phases in PHASE_NAMES order) and record them.

    ``present[:counts[0]]`` are the ids of the youths present (entered, not aged out) and
    ``counts[1]`` the number entered; both are updated. Stops early, before a week whose
    worst case would not fit in the event buffer, and returns the next week to run: the
    caller grows the buffer and calls again. ``layout`` = (youth_slots, both_first,
    both_slots).

    ``step_seconds`` (float64, one per :data:`TIMED_STEPS`, or empty) is the profile: if it
    is not empty, the time of each step is added to it. Timing is a branch between phases
    when off, and a clock read (about a microsecond) after each step when on; either way
    the results are the same. ``step_trace`` (int64, or empty) records the steps in the
    order they ran (:func:`_lap`), so that a test can hold the compiled week to the plan.
    """
    capacity = E.week.shape[0]
    for w in range(w_from, w_to):
        n_present = counts[0]
        first = week_first_id[w]
        last = week_first_id[w + 1]
        if n_ev[0] + max_events_per_youth * (n_present + last - first) > capacity:
            return w
        if n_present + last - first > present.shape[0]:
            raise ValueError("more youths present than the workspace was sized for")
        week_start = n_ev[0]
        keys = week_keys(P.seed, w)
        lap = _start_lap(step_seconds)
        phase_inflow(Y, E, n_ev, P, keys, w, first, last)
        for i in range(first, last):
            present[n_present] = i
            n_present += 1
        lap = _lap(step_seconds, step_trace, T_INFLOW, lap)
        n_present, aged, returning, active = scan_present(
            Y.status, Y.birth_week, P.return_hazard, keys[U_RETURN], w, present, n_present, S)
        counts[0] = n_present
        counts[1] = last
        lap = _lap(step_seconds, step_trace, T_SCAN, lap)
        phase_ageing(Y, A, E, n_ev, w, aged)
        lap = _lap(step_seconds, step_trace, T_AGEING, lap)
        phase_returns(Y, E, n_ev, P, keys, w, returning)
        lap = _lap(step_seconds, step_trace, T_RETURNS, lap)
        phase_staffing(Y, A, E, n_ev, T, w, active, layout[0], layout[1], layout[2])
        lap = _lap(step_seconds, step_trace, T_STAFFING, lap)
        n_waiting = phase_churn(Y, A, E, n_ev, P, T, keys, w, active, S)
        lap = _lap(step_seconds, step_trace, T_CHURN, lap)
        if phase_cap(Y, A, E, n_ev, T, w, active) > 0:
            n_waiting = _without_advisor(Y, active, S)
        lap = _lap(step_seconds, step_trace, T_CAP, lap)
        phase_assign(Y, A, E, n_ev, P, T, keys, w, S.waiting[:n_waiting], S.since[:n_waiting])
        lap = _lap(step_seconds, step_trace, T_ASSIGN, lap)
        phase_contacts(Y, A, E, n_ev, P, T, keys, w, active, S)
        lap = _lap(step_seconds, step_trace, T_CONTACTS, lap)
        tiltak_in, tiltak_waiting, ips_in, ips_waiting = phase_transitions(
            Y, A, E, n_ev, P, T, keys, w, active, S)
        lap = _lap(step_seconds, step_trace, T_TRANSITIONS, lap)
        phase_tiltak_places(Y, E, n_ev, P, T, keys, w, tiltak_in, S.waiting[:tiltak_waiting],
                            S.since[:tiltak_waiting])
        lap = _lap(step_seconds, step_trace, T_TILTAK, lap)
        phase_ips_places(Y, E, n_ev, T, w, ips_in, S.ips_waiting[:ips_waiting], S.ips_since[:ips_waiting])
        lap = _lap(step_seconds, step_trace, T_IPS, lap)
        k = w - first_week
        if k >= 0:
            end = n_ev[0]
            record_week(weekly[k], present[:n_present], active, Y.status, Y.group, Y.tiltak, Y.treatment,
                        Y.labour, Y.job_search, Y.benefit, Y.ips, Y.advisor, A.role, A.active, A.hired,
                        A.n_youths, A.older, E.kind[week_start:end], E.value[week_start:end],
                        E.aux[week_start:end], float(T.tiltak_capacity[w]))
            adv_active[k, :] = A.active
            adv_youths[k, :] = A.n_youths
            adv_contacts[k, :, :] = A.contacts
        lap = _lap(step_seconds, step_trace, T_RECORD, lap)
        if not record_events:
            n_ev[0] = 0
    return w_to
