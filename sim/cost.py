"""What a run costs the public purse, per year of the period, national, in NOK.

A policy comparison needs a price next to each effect: a cap on portfolios buys contacts
with advisor time, more tiltak places cost place-months, and every youth who leaves
follow-up for work stops drawing AAP or sosialhjelp. This module multiplies the unit costs
of the scenario's ``costs`` block by the quantities a run produced. Its formulas, with
``W`` the weeks in the period (``n_weeks - first_week``), ``Y = W / 52`` the years in it,
``s`` the scale (simulated share of the nation), ``m = 52 / 12`` weeks per month, and
every count taken over weeks inside the period:

* ``veiledere``   = advisor-weeks (all active advisors, hired ones included, from
  advisors.parquet) / W / s  × ``advisor_fte_year``. (Advisor-weeks / W is the mean number
  of active advisors, i.e. FTE-years per year.)
* ``tiltak``      = youth-weeks in follow-up with tiltak state "in" / m / Y / s × ``tiltak_place_month``
* ``ips``         = youth-weeks in follow-up with ips = 1 / m / Y / s × ``ips_place_month``
* ``aap``, ``dagpenger``, ``tiltakspenger``, ``sosialhjelp``
                  = youth-weeks in follow-up on that benefit / m / Y / s × ``<benefit>_month``
* ``ufore``       = youth-weeks with status uføre, or in follow-up on benefit uføre,
  / m / Y / s × ``ufore_month``
* ``total``       = the sum of the above.

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
}

#: Cost items (``cost_<item>`` outcome columns): label and definition, for reports.
COST_ITEMS: dict[str, tuple[str, str]] = {
    "veiledere": ("Cost: veiledere", "Advisor FTE-years per year (all active advisors, national) "
                  "× advisor_fte_year."),
    "tiltak": ("Cost: tiltak places", "Tiltak place-months per year (youth-weeks in tiltak ÷ 52/12, "
               "national) × tiltak_place_month."),
    "ips": ("Cost: IPS places", "IPS place-months per year (youth-weeks in IPS ÷ 52/12, national) "
            "× ips_place_month."),
    "aap": ("Cost: AAP", "Youth-months on AAP in follow-up per year (national) × aap_month."),
    "dagpenger": ("Cost: dagpenger", "Youth-months on dagpenger in follow-up per year (national) "
                  "× dagpenger_month."),
    "tiltakspenger": ("Cost: tiltakspenger", "Youth-months on tiltakspenger in follow-up per year "
                      "(national) × tiltakspenger_month."),
    "sosialhjelp": ("Cost: sosialhjelp", "Youth-months on sosialhjelp in follow-up per year "
                    "(national) × sosialhjelp_month."),
    "ufore": ("Cost: uføretrygd", "Youth-months on uføretrygd per year (national) × ufore_month."),
    "total": ("Cost: total", "Sum of the cost items above, NOK per year, national."),
}


def _as_mapping(unit_costs: Mapping[str, float] | Any) -> Mapping[str, float]:
    """Accept the scenario's ``Costs`` model or a plain mapping (e.g. from a manifest)."""
    if hasattr(unit_costs, "model_dump"):
        return unit_costs.model_dump()
    return unit_costs


def quantities_per_year(result: RunResult, timeline: pd.DataFrame, reps: int) -> pd.DataFrame:
    """National quantities per year of the period, one row per replication.

    Columns: ``advisor_fte_years``, ``tiltak_place_months``, ``ips_place_months`` and
    ``<benefit>_months`` for each of :data:`BENEFIT_UNIT`. ``timeline`` is
    ``sim.outcomes.build_timeline(result.events, n_weeks)`` (the one timeline, :mod:`sim.measure.timeline`).
    """
    cal = result.calendar
    weeks_in_period = max(cal.n_weeks - cal.first_week, 1)
    years = weeks_in_period / codes.WEEKS_PER_YEAR
    per_year_months = 1.0 / WEEKS_PER_MONTH / years / result.scale

    start = timeline["start"].to_numpy()
    end = timeline["end"].to_numpy()
    weeks = np.maximum(np.minimum(end, cal.n_weeks) - np.maximum(start, cal.first_week), 0)
    rep = timeline["rep"].to_numpy().astype(np.int64)
    status = timeline["status"].to_numpy()
    benefit = timeline["benefit"].to_numpy()
    follow_up = status == codes.S_FOLLOW_UP

    def youth_months(mask: np.ndarray) -> np.ndarray:
        return np.bincount(rep, weights=(weeks * mask).astype(np.float64), minlength=reps)[:reps] \
            * per_year_months

    out = {
        "tiltak_place_months": youth_months(follow_up & (timeline["tiltak"].to_numpy() == codes.Q_IN)),
        "ips_place_months": youth_months(follow_up & (timeline["ips"].to_numpy() == 1)),
    }
    for name in BENEFIT_UNIT:
        b = codes.code(codes.BENEFIT, name)
        on_benefit = follow_up & (benefit == b)
        if name == "ufore":
            on_benefit |= status == codes.S_UFORE
        out[f"{name}_months"] = youth_months(on_benefit)

    adv = result.advisors
    if adv.empty:
        advisor_weeks = np.zeros(reps)
    else:
        adv = adv[adv["week"] >= cal.first_week]
        advisor_weeks = np.bincount(adv["rep"].to_numpy().astype(np.int64), minlength=reps)[:reps]
    out["advisor_fte_years"] = advisor_weeks / weeks_in_period / result.scale
    return pd.DataFrame(out, index=pd.RangeIndex(reps, name="rep"))


def cost_per_year(result: RunResult, timeline: pd.DataFrame, unit_costs: Mapping[str, float] | Any,
                  reps: int) -> pd.DataFrame:
    """Cost items of :data:`COST_ITEMS` in NOK per year (national), one row per replication."""
    unit = _as_mapping(unit_costs)
    q = quantities_per_year(result, timeline, reps)
    costs = pd.DataFrame(index=q.index)
    costs["veiledere"] = q["advisor_fte_years"] * float(unit["advisor_fte_year"])
    costs["tiltak"] = q["tiltak_place_months"] * float(unit["tiltak_place_month"])
    costs["ips"] = q["ips_place_months"] * float(unit["ips_place_month"])
    for name, key in BENEFIT_UNIT.items():
        costs[name] = q[f"{name}_months"] * float(unit[key])
    costs["total"] = costs.sum(axis=1)
    return costs[list(COST_ITEMS)]
