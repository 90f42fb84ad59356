"""Hand-made runs for the measurement tests, and tests of the state reconstruction itself.

:class:`RunBuilder` writes the tables of docs/OUTPUTS.md from explicit events, so each
metric test states its youths' histories and checks a value worked out by hand. The
timeline tests compare the vectorised reconstruction with a plain week-by-week replay.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import codes
from sim.calendar import Calendar
from sim.measure import measure
from sim.measure.timeline import Timeline
from sim.results import RunResult
from sim.targets import Measure, parse_targets

#: Week 0 starts on 1 January 2020, so 2020 has weeks 0-52 and 2021 weeks 53-104.
SIM_START = dt.date(2020, 1, 1)


class RunBuilder:
    """Builds a RunResult from explicit events, youths and advisor rows."""

    def __init__(self, n_weeks: int = 160, first_week: int = 0, scale: float = 1.0, reps: int = 1) -> None:
        self.calendar = Calendar(sim_start=SIM_START, first_week=first_week, n_weeks=n_weeks)
        self.scale = scale
        self.reps = reps
        self.events: list[tuple] = []
        self.youths: list[dict] = []
        self.advisors: list[dict] = []
        #: The scenario's ``parameters`` block in the run's manifest (None: no manifest).
        self.parameters: dict | None = None

    def week(self, date: str) -> int:
        return self.calendar.week_of(date)

    def add_youth(self, youth: int, *, rep: int = 0, age_at_week0: int = 22, sex: str = "female",
                  education: str = "upper_secondary", mental_health: bool = False, entry_week: int = 0
                  ) -> RunBuilder:
        self.youths.append(dict(rep=rep, youth=youth, entry_week=entry_week, birth_week=-age_at_week0 * 52,
                                sex=sex, education=education, mental_health=mental_health))
        return self

    def ev(self, week: int, youth: int, kind: str, value: int | str = 0, aux: int = 0, rep: int = 0
           ) -> RunBuilder:
        if isinstance(value, str):
            labels = codes.EVENT_VALUE_LABELS[kind]
            assert labels is not None, kind
            value = labels.index(value)
        self.events.append((rep, week, youth, codes.EVENT_KIND.index(kind), value, aux))
        return self

    def register(self, youth: int, week: int, *, group: str = "standard", benefit: str = "none",
                 labour: str = "none", job_search: int = 0, rep: int = 0, returning_from: str | None = None,
                 ) -> RunBuilder:
        """A registration (or a return) with the full starting state, as the engine writes it."""
        if returning_from is None:
            self.ev(week, youth, "registration", rep=rep)
        else:
            self.ev(week, youth, "return", returning_from, rep=rep)
        self.ev(week, youth, "assessment", group, rep=rep)
        self.ev(week, youth, "benefit", benefit, rep=rep)
        self.ev(week, youth, "labour_attachment", labour, rep=rep)
        self.ev(week, youth, "job_search", job_search, rep=rep)
        return self

    def exit(self, youth: int, week: int, status: str, rep: int = 0) -> RunBuilder:
        return self.ev(week, youth, "exit", status, rep=rep)

    def advisor_row(self, week: int, advisor: int, *, role: str = "youth", employer: str = "stat",
                    youths: int = 0, older: int = 0, rep: int = 0, **contacts: int) -> RunBuilder:
        row = dict(rep=rep, week=week, advisor=advisor, office=0, role=role, employer=employer, hired=False,
                   youths=youths, older=older, portfolio=youths + older)
        row.update({ch: contacts.get(ch, 0) for ch in codes.CHANNEL})
        self.advisors.append(row)
        return self

    def build(self) -> RunResult:
        ev = pd.DataFrame(self.events, columns=["rep", "week", "youth", "kind", "value", "aux"])
        # Within a youth's week the log keeps the order events happened in (as the engine does).
        ev = ev.sort_values(["rep", "week", "youth"], kind="stable")
        ev["kind"] = pd.Categorical.from_codes(ev["kind"].to_numpy(), categories=list(codes.EVENT_KIND))
        ev = ev.astype({"rep": "int16", "week": "int32", "youth": "int32", "value": "int32", "aux": "int32"})
        youths = pd.DataFrame(self.youths, columns=["rep", "youth", "entry_week", "birth_week", "sex",
                                                    "education", "mental_health"])
        youths["sex"] = pd.Categorical(youths["sex"], categories=list(codes.SEX))
        youths["education"] = pd.Categorical(youths["education"], categories=list(codes.EDUCATION))
        advisors = pd.DataFrame(self.advisors, columns=[
            "rep", "week", "advisor", "office", "role", "employer", "hired", "youths", "older", "portfolio",
            *codes.CHANNEL])
        advisors["role"] = pd.Categorical(advisors["role"], categories=list(codes.ROLE))
        advisors["employer"] = pd.Categorical(advisors["employer"], categories=list(codes.EMPLOYER))
        weekly = pd.DataFrame(columns=["rep", "week", "date", "variable", "category", "value"])
        manifest = None if self.parameters is None else {"scenario": {"parameters": self.parameters}}
        return RunResult(name="handmade", calendar=self.calendar, scale=self.scale,
                         seeds=list(range(self.reps)), events=ev.reset_index(drop=True), youths=youths,
                         advisors=advisors, weekly=weekly, manifest=manifest)


def target_measure(metric: str, where: dict | None = None, **params) -> Measure:
    """The Measure a targets file entry with these params describes (parsed like a file)."""
    entry = {"id": "t", "metric": metric, "params": params, "value": 0}
    if where:
        entry["where"] = where
    return parse_targets({"targets": [entry]}, "test.yaml").targets[0].measure


def values(run: RunResult, metric: str, where: dict | None = None, **params) -> list[float]:
    """Per-replication values of a metric on ``run``."""
    return measure(run, target_measure(metric, where, **params)).tolist()


# --- tests of the reconstruction -----------------------------------------------------------

def _timeline(b: RunBuilder) -> Timeline:
    ev = b.build().events
    kind = ev["kind"].cat.codes.to_numpy()
    return Timeline(ev["youth"].to_numpy(), ev["week"].to_numpy(), kind, ev["value"].to_numpy(),
                    b.calendar.n_weeks)


def test_state_holds_from_its_event_week_until_the_next_event():
    b = RunBuilder(n_weeks=30)
    b.register(1, 2, group="situasjonsbestemt").ev(5, 1, "tiltak", "in").ev(9, 1, "tiltak", "none")
    tl = _timeline(b)
    state = tl.at(np.array([1, 1, 1, 1, 1]), np.array([1, 2, 5, 8, 9]))
    assert state.status.tolist() == [codes.S_NOT_ENTERED] + [codes.S_FOLLOW_UP] * 4
    assert state.tiltak.tolist() == [0, 0, 2, 2, 0]
    assert state.innsatsgruppe[1] == codes.SITUASJONSBESTEMT
    assert state.spell_start.tolist() == [-1, 2, 2, 2, 2]


def test_activities_and_benefit_do_not_outlive_the_spell():
    """A tiltak never closed by an event stops counting at the exit and is not revived by a return."""
    b = RunBuilder(n_weeks=40)
    b.register(1, 0, benefit="aap").ev(3, 1, "tiltak", "in").exit(1, 10, "work")
    b.register(1, 20, returning_from="work")
    tl = _timeline(b)
    state = tl.at(np.full(4, 1), np.array([5, 10, 15, 25]))
    assert state.tiltak.tolist() == [2, 0, 0, 0]
    assert state.benefit.tolist() == [codes.B_AAP, codes.B_NONE, codes.B_NONE, codes.B_NONE]
    assert state.status.tolist() == [codes.S_FOLLOW_UP, codes.S_WORK, codes.S_WORK, codes.S_FOLLOW_UP]
    assert tl.weeks_in(tl.tiltak == 2, np.array([1]), 0, 40).tolist() == [7]


def test_uforetrygd_status_means_benefit_ufore():
    b = RunBuilder(n_weeks=20)
    b.ev(4, 7, "ufore_direct")
    tl = _timeline(b)
    assert tl.at(np.array([7]), 6).benefit[0] == codes.B_UFORE
    assert tl.weeks_in(tl.benefit == codes.B_UFORE, np.array([7]), 0, 20)[0] == 16


def test_weeks_in_clips_to_the_window_and_the_run():
    b = RunBuilder(n_weeks=50)
    b.register(1, 10).exit(1, 30, "outside")
    tl = _timeline(b)
    youth = np.array([1, 1, 1, 1, 2])
    start = np.array([0, 15, 25, 40, 0])
    stop = np.array([50, 20, 60, 45, 50])
    assert tl.weeks_in(tl.in_follow_up(), youth, start, stop).tolist() == [20, 5, 5, 0, 0]
    assert tl.weeks_in(tl.status == codes.S_OUTSIDE, youth, start, stop).tolist() == [20, 0, 20, 5, 0]


# A week-by-week replay of the documented semantics, to check the vectorised version against.
def _replay(events: list[tuple], youth: int, n_weeks: int) -> list[dict]:
    scoped = {"tiltak": 0, "treatment": 0, "labour_attachment": 0, "job_search": 0, "benefit": 0}
    raw = dict(scoped)
    status, group = codes.S_NOT_ENTERED, 0
    by_week: dict[int, list] = {}
    for _, week, y, kind, value, _ in events:
        if y == youth:
            by_week.setdefault(week, []).append((kind, value))
    out = []
    for w in range(n_weeks):
        for kind, value in by_week.get(w, []):
            name = codes.EVENT_KIND[kind]
            if name in ("registration", "return"):
                status, raw = codes.S_FOLLOW_UP, dict(scoped)
            elif name == "exit":
                status = value
            elif name == "ufore_direct":
                status = codes.S_UFORE
            elif name in ("assessment", "reassessment"):
                group = value
            elif name in raw:
                raw[name] = value
        state = {k: (v if status == codes.S_FOLLOW_UP else 0) for k, v in raw.items()}
        if status == codes.S_UFORE:
            state["benefit"] = codes.B_UFORE
        out.append(dict(status=status, innsatsgruppe=group, **state))
    return out


_KINDS = ["registration", "return", "exit", "reassessment", "tiltak", "treatment", "labour_attachment",
          "benefit", "job_search", "contact"]
_event = st.tuples(st.integers(0, 29), st.integers(0, 2), st.sampled_from(_KINDS), st.integers(0, 5))


@settings(max_examples=60, deadline=None)
@given(st.lists(_event, max_size=40), st.integers(0, 30), st.integers(0, 30))
def test_reconstruction_matches_a_week_by_week_replay(raw_events, a, b_):
    n_weeks = 30
    b = RunBuilder(n_weeks=n_weeks)
    # Within a youth's week, events come in the order of their kinds (docs/OUTPUTS.md), so a
    # registration or return precedes the starting state written with it.
    raw_events = sorted(raw_events, key=lambda e: (e[0], e[1], codes.EVENT_KIND.index(e[2])))
    for week, youth, kind, value in raw_events:
        if kind == "exit":
            value = value % 4 + codes.S_WORK  # work, education, work_and_education, outside
        elif kind == "return":
            value = codes.S_WORK
        elif kind in ("tiltak", "treatment", "labour_attachment"):
            value = value % 3
        elif kind == "job_search":
            value = value % 2
        b.ev(week, youth, kind, value)
    events = sorted(b.events, key=lambda e: e[:3])
    tl = _timeline(b)
    start, stop = min(a, b_), max(a, b_)
    for youth in range(3):
        expected = _replay(events, youth, n_weeks)
        got = tl.at(np.full(n_weeks, youth), np.arange(n_weeks))
        for field in ("status", "innsatsgruppe", "tiltak", "treatment", "labour_attachment", "job_search",
                      "benefit"):
            assert getattr(got, field).tolist() == [e[field] for e in expected], field
        in_tiltak = sum(e["tiltak"] == 2 for e in expected[start:stop])
        assert tl.weeks_in(tl.tiltak == 2, np.array([youth]), start, stop)[0] == in_tiltak
        follow = sum(e["status"] == codes.S_FOLLOW_UP for e in expected[start:stop])
        assert tl.weeks_in(tl.in_follow_up(), np.array([youth]), start, stop)[0] == follow
