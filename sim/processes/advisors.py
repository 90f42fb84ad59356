"""Advisors: who is staffed, when a youth's advisor changes, the portfolio cap, and which
advisor a waiting youth gets.

A portfolio is an advisor's youths (``A.n_youths``) plus their exogenous older users
(``A.older``). A waiting youth is placed in their own office, with the active advisor of
the wanted role whose portfolio is smallest (lowest id on ties).

A portfolio cap (``policy.portfolio_cap``) counts some users (all, the young, or the
ungdomsgaranti's target group: ``Params.cap_counts``) and holds either for each youth
advisor (a ceiling) or as an average over the youth advisors of the office or of the
country (``Params.cap_over``). It binds where a youth who counts is placed; a ceiling may
also make advisors above it hand over youths (``Params.cap_move``).
"""

from __future__ import annotations

import math

from sim import rules
from sim.codes import EV_ADVISOR, R_BOTH, R_OLDER, R_YOUTH
from sim.processes.decision import decision
from sim.processes.events import emit
from sim.rng import U_ASSIGN_ROLE, U_CHURN, keyed_uniform, uniform

#: ``Params.cap_mode`` codes (``sim.params.CAP_MODES``): when every youth advisor of an
#: office is at the cap, a youth meant for one waits (hard), goes to a both-age advisor
#: (overflow), or gets a newly hired youth advisor (hire).
CAP_HARD, CAP_OVERFLOW, CAP_HIRE = 0, 1, 2
#: ``Params.cap_counts`` codes (``sim.params.CAP_COUNTS``): the users a cap counts.
COUNT_ALL, COUNT_YOUNG, COUNT_TARGET_GROUP = 0, 1, 2
#: ``Params.cap_over`` codes (``sim.params.CAP_OVER``): what the cap holds over.
OVER_ADVISOR, OVER_OFFICE, OVER_NATIONAL = 0, 1, 2


@decision
def older_load(base, role, index):
    """An advisor's older users (30+) this week: older-user advisors carry their load at
    set-up (``base``) times the year's index (``inputs.older_load_index``: the advisor
    surveys' mean rose from 81 in 2022 to 95 in 2024); other roles keep theirs."""
    if role == R_OLDER:
        return int(math.floor(base * index + 0.5))
    return base


@decision
def staff(A, T, w, youth_slots, both_first, both_slots):
    """Fill this week's ordinary youth and both-age advisor slots (staffing levers: the
    first ``T.youth_advisors[w]`` youth slots and ``T.both_advisors[w]`` both-age slots are
    active) and set every advisor's older users for the week (:func:`older_load`). Returns
    whether any slot changed, so that youths of an advisor who left can be sent to wait for
    a new one."""
    for a in range(len(A.older)):
        A.older[a] = older_load(A.older_base[a], A.role[a], T.older_index[w])
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
    return changed


@decision
def churns(Y, P, T, keys, w, i):
    """Whether youth ``i``'s advisor changes this week. A fixed contact person makes that
    rarer: the contact-person lever (``T.contact_churn_mult``, for everyone or only the
    guarantee's target group) and the ungdomsgaranti's own for its target group (its part
    ``fixed_contact_person``). A youth both cover has one contact person: the stronger
    of the two multipliers holds, they do not compound."""
    mult = 1.0
    if not P.contact_person_target_group or in_target_group(Y.group[i]):
        mult = T.contact_churn_mult[w]
    if rules.garanti_target(T.garanti_fixed_contact[w], Y.group[i]):
        mult = min(mult, P.garanti_churn_mult)
    return keyed_uniform(keys[U_CHURN], i) < P.churn * mult


@decision
def wants_youth_advisor(Y, P, T, w, i):
    """Whether the office places waiting youth ``i`` with a youth advisor (rather than a
    both-age one); the ungdomsgaranti raises the share for its target group (its part
    ``youth_advisors``). The office decides once, when the youth starts waiting (the draw
    is of that week), so a youth waiting for a youth advisor under a hard cap goes on
    waiting for one."""
    target = rules.garanti_target(T.garanti_youth_advisors[w], Y.group[i])
    share = P.garanti_youth_advisor_share if target else P.youth_advisor_share
    return uniform(P.seed, U_ASSIGN_ROLE, Y.wait_since[i], i) < share


@decision
def in_target_group(group):
    """Whether innsatsgruppe ``group`` is in the ungdomsgaranti's target group."""
    return rules.garanti_target(True, group)


@decision
def counts_toward_cap(group, counts):
    """Whether a youth of innsatsgruppe ``group`` counts toward a cap counting ``counts``."""
    return counts != COUNT_TARGET_GROUP or in_target_group(group)


@decision
def counted(A, a, counts):
    """Advisor ``a``'s users that a cap counting ``counts`` counts."""
    if counts == COUNT_ALL:
        return A.n_youths[a] + A.older[a]
    if counts == COUNT_YOUNG:
        return A.n_youths[a]
    return A.n_target[a]


@decision
def regroup(Y, A, i, group):
    """Youth ``i``'s innsatsgruppe becomes ``group``; their advisor's count of the
    ungdomsgaranti's target group follows."""
    a = Y.advisor[i]
    if a >= 0:
        A.n_target[a] += int(in_target_group(group)) - int(in_target_group(Y.group[i]))
    Y.group[i] = group


@decision
def hands_over(P, cap):
    """Whether advisors above the cap in force (``cap`` > 0) hand youths over this week:
    only under a ceiling on each advisor whose current users move (``on_start: move``); an
    average target, or a cap that keeps current users, binds only where youths are placed."""
    return cap > 0 and P.cap_move and P.cap_over == OVER_ADVISOR


@decision
def cap_excess(A, a, cap, counts):
    """How many youths advisor ``a`` must hand over under a ceiling of ``cap`` users
    counting ``counts`` (0 = no cap): a youth advisor whose counted portfolio exceeds it
    hands over youths who count until it does not. Older users are not the youth office's
    to move, so an advisor whose older users alone exceed the cap hands over every youth
    and keeps them."""
    if cap <= 0 or not A.active[a] or A.role[a] != R_YOUTH:
        return 0
    portfolio = counted(A, a, counts)
    if portfolio <= cap:
        return 0
    movable = A.n_target[a] if counts == COUNT_TARGET_GROUP else A.n_youths[a]
    return min(portfolio - cap, movable)


@decision
def least_loaded(A, office, role, cap, counts):
    """Active advisor of ``role`` in ``office`` with the smallest portfolio for their
    capacity (``A.capacity``; lowest id on ties); with ``cap > 0`` only advisors whose users
    counting ``counts`` are below the cap. -1 if none."""
    best = -1
    for k in range(A.office_start[office], A.office_start[office + 1]):
        a = A.office_members[k]
        if not A.active[a] or A.role[a] != role:
            continue
        if cap > 0 and counted(A, a, counts) >= cap:
            continue
        # load / capacity below the best's, without dividing
        if best < 0 or ((A.n_youths[a] + A.older[a]) * A.capacity[best]
                        < (A.n_youths[best] + A.older[best]) * A.capacity[a]):
            best = a
    return best


@decision
def room(A, first, last, cap, counts):
    """Places left under an average target of ``cap`` users counting ``counts`` over the
    active youth advisors among ``A.office_members[first:last]``: ``cap`` times their number
    minus the users they hold."""
    left = 0
    for k in range(first, last):
        a = A.office_members[k]
        if A.active[a] and A.role[a] == R_YOUTH:
            left += cap - counted(A, a, counts)
    return left


@decision
def national_room(A, cap, counts):
    """:func:`room` over every office: the room under a national average target."""
    return room(A, 0, len(A.office_members), cap, counts)


@decision
def national_room_in_force(A, P, cap):
    """The room under the cap at the start of the assign step: under a national average
    target, :func:`national_room`; otherwise 0 (unused). Placing and hiring then update it."""
    if cap > 0 and P.cap_over == OVER_NATIONAL:
        return national_room(A, cap, P.cap_counts)
    return 0


@decision
def hire(A, office):
    """Fill the office's next free hire slot (a cap of mode hire); -1 if none is left."""
    for k in range(A.office_start[office], A.office_start[office + 1]):
        a = A.office_members[k]
        if A.hired[a] and not A.active[a]:
            A.active[a] = True
            return a
    return -1


@decision
def youth_advisor_under_cap(A, P, office, cap, national):
    """The youth advisor of ``office`` who may take one more youth who counts under the cap
    (``national[0]``: the room left under a national average), or -1."""
    if P.cap_over == OVER_ADVISOR:
        return least_loaded(A, office, R_YOUTH, cap, P.cap_counts)
    if P.cap_over == OVER_OFFICE:
        left = room(A, A.office_start[office], A.office_start[office + 1], cap, P.cap_counts)
    else:
        left = national[0]
    if left <= 0:
        return -1
    return least_loaded(A, office, R_YOUTH, 0, P.cap_counts)


@decision
def choose_advisor(A, P, office, wants_youth, counts, cap, national):
    """The advisor a waiting youth gets in ``office``, or -1 to go on waiting.

    ``counts``: whether the youth counts toward the cap (``cap`` > 0 when one is in force).
    A youth meant for a youth advisor goes to a both-age advisor when the office has no
    youth advisor; when it has some but none may take them under the cap, the cap's mode
    decides. An office without youth advisors is not bound by a cap on their portfolios, so
    a cap that never binds changes nothing. A youth meant for a both-age advisor gets a
    youth advisor when the office has no both-age one.
    """
    binding = cap > 0 and counts
    if wants_youth:
        if binding:
            a = youth_advisor_under_cap(A, P, office, cap, national)
            if a < 0 and least_loaded(A, office, R_YOUTH, 0, P.cap_counts) >= 0:
                if P.cap_mode == CAP_OVERFLOW:
                    a = least_loaded(A, office, R_BOTH, 0, P.cap_counts)
                elif P.cap_mode == CAP_HIRE:
                    a = hire(A, office)
                    if a >= 0 and P.cap_over == OVER_NATIONAL:
                        national[0] += cap
                return a
        else:
            a = least_loaded(A, office, R_YOUTH, 0, P.cap_counts)
        if a < 0:
            a = least_loaded(A, office, R_BOTH, 0, P.cap_counts)
        return a
    a = least_loaded(A, office, R_BOTH, 0, P.cap_counts)
    if a < 0:
        a = youth_advisor_under_cap(A, P, office, cap, national) if binding else \
            least_loaded(A, office, R_YOUTH, 0, P.cap_counts)
    return a


@decision
def assign(Y, A, E, n_ev, w, i, a, phase):
    """Advisor ``a`` becomes youth ``i``'s contact person; a first contact is due."""
    Y.advisor[i] = a
    Y.assigned_week[i] = w
    Y.pending[i] = True
    A.n_youths[a] += 1
    A.n_target[a] += int(in_target_group(Y.group[i]))
    emit(E, n_ev, w, i, phase, EV_ADVISOR, a, 0)


@decision
def place(Y, A, E, n_ev, P, T, w, i, cap, national, phase):
    """Waiting youth ``i`` is placed with an advisor of their office, or waits on.

    ``cap`` is the cap in force this week (0: none) and ``national`` the room left under a
    national average target (:func:`national_room` at the start of the step), which this
    placement uses up.
    """
    counts = counts_toward_cap(Y.group[i], P.cap_counts)
    a = choose_advisor(A, P, Y.office[i], wants_youth_advisor(Y, P, T, w, i), counts, cap, national)
    if a >= 0:
        assign(Y, A, E, n_ev, w, i, a, phase)
        if counts and A.role[a] == R_YOUTH:
            national[0] -= 1
