"""Bad scenario input: one line naming the file and the key, exit status 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"

CASES = {
    # name: (file body after the extends line, key that must be named, words in the message)
    "unknown_top_key": ("scal: 0.1\n", "scal", "unknown key"),
    "misspelt_deep_key": ("parameters:\n  exits:\n    work_weekly:\n      standrd: 0.1\n",
                          "parameters.exits.work_weekly.standrd", "unknown key"),
    "duplicate_key": ("seed: 1\nseed: 2\n", "seed", "duplicate key"),
    "wrong_type": ('seed: "abc"\n', "seed", "integer"),
    "float_for_int": ("seed: 1.5\n", "seed", "integer"),
    "out_of_range": ("scale: -1\n", "scale", "greater than 0"),
    "too_big": ("scale: 100\n", "scale", "less than or equal"),
    "nan": ("scale: .nan\n", "scale", "finite"),
    "bad_cap": ("policy:\n  portfolio_cap: {youth: 0, mode: hard}\n", "policy.portfolio_cap.youth", ">= 1"),
    "bad_mode": ("policy:\n  portfolio_cap: {youth: 50, mode: soft}\n", "policy.portfolio_cap.mode", "hard"),
    "average_moves": ("policy:\n  portfolio_cap: {youth: 50, over: office, on_start: move}\n",
                      "policy.portfolio_cap", "on_start: keep"),
    "bad_counts": ("policy:\n  portfolio_cap: {youth: 50, counts: everyone}\n", "policy.portfolio_cap.counts",
                   "target_group"),
    "period_order": ("period: {start: 2020-01-01, end: 2019-01-01}\n", "period", "after start"),
    "bad_date": ("period: {start: 2020-13-01, end: 2024-01-01}\n", "period.start", "date"),
    "zero_reps": ("replications: 0\n", "replications", "greater than or equal to 1"),
}


def _run_bad(tmp_path: Path, body: str, capsys) -> tuple[int, str, Path]:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(f"extends: {BASELINE}\nname: bad\n{body}")
    out = tmp_path / "out"
    rc = main(["run", str(scenario), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    return rc, err, out


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_scenario_is_one_clear_line(case: str, tmp_path: Path, capsys) -> None:
    body, key, words = CASES[case]
    rc, err, out = _run_bad(tmp_path, body, capsys)
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert "bad.yaml" in lines[0]
    assert key in lines[0]
    assert words.lower() in lines[0].lower().replace("greater than or equal to 1", ">= 1") or \
        words.lower() in lines[0].lower()
    assert not out.exists()


def test_empty_file(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "empty.yaml"
    scenario.write_text("")
    rc = main(["run", str(scenario), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "empty.yaml" in err and "empty" in err and not (tmp_path / "out").exists()


def test_yaml_syntax_error(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("name: [x\n")
    rc = main(["run", str(scenario), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "broken.yaml" in err and "invalid YAML" in err and "line" in err


def test_missing_extends(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "orphan.yaml"
    scenario.write_text("extends: nothere.yaml\nname: orphan\n")
    rc = main(["run", str(scenario), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "orphan.yaml" in err and "extends" in err and "not found" in err


def test_circular_extends(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\n")
    rc = main(["run", str(tmp_path / "a.yaml"), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "circular extends" in err and "a.yaml" in err


def test_missing_required_key(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "bare.yaml"
    scenario.write_text("name: bare\nseed: 1\n")
    rc = main(["run", str(scenario), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "bare.yaml" in err and "required key is missing" in err


def test_missing_file(tmp_path: Path, capsys) -> None:
    rc = main(["run", str(tmp_path / "nope.yaml"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "nope.yaml" in err and "not found" in err


def test_bad_command_line_option(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", str(BASELINE), "--reps", "0"])
    assert exc.value.code == 2
    assert "--reps" in capsys.readouterr().err


def test_error_names_the_file_that_set_the_key(tmp_path: Path, capsys) -> None:
    """In a chain of extends, the message points at the layer that wrote the bad value."""
    (tmp_path / "middle.yaml").write_text(f"extends: {BASELINE}\nname: middle\nscale: -2\n")
    (tmp_path / "top.yaml").write_text("extends: middle.yaml\nname: top\n")
    rc = main(["run", str(tmp_path / "top.yaml"), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "middle.yaml" in err and "scale" in err
