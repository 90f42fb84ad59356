"""Offices that differ: the layout of offices in counties and of advisors in offices
(``sim.offices``, ``sim.engine.setup``), and the results by county (``sim.counties``).

The surveys find larger offices with more users per advisor and county means of youth
advisors' portfolios far apart; these tests hold the layout to the shape that gives them
(skewed sizes, every office in one county, advisors in proportion) and check that the
youths and the results add up across offices and counties.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.codes import COUNTY, R_BOTH, R_OLDER, R_YOUTH
from sim.engine.setup import advisor_layout
from sim.offices import divisor_sequence, office_layout
from sim.outcomes import county_reps, outcomes
from sim.params import build
from sim.run import run_scenario

NATIONAL = {"scale": 1.0}


@pytest.fixture(scope="module")
def national(tiny_with):
    """The tiny scenario's offices at national scale (set-up only: nothing is run)."""
    scenario = tiny_with(NATIONAL)
    params, timeline, sizes, _ = build(scenario, scenario.seed)
    return scenario, params, office_layout(scenario, params.seed, params.n_offices), \
        advisor_layout(scenario, params, timeline, sizes)


def test_about_250_offices_each_in_one_county(national) -> None:
    scenario, params, offices, _ = national
    assert params.n_offices == scenario.parameters.advisors.offices_national == 250
    assert len(offices.county) == 250
    assert set(np.unique(offices.county)) == set(range(len(COUNTY)))  # every county has offices
    assert np.all(np.diff(offices.county) >= 0)  # ids run county by county: one county each
    assert offices.share.sum() == pytest.approx(1.0)
    people = np.asarray(scenario.parameters.offices.population.as_list())
    by_county = np.bincount(offices.county, weights=offices.share, minlength=len(COUNTY))
    np.testing.assert_allclose(by_county, people / people.sum())


def test_office_sizes_are_skewed_many_small_a_few_large(national) -> None:
    _, _, offices, _ = national
    e = offices.employees
    assert e.mean() > 1.2 * np.median(e)  # a long right tail
    assert e.max() > 5 * np.median(e)  # a few large city offices
    assert (e < e.mean()).mean() > 0.6  # most offices are below the mean
    assert e.sum() == pytest.approx(14000)


def test_advisors_follow_office_size_and_portfolio(national) -> None:
    """Youth-taking advisors in proportion to share / portfolio, older-user ones to share."""
    _, params, offices, layout = national
    for role, weight in ((R_YOUTH, offices.share / offices.portfolio), (R_OLDER, offices.share),
                         (R_BOTH, offices.share / offices.portfolio)):
        mine = (layout.role == role) & ~layout.hired
        counts = np.bincount(layout.office[mine], minlength=params.n_offices)
        expected = weight / weight.sum() * mine.sum()
        assert np.abs(counts - expected).max() <= 1.5, role
        assert np.corrcoef(counts, expected)[0, 1] > 0.97
    takers = np.isin(layout.role, (R_YOUTH, R_BOTH)) & ~layout.hired
    assert set(np.unique(layout.office[takers])) == set(range(params.n_offices))


def test_larger_offices_have_more_users_per_advisor(national) -> None:
    """+0.1 user per employee (001): the portfolio factor rises with office size within a
    county, and youths per youth-taking advisor with it."""
    scenario, params, offices, layout = national
    o = scenario.parameters.offices
    for c in range(len(COUNTY)):
        mine = offices.county == c
        if mine.sum() < 3:
            continue
        order = np.argsort(offices.employees[mine])
        assert np.all(np.diff(offices.portfolio[mine][order]) > 0)
    slope = np.polyfit(offices.employees, offices.portfolio / offices.portfolio.mean(), 1)[0]
    assert slope > 0
    takers = np.isin(layout.role, (R_YOUTH, R_BOTH)) & ~layout.hired
    n = np.bincount(layout.office[takers], minlength=params.n_offices)
    big = offices.employees > np.quantile(offices.employees, 0.8)
    small = offices.employees < np.quantile(offices.employees, 0.2)
    per_advisor = offices.share / np.maximum(n, 1)
    assert per_advisor[big].mean() > per_advisor[small].mean()
    assert o.portfolio_per_employee > 0


def test_counties_differ_in_portfolios(national) -> None:
    _, _, offices, _ = national
    means = [np.average(offices.portfolio[offices.county == c], weights=offices.share[offices.county == c])
             for c in range(len(COUNTY))]
    assert max(means) / min(means) > 1.15


def test_the_layout_is_the_seeds(tiny_with) -> None:
    scenario = tiny_with(NATIONAL)
    a = office_layout(scenario, 7, 250)
    b = office_layout(scenario, 7, 250)
    c = office_layout(scenario, 8, 250)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.employees, c.employees)


def test_small_runs_keep_one_office_per_county_while_advisors_allow(tiny_with) -> None:
    for scale, expected in ((0.05, 15), (0.008, 15), (0.2, 50)):
        scenario = tiny_with({"scale": scale})
        params = build(scenario, scenario.seed)[0]
        assert params.n_offices == expected, scale
    crowded = {"scale": 0.004, "parameters": {"advisors": {"offices_national": 9000}}}
    for overrides in ({"scale": 0.001}, crowded):
        tiny = tiny_with(overrides)
        params, timeline, sizes = build(tiny, tiny.seed)[:3]
        assert params.n_offices <= int(timeline.youth_advisors.min() + timeline.both_advisors.min())
        layout = advisor_layout(tiny, params, timeline, sizes)
        takers = np.isin(layout.role, (R_YOUTH, R_BOTH)) & ~layout.hired
        assert set(np.unique(layout.office[takers])) == set(range(params.n_offices))  # none without


def greedy_seats(weights: np.ndarray, n: int, first: list[int]) -> list[int]:
    """The Sainte-Laguë sequence as its definition reads: seat by seat, the largest
    weight / (2 seats + 1), lowest index on ties."""
    seats = np.zeros(len(weights), dtype=np.int64)
    out = list(first[:n])
    for i in out:
        seats[i] += 1
    while len(out) < n:
        i = int(np.argmax(weights / (2 * seats + 1)))
        seats[i] += 1
        out.append(i)
    return out


@settings(max_examples=80, deadline=None)
@given(weights=st.lists(st.floats(0.01, 100.0), min_size=1, max_size=30),
       n=st.integers(0, 300), m=st.integers(0, 300), data=st.data())
def test_divisor_sequence_is_sainte_lague_and_house_monotone(weights, n, m, data) -> None:
    w = np.asarray(weights)
    first = data.draw(st.lists(st.integers(0, len(w) - 1), unique=True, max_size=len(w)))
    seq = divisor_sequence(w, n, first=np.asarray(first, dtype=np.int64))
    assert seq.tolist() == greedy_seats(w, n, first)
    longer = divisor_sequence(w, max(n, m), first=np.asarray(first, dtype=np.int64))
    np.testing.assert_array_equal(longer[:n], seq)  # more slots never move the first ones
    counts = np.bincount(seq, minlength=len(w))
    if n >= 10 * len(w) and not first:
        assert np.abs(counts - n * w / w.sum()).max() < 0.1 * n  # in proportion, roughly


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 400), seed=st.integers(0, 2**31 - 1))
def test_any_office_count_keeps_counties_and_shares(tiny_with, n, seed) -> None:
    scenario = tiny_with(NATIONAL)
    offices = office_layout(scenario, seed, n)
    assert len(offices.county) == n
    assert offices.share.sum() == pytest.approx(1.0)
    assert np.all(offices.share > 0) and np.all(offices.portfolio > 0)
    assert len(np.unique(offices.county)) == min(n, len(COUNTY))
    # advisor-weighted mean portfolio factor is 1
    per_advisor = offices.share / offices.portfolio
    assert np.average(offices.portfolio, weights=per_advisor) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def run(tiny_with):
    return run_scenario(tiny_with({"scale": 0.01}), reps=2, engine="numba")


def test_youths_are_conserved_across_offices_and_counties(run, tiny_with) -> None:
    scenario = tiny_with({"scale": 0.01})
    params = build(scenario, scenario.seed)[0]
    y = run.youths
    assert y["office"].between(0, params.n_offices - 1).all()
    per_office = y.groupby(["rep", "office"]).size()
    assert per_office.groupby("rep").sum().to_dict() == y.groupby("rep").size().to_dict()
    # a youth's county is their office's, and offices hold youths in proportion to their share
    first = y[y["rep"] == 0]
    offices = office_layout(scenario, run.seeds[0], params.n_offices)
    np.testing.assert_array_equal(first["county"].cat.codes.to_numpy(), offices.county[first["office"]])
    counts = np.bincount(first["office"], minlength=params.n_offices)
    expected = offices.share * len(first)
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected.max()) + 5
    assert np.corrcoef(counts, expected)[0, 1] > 0.9


def test_by_county_adds_up_to_the_national_totals(run) -> None:
    per = county_reps(run)
    national = outcomes(run)
    entrants = per["entrants_per_year"]
    share = np.nansum(per["work_or_education_12m"] * entrants, axis=0) / entrants.sum(axis=0)
    np.testing.assert_allclose(share, national["work_or_education_12m"].to_numpy())
    advisor_weeks = per["youth_advisors"]
    portfolio = np.nansum(per["portfolio_youth_advisors"] * advisor_weeks, axis=0) / advisor_weeks.sum(axis=0)
    np.testing.assert_allclose(portfolio, national["portefolje_mean_youth"].to_numpy())
    fte = national["veileder_fte_youth"].to_numpy() + national["veileder_fte_hired"].to_numpy()
    np.testing.assert_allclose(advisor_weeks.sum(axis=0), fte)
    fu = run.weekly[(run.weekly["variable"].astype(str) == "stock_status")
                    & (run.weekly["category"].astype(str) == "follow_up")
                    & (run.weekly["week"] >= run.calendar.first_week)]
    stock = fu.groupby("rep")["value"].mean().to_numpy() / run.scale
    np.testing.assert_allclose(per["youths_in_follow_up"].sum(axis=0), stock, rtol=0.02)
    assert (per["youths_in_follow_up"] > 0).all()  # every county has youths at this scale


def test_compare_gives_effects_by_county_zero_where_nothing_changes(tiny_with, tmp_path) -> None:
    """``navsim compare`` pairs the results by county like the outcomes: a cap that never
    binds changes no county's numbers, and the table is written beside effects.csv."""
    from pathlib import Path

    from sim.compare import compare, write_comparison
    from sim.compare_jobs import run_replication
    from sim.scenario.loader import apply_overrides

    def tiny_runner(scenario, seed):
        small = {"scale": 0.004, "period": {"start": "2024-01-01", "end": "2026-12-31"},
                 "parameters": {"burn_in_years": 2}}
        return run_replication(apply_overrides(scenario, small, "test override"), seed)

    scenarios = Path(__file__).resolve().parent.parent / "scenarios"
    comparison = compare(scenarios / "baseline.yaml", [scenarios / "cap_never_binds.yaml"], reps=2,
                         progress=False, runner=tiny_runner)
    table = comparison.effects_by_county
    assert table is not None
    assert list(table.columns[:3]) == ["scenario", "county", "outcome"]
    assert set(table["county"]) == set(COUNTY)
    assert (table["effect_mean"].fillna(0.0) == 0.0).all()
    shown = table[table["outcome"] == "youths_in_follow_up"]
    assert (shown["baseline_mean"] > 0).all()
    out = write_comparison(comparison, tmp_path / "cmp")
    assert (out / "effects_by_county.csv").exists()
