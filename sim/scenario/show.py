"""``navsim show``: what a scenario sets, and where each of its values comes from.

A scenario is a stack of files (``priors -> calibrated -> baseline -> cap50_hard``), and an
analyst reading a result needs to know which number the model used, which file set it, what
it replaced and what source the file gives for it. This prints that without running
anything: an overview of the layers and of what the scenario's own file changes, every
layer's value and note for chosen keys, or the keys in which two scenarios differ.
"""

from __future__ import annotations

import argparse
import shutil
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.names import did_you_mean
from sim.scenario.changes import IDENTITY_KEYS, flatten, scenario_changes
from sim.scenario.loader import InputError, extends_chain, load_scenario, scenario_to_jsonable
from sim.scenario.sources import Layer, Site, read_layer, sites_of

SCHEMA_DEFAULT = "schema default (sim/scenario/schema.py)"
#: The overview lists what the scenario's own file sets when it sets at most this many keys.
OVERVIEW_KEYS = 40
#: Values longer than this are cut in tables (the KEY view shows them whole).
VALUE_WIDTH = 48


class Stack:
    """A loaded scenario with its resolved keys and the layers that set them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.scenario, _ = load_scenario(path)
        self.resolved = scenario_to_jsonable(self.scenario)
        self.leaves = {k: v for k, v in flatten(self.resolved).items()
                       if k.split(".")[0] not in IDENTITY_KEYS}
        self.layers: list[Layer] = [read_layer(p, data) for p, data in extends_chain(path)]
        self._sites = {k: sites_of(k, self.layers) for k in self.leaves}

    @property
    def label(self) -> str:
        return self.scenario.name

    def sites(self, key: str) -> list[Site]:
        """The files that set ``key``, the one that decides first."""
        return self._sites[key] if key in self._sites else sites_of(key, self.layers)

    def where(self, key: str) -> str:
        sites = self.sites(key)
        return f"{sites[0].file}:{sites[0].line}" if sites else SCHEMA_DEFAULT

    def select(self, wanted: Sequence[str]) -> list[str]:
        """The resolved keys under each of ``wanted``: a key, a group of keys, or the tail of
        a key (``youth_time_weight``); an unknown one is a one-line error with a suggestion."""
        out: list[str] = []
        for raw in wanted:
            key = raw.strip().strip(".")
            hits = [p for p in self.leaves if p == key or p.startswith(key + ".")]
            if not hits:
                hits = [p for p in self.leaves if f".{key}." in f".{p}."]
            if not hits:
                raise InputError(self.path, raw, f"no such key in scenario {self.label}"
                                 f"{did_you_mean(key, self.leaves)}")
            out.extend(h for h in hits if h not in out)
        return out


def fmt(value: Any) -> str:
    """A value as it would be written in a scenario file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return str(value)


def _cut(text: str, width: int = VALUE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _width() -> int:
    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))


def _table(rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [indent + "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]).rstrip()
            for r in rows]


# --------------------------------------------------------------------------- the three views

def overview(stack: Stack) -> list[str]:
    """The layers, how many keys each decides, the run settings and what the top file sets."""
    s = stack.scenario
    lines = [f"{s.name}: {' '.join(s.description.split())}" if s.description else s.name, ""]
    deciding: dict[str, int] = {}
    for key in stack.leaves:
        where = stack.sites(key)
        owner = where[0].file if where else SCHEMA_DEFAULT
        deciding[owner] = deciding.get(owner, 0) + 1
    rows = [("layer (each laid over the one above)", "keys it decides")]
    rows += [(layer.file, str(deciding.get(layer.file, 0))) for layer in stack.layers]
    rows.append((SCHEMA_DEFAULT, str(deciding.get(SCHEMA_DEFAULT, 0))))
    lines += _table(rows, indent="")
    reps = "replication" if s.replications == 1 else "replications"
    lines += ["", f"period {s.period.start} to {s.period.end}, scale {s.scale}, seed {s.seed}, "
              f"{s.replications} {reps}, engine {s.engine}", ""]
    top = stack.layers[-1]
    own = [k for k in stack.leaves if stack.where(k).startswith(f"{top.file}:")]
    if not own:
        lines.append(f"{top.file} changes no key of the layers below it.")
    elif len(stack.layers) == 1 or len(own) > OVERVIEW_KEYS:
        lines.append(f"{top.file} sets {len(own)} keys; --all lists them.")
    else:
        lines.append(f"{top.file} sets:")
        rows = []
        for key in own:
            below = stack.sites(key)[1:]
            over = (f"over {_cut(fmt(below[0].value), 24)} ({below[0].file}:{below[0].line})"
                    if below else "over the schema default")
            rows.append((key, _cut(fmt(stack.leaves[key]), 24), over))
        lines += _table(rows)
    cmd = f"navsim show {stack.path}"
    lines.append("")
    lines += _table([(f"{cmd} KEY", "where a value comes from (a key, a group or a key's end)"),
                     (f"{cmd} --all", "every key, its value and the file that sets it"),
                     (f"{cmd} --diff FILE", "the keys in which it differs from another scenario")],
                    indent="")
    return lines


def provenance(stack: Stack, keys: Sequence[str], labels: Mapping[str, str] | None = None) -> list[str]:
    """Each key's value, and every layer that sets it with its value, line and note; under a
    key of ``labels`` (the shipped posterior's parameters) also that line."""
    width = _width()
    lines: list[str] = []
    last_note: dict[str, str | None] = {}
    for key in keys:
        lines.append(f"{key} = {fmt(stack.leaves[key])}")
        if labels and key in labels:
            lines += textwrap.wrap(labels[key], width, initial_indent="  ", subsequent_indent="      ")
        sites = stack.sites(key)
        if not sites:
            lines.append(f"  {SCHEMA_DEFAULT}")
        rows = [(f"{site.file}:{site.line}", fmt(site.value)) for site in sites]
        width_where = max((len(r[0]) for r in rows), default=0)
        for site, (where, value) in zip(sites, rows, strict=True):
            lines.append(f"  {where.ljust(width_where)}  {value}")
            if site.note is None:
                continue
            if last_note.get(site.file) == site.note:
                lines.append("      (note as above)")
                continue
            last_note[site.file] = site.note
            lines += textwrap.wrap(site.note, width, initial_indent="      ",
                                   subsequent_indent="      ")
        lines.append("")
    return lines[:-1]


def every_key(stack: Stack) -> list[str]:
    """One line a key: its value and the file and line that set it."""
    rows = [("key", "value", "set in")]
    rows += [(k, _cut(fmt(v)), stack.where(k)) for k, v in stack.leaves.items()]
    return _table(rows, indent="")


def difference(stack: Stack, other: Stack, keys: Sequence[str] | None) -> list[str]:
    """The keys in which ``stack`` differs from ``other``, each side with the file that set it."""
    changes = scenario_changes(other.resolved, stack.resolved)
    if keys is not None:
        wanted = set(keys)
        changes = [c for c in changes if c.key in wanted]
    a, b = (other.label, stack.label) if other.label != stack.label else (str(other.path), str(stack.path))
    n = len(changes)
    lines = [f"{stack.path} ({stack.label}) against {other.path} ({other.label}): "
             f"{n} key{'' if n == 1 else 's'} differ{'s' if n == 1 else ''}"]
    for c in changes:
        lines += ["", c.key]
        lines += _table([(a, _cut(fmt(c.before)), other.where(c.key)),
                         (b, _cut(fmt(c.after)), stack.where(c.key))])
    return lines


# --------------------------------------------------------------------------- command

def show_command(args: argparse.Namespace, labels: Mapping[str, str] | None = None) -> int:
    """``navsim show``; ``labels``: a line per key to print under it (the posterior's label)."""
    stack = Stack(args.scenario)
    keys = stack.select(args.keys) if args.keys else None
    if args.diff is not None:
        lines = difference(stack, Stack(args.diff), keys)
    elif keys is not None:
        lines = provenance(stack, keys, labels)
    elif args.all:
        lines = every_key(stack)
    else:
        lines = overview(stack)
    print("\n".join(lines))
    return 0
