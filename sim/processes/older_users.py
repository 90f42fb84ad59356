"""Older users (30+) as a flow: who arrives in an advisor's portfolio and how soon they are
first contacted.

The weekly step holds an advisor's older users as a count (``processes.advisors.
older_load``) that takes a share of the contact budget. Their turnover and first contacts
change nothing for the young users, so they are derived after the run from the advisor
panel rather than simulated one by one:

* arrivals: the older users turn over once per ``older_flow.spell_weeks`` on average, so
  ``older / spell_weeks`` arrive each week;
* first contact: a new older user competes for the meetings the advisor gives older users
  (scheduled and unscheduled, the older share of the meeting budget as in
  ``processes.contacts.plan_week``) with ``older_flow.first_contact_priority`` times the
  claim of a user already followed, so the weekly chance of the first contact is
  ``1 - exp(-priority * meetings per older user)``: advisors with more users per meeting
  reach new users later.

Expected numbers, not draws: the flow needs no random stream and leaves every youth's
history as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim import rules
from sim.codes import CH_SCHEDULED, CH_UNSCHEDULED, CHANNEL, EMPLOYER
from sim.processes.contacts import KOMMUNE

#: The contact channels a first contact with an older user is made in.
MEETING_CHANNELS = (CH_SCHEDULED, CH_UNSCHEDULED)

_budget = np.vectorize(rules.channel_budget, otypes=[np.float64])
_youth_share = np.vectorize(rules.youth_share_of_time, otypes=[np.float64])


def older_flow(panel: pd.DataFrame, parameters: Mapping) -> tuple[np.ndarray, np.ndarray]:
    """Expected older arrivals and the weekly chance of a first contact, per panel row.

    ``panel``: advisor-week rows with ``youths``, ``older`` and ``employer``;
    ``parameters``: the scenario's ``parameters`` block (as a mapping).
    """
    contacts = parameters["contacts"]
    flow = parameters["advisors"]["older_flow"]
    youths = panel["youths"].to_numpy(dtype=np.float64)
    older = panel["older"].to_numpy(dtype=np.float64)
    municipal = panel["employer"].astype(str).to_numpy() == EMPLOYER[KOMMUNE]
    meetings = np.zeros(len(panel))
    for c in MEETING_CHANNELS:
        name = CHANNEL[c]
        meetings += _budget(contacts["budget_const"][name], contacts["budget_per_user"][name],
                            youths + older, contacts["municipal_shift"][name], municipal)
    share = _youth_share(youths, older, contacts["youth_time_weight"])
    per_user = np.divide(meetings * (1.0 - share), older, out=np.zeros(len(panel)), where=older > 0)
    chance = 1.0 - np.exp(-flow["first_contact_priority"] * per_user)
    return older / flow["spell_weeks"], chance
