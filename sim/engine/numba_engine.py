"""The numba engine: struct-of-arrays tables stepped by compiled phase kernels.

:meth:`NumbaEngine.step` runs one week as the sequence of phases in
:data:`sim.engine.kernels.PHASE_NAMES`; the loop over weeks is Python (a dozen calls a
week), the loops over youths and advisors are compiled. ``engine.phases`` lists the step
order for inspection.
"""

from __future__ import annotations

import numpy as np

from sim.engine import kernels as K
from sim.engine.output import EngineOutput
from sim.engine.record import N_WEEKLY, record_week
from sim.engine.setup import advisor_layout, entry_schedule
from sim.engine.tables import Advisors, empty_events, empty_youths, grown
from sim.params import build
from sim.scenario.schema import Scenario

#: Upper bound on events one youth can cause in one week (all phases together).
MAX_EVENTS_PER_YOUTH_WEEK = 24


class NumbaEngine:
    """One replication of ``scenario`` with ``seed``."""

    name = "numba"
    phases = K.PHASE_NAMES

    def __init__(self, scenario: Scenario, seed: int, record_events: bool = True) -> None:
        self.params, self.timeline, self.sizes, self.calendar = build(scenario, seed)
        self.schedule = entry_schedule(self.timeline, self.sizes)
        self.layout = advisor_layout(scenario, self.params, self.timeline, self.sizes)
        n = self.sizes.n_youths
        self.youths = empty_youths(n)
        self.youths.entry_week[:] = self.schedule.entry_week
        self.youths.entry_kind[:] = self.schedule.entry_kind
        K.draw_attributes(self.youths, self.params)
        lay = self.layout
        n_adv = len(lay.role)
        self.advisors = Advisors(
            role=lay.role, office=lay.office, employer=lay.employer, older=lay.older,
            active=np.zeros(n_adv, dtype=np.bool_), hired=lay.hired,
            n_youths=np.zeros(n_adv, dtype=np.int32),
            contacts=np.zeros((n_adv, 4), dtype=np.int32),
            office_start=lay.office_start, office_members=lay.office_members,
        )
        self.advisors.active[(lay.role != 0) & ~lay.hired] = True  # older and both; youth by staffing
        self.record_events = record_events
        self.events = empty_events(max(1024, n * 8))
        self.n_ev = np.zeros(1, dtype=np.int64)
        self.week = 0
        self.lo = 0
        self.hi = 0
        n_period = self.sizes.n_weeks - self.sizes.first_week
        self.weekly = np.zeros((n_period, N_WEEKLY), dtype=np.float64)
        self.adv_active = np.zeros((n_period, n_adv), dtype=np.bool_)
        self.adv_youths = np.zeros((n_period, n_adv), dtype=np.int32)
        self.adv_contacts = np.zeros((n_period, n_adv, 4), dtype=np.int32)
        self.youth_weeks = 0  # youth-weeks in follow-up stepped (for benchmarks)

    @property
    def n_weeks(self) -> int:
        return self.sizes.n_weeks

    def _reserve(self) -> None:
        """Room in the event buffer for the worst case of the coming week (grown by doubling)."""
        first, last = self.schedule.week_first_id[self.week], self.schedule.week_first_id[self.week + 1]
        need = int(self.n_ev[0]) + MAX_EVENTS_PER_YOUTH_WEEK * int(last - self.lo)
        capacity = len(self.events.week)
        if need > capacity:
            self.events = grown(self.events, int(self.n_ev[0]), max(need, 2 * capacity))
        del first

    def step(self) -> None:
        """Advance one week."""
        w = self.week
        Y, A, E, P, T, n_ev = self.youths, self.advisors, self.events, self.params, self.timeline, self.n_ev
        self._reserve()
        E = self.events
        week_start = int(n_ev[0])
        first = int(self.schedule.week_first_id[w])
        last = int(self.schedule.week_first_id[w + 1])
        K.phase_inflow(Y, E, n_ev, P, w, first, last)
        self.hi = last
        lo, hi = self.lo, self.hi
        lo = K.phase_ageing(Y, A, E, n_ev, w, lo, hi)
        self.lo = lo
        K.phase_returns(Y, E, n_ev, P, w, lo, hi)
        lay = self.layout
        K.phase_staffing(Y, A, E, n_ev, T, w, lo, hi, lay.youth_slots, lay.both_first, lay.both_slots)
        K.phase_churn(Y, A, E, n_ev, P, T, w, lo, hi)
        K.phase_cap(Y, A, E, n_ev, T, w, lo, hi)
        K.phase_assign(Y, A, E, n_ev, P, T, w, lo, hi)
        K.phase_contacts(Y, A, E, n_ev, P, T, w, lo, hi)
        K.phase_transitions(Y, A, E, n_ev, P, T, w, lo, hi)
        K.phase_tiltak_places(Y, E, n_ev, P, T, w, lo, hi)
        K.phase_ips_places(Y, E, n_ev, T, w, lo, hi)
        k = w - self.sizes.first_week
        if k >= 0:
            end = int(n_ev[0])
            record_week(self.weekly[k], lo, hi, Y.status, Y.group, Y.tiltak, Y.treatment, Y.labour,
                        Y.job_search, Y.benefit, Y.ips, Y.advisor, A.role, A.active, A.hired, A.n_youths,
                        A.older, E.kind[week_start:end], E.value[week_start:end], E.aux[week_start:end],
                        float(T.tiltak_capacity[w]))
            self.adv_active[k] = A.active
            self.adv_youths[k] = A.n_youths
            self.adv_contacts[k] = A.contacts
            self.youth_weeks += int(self.weekly[k, 16 + 1])  # stock_status follow_up
        if not self.record_events:
            n_ev[0] = 0
        self.week = w + 1

    def run(self, progress=None) -> EngineOutput:
        """Step through every week and return the replication's output."""
        while self.week < self.n_weeks:
            self.step()
            if progress is not None:
                progress(1)
        return self.output()

    def output(self) -> EngineOutput:
        n = int(self.n_ev[0])
        E = self.events
        Y = self.youths
        entered = self.hi
        return EngineOutput(
            events={k: getattr(E, k)[:n].copy() for k in E._fields},
            youths={
                "youth": np.arange(entered, dtype=np.int32),
                **{k: getattr(Y, k)[:entered].copy() for k in (
                    "entry_week", "entry_kind", "birth_week", "need", "sex", "education",
                    "birth_region", "children", "mental_health", "other_health", "office")},
            },
            weekly=self.weekly,
            adv_active=self.adv_active,
            adv_youths=self.adv_youths,
            adv_contacts=self.adv_contacts,
            adv_static={k: getattr(self.layout, k) for k in ("role", "office", "employer", "older", "hired")},
        )
