"""Advisors: who is staffed, when a youth's advisor changes, the portfolio cap, and which
advisor a waiting youth gets.

A portfolio is an advisor's youths (``A.n_youths``) plus their exogenous older users
(``A.older``). A waiting youth is placed in their own office, with the active advisor of
the wanted role whose portfolio is smallest (lowest id on ties).
"""

from __future__ import annotations

from sim import rules
from sim.codes import EV_ADVISOR, R_BOTH, R_YOUTH
from sim.processes.decision import decision
from sim.processes.events import emit
from sim.rng import U_ASSIGN_ROLE, U_CHURN, keyed_uniform

#: ``Params.cap_mode`` codes (``sim.params.CAP_MODES``): when every youth advisor of an
#: office is at the cap, a youth meant for one waits (hard), goes to a both-age advisor
#: (overflow), or gets a newly hired youth advisor (hire).
CAP_HARD, CAP_OVERFLOW, CAP_HIRE = 0, 1, 2


@decision
def staff(A, T, w, youth_slots, both_first, both_slots):
    """Fill this week's ordinary youth and both-age advisor slots (staffing levers: the
    first ``T.youth_advisors[w]`` youth slots and ``T.both_advisors[w]`` both-age slots are
    active). Returns whether any slot changed, so that youths of an advisor who left can be
    sent to wait for a new one."""
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
    if not P.contact_person_target_group or rules.garanti_target(True, Y.group[i]):
        mult = T.contact_churn_mult[w]
    if rules.garanti_target(T.garanti_fixed_contact[w], Y.group[i]):
        mult = min(mult, P.garanti_churn_mult)
    return keyed_uniform(keys[U_CHURN], i) < P.churn * mult


@decision
def cap_excess(A, a, cap):
    """How many youths advisor ``a`` must hand over under a portfolio cap of ``cap`` (0 = no
    cap): a youth advisor whose portfolio (youths and older users) exceeds it hands over
    youths until it does not. Older users are not the youth office's to move, so an advisor
    whose older users alone exceed the cap hands over every youth and keeps them."""
    if cap <= 0 or not A.active[a] or A.role[a] != R_YOUTH:
        return 0
    portfolio = A.n_youths[a] + A.older[a]
    if portfolio <= cap:
        return 0
    return min(portfolio - cap, A.n_youths[a])


@decision
def wants_youth_advisor(Y, P, T, keys, w, i):
    """Whether the office places waiting youth ``i`` with a youth advisor (rather than a
    both-age one); the ungdomsgaranti raises the share for its target group (its part
    ``youth_advisors``)."""
    target = rules.garanti_target(T.garanti_youth_advisors[w], Y.group[i])
    share = P.garanti_youth_advisor_share if target else P.youth_advisor_share
    return keyed_uniform(keys[U_ASSIGN_ROLE], i) < share


@decision
def least_loaded(A, office, role, cap):
    """Active advisor of ``role`` in ``office`` with the smallest portfolio (lowest id on
    ties); with ``cap > 0`` only advisors whose portfolio is below the cap. -1 if none."""
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
def choose_advisor(A, cap_mode, office, wants_youth, cap):
    """The advisor a waiting youth gets in ``office``, or -1 to go on waiting.

    A youth meant for a youth advisor goes to a both-age advisor when the office has no
    youth advisor; when it has some but all are at the cap, the cap's mode decides. An
    office without youth advisors is not bound by a cap on their portfolios, so a cap that
    never binds changes nothing. A youth meant for a both-age advisor gets a youth advisor
    when the office has no both-age one.
    """
    if wants_youth:
        a = least_loaded(A, office, R_YOUTH, cap)
        if a < 0 and cap > 0 and least_loaded(A, office, R_YOUTH, 0) >= 0:
            if cap_mode == CAP_OVERFLOW:
                a = least_loaded(A, office, R_BOTH, 0)
            elif cap_mode == CAP_HIRE:
                a = hire(A, office)
        elif a < 0:
            a = least_loaded(A, office, R_BOTH, 0)
        return a
    a = least_loaded(A, office, R_BOTH, 0)
    if a < 0:
        a = least_loaded(A, office, R_YOUTH, cap)
    return a


@decision
def assign(Y, A, E, n_ev, w, i, a, phase):
    """Advisor ``a`` becomes youth ``i``'s contact person; a first contact is due."""
    Y.advisor[i] = a
    Y.assigned_week[i] = w
    Y.pending[i] = True
    A.n_youths[a] += 1
    emit(E, n_ev, w, i, phase, EV_ADVISOR, a, 0)
