"""``benchmarks/floor_ladder.py`` stays runnable and its rungs are the model they claim to be.

The ladder's figures back a statement in docs/PERFORMANCE.md about what a floor-ratio
target asks of the model; they mean something only if the stripped-down models have the
bench population's shape (about half the youths in follow-up) and if contacts really
follow portfolio size. Speed itself is not asserted.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

LADDER = Path(__file__).resolve().parent.parent / "benchmarks" / "floor_ladder.py"


@pytest.fixture(scope="module")
def ladder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("floor_ladder", LADDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _population(youths: int, advisors: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    n_ids = youths * 2
    present = np.sort(rng.choice(n_ids, youths, replace=False)).astype(np.uint32)
    state = np.zeros(n_ids, dtype=np.int8)
    advisor = rng.integers(0, advisors, n_ids).astype(np.int32)
    portfolio = np.maximum(np.bincount(advisor[present], minlength=advisors), 1).astype(np.int32)
    last_contact = np.full(n_ids, -10, dtype=np.int32)
    return present, state, advisor, portfolio, last_contact


def _contact_rung(ladder: ModuleType, weeks: int, present, state, advisor, portfolio,
                  last_contact, budget: float, p_move: float) -> int:
    """The contact rung without the event log and counts (rung 2)."""
    unused = np.empty(0, dtype=np.int32)
    return ladder._contact(weeks, 1, present, state, advisor, portfolio, last_contact,
                           budget, p_move, False, unused, unused.astype(np.uint32),
                           unused.astype(np.int8), np.zeros((0, 0), dtype=np.int64))


def test_about_half_the_youths_are_in_follow_up(ladder: ModuleType) -> None:
    present, state, advisor, portfolio, last_contact = _population(5000, 200)
    _contact_rung(ladder, 300, present, state, advisor, portfolio, last_contact, 11.0, 0.02)
    share = float((state[present] > 0).mean())
    assert 0.4 < share < 0.6, share


def test_larger_portfolios_mean_rarer_contacts(ladder: ModuleType) -> None:
    rates = []
    for budget in (11.0, 2.0):  # the same portfolios, fewer contacts to give
        present, state, advisor, portfolio, last_contact = _population(5000, 200)
        state[present] = 1
        weeks = 1
        _contact_rung(ladder, weeks, present, state, advisor, portfolio, last_contact, budget,
                      0.0)
        rates.append(float((last_contact[present] == 0).mean()))
    assert rates[0] > 2 * rates[1] > 0


def test_the_script_prints_every_rung_and_the_engine() -> None:
    """Run as users run it, from the project root in a process of its own (after this module
    imported it, and with the installed package when it is not an editable install)."""
    done = subprocess.run(
        [sys.executable, str(LADDER), "--youths", "400", "--weeks", "4", "--advisors", "20",
         "--repeats", "1"], capture_output=True, text=True, timeout=600, check=False,
        cwd=LADDER.parent.parent)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()[1:]
    names = ["bare loop", "1 walk", "2 contact", "3 record", "the numba engine",
             "a floor ratio of 20"]
    assert [row[:len(name)] for row, name in zip(rows, names, strict=True)] == names
    costs = [float(re.findall(r"\d+\.\d+", row)[0]) for row in rows]
    assert all(cost > 0 for cost in costs)
