"""A real `navsim calibrate` killed with SIGKILL (its whole process group, as Ctrl-\\ or the
out-of-memory killer would) resumes to exactly the trials and fit of an uninterrupted run.

The run uses the project's own config (CMA-ES) at a tiny scale; the kill comes once a few
trials are in the journal, so it falls mid-trial. With ``torn`` the kill also leaves a cut
last line in the journal, as a full disk does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest

from sim.calibration.study import JOURNAL, open_study

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 6
KILL_AFTER = 3      # finished trials in the journal before the kill
STUDY = "navsim-calibration"


def _command(out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "sim", "calibrate", "--trials", str(TRIALS), "--scale", "0.002",
            "--reps", "1", "--workers", str(workers), "--out", str(out), "--quiet"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(out: Path, workers: int) -> subprocess.CompletedProcess:
    done = subprocess.run(_command(out, workers), env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def _complete_in_journal(out: Path) -> int:
    try:
        text = (out / JOURNAL).read_text()
    except FileNotFoundError:
        return 0
    return sum('"op_code":6' in line and '"state":1' in line for line in text.splitlines())


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of the process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _kill_mid_run(out: Path, workers: int) -> None:
    proc = subprocess.Popen(_command(out, workers), env=_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while _complete_in_journal(out) < KILL_AFTER:
        assert proc.poll() is None, "the calibration ended before it could be killed"
        assert time.monotonic() < deadline, "no trials reached the journal"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(100):                     # the kernel reaps the group's members
        if not _group_members(proc.pid):
            break
        time.sleep(0.05)
    assert _group_members(proc.pid) == [], "a worker outlived the kill"
    assert _complete_in_journal(out) < TRIALS


def _trials(out: Path) -> list[tuple]:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    trials = open_study(out, STUDY).get_trials()
    return [(t.number, t.state.name, t.params, t.value) for t in trials]


@pytest.mark.parametrize(("workers", "torn"), [(1, False), (2, True)])
def test_a_calibration_killed_with_sigkill_resumes_to_the_uninterrupted_fit(tmp_path, workers, torn):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    _run(whole, workers)
    _kill_mid_run(killed, workers)
    if torn:
        with open(killed / JOURNAL, "ab") as fh:     # the disk filled in the middle of a write
            fh.write(b'{"op_code":6,"worker_id":"w","trial_id":3,"sta')
    resumed = _run(killed, workers)
    if torn:
        assert "dropped a torn last line" in resumed.stderr
    assert _trials(killed) == _trials(whole)        # same numbers, parameters and values
    assert len(_trials(whole)) == TRIALS
    assert _fit(killed) == _fit(whole)              # the same best fit written


def _fit(out: Path) -> list[str]:
    """The written layer without what names the folder: the best trial, its loss, its values."""
    lines = (out / "calibrated.yaml").read_text().splitlines()
    return [line for line in lines if "best is trial" in line
            or not (line.startswith("#") or line.startswith("extends:"))]
