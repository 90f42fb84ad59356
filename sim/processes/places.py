"""Places: a youth at the head of the tiltak or IPS waiting list is offered a free place.

Who is offered a place first (longest waiting, then lowest id) and how many places are
free is the engines' queue (``sim.plan``: steps ``tiltak_places`` and ``ips_places``).
"""

from __future__ import annotations

from sim.codes import B_NONE, B_SOSIALHJELP, B_TILTAKSPENGER, EV_BENEFIT, EV_IPS, EV_TILTAK, Q_IN, Q_NONE
from sim.processes.decision import decision
from sim.processes.events import emit
from sim.rng import U_TILTAK_NO_SHOW, keyed_uniform

#: ``aux`` of a tiltak event when a no-show lost the place.
NO_SHOW = 1


@decision
def take_tiltak_place(Y, E, n_ev, P, keys, w, i, phase):
    """Youth ``i`` is offered a tiltak place; returns whether they took it. A no-show loses
    the place and leaves the waiting list. Tiltakspenger start with the tiltak for those
    with no other benefit than sosialhjelp."""
    if keyed_uniform(keys[U_TILTAK_NO_SHOW], i) < P.tiltak_no_show:
        Y.tiltak[i] = Q_NONE
        emit(E, n_ev, w, i, phase, EV_TILTAK, Q_NONE, NO_SHOW)
        return False
    Y.tiltak[i] = Q_IN
    Y.tiltak_since[i] = w
    emit(E, n_ev, w, i, phase, EV_TILTAK, Q_IN, 0)
    if Y.benefit[i] == B_NONE or Y.benefit[i] == B_SOSIALHJELP:
        Y.benefit[i] = B_TILTAKSPENGER
        Y.benefit_since[i] = w
        emit(E, n_ev, w, i, phase, EV_BENEFIT, B_TILTAKSPENGER, 0)
    return True


@decision
def take_ips_place(Y, E, n_ev, w, i, phase):
    """Youth ``i``, referred to IPS, gets a job specialist."""
    Y.ips[i] = Q_IN
    emit(E, n_ev, w, i, phase, EV_IPS, 1, 0)
