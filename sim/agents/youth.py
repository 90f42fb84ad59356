"""``Youth``: a young user (16-29) of Nav, as an agent of the Mesa reference engine.

A youth holds its own state and decides its own weekly transitions with the shared rules
(``sim.rules``) and keyed random numbers (``sim.rng.uniform``), exactly as the numba
kernels do for a row of their tables. Categorical state is kept as its integer code
(``sim.codes``) in ``<name>_code``; the property ``<name>`` gives the field's own word, so
a youth reads the same as the numba engine's ``YouthView``.

Methods are named after what happens to the youth; each says which phase of the week
(``sim.engine.kernels.PHASE_NAMES``) calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim import rules
from sim.codes import (
    B_AAP,
    B_DAGPENGER,
    B_NONE,
    B_SOSIALHJELP,
    B_TILTAKSPENGER,
    B_UFORE,
    BENEFIT,
    BIRTH_REGION,
    CH_ACTIVITY_PLAN,
    CH_SCHEDULED,
    CH_UNSCHEDULED,
    EDUCATION,
    EV_ADVISOR,
    EV_ASSESSMENT,
    EV_BENEFIT,
    EV_CONTACT,
    EV_EXIT,
    EV_IPS,
    EV_JOB_SEARCH,
    EV_LABOUR_ATTACHMENT,
    EV_REASSESSMENT,
    EV_REGISTRATION,
    EV_RETURN,
    EV_TILTAK,
    EV_TREATMENT,
    EV_UFORE_DIRECT,
    INNSATSGRUPPE,
    LA_LAID_OFF,
    LA_NONE,
    LA_PARTLY_WORKING,
    LABOUR_ATTACHMENT,
    Q_IN,
    Q_NONE,
    Q_WAITING,
    QUEUE_STATE,
    S_AGED_OUT,
    S_EDUCATION,
    S_FOLLOW_UP,
    S_NOT_ENTERED,
    S_OUTSIDE,
    S_UFORE,
    S_WORK,
    S_WORK_AND_EDUCATION,
    SEX,
    STANDARD,
    STATUS,
    VARIG_TILPASSET,
    WEEKS_PER_YEAR,
)
from sim.engine.kernels import (
    AGE_OUT,
    PH_AGEING,
    PH_ASSIGN,
    PH_CHURN,
    PH_CONTACTS,
    PH_INFLOW,
    PH_IPS,
    PH_RETURNS,
    PH_TILTAK,
    PH_TRANSITIONS,
)
from sim.rng import (
    U_AAP,
    U_AAP_END,
    U_AGE,
    U_ASSESSMENT,
    U_ASSIGN_ROLE,
    U_BENEFIT_AT_ENTRY,
    U_BIRTH_REGION,
    U_BIRTH_WEEK,
    U_CHILDREN,
    U_CHURN,
    U_DAGPENGER_END,
    U_DIALOGUE_USER,
    U_EDUCATION,
    U_EXIT,
    U_IPS_END,
    U_IPS_REFERRAL,
    U_JOB_SEARCH,
    U_JOB_SEARCH_AT_ENTRY,
    U_LABOUR,
    U_LABOUR_AT_ENTRY,
    U_MENTAL_HEALTH,
    U_NEED,
    U_OFFICE,
    U_OTHER_HEALTH,
    U_REASSESSMENT,
    U_RETURN,
    U_SEX,
    U_SOSIALHJELP_AT_ENTRY,
    U_TILTAK_END,
    U_TILTAK_NO_SHOW,
    U_TILTAK_REFERRAL,
    U_TREATMENT_END,
    U_TREATMENT_REFERRAL,
    U_TREATMENT_START,
    U_UFORE,
    U_USER_MESSAGE,
    uniform,
)

if TYPE_CHECKING:
    from sim.agents.context import Veileder, WeekContext

#: Entry kinds of the entry schedule (``sim.engine.setup``).
ENTRY_REGULAR, ENTRY_LAID_OFF, ENTRY_UFORE_DIRECT = 0, 1, 2


class Youth(mesa.Agent):
    """A young user: fixed attributes drawn at entry, and the state of the current spell.

    Created when the youth enters (registration, or direct uføretrygd at 18) and kept after
    leaving follow-up: a youth who left for work may return, and one who has aged out stays
    on record with status ``aged_out``, as in the numba engine's tables.
    """

    def __init__(self, model: mesa.Model, engine: WeekContext, youth_id: int, entry_week: int,
                 entry_kind: int) -> None:
        super().__init__(model)
        self.engine = engine
        self.youth_id = youth_id
        self.entry_week = entry_week
        self.entry_kind = entry_kind
        self._draw_fixed_attributes()
        # state of the current spell (set by enter / start_spell)
        self.status_code = S_NOT_ENTERED
        self.innsatsgruppe_code = -1  # no §14a yet
        self.veileder: Veileder | None = None  # the fixed contact person, if any
        self.assigned_week = 0
        self.wait_since = 0  # week the youth started waiting for an advisor
        self.pending = False  # assigned, first contact not yet made
        self.tiltak_code = Q_NONE
        self.tiltak_since = 0
        self.treatment_code = Q_NONE
        self.ips_code = Q_NONE
        self.ips_since = 0
        self.labour_attachment_code = LA_NONE
        self.benefit_code = B_NONE
        self.benefit_since = 0
        self.job_search = 0
        self.reg_week = 0  # start of the current spell
        self.last_meeting = 0
        self.last_contact = 0
        self.intensity = 0.0  # follow-up intensity (the contact mechanism)
        self.contacted = False  # by the advisor this week

    def __repr__(self) -> str:
        return (f"Youth({self.youth_id}, {self.status}, innsatsgruppe={self.innsatsgruppe}, "
                f"advisor={self.advisor})")

    # ------------------------------------------------------------------------------------
    # readable state

    @property
    def status(self) -> str:
        return STATUS[self.status_code]

    @property
    def innsatsgruppe(self) -> str | None:
        return INNSATSGRUPPE[self.innsatsgruppe_code] if self.innsatsgruppe_code >= 0 else None

    @property
    def true_need(self) -> str:
        return INNSATSGRUPPE[self.true_need_code]

    @property
    def advisor(self) -> int:
        """Id of the youth's advisor, -1 when waiting for one."""
        return self.veileder.advisor_id if self.veileder is not None else -1

    @property
    def benefit(self) -> str:
        return BENEFIT[self.benefit_code]

    @property
    def tiltak(self) -> str:
        return QUEUE_STATE[self.tiltak_code]

    @property
    def treatment(self) -> str:
        return QUEUE_STATE[self.treatment_code]

    @property
    def ips(self) -> str:
        return QUEUE_STATE[self.ips_code]

    @property
    def labour_attachment(self) -> str:
        return LABOUR_ATTACHMENT[self.labour_attachment_code]

    @property
    def sex(self) -> str:
        return SEX[self.sex_code]

    @property
    def education(self) -> str:
        return EDUCATION[self.education_code]

    @property
    def birth_region(self) -> str:
        return BIRTH_REGION[self.birth_region_code]

    @property
    def health_problem(self) -> bool:
        return self.mental_health or self.other_health

    @property
    def in_follow_up(self) -> bool:
        return self.status_code == S_FOLLOW_UP

    def age(self, week: int | None = None) -> int:
        week = self.engine.week if week is None else week
        return (week - self.birth_week) // WEEKS_PER_YEAR

    # ------------------------------------------------------------------------------------
    # bookkeeping

    def _emit(self, w: int, phase: int, kind: int, value: int, aux: int = 0) -> None:
        self.engine.emit(w, self.youth_id, phase, kind, value, aux)

    def _u(self, stream: int, w: int) -> float:
        """This youth's uniform number for decision ``stream`` in week ``w``."""
        return uniform(self.engine.seed, stream, w, self.youth_id)

    def _draw_fixed_attributes(self) -> None:
        """Attributes fixed for life, from streams keyed by the youth's id alone (week 0)."""
        P = self.engine.params
        i, seed = self.youth_id, self.engine.seed
        if self.entry_kind == ENTRY_LAID_OFF:
            need = STANDARD  # laid off in the pandemic: no needs beyond a job
        elif self.entry_kind == ENTRY_UFORE_DIRECT:
            need = VARIG_TILPASSET
        else:
            need = rules.pick(P.need_cdf, uniform(seed, U_NEED, 0, i))
        self.true_need_code = need
        if self.entry_kind == ENTRY_UFORE_DIRECT:
            self.birth_week = self.entry_week - 18 * WEEKS_PER_YEAR
        else:
            age = 16 + rules.pick(P.entry_age_cdf[need], uniform(seed, U_AGE, 0, i))
            within = int(uniform(seed, U_BIRTH_WEEK, 0, i) * WEEKS_PER_YEAR)
            self.birth_week = self.entry_week - age * WEEKS_PER_YEAR - within
        self.sex_code = 0 if uniform(seed, U_SEX, 0, i) < P.female_share[need] else 1
        self.education_code = rules.pick(P.education_cdf[need], uniform(seed, U_EDUCATION, 0, i))
        self.birth_region_code = rules.pick(P.birth_region_cdf, uniform(seed, U_BIRTH_REGION, 0, i))
        self.children = uniform(seed, U_CHILDREN, 0, i) < P.children_share[need]
        self.mental_health = uniform(seed, U_MENTAL_HEALTH, 0, i) < P.mental_health_share[need]
        self.other_health = uniform(seed, U_OTHER_HEALTH, 0, i) < P.other_health_share[need]
        self.dialogue_user = uniform(seed, U_DIALOGUE_USER, 0, i) < P.dialogue_user_share[need]
        self.office = int(uniform(seed, U_OFFICE, 0, i) * P.n_offices)

    # ------------------------------------------------------------------------------------
    # spells

    def enter(self, w: int) -> None:
        """Phase ``inflow``: registration, or a direct uføre entrant who is never followed up."""
        if self.entry_kind == ENTRY_UFORE_DIRECT:
            self.status_code = S_UFORE
            self.benefit_code = B_UFORE
            self.reg_week = w
            self._emit(w, PH_INFLOW, EV_UFORE_DIRECT, 0)
            self._emit(w, PH_INFLOW, EV_BENEFIT, B_UFORE)
        else:
            self.start_spell(w, PH_INFLOW, S_NOT_ENTERED)

    def start_spell(self, w: int, phase: int, previous_status: int) -> None:
        """Registration (from ``not_entered``) or a return: a fresh §14a and starting state."""
        P = self.engine.params
        need = self.true_need_code
        self.status_code = S_FOLLOW_UP
        self.reg_week = w
        if previous_status == S_NOT_ENTERED:
            self._emit(w, phase, EV_REGISTRATION, 0)
        else:
            self._emit(w, phase, EV_RETURN, previous_status)
        g = rules.first_assessment(need, self._u(U_ASSESSMENT, w), P.under_assessment, P.over_assessment)
        self.innsatsgruppe_code = g
        self._emit(w, phase, EV_ASSESSMENT, g)
        if self.entry_kind == ENTRY_LAID_OFF and previous_status == S_NOT_ENTERED:
            labour = LA_LAID_OFF
        elif self._u(U_LABOUR_AT_ENTRY, w) < P.partly_working_share[need]:
            labour = LA_PARTLY_WORKING
        else:
            labour = LA_NONE
        self.labour_attachment_code = labour
        self._emit(w, phase, EV_LABOUR_ATTACHMENT, labour)
        if labour == LA_LAID_OFF or self._u(U_BENEFIT_AT_ENTRY, w) < P.dagpenger_share[need]:
            benefit = B_DAGPENGER
        elif self._u(U_SOSIALHJELP_AT_ENTRY, w) < P.sosialhjelp_share[need]:
            benefit = B_SOSIALHJELP
        else:
            benefit = B_NONE
        self.benefit_code = benefit
        self.benefit_since = w
        self._emit(w, phase, EV_BENEFIT, benefit)
        start = P.job_search_start[need]
        engaged = 1 if self._u(U_JOB_SEARCH_AT_ENTRY, w) < start / (start + P.job_search_stop[need]) else 0
        self.job_search = engaged
        self._emit(w, phase, EV_JOB_SEARCH, engaged)
        self.veileder = None
        self.wait_since = w
        self.pending = False
        self.intensity = 0.0
        self.last_meeting = w
        self.last_contact = w
        self.tiltak_code = Q_NONE
        self.treatment_code = Q_NONE
        self.ips_code = Q_NONE

    def end_spell(self, w: int, phase: int, new_status: int) -> None:
        """Leave follow-up: release advisor, tiltak place, treatment and IPS; record the exit."""
        self.leave_advisor(w, phase)
        if self.tiltak_code != Q_NONE:
            self.tiltak_code = Q_NONE
            self._emit(w, phase, EV_TILTAK, Q_NONE)
        if self.treatment_code != Q_NONE:
            self.treatment_code = Q_NONE
            self._emit(w, phase, EV_TREATMENT, Q_NONE)
        if self.ips_code == Q_IN:
            self._emit(w, phase, EV_IPS, 0)
        self.ips_code = Q_NONE
        if new_status == S_UFORE:
            self.benefit_code = B_UFORE
            self._emit(w, phase, EV_BENEFIT, B_UFORE)
        elif self.benefit_code != B_NONE:
            self.benefit_code = B_NONE
            self._emit(w, phase, EV_BENEFIT, B_NONE)
        self.status_code = new_status
        self._emit(w, phase, EV_EXIT, new_status)

    # ------------------------------------------------------------------------------------
    # the advisor relation

    def assign_to(self, advisor: Veileder, w: int) -> None:
        """Phase ``assign``: ``advisor`` becomes the youth's contact person; a first contact is due."""
        self.veileder = advisor
        self.assigned_week = w
        self.pending = True
        advisor.take(self)
        self._emit(w, PH_ASSIGN, EV_ADVISOR, advisor.advisor_id)

    def leave_advisor(self, w: int, phase: int) -> None:
        """Lose the advisor (churn, cap, staffing cut, exit) and start waiting for a new one."""
        advisor = self.veileder
        if advisor is None:
            return
        advisor.release(self)
        self.veileder = None
        self.wait_since = w
        self.pending = False
        self._emit(w, phase, EV_ADVISOR, -1)

    # ------------------------------------------------------------------------------------
    # phases of the week

    def age_week(self, w: int) -> None:
        """Phase ``ageing``: at 30 the youth leaves the model, whatever the status."""
        s = self.status_code
        if s in (S_AGED_OUT, S_NOT_ENTERED):
            return
        if w - self.birth_week >= AGE_OUT * WEEKS_PER_YEAR:
            if s == S_FOLLOW_UP:
                self.end_spell(w, PH_AGEING, S_AGED_OUT)
            else:
                self.status_code = S_AGED_OUT
                self._emit(w, PH_AGEING, EV_EXIT, S_AGED_OUT)

    def maybe_return(self, w: int) -> None:
        """Phase ``returns``: someone who left for work, education or nothing may come back."""
        s = self.status_code
        if S_WORK <= s <= S_OUTSIDE and self._u(U_RETURN, w) < self.engine.params.return_hazard[s]:
            self.start_spell(w, PH_RETURNS, s)

    def churn_week(self, w: int) -> None:
        """Phase ``churn``: the advisor may change; the ungdomsgaranti's fixed contact person
        makes that rarer for its target group."""
        if self.status_code != S_FOLLOW_UP or self.veileder is None:
            return
        P = self.engine.params
        h = P.churn
        if rules.garanti_target(self.engine.levers.garanti, self.innsatsgruppe_code):
            h *= P.garanti_churn_mult
        if self._u(U_CHURN, w) < h:
            self.leave_advisor(w, PH_CHURN)

    def wants_youth_advisor(self, w: int) -> bool:
        """Phase ``assign``: whether the office places this youth with a youth advisor."""
        P = self.engine.params
        target = rules.garanti_target(self.engine.levers.garanti, self.innsatsgruppe_code)
        share = P.garanti_youth_advisor_share if target else P.youth_advisor_share
        return self._u(U_ASSIGN_ROLE, w) < share

    def fade_intensity(self) -> None:
        """Phase ``contacts`` (start): intensity fades unless this week's contacts renew it."""
        self.contacted = False
        if self.status_code == S_FOLLOW_UP:
            self.intensity = rules.updated_intensity(self.intensity, self.engine.params.intensity_retention)

    def meeting_priority(self, w: int) -> float:
        """Phase ``contacts``: this youth's claim on the advisor's meetings."""
        P = self.engine.params
        g = self.innsatsgruppe_code
        return rules.meeting_priority(
            P.priority_group[g], self.pending and rules.first_contact_by_meeting(g),
            self.tiltak_code == Q_IN, self.treatment_code == Q_IN,
            rules.garanti_target(self.engine.levers.garanti, g), w - self.last_meeting, P.priority)

    def digital_priority(self, w: int) -> float:
        """Phase ``contacts``: this youth's claim on the advisor's digital contacts."""
        return rules.digital_priority(self.pending, w - self.last_contact, self.engine.params.priority)

    def receive_contact(self, w: int, advisor: Veileder, channel: int) -> None:
        """Phase ``contacts``: a contact from the advisor raises follow-up intensity."""
        self._emit(w, PH_CONTACTS, EV_CONTACT, channel, advisor.advisor_id)
        self.contacted = True
        self.pending = False
        self.last_contact = w
        if channel in (CH_SCHEDULED, CH_UNSCHEDULED):
            self.last_meeting = w
        self.intensity += self.engine.params.intensity_weight[channel]

    def maybe_write_message(self, w: int) -> None:
        """Phase ``contacts`` (end): a dialogue user with an advisor may write in the activity plan."""
        if self.status_code != S_FOLLOW_UP or self.veileder is None or not self.dialogue_user:
            return
        P = self.engine.params
        if self._u(U_USER_MESSAGE, w) < P.user_message[self.innsatsgruppe_code]:
            self._emit(w, PH_CONTACTS, EV_CONTACT, CH_ACTIVITY_PLAN, -1)
            self.last_contact = w
            self.intensity += P.user_message_weight

    def transition_week(self, w: int) -> None:
        """Phase ``transitions``: reassessment, benefits, treatment, IPS, tiltak referral and
        end, job search, labour attachment, and exits (in that order)."""
        if self.status_code != S_FOLLOW_UP:
            return
        P = self.engine.params
        levers = self.engine.levers
        ph = PH_TRANSITIONS
        need = self.true_need_code
        g = self.innsatsgruppe_code
        x = self.intensity
        # 1. reassessment (§14a) as information arrives
        u = self._u(U_REASSESSMENT, w)
        if g < need:
            if u < rules.with_follow_up(P.reassess_up, P.effect_discovery, x):
                g += 1
                self.innsatsgruppe_code = g
                self._emit(w, ph, EV_REASSESSMENT, g)
        elif g > need and u < P.reassess_down:
            g -= 1
            self.innsatsgruppe_code = g
            self._emit(w, ph, EV_REASSESSMENT, g)
        health = self.mental_health or self.other_health
        # 2. benefits, and uføretrygd from AAP or varig tilpasset
        b = self.benefit_code
        if b == B_DAGPENGER and w - self.benefit_since >= P.dagpenger_max_weeks:
            after = self._u(U_DAGPENGER_END, w) < P.sosialhjelp_after_dagpenger
            self._set_benefit(w, B_SOSIALHJELP if after else B_NONE)
        elif b == B_AAP:
            if self._u(U_AAP_END, w) < P.aap_end:
                self._set_benefit(w, B_NONE)
        elif rules.aap_eligible(g, health, b) and self._u(U_AAP, w) < P.aap_start:
            self._set_benefit(w, B_AAP)
        h = 0.0
        if self.benefit_code == B_AAP:
            h += P.ufore_from_aap * levers.ufore_from_aap_mult
        if g == VARIG_TILPASSET:
            h += P.ufore_from_varig
        if h > 0.0 and self._u(U_UFORE, w) < h:
            self.end_spell(w, ph, S_UFORE)
            return
        # 3. medical treatment: referral, waiting, treatment
        t = self.treatment_code
        if t == Q_NONE:
            if health:
                ref = P.treatment_referral_mental[g] if self.mental_health else P.treatment_referral_other[g]
                if self._u(U_TREATMENT_REFERRAL, w) < ref:
                    self.treatment_code = Q_WAITING
                    self._emit(w, ph, EV_TREATMENT, Q_WAITING)
        elif t == Q_WAITING:
            if self._u(U_TREATMENT_START, w) < 1.0 / (P.treatment_wait_mean * levers.treatment_wait_mult):
                self.treatment_code = Q_IN
                self._emit(w, ph, EV_TREATMENT, Q_IN)
        elif self._u(U_TREATMENT_END, w) < P.treatment_end:
            self.treatment_code = Q_NONE
            self._emit(w, ph, EV_TREATMENT, Q_NONE)
            if self.ips_code == Q_IN:
                self._emit(w, ph, EV_IPS, 0)
            self.ips_code = Q_NONE
        # 4. IPS: job specialist in the treatment team, on the clinician's referral
        if self.ips_code == Q_NONE:
            if (self.treatment_code == Q_IN and self.mental_health
                    and self._u(U_IPS_REFERRAL, w) < P.ips_referral):
                self.ips_code = Q_WAITING
                self.ips_since = w
        elif self.ips_code == Q_IN and self._u(U_IPS_END, w) < P.ips_end:
            self.ips_code = Q_NONE
            self._emit(w, ph, EV_IPS, 0)
        # 5. tiltak: referral to the waiting list, or the end of a spell
        if self.tiltak_code == Q_NONE:
            h = rules.tiltak_referral_hazard(
                P.tiltak_referral[g], self.treatment_code, self.labour_attachment_code, self.benefit_code,
                w - self.reg_week, levers.concurrent, x, P.tiltak_mults, P.tiltak_early_weeks,
                P.effect_tiltak)
            if self._u(U_TILTAK_REFERRAL, w) < h:
                self.tiltak_code = Q_WAITING
                self.tiltak_since = w
                self._emit(w, ph, EV_TILTAK, Q_WAITING)
        elif self.tiltak_code == Q_IN and self._u(U_TILTAK_END, w) < P.tiltak_end[g]:
            self.tiltak_code = Q_NONE
            self._emit(w, ph, EV_TILTAK, Q_NONE)
            if self.benefit_code == B_TILTAKSPENGER:
                self._set_benefit(w, B_NONE)
        # 6. job search
        u = self._u(U_JOB_SEARCH, w)
        if self.job_search == 0:
            if u < rules.with_follow_up(P.job_search_start[g], P.effect_job_search, x):
                self.job_search = 1
                self._emit(w, ph, EV_JOB_SEARCH, 1)
        elif u < P.job_search_stop[g]:
            self.job_search = 0
            self._emit(w, ph, EV_JOB_SEARCH, 0)
        # 7. labour attachment
        u = self._u(U_LABOUR, w)
        la = self.labour_attachment_code
        if la == LA_LAID_OFF:
            if u < P.laid_off_end:
                self._set_labour(w, LA_NONE)
        elif la == LA_NONE:
            if u < P.partly_working_start[g]:
                self._set_labour(w, LA_PARTLY_WORKING)
        elif u < P.partly_working_end:
            self._set_labour(w, LA_NONE)
        # 8. exits: work, education (some both), or leaving Nav with neither
        hw, he, ho = rules.exit_hazards(
            P.exit_work[g], P.exit_education[g], P.exit_outside[g], self.tiltak_code, self.treatment_code,
            self.ips_code, self.labour_attachment_code, self.benefit_code, self.education_code,
            self.mental_health, x, self.engine.labour_market, P.exit_mults, P.exit_effects)
        u = self._u(U_EXIT, w)
        if u < hw + he + ho:
            if u < hw * P.exit_both_share:
                new = S_WORK_AND_EDUCATION
            elif u < hw:
                new = S_WORK
            elif u < hw + he:
                new = S_EDUCATION
            else:
                new = S_OUTSIDE
            self.end_spell(w, ph, new)

    def _set_benefit(self, w: int, benefit: int) -> None:
        self.benefit_code = benefit
        self.benefit_since = w
        self._emit(w, PH_TRANSITIONS, EV_BENEFIT, benefit)

    def _set_labour(self, w: int, labour: int) -> None:
        self.labour_attachment_code = labour
        self._emit(w, PH_TRANSITIONS, EV_LABOUR_ATTACHMENT, labour)

    def offered_tiltak_place(self, w: int) -> bool:
        """Phase ``tiltak_places``: a free place is offered; returns whether the youth took it
        (a no-show loses the place and leaves the waiting list)."""
        if self._u(U_TILTAK_NO_SHOW, w) < self.engine.params.tiltak_no_show:
            self.tiltak_code = Q_NONE
            self._emit(w, PH_TILTAK, EV_TILTAK, Q_NONE, 1)
            return False
        self.tiltak_code = Q_IN
        self.tiltak_since = w
        self._emit(w, PH_TILTAK, EV_TILTAK, Q_IN)
        if self.benefit_code == B_NONE or self.benefit_code == B_SOSIALHJELP:
            self.benefit_code = B_TILTAKSPENGER
            self.benefit_since = w
            self._emit(w, PH_TILTAK, EV_BENEFIT, B_TILTAKSPENGER)
        return True

    def offered_ips_place(self, w: int) -> None:
        """Phase ``ips_places``: a referred youth gets a job specialist."""
        self.ips_code = Q_IN
        self._emit(w, PH_IPS, EV_IPS, 1)

