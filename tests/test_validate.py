"""evaluate, loss and the validate command on hand-made runs (no simulation engine needed)."""

from __future__ import annotations

import json
import math
import sys
import types
from pathlib import Path

import pytest
from test_measure_builder import RunBuilder

from sim import cli
from sim.report import percent
from sim.results import RunResult
from sim.rng import rep_seed
from sim.targets import load_targets
from sim.validate import LOSS_CAP, evaluate, loss, pass_share, to_json

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
SMALL = DATA / "validate_small.yaml"


def population_run(counts: list[int], men: list[int]) -> RunResult:
    """Replication r has counts[r] youths in follow-up from week 10, men[r] of them men."""
    b = RunBuilder(n_weeks=100, reps=len(counts))
    for rep, (n, m) in enumerate(zip(counts, men, strict=True)):
        for y in range(n):
            b.add_youth(y, rep=rep, sex="male" if y < m else "female").register(y, 10, rep=rep)
    return b.build()


CONTROL = dict(counts=[3, 5], men=[1, 2])
TREATED = dict(counts=[4, 5], men=[1, 2])


@pytest.fixture()
def runner():
    calls = []

    def run(intervention):
        calls.append(intervention)
        return population_run(**TREATED)

    run.calls = calls
    return run


@pytest.fixture()
def table(runner):
    return evaluate(population_run(**CONTROL), load_targets(SMALL), runner)


def test_one_row_per_compared_value(table):
    assert table["id"].tolist() == ["count_all", "by_sex:female", "by_sex:male", "far_future", "cap_effect",
                                    "men"]
    assert table["family"].tolist() == ["stock_count", "stock_share", "stock_share", "stock_count",
                                        "experiment_effect", "stock_count"]
    assert table.loc[1, "target_id"] == "by_sex" and table.loc[1, "category"] == "female"


def test_mean_interval_and_tolerance(table):
    row = table.set_index("id").loc["count_all"]
    assert row["simulated"] == 4.0  # replications give 3 and 5
    assert row["low"] == pytest.approx(3.1) and row["high"] == pytest.approx(4.9)
    assert row["tol_abs"] == pytest.approx(0.4)  # default: rel 0.1 of 4
    assert bool(row["pass"])
    men = table.set_index("id").loc["men"]
    assert men["simulated"] == 1.5 and not men["pass"]


def test_distribution_rows_share_the_weight(table):
    female = table.set_index("id").loc["by_sex:female"]
    assert female["simulated"] == pytest.approx((2 / 3 + 3 / 5) / 2)
    assert female["tol_abs"] == 0.05 and bool(female["pass"])
    assert female["weight"] == 0.5


def test_unmeasurable_targets_fail_with_a_reason(table):
    row = table.set_index("id").loc["far_future"]
    assert row["status"] == "not_measurable" and not row["pass"]
    assert "outside" in row["reason"]
    assert math.isnan(row["simulated"])


def test_experiment_is_treated_minus_control_with_one_rerun(table, runner):
    row = table.set_index("id").loc["cap_effect"]
    assert row["simulated"] == pytest.approx(0.5)  # effects 1 and 0 per replication
    assert row["low"] == pytest.approx(0.05) and row["high"] == pytest.approx(0.95)
    assert bool(row["pass"])
    assert runner.calls == [{"policy": {"portfolio_cap": {"youth": 50}}}]


def test_experiment_without_runner_is_not_computed():
    table = evaluate(population_run(**CONTROL), load_targets(SMALL))
    row = table.set_index("id").loc["cap_effect"]
    assert row["status"] == "not_computed" and not row["pass"]


def test_loss_is_the_weighted_mean_of_capped_squared_distances(table):
    z_sex = (abs((2 / 3 + 3 / 5) / 2 - 0.6) / 0.05) ** 2  # both categories are 1/30 away
    expected = (0 + 0.5 * z_sex + 0.5 * z_sex + LOSS_CAP**2 + 0 + min(8.5, LOSS_CAP) ** 2) / 5
    assert loss(table) == pytest.approx(expected)


def test_loss_leaves_out_rows_not_computed_and_is_zero_for_a_perfect_fit():
    table = evaluate(population_run(**CONTROL), load_targets(SMALL))
    with_runner = len(table) - 1
    perfect = table.copy()
    perfect["simulated"] = perfect["observed"]
    perfect["status"] = perfect["status"].where(perfect["status"] == "not_computed", "ok")
    assert loss(perfect) == 0.0
    assert loss(table) * 5 == pytest.approx(loss(table) * with_runner)


@pytest.mark.parametrize(("passed", "of", "shown"), [
    (160, 189, "84.6 %"), (161, 189, "85.1 %"), (57, 100, "57.0 %"), (17, 20, "85.0 %"), (6, 6, "100.0 %")])
def test_a_pass_share_just_under_a_goal_never_reads_as_the_goal(passed: int, of: int, shown: str) -> None:
    assert percent(passed / of) == shown


def test_pass_share_counts_rows_and_json_lists_them(table):
    assert pass_share(table) == pytest.approx(4 / 6)
    doc = to_json(table, load_targets(SMALL).evidence)
    assert doc["pass_share"] == pytest.approx(4 / 6)
    assert doc["evidence"] == ["ev_note"]
    assert [t["id"] for t in doc["targets"]] == table["id"].tolist()
    assert set(doc["targets"][0]) == {"id", "observed", "simulated", "low", "high", "parameter_share",
                                       "pass"}
    assert doc["targets"][3]["simulated"] is None  # not measured: null, not NaN
    json.dumps(doc, allow_nan=False)


# --- the command ----------------------------------------------------------------------------

@pytest.fixture()
def fake_engine(monkeypatch):
    """A stand-in for sim.run: returns hand-made runs and records how it was called."""
    calls = []

    def run_scenario(scenario, *, reps=None, seed=None, progress=False, workers=1, seeds=None):
        calls.append({"reps": reps, "cap": scenario.policy.portfolio_cap.youth,
                      "seeds": seeds if seeds is not None else [
                          rep_seed(scenario.seed if seed is None else seed, r) for r in range(reps)],
                      "scale": scenario.scale})
        counts = [4, 5, 4][:reps] if scenario.policy.portfolio_cap.youth else [3, 5, 3][:reps]
        return population_run(counts, [1] * reps)

    module = types.ModuleType("sim.run")
    module.run_scenario = run_scenario
    monkeypatch.setitem(sys.modules, "sim.run", module)
    return calls


def test_command_prints_and_writes_everything(tmp_path, fake_engine, capsys):
    out, json_path = tmp_path / "report", tmp_path / "v.json"
    code = cli.main(["validate", "--targets", str(SMALL), "--scenario", str(ROOT / "scenarios/baseline.yaml"),
                     "--seed", "7", "--scale", "0.01", "--out", str(out), "--json", str(json_path),
                     "--quiet"])
    assert code == 0
    seeds = [rep_seed(7, r) for r in range(3)]  # the seeds of navsim run --seed 7
    assert fake_engine[0] == {"reps": 3, "cap": None, "seeds": seeds, "scale": 0.01}  # at least 3 reps
    assert fake_engine[1]["cap"] == 50 and fake_engine[1]["seeds"] == seeds  # same seeds for the treated run
    printed = capsys.readouterr().out
    assert "stock_share" in printed and "by_sex:male" in printed and "ev_note" in printed
    assert "pass share: " in printed and " %" in printed.split("pass share: ")[1]
    doc = json.loads(json_path.read_text())
    assert len(doc["targets"]) == 6 and doc["evidence"] == ["ev_note"]
    assert (out / "validation.csv").exists() and (out / "validation.md").exists()
    assert sorted(p.name for p in (out / "plots").iterdir()) == [
        "experiment_effect.png", "stock_count.png", "stock_share.png"]
    assert "by_sex:female" in (out / "validation.md").read_text()
    assert "so it holds chance only" in (out / "validation.md").read_text(), \
        "without posterior draws the intervals are said to hold chance alone"


def test_reps_option_sets_the_replications(tmp_path, fake_engine):
    assert cli.main(["validate", "--targets", str(SMALL), "--reps", "2", "--quiet"]) == 0
    assert fake_engine[0]["reps"] == 2


@pytest.mark.parametrize("bad, message", [
    (DATA / "bad_filter.yaml", "where.county: unknown filter"),
    (DATA / "bad_metric.yaml", "targets[1] (typo).metric: unknown metric"),
])
def test_bad_targets_file_exits_2_with_one_line_and_writes_nothing(tmp_path, fake_engine, capsys, bad,
                                                                    message):
    out, json_path = tmp_path / "report", tmp_path / "v.json"
    code = cli.main(["validate", "--targets", str(bad), "--out", str(out), "--json", str(json_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and str(bad) in err and err.count("\n") == 1
    assert not out.exists() and not json_path.exists()
    assert fake_engine == []  # nothing was run


def test_invalid_intervention_is_caught_before_running(tmp_path, fake_engine, capsys):
    text = SMALL.read_text().replace("{youth: 50}", "{youth: -5}")
    path = tmp_path / "targets.yaml"
    path.write_text(text)
    assert cli.main(["validate", "--targets", str(path), "--quiet"]) == 2
    assert "cap_effect" in capsys.readouterr().err
    assert fake_engine == []


@pytest.mark.slow
def test_end_to_end_with_the_engine(tmp_path):
    """navsim validate on a short, small run of the real model."""
    pytest.importorskip("sim.run")
    scenario = tmp_path / "short.yaml"
    scenario.write_text(
        f"extends: {(ROOT / 'scenarios' / 'baseline.yaml').as_posix()}\n"
        "name: short\nperiod: {start: 2020-01-01, end: 2022-12-31}\nparameters: {burn_in_years: 4}\n")
    json_path = tmp_path / "v.json"
    code = cli.main(["validate", "--targets", str(DATA / "e2e_targets.yaml"), "--scenario", str(scenario),
                     "--scale", "0.005", "--reps", "2", "--json", str(json_path), "--quiet"])
    assert code == 0
    rows = {r["id"]: r for r in json.loads(json_path.read_text())["targets"]}
    assert all(r["simulated"] is not None for r in rows.values())
    groups = [rows[f"groups_feb2021:{g}"]["simulated"] for g in
              ("standard", "situasjonsbestemt", "spesielt_tilpasset", "varig_tilpasset")]
    assert sum(groups) == pytest.approx(1.0)
    for key in ("tiltak_3m", "transition_2021", "first_contact"):
        assert 0.0 <= rows[key]["simulated"] <= 1.0
    # The same scenario re-run with the same seeds is the same run: the effect is exactly 0.
    assert rows["same_scenario_effect"]["simulated"] == 0.0
    assert rows["same_scenario_effect"]["low"] == rows["same_scenario_effect"]["high"] == 0.0


def test_a_family_with_no_measured_row_still_gets_its_plot(tmp_path):
    import pandas as pd

    from sim.validate import COLUMNS, NOT_MEASURABLE, write_report

    row = {c: None for c in COLUMNS}
    row.update(id="kvp_persons_2031", target_id="kvp_persons_2031", metric="annual_count",
               family="annual_count", observed=3200.0, simulated=float("nan"), low=float("nan"),
               high=float("nan"), tol_abs=800.0, tolerance="rel 0.25", weight=1.0, status=NOT_MEASURABLE,
               reason="year 2031 is past the end of the run", source="004")
    row["pass"] = False
    write_report(tmp_path, pd.DataFrame([row], columns=COLUMNS))
    assert (tmp_path / "plots" / "annual_count.png").stat().st_size > 0
    assert "year 2031 is past the end of the run" in (tmp_path / "validation.md").read_text()


def test_parameter_share_needs_two_draws_and_comes_from_the_draws(runner):
    targets = load_targets(SMALL)
    run = population_run([3, 3, 9, 9], [1, 1, 1, 1])
    table = evaluate(run, targets, runner, draws=[0, 0, 1, 1]).set_index("id")
    # 3, 3 in draw 0 and 9, 9 in draw 1: all the variance is between the draws.
    assert table.loc["count_all", "parameter_share"] == 1.0
    assert table.loc["count_all", "low"] < 4 < table.loc["count_all", "high"]  # both draws in the interval
    one_draw = evaluate(run, targets, runner, draws=[0, 0, 0, 0]).set_index("id")
    assert math.isnan(one_draw.loc["count_all", "parameter_share"])  # not defined, never 0
    assert math.isnan(evaluate(run, targets, runner).set_index("id").loc["count_all", "parameter_share"])
    with pytest.raises(ValueError, match="3 draw labels for 4 replications"):
        evaluate(run, targets, runner, draws=[0, 0, 1])


def test_an_intervention_on_a_drawn_parameter_is_not_undone_by_the_draw(tmp_path, monkeypatch):
    import sim.posterior_draws
    from sim.scenario.loader import load_scenario
    from sim.validate import run_over_draws

    seen = []

    def run_scenario(scenario, *, reps=None, seed=None, progress=False, workers=1, seeds=None):
        seen.append(scenario.parameters.contact_effect.work)
        return population_run([3] * reps, [1] * reps)

    module = types.ModuleType("sim.run")
    module.run_scenario = run_scenario
    monkeypatch.setitem(sys.modules, "sim.run", module)
    monkeypatch.setattr(sim.posterior_draws, "posterior_file", lambda: DATA / "posterior_small.parquet")
    scenario, _ = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    chosen = sim.posterior_draws.chosen_draws(3, scenario.seed)
    draws = [sim.posterior_draws.draw_overrides(row) for _, row in chosen.iterrows()]
    run_over_draws(scenario, draws, 2, False)
    assert seen == list(chosen["parameters.contact_effect.work"])
    seen.clear()
    run_over_draws(scenario, draws, 2, False, {"parameters": {"contact_effect": {"work": 0.0}}})
    assert seen == [0.0, 0.0, 0.0]
