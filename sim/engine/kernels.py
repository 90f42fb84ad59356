"""Compiled weekly phases of the numba engine: the loops and queues, not the decisions.

One function per step of the week's plan (``sim.plan``), in its order; each loops over the
struct-of-arrays tables (``sim.state``, ``sim.engine.tables``) in id order and calls the
decisions of ``sim.processes``, which numba inlines. Every random number is
``sim.rng.uniform`` of (seed, stream, week, id); the week's stream keys are computed once
(``keys``, from ``sim.rng.week_keys``) and each decision mixes in its id
(``keyed_uniform``): the same bits, one mixing round a draw. Events are written into a
preallocated buffer; ``n_ev[0]`` is the fill level. The week's scratch lists live in a
workspace allocated once (``sim.engine.tables.Workspace``). The Mesa engine
(``sim.engine.mesa_engine``) runs the same decisions as Python over tables of lists, agent
by agent; ``tests/test_engine_equivalence.py`` holds its loops and queues to identical event
logs.

Only youths who have entered and not aged out can change. The engine keeps their ids in a
list, ``present`` (ascending: ids are given in order of entry), so the weekly loops skip the
long-gone and the unborn; entry order is not birth order, so a range of ids from the first
youth not yet aged out would hold about as many aged-out youths as present ones. One pass
over the list (:func:`scan_present`) finds who ages out, who returns, and who is in
follow-up this week; after returns, the phases visit only the youths in follow-up.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit, objmode

from sim import plan
from sim.codes import (
    CH_ACTIVITY_PLAN,
    CH_EMAIL_SMS,
    CH_SCHEDULED,
    CH_UNSCHEDULED,
    Q_IN,
    Q_WAITING,
    S_FOLLOW_UP,
)
from sim.engine.pipeline import KernelCompiler
from sim.engine.record import record_week
from sim.processes import advisors, contacts, entry, places, spells, transitions
from sim.rng import U_RETURN, keyed_uniform, week_keys
from sim.rules import digital_priority, digital_reachable

AGE_OUT = spells.AGE_OUT

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

#: A kernel that only ``step_weeks`` calls: compiled without the Python and C entry points
#: numba makes for every function, which unpack each of the tables' arrays and were a
#: quarter of the first run's compile time (docs/PERFORMANCE.md); ``phase_kernel`` with the
#: pipeline that inlines the decisions, ``inner_kernel`` for those that call none.
phase_kernel = njit(cache=True, pipeline_class=KernelCompiler, no_cpython_wrapper=True,
                    no_cfunc_wrapper=True)
inner_kernel = njit(cache=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)

# ----------------------------------------------------------------------------------------
# set-up


@njit(cache=True, pipeline_class=KernelCompiler)
def draw_attributes(Y, P):
    """Fixed attributes of every youth (``processes.entry.draw_attributes``)."""
    keys = week_keys(P.seed, 0)
    for i in range(Y.status.shape[0]):
        entry.draw_attributes(Y, P, keys, i)


# ----------------------------------------------------------------------------------------
# phases: loops over the tables that call the decisions of ``sim.processes``


@phase_kernel
def arrivals(Y, E, n_ev, P, T, keys, w, ids, phase):
    """Youths ``ids`` (ascending) arrive at Nav: a registration or a return."""
    for i in ids:
        entry.arrive(Y, E, n_ev, P, T, keys, w, i, phase)


@inner_kernel
def phase_inflow(Y, E, n_ev, P, T, keys, w, first, last):
    """Youths with ids in [first, last) enter this week (ids are in order of entry)."""
    arrivals(Y, E, n_ev, P, T, keys, w, np.arange(first, last, 1, np.uint32), np.int64(PH_INFLOW))


@phase_kernel
def scan_present(status, need, birth_week, return_hazard, return_key, w, present, n, S):
    """One pass over the ``n`` present youths at the start of week ``w``: who reaches 30,
    who comes back to Nav, and who will be in follow-up after returns.

    Returns ``(kept, aged, returning, follow_up)``, id arrays in ascending order;
    ``present[:kept]`` is rewritten in place to hold those still present; the lists are
    views of the workspace ``S`` (``sim.engine.tables.Workspace``). The decisions
    are those of the ageing and returns phases (``processes.spells``), taken for each youth
    in one visit instead of three passes over all ids; the phases then act on the short
    lists, in id order, so the events are the same. A return is drawn for every youth and
    counted only where the status allows it: a branch on the status was mispredicted about
    as often as not, and an unused draw consumes nothing (``sim.rng``).

    The follow-up list is what the phases after returns visit: a youth who leaves during
    the week stays in it and is skipped by their status. Ids are unsigned (``uint32``; the
    event log stores them as int32): indexing with an unsigned id needs no check for a
    negative index, which was several per cent of the time of the phases that loop over
    them.
    """
    aged = S.aged
    returning = S.returning
    follow_up = S.follow_up
    kept = 0
    n_aged = 0
    n_returning = 0
    n_follow_up = 0
    for k in range(n):
        i = present[k]
        if spells.reaches_age_out(birth_week[i], w):
            aged[n_aged] = i
            n_aged += 1
            continue
        present[kept] = i
        kept += 1
        s = status[i]
        back = spells.comes_back(s, need[i], keyed_uniform(return_key, i), return_hazard)
        returning[n_returning] = i
        n_returning += back
        follow_up[n_follow_up] = i
        n_follow_up += (s == S_FOLLOW_UP) | back
    return kept, aged[:n_aged], returning[:n_returning], follow_up[:n_follow_up]


@phase_kernel
def phase_ageing(Y, A, E, n_ev, w, aged):
    """Everyone reaching 30 (``aged``, from :func:`scan_present`) leaves the model."""
    for i in aged:
        spells.age_out(Y, A, E, n_ev, w, i, PH_AGEING)


@inner_kernel
def phase_returns(Y, E, n_ev, P, T, keys, w, returning):
    """Some who left for work, education or nothing come back to Nav (``returning``, drawn
    in :func:`scan_present`)."""
    arrivals(Y, E, n_ev, P, T, keys, w, returning, np.int64(PH_RETURNS))


@phase_kernel
def phase_staffing(Y, A, E, n_ev, T, w, follow_up, youth_slots, both_first, both_slots):
    """This week's staffing; youths of an advisor who leaves wait for a new one (only
    youths in follow-up have an advisor)."""
    if advisors.staff(A, T, w, youth_slots, both_first, both_slots):
        for i in follow_up:
            a = Y.advisor[i]
            if a >= 0 and not A.active[a]:
                spells.unassign(Y, A, E, n_ev, w, i, PH_STAFFING)


@phase_kernel
def phase_churn(Y, A, E, n_ev, P, T, keys, w, active, S):
    """Advisor changes (``processes.advisors.churns``).

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
            if not advisors.churns(Y, P, T, keys, w, i):
                continue
            spells.unassign(Y, A, E, n_ev, w, i, PH_CHURN)
        waiting[count] = i
        since[count] = Y.wait_since[i]
        count += 1
    return count


@inner_kernel
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


@phase_kernel
def phase_cap(Y, A, E, n_ev, P, T, w, active):
    """A ceiling in force whose advisors hand over youths (``on_start: move``): advisors
    over it (``processes.advisors.cap_excess``) hand over their most recently assigned
    youths who count (among equals the highest id). Returns how many."""
    cap = T.cap_youth[w]
    handed_over = 0
    if not advisors.hands_over(P, cap):
        return handed_over
    for a in range(A.role.shape[0]):
        excess = advisors.cap_excess(A, a, cap, P.cap_counts)
        for _ in range(excess):
            best = -1
            for i in active:
                if Y.advisor[i] == a and Y.status[i] == S_FOLLOW_UP \
                        and advisors.counts_toward_cap(Y.group[i], P.cap_counts):
                    if best < 0 or Y.assigned_week[i] >= Y.assigned_week[best]:
                        best = i
            if best < 0:
                break
            spells.unassign(Y, A, E, n_ev, w, best, PH_CAP)
            handed_over += 1
    return handed_over


@phase_kernel
def phase_assign(Y, A, E, n_ev, P, T, w, waiting, since):
    """Youths without an advisor get one in their office, longest waiting first
    (``processes.advisors.place``).

    ``waiting`` are their ids (ascending) and ``since`` the weeks they started waiting.
    """
    count = waiting.shape[0]
    if count == 0:
        return
    order = np.argsort(since, kind="mergesort")
    cap = T.cap_youth[w]
    national = np.zeros(1, dtype=np.int64)
    national[0] = advisors.national_room_in_force(A, P, cap)
    for k in range(count):
        advisors.place(Y, A, E, n_ev, P, T, w, waiting[order[k]], cap, national, PH_ASSIGN)


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
    contacts.log_contact(A, E, n_ev, w, slots[s].youth, a, channel, PH_CONTACTS)
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


@phase_kernel
def phase_contacts(Y, A, E, n_ev, P, T, keys, w, active, S):
    """Advisors spend their weekly contact budget; youths write in the activity plan.

    The numbers (budgets, quotas, scores, what a contact does) are the decisions of
    ``processes.contacts``; the work here is laid out for the memory, since at national
    scale this phase was the one whose cost per youth grew with the population:

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
    garanti = T.garanti_priority[w]
    # 1. the slices, from the portfolio counts
    start = S.start
    start[0] = 0
    for a in range(n_adv):
        start[a + 1] = start[a] + A.n_youths[a]
    fill = S.fill
    for a in range(n_adv):
        fill[a] = start[a]
    n_members = start[n_adv]
    # 2. in id order: each youth's advisor and the fields of their priorities
    advisor_at = S.advisor_at  # -1: not followed up by an advisor
    staged = S.staged
    for p in range(n):
        i = active[p]
        contacts.fade(Y, P, i)
        contacts.turn_dialogue(Y, P, keys, i)
        a = -1
        if Y.status[i] == S_FOLLOW_UP:
            a = Y.advisor[i]
        advisor_at[p] = a
        if a < 0:
            continue
        slot = staged[p]
        slot.youth = i
        slot.at = p
        slot.since_meeting = w - Y.last_meeting[i]
        slot.since_contact = w - Y.last_contact[i]
        slot.in_spell = w - Y.reg_week[i]
        slot.info = (Y.group[i] | (Y.pending[i] * INFO_PENDING) | ((Y.tiltak[i] == Q_IN) * INFO_TILTAK)
                     | ((Y.treatment[i] == Q_IN) * INFO_TREATMENT) | (Y.dialogue_active[i] * INFO_DIALOGUE))
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
        contacts.plan_week(A, P, T, keys, w, a, y, budget, quota)
        if y == 0:
            continue
        if quota[CH_SCHEDULED] + quota[CH_UNSCHEDULED] > 0:
            for k in range(y):
                slot = slots[first + k]
                score[k] = contacts.meeting_score(
                    P, garanti, slot.info & INFO_GROUP, (slot.info & INFO_PENDING) != 0,
                    (slot.info & INFO_TILTAK) != 0, (slot.info & INFO_TREATMENT) != 0, slot.in_spell,
                    slot.since_meeting)
            for c in (CH_SCHEDULED, CH_UNSCHEDULED):
                left = quota[c]
                while left > 0:
                    k = _take_best(score, y)
                    if k < 0:
                        break
                    _contact(A, E, n_ev, w, a, c, slots, first + k, given, channel_of)
                    left -= 1
                contacts.unspent_to_older(A, a, c, left)
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
        left = quota[CH_ACTIVITY_PLAN]
        while left > 0:
            k = _take_best(by_plan, m)
            if k < 0:
                break
            score[k] = -np.inf
            _contact(A, E, n_ev, w, a, CH_ACTIVITY_PLAN, slots, reachable[k], given, channel_of)
            left -= 1
        contacts.unspent_to_older(A, a, CH_ACTIVITY_PLAN, left)
        left = quota[CH_EMAIL_SMS]
        while left > 0:
            k = _take_best(score, m)
            if k < 0:
                break
            _contact(A, E, n_ev, w, a, CH_EMAIL_SMS, slots, reachable[k], given, channel_of)
            left -= 1
        contacts.unspent_to_older(A, a, CH_EMAIL_SMS, left)
    # 5. in id order: the contacted youths' state; youths' own activity-plan messages
    for p in range(n):
        i = active[p]
        c = channel_of[p]
        if c >= 0:
            contacts.contacted(Y, P, w, i, c)
        if advisor_at[p] >= 0:
            contacts.write_message(Y, E, n_ev, P, keys, w, i, PH_CONTACTS)


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


@phase_kernel
def phase_transitions(Y, A, E, n_ev, P, T, keys, w, active, S):
    """Each youth in follow-up: their week (``processes.transitions.transition``).

    On the way, the queues of the two place phases after it: each youth's last step here
    is the last change to their tiltak and IPS state before those phases, so a youth still
    in follow-up goes into the count of places in use or onto the waiting list
    (``S.waiting``/``S.since`` for tiltak, ``S.ips_waiting``/``S.ips_since`` for IPS, in id
    order). Collecting them here saves two more passes over the follow-up list. Returns
    (tiltak places in use, tiltak waiting, IPS places in use, IPS waiting).
    """
    market = transitions.labour_market(P, T, w)
    tiltak_in = 0
    tiltak_waiting = 0
    ips_in = 0
    ips_waiting = 0
    tiltak_ids = S.waiting
    tiltak_since = S.since
    ips_ids = S.ips_waiting
    ips_since = S.ips_since
    in_type = S.tiltak_in_type
    in_type[:] = 0
    for i in active:
        if Y.status[i] != S_FOLLOW_UP:
            continue
        if not transitions.transition(Y, A, E, n_ev, P, T, keys, w, i, market, PH_TRANSITIONS):
            continue
        tiltak_in, tiltak_waiting = _count_or_queue(Y.tiltak, Y.tiltak_since, i, tiltak_ids, tiltak_since,
                                                    tiltak_in, tiltak_waiting)
        if Y.tiltak[i] == Q_IN:
            in_type[Y.tiltak_type[i]] += 1
        ips_in, ips_waiting = _count_or_queue(Y.ips, Y.ips_since, i, ips_ids, ips_since, ips_in, ips_waiting)
    return tiltak_in, tiltak_waiting, ips_in, ips_waiting


@inner_kernel
def _in_queue_order(ids, since):
    """``ids`` (ascending) in queue order: earliest ``since`` first, then lowest id."""
    return ids[np.argsort(since, kind="mergesort")]


@phase_kernel
def phase_tiltak_places(Y, E, n_ev, P, T, keys, w, in_use, waiting, since):
    """Free places of each kind of tiltak go to the youths referred to that kind, in the
    order of the one waiting list (``processes.places``), while the whole budget has room
    (after a cut, kinds over their share do not free places of the others).

    ``in_use`` are the places taken by kind; ``waiting`` are the ids on the list
    (ascending) and ``since`` the weeks they joined it, from :func:`phase_transitions`.
    """
    free = np.empty_like(in_use)
    left = places.tiltak_room(T.tiltak_type_capacity[w], T.tiltak_capacity[w], in_use, free)
    if left <= 0:
        return
    for i in _in_queue_order(waiting, since):
        if left <= 0:
            break
        k = Y.tiltak_type[i]
        if free[k] <= 0:
            continue
        if places.take_tiltak_place(Y, E, n_ev, P, T, keys, w, i, PH_TILTAK):
            free[k] -= 1
            left -= 1


@phase_kernel
def phase_ips_places(Y, E, n_ev, T, w, in_use, waiting, since):
    """Free IPS places go to referred youths in order (the list as for tiltak)."""
    free = T.ips_capacity[w] - in_use
    if free <= 0:
        return
    for i in _in_queue_order(waiting, since):
        if free <= 0:
            break
        places.take_ips_place(Y, E, n_ev, w, i, PH_IPS)
        free -= 1


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
        phase_inflow(Y, E, n_ev, P, T, keys, w, first, last)
        for i in range(first, last):
            present[n_present] = i
            n_present += 1
        lap = _lap(step_seconds, step_trace, T_INFLOW, lap)
        n_present, aged, returning, active = scan_present(
            Y.status, Y.need, Y.birth_week, T.return_hazard[w], keys[U_RETURN], w, present, n_present, S)
        counts[0] = n_present
        counts[1] = last
        lap = _lap(step_seconds, step_trace, T_SCAN, lap)
        phase_ageing(Y, A, E, n_ev, w, aged)
        lap = _lap(step_seconds, step_trace, T_AGEING, lap)
        phase_returns(Y, E, n_ev, P, T, keys, w, returning)
        lap = _lap(step_seconds, step_trace, T_RETURNS, lap)
        phase_staffing(Y, A, E, n_ev, T, w, active, layout[0], layout[1], layout[2])
        lap = _lap(step_seconds, step_trace, T_STAFFING, lap)
        n_waiting = phase_churn(Y, A, E, n_ev, P, T, keys, w, active, S)
        lap = _lap(step_seconds, step_trace, T_CHURN, lap)
        if phase_cap(Y, A, E, n_ev, P, T, w, active) > 0:
            n_waiting = _without_advisor(Y, active, S)
        lap = _lap(step_seconds, step_trace, T_CAP, lap)
        phase_assign(Y, A, E, n_ev, P, T, w, S.waiting[:n_waiting], S.since[:n_waiting])
        lap = _lap(step_seconds, step_trace, T_ASSIGN, lap)
        phase_contacts(Y, A, E, n_ev, P, T, keys, w, active, S)
        lap = _lap(step_seconds, step_trace, T_CONTACTS, lap)
        tiltak_in, tiltak_waiting, ips_in, ips_waiting = phase_transitions(
            Y, A, E, n_ev, P, T, keys, w, active, S)
        lap = _lap(step_seconds, step_trace, T_TRANSITIONS, lap)
        phase_tiltak_places(Y, E, n_ev, P, T, keys, w, S.tiltak_in_type, S.waiting[:tiltak_waiting],
                            S.since[:tiltak_waiting])
        lap = _lap(step_seconds, step_trace, T_TILTAK, lap)
        phase_ips_places(Y, E, n_ev, T, w, ips_in, S.ips_waiting[:ips_waiting], S.ips_since[:ips_waiting])
        lap = _lap(step_seconds, step_trace, T_IPS, lap)
        k = w - first_week
        if k >= 0:
            end = n_ev[0]
            record_week(weekly[k], present[:n_present], active, Y.status, Y.group, Y.tiltak, Y.tiltak_type,
                        Y.treatment,
                        Y.labour, Y.job_search, Y.benefit, Y.ips, Y.advisor, A.role, A.active, A.hired,
                        A.n_youths, A.older, E.kind[week_start:end], E.value[week_start:end],
                        E.aux[week_start:end], float(T.tiltak_capacity[w]))
            for a in range(A.active.shape[0]):
                adv_active[k, a] = A.active[a]
                adv_youths[k, a] = A.n_youths[a]
                for c in range(A.contacts.shape[1]):
                    adv_contacts[k, a, c] = A.contacts[a, c]
        lap = _lap(step_seconds, step_trace, T_RECORD, lap)
        if not record_events:
            n_ev[0] = 0
    return w_to
