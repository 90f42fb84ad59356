"""From a validated scenario to what the engines read: flat parameters and a weekly timeline.

Both engines take the same two immutable records: :class:`Params` (behaviour: per-group
hazards as small float64 arrays indexed by innsatsgruppe code, the rules' packed weights as
tuples, scalars as floats) and :class:`Timeline` (every input series and policy lever
resolved to one value per week, so "from 2025-01-01" is just a change in an array). Named
tuples of scalars, tuples and arrays are what numba kernels accept directly, and they read
naturally in Python.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

import numpy as np

from sim.calendar import Calendar
from sim.codes import INNSATSGRUPPE, ROLE, STATUS, TILTAK_TYPE
from sim.offices import n_offices, office_layout
from sim.scenario.schema import Scenario

#: The words of ``policy.portfolio_cap``'s keys, in the order of their codes in ``Params``.
CAP_MODES = ("hard", "overflow", "hire")
CAP_COUNTS = ("all", "young", "target_group")
CAP_OVER = ("advisor", "office", "national")
#: Order of the packed weights the rules read (``sim.rules``). They are tuples, not arrays:
#: the rules take them as arguments once per youth a week, and a tuple is a plain value in
#: compiled code, while passing an array costs two atomic reference-count updates a call
#: (with the other such calls in the weekly loops, a sixth of the numba engine's time).
PRIORITY = ("new_user", "in_tiltak", "in_treatment", "per_week_waiting", "garanti_boost", "early_spell")
TILTAK_MULTS = ("treatment", "partly_working", "laid_off", "dagpenger", "early", "after_tiltak")
EXIT_MULTS = ("in_treatment", "mental_health", "compulsory", "higher", "aap", "partly_working")
EXIT_EFFECTS = ("contact_work", "contact_education", "ips_work", "laid_off_recall")


class Params(NamedTuple):
    """Behavioural parameters, in the units the kernels use (weekly hazards, shares)."""

    seed: int
    # population
    entry_age_cdf: np.ndarray  # [need, age 16..29] cumulative weights
    need_cdf: np.ndarray  # [week, group]: entrants' cumulative need mix by entry week
    female_share: np.ndarray
    education_cdf: np.ndarray  # [need, education]
    birth_region_cdf: np.ndarray
    children_share: np.ndarray
    mental_health_share: np.ndarray
    other_health_share: np.ndarray
    partly_working_share: np.ndarray
    dagpenger_share: np.ndarray
    sosialhjelp_share: np.ndarray
    dialogue_user_share: np.ndarray
    n_offices: int
    office_cdf: np.ndarray  # cumulative share of the youths by office (sim.offices)
    office_county: np.ndarray  # int8 county code of each office
    # assessment
    under_assessment: np.ndarray
    over_assessment: np.ndarray
    reassess_up: float
    reassess_down: float
    # advisors
    youth_advisor_share: float
    churn: float
    contact_person_target_group: bool  # the contact-person lever covers only the target group
    # contacts
    budget_const: np.ndarray  # per channel
    budget_per_user: np.ndarray
    municipal_shift: np.ndarray  # per channel, for municipal (kommune) advisors
    youth_time_weight: float
    priority: tuple[float, ...]  # PRIORITY order
    priority_group: np.ndarray
    early_spell_weeks: int  # a spell this young gets priority_early_spell
    user_message: np.ndarray
    dialogue_pause: float
    dialogue_resume: float
    intensity_weight: np.ndarray  # per channel
    user_message_weight: float
    intensity_retention: float
    # the mechanism
    effect_tiltak: float
    effect_discovery: float
    effect_job_search: float
    # tiltak
    tiltak_referral: np.ndarray
    tiltak_mults: tuple[float, ...]  # TILTAK_MULTS order
    tiltak_early_weeks: int
    tiltak_end: np.ndarray  # [innsatsgruppe, kind]: weekly end hazard = 1 / mean duration
    tiltak_no_show: float
    tiltak_suits: np.ndarray  # [innsatsgruppe, kind]: referral weight before the places' mix
    tiltak_lock_in: tuple[float, ...]  # by kind (codes.TILTAK_TYPE): exit hazards while in
    tiltak_post_work: tuple[float, ...]  # by kind: work hazard after the tiltak, times this
    tiltak_post_education: tuple[float, ...]  # by kind: education hazard after, times this
    tiltak_post_weeks: int
    tiltak_tiltakspenger: tuple[bool, ...]  # by kind: can give the right to tiltakspenger
    # treatment
    treatment_referral_mental: np.ndarray
    treatment_referral_other: np.ndarray
    treatment_wait_mean: float
    treatment_end: float
    # job search and labour
    job_search_start: np.ndarray
    job_search_stop: np.ndarray
    laid_off_end: float
    partly_working_start: np.ndarray
    partly_working_end: float
    # IPS
    ips_referral: float
    ips_end: float
    # benefits
    aap_start: float
    aap_end: float
    ufore_from_aap: float
    ufore_from_varig: float
    dagpenger_max_weeks: int
    sosialhjelp_after_dagpenger: float
    dagpenger_ordinary_earnings: np.ndarray  # by age band at entry (codes.AGE_BAND)
    dagpenger_long_period_share: float
    dagpenger_short_weeks: int
    tiltakspenger_right_share: np.ndarray  # by innsatsgruppe
    sosialhjelp_in_tiltak: float
    kvp_start: np.ndarray  # by innsatsgruppe; zero without the kvalifiseringsprogram
    kvp_end: float
    # exits and returns
    exit_work: np.ndarray
    exit_education: np.ndarray
    exit_both_share: float
    exit_outside: np.ndarray
    exit_mults: tuple[float, ...]  # EXIT_MULTS order
    exit_early_weeks: int
    exit_early_mult: np.ndarray  # by innsatsgruppe: exit hazards in a spell's first weeks, times this
    exit_effects: tuple[float, ...]  # EXIT_EFFECTS order
    unemployment_reference: float
    unemployment_elasticity: float
    # ungdomsgaranti
    garanti_churn_mult: float
    garanti_youth_advisor_share: float
    # portfolio cap: codes of CAP_MODES, CAP_COUNTS, CAP_OVER; whether advisors above a
    # ceiling hand over youths (on_start: move); the cap itself is in the timeline
    cap_mode: int
    cap_counts: int
    cap_over: int
    cap_move: bool


class Timeline(NamedTuple):
    """One value per simulated week for every series and lever."""

    year: np.ndarray  # int16
    inflow: np.ndarray  # int32 new registrations (regular)
    layoff_inflow: np.ndarray  # int32 new laid-off registrations
    ufore_direct: np.ndarray  # int32 direct uføre entrants at 18
    tiltak_capacity: np.ndarray  # int32 places
    tiltak_mix: np.ndarray  # float64 [week, kind]: each kind's share of the places
    tiltak_type_capacity: np.ndarray  # int32 [week, kind]: places by kind, summing to tiltak_capacity
    ips_capacity: np.ndarray  # int32 places
    unemployment: np.ndarray  # float64 percent
    ufore_from_aap_mult: np.ndarray  # float64: AAP rules' effect on moving to uføretrygd
    older_index: np.ndarray  # float64: older-user advisors' older load, times this
    cap_youth: np.ndarray  # int32; 0 = no cap this week
    garanti: np.ndarray  # bool: ungdomsgaranti in force
    garanti_fixed_contact: np.ndarray  # bool: ... and its fixed contact person (fewer changes)
    garanti_youth_advisors: np.ndarray  # bool: ... and its placement with youth advisors
    garanti_priority: np.ndarray  # bool: ... and its priority for meetings
    youth_advisors: np.ndarray  # int32 active ordinary youth advisors
    both_advisors: np.ndarray  # int32 active both-age advisors
    treatment_wait_mult: np.ndarray  # float64
    concurrent: np.ndarray  # bool: treatment and work activity concurrently
    digital_to_meeting: np.ndarray  # float64 share of digital time turned into meetings
    meeting_cost: np.ndarray  # float64 digital contacts per meeting
    under_assessment_mult: np.ndarray  # float64: first §14a one group too low, times this
    over_assessment_mult: np.ndarray  # float64: first §14a one group too high, times this
    reassess_up_mult: np.ndarray  # float64: weekly chance a group too low is raised, times this
    contact_churn_mult: np.ndarray  # float64: weekly chance of an advisor change, times this
    dagpenger_pandemic: np.ndarray  # bool: the pandemic's dagpenger rules (lower requirement, no end)
    tiltakspenger_cut: np.ndarray  # bool: the cut tiltakspenger rate in force
    return_hazard: np.ndarray  # float64 [week, status code, need]: weekly chance of coming back


class Sizes(NamedTuple):
    """Table sizes, known before the run so every array is allocated once."""

    n_youths: int
    n_advisors: int  # all slots, including staffing increases and hire slots
    n_weeks: int
    first_week: int
    advisors_by_role: tuple[int, int, int]  # base counts (youth, older, both)


def _series(series: dict[int, float], years: np.ndarray) -> np.ndarray:
    """Yearly values for ``years``: linear between given years, flat outside them."""
    known = np.array(sorted(series), dtype=np.float64)
    values = np.array([series[int(y)] for y in known], dtype=np.float64)
    return np.interp(years.astype(np.float64), known, values)


def _midyear_years(calendar: Calendar) -> np.ndarray:
    """Each week's middle as a fractional year shifted by half a year, so that
    :func:`_series` of yearly averages places each year's value at its middle and runs
    linear between: a jump in the yearly average (2020) is not in force from 1 January."""
    middles = [calendar.date_of(w) + dt.timedelta(days=3) for w in range(calendar.n_weeks)]
    return np.array([d.year + (d.timetuple().tm_yday - 0.5) / 365.25 - 0.5 for d in middles])


def _cycle(scenario: Scenario, unemployment: np.ndarray) -> np.ndarray:
    """The business cycle's factor on registrations ``[week, need]``: (unemployment /
    ``exits.unemployment_reference``) to each group's ``population.cycle_elasticity``."""
    p = scenario.parameters
    elasticity = np.asarray(p.population.cycle_elasticity.as_list(), dtype=np.float64)
    relative = unemployment / p.exits.unemployment_reference
    return relative[:, None] ** elasticity[None, :]


def _need_mix(scenario: Scenario, years: np.ndarray, cycle: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Entrants' need by week (``cycle``: :func:`_cycle` of the weekly unemployment): the
    cumulative mix ``[week, group]`` and the factor on the regular inflow.

    Each group's weight is its need share times the business cycle, (unemployment /
    reference) to the group's elasticity, times the drift of the need mix. The cycle moves
    the inflow and the mix (more jobseekers with standard needs when jobs are scarce); the
    drift moves the mix only.
    """
    pop = scenario.parameters.population
    shares = np.asarray(pop.need_shares.as_list(), dtype=np.float64)
    d = pop.need_drift
    span = np.clip(years.astype(np.float64), d.from_year, d.to_year) - d.from_year
    drift = np.exp(span[:, None] * np.asarray(d.per_year.as_list(), dtype=np.float64)[None, :])
    weights = shares[None, :] * cycle * drift
    cdf = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    factor = (shares[None, :] * cycle).sum(axis=1) / shares.sum()
    return cdf, factor


def _return_hazard(scenario: Scenario, cycle: np.ndarray) -> np.ndarray:
    """Weekly chance of coming back to Nav ``[week, status left, need]`` (0 for statuses
    nobody returns from): ``returns.weekly``, and for the statuses in
    ``returns.follow_cycle`` times (unemployment / reference) to the need's
    ``population.cycle_elasticity``: ``cycle``, the factor registrations follow
    (:func:`_cycle`); all times ``returns.need_mult`` of the need."""
    r = scenario.parameters.returns
    need_mult = np.asarray(r.need_mult.as_list(), dtype=np.float64)
    hazard = np.zeros((cycle.shape[0], len(STATUS), cycle.shape[1]), dtype=np.float64)
    for name, value in r.weekly.items():
        hazard[:, STATUS.index(name), :] = value * need_mult * (cycle if name in r.follow_cycle else 1.0)
    return np.minimum(hazard, 1.0)


def _monthly(yearly: np.ndarray, months: dict[str, float], years: np.ndarray,
             month: np.ndarray) -> np.ndarray:
    """The weekly series ``yearly`` with the months given in ``months`` ('YYYY-MM') in force
    in their weeks instead (``years`` and ``month``: each week's calendar year and month)."""
    out = yearly.copy()
    for label, value in months.items():
        y, m = (int(part) for part in label.split("-"))
        out[(years == y) & (month == m)] = value
    return out


def _layoff_profile(weights: list[float] | dict[int, list[float]], years: np.ndarray,
                    month: np.ndarray) -> np.ndarray:
    """Each week's share of its year's lay-offs relative to an even spread (mean 1 over the
    months): one month profile for all years, or one per year, even in a year not listed."""
    by_year = weights if isinstance(weights, dict) else {int(y): weights for y in np.unique(years)}
    profile = np.ones(len(years), dtype=np.float64)
    for year, row in by_year.items():
        w = np.asarray(row, dtype=np.float64)
        here = years == year
        profile[here] = w[month[here] - 1] / w.mean()
    return profile


def _tiltak_mix(scenario: Scenario, lever_on: np.ndarray) -> np.ndarray:
    """Each kind's share of the tiltak places by week: the parameters' mix, or the
    ``tiltak.mix`` lever's from its start."""
    today = np.array([scenario.parameters.tiltak.types[k].place_share for k in TILTAK_TYPE])
    mix = np.tile(today, (len(lever_on), 1))
    lever = scenario.tiltak.mix
    if lever is not None:
        mix[lever_on] = [lever[k] for k in TILTAK_TYPE]
    return mix.astype(np.float64)


def _split_places(total: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """Whole places by kind that sum to ``total`` each week: the cumulative shares are
    rounded, so no place is lost or made by rounding each kind on its own."""
    cumulative = np.round(np.cumsum(mix, axis=1) * total[:, None])
    cumulative[:, -1] = total
    return np.diff(cumulative, axis=1, prepend=0.0).astype(np.int32)


def _from(start, calendar: Calendar) -> int:
    """First week at or after ``start`` (week 0 when start is None)."""
    return 0 if start is None else calendar.first_week_from(start)


def _per_week_counts(yearly: np.ndarray, scale: float) -> np.ndarray:
    """Spread yearly national volumes over weeks, scaled, as whole numbers without randomness.

    Entries are deterministic (the cumulative sum is floored), so every scenario with the
    same inputs has the same youths with the same ids: the base of common random numbers.
    """
    cumulative = np.floor(np.cumsum(yearly * scale / 52.0) + 1e-9)
    return np.diff(np.concatenate(([0.0], cumulative))).astype(np.int32)


def _cdf(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    total = w.sum()
    if not total > 0:
        raise ValueError("weights must not all be zero")
    cdf = np.cumsum(w / total)
    cdf[-1] = 1.0
    return cdf


def build(scenario: Scenario, seed: int) -> tuple[Params, Timeline, Sizes, Calendar]:
    """Resolve ``scenario`` for one replication with ``seed``."""
    p = scenario.parameters
    calendar = Calendar.for_period(scenario.period.start, scenario.period.end, p.burn_in_years)
    n_weeks = calendar.n_weeks
    years = calendar.year_of_weeks()
    month = calendar.month_of_weeks()
    scale = scenario.scale
    weeks = np.arange(n_weeks)
    inputs = scenario.inputs

    # Exits read the year's average, or a month's where one is given; registrations follow
    # the cycle week by week.
    unemployment = _monthly(_series(inputs.unemployment_rate, years), inputs.unemployment_monthly,
                            years, month)
    weekly_unemployment = _series(inputs.unemployment_rate, _midyear_years(calendar))
    cycle = _cycle(scenario, weekly_unemployment)
    need_cdf, cycle_factor = _need_mix(scenario, years, cycle)
    inflow = _per_week_counts(_series(inputs.inflow_per_year, years) * cycle_factor, scale)
    layoff = _per_week_counts(_series(inputs.layoff_inflow_per_year, years)
                              * _layoff_profile(inputs.layoff_month_weights, years, month), scale)
    ufore = _per_week_counts(_series(inputs.ufore_direct_per_year, years), scale)

    tiltak_from = _from(scenario.tiltak.start, calendar)
    tiltak_mult = np.where(weeks >= tiltak_from, scenario.tiltak.places_multiplier, 1.0)
    tiltak_capacity = np.round(_series(inputs.tiltak_places_per_year, years) * scale * tiltak_mult)
    tiltak_mix = _tiltak_mix(scenario, weeks >= tiltak_from)
    tiltak_type_capacity = _split_places(tiltak_capacity, tiltak_mix)
    ips_from = _from(scenario.ips.start, calendar)
    ips_mult = np.where(weeks >= ips_from, scenario.ips.capacity_multiplier, 1.0)
    ips_capacity = np.round(_series(inputs.ips_places_per_year, years) * scale * ips_mult)

    cap = scenario.policy.portfolio_cap
    cap_youth = np.zeros(n_weeks, dtype=np.int32)
    if cap.youth is not None:
        cap_youth[weeks >= _from(cap.start, calendar)] = cap.youth

    g = scenario.ungdomsgaranti
    garanti = (weeks >= _from(g.start, calendar)) & g.enabled
    parts = g.parts

    adv = p.advisors
    base = [max(1, int(round(getattr(adv.national, r) * scale))) for r in ROLE]
    staffing = scenario.staffing
    youth_mult = np.where(weeks >= _from(staffing.youth_advisors.start, calendar),
                          staffing.youth_advisors.multiplier, 1.0)
    both_mult = np.where(weeks >= _from(staffing.both_advisors.start, calendar),
                         staffing.both_advisors.multiplier, 1.0)
    youth_active = np.maximum(1, np.round(base[0] * youth_mult)).astype(np.int32)
    both_active = np.maximum(1, np.round(base[2] * both_mult)).astype(np.int32)

    health = scenario.health
    health_from = _from(health.start, calendar)
    wait_mult = np.where(weeks >= health_from, health.treatment_wait_multiplier, 1.0)
    concurrent = (weeks >= health_from) & health.concurrent_treatment_and_work
    contacts = scenario.contacts
    contacts_from = _from(contacts.start, calendar)
    d2m = np.where(weeks >= contacts_from, contacts.digital_to_meeting_share, 0.0)
    meeting_cost = np.full(n_weeks, contacts.meeting_cost_in_messages)
    assessment = scenario.assessment
    assessment_on = weeks >= _from(assessment.start, calendar)
    under_mult = np.where(assessment_on, assessment.under_assessment_multiplier, 1.0)
    over_mult = np.where(assessment_on, assessment.over_assessment_multiplier, 1.0)
    speed_mult = np.where(assessment_on, assessment.speed_multiplier, 1.0)
    contact = scenario.contact_person
    churn_mult = np.where(weeks >= _from(contact.start, calendar), contact.churn_multiplier, 1.0)
    benefits = p.benefits
    pandemic = benefits.dagpenger_pandemic_rules
    dagpenger_pandemic = (weeks >= _from(pandemic.start, calendar)) & (weeks < _from(pandemic.end, calendar))
    tiltakspenger_cut = weeks >= _from(benefits.tiltakspenger_rate_cut, calendar)

    timeline = Timeline(
        year=years,
        inflow=inflow,
        layoff_inflow=layoff,
        ufore_direct=ufore,
        tiltak_capacity=tiltak_capacity.astype(np.int32),
        tiltak_mix=tiltak_mix,
        tiltak_type_capacity=tiltak_type_capacity,
        ips_capacity=ips_capacity.astype(np.int32),
        unemployment=unemployment,
        ufore_from_aap_mult=_series(inputs.aap_to_ufore_multiplier, years),
        older_index=_series(inputs.older_load_index, years),
        cap_youth=cap_youth,
        garanti=garanti.astype(np.bool_),
        garanti_fixed_contact=(garanti & parts.fixed_contact_person).astype(np.bool_),
        garanti_youth_advisors=(garanti & parts.youth_advisors).astype(np.bool_),
        garanti_priority=(garanti & parts.priority).astype(np.bool_),
        youth_advisors=youth_active,
        both_advisors=both_active,
        treatment_wait_mult=wait_mult.astype(np.float64),
        concurrent=concurrent.astype(np.bool_),
        digital_to_meeting=d2m.astype(np.float64),
        meeting_cost=meeting_cost.astype(np.float64),
        under_assessment_mult=under_mult.astype(np.float64),
        over_assessment_mult=over_mult.astype(np.float64),
        reassess_up_mult=speed_mult.astype(np.float64),
        contact_churn_mult=churn_mult.astype(np.float64),
        dagpenger_pandemic=dagpenger_pandemic.astype(np.bool_),
        tiltakspenger_cut=tiltakspenger_cut.astype(np.bool_),
        return_hazard=_return_hazard(scenario, cycle),
    )

    n_youths = int(inflow.sum() + layoff.sum() + ufore.sum())
    youth_slots = int(youth_active.max())
    both_slots = int(both_active.max())
    # Offices no more than the advisors who take youths in the week with fewest of them.
    offices = n_offices(scenario, takers=int(youth_active.min() + both_active.min()))
    layout = office_layout(scenario, seed, offices)
    hire_slots = 0
    if cap.youth is not None and cap.mode == "hire":
        # Enough hire slots for every youth who could ever be in follow-up at once, and one
        # more in each office.
        hire_slots = int(math.ceil(n_youths / cap.youth)) + offices
    n_advisors = youth_slots + base[1] + both_slots + hire_slots

    pop = p.population
    a = p.assessment
    c = p.contacts
    eff = p.contact_effect
    t = p.tiltak
    tr = p.treatment
    lab = p.labour
    b = p.benefits
    ex = p.exits
    gp = p.ungdomsgaranti

    def arr(x) -> np.ndarray:
        return np.asarray(x.as_list(), dtype=np.float64)

    def weights(*values: float) -> tuple[float, ...]:
        return tuple(float(v) for v in values)

    def kind(field: str) -> np.ndarray:
        """One number per kind of tiltak (codes.TILTAK_TYPE order)."""
        return np.array([getattr(t.types[k], field) for k in TILTAK_TYPE], dtype=np.float64)

    params = Params(
        seed=int(seed),
        entry_age_cdf=np.array([_cdf(row) for row in pop.entry_age_weights.as_matrix()]),
        need_cdf=need_cdf,
        female_share=arr(pop.female_share),
        education_cdf=np.array([_cdf(row) for row in pop.education.as_matrix()]),
        birth_region_cdf=_cdf(pop.birth_region.as_list()),
        children_share=arr(pop.children_share),
        mental_health_share=arr(pop.mental_health_share),
        other_health_share=arr(pop.other_health_share),
        partly_working_share=arr(pop.partly_working_share),
        dagpenger_share=arr(pop.dagpenger_share),
        sosialhjelp_share=arr(pop.sosialhjelp_share),
        dialogue_user_share=arr(pop.dialogue_user_share),
        n_offices=offices,
        office_cdf=_cdf(list(layout.share)),
        office_county=layout.county,
        under_assessment=arr(a.under_assessment),
        over_assessment=arr(a.over_assessment),
        reassess_up=a.reassess_up_weekly,
        reassess_down=a.reassess_down_weekly,
        youth_advisor_share=adv.youth_advisor_share,
        churn=adv.churn_weekly,
        contact_person_target_group=contact.applies_to == "target_group",
        budget_const=arr(c.budget_const),
        budget_per_user=arr(c.budget_per_user),
        municipal_shift=arr(c.municipal_shift),
        youth_time_weight=c.youth_time_weight,
        priority=weights(c.priority_new_user, c.priority_in_tiltak, c.priority_in_treatment,
                         c.priority_per_week_waiting, gp.priority_boost, c.priority_early_spell),
        priority_group=arr(c.priority_group),
        early_spell_weeks=int(c.early_spell_weeks),
        user_message=arr(c.user_message_weekly),
        dialogue_pause=c.dialogue_pause_weekly,
        dialogue_resume=c.dialogue_resume_weekly,
        intensity_weight=arr(c.intensity_weight),
        user_message_weight=c.user_message_weight,
        intensity_retention=c.intensity_retention,
        effect_tiltak=eff.tiltak,
        effect_discovery=eff.discovery,
        effect_job_search=eff.job_search,
        tiltak_referral=arr(t.referral_weekly),
        tiltak_mults=weights(t.mult_treatment, t.mult_partly_working, t.mult_laid_off,
                             t.mult_dagpenger, t.mult_early, t.mult_after_tiltak),
        tiltak_early_weeks=int(t.early_weeks),
        tiltak_end=1.0 / np.maximum(np.outer(arr(t.mean_duration_weeks), kind("duration_mult")), 1.0),
        tiltak_no_show=t.no_show_share,
        tiltak_suits=np.array([t.types[k].suits.as_list() for k in TILTAK_TYPE], dtype=np.float64).T.copy(),
        tiltak_lock_in=weights(*kind("lock_in")),
        tiltak_post_work=weights(*kind("post_work")),
        tiltak_post_education=weights(*kind("post_education")),
        tiltak_post_weeks=int(t.post_weeks),
        tiltak_tiltakspenger=tuple(bool(t.types[k].tiltakspenger) for k in TILTAK_TYPE),
        treatment_referral_mental=arr(tr.referral_weekly_mental),
        treatment_referral_other=arr(tr.referral_weekly_other),
        treatment_wait_mean=tr.wait_mean_weeks,
        treatment_end=1.0 / max(tr.mean_duration_weeks, 1.0),
        job_search_start=arr(p.job_search.start_weekly),
        job_search_stop=arr(p.job_search.stop_weekly),
        laid_off_end=lab.laid_off_end_weekly,
        partly_working_start=arr(lab.partly_working_start_weekly),
        partly_working_end=lab.partly_working_end_weekly,
        ips_referral=p.ips.referral_weekly,
        ips_end=1.0 / max(p.ips.mean_duration_weeks, 1.0),
        aap_start=b.aap_weekly,
        aap_end=b.aap_end_weekly,
        ufore_from_aap=b.ufore_from_aap_weekly,
        ufore_from_varig=b.ufore_from_varig_weekly,
        dagpenger_max_weeks=int(b.dagpenger_max_weeks),
        sosialhjelp_after_dagpenger=b.sosialhjelp_after_dagpenger,
        dagpenger_ordinary_earnings=np.asarray(b.dagpenger_ordinary_earnings, dtype=np.float64),
        dagpenger_long_period_share=b.dagpenger_long_period_share,
        dagpenger_short_weeks=int(b.dagpenger_short_weeks),
        tiltakspenger_right_share=arr(b.tiltakspenger_right_share),
        sosialhjelp_in_tiltak=b.sosialhjelp_in_tiltak,
        kvp_start=arr(b.kvp.start_weekly) if b.kvp else np.zeros(len(INNSATSGRUPPE)),
        kvp_end=1.0 / max(b.kvp.mean_duration_weeks, 1.0) if b.kvp else 0.0,
        exit_work=arr(ex.work_weekly),
        exit_education=arr(ex.education_weekly),
        exit_both_share=ex.both_share,
        exit_outside=arr(ex.outside_weekly),
        exit_mults=weights(ex.mult_in_treatment, ex.mult_mental_health,
                           ex.mult_compulsory, ex.mult_higher, ex.mult_aap, ex.mult_partly_working),
        exit_early_weeks=int(ex.early_weeks),
        exit_early_mult=arr(ex.early_mult),
        exit_effects=weights(eff.work, eff.education, p.ips.work_mult, lab.laid_off_recall_weekly),
        unemployment_reference=ex.unemployment_reference,
        unemployment_elasticity=ex.unemployment_elasticity,
        garanti_churn_mult=gp.churn_mult,
        garanti_youth_advisor_share=gp.youth_advisor_share,
        cap_mode=CAP_MODES.index(cap.mode),
        cap_counts=CAP_COUNTS.index(cap.counts),
        cap_over=CAP_OVER.index(cap.over),
        cap_move=cap.on_start == "move",
    )
    sizes = Sizes(
        n_youths=n_youths,
        n_advisors=n_advisors,
        n_weeks=n_weeks,
        first_week=calendar.first_week,
        advisors_by_role=(base[0], base[1], base[2]),
    )
    return params, timeline, sizes, calendar
