"""The event sink: every change of a youth's state is written as one event.

``E`` is an ``sim.engine.tables.Events`` buffer (a named tuple of columns) and ``n_ev`` a
one-element array holding its fill level; both engines pass the same kind, so the
decisions of ``sim.processes`` write events the same way in either.
"""

from __future__ import annotations

from sim.processes.decision import decision


@decision
def emit(E, n_ev, week, youth, phase, kind, value, aux):
    """Append one event (``sim.codes.EVENT_KIND`` says what ``value`` and ``aux`` hold)."""
    k = n_ev[0]
    E.week[k] = week
    E.youth[k] = youth
    E.phase[k] = phase
    E.kind[k] = kind
    E.value[k] = value
    E.aux[k] = aux
    n_ev[0] = k + 1
