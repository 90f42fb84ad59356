"""The Mesa reference engine: every youth and advisor a ``mesa.Agent`` stepped in Python.

This engine is the readable statement of what one week of the model does. It runs the
steps of the plan (:data:`sim.plan.STEPS`) in order, one method per step, and each visits
its agents in id order. The agents (``sim.agents``) are rows of the state tables of
``sim.state``, held here as Python lists, and every change is made by a decision of
``sim.processes`` run as Python: the very functions the numba kernels compile. What this
module owns is the loops and the queues, written plainly; with the same scenario and seed
the two engines produce identical event logs and tables, and
``tests/test_engine_equivalence.py`` holds them to it.

The agents' visiting order is part of the model (waiting lists are served longest waiting
first, ties by id), so the steps walk explicit id-ordered lists rather than Mesa's
``AgentSet.shuffle_do``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.advisor import Advisor
from sim.agents.youth import Youth
from sim.codes import N_CHANNELS, Q_IN, Q_WAITING, S_AGED_OUT, S_FOLLOW_UP
from sim.engine.numba_engine import MAX_EVENTS_PER_YOUTH_WEEK
from sim.engine.output import EngineOutput
from sim.engine.record import N_WEEKLY, older_panel, portfolio_p90, record_week
from sim.engine.setup import advisor_layout, entry_schedule
from sim.engine.tables import empty_events
from sim.params import Params, Timeline, build
from sim.plan import PHASE_NAMES
from sim.processes import advisors, entry, places, transitions
from sim.processes.decision import python
from sim.rng import week_keys
from sim.scenario.schema import Scenario
from sim.state import OUTPUT_YOUTH_COLUMNS, YOUTH_COLUMNS, advisor_table, append_youth, python_youths

if TYPE_CHECKING:
    import mesa

#: Params fields that stay numpy arrays (``rules.pick`` reads their shape); every other
#: array becomes a tuple of Python floats, which is faster to index from Python and
#: holds exactly the same numbers.
_ARRAY_PARAMS = ("entry_age_cdf", "need_cdf", "education_cdf", "birth_region_cdf", "office_cdf")

_draw_attributes = python(entry.draw_attributes)
_staff = python(advisors.staff)
_cap_excess = python(advisors.cap_excess)
_counts_toward_cap = python(advisors.counts_toward_cap)
_hands_over = python(advisors.hands_over)
_national_room_in_force = python(advisors.national_room_in_force)
_labour_market = python(transitions.labour_market)
_tiltak_room = python(places.tiltak_room)


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


def python_timeline(timeline: Timeline) -> Timeline:
    """The timeline with each series as a list of Python scalars (same values)."""
    return Timeline._make(series.tolist() for series in timeline)


class MesaEngine:
    """One replication of ``scenario`` with ``seed``, agents registered with ``model``.

    State lives in the tables of ``sim.state`` as Python lists; the agents are rows of
    them, and every change is made by a decision of ``sim.processes``, the same functions
    the numba kernels compile.
    """

    name = "mesa"

    def __init__(self, model: mesa.Model, scenario: Scenario, seed: int, record_events: bool = True) -> None:
        self.model = model
        params, timeline, self.sizes, self.calendar = build(scenario, seed)
        self.params = python_params(params)
        self.T = python_timeline(timeline)
        self.seed = self.params.seed
        self.schedule = entry_schedule(timeline, self.sizes)
        self.layout = advisor_layout(scenario, params, timeline, self.sizes)
        self.record_events = record_events
        self.week = 0
        self.lo = 0  # first youth not aged out
        self.hi = 0  # youths registered so far (ids [0, hi))
        self.youths = python_youths()
        self.advisors = advisor_table(self.layout, N_CHANNELS, python=True)
        self.youth_agents: list[Youth] = []  # by id
        self.advisor_agents = [Advisor(model, self, a) for a in range(len(self.layout.role))]
        self.attribute_keys = week_keys(self.seed, 0)  # fixed attributes: streams of week 0
        self.keys = self.attribute_keys
        self.events = empty_events(0)
        self.n_ev = np.zeros(1, dtype=np.int64)
        self._event_chunks: list[dict[str, np.ndarray]] = []
        n_period = self.sizes.n_weeks - self.sizes.first_week
        n_adv = len(self.advisor_agents)
        self.weekly = np.zeros((n_period, N_WEEKLY), dtype=np.float64)
        self.adv_active = np.zeros((n_period, n_adv), dtype=np.bool_)
        self.adv_youths = np.zeros((n_period, n_adv), dtype=np.int32)
        self.adv_contacts = np.zeros((n_period, n_adv, N_CHANNELS), dtype=np.int32)
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

    def present(self) -> list[Youth]:
        """Youths who can still change: registered and not aged out, in id order."""
        return self.youth_agents[self.lo:self.hi]

    def in_follow_up(self) -> list[Youth]:
        """Present youths in follow-up now, in id order."""
        status = self.youths.status
        return [y for y in self.present() if status[y.youth_id] == S_FOLLOW_UP]

    # ------------------------------------------------------------------------------------
    # the week

    def step(self) -> None:
        """Advance one week: the steps of the plan in order, then the week's statistics."""
        w = self.week
        self.keys = week_keys(self.seed, w)
        first, last = int(self.schedule.week_first_id[w]), int(self.schedule.week_first_id[w + 1])
        room = MAX_EVENTS_PER_YOUTH_WEEK * (self.hi - self.lo + last - first) + 1
        self.events = empty_events(room)
        self.n_ev[0] = 0
        for name, step in self._phases:
            step(w)
            if self.steps_traced is not None:
                self.steps_traced.append(name)
        n = int(self.n_ev[0])
        events = {name: column[:n].copy()
                  for name, column in zip(self.events._fields, self.events, strict=True)}
        k = w - self.sizes.first_week
        if k >= 0:
            self._record(k, events)
        if self.record_events:
            self._event_chunks.append(events)
        status = self.youths.status
        self.youth_weeks += sum(1 for i in range(self.lo, self.hi) if status[i] != S_AGED_OUT)
        self.week = w + 1

    def inflow(self, w: int) -> None:
        """Youths scheduled for this week enter, in id order."""
        first = int(self.schedule.week_first_id[w])
        last = int(self.schedule.week_first_id[w + 1])
        for i in range(first, last):
            append_youth(self.youths, entry_week=int(self.schedule.entry_week[i]),
                         entry_kind=int(self.schedule.entry_kind[i]))
            _draw_attributes(self.youths, self.params, self.attribute_keys, i)
            youth = Youth(self.model, self, i)
            self.youth_agents.append(youth)
            youth.enter(w)
        self.hi = last

    def ageing(self, w: int) -> None:
        """Everyone reaching 30 leaves (recorded, not simulated further)."""
        for youth in self.present():
            youth.age_week(w)
        status = self.youths.status
        while self.lo < self.hi and status[self.lo] == S_AGED_OUT:
            self.lo += 1

    def returns(self, w: int) -> None:
        for youth in self.present():
            youth.maybe_return(w)

    def staffing(self, w: int) -> None:
        """This week's staffing; youths of an advisor who leaves wait for a new one."""
        lay = self.layout
        if _staff(self.advisors, self.T, w, lay.youth_slots, lay.both_first, lay.both_slots):
            active = self.advisors.active
            for youth in self.in_follow_up():
                if youth.advisor >= 0 and not active[youth.advisor]:
                    youth.leave_advisor(w, "staffing")

    def churn(self, w: int) -> None:
        for youth in self.present():
            youth.churn_week(w)

    def _portfolios(self) -> dict[int, list[Youth]]:
        """Each advisor's youths in follow-up, in id order."""
        members: dict[int, list[Youth]] = {}
        for youth in self.in_follow_up():
            a = youth.advisor
            if a >= 0:
                members.setdefault(a, []).append(youth)
        return members

    def cap(self, w: int) -> None:
        """A ceiling in force whose advisors hand over youths (``on_start: move``): advisors
        over it hand over their most recently assigned youths who count (among those
        assigned the same week, the highest id first)."""
        cap = self.T.cap_youth[w]
        P = self.params
        if not _hands_over(P, cap):
            return
        portfolios = self._portfolios()
        for a in range(len(self.advisor_agents)):
            excess = _cap_excess(self.advisors, a, cap, P.cap_counts)
            if excess > 0:
                counting = [y for y in portfolios.get(a, [])
                            if _counts_toward_cap(y.code("group"), P.cap_counts)]
                counting.sort(reverse=True, key=lambda y: (y.code("assigned_week"), y.youth_id))
                for youth in counting[:excess]:
                    youth.leave_advisor(w, "cap")

    def assign(self, w: int) -> None:
        """Youths without an advisor get one in their office, longest waiting first (ties by id)."""
        waiting = [y for y in self.in_follow_up() if y.advisor < 0]
        waiting.sort(key=lambda y: y.code("wait_since"))  # stable: id order among equals
        cap = self.T.cap_youth[w]
        national = np.zeros(1, dtype=np.int64)
        national[0] = _national_room_in_force(self.advisors, self.params, cap)
        for youth in waiting:
            youth.find_advisor(w, cap, national)

    def contacts(self, w: int) -> None:
        """Advisors spend their contact budgets (in id order); then youths write messages."""
        present = self.present()
        for youth in present:
            youth.fade_intensity()
        self.advisors.contacts[:, :] = 0
        portfolios = self._portfolios()
        active = self.advisors.active
        for advisor in self.advisor_agents:
            if active[advisor.advisor_id]:
                advisor.allocate_contacts(w, portfolios.get(advisor.advisor_id, []))
        for youth in present:
            youth.maybe_write_message(w)

    def transitions(self, w: int) -> None:
        market = _labour_market(self.params, self.T, w)
        for youth in self.present():
            youth.transition_week(w, market)

    def _waiting_list(self, state: str, since: str) -> list[Youth]:
        """Youths in follow-up waiting for a place, earliest first, then lowest id."""
        queue = [y for y in self.in_follow_up() if y.code(state) == Q_WAITING]
        queue.sort(key=lambda y: y.code(since))
        return queue

    def _places_in_use(self, state: str) -> int:
        return sum(1 for y in self.in_follow_up() if y.code(state) == Q_IN)

    def tiltak_places(self, w: int) -> None:
        """Free places of each kind of tiltak go to the youths referred to that kind, in the
        order of the one waiting list, while the whole budget has room; no-shows lose their
        place."""
        in_use = [0] * len(self.T.tiltak_type_capacity[w])
        for youth in self.in_follow_up():
            if youth.code("tiltak") == Q_IN:
                in_use[youth.code("tiltak_type")] += 1
        free = [0] * len(in_use)
        left = _tiltak_room(self.T.tiltak_type_capacity[w], self.T.tiltak_capacity[w], in_use, free)
        for youth in self._waiting_list("tiltak", "tiltak_since"):
            if left <= 0:
                break
            kind = youth.code("tiltak_type")
            if free[kind] > 0 and youth.offered_tiltak_place(w):
                free[kind] -= 1
                left -= 1

    def ips_places(self, w: int) -> None:
        """Free IPS places go to referred youths in order."""
        free = self.T.ips_capacity[w] - self._places_in_use("ips")
        if free <= 0:
            return
        for youth in self._waiting_list("ips", "ips_since"):
            if free <= 0:
                break
            youth.offered_ips_place(w)
            free -= 1

    # ------------------------------------------------------------------------------------
    # statistics and output

    def _record(self, k: int, events: dict[str, np.ndarray]) -> None:
        """Fill row ``k`` of the weekly table and the advisor panel from the tables."""
        Y, A = self.youths, self.advisors
        lo, hi = self.lo, self.hi

        def present(column: str) -> np.ndarray:
            return np.array(getattr(Y, column)[lo:hi], dtype=np.int64)

        status = present("status")
        active = np.array(A.active, dtype=np.bool_)
        n_youths = np.array(A.n_youths, dtype=np.int32)
        record_week(self.weekly[k], np.arange(hi - lo), np.flatnonzero(status == S_FOLLOW_UP), status,
                    present("group"), present("tiltak"), present("tiltak_type"), present("treatment"),
                    present("labour"), present("job_search"), present("benefit"), present("ips"),
                    present("advisor"),
                    np.array(A.role, dtype=np.int8), active, np.array(A.hired, dtype=np.bool_), n_youths,
                    np.array(A.older, dtype=np.int32), events["kind"], events["value"], events["aux"],
                    float(self.T.tiltak_capacity[k + self.sizes.first_week]))
        self.adv_active[k] = active
        self.adv_youths[k] = n_youths
        self.adv_contacts[k] = A.contacts

    def run(self, progress: Callable[[int], None] | None = None) -> EngineOutput:
        """Step through every week and return the replication's output."""
        while self.week < self.n_weeks:
            self.step()
            if progress is not None:
                progress(1)
        return self.output()

    def output(self) -> EngineOutput:
        chunks = self._event_chunks
        empty = empty_events(0)
        events = {name: (np.concatenate([c[name] for c in chunks]) if chunks else getattr(empty, name))
                  for name in empty._fields}
        dtypes = {c.name: c.dtype for c in YOUTH_COLUMNS}
        youths = {"youth": np.arange(self.hi, dtype=np.int32),
                  **{name: np.array(getattr(self.youths, name)[:self.hi], dtype=dtypes[name])
                     for name in OUTPUT_YOUTH_COLUMNS}}
        older = older_panel(self.layout.older, self.layout.role,
                            np.asarray(self.T.older_index)[self.sizes.first_week:])
        portfolio_p90(self.weekly, self.adv_active, self.adv_youths, self.layout.role, older)
        return EngineOutput(
            events=events,
            youths=youths,
            weekly=self.weekly,
            adv_active=self.adv_active,
            adv_youths=self.adv_youths,
            adv_contacts=self.adv_contacts,
            adv_older=older,
            adv_static={k: getattr(self.layout, k)
                        for k in ("role", "office", "county", "employer", "older", "hired")},
        )
