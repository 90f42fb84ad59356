"""What one resolved scenario changes against another, key by key.

``navsim compare`` lists these changes in its report (with the date each lever starts), and
``navsim show --diff`` prints them with the file and line that set each side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Keys that name or describe a scenario rather than change it.
IDENTITY_KEYS = ("name", "description", "extends")


@dataclass(frozen=True)
class Change:
    """One resolved scenario key that differs from the baseline, and from when it acts.

    ``start`` is the ``start`` date of the lever block holding the key (e.g.
    ``policy.portfolio_cap.start``); None when the block has no start date or leaves it
    empty, i.e. the change acts from the start of the simulation.
    """

    key: str
    before: Any
    after: Any
    start: str | None
    has_start: bool


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mapping -> ``{"a.b.c": leaf}``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def scenario_changes(base: Mapping[str, Any], scen: Mapping[str, Any]) -> list[Change]:
    """Resolved keys where ``scen`` differs from ``base``, each with the start of its lever."""
    flat_b, flat_s = flatten(base), flatten(scen)
    changes = []
    for key in sorted(set(flat_b) | set(flat_s)):
        if key.split(".")[0] in IDENTITY_KEYS:
            continue
        before, after = flat_b.get(key), flat_s.get(key)
        if before == after:
            continue
        parts = key.split(".")
        start, has_start = None, False
        for depth in range(len(parts) - 1, 0, -1):
            candidate = ".".join([*parts[:depth], "start"])
            if candidate in flat_s:
                start, has_start = flat_s[candidate], True
                break
        changes.append(Change(key, before, after, None if start is None else str(start), has_start))
    return changes
