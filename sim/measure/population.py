"""One replication's data, ready for measuring: timeline, event indexes, youth attributes, filters.

:class:`RepData` is built once per replication (lazily, by :class:`sim.measure.Measurer`)
and shared by every metric, so a file of a hundred targets reconstructs the states once.

Filters (``where``) apply to the state at the measurement point of each metric:

* ``age``: ``(week - birth_week) // 52`` at the measurement week, inclusive ranges;
  ``age_band`` the band of that age (16-19, 20-24, 25-29);
* ``innsatsgruppe``, ``benefit``, ``labour_attachment``: the state that week (see
  :mod:`sim.measure.timeline` for the scoping of benefit and labour attachment);
* ``sex``, ``education``, ``mental_health``: fixed attributes (youths.parquet);
* ``registered_months_band``: whole months since the start of the current follow-up spell
  (the latest registration or return), ``(week - spell_start) * 12 // 52``;
* ``new_entrant``: true when the youth has a registration or return event in the measured
  period (each metric says which weeks that is).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim import codes
from sim.calendar import Calendar
from sim.measure.timeline import EventIndex, StateAt, Timeline
from sim.targets import REGISTERED_MONTHS_BAND

#: Lower bounds (months) of the registered_months_band categories, in their order.
_MONTH_BAND_LOWER = np.array([0, 4, 8, 12, 24, 36, 48])
assert len(_MONTH_BAND_LOWER) == len(REGISTERED_MONTHS_BAND)
#: Lower bounds (years) of codes.AGE_BAND.
_AGE_BAND_LOWER = np.array([16, 20, 25])
_AGE_BAND_UPPER = 29
#: Memory the cached state snapshots of one replication may take.
SNAPSHOT_BUDGET_BYTES = 400_000_000


def category_codes(column: pd.Series, names: tuple[str, ...]) -> np.ndarray:
    """Integer codes of a column stored as names (category/string) or already as codes."""
    if pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype=np.int64)
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Translate the (few) categories, not the (many) rows.
        known = [names.index(str(c)) if str(c) in names else -1 for c in column.cat.categories]
        lookup = np.array([*known, -1], dtype=np.int64)
        return lookup[column.cat.codes.to_numpy(dtype=np.int64)]  # code -1 (missing) -> last entry
    cat = pd.Categorical(column.astype(str), categories=list(names))
    return np.asarray(cat.codes, dtype=np.int64)


def age_band_code(age: np.ndarray) -> np.ndarray:
    """Code of codes.AGE_BAND for each age, -1 outside 16-29."""
    band = np.searchsorted(_AGE_BAND_LOWER, age, side="right") - 1
    return np.where((age >= _AGE_BAND_LOWER[0]) & (age <= _AGE_BAND_UPPER), band, -1)


def registered_months_band_code(week: np.ndarray, spell_start: np.ndarray) -> np.ndarray:
    """Code of REGISTERED_MONTHS_BAND from whole months since the spell start, -1 if none."""
    months = (np.asarray(week) - spell_start) * 12 // 52
    band = np.searchsorted(_MONTH_BAND_LOWER, months, side="right") - 1
    return np.where((spell_start >= 0) & (months >= 0), band, -1)


class RepData:
    """Everything the metrics read for one replication."""

    def __init__(self, rep: int, events: Mapping[str, np.ndarray], youths: pd.DataFrame,
                 advisors: pd.DataFrame, calendar: Calendar, scale: float,
                 scenario: Mapping | None = None) -> None:
        self.rep = rep
        self.scenario = scenario or {}
        self.calendar = calendar
        self.scale = scale
        self.n_weeks = calendar.n_weeks
        youth, week, kind = events["youth"], events["week"], events["kind"]
        value, aux = events["value"], events["aux"]
        self.timeline = Timeline(youth, week, kind, value, calendar.n_weeks)

        def index(kind_code: int, mask: np.ndarray | None = None, values: np.ndarray | None = None
                  ) -> EventIndex:
            sel = kind == kind_code if mask is None else (kind == kind_code) & mask
            return EventIndex(youth[sel], week[sel], None if values is None else values[sel])

        self.entries = index(codes.EV_REGISTRATION)
        spell = (kind == codes.EV_REGISTRATION) | (kind == codes.EV_RETURN)
        self.spells = EventIndex(youth[spell], week[spell])
        self.exits = index(codes.EV_EXIT, values=value)
        self.assessments = index(codes.EV_ASSESSMENT, values=value)
        self.reassessments = index(codes.EV_REASSESSMENT, values=value)
        self.reassessed_up, self.reassessed_down = _reassessment_directions(youth, week, kind, value)
        self.advisor_events = index(codes.EV_ADVISOR, values=value)
        self.ips_starts = index(codes.EV_IPS, mask=value == 1)  # a place taken (0: IPS ended)
        is_contact = kind == codes.EV_CONTACT
        self.contact_youth = youth[is_contact].astype(np.int64)
        self.contact_week = week[is_contact].astype(np.int64)
        self.contact_channel = value[is_contact].astype(np.int64)
        self.contact_advisor = aux[is_contact].astype(np.int64)

        ids = youths["youth"].to_numpy(dtype=np.int64)
        self.youth_ids = np.sort(ids)
        size = int(ids.max()) + 1 if len(ids) else 0
        self._birth = np.zeros(size, dtype=np.int64)
        self._sex = np.full(size, -1, dtype=np.int64)
        self._education = np.full(size, -1, dtype=np.int64)
        self._mental = np.zeros(size, dtype=bool)
        self._known = np.zeros(size, dtype=bool)
        self._known[ids] = True
        if len(ids):
            self._birth[ids] = youths["birth_week"].to_numpy(dtype=np.int64)
            self._sex[ids] = category_codes(youths["sex"], codes.SEX)
            self._education[ids] = category_codes(youths["education"], codes.EDUCATION)
            self._mental[ids] = youths["mental_health"].to_numpy(dtype=bool)

        self.advisors = advisors
        self._snapshots: dict[int, StateAt] = {}
        self._contact_indexes: dict[tuple[int, ...], EventIndex] = {}

    # --- youth attributes and states ---------------------------------------------------

    def known(self, youth: np.ndarray) -> np.ndarray:
        """Youths present in youths.parquet (events of others are ignored)."""
        youth = np.asarray(youth, dtype=np.int64)
        return self._lookup(self._known, youth, False).astype(bool)

    def _lookup(self, column: np.ndarray, youth: np.ndarray, default: int | bool) -> np.ndarray:
        youth = np.asarray(youth, dtype=np.int64)
        inside = (youth >= 0) & (youth < len(column))
        return np.where(inside, column[np.where(inside, youth, 0)] if len(column) else default, default)

    def age(self, youth: np.ndarray, week: np.ndarray | int) -> np.ndarray:
        birth = self._lookup(self._birth, youth, 0)
        return (np.asarray(week, dtype=np.int64) - birth) // codes.WEEKS_PER_YEAR

    def mental_health(self, youth: np.ndarray) -> np.ndarray:
        return self._lookup(self._mental, youth, False).astype(bool)

    def sex(self, youth: np.ndarray) -> np.ndarray:
        return self._lookup(self._sex, youth, -1)

    def education(self, youth: np.ndarray) -> np.ndarray:
        return self._lookup(self._education, youth, -1)

    def snapshot(self, week: int) -> StateAt:
        """The state of every youth during ``week``.

        Cached, because stock and transition targets look at the same weeks over and over;
        the cache keeps the most recently used snapshots within a memory budget.
        """
        if week in self._snapshots:
            self._snapshots[week] = self._snapshots.pop(week)  # most recently used last
            return self._snapshots[week]
        state = self.timeline.at(self.youth_ids, week)
        per_snapshot = max(1, sum(a.nbytes for k, a in state.__dict__.items() if k != "youth"))
        limit = max(4, SNAPSHOT_BUDGET_BYTES // per_snapshot)
        while len(self._snapshots) >= limit:
            self._snapshots.pop(next(iter(self._snapshots)))
        self._snapshots[week] = state
        return state

    def at(self, youth: np.ndarray, week: np.ndarray) -> StateAt:
        return self.timeline.at(youth, week)

    def contacts(self, channels: tuple[int, ...]) -> EventIndex:
        """Contact events in ``channels`` (any initiator), indexed by youth and week."""
        if channels not in self._contact_indexes:
            sel = np.isin(self.contact_channel, channels)
            self._contact_indexes[channels] = EventIndex(self.contact_youth[sel], self.contact_week[sel])
        return self._contact_indexes[channels]

    def attribute(self, name: str, state: StateAt) -> np.ndarray:
        """Code of a stock_share attribute (or filter) for each queried youth."""
        if name == "innsatsgruppe":
            return state.innsatsgruppe
        if name == "benefit":
            return state.benefit
        if name == "labour_attachment":
            return state.labour_attachment
        if name == "age_band":
            return age_band_code(self.age(state.youth, state.week))
        if name == "sex":
            return self.sex(state.youth)
        if name == "education":
            return self.education(state.youth)
        if name == "registered_months_band":
            return registered_months_band_code(state.week, state.spell_start)
        if name == "mental_health":
            return self.mental_health(state.youth).astype(np.int64)
        raise KeyError(name)

    def fully_unemployed(self, state: StateAt) -> np.ndarray:
        """NAV's "helt ledige": in follow-up as a jobseeker (standard, situasjonsbestemt, or
        awaiting the spell's assessment), no work hours (labour attachment none or laid off;
        the model's lay-offs are full) and not in a tiltak. Education is an exit in the
        model, so no youth in follow-up is in education."""
        follow_up = state.status == codes.S_FOLLOW_UP
        awaiting = follow_up & (state.group_week < state.spell_start)
        jobseeker = awaiting | np.isin(state.innsatsgruppe, (codes.STANDARD, codes.SITUASJONSBESTEMT))
        no_work = np.isin(state.labour_attachment, (codes.LA_NONE, codes.LA_LAID_OFF))
        return follow_up & jobseeker & no_work & (state.tiltak != codes.Q_IN)

    # --- filters -------------------------------------------------------------------------

    def youth_mask(self, where: Mapping[str, tuple], state: StateAt,
                   period: tuple[np.ndarray | int, np.ndarray | int] | None = None) -> np.ndarray:
        """Which queried youths match the youth filters of ``where`` (advisor filters ignored).

        ``period`` is the inclusive range of weeks in which a registration or return makes
        the youth a ``new_entrant``.
        """
        from sim.targets import ATTRIBUTES

        mask = self.known(state.youth)
        for name, accepted in where.items():
            if name == "age":
                age = self.age(state.youth, state.week)
                ok = np.zeros(len(age), dtype=bool)
                for lo, hi in accepted:
                    ok |= (age >= lo) & (age <= hi)
            elif name == "mental_health":
                ok = np.isin(self.mental_health(state.youth), accepted)
            elif name == "new_entrant":
                if period is None:
                    raise ValueError("new_entrant needs the measured period")
                lo, hi = period
                entered = self.spells.count(state.youth, lo, np.asarray(hi) + 1) > 0
                ok = np.isin(entered, accepted)
            elif name == "fully_unemployed":
                ok = np.isin(self.fully_unemployed(state), accepted)
            elif name == "ips":
                ok = np.isin((state.status == codes.S_FOLLOW_UP) & (state.ips == 1), accepted)
            elif name in ATTRIBUTES:
                names = ATTRIBUTES[name]
                ok = np.isin(self.attribute(name, state), [names.index(v) for v in accepted])
            else:
                continue  # advisor filters are applied by the advisor metrics
            mask &= ok
        return mask

    def advisor_mask(self, where: Mapping[str, tuple], frame: pd.DataFrame) -> np.ndarray:
        """Which advisor rows match the advisor filters of ``where`` (youth filters ignored)."""
        mask = np.ones(len(frame), dtype=bool)
        for name, names in (("role", codes.ROLE), ("employer", codes.EMPLOYER)):
            if name in where:
                col = category_codes(frame[name], names)
                mask &= np.isin(col, [names.index(v) for v in where[name]])
        return mask


def _reassessment_directions(youth: np.ndarray, week: np.ndarray, kind: np.ndarray, value: np.ndarray
                             ) -> tuple[EventIndex, EventIndex]:
    """Reassessments to a higher and to a lower innsatsgruppe than the youth's previous one.

    The previous group is the value of the youth's preceding assessment or reassessment
    event (log order); a reassessment with no preceding group is neither up nor down.
    """
    sel = (kind == codes.EV_ASSESSMENT) | (kind == codes.EV_REASSESSMENT)
    y, w, k, v = (np.asarray(a, dtype=np.int64)[sel] for a in (youth, week, kind, value))
    order = np.lexsort((w, y))  # stable: log order within a week
    y, w, k, v = y[order], w[order], k[order], v[order]
    prev = np.r_[-1, v[:-1]] if len(v) else v
    has_prev = np.r_[False, y[1:] == y[:-1]] if len(y) else np.zeros(0, dtype=bool)
    is_re = (k == codes.EV_REASSESSMENT) & has_prev
    up = is_re & (v > prev)
    down = is_re & (v < prev)
    return EventIndex(y[up], w[up]), EventIndex(y[down], w[down])
