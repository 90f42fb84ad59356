"""Policy outcomes of a run: one row per replication, one column per outcome.

These are the numbers a comparison of scenarios turns on (``navsim compare``) and the
headline of ``summary.json`` (``navsim run``). Every outcome is computed over the
scenario's period (weeks ``>= calendar.first_week``) from the tables of docs/OUTPUTS.md.
The event log can hold millions of rows, so everything is vectorised: the state kinds are
folded into one *timeline* of segments per youth (:func:`build_timeline`) and outcomes are
sums and look-ups on it, never Python loops over youths.

Definitions (the ``OUTCOMES`` registry below carries the same text for reports):

* *States* come from the one timeline of the event log, :mod:`sim.measure.timeline`.
* *Status* comes from ``registration``/``return`` (follow-up), ``exit`` (its value) and
  ``ufore_direct`` (uføre). "In work or education" is ``work``, ``education`` or
  ``work_and_education``.
* *Entry cohort* for the 6- and 12-month shares: each youth's first entry (registration or
  return) inside the period, kept when the run goes on at least the horizon after it.
* *Follow-up youth-weeks*: weeks inside the period with status ``follow_up``; a month is
  52/12 weeks (the targets format, docs/TARGETS.md).
* National figures divide simulated counts by ``result.scale``.

Shares are in percent, so an effect on a share reads in percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim import codes, counties
from sim.calendar import WEEKS_PER_MONTH, months_to_weeks
from sim.cost import COST_ITEMS, cost_per_year
from sim.results import RunResult

#: Statuses that count as "in work or education".
WORK_OR_EDUCATION = (codes.S_WORK, codes.S_EDUCATION, codes.S_WORK_AND_EDUCATION)
#: Statuses that count as days in work.
IN_WORK = (codes.S_WORK, codes.S_WORK_AND_EDUCATION)
#: Horizon of the days-in-work outcome: two years of weeks.
WORK_HORIZON_WEEKS = 2 * codes.WEEKS_PER_YEAR
#: Registrations closer than this to the end of the run are left out of the first-contact
#: mean, so youths who had no time to be contacted do not pull it down.
FIRST_CONTACT_MIN_WEEKS = months_to_weeks(6)
#: Advisor value meaning "no advisor" (waiting for a place or after churn).
NO_ADVISOR = -1

#: State kinds carried on the timeline besides status.
TIMELINE_STATES: dict[str, int] = {
    "tiltak": codes.EV_TILTAK,
    "advisor": codes.EV_ADVISOR,
    "benefit": codes.EV_BENEFIT,
    "ips": codes.EV_IPS,
}
_STATUS_KINDS = (codes.EV_REGISTRATION, codes.EV_RETURN, codes.EV_EXIT, codes.EV_UFORE_DIRECT)


@dataclass(frozen=True)
class Outcome:
    """How an outcome reads in a report: a label, its unit and its definition."""

    label: str
    unit: str
    definition: str


def _outcome_registry() -> dict[str, Outcome]:
    reg: dict[str, Outcome] = {}
    for months in (6, 12):
        reg[f"work_or_education_{months}m"] = Outcome(
            f"In work or education {months} months after registration", "percent",
            f"Share of youths whose first registration or return in the period is followed, "
            f"{months} months ({months_to_weeks(months)} weeks) later, by status work, education "
            f"or work_and_education. Youths entering less than {months} months before the run "
            "ends are left out.")
    reg["work_or_education_12m_persons"] = Outcome(
        "Persons in work or education 12 months after registration", "persons per year",
        "National count of the 12-month entry cohort in work or education at 12 months, per "
        "year of entry window (the period less its last 12 months). The denominator of the "
        "cost per extra person.")
    reg["days_in_work_2y"] = Outcome(
        "Days in work over 2 years after first registration", "days",
        "For youths first registered in the period with two full years left in the run: days "
        "with status work or work_and_education (7 days a week) in the 104 weeks from "
        "registration, averaged over the youths.")
    reg["tiltak_share_of_weeks"] = Outcome(
        "Youth-weeks in tiltak", "percent",
        "Share of youth-weeks in follow-up (in the period) with tiltak state 'in'.")
    reg["tiltak_starts_per_1000"] = Outcome(
        "Tiltak starts", "per 1000 youth-years",
        "Tiltak events with state 'in' in the period per 1000 youth-years in follow-up.")
    reg["aap_stock_end"] = Outcome(
        "On AAP at period end", "persons (national)",
        "Youths in follow-up on AAP in the last week of the period (weekly stock_benefit), national.")
    reg["ufore_stock_end"] = Outcome(
        "On uføretrygd at period end", "persons (national)",
        "Youths on uføretrygd in the last week of the period (weekly stock_benefit), national.")
    for ch in (*codes.CHANNEL, "all"):
        name = "all channels" if ch == "all" else ch.replace("_", " ")
        reg[f"contacts_per_month_{ch}"] = Outcome(
            f"Contacts per youth per month: {name}", "contacts per youth-month",
            "Advisor-initiated contacts (aux is an advisor id) in the period divided by "
            "youth-months in follow-up (a month is 52/12 weeks).")
    reg["weeks_to_first_contact"] = Outcome(
        "Weeks from registration to first contact", "weeks",
        "For first registrations in the period (at least 6 months before the run ends): weeks "
        "to the first advisor-initiated contact, among youths contacted before their first exit.")
    reg["weeks_waiting_veileder"] = Outcome(
        "Weeks waiting for a veileder", "weeks",
        "Mean length of completed spells in follow-up without an advisor (from entry until the "
        "first advisor event, or after advisor -1) that begin in the period; 0 when no one waited.")
    reg["share_weeks_without_veileder"] = Outcome(
        "Youth-weeks without a veileder", "percent",
        "Share of youth-weeks in follow-up (in the period) with no advisor (advisor -1).")
    reg["weeks_waiting_tiltak"] = Outcome(
        "Weeks waiting for a tiltak place", "weeks",
        "Mean length of completed spells in follow-up with tiltak state 'waiting' that begin "
        "in the period; 0 when no one waited.")
    for role in codes.ROLE:
        reg[f"portefolje_mean_{role}"] = Outcome(
            f"Portefølje, mean ({role} advisors)", "users",
            f"Mean portfolio (youths + older users) over advisor-weeks in the period, role {role}.")
        reg[f"portefolje_p90_{role}"] = Outcome(
            f"Portefølje, 90th percentile ({role} advisors)", "users",
            f"90th percentile of the portfolio over advisor-weeks in the period, role {role}.")
    for role in codes.ROLE:
        reg[f"veileder_fte_{role}"] = Outcome(
            f"Veiledere ({role}), FTE", "FTE (national)",
            f"Active advisor-weeks of role {role} (not hired by a cap policy) divided by the "
            "weeks in the period, national.")
    reg["veileder_fte_hired"] = Outcome(
        "Veiledere hired by a cap policy, FTE", "FTE (national)",
        "Active advisor-weeks of advisors added by a 'hire' cap, divided by the weeks in the "
        "period, national.")
    for item, (label, definition) in COST_ITEMS.items():
        reg[f"cost_{item}"] = Outcome(label, "NOK per year", definition)
    return reg


#: Outcomes where one direction is better for the young users (the rest are neither):
#: more of them in work or education and in work, more contact with their veileder, sooner
#: first contact, less waiting for a veileder or a tiltak place, and fewer on uføretrygd
#: before 30 (what the ungdomsgaranti is meant to prevent).
BETTER_FOR_USERS: dict[str, int] = {
    "work_or_education_6m": 1, "work_or_education_12m": 1, "work_or_education_12m_persons": 1,
    "days_in_work_2y": 1, "ufore_stock_end": -1,
    **{f"contacts_per_month_{ch}": 1 for ch in (*codes.CHANNEL, "all")},
    "weeks_to_first_contact": -1, "weeks_waiting_veileder": -1, "share_weeks_without_veileder": -1,
    "weeks_waiting_tiltak": -1,
}


def for_users(outcome: str, effect: float) -> int:
    """+1 if ``effect`` on ``outcome`` is better for the young users, -1 if worse, 0 when
    neither direction is theirs (costs, staff, portfolios, tiltak, AAP) or there is no
    effect. Reports and plots colour effects by it."""
    better = BETTER_FOR_USERS.get(outcome, 0)
    if not better or effect == 0 or not math.isfinite(effect):
        return 0
    return 1 if (effect > 0) == (better > 0) else -1


#: Every outcome column, in report order, with its label, unit and definition.
OUTCOMES: dict[str, Outcome] = _outcome_registry()


# --------------------------------------------------------------------------- event helpers

def kind_codes(kind: pd.Series) -> np.ndarray:
    """Event kinds as ``sim.codes`` integers, whether stored as category, string or int."""
    if isinstance(kind.dtype, pd.CategoricalDtype):
        lookup = np.array([codes.EVENT_KIND.index(str(c)) if str(c) in codes.EVENT_KIND else -1
                           for c in kind.cat.categories] + [-1], dtype=np.int16)
        return lookup[kind.cat.codes.to_numpy()]
    if pd.api.types.is_integer_dtype(kind.dtype):
        return kind.to_numpy(dtype=np.int16)
    return pd.Categorical(kind.astype(str), categories=list(codes.EVENT_KIND)).codes.astype(np.int16)


def one_of(values: np.ndarray, choices: tuple[int, ...]) -> np.ndarray:
    """``np.isin(values, choices)`` for small codes (``-1`` for unknown allowed), by table
    lookup: on a national log ``np.isin`` took 0.7 s a call, the lookup a fifth of that."""
    table = np.zeros(max(*choices, int(values.max(initial=0))) + 2, dtype=bool)
    table[list(choices)] = True
    return table[values]


def n_reps(result: RunResult) -> int:
    """Replications in a result (from the seeds, or the largest rep index seen)."""
    seen = [int(t["rep"].max()) + 1 for t in (result.events, result.weekly, result.advisors)
            if len(t)]
    return max([result.replications, *seen])


def _youth_key(rep: np.ndarray, youth: np.ndarray, stride: int) -> np.ndarray:
    """One int64 per (replication, youth), so searches need one sorted array."""
    return rep.astype(np.int64) * stride + youth.astype(np.int64)


def _stride(events: pd.DataFrame) -> int:
    return int(events["youth"].max()) + 1 if len(events) else 1


def _overlap(start: np.ndarray, end: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int) -> np.ndarray:
    """Weeks of [start, end) inside [lo, hi)."""
    return np.maximum(np.minimum(end, hi) - np.maximum(start, lo), 0)


# --------------------------------------------------------------------------- timeline

def build_timeline(events: pd.DataFrame, n_weeks: int) -> pd.DataFrame:
    """The state timeline of every replication as segments ``[start, end)`` of constant state.

    Columns: ``key`` (rep and youth in one int64), ``rep``, ``youth``, ``start``, ``end``,
    ``status`` (a ``codes.STATUS`` code) and one column per :data:`TIMELINE_STATES` kind.
    The states are the project's one reconstruction, :class:`sim.measure.timeline.Timeline`
    (the one the targets are measured on), run over all replications at once with one id
    per (replication, youth): a state holds from its event's week until the next change,
    and tiltak, IPS, the advisor and the benefit belong to the current spell in follow-up
    (a new spell starts without advisor, so a youth waits for a veileder from entry until an
    ``advisor`` event assigns one).
    """
    from sim.measure.timeline import STATE_KINDS, Timeline

    # At national scale the events are tens of millions of rows: select the state kinds
    # before widening any column.
    kinds = kind_codes(events["kind"])
    wanted = one_of(kinds, STATE_KINDS)
    stride = _stride(events)
    key = _youth_key(events["rep"].to_numpy()[wanted], events["youth"].to_numpy()[wanted], stride)
    tl = Timeline(key, events["week"].to_numpy()[wanted], kinds[wanted], events["value"].to_numpy()[wanted],
                  n_weeks)
    del key, kinds, wanted
    frame = {"key": tl.youth, "rep": tl.youth // stride, "youth": tl.youth % stride,
             "start": tl.start.astype(np.int64), "end": tl.stop.astype(np.int64),
             "status": tl.status.astype(np.int64)}
    frame.update({name: getattr(tl, name).astype(np.int64) for name in TIMELINE_STATES})
    return pd.DataFrame(frame)


def _status_at(timeline: pd.DataFrame, key: np.ndarray, week: np.ndarray, n_weeks: int) -> np.ndarray:
    """Status of each (youth key, week) query, from the timeline."""
    stride = n_weeks + 1
    seg = timeline["key"].to_numpy() * stride + timeline["start"].to_numpy()
    pos = np.searchsorted(seg, key * stride + week, side="right") - 1
    found = (pos >= 0) & (timeline["key"].to_numpy()[np.maximum(pos, 0)] == key)
    return np.where(found, timeline["status"].to_numpy()[np.maximum(pos, 0)], codes.S_NOT_ENTERED)


def _per_rep(rep: np.ndarray, weights: np.ndarray, reps: int) -> np.ndarray:
    return np.bincount(rep, weights=weights.astype(np.float64), minlength=reps)[:reps]


def _ratio(num: np.ndarray, den: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """num / den * scale with 0 where den is 0 (an empty population has nothing to report)."""
    out = np.zeros_like(num, dtype=np.float64)
    ok = den > 0
    out[ok] = num[ok] / den[ok] * scale
    return out


# --------------------------------------------------------------------------- outcomes

def entry_cohort(events: pd.DataFrame, kinds: np.ndarray, timeline: pd.DataFrame, first_week: int,
                 n_weeks: int, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entry cohort for a share ``months`` after entry: each youth's first registration
    or return in the period, kept when the run goes on ``months`` after it. Returns the
    cohort's replications, youth ids and whether each was in work or education then (the
    one definition the national shares and the results by county both count)."""
    stride = _stride(events)
    is_entry = one_of(kinds, (codes.EV_REGISTRATION, codes.EV_RETURN))
    week = events["week"].to_numpy()[is_entry].astype(np.int64)
    rep = events["rep"].to_numpy()[is_entry].astype(np.int64)
    key = _youth_key(rep, events["youth"].to_numpy()[is_entry], stride)
    in_period = week >= first_week
    key, week, rep = key[in_period], week[in_period], rep[in_period]
    order = np.lexsort((week, key))
    key, week, rep = key[order], week[order], rep[order]
    _, first_idx = np.unique(key, return_index=True)
    key, week, rep = key[first_idx], week[first_idx], rep[first_idx]
    h = months_to_weeks(months)
    ok = week + h < n_weeks
    status = _status_at(timeline, key[ok], week[ok] + h, n_weeks)
    return rep[ok], key[ok] % stride, one_of(status, WORK_OR_EDUCATION)


def _entry_cohort_shares(events: pd.DataFrame, kinds: np.ndarray, timeline: pd.DataFrame,
                         first_week: int, n_weeks: int, reps: int, scale: float) -> dict[str, np.ndarray]:
    """Work-or-education shares 6 and 12 months after each youth's first entry in the period."""
    out: dict[str, np.ndarray] = {}
    for months in (6, 12):
        rep, _, success = entry_cohort(events, kinds, timeline, first_week, n_weeks, months)
        count = _per_rep(rep, success, reps)
        cohort = _per_rep(rep, np.ones(len(rep)), reps)
        out[f"work_or_education_{months}m"] = _ratio(count, cohort, 100.0)
        if months == 12:
            window_years = cohort_window_years(first_week, n_weeks)
            out["work_or_education_12m_persons"] = (
                count / scale / window_years if window_years > 0 else np.zeros(reps))
    return out


def cohort_window_years(first_week: int, n_weeks: int, months: int = 12) -> float:
    """Years of entry weeks whose cohort a share ``months`` later can count."""
    return max(n_weeks - months_to_weeks(months) - first_week, 0) / codes.WEEKS_PER_YEAR


def _days_in_work(events: pd.DataFrame, kinds: np.ndarray, timeline: pd.DataFrame,
                  first_week: int, n_weeks: int, reps: int) -> np.ndarray:
    """Mean days in work over the 104 weeks after first registration, new entrants in the period."""
    stride = _stride(events)
    reg = (kinds == codes.EV_REGISTRATION)
    week = events["week"].to_numpy()[reg].astype(np.int64)
    rep = events["rep"].to_numpy()[reg].astype(np.int64)
    key = _youth_key(rep, events["youth"].to_numpy()[reg], stride)
    ok = (week >= first_week) & (week + WORK_HORIZON_WEEKS <= n_weeks)
    key, week, rep = key[ok], week[ok], rep[ok]
    key, first_idx = np.unique(key, return_index=True)  # one registration per youth
    week, rep = week[first_idx], rep[first_idx]
    if len(key) == 0:
        return np.zeros(reps)

    seg_key = timeline["key"].to_numpy()
    pos = np.searchsorted(key, seg_key)
    member = (pos < len(key)) & (key[np.minimum(pos, len(key) - 1)] == seg_key)
    pos = pos[member]
    working = one_of(timeline["status"].to_numpy()[member], IN_WORK)
    start0 = week[pos]
    weeks_in_work = _overlap(timeline["start"].to_numpy()[member], timeline["end"].to_numpy()[member],
                             start0, start0 + WORK_HORIZON_WEEKS) * working
    per_youth = np.bincount(pos, weights=weeks_in_work.astype(np.float64), minlength=len(key))
    days = _per_rep(rep, per_youth * 7, reps)
    return _ratio(days, _per_rep(rep, np.ones(len(key)), reps))


def _spell_mean(timeline: pd.DataFrame, condition: np.ndarray, first_week: int, n_weeks: int,
                reps: int) -> np.ndarray:
    """Mean length in weeks of completed runs of ``condition`` that begin in the period."""
    key = timeline["key"].to_numpy()
    start = timeline["start"].to_numpy()
    end = timeline["end"].to_numpy()
    rep = timeline["rep"].to_numpy()
    prev_same = np.r_[False, (key[1:] == key[:-1]) & condition[:-1]]
    begins = condition & ~prev_same
    run_id = np.cumsum(begins) - 1
    if not begins.any():
        return np.zeros(reps)
    run_start = start[begins]
    run_rep = rep[begins]
    run_end = np.zeros(int(begins.sum()), dtype=np.int64)
    np.maximum.at(run_end, run_id[condition], end[condition])
    keep = (run_start >= first_week) & (run_end < n_weeks)
    total = _per_rep(run_rep[keep], (run_end - run_start)[keep], reps)
    count = _per_rep(run_rep[keep], np.ones(keep.sum()), reps)
    return _ratio(total, count)


def _first_contact(events: pd.DataFrame, kinds: np.ndarray, first_week: int, n_weeks: int,
                   reps: int) -> np.ndarray:
    """Mean weeks from first registration (in the period) to the first advisor contact."""
    stride = _stride(events)
    rep_all = events["rep"].to_numpy()
    week_all = events["week"].to_numpy()
    youth_all = events["youth"].to_numpy()
    wstride = n_weeks + 1

    def keyed(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Youth key, week and rep (int64) of the events in ``mask``: widened after the
        selection, since at national scale each int64 column of the whole log is 0.7 GB."""
        rep = rep_all[mask].astype(np.int64)
        return _youth_key(rep, youth_all[mask], stride), week_all[mask].astype(np.int64), rep

    def sorted_keys(mask: np.ndarray) -> np.ndarray:
        """(youth key, week) of the events in ``mask`` as one sorted int64 each.

        Built in place in a single array: contacts are half of a national log, and every
        int64 column of them is 0.3 GB.
        """
        k = rep_all[mask].astype(np.int64)
        k *= stride
        k += youth_all[mask]
        k *= wstride
        k += week_all[mask]
        k.sort()
        return k

    contact_k = sorted_keys((kinds == codes.EV_CONTACT) & (events["aux"].to_numpy() >= 0))
    exit_k = sorted_keys(kinds == codes.EV_EXIT)

    reg = (kinds == codes.EV_REGISTRATION) & (week_all >= first_week) \
        & (week_all + FIRST_CONTACT_MIN_WEEKS <= n_weeks)
    key, week, rep = keyed(reg)
    if len(key) == 0:
        return np.zeros(reps)
    query = key * wstride + week

    never = np.iinfo(np.int64).max

    def first_at_or_after(sorted_k: np.ndarray) -> np.ndarray:
        """Week of the first listed event at or after each registration (``never`` if none)."""
        weeks = np.full(len(key), never)
        if len(sorted_k) == 0:
            return weeks
        pos = np.searchsorted(sorted_k, query, side="left")
        hit = sorted_k[np.minimum(pos, len(sorted_k) - 1)]
        found = (pos < len(sorted_k)) & (hit // wstride == key)
        weeks[found] = hit[found] % wstride
        return weeks

    contact = first_at_or_after(contact_k)
    exit_ = first_at_or_after(exit_k)
    ok = (contact < never) & (contact <= exit_)
    total = _per_rep(rep[ok], contact[ok] - week[ok], reps)
    return _ratio(total, _per_rep(rep[ok], np.ones(ok.sum()), reps))


def _contacts(events: pd.DataFrame, kinds: np.ndarray, first_week: int, reps: int,
              youth_months: np.ndarray) -> dict[str, np.ndarray]:
    mask = (kinds == codes.EV_CONTACT) & (events["aux"].to_numpy() >= 0) \
        & (events["week"].to_numpy() >= first_week)
    rep = events["rep"].to_numpy()[mask].astype(np.int64)
    channel = events["value"].to_numpy()[mask].astype(np.int64)
    counts = np.zeros((reps, codes.N_CHANNELS))
    np.add.at(counts, (rep, channel), 1.0)
    out = {f"contacts_per_month_{ch}": _ratio(counts[:, i], youth_months)
           for i, ch in enumerate(codes.CHANNEL)}
    out["contacts_per_month_all"] = _ratio(counts.sum(axis=1), youth_months)
    return out


def _stocks_at_end(weekly: pd.DataFrame, reps: int, scale: float) -> dict[str, np.ndarray]:
    """AAP and uføre stocks in the last week of the period, national."""
    stock = weekly[weekly["variable"].astype(str) == "stock_benefit"]
    out = {"aap_stock_end": np.zeros(reps), "ufore_stock_end": np.zeros(reps)}
    if stock.empty:
        return out
    last = stock[stock["week"] == stock["week"].max()]
    category = last["category"].astype(str).to_numpy()
    for benefit in ("aap", "ufore"):
        rows = last[category == benefit]
        out[f"{benefit}_stock_end"] = _per_rep(rows["rep"].to_numpy().astype(np.int64),
                                               rows["value"].to_numpy(), reps) / scale
    return out


def _advisor_outcomes(advisors: pd.DataFrame, first_week: int, n_weeks: int, reps: int,
                      scale: float) -> dict[str, np.ndarray]:
    """Portfolio mean and 90th percentile by role; FTEs by role and for hired advisors."""
    out: dict[str, np.ndarray] = {}
    if advisors.empty:
        for r in codes.ROLE:
            out[f"portefolje_mean_{r}"] = out[f"portefolje_p90_{r}"] = np.full(reps, np.nan)
            out[f"veileder_fte_{r}"] = np.zeros(reps)
        out["veileder_fte_hired"] = np.zeros(reps)
        return out
    adv = advisors[advisors["week"] >= first_week]
    weeks = max(n_weeks - first_week, 1)
    hired = adv["hired"].to_numpy().astype(bool) if "hired" in adv else np.zeros(len(adv), bool)
    role = adv["role"].astype(str).to_numpy()
    rep = adv["rep"].to_numpy().astype(np.int64)
    portfolio = adv["portfolio"].to_numpy().astype(np.float64)
    for r in codes.ROLE:
        in_role = role == r
        stats = pd.DataFrame({"rep": rep[in_role], "p": portfolio[in_role]}).groupby("rep")["p"]
        out[f"portefolje_mean_{r}"] = stats.mean().reindex(range(reps)).to_numpy()
        out[f"portefolje_p90_{r}"] = stats.quantile(0.9).reindex(range(reps)).to_numpy()
    for r in codes.ROLE:
        out[f"veileder_fte_{r}"] = _per_rep(rep, (role == r) & ~hired, reps) / weeks / scale
    out["veileder_fte_hired"] = _per_rep(rep, hired, reps) / weeks / scale
    return out


def unit_costs_of(result: RunResult) -> Mapping[str, float] | None:
    """The scenario's ``costs`` block as stored in the run's manifest (None when absent)."""
    scenario = result.manifest.get("scenario") if result.manifest else None
    if isinstance(scenario, Mapping) and isinstance(scenario.get("costs"), Mapping):
        return scenario["costs"]
    return None


def outcomes(result: RunResult, unit_costs: Mapping[str, float] | Any | None = None,
             from_week: int | None = None, timeline: pd.DataFrame | None = None) -> pd.DataFrame:
    """All outcomes of a run, one row per replication (index ``rep``), columns as :data:`OUTCOMES`.

    ``unit_costs`` (a mapping or the scenario's ``Costs`` block) defaults to the costs in the
    run's manifest; without either, the ``cost_*`` columns are left out. ``from_week`` starts
    the measured window later than the period (a comparison measures from when a lever starts,
    so the unchanged years before do not dilute its effect); costs are per year of the same
    window. ``timeline`` is ``build_timeline(result.events, n_weeks)`` when the caller has it.
    """
    cal = result.calendar
    first_week, n_weeks = cal.first_week, cal.n_weeks
    if from_week is not None:
        first_week = min(max(first_week, int(from_week)), n_weeks - 1)
    reps = n_reps(result)
    scale = float(result.scale)
    events = result.events
    kinds = kind_codes(events["kind"])
    if timeline is None:
        timeline = build_timeline(events, n_weeks)
    rep = timeline["rep"].to_numpy()
    in_period = _overlap(timeline["start"].to_numpy(), timeline["end"].to_numpy(), first_week, n_weeks)
    follow_up = timeline["status"].to_numpy() == codes.S_FOLLOW_UP
    fu_weeks = _per_rep(rep, in_period * follow_up, reps)
    tiltak = timeline["tiltak"].to_numpy()
    advisor = timeline["advisor"].to_numpy()

    cols: dict[str, np.ndarray] = {}
    cols.update(_entry_cohort_shares(events, kinds, timeline, first_week, n_weeks, reps, scale))
    cols["days_in_work_2y"] = _days_in_work(events, kinds, timeline, first_week, n_weeks, reps)
    cols["tiltak_share_of_weeks"] = _ratio(
        _per_rep(rep, in_period * (follow_up & (tiltak == codes.Q_IN)), reps), fu_weeks, 100.0)
    starts = (kinds == codes.EV_TILTAK) & (events["value"].to_numpy() == codes.Q_IN) \
        & (events["week"].to_numpy() >= first_week)
    cols["tiltak_starts_per_1000"] = _ratio(
        _per_rep(events["rep"].to_numpy()[starts].astype(np.int64), np.ones(starts.sum()), reps),
        fu_weeks / codes.WEEKS_PER_YEAR, 1000.0)
    cols.update(_stocks_at_end(result.weekly, reps, scale))
    cols.update(_contacts(events, kinds, first_week, reps, fu_weeks / WEEKS_PER_MONTH))
    cols["weeks_to_first_contact"] = _first_contact(events, kinds, first_week, n_weeks, reps)
    waiting_advisor = follow_up & (advisor == NO_ADVISOR)
    cols["weeks_waiting_veileder"] = _spell_mean(timeline, waiting_advisor, first_week, n_weeks, reps)
    cols["share_weeks_without_veileder"] = _ratio(
        _per_rep(rep, in_period * waiting_advisor, reps), fu_weeks, 100.0)
    cols["weeks_waiting_tiltak"] = _spell_mean(
        timeline, follow_up & (tiltak == codes.Q_WAITING), first_week, n_weeks, reps)
    cols.update(_advisor_outcomes(result.advisors, first_week, n_weeks, reps, scale))

    if unit_costs is None:
        unit_costs = unit_costs_of(result)
    if unit_costs is not None:
        costs = cost_per_year(result, timeline, unit_costs, reps, first_week)
        cols.update({f"cost_{c}": costs[c].to_numpy() for c in costs.columns})

    frame = pd.DataFrame(cols, index=pd.RangeIndex(reps, name="rep"))
    return frame[[c for c in OUTCOMES if c in frame.columns]]


# --------------------------------------------------------------------------- summary.json

def _jsonable(values: np.ndarray | pd.Series) -> list[float | None]:
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(values, dtype=np.float64)]


def _mean(values: np.ndarray | pd.Series) -> float | None:
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if len(arr) else None


def _weekly_summary(result: RunResult, variable: str, how: str) -> dict[str, dict[str, Any]]:
    """Per category: the last-week value ("end") or the mean over weeks ("mean"), national."""
    weekly = result.weekly
    rows = weekly[weekly["variable"].astype(str) == variable]
    if rows.empty:
        return {}
    if how == "end":
        rows = rows[rows["week"] == rows["week"].max()]
    per = (rows.assign(category=rows["category"].astype(str))
           .groupby(["category", "rep"], observed=True)["value"].mean() / result.scale)
    out: dict[str, dict[str, Any]] = {}
    for category, values in per.groupby(level=0):
        out[str(category) or "all"] = {"mean": _mean(values), "values": _jsonable(values)}
    return out


def county_reps(result: RunResult, timeline: pd.DataFrame | None = None,
                from_week: int | None = None) -> dict[str, np.ndarray]:
    """The results by county (``sim.counties``), per replication, counted with the national
    outcomes' timeline and entry cohort; ``from_week`` as in :func:`outcomes`."""
    cal = result.calendar
    first_week = cal.first_week
    if from_week is not None:
        first_week = min(max(first_week, int(from_week)), cal.n_weeks - 1)
    if timeline is None:
        timeline = build_timeline(result.events, cal.n_weeks)
    kinds = kind_codes(result.events["kind"])
    cohort = entry_cohort(result.events, kinds, timeline, first_week, cal.n_weeks, 12)
    return counties.by_county_reps(result, timeline, cohort, cohort_window_years(first_week, cal.n_weeks),
                                   n_reps(result), first_week)


def has_counties(result: RunResult) -> bool:
    """Whether a run's tables carry the county of youths and advisors (hand-made ones may not)."""
    return all("county" in t.columns for t in (result.youths, result.advisors))


def county_table(result: RunResult, timeline: pd.DataFrame | None = None) -> pd.DataFrame:
    """The by-county table of a run (``by_county.csv``): means over replications."""
    return counties.table(county_reps(result, timeline))


def summary(result: RunResult, table: pd.DataFrame | None = None,
            unit_costs: Mapping[str, float] | Any | None = None) -> dict[str, Any]:
    """Headline outcomes for ``summary.json``: per outcome its mean and per-replication values.

    Also the stocks by status at period end and the mean weekly exits by type (national,
    from weekly.parquet), which OUTPUTS.md lists for the summary. ``table`` is a ready
    :func:`outcomes` table; ``unit_costs`` as in :func:`outcomes`.
    """
    timeline = build_timeline(result.events, result.calendar.n_weeks)
    table = outcomes(result, unit_costs, timeline=timeline) if table is None else table
    result.by_county = county_table(result, timeline) if has_counties(result) else None
    cal = result.calendar
    stored = (result.manifest or {}).get("calendar", {})
    return {
        "name": result.name,
        "replications": int(len(table)),
        "scale": float(result.scale),
        "period": {"start": str(stored.get("period_start") or cal.date_of(cal.first_week).isoformat()),
                   "end": str(stored.get("period_end") or cal.date_of(cal.n_weeks - 1).isoformat())},
        "outcomes": {
            name: {"label": OUTCOMES[name].label, "unit": OUTCOMES[name].unit,
                   "mean": _mean(table[name]), "values": _jsonable(table[name])}
            for name in table.columns
        },
        "stocks_at_end_by_status": _weekly_summary(result, "stock_status", "end"),
        "exits_per_week_by_type": _weekly_summary(result, "exits", "mean"),
    }
