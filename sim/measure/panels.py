"""Panel statistics over a window: ``panel_ever_share``, ``panel_pattern_share``,
``panel_count`` and ``panel_months_share``.

Window: ``round(months * 52 / 12)`` weeks from the week containing ``start``. Panel: youths
in follow-up in every week of the window, matching ``where`` on the state of the window's
first week (``new_entrant``: registered or returned within the window).

Weekly activities: one definition, :func:`sim.measure.timeline.activity_flags` (the
weekly stocks' primary activity follows from the same flags). A youth can be in several
at once:

* ``tiltak``: in a tiltak (tiltak state ``in``, not waiting);
* ``treatment``: in medical treatment (treatment state ``in``);
* ``treatment_and_work_activity``: in treatment and, the same week, in tiltak or partly working;
* ``partial_work``: labour attachment ``partly_working``;
* ``job_search``: actively seeking work and in none of tiltak, treatment, partial work;
* ``no_activity``: in follow-up and none of tiltak, treatment, partly working, job search;
* ``ips``: in IPS or IPS ung;
* ``digital_dialogue``: a contact in the activity plan's dialogue that week (either side);
* ``meeting``: a scheduled meeting or an unscheduled conversation with the advisor that week.

"Ever in the window" means in the activity in at least one week of the window.
"""

from __future__ import annotations

import numpy as np

from sim import codes
from sim.calendar import months_to_weeks
from sim.measure.base import metric, require_weeks, share
from sim.measure.population import RepData
from sim.measure.timeline import Timeline
from sim.targets import ATTRIBUTES, Measure

#: Contact channels that make up the contact-based activities.
CONTACT_ACTIVITIES: dict[str, tuple[int, ...]] = {
    "digital_dialogue": (codes.CH_ACTIVITY_PLAN,),
    "meeting": (codes.CH_SCHEDULED, codes.CH_UNSCHEDULED),
}


def in_tiltak(tl: Timeline) -> np.ndarray:
    return tl.tiltak == codes.Q_IN


def in_treatment(tl: Timeline) -> np.ndarray:
    return tl.treatment == codes.Q_IN


def partly_working(tl: Timeline) -> np.ndarray:
    return tl.labour_attachment == codes.LA_PARTLY_WORKING


def work_activity(tl: Timeline) -> np.ndarray:
    """Tiltak or partial work: the 'work activity' of the spesielt tilpasset AAP patterns."""
    return in_tiltak(tl) | partly_working(tl)


def activity_condition(tl: Timeline, activity: str) -> np.ndarray:
    """Per timeline segment: is the youth in ``activity`` (state-based activities only)."""
    if activity == "ips":
        return tl.in_follow_up() & (tl.ips == 1)
    return tl.in_activity(activity)


def panel(rd: RepData, m: Measure) -> tuple[np.ndarray, int, int]:
    """Youth ids of the panel and the window ``[start, stop)``."""
    start = rd.calendar.week_of(m.params["start"])
    weeks = months_to_weeks(m.params["months"])
    stop = start + weeks
    require_weeks(rd, start, stop, "window")
    ids = rd.youth_ids
    always = rd.timeline.weeks_in(rd.timeline.in_follow_up(), ids, start, stop) == weeks
    state = rd.snapshot(start)
    members = always & rd.youth_mask(m.where, state, (start, stop - 1))
    return ids[members], start, stop


def ever(rd: RepData, activity: str, youth: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Whether each youth was in ``activity`` in at least one week of ``[start, stop)``."""
    if activity in CONTACT_ACTIVITIES:
        return rd.contacts(CONTACT_ACTIVITIES[activity]).count(youth, start, stop) > 0
    return rd.timeline.weeks_in(activity_condition(rd.timeline, activity), youth, start, stop) > 0


@metric("panel_ever_share")
def panel_ever_share(rd: RepData, m: Measure) -> float:
    """Share of the panel in ``activity`` at least once in the window."""
    youth, start, stop = panel(rd, m)
    hits = ever(rd, m.params["activity"], youth, start, stop)
    return share(hits, np.ones(len(youth), dtype=bool))


@metric("panel_pattern_share")
def panel_pattern_share(rd: RepData, m: Measure) -> float:
    """Share of the panel with ``pattern`` of treatment and work activity in the window.

    Over the whole window: ``treatment_and_work`` = ever in treatment and ever in a work
    activity (tiltak or partial work, not necessarily the same week); ``treatment_only``,
    ``work_activity_only`` = one but not the other; ``neither``.
    """
    youth, start, stop = panel(rd, m)
    tl = rd.timeline
    treated = tl.weeks_in(in_treatment(tl), youth, start, stop) > 0
    working = tl.weeks_in(work_activity(tl), youth, start, stop) > 0
    hits = {
        "treatment_and_work": treated & working,
        "treatment_only": treated & ~working,
        "work_activity_only": ~treated & working,
        "neither": ~treated & ~working,
    }[m.params["pattern"]]
    return share(hits, np.ones(len(youth), dtype=bool))


@metric("panel_count")
def panel_count(rd: RepData, m: Measure) -> float:
    """National number of panel members (in follow-up every week of the window, matching
    ``where`` in its first week); with ``attribute``, those with ``category`` in the first week."""
    youth, start, _ = panel(rd, m)
    attribute = m.params.get("attribute")
    if attribute is not None:
        state = rd.at(youth, np.full(len(youth), start))
        youth = youth[rd.attribute(attribute, state) == ATTRIBUTES[attribute].index(m.params["category"])]
    return float(len(youth)) / rd.scale


def month_bounds(start: int, months: int) -> list[tuple[int, int]]:
    """Weeks ``[round((k-1)*52/12), round(k*52/12))`` of the window, month k = 1..months."""
    return [(start + months_to_weeks(k - 1), start + months_to_weeks(k)) for k in range(1, months + 1)]


@metric("panel_months_share")
def panel_months_share(rd: RepData, m: Measure) -> float:
    """Among panel members in ``activity`` in at least one month of the window, the share in
    it in exactly ``count`` months (a month counts when the activity holds in one of its weeks)."""
    youth, start, _ = panel(rd, m)
    months = int(m.params["months"])
    active = np.zeros(len(youth), dtype=np.int64)
    for lo, hi in month_bounds(start, months):
        active += ever(rd, m.params["activity"], youth, lo, hi)
    return share(active == int(m.params["count"]), active > 0)
