"""A run's results in memory and on disk (the files are described in docs/OUTPUTS.md).

:class:`RunResult` is what every consumer works on: ``validate`` and ``calibrate`` measure
it, ``compare`` contrasts two of them, the plots draw it. :func:`write_run` writes it
atomically (into a temporary sibling directory, renamed into place at the end), so a
failed or interrupted run leaves nothing half-written; :func:`load_run` reads it back.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.calendar import Calendar
from sim.preflight import OutputError

TABLES = ("events", "youths", "advisors", "weekly")


@dataclass
class RunResult:
    """All replications of one scenario run.

    ``events``, ``youths``, ``advisors`` and ``weekly`` are the tables of docs/OUTPUTS.md,
    each with a ``rep`` column. ``scale`` is the simulated share of the national population:
    national counts are simulated counts divided by it.
    """

    name: str
    calendar: Calendar
    scale: float
    seeds: list[int]
    events: pd.DataFrame
    youths: pd.DataFrame
    advisors: pd.DataFrame
    weekly: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    #: Results by county (``sim.outcomes.county_table``), written as by_county.csv; set
    #: with the summary.
    by_county: pd.DataFrame | None = None

    @property
    def replications(self) -> int:
        return len(self.seeds)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes private files; results are for sharing
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n").encode())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temporaries(out: Path) -> list[Path]:
    """Remove the hidden ``.<name>.tmp-<pid>-*`` folders beside ``out`` that a killed writer
    left behind (its process is gone); returns what was removed. Folders of a writer still
    running are kept, and so are folders without a process id only if they are recent
    (under a day old), in case a writer of an older version is still at work."""
    import time

    out = Path(out)
    removed: list[Path] = []
    try:
        candidates = list(out.parent.glob(f".{out.name}.tmp-*"))
    except OSError:
        return removed
    for tmp in candidates:
        stem = tmp.name.removeprefix(f".{out.name}.tmp-")
        pid_text = stem.split("-", 1)[0]
        if pid_text.isdigit():
            stale = not _pid_alive(int(pid_text))
        else:
            try:
                stale = time.time() - tmp.stat().st_mtime > 86400
            except OSError:
                stale = False
        if stale and tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


def _failed_write(exc: OSError, tmp: Path, out: Path) -> OutputError:
    """``exc`` as one line naming the file as the user will look for it (under ``out``)."""
    name = exc.filename or ""
    shown = str(name).replace(str(tmp), str(out)) if name else str(out)
    reason = exc.strerror or str(exc) or type(exc).__name__
    return OutputError(f"cannot write {shown}: {reason}; nothing was written to {out}")


def write_dir_atomically(out: Path, fill: Callable[[Path], None]) -> Path:
    """Create directory ``out`` with everything ``fill(tmpdir)`` writes, or nothing at all.

    ``out`` must not exist (or be empty). The files are written into a hidden temporary
    sibling (named with the writer's process id) that is renamed to ``out`` only after
    ``fill`` returns. Temporaries of killed writers are removed first. A failed write raises
    :class:`OutputError` naming the file and the reason.
    """
    from sim.scenario.loader import InputError

    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(out, None, "output directory exists and is not empty")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot create {out}: {exc.strerror or exc}") from None
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if out.exists() and any(out.iterdir()):
            raise InputError(out, None, "another run wrote into this output directory meanwhile; "
                             "nothing of this run was written") from None
        raise _failed_write(exc, tmp, out) from None
    except OutputError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(str(exc).replace(str(tmp), str(out))) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


#: Parquet encodings of the events table, the one that is large (84 million rows in a
#: national run). Its ``rep``, ``week`` and ``youth`` columns come sorted or in long
#: ascending runs, which delta encoding stores in a few bits a row; the other columns take
#: few distinct values, for dictionaries. Against the defaults (a dictionary tried on
#: every column), a national events file is 205 MB instead of 360 MB and is written in
#: about 10 s instead of 14.
EVENTS_ENCODING: dict[str, Any] = {
    "use_dictionary": ["kind", "value", "aux"],
    "column_encoding": {c: "DELTA_BINARY_PACKED" for c in ("rep", "week", "youth")},
}


def write_tables(result: RunResult, directory: Path) -> None:
    """Write the four parquet tables (deterministically: same data, same bytes), and the
    results by county when the summary has made them."""
    for name in TABLES:
        frame: pd.DataFrame = getattr(result, name)
        options = EVENTS_ENCODING if name == "events" else {}
        frame.to_parquet(directory / f"{name}.parquet", index=False, compression="zstd", **options)
    if result.by_county is not None:
        result.by_county.to_csv(directory / "by_county.csv", index=False, float_format="%.6g")


def load_run(directory: str | Path) -> RunResult:
    """Read a run directory written by ``navsim run``."""
    directory = Path(directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    tables = {name: pd.read_parquet(directory / f"{name}.parquet") for name in TABLES}
    summary_path = directory / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    county_path = directory / "by_county.csv"
    by_county = pd.read_csv(county_path) if county_path.exists() else None
    return RunResult(
        name=manifest["name"],
        calendar=Calendar.from_manifest(manifest["calendar"]),
        scale=float(manifest["scale"]),
        seeds=list(manifest["seeds"]),
        summary=summary,
        manifest=manifest,
        by_county=by_county,
        **tables,
    )
