"""The ABC-SMC posterior: it recovers known parameters, resumes after a kill, labels honestly,
and a calibration never replaces the shipped fit unless asked to and no worse.

The simulation is replaced by a toy whose statistics are noisy readings of the free
parameters (the noise drawn from the simulation's seed), so the true posterior is known to
be centred near the values the targets were simulated from, and each test runs in seconds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from sim.calibrate import Paths, calibrate, calibrate_posterior, setup
from sim.calibration import abc, posterior
from sim.calibration import objective as objective_mod
from sim.calibration.config import resolve_path
from sim.calibration.objective import Engine
from sim.cli import main
from sim.validate import loss as validation_loss

ROOT = Path(__file__).resolve().parent.parent
PRIORS = ROOT / "scenarios" / "priors.yaml"

# Two parameters the toy's targets read (with noise of one tolerance), one they never read.
TRUTH = {"parameters.exits.work_weekly.standard": 0.021, "parameters.contact_effect.work": 0.35}
UNREAD = "parameters.contact_effect.education"
TOLERANCE = {"parameters.exits.work_weekly.standard": 0.0015, "parameters.contact_effect.work": 0.04}

CONFIG = """\
settings: {scale: 0.01, replications: 1, seed: 7, sampler_seed: 3, prior_weight: 0.01, study_name: toy}
posterior: {population: 60, generations: 4, seed: 11}
free:
  parameters.exits.work_weekly.standard:
    bounds: [0.008, 0.045]
    log: true
    prior: {dist: lognormal, sigma: 0.4}
  parameters.contact_effect.work:
    bounds: [0.0, 1.0]
    prior: {dist: uniform}
    evidence: ev_toy
  parameters.contact_effect.education:
    bounds: [0.0, 1.0]
    prior: {dist: uniform}
"""


def toy_run(scenario, *, reps=None, seed=None, progress=False):
    return SimpleNamespace(scenario=scenario, seed=seed)


def toy_evaluate(result, targets, runner=None):
    """Each target reads one parameter plus noise of sd ``noise`` from the run's seed (two
    readings per parameter, so the toy has replication noise as the model has)."""
    data = result.scenario.model_dump(mode="python")
    rng = np.random.default_rng(result.seed)
    rows = []
    for t in targets:
        value = float(resolve_path(data, t["path"])[1]) + rng.normal(0.0, t["noise"])
        rows.append({"id": t["id"], "target_id": t["id"], "category": None, "metric": "toy", "family": "toy",
                     "observed": t["value"], "simulated": value, "low": value, "high": value,
                     "tol_abs": t["tol"], "weight": 1.0, "status": "ok",
                     "pass": abs(value - t["value"]) <= t["tol"]})
    return pd.DataFrame(rows)


TOY = Engine(run=toy_run, evaluate=toy_evaluate, loss=validation_loss,
             load_targets=lambda path: yaml.safe_load(Path(path).read_text())["targets"],
             evidence_ids=lambda targets: {"ev_toy"})


@pytest.fixture(autouse=True)
def _toy_engine(monkeypatch):
    monkeypatch.setattr(objective_mod, "default_engine", lambda: TOY)


def _targets_from_truth(seed: int) -> list[dict]:
    """Targets simulated from the known parameters (one noisy reading each, as data are)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(2):
        for path, value in TRUTH.items():
            noise = TOLERANCE[path]
            out.append({"id": f"read_{i}_{path.split('.')[-1]}", "path": path, "noise": noise,
                        "tol": noise, "value": float(value + rng.normal(0.0, noise))})
    return out


@pytest.fixture()
def toy(tmp_path) -> Paths:
    (tmp_path / "config.yaml").write_text(CONFIG)
    (tmp_path / "targets.yaml").write_text(yaml.safe_dump({"targets": _targets_from_truth(5)}))
    return Paths(targets=tmp_path / "targets.yaml", config=tmp_path / "config.yaml", scenario=PRIORS,
                 out=tmp_path / "study")


def test_known_parameters_lie_in_the_90_percent_intervals_and_the_unread_one_stays_unidentified(toy):
    s = setup(toy)
    result = calibrate_posterior(s, quiet=True)
    frame = posterior.read(toy.out / "posterior.parquet")
    assert list(frame.columns) == [*s.config.paths, "weight"]
    assert len(frame) == 60 and frame["weight"].sum() == pytest.approx(1.0)
    assert result.run.generations == 4
    assert result.run.epsilons[-1] < result.run.epsilons[1]          # thresholds tightened
    summary = {p.path: p for p in posterior.summarise(s.config, frame)}
    for path, value in TRUTH.items():
        assert summary[path].low <= value <= summary[path].high, path
        assert summary[path].label == "calibrated", path
    assert summary[UNREAD].narrowing > posterior.NARROWING
    assert summary[UNREAD].label == "assumption"
    labels = posterior.labels(s.config, toy.out / "posterior.parquet")
    assert posterior.unidentified(s.config, toy.out / "posterior.parquet") == [UNREAD]
    assert labels["parameters.contact_effect.work"] == "calibrated"
    table = (toy.out / "posterior.md").read_text()
    assert f"`{UNREAD}`" in table and "| assumption |" in table and "| calibrated |" in table
    layer = yaml.safe_load((toy.out / "calibrated.yaml").read_text())
    central = posterior.central_draw(s.config, frame)
    assert layer["parameters"]["contact_effect"]["work"] == pytest.approx(
        central["parameters.contact_effect.work"], rel=1e-3)


def test_a_killed_run_resumes_from_its_last_generation(toy, monkeypatch):
    s = setup(toy)
    calibrate_posterior(s, population=30, generations=2, quiet=True)
    first = abc.posterior_frame(s.config, toy.out, t=1)

    calls = {"n": 0}
    real = s.objective.__class__.__call__

    def dies(self, values, seed=None):
        calls["n"] += 1
        if calls["n"] == 20:             # halfway through generation 2
            raise KeyboardInterrupt
        return real(self, values, seed)

    monkeypatch.setattr(s.objective.__class__, "__call__", dies)
    with pytest.raises(KeyboardInterrupt):
        calibrate_posterior(s, population=30, generations=3, quiet=True)
    monkeypatch.setattr(s.objective.__class__, "__call__", real)
    result = calibrate_posterior(s, population=30, generations=3, quiet=True)
    assert result.run.generations == 3 and result.run.new_generations == 1
    pd.testing.assert_frame_equal(abc.posterior_frame(s.config, toy.out, t=1), first)


def test_prior_variables_follow_the_config(toy):
    s = setup(toy)
    work = next(p for p in s.config.free if p.path == "parameters.exits.work_weekly.standard")
    low, high = posterior.prior_interval(work)
    # lognormal(median 0.018 (the scenario's value), sigma 0.4) cut at the bounds [0.008, 0.045]
    a, b = np.log(0.008 / 0.018) / 0.4, np.log(0.045 / 0.018) / 0.4
    cut = stats.truncnorm(a, b, loc=np.log(0.018), scale=0.4)
    assert (low, high) == pytest.approx((np.exp(cut.ppf(0.05)), np.exp(cut.ppf(0.95))), rel=1e-6)
    assert low > 0.008 and high < 0.018 * np.exp(1.645 * 0.4) * 1.01
    draws = [abc.to_values(s.config, abc.prior_distribution(s.config).rvs()) for _ in range(200)]
    assert all(0.008 <= d[work.path] <= 0.045 for d in draws)


def test_a_posterior_without_weights_is_refused(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"parameters.contact_effect.work": [0.1, 0.2]}).to_parquet(path)
    with pytest.raises(Exception, match="weight"):
        posterior.read(path)


# --- safe calibration -----------------------------------------------------------------------------

def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_calibrate_with_out_leaves_the_shipped_fit_alone(toy, tmp_path, monkeypatch, capsys):
    before = _digest(ROOT / "calibration")
    monkeypatch.chdir(tmp_path)
    argv = ["calibrate", "--scenario", str(PRIORS), "--targets", str(toy.targets), "--config",
            str(toy.config), "--trials", "1", "--out", "X", "--quiet"]
    assert main(argv) == 0
    assert (tmp_path / "X" / "calibrated.yaml").exists()
    assert _digest(ROOT / "calibration") == before
    argv_posterior = [*argv[:-1], "--posterior", "--population", "10", "--generations", "1", "--quiet"]
    assert main(argv_posterior) == 0
    assert (tmp_path / "X" / "posterior.parquet").exists()
    assert _digest(ROOT / "calibration") == before


def test_write_refuses_a_worse_fit_unless_forced(toy, tmp_path, capsys):
    shipped = tmp_path / "shipped" / "calibrated.yaml"
    toy.write = shipped
    good = calibrate(setup(toy), trials=12, quiet=True)
    assert shipped.exists() and good.decision.replace
    kept = shipped.read_text()

    worse = Paths(**{**toy.__dict__, "out": tmp_path / "short"})
    result = calibrate(setup(worse), trials=1, quiet=True)   # the prior values only: a worse fit
    assert not result.decision.replace and result.decision.new_loss > result.decision.old_loss
    assert shipped.read_text() == kept
    assert (tmp_path / "short" / "calibrated.yaml").exists()

    forced = Paths(**{**worse.__dict__, "force": True})
    result = calibrate(setup(forced), trials=1, quiet=True)
    assert result.decision.replace and shipped.read_text() != kept


def test_the_docs_table_generator_prints_every_parameter(toy, capsys):
    s = setup(toy)
    calibrate_posterior(s, population=20, generations=2, quiet=True)
    assert posterior.main([str(toy.out / "posterior.parquet"), "--config", str(toy.config)]) == 0
    out = capsys.readouterr().out
    assert all(f"`{p}`" in out for p in s.config.paths) and "effective sample size" in out
    assert posterior.main([str(toy.out / "missing.parquet"), "--config", str(toy.config)]) == 2


def test_experiment_targets_load_apply_to_the_scenario_and_end_before_the_calibration_does():
    from sim.scenario.loader import apply_overrides, load_scenario
    from sim.targets import load_targets

    path = ROOT / "calibration" / "targets_experiments.yaml"
    raw = yaml.safe_load(path.read_text())["targets"]
    assert len(list(load_targets([path]))) == len(raw) >= 5
    scenario, _ = load_scenario(PRIORS)
    period_end = yaml.safe_load((ROOT / "calibration" / "config.yaml").read_text())["settings"]["period_end"]
    documented = (ROOT / "docs" / "EXPERIMENTS.md").read_text()
    for t in raw:
        assert t["metric"] == "experiment_effect" and t["source"] and t["tolerance"]
        assert f"`{t['id']}`" in documented
        apply_overrides(scenario, t["params"]["intervention"], t["id"])   # raises on a bad key
        m = t["params"]["measure"]["params"]
        years = m["year"] if isinstance(m["year"], list) else [m["year"]]
        months = m["horizon_months"] if "horizon_months" in m else m["window_months"][1]
        end_year = max(years) + (months + 11) // 12
        assert end_year <= period_end.year, t["id"]


def test_the_shipped_posterior_is_a_weighted_ensemble_of_its_configs_parameters() -> None:
    """What compare, sweep and validate draw from: at least 100 draws with weights summing
    to 1, one column per free parameter of calibration/posterior_config.yaml, every value
    inside its bounds."""
    from sim.calibration.config import load_config
    from sim.scenario.loader import load_scenario

    scenario, _ = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    config = load_config(ROOT / "calibration" / "posterior_config.yaml", scenario)
    frame = posterior.read(ROOT / "calibration" / "posterior.parquet")
    assert len(frame) >= 100
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert set(frame.columns) == {"weight", *config.paths}
    for p in config.free:
        assert frame[p.path].between(p.low, p.high).all(), p.path
