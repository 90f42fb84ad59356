"""Paired effects of a scenario against its baseline: mean, interval and what the interval is made of.

Each run of a comparison is identified by a posterior draw ``k`` (a parameter set) and a
replication ``r`` (a seed). Run ``(k, r)`` of a scenario and of the baseline share both the
parameters and the random numbers, so their difference ``d[k, r]`` is the policy's effect in
that run and nothing else. Over all runs:

* ``effect_mean`` is the mean of ``d``;
* ``effect_low`` and ``effect_high`` are its 5th and 95th percentiles over every run of every
  draw: the interval holds both sources of uncertainty, chance (the replications) and the
  parameters (the draws). With the central point alone (one draw) it is chance only;
* ``parameter_share`` is the share of the variance of ``d`` that comes from the parameters,
  by the law of total variance, ``Var(d) = E_k[Var(d | k)] + Var_k(E[d | k])``, each part
  estimated without bias from ``R`` replications per draw (one-way random effects): the
  variance of the draw means, less the within-draw variance divided by ``R``, is the
  parameters' part. It is 0 with a single draw, 0 when ``d`` does not vary, and unknown
  (NaN) with one replication per draw, where chance and parameters cannot be told apart.

An effect is clear when its interval excludes 0 (``excludes_zero``).

Besides one row per outcome, :func:`paired_effects` adds the price of the effect:
``gross_cost_per_year`` (extra cost of Nav's services: veiledere, tiltak, IPS),
``savings_per_year`` (benefits no longer paid: AAP, dagpenger, tiltakspenger, sosialhjelp,
uføretrygd, kvalifiseringsstønad), ``net_cost_per_year`` (gross − savings, the change in the total) and
``net_cost_per_extra_person`` (net cost per extra person in work or education 12 months after
registration), all national, per year of the measured window.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.outcomes import OUTCOMES

QUANTILES = (0.05, 0.95)
#: Outcome behind the cost per extra person (national persons per year).
PERSONS_OUTCOME = "work_or_education_12m_persons"
#: The price rows added to each scenario's effects: name, unit, how they are made.
GROSS, SAVINGS, NET, NET_PER_PERSON = ("gross_cost_per_year", "savings_per_year", "net_cost_per_year",
                                       "net_cost_per_extra_person")
PRICE_ROWS: dict[str, tuple[str, str]] = {
    GROSS: ("Gross cost: Nav's services (veiledere, tiltak, IPS)", "NOK per year"),
    SAVINGS: ("Savings: benefits not paid (AAP, dagpenger, tiltakspenger, sosialhjelp, uføretrygd, "
              "kvalifiseringsstønad)", "NOK per year"),
    NET: ("Net cost (gross cost − savings)", "NOK per year"),
    NET_PER_PERSON: ("Net cost per extra person in work or education at 12 months", "NOK per person"),
}
EFFECT_COLUMNS = ["scenario", "outcome", "baseline_mean", "scenario_mean", "effect_mean",
                  "effect_low", "effect_high", "unit", "excludes_zero", "replications", "draws",
                  "parameter_share"]
#: Index levels of a per-run outcome table.
RUN_INDEX = ("draw", "rep")


def label_of(outcome: str) -> str:
    """An outcome's or price row's label for reports."""
    if outcome in PRICE_ROWS:
        return PRICE_ROWS[outcome][0]
    return OUTCOMES[outcome].label if outcome in OUTCOMES else outcome


def parameter_share(d: np.ndarray, draw: np.ndarray) -> float:
    """Share of the variance of ``d`` due to the draws (law of total variance, unbiased parts).

    ``draw`` labels each value of ``d`` with its draw. See the module's docstring for the
    conventions: 0 for one draw or no variation, NaN when no draw has two replications.
    """
    d = np.asarray(d, dtype=np.float64)
    labels, group = np.unique(np.asarray(draw), return_inverse=True)
    if len(labels) < 2 or len(d) == 0 or np.all(d == d[0]):
        return 0.0
    n = np.bincount(group).astype(np.float64)
    means = np.bincount(group, weights=d) / n
    if n.max() < 2:
        return math.nan
    squares = np.bincount(group, weights=(d - means[group]) ** 2)
    several = n >= 2
    within = float(np.mean(squares[several] / (n[several] - 1)))
    between = max(float(np.var(means, ddof=1)) - within * float(np.mean(1.0 / n)), 0.0)
    total = between + within
    return 0.0 if total <= 0 else min(max(between / total, 0.0), 1.0)


def quantiles(values: np.ndarray) -> tuple[float, float]:
    """The 5th and 95th percentiles (linear), where values may hold +inf."""
    values = np.sort(np.asarray(values, dtype=np.float64))
    out = []
    for q in QUANTILES:
        pos = q * (len(values) - 1)
        lo, hi = int(math.floor(pos)), int(math.ceil(pos))
        a, b = values[lo], values[hi]
        if pos == lo:
            out.append(float(a))
        elif np.isinf(b):  # between a number and +inf: unbounded
            out.append(math.inf)
        else:
            out.append(float(a + (b - a) * (pos - lo)))
    return out[0], out[1]


def summarise(d: np.ndarray, draw: np.ndarray) -> dict[str, float | int | bool]:
    """Mean, interval, whether it excludes 0, number of runs and draws, parameter share."""
    d = np.asarray(d, dtype=np.float64)
    draw = np.asarray(draw)
    keep = ~np.isnan(d)
    d, draw = d[keep], draw[keep]
    if len(d) == 0:
        return {"effect_mean": math.nan, "effect_low": math.nan, "effect_high": math.nan,
                "excludes_zero": False, "replications": 0, "draws": 0, "parameter_share": math.nan}
    low, high = quantiles(d)
    finite = np.isfinite(d)
    return {"effect_mean": float(d.mean()) if finite.all() else math.inf,
            "effect_low": low, "effect_high": high,
            "excludes_zero": bool(low > 0 or high < 0), "replications": int(len(d)),
            "draws": int(len(np.unique(draw))),
            "parameter_share": parameter_share(d, draw) if finite.all() else math.nan}


def _nanmean(values: pd.Series) -> float:
    arr = values.to_numpy(dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if len(arr) else float("nan")


def _draws_of(index: pd.Index) -> np.ndarray:
    return index.get_level_values("draw").to_numpy() if "draw" in (index.names or []) \
        else np.zeros(len(index), dtype=np.int64)


def paired_differences(base: pd.DataFrame, scen: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                        pd.DataFrame]:
    """The runs both tables have (matched by index), and ``scen − base`` per run.

    Where both runs have no value (e.g. no advisor of a role) the difference is 0: the two
    runs agree.
    """
    columns = [c for c in base.columns if c in scen.columns]
    runs = base.index.intersection(scen.index, sort=False)
    b = base.loc[runs, columns].astype(np.float64)
    s = scen.loc[runs, columns].astype(np.float64)
    diff = (s - b).mask(b.isna() & s.isna(), 0.0)
    return b, s, diff


def net_cost_per_person(net: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """Per run: net cost ÷ extra persons; +inf where the run has no extra person (the gain
    may be nothing, so no price buys it)."""
    net = np.asarray(net, dtype=np.float64)
    persons = np.asarray(persons, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(persons > 0, net / persons, math.inf)


def cost_per_extra_person(mean_net: float, mean_persons: float) -> float | None:
    """Mean net cost per year ÷ mean extra persons per year; None when the scenario does not
    raise the number of persons (a ratio with a zero or negative denominator means nothing)."""
    if not (math.isfinite(mean_net) and math.isfinite(mean_persons)) or mean_persons <= 0:
        return None
    return mean_net / mean_persons


def paired_effects(base: pd.DataFrame, scen: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome (and per price row) with the columns of :data:`EFFECT_COLUMNS`
    except ``scenario``. ``base`` and ``scen`` have one row per run, indexed by (draw, rep)
    or by rep alone (one draw)."""
    b, s, diff = paired_differences(base, scen)
    draw = _draws_of(diff.index)
    rows = []
    for outcome in diff.columns:
        rows.append({"outcome": outcome, "baseline_mean": _nanmean(b[outcome]),
                     "scenario_mean": _nanmean(s[outcome]),
                     **summarise(diff[outcome].to_numpy(), draw),
                     "unit": OUTCOMES[outcome].unit if outcome in OUTCOMES else ""})
    if {"cost_services", "cost_benefits", "cost_total"} <= set(diff.columns):
        price = {GROSS: diff["cost_services"].to_numpy(), SAVINGS: -diff["cost_benefits"].to_numpy(),
                 NET: diff["cost_total"].to_numpy()}
        if PERSONS_OUTCOME in diff.columns:
            price[NET_PER_PERSON] = net_cost_per_person(price[NET], diff[PERSONS_OUTCOME].to_numpy())
        for name, values in price.items():
            row = {"outcome": name, "baseline_mean": math.nan, "scenario_mean": math.nan,
                   **summarise(values, draw), "unit": PRICE_ROWS[name][1]}
            if name == NET_PER_PERSON:  # the price of the mean gain, not the mean of prices
                ratio = cost_per_extra_person(float(np.nanmean(price[NET])),
                                              float(np.nanmean(diff[PERSONS_OUTCOME].to_numpy())))
                row["effect_mean"] = math.nan if ratio is None else ratio
            rows.append(row)
    return pd.DataFrame(rows)[[c for c in EFFECT_COLUMNS if c != "scenario"]]
