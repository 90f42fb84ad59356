"""The Mesa reference engine: every youth and advisor a ``mesa.Agent`` stepped in Python.

This engine is the readable statement of what one week of the model does. It runs the
same steps as the numba engine (the plan, :data:`sim.plan.STEPS`), in the same
order, and each phase visits its agents in id order, calls the same rules (``sim.rules``)
with the same keyed random numbers (``sim.rng.uniform``), and keeps its queues in the same
order. So with the same scenario and seed the two engines produce identical event logs
and tables, and ``tests/test_engine_equivalence.py`` holds them to it: the fast engine is
checked against the one a reader can follow.

The agents' visiting order is part of the model (waiting lists are served longest waiting
first, ties by id), so the phases walk explicit id-ordered lists rather than Mesa's
``AgentSet.shuffle_do``. Fixed attributes are drawn per youth at entry by
``Youth._draw_fixed_attributes``, an independent Python rendering of
``kernels.draw_attributes`` (same streams and rules), so the tests check that too.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from sim import rules
from sim.agents.advisor import Advisor
from sim.agents.office import Office
from sim.agents.youth import Youth
from sim.codes import Q_IN, Q_WAITING, R_BOTH, R_YOUTH, S_AGED_OUT, S_FOLLOW_UP
from sim.engine.kernels import PH_STAFFING
from sim.engine.output import EngineOutput
from sim.engine.record import N_WEEKLY, record_week
from sim.engine.setup import advisor_layout, entry_schedule
from sim.params import CAP_MODES, Params, Timeline, build
from sim.plan import PHASE_NAMES
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import mesa

#: Params fields that stay numpy arrays (``rules.pick`` reads their shape); every other
#: array becomes a tuple of Python floats, which is faster to index from Python and
#: holds exactly the same numbers.
_ARRAY_PARAMS = ("entry_age_cdf", "need_cdf", "education_cdf", "birth_region_cdf")
#: Cap modes (``Params.cap_mode``); under ``hard`` a youth waits for a place below the cap.
CAP_OVERFLOW, CAP_HIRE = CAP_MODES.index("overflow"), CAP_MODES.index("hire")

#: Youth state the weekly statistics read (``record.record_week``).
_RECORDED = ("status_code", "innsatsgruppe_code", "tiltak_code", "treatment_code", "labour_attachment_code",
             "job_search", "benefit_code", "ips_code")
_RECORDED_STATE = attrgetter(*_RECORDED)

_EVENT_DTYPES = {"week": np.int32, "youth": np.int32, "phase": np.int8, "kind": np.int8,
                 "value": np.int32, "aux": np.int32}


def python_params(params: Params) -> Params:
    """``params`` with its vectors as tuples of Python floats (same values)."""
    plain = {}
    for name, value in params._asdict().items():
        if isinstance(value, np.ndarray) and name not in _ARRAY_PARAMS:
            plain[name] = tuple(value.tolist())
        elif isinstance(value, np.generic):
            plain[name] = value.item()
        else:
            plain[name] = value
    return Params(**plain)


def levers_of_week(timeline: Timeline, week: int) -> Timeline:
    """The timeline's values for one week, as Python scalars under the same field names."""
    return Timeline._make(series[week].item() for series in timeline)


class MesaEngine:
    """One replication of ``scenario`` with ``seed``, agents registered with ``model``."""

    name = "mesa"

    def __init__(self, model: mesa.Model, scenario: Scenario, seed: int, record_events: bool = True) -> None:
        self.model = model
        params, self.timeline, self.sizes, self.calendar = build(scenario, seed)
        self.params = python_params(params)
        self.seed = self.params.seed
        self.schedule = entry_schedule(self.timeline, self.sizes)
        self.layout = advisor_layout(scenario, params, self.timeline, self.sizes)
        self.record_events = record_events
        self.week = 0
        self.lo = 0  # first youth not aged out
        self.hi = 0  # youths registered so far (ids [0, hi))
        self.youths: list[Youth] = []  # by id
        self.advisors: list[Advisor] = []  # by id
        lay = self.layout
        for a in range(len(lay.role)):
            advisor = Advisor(model, self, a, int(lay.role[a]), int(lay.office[a]), int(lay.employer[a]),
                              int(lay.older[a]), bool(lay.hired[a]))
            advisor.active = advisor.role_code != R_YOUTH and not advisor.hired  # youth: by staffing
            self.advisors.append(advisor)
        self.offices = [Office(o, [a for a in self.advisors if a.office == o])
                        for o in range(self.params.n_offices)]
        self.levers = levers_of_week(self.timeline, 0)
        self.labour_market = 1.0
        self._week_events: list[tuple[int, int, int, int, int, int]] = []
        self._event_chunks: list[dict[str, np.ndarray]] = []
        n_period = self.sizes.n_weeks - self.sizes.first_week
        n_adv = len(self.advisors)
        self.weekly = np.zeros((n_period, N_WEEKLY), dtype=np.float64)
        self.adv_active = np.zeros((n_period, n_adv), dtype=np.bool_)
        self.adv_youths = np.zeros((n_period, n_adv), dtype=np.int32)
        self.adv_contacts = np.zeros((n_period, n_adv, 4), dtype=np.int32)
        # youth-weeks stepped: youths registered and not aged out, each week (``navsim bench``'s unit)
        self.youth_weeks = 0
        # the week's plan (``sim.plan``): one method per step, named after it
        self._phases: tuple[tuple[str, Callable[[int], None]], ...] = tuple(
            (name, getattr(self, name)) for name in PHASE_NAMES)
        self.steps_traced: list[str] | None = None  # the steps run, when traced

    def trace_steps(self) -> None:
        """From now on record the steps each week runs (:meth:`steps_run`)."""
        self.steps_traced = []

    def steps_run(self) -> list[str]:
        """The steps of the week run since :meth:`trace_steps`, in order."""
        return list(self.steps_traced or [])

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._phases)

    @property
    def n_weeks(self) -> int:
        return self.sizes.n_weeks

    def emit(self, week: int, youth: int, phase: int, kind: int, value: int, aux: int) -> None:
        """Record one event (the agents call this)."""
        self._week_events.append((week, youth, phase, kind, value, aux))

    def present(self) -> list[Youth]:
        """Youths who can still change: registered and not aged out, in id order."""
        return self.youths[self.lo:self.hi]

    # ------------------------------------------------------------------------------------
    # the week

    def step(self) -> None:
        """Advance one week: the phases in order, then the week's statistics."""
        w = self.week
        self.levers = levers_of_week(self.timeline, w)
        P = self.params
        self.labour_market = rules.unemployment_factor(self.levers.unemployment, P.unemployment_reference,
                                                       P.unemployment_elasticity)
        self._week_events = []
        for name, phase in self._phases:
            phase(w)
            if self.steps_traced is not None:
                self.steps_traced.append(name)
        events = self._events_array(self._week_events)
        k = w - self.sizes.first_week
        if k >= 0:
            self._record(k, events)
        if self.record_events:
            self._event_chunks.append(events)
        self.youth_weeks += sum(1 for y in self.present() if y.status_code != S_AGED_OUT)
        self.week = w + 1

    def inflow(self, w: int) -> None:
        """Youths scheduled for this week enter, in id order."""
        first = int(self.schedule.week_first_id[w])
        last = int(self.schedule.week_first_id[w + 1])
        for i in range(first, last):
            entry_week, entry_kind = int(self.schedule.entry_week[i]), int(self.schedule.entry_kind[i])
            youth = Youth(self.model, self, i, entry_week, entry_kind)
            self.youths.append(youth)
            youth.enter(w)
        self.hi = last

    def ageing(self, w: int) -> None:
        """Everyone reaching 30 leaves (recorded, not simulated further)."""
        for youth in self.present():
            youth.age_week(w)
        while self.lo < self.hi and self.youths[self.lo].status_code == S_AGED_OUT:
            self.lo += 1

    def returns(self, w: int) -> None:
        for youth in self.present():
            youth.maybe_return(w)

    def staffing(self, w: int) -> None:
        """Ordinary youth and both-age advisor slots filled this week; youths of an advisor
        who leaves wait for a new one."""
        lay = self.layout
        changed = False
        for j in range(lay.youth_slots):
            changed |= self._set_active(self.advisors[j], j < self.levers.youth_advisors)
        for j in range(lay.both_slots):
            changed |= self._set_active(self.advisors[lay.both_first + j], j < self.levers.both_advisors)
        if changed:
            for youth in self.present():
                if youth.veileder is not None and not youth.veileder.active:
                    youth.leave_advisor(w, PH_STAFFING)

    @staticmethod
    def _set_active(advisor: Advisor, on: bool) -> bool:
        if advisor.active == on:
            return False
        advisor.active = on
        return True

    def churn(self, w: int) -> None:
        for youth in self.present():
            youth.churn_week(w)

    def cap(self, w: int) -> None:
        """A portfolio cap in force: youth advisors above it hand over their newest youths."""
        cap = self.levers.cap_youth
        if cap <= 0:
            return
        for advisor in self.advisors:
            if advisor.active and advisor.role_code == R_YOUTH:
                advisor.hand_over_excess(w, cap)

    def assign(self, w: int) -> None:
        """Youths without an advisor get one in their office, longest waiting first (ties by id).

        A youth meant for a youth advisor goes to a both-age advisor when the office has no
        youth advisor; when it has some but all are at the cap, the cap's mode decides (wait,
        overflow to a both-age advisor, or hire). An office without youth advisors is not
        bound by a cap on their portfolios, so a cap that never binds changes nothing.
        """
        waiting = [y for y in self.present() if y.status_code == S_FOLLOW_UP and y.veileder is None]
        waiting.sort(key=lambda y: y.wait_since)  # stable: id order among equals
        cap = self.levers.cap_youth
        mode = self.params.cap_mode
        for youth in waiting:
            office = self.offices[youth.office]
            if youth.wants_youth_advisor(w):
                advisor = office.least_loaded(R_YOUTH, cap)
                if advisor is None and cap > 0 and office.least_loaded(R_YOUTH) is not None:
                    if mode == CAP_OVERFLOW:
                        advisor = office.least_loaded(R_BOTH)
                    elif mode == CAP_HIRE:
                        advisor = office.hire()
                    # hard: wait for a free place
                elif advisor is None:
                    advisor = office.least_loaded(R_BOTH)
            else:
                advisor = office.least_loaded(R_BOTH)
                if advisor is None:
                    advisor = office.least_loaded(R_YOUTH, cap)
            if advisor is not None:
                youth.assign_to(advisor, w)

    def contacts(self, w: int) -> None:
        """Advisors spend their contact budgets (in id order); then youths write messages."""
        present = self.present()
        for youth in present:
            youth.fade_intensity()
        for advisor in self.advisors:
            advisor.contacts = [0, 0, 0, 0]
        for advisor in self.advisors:
            if advisor.active:
                advisor.allocate_contacts(w)
        for youth in present:
            youth.maybe_write_message(w)

    def transitions(self, w: int) -> None:
        for youth in self.present():
            youth.transition_week(w)

    def _waiting_list(self, state: str, since: str) -> list[Youth]:
        """Youths in follow-up waiting for a place, earliest first, then lowest id."""
        queue = [y for y in self.present()
                 if y.status_code == S_FOLLOW_UP and getattr(y, state) == Q_WAITING]
        queue.sort(key=lambda y: getattr(y, since))
        return queue

    def _places_in_use(self, state: str) -> int:
        return sum(1 for y in self.present() if y.status_code == S_FOLLOW_UP and getattr(y, state) == Q_IN)

    def tiltak_places(self, w: int) -> None:
        """Free tiltak places go to the waiting list in order; no-shows lose their place."""
        free = self.levers.tiltak_capacity - self._places_in_use("tiltak_code")
        if free <= 0:
            return
        for youth in self._waiting_list("tiltak_code", "tiltak_since"):
            if free <= 0:
                break
            if youth.offered_tiltak_place(w):
                free -= 1

    def ips_places(self, w: int) -> None:
        """Free IPS places go to referred youths in order."""
        free = self.levers.ips_capacity - self._places_in_use("ips_code")
        if free <= 0:
            return
        for youth in self._waiting_list("ips_code", "ips_since"):
            if free <= 0:
                break
            youth.offered_ips_place(w)
            free -= 1

    # ------------------------------------------------------------------------------------
    # statistics and output

    @staticmethod
    def _events_array(rows: list[tuple[int, int, int, int, int, int]]) -> dict[str, np.ndarray]:
        table = np.array(rows, dtype=np.int64).reshape(-1, 6)
        return {name: table[:, c].astype(dtype) for c, (name, dtype) in enumerate(_EVENT_DTYPES.items())}

    def _record(self, k: int, events: dict[str, np.ndarray]) -> None:
        """Fill row ``k`` of the weekly table and the advisor panel from the agents' state."""
        present = self.present()
        rows = np.array([_RECORDED_STATE(y) for y in present], dtype=np.int64).reshape(-1, len(_RECORDED))
        state = {name: rows[:, c] for c, name in enumerate(_RECORDED)}
        advisor_ids = np.array([y.advisor for y in present], dtype=np.int64)
        role = np.array([a.role_code for a in self.advisors], dtype=np.int8)
        active = np.array([a.active for a in self.advisors], dtype=np.bool_)
        hired = np.array([a.hired for a in self.advisors], dtype=np.bool_)
        n_youths = np.array([a.youths for a in self.advisors], dtype=np.int32)
        older = np.array([a.older for a in self.advisors], dtype=np.int32)
        follow_up = np.flatnonzero(state["status_code"] == S_FOLLOW_UP)
        record_week(self.weekly[k], np.arange(len(present)), follow_up, state["status_code"],
                    state["innsatsgruppe_code"], state["tiltak_code"], state["treatment_code"],
                    state["labour_attachment_code"],
                    state["job_search"], state["benefit_code"], state["ips_code"], advisor_ids, role, active,
                    hired, n_youths, older, events["kind"], events["value"], events["aux"],
                    float(self.levers.tiltak_capacity))
        self.adv_active[k] = active
        self.adv_youths[k] = n_youths
        self.adv_contacts[k] = np.array([a.contacts for a in self.advisors], dtype=np.int32)

    def run(self, progress: Callable[[int], None] | None = None) -> EngineOutput:
        """Step through every week and return the replication's output."""
        while self.week < self.n_weeks:
            self.step()
            if progress is not None:
                progress(1)
        return self.output()

    def output(self) -> EngineOutput:
        chunks = self._event_chunks
        events = {name: (np.concatenate([c[name] for c in chunks]) if chunks else np.zeros(0, dtype=dtype))
                  for name, dtype in _EVENT_DTYPES.items()}
        entered = self.youths[:self.hi]

        def fixed(attr: str, dtype: type) -> np.ndarray:
            return np.array([getattr(y, attr) for y in entered], dtype=dtype)

        youths = {
            "youth": np.arange(len(entered), dtype=np.int32),
            "entry_week": fixed("entry_week", np.int32),
            "entry_kind": fixed("entry_kind", np.int8),
            "birth_week": fixed("birth_week", np.int32),
            "need": fixed("true_need_code", np.int8),
            "sex": fixed("sex_code", np.int8),
            "education": fixed("education_code", np.int8),
            "birth_region": fixed("birth_region_code", np.int8),
            "children": fixed("children", np.bool_),
            "mental_health": fixed("mental_health", np.bool_),
            "other_health": fixed("other_health", np.bool_),
            "office": fixed("office", np.int16),
        }
        lay = self.layout
        return EngineOutput(
            events=events,
            youths=youths,
            weekly=self.weekly,
            adv_active=self.adv_active,
            adv_youths=self.adv_youths,
            adv_contacts=self.adv_contacts,
            adv_static={k: getattr(lay, k) for k in ("role", "office", "employer", "older", "hired")},
        )

