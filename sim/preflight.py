"""Checks made before any work starts, so a run that cannot succeed fails in seconds.

A run at national scale takes minutes to hours. Everything that would make it fail or
answer nothing is checked here first, and reported as one :class:`InputError` line (exit
status 2, nothing written): where the output goes (a folder that can be created, writable,
with room for the files), whether the machine has the memory the run needs, whether the
scenario has anyone in it, whether the targets ask about weeks the run simulates, and
whether a measurement window lies inside the period.

The memory and disk figures are estimates measured on the numba engine (see
:data:`BYTES_PER_SCALE_YEAR`); they err on the side of letting a run start.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sim.scenario.loader import InputError
from sim.scenario.schema import Scenario

#: Memory a replication holds per unit of scale and simulated year (burn-in included): its
#: event log, state tables and the output frames made from them. Measured as the growth of
#: peak RSS between scales 0.01 and 0.08 over 5 to 15 years: 183-196 MB.
BYTES_PER_SCALE_YEAR = 200e6
#: Memory of the interpreter with numpy, pandas, numba and the compiled engine loaded.
BASE_BYTES = 300e6
#: Output files per unit of scale and simulated year, per replication (zstd parquet; 9.7 MB
#: measured), and the plots of a run.
OUTPUT_BYTES_PER_SCALE_YEAR = 12e6
PLOT_BYTES = 20e6


class OutputError(Exception):
    """Writing results failed (a full disk, a folder made read-only meanwhile): the message
    says which file and why. Nothing is left half-written. The CLI exits with status 1."""


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n < 1e10 else f"{n / 1e9:,.0f} GB"


# --- where the output goes ------------------------------------------------------------------

def _existing_ancestor(path: Path) -> Path:
    for parent in (path, *path.parents):
        if parent.exists() or parent.is_symlink():
            return parent
    return Path(".")


def check_writable_location(path: Path, *, what: str, expected_bytes: float = 0.0) -> None:
    """``path`` (not yet existing) can be created: its nearest existing ancestor is a writable
    folder with ``expected_bytes`` free. Probed by creating and removing a hidden folder, which
    is the only test that holds for every user and file system (read-only mounts included)."""
    path = Path(path)
    if not str(path).strip():
        raise InputError(None, what, "an empty path; name a directory or file to write")
    base = _existing_ancestor(path.parent if path.parent != path else path)
    if not base.is_dir():
        raise InputError(path, None, f"cannot be created: {base} is a file, not a folder")
    try:
        probe = tempfile.mkdtemp(prefix=".navsim-probe-", dir=base)
        os.rmdir(probe)
    except OSError as exc:
        raise InputError(path, None, f"cannot write in {base}: {exc.strerror or exc}") from None
    free = shutil.disk_usage(base).free
    if expected_bytes > free:
        raise InputError(path, None, f"needs about {_mb(expected_bytes)} of disk space, and {base} "
                         f"has {_mb(free)} free")


def check_output_dir(out: Path, expected_bytes: float = 0.0, *, what: str = "--out") -> None:
    """``out`` is an empty or new folder that can be written, with room for the results."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, None, "exists and is a file; --out needs a folder")
    if out.is_dir() and any(out.iterdir()):
        raise InputError(out, None, "output directory exists and is not empty")
    check_writable_location(out, what=what, expected_bytes=expected_bytes)


def check_output_file(path: Path, *, what: str) -> None:
    """``path`` is a file name (not a folder) in a writable folder."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, None, f"is a directory; {what} needs a file name")
    check_writable_location(path, what=what)


# --- the machine ------------------------------------------------------------------------------

def horizon_years(scenario: Scenario) -> float:
    return (scenario.period.end - scenario.period.start).days / 365.25 + scenario.parameters.burn_in_years


def run_bytes(scenario: Scenario, reps: int) -> float:
    """Estimated peak memory of ``reps`` replications of ``scenario`` held together."""
    return BASE_BYTES + BYTES_PER_SCALE_YEAR * scenario.scale * horizon_years(scenario) * reps


def output_bytes(scenario: Scenario, reps: int, plots: bool = True) -> float:
    return OUTPUT_BYTES_PER_SCALE_YEAR * scenario.scale * horizon_years(scenario) * reps + \
        (PLOT_BYTES if plots else 0.0)


def memory_limit() -> float | None:
    """Memory this process may still use: the smaller of the machine's available memory and
    the control group's limit (a container or a batch job), or None if neither is known."""
    limits: list[float] = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                limits.append(float(line.split()[1]) * 1024)
    except OSError:
        pass
    try:
        cap = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = float(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        if cap != "max":
            limits.append(float(cap) - used)
    except (OSError, ValueError):
        pass
    if not limits:
        try:
            limits.append(float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")))
        except (ValueError, OSError, AttributeError):
            return None
    return min(limits)


def check_memory(scenario: Scenario, reps: int, source: str | Path | None,
                 limit: float | None = None) -> None:
    """Refuse, before allocating, a run whose estimated memory exceeds what the machine has."""
    need = run_bytes(scenario, reps)
    limit = memory_limit() if limit is None else limit
    if limit is not None and need > limit:
        raise InputError(source, "scale", f"scale {scenario.scale:g} over {horizon_years(scenario):.0f} "
                         f"years (burn-in included) x {reps} replication(s) needs about {_mb(need)} "
                         f"of memory, and {_mb(limit)} is available; lower the scale, the period or "
                         "the replications")


# --- empty answers ----------------------------------------------------------------------------

def expected_entrants(scenario: Scenario) -> float:
    """Youths the run is expected to draw over its whole horizon (burn-in included)."""
    inflow = scenario.inputs.inflow_per_year
    years = range(scenario.period.start.year - scenario.parameters.burn_in_years,
                  scenario.period.end.year + 1)

    def nearest(year: int) -> float:
        return inflow[min(inflow, key=lambda y: (abs(y - year), y))]

    return scenario.scale * sum(nearest(y) for y in years)


def check_population(scenario: Scenario, source: str | Path | None) -> None:
    """A run must have youths in it: at a scale that draws none, every share would be 0 %."""
    if expected_entrants(scenario) < 1.0:
        raise InputError(source, "scale", f"scale {scenario.scale:g} draws no youths over the "
                         "whole period (under one entrant expected); raise the scale")


def check_result_population(youths_rows: int, source: str | Path | None) -> None:
    """After the run, before writing: a run that simulated no one is an error, not a 0 %."""
    if youths_rows == 0:
        raise InputError(source, "scale", "the run simulated no youths; raise the scale")


def check_window(start: dt.date | None, scenario: Scenario, *, what: str = "--from") -> None:
    """A measurement window from ``start`` must hold at least one simulated week."""
    if start is None:
        return
    if start >= scenario.period.end:
        raise InputError(None, what, f"{start} is on or after the period end ({scenario.period.end} in "
                         f"{scenario.name}): the window would be empty")


# --- targets --------------------------------------------------------------------------------

def require_targets(targets: Any) -> None:
    """A targets file with no targets would score 0/0 and "validate" nothing."""
    if not targets.targets:
        files = ", ".join(targets.files) or None
        raise InputError(files, "targets", "no targets to compare with (only evidence entries, "
                         "or an empty list)")


def _dates(params: dict[str, Any]) -> Iterable[tuple[str, dt.date, float]]:
    """``(param, first day, months)`` of each window a target's params describe."""
    months = params.get("horizon_months", params.get("months"))
    months = float(months) if isinstance(months, int | float) and not isinstance(months, bool) else 0.0
    for key in ("date", "start"):
        value = params.get(key)
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, dt.date):
            yield key, value, months
    for key in ("year", "cohort_year"):
        value = params.get(key)
        for year in (value if isinstance(value, list | tuple) else [value]):
            if isinstance(year, int) and not isinstance(year, bool) and 1 <= year <= 9999:
                yield key, dt.date(year, 1, 1), months


def check_targets_period(targets: Any, scenario: Scenario, source: str | Path | None = None) -> None:
    """Every target's window must start inside the simulated weeks (burn-in included), and
    a horizon may not outrun the longest run the schema allows: both are typos that would
    otherwise show up after the run, as a failed row or a crash while plotting."""
    from sim.scenario.schema import MAX_HORIZON_YEARS

    first = dt.date(scenario.period.start.year - scenario.parameters.burn_in_years,
                    scenario.period.start.month, min(scenario.period.start.day, 28))
    end = scenario.period.end
    for t in targets.targets:
        measures = [t.measure]
        nested = t.measure.params.get("measure")
        if nested is not None and hasattr(nested, "params"):
            measures.append(nested)
        for measure in measures:
            where = f"targets[{t.index}] ({t.id}).params"
            months = measure.params.get("horizon_months")
            if isinstance(months, int | float) and months > 12 * MAX_HORIZON_YEARS:
                raise InputError(t.file, f"{where}.horizon_months",
                                 f"{months:g} months is longer than any run ({MAX_HORIZON_YEARS} years)")
            for key, day, _ in _dates(measure.params):
                if not first <= day < end:
                    raise InputError(t.file, f"{where}.{key}",
                                     f"{day.isoformat() if key in ('date', 'start') else day.year} lies "
                                     f"outside the simulated weeks of {scenario.name} ({first} to {end})"
                                     + (f"; scenario {source}" if source else ""))


def check_compare(args: Any, out: Path) -> None:
    """``navsim compare``: the output folder, and a ``--from`` inside every scenario's period."""
    from sim.scenario.loader import load_scenario

    for path in (args.base, *args.scenarios):
        scenario, _ = load_scenario(path, {"scale": args.scale} if args.scale else None)
        try:
            check_window(getattr(args, "window_from", None), scenario)
        except InputError as exc:
            raise InputError(path, exc.key, exc.message) from None
    check_output_dir(out)
