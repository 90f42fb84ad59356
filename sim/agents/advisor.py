"""``Advisor``: a veileder with a portfolio, as an agent of the Mesa reference engine.

An advisor's portfolio is its youths (``caseload``, kept here so that no phase has to scan
every youth to find them) plus an exogenous number of older users (``older``). Each week
the advisor spends a contact budget that grows only weakly with the portfolio
(``sim.rules.channel_budget``); the youths get the share of it their number and weight
claim, given out by priority. That allocation is the model's mechanism: a bigger portfolio
means rarer contacts, lower follow-up intensity, slower progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim import rules
from sim.codes import (
    CH_ACTIVITY_PLAN,
    CH_EMAIL_SMS,
    CH_SCHEDULED,
    CH_UNSCHEDULED,
    EMPLOYER,
    N_CHANNELS,
    ROLE,
)
from sim.engine.kernels import PH_CAP
from sim.rng import U_CONTACT_ROUND_SCHEDULED, uniform

if TYPE_CHECKING:
    from sim.agents.context import WeekContext
    from sim.agents.youth import Youth

KOMMUNE = EMPLOYER.index("kommune")


class Advisor(mesa.Agent):
    """One advisor slot: ordinary youth, older-user or both-age advisor, or a hire slot that
    only a ``hire`` cap policy opens. Slots exist for the whole run; ``active`` says whether
    someone fills it this week (staffing levers)."""

    def __init__(self, model: mesa.Model, engine: WeekContext, advisor_id: int, role: int, office: int,
                 employer: int, older: int, hired: bool) -> None:
        super().__init__(model)
        self.engine = engine
        self.advisor_id = advisor_id
        self.role_code = role
        self.office = office
        self.employer_code = employer
        self.older = older
        self.hired = hired
        self.active = False
        self.caseload: dict[int, Youth] = {}  # youth id -> youth
        self.contacts = [0] * N_CHANNELS  # this week, by channel (youths and older users)

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        return f"Advisor({self.advisor_id}, {self.role}, office {self.office}, {state}, youths={self.youths})"

    @property
    def role(self) -> str:
        return ROLE[self.role_code]

    @property
    def employer(self) -> str:
        return EMPLOYER[self.employer_code]

    @property
    def youths(self) -> int:
        """Young users in the portfolio."""
        return len(self.caseload)

    @property
    def portfolio(self) -> int:
        """Portfolio size: young and older users."""
        return len(self.caseload) + self.older

    def take(self, youth: Youth) -> None:
        self.caseload[youth.youth_id] = youth

    def release(self, youth: Youth) -> None:
        del self.caseload[youth.youth_id]

    def caseload_in_id_order(self) -> list[Youth]:
        return [self.caseload[i] for i in sorted(self.caseload)]

    def hand_over_excess(self, w: int, cap: int) -> None:
        """Phase ``cap``: while the portfolio (youths and older users) is above the cap, hand
        over the most recently assigned youths (among those assigned the same week, the
        highest id first). Older users are not the youth office's to move: an advisor whose
        older users alone exceed the cap hands over every youth and keeps them."""
        excess = min(self.portfolio - cap, len(self.caseload))
        if excess <= 0:
            return
        newest_first = sorted(self.caseload.values(), key=lambda y: (y.assigned_week, y.youth_id),
                              reverse=True)
        for youth in newest_first[:excess]:
            youth.leave_advisor(w, PH_CAP)

    def allocate_contacts(self, w: int) -> None:
        """Phase ``contacts``: spend this week's budget; meetings by need, digital by rotation."""
        P = self.engine.params
        levers = self.engine.levers
        members = self.caseload_in_id_order()
        y = len(members)
        older = self.older
        municipal = self.employer_code == KOMMUNE
        budget = [rules.channel_budget(P.budget_const[c], P.budget_per_user[c], y + older,
                                       P.municipal_shift[c], municipal)
                  for c in range(N_CHANNELS)]
        shift = levers.digital_to_meeting
        if shift > 0.0:  # a policy turning digital time into meetings
            moved = shift * (budget[CH_ACTIVITY_PLAN] + budget[CH_EMAIL_SMS])
            budget[CH_ACTIVITY_PLAN] *= 1.0 - shift
            budget[CH_EMAIL_SMS] *= 1.0 - shift
            budget[CH_SCHEDULED] += moved / levers.meeting_cost
        share = rules.youth_share_of_time(y, older, P.youth_time_weight)
        quota = []
        for c in range(N_CHANNELS):
            u = uniform(self.engine.seed, U_CONTACT_ROUND_SCHEDULED + c, w, self.advisor_id)
            quota.append(rules.whole_contacts(budget[c] * share, u))
            self.contacts[c] += int(budget[c] * (1.0 - share) + 0.5)  # with older users
        if y == 0:
            return
        # Meetings: highest priority first (stable: ties in id order), scheduled then unscheduled.
        by_need = sorted(members, key=lambda youth: youth.meeting_priority(w), reverse=True)
        pos = 0
        for c in (CH_SCHEDULED, CH_UNSCHEDULED):
            given = 0
            while given < quota[c] and pos < y:
                self._contact(w, by_need[pos], c)
                pos += 1
                given += 1
        # Digital contacts rotate over those not met this week.
        by_rotation = sorted(members, key=lambda youth: youth.digital_priority(w), reverse=True)
        for c in (CH_ACTIVITY_PLAN, CH_EMAIL_SMS):
            given = 0
            for youth in by_rotation:
                if given >= quota[c]:
                    break
                if youth.contacted or not rules.digital_reachable(
                        youth.pending, youth.innsatsgruppe_code, youth.dialogue_user, c == CH_ACTIVITY_PLAN):
                    continue
                self._contact(w, youth, c)
                given += 1

    def _contact(self, w: int, youth: Youth, channel: int) -> None:
        youth.receive_contact(w, self, channel)
        self.contacts[channel] += 1
