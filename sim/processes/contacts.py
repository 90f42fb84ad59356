"""Contacts: how much of an advisor's week goes to each youth, and what a contact does.

THE MECHANISM. An advisor's weekly contact budget of each channel grows only weakly with
the portfolio (``rules.channel_budget``); the youths get the share their number and weight
claim (``rules.youth_share_of_time``), as whole contacts. Meetings go to the youths with
the highest claim (:func:`meeting_score`), digital contacts rotate over those not met this
week. Each contact raises the youth's follow-up intensity, which fades week by week; the
intensity raises the hazards of ``sim.processes.transitions``. So a bigger portfolio means
rarer contacts, lower intensity, slower progress.

Which youths an advisor weighs against each other, and in what order the choices are
made, is the engines' loop (``sim.plan``: step ``contacts``); the numbers are decided here.
"""

from __future__ import annotations

from sim import rules
from sim.codes import (
    CH_ACTIVITY_PLAN,
    CH_EMAIL_SMS,
    CH_SCHEDULED,
    CH_UNSCHEDULED,
    EMPLOYER,
    EV_CONTACT,
    N_CHANNELS,
    S_FOLLOW_UP,
)
from sim.processes.decision import decision
from sim.processes.events import emit
from sim.rng import U_CONTACT_ROUND_SCHEDULED, U_DIALOGUE_TURN, U_USER_MESSAGE, keyed_uniform

KOMMUNE = EMPLOYER.index("kommune")


@decision
def fade(Y, P, i):
    """Start of the week: youth ``i``'s intensity fades unless this week's contacts renew it."""
    Y.contacted[i] = False
    if Y.status[i] == S_FOLLOW_UP:
        Y.intensity[i] = rules.updated_intensity(Y.intensity[i], P.intensity_retention)


@decision
def turn_dialogue(Y, P, keys, i):
    """Start of the week: youth ``i``'s dialogue in the activity plan goes quiet or starts
    again. Users write and are written to in spells of weeks, not every month: of those in
    dialogue in Feb-Apr 2021 about a third were so in one month, a third in two and a third
    in all three (003). Only a youth in follow-up who uses the dialogue turns."""
    if Y.status[i] != S_FOLLOW_UP or not Y.dialogue_user[i]:
        return
    u = keyed_uniform(keys[U_DIALOGUE_TURN], i)
    if Y.dialogue_active[i]:
        if u < P.dialogue_pause:
            Y.dialogue_active[i] = False
    elif u < P.dialogue_resume:
        Y.dialogue_active[i] = True


@decision
def plan_week(A, P, T, keys, w, a, youths, budget, quota):
    """Advisor ``a``'s contacts this week with ``youths`` young users in the portfolio.

    Fills ``budget`` (contacts by channel, youths and older users together) and ``quota``
    (whole contacts by channel for the youths), and counts the contacts with older users
    in ``A.contacts``. A policy turning digital time into meetings (``T.digital_to_meeting``)
    moves that share of the activity-plan and e-mail/SMS budget into scheduled meetings at
    ``T.meeting_cost`` digital contacts a meeting. Returns the youths' share of the time.
    """
    older = A.older[a]
    municipal = A.employer[a] == KOMMUNE
    for c in range(N_CHANNELS):
        budget[c] = rules.channel_budget(P.budget_const[c], P.budget_per_user[c], youths + older,
                                         P.municipal_shift[c], municipal)
    shift = T.digital_to_meeting[w]
    if shift > 0.0:
        moved = shift * (budget[CH_ACTIVITY_PLAN] + budget[CH_EMAIL_SMS])
        budget[CH_ACTIVITY_PLAN] *= 1.0 - shift
        budget[CH_EMAIL_SMS] *= 1.0 - shift
        budget[CH_SCHEDULED] += moved / T.meeting_cost[w]
    share = rules.youth_share_of_time(youths, older, P.youth_time_weight)
    for c in range(N_CHANNELS):
        A.contacts[a, c] += int(budget[c] * (1.0 - share) + 0.5)
        quota[c] = 0
        if youths > 0:
            u = keyed_uniform(keys[U_CONTACT_ROUND_SCHEDULED + c], a)
            quota[c] = rules.whole_contacts(budget[c] * share, u)
    return share


@decision
def unspent_to_older(A, a, channel, unspent):
    """Contacts of ``channel`` that advisor ``a``'s youths could not take (a youth gets at
    most one contact a week) go to the advisor's older users, if there are any. The week's
    totals then follow the survey regression (001, Vedlegg 4) whatever the portfolio's mix,
    instead of vanishing when an advisor has few youths."""
    if unspent > 0 and A.older[a] > 0:
        A.contacts[a, channel] += unspent


@decision
def meeting_score(P, garanti, group, pending, in_tiltak, in_treatment, weeks_in_spell, weeks_since_meeting):
    """A youth's claim on the advisor's meetings (``rules.meeting_priority``): a new user
    whose first contact is a meeting, users early in their spell, users in tiltak or
    treatment, the guarantee's target group, and those longest without a meeting come first."""
    return rules.meeting_priority(
        P.priority_group[group], pending and rules.first_contact_by_meeting(group), in_tiltak, in_treatment,
        rules.garanti_target(garanti, group), weeks_in_spell < P.early_spell_weeks, weeks_since_meeting,
        P.priority)


@decision
def log_contact(A, E, n_ev, w, i, a, channel, phase):
    """Advisor ``a`` contacts youth ``i`` by ``channel``: the event and the advisor's count."""
    emit(E, n_ev, w, i, phase, EV_CONTACT, channel, a)
    A.contacts[a, channel] += 1


@decision
def contacted(Y, P, w, i, channel):
    """What a contact from the advisor does to youth ``i``: the first contact is made, and
    follow-up intensity rises by the channel's weight."""
    Y.contacted[i] = True
    Y.pending[i] = False
    Y.last_contact[i] = w
    if channel == CH_SCHEDULED or channel == CH_UNSCHEDULED:
        Y.last_meeting[i] = w
    Y.intensity[i] += P.intensity_weight[channel]


@decision
def write_message(Y, E, n_ev, P, keys, w, i, phase):
    """End of the contact step: youth ``i`` (in follow-up, with an advisor) may write in the
    activity plan if their dialogue is going on, which renews intensity a little."""
    if Y.dialogue_active[i] and keyed_uniform(keys[U_USER_MESSAGE], i) < P.user_message[Y.group[i]]:
        emit(E, n_ev, w, i, phase, EV_CONTACT, CH_ACTIVITY_PLAN, -1)
        Y.last_contact[i] = w
        Y.intensity[i] += P.user_message_weight
