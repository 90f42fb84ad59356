"""Workers die with their parent: after ``kill -9`` of a command, no worker goes on, and no
lock is left held, so the same command can run again at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sim import workers
from sim.calibration.study import exclusive_directory

ROOT = Path(__file__).resolve().parent.parent

POOL_PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from sim.workers import initializer_for_parent

def job(_):
    time.sleep(600)

init, initargs = initializer_for_parent()
with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"),
                         initializer=init, initargs=initargs) as pool:
    [pool.submit(job, i) for i in range(2)]
    while len(pool._processes) < 2:
        time.sleep(0.05)
    time.sleep(0.5)
    print(" ".join(str(p) for p in pool._processes), flush=True)
    time.sleep(600)
"""

LOCK_PARENT = """
import multiprocessing as mp, os, sys, time
from pathlib import Path
from sim.calibration.study import exclusive_directory
from sim.workers import die_with_parent

def child(parent):
    die_with_parent(parent)
    time.sleep(600)

with exclusive_directory(Path(sys.argv[1])):
    procs = [mp.get_context("fork").Process(target=child, args=(os.getpid(),)) for _ in range(2)]
    for p in procs:
        p.start()
    time.sleep(0.5)
    print(" ".join(str(p.pid) for p in procs), flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child that is not yet reaped is a zombie: dead for every purpose here.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _kill_parent_and_wait(script: str, *args: str) -> list[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args],
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = parent.stdout.readline()
        children = [int(p) for p in line.split()]
        assert len(children) == 2 and all(_alive(p) for p in children), line
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(30)
        deadline = time.monotonic() + 20
        while any(_alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        return [p for p in children if _alive(p)]
    finally:
        if parent.poll() is None:
            parent.kill()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 and /proc")
def test_pool_workers_die_when_the_parent_is_killed() -> None:
    assert _kill_parent_and_wait(POOL_PARENT) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 and /proc")
def test_no_stale_calibration_lock_after_kill_9(tmp_path: Path) -> None:
    survivors = _kill_parent_and_wait(LOCK_PARENT, str(tmp_path / "study"))
    for pid in survivors:                 # never leave them behind, even when failing
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
    with exclusive_directory(tmp_path / "study"):   # a rerun is not refused
        pass


class _Ended(Exception):
    pass


def test_the_watchdog_ends_a_worker_whose_parent_is_gone(monkeypatch) -> None:
    """Where the kernel cannot do it, the watchdog ends the worker once its parent changes."""
    exits: list[int] = []

    def fake_exit(code: int) -> None:
        exits.append(code)
        raise _Ended

    monkeypatch.setattr(workers, "WATCH_SECONDS", 0.01)
    monkeypatch.setattr(workers.os, "_exit", fake_exit)
    with pytest.raises(_Ended):
        workers._watch(os.getppid() + 1_000_000)   # a parent that is no longer ours
    assert exits == [1]
