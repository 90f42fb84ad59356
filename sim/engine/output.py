"""What an engine hands back after a replication, and how it becomes the output tables.

Both engines produce an :class:`EngineOutput` of plain arrays; :func:`to_frames` turns the
replications into the tables of docs/OUTPUTS.md. Events are put in the order things
happened (week, youth, phase of the week, then the order within the phase), which makes
the log independent of the order in which an engine visited its agents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calendar import Calendar
from sim.codes import (
    BIRTH_REGION,
    CHANNEL,
    COUNTY,
    EDUCATION,
    EMPLOYER,
    EVENT_KIND,
    INNSATSGRUPPE,
    ROLE,
    SEX,
)
from sim.engine.record import WEEKLY_COLUMNS


@dataclass
class EngineOutput:
    """One replication's raw results."""

    events: dict[str, np.ndarray]  # week, youth, phase, kind, value, aux (in emission order)
    youths: dict[str, np.ndarray]  # fixed attributes of entered youths
    weekly: np.ndarray  # float64 [weeks in period, N_WEEKLY]
    adv_active: np.ndarray  # bool [weeks in period, advisors]
    adv_youths: np.ndarray  # int32 [weeks in period, advisors]
    adv_contacts: np.ndarray  # int32 [weeks in period, advisors, channel]
    adv_older: np.ndarray  # int32 [weeks in period, advisors]: older users that week
    adv_static: dict[str, np.ndarray]  # role, office, county, employer, older (at set-up), hired


def _event_order_key(events: dict[str, np.ndarray]) -> np.ndarray:
    """(week, youth, phase) as one int64 per event, built in place.

    Sorting this one key stably orders the events as ``np.lexsort`` of the three columns
    would, three times faster on an engine's log: the log comes in week order, and within
    a week in phases of ascending ids, runs that a stable sort merges rather than sorts.
    """
    key = events["week"].astype(np.int64)
    if len(key) == 0:
        return key
    key *= int(events["youth"].max()) + 1
    key += events["youth"]
    key *= int(events["phase"].max()) + 1
    key += events["phase"]
    return key


def ordered_events(events: dict[str, np.ndarray], release: bool = False) -> dict[str, np.ndarray]:
    """Events sorted by (week, youth, phase), keeping emission order within a phase.

    With ``release``, ``events`` is emptied column by column as the sorted copies are made,
    so that the log is not held twice: at national scale each copy is 1.6 GB.
    """
    order = np.argsort(_event_order_key(events), kind="stable")
    if release:
        return {k: events.pop(k)[order] for k in list(events)}
    return {k: v[order] for k, v in events.items()}


def _cat(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(names))


def to_frames(outputs: list[EngineOutput], calendar: Calendar,
              release_events: bool = False) -> dict[str, pd.DataFrame]:
    """The four output tables for all replications (``rep`` column first).

    With ``release_events`` the outputs' event logs are handed over: each ``out.events`` is
    left empty, its columns freed as the table's sorted copies are made.
    """
    events, youths, advisors, weekly = [], [], [], []
    first = calendar.first_week
    for rep, out in enumerate(outputs):
        # The sorted columns are fresh arrays that only this table uses, so the table takes
        # them as they are: a national run has 84 million events, and each copy of the log
        # is 1.6 GB at the run's peak memory.
        ev = ordered_events(out.events, release=release_events)
        n = len(ev["week"])
        events.append(pd.DataFrame({
            "rep": np.full(n, rep, dtype=np.int16),
            "week": ev["week"].astype(np.int32, copy=False),
            "youth": ev["youth"].astype(np.int32, copy=False),
            "kind": _cat(ev["kind"], EVENT_KIND),
            "value": ev["value"].astype(np.int32, copy=False),
            "aux": ev["aux"].astype(np.int32, copy=False),
        }, copy=False))
        y = out.youths
        m = len(y["youth"])
        youths.append(pd.DataFrame({
            "rep": np.full(m, rep, dtype=np.int16),
            "youth": y["youth"].astype(np.int32),
            "entry_week": y["entry_week"].astype(np.int32),
            "birth_week": y["birth_week"].astype(np.int32),
            "sex": _cat(y["sex"], SEX),
            "education": _cat(y["education"], EDUCATION),
            "birth_region": _cat(y["birth_region"], BIRTH_REGION),
            "has_children": y["children"].astype(bool),
            "mental_health": y["mental_health"].astype(bool),
            "health_problem": (y["mental_health"] | y["other_health"]).astype(bool),
            "true_need": _cat(y["need"], INNSATSGRUPPE),
            "office": y["office"].astype(np.int16),
            "county": _cat(y["county"], COUNTY),
            "ufore_direct": (y["entry_kind"] == 2),
        }))
        wk, ad = np.nonzero(out.adv_active)
        st = out.adv_static
        frame = {
            "rep": np.full(len(wk), rep, dtype=np.int16),
            "week": (wk + first).astype(np.int32),
            "advisor": ad.astype(np.int32),
            "office": st["office"][ad].astype(np.int16),
            "county": _cat(st["county"][ad], COUNTY),
            "role": _cat(st["role"][ad], ROLE),
            "employer": _cat(st["employer"][ad], EMPLOYER),
            "hired": st["hired"][ad].astype(bool),
            "youths": out.adv_youths[wk, ad].astype(np.int32),
            "older": out.adv_older[wk, ad].astype(np.int32),
        }
        frame["portfolio"] = (frame["youths"] + frame["older"]).astype(np.int32)
        for c, name in enumerate(CHANNEL):
            frame[name] = out.adv_contacts[wk, ad, c].astype(np.int32)
        advisors.append(pd.DataFrame(frame))
        n_weeks = out.weekly.shape[0]
        weeks = np.arange(first, first + n_weeks, dtype=np.int32)
        dates = pd.to_datetime([calendar.date_of(int(w)) for w in weeks]).date
        k = len(WEEKLY_COLUMNS)
        weekly.append(pd.DataFrame({
            "rep": np.full(n_weeks * k, rep, dtype=np.int16),
            "week": np.repeat(weeks, k),
            "date": np.repeat(np.array(dates), k),
            "variable": pd.Categorical(
                np.tile([c[0] for c in WEEKLY_COLUMNS], n_weeks),
                categories=list(dict.fromkeys(c[0] for c in WEEKLY_COLUMNS))),
            "category": np.tile([c[1] for c in WEEKLY_COLUMNS], n_weeks),
            "value": out.weekly.reshape(-1),
        }))
    frames = {
        "events": pd.concat(events, ignore_index=True),
        "youths": pd.concat(youths, ignore_index=True),
        "advisors": pd.concat(advisors, ignore_index=True),
        "weekly": pd.concat(weekly, ignore_index=True),
    }
    frames["weekly"]["category"] = frames["weekly"]["category"].astype("category")
    return frames
