"""Weekly stocks and flows (``weekly.parquet``), computed the same way for both engines.

:func:`record_week` reads plain state arrays and the week's events; the numba engine passes
its tables, the Mesa engine gathers its agents' attributes into arrays first. One function,
one definition of every weekly statistic.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim import rules
from sim.codes import (
    ACTIVITY,
    BENEFIT,
    CHANNEL,
    EV_CONTACT,
    EV_EXIT,
    EV_REGISTRATION,
    EV_RETURN,
    EXIT_TYPES,
    INNSATSGRUPPE,
    Q_IN,
    Q_WAITING,
    R_OLDER,
    ROLE,
    S_AGED_OUT,
    S_FOLLOW_UP,
    S_UFORE,
    STATUS,
    TILTAK_TYPE,
)

primary_activity = rules.primary_activity


def _columns() -> list[tuple[str, str]]:
    cols: list[tuple[str, str]] = []
    cols += [("stock_innsatsgruppe", g) for g in INNSATSGRUPPE]
    cols += [("stock_activity", a) for a in ACTIVITY]
    cols += [("stock_benefit", b) for b in BENEFIT]
    cols += [("stock_status", s) for s in STATUS]
    cols += [("entries", ""), ("returns", "")]
    cols += [("exits", e) for e in EXIT_TYPES]
    cols += [("contacts", c) for c in CHANNEL]
    cols += [("tiltak_in", ""), ("tiltak_waiting", ""), ("tiltak_capacity", ""),
             ("treatment_waiting", ""), ("advisor_waiting", "")]
    cols += [("portfolio_mean", r) for r in ROLE]
    cols += [("portfolio_p90", r) for r in ROLE]
    cols += [("advisors", r) for r in ROLE]
    cols += [("youths_per_advisor", r) for r in ROLE]
    cols += [("hired_advisors", ""), ("ips_in", ""), ("user_messages", "")]
    cols += [("tiltak_in_type", k) for k in TILTAK_TYPE]
    return cols


WEEKLY_COLUMNS: list[tuple[str, str]] = _columns()
N_WEEKLY = len(WEEKLY_COLUMNS)
_IDX = {c: k for k, c in enumerate(WEEKLY_COLUMNS)}
C_GROUP = _IDX[("stock_innsatsgruppe", INNSATSGRUPPE[0])]
C_ACTIVITY = _IDX[("stock_activity", ACTIVITY[0])]
C_BENEFIT = _IDX[("stock_benefit", BENEFIT[0])]
C_STATUS = _IDX[("stock_status", STATUS[0])]
C_ENTRIES = _IDX[("entries", "")]
C_RETURNS = _IDX[("returns", "")]
C_EXITS = _IDX[("exits", EXIT_TYPES[0])]
C_CONTACTS = _IDX[("contacts", CHANNEL[0])]
C_TILTAK_IN = _IDX[("tiltak_in", "")]
C_PORTFOLIO_MEAN = _IDX[("portfolio_mean", ROLE[0])]
C_PORTFOLIO_P90 = _IDX[("portfolio_p90", ROLE[0])]
C_ADVISORS = _IDX[("advisors", ROLE[0])]
C_YOUTHS_PER_ADVISOR = _IDX[("youths_per_advisor", ROLE[0])]
C_HIRED = _IDX[("hired_advisors", "")]
C_TILTAK_TYPE = _IDX[("tiltak_in_type", TILTAK_TYPE[0])]


@njit(cache=True)
def record_week(row, present, follow_up, status, group, tiltak, tiltak_type, treatment, labour, job_search,
                benefit, ips, advisor, adv_role, adv_active, adv_hired, adv_youths, adv_older, ev_kind,
                ev_value, ev_aux, tiltak_capacity):
    """Fill ``row`` (length N_WEEKLY) with this week's statistics, but for the portfolios'
    90th percentiles, which :func:`portfolio_p90` computes from the advisor panel after the run.

    ``present`` holds the ids of the youths whose statuses are counted (entered and not
    aged out; youths who aged out this week may be among them, as the ``aged_out`` stock is
    left at zero); ``follow_up`` holds (at least) the ids of the youths in follow-up,
    ascending; ``ev_*`` are the events of this week only.
    """
    # Counts are kept as integers and written to the float row once: adding 1.0 to a row
    # cell is a chain of dependent floating-point additions through memory, per youth.
    counts = np.zeros(N_WEEKLY, dtype=np.int64)
    # Status stocks over everyone in range, branch-free: statuses come in no order, so a
    # branch per youth would be mispredicted about as often as not. Four interleaved
    # histograms keep consecutive increments of one count from waiting on each other.
    n_status = len(STATUS)
    by_status = np.zeros((4, n_status), dtype=np.int64)
    for k in range(present.shape[0]):
        i = present[k]
        s = status[i]
        by_status[k & 3, s] += 1
        counts[C_BENEFIT + benefit[i]] += s == S_UFORE
    for s in range(n_status):
        counts[C_STATUS + s] = by_status[0, s] + by_status[1, s] + by_status[2, s] + by_status[3, s]
    tiltak_in = 0
    tiltak_waiting = 0
    treatment_waiting = 0
    advisor_waiting = 0
    ips_in = 0
    for i in follow_up:
        if status[i] != S_FOLLOW_UP:
            continue
        counts[C_GROUP + group[i]] += 1
        counts[C_ACTIVITY + primary_activity(tiltak[i], treatment[i], labour[i], job_search[i])] += 1
        counts[C_BENEFIT + benefit[i]] += 1
        if tiltak[i] == Q_IN:
            tiltak_in += 1
            counts[C_TILTAK_TYPE + tiltak_type[i]] += 1
        tiltak_waiting += tiltak[i] == Q_WAITING
        treatment_waiting += treatment[i] == Q_WAITING
        advisor_waiting += advisor[i] < 0
        ips_in += ips[i] == Q_IN
    counts[C_TILTAK_IN] = tiltak_in
    counts[C_TILTAK_IN + 1] = tiltak_waiting
    counts[C_TILTAK_IN + 3] = treatment_waiting
    counts[C_TILTAK_IN + 4] = advisor_waiting
    counts[C_HIRED + 1] = ips_in
    for k in range(ev_kind.shape[0]):
        kind = ev_kind[k]
        if kind == EV_CONTACT:
            if ev_aux[k] >= 0:
                counts[C_CONTACTS + ev_value[k]] += 1
            else:
                counts[C_HIRED + 2] += 1
        elif kind == EV_EXIT:
            counts[C_EXITS + ev_value[k] - 2] += 1
        elif kind == EV_REGISTRATION:
            counts[C_ENTRIES] += 1
        elif kind == EV_RETURN:
            counts[C_RETURNS] += 1
    for c in range(N_WEEKLY):
        row[c] = counts[c]
    row[C_TILTAK_IN + 2] = tiltak_capacity
    # Portfolio sizes by role, in one pass over the advisors.
    n_adv = adv_role.shape[0]
    sizes = np.empty((3, n_adv), dtype=np.float64)
    n_role = np.zeros(3, dtype=np.int64)
    youths = np.zeros(3, dtype=np.float64)
    hired = 0
    for a in range(n_adv):
        if adv_active[a]:
            r = adv_role[a]
            sizes[r, n_role[r]] = adv_youths[a] + adv_older[a]
            n_role[r] += 1
            youths[r] += adv_youths[a]
            hired += adv_hired[a]
    for r in range(3):
        n = n_role[r]
        if n == 0:
            continue
        row[C_PORTFOLIO_MEAN + r] = sizes[r, :n].mean()
        row[C_ADVISORS + r] = n
        row[C_YOUTHS_PER_ADVISOR + r] = youths[r] / n
    row[C_HIRED] = hired
    # the aged out are gone: a stock of them is not meaningful here
    row[C_STATUS + S_AGED_OUT] = 0.0


#: The percentile of ``portfolio_p90``, in percent. Written as numba's ``np.quantile`` (which
#: the weekly statistic used) works it out from a quantile of 0.9, so the figures are the
#: same to the last bit.
P90 = 0.9 * 100.0


def older_panel(base: np.ndarray, role: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Older users of each advisor in each week (int32 [weeks, advisors]) from their load at
    set-up and the weeks' index, with the arithmetic of ``processes.advisors.older_load``,
    so the panel holds what the weeks used without recording it week by week."""
    scaled = np.floor(base[None, :] * index[:, None] + 0.5).astype(np.int32)
    return np.where(role[None, :] == R_OLDER, scaled, base[None, :]).astype(np.int32)


def portfolio_p90(weekly: np.ndarray, adv_active: np.ndarray, adv_youths: np.ndarray,
                  role: np.ndarray, older: np.ndarray) -> None:
    """Fill the ``portfolio_p90`` columns of ``weekly`` from the weekly advisor panel.

    The 90th percentile of the portfolios (young plus older users) of each role's active
    advisors, interpolated linearly between the closest ranks. It is computed here, over all
    weeks at once, rather than week by week in :func:`record_week`: a percentile inside the
    compiled week made numba compile its general percentile machinery, about a tenth of the
    engine's first-run compile time, for a statistic the panel already holds. Weeks without
    an active advisor of a role keep 0, as the other columns of that role do.
    """
    portfolio = (adv_youths + older).astype(np.float64)
    for r in range(len(ROLE)):
        of_role = role == r
        if not of_role.any():
            continue
        counted = adv_active[:, of_role]
        n = counted.sum(axis=1)
        ranked = np.sort(np.where(counted, portfolio[:, of_role], np.inf), axis=1)
        for k in np.flatnonzero(n > 0):
            m_k = int(n[k])
            if m_k == 1:
                weekly[k, C_PORTFOLIO_P90 + r] = ranked[k, 0]
                continue
            rank = 1 + (m_k - 1) * (P90 / 100.0)
            f = int(np.floor(rank))
            m = rank - f
            weekly[k, C_PORTFOLIO_P90 + r] = ranked[k, f - 1] * (1 - m) + ranked[k, f] * m
