"""The numba engine is compiled before a run's progress bar and worker processes start, by a
small copy of the scenario, and that changes nothing in the results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim.jitcache
import sim.model
from sim import run
from sim.scenario.loader import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml"))


@pytest.fixture()
def cold_cache(monkeypatch):
    """numba's on-disk cache reported empty, as after installing or changing the engine."""
    monkeypatch.setattr(sim.jitcache, "is_cached", lambda dispatcher: False)


@pytest.fixture()
def models_built(monkeypatch) -> list[tuple[float, str]]:
    """(scale, engine) of every NavModel built, in order."""
    built: list[tuple[float, str]] = []
    original = sim.model.NavModel

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, scenario, seed, engine=None, **kw):
            built.append((scenario.scale, engine or scenario.engine))
            super().__init__(scenario, seed, engine=engine, **kw)

    monkeypatch.setattr(sim.model, "NavModel", Recorded)
    return built


def test_a_cold_cache_is_compiled_first_and_the_results_are_unchanged(
        tiny_scenario, cold_cache, models_built, capsys) -> None:
    warmed = run.run_scenario(tiny_scenario, progress=True)
    err = capsys.readouterr().err
    assert err.lstrip("\r").startswith("navsim: compiling the numba engine"), \
        "the compile display comes before the run's bar"
    assert "kernels, 00:00" in err, "it shows the elapsed time"
    done = err.index("navsim: compiled the numba engine in ")
    assert done < err.index(f"{tiny_scenario.name}:"), "it ends before the run's bar starts"
    assert models_built == [(run.WARM_UP_SCALE, "numba"), (tiny_scenario.scale, "numba")]
    models_built.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sim.jitcache, "is_cached", lambda dispatcher: True)
        plain = run.run_scenario(tiny_scenario)
    assert models_built == [(tiny_scenario.scale, "numba")]
    for name in ("events", "weekly", "advisors", "youths"):
        pd.testing.assert_frame_equal(getattr(warmed, name), getattr(plain, name))


def test_nothing_is_compiled_when_cached_or_for_the_mesa_engine(tiny_scenario, models_built, capsys,
                                                                monkeypatch) -> None:
    monkeypatch.setattr(sim.jitcache, "is_cached", lambda dispatcher: True)
    assert run.warm_up(tiny_scenario) is False
    monkeypatch.setattr(sim.jitcache, "is_cached", lambda dispatcher: False)
    assert run.warm_up(tiny_scenario, "mesa") is False
    assert models_built == [] and capsys.readouterr().err == ""


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_can_compile_the_engine(path: Path, cold_cache, models_built) -> None:
    """The compile run is the user's scenario at a tiny scale over its whole period: it must
    work for every scenario a user starts from, policy dates and all."""
    scenario, _ = load_scenario(path)
    assert run.warm_up(scenario, notice=False) is True
    assert models_built == [(run.WARM_UP_SCALE, "numba")]
