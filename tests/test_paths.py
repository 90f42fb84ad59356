"""Commands find the project's own files by default, from the project root or elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.paths import project_file

ROOT = Path(__file__).resolve().parent.parent


def test_the_working_directory_comes_first(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "scenarios").mkdir()
    own = tmp_path / "scenarios" / "baseline.yaml"
    own.write_text("name: mine\n")
    monkeypatch.chdir(tmp_path)
    assert project_file("scenarios/baseline.yaml") == Path("scenarios/baseline.yaml")


def test_elsewhere_the_checkout_beside_the_package_is_used(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert project_file("scenarios/baseline.yaml") == ROOT / "scenarios" / "baseline.yaml"


def test_a_file_found_nowhere_keeps_the_path_the_user_would_look_for(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert project_file("scenarios/nowhere.yaml") == Path("scenarios/nowhere.yaml")


def test_bench_of_a_missing_scenario_is_one_line_and_exit_2(
        tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    rc = main(["bench", "--scenario", "nowhere.yaml", "--json", "b.json"])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1 and "nowhere.yaml" in err and "not found" in err
    assert not (tmp_path / "b.json").exists()


def test_a_file_to_write_needs_only_its_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "calibration").mkdir()
    monkeypatch.chdir(tmp_path)
    assert project_file("calibration/new.yaml", to_write=True) == Path("calibration/new.yaml")
    assert project_file("nowhere/new.yaml", to_write=True) == Path("nowhere/new.yaml")
    # a file to read is looked for itself: the folder alone does not hold it
    assert project_file("calibration/targets.yaml") == ROOT / "calibration" / "targets.yaml"
