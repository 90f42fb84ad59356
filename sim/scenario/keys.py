"""The reference of every scenario key, generated from the schema.

``docs/SCENARIO_KEYS.md`` is this module's output (written by ``python -m sim.reference``),
and a test checks that the committed page equals it, so the page cannot drift from
``sim/scenario/schema.py``. The same walk gives every key's dotted path, which the loader
uses to suggest the key a misspelt one was meant to be.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.scenario import schema

#: Small blocks of one number per category, shown as one key (their fields are the categories).
CATEGORY_BLOCKS: dict[type[BaseModel], str] = {
    schema.PerGroup: "one number per innsatsgruppe",
    schema.PerChannel: "one number per contact channel",
    schema.PerRole: "one number per advisor role",
    schema.Education: "shares per education level",
    schema.BirthRegion: "shares per birth region",
}

@dataclass(frozen=True)
class KeyRow:
    """One key of the reference: its path, what it takes, its default and what it means."""

    path: str
    kind: str
    default: str
    meaning: str


def _bounds(metadata: list[Any]) -> str:
    parts = []
    for m in metadata:
        if isinstance(m, at.Ge):
            parts.append(f"≥ {m.ge:g}" if isinstance(m.ge, float) else f"≥ {m.ge}")
        elif isinstance(m, at.Gt):
            parts.append(f"> {m.gt:g}" if isinstance(m.gt, float) else f"> {m.gt}")
        elif isinstance(m, at.Le):
            parts.append(f"≤ {m.le:g}" if isinstance(m.le, float) else f"≤ {m.le}")
        elif isinstance(m, at.Lt):
            parts.append(f"< {m.lt:g}" if isinstance(m.lt, float) else f"< {m.lt}")
    return ", ".join(p for p in parts if "9223372036854775808" not in p)


def _length(metadata: list[Any]) -> str:
    low = next((m.min_length for m in metadata if isinstance(m, at.MinLen)), None)
    high = next((m.max_length for m in metadata if isinstance(m, at.MaxLen)), None)
    if low is not None and low == high:
        return f"{low} "
    return f"at least {low} " if low else ""


def _describe(annotation: Any, metadata: list[Any]) -> str:
    """A type as a reader of a YAML file needs it: ``number ≥ 0``, ``one of hard, hire``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = [m for m in args[1:] if not isinstance(m, FieldInfo)]
        extra = [x for m in args[1:] if isinstance(m, FieldInfo) for x in m.metadata]
        return _describe(args[0], [*metadata, *inner, *extra])
    if origin in (typing.Union, types.UnionType):
        kinds = [_describe(a, metadata) for a in args if a is not type(None)]
        text = " or ".join(kinds)
        return f"{text} or null" if type(None) in args else text
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin is list:
        return f"list of {_length(metadata)}{_plural(_describe(args[0], []))}"
    if origin is dict:
        key, value = args
        keys = "year" if key is int else _describe(key, [])
        return f"mapping {{{keys}: {_describe(value, [])}}}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = ", ".join(annotation.model_fields)
        label = CATEGORY_BLOCKS.get(annotation, "mapping")
        return f"{label}: {{{fields}}}"
    names = {float: "number", int: "whole number", bool: "true or false", str: "text",
             dt.date: "date (YYYY-MM-DD)"}
    base = names.get(annotation, getattr(annotation, "__name__", str(annotation)))
    bounds = _bounds(metadata)
    if annotation is float and bounds == "≥ 0, ≤ 1":
        return "share (0 to 1)"
    return f"{base} {bounds}" if bounds else base


def _plural(kind: str) -> str:
    word, _, rest = kind.partition(" ")
    return f"{word}s {rest}".strip() if word in ("number", "share") else kind


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.default_factory() if field.default_factory is not None else field.default
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, BaseModel):
        if all(f.is_required() for f in type(value).model_fields.values()):
            # the block's keys are required once it is given: show what leaving it out means
            return "{" + ", ".join(f"{k}: {v}" for k, v in value.model_dump().items()) + "}"
        return "(see keys below)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_block(annotation: Any) -> bool:
    return (isinstance(annotation, type) and issubclass(annotation, BaseModel)
            and annotation not in CATEGORY_BLOCKS)


def _unwrap_optional(annotation: Any) -> Any:
    """The block of an optional block (``Kvp | None``), whose keys are the schema's like any
    other block's; any other annotation unchanged."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and _is_block(rest[0]):
            return rest[0]
    return annotation


def _doc(model: type[BaseModel]) -> str:
    doc = model.__doc__ or ""
    return " ".join(doc.split()) if model.__doc__ is not BaseModel.__doc__ else ""


def _named_blocks(annotation: Any) -> tuple[tuple[str, ...], type[BaseModel]] | None:
    """(names, model) of a mapping from a fixed set of names to blocks (the kinds of
    tiltak), whose keys are as much a part of the schema as a block's fields; else None."""
    if typing.get_origin(annotation) is not dict:
        return None
    key, value = typing.get_args(annotation)
    if typing.get_origin(key) is Literal and _is_block(value):
        return tuple(str(k) for k in typing.get_args(key)), value
    return None


def rows(model: type[BaseModel] = schema.Scenario, prefix: str = "") -> Iterator[KeyRow]:
    """Every key of ``model`` in the order of the schema, blocks before their keys."""
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        annotation = _unwrap_optional(field.annotation)
        named = _named_blocks(annotation)
        if _is_block(annotation):
            yield KeyRow(path, "block", _default(field), field.description or _doc(annotation))
            yield from rows(annotation, path)
        elif named is not None:
            names, block = named
            yield KeyRow(path, f"block: {{{', '.join(names)}}}", _default(field), field.description or "")
            for key in names:
                yield KeyRow(f"{path}.{key}", "block", "required", _doc(block))
                yield from rows(block, f"{path}.{key}")
        else:
            yield KeyRow(path, _describe(annotation, list(field.metadata)), _default(field),
                         field.description or "")


@cache
def known_paths() -> tuple[str, ...]:
    """Every dotted key a scenario may set, the categories of per-category blocks included."""
    out: list[str] = []
    for row in rows():
        out.append(row.path)
    for model, prefix in _category_fields():
        out.extend(f"{prefix}.{name}" for name in model.model_fields)
    return tuple(out)


def _category_fields(model: type[BaseModel] = schema.Scenario,
                     prefix: str = "") -> Iterator[tuple[type[BaseModel], str]]:
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        annotation = _unwrap_optional(field.annotation)
        named = _named_blocks(annotation)
        if named is not None:
            for key in named[0]:
                yield from _category_fields(named[1], f"{path}.{key}")
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in CATEGORY_BLOCKS:
                yield annotation, path
            else:
                yield from _category_fields(annotation, path)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _line(row: KeyRow) -> str:
    return f"| `{row.path}` | {_cell(row.kind)} | {_cell(row.default)} | {_cell(row.meaning)} |"


def markdown() -> str:
    """The reference page: one table per top-level key of a scenario."""
    lines = [
        "# Scenario keys",
        "",
        "Every key a scenario file may set, generated from the schema (`sim/scenario/schema.py`)",
        "by `python -m sim.reference`; a test checks that this page is current. *required* keys",
        "have no default in code: the library's files set them, each with its source or the word",
        "*assumption*, and `navsim show SCENARIO KEY` prints the value, the file and line that set",
        "it, and that note. Policy levers default to their neutral value. A mapping's keys are",
        "written nested in YAML (`policy: {portfolio_cap: {youth: 50}}`); this page names them by",
        "their dotted path. An unknown key is an error that suggests the closest known key.",
        "",
    ]
    table = ["| key | takes | default | meaning |", "|---|---|---|---|"]
    groups: dict[str, list[KeyRow]] = {}
    for row in rows():
        groups.setdefault(row.path.split(".")[0], []).append(row)
    settings = [g[0] for g in groups.values() if g[0].kind != "block"]
    lines += ["## Run settings", "", *table, *(_line(r) for r in settings)]
    for top, group in groups.items():
        if group[0].kind != "block":
            continue
        lines += ["", f"## `{top}`", "", group[0].meaning, "", *table, *(_line(r) for r in group[1:])]
    lines.append("")
    return "\n".join(line.rstrip() for line in lines)

