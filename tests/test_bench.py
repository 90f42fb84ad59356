"""``navsim bench`` measures what it says, on a population small enough for a test.

Speed itself is not asserted here (a loaded test machine would make that flaky); the
benchmark's own figures are for that. What is checked is that the report is complete and
consistent: both engines ran the same population and agreed, the ratio is the one of the
reported times, and the JSON file holds every figure the table prints.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest

from sim.bench import _relative_costs, _scaling_runs, base_scenario, bench_scenario, measure, table
from sim.cli import main


@pytest.fixture(scope="module")
def small_bench() -> dict:
    return measure(youths=400, years=1, scaling=[300], log=lambda _: None, repeats=3)


def test_bench_reports_every_figure_consistently(small_bench: dict) -> None:
    r = small_bench
    for key in ("youths", "weeks", "mesa_youth_weeks_per_s", "numba_youth_weeks_per_s", "ratio",
                "floor_youth_weeks_per_s", "floor_ratio", "compile_s", "peak_rss_mb", "scaling"):
        assert key in r, key
    assert r["engines_identical"] is True
    assert len(r["numba_seconds"]) == 3
    numba_s = statistics.median(r["numba_seconds"])
    assert r["ratio"] == pytest.approx(r["mesa_seconds"] / numba_s)
    assert r["numba_youth_weeks_per_s"] == pytest.approx(r["youth_weeks"] / numba_s)
    assert r["floor_ratio"] == pytest.approx(r["floor_youth_weeks_per_s"] / r["numba_youth_weeks_per_s"])
    # the bare loop is timed beside each numba run, over the same youth-weeks
    assert len(r["floor_seconds"]) == 3
    assert r["floor_youth_weeks_per_s"] == pytest.approx(
        r["youths"] * r["weeks"] / statistics.median(r["floor_seconds"]))
    # the population is scaled to the number asked for (probed at another scale, so not exact)
    assert 200 < r["youths"] < 800
    (row,) = r["scaling"]
    assert row["youth_weeks_per_s"] > 0 and row["bytes_per_youth"] > 0
    # a small size is run as often as the numba engine itself, and its rate is the median run
    assert len(row["runs"]) == 3 and row["seconds"] == statistics.median(row["runs"])
    # the cost of a youth-week, and relative to the smallest size (here the only one)
    assert row["ns_per_youth_week"] == pytest.approx(1e9 / row["youth_weeks_per_s"])
    assert row["cost_vs_smallest"] == pytest.approx(1.0)
    # state tables and the weekly scratch together stay within the 1 KB a youth allowed
    scratch = row["workspace_bytes_per_youth"]
    assert scratch > 0 and row["bytes_per_youth"] + scratch < 1024


def test_bench_table_shows_the_ratio(small_bench: dict) -> None:
    text = table(small_bench)
    assert "ratio numba/mesa" in text
    assert f"{small_bench['ratio']:,.1f}" in text


def test_bench_shows_where_the_numba_engines_time_goes(small_bench: dict) -> None:
    from sim.engine.kernels import TIMED_STEPS

    steps = small_bench["steps"]
    assert tuple(row["step"] for row in steps) == TIMED_STEPS
    assert sum(row["share"] for row in steps) == pytest.approx(1.0)
    for row in steps:
        assert row["seconds"] >= 0
        assert row["ns_per_youth_week"] == pytest.approx(row["seconds"] * 1e9 / small_bench["youth_weeks"])
    text = table(small_bench)
    assert "where the numba engine's time goes" in text
    contacts = next(row for row in steps if row["step"] == "contacts")
    assert f"{contacts['share']:.1%}" in text


def test_scaling_costs_are_relative_to_the_smallest_size_in_any_order() -> None:
    rows = [{"youths": 1_000_000, "youth_weeks_per_s": 8e6}, {"youths": 10_000, "youth_weeks_per_s": 10e6}]
    _relative_costs(rows)
    big, small = rows
    assert small["ns_per_youth_week"] == pytest.approx(100.0)
    assert big["ns_per_youth_week"] == pytest.approx(125.0)
    assert small["cost_vs_smallest"] == pytest.approx(1.0)
    assert big["cost_vs_smallest"] == pytest.approx(1.25)
    text = table({"youths": 1, "weeks": 1, "mesa_youth_weeks_per_s": 1.0, "numba_youth_weeks_per_s": 1.0,
                  "ratio": 1.0, "floor_youth_weeks_per_s": 1.0, "floor_ratio": 1.0, "compile_s": 0.0,
                  "engines_identical": True, "peak_rss_mb": 1.0,
                  "scaling": [dict(r, bytes_per_youth=1.0, workspace_bytes_per_youth=1.0, seconds=1.0)
                              for r in rows]})
    assert "vs smallest" in text and "1.25x" in text


def test_bench_command_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.json"
    code = main(["bench", "--youths", "300", "--years", "1", "--scaling", "", "--repeats", "2",
                 "--json", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["engines_identical"] is True and len(data["numba_seconds"]) == 2
    assert "youth-weeks/s" in capsys.readouterr().out


def test_scaling_sizes_are_measured_side_by_side() -> None:
    """Several sizes: the largest runs once, the smaller ones between its chunks of weeks,
    and the time they take is not counted in the largest size's time."""
    base = base_scenario()
    small, large = bench_scenario(1, 0.0015, base), bench_scenario(1, 0.0045, base)
    t0 = time.perf_counter()
    measured = _scaling_runs([(100, small), (300, large)], repeats=3)
    wall = time.perf_counter() - t0
    (small_runs, small_model), (large_runs, large_model) = measured[100], measured[300]
    assert len(large_runs) == 1
    assert len(small_runs) > 1, "the small size runs after each chunk of the large one"
    assert large_runs[0] + sum(small_runs) < wall
    assert large_model.engine.hi > small_model.engine.hi > 0
