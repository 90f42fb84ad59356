"""Reading scenario files: strict YAML, ``extends`` layering with provenance, clear errors.

Layering works like Vivarium's configuration: a file that ``extends`` another is laid over
it key by key (mappings merge, everything else replaces), and for every leaf we remember
which file set it. Errors name the file that set the offending key, the key path and what
is wrong, in one line (:class:`InputError`), so the command line can print them without a
traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sim.scenario.schema import Scenario, lever_problems

M = TypeVar("M", bound=BaseModel)


class InputError(Exception):
    """Bad input: ``file: key.path: what is wrong``. The CLI exits with status 2."""

    def __init__(self, file: str | Path | None, key: str | None, message: str) -> None:
        self.file = str(file) if file is not None else None
        self.key = key
        self.message = message
        parts = [p for p in (self.file, key) if p]
        super().__init__(": ".join([*parts, message]))


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one silently."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in result:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {line})", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


#: Most nodes a file may stand for once its aliases are expanded. A scenario has about two
#: thousand; a file whose anchors and aliases multiply into more (a "billion laughs") is
#: refused at once, before anything walks the expanded data for minutes.
MAX_EXPANDED_NODES = 200_000


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes under ``root`` counting every alias as a full copy; stops early past ``limit``.

    Memoised per node, so it takes time linear in the file, not in the expansion.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise yaml.constructor.ConstructorError(
                None, None, "an alias refers to a node that contains it (recursive data)",
                node.start_mark)
        on_path.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
        on_path.discard(key)
        sizes[key] = min(total, limit + 1)
        return sizes[key]

    return size(root)


def _get_single_node(self: _StrictLoader) -> yaml.Node | None:
    node = yaml.SafeLoader.get_single_node(self)
    if node is not None and _expanded_size(node, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
        raise yaml.constructor.ConstructorError(
            None, None, f"anchors and aliases expand to more than {MAX_EXPANDED_NODES:,} values; "
            "write the values out instead", node.start_mark)
    return node


_StrictLoader.get_single_node = _get_single_node  # type: ignore[method-assign]
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings here and are parsed by the schema, so a bad date is reported with its key.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# YAML 1.1 (PyYAML) reads ``1.0e308`` and ``1e15`` as text: its exponent needs a sign and its
# floats a dot. YAML 1.2 and every user read them as numbers, so they are numbers here.
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+|[0-9][0-9_]*)[eE][-+]?[0-9]+$")
for _first in "-+0123456789.":
    _StrictLoader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:float", _FLOAT_12))


def read_yaml(path: str | Path) -> Any:
    """Parse one YAML file strictly; any problem becomes an :class:`InputError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, not a YAML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"cannot read: {exc}") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(path, None, f"invalid YAML: {where}{problem}") from None
    if data is None:
        raise InputError(path, None, "file is empty")
    return data


def _check_finite(data: Any, path: Path, key: str = "") -> None:
    """Reject NaN and infinities anywhere (YAML's .nan/.inf), with the key path."""
    if isinstance(data, float) and not math.isfinite(data):
        raise InputError(path, key or None, f"{data} is not a finite number")
    if isinstance(data, Mapping):
        for k, v in data.items():
            _check_finite(v, path, f"{key}.{k}" if key else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_finite(v, path, f"{key}[{i}]")


def _merge(base: dict, top: Mapping, prov: dict, source: str, prefix: str = "") -> None:
    """Lay ``top`` over ``base`` in place; record in ``prov`` which file set each leaf."""
    for key, value in top.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, prov, source, path)
        else:
            base[key] = copy.deepcopy(value)
            for old in [p for p in prov if p == path or p.startswith(path + ".")]:
                del prov[old]
            _record(value, prov, source, path)


def _record(value: Any, prov: dict, source: str, path: str) -> None:
    if isinstance(value, Mapping) and value:
        for k, v in value.items():
            _record(v, prov, source, f"{path}.{k}")
    else:
        prov[path] = source


def extends_chain(path: str | Path) -> list[tuple[Path, dict]]:
    """``path`` and every file it ``extends``, each with its data, the bottom layer first.

    Each file is checked on the way: a mapping, finite numbers, an ``extends`` that names
    an existing file, and no file twice.
    """
    chain: list[tuple[Path, dict]] = []
    seen: list[Path] = []
    path = Path(path)
    child: Path | None = None
    while True:
        try:
            real = path.resolve(strict=True)
        except FileNotFoundError:
            raise _via(InputError(path, None, "file not found"), child) from None
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
            problem = "a symbolic link that loops" if "loop" in str(exc).lower() else \
                (exc.strerror if isinstance(exc, OSError) and exc.strerror else "cannot read")
            raise _via(InputError(path, None, problem), child) from None
        if real in seen:
            cycle = " -> ".join(p.name for p in (*seen, real))
            raise InputError(path, "extends", f"circular extends: {cycle}")
        try:
            data = read_yaml(path)
            if not isinstance(data, Mapping):
                raise InputError(path, None,
                                 f"top level must be a mapping of keys, not {type(data).__name__}")
            _check_finite(data, path)
        except InputError as exc:
            raise _via(exc, child) from None
        chain.append((path, data))
        seen.append(real)
        parent = data.get("extends")
        if parent is None:
            return chain[::-1]
        if not isinstance(parent, str) or not parent.strip():
            raise InputError(path, "extends", "must be a file path (relative to this file)")
        parent_path = Path(os.path.normpath(path.parent / parent))
        if parent_path.is_dir():
            raise InputError(path, "extends", f"{parent!r} is a directory; name a YAML file in it")
        if not parent_path.exists() and not parent_path.is_symlink():
            raise InputError(path, "extends", f"extended file {parent!r} not found")
        child, path = path, parent_path


def _via(error: InputError, child: Path | None) -> InputError:
    """``error`` (in an extended file) with the file and key that pointed there."""
    if child is None:
        return error
    return InputError(error.file, error.key, f"{error.message} (extended by {child}: extends)")


def resolve_layers(path: str | Path) -> tuple[dict, dict[str, str]]:
    """Read ``path`` and everything it ``extends``; return the merged mapping and provenance."""
    merged: dict = {}
    prov: dict[str, str] = {}
    for layer, data in extends_chain(path):
        _merge(merged, data, prov, str(layer))
    return merged, prov


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def entry_key(table: str, name: str, *rest: Any) -> str:
    """The key of an entry of a mapping keyed by dotted paths: ``free[a.b].bounds[0]``."""
    return _format_loc((f"{table}[{name}]", *rest))


def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of ``model`` and of the models inside it: what a key may be called."""
    names: set[str] = set()
    todo: list[Any] = [model]
    seen: set[type] = set()
    while todo:
        kind = todo.pop()
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if kind in seen:
                continue
            seen.add(kind)
            names.update(kind.model_fields)
            todo.extend(f.annotation for f in kind.model_fields.values())
        else:
            todo.extend(typing.get_args(kind))
    return names


def validate_file(path: Path, model: type[M], *, table: str, expected: str, schema: str,
                  tags: tuple[str, ...] = ()) -> M:
    """Read a YAML file of ``model`` (a strict pydantic model); the first problem is a one-line
    :class:`InputError`. Entries of the mapping ``table``, keyed by dotted scenario paths, are
    named as ``table[path].field``; ``expected`` says what the top level holds, ``schema``
    where the keys are documented; ``tags`` are the tags of discriminated unions, which
    pydantic puts in error locations and the file does not have."""
    data = read_yaml(path)
    if not isinstance(data, Mapping):
        raise InputError(path, None, f"top level must be a mapping with {expected}")
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            from sim.names import did_you_mean

            msg = f"unknown key{did_you_mean(str(err['loc'][-1]), _field_names(model))} (see {schema})"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif "input" in err and not isinstance(err["input"], Mapping | list):
            msg = f"{msg} (got {err['input']!r})"
        loc = tuple(p for i, p in enumerate(err["loc"]) if i == 0 or p not in tags)
        key = entry_key(table, str(loc[1]), *loc[2:]) if len(loc) >= 2 and loc[0] == table \
            else _format_loc(loc)
        raise InputError(path, key or None, msg) from None


def _owner(prov: Mapping[str, str], key: str, default: str) -> str:
    """The file that set ``key`` (or the nearest parent/child key)."""
    if key in prov:
        return prov[key]
    for p, src in prov.items():
        if p.startswith(key + ".") or key.startswith(p + "."):
            return src
    return default


def validate_mapping(data: Mapping, prov: Mapping[str, str], default_file: str) -> Scenario:
    """Validate a merged mapping; the first error becomes a one-line :class:`InputError`."""
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # Pydantic adds the union member or validator names to locations; keep real keys.
        loc = tuple(p for p in loc if p not in ("int", "none", "constrained-int"))
        key = _format_loc(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            from sim.names import did_you_mean
            from sim.scenario.keys import known_paths

            msg = (f"unknown key{did_you_mean(key, known_paths())} "
                   "(docs/SCENARIO_KEYS.md lists every key)")
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif "input" in err and err["type"] not in ("missing",) and not isinstance(
                err["input"], Mapping | list):
            msg = f"{msg} (got {err['input']!r})"
        owner = _owner(prov, key, default_file)
        if owner != default_file and owner != "command line" and Path(default_file).exists():
            msg = f"{msg} (in a file extended by {default_file})"
        raise InputError(owner, key or None, msg) from None
    for key, problem in lever_problems(scenario):
        raise InputError(_owner(prov, key, default_file), key, problem)
    return scenario


def load_scenario(
    path: str | Path, overrides: Mapping[str, Any] | None = None
) -> tuple[Scenario, dict[str, str]]:
    """Load, layer and validate a scenario; ``overrides`` (e.g. from the CLI) go on top.

    Returns the scenario and the provenance of every leaf key (file or ``command line``).
    """
    merged, prov = resolve_layers(path)
    if overrides:
        _merge(merged, overrides, prov, "command line")
    return validate_mapping(merged, prov, str(path)), prov


def apply_overrides(scenario: Scenario, overrides: Mapping[str, Any], source: str) -> Scenario:
    """A new scenario with ``overrides`` laid over ``scenario`` (e.g. an experiment's intervention)."""
    data = scenario.model_dump(mode="python")
    prov: dict[str, str] = {}
    _merge(data, overrides, prov, source)
    return validate_mapping(data, prov, source)


def plain(value: Any) -> Any:
    """``value`` in plain JSON types: mappings with string keys, lists, ISO dates."""
    if isinstance(value, Mapping):
        return {str(k): plain(x) for k, x in value.items()}
    if isinstance(value, list | tuple):
        return [plain(x) for x in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def scenario_to_jsonable(scenario: Scenario) -> dict:
    """The resolved scenario as plain JSON types (dates as ISO strings, int keys as strings)."""
    return plain(scenario.model_dump(mode="python"))
