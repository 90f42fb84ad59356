"""The sweep's journal: finished runs kept as they finish, so a stopped sweep resumes.

A big study runs for hours; a lost connection to the cluster, a reboot or Ctrl-C should
cost the runs in flight, not the study. Each finished (point, replication) is appended as
one JSON line to a hidden file beside the output directory
(``.<out name>.journal.jsonl``), flushed at once. Running the same sweep again with the
same ``--out`` reads it and runs only what is missing; the result directory is still
written all at once at the end, and the journal is removed then.

The journal's first line is the sweep's fingerprint (everything its runs depend on: the
resolved scenario, the design, the seeds, the outcomes, the package versions). A journal
of a different sweep is refused, never mixed in. Numbers go through JSON's shortest
round-trip form, so resumed results are the same bits as uninterrupted ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from sim.scenario.loader import InputError

_VERSION = 1


def journal_path(out: Path) -> Path:
    return out.parent / f".{out.name}.journal.jsonl"


def fingerprint(description: Mapping[str, Any]) -> str:
    """A short hash of what the runs depend on (``description`` without its creation time)."""
    payload = {k: v for k, v in description.items() if k != "created"}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


class Journal:
    """Finished runs of one sweep, read from and appended to ``path``."""

    def __init__(self, path: Path, stamp: str) -> None:
        self.path = Path(path)
        self.stamp = stamp
        self._file: TextIO | None = None

    def load(self) -> dict[tuple[int, int], dict[str, float]]:
        """Runs already finished (none if there is no journal yet)."""
        if not self.path.exists():
            return {}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        try:
            head = json.loads(lines[0]) if lines else {}
        except json.JSONDecodeError:
            head = {}
        if head.get("fingerprint") != self.stamp or head.get("version") != _VERSION:
            raise InputError(self.path, None, "this journal is of another sweep (a different file, "
                             "seed, scale or navsim version); use another --out, or delete it to "
                             "start afresh")
        done: dict[tuple[int, int], dict[str, float]] = {}
        for line in lines[1:]:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:  # a line cut off mid-write (a full disk, a kill)
                print(f"navsim: {self.path}: dropped a torn line left by an interrupted write; "
                      "that run is done again", file=sys.stderr)
                continue
            done[(int(row["point"]), int(row["rep"]))] = {k: float(v) for k, v in row["outcomes"].items()}
        return done

    def append(self, point: int, rep: int, outcomes: Mapping[str, float]) -> None:
        if self._file is None:
            new = not self.path.exists() or self.path.stat().st_size == 0
            self.path.parent.mkdir(parents=True, exist_ok=True)
            cut = not new and not self.path.read_bytes().endswith(b"\n")
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
            if cut:  # end the line cut off mid-write, so load() skips it alone
                self._file.write("\n")
            if new:
                self._write({"version": _VERSION, "fingerprint": self.stamp})
        self._write({"point": point, "rep": rep, "outcomes": dict(outcomes)})

    def _write(self, row: Mapping[str, Any]) -> None:
        assert self._file is not None
        self._file.write(json.dumps(row) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
