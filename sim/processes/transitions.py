"""A youth's week in follow-up: reassessment, benefits, uføretrygd, treatment, IPS, tiltak
referral and end, job search, labour attachment, and exits, in that order.

Follow-up intensity (``sim.processes.contacts``) raises the hazards of a hidden need being
found, of a tiltak referral, of starting to seek work and of leaving for work or
education (``rules.with_follow_up``): this is where contacts change what happens.
"""

from __future__ import annotations

from sim import rules
from sim.codes import (
    B_AAP,
    B_DAGPENGER,
    B_KVP,
    B_NONE,
    B_SOSIALHJELP,
    B_TILTAKSPENGER,
    EV_BENEFIT,
    EV_IPS,
    EV_JOB_SEARCH,
    EV_LABOUR_ATTACHMENT,
    EV_REASSESSMENT,
    EV_TILTAK,
    EV_TREATMENT,
    LA_LAID_OFF,
    LA_NONE,
    LA_PARTLY_WORKING,
    Q_IN,
    Q_NONE,
    Q_WAITING,
    S_EDUCATION,
    S_OUTSIDE,
    S_UFORE,
    S_WORK,
    S_WORK_AND_EDUCATION,
    VARIG_TILPASSET,
)
from sim.processes.advisors import regroup
from sim.processes.decision import decision
from sim.processes.events import emit
from sim.processes.spells import end_spell
from sim.rng import (
    U_AAP,
    U_AAP_END,
    U_DAGPENGER_END,
    U_EXIT,
    U_IPS_END,
    U_IPS_REFERRAL,
    U_JOB_SEARCH,
    U_KVP_END,
    U_KVP_START,
    U_LABOUR,
    U_REASSESSMENT,
    U_TILTAK_END,
    U_TILTAK_REFERRAL,
    U_TILTAK_TYPE,
    U_TREATMENT_END,
    U_TREATMENT_REFERRAL,
    U_TREATMENT_START,
    U_UFORE,
    keyed_uniform,
)


@decision
def labour_market(P, T, w):
    """This week's factor on the chance of finding work, from the unemployment series."""
    return rules.unemployment_factor(T.unemployment[w], P.unemployment_reference, P.unemployment_elasticity)


@decision
def set_benefit(Y, E, n_ev, w, i, benefit, phase):
    Y.benefit[i] = benefit
    Y.benefit_since[i] = w
    emit(E, n_ev, w, i, phase, EV_BENEFIT, benefit, 0)



@decision
def transition(Y, A, E, n_ev, P, T, keys, w, i, market, phase):
    """Youth ``i``'s week in follow-up; ``market`` is :func:`labour_market` of the week.

    Returns False if the youth left follow-up this week (uføretrygd or an exit).
    """
    need = Y.need[i]
    g = Y.group[i]
    x = Y.intensity[i]
    # 1. reassessment (§14a) as information arrives: a hidden need found (faster with
    # follow-up), or a group too high lowered
    u = keyed_uniform(keys[U_REASSESSMENT], i)
    if g < need:
        if u < rules.with_follow_up(P.reassess_up * T.reassess_up_mult[w], P.effect_discovery, x):
            g += 1
            regroup(Y, A, i, g)
            emit(E, n_ev, w, i, phase, EV_REASSESSMENT, g, 0)
    elif g > need:
        if u < P.reassess_down:
            g -= 1
            regroup(Y, A, i, g)
            emit(E, n_ev, w, i, phase, EV_REASSESSMENT, g, 0)
    # ``|``, not ``or``: compiled, ``or`` of two array elements becomes branches that each
    # hold a reference to the array
    health = Y.mental_health[i] | Y.other_health[i]
    # 2. benefits: dagpenger run out (not under the pandemic's rules; some then need
    # sosialhjelp), AAP ends or starts, the kvalifiseringsprogram ends (back to sosialhjelp)
    # or starts for those on sosialhjelp who are not on the way to AAP
    b = Y.benefit[i]
    if b == B_DAGPENGER and w - Y.benefit_since[i] >= Y.dagpenger_weeks[i] and not T.dagpenger_pandemic[w]:
        to_sosialhjelp = keyed_uniform(keys[U_DAGPENGER_END], i) < P.sosialhjelp_after_dagpenger
        set_benefit(Y, E, n_ev, w, i, B_SOSIALHJELP if to_sosialhjelp else B_NONE, phase)
    elif b == B_AAP:
        if keyed_uniform(keys[U_AAP_END], i) < P.aap_end:
            set_benefit(Y, E, n_ev, w, i, B_NONE, phase)
    elif b == B_KVP:
        if keyed_uniform(keys[U_KVP_END], i) < P.kvp_end:
            set_benefit(Y, E, n_ev, w, i, B_SOSIALHJELP, phase)
    elif rules.aap_eligible(g, health, b):
        if keyed_uniform(keys[U_AAP], i) < P.aap_start:
            set_benefit(Y, E, n_ev, w, i, B_AAP, phase)
    elif b == B_SOSIALHJELP:
        if keyed_uniform(keys[U_KVP_START], i) < P.kvp_start[g]:
            set_benefit(Y, E, n_ev, w, i, B_KVP, phase)
    # uføretrygd, from AAP (under the AAP rules of the week) or from varig tilpasset innsats
    h = 0.0
    if Y.benefit[i] == B_AAP:
        h += P.ufore_from_aap * T.ufore_from_aap_mult[w]
    if g == VARIG_TILPASSET:
        h += P.ufore_from_varig
    if h > 0.0 and keyed_uniform(keys[U_UFORE], i) < h:
        end_spell(Y, A, E, n_ev, w, i, phase, S_UFORE)
        return False
    # 3. medical treatment: referral, waiting, treatment
    t = Y.treatment[i]
    if t == Q_NONE:
        if health:
            ref = P.treatment_referral_mental[g] if Y.mental_health[i] else P.treatment_referral_other[g]
            if keyed_uniform(keys[U_TREATMENT_REFERRAL], i) < ref:
                Y.treatment[i] = Q_WAITING
                emit(E, n_ev, w, i, phase, EV_TREATMENT, Q_WAITING, 0)
    elif t == Q_WAITING:
        wait = P.treatment_wait_mean * T.treatment_wait_mult[w]
        if keyed_uniform(keys[U_TREATMENT_START], i) < 1.0 / wait:
            Y.treatment[i] = Q_IN
            emit(E, n_ev, w, i, phase, EV_TREATMENT, Q_IN, 0)
    elif keyed_uniform(keys[U_TREATMENT_END], i) < P.treatment_end:
        Y.treatment[i] = Q_NONE
        emit(E, n_ev, w, i, phase, EV_TREATMENT, Q_NONE, 0)
        if Y.ips[i] == Q_IN:
            emit(E, n_ev, w, i, phase, EV_IPS, 0, 0)
        Y.ips[i] = Q_NONE
    # 4. IPS: a job specialist in the treatment team, on the clinician's referral
    if Y.ips[i] == Q_NONE:
        if Y.treatment[i] == Q_IN and Y.mental_health[i]:
            if keyed_uniform(keys[U_IPS_REFERRAL], i) < P.ips_referral:
                Y.ips[i] = Q_WAITING
                Y.ips_since[i] = w
    elif Y.ips[i] == Q_IN:
        if keyed_uniform(keys[U_IPS_END], i) < P.ips_end:
            Y.ips[i] = Q_NONE
            emit(E, n_ev, w, i, phase, EV_IPS, 0, 0)
    # 5. tiltak: referral to the waiting list, or the end of a spell (and of tiltakspenger)
    if Y.tiltak[i] == Q_NONE:
        h = rules.tiltak_referral_hazard(P.tiltak_referral[g], Y.treatment[i], Y.labour[i], Y.benefit[i],
                                         w - Y.reg_week[i], T.concurrent[w], x, P.tiltak_mults,
                                         P.tiltak_early_weeks, P.effect_tiltak,
                                         w - Y.tiltak_ended[i] if Y.tiltak_ended[i] >= 0 else -1,
                                         P.tiltak_post_weeks)
        if keyed_uniform(keys[U_TILTAK_REFERRAL], i) < h:
            Y.tiltak[i] = Q_WAITING
            Y.tiltak_since[i] = w
            Y.tiltak_type[i] = rules.tiltak_kind(P.tiltak_suits[g], T.tiltak_mix[w],
                                                 keyed_uniform(keys[U_TILTAK_TYPE], i))
            emit(E, n_ev, w, i, phase, EV_TILTAK, Q_WAITING, 0)
    elif Y.tiltak[i] == Q_IN:
        if keyed_uniform(keys[U_TILTAK_END], i) < P.tiltak_end[g][Y.tiltak_type[i]]:
            Y.tiltak[i] = Q_NONE
            Y.tiltak_ended[i] = w
            emit(E, n_ev, w, i, phase, EV_TILTAK, Q_NONE, 0)
            if Y.benefit[i] == B_TILTAKSPENGER:
                set_benefit(Y, E, n_ev, w, i, B_NONE, phase)
    # 6. job search: starts (faster with follow-up) and stops
    u = keyed_uniform(keys[U_JOB_SEARCH], i)
    if Y.job_search[i] == 0:
        if u < rules.with_follow_up(P.job_search_start[g], P.effect_job_search, x):
            Y.job_search[i] = 1
            emit(E, n_ev, w, i, phase, EV_JOB_SEARCH, 1, 0)
    elif u < P.job_search_stop[g]:
        Y.job_search[i] = 0
        emit(E, n_ev, w, i, phase, EV_JOB_SEARCH, 0, 0)
    # 7. labour attachment: the laid off are recalled or let go; partial work starts and ends
    u = keyed_uniform(keys[U_LABOUR], i)
    la = Y.labour[i]
    new_la = la
    if la == LA_LAID_OFF:
        if u < P.laid_off_end:
            new_la = LA_NONE
    elif la == LA_NONE:
        if u < P.partly_working_start[g]:
            new_la = LA_PARTLY_WORKING
    elif u < P.partly_working_end:
        new_la = LA_NONE
    if new_la != la:
        Y.labour[i] = new_la
        emit(E, n_ev, w, i, phase, EV_LABOUR_ATTACHMENT, new_la, 0)
    # 8. exits: work, education (some both), or leaving Nav with neither
    tiltak_work, tiltak_education = rules.tiltak_exit_mults(
        Y.tiltak[i], Y.tiltak_type[i], Y.tiltak_ended[i], w, P.tiltak_lock_in, P.tiltak_post_work,
        P.tiltak_post_education, P.tiltak_post_weeks)
    hw, he, ho = rules.exit_hazards(P.exit_work[g], P.exit_education[g], P.exit_outside[g], tiltak_work,
                                    tiltak_education, Y.treatment[i], Y.ips[i], Y.labour[i], Y.benefit[i],
                                    Y.education[i], Y.mental_health[i], x, market, P.exit_mults,
                                    P.exit_effects)
    if w - Y.reg_week[i] < P.exit_early_weeks:
        early = P.exit_early_mult[g]
        hw, he, ho = hw * early, he * early, ho * early
    u = keyed_uniform(keys[U_EXIT], i)
    if u < hw + he + ho:
        end_spell(Y, A, E, n_ev, w, i, phase, exit_to(u, hw, he, P.exit_both_share))
        return False
    return True


@decision
def exit_to(u, hw, he, both_share):
    """Where a youth who leaves goes, given the uniform ``u`` that decided the exit: work
    (a share ``both_share`` of them into work and education), education, or neither."""
    if u < hw * both_share:
        return S_WORK_AND_EDUCATION
    if u < hw:
        return S_WORK
    if u < hw + he:
        return S_EDUCATION
    return S_OUTSIDE
