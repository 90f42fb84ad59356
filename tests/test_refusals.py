"""Inputs that used to run (or crash late) and now fail at once: one line, exit 2, nothing written.

One class of input per test. Every case here was seen to give a traceback, a silent wrong
answer or a late failure before these checks existed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.cli import main
from sim.codes import COUNTY
from sim.results import remove_stale_temporaries, write_dir_atomically
from sim.scenario.loader import InputError, read_yaml

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
#: A short, small run: what the checks look at does not depend on the size.
TINY = "scale: 0.005\nreplications: 1\nperiod: {start: 2022-01-01, end: 2023-12-31}\n" \
       "parameters:\n  burn_in_years: 1\n"


def _scenario(tmp_path: Path, body: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {BASELINE}\nname: bad\n{body}")
    return path


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _run(tmp_path: Path, body: str, capsys, *extra: str) -> str:
    out = tmp_path / "out"
    rc = main(["run", str(_scenario(tmp_path, body)), "--out", str(out), "--quiet", "--no-plots", *extra])
    line = _one_line(capsys)
    assert rc == 2, line
    assert not out.exists()
    assert not list(tmp_path.glob(".out.*"))
    return line


# --- semantic ranges of the scenario ------------------------------------------------------------

@pytest.mark.parametrize(("body", "key"), [
    ("parameters:\n  population:\n    female_share: {standard: 7.0}\n",
     "parameters.population.female_share.standard"),
    ("parameters:\n  exits:\n    work_weekly: {standard: 1.5}\n", "parameters.exits.work_weekly.standard"),
    ("parameters:\n  exits:\n    work_weekly: {standard: -0.1}\n", "parameters.exits.work_weekly.standard"),
    ("parameters:\n  benefits:\n    aap_weekly: 2\n", "parameters.benefits.aap_weekly"),
])
def test_shares_and_weekly_hazards_outside_0_1(tmp_path: Path, capsys, body: str, key: str) -> None:
    line = _run(tmp_path, body, capsys)
    assert "priors.yaml" not in line.split(":")[0]
    assert f"{key}:" in line and ("less than or equal to 1" in line or "greater than or equal to 0" in line)


def test_all_zero_need_shares(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, "parameters:\n  population:\n    need_shares: {standard: 0, situasjonsbestemt: 0, "
                "spesielt_tilpasset: 0, varig_tilpasset: 0}\n", capsys)
    assert "bad.yaml" in line and "parameters.population" in line
    assert "need_shares must not all be zero" in line


def test_all_zero_entry_age_weights(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, "parameters:\n  population:\n    entry_age_weights:\n"
                "      standard: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n", capsys)
    assert "parameters.population.entry_age_weights" in line and "standard must not all be zero" in line


def test_absurd_sizes(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, "parameters:\n  advisors:\n    offices_national: 1000000000\n", capsys)
    assert "parameters.advisors.offices_national" in line and "less than or equal" in line


def test_counties_without_people_or_offices(tmp_path: Path, capsys) -> None:
    nobody = ", ".join(f"{c}: 0" for c in COUNTY)
    line = _run(tmp_path, f"parameters:\n  offices:\n    population: {{{nobody}}}\n", capsys)
    assert "parameters.offices" in line and "population must not be zero in every county" in line
    line = _run(tmp_path, "parameters:\n  offices:\n    office_weight: {finnmark: 0}\n", capsys)
    assert "parameters.offices" in line and "office_weight is 0 in finnmark" in line


def test_a_portfolio_slope_that_leaves_offices_no_portfolio(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, TINY + "  offices:\n    portfolio_per_employee: 50\n"
                "    portfolio_reference: 1\n", capsys)
    assert "parameters.offices.portfolio_per_employee" in line and "a portfolio of 0 or less" in line


def test_inflow_of_1e15(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, "inputs:\n  inflow_per_year: {2020: 1e15}\n", capsys)
    assert "inputs.inflow_per_year[2020]" in line and "less than or equal" in line


def test_scale_1e308_is_a_number(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, "scale: 1.0e308\n", capsys)
    assert "scale" in line and "less than or equal to 16" in line and "valid number" not in line
    assert read_yaml(_scenario(tmp_path, "scale: 1.0e308\n", "n.yaml"))["scale"] == 1e308


def test_lever_starting_after_the_period(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, TINY + "policy:\n  portfolio_cap: {youth: 50, start: 2030-01-01}\n", capsys)
    assert "bad.yaml: policy.portfolio_cap.start:" in line and "period end" in line


def test_a_neutral_lever_may_carry_any_date(tiny_with) -> None:
    scenario = tiny_with({"tiltak": {"places_multiplier": 1.0, "start": "2099-01-01"}})
    assert scenario.tiltak.start is not None


# --- YAML and extends ---------------------------------------------------------------------------

def test_alias_bomb_is_refused_at_once(tmp_path: Path, capsys) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 10)}]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="expand to more than"):
        read_yaml(bomb)


def test_error_in_an_extended_file_names_the_file_that_extends(tmp_path: Path, capsys) -> None:
    parent = tmp_path / "parent.yaml"
    parent.write_text(f"extends: {BASELINE}\nparameters:\n  exits:\n    both_share: 3\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n")
    assert main(["run", str(child), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    line = _one_line(capsys)
    assert "parent.yaml: parameters.exits.both_share" in line and "child.yaml" in line


def test_syntax_error_in_an_extended_file_names_the_extends(tmp_path: Path, capsys) -> None:
    (tmp_path / "parent.yaml").write_text("name: [x\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n")
    assert main(["run", str(child), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    line = _one_line(capsys)
    assert "parent.yaml" in line and "invalid YAML" in line and "child.yaml: extends" in line


def test_extends_a_directory(tmp_path: Path, capsys) -> None:
    (tmp_path / "sub").mkdir()
    child = tmp_path / "sub" / "child.yaml"
    child.write_text("extends: ../\nname: child\n")
    assert main(["run", str(child), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    line = _one_line(capsys)
    assert "child.yaml: extends:" in line and "is a directory" in line


def test_symlink_loop(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert main(["run", str(tmp_path / "a.yaml"), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "a.yaml" in _one_line(capsys)


def test_sweep_period_end_is_blamed_on_the_sweep_file(tmp_path: Path, capsys) -> None:
    sweep = tmp_path / "sw.yaml"
    sweep.write_text(f"name: sw\nscenario: {BASELINE}\ndesign: grid\nperiod_end: 2000-01-01\n"
                     "parameters:\n  policy.portfolio_cap.youth: {values: [40, 50]}\n")
    assert main(["sweep", str(sweep), "--dry-run"]) == 2
    line = _one_line(capsys)
    assert "sw.yaml: period_end:" in line and "priors.yaml" not in line


def test_bench_scaling_not_numbers(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "--scaling", "abc"])
    assert exit_.value.code == 2 and "'abc' is not a population size" in _one_line(capsys)


# --- empty answers ------------------------------------------------------------------------------

def test_a_scale_that_draws_no_youths(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, TINY.replace("0.005", "0.0000001"), capsys)
    assert "scale" in line and "no youths" in line


def test_targets_file_with_no_targets(tmp_path: Path, capsys) -> None:
    targets = tmp_path / "t.yaml"
    targets.write_text("targets: []\n")
    assert main(["validate", "--targets", str(targets), "--quiet"]) == 2
    assert "t.yaml: targets: no targets" in _one_line(capsys)


def test_calibrate_with_no_targets_writes_nothing(tmp_path: Path, capsys) -> None:
    targets = tmp_path / "t.yaml"
    targets.write_text("targets: []\n")
    out, write = tmp_path / "study", tmp_path / "cal.yaml"
    rc = main(["calibrate", "--targets", str(targets), "--out", str(out), "--write", str(write), "--quiet"])
    assert rc == 2 and "no targets" in _one_line(capsys)
    assert not out.exists() and not write.exists()


def test_compare_from_after_the_period(tmp_path: Path, capsys) -> None:
    out = tmp_path / "cmp"
    rc = main(["compare", str(BASELINE), str(ROOT / "scenarios" / "cap50_hard.yaml"), "--from", "3000-01-01",
               "--out", str(out), "--quiet"])
    line = _one_line(capsys)
    assert rc == 2 and "--from" in line and "period end" in line and not out.exists()


# --- targets against the scenario ---------------------------------------------------------------

def _targets(tmp_path: Path, params: str, metric: str = "stock_count") -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(f"targets:\n  - id: one\n    metric: {metric}\n    params: {params}\n    value: 0.5\n"
                    "    tolerance: {abs: 0.1}\n")
    return path


def test_target_date_outside_the_period(tmp_path: Path, capsys) -> None:
    rc = main(["validate", "--targets", str(_targets(tmp_path, "{date: 1950-01-01}")), "--quiet",
               "--out", str(tmp_path / "out")])
    line = _one_line(capsys)
    assert rc == 2 and "t.yaml: targets[0] (one).params.date" in line and "outside" in line
    assert not (tmp_path / "out").exists()


def test_target_horizon_of_a_billion_months(tmp_path: Path, capsys) -> None:
    path = _targets(tmp_path, "{year: 2020, horizon_months: 1000000000, outcome: work}", "transition_share")
    assert main(["validate", "--targets", str(path), "--quiet"]) == 2
    assert "params.horizon_months" in _one_line(capsys)


def test_an_exact_zero_tolerance_is_accepted(tmp_path: Path) -> None:
    from sim.targets import load_targets

    path = _targets(tmp_path, "{date: 2020-06-01}")
    path.write_text(path.read_text().replace("{abs: 0.1}", "{abs: 0}"))
    assert load_targets(path).targets[0].tolerance.allowed(5.0) == 0.0


# --- the output location ------------------------------------------------------------------------

def test_empty_out(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(BASELINE), "--out", ""])
    assert exit_.value.code == 2 and "empty path" in _one_line(capsys)


def test_out_inside_a_file(tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("x")
    rc = main(["run", str(_scenario(tmp_path, TINY)), "--out", str(tmp_path / "file" / "out"), "--quiet"])
    assert rc == 2 and "is a file" in _one_line(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="the superuser writes into read-only folders")
def test_read_only_out(tmp_path: Path, capsys) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        rc = main(["run", str(_scenario(tmp_path, TINY)), "--out", str(locked / "out"), "--quiet"])
    finally:
        locked.chmod(0o700)
    assert rc == 2 and "cannot write" in _one_line(capsys)


def test_json_is_a_directory(tmp_path: Path, capsys) -> None:
    targets = _targets(tmp_path, "{date: 2020-06-01}")
    rc = main(["validate", "--targets", str(targets), "--json", str(tmp_path), "--quiet"])
    assert rc == 2 and "--json needs a file name" in _one_line(capsys)


def test_not_enough_memory_is_refused_with_the_estimate(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, "scale: 16\nreplications: 50\n", capsys)
    assert "scale" in line and "of memory" in line and "available" in line


# --- after a kill -------------------------------------------------------------------------------

def test_a_killed_writers_temporary_folder_is_removed_on_the_next_write(tmp_path: Path) -> None:
    dead = tmp_path / ".out.tmp-999999999-abc"   # no such process
    dead.mkdir()
    (dead / "events.parquet").write_bytes(b"half")
    alive = tmp_path / f".out.tmp-{os.getpid()}-xyz"
    alive.mkdir()
    write_dir_atomically(tmp_path / "out", lambda d: (d / "a.txt").write_text("a"))
    assert not dead.exists() and alive.exists() and (tmp_path / "out" / "a.txt").exists()
    assert remove_stale_temporaries(tmp_path / "out") == []


def test_a_failed_write_names_the_file_and_the_reason(tmp_path: Path) -> None:
    from sim.preflight import OutputError

    def fill(d: Path) -> None:
        raise OSError(28, "No space left on device", str(d / "events.parquet"))

    with pytest.raises(OutputError, match=r"cannot write .*out/events.parquet: No space left on device"):
        write_dir_atomically(tmp_path / "out", fill)
    assert not (tmp_path / "out").exists() and not list(tmp_path.iterdir())


# --- design sizes and replications --------------------------------------------------------------

def _sweep(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sw.yaml"
    path.write_text(f"name: sw\nscenario: {BASELINE}\n{body}")
    return path


@pytest.mark.parametrize(("body", "key"), [
    ("design: sobol\nsamples: 1073741824\nparameters:\n"
     "  parameters.contact_effect.work: {bounds: [0.1, 0.3]}\n"
     "  parameters.contact_effect.education: {bounds: [0.1, 0.3]}\n", "samples"),
    ("design: morris\nsamples: 1000000000\nparameters:\n"
     "  parameters.contact_effect.work: {bounds: [0.1, 0.3]}\n", "samples"),
    ("design: grid\nparameters:\n"
     "  parameters.contact_effect.work: {values: [" + ", ".join(f"0.{i:03d}" for i in range(1, 400)) + "]}\n"
     "  parameters.contact_effect.education: {values: [" + ", ".join(f"0.{i:03d}" for i in range(1, 400))
     + "]}\n", "parameters"),
])
def test_design_too_large_even_for_a_dry_run(tmp_path: Path, capsys, body: str, key: str) -> None:
    assert main(["sweep", str(_sweep(tmp_path, body)), "--dry-run"]) == 2
    line = _one_line(capsys)
    assert f"sw.yaml: {key}:" in line and "points, more than" in line


def test_sweep_replications_beyond_the_cap(tmp_path: Path, capsys) -> None:
    body = "design: grid\nparameters:\n  policy.portfolio_cap.youth: {values: [40, 50]}\n"
    assert main(["sweep", str(_sweep(tmp_path, body)), "--dry-run", "--reps", "100000000000"]) == 2
    assert "replications" in _one_line(capsys)


def test_run_replications_beyond_the_cap(tmp_path: Path, capsys) -> None:
    line = _run(tmp_path, TINY, capsys, "--reps", "100000000000")
    assert "replications" in line and "less than or equal to 10000" in line


def test_a_torn_sweep_journal_line_is_dropped_with_a_notice(tmp_path: Path, capsys) -> None:
    from sim.sweep.journal import Journal

    journal = Journal(tmp_path / ".out.journal.jsonl", "stamp")
    journal.append(0, 0, {"x": 1.0})
    journal.close()
    with open(journal.path, "a") as fh:
        fh.write('{"point": 0, "rep": 1, "outc')
    assert journal.load() == {(0, 0): {"x": 1.0}}
    assert "dropped a torn line" in capsys.readouterr().err


def test_two_runs_into_one_out_end_in_one_line_not_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "out"

    def fill(d: Path) -> None:
        (d / "a.txt").write_text("mine")
        out.mkdir()
        (out / "theirs.txt").write_text("the other run finished first")

    with pytest.raises(InputError, match="another run wrote into this output directory"):
        write_dir_atomically(out, fill)
    assert [p.name for p in out.iterdir()] == ["theirs.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_not_enough_disk_space_is_refused_before_the_run(tmp_path: Path, capsys, monkeypatch) -> None:
    import shutil as shutil_mod

    real = shutil_mod.disk_usage
    monkeypatch.setattr("sim.preflight.shutil.disk_usage",
                        lambda p: real(p)._replace(free=1000))
    line = _run(tmp_path, TINY, capsys)
    assert "of disk space" in line and "free" in line


def test_an_unwritable_out_is_refused_before_the_run(tmp_path: Path, capsys, monkeypatch) -> None:
    """As the superuser cannot be refused by a folder's mode, the refusal is simulated."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("sim.preflight.tempfile.mkdtemp", refuse)
    line = _run(tmp_path, TINY, capsys)
    assert "cannot write in" in line and "Permission denied" in line


def test_a_sweep_that_will_not_fit_in_memory(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sim.preflight.memory_limit", lambda: 8e9)   # a machine with 8 GB free
    body = "design: grid\nscale: 4\nparameters:\n  policy.portfolio_cap.youth: {values: [40, 50]}\n"
    out = tmp_path / "out"
    assert main(["sweep", str(_sweep(tmp_path, body)), "--out", str(out), "--workers", "2", "--quiet"]) == 2
    assert "of memory" in _one_line(capsys) and not out.exists()
