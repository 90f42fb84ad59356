"""Advisor statistics: portfolios, contacts per advisor, and first contact with new users.

``portfolio_*`` and ``contacts_per_advisor_week`` read the weekly advisor panel
(advisors.parquet), which covers the weeks of the scenario's period; ``where`` takes the
advisor filters ``role`` and ``employer``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.measure.base import (
    NotMeasurable,
    in_ranges,
    metric,
    require_weeks,
    share,
    year_ranges,
    year_start_of,
)
from sim.measure.population import RepData
from sim.measure.timeline import EventIndex, make_keys
from sim.processes.older_users import MEETING_CHANNELS, older_flow
from sim.targets import ADVISOR_FILTERS, DELAY_BANDS, Measure


def _advisors_in_week(rd: RepData, m: Measure) -> pd.DataFrame:
    week = rd.calendar.week_of(m.params["date"])
    require_weeks(rd, week, week + 1, "date", advisors=True)
    frame = rd.advisors[rd.advisors["week"].to_numpy() == week]
    return frame[rd.advisor_mask(m.where, frame)]


@metric("portfolio_mean")
def portfolio_mean(rd: RepData, m: Measure) -> float:
    """Mean portfolio (youths + older users) of the active advisors matching ``where`` in the
    week containing ``date``."""
    portfolio = _advisors_in_week(rd, m)["portfolio"].to_numpy(dtype=float)
    return float(portfolio.mean()) if len(portfolio) else float("nan")


@metric("portfolio_share_above")
def portfolio_share_above(rd: RepData, m: Measure) -> float:
    """Share of the active advisors matching ``where`` whose portfolio exceeds ``threshold``."""
    portfolio = _advisors_in_week(rd, m)["portfolio"].to_numpy(dtype=float)
    return share(portfolio > m.params["threshold"], np.ones(len(portfolio), dtype=bool))


@metric("contacts_per_advisor_week")
def contacts_per_advisor_week(rd: RepData, m: Measure) -> float:
    """Mean contacts in ``channel`` per advisor-week: the mean of the channel's weekly count
    over all (advisor, week) rows of advisors matching ``where`` in the weeks of ``year``.
    Contacts with older users are included, as in the surveys."""
    ranges = year_ranges(rd, m.params["year"])
    require_weeks(rd, min(r.start for r in ranges), max(r.stop for r in ranges), "year", advisors=True)
    frame = rd.advisors
    rows = in_ranges(frame["week"].to_numpy(), ranges) & rd.advisor_mask(m.where, frame)
    values = frame[m.params["channel"]].to_numpy(dtype=float)[rows]
    return float(values.mean()) if len(values) else float("nan")


def assignments(rd: RepData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every new assignment of a youth to an advisor: youth, week, advisor.

    An ``advisor`` event with an advisor id (not -1) is a new assignment when it differs
    from the youth's previous advisor in the current follow-up spell, or when the spell had
    no advisor before: a first assignment, a reassignment after waiting or after an
    advisor left (-1 in between), and a transfer from one advisor to another all give the
    new advisor a new user. Events are taken in log order, so an advisor assigned and lost
    again within one week (e.g. the youth left that week) still had a new user.
    """
    ev = rd.advisor_events
    youth, week, advisor = ev.youth, ev.week, ev.value
    if not len(youth):
        return youth, week, advisor
    same_youth = np.r_[False, youth[1:] == youth[:-1]]
    prev_week = np.r_[-1, week[:-1]]
    prev_advisor = np.r_[-1, advisor[:-1]]
    spell_start = rd.at(youth, week).spell_start
    had_advisor = same_youth & (prev_week >= spell_start)
    new = (advisor >= 0) & (~had_advisor | (prev_advisor != advisor))
    return youth[new], week[new], advisor[new]


def _advisor_rows(rd: RepData, advisor: np.ndarray, week: np.ndarray) -> np.ndarray:
    """Row positions in rd.advisors of each (advisor, week), -1 when the advisor has no row."""
    frame = rd.advisors
    keys = make_keys(frame["advisor"].to_numpy(), frame["week"].to_numpy())
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    query = make_keys(advisor, week)
    pos = np.minimum(np.searchsorted(keys, query), max(len(keys) - 1, 0))
    found = keys[pos] == query if len(keys) else np.zeros(len(query), dtype=bool)
    return np.where(found, order[pos] if len(keys) else -1, -1)


def _pair_contacts(rd, youth: np.ndarray, advisor: np.ndarray) -> tuple[EventIndex, np.ndarray]:
    """Contacts indexed by (youth, advisor) pair, and each assignment's pair: a first contact
    counts only when it comes from the advisor the youth was assigned to."""
    pairs = np.unique(make_keys(youth, advisor))
    has_advisor = rd.contact_advisor >= 0
    contact_pairs = make_keys(rd.contact_youth[has_advisor], rd.contact_advisor[has_advisor])
    pos = np.minimum(np.searchsorted(pairs, contact_pairs), max(len(pairs) - 1, 0))
    known_pair = (pairs[pos] == contact_pairs) if len(pairs) else np.zeros(len(contact_pairs), bool)
    contacts = EventIndex(pos[known_pair], rd.contact_week[has_advisor][known_pair])
    return contacts, np.searchsorted(pairs, make_keys(youth, advisor))


@metric("first_contact_share")
def first_contact_share(rd: RepData, m: Measure) -> float:
    """Among new assignments in ``year`` (see :func:`assignments`) to advisors matching the
    advisor filters of ``where`` (role and employer in the assignment week), of youths
    matching its youth filters (state in the assignment week): the share first contacted
    by that advisor within ``within_weeks`` weeks.

    Contacted within k weeks: a ``contact`` event from that advisor (``aux`` = advisor id,
    any channel) in weeks ``a .. a + k - 1`` after the assignment week ``a`` (delay
    ``contact week - a < k``; a contact in the assignment week has delay 0). Youths who
    leave or change advisor before any contact count as not contacted.
    """
    k = int(m.params["within_weeks"])
    ranges = year_ranges(rd, m.params["year"])
    require_weeks(rd, min(r.start for r in ranges), max(r.stop for r in ranges) - 1 + k,
                  "assignments and their contact window", advisors=True)
    youth, week, advisor = assignments(rd)
    sel = in_ranges(week, ranges) & rd.known(youth)
    youth, week, advisor = youth[sel], week[sel], advisor[sel]
    population = rd.youth_mask(m.where, rd.at(youth, week), (year_start_of(week, ranges), week))
    if any(name in m.where for name in ADVISOR_FILTERS):
        rows = _advisor_rows(rd, advisor, week)
        ok = rows >= 0
        advisor_ok = np.zeros(len(rows), dtype=bool)
        advisor_ok[ok] = rd.advisor_mask(m.where, rd.advisors.iloc[rows[ok]])
        population &= advisor_ok
    contacts, own_pair = _pair_contacts(rd, youth, advisor)
    contacted = contacts.count(own_pair, week, week + k) > 0
    return share(contacted, population)


def delay_bands(advisor: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each advisor's usual band from the new users' delays, given as ``weights[k, b]``: the
    number of new users of row k's advisor whose first contact fell in band b (``le_1w``: a
    contact in the assignment or arrival week, ``w2``: the next week, ``ge_3w``: later or
    never). The usual band holds the median: the first band whose cumulative weight reaches
    half the advisor's total (with whole users, the lower of the two middle ones). Returns
    advisors and band codes."""
    ids, row = np.unique(advisor, return_inverse=True)
    total = np.zeros((len(ids), len(DELAY_BANDS)))
    np.add.at(total, row, weights)
    reached = np.cumsum(total, axis=1) >= total.sum(axis=1, keepdims=True) / 2.0
    return ids, np.argmax(reached, axis=1)


def youth_delay_weights(first_contact_delay: np.ndarray) -> np.ndarray:
    """One whole user per youth in the band of its delay in weeks (-1: never)."""
    band = np.where(first_contact_delay < 0, 2, np.minimum(first_contact_delay, 2))
    return np.eye(len(DELAY_BANDS))[band]


def older_delay_weights(panel: pd.DataFrame, arrivals: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """Expected older arrivals of each advisor-week by the band of their first contact: in
    the arrival week with that week's chance, else the next week with the next week's (the
    same again when the advisor has no row next week), else later."""
    advisor, week = panel["advisor"].to_numpy(), panel["week"].to_numpy()
    keys, following = make_keys(advisor, week), make_keys(advisor, week + 1)   # keys sorted
    nxt = np.minimum(np.searchsorted(keys, following), len(keys) - 1)
    chance_next = np.where(keys[nxt] == following, chance[nxt], chance)
    first = arrivals * chance
    second = arrivals * (1.0 - chance) * chance_next
    return np.column_stack([first, second, arrivals - first - second])


def youth_meetings(rd: RepData) -> np.ndarray:
    """Meetings with youths in each row of rd.advisors (an advisor-week), from the contact
    events that name their advisor."""
    sel = np.isin(rd.contact_channel, MEETING_CHANNELS) & (rd.contact_advisor >= 0)
    rows = _advisor_rows(rd, rd.contact_advisor[sel], rd.contact_week[sel])
    return np.bincount(rows[rows >= 0], minlength=len(rd.advisors)).astype(np.float64)


@metric("advisor_first_contact_share")
def advisor_first_contact_share(rd: RepData, m: Measure) -> float:
    """Share of advisors (matching ``where`` in their row of the assignment week) with new
    users in ``year`` whose usual delay to first contact is ``band`` (:func:`delay_bands`).

    New users are youths newly assigned (:func:`assignments`), their delay running from the
    assignment week to the first contact by that advisor (any channel; users who leave or
    change advisor first were never contacted by it), and older users arriving, in expected
    numbers by band from the older flow (``sim.processes.older_users``), whose chance of a
    first contact comes from the meetings the advisor gave older users that week.
    """
    ranges = year_ranges(rd, m.params["year"])
    require_weeks(rd, min(r.start for r in ranges), max(r.stop for r in ranges) + 1,
                  "assignments and two weeks of contacts", advisors=True)
    parameters = rd.scenario.get("parameters") if rd.scenario else None
    if not parameters:
        raise NotMeasurable("the run's manifest has no scenario parameters, which the older "
                            "users' flow is derived from")
    frame = rd.advisors
    order = np.lexsort((frame["week"].to_numpy(), frame["advisor"].to_numpy()))
    panel = frame.iloc[order]
    arrivals, chance = older_flow(panel, parameters, youth_meetings(rd)[order])
    older = older_delay_weights(panel, arrivals, chance)
    in_year = in_ranges(panel["week"].to_numpy(), ranges) & rd.advisor_mask(m.where, panel)
    youth, week, advisor = assignments(rd)
    sel = in_ranges(week, ranges) & rd.known(youth)
    youth, week, advisor = youth[sel], week[sel], advisor[sel]
    rows = _advisor_rows(rd, advisor, week)
    ok = rows >= 0
    ok[ok] = rd.advisor_mask(m.where, frame.iloc[rows[ok]])
    youth, week, advisor = youth[ok], week[ok], advisor[ok]
    contacts, own = _pair_contacts(rd, youth, advisor)
    delay = np.full(len(youth), -1, dtype=np.int64)
    for d in (1, 0):  # later checks win: a contact in the assignment week is delay 0
        delay[contacts.count(own, week + d, week + d + 1) > 0] = d
    with_older = in_year & (arrivals > 0)
    ids, band = delay_bands(np.concatenate([advisor, panel["advisor"].to_numpy()[with_older]]),
                            np.concatenate([youth_delay_weights(delay), older[with_older]]))
    wanted = DELAY_BANDS.index(m.params["band"])
    return share(band == wanted, np.ones(len(ids), dtype=bool))
