"""The model's decision rules as small scalar functions, shared by both engines.

Each function turns a youth's or advisor's current state and parameter values into a
probability, a score or a choice. The Mesa engine calls them as plain Python; the numba
engine compiles the very same functions (``sim.engine.kernels``). Keeping the formulas in
one place is what keeps the two engines from drifting apart: only the bookkeeping around
them (loops, queues, tables) is written twice, and the equivalence tests check that.

Each rule is ``register_jitable``: plain Python when called from Python, compiled inline
when called from a kernel. Only + - * / and comparisons are used, so Python and compiled
code round identically. Rules take numbers and small tuples of weights, never the whole
parameter record (compiled code passes big records by value, which costs more than the
rule) and not arrays where a kernel calls them for every youth: an array argument costs two
atomic reference-count updates a call (``sim.params``).

THE MECHANISM (every policy question hangs on it): contacts raise a youth's *follow-up
intensity* (:func:`updated_intensity`), and intensity multiplies the hazards of moving into
tiltak, into work and education, of starting to seek work, and of a hidden need being
found: ``hazard * (1 + effect * intensity)`` (:func:`with_follow_up`). Portfolio size
decides how many contacts each youth gets (:func:`channel_budget`), hence everything else.
"""

from __future__ import annotations

from numba.extending import register_jitable

from sim.codes import (
    B_AAP,
    B_DAGPENGER,
    COMPULSORY,
    HIGHER,
    LA_LAID_OFF,
    LA_PARTLY_WORKING,
    Q_IN,
    SITUASJONSBESTEMT,
    SPESIELT_TILPASSET,
    STANDARD,
)

# Primary activity codes (sim.codes.ACTIVITY), repeated as literals for numba.
_A_JOB_SEARCH, _A_TILTAK, _A_TREATMENT, _A_TREATMENT_AND_WORK, _A_PARTIAL_WORK, _A_NO_ACTIVITY = range(6)


@register_jitable
def pick(cdf, u):
    """Index of the category that uniform ``u`` falls in, given cumulative shares ``cdf``."""
    k = 0
    n = cdf.shape[0]
    while k < n - 1 and u >= cdf[k]:
        k += 1
    return k


@register_jitable
def first_assessment(need, u, under, over):
    """§14a group at the start of a spell: often one group too low, sometimes too high.
    ``under`` and ``over`` are the shares of youths of this ``need`` assessed one group too
    low and too high (the parameters, times the assessment lever)."""
    if need > 0 and u < under:
        return need - 1
    if need < 3 and u >= under and u < under + over:
        return need + 1
    return need


@register_jitable
def aap_eligible(group, health_problem, benefit):
    """AAP needs spesielt tilpasset innsats and a health problem (report 004); those
    on dagpenger keep them until they run out."""
    return group == SPESIELT_TILPASSET and health_problem and benefit != B_DAGPENGER


@register_jitable
def with_follow_up(hazard, effect, intensity):
    """The contact mechanism: a hazard raised by follow-up intensity."""
    return hazard * (1.0 + effect * intensity)


@register_jitable
def updated_intensity(intensity, retention):
    """Intensity fades week by week unless contacts renew it."""
    return intensity * retention


@register_jitable
def garanti_target(garanti_in_force, group):
    """The ungdomsgaranti covers situasjonsbestemt and spesielt tilpasset users under 30."""
    return garanti_in_force and (group == SITUASJONSBESTEMT or group == SPESIELT_TILPASSET)


@register_jitable
def channel_budget(const, per_user, portfolio, municipal_shift, municipal):
    """Weekly contacts of one channel: rise only weakly with portfolio size, and municipal
    advisors write far fewer activity-plan messages (001, Vedlegg 4). Never negative."""
    budget = const + per_user * portfolio
    if municipal:
        budget += municipal_shift
    if budget < 0.0:
        return 0.0
    return budget


@register_jitable
def youth_share_of_time(youths, older, youth_weight):
    """Share of an advisor's contact budget that goes to the young users in the portfolio."""
    if youths == 0:
        return 0.0
    return youth_weight * youths / (youth_weight * youths + older)


@register_jitable
def whole_contacts(budget, u):
    """A fractional budget as a whole number: floor plus one with probability of the fraction."""
    k = int(budget)
    if u < budget - k:
        k += 1
    return k


@register_jitable
def meeting_priority(group_weight, pending, in_tiltak, in_treatment, garanti, early_spell,
                     weeks_since_meeting, priority):
    """Who gets the advisor's meetings first: new users (their first contact is a meeting),
    users early in their spell (meetings are front-loaded, report 003), users in tiltak or
    treatment, the guarantee's target group, and those longest without one.

    ``priority`` holds the weights in the order of :data:`PRIORITY` (``sim.params``).
    """
    score = group_weight + priority[3] * weeks_since_meeting
    if pending:
        score += priority[0]
    if in_tiltak:
        score += priority[1]
    if in_treatment:
        score += priority[2]
    if garanti:
        score += priority[4]
    if early_spell:
        score += priority[5]
    return score


@register_jitable
def first_contact_by_meeting(group):
    """A new user with more than standard needs is first met: the first conversation sets up
    the follow-up and the activity plan, so their delay to first contact comes from the
    meeting budget. Standard users are mostly followed up digitally from the start (003:
    13 % of them met an advisor in three months)."""
    return group != STANDARD


@register_jitable
def digital_priority(pending, weeks_since_contact, priority):
    """Digital contacts rotate: new (standard) users first, then those longest without any."""
    score = priority[3] * weeks_since_contact
    if pending:
        score += priority[0]
    return score


@register_jitable
def digital_reachable(pending, group, dialogue_user, channel_is_activity_plan):
    """Who a digital contact can reach: not a new user who is first to be met, and in the
    activity plan only those who use its dialogue."""
    if pending and first_contact_by_meeting(group):
        return False
    return dialogue_user or not channel_is_activity_plan


@register_jitable
def tiltak_referral_hazard(base, treatment, labour, benefit, weeks_registered, concurrent, intensity,
                           mults, early_weeks, effect, weeks_since_tiltak, post_weeks):
    """Weekly chance of a tiltak referral (003, Table V1: treatment first, work rules it out,
    the first months are spent clarifying; after a programme the youth first uses what it
    gave). ``mults`` in the order of :data:`TILTAK_MULTS`; ``weeks_since_tiltak`` is -1
    before any tiltak ended."""
    h = base
    if treatment == Q_IN and not concurrent:
        h *= mults[0]
    if labour == LA_PARTLY_WORKING:
        h *= mults[1]
    elif labour == LA_LAID_OFF:
        h *= mults[2]
    if benefit == B_DAGPENGER:
        h *= mults[3]
    if weeks_registered < early_weeks:
        h *= mults[4]
    if 0 <= weeks_since_tiltak < post_weeks:
        h *= mults[5]
    return with_follow_up(h, effect, intensity)


@register_jitable
def unemployment_factor(unemployment, reference, elasticity):
    """Higher unemployment lowers the chance of finding work (004, Table 14)."""
    f = 1.0 - elasticity * (unemployment - reference)
    if f < 0.0:
        return 0.0
    return f


@register_jitable
def tiltak_kind(suits, mix, u):
    """The kind of tiltak a referral goes to, with chance proportional to how far each kind
    suits the youth's innsatsgruppe times its share of the places (advisors refer where
    there are places): the first kind whose cumulative weight exceeds ``u`` of the total.
    The schema guarantees some kind has weight for every group."""
    total = 0.0
    for k in range(len(mix)):
        total += suits[k] * mix[k]
    target = u * total
    acc = 0.0
    last = 0
    for k in range(len(mix)):
        weight = suits[k] * mix[k]
        if weight > 0.0:
            last = k
            acc += weight
            if target < acc:
                return k
    return last


@register_jitable
def tiltak_exit_mults(tiltak, kind, ended, week, lock_in, post_work, post_education, post_weeks):
    """(work, education) multipliers of a youth's tiltak on their exit hazards: the kind's
    lock-in while in it; its post-programme effects for ``post_weeks`` after it ended
    (Hardoy et al. 2018: training and wage subsidies help afterwards, work practice does
    not; von Simson 2016: lock-in while in, work practice raises the return to school)."""
    if tiltak == Q_IN:
        return lock_in[kind], lock_in[kind]
    if ended >= 0 and week - ended < post_weeks:
        return post_work[kind], post_education[kind]
    return 1.0, 1.0


@register_jitable
def exit_hazards(work_base, education_base, outside, tiltak_work, tiltak_education, treatment, ips, labour,
                 benefit, education, mental_health, intensity, unemployment_factor_now, mults, effects):
    """Weekly hazards of leaving follow-up for (work, education, outside).

    ``tiltak_work`` and ``tiltak_education`` are :func:`tiltak_exit_mults`; ``mults`` in
    the order of :data:`EXIT_MULTS`; ``effects`` = (contact effect on work, on education,
    IPS multiplier on work, recall hazard of the laid off).
    """
    m = 1.0
    if treatment == Q_IN:
        m *= mults[0]
    if mental_health:
        m *= mults[1]
    if education == COMPULSORY:
        m *= mults[2]
    elif education == HIGHER:
        m *= mults[3]
    if benefit == B_AAP:
        m *= mults[4]
    if labour == LA_PARTLY_WORKING:
        m *= mults[5]
    work = with_follow_up(work_base * m * tiltak_work, effects[0], intensity) * unemployment_factor_now
    if ips == Q_IN:
        work *= effects[2]
    if labour == LA_LAID_OFF:
        work += effects[3]
    education_h = with_follow_up(education_base * m * tiltak_education, effects[1], intensity)
    return work, education_h, outside


@register_jitable
def primary_activity(tiltak, treatment, labour, job_search):
    """The one activity a week is reported under (weekly stocks): combinations first."""
    in_tiltak = tiltak == Q_IN
    in_treatment = treatment == Q_IN
    partly = labour == LA_PARTLY_WORKING
    if in_treatment and (in_tiltak or partly):
        return _A_TREATMENT_AND_WORK
    if in_tiltak:
        return _A_TILTAK
    if in_treatment:
        return _A_TREATMENT
    if partly:
        return _A_PARTIAL_WORK
    if job_search:
        return _A_JOB_SEARCH
    return _A_NO_ACTIVITY
