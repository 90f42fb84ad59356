"""Spells: losing an advisor, leaving follow-up, ageing out and coming back.

A youth waits for an advisor from the week they lose one; leaving follow-up releases the
advisor, any tiltak place, treatment and IPS, and ends a benefit (uføretrygd starts one).
"""

from __future__ import annotations

from sim.codes import (
    B_NONE,
    B_UFORE,
    EV_ADVISOR,
    EV_BENEFIT,
    EV_EXIT,
    EV_IPS,
    EV_TILTAK,
    EV_TREATMENT,
    Q_IN,
    Q_NONE,
    S_AGED_OUT,
    S_FOLLOW_UP,
    S_OUTSIDE,
    S_UFORE,
    S_WORK,
    WEEKS_PER_YEAR,
)
from sim.processes.advisors import in_target_group
from sim.processes.decision import decision
from sim.processes.events import emit

#: Youths leave the model at this age (the population is 16-29).
AGE_OUT = 30


@decision
def unassign(Y, A, E, n_ev, w, i, phase):
    """Youth ``i`` loses their advisor (churn, cap, staffing cut, exit), if they have one,
    and starts waiting for a new one."""
    a = Y.advisor[i]
    if a >= 0:
        A.n_youths[a] -= 1
        A.n_target[a] -= int(in_target_group(Y.group[i]))
        Y.advisor[i] = -1
        Y.wait_since[i] = w
        Y.pending[i] = False
        emit(E, n_ev, w, i, phase, EV_ADVISOR, -1, 0)


@decision
def end_spell(Y, A, E, n_ev, w, i, phase, new_status):
    """Leave follow-up for ``new_status``: release advisor, tiltak place, treatment and IPS;
    end the benefit (or start uføretrygd); record the exit."""
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


@decision
def age_at(birth_week, w):
    """Age in whole years in week ``w`` of a youth born in ``birth_week``."""
    return (w - birth_week) // WEEKS_PER_YEAR


@decision
def reaches_age_out(birth_week, w):
    """Whether a youth born in ``birth_week`` is 30 or older in week ``w``."""
    return birth_week <= w - AGE_OUT * WEEKS_PER_YEAR


@decision
def age_out(Y, A, E, n_ev, w, i, phase):
    """Youth ``i`` reaches 30 and leaves the model (recorded, not simulated further)."""
    if Y.status[i] == S_FOLLOW_UP:
        end_spell(Y, A, E, n_ev, w, i, phase, S_AGED_OUT)
    else:
        Y.status[i] = S_AGED_OUT
        emit(E, n_ev, w, i, phase, EV_EXIT, S_AGED_OUT, 0)


@decision
def comes_back(status, need, u, return_hazard):
    """Whether someone in ``status`` with latent ``need`` returns to Nav this week, given
    uniform ``u``: only those who left for work, education (or both) or nothing can, at
    ``return_hazard[status][need]`` (this week's). Written without branches (``&`` of
    comparisons): the compiled pass over every present youth mispredicts a branch on the
    status about as often as not."""
    return (status >= S_WORK) & (status <= S_OUTSIDE) & (u < return_hazard[status][need])
