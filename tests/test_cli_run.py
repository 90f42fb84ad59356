"""End to end: `navsim run` on a small scenario writes every promised file, reproducibly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scen") / "small.yaml"
    path.write_text(
        f"extends: {BASELINE}\nname: small\nscale: 0.006\n"
        "period: {start: 2019-01-01, end: 2021-12-31}\n"
        "parameters: {burn_in_years: 3}\n"
    )
    return path


@pytest.fixture(scope="module")
def run_dir(small_scenario: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "a"
    assert main(["run", str(small_scenario), "--out", str(out), "--seed", "7", "--quiet"]) == 0
    return out


def test_writes_every_file(run_dir: Path) -> None:
    for name in ("manifest.json", "weekly.parquet", "events.parquet", "youths.parquet",
                 "advisors.parquet", "summary.json"):
        assert (run_dir / name).is_file(), name
    plots = sorted((run_dir / "plots").glob("*.png"))
    assert len(plots) >= 5
    assert all(p.stat().st_size > 5000 for p in plots)


def test_writes_the_results_by_county(run_dir: Path) -> None:
    """by_county.csv (docs/OUTPUTS.md): one row per county, its youths adding up to the
    youths table's."""
    from sim.codes import COUNTY
    from sim.counties import COLUMNS

    table = pd.read_csv(run_dir / "by_county.csv")
    assert list(table.columns) == ["county", *COLUMNS]
    assert table["county"].tolist() == list(COUNTY)
    youths = pd.read_parquet(run_dir / "youths.parquet")
    assert set(youths["county"].astype(str)) <= set(COUNTY)
    assert (table["youths_in_follow_up"] >= 0).all() and table["youths_in_follow_up"].sum() > 0


def test_manifest_records_the_resolved_scenario(run_dir: Path, small_scenario: Path) -> None:
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["scenario"]["scale"] == 0.006
    assert manifest["scenario"]["seed"] == 7  # the command-line override
    assert manifest["provenance"]["seed"] == "command line"
    assert manifest["provenance"]["scale"].endswith("small.yaml")
    assert len(manifest["seeds"]) == manifest["replications"] == 1
    assert manifest["calendar"]["period_start"] == "2019-01-01"
    assert "numba" in manifest["versions"]


def test_tables_follow_the_output_contract(run_dir: Path) -> None:
    events = pd.read_parquet(run_dir / "events.parquet")
    assert list(events.columns) == ["rep", "week", "youth", "kind", "value", "aux"]
    kinds = set(events["kind"].astype(str))
    assert {"registration", "assessment", "advisor", "contact", "exit", "tiltak", "benefit"} <= kinds
    weekly = pd.read_parquet(run_dir / "weekly.parquet")
    assert {"rep", "week", "date", "variable", "category", "value"} == set(weekly.columns)
    assert (weekly["value"] >= 0).all()
    advisors = pd.read_parquet(run_dir / "advisors.parquet")
    assert (advisors["portfolio"] == advisors["youths"] + advisors["older"]).all()


def test_same_seed_same_bytes_other_seed_differs(run_dir: Path, small_scenario: Path, tmp_path: Path) -> None:
    again = tmp_path / "b"
    quiet = ["--quiet", "--no-plots"]
    assert main(["run", str(small_scenario), "--out", str(again), "--seed", "7", *quiet]) == 0
    assert (again / "weekly.parquet").read_bytes() == (run_dir / "weekly.parquet").read_bytes()
    assert (again / "events.parquet").read_bytes() == (run_dir / "events.parquet").read_bytes()
    other = tmp_path / "c"
    assert main(["run", str(small_scenario), "--out", str(other), "--seed", "8", *quiet]) == 0
    assert (other / "weekly.parquet").read_bytes() != (run_dir / "weekly.parquet").read_bytes()


def test_refuses_to_overwrite_results(run_dir: Path, small_scenario: Path, capsys) -> None:
    before = (run_dir / "weekly.parquet").read_bytes()
    assert main(["run", str(small_scenario), "--out", str(run_dir), "--quiet"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (run_dir / "weekly.parquet").read_bytes() == before


def test_replications_are_distinct_and_labelled(small_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "reps"
    assert main(["run", str(small_scenario), "--out", str(out), "--reps", "2", "--quiet", "--no-plots"]) == 0
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert sorted(weekly["rep"].unique()) == [0, 1]
    follow = weekly[(weekly["variable"] == "stock_status") & (weekly["category"] == "follow_up")]
    a = follow[follow["rep"] == 0]["value"].to_numpy()
    b = follow[follow["rep"] == 1]["value"].to_numpy()
    assert len(a) == len(b) and (a != b).any()


def test_without_out_the_folder_is_announced_and_made_under_the_working_folder(
        small_scenario: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(small_scenario), "--no-plots", "--reps", "1"]) == 0
    made = list((tmp_path / "results").iterdir())
    assert len(made) == 1 and made[0].name.startswith("small-")
    captured = capsys.readouterr()
    assert f"results will go to results/{made[0].name}" in captured.err
    assert f"wrote results/{made[0].name}" in captured.out


def test_quiet_still_says_where_it_wrote(small_scenario: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "q"
    assert main(["run", str(small_scenario), "--out", str(out), "--quiet", "--no-plots", "--reps", "1"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"


def test_targets_files_add_up_whether_listed_or_repeated():
    """``--targets A --targets B`` (as the reports' files are usually given) keeps both;
    argparse's default would silently keep only B and validate half the targets."""
    from sim.cli import build_parser

    parser = build_parser()
    for command in ("validate", "calibrate"):
        repeated = parser.parse_args([command, "--targets", "a.yaml", "--targets", "b.yaml"])
        listed = parser.parse_args([command, "--targets", "a.yaml", "b.yaml"])
        assert [p.name for p in repeated.targets] == ["a.yaml", "b.yaml"]
        assert repeated.targets == listed.targets
