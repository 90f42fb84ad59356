"""Set-up shared by both engines: who enters when, and the advisors in their offices.

Both are deterministic given the scenario and seed, and both engines build their starting
world from these arrays, so a difference between the engines can only come from the
weekly step.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from sim.codes import R_BOTH, R_OLDER, R_YOUTH
from sim.offices import divisor_sequence, office_layout
from sim.params import Params, Sizes, Timeline
from sim.rng import U_OLDER_LOAD, uniforms
from sim.scenario.schema import Scenario

_STANDARD_NORMAL = NormalDist()


class EntrySchedule(NamedTuple):
    entry_week: np.ndarray  # int32 per youth id
    entry_kind: np.ndarray  # int8: 0 regular, 1 laid-off, 2 direct uføre
    week_first_id: np.ndarray  # int64, length n_weeks + 1: ids entering in week w are
    #                            week_first_id[w]:week_first_id[w + 1]


class AdvisorLayout(NamedTuple):
    role: np.ndarray  # int8
    office: np.ndarray  # int16
    employer: np.ndarray  # int8 (0 stat, 1 kommune)
    older: np.ndarray  # int32
    capacity: np.ndarray  # float64: users carried relative to a colleague of the role
    hired: np.ndarray  # bool: a slot only a `hire` cap policy opens
    youth_slots: int  # ids [0, youth_slots) are ordinary youth advisors
    both_first: int  # ids [both_first, both_first + both_slots) are both-age advisors
    both_slots: int
    office_start: np.ndarray  # int32 CSR over offices
    office_members: np.ndarray  # int32
    county: np.ndarray  # int8: each advisor's county (their office's)


def entry_schedule(timeline: Timeline, sizes: Sizes) -> EntrySchedule:
    """Ids in order of entry: each week its regular entrants, then laid-off, then direct uføre."""
    per_week = np.stack([timeline.inflow, timeline.layoff_inflow, timeline.ufore_direct], axis=1)
    counts = per_week.reshape(-1)
    kinds = np.tile(np.array([0, 1, 2], dtype=np.int8), sizes.n_weeks)
    weeks = np.repeat(np.arange(sizes.n_weeks, dtype=np.int32), 3)
    entry_kind = np.repeat(kinds, counts)
    entry_week = np.repeat(weeks, counts)
    week_first_id = np.concatenate(([0], np.cumsum(per_week.sum(axis=1)))).astype(np.int64)
    return EntrySchedule(entry_week.astype(np.int32), entry_kind, week_first_id)


def advisor_capacity(sigma: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Each advisor's capacity, lognormal with mean 1 and ``sigma`` the sd of its log, from
    the uniforms ``u``: advisor surveys find portfolios from under 30 to over 75 users in the
    same role (part-time, other duties, experience), a spread that offices alone do not make."""
    z = np.array([_STANDARD_NORMAL.inv_cdf(min(max(x, 1e-12), 1.0 - 1e-12)) for x in u])
    return np.exp(sigma * z - sigma**2 / 2.0)


def advisor_layout(scenario: Scenario, params: Params, timeline: Timeline, sizes: Sizes) -> AdvisorLayout:
    """Advisors by role in offices of different sizes, with an exogenous older-user load.

    The offices are :func:`sim.offices.office_layout`'s. Youth and both-age advisors go to
    an office in proportion to its share of the youths divided by its portfolio factor, so
    larger offices and some counties have more users per advisor; older-user advisors in
    proportion to its share, with their older users (like everyone's) times the factor.
    Every office first gets one both-age advisor (largest office first) and, where none is
    left for it, a youth advisor, so that no office's youths wait for an advisor who never
    comes. Slots are handed out by a house-monotone divisor sequence
    (:func:`sim.offices.divisor_sequence`): the first k slots of a role, which the staffing
    levers keep active, are spread like all of them. Hire slots (a cap of mode ``hire``)
    follow the youths: one in each office, the rest by share.
    """
    adv = scenario.parameters.advisors
    n_offices = params.n_offices
    offices = office_layout(scenario, params.seed, n_offices)
    youth_slots = int(timeline.youth_advisors.max())
    n_older = sizes.advisors_by_role[R_OLDER]
    both_slots = int(timeline.both_advisors.max())
    hire_slots = sizes.n_advisors - youth_slots - n_older - both_slots
    roles = ([R_YOUTH] * youth_slots + [R_OLDER] * n_older + [R_BOTH] * both_slots
             + [R_YOUTH] * hire_slots)
    role = np.array(roles, dtype=np.int8)
    per_advisor = offices.share / offices.portfolio
    largest_first = np.argsort(-offices.share, kind="stable")
    both = divisor_sequence(per_advisor, both_slots, first=largest_first)
    without_both = largest_first[np.isin(largest_first, both[:both_slots], invert=True)]
    office = np.concatenate([
        divisor_sequence(per_advisor, youth_slots, first=without_both),
        divisor_sequence(offices.share, n_older),
        both,
        divisor_sequence(offices.share, hire_slots, first=largest_first),
    ]).astype(np.int16)
    hired = np.zeros(len(role), dtype=np.bool_)
    hired[youth_slots + n_older + both_slots:] = True
    capacity = advisor_capacity(np.array(adv.capacity_sigma.as_list())[role],
                                uniforms(params.seed, U_OLDER_LOAD, 0, len(role)))
    capacity[hired] = 1.0
    mean = np.array(adv.older_load_mean.as_list())[role] * offices.portfolio[office]
    older = np.round(mean * capacity).astype(np.int32)
    older[hired] = 0  # advisors hired under a cap are taken on for young users only
    # Employer: every k-th advisor municipal, deterministic and spread over roles and offices.
    employer = (np.floor((np.arange(len(role)) + 1) * adv.kommune_share)
                - np.floor(np.arange(len(role)) * adv.kommune_share)).astype(np.int8)
    order = np.lexsort((np.arange(len(role)), office))
    counts = np.bincount(office, minlength=n_offices)
    office_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    return AdvisorLayout(
        role=role, office=office, employer=employer, older=older, capacity=capacity, hired=hired,
        youth_slots=youth_slots, both_first=youth_slots + n_older, both_slots=both_slots,
        office_start=office_start, office_members=order.astype(np.int32),
        county=offices.county[office].astype(np.int8),
    )
