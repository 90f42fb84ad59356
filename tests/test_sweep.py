"""``navsim sweep``: designs, paired points, executors, sensitivity indices and bad input.

The sweeps here run on a tiny copy of the baseline (written next to the sweep file, as a
user would), so each run takes a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.outcomes import outcomes
from sim.run import run_scenario
from sim.sweep import execute
from sim.sweep.command import run_sweep
from sim.sweep.design import design_points, run_count, sensitivity
from sim.sweep.execute import jobs_of, run_jobs
from sim.sweep.output import short_names, write_sweep
from sim.sweep.spec import load_sweep

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
OUTCOMES = ["work_or_education_12m", "weeks_waiting_veileder", "contacts_per_month_all",
            "portefolje_mean_youth"]


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A folder with a tiny scenario: the baseline at scale 0.008, 2022-2024, 3 years' burn-in."""
    _write(tmp_path / "tiny.yaml", {
        "extends": str(ROOT / "scenarios" / "baseline.yaml"),
        "name": "tiny", "scale": 0.008, "replications": 1,
        "period": {"start": "2022-01-01", "end": "2024-12-31"}, "parameters": {"burn_in_years": 3}})
    return tmp_path


def _sweep_file(folder: Path, name: str = "sw.yaml", **fields) -> Path:
    data = {"name": "test_sweep", "scenario": "tiny.yaml", "design": "grid", "replications": 2,
            "outcomes": OUTCOMES,
            "parameters": {"policy.portfolio_cap.youth": {"values": [5000, 10000]}}}
    data.update(fields)
    return _write(folder / name, data)


def test_grid_is_every_combination_first_parameter_slowest(folder: Path) -> None:
    sweep = load_sweep(_sweep_file(folder, parameters={
        "policy.portfolio_cap.youth": {"values": [30, 50]},
        "policy.portfolio_cap.mode": {"values": ["hard", "hire", "overflow"]}}))
    table = design_points(sweep).table
    assert list(table.columns) == ["policy.portfolio_cap.youth", "policy.portfolio_cap.mode"]
    assert table.values.tolist() == [[30, "hard"], [30, "hire"], [30, "overflow"],
                                     [50, "hard"], [50, "hire"], [50, "overflow"]]
    scenario = sweep.scenario_at(design_points(sweep).values[4])
    assert (scenario.policy.portfolio_cap.youth, scenario.policy.portfolio_cap.mode) == (50, "hire")


def test_a_point_is_what_navsim_run_gives_for_its_scenario(folder: Path) -> None:
    """Same seeds, same counting: a sweep point's outcomes are those of its scenario's run."""
    sweep = load_sweep(_sweep_file(folder, parameters={"policy.portfolio_cap.youth": {"values": [10, 20]}},
                                   measure_from="2023-01-01"))
    points = design_points(sweep)
    runs = run_jobs(jobs_of(sweep, points))
    scenario = sweep.scenario_at(points.values[1])
    result = run_scenario(scenario, reps=2)
    expected = outcomes(result, unit_costs=scenario.costs,
                        from_week=result.calendar.week_of(sweep.measure_from))[OUTCOMES]
    got = runs[runs["point"] == 1].set_index("rep")[OUTCOMES]
    pd.testing.assert_frame_equal(got, expected, check_names=False, check_dtype=False)
    assert (runs[runs["point"] == 0]["weeks_waiting_veileder"] > 0).all()  # a cap of 10 binds


def test_a_cap_that_never_binds_changes_nothing_and_a_binding_one_does(folder: Path) -> None:
    never = load_sweep(_sweep_file(folder))
    runs = run_jobs(jobs_of(never, design_points(never)))
    a = runs[runs["point"] == 0].set_index("rep")[OUTCOMES]
    b = runs[runs["point"] == 1].set_index("rep")[OUTCOMES]
    pd.testing.assert_frame_equal(a, b)
    binding = load_sweep(_sweep_file(folder, parameters={
        "policy.portfolio_cap.youth": {"values": [8, None]}}))  # null: no cap
    runs = run_jobs(jobs_of(binding, design_points(binding)))
    waiting = runs.groupby("point")["weeks_waiting_veileder"].mean()
    assert waiting[0] > 0 and waiting[1] == 0


def test_processes_and_dask_give_the_same_results_as_one_process(folder: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from distributed import Client

    sweep = load_sweep(_sweep_file(folder, parameters={"policy.portfolio_cap.youth": {"values": [10, 40]}}))
    jobs = jobs_of(sweep, design_points(sweep))
    alone = run_jobs(jobs)
    with ProcessPoolExecutor(2, mp_context=get_context("fork")) as pool:
        pd.testing.assert_frame_equal(run_jobs(jobs, pool), alone)
    with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None) as client:
        pd.testing.assert_frame_equal(run_jobs(jobs, client.get_executor()), alone)


def test_command_writes_identical_files_locally_and_on_a_dask_cluster(folder: Path, capsys) -> None:
    sweep_file = _sweep_file(folder, parameters={"policy.portfolio_cap.youth": {"values": [10, 40]}})
    one, two = folder / "one", folder / "two"
    assert main(["sweep", str(sweep_file), "--out", str(one), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "grid, 2 points x 2 replication(s)" in printed and f"wrote {one}" in printed
    assert main(["sweep", str(sweep_file), "--out", str(two), "--quiet", "--dask", "local",
                 "--workers", "1", "--no-plots"]) == 0
    for name in ("points.csv", "runs.csv", "summary.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert (one / "plots" / "response.png").stat().st_size > 10_000
    summary = pd.read_csv(one / "summary.csv")
    assert set(summary["outcome"]) == set(OUTCOMES) and (summary["replications"] == 2).all()
    assert (summary["low"] <= summary["mean"]).all() and (summary["mean"] <= summary["high"]).all()
    assert (summary["draws"] == 1).all() and summary["parameter_share"].isna().all()  # not defined


def test_command_with_posterior_draws_writes_the_parameter_share(folder: Path, monkeypatch) -> None:
    import json

    import sim.posterior_draws

    monkeypatch.setattr(sim.posterior_draws, "posterior_file",
                        lambda: ROOT / "tests" / "data" / "posterior_small.parquet")
    sweep_file = _sweep_file(folder, parameters={"policy.portfolio_cap.youth": {"values": [10, 40]}})
    out = folder / "drawn"
    assert main(["sweep", str(sweep_file), "--out", str(out), "--quiet", "--draws", "2", "--no-plots"]) == 0
    summary = pd.read_csv(out / "summary.csv")
    assert (summary["draws"] == 2).all() and (summary["replications"] == 4).all()
    share = summary.set_index(["outcome", "point"])["parameter_share"]
    assert share.between(0.0, 1.0).all()  # defined with two draws
    seeds = json.loads((out / "sweep.json").read_text())["replication_seeds"]
    from sim.compare_jobs import jobs_for

    assert seeds == [j.seed for j in jobs_for(1, 2, 2, load_sweep(sweep_file).base.seed)]


def test_sobol_indices_name_the_parameter_that_matters() -> None:
    """The indices line up with the parameters: y depends on the second parameter only."""
    from types import SimpleNamespace

    from sim.sweep.spec import SweepParameter

    params = tuple(SweepParameter(f"p{i}", (f"p{i}",), None, 0.0, 1.0, False) for i in range(3))
    for design, column in (("sobol", "ST"), ("morris", "mu_star")):
        sweep = SimpleNamespace(design=design, samples=64 if design == "sobol" else 20, levels=4,
                                design_seed=3, parameters=params, paths=["p0", "p1", "p2"])
        points = design_points(sweep)  # type: ignore[arg-type]
        x = points.table.to_numpy()
        means = pd.DataFrame({"y": 4.0 * x[:, 1] ** 2 + 0.1 * x[:, 0], "flat": np.ones(len(x))})
        indices = sensitivity(sweep, points, means).set_index(["outcome", "parameter"])  # type: ignore[arg-type]
        y = indices.loc["y", column]
        assert y.idxmax() == "p1" and y["p2"] == pytest.approx(0.0, abs=1e-9), design
        assert y["p1"] > 10 * y["p0"], design
        assert indices.loc["flat", "note"].str.contains("does not vary").all()


def test_sobol_on_the_model_gives_zero_to_a_cap_that_never_binds(folder: Path) -> None:
    sweep = load_sweep(_sweep_file(folder, design="sobol", samples=4, replications=1, parameters={
        "policy.portfolio_cap.youth": {"bounds": [5000, 10000]},
        "parameters.contacts.intensity_retention": {"bounds": [0.5, 0.95]}}))
    result = run_sweep(sweep, design_points(sweep), progress=False)
    assert len(result.runs) == 4 * (2 + 2)
    st = result.sensitivity.set_index(["outcome", "parameter"])["ST"]
    assert st["contacts_per_month_all", "policy.portfolio_cap.youth"] == 0.0
    assert st["contacts_per_month_all", "parameters.contacts.intensity_retention"] > 0.5
    assert set(design_points(sweep).table["policy.portfolio_cap.youth"].map(type)) == {int}
    write_sweep(folder / "out", sweep, result.points, result.runs, result.sensitivity)
    assert {p.name for p in (folder / "out" / "plots").iterdir()} == {"sobol.png", "scatter.png"}
    assert pd.read_csv(folder / "out" / "sensitivity.csv").shape[0] == len(OUTCOMES) * 2


@pytest.mark.parametrize(("fields", "expected"), [
    ({"parameters": {"policy.portfolio_cap.yuoth": {"values": [1, 2]}}},
     "sw.yaml: parameters[policy.portfolio_cap.yuoth]: no key 'yuoth' under policy.portfolio_cap in the "
     "scenario (did you mean youth?)"),
    ({"parameters": {"policy.portfolio_cap.mode": {"values": ["hard", "soft"]}}},
     "sw.yaml: parameters[policy.portfolio_cap.mode].values[1]: 'soft' is not accepted by the "
     "scenario schema"),
    ({"design": "sobol", "samples": 12, "parameters": {
        "parameters.contact_effect.work": {"bounds": [0.0, 0.2]},
        "parameters.contact_effect.tiltak": {"bounds": [0.0, 1.0]}}},
     "sw.yaml: samples: sobol needs a power of 2 (got 12)"),
    ({"design": "morris", "samples": 4, "parameters": {"parameters.contact_effect.work": {"values": [1]}}},
     "sw.yaml: parameters[parameters.contact_effect.work]: design morris needs bounds:"),
    ({"design": "morris", "samples": 4,
      "parameters": {"parameters.contact_effect.work": {"bounds": [0.3, 0.1]}}},
     "sw.yaml: parameters[parameters.contact_effect.work].bounds: low (0.3) must be below high (0.1)"),
    ({"outcomes": ["work_or_education_12"]},
     "sw.yaml: outcomes[0]: unknown outcome 'work_or_education_12' (did you mean work_or_education_12m?)"),
    ({"replicatons": 3}, "sw.yaml: replicatons: unknown key (did you mean replications?)"),
    ({"scenario": "missing.yaml"}, "missing.yaml"),
])
def test_bad_sweep_files_give_one_line_exit_2_and_write_nothing(folder: Path, capsys, fields: dict,
                                                                 expected: str) -> None:
    out = folder / "out"
    assert main(["sweep", str(_sweep_file(folder, **fields)), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("navsim: error: ") and expected in err, err
    assert not out.exists()


def test_a_failing_run_stops_the_sweep_and_the_next_run_resumes_it(folder: Path, capsys,
                                                                   monkeypatch) -> None:
    real = execute.run_job
    calls: list[tuple[int, int]] = []

    def flaky(job: execute.Job) -> dict[str, float]:
        calls.append((job.point, job.rep))
        if job.point == 1 and fail:
            raise RuntimeError("disk full\nsecond line")
        return real(job)

    monkeypatch.setattr(execute, "run_job", flaky)
    sweep_file, out = _sweep_file(folder), folder / "out"
    fail = True
    assert main(["sweep", str(sweep_file), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(
        "navsim: sweep failed, no results written: point 1, replication 0 failed: RuntimeError: disk full;")
    assert f"--out {out}" in err and not out.exists()
    assert (folder / ".out.journal.jsonl").exists()

    fail, calls[:] = False, []
    assert main(["sweep", str(sweep_file), "--out", str(out)]) == 0
    assert calls == [(1, 0), (1, 1)]  # only what had not finished
    assert "resuming: 2 of 4 runs were done before" in capsys.readouterr().err
    assert not (folder / ".out.journal.jsonl").exists()
    assert main(["sweep", str(sweep_file), "--out", str(folder / "whole"), "--quiet"]) == 0
    for name in ("runs.csv", "summary.csv"):
        assert (out / name).read_bytes() == (folder / "whole" / name).read_bytes()


def test_a_journal_of_another_sweep_is_refused(folder: Path, capsys) -> None:
    from sim.sweep.journal import Journal

    Journal(folder / ".out.journal.jsonl", "not-this-sweep").append(0, 0, {"x": 1.0})
    out = folder / "out"
    assert main(["sweep", str(_sweep_file(folder)), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "journal.jsonl: this journal is of another sweep" in err
    assert not out.exists()


def test_journal_skips_a_line_cut_off_mid_write(tmp_path: Path) -> None:
    from sim.sweep.journal import Journal

    path = tmp_path / "j.jsonl"
    journal = Journal(path, "abc")
    journal.append(0, 0, {"y": 0.1, "z": float("nan")})
    journal.close()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"point": 0, "rep": 1, "outc')
    again = Journal(path, "abc")
    done = again.load()
    assert list(done) == [(0, 0)] and done[(0, 0)]["y"] == 0.1 and np.isnan(done[(0, 0)]["z"])
    again.append(1, 0, {"y": 2.5, "z": 1.0})
    again.close()
    assert sorted(Journal(path, "abc").load()) == [(0, 0), (1, 0)]


def test_dry_run_plans_without_running(folder: Path, capsys) -> None:
    assert main(["sweep", str(_sweep_file(folder)), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "2 points x 2 replication(s) = 4 runs" in printed
    assert not (folder / "results").exists() and not Path("results", "sweep-test_sweep").exists()


def test_a_bad_dask_address_is_one_line_exit_2(folder: Path, capsys) -> None:
    out = folder / "out"
    assert main(["sweep", str(_sweep_file(folder)), "--dask", "not an address", "--quiet",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("navsim: error: --dask: cannot reach the scheduler")
    assert not out.exists()


def test_short_names_are_unique_tails() -> None:
    paths = ["parameters.contacts.budget_const.scheduled_meeting",
             "parameters.contacts.budget_per_user.scheduled_meeting",
             "parameters.contact_effect.work", "policy.portfolio_cap.youth", "youth"]
    assert short_names(paths) == {
        paths[0]: "budget_const.scheduled_meeting", paths[1]: "budget_per_user.scheduled_meeting",
        paths[2]: "work", paths[3]: "portfolio_cap.youth", "youth": "youth"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_sweeps_are_valid(path: Path) -> None:
    sweep = load_sweep(path)
    points = design_points(sweep)
    assert len(points) >= 2
    for values in points.values[:3]:
        sweep.scenario_at(values)


def test_posterior_draws_give_each_point_the_same_draws_and_seeds_as_compare(folder: Path) -> None:
    from dataclasses import replace

    from sim.compare_jobs import jobs_for
    from sim.posterior_draws import choose_draws, draw_overrides, load_draws

    chosen = choose_draws(load_draws(ROOT / "tests" / "data" / "posterior_small.parquet"), 3, seed=1)
    over = tuple(draw_overrides(row) for _, row in chosen.iterrows())
    sweep = replace(load_sweep(_sweep_file(folder)), draws=over)
    points = design_points(sweep)
    jobs = jobs_of(sweep, points)
    assert run_count(sweep, points) == len(jobs) == 2 * 3 * 2
    compare_seeds = [j.seed for j in jobs_for(1, 3, 2, sweep.base.seed)]
    for point in (0, 1):
        mine = [j for j in jobs if j.point == point]
        assert [j.seed for j in mine] == compare_seeds
        effects = [j.scenario.parameters.contact_effect.work for j in mine]
        assert effects == [d["parameters"]["contact_effect"]["work"] for d in over for _ in range(2)]


def test_summary_gives_the_parameter_share_with_two_draws_and_nan_with_one(folder: Path) -> None:
    from sim.sweep.output import summary_table

    sweep = load_sweep(_sweep_file(folder))
    points = design_points(sweep)
    # Runs 0-1 are draw 0 and runs 2-3 draw 1 (two replications per draw). At point 0 the
    # outcome differs between draws only, at point 1 within draws only.
    values = [1.0, 1.0, 5.0, 5.0, 1.0, -1.0, 1.0, -1.0]
    runs = pd.DataFrame({"point": [0] * 4 + [1] * 4, "rep": [0, 1, 2, 3] * 2,
                         **{o: values for o in OUTCOMES}})
    table = summary_table(points, runs, sweep.outcomes, 2).set_index(["outcome", "point"])
    row = table.loc[(OUTCOMES[0], 0)]
    assert row["draws"] == 2 and row["replications"] == 4
    assert row["parameter_share"] == 1.0
    assert row["low"] < 2.0 and row["high"] > 4.0  # the band holds both draws
    assert table.loc[(OUTCOMES[0], 1), "parameter_share"] == 0.0
    one = summary_table(points, runs, sweep.outcomes, 4)
    assert (one["draws"] == 1).all() and one["parameter_share"].isna().all()  # not defined, never 0
