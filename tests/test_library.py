"""navsim works from any folder: the library ships as package data, names resolve to library
files, `navsim init` copies an editable library, every command prints where it wrote, and
--verbose logs what a command does."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import sim.paths as paths
from sim.cli import main
from sim.init import copy_library
from sim.paths import library_root, project_file, scenario_file, sweep_file
from sim.scenario.loader import InputError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_under_sim_is_listed_for_the_wheel() -> None:
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sim").rglob("__init__.py")}
    assert found <= set(PYPROJECT["packages"])


def test_the_package_data_covers_the_whole_library() -> None:
    for package, folder in PYPROJECT["package-dir"].items():
        assert package.startswith("sim.library.") and (ROOT / folder).is_dir()
        patterns = PYPROJECT["package-data"][package]
        shipped = {p for pattern in patterns for p in (ROOT / folder).glob(pattern)}
        assert set((ROOT / folder).glob("*.yaml")) <= shipped
    # the sweeps are their own data package, mapped below the scenarios
    assert {"sim.library.scenarios", "sim.library.scenarios.sweeps", "sim.library.calibration"} \
        <= set(PYPROJECT["packages"])


def test_a_library_name_works_from_an_empty_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert scenario_file("baseline") == ROOT / "scenarios" / "baseline.yaml"
    assert scenario_file("cap50_hard.yaml") == ROOT / "scenarios" / "cap50_hard.yaml"
    assert sweep_file("cap_levels") == ROOT / "scenarios" / "sweeps" / "cap_levels.yaml"
    assert project_file("calibration/targets.yaml") == ROOT / "calibration" / "targets.yaml"
    scenario, _ = load_scenario(scenario_file("cap50_hard"))
    assert scenario.policy.portfolio_cap.youth == 50


def test_an_unknown_name_suggests_the_closest_and_lists_the_library(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        scenario_file("basline")
    assert "did you mean baseline?" in str(err.value) and "cap50_hire" in str(err.value)


def test_a_file_the_user_names_is_read_from_where_they_stand(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "baseline.yaml").write_text("name: mine\n")
    monkeypatch.chdir(tmp_path)
    assert scenario_file("baseline.yaml") == Path("baseline.yaml")  # a file here wins over the name
    assert scenario_file("sub/missing.yaml") == Path("sub/missing.yaml")  # reading it says not found


def test_an_installed_library_is_used_when_there_is_no_checkout(tmp_path: Path, monkeypatch) -> None:
    installed = tmp_path / "site" / "sim" / "library"
    copy_library(installed)  # the same layout pyproject.toml installs
    monkeypatch.setattr(paths, "_CHECKOUT", tmp_path / "site")
    monkeypatch.setattr(paths, "_INSTALLED", installed)
    monkeypatch.chdir(tmp_path)
    assert library_root() == installed
    assert scenario_file("baseline") == installed / "scenarios" / "baseline.yaml"
    scenario, prov = load_scenario(scenario_file("cap50_hard"))
    assert scenario.policy.portfolio_cap.youth == 50
    assert prov["parameters.burn_in_years"].startswith(str(installed))


def test_init_copies_an_editable_library_that_names_then_mean(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "lib"]) == 0
    assert f"wrote {(tmp_path / 'lib').resolve()}" in capsys.readouterr().out
    lib = tmp_path / "lib"
    assert (lib / "README.md").is_file() and (lib / "scenarios" / "sweeps" / "cap_levels.yaml").is_file()
    assert {p.name for p in (lib / "calibration").glob("*.yaml")} == \
        {p.name for p in (ROOT / "calibration").glob("*.yaml")}
    # an edit in the copy is what a name means inside it
    cap = lib / "scenarios" / "cap50_hard.yaml"
    cap.write_text(cap.read_text().replace("youth: 50", "youth: 45"))
    monkeypatch.chdir(lib)
    assert main(["show", "cap50_hard", "policy.portfolio_cap.youth"]) == 0
    assert "policy.portfolio_cap.youth = 45" in capsys.readouterr().out
    # and a second init into it is refused, with nothing changed
    assert main(["init", "."]) == 2
    assert "not empty" in capsys.readouterr().err


def test_show_and_run_suggest_a_library_name(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["show", "cap50_hrd"], ["run", "cap50_hrd", "--out", "x"],
                 ["compare", "baseline", "cap50_hrd"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "did you mean cap50_hard?" in err
    assert not (tmp_path / "x").exists()


def test_verbose_logs_before_or_after_the_command(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["-v", "show", "baseline", "seed"], ["show", "baseline", "seed", "--verbose"]):
        assert main(argv) == 0
        err = capsys.readouterr().err
        assert "sim.paths: scenario baseline: library file" in err and "show took" in err
    assert main(["show", "baseline", "seed"]) == 0
    assert capsys.readouterr().err == ""  # quiet without -v, and no handler left behind
