"""Replications in parallel processes give exactly what they give one after another."""

from __future__ import annotations

import pandas as pd

from sim.run import replication_seeds, run_scenario


def test_parallel_replications_equal_serial(tiny_scenario) -> None:
    serial = run_scenario(tiny_scenario, reps=2, workers=1)
    parallel = run_scenario(tiny_scenario, reps=2, workers=2)
    assert serial.seeds == parallel.seeds == replication_seeds(tiny_scenario.seed, 2)
    for name in ("events", "weekly", "advisors", "youths"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(parallel, name))
    assert sorted(serial.events["rep"].unique()) == [0, 1]
