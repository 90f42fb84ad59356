"""Older users (30+) as a flow: who arrives in an advisor's portfolio and how soon they are
first contacted.

The weekly step holds an advisor's older users as a count (``processes.advisors.
older_load``) that takes a share of the contact budget. Their turnover and first contacts
change nothing for the young users, so they are derived after the run from the advisor
panel rather than simulated one by one:

* arrivals: the older users turn over once per ``older_flow.spell_weeks`` on average, so
  ``older / spell_weeks`` arrive each week;
* first contact: a new older user competes for the meetings the advisor gave older users
  that week (scheduled and unscheduled: the advisor's meetings less those with youths, so
  the older share of the budget plus any meetings the youths could not take, as in
  ``processes.contacts``) with ``older_flow.first_contact_priority`` times the claim of a
  user already followed, so the weekly chance of the first contact is
  ``1 - exp(-priority * meetings per older user)``: advisors with more users per meeting
  reach new users later.

Expected numbers, not draws: the flow needs no random stream and leaves every youth's
history as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.codes import CH_SCHEDULED, CH_UNSCHEDULED, CHANNEL

#: The contact channels a first contact with an older user is made in.
MEETING_CHANNELS = (CH_SCHEDULED, CH_UNSCHEDULED)


def older_flow(panel: pd.DataFrame, parameters: Mapping,
               youth_meetings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected older arrivals and the weekly chance of a first contact, per panel row.

    ``panel``: advisor-week rows with ``older`` and the week's meetings by channel (youths'
    and older users' together); ``youth_meetings``: the meetings with youths in each row;
    ``parameters``: the scenario's ``parameters`` block (as a mapping).
    """
    flow = parameters["advisors"]["older_flow"]
    older = panel["older"].to_numpy(dtype=np.float64)
    meetings = sum(panel[CHANNEL[c]].to_numpy(dtype=np.float64) for c in MEETING_CHANNELS)
    per_user = np.divide(meetings - youth_meetings, older, out=np.zeros(len(panel)), where=older > 0)
    chance = 1.0 - np.exp(-flow["first_contact_priority"] * per_user)
    return older / flow["spell_weeks"], chance
