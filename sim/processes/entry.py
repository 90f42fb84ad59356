"""Entry: who a youth is, and what a registration or a return sets.

A youth's fixed attributes are drawn from streams keyed by the youth's id alone (week 0),
so they do not depend on when or whether the youth is simulated. A spell starts with a
fresh §14a assessment (often a group too low: ``rules.first_assessment``; less often from
the start of the assessment lever), a labour
attachment, a benefit and a job-search state drawn from the true need.
"""

from __future__ import annotations

from sim import rules
from sim.codes import (
    B_DAGPENGER,
    B_NONE,
    B_SOSIALHJELP,
    B_UFORE,
    EV_ASSESSMENT,
    EV_BENEFIT,
    EV_JOB_SEARCH,
    EV_LABOUR_ATTACHMENT,
    EV_REGISTRATION,
    EV_RETURN,
    EV_UFORE_DIRECT,
    LA_LAID_OFF,
    LA_NONE,
    LA_PARTLY_WORKING,
    Q_NONE,
    S_FOLLOW_UP,
    S_NOT_ENTERED,
    S_UFORE,
    STANDARD,
    VARIG_TILPASSET,
    WEEKS_PER_YEAR,
)
from sim.processes.decision import decision
from sim.processes.events import emit
from sim.processes.spells import age_at
from sim.rng import (
    U_AGE,
    U_ASSESSMENT,
    U_BENEFIT_AT_ENTRY,
    U_BIRTH_REGION,
    U_BIRTH_WEEK,
    U_CHILDREN,
    U_DAGPENGER_EARNINGS,
    U_DIALOGUE_USER,
    U_EDUCATION,
    U_JOB_SEARCH_AT_ENTRY,
    U_LABOUR_AT_ENTRY,
    U_MENTAL_HEALTH,
    U_NEED,
    U_OFFICE,
    U_OTHER_HEALTH,
    U_SEX,
    U_SOSIALHJELP_AT_ENTRY,
    keyed_uniform,
)

#: Entry kinds of the entry schedule (``sim.engine.setup``, column ``entry_kind``).
ENTRY_REGULAR, ENTRY_LAID_OFF, ENTRY_UFORE_DIRECT = 0, 1, 2
#: Age at a direct uføretrygd entry (the age from which uføretrygd can be granted).
UFORE_DIRECT_AGE = 18
#: Youngest age at registration: the model's population is 16-29.
YOUNGEST = 16


@decision
def draw_attributes(Y, P, keys, i):
    """Fixed attributes of youth ``i`` (``keys``: the streams of week 0).

    A youth laid off in the pandemic has no needs beyond a job (standard); a direct
    uføretrygd entrant is varig tilpasset and 18 at entry.
    """
    kind = Y.entry_kind[i]
    if kind == ENTRY_LAID_OFF:
        need = STANDARD
    elif kind == ENTRY_UFORE_DIRECT:
        need = VARIG_TILPASSET
    else:
        need = rules.pick(P.need_cdf[Y.entry_week[i]], keyed_uniform(keys[U_NEED], i))
    Y.need[i] = need
    if kind == ENTRY_UFORE_DIRECT:
        Y.birth_week[i] = Y.entry_week[i] - UFORE_DIRECT_AGE * WEEKS_PER_YEAR
    else:
        age = YOUNGEST + rules.pick(P.entry_age_cdf[need], keyed_uniform(keys[U_AGE], i))
        within = int(keyed_uniform(keys[U_BIRTH_WEEK], i) * WEEKS_PER_YEAR)
        Y.birth_week[i] = Y.entry_week[i] - age * WEEKS_PER_YEAR - within
    Y.sex[i] = 0 if keyed_uniform(keys[U_SEX], i) < P.female_share[need] else 1
    Y.education[i] = rules.pick(P.education_cdf[need], keyed_uniform(keys[U_EDUCATION], i))
    Y.birth_region[i] = rules.pick(P.birth_region_cdf, keyed_uniform(keys[U_BIRTH_REGION], i))
    Y.children[i] = keyed_uniform(keys[U_CHILDREN], i) < P.children_share[need]
    Y.mental_health[i] = keyed_uniform(keys[U_MENTAL_HEALTH], i) < P.mental_health_share[need]
    Y.other_health[i] = keyed_uniform(keys[U_OTHER_HEALTH], i) < P.other_health_share[need]
    Y.dialogue_user[i] = keyed_uniform(keys[U_DIALOGUE_USER], i) < P.dialogue_user_share[need]
    Y.office[i] = rules.pick(P.office_cdf, keyed_uniform(keys[U_OFFICE], i))
    Y.county[i] = P.office_county[Y.office[i]]


@decision
def age_band_at(birth_week, w):
    """Code of ``codes.AGE_BAND`` (16-19, 20-24, 25-29) of a youth born in ``birth_week``,
    in week ``w``."""
    age = age_at(birth_week, w)
    if age < 20:
        return 0
    if age < 25:
        return 1
    return 2


@decision
def dagpenger_period(ordinary, lowered, u, long_share, long_weeks, short_weeks):
    """Weeks of dagpenger for an entrant who would get them under the lowered earnings
    requirement, by their earlier earnings; 0 if the earnings fall short of this week's rule.

    ``u`` ranks the entrant's earnings (low ``u``, high earnings). The ordinary requirement
    (1.5 G in the last 12 months) is met by a share ``ordinary`` of entrants like this one:
    by age band, since the young have had less time to earn, and all of those laid off from
    work. Of those, a share ``long_share`` earned 2 G or more and get the long period; the
    rest, and those who qualify only while the lowered requirement is in force
    (``lowered``), get the short one.
    """
    if u < ordinary * long_share:
        return long_weeks
    if u < ordinary or lowered:
        return short_weeks
    return 0


@decision
def arrive(Y, E, n_ev, P, T, keys, w, i, phase):
    """Youth ``i`` arrives at Nav in week ``w``: a registration, or a return from the status
    they are in. A spell starts with a fresh §14a assessment and starting state, waiting for
    an advisor; a direct uføre entrant is recorded and not followed up."""
    previous_status = Y.status[i]
    if previous_status == S_NOT_ENTERED and Y.entry_kind[i] == ENTRY_UFORE_DIRECT:
        Y.status[i] = S_UFORE
        Y.benefit[i] = B_UFORE
        Y.reg_week[i] = w
        emit(E, n_ev, w, i, phase, EV_UFORE_DIRECT, 0, 0)
        emit(E, n_ev, w, i, phase, EV_BENEFIT, B_UFORE, 0)
        return
    need = Y.need[i]
    Y.status[i] = S_FOLLOW_UP
    Y.reg_week[i] = w
    if previous_status == S_NOT_ENTERED:
        emit(E, n_ev, w, i, phase, EV_REGISTRATION, 0, 0)
    else:
        emit(E, n_ev, w, i, phase, EV_RETURN, previous_status, 0)
    g = rules.first_assessment(need, keyed_uniform(keys[U_ASSESSMENT], i),
                               P.under_assessment[need] * T.under_assessment_mult[w],
                               P.over_assessment[need] * T.over_assessment_mult[w])
    Y.group[i] = g
    emit(E, n_ev, w, i, phase, EV_ASSESSMENT, g, 0)
    if Y.entry_kind[i] == ENTRY_LAID_OFF and previous_status == S_NOT_ENTERED:
        labour = LA_LAID_OFF
    elif keyed_uniform(keys[U_LABOUR_AT_ENTRY], i) < P.partly_working_share[need]:
        labour = LA_PARTLY_WORKING
    else:
        labour = LA_NONE
    Y.labour[i] = labour
    emit(E, n_ev, w, i, phase, EV_LABOUR_ATTACHMENT, labour, 0)
    period = 0
    if labour == LA_LAID_OFF or keyed_uniform(keys[U_BENEFIT_AT_ENTRY], i) < P.dagpenger_share[need]:
        # in work until laid off: the ordinary earnings requirement is met
        ordinary = 1.0 if labour == LA_LAID_OFF else \
            P.dagpenger_ordinary_earnings[age_band_at(Y.birth_week[i], w)]
        period = dagpenger_period(ordinary, T.dagpenger_pandemic[w],
                                  keyed_uniform(keys[U_DAGPENGER_EARNINGS], i),
                                  P.dagpenger_long_period_share, P.dagpenger_max_weeks,
                                  P.dagpenger_short_weeks)
    Y.dagpenger_weeks[i] = period
    if period > 0:
        benefit = B_DAGPENGER
    elif keyed_uniform(keys[U_SOSIALHJELP_AT_ENTRY], i) < P.sosialhjelp_share[need]:
        benefit = B_SOSIALHJELP
    else:
        benefit = B_NONE
    Y.benefit[i] = benefit
    Y.benefit_since[i] = w
    emit(E, n_ev, w, i, phase, EV_BENEFIT, benefit, 0)
    # job search at entry: its stationary share under the weekly start and stop hazards
    start = P.job_search_start[need]
    stationary = start / (start + P.job_search_stop[need])
    engaged = 1 if keyed_uniform(keys[U_JOB_SEARCH_AT_ENTRY], i) < stationary else 0
    Y.job_search[i] = engaged
    emit(E, n_ev, w, i, phase, EV_JOB_SEARCH, engaged, 0)
    Y.advisor[i] = -1
    Y.wait_since[i] = w
    Y.pending[i] = False
    Y.dialogue_active[i] = Y.dialogue_user[i]  # a new spell starts with the dialogue going
    Y.intensity[i] = 0.0
    Y.last_meeting[i] = w
    Y.last_contact[i] = w
    Y.tiltak[i] = Q_NONE
    Y.treatment[i] = Q_NONE
    Y.ips[i] = Q_NONE
