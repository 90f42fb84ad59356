"""The numba engine's working tables: the event buffer and the week's scratch.

The youth and advisor tables are declared in ``sim.state`` (re-exported here); every table
is a named tuple of equally long numpy arrays (one element per youth or advisor). Sizes
are known before the run (``sim.params.Sizes``), so nothing is appended in
the weekly loop; only the event buffer grows, by doubling, between weeks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.codes import N_TILTAK_TYPES
from sim.state import Advisors, Youths, empty_youths

__all__ = ["Advisors", "Events", "SLOT", "Workspace", "Youths", "empty_events", "empty_workspace",
           "empty_youths", "grown", "bytes_per_youth"]


#: A youth's place in their advisor's slice of the contact phase's compressed list: id,
#: position in the follow-up list, weeks since the last meeting, the last contact and the
#: spell's start, and ``info`` (innsatsgruppe and flags, ``kernels.INFO_*``): the fields the
#: advisor's priorities are computed from. 16 bytes, so one write moves it. The weeks fit
#: int16: a run covers at most ``sim.scenario.schema.MAX_HORIZON_YEARS`` (40 years, 2 088 weeks).
SLOT = np.dtype([("youth", np.uint32), ("at", np.uint32), ("since_meeting", np.int16),
                 ("since_contact", np.int16), ("in_spell", np.int16), ("info", np.uint8)], align=True)


class Workspace(NamedTuple):
    """Scratch arrays the weekly phases fill and read within one week, allocated once.

    Every week the phases need lists and columns as long as the youths present. Made fresh
    each week they cost a page fault and the zeroing of a fresh page for every 4 KB once
    they outgrow the allocator's free lists: at a million youths about 10 000 faults and
    a sixth of the engine's time a week. Sized to the most youths ever present at once
    (known before the run from entry and birth weeks), they are touched in place.
    """
    # ids from the pass over the present youths (``kernels.scan_present``)
    aged: np.ndarray  # uint32
    returning: np.ndarray  # uint32
    follow_up: np.ndarray  # uint32, the week's follow-up list: held until the week ends
    # a waiting list: advisor assignment, then the tiltak queue
    waiting: np.ndarray  # uint32 ids
    since: np.ndarray  # int32 sort key (a week)
    # the IPS queue (filled in the same pass as the tiltak queue)
    ips_waiting: np.ndarray  # uint32 ids
    ips_since: np.ndarray  # int32 sort key (a week)
    # tiltak places in use by kind (codes.TILTAK_TYPE), counted with the queues
    tiltak_in_type: np.ndarray  # int64 [tiltak types]
    # the contact phase, by position in the follow-up list
    advisor_at: np.ndarray  # int32
    staged: np.ndarray  # SLOT
    channel_of: np.ndarray  # int8
    # the contact phase, by advisor and by slot of an advisor's slice
    start: np.ndarray  # int64 [advisors + 1]
    fill: np.ndarray  # int64 [advisors]
    slots: np.ndarray  # SLOT
    given: np.ndarray  # bool


class Events(NamedTuple):
    week: np.ndarray  # int32
    youth: np.ndarray  # int32
    phase: np.ndarray  # int8 (order of the weekly phases)
    kind: np.ndarray  # int8 (sim.codes.EVENT_KIND)
    value: np.ndarray  # int32
    aux: np.ndarray  # int32


def empty_workspace(n: int, n_advisors: int) -> Workspace:
    """Scratch for weeks with at most ``n`` youths present and ``n_advisors`` advisors."""
    return Workspace(
        aged=np.empty(n, dtype=np.uint32), returning=np.empty(n, dtype=np.uint32),
        follow_up=np.empty(n, dtype=np.uint32), waiting=np.empty(n, dtype=np.uint32),
        since=np.empty(n, dtype=np.int32), ips_waiting=np.empty(n, dtype=np.uint32),
        ips_since=np.empty(n, dtype=np.int32), tiltak_in_type=np.zeros(N_TILTAK_TYPES, dtype=np.int64),
        advisor_at=np.empty(n, dtype=np.int32),
        staged=np.empty(n, dtype=SLOT), channel_of=np.empty(n, dtype=np.int8),
        start=np.empty(n_advisors + 1, dtype=np.int64), fill=np.empty(n_advisors, dtype=np.int64),
        slots=np.empty(n, dtype=SLOT), given=np.empty(n, dtype=np.bool_),
    )


def empty_events(capacity: int) -> Events:
    """An event buffer; only its first ``n_ev`` rows are ever read, so it is not zeroed."""
    return Events(
        week=np.empty(capacity, dtype=np.int32),
        youth=np.empty(capacity, dtype=np.int32),
        phase=np.empty(capacity, dtype=np.int8),
        kind=np.empty(capacity, dtype=np.int8),
        value=np.empty(capacity, dtype=np.int32),
        aux=np.empty(capacity, dtype=np.int32),
    )


def grown(events: Events, used: int, capacity: int) -> Events:
    """A larger event buffer holding the first ``used`` events of ``events``."""
    new = empty_events(capacity)
    for old, fresh in zip(events, new, strict=True):
        fresh[:used] = old[:used]
    return new


def bytes_per_youth(youths: Youths) -> float:
    """Memory of the youth state tables per youth (the event log is reported apart)."""
    n = len(youths.status)
    return sum(a.nbytes for a in youths) / max(n, 1)
