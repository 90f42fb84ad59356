"""Places: a youth at the head of the tiltak or IPS waiting list is offered a free place.

Who is offered a place first (longest waiting, then lowest id) and how many places are
free is the engines' queue (``sim.plan``: steps ``tiltak_places`` and ``ips_places``).
"""

from __future__ import annotations

from sim.codes import (
    B_NONE,
    B_SOSIALHJELP,
    B_TILTAKSPENGER,
    EV_BENEFIT,
    EV_IPS,
    EV_TILTAK,
    Q_IN,
    Q_NONE,
)
from sim.processes.decision import decision
from sim.processes.events import emit
from sim.processes.spells import age_at
from sim.rng import U_SOSIALHJELP_IN_TILTAK, U_TILTAK_NO_SHOW, U_TILTAKSPENGER_RIGHT, keyed_uniform

#: ``aux`` of a tiltak event when a no-show lost the place.
NO_SHOW = 1
#: Tiltakspenger are paid from this age (law; report 004 §4.3 counts recipients 18-29).
TILTAKSPENGER_AGE = 18


@decision
def gets_tiltakspenger(benefit, age, right, cut):
    """Whether a youth starting a tiltak gets tiltakspenger: from 18, in a tiltak that gives
    the ``right`` to them, and not on top of dagpenger, AAP or uføretrygd. Sosialhjelp gives
    way to tiltakspenger, except after the rate ``cut`` (2021), when tiltakspenger fall
    below sosialhjelp and the youth stays on sosialhjelp (the model records one benefit)."""
    if age < TILTAKSPENGER_AGE or not right:
        return False
    return benefit == B_NONE or (benefit == B_SOSIALHJELP and not cut)


@decision
def needs_sosialhjelp_in_tiltak(benefit, age, u, share):
    """Whether a participant without tiltakspenger gets sosialhjelp while in the tiltak:
    one aged 18 or more with no benefit at all, at ``share`` (uniform ``u``). Many young
    participants get sosialhjelp or nothing while in tiltak (report 004 §4.3 and §6.4)."""
    return benefit == B_NONE and age >= TILTAKSPENGER_AGE and u < share


@decision
def tiltak_room(type_capacity, capacity, in_use, free):
    """The week's room for new tiltak starts: fills ``free`` with each kind's free places
    (its share of the budget less the youths in it) and returns how many may start in all,
    never above the whole budget's free places (after a cut, kinds over their share do not
    free places of the others)."""
    left = 0
    used = 0
    for k in range(len(type_capacity)):
        free[k] = type_capacity[k] - in_use[k]
        left += max(free[k], 0)
        used += in_use[k]
    return min(left, capacity - used)


@decision
def take_tiltak_place(Y, E, n_ev, P, T, keys, w, i, phase):
    """Youth ``i`` is offered a place of the kind they were referred to; returns whether
    they took it. A no-show loses the place and leaves the waiting list. Tiltakspenger start
    with the tiltak under the rules of :func:`gets_tiltakspenger` (never in a wage subsidy,
    which pays a wage); others keep their benefit, and some with none get
    sosialhjelp (:func:`needs_sosialhjelp_in_tiltak`)."""
    if keyed_uniform(keys[U_TILTAK_NO_SHOW], i) < P.tiltak_no_show:
        Y.tiltak[i] = Q_NONE
        emit(E, n_ev, w, i, phase, EV_TILTAK, Q_NONE, NO_SHOW)
        return False
    Y.tiltak[i] = Q_IN
    Y.tiltak_since[i] = w
    emit(E, n_ev, w, i, phase, EV_TILTAK, Q_IN, 0)
    right = (P.tiltak_tiltakspenger[Y.tiltak_type[i]]
             and keyed_uniform(keys[U_TILTAKSPENGER_RIGHT], i) < P.tiltakspenger_right_share[Y.group[i]])
    age = age_at(Y.birth_week[i], w)
    if gets_tiltakspenger(Y.benefit[i], age, right, T.tiltakspenger_cut[w]):
        Y.benefit[i] = B_TILTAKSPENGER
        Y.benefit_since[i] = w
        emit(E, n_ev, w, i, phase, EV_BENEFIT, B_TILTAKSPENGER, 0)
    elif needs_sosialhjelp_in_tiltak(Y.benefit[i], age, keyed_uniform(keys[U_SOSIALHJELP_IN_TILTAK], i),
                                     P.sosialhjelp_in_tiltak):
        Y.benefit[i] = B_SOSIALHJELP
        Y.benefit_since[i] = w
        emit(E, n_ev, w, i, phase, EV_BENEFIT, B_SOSIALHJELP, 0)
    return True


@decision
def take_ips_place(Y, E, n_ev, w, i, phase):
    """Youth ``i``, referred to IPS, gets a job specialist."""
    Y.ips[i] = Q_IN
    emit(E, n_ev, w, i, phase, EV_IPS, 1, 0)
