"""What a run costs the public purse, per year of the measured window, national, in NOK.

A policy comparison needs a price next to each effect: a cap on portfolios buys contacts
with advisor time, more tiltak places cost place-months, and every youth who leaves
follow-up for work stops drawing AAP or sosialhjelp. This module multiplies the unit costs
of the scenario's ``costs`` block by the quantities a run produced, week by week, inside
the *measured window*: the weeks ``[first_week, n_weeks)`` over which the outcomes are
measured (the period, or from a lever's start in a comparison). Costs and outcomes must
share that window: spreading a lever's cost over years before it started understated it
(a cap that hires 339 advisors from 2025 was priced as if it hired them for 0.39 of the
years of a 2018-2030 run).

With ``W`` the weeks in the window, ``Y = W / 52`` its years, ``s`` the scale (simulated
share of the nation) and ``m = 52 / 12`` weeks per month, the cost of week ``w`` is:

* ``veiledere``   = active advisors in week w (hired ones included, from advisors.parquet)
  / s / 52 × ``advisor_fte_year`` (one week of an advisor is 1/52 FTE-year);
* ``tiltak``      = youths in follow-up with tiltak state "in" / m / s × ``tiltak_place_month``
* ``ips``         = youths in follow-up with ips = 1 / m / s × ``ips_place_month``
* ``aap``, ``dagpenger``, ``tiltakspenger``, ``sosialhjelp``, ``kvp`` (kvalifiseringsstønad)
                  = youths in follow-up on that benefit / m / s × ``<benefit>_month``
* ``ufore``       = youths with status uføre, or in follow-up on benefit uføre,
  / m / s × ``ufore_month``.

Per year (the ``cost_<item>`` outcomes) is the sum over the window's weeks divided by
``Y``, so ``cost_veiledere`` is the mean advisor FTE over the window × ``advisor_fte_year``.
``services`` (veiledere, tiltak, IPS: what Nav spends to follow youths up) and
``benefits`` (the six benefits: what a better outcome saves) are the two sums a
comparison turns into gross cost and savings; ``total`` is their sum.

Benefits count only while a youth is in follow-up (except uføretrygd, which is paid in the
uføre status too): a youth who has left Nav for work draws none of them. Costs of older
users (the exogenous part of portfolios) are in the advisor cost, because those advisors'
time is what a portfolio policy moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim import codes
from sim.calendar import WEEKS_PER_MONTH
from sim.results import RunResult

#: Benefits priced per youth-month, with the ``costs`` key of their unit cost.
BENEFIT_UNIT: dict[str, str] = {
    "aap": "aap_month",
    "dagpenger": "dagpenger_month",
    "tiltakspenger": "tiltakspenger_month",
    "sosialhjelp": "sosialhjelp_month",
    "ufore": "ufore_month",
    "kvp": "kvp_month",
}
#: Nav's services to the youths, priced per advisor FTE-year or place-month.
SERVICE_UNIT: dict[str, str] = {
    "veiledere": "advisor_fte_year",
    "tiltak": "tiltak_place_month",
    "ips": "ips_place_month",
}

#: Cost items (``cost_<item>`` outcome columns): label and definition, for reports.
COST_ITEMS: dict[str, tuple[str, str]] = {
    "veiledere": ("Cost: veiledere", "Advisor FTE (all active advisors, national), mean over the "
                  "measured window, × advisor_fte_year; NOK per year."),
    "tiltak": ("Cost: tiltak places", "Tiltak place-months per year of the measured window "
               "(youth-weeks in tiltak ÷ 52/12, national) × tiltak_place_month."),
    "ips": ("Cost: IPS places", "IPS place-months per year of the measured window (youth-weeks in "
            "IPS ÷ 52/12, national) × ips_place_month."),
    "aap": ("Cost: AAP", "Youth-months on AAP in follow-up per year of the measured window "
            "(national) × aap_month."),
    "dagpenger": ("Cost: dagpenger", "Youth-months on dagpenger in follow-up per year of the "
                  "measured window (national) × dagpenger_month."),
    "tiltakspenger": ("Cost: tiltakspenger", "Youth-months on tiltakspenger in follow-up per year "
                      "of the measured window (national) × tiltakspenger_month."),
    "sosialhjelp": ("Cost: sosialhjelp", "Youth-months on sosialhjelp in follow-up per year of the "
                    "measured window (national) × sosialhjelp_month."),
    "ufore": ("Cost: uføretrygd", "Youth-months on uføretrygd per year of the measured window "
              "(national) × ufore_month."),
    "kvp": ("Cost: kvalifiseringsstønad", "Youth-months in the kvalifiseringsprogram in follow-up per "
            "year of the measured window (national) × kvp_month."),
    "services": ("Cost: Nav's services", "Veiledere + tiltak + IPS, NOK per year of the measured "
                 "window, national: what a policy spends to follow youths up."),
    "benefits": ("Cost: benefits", "AAP + dagpenger + tiltakspenger + sosialhjelp + uføretrygd + "
                 "kvalifiseringsstønad, NOK "
                 "per year of the measured window, national: what better outcomes save."),
    "total": ("Cost: total", "Services + benefits, NOK per year of the measured window, national."),
}


def _as_mapping(unit_costs: Mapping[str, float] | Any) -> Mapping[str, float]:
    """Accept the scenario's ``Costs`` model or a plain mapping (e.g. from a manifest)."""
    if hasattr(unit_costs, "model_dump"):
        return unit_costs.model_dump()
    return unit_costs


def window_start(result: RunResult, first_week: int | None) -> int:
    """First week of the measured window: ``first_week`` inside the period, else its start."""
    cal = result.calendar
    if first_week is None:
        return cal.first_week
    return min(max(cal.first_week, int(first_week)), cal.n_weeks - 1)


def _weekly_counts(rep: np.ndarray, start: np.ndarray, end: np.ndarray, mask: np.ndarray,
                   reps: int, lo: int, hi: int) -> np.ndarray:
    """Youths in state ``mask`` per replication and week of ``[lo, hi)`` (``reps x (hi - lo)``).

    Each timeline segment ``[start, end)`` adds one from its first week in the window to its
    last: a difference array over weeks, summed cumulatively.
    """
    s = np.clip(start[mask], lo, hi) - lo
    e = np.clip(end[mask], lo, hi) - lo
    r = rep[mask]
    keep = e > s
    width = hi - lo + 1
    diff = np.bincount(r[keep] * width + s[keep], minlength=reps * width)[: reps * width].astype(np.float64)
    diff -= np.bincount(r[keep] * width + e[keep], minlength=reps * width)[: reps * width]
    return np.cumsum(diff.reshape(reps, width), axis=1)[:, :-1]


def weekly_quantities(result: RunResult, timeline: pd.DataFrame, reps: int,
                      first_week: int | None = None) -> dict[str, np.ndarray]:
    """National quantities used in each week of the measured window (``reps x W`` arrays).

    ``advisor_fte_years`` (active advisors / scale / 52), ``tiltak_place_months``,
    ``ips_place_months`` and ``<benefit>_months`` for each of :data:`BENEFIT_UNIT` (youths in
    that state / scale / (52/12)). ``timeline`` is ``sim.outcomes.build_timeline(result.events,
    n_weeks)``; ``first_week`` starts the window (default: the period's start).
    """
    cal = result.calendar
    lo, hi = window_start(result, first_week), cal.n_weeks
    months = 1.0 / WEEKS_PER_MONTH / result.scale
    start = timeline["start"].to_numpy()
    end = timeline["end"].to_numpy()
    rep = timeline["rep"].to_numpy().astype(np.int64)
    status = timeline["status"].to_numpy()
    benefit = timeline["benefit"].to_numpy()
    follow_up = status == codes.S_FOLLOW_UP

    def youth_months(mask: np.ndarray) -> np.ndarray:
        return _weekly_counts(rep, start, end, mask, reps, lo, hi) * months

    out = {
        "tiltak_place_months": youth_months(follow_up & (timeline["tiltak"].to_numpy() == codes.Q_IN)),
        "ips_place_months": youth_months(follow_up & (timeline["ips"].to_numpy() == 1)),
    }
    for name in BENEFIT_UNIT:
        on_benefit = follow_up & (benefit == codes.code(codes.BENEFIT, name))
        if name == "ufore":
            on_benefit |= status == codes.S_UFORE
        out[f"{name}_months"] = youth_months(on_benefit)

    adv = result.advisors
    advisors = np.zeros((reps, hi - lo))
    if not adv.empty:
        week = adv["week"].to_numpy().astype(np.int64)
        inside = (week >= lo) & (week < hi)
        width = hi - lo
        flat = adv["rep"].to_numpy().astype(np.int64)[inside] * width + (week[inside] - lo)
        advisors = np.bincount(flat, minlength=reps * width)[: reps * width].reshape(reps, width)
    out["advisor_fte_years"] = advisors / result.scale / codes.WEEKS_PER_YEAR
    return out


def weekly_costs(result: RunResult, timeline: pd.DataFrame, unit_costs: Mapping[str, float] | Any,
                 reps: int, first_week: int | None = None) -> dict[str, np.ndarray]:
    """NOK spent in each week of the measured window per cost item (``reps x W`` arrays),
    with the sums ``services``, ``benefits`` and ``total`` of :data:`COST_ITEMS`."""
    unit = _as_mapping(unit_costs)
    q = weekly_quantities(result, timeline, reps, first_week)
    costs = {
        "veiledere": q["advisor_fte_years"] * float(unit["advisor_fte_year"]),
        "tiltak": q["tiltak_place_months"] * float(unit["tiltak_place_month"]),
        "ips": q["ips_place_months"] * float(unit["ips_place_month"]),
    }
    for name, key in BENEFIT_UNIT.items():
        costs[name] = q[f"{name}_months"] * float(unit[key])
    costs["services"] = sum(costs[k] for k in SERVICE_UNIT)
    costs["benefits"] = sum(costs[k] for k in BENEFIT_UNIT)
    costs["total"] = costs["services"] + costs["benefits"]
    return costs


def cost_per_year(result: RunResult, timeline: pd.DataFrame, unit_costs: Mapping[str, float] | Any,
                  reps: int, first_week: int | None = None) -> pd.DataFrame:
    """Cost items of :data:`COST_ITEMS` in NOK per year of the measured window (national),
    one row per replication."""
    weekly = weekly_costs(result, timeline, unit_costs, reps, first_week)
    years = (result.calendar.n_weeks - window_start(result, first_week)) / codes.WEEKS_PER_YEAR
    costs = pd.DataFrame({item: weekly[item].sum(axis=1) / years for item in COST_ITEMS},
                         index=pd.RangeIndex(reps, name="rep"))
    return costs[list(COST_ITEMS)]


def payback_weeks(gross: np.ndarray, savings: np.ndarray) -> int | None:
    """Weeks from the window's start until the savings have repaid the gross cost, for good.

    ``gross`` and ``savings`` are a policy's extra cost and its savings in each week (NOK).
    The answer is the first week after which the cumulative net cost (gross − savings)
    stays at or below zero to the end of the window: a single early week of noise in which
    savings exceed a still small cost does not count as repaid. None when the savings have
    not repaid the cost by the window's end, or when there is no extra cost to repay.
    """
    gross = np.asarray(gross, dtype=np.float64)
    savings = np.asarray(savings, dtype=np.float64)
    if len(gross) == 0 or gross.sum() <= 0:
        return None
    net = np.cumsum(gross - savings)
    if net[-1] > 0:
        return None
    owing = np.flatnonzero(net > 0)
    return int(owing[-1]) + 2 if len(owing) else 1  # week i ends i + 1 weeks after the start
