"""``NavModel`` is a Mesa model whatever the engine, and its agents read the same in both.

The numba engine's agents are views over its arrays (``materialize_agents``); the Mesa
engine's are real agents. Stepped to the same week with the same seed, every youth and
advisor must read the same through either, and the views must stay true as the model
steps on.
"""

from __future__ import annotations

import time

import mesa
import numpy as np
import pytest

from sim.agents import Advisor, Youth
from sim.codes import EV_EXIT, S_AGED_OUT
from sim.engine.kernels import PHASE_NAMES
from sim.engine.numba_engine import NumbaEngine
from sim.model import NavModel
from sim.scenario.schema import Scenario

YOUTH_FIELDS = ("youth_id", "status", "innsatsgruppe", "true_need", "advisor", "benefit", "tiltak",
                "treatment", "labour_attachment", "intensity")
ADVISOR_FIELDS = ("advisor_id", "role", "office", "active", "youths", "older", "portfolio")


@pytest.fixture(scope="module")
def small(tiny_with) -> Scenario:
    return tiny_with({"scale": 0.004})


@pytest.mark.parametrize("engine", ["numba", "mesa"])
def test_model_is_a_mesa_model_with_the_phases_in_order(small: Scenario, engine: str) -> None:
    model = NavModel(small, 3, engine=engine)
    assert isinstance(model, mesa.Model)
    assert model.phases == PHASE_NAMES
    assert model.phases[0] == "inflow" and model.phases[-1] == "ips_places"
    assert model.phases.index("cap") < model.phases.index("assign") < model.phases.index("contacts")
    for _ in range(5):
        model.step()
    assert model.week == 5 and model.running
    assert model.engine.hi > 0


def test_unknown_engine_is_refused(small: Scenario) -> None:
    with pytest.raises(ValueError, match="numba or mesa"):
        NavModel(small, 3, engine="netlogo")


def test_mesa_engine_registers_youths_as_they_enter(small: Scenario) -> None:
    model = NavModel(small, 3, engine="mesa")
    advisors = model.agents_by_type[Advisor]
    assert len(advisors) == len(model.engine.layout.role)
    assert Youth not in model.agents_by_type  # nobody has entered yet
    model.step()
    first = len(model.agents_by_type[Youth])
    for _ in range(20):
        model.step()
    youths = model.agents_by_type[Youth]
    assert 0 < first < len(youths) == model.engine.hi
    assert sorted(y.youth_id for y in youths) == list(range(model.engine.hi))
    # an advisor's portfolio is its youths in follow-up, and each of them names that advisor
    for advisor in advisors:
        assert advisor.portfolio == advisor.youths + advisor.older
        caseload = [y for y in youths if y.advisor == advisor.advisor_id]
        assert len(caseload) == advisor.youths
        assert all(y.status == "follow_up" for y in caseload)
    assert sum(a.youths for a in advisors) == sum(1 for y in youths if y.advisor >= 0)


def test_running_to_the_end_stops_the_model(small: Scenario) -> None:
    model = NavModel(small, 3, engine="numba")
    out = model.run()
    assert not model.running
    assert model.week == model.engine.n_weeks
    assert out.weekly.shape[0] == model.engine.n_weeks - model.calendar.first_week


def _read(agent: mesa.Agent, fields: tuple[str, ...]) -> tuple:
    return tuple(getattr(agent, f) for f in fields)


def test_numba_views_read_like_mesa_agents(small: Scenario) -> None:
    numba_model = NavModel(small, 5, engine="numba")
    mesa_model = NavModel(small, 5, engine="mesa")
    checked = 0
    for weeks in (60, 17):
        for _ in range(weeks):
            numba_model.step()
            mesa_model.step()
        agents = numba_model.materialize_agents()
        assert agents is numba_model.agents
        views = sorted(numba_model.agents_by_type[Youth], key=lambda v: v.youth_id)
        youths = sorted(mesa_model.agents_by_type[Youth], key=lambda y: y.youth_id)
        assert len(views) == len(youths) == numba_model.engine.hi
        for view, youth in zip(views, youths, strict=True):
            assert _read(view, YOUTH_FIELDS) == _read(youth, YOUTH_FIELDS)
            assert view.age() == youth.age()
        adv_views = sorted(numba_model.agents_by_type[Advisor], key=lambda v: v.advisor_id)
        advisors = sorted(mesa_model.agents_by_type[Advisor], key=lambda a: a.advisor_id)
        assert [_read(v, ADVISOR_FIELDS) for v in adv_views] == [_read(a, ADVISOR_FIELDS) for a in advisors]
        checked += len(views)
    in_follow_up = [y for y in youths if y.status == "follow_up"]
    assert in_follow_up and any(y.advisor >= 0 for y in in_follow_up)
    assert checked > len(views)  # the second round re-read the views made in the first


def test_numba_workspace_fits_the_busiest_week_exactly(small: Scenario) -> None:
    """The numba engine's scratch is sized before the run to the most youths present in any
    week; counted again from the run's own event log, the busiest week must match: fewer
    and a week would not fit, more and memory is wasted at national scale."""
    model = NavModel(small, 3, engine="numba")
    out = model.run()
    engine = model.engine
    n_weeks = engine.n_weeks
    entry = out.youths["entry_week"].astype(np.int64)
    ev = out.events
    aged = (ev["kind"] == EV_EXIT) & (ev["value"] == S_AGED_OUT)
    ages_out = np.full(len(entry), n_weeks, dtype=np.int64)
    ages_out[ev["youth"][aged]] = ev["week"][aged]
    # present when the week starts: entered, and not aged out in an earlier week
    busiest = max(int(((entry <= w) & (ages_out >= w)).sum()) for w in range(n_weeks))
    assert aged.any()
    assert engine.most_present() == busiest
    assert len(engine.workspace.follow_up) == len(engine.present) == busiest


def test_numba_portfolio_counts_match_the_youths_and_a_wrong_one_is_caught(small: Scenario) -> None:
    """The contact phase lays out each advisor's youths by the advisor's portfolio count, so
    the counts must equal the youths in follow-up who have that advisor, week after week;
    and a count that disagrees must stop the run, not misplace youths silently."""
    model = NavModel(small, 3, engine="numba")
    engine = model.engine
    y, adv = engine.youths, engine.advisors
    for _ in range(60):
        model.step()
        counted = np.bincount(y.advisor[y.advisor >= 0], minlength=len(adv.n_youths))
        assert np.array_equal(counted, adv.n_youths)
    busy = int(np.argmax(adv.n_youths))
    assert adv.n_youths[busy] > 0
    adv.n_youths[busy] += 1
    with pytest.raises(ValueError, match="portfolio count"):
        model.step()


def test_timing_the_steps_changes_nothing_and_accounts_for_the_run(small: Scenario) -> None:
    """A profiled run (``profile=True``) gives the same results as a plain one, and its step
    times, one per step of the week in order, add up to no more than the run took."""
    plain = NumbaEngine(small, 3)
    expected = plain.run()
    assert plain.step_times() == {}, "a plain run is not timed"
    profiled = NumbaEngine(small, 3, profile=True)
    t0 = time.perf_counter()
    out = profiled.run()
    wall = time.perf_counter() - t0
    for k in expected.events:
        assert np.array_equal(out.events[k], expected.events[k]), k
    assert np.array_equal(out.weekly, expected.weekly)
    times = profiled.step_times()
    assert tuple(times) == NumbaEngine.timed_steps
    assert set(PHASE_NAMES) <= set(times)
    assert all(t >= 0 for t in times.values())
    assert times["contacts"] > 0 and times["transitions"] > 0
    assert 0 < sum(times.values()) <= wall
