"""Where a scenario's values are written: for every key, each layer that sets it, at which
line, with which value, and the note written beside it.

Every behavioural number lives in a scenario or calibration file with its source, or the
word *assumption*, written next to it as a YAML comment. Loading a file drops comments, so
they are read back from the file's text at the positions the YAML composer reports. A key's
note is the comment at the end of its line (or at the end of the flow collection it sits
in), else the comment block that heads its group of keys (above it or above the siblings
before it, with no blank line between), else its parent key's note: the way the files are
written, a comment above a group of keys speaks for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.changes import flatten

#: Characters that may stand between a value and the comment that ends its line.
_CLOSERS = " \t,]}"


@dataclass(frozen=True)
class Site:
    """One place that sets a key: the file (as named in the provenance), its 1-based line,
    the value written there and the note beside it (None when the file has no comment)."""

    file: str
    line: int
    value: Any
    note: str | None


@dataclass(frozen=True)
class Layer:
    """One file of a scenario's ``extends`` chain: where it sets each of its keys."""

    file: str
    sites: dict[str, Site]


def read_layer(path: Path, data: Mapping[str, Any]) -> Layer:
    """The keys ``path`` sets (``data``, as read by the loader), each with its line and note."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    nodes: dict[str, tuple[yaml.Node, yaml.Node, bool]] = {}
    _collect(yaml.compose(text, Loader=yaml.SafeLoader), "", nodes)
    sites = {key: Site(str(path), nodes[key][0].start_mark.line + 1, value, _note(key, nodes, lines))
             for key, value in flatten(data).items() if key in nodes}
    return Layer(str(path), sites)


def _collect(node: yaml.Node | None, prefix: str, out: dict) -> None:
    """Every key path of a composed document -> (key node, value node, in a flow mapping)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[path] = (key_node, value_node, bool(node.flow_style))
            _collect(value_node, path, out)


def _comment_after(lines: list[str], mark: yaml.Mark) -> str | None:
    """The comment ending the line at ``mark``, if only closing brackets come before it."""
    if mark.line >= len(lines):
        return None
    rest = lines[mark.line][mark.column:].lstrip(_CLOSERS)
    return _text(rest) if rest.startswith("#") else None


def _comment_above(lines: list[str], key: yaml.Node) -> str | None:
    """The comment block that heads the group of keys ``key`` belongs to.

    Walking up from a key that starts its line, past the lines of its siblings, the first
    whole-line comment at the key's own indentation heads the group; a blank line or the
    parent key (less indented) ends the search. Comments indented deeper belong to a
    sibling's children and are passed over.
    """
    line, column = key.start_mark.line, key.start_mark.column
    if lines[line][:column].strip():
        return None
    for i in range(line - 1, -1, -1):
        text = lines[i]
        stripped = text.strip()
        indent = len(text) - len(text.lstrip())
        if not stripped or indent < column:
            return None
        if stripped.startswith("#") and indent == column:
            block = []
            while i >= 0 and lines[i].strip().startswith("#"):
                block.insert(0, _text(lines[i].strip()))
                i -= 1
            return " ".join(block)
    return None


def _text(comment: str) -> str:
    return comment.lstrip("#").strip()


def _note(key: str, nodes: Mapping[str, tuple[yaml.Node, yaml.Node, bool]],
          lines: list[str]) -> str | None:
    parts = key.split(".")
    for depth in range(len(parts), 0, -1):
        key_node, value_node, in_flow = nodes[".".join(parts[:depth])]
        after_key = lines[key_node.end_mark.line][key_node.end_mark.column:].lstrip(" \t:")
        note = (_comment_after(lines, value_node.end_mark)
                or (_text(after_key) if after_key.startswith("#") else None)
                or (None if in_flow else _comment_above(lines, key_node)))
        if note:
            return note
    return None


def sites_of(key: str, layers: list[Layer]) -> list[Site]:
    """The sites that set ``key`` (or a whole value above it), the top layer first."""
    parts = key.split(".")
    out = []
    for layer in reversed(layers):
        for depth in range(len(parts), 0, -1):
            site = layer.sites.get(".".join(parts[:depth]))
            if site is not None:
                out.append(site)
                break
    return out
