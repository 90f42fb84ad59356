"""Per-youth state over time, rebuilt from the event log: the one timeline of the project.

Both the targets' statistics (:mod:`sim.measure`) and the policy outcomes
(:mod:`sim.outcomes`, :mod:`sim.cost`) read youths' states from this module, so a state
means the same in a validation and in a scenario comparison. The ``youth`` column it is
given is any non-negative id below 2**31; the outcomes pass one id per (replication,
youth) to fold every replication into one timeline.

The event log stores changes only (docs/OUTPUTS.md): a state kind holds the value of its
last event with ``week <= w``. Every statistic needs "the state of these youths in that
week" or "how many weeks of this window the youth spent in a state", for up to millions of
events, so both are answered with sorted integer keys (``youth << 32 | week``) and
``np.searchsorted``, never with a loop over youths:

* :class:`EventIndex` holds one kind of event sorted by youth and week and answers "last
  value at week w" and "how many events in weeks [s, e)".
* :class:`Timeline` cuts each youth's history into segments during which no state changes
  (a segment starts at every week with a state event) and stores the state of each segment.
  :meth:`Timeline.at` looks states up; :meth:`Timeline.weeks_in` counts the weeks a
  condition holds within a window from a running sum over segments.

Scoping. Follow-up activities (tiltak, treatment, labour attachment, job search, IPS), the
advisor and the benefit belong to a spell in follow-up: they count only while the youth's status is
``follow_up`` and only if set during the current spell (on or after the latest
registration or return). So a value left over from an earlier spell, or a week after an
exit, never counts as activity, whether or not the engine writes explicit resets. A youth
whose status is ``ufore`` has benefit ``ufore``; other statuses outside follow-up have
benefit ``none``. Outside the spell, or in it before an ``advisor`` event, the advisor is
:data:`NO_ADVISOR`. The innsatsgruppe is the last assessment or reassessment, whenever made;
``group_week`` is the week it was made, so a youth whose current spell has no assessment
yet (``group_week < spell_start``) is awaiting assessment.

Activity: one definition, :func:`activity_flags`. The targets format's activities
(job_search, tiltak, treatment, treatment_and_work_activity, partial_work, no_activity) are
read as the reports read them: a youth in treatment and in a tiltak is in treatment, in a
tiltak and in treatment_and_work_activity that week (the activity-plan study's patterns
count 40 % with both). ``job_search`` and ``no_activity`` are what is left: seeking work
with no tiltak, treatment or partial work (a partly working job seeker is
``partial_work``), and none of them at all. The one activity a week is reported under in
the weekly stocks (:func:`primary_activity`) is the first flag in the list's order of
precedence; a test holds it equal to the engines' ``sim.rules.primary_activity``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import codes

SHIFT = 32
LOW = (1 << SHIFT) - 1


def make_keys(youth: np.ndarray, week: np.ndarray) -> np.ndarray:
    """Sortable int64 keys ``youth << 32 | week`` (both non-negative)."""
    return (np.asarray(youth, dtype=np.int64) << SHIFT) | np.asarray(week, dtype=np.int64)


class EventIndex:
    """Events of one kind for one replication, sorted by (youth, week), in log order within a week."""

    def __init__(self, youth: np.ndarray, week: np.ndarray, value: np.ndarray | None = None) -> None:
        keys = make_keys(youth, week)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.youth = self.keys >> SHIFT
        self.week = self.keys & LOW
        self.value = (np.zeros(len(keys), dtype=np.int64) if value is None
                      else np.asarray(value, dtype=np.int64)[order])

    def __len__(self) -> int:
        return len(self.keys)

    def last_index(self, youth: np.ndarray, week: np.ndarray) -> np.ndarray:
        """Index of the youth's last event with week <= ``week`` (log order), or -1."""
        youth = np.asarray(youth, dtype=np.int64)
        idx = np.searchsorted(self.keys, make_keys(youth, week), side="right") - 1
        ok = idx >= 0
        ok[ok] = self.youth[idx[ok]] == youth[ok]
        return np.where(ok, idx, -1)

    def lookup(self, youth: np.ndarray, week: np.ndarray, default: int) -> tuple[np.ndarray, np.ndarray]:
        """Value and week of the youth's last event with week <= ``week`` (``default`` and -1 if none)."""
        i = self.last_index(youth, week)
        if not len(self):
            return np.full(len(i), default, dtype=np.int64), np.full(len(i), -1, dtype=np.int64)
        j = np.maximum(i, 0)
        found = i >= 0
        return np.where(found, self.value[j], default), np.where(found, self.week[j], -1)

    def count(self, youth: np.ndarray, start: np.ndarray | int, stop: np.ndarray | int) -> np.ndarray:
        """Number of the youth's events with ``start <= week < stop``."""
        youth = np.asarray(youth, dtype=np.int64)
        start = np.broadcast_to(np.asarray(start, dtype=np.int64), youth.shape)
        stop = np.broadcast_to(np.asarray(stop, dtype=np.int64), youth.shape)
        hi = np.searchsorted(self.keys, make_keys(youth, np.maximum(stop, 0)), side="left")
        lo = np.searchsorted(self.keys, make_keys(youth, np.maximum(start, 0)), side="left")
        return np.maximum(hi - lo, 0)


@dataclass
class StateAt:
    """States of youths at given weeks (one entry per query)."""

    youth: np.ndarray
    week: np.ndarray
    status: np.ndarray
    innsatsgruppe: np.ndarray
    benefit: np.ndarray
    labour_attachment: np.ndarray
    tiltak: np.ndarray
    treatment: np.ndarray
    job_search: np.ndarray
    ips: np.ndarray
    advisor: np.ndarray
    spell_start: np.ndarray  # week of the latest registration or return, -1 if none
    group_week: np.ndarray  # week of the latest assessment or reassessment, -1 if none
    activity: np.ndarray  # primary activity (code of codes.ACTIVITY) in follow-up, -1 outside

    def subset(self, mask: np.ndarray) -> StateAt:
        return StateAt(**{k: v[mask] for k, v in self.__dict__.items()})


#: State columns of a segment, in StateAt order after youth/week.
STATE_FIELDS = ("status", "innsatsgruppe", "benefit", "labour_attachment", "tiltak", "treatment",
                "job_search", "ips", "advisor", "spell_start", "group_week", "activity")
#: Advisor value meaning "no advisor" (waiting for one, after churn, or outside follow-up).
NO_ADVISOR = -1
_DEFAULTS = {"status": codes.S_NOT_ENTERED, "spell_start": -1, "group_week": -1, "advisor": NO_ADVISOR,
             "activity": -1}
#: Fields wider than a small code.
_WIDE = ("advisor", "spell_start", "group_week")
_STATUS_KINDS = (codes.EV_REGISTRATION, codes.EV_RETURN, codes.EV_EXIT, codes.EV_UFORE_DIRECT)
_SPELL_KINDS = (codes.EV_REGISTRATION, codes.EV_RETURN)
_GROUP_KINDS = (codes.EV_ASSESSMENT, codes.EV_REASSESSMENT)
_SCOPED = {
    "tiltak": codes.EV_TILTAK,
    "treatment": codes.EV_TREATMENT,
    "labour_attachment": codes.EV_LABOUR_ATTACHMENT,
    "job_search": codes.EV_JOB_SEARCH,
    "ips": codes.EV_IPS,
    "advisor": codes.EV_ADVISOR,
    "benefit": codes.EV_BENEFIT,
}
STATE_KINDS = (*_STATUS_KINDS, *_GROUP_KINDS, *_SCOPED.values())


#: Activities in order of precedence for the one activity a week is reported under.
ACTIVITY_PRECEDENCE: tuple[str, ...] = (
    "treatment_and_work_activity", "tiltak", "treatment", "partial_work", "job_search", "no_activity")
assert set(ACTIVITY_PRECEDENCE) == set(codes.ACTIVITY)


def activity_flags(tiltak: np.ndarray, treatment: np.ndarray, labour: np.ndarray, job_search: np.ndarray,
                   in_follow_up: np.ndarray) -> dict[str, np.ndarray]:
    """Whether youths (or segments) are in each state activity of ``codes.ACTIVITY`` that week.

    Inputs are the scoped states (queue codes, labour attachment code, job search 0/1);
    outside follow-up a youth is in no activity at all, not even ``no_activity``.
    """
    in_follow_up = np.asarray(in_follow_up, dtype=bool)
    in_tiltak = in_follow_up & (np.asarray(tiltak) == codes.Q_IN)
    in_treatment = in_follow_up & (np.asarray(treatment) == codes.Q_IN)
    partly = in_follow_up & (np.asarray(labour) == codes.LA_PARTLY_WORKING)
    occupied = in_tiltak | in_treatment | partly
    seeking = in_follow_up & (np.asarray(job_search) != 0) & ~occupied
    return {
        "job_search": seeking,
        "tiltak": in_tiltak,
        "treatment": in_treatment,
        "treatment_and_work_activity": in_treatment & (in_tiltak | partly),
        "partial_work": partly,
        "no_activity": in_follow_up & ~occupied & ~seeking,
    }


def primary_activity(flags: dict[str, np.ndarray]) -> np.ndarray:
    """Code of ``codes.ACTIVITY`` of the first flag set in :data:`ACTIVITY_PRECEDENCE`, -1 if none."""
    out = np.full(len(flags["no_activity"]), -1, dtype=np.int8)
    for name in reversed(ACTIVITY_PRECEDENCE):
        out[flags[name]] = codes.ACTIVITY.index(name)
    return out


class Timeline:
    """Piecewise-constant state of every youth of one replication (see the module docstring)."""

    def __init__(self, youth: np.ndarray, week: np.ndarray, kind: np.ndarray, value: np.ndarray,
                 n_weeks: int) -> None:
        youth = np.asarray(youth, dtype=np.int64)
        week = np.asarray(week, dtype=np.int64)
        kind = np.asarray(kind, dtype=np.int64)
        value = np.asarray(value, dtype=np.int64)
        self.n_weeks = int(n_weeks)
        keep = np.isin(kind, STATE_KINDS)
        youth, week, kind, value = youth[keep], week[keep], kind[keep], value[keep]

        # Segments: one per (youth, week) with a state event, lasting to the youth's next one.
        self.keys = np.unique(make_keys(youth, week))
        self.youth = self.keys >> SHIFT
        self.start = self.keys & LOW
        n = len(self.keys)
        same_next = np.zeros(n, dtype=bool)
        same_next[:-1] = self.youth[1:] == self.youth[:-1]
        self.stop = np.maximum(np.where(same_next, np.roll(self.start, -1), self.n_weeks), self.start)
        is_first = np.ones(n, dtype=bool)
        is_first[1:] = ~same_next[:-1]
        firsts = np.flatnonzero(is_first)
        self.first = np.repeat(firsts, np.diff(np.r_[firsts, n]))  # first segment of each segment's youth

        def index(kinds: tuple[int, ...], values: np.ndarray | None = None) -> EventIndex:
            sel = np.isin(kind, kinds)
            return EventIndex(youth[sel], week[sel], None if values is None else values[sel])

        status_value = np.select(
            [np.isin(kind, _SPELL_KINDS), kind == codes.EV_UFORE_DIRECT],
            [codes.S_FOLLOW_UP, codes.S_UFORE], value)
        statuses = index(_STATUS_KINDS, status_value)
        self.status = statuses.lookup(self.youth, self.start, codes.S_NOT_ENTERED)[0]
        self.spell_start = index(_SPELL_KINDS).lookup(self.youth, self.start, -1)[1]
        self.innsatsgruppe, self.group_week = index(_GROUP_KINDS, value).lookup(self.youth, self.start, 0)
        in_follow_up = self.status == codes.S_FOLLOW_UP
        for name, ev_kind in _SCOPED.items():
            found, set_week = index((ev_kind,), value).lookup(self.youth, self.start, 0)
            current = in_follow_up & (set_week >= 0) & (set_week >= self.spell_start)
            setattr(self, name, np.where(current, found, _DEFAULTS.get(name, 0)))
        self.benefit = np.where(self.status == codes.S_UFORE, codes.B_UFORE, self.benefit)
        self.activity = primary_activity(activity_flags(
            self.tiltak, self.treatment, self.labour_attachment, self.job_search, in_follow_up))
        # Small codes: snapshots of every youth are cached, so their size matters.
        for name in STATE_FIELDS:
            setattr(self, name, getattr(self, name).astype(np.int32 if name in _WIDE else np.int8))

    def __len__(self) -> int:
        return len(self.keys)

    def _segment(self, youth: np.ndarray, week: np.ndarray) -> np.ndarray:
        """Index of the segment containing each (youth, week), or -1 before the youth's first."""
        idx = np.searchsorted(self.keys, make_keys(youth, week), side="right") - 1
        ok = idx >= 0
        ok[ok] = self.youth[idx[ok]] == youth[ok]
        return np.where(ok, idx, -1)

    def at(self, youth: np.ndarray, week: np.ndarray | int) -> StateAt:
        """The state of each ``youth`` during ``week`` (not entered before its first event)."""
        youth = np.asarray(youth, dtype=np.int64)
        week = np.broadcast_to(np.asarray(week, dtype=np.int64), youth.shape)
        seg = self._segment(youth, np.maximum(week, 0))
        seg[week < 0] = -1
        ok = seg >= 0
        j = np.maximum(seg, 0)
        out = {}
        for name in STATE_FIELDS:
            default = _DEFAULTS.get(name, 0)
            column = getattr(self, name)
            out[name] = np.where(ok, column[j], default) if len(self) else \
                np.full(youth.shape, default, dtype=column.dtype)
        return StateAt(youth=youth, week=week, **out)

    def weeks_in(self, condition: np.ndarray, youth: np.ndarray, start: np.ndarray | int,
                 stop: np.ndarray | int) -> np.ndarray:
        """Weeks in ``[start, stop)`` during which ``condition`` (one bool per segment) holds.

        Weeks before a youth's first event never satisfy a condition (the youth had not
        entered), nor do weeks at or after the end of the run.
        """
        youth = np.asarray(youth, dtype=np.int64)
        start = np.broadcast_to(np.asarray(start, dtype=np.int64), youth.shape)
        stop = np.broadcast_to(np.asarray(stop, dtype=np.int64), youth.shape)
        if not len(self):
            return np.zeros(youth.shape, dtype=np.int64)
        condition = np.asarray(condition, dtype=np.int64)
        before = np.r_[0, np.cumsum(condition * (self.stop - self.start))]

        def upto(t: np.ndarray) -> np.ndarray:
            """Weeks in the condition from the youth's first segment up to week t (exclusive)."""
            t = np.clip(t, 0, self.n_weeks)
            seg = self._segment(youth, t)
            j = np.maximum(seg, 0)
            partial = condition[j] * (np.minimum(t, self.stop[j]) - self.start[j])
            return np.where(seg >= 0, before[j] - before[self.first[j]] + partial, 0)

        return np.maximum(upto(stop) - upto(start), 0)

    def in_follow_up(self) -> np.ndarray:
        """Per segment: status follow_up."""
        return self.status == codes.S_FOLLOW_UP

    def status_in(self, statuses: tuple[int, ...]) -> np.ndarray:
        """Per segment: status is one of ``statuses``."""
        return np.isin(self.status, statuses)

    def in_activity(self, activity: str) -> np.ndarray:
        """Per segment: in the state activity ``activity`` (see :func:`activity_flags`)."""
        return activity_flags(self.tiltak, self.treatment, self.labour_attachment, self.job_search,
                              self.in_follow_up())[activity]

    def awaiting_assessment(self) -> np.ndarray:
        """Per segment: in follow-up with no assessment yet in the current spell."""
        return self.in_follow_up() & (self.group_week < self.spell_start)
