"""Journals of finished runs: JSON lines kept as runs finish, so a stopped command resumes.

A sweep or a comparison runs for minutes to hours; Ctrl-C, a kill or a full disk should cost
the runs in flight, not the study. Each finished run is appended as one JSON line to a hidden
file beside the output directory (``.<out name>.journal.jsonl``), flushed and synced at once.
The first line holds a fingerprint of everything the runs depend on, and a journal with
another fingerprint is refused, never mixed in. A line cut off mid-write (a kill, a full
disk) is dropped with a notice, and that run is done again. Numbers go through JSON's
shortest round-trip form, so resumed results are the same bits as uninterrupted ones.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from sim.scenario.loader import InputError

VERSION = 1


def journal_path(out: Path) -> Path:
    """Where the journal of a command writing ``out`` lives: a hidden file beside it."""
    return out.parent / f".{out.name}.journal.jsonl"


class RunJournal:
    """Rows of finished runs, read from and appended to ``path``, under one fingerprint.

    Subclasses say what the rows hold (``load``/``append``); ``other`` is the end of the
    message that refuses a journal of another study.
    """

    other = "another study (other inputs or navsim version); use another --out, or delete it"

    def __init__(self, path: Path, stamp: str, header: Mapping[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.stamp = stamp
        self.header = dict(header or {})
        self._file: TextIO | None = None

    def read(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The journal's first line and its rows (none if there is no journal yet)."""
        if not self.path.exists():
            return {}, []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        try:
            head = json.loads(lines[0]) if lines else {}
        except json.JSONDecodeError:
            head = {}
        if head.get("fingerprint") != self.stamp or head.get("version") != VERSION:
            raise InputError(self.path, None, f"this journal is of {self.other}")
        rows = []
        for line in lines[1:]:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut off mid-write (a full disk, a kill)
                print(f"navsim: {self.path}: dropped a torn line left by an interrupted write; "
                      "that run is done again", file=sys.stderr)
        return head, rows

    def append_row(self, row: Mapping[str, Any]) -> None:
        """One finished run, on disk before this returns."""
        if self._file is None:
            new = not self.path.exists() or self.path.stat().st_size == 0
            self.path.parent.mkdir(parents=True, exist_ok=True)
            cut = not new and not self.path.read_bytes().endswith(b"\n")
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
            if cut:  # end the line cut off mid-write, so reading skips it alone
                self._file.write("\n")
            if new:
                self._write({"version": VERSION, "fingerprint": self.stamp, **self.header})
        self._write(row)

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
        """Forget the journal once the result is written."""
        self.close()
        self.path.unlink(missing_ok=True)
