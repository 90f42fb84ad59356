"""Nav offices in counties: how many a run has, where they are, how large, and how an
office's size and county shape its advisors' portfolios.

Offices differ because portfolios do: the surveys find more users per advisor in larger
offices (about +0.1 user per employee) and county means of state youth advisors from 38
to 69 users, so identical offices would make every portfolio alike. The layout is drawn
once per replication from two named streams (``sim.rng``), from the scenario's
``parameters.offices`` block alone, so scenarios that share a seed share their offices.

* The offices are shared among the counties by ``office_weight`` (one at least for every
  county where people live, while there are offices enough), then within a county their
  sizes are log-normal (``size_sigma``), and the county's population is shared among its
  offices in proportion to size. An office's *share* is the share of the youths it gets.
* A simulated office stands for an office of the national distribution: its *employees*
  are the national staff times its share times ``n / offices_national``, so the sizes keep
  their national scale when a small run has fewer offices.
* Its *portfolio* factor is the relative number of users per advisor there:
  ``county factor * (1 + portfolio_per_employee * (employees - mean) / portfolio_reference)``,
  normalised to an advisor-weighted mean of 1. The engines' set-up (``sim.engine.setup``)
  gives an office advisors in proportion to share / portfolio and scales their older
  users by portfolio.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from sim.codes import COUNTY
from sim.rng import U_COUNTY_PORTFOLIO, U_OFFICE_SIZE, uniforms
from sim.scenario.loader import InputError
from sim.scenario.schema import Scenario


class OfficeLayout(NamedTuple):
    """Per office (ids in county order): its county, share of youths, size and portfolio."""

    county: np.ndarray  # int8 code of sim.codes.COUNTY
    share: np.ndarray  # float64, sums to 1: the share of the youths placed there
    employees: np.ndarray  # float64: size at national scale
    portfolio: np.ndarray  # float64: relative users per advisor, advisor-weighted mean 1


def n_offices(scenario: Scenario, takers: int) -> int:
    """Offices a run has: ``offices_national`` times the scale, raised to one per county
    where people live, but never more than the advisors who take youths (``takers``, the
    youth and both-age advisors in the week with fewest), so that every office has one;
    and at least one."""
    scaled = int(round(scenario.parameters.advisors.offices_national * scenario.scale))
    counties = sum(1 for people in scenario.parameters.offices.population.as_list() if people > 0)
    return max(1, min(max(scaled, counties), takers))


def divisor_sequence(weights: np.ndarray, n: int, first: np.ndarray | None = None) -> np.ndarray:
    """The indices that get ``n`` seats one after the other, by the Sainte-Laguë divisor
    method (the next seat goes to the largest ``weight / (2 seats + 1)``, lowest index on
    ties), after the seats of ``first`` (indices seated in that order, at most one each).

    The sequence is house-monotone: the first k seats are the same whatever ``n`` is, so a
    staffing lever that adds or removes the last slots never moves another advisor, and the
    first k of them are always spread in proportion to the weights.
    """
    weights = np.asarray(weights, dtype=np.float64)
    head = np.asarray([] if first is None else first, dtype=np.int64)[:n]
    rest = n - len(head)
    if rest <= 0:
        return head
    seated = np.bincount(head, minlength=len(weights))
    live = np.flatnonzero(weights > 0)
    if len(live) == 0:
        raise ValueError("no positive weight to give seats to")
    # Candidate seats per index: with the last divisor d, an index has at most
    # d * w / 2 + 1/2 seats, and n seats in all bound d by (2 n + m) / W (m indices, total
    # weight W), so n w / W + m w / (2 W) + 1 candidates beyond its first seat suffice.
    share = weights[live] / weights[live].sum()
    extra = np.ceil(n * share + len(live) * share / 2.0).astype(np.int64) + 2
    office = np.repeat(live, extra)
    k = seated[office] + (np.arange(len(office)) - np.repeat(np.cumsum(extra) - extra, extra))
    priority = weights[office] / (2.0 * k + 1.0)
    order = np.lexsort((office, -priority))[:rest]
    return np.concatenate([head, office[order]]).astype(np.int64)


def _normal(u: np.ndarray) -> np.ndarray:
    """Standard normal quantiles of uniforms in [0, 1) (0 is moved inside the support)."""
    inv = NormalDist().inv_cdf
    return np.array([inv(min(max(x, 1e-12), 1.0 - 1e-12)) for x in u], dtype=np.float64)


def office_layout(scenario: Scenario, seed: int, n: int) -> OfficeLayout:
    """The ``n`` offices of one replication with ``seed`` (see the module's docstring)."""
    o = scenario.parameters.offices
    people = np.asarray(o.population.as_list(), dtype=np.float64)
    people /= people.sum()
    weight = np.asarray(o.office_weight.as_list(), dtype=np.float64) * (people > 0)
    lived_in = np.argsort(-people, kind="stable")[: int((people > 0).sum())]
    seats = divisor_sequence(weight, n, first=lived_in)
    counts = np.bincount(seats, minlength=len(COUNTY))
    county = np.repeat(np.arange(len(COUNTY)), counts).astype(np.int8)

    size = np.exp(o.size_sigma * _normal(uniforms(seed, U_OFFICE_SIZE, 0, n)))
    county_size = np.bincount(county, weights=size, minlength=len(COUNTY))
    covered = people * (counts > 0)  # a small run may leave the smallest counties out
    share = covered[county] / covered.sum() * size / county_size[county]
    employees = o.employees_national * share * n / scenario.parameters.advisors.offices_national

    mean_employees = float((share * employees).sum())
    slope = o.portfolio_per_employee / o.portfolio_reference
    by_size = 1.0 + slope * (employees - mean_employees)
    if by_size.min() <= 0:
        raise InputError(None, "parameters.offices.portfolio_per_employee", (
            f"{o.portfolio_per_employee:g} users per employee against a portfolio_reference of "
            f"{o.portfolio_reference:g} leaves the smallest offices (seed {seed}) a portfolio of "
            "0 or less; the slope must be smaller or the reference larger"))
    county_z = _normal(uniforms(seed, U_COUNTY_PORTFOLIO, 0, len(COUNTY)))
    county_factor = np.exp(o.county_portfolio_sd * county_z)
    portfolio = county_factor[county] * by_size
    # Advisors go to offices in proportion to share / portfolio, so the advisor-weighted
    # mean of the factor is sum(share) / sum(share / portfolio); divide it out.
    portfolio *= float((share / portfolio).sum())
    return OfficeLayout(county=county, share=share, employees=employees, portfolio=portfolio)
