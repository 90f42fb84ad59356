"""`navsim calibrate`: config checks, the trial loop, resuming, workers and the written layer.

The simulation and the comparison with targets are replaced by a toy whose "statistics" are
the free parameters themselves, so the optimum is known and every test runs in seconds.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from pathlib import Path
from types import SimpleNamespace

import optuna
import pandas as pd
import pytest
import yaml

from sim.calibrate import Paths, calibrate, calibrate_command, setup
from sim.calibration import objective as objective_mod
from sim.calibration import report
from sim.calibration.config import Prior, load_config, resolve_path
from sim.calibration.objective import Engine
from sim.calibration.output import header_lines
from sim.calibration.space import prior_penalty, start_values
from sim.calibration.study import JOURNAL, CalibrationError, open_study
from sim.cli import main
from sim.scenario.loader import InputError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
PRIORS = ROOT / "scenarios" / "priors.yaml"

# The toy's optimum: each target observes one scenario value.
TOY_TARGETS = [
    {"id": "toy_work", "path": "parameters.exits.work_weekly.standard", "value": 0.031, "tol": 0.002},
    {"id": "toy_load", "path": "parameters.advisors.older_load_mean.youth", "value": 26.0, "tol": 2.0},
    {"id": "toy_weeks", "path": "parameters.tiltak.early_weeks", "value": 30, "tol": 2},
]

TOY_CONFIG = """\
settings:
  scale: 0.01
  replications: 1
  seed: 7
  period_end: 2020-12-31
  sampler_seed: 3
  startup_trials: 5
  prior_weight: 0.01
  study_name: toy
free:
  parameters.exits.work_weekly.standard:
    bounds: [0.005, 0.05]
    log: true
    prior: {dist: lognormal, sigma: 1.0}
    evidence: ev_toy
  parameters.advisors.older_load_mean.youth:
    bounds: [0.0, 40.0]
    prior: {dist: normal, mean: 20.0, sd: 15.0}
  parameters.tiltak.early_weeks:
    bounds: [10, 40]
    prior: {dist: uniform}
"""

#: Where the fake run records which process evaluated a trial (set per test).
_PID_LOG: dict[str, Path] = {}
#: Calls to the fake evaluate after which it raises KeyboardInterrupt (set per test).
_INTERRUPT_AT: dict[str, int] = {}
_CALLS = {"n": 0}


def fake_run(scenario, *, reps=None, seed=None, progress=False):
    if "path" in _PID_LOG:
        with open(_PID_LOG["path"], "a") as fh:
            fh.write(f"{os.getpid()}\n")
    return SimpleNamespace(scenario=scenario, reps=reps, seed=seed)


def fake_evaluate(result, targets, runner=None):
    _CALLS["n"] += 1
    if "at" in _INTERRUPT_AT and _CALLS["n"] == _INTERRUPT_AT["at"]:
        raise KeyboardInterrupt
    data = result.scenario.model_dump(mode="python")
    rows = []
    for t in targets:
        sim = float(resolve_path(data, t["path"])[1])
        rows.append({"id": t["id"], "target_id": t["id"], "category": None, "metric": "toy",
                     "family": "toy", "observed": t["value"], "simulated": sim,
                     "low": t["value"] - t["tol"], "high": t["value"] + t["tol"], "tol_abs": t["tol"],
                     "pass": abs(sim - t["value"]) <= t["tol"], "weight": 1.0})
    return pd.DataFrame(rows)


def fake_loss(table: pd.DataFrame) -> float:
    err = ((table["simulated"] - table["observed"]) / table["tol_abs"]) ** 2
    return float((err.clip(upper=100.0) * table["weight"]).sum() / table["weight"].sum())


def fake_load_targets(path: Path):
    return yaml.safe_load(Path(path).read_text())["targets"]


FAKE = Engine(run=fake_run, evaluate=fake_evaluate, loss=fake_loss, load_targets=fake_load_targets,
              evidence_ids=lambda targets: {"ev_toy"})


@pytest.fixture(autouse=True)
def _fake_engine(monkeypatch):
    monkeypatch.setattr(objective_mod, "default_engine", lambda: FAKE)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    _PID_LOG.clear()
    _INTERRUPT_AT.clear()
    _CALLS["n"] = 0


@pytest.fixture()
def toy(tmp_path) -> Paths:
    (tmp_path / "config.yaml").write_text(TOY_CONFIG)
    (tmp_path / "targets.yaml").write_text(yaml.safe_dump({"targets": TOY_TARGETS}))
    return Paths(targets=tmp_path / "targets.yaml", config=tmp_path / "config.yaml", scenario=PRIORS,
                 out=tmp_path / "study", write=tmp_path / "layer" / "calibrated.yaml")


def _journal_trials(paths: Paths, name: str = "toy") -> list[optuna.trial.FrozenTrial]:
    return open_study(paths.out, name).get_trials()


def _states(trials) -> list[str]:
    return [t.state.name for t in trials]


def _args(paths: Paths, **kw) -> argparse.Namespace:
    base = {"targets": paths.targets, "config": paths.config, "scenario": paths.scenario,
            "out": paths.out, "write": paths.write, "trials": 4, "workers": 1, "reps": None,
            "scale": None, "quiet": True}
    base.update(kw)
    return argparse.Namespace(**base)


# --- config ---------------------------------------------------------------------------------

def _config_error(tmp_path: Path, free: str, settings: str | None = None) -> InputError:
    path = tmp_path / "bad.yaml"
    path.write_text((GOOD_SETTINGS if settings is None else settings) + textwrap.dedent(free))
    scenario, _ = load_scenario(PRIORS)
    with pytest.raises(InputError) as info:
        load_config(path, scenario)
    assert info.value.file == str(path)
    return info.value


GOOD_SETTINGS = """\
settings: {scale: 0.01, replications: 1, sampler_seed: 1, prior_weight: 0.1, study_name: s}
"""


def test_project_config_is_valid_and_cites_real_evidence():
    scenario, _ = load_scenario(PRIORS)
    config = load_config(ROOT / "calibration" / "config.yaml", scenario)
    # A handful of dimensions per hundred trials: a stage of 140 trials on 2 cores stays near
    # half an hour only while the search keeps to a few dozen free parameters (41 took 29
    # minutes, docs/CALIBRATION.md).
    assert 15 <= len(config.free) <= 45
    targets = yaml.safe_load((ROOT / "calibration" / "targets.yaml").read_text())["targets"]
    evidence = {t["id"] for t in targets if t["metric"] == "evidence"}
    cited = {p.evidence for p in config.free if p.evidence}
    assert cited and cited <= evidence
    for p in config.free:
        assert p.low <= p.start <= p.high, p.path


def test_unknown_key_is_named(tmp_path):
    err = _config_error(tmp_path, """\
        free:
          parameters.exits.work_weekly.standard:
            bounds: [0.005, 0.05]
            prior: {dist: uniform}
            bound: 3
        """)
    assert err.key == "free[parameters.exits.work_weekly.standard].bound"
    assert "unknown key" in err.message


def test_unknown_settings_key_is_named(tmp_path):
    settings = ("settings: {scale: 0.01, replications: 1, sampler_seed: 1, prior_weight: 0.1, "
                "study_name: s, trials: 5}\n")
    err = _config_error(tmp_path, settings=settings, free="""\
        free:
          parameters.exits.work_weekly.standard: {bounds: [0.005, 0.05], prior: {dist: uniform}}
        """)
    assert err.key == "settings.trials"


def test_path_that_does_not_exist_is_named(tmp_path):
    err = _config_error(tmp_path, """\
        free:
          parameters.exits.work_weekly.standrad: {bounds: [0.005, 0.05], prior: {dist: uniform}}
        """)
    assert err.key == "free[parameters.exits.work_weekly.standrad]"
    assert "standrad" in err.message


@pytest.mark.parametrize("path, bounds, prior, key_end, words", [
    ("parameters.exits.work_weekly.standard", "[0.05, 0.005]", "{dist: uniform}", ".bounds", "below"),
    ("parameters.exits.work_weekly.standard", "[0.01, 0.01]", "{dist: uniform}", ".bounds", "below"),
    ("parameters.exits.work_weekly", "[0.005, 0.05]", "{dist: uniform}", "", "number"),
    ("parameters.exits.work_weekly.standard", "[0.03, 0.05]", "{dist: uniform}", ".bounds", "outside"),
    ("parameters.exits.work_weekly.standard", "[0.005, 0.05]", "{dist: normal, mean: 0.2, sd: 0.01}",
     ".prior.mean", "outside"),
    ("parameters.exits.work_weekly.standard", "[0.005, 0.05]", "{dist: normal, sd: -1}", ".prior.sd",
     "greater than 0"),
    ("parameters.exits.both_share", "[0.05, 1.5]", "{dist: uniform}", ".bounds", "schema"),
    ("parameters.tiltak.early_weeks", "[10.5, 40]", "{dist: uniform}", ".bounds", "whole"),
    ("seed", "[1, 5]", "{dist: uniform}", "", "must lie under"),
])
def test_bad_free_parameter_is_named(tmp_path, path, bounds, prior, key_end, words):
    err = _config_error(tmp_path, f"""\
        free:
          {path}: {{bounds: {bounds}, prior: {prior}}}
        """)
    assert err.key == f"free[{path}]{key_end}"
    assert words in err.message


def test_year_keys_of_inputs_resolve_to_ints(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(GOOD_SETTINGS + "free:\n  inputs.inflow_per_year.2018: "
                    "{bounds: [30000, 70000], prior: {dist: uniform}}\n")
    scenario, _ = load_scenario(PRIORS)
    (p,) = load_config(path, scenario).free
    assert p.keys == ("inputs", "inflow_per_year", 2018)
    assert p.start == scenario.inputs.inflow_per_year[2018]


def test_prior_penalty_is_zero_at_the_prior_centre_and_grows_away(toy):
    s = setup(toy)
    free = s.config.free
    centre = {"parameters.exits.work_weekly.standard": free[0].start,   # lognormal median: the prior value
              "parameters.advisors.older_load_mean.youth": 20.0, "parameters.tiltak.early_weeks": 12}
    assert prior_penalty(free, centre) == pytest.approx(0.0)
    far = dict(centre, **{"parameters.advisors.older_load_mean.youth": 35.0})
    assert prior_penalty(free, far) == pytest.approx(0.5 * 1.0 / 3)   # z = 1 for one of three
    lognormal = Prior("lognormal", 0.02, 1.0)
    assert lognormal.z(0.04) == pytest.approx(-lognormal.z(0.01))


def test_trials_run_with_the_config_settings_and_experiments_rerun_the_trial(toy):
    seen = {}

    def evaluate(result, targets, runner=None):
        seen["control"], seen["treated"] = result, runner({"tiltak": {"places_multiplier": 1.25}})
        return fake_evaluate(result, targets)

    s = setup(toy, engine=Engine(fake_run, evaluate, fake_loss, fake_load_targets, lambda t: set()))
    values = dict(start_values(s.config.free), **{"parameters.exits.work_weekly.standard": 0.04})
    s.objective(values)
    control, treated = seen["control"], seen["treated"]
    for run in (control, treated):       # same seed and size for every trial and its experiments
        assert (run.seed, run.reps, run.scenario.scale) == (7, 1, 0.01)
        assert run.scenario.period.end.isoformat() == "2020-12-31"
        assert run.scenario.parameters.exits.work_weekly.standard == 0.04
    assert control.scenario.tiltak.places_multiplier == 1.0
    assert treated.scenario.tiltak.places_multiplier == 1.25


# --- the trial loop ---------------------------------------------------------------------------

def test_trial_loop_improves_the_toy_loss(toy):
    s = setup(toy)
    prior = s.objective(start_values(s.config.free))
    result = calibrate(s, trials=30, quiet=True)
    before, after, best = result.before, result.after, result.best
    assert result.completed == 30
    assert before["objective"] == pytest.approx(prior.objective)
    assert after["objective"] < 0.2 * before["objective"]
    assert after["pass_share"] > before["pass_share"]
    trials = _journal_trials(toy)
    assert trials[0].params == pytest.approx(start_values(s.config.free))   # the study starts at the priors
    done = [t for t in trials if t.state.name == "COMPLETE"]
    assert {"loss", "penalty", "pass_share"} <= set(done[-1].user_attrs)
    assert min(t.value for t in done) == pytest.approx(trials[best].value)


def test_resume_runs_up_to_the_total(toy):
    calibrate(setup(toy), trials=3, quiet=True)
    assert _states(_journal_trials(toy)) == ["COMPLETE"] * 3
    calibrate(setup(toy), trials=5, quiet=True)
    assert _states(_journal_trials(toy)) == ["COMPLETE"] * 5
    calibrate(setup(toy), trials=5, quiet=True)          # finished: only the outputs are rewritten
    assert len(_journal_trials(toy)) == 5


def test_a_trial_left_running_by_a_killed_run_is_repeated_under_its_number(toy):
    calibrate(setup(toy), trials=2, quiet=True)
    study = open_study(toy.out, "toy")
    killed = study.ask()                                   # a process died while evaluating this
    value = killed.suggest_float("parameters.exits.work_weekly.standard", 0.005, 0.05, log=True)
    calibrate(setup(toy), trials=4, quiet=True)
    trials = _journal_trials(toy)
    assert _states(trials) == ["COMPLETE"] * 4
    again = trials[killed.number]                          # run again, same number, same value
    assert again.params["parameters.exits.work_weekly.standard"] == value
    assert set(again.params) == set(trials[0].params)      # the missing parameters were proposed


def test_ctrl_c_keeps_finished_trials_and_resumes(toy):
    _INTERRUPT_AT["at"] = 3
    assert calibrate_command(_args(toy, trials=5)) == 130
    trials = _journal_trials(toy)
    assert _states(trials) == ["COMPLETE", "COMPLETE", "RUNNING"]   # left to run again
    interrupted = trials[2].params
    assert not toy.write.exists()                         # nothing written on interrupt
    _INTERRUPT_AT.clear()
    assert calibrate_command(_args(toy, trials=5)) == 0
    trials = _journal_trials(toy)
    assert _states(trials) == ["COMPLETE"] * 5
    assert trials[2].params == interrupted                # the interrupted parameters ran again


def test_repeated_failures_stop_the_calibration(toy, monkeypatch):
    def broken(result, targets, runner=None):
        raise RuntimeError("engine exploded")
    monkeypatch.setattr(objective_mod, "default_engine",
                        lambda: Engine(fake_run, broken, fake_loss, fake_load_targets, lambda t: set()))
    with pytest.raises(CalibrationError, match="engine exploded"):
        calibrate(setup(toy), trials=10, quiet=True)
    trials = _journal_trials(toy)
    assert _states(trials) == ["FAIL"] * 3
    assert "engine exploded" in trials[0].user_attrs["error"]


def test_resuming_with_a_different_config_is_refused(toy):
    calibrate(setup(toy), trials=2, quiet=True)
    toy.config.write_text(TOY_CONFIG.replace("bounds: [0.0, 40.0]", "bounds: [0.0, 45.0]"))
    with pytest.raises(InputError, match="different config"):
        calibrate(setup(toy), trials=3, quiet=True)


def test_two_workers_share_the_study(toy, tmp_path):
    _PID_LOG["path"] = tmp_path / "pids.txt"
    result = calibrate(setup(toy), trials=8, workers=2, quiet=True)
    assert _states(_journal_trials(toy)) == ["COMPLETE"] * 8
    pids = set(_PID_LOG["path"].read_text().split())
    assert len(pids - {str(os.getpid())}) == 2            # two worker processes evaluated trials
    assert toy.write.exists() and result.after["objective"] <= result.before["objective"]


def test_the_engine_is_compiled_once_in_the_parent_before_any_trial(toy, tmp_path, monkeypatch):
    """Compiling in each worker would compile the same code twice at once, behind a frozen bar."""
    import dataclasses

    log = _PID_LOG["path"] = tmp_path / "pids.txt"

    def warm_up(scenario, notice=True):
        with open(log, "a") as fh:
            fh.write(f"warm-up:{scenario.name}:{notice}:{os.getpid()}\n")
        return True

    monkeypatch.setattr(objective_mod, "default_engine", lambda: dataclasses.replace(FAKE, warm_up=warm_up))
    s = setup(toy)
    calibrate(s, trials=4, workers=2, quiet=True)
    lines = log.read_text().split()
    assert lines[0] == f"warm-up:{s.objective.base.name}:False:{os.getpid()}"
    assert sum(line.startswith("warm-up") for line in lines) == 1 and len(lines) > 1


# --- outputs ------------------------------------------------------------------------------------

def test_written_layer_loads_over_the_priors_and_sets_only_the_free_parameters(toy):
    s = setup(toy)
    calibrate(s, trials=12, quiet=True)
    text = toy.write.read_text()
    assert text.startswith("# Fitted parameters")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert str(ROOT) not in header and str(toy.out.parent) not in header   # no machine paths
    data = yaml.safe_load(text)
    assert data["extends"] == os.path.relpath(PRIORS, toy.write.parent)
    assert data["name"] == "calibrated"

    scenario, prov = load_scenario(toy.write)
    priors, _ = load_scenario(PRIORS)
    set_here = {k for k, src in prov.items() if src == str(toy.write)}
    assert set_here == {"extends", "name", *s.config.paths}
    best = min((t for t in _journal_trials(toy) if t.value is not None), key=lambda t: t.value)
    dumped, prior_dump = scenario.model_dump(mode="python"), priors.model_dump(mode="python")
    for p in s.config.free:
        assert resolve_path(dumped, p.path)[1] == pytest.approx(best.params[p.path], rel=1e-3)
    for key in ("inputs", "costs", "period", "scale"):
        assert dumped[key] == prior_dump[key]
    assert dumped["parameters"]["exits"]["education_weekly"] == prior_dump["parameters"]["exits"][
        "education_weekly"]


def test_fit_report_shows_every_target_and_parameter_and_can_be_rerendered(toy):
    calibrate(setup(toy), trials=6, quiet=True)
    md = (toy.out / report.REPORT).read_text()
    for t in TOY_TARGETS:
        assert f"| {t['id']} |" in md
    assert "`parameters.tiltak.early_weeks`" in md and "`ev_toy`" in md and "assumption" in md
    assert "targets passing" in md
    for png in ("fit_before_after.png", "convergence.png", "parameters.png"):
        assert (toy.out / png).stat().st_size > 1000
    (toy.out / report.REPORT).unlink()
    report.render(toy.out)
    assert (toy.out / report.REPORT).read_text() == md


def test_cli_runs_and_reports_bad_input_in_one_line(toy, capsys):
    argv = ["calibrate", "--scenario", str(PRIORS), "--targets", str(toy.targets), "--config",
            str(toy.config), "--out", str(toy.out), "--write", str(toy.write), "--trials", "3", "--quiet"]
    assert main(argv) == 0
    assert toy.write.exists() and (toy.out / JOURNAL).exists()
    assert "targets passing" in capsys.readouterr().out
    toy.config.write_text(TOY_CONFIG.replace("bounds: [10, 40]", "bounds: [40, 10]"))
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "free[parameters.tiltak.early_weeks].bounds" in err


def test_cmaes_searches_locally_from_the_priors_and_improves(toy):
    """The local sampler starts at the scenario's values and moves toward the targets."""
    config = toy.config.read_text().replace("  sampler_seed: 3\n", "  sampler_seed: 3\n  sampler: cmaes\n")
    toy.config.write_text(config)
    s = setup(toy)
    result = calibrate(s, trials=30, quiet=True)
    assert result.completed == 30
    trials = _journal_trials(toy)
    assert trials[0].params == pytest.approx(start_values(s.config.free))
    assert result.after["objective"] < result.before["objective"]


def test_a_later_stage_starts_from_the_last_fit_with_the_priors_unchanged(toy, tmp_path):
    """--start moves the first trial to the layer's values, keeps the priors where the
    scenario put them, still writes a layer over the priors, and refuses a start outside
    the bounds in one line."""
    start = tmp_path / "stage1.yaml"
    start.write_text(f"extends: {PRIORS}\nname: stage1\nparameters:\n  exits:\n"
                     "    work_weekly: {standard: 0.029}\n  advisors:\n    older_load_mean: {youth: 25.0}\n")
    toy.start = start
    s = setup(toy)
    plain = setup(Paths(targets=toy.targets, config=toy.config, scenario=PRIORS, out=toy.out))
    by_path = {p.path: p for p in s.config.free}
    assert by_path["parameters.exits.work_weekly.standard"].start == pytest.approx(0.029)
    assert [p.prior for p in s.config.free] == [p.prior for p in plain.config.free]
    assert s.stamp != plain.stamp    # a study of another start is not resumed as this one
    result = calibrate(s, trials=3, quiet=True)
    assert _journal_trials(toy)[0].params["parameters.exits.work_weekly.standard"] == pytest.approx(0.029)
    text = toy.write.read_text()
    assert "The search started from" in text
    assert yaml.safe_load(text)["extends"] == os.path.relpath(PRIORS, toy.write.parent)
    assert result.before["loss"] < plain.objective(start_values(plain.config.free)).loss

    start.write_text(start.read_text().replace("youth: 25.0", "youth: 45.0"))
    argv = ["calibrate", "--scenario", str(PRIORS), "--targets", str(toy.targets), "--config",
            str(toy.config), "--out", str(tmp_path / "other"), "--start", str(start), "--trials", "2",
            "--quiet"]
    assert main(argv) == 2
    assert not (tmp_path / "other").exists()


# --- resuming to the same fit ---------------------------------------------------------------

def _fit_of(paths: Paths) -> list[tuple]:
    """The counted trials in order: parameters and objective (the trial numbers may differ)."""
    trials = [t for t in _journal_trials(paths) if t.state.name == "COMPLETE"]
    return [(tuple(sorted(t.params.items())), t.value) for t in trials]


def _copy(toy: Paths, name: str) -> Paths:
    return Paths(targets=toy.targets, config=toy.config, scenario=toy.scenario,
                 out=toy.out.parent / name, write=toy.out.parent / f"{name}.yaml")


def test_a_calibration_resumed_between_trials_equals_an_uninterrupted_one(toy):
    whole, parts = _copy(toy, "whole"), _copy(toy, "parts")
    calibrate(setup(whole), trials=9, quiet=True)
    for n in (2, 6, 9):
        calibrate(setup(parts), trials=n, quiet=True)
    assert _fit_of(parts) == _fit_of(whole)
    assert parts.write.read_text().split("\n# ", 1)[-1] == whole.write.read_text().split("\n# ", 1)[-1]


@pytest.mark.parametrize("sampler", ["tpe", "cmaes"])
def test_a_calibration_killed_mid_trial_resumes_to_the_same_fit(toy, sampler):
    # CMA-ES mixes the trial number into its random state: a re-run that took a new
    # number sent every later trial elsewhere
    toy.config.write_text(TOY_CONFIG.replace("study_name: toy", f"study_name: toy\n  sampler: {sampler}"))
    whole, parts = _copy(toy, "whole"), _copy(toy, "parts")
    calibrate(setup(whole), trials=8, quiet=True)
    _CALLS["n"] = 0
    _INTERRUPT_AT["at"] = 4              # dies inside the fourth evaluation
    with pytest.raises(KeyboardInterrupt):
        calibrate(setup(parts), trials=8, quiet=True)
    _INTERRUPT_AT.clear()
    calibrate(setup(parts), trials=8, quiet=True)
    assert _fit_of(parts) == _fit_of(whole)


def test_a_torn_journal_line_is_dropped_with_a_notice_and_resumes_to_the_same_fit(toy, capsys):
    whole, parts = _copy(toy, "whole"), _copy(toy, "parts")
    calibrate(setup(whole), trials=7, quiet=True)
    calibrate(setup(parts), trials=3, quiet=True)
    journal = parts.out / JOURNAL
    with open(journal, "ab") as fh:          # a full disk cut the next write mid-line
        fh.write(b'{"op_code": 4, "worker_id": "x", "study_id": 0, "datetime_st')
    capsys.readouterr()
    calibrate(setup(parts), trials=7, quiet=True)
    assert "dropped a torn last line" in capsys.readouterr().err
    assert _fit_of(parts) == _fit_of(whole)
    assert journal.read_bytes().endswith(b"\n")


def test_fit_plot_leaves_out_rows_the_model_cannot_measure(tmp_path):
    """A target the model cannot measure (not in model: no simulated value) has no error to
    plot; it must not stop the calibration's report after all its trials have run."""
    import pandas as pd

    from sim.calibration.plots import fit_before_after

    rows = [
        {"target_id": "kvp_persons_2022", "observed": 3200.0, "simulated": float("nan"), "tol_abs": 800.0},
        {"target_id": "aap_2022", "observed": 100.0, "simulated": 130.0, "tol_abs": 10.0},
    ]
    before = pd.DataFrame(rows)
    after = before.assign(simulated=[float("nan"), 105.0])
    path = tmp_path / "fit_before_after.png"
    fit_before_after(before, after, path)
    assert path.stat().st_size > 0


def test_the_calibrated_files_header_shows_a_share_under_a_goal_as_under_it(tmp_path):
    """The header of calibrated.yaml prints the pass share as validate does: 160 of 189
    passing reads 84.6 %, never a rounded 85 %."""
    fit = {"loss": 0.66, "pass_share": 160 / 189}
    lines = header_lines(targets=tmp_path / "t.yaml", config=tmp_path / "c.yaml", trials=3, best_number=1,
                         best=fit, prior=fit, scale=0.05, reps=2, report=tmp_path / "r.md")
    text = "\n".join(lines)
    assert "84.6 % of targets pass" in text and "85 %" not in text
