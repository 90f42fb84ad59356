"""Replications in parallel processes give exactly what they give one after another, and a
finished replication lets go of its engine."""

from __future__ import annotations

import gc

import pandas as pd

from sim.run import replication_seeds, run_replication, run_scenario


def test_parallel_replications_equal_serial(tiny_scenario) -> None:
    serial = run_scenario(tiny_scenario, reps=2, workers=1)
    parallel = run_scenario(tiny_scenario, reps=2, workers=2)
    assert serial.seeds == parallel.seeds == replication_seeds(tiny_scenario.seed, 2)
    for name in ("events", "weekly", "advisors", "youths"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(parallel, name))
    assert sorted(serial.events["rep"].unique()) == [0, 1]


def test_a_finished_replication_frees_its_engine_at_once(tiny_scenario) -> None:
    """A finished model is freed only by the cyclic garbage collector (a mesa.Model refers to
    itself), which may run much later; its engine must not wait for it, or a national run
    carries the engine's tables and event buffer into its peak memory."""
    from sim.engine.numba_engine import NumbaEngine

    def engines() -> int:
        # type(), not isinstance(): isinstance asks a weak proxy for its referent's class,
        # which raises once the referent is gone, and the heap may hold such proxies
        return sum(type(o) is NumbaEngine for o in gc.get_objects())

    gc.collect()
    before = engines()
    gc.disable()
    try:
        out, _ = run_replication(tiny_scenario, tiny_scenario.seed, "numba")
        assert engines() == before
    finally:
        gc.enable()
    assert len(out.events["week"]) > 0  # the output keeps the events it was handed
