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
from collections.abc import Mapping
from typing import Any

from sim.journal import RunJournal, journal_path

__all__ = ["Journal", "fingerprint", "journal_path"]


def fingerprint(description: Mapping[str, Any]) -> str:
    """A short hash of what the runs depend on (``description`` without its creation time)."""
    payload = {k: v for k, v in description.items() if k != "created"}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


class Journal(RunJournal):
    """Finished runs of one sweep, keyed by (point, replication)."""

    other = ("another sweep (a different file, seed, scale or navsim version); use another --out, "
             "or delete it to start afresh")

    def load(self) -> dict[tuple[int, int], dict[str, float]]:
        """Runs already finished (none if there is no journal yet)."""
        _, rows = self.read()
        return {(int(row["point"]), int(row["rep"])): {k: float(v) for k, v in row["outcomes"].items()}
                for row in rows}

    def append(self, point: int, rep: int, outcomes: Mapping[str, float]) -> None:
        self.append_row({"point": point, "rep": rep, "outcomes": dict(outcomes)})
