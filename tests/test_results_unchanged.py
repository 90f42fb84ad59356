"""Reorganising the code changes no result: the output tables of the baseline and of every
lever scenario in ``scenarios/`` equal the ones recorded in ``tests/data/results_digest.json``.

Each scenario runs at a small scale over 2023-2025 (so that the levers starting in 2025 and
the ungdomsgaranti from July 2023 both fall inside the period), with the numba engine, and
every column of its four output tables is hashed from its numpy values (categoricals as
codes and categories), so the digest does not depend on the parquet writer's version. The
equivalence test shows the two engines agree with each other; this one shows that both
still agree with the model as it was recorded. A change that is meant to change results
records new digests on purpose:

    python tests/test_results_unchanged.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
DIGESTS = Path(__file__).resolve().parent / "data" / "results_digest.json"
SCENARIOS = ("baseline", "ungdomsgaranti_off", "cap50_hard", "cap50_overflow", "cap50_hire",
             "tiltak_plus25", "ips_double", "concurrent_treatment", "more_meetings", "cap_never_binds",
             "cap50_target_group_average", "assessment_accurate", "fixed_contact_person",
             "ungdomsgaranti_contact_person_only")
#: Small enough to run all scenarios in seconds, long enough for every lever to act.
SMALL: dict[str, Any] = {
    "scale": 0.006,
    "replications": 1,
    "period": {"start": "2023-01-01", "end": "2025-12-31"},
    "parameters": {"burn_in_years": 3},
}
#: Caps of 50 hardly bind at this scale; a cap of 30 does, in each mode.
EXTRA: dict[str, tuple[str, dict[str, Any]]] = {
    f"cap30_{mode}": ("baseline", {"policy": {"portfolio_cap": {"youth": 30, "mode": mode,
                                                               "start": "2024-06-01"}}})
    for mode in ("hard", "overflow", "hire")
}
TABLE_NAMES = ("events", "weekly", "youths", "advisors")


def column_digest(series: pd.Series) -> str:
    """SHA-256 of a column's values, independent of how pandas or pyarrow store them."""
    h = hashlib.sha256()
    if isinstance(series.dtype, pd.CategoricalDtype):
        h.update(b"categorical\0" + "\0".join(map(str, series.cat.categories)).encode() + b"\0")
        h.update(np.ascontiguousarray(series.cat.codes.to_numpy(dtype=np.int64)).tobytes())
    elif series.dtype == object:
        h.update(b"object\0" + "\0".join(map(str, series.tolist())).encode())
    else:
        values = series.to_numpy()
        h.update(values.dtype.str.encode() + b"\0" + np.ascontiguousarray(values).tobytes())
    return h.hexdigest()


def table_digests(frame: pd.DataFrame) -> dict[str, str]:
    return {"rows": str(len(frame)), **{c: column_digest(frame[c]) for c in frame.columns}}


def cases() -> dict[str, tuple[Path, dict[str, Any]]]:
    out = {name: (ROOT / "scenarios" / f"{name}.yaml", {}) for name in SCENARIOS}
    out.update({name: (ROOT / "scenarios" / f"{base}.yaml", over) for name, (base, over) in EXTRA.items()})
    return out


def digests_of(name: str) -> dict[str, dict[str, str]]:
    from sim.run import run_scenario
    from sim.scenario.loader import apply_overrides, load_scenario

    path, overrides = cases()[name]
    scenario, _ = load_scenario(path, SMALL)
    if overrides:
        scenario = apply_overrides(scenario, overrides, "test override")
    result = run_scenario(scenario, engine="numba")
    return {table: table_digests(getattr(result, table)) for table in TABLE_NAMES}


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, dict[str, str]]]:
    return json.loads(DIGESTS.read_text())


def test_every_scenario_is_recorded(recorded) -> None:
    assert set(recorded) == set(cases())


@pytest.mark.parametrize("name", list(cases()))
def test_results_unchanged(name: str, recorded) -> None:
    now = digests_of(name)
    for table in TABLE_NAMES:
        changed = [c for c in recorded[name][table] if now[table].get(c) != recorded[name][table][c]]
        assert not changed, f"{name}: {table} columns {changed} differ from the recorded results"
        assert set(now[table]) == set(recorded[name][table]), f"{name}: {table} has other columns"


def test_cap_of_30_binds_so_the_cap_code_is_covered(recorded) -> None:
    for mode in ("hard", "overflow", "hire"):
        assert recorded[f"cap30_{mode}"]["events"] != recorded["baseline"]["events"]


if __name__ == "__main__" and "--write" in sys.argv:
    sys.path.insert(0, str(ROOT))
    DIGESTS.write_text(json.dumps({name: digests_of(name) for name in cases()}, indent=1) + "\n")
    print(f"wrote {DIGESTS}")
