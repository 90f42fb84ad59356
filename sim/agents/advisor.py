"""``Advisor``: a veileder with a portfolio, as a Mesa agent.

An advisor is a row of the engine's advisor table (``sim.state``), read through like a
``Youth``. The portfolio is the advisor's youths (``youths``) plus an exogenous number of
older users (``older``). In the Mesa reference engine the advisor also spends the week's
contact budget: the numbers (budgets, quotas, who has the strongest claim, what a contact
does) are the decisions of ``sim.processes.contacts``; the order in which the advisor goes
through the portfolio is written out here, as a reader would follow it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.codes import CH_ACTIVITY_PLAN, CH_EMAIL_SMS, CH_SCHEDULED, CH_UNSCHEDULED, N_CHANNELS
from sim.plan import phase
from sim.processes import contacts
from sim.processes.decision import python
from sim.rules import digital_priority, digital_reachable
from sim.state import ADVISOR_COLUMNS, column_property

if TYPE_CHECKING:
    from sim.agents.context import WeekContext
    from sim.agents.youth import Youth

_plan_week = python(contacts.plan_week)
_log_contact = python(contacts.log_contact)
_unspent_to_older = python(contacts.unspent_to_older)


class Advisor(mesa.Agent):
    """One advisor slot: row ``advisor_id`` of the engine's advisor table. Slots exist for
    the whole run; ``active`` says whether someone fills it this week."""

    def __init__(self, model: mesa.Model, engine: WeekContext, advisor_id: int) -> None:
        super().__init__(model)
        self.engine = engine
        self.advisor_id = advisor_id

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        return f"Advisor({self.advisor_id}, {self.role}, office {self.office}, {state}, youths={self.youths})"

    @property
    def youths(self) -> int:
        """Young users in the portfolio."""
        return int(self.engine.advisors.n_youths[self.advisor_id])

    @property
    def portfolio(self) -> int:
        """Portfolio size: young and older users."""
        return self.youths + self.older

    @property
    def contacts(self) -> list[int]:
        """Contacts given this week, by channel (``sim.codes.CHANNEL``)."""
        return [int(c) for c in self.engine.advisors.contacts[self.advisor_id]]

    def allocate_contacts(self, w: int, members: list[Youth]) -> None:
        """Step ``contacts``: spend this week's budget on ``members`` (the youths in the
        portfolio, in id order). Meetings go by claim, highest first (ties in id order),
        scheduled then unscheduled; digital contacts rotate over those not met this week,
        activity-plan messages (to dialogue users) first, then e-mail/SMS. What the youths
        cannot take goes to the advisor's older users."""
        e = self.engine
        budget = [0.0] * N_CHANNELS
        quota = [0] * N_CHANNELS
        _plan_week(e.advisors, e.params, e.T, e.keys, w, self.advisor_id, len(members), budget, quota)
        if not members:
            return
        by_claim = sorted(members, key=lambda youth: youth.meeting_priority(w), reverse=True)
        pos = 0
        for c in (CH_SCHEDULED, CH_UNSCHEDULED):
            given = 0
            while given < quota[c] and pos < len(by_claim):
                self._contact(w, by_claim[pos], c)
                pos += 1
                given += 1
            _unspent_to_older(e.advisors, self.advisor_id, c, quota[c] - given)
        priority = e.params.priority
        by_rotation = sorted(
            members, reverse=True,
            key=lambda youth: digital_priority(youth.code("pending"), w - youth.code("last_contact"),
                                               priority))
        for c in (CH_ACTIVITY_PLAN, CH_EMAIL_SMS):
            given = 0
            for youth in by_rotation:
                if given >= quota[c]:
                    break
                if youth.code("contacted") or not digital_reachable(
                        youth.code("pending"), youth.code("group"), youth.code("dialogue_active"),
                        c == CH_ACTIVITY_PLAN):
                    continue
                self._contact(w, youth, c)
                given += 1
            _unspent_to_older(e.advisors, self.advisor_id, c, quota[c] - given)

    def _contact(self, w: int, youth: Youth, channel: int) -> None:
        e = self.engine
        _log_contact(e.advisors, e.events, e.n_ev, w, youth.youth_id, self.advisor_id, channel,
                     phase("contacts"))
        youth.receive_contact(w, channel)


for _column in ADVISOR_COLUMNS:
    if _column.name not in ("contacts", "office_start", "office_members", "n_youths"):
        setattr(Advisor, _column.attribute, column_property(_column, "advisors", "advisor_id"))
