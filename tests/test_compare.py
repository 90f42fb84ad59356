"""Paired comparisons: exact zero for a change that does nothing, intervals, files and report.

The engine is replaced by a small stand-in runner with the engine's contract: replication r
draws from (seed, r), so two scenarios with one seed share their random numbers, and a
youth-advisor cap below 1000 makes follow-up spells shorter from the cap's start date.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.compare as compare_mod
from sim import codes
from sim.calendar import Calendar
from sim.cli import main
from sim.compare import compare, load_scenarios, write_comparison
from sim.effects import EFFECT_COLUMNS, cost_per_extra_person, paired_effects
from sim.results import RunResult
from sim.scenario.changes import scenario_changes
from sim.scenario.schema import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BASE = SCENARIOS / "baseline.yaml"
N_YOUTHS = 250


def stand_in_runner(scenario: Scenario, seed: int | None = None, reps: int = 1) -> RunResult:
    """A tiny seeded model: registrations, one advisor contact, an exit after a random spell.

    The spell's exit hazard grows with ``parameters.contact_effect.work``, so posterior draws
    of it move the effect of a binding cap."""
    seed = scenario.seed if seed is None else seed
    boost = scenario.parameters.contact_effect.work
    cal = Calendar.for_period(scenario.period.start, scenario.period.end, burn_in_years=1)
    cap = scenario.policy.portfolio_cap
    binding = cap.youth is not None and cap.youth < 1000
    cap_week = cal.week_of(cap.start) if cap.start else 0
    events, advisors, weekly = [], [], []
    period_weeks = np.arange(cal.first_week, cal.n_weeks)
    for rep in range(reps):
        rng = np.random.default_rng([seed, rep])
        youth = np.arange(N_YOUTHS)
        reg = rng.integers(0, cal.n_weeks - 1, N_YOUTHS)
        u_dur, u_type, u_aap = rng.random(N_YOUTHS), rng.random(N_YOUTHS), rng.random(N_YOUTHS)
        hazard = np.where(binding & (reg >= cap_week), 0.02 + 0.2 * boost, 0.02)
        exit_week = reg + 1 + np.floor(np.log(u_dur) / np.log1p(-hazard)).astype(int)
        exit_type = np.where(u_type < 0.5, codes.S_WORK, np.where(u_type < 0.7, codes.S_EDUCATION,
                                                                   codes.S_OUTSIDE))
        rows = [pd.DataFrame({"week": reg, "youth": youth, "kind": "registration", "value": 0, "aux": 0}),
                pd.DataFrame({"week": reg, "youth": youth, "kind": "advisor", "value": youth % 10, "aux": 0}),
                pd.DataFrame({"week": reg, "youth": youth, "kind": "benefit",
                              "value": np.where(u_aap < 0.3, codes.B_AAP, codes.B_NONE), "aux": 0}),
                pd.DataFrame({"week": reg + 1, "youth": youth, "kind": "contact",
                              "value": codes.CH_SCHEDULED, "aux": youth % 10})]
        ends = exit_week < cal.n_weeks
        rows.append(pd.DataFrame({"week": exit_week[ends], "youth": youth[ends], "kind": "exit",
                                  "value": exit_type[ends], "aux": 0}))
        ev = pd.concat(rows, ignore_index=True)
        ev = ev[ev["week"] < cal.n_weeks]
        events.append(ev.assign(rep=rep))
        weeks = period_weeks[:, None]
        in_fu = ((reg[None, :] <= weeks) & (weeks < exit_week[None, :])).sum(1)
        for variable, category, value in [("stock_status", "follow_up", in_fu),
                                          ("stock_benefit", "aap", in_fu * 0.3),
                                          ("tiltak_in", "", in_fu * 0.2), ("advisor_waiting", "", in_fu * 0),
                                          ("portfolio_mean", "youth", 40 + in_fu / 10),
                                          ("stock_benefit", "ufore", in_fu * 0.05)]:
            weekly.append(pd.DataFrame({"rep": rep, "week": period_weeks, "variable": variable,
                                        "category": category, "value": value.astype(float)}))
        n_adv = 12 if binding else 10
        advisors.append(pd.DataFrame({
            "rep": rep, "week": np.repeat(period_weeks, n_adv), "advisor": np.tile(np.arange(n_adv),
                                                                                   len(period_weeks)),
            "role": np.tile(np.array(codes.ROLE * 4)[:n_adv], len(period_weeks)),
            "hired": np.tile(np.arange(n_adv) >= 10, len(period_weeks)),
            "portfolio": np.repeat(40 + in_fu // 10, n_adv)}))
    ev = pd.concat(events, ignore_index=True)
    ev["kind"] = pd.Categorical(ev["kind"], categories=list(codes.EVENT_KIND))
    ev = ev.sort_values(["rep", "week", "youth", "kind", "value", "aux"]).reset_index(drop=True)
    return RunResult(name=scenario.name, calendar=cal, scale=scenario.scale, seeds=list(range(reps)),
                     events=ev[["rep", "week", "youth", "kind", "value", "aux"]], youths=pd.DataFrame(),
                     advisors=pd.concat(advisors, ignore_index=True),
                     weekly=pd.concat(weekly, ignore_index=True))


@pytest.fixture(scope="module")
def never_binds() -> compare_mod.Comparison:
    return compare(BASE, [SCENARIOS / "cap_never_binds.yaml"], reps=4, progress=False,
                   runner=stand_in_runner)


@pytest.fixture(scope="module")
def cap50() -> compare_mod.Comparison:
    return compare(BASE, [SCENARIOS / "cap50_hard.yaml"], reps=4, progress=False, runner=stand_in_runner)


def test_a_cap_that_never_binds_has_exactly_zero_effect(never_binds: compare_mod.Comparison) -> None:
    effects = never_binds.effects
    assert len(effects) > 30
    price = effects[effects["outcome"] == "net_cost_per_extra_person"].iloc[0]
    assert np.isnan(price["effect_mean"]) and price["effect_high"] == np.inf  # no gain: no price
    effects = effects[effects["outcome"] != "net_cost_per_extra_person"]
    for column in ("effect_mean", "effect_low", "effect_high"):
        assert (effects[column] == 0.0).all(), effects.loc[effects[column] != 0, ["outcome", column]]
    assert not effects["excludes_zero"].any()
    assert never_binds.cost_per_person["cap_never_binds"] is None


def test_a_binding_cap_shows_an_effect_and_a_price(cap50: compare_mod.Comparison) -> None:
    effects = cap50.effects.set_index("outcome")
    assert effects.loc["work_or_education_12m", "effect_mean"] > 0
    assert effects.loc["veileder_fte_hired", "effect_mean"] > 0
    persons = effects.loc["work_or_education_12m_persons", "effect_mean"]
    cost = effects.loc["cost_total", "effect_mean"]
    assert persons > 0
    assert cap50.cost_per_person["cap50_hard"] == pytest.approx(cost / persons)
    assert effects.loc["net_cost_per_extra_person", "effect_mean"] == pytest.approx(cost / persons)
    assert effects.loc["net_cost_per_year", "effect_mean"] == pytest.approx(cost)
    gross, savings = effects.loc["gross_cost_per_year", "effect_mean"], effects.loc["savings_per_year",
                                                                                     "effect_mean"]
    assert gross - savings == pytest.approx(cost)
    assert gross > 0  # two hired advisors
    row = effects.loc["work_or_education_12m"]
    assert row["effect_mean"] == pytest.approx(row["scenario_mean"] - row["baseline_mean"])
    assert row["effect_low"] <= row["effect_mean"] <= row["effect_high"]


def test_files_and_report(cap50: compare_mod.Comparison, tmp_path: Path) -> None:
    out = write_comparison(cap50, tmp_path / "cmp")
    effects = pd.read_csv(out / "effects.csv")
    assert list(effects.columns[:8]) == ["scenario", "outcome", "baseline_mean", "scenario_mean",
                                         "effect_mean", "effect_low", "effect_high", "unit"]
    assert set(effects["scenario"]) == {"cap50_hard"}
    assert effects.loc[effects["outcome"] == "work_or_education_12m", "unit"].item() == "percent"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "`policy.portfolio_cap.youth`: none → 50, from 2025-01-01" in md
    assert "4 paired replications" in md
    assert "Net cost per extra person in work or education" in md
    assert "Savings repay the cost after" in md and "Gross cost" in md
    assert "Extra persons in work or education (per year)" in md
    started = md.split("### When the lever started")[1].split("###")[0]
    assert "The first lever starts on 2025-01-01" in started
    assert "youths waiting for a veileder" in started and "| week before | week 0 | week 4 |" in started
    w = effects[(effects["outcome"] == "work_or_education_12m")].iloc[0]
    share = 100 * w["effect_mean"] / w["baseline_mean"]  # the overview shows it in percent of the baseline
    shown = re.search(r"\[([^\]]+) %\]", md.split("## Overview")[1])
    assert shown and w["effect_mean"] != 0
    assert float(shown.group(1).replace("−", "-").lstrip("+")) == pytest.approx(share, rel=0.01, abs=0.1)
    assert "(plots/stocks.png)" in md and (out / "plots" / "stocks.png").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2
    assert "plots/" not in page  # self-contained: every figure embedded
    assert "policy.portfolio_cap.youth" in page
    # clear effects are coloured by what is better for the young users
    effects_by = effects.set_index("outcome")
    waiting = effects_by.loc["weeks_waiting_veileder"]
    if waiting["excludes_zero"] and waiting["effect_mean"] > 0:
        assert 'class="bad"' in page and "| worse |" in md
    assert ('class="good"' in page) == ("| better |" in md)
    meta = json.loads((out / "comparison.json").read_text())
    assert meta["scenarios"][0]["changes"][0]["start"] == "2025-01-01"
    per_rep = pd.read_csv(out / "outcomes_by_replication.csv")
    assert sorted(set(per_rep["scenario"])) == ["baseline", "cap50_hard"]
    assert len(per_rep) == 8
    assert list(per_rep.columns[:3]) == ["scenario", "draw", "rep"]


def test_report_of_zero_effect_says_so(never_binds: compare_mod.Comparison, tmp_path: Path) -> None:
    out = write_comparison(never_binds, tmp_path / "zero")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "identical to the baseline in all 4 replications" in md
    assert "**n/a**" in md


def test_paired_effects_mean_interval_and_missing_values() -> None:
    base = pd.DataFrame({"work_or_education_6m": [1.0, 2, 3, 4, 5], "days_in_work_2y": [1.0, 1, 1, 1, 1],
                         "portefolje_mean_older": [np.nan] * 5})
    scen = pd.DataFrame({"work_or_education_6m": [2.0, 2, 5, 4, 9], "days_in_work_2y": [2.0, 2, 3, 2, 2],
                         "portefolje_mean_older": [np.nan] * 5})
    effects = paired_effects(base, scen).set_index("outcome")
    # Differences 1, 0, 2, 0, 4: mean 1.4; 5 % and 95 % quantiles (linear) 0 and 3.6.
    row = effects.loc["work_or_education_6m"]
    assert row["effect_mean"] == pytest.approx(1.4)
    assert row["effect_low"] == pytest.approx(0.0)
    assert row["effect_high"] == pytest.approx(3.6)
    assert not row["excludes_zero"]
    assert effects.loc["days_in_work_2y", "excludes_zero"]
    assert effects.loc["portefolje_mean_older", "effect_mean"] == 0.0
    assert list(paired_effects(base, scen).columns) == [c for c in EFFECT_COLUMNS if c != "scenario"]


def test_cost_per_extra_person_is_na_unless_persons_rise() -> None:
    assert cost_per_extra_person(1e8, 200.0) == pytest.approx(5e5)
    assert cost_per_extra_person(1e8, 0.0) is None
    assert cost_per_extra_person(1e8, -5.0) is None


def test_changes_carry_the_start_of_their_lever() -> None:
    base = {"name": "a", "policy": {"portfolio_cap": {"youth": None, "start": "2024-01-01"}},
            "ungdomsgaranti": {"enabled": True, "start": "2023-07-01"},
            "parameters": {"exits": {"work": 0.1}}}
    scen = {"name": "b", "policy": {"portfolio_cap": {"youth": 50, "start": "2025-01-01"}},
            "ungdomsgaranti": {"enabled": False, "start": "2023-07-01"},
            "parameters": {"exits": {"work": 0.2}}}
    changes = {c.key: c for c in scenario_changes(base, scen)}
    assert set(changes) == {"policy.portfolio_cap.youth", "policy.portfolio_cap.start",
                            "ungdomsgaranti.enabled", "parameters.exits.work"}
    assert changes["policy.portfolio_cap.youth"].start == "2025-01-01"
    assert changes["ungdomsgaranti.enabled"].start == "2023-07-01"
    assert changes["parameters.exits.work"].start is None
    assert not changes["parameters.exits.work"].has_start


def test_every_scenario_gets_the_baseline_seed_and_scale(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    rel = os.path.relpath(BASE, tmp_path)
    other.write_text(f"extends: {rel}\nname: other\nseed: 5\nscale: 0.01\n", encoding="utf-8")
    loaded = load_scenarios(BASE, [other], seed=None, scale=None, reps=3)
    seeds = {s.seed for _, s in loaded}
    assert len(seeds) == 1 and seeds != {5}
    assert {s.scale for _, s in loaded} == {loaded[0][1].scale}
    assert {s.replications for _, s in loaded} == {3}
    loaded = load_scenarios(BASE, [other], seed=11, scale=0.02, reps=3)
    assert [(s.seed, s.scale) for _, s in loaded] == [(11, 0.02), (11, 0.02)]


def test_compare_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(compare_mod, "default_runner", lambda: stand_in_runner)
    out = tmp_path / "run"
    code = main(["compare", str(BASE), str(SCENARIOS / "cap50_hard.yaml"),
                 str(SCENARIOS / "cap_never_binds.yaml"), "--reps", "3", "--out", str(out), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "cap50_hard" in printed and "cap_never_binds" in printed
    assert "cost per extra person" in printed
    assert {"effects.csv", "report.md", "report.html"} <= {p.name for p in out.iterdir()}
    # An existing, non-empty output directory is refused before anything runs.
    assert main(["compare", str(BASE), str(SCENARIOS / "cap50_hard.yaml"), "--out", str(out),
                 "--quiet"]) == 2


def test_stand_in_runner_is_paired() -> None:
    from sim.scenario.loader import load_scenario

    scenario, _ = load_scenario(BASE, {"replications": 2})
    a, b = stand_in_runner(scenario, reps=2), stand_in_runner(scenario, reps=2)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert a.calendar.date_of(a.calendar.first_week) == dt.date(2018, 1, 1)


POSTERIOR = Path(__file__).resolve().parent / "data" / "posterior_small.parquet"


def test_a_stopped_comparison_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    scenarios = [SCENARIOS / "cap50_hard.yaml"]
    whole = write_comparison(compare(BASE, scenarios, reps=3, progress=False, runner=stand_in_runner,
                                     out=tmp_path / "whole"), tmp_path / "whole")
    calls = {"n": 0}

    def stops_after_four(scenario: Scenario, seed: int) -> RunResult:
        calls["n"] += 1
        if calls["n"] > 4:
            raise KeyboardInterrupt
        return stand_in_runner(scenario, seed)

    out = tmp_path / "new" / "resumed"  # its folder does not exist yet
    with pytest.raises(KeyboardInterrupt):
        compare(BASE, scenarios, reps=3, progress=False, runner=stops_after_four, out=out)
    journal = compare_mod.journal_path(out)
    assert len(journal.read_text().splitlines()) == 1 + 4  # the header and four replications
    ran = []

    def counting(scenario: Scenario, seed: int) -> RunResult:
        ran.append(seed)
        return stand_in_runner(scenario, seed)

    comparison = compare(BASE, scenarios, reps=3, progress=False, runner=counting, out=out)
    assert len(ran) == 2  # only the two replications not done before
    write_comparison(comparison, out)
    for name in ("effects.csv", "outcomes_by_replication.csv", "comparison.json", "report.md", "report.html"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name


def test_posterior_draws_carry_parameter_uncertainty_into_the_interval(tmp_path: Path) -> None:
    from sim.posterior_draws import choose_draws, load_draws
    from sim.report import build_document

    draws = choose_draws(load_draws(POSTERIOR), 4, seed=1)
    comparison = compare(BASE, [SCENARIOS / "cap50_hard.yaml"], reps=2, progress=False,
                         runner=stand_in_runner, draws=draws)
    row = comparison.effects.set_index("outcome").loc["work_or_education_12m"]
    assert row["draws"] == 4 and row["replications"] == 8
    assert 0.0 <= row["parameter_share"] <= 1.0
    doc = build_document(comparison, tmp_path).markdown(tmp_path)
    assert "4 posterior draws x 2 paired replications" in doc
    assert "chance and parameters" in doc and "% of its variance from parameter uncertainty" in doc
    assert row["effect_low"] <= row["effect_mean"] <= row["effect_high"]
    central = compare(BASE, [SCENARIOS / "cap50_hard.yaml"], reps=2, progress=False, runner=stand_in_runner)
    assert central.effects.set_index("outcome").loc["work_or_education_12m", "parameter_share"] == 0.0


def test_draws_are_chosen_deterministically_in_proportion_to_their_weight() -> None:
    from sim.posterior_draws import choose_draws, draw_overrides, load_draws

    frame = load_draws(POSTERIOR)
    a, b = choose_draws(frame, 200, seed=3), choose_draws(frame, 200, seed=3)
    pd.testing.assert_frame_equal(a, b)
    counts = a["parameters.contact_effect.work"].value_counts() / 200
    for value, weight in zip(frame["parameters.contact_effect.work"], frame["weight"], strict=True):
        assert counts.get(value, 0.0) == pytest.approx(weight, abs=1 / 200)
    over = draw_overrides(a.iloc[0])
    assert set(over) == {"parameters"} and set(over["parameters"]["contact_effect"]) == {"work", "tiltak"}


def test_a_finished_baseline_is_reused_and_a_mismatched_one_refused(tmp_path: Path) -> None:
    from sim.scenario.loader import InputError

    first = tmp_path / "first"
    write_comparison(compare(BASE, [SCENARIOS / "cap50_hard.yaml"], reps=2, progress=False,
                             runner=stand_in_runner), first)
    ran = []

    def counting(scenario: Scenario, seed: int) -> RunResult:
        ran.append(scenario.name)
        return stand_in_runner(scenario, seed)

    again = compare(BASE, [SCENARIOS / "cap_never_binds.yaml"], reps=2, progress=False, runner=counting,
                    baseline_from=first)
    assert ran == ["cap_never_binds"] * 2  # the baseline's two runs were read, not run
    assert (again.effects.query("outcome == 'work_or_education_12m'")["effect_mean"] == 0).all()
    with pytest.raises(InputError, match="another replications per draw"):
        compare(BASE, [SCENARIOS / "cap_never_binds.yaml"], reps=3, progress=False, runner=counting,
                baseline_from=first)
    with pytest.raises(InputError, match="another scale"):
        compare(BASE, [SCENARIOS / "cap_never_binds.yaml"], reps=2, scale=0.01, progress=False,
                runner=counting, baseline_from=first)


def test_validate_runs_the_very_replications_compare_runs(tmp_path: Path) -> None:
    """Same --seed, --draws and --reps: run (draw k, replication r) of validate is the one of
    compare, event for event, with the real engine at a tiny scale."""
    from sim.compare_jobs import jobs_for, run_replication
    from sim.posterior_draws import choose_draws, draw_overrides, load_draws
    from sim.scenario.loader import apply_overrides, load_scenario
    from sim.validate import run_over_draws

    scenario, _ = load_scenario(BASE, {"scale": 0.004, "seed": 5, "period": {"start": "2023-01-01",
                                                                              "end": "2023-12-31"},
                                       "parameters": {"burn_in_years": 1}})
    draws = [draw_overrides(row) for _, row in choose_draws(load_draws(POSTERIOR), 2, seed=5).iterrows()]
    assert draws[0] != draws[1]
    pooled = run_over_draws(scenario, draws, 2, progress=False)
    events = pooled.events
    for job in jobs_for(1, 2, 2, scenario.seed):
        at_draw = apply_overrides(scenario, draws[job.draw], "posterior draw")
        alone = run_replication(at_draw, job.seed).events.drop(columns="rep").reset_index(drop=True)
        mine = events[events["rep"] == job.draw * 2 + job.rep].drop(columns="rep").reset_index(drop=True)
        assert len(alone) > 100
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False, check_categorical=False)


def test_clear_effects_are_coloured_by_what_is_better_for_the_users() -> None:
    from sim.report import tone

    def row(effect: float, clear: bool) -> pd.Series:
        return pd.Series({"effect_mean": effect, "excludes_zero": clear})

    assert tone("work_or_education_12m", row(0.4, True)) == "good"
    assert tone("work_or_education_12m", row(-0.4, True)) == "bad"
    assert tone("weeks_waiting_veileder", row(2.0, True)) == "bad"
    assert tone("weeks_waiting_veileder", row(-2.0, True)) == "good"
    assert tone("work_or_education_12m", row(0.4, False)) == ""  # not clear: no colour
    assert tone("cost_total", row(1e6, True)) == ""  # neither direction is the users'
