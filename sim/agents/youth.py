"""``Youth``: a young user (16-29) of Nav, as a Mesa agent.

A youth is a row of the engine's youth table (``sim.state``): the agent holds only its id
and reads its state through to the table, so one made early stays true as the model steps.
Each attribute of :data:`sim.state.YOUTH_COLUMNS` reads as the column's word (``status``,
``innsatsgruppe``, ``benefit`` ...); ``code(name)`` gives the raw code.

In the Mesa reference engine the youth also acts: one method per step of the week it takes
part in (``sim.plan``), each calling the decision of ``sim.processes`` that the numba
kernels compile, run here as plain Python. The numba engine makes the same agents on
demand, as readers of its arrays (``NavModel.materialize_agents``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.codes import Q_IN, S_AGED_OUT, S_FOLLOW_UP, S_NOT_ENTERED, WEEKS_PER_YEAR
from sim.plan import phase
from sim.processes import advisors, contacts, entry, places, spells, transitions
from sim.processes.decision import python
from sim.rng import U_RETURN, keyed_uniform
from sim.state import YOUTH_COLUMNS, column_property

if TYPE_CHECKING:
    from sim.agents.context import WeekContext

_arrive = python(entry.arrive)
_age_out = python(spells.age_out)
_unassign = python(spells.unassign)
_reaches_age_out = python(spells.reaches_age_out)
_comes_back = python(spells.comes_back)
_churns = python(advisors.churns)
_place = python(advisors.place)
_fade = python(contacts.fade)
_turn_dialogue = python(contacts.turn_dialogue)
_contacted = python(contacts.contacted)
_write_message = python(contacts.write_message)
_meeting_score = python(contacts.meeting_score)
_transition = python(transitions.transition)
_take_tiltak_place = python(places.take_tiltak_place)
_take_ips_place = python(places.take_ips_place)


class Youth(mesa.Agent):
    """A young user: row ``youth_id`` of the engine's youth table."""

    def __init__(self, model: mesa.Model, engine: WeekContext, youth_id: int) -> None:
        super().__init__(model)
        self.engine = engine
        self.youth_id = youth_id

    def __repr__(self) -> str:
        return (f"Youth({self.youth_id}, {self.status}, innsatsgruppe={self.innsatsgruppe}, "
                f"advisor={self.advisor})")

    def code(self, column: str) -> int | float | bool:
        """The raw value of ``column`` (``sim.state.YOUTH_COLUMNS``) for this youth."""
        value = getattr(self.engine.youths, column)[self.youth_id]
        return value.item() if hasattr(value, "item") else value

    @property
    def health_problem(self) -> bool:
        return bool(self.mental_health or self.other_health)

    @property
    def in_follow_up(self) -> bool:
        return self.code("status") == S_FOLLOW_UP

    def age(self, week: int | None = None) -> int:
        week = self.engine.week if week is None else week
        return (week - self.code("birth_week")) // WEEKS_PER_YEAR

    # ------------------------------------------------------------------------------------
    # the steps of the week (Mesa engine): each calls the decision of ``sim.processes``

    def _tables(self) -> tuple:
        e = self.engine
        return e.youths, e.advisors, e.events, e.n_ev

    def enter(self, w: int) -> None:
        """Step ``inflow``: registration (or a direct uføre entry, never followed up)."""
        e = self.engine
        _arrive(e.youths, e.events, e.n_ev, e.params, e.T, e.keys, w, self.youth_id, phase("inflow"))

    def age_week(self, w: int) -> None:
        """Step ``ageing``: at 30 the youth leaves the model, whatever the status."""
        s = self.code("status")
        if s not in (S_AGED_OUT, S_NOT_ENTERED) and _reaches_age_out(self.code("birth_week"), w):
            Y, A, E, n_ev = self._tables()
            _age_out(Y, A, E, n_ev, w, self.youth_id, phase("ageing"))

    def maybe_return(self, w: int) -> None:
        """Step ``returns``: someone who left for work, education or nothing may come back."""
        e = self.engine
        u = keyed_uniform(e.keys[U_RETURN], self.youth_id)
        if _comes_back(self.code("status"), self.code("need"), u, e.T.return_hazard[w]):
            _arrive(e.youths, e.events, e.n_ev, e.params, e.T, e.keys, w, self.youth_id, phase("returns"))

    def leave_advisor(self, w: int, step: str) -> None:
        """Lose the advisor (staffing cut, churn, cap) and wait for a new one."""
        Y, A, E, n_ev = self._tables()
        _unassign(Y, A, E, n_ev, w, self.youth_id, phase(step))

    def churn_week(self, w: int) -> None:
        """Step ``churn``: the advisor may change (rarer with a fixed contact person)."""
        e = self.engine
        if self.in_follow_up and self.advisor >= 0 and _churns(e.youths, e.params, e.T, e.keys, w,
                                                               self.youth_id):
            self.leave_advisor(w, "churn")

    def find_advisor(self, w: int, cap: int, national) -> None:
        """Step ``assign``: the office places this youth with an advisor, or they wait on
        (``cap``: the cap in force; ``national``: the room left under a national average)."""
        e = self.engine
        _place(e.youths, e.advisors, e.events, e.n_ev, e.params, e.T, w, self.youth_id, cap, national,
               phase("assign"))

    def fade_intensity(self) -> None:
        """Step ``contacts`` (start): intensity fades unless this week's contacts renew it,
        and the youth's dialogue in the activity plan may go quiet or start again."""
        e = self.engine
        _fade(e.youths, e.params, self.youth_id)
        _turn_dialogue(e.youths, e.params, e.keys, self.youth_id)

    def meeting_priority(self, w: int) -> float:
        """Step ``contacts``: this youth's claim on the advisor's meetings."""
        e = self.engine
        return _meeting_score(e.params, e.T.garanti_priority[w], self.code("group"), self.code("pending"),
                              self.code("tiltak") == Q_IN, self.code("treatment") == Q_IN,
                              w - self.code("reg_week"), w - self.code("last_meeting"))

    def receive_contact(self, w: int, channel: int) -> None:
        """Step ``contacts``: what the advisor's contact by ``channel`` does to the youth."""
        _contacted(self.engine.youths, self.engine.params, w, self.youth_id, channel)

    def maybe_write_message(self, w: int) -> None:
        """Step ``contacts`` (end): a dialogue user with an advisor may write in the activity plan."""
        e = self.engine
        if self.in_follow_up and self.advisor >= 0:
            _write_message(e.youths, e.events, e.n_ev, e.params, e.keys, w, self.youth_id,
                           phase("contacts"))

    def transition_week(self, w: int, market: float) -> None:
        """Step ``transitions``: the week in follow-up (``processes.transitions``)."""
        if self.in_follow_up:
            e = self.engine
            _transition(e.youths, e.advisors, e.events, e.n_ev, e.params, e.T, e.keys, w, self.youth_id,
                        market, phase("transitions"))

    def offered_tiltak_place(self, w: int) -> bool:
        """Step ``tiltak_places``: a free place is offered; whether the youth took it."""
        e = self.engine
        return _take_tiltak_place(e.youths, e.events, e.n_ev, e.params, e.T, e.keys, w, self.youth_id,
                                  phase("tiltak_places"))

    def offered_ips_place(self, w: int) -> None:
        """Step ``ips_places``: a referred youth gets a job specialist."""
        e = self.engine
        _take_ips_place(e.youths, e.events, e.n_ev, w, self.youth_id, phase("ips_places"))


for _column in YOUTH_COLUMNS:
    setattr(Youth, _column.attribute, column_property(_column, "youths", "youth_id"))
