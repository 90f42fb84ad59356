"""The numba engine: struct-of-arrays tables stepped by compiled phase kernels.

:meth:`NumbaEngine.step` runs one week as the sequence of phases in
:data:`sim.engine.kernels.PHASE_NAMES`; the week, phases and loops over youths and advisors
alike, is compiled (``kernels.step_weeks``), and :meth:`NumbaEngine.run` steps 26 weeks a
call. ``engine.phases`` lists the step order for inspection; an engine made with
``profile=True`` also times each step of the week (:meth:`NumbaEngine.step_times`), to show
where a run's time goes.
"""

from __future__ import annotations

import numpy as np

from sim.codes import N_CHANNELS, WEEKS_PER_YEAR
from sim.engine import kernels as K
from sim.engine.output import EngineOutput
from sim.engine.record import N_WEEKLY, older_panel, portfolio_p90
from sim.engine.setup import advisor_layout, entry_schedule
from sim.engine.tables import empty_events, empty_workspace, grown
from sim.params import build
from sim.scenario.schema import Scenario
from sim.state import OUTPUT_YOUTH_COLUMNS, advisor_table, empty_youths

#: Upper bound on events one youth can cause in one week (all phases together).
MAX_EVENTS_PER_YOUTH_WEEK = 24
#: Events of a registration (registration, assessment, labour attachment, benefit, job
#: search, advisor), for sizing the event buffer.
EVENTS_AT_ENTRY = 6


class NumbaEngine:
    """One replication of ``scenario`` with ``seed``."""

    name = "numba"
    phases = K.PHASE_NAMES
    timed_steps = K.TIMED_STEPS

    def __init__(self, scenario: Scenario, seed: int, record_events: bool = True,
                 profile: bool = False, draw: bool = True) -> None:
        """The starting world of the replication; ``draw=False`` leaves the youths' fixed
        attributes undrawn (tables of the right types only, for compiling the kernels)."""
        self.params, self.timeline, self.sizes, self.calendar = build(scenario, seed)
        self.schedule = entry_schedule(self.timeline, self.sizes)
        self.layout = advisor_layout(scenario, self.params, self.timeline, self.sizes)
        n = self.sizes.n_youths
        self.youths = empty_youths(n)
        self.youths.entry_week[:] = self.schedule.entry_week
        self.youths.entry_kind[:] = self.schedule.entry_kind
        if draw:
            K.draw_attributes(self.youths, self.params)
        self.advisors = advisor_table(self.layout, N_CHANNELS)
        n_adv = len(self.layout.role)
        self.record_events = record_events
        self.events = empty_events(self._event_capacity() if record_events else 4096)
        self.n_ev = np.zeros(1, dtype=np.int64)
        self.week = 0
        most = self.most_present()
        self.present = np.empty(most, dtype=np.uint32)  # ids present, ascending; see kernels
        self.counts = np.zeros(2, dtype=np.int64)  # (youths present, youths entered)
        self.workspace = empty_workspace(most, n_adv)
        n_period = self.sizes.n_weeks - self.sizes.first_week
        self.weekly = np.zeros((n_period, N_WEEKLY), dtype=np.float64)
        self.adv_active = np.zeros((n_period, n_adv), dtype=np.bool_)
        self.adv_youths = np.zeros((n_period, n_adv), dtype=np.int32)
        self.adv_contacts = np.zeros((n_period, n_adv, 4), dtype=np.int32)
        # seconds per step of the week (``timed_steps``); empty: not timed
        self.step_seconds = np.zeros(len(K.TIMED_STEPS) if profile else 0, dtype=np.float64)
        # the steps run so far (``step_trace[0]`` of them, then their indices); empty: not traced
        self.step_trace = np.zeros(0, dtype=np.int64)

    def _event_capacity(self) -> int:
        """Room for the whole run's events, so the buffer need not grow (growing copies the
        log and cost about a seventh of a run's time).

        Every youth's weeks in the model are known from the start (entry and birth week), and
        runs log well under one event per youth-week plus a few at each entry; the buffer is
        reserved for that and only the part written is ever touched. It still doubles if a
        scenario logs more.
        """
        return max(4096, int(self.youth_weeks().sum()) + EVENTS_AT_ENTRY * len(self.youths.status))

    def _entry_and_age_out(self, upto: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Each youth's entry week and the week they reach 30 (and age out), known from the
        start; only the first ``upto`` youths if given."""
        y = self.youths
        entry = y.entry_week[:upto].astype(np.int64)
        ages_out = y.birth_week[:upto].astype(np.int64) + K.AGE_OUT * WEEKS_PER_YEAR
        return entry, ages_out

    def youth_weeks(self, upto: int | None = None) -> np.ndarray:
        """Weeks each youth spends in the model, from entry to age 30 or the end of the run;
        only the first ``upto`` youths if given."""
        entry, ages_out = self._entry_and_age_out(upto)
        return np.clip(np.minimum(ages_out, self.sizes.n_weeks) - entry, 0, None)

    def most_present(self) -> int:
        """The most youths present in any week, counting those who age out that week (they
        are still in the list when the week starts)."""
        n_weeks = self.sizes.n_weeks
        entry, ages_out = self._entry_and_age_out()
        arrive = np.bincount(np.minimum(entry, n_weeks), minlength=n_weeks + 2)
        leave = np.bincount(np.clip(ages_out + 1, 0, n_weeks + 1), minlength=n_weeks + 2)
        return max(int(np.cumsum(arrive - leave)[:n_weeks].max()), 1)

    @property
    def hi(self) -> int:
        """Youths entered so far (ids ``[0, hi)``)."""
        return int(self.counts[1])

    @property
    def n_weeks(self) -> int:
        return self.sizes.n_weeks

    def _advance(self, w_to: int) -> None:
        """Run compiled weeks up to ``w_to``, growing the event buffer whenever it must."""
        lay = self.layout
        layout = np.array([lay.youth_slots, lay.both_first, lay.both_slots], dtype=np.int64)
        while self.week < w_to:
            reached = K.step_weeks(
                self.youths, self.advisors, self.events, self.n_ev, self.params, self.timeline,
                self.workspace, self.present, self.counts, self.week, w_to, self.schedule.week_first_id,
                layout, MAX_EVENTS_PER_YOUTH_WEEK, self.sizes.first_week, self.weekly, self.adv_active,
                self.adv_youths, self.adv_contacts, self.record_events, self.step_seconds,
                self.step_trace)
            self.week = int(reached)
            if self.week < w_to:
                used = int(self.n_ev[0])
                wf = self.schedule.week_first_id
                ahead = int(self.counts[0]) + int(wf[self.week + 1] - wf[self.week])
                need = used + MAX_EVENTS_PER_YOUTH_WEEK * ahead
                self.events = grown(self.events, used, max(need, 2 * len(self.events.week)))

    def step_times(self) -> dict[str, float]:
        """Seconds spent so far in each step of the week (``timed_steps``, in order), or an
        empty mapping if the engine was not made with ``profile=True``.

        Each step's time includes one clock read, about a microsecond a week.
        """
        return dict(zip(K.TIMED_STEPS, self.step_seconds.tolist(), strict=False))

    def trace_steps(self, room: int = 4096) -> None:
        """From now on record the steps the compiled week runs (:meth:`steps_run`)."""
        self.step_trace = np.zeros(room + 1, dtype=np.int64)

    def steps_run(self) -> list[str]:
        """The steps of the week run since :meth:`trace_steps`, in order (the plan's steps and
        the engine's own ``scan_present`` and ``record_week``)."""
        n = min(int(self.step_trace[0]), len(self.step_trace) - 1) if len(self.step_trace) else 0
        return [K.TIMED_STEPS[k] for k in self.step_trace[1:n + 1]]

    def step(self) -> None:
        """Advance one week (the phases of ``self.phases``, in order)."""
        self._advance(self.week + 1)

    def run(self, progress=None) -> EngineOutput:
        """Step through every week and return the replication's output."""
        chunk = 26  # weeks per compiled call: few calls, yet a live progress bar
        while self.week < self.n_weeks:
            before = self.week
            self._advance(min(self.week + chunk, self.n_weeks))
            if progress is not None:
                progress(self.week - before)
        return self.output()

    def output(self) -> EngineOutput:
        """The replication's output so far.

        The events are views of the event buffer, not copies: copying the log took 5-20 % of
        a bench run (mostly the first touch of the fresh memory), and the rows handed out are
        never written again (later weeks write past them; a grown buffer is a new buffer).
        """
        n = int(self.n_ev[0])
        E = self.events
        Y = self.youths
        entered = self.hi
        older = older_panel(self.layout.older, self.layout.role,
                            self.timeline.older_index[self.sizes.first_week:])
        portfolio_p90(self.weekly, self.adv_active, self.adv_youths, self.layout.role, older)
        return EngineOutput(
            events={k: getattr(E, k)[:n] for k in E._fields},
            youths={
                "youth": np.arange(entered, dtype=np.int32),
                **{k: getattr(Y, k)[:entered].copy() for k in OUTPUT_YOUTH_COLUMNS},
            },
            weekly=self.weekly,
            adv_active=self.adv_active,
            adv_youths=self.adv_youths,
            adv_contacts=self.adv_contacts,
            adv_older=older,
            adv_static={k: getattr(self.layout, k)
                        for k in ("role", "office", "county", "employer", "older", "hired")},
        )
