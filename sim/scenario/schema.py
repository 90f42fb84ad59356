"""The scenario schema: every input a run takes, validated strictly.

A scenario is a YAML file (see ``scenarios/baseline.yaml``). Unknown keys are rejected at
every depth, numbers must be finite, and every behavioural number is *required* here: the
values live in the scenario files with their sources, never as defaults in code. Policy
levers do have defaults, and each default is the neutral value (no cap, multiplier 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic.functional_validators import BeforeValidator

from sim.codes import COUNTY, INNSATSGRUPPE, TILTAK_TYPE
from sim.strict import Strict

#: Largest simulated population share; 1.0 is the national scale (about 100 000 youths in
#: follow-up). The state tables take about 100 bytes a youth, but a full event log takes
#: about 17 bytes an event and some 6 events a youth-week: a 13-year run at scale 1 logs
#: about 1.5 GB, so scales far above national fit only with short periods (benchmarks).
MAX_SCALE = 16.0
#: Longest horizon (period plus burn-in) a run may cover, in years.
MAX_HORIZON_YEARS = 40
#: Bounds on national sizes that catch a typo (a misplaced exponent) before it allocates
#: memory for billions of agents. They are checks, not model inputs: Norway has about 250
#: Nav offices, some 8 000 advisors with portfolios and about 0.9 million people aged 16-29.
MAX_OFFICES = 10_000
MAX_ADVISORS = 1_000_000
MAX_PEOPLE_PER_YEAR = 10_000_000
#: Most replications of one run: beyond this the interval of a mean stops narrowing in any
#: way that matters, and the outputs of every replication are held in memory together.
MAX_REPLICATIONS = 10_000


def _date(value: object) -> object:
    """Accept ISO strings as dates (YAML gives dates, command-line overrides give strings)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value


Date = Annotated[dt.date, BeforeValidator(_date)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0)]  # a count or a multiplier
#: A weekly hazard is the chance of an event in one week: a probability.
Weekly = Annotated[float, Field(ge=0.0, le=1.0)]
PosInt = Annotated[int, Field(ge=1)]


class PerGroup(Strict):
    """One number per innsatsgruppe."""

    standard: float
    situasjonsbestemt: float
    spesielt_tilpasset: float
    varig_tilpasset: float

    def as_list(self) -> list[float]:
        return [self.standard, self.situasjonsbestemt, self.spesielt_tilpasset, self.varig_tilpasset]

    @classmethod
    def ones(cls) -> PerGroup:
        """1 for every group: the default of a multiplier that changes nothing."""
        return cls(standard=1.0, situasjonsbestemt=1.0, spesielt_tilpasset=1.0, varig_tilpasset=1.0)


class SharePerGroup(PerGroup):
    """One share (a fraction in [0, 1]) per innsatsgruppe."""

    standard: Share
    situasjonsbestemt: Share
    spesielt_tilpasset: Share
    varig_tilpasset: Share


class RatePerGroup(PerGroup):
    """One multiplier (a number >= 0) per innsatsgruppe."""

    standard: Rate
    situasjonsbestemt: Rate
    spesielt_tilpasset: Rate
    varig_tilpasset: Rate


class WeeklyPerGroup(PerGroup):
    """One weekly hazard (a probability in [0, 1]) per innsatsgruppe."""

    standard: Weekly
    situasjonsbestemt: Weekly
    spesielt_tilpasset: Weekly
    varig_tilpasset: Weekly


class PerChannel(Strict):
    """One number per contact channel."""

    scheduled_meeting: float
    unscheduled_meeting: float
    activity_plan: float
    email_sms: float

    def as_list(self) -> list[float]:
        return [self.scheduled_meeting, self.unscheduled_meeting, self.activity_plan, self.email_sms]


class PerRole(Strict):
    """One number per advisor role."""

    youth: Annotated[float, Field(ge=0.0, le=MAX_ADVISORS)]
    older: Annotated[float, Field(ge=0.0, le=MAX_ADVISORS)]
    both: Annotated[float, Field(ge=0.0, le=MAX_ADVISORS)]

    def as_list(self) -> list[float]:
        return [self.youth, self.older, self.both]


class PerCounty(Strict):
    """One number per county (fylke, the 2024 division: ``sim.codes.COUNTY``)."""

    oslo: Rate
    rogaland: Rate
    more_og_romsdal: Rate
    nordland: Rate
    ostfold: Rate
    akershus: Rate
    buskerud: Rate
    innlandet: Rate
    vestfold: Rate
    telemark: Rate
    agder: Rate
    vestland: Rate
    trondelag: Rate
    troms: Rate
    finnmark: Rate

    def as_list(self) -> list[float]:
        return [getattr(self, name) for name in COUNTY]


class Education(Strict):
    compulsory: Share
    upper_secondary: Share
    higher: Share
    unknown: Share

    def as_list(self) -> list[float]:
        return [self.compulsory, self.upper_secondary, self.higher, self.unknown]


class EducationPerGroup(Strict):
    standard: Education
    situasjonsbestemt: Education
    spesielt_tilpasset: Education
    varig_tilpasset: Education

    def as_matrix(self) -> list[list[float]]:
        return [g.as_list() for g in (self.standard, self.situasjonsbestemt,
                                      self.spesielt_tilpasset, self.varig_tilpasset)]


class BirthRegion(Strict):
    norway: Share
    western_europe: Share
    eastern_eu: Share
    asia_africa_america: Share
    non_resident: Share

    def as_list(self) -> list[float]:
        return [self.norway, self.western_europe, self.eastern_eu, self.asia_africa_america,
                self.non_resident]


YearSeries = dict[int, Annotated[float, Field(ge=0.0)]]
PopulationByAge = Annotated[list[Annotated[float, Field(ge=0.0)]], Field(min_length=14, max_length=14)]
PeoplePerYear = dict[int, Annotated[float, Field(ge=0.0, le=MAX_PEOPLE_PER_YEAR)]]
Percent = dict[int, Annotated[float, Field(ge=0.0, le=100.0)]]
MonthWeights = Annotated[list[Annotated[float, Field(ge=0.0)]], Field(min_length=12, max_length=12)]


class DateRange(Strict):
    """From ``start`` up to (not including) ``end``."""

    start: Date
    end: Date

    @model_validator(mode="after")
    def _order(self) -> DateRange:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Period(DateRange):
    """The simulated period: a date range of at most ``MAX_HORIZON_YEARS``."""

    @model_validator(mode="after")
    def _horizon(self) -> Period:
        if (self.end - self.start).days > 366 * MAX_HORIZON_YEARS:
            raise ValueError(f"period longer than {MAX_HORIZON_YEARS} years")
        return self


class Inputs(Strict):
    """Yearly national series (16-29-year-olds). A year outside a series takes its nearest year."""

    inflow_per_year: PeoplePerYear = Field(description="first registrations in follow-up per year")
    layoff_inflow_per_year: PeoplePerYear = Field(description="extra laid-off entrants (pandemic)")
    layoff_month_weights: MonthWeights | dict[int, MonthWeights] = Field(
        description="how a year's laid-off entrants spread over its months (Jan..Dec): one "
        "profile for every year, or a profile per year (a year not listed spreads evenly)")
    ufore_direct_per_year: PeoplePerYear = Field(description="direct inflow to uføretrygd at 18")
    tiltak_places_per_year: PeoplePerYear = Field(description="tiltak places held by under-30s")
    ips_places_per_year: PeoplePerYear = Field(description="IPS places for young users")
    unemployment_rate: Percent = Field(description="registered unemployment, percent")
    unemployment_monthly: dict[str, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        default={}, description="registered unemployment, percent, for single months "
        "('YYYY-MM'): in those months the chance of finding work reads it instead of "
        "unemployment_rate's yearly average (a shock within a year, as in 2020)")
    older_load_index: YearSeries = Field(
        description="older-user advisors' older users by year, relative to "
        "parameters.advisors.older_load_mean.older")
    aap_to_ufore_multiplier: YearSeries = Field(
        description="relative rate of moving from AAP to uføretrygd by year (AAP rules, 2018)")
    population_by_age: dict[int, PopulationByAge] | None = Field(
        default=None, description="national population by year, ages 16..29 (14 numbers); "
        "measures population shares, drives nothing")

    @model_validator(mode="after")
    def _non_empty(self) -> Inputs:
        for name in type(self).model_fields:
            if not getattr(self, name) and name not in ("population_by_age", "unemployment_monthly"):
                raise ValueError(f"{name} needs at least one year")
        if self.population_by_age is not None and not self.population_by_age:
            raise ValueError("population_by_age needs at least one year")
        for month in self.unemployment_monthly:
            try:
                dt.date.fromisoformat(f"{month}-01")
            except ValueError:
                raise ValueError(f"unemployment_monthly: {month!r} is not a month (YYYY-MM)") from None
        profiles = self.layoff_month_weights
        for year, weights in (profiles.items() if isinstance(profiles, dict) else [(None, profiles)]):
            if not sum(weights) > 0:
                where = "" if year is None else f" for {year}"
                raise ValueError(f"layoff_month_weights{where} must not all be zero")
        return self


AgeWeights = Annotated[list[Annotated[float, Field(ge=0.0)]], Field(min_length=14, max_length=14)]


class AgesPerGroup(Strict):
    """Weights of entry ages 16..29 (14 numbers) for each true need."""

    standard: AgeWeights
    situasjonsbestemt: AgeWeights
    spesielt_tilpasset: AgeWeights
    varig_tilpasset: AgeWeights

    def as_matrix(self) -> list[list[float]]:
        return [self.standard, self.situasjonsbestemt, self.spesielt_tilpasset, self.varig_tilpasset]

    @model_validator(mode="after")
    def _some_weight(self) -> AgesPerGroup:
        for name in type(self).model_fields:
            if not sum(getattr(self, name)) > 0:
                raise ValueError(f"the weights of {name} must not all be zero (no entry age to draw)")
        return self


class NeedDrift(Strict):
    """Entrants' need mix drifting between two years: each group's weight in the mix changes
    by ``per_year`` (a log change per year) from ``from_year`` to ``to_year`` and stays
    there after. It moves the mix only: the total inflow is not changed by it."""

    per_year: PerGroup = Field(
        default=PerGroup(standard=0.0, situasjonsbestemt=0.0, spesielt_tilpasset=0.0,
                         varig_tilpasset=0.0),
        description="log change per year of each group's weight among entrants")
    from_year: Annotated[int, Field(ge=1900, le=2200)] = 2018
    to_year: Annotated[int, Field(ge=1900, le=2200)] = 2023

    @model_validator(mode="after")
    def _order(self) -> NeedDrift:
        if self.to_year < self.from_year:
            raise ValueError(f"to_year {self.to_year} is before from_year {self.from_year}")
        return self


class Population(Strict):
    """Who enters: the latent need and the attributes the reports show matter."""

    entry_age_weights: AgesPerGroup = Field(description="weights of entry ages 16..29 by need")
    need_shares: SharePerGroup
    female_share: SharePerGroup
    education: EducationPerGroup
    birth_region: BirthRegion
    children_share: SharePerGroup
    mental_health_share: SharePerGroup
    other_health_share: SharePerGroup
    partly_working_share: SharePerGroup
    dagpenger_share: SharePerGroup
    sosialhjelp_share: SharePerGroup
    dialogue_user_share: SharePerGroup = Field(description="youths who use the digital dialogue")
    cycle_elasticity: PerGroup = Field(
        default=PerGroup(standard=0.0, situasjonsbestemt=0.0, spesielt_tilpasset=0.0,
                         varig_tilpasset=0.0),
        description="the business cycle: a group's registrations scale with (unemployment / "
        "exits.unemployment_reference) to this power; 0 leaves the group's inflow as "
        "inputs.inflow_per_year and need_shares give it")
    need_drift: NeedDrift = Field(
        default=NeedDrift(), description="the drift of entrants' need mix over the years")

    @model_validator(mode="after")
    def _some_need(self) -> Population:
        if not sum(self.need_shares.as_list()) > 0:
            raise ValueError("need_shares must not all be zero (no need group to draw)")
        return self


class Assessment(Strict):
    under_assessment: SharePerGroup = Field(description="P(first §14a one group below true need)")
    over_assessment: SharePerGroup = Field(description="P(first §14a one group above true need)")
    reassess_up_weekly: Weekly
    reassess_down_weekly: Weekly


class OlderFlow(Strict):
    """Older users (30+) as a flow (``sim.processes.older_users``): derived after the run
    from each advisor's older load and meeting budget; they change nothing for youths."""

    spell_weeks: Annotated[float, Field(gt=0.0)] = Field(
        description="mean weeks an older user stays in an advisor's portfolio: the load turns "
        "over once in this time")
    first_contact_priority: Annotated[float, Field(ge=0.0)] = Field(
        description="a new older user's claim on the older users' meetings relative to a user "
        "already followed (sets the weekly chance of the first contact)")


class Advisors(Strict):
    offices_national: Annotated[int, Field(ge=1, le=MAX_OFFICES)]
    national: PerRole = Field(description="advisors with portfolios, national")
    kommune_share: Share
    older_load_mean: PerRole = Field(description="older users per advisor (exogenous)")
    capacity_sigma: PerRole = Field(
        description="advisors of a role differ in how many users they carry (part-time, other "
        "duties, experience): a factor with mean 1, lognormal with this sd of its log, that "
        "scales an advisor's older users and the share of new youths they take")
    older_flow: OlderFlow
    youth_advisor_share: Share = Field(description="new youths who go to a youth advisor")
    churn_weekly: Weekly


class Offices(Strict):
    """Nav offices in counties: how many each county has, how large they are, and how an
    office's size and county shape its advisors' portfolios (docs/MODEL.md, "Offices and
    counties"). A run has ``advisors.offices_national`` offices times its scale, but at
    least one in each county where people live, as long as every office can have an
    advisor who takes youths."""

    population: PerCounty = Field(
        description="county population (weights): the share of the youths each county has")
    office_weight: PerCounty = Field(
        description="weights by which the offices are shared among the counties")
    employees_national: Annotated[int, Field(ge=1, le=MAX_ADVISORS)] = Field(
        description="staff at all Nav offices; an office's size is its share of them")
    size_sigma: Annotated[float, Field(ge=0.0, le=3.0)] = Field(
        description="spread of office sizes within a county (sd of the log of the size)")
    portfolio_per_employee: Rate = Field(
        description="users per advisor added by each employee of the office")
    portfolio_reference: Annotated[float, Field(gt=0.0)] = Field(
        description="mean portfolio the per-employee slope is relative to")
    county_portfolio_sd: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        description="spread of portfolios between counties beyond office size (sd of the log)")

    @model_validator(mode="after")
    def _offices_where_people_live(self) -> Offices:
        if not sum(self.population.as_list()) > 0:
            raise ValueError("population must not be zero in every county (no youth to place)")
        empty = [name for name, people, weight in zip(
            COUNTY, self.population.as_list(), self.office_weight.as_list(), strict=True)
            if people > 0 and not weight > 0]
        if empty:
            raise ValueError(f"office_weight is 0 in {', '.join(empty)}, where people live: "
                             "their youths would have no office")
        return self


class Contacts(Strict):
    """Each advisor's weekly contact budget: const + per_user * portfolio (ev_contacts_vs_portfolio)."""

    budget_const: PerChannel
    budget_per_user: PerChannel
    municipal_shift: PerChannel = Field(description="added to the budget of municipal advisors")
    youth_time_weight: Rate = Field(description="time a youth takes relative to an older user")
    priority_new_user: Rate
    priority_in_tiltak: Rate
    priority_in_treatment: Rate
    priority_group: PerGroup
    priority_per_week_waiting: Rate
    priority_early_spell: Rate = Field(
        default=0.0, description="added to the meeting claim of a youth in the first "
        "early_spell_weeks of the follow-up spell (meetings are front-loaded)")
    early_spell_weeks: Annotated[int, Field(ge=0)] = Field(
        default=0, description="how long a spell counts as early for priority_early_spell")
    user_message_weekly: WeeklyPerGroup = Field(description="weekly chance a dialogue user writes")
    dialogue_pause_weekly: Share = Field(
        description="weekly chance a dialogue user's dialogue goes quiet (no messages either way)")
    dialogue_resume_weekly: Share = Field(
        description="weekly chance a quiet dialogue starts again")
    intensity_weight: PerChannel = Field(description="how much a contact adds to follow-up intensity")
    user_message_weight: Rate
    intensity_retention: Share = Field(description="share of intensity kept from week to week")


class ContactEffect(Strict):
    """The mechanism: hazard multiplier = 1 + effect * follow-up intensity."""

    tiltak: Rate
    work: Rate
    education: Rate
    discovery: Rate
    job_search: Rate


TiltakTypeName = Literal["lonnstilskudd", "opplaering", "arbeidstrening", "oppfolging"]
#: Mixes of places must sum to 1 within this (shares are written with a few decimals).
MIX_TOLERANCE = 1e-6


def _check_mix(mix: Mapping[str, float], what: str) -> None:
    """A mix of tiltak places names every kind once and sums to 1."""
    missing = [k for k in TILTAK_TYPE if k not in mix]
    if missing:
        raise ValueError(f"{what} has no share for {', '.join(missing)}")
    total = sum(mix.values())
    if abs(total - 1.0) > MIX_TOLERANCE:
        raise ValueError(f"{what} shares sum to {total:.6g}, not 1")


class TiltakType(Strict):
    """One kind of tiltak: its places, who is sent there, how long it lasts, and what it does."""

    place_share: Share = Field(description="share of the tiltak places that are of this kind")
    suits: SharePerGroup = Field(
        description="how far the kind suits each innsatsgruppe (0: never referred there); a "
        "referral goes to a kind with chance proportional to suits times place_share")
    duration_mult: Rate = Field(description="the group's mean tiltak duration, times this")
    lock_in: Rate = Field(description="exit hazards (work, education) while in the tiltak, times this")
    post_work: Rate = Field(description="work hazard for post_weeks after the tiltak ends, times this")
    post_education: Rate = Field(
        description="education hazard for post_weeks after the tiltak ends, times this")
    tiltakspenger: bool = Field(description="whether the kind can give the right to tiltakspenger "
                                "(a wage subsidy pays a wage instead)")


class Tiltak(Strict):
    referral_weekly: WeeklyPerGroup
    mult_treatment: Rate = Field(description="referral multiplier while in treatment (sequential)")
    mult_partly_working: Rate
    mult_laid_off: Rate
    mult_dagpenger: Rate
    mult_early: Rate = Field(description="referral multiplier in the first months")
    early_weeks: Annotated[int, Field(ge=0)]
    mult_after_tiltak: Rate = Field(
        default=1.0, description="referral multiplier in the post_weeks after a tiltak ended: the "
        "youth first tries what the programme gave (1: referred again as anyone else)")
    mean_duration_weeks: PerGroup
    no_show_share: Share
    types: dict[TiltakTypeName, TiltakType] = Field(description="the kinds of tiltak (codes.TILTAK_TYPE)")
    post_weeks: Annotated[int, Field(ge=0)] = Field(
        description="weeks after a tiltak ends during which its post-programme effect lasts")

    @model_validator(mode="after")
    def _kinds(self) -> Tiltak:
        _check_mix({k: t.place_share for k, t in self.types.items()}, "types' place_share")
        for g, group in enumerate(INNSATSGRUPPE):
            if not any(t.place_share * t.suits.as_list()[g] > 0 for t in self.types.values()):
                raise ValueError(f"no kind of tiltak suits {group} (suits times place_share is 0 for all)")
        return self


class Treatment(Strict):
    referral_weekly_mental: WeeklyPerGroup
    referral_weekly_other: WeeklyPerGroup
    wait_mean_weeks: Annotated[float, Field(gt=0.0)]
    mean_duration_weeks: Annotated[float, Field(gt=0.0)]


class JobSearch(Strict):
    start_weekly: WeeklyPerGroup
    stop_weekly: WeeklyPerGroup


class Labour(Strict):
    laid_off_recall_weekly: Weekly
    laid_off_end_weekly: Weekly
    partly_working_start_weekly: WeeklyPerGroup
    partly_working_end_weekly: Weekly


class Ips(Strict):
    referral_weekly: Weekly
    mean_duration_weeks: Annotated[float, Field(gt=0.0)]
    work_mult: Rate


#: One share per age band at entry (16-19, 20-24, 25-29: ``sim.codes.AGE_BAND``).
SharePerAgeBand = Annotated[list[Share], Field(min_length=3, max_length=3)]


class Kvp(Strict):
    """The municipal kvalifiseringsprogram: a full-time programme for people with much
    reduced work capacity and little or no other income, paid kvalifiseringsstønad in place
    of sosialhjelp (lov om sosiale tjenester i NAV, kap. 5A)."""

    start_weekly: WeeklyPerGroup = Field(
        description="weekly chance that a youth in follow-up on sosialhjelp starts the programme, "
        "by assessed innsatsgruppe (those on the way to AAP do not)")
    mean_duration_weeks: Annotated[float, Field(gt=0.0)] = Field(
        description="mean time in the programme; at its end the youth is back on sosialhjelp")


class Benefits(Strict):
    aap_weekly: Weekly
    aap_end_weekly: Weekly
    ufore_from_aap_weekly: Weekly
    ufore_from_varig_weekly: Weekly
    dagpenger_max_weeks: PosInt
    sosialhjelp_after_dagpenger: Share
    dagpenger_ordinary_earnings: SharePerAgeBand = Field(
        description="of entrants who would get dagpenger under the pandemic's lowered earnings "
        "requirement, the share who also meet the ordinary one, by age band at entry")
    dagpenger_long_period_share: Share = Field(
        description="of those meeting the ordinary earnings requirement, the share who earned "
        "enough for the long period (dagpenger_max_weeks); the others get dagpenger_short_weeks")
    dagpenger_short_weeks: PosInt
    dagpenger_pandemic_rules: DateRange = Field(
        description="when the pandemic's dagpenger rules were in force: a lowered earnings "
        "requirement, and periods that did not run out")
    tiltakspenger_right_share: SharePerGroup = Field(
        description="share of tiltak starts in a tiltak that gives the right to tiltakspenger, "
        "by innsatsgruppe")
    sosialhjelp_in_tiltak: Share = Field(
        description="share of participants aged 18 or more without tiltakspenger or another "
        "benefit who get sosialhjelp while in the tiltak")
    tiltakspenger_rate_cut: Date = Field(
        description="from this date youths on sosialhjelp who start a tiltak keep sosialhjelp "
        "(the cut tiltakspenger rate is below it)")
    kvp: Kvp | None = Field(
        default=None, description="the kvalifiseringsprogram; left out, nobody takes part")


class Exits(Strict):
    work_weekly: WeeklyPerGroup
    education_weekly: WeeklyPerGroup
    both_share: Share = Field(description="share of work/education exits that are both")
    outside_weekly: WeeklyPerGroup
    mult_in_treatment: Rate
    mult_mental_health: Rate
    mult_compulsory: Rate
    mult_higher: Rate
    mult_aap: Rate
    mult_partly_working: Rate
    unemployment_reference: Rate
    unemployment_elasticity: Rate = Field(description="relative drop in work hazard per pp")
    early_weeks: Annotated[int, Field(ge=0)] = Field(
        default=0, description="the first weeks of a spell, in which leaving is early_mult times "
        "as likely (duration dependence: those who leave soon do so in the first weeks)")
    early_mult: RatePerGroup = Field(
        default_factory=RatePerGroup.ones,
        description="exit hazards (work, education, outside) in the first early_weeks of a spell, "
        "times this, by assessed innsatsgruppe (1: no duration dependence)")


ReturnStatus = Literal["work", "education", "work_and_education", "outside"]


class Returns(Strict):
    weekly: dict[ReturnStatus, Weekly]
    follow_cycle: list[ReturnStatus] = Field(
        default=[],
        description="returns from these statuses follow the business cycle as registrations "
        "do: the weekly hazard times (unemployment / exits.unemployment_reference) to the "
        "population.cycle_elasticity of the youth's need (a return is a registration too)")
    need_mult: RatePerGroup = Field(
        default_factory=RatePerGroup.ones,
        description="the return hazards times this, by the youth's need (those with standard "
        "need move between short jobs and Nav more often; 1: the same for all)")

    @model_validator(mode="after")
    def _all(self) -> Returns:
        missing = {"work", "education", "work_and_education", "outside"} - set(self.weekly)
        if missing:
            raise ValueError(f"missing return hazards for {', '.join(sorted(missing))}")
        return self


class Garanti(Strict):
    churn_mult: Share = Field(description="fixed contact person: the weekly chance of an advisor "
                              "change for the target group, times this")
    priority_boost: Rate
    youth_advisor_share: Share


class Parameters(Strict):
    burn_in_years: Annotated[int, Field(ge=0, le=30)]
    population: Population
    assessment: Assessment
    advisors: Advisors
    offices: Offices
    contacts: Contacts
    contact_effect: ContactEffect
    tiltak: Tiltak
    treatment: Treatment
    job_search: JobSearch
    labour: Labour
    ips: Ips
    benefits: Benefits
    exits: Exits
    returns: Returns
    ungdomsgaranti: Garanti


class PortfolioCap(Strict):
    """A cap on youth advisors' portfolios: which users count, over what it holds, what
    happens when it binds, and what happens to current users when it starts.

    Nav's 2024 steering letter asks that a youth advisor follow about 50 users of the
    ungdomsgaranti's target group *on average*: ``counts: target_group, over: office`` (or
    ``national``). ``counts: all, over: advisor`` is a ceiling on each advisor's whole
    portfolio (young and older users), as the advisor surveys count it.
    """

    youth: PosInt | None = Field(None, description="the cap or target in users; empty: no cap")
    counts: Literal["all", "young", "target_group"] = Field(
        "all", description="users that count: all (young and older), young (16-29), or the "
        "ungdomsgaranti's target group (situasjonsbestemt and spesielt tilpasset youths)")
    over: Literal["advisor", "office", "national"] = Field(
        "advisor", description="advisor: a ceiling on each youth advisor; office or national: "
        "an average over the youth advisors of the office or of the country")
    mode: Literal["hard", "overflow", "hire"] = Field(
        "hard", description="when every youth advisor of an office is at the cap, a youth who "
        "counts waits (hard), goes to a both-age advisor (overflow), or gets a new youth "
        "advisor (hire)")
    on_start: Literal["move", "keep"] = Field(
        "move", description="move: advisors above a ceiling hand over their newest youths who "
        "count, every week the cap is in force; keep: current users stay, the cap binds only "
        "where new users are placed")
    start: Date | None = None

    @model_validator(mode="after")
    def _average_moves_nobody(self) -> PortfolioCap:
        if self.youth is not None and self.over != "advisor" and self.on_start == "move":
            raise ValueError(
                f"on_start: move needs over: advisor; an average over the {self.over} is met by "
                "where new users are placed, so set on_start: keep")
        return self


class Policy(Strict):
    portfolio_cap: PortfolioCap = PortfolioCap()


class MultiplierFrom(Strict):
    multiplier: Annotated[float, Field(gt=0.0)] = 1.0
    start: Date | None = None


class Staffing(Strict):
    youth_advisors: MultiplierFrom = MultiplierFrom()
    both_advisors: MultiplierFrom = MultiplierFrom()


class TiltakPolicy(Strict):
    places_multiplier: Annotated[float, Field(ge=0.0)] = 1.0
    mix: dict[TiltakTypeName, Share] | None = Field(
        default=None, description="the tiltak mix: each kind's share of the places (summing to 1) "
        "in place of parameters.tiltak.types' place_share; null keeps today's mix")
    start: Date | None = None

    @model_validator(mode="after")
    def _mix(self) -> TiltakPolicy:
        if self.mix is not None:
            _check_mix(self.mix, "mix")
        return self


class IpsPolicy(Strict):
    capacity_multiplier: Annotated[float, Field(ge=0.0)] = 1.0
    start: Date | None = None


class HealthPolicy(Strict):
    treatment_wait_multiplier: Annotated[float, Field(gt=0.0)] = 1.0
    concurrent_treatment_and_work: bool = False
    start: Date | None = None


class ContactsPolicy(Strict):
    digital_to_meeting_share: Share = Field(
        default=0.0, description="share of digital contact time turned into meetings")
    meeting_cost_in_messages: Annotated[float, Field(gt=0.0)] = Field(
        default=3.0, description="digital contacts one meeting costs (assumption)")
    start: Date | None = None


class AssessmentPolicy(Strict):
    """A more (or less) accurate, or faster, §14a assessment. From ``start`` the shares
    assessed one group too low or too high at the start of a spell (``parameters.assessment``)
    are multiplied (0: every youth gets the group of their true need), and so is the weekly
    chance that a group too low is raised (``parameters.assessment.reassess_up_weekly``): the
    fuller assessment (arbeidsevnevurdering) that finds the need comes sooner."""

    under_assessment_multiplier: Annotated[float, Field(ge=0.0)] = Field(
        default=1.0, description="multiplies the shares first assessed one group too low")
    over_assessment_multiplier: Annotated[float, Field(ge=0.0)] = Field(
        default=1.0, description="multiplies the shares first assessed one group too high")
    speed_multiplier: Annotated[float, Field(gt=0.0, le=20.0)] = Field(
        default=1.0, description="multiplies the weekly chance that a group too low is raised: "
        "2 finds the hidden need in about half the time")
    start: Date | None = None


class ContactPersonPolicy(Strict):
    """A fixed contact person on its own: from ``start`` the weekly chance that a youth's
    advisor changes (``parameters.advisors.churn_weekly``) is multiplied, for every youth in
    follow-up or only for the ungdomsgaranti's target group (situasjonsbestemt and spesielt
    tilpasset innsats). A youth the guarantee's fixed contact person also covers gets the
    fewer changes of the two: one contact person, whoever promises it."""

    churn_multiplier: Share = Field(
        default=1.0, description="multiplies the weekly chance of an advisor change (0: never)")
    applies_to: Literal["all", "target_group"] = Field(
        default="all", description="all youths, or only the guarantee's target group")
    start: Date | None = None


class GarantiParts(Strict):
    """The ungdomsgaranti's three parts, each on or off (all on: the guarantee as it is)."""

    fixed_contact_person: bool = Field(
        default=True, description="fewer advisor changes for the target group "
        "(parameters.ungdomsgaranti.churn_mult)")
    youth_advisors: bool = Field(
        default=True, description="the target group placed with youth advisors at its own "
        "share (parameters.ungdomsgaranti.youth_advisor_share)")
    priority: bool = Field(
        default=True, description="the target group first for meetings "
        "(parameters.ungdomsgaranti.priority_boost)")


class Ungdomsgaranti(Strict):
    enabled: bool = True
    start: Date = dt.date(2023, 7, 1)
    parts: GarantiParts = Field(default=GarantiParts(), description="which of its parts act")


class Costs(Strict):
    """Unit costs in NOK (see scenarios/baseline.yaml for sources and assumptions)."""

    advisor_fte_year: Rate
    tiltak_place_month: Rate
    ips_place_month: Rate
    aap_month: Rate
    sosialhjelp_month: Rate
    dagpenger_month: Rate
    tiltakspenger_month: Rate
    ufore_month: Rate
    kvp_month: Rate = Field(description="kvalifiseringsstønad for a month")


class Scenario(Strict):
    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")] = Field(
        description="names the results (letters, digits, _ . -)")
    extends: str | None = Field(
        default=None, description="the file this one is laid over, relative to this file")
    description: str = Field(default="", description="what the scenario asks, shown by navsim show")
    seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(
        description="replication r runs with a seed derived from (seed, r): same seed, same output")
    replications: Annotated[int, Field(ge=1, le=MAX_REPLICATIONS)] = Field(
        description="independent runs, each with its own seed")
    scale: Annotated[float, Field(gt=0.0, le=MAX_SCALE)] = Field(
        description="simulated share of the national population (1.0 = national)")
    period: Period = Field(description="the simulated dates; a burn-in runs before start")
    engine: Literal["numba", "mesa"] = Field(
        description="numba (fast) or mesa (every agent in Python, the readable reference)")
    inputs: Inputs
    parameters: Parameters = Field(description="behaviour: every number with its source in the library")
    policy: Policy = Field(description="policy levers, neutral unless set")
    staffing: Staffing = Field(description="more or fewer advisors (multipliers)")
    tiltak: TiltakPolicy = Field(description="tiltak places (budget)")
    ips: IpsPolicy = Field(default=IpsPolicy(), description="IPS places for users in mental-health treatment")
    health: HealthPolicy = Field(default=HealthPolicy(), description="treatment waiting time and "
                                 "treatment alongside work activity")
    contacts: ContactsPolicy = Field(default=ContactsPolicy(), description="how advisors' contact "
                                     "time is split between digital contacts and meetings")
    assessment: AssessmentPolicy = Field(default=AssessmentPolicy(), description="accuracy of "
                                         "the first §14a assessment")
    contact_person: ContactPersonPolicy = Field(default=ContactPersonPolicy(), description="fewer "
                                                "advisor changes, on their own or beyond the guarantee")
    ungdomsgaranti: Ungdomsgaranti = Field(description="the youth guarantee")
    costs: Costs

    @model_validator(mode="after")
    def _horizon(self) -> Scenario:
        years = (self.period.end - self.period.start).days / 365.25 + self.parameters.burn_in_years
        if years > MAX_HORIZON_YEARS:
            raise ValueError(f"period plus burn-in is {years:.0f} years, more than {MAX_HORIZON_YEARS}")
        return self


def lever_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """``(key, problem)`` for every lever set to act from a date on or after the period end,
    and for an assessment lever that would turn a share above 1.

    A lever starting too late never acts, so every effect it reports is an exact zero: a
    mistyped year, never an answer. A lever left at its neutral value may carry any date.
    """
    end = scenario.period.end
    active = {
        "policy.portfolio_cap.start": (scenario.policy.portfolio_cap.youth is not None,
                                       scenario.policy.portfolio_cap.start),
        "staffing.youth_advisors.start": (scenario.staffing.youth_advisors.multiplier != 1.0,
                                          scenario.staffing.youth_advisors.start),
        "staffing.both_advisors.start": (scenario.staffing.both_advisors.multiplier != 1.0,
                                         scenario.staffing.both_advisors.start),
        "tiltak.start": (scenario.tiltak.places_multiplier != 1.0 or scenario.tiltak.mix is not None,
                         scenario.tiltak.start),
        "ips.start": (scenario.ips.capacity_multiplier != 1.0, scenario.ips.start),
        "health.start": (scenario.health.treatment_wait_multiplier != 1.0
                         or scenario.health.concurrent_treatment_and_work, scenario.health.start),
        "contacts.start": (scenario.contacts.digital_to_meeting_share != 0.0, scenario.contacts.start),
        "assessment.start": (scenario.assessment.under_assessment_multiplier != 1.0
                             or scenario.assessment.over_assessment_multiplier != 1.0
                             or scenario.assessment.speed_multiplier != 1.0,
                             scenario.assessment.start),
        "contact_person.start": (scenario.contact_person.churn_multiplier != 1.0,
                                 scenario.contact_person.start),
        # the guarantee itself is history; a part switched off is the lever, from its start
        "ungdomsgaranti.start": (scenario.ungdomsgaranti.enabled
                                 and scenario.ungdomsgaranti.parts != GarantiParts(),
                                 scenario.ungdomsgaranti.start),
    }
    problems = [(key, f"{start} is on or after the period end ({end}): the lever would never act")
                for key, (on, start) in active.items() if on and start is not None and start >= end]
    return problems + _assessment_problems(scenario)


def _assessment_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """The assessment lever must leave shares: a multiplied share of youths assessed too low,
    or too low and too high together, above 1 is a typo, not a policy."""
    lever = scenario.assessment
    if lever.under_assessment_multiplier == 1.0 and lever.over_assessment_multiplier == 1.0:
        return []
    key = ("assessment.under_assessment_multiplier" if lever.under_assessment_multiplier != 1.0
           else "assessment.over_assessment_multiplier")
    given = scenario.parameters.assessment
    for group, under, over in zip(type(given.under_assessment).model_fields,
                                  given.under_assessment.as_list(), given.over_assessment.as_list(),
                                  strict=True):
        low = under * lever.under_assessment_multiplier
        high = over * lever.over_assessment_multiplier
        if low + high > 1.0:
            return [(key, f"makes {low:.3g} of {group} assessed too low and {high:.3g} too high, "
                          "more than all of them")]
    return []
