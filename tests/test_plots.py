"""The run and comparison figures are written, readable PNGs that show the period only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from sim import codes
from sim.calendar import Calendar
from sim.plots import band, plot_effects, plot_run, plot_stock_comparison, weekly_series
from sim.results import RunResult

CAL = Calendar(dt.date(2022, 1, 3), first_week=20, n_weeks=120)


def synthetic_run(reps: int = 3, seed: int = 1) -> RunResult:
    """Weekly stocks and an advisor panel with contacts that spread a fixed budget over N."""
    rng = np.random.default_rng(seed)
    weeks = np.arange(CAL.first_week, CAL.n_weeks)
    rows = []
    for rep in range(reps):
        for variable, cats in [("stock_innsatsgruppe", codes.INNSATSGRUPPE),
                               ("stock_activity", codes.ACTIVITY), ("stock_benefit", codes.BENEFIT),
                               ("exits", codes.EXIT_TYPES), ("stock_status", codes.STATUS),
                               ("portfolio_mean", codes.ROLE)]:
            for cat in cats:
                rows.append(pd.DataFrame({"rep": rep, "week": weeks, "variable": variable, "category": cat,
                                          "value": rng.poisson(50, len(weeks)).astype(float)}))
        for variable in ("tiltak_in", "advisor_waiting", "tiltak_waiting"):
            rows.append(pd.DataFrame({"rep": rep, "week": weeks, "variable": variable, "category": "",
                                      "value": rng.poisson(20, len(weeks)).astype(float)}))
    weekly = pd.concat(rows, ignore_index=True)
    # A week before the period, which no figure may show.
    weekly = pd.concat([weekly, weekly.iloc[:1].assign(week=0, value=1e9)], ignore_index=True)
    n_adv = 40
    adv = pd.DataFrame({
        "rep": np.repeat(np.arange(reps), n_adv * len(weeks)),
        "week": np.tile(np.repeat(weeks, n_adv), reps),
        "advisor": np.tile(np.arange(n_adv), reps * len(weeks)),
        "role": np.tile(np.array(codes.ROLE)[np.arange(n_adv) % 3], reps * len(weeks)),
        "hired": False,
    })
    adv["portfolio"] = rng.integers(10, 130, len(adv))
    for channel, budget in zip(codes.CHANNEL, (7.5, 6.4, 15.0, 8.0), strict=True):
        adv[channel] = rng.poisson(budget, len(adv))
    return RunResult(name="synthetic", calendar=CAL, scale=0.1, seeds=list(range(reps)),
                     events=pd.DataFrame(), youths=pd.DataFrame(), advisors=adv, weekly=weekly)


def test_plot_run_writes_the_six_figures(tmp_path: Path) -> None:
    paths = plot_run(synthetic_run(), tmp_path / "plots")
    names = {p.name for p in paths}
    assert {"stocks_by_innsatsgruppe.png", "activities.png", "exits_by_type.png", "portfolio_by_role.png",
            "contacts_per_user_vs_portfolio.png", "benefits.png"} <= names
    for path in paths:
        image = imread(path)
        assert image.shape[0] > 300 and image.shape[1] > 600
        assert image.std() > 0.01  # not blank


def test_plot_run_works_with_one_replication(tmp_path: Path) -> None:
    assert len(plot_run(synthetic_run(reps=1), tmp_path)) == 6


def test_weekly_series_keeps_the_period_and_band_spans_the_replications() -> None:
    run = synthetic_run(reps=5)
    series = weekly_series(run.weekly, "stock_innsatsgruppe", CAL.first_week)
    table = series["standard"]
    assert table.index.min() == CAL.first_week
    assert list(table.columns) == [0, 1, 2, 3, 4]
    mean, lo, hi = band(table)
    assert np.all(lo <= mean) and np.all(mean <= hi)
    assert mean[0] == pytest.approx(table.iloc[0].mean())


def test_comparison_figures(tmp_path: Path) -> None:
    runs = {"baseline": synthetic_run(seed=1).weekly, "cap50_hard": synthetic_run(seed=2).weekly}
    stocks = plot_stock_comparison(runs, CAL, 0.1, tmp_path / "stocks.png", starts=[dt.date(2023, 1, 1)])
    effects = pd.DataFrame({
        "scenario": ["a", "b", "a", "b"], "outcome": ["x", "x", "y", "y"], "unit": "percent",
        "effect_mean": [1.0, -0.5, 0.0, 2.0], "effect_low": [0.5, -1.0, 0.0, 1.0],
        "effect_high": [1.5, 0.2, 0.0, 3.0]})
    bars = plot_effects(effects, ["x", "y"], {"x": "Outcome x"}, tmp_path / "effects.png")
    for path in (stocks, bars):
        assert imread(path).std() > 0.01


def _figures(monkeypatch: pytest.MonkeyPatch, result: RunResult, scenario) -> dict[str, object]:
    """The run's figures by file name, kept instead of saved."""
    import sim.plots as plots

    kept: dict[str, object] = {}
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: kept.setdefault(path.name, fig) and path)
    plot_run(result, Path("unused"), scenario)
    return kept


def test_the_cap_is_drawn_at_its_value_and_the_lever_start_is_marked(
        monkeypatch: pytest.MonkeyPatch, tiny_with) -> None:
    from sim.plots import lever_starts

    scenario = tiny_with({"policy": {"portfolio_cap": {"youth": 40, "mode": "hard", "start": "2022-06-01"}}})
    assert (dt.date(2022, 6, 1), "cap 40 (hard)") in lever_starts(scenario)
    figures = _figures(monkeypatch, synthetic_run(), scenario)
    youth_panel = figures["portfolio_by_role.png"].axes[0]
    labels = [t.get_text() for t in youth_panel.get_legend().get_texts()]
    assert labels == ["cap: 40 users (hard, from 2022-06-01)"]
    assert [line.get_xdata()[0] for line in youth_panel.get_lines()] == [40]
    assert not any("50" in t for ax in figures["portfolio_by_role.png"].axes[1:]
                   for t in (ax.get_legend().get_texts() if ax.get_legend() else []))
    stocks = figures["stocks_by_innsatsgruppe.png"].axes[0]
    marked = [t.get_text() for t in stocks.texts]
    assert "cap 40 (hard)" in marked  # the lever's start, labelled on the time axis


def test_without_a_cap_the_goal_is_a_reference_and_one_replication_says_it_has_no_band(
        monkeypatch: pytest.MonkeyPatch, tiny_scenario) -> None:
    figures = _figures(monkeypatch, synthetic_run(reps=1), tiny_scenario)
    youth_panel = figures["portfolio_by_role.png"].axes[0]
    assert [t.get_text() for t in youth_panel.get_legend().get_texts()] == ["2024 goal: about 50 users"]
    title = figures["activities.png"].axes[0].get_title()
    assert "one replication, so no band" in title
    banded = _figures(monkeypatch, synthetic_run(reps=3), tiny_scenario)["activities.png"].axes[0]
    assert "mean of 3 replications" in banded.get_title() and banded.collections  # the bands


def test_labels_use_nav_terms_in_norwegian_and_english_elsewhere(
        monkeypatch: pytest.MonkeyPatch, tiny_scenario) -> None:
    figures = _figures(monkeypatch, synthetic_run(), tiny_scenario)
    benefits = [t.get_text() for t in figures["benefits.png"].axes[0].get_legend().get_texts()]
    assert "uføretrygd" in benefits and "AAP" in benefits and "ufore" not in benefits
    texts = " ".join(ax.get_xlabel() + ax.get_ylabel() + ax.get_title()
                     for fig in figures.values() for ax in fig.axes)
    assert "advisor" not in texts and "portfolio" not in texts  # veileder, portefølje


def test_effect_bars_are_coloured_by_what_is_better_for_the_users() -> None:
    from sim.plots import effect_colour

    assert effect_colour("work_or_education_12m", 0.3) == "tab:green"
    assert effect_colour("weeks_waiting_veileder", 0.3) == "tab:red"  # more waiting is worse
    assert effect_colour("weeks_waiting_veileder", -0.3) == "tab:green"
    assert effect_colour("cost_total", 1e6) == "tab:blue"  # not the users' direction
    assert effect_colour("work_or_education_12m", 0.0) == "grey"


def test_effect_panels_in_one_unit_share_a_scale_centred_on_zero(monkeypatch, tmp_path) -> None:
    """A small effect must look small beside a large one in the same unit."""
    import sim.plots as plots

    kept: dict[str, object] = {}
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: kept.setdefault("fig", fig) and path)
    effects = pd.DataFrame({
        "scenario": ["a", "a", "a"], "outcome": ["x", "y", "z"],
        "unit": ["share", "share", "NOK"],
        "effect_mean": [0.001, 0.02, 5e6], "effect_low": [0.0005, 0.01, 4e6],
        "effect_high": [0.0015, 0.03, 6e6]})
    plot_effects(effects, ["x", "y", "z"], {}, tmp_path / "effects.png")
    x, y, z = kept["fig"].axes[:3]
    assert x.get_xlim() == y.get_xlim()
    _, factor = plots.display_unit("share")
    assert x.get_xlim()[0] == -x.get_xlim()[1], "centred on zero"
    assert x.get_xlim()[1] >= 0.03 / factor, "the small effect's panel reaches the large one's whisker"
    assert z.get_xlim() != x.get_xlim(), "another unit keeps its own scale"
