"""Reading targets files: observed statistics with the exact way they were measured.

The format is a contract (``shared/calibration/SCHEMA.md``): ``validate`` and ``calibrate``
must accept *any* file written in it, so this reader knows the format, not our file. It is
strict because a silently skipped or misread target would make a fit look better or worse
than it is: unknown keys, metrics, filters and filter values, missing or malformed params,
values and tolerances, duplicate ids, bad dates and NaN are all errors, each reported as one
line naming the file, the entry (``targets[<index>] (<id>)``) and the field
(:class:`sim.scenario.loader.InputError`).

The vocabularies below (metrics, their params, filters, activities, outcomes, ...) are the
format's words; :mod:`sim.measure` computes each of them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim import codes
from sim.scenario.loader import InputError, plain, read_yaml

# --- the format's vocabulary --------------------------------------------------------------

ACTIVITIES: tuple[str, ...] = (
    "job_search", "tiltak", "treatment", "treatment_and_work_activity", "partial_work",
    "no_activity", "digital_dialogue", "meeting",
)
OUTCOMES: tuple[str, ...] = (
    "work", "education", "work_or_education", "work_only", "education_only",
    "work_and_education", "outside",
)
PATTERNS: tuple[str, ...] = ("treatment_and_work", "treatment_only", "work_activity_only", "neither")
COHORT_EVENTS: tuple[str, ...] = (
    "reassessed_up", "reassessed_down", "never_reassessed", "never_tiltak", "got_aap",
    "got_ufore", "got_mental_health_treatment",
)
DURATION_STATES: tuple[str, ...] = ("aap", "tiltak")
DAYS_STATES: tuple[str, ...] = ("work", "follow_up", "outside")
REGISTERED_MONTHS_BAND: tuple[str, ...] = ("0-3", "4-7", "8-11", "12-23", "24-35", "36-47", "48+")

#: ``stock_share`` attributes and their categories.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "innsatsgruppe": codes.INNSATSGRUPPE,
    "benefit": codes.BENEFIT,
    "age_band": codes.AGE_BAND,
    "sex": codes.SEX,
    "education": codes.EDUCATION,
    "registered_months_band": REGISTERED_MONTHS_BAND,
    "labour_attachment": codes.LABOUR_ATTACHMENT,
}

#: Filters on youths (``age`` is a range, the booleans take true/false, the rest names).
YOUTH_FILTERS: dict[str, tuple[str, ...] | str] = {
    "age": "range",
    "innsatsgruppe": codes.INNSATSGRUPPE,
    "age_band": codes.AGE_BAND,
    "sex": codes.SEX,
    "benefit": codes.BENEFIT,
    "education": codes.EDUCATION,
    "mental_health": "bool",
    "new_entrant": "bool",
    "registered_months_band": REGISTERED_MONTHS_BAND,
    "labour_attachment": codes.LABOUR_ATTACHMENT,
}
#: Filters on advisors.
ADVISOR_FILTERS: dict[str, tuple[str, ...] | str] = {"role": codes.ROLE, "employer": codes.EMPLOYER}

EVIDENCE = "evidence"
EXPERIMENT = "experiment_effect"


@dataclass(frozen=True)
class ParamSpec:
    """One metric param: its kind (how it is parsed) and, for names, the allowed values."""

    kind: str  # date | years | positive | non_negative | whole_positive | name | band | mapping | measure
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricSpec:
    """What a metric takes: its params, which filters apply, and how its value reads.

    ``category_param`` is the param that a distribution (a mapping ``value``) replaces: each
    key of the mapping is one value of that param, compared on its own.
    """

    params: dict[str, ParamSpec]
    filters: tuple[str, ...]  # "youth", "advisor"
    category_param: str | None = None
    share: bool = True  # value is a fraction in [0, 1]
    optional: tuple[str, ...] = ()


_DATE = ParamSpec("date")
_YEARS = ParamSpec("years")
_MONTHS = ParamSpec("positive")

METRICS: dict[str, MetricSpec] = {
    "stock_share": MetricSpec(
        {"date": _DATE, "attribute": ParamSpec("name", tuple(ATTRIBUTES)), "category": ParamSpec("category")},
        ("youth",), "category"),
    "stock_count": MetricSpec({"date": _DATE}, ("youth",), share=False),
    "panel_ever_share": MetricSpec(
        {"start": _DATE, "months": _MONTHS, "activity": ParamSpec("name", ACTIVITIES)},
        ("youth",), "activity"),
    "panel_pattern_share": MetricSpec(
        {"start": _DATE, "months": _MONTHS, "pattern": ParamSpec("name", PATTERNS)}, ("youth",), "pattern"),
    "transition_share": MetricSpec(
        {"year": _YEARS, "horizon_months": _MONTHS, "outcome": ParamSpec("name", OUTCOMES)},
        ("youth",), "outcome"),
    "return_share": MetricSpec({"year": _YEARS, "horizon_months": _MONTHS}, ("youth",)),
    "cohort_share": MetricSpec(
        {"cohort_year": _YEARS, "horizon_months": _MONTHS, "event": ParamSpec("name", COHORT_EVENTS)},
        ("youth",), "event"),
    "duration_share": MetricSpec(
        {"cohort_year": _YEARS, "horizon_months": _MONTHS, "state": ParamSpec("name", DURATION_STATES),
         "band_months": ParamSpec("band")}, ("youth",), "state"),
    "days_in_state": MetricSpec(
        {"year": _YEARS, "horizon_months": _MONTHS, "state": ParamSpec("name", DAYS_STATES)},
        ("youth",), "state", share=False),
    "portfolio_mean": MetricSpec({"date": _DATE}, ("advisor",), share=False),
    "portfolio_share_above": MetricSpec(
        {"date": _DATE, "threshold": ParamSpec("non_negative")}, ("advisor",)),
    "contacts_per_advisor_week": MetricSpec(
        {"year": _YEARS, "channel": ParamSpec("name", codes.CHANNEL)}, ("advisor",), "channel", share=False),
    "first_contact_share": MetricSpec(
        {"year": _YEARS, "within_weeks": ParamSpec("whole_positive")}, ("youth", "advisor")),
    EXPERIMENT: MetricSpec(
        {"intervention": ParamSpec("mapping"), "measure": ParamSpec("measure")}, ("youth", "advisor"),
        share=False),
}

TARGET_KEYS = ("id", "metric", "where", "params", "value", "tolerance", "weight", "source", "note")
EVIDENCE_KEYS = ("id", "metric", "source", "note", "value")
MEASURE_KEYS = ("metric", "where", "params", "note")
DEFAULT_TOLERANCE = ("rel", 0.1)
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


# --- typed targets ------------------------------------------------------------------------

@dataclass(frozen=True)
class Tolerance:
    """How far the simulated value may be from the observed one (SCHEMA.md)."""

    kind: str  # abs | rel | se
    amount: float

    def allowed(self, observed: float) -> float:
        """The allowed |simulated - observed|: x, r*|obs| or 2*se."""
        if self.kind == "abs":
            return self.amount
        if self.kind == "rel":
            return self.amount * abs(observed)
        return 2.0 * self.amount

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:g}"


@dataclass(frozen=True)
class Measure:
    """A statistic to compute: metric, population filters and params (normalised).

    ``where`` maps each filter to a tuple of accepted values (names, booleans, or
    ``(lo, hi)`` age ranges). Dates are :class:`datetime.date`, years tuples of ints. For
    ``experiment_effect`` the params hold ``intervention`` (a mapping of scenario
    overrides) and ``measure`` (the nested :class:`Measure`).
    """

    metric: str
    where: dict[str, tuple] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def with_param(self, name: str, value: Any) -> Measure:
        """The same measure with one param set (a distribution's category)."""
        return replace(self, params={**self.params, name: value})

    def key(self) -> str:
        """A canonical text form, equal for equal measures (used to share computations)."""
        return canonical(self)


def canonical(value: Any) -> str:
    """Canonical JSON text of a measure, mapping or value (dates as ISO, keys sorted)."""
    def unwrap(v: Any) -> Any:
        if isinstance(v, Measure):
            return {"metric": v.metric, "where": unwrap(v.where), "params": unwrap(v.params)}
        if isinstance(v, Mapping):
            return {k: unwrap(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [unwrap(x) for x in v]
        return v
    return json.dumps(plain(unwrap(value)), sort_keys=True)


@dataclass(frozen=True)
class Target:
    """One observed statistic; ``value`` is a number or ``{category: number}``."""

    id: str
    index: int
    measure: Measure
    value: float | dict[str, float]
    tolerance: Tolerance
    weight: float = 1.0
    source: str = ""
    note: str = ""
    file: str = ""

    @property
    def metric(self) -> str:
        return self.measure.metric

    @property
    def is_distribution(self) -> bool:
        return isinstance(self.value, dict)

    def comparisons(self) -> list[tuple[str | None, float, Measure]]:
        """One ``(category, observed, measure)`` per compared value (one per category)."""
        if not isinstance(self.value, dict):
            return [(None, float(self.value), self.measure)]
        return [(cat, obs, _for_category(self.measure, cat)) for cat, obs in self.value.items()]


def _for_category(measure: Measure, category: str) -> Measure:
    """The measure of one category of a distribution (nested for experiment_effect)."""
    if measure.metric == EXPERIMENT:
        inner: Measure = measure.params["measure"]
        return measure.with_param("measure", _for_category(inner, category))
    param = METRICS[measure.metric].category_param
    assert param is not None
    return measure.with_param(param, category)


@dataclass(frozen=True)
class Evidence:
    """A published coefficient set carried for reference; never compared."""

    id: str
    index: int
    value: Any
    source: str = ""
    note: str = ""
    file: str = ""


@dataclass(frozen=True)
class TargetSet:
    """All targets and evidence entries of one or more files."""

    targets: tuple[Target, ...]
    evidence: tuple[Evidence, ...] = ()
    files: tuple[str, ...] = ()
    description: str = ""

    def __iter__(self):
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)


# --- reading ------------------------------------------------------------------------------

class _Where:
    """Builds the ``targets[i] (id).field`` locations of error messages."""

    def __init__(self, file: str | Path, index: int, target_id: str | None) -> None:
        self.file = str(file)
        self.prefix = f"targets[{index}]" + (f" ({target_id})" if target_id else "")

    def error(self, fld: str | None, message: str) -> InputError:
        return InputError(self.file, f"{self.prefix}.{fld}" if fld else self.prefix, message)


def load_targets(paths: str | Path | Sequence[str | Path]) -> TargetSet:
    """Read one or more targets files; ids must be unique across all of them."""
    if isinstance(paths, str | Path):
        paths = [paths]
    targets: list[Target] = []
    evidence: list[Evidence] = []
    seen: dict[str, str] = {}
    descriptions = []
    for path in paths:
        one = parse_targets(read_yaml(path), path)
        for entry in (*one.targets, *one.evidence):
            if entry.id in seen:
                raise _Where(path, entry.index, entry.id).error(
                    "id", f"duplicate id (already used in {seen[entry.id]})")
            seen[entry.id] = str(path)
        targets.extend(one.targets)
        evidence.extend(one.evidence)
        if one.description:
            descriptions.append(one.description)
    return TargetSet(tuple(targets), tuple(evidence), tuple(str(p) for p in paths), " ".join(descriptions))


def parse_targets(data: Any, file: str | Path) -> TargetSet:
    """Validate the parsed YAML of one targets file."""
    file = str(file)
    if not isinstance(data, Mapping):
        raise InputError(file, None,
                         f"top level must be a mapping with 'targets:', not {type(data).__name__}")
    unknown = [k for k in data if k not in ("meta", "targets")]
    if unknown:
        raise InputError(file, str(unknown[0]), "unknown key (a targets file has 'meta' and 'targets')")
    meta = data.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, Mapping):
        raise InputError(file, "meta", "must be a mapping")
    _check_finite(meta, file, "meta")
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise InputError(file, "meta.description", "must be text")
    entries = data.get("targets")
    if entries is None:
        raise InputError(file, "targets", "required key is missing")
    if not isinstance(entries, list):
        raise InputError(file, "targets", f"must be a list of targets, not {type(entries).__name__}")
    targets: list[Target] = []
    evidence: list[Evidence] = []
    ids: set[str] = set()
    for index, entry in enumerate(entries):
        parsed = _parse_entry(entry, index, file)
        if parsed.id in ids:
            raise _Where(file, index, parsed.id).error("id", "duplicate id")
        ids.add(parsed.id)
        (evidence if isinstance(parsed, Evidence) else targets).append(parsed)
    return TargetSet(tuple(targets), tuple(evidence), (file,), description)


def _check_finite(value: Any, file: str, key: str, where: _Where | None = None) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        if where is not None:
            raise where.error(key, f"{value} is not a finite number")
        raise InputError(file, key, f"{value} is not a finite number")
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_finite(v, file, f"{key}.{k}", where)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_finite(v, file, f"{key}[{i}]", where)


def _parse_entry(entry: Any, index: int, file: str) -> Target | Evidence:
    if not isinstance(entry, Mapping):
        raise _Where(file, index, None).error(None, f"must be a mapping, not {type(entry).__name__}")
    raw_id = entry.get("id")
    w = _Where(file, index, raw_id if isinstance(raw_id, str) and _ID.match(raw_id) else None)
    if raw_id is None:
        raise w.error("id", "required key is missing")
    if not isinstance(raw_id, str) or not _ID.match(raw_id):
        raise w.error("id", f"must be a snake_case name (lower-case letters, digits, _), got {raw_id!r}")
    for key, value in entry.items():
        _check_finite(value, file, str(key), w)
    metric = entry.get("metric")
    if metric is None:
        raise w.error("metric", "required key is missing")
    if metric == EVIDENCE:
        return _parse_evidence(entry, index, file, w)
    if not isinstance(metric, str) or metric not in METRICS:
        raise w.error("metric",
                      f"unknown metric {metric!r}; expected one of {', '.join([*METRICS, EVIDENCE])}")
    _no_unknown_keys(entry, TARGET_KEYS, w, "")
    for key in ("params", "value"):
        if key not in entry:
            raise w.error(key, "required key is missing")
    measure = _parse_measure(metric, entry.get("where"), entry["params"], w, "")
    value = _parse_value(entry["value"], measure, w)
    tolerance = _parse_tolerance(entry.get("tolerance"), w)
    weight = entry.get("weight", 1.0)
    if not _is_number(weight) or weight < 0:
        raise w.error("weight", f"must be a number >= 0, got {weight!r}")
    return Target(
        id=raw_id, index=index, measure=measure, value=value, tolerance=tolerance, weight=float(weight),
        source=_text(entry, "source", w), note=_text(entry, "note", w), file=file)


def _parse_evidence(entry: Mapping, index: int, file: str, w: _Where) -> Evidence:
    _no_unknown_keys(entry, EVIDENCE_KEYS, w, "", "evidence entries have id, metric, source, note, value")
    if "value" not in entry:
        raise w.error("value", "required key is missing")
    return Evidence(id=entry["id"], index=index, value=entry["value"], source=_text(entry, "source", w),
                    note=_text(entry, "note", w), file=file)


def _text(entry: Mapping, key: str, w: _Where) -> str:
    value = entry.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise w.error(key, f"must be text, got {value!r}")
    return value


def _no_unknown_keys(entry: Mapping, allowed: Iterable[str], w: _Where, prefix: str, hint: str = "") -> None:
    allowed = tuple(allowed)
    for key in entry:
        if key not in allowed:
            text = hint or f"allowed: {', '.join(allowed)}"
            raise w.error(f"{prefix}{key}", f"unknown key ({text})")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _parse_measure(metric: str, where: Any, params: Any, w: _Where, prefix: str) -> Measure:
    spec = METRICS[metric]
    if params is None or not isinstance(params, Mapping):
        raise w.error(f"{prefix}params", "must be a mapping of the metric's params")
    _no_unknown_keys(params, spec.params, w, f"{prefix}params.", f"{metric} takes {', '.join(spec.params)}")
    parsed: dict[str, Any] = {}
    for name, pspec in spec.params.items():
        if name not in params:
            continue
        parsed[name] = _parse_param(name, pspec, params[name], parsed, w, f"{prefix}params.{name}")
    missing = [n for n in spec.params
               if n not in parsed and n != spec.category_param and n not in spec.optional]
    if missing:
        raise w.error(f"{prefix}params.{missing[0]}", f"required param is missing ({metric} takes "
                      f"{', '.join(spec.params)})")
    filters = _parse_where(where, spec.filters if metric != EXPERIMENT else ("youth", "advisor"), metric, w,
                           f"{prefix}where")
    if metric == EXPERIMENT:
        inner: Measure = parsed["measure"]
        clash = set(filters) & set(inner.where)
        if clash:
            raise w.error(f"{prefix}where.{sorted(clash)[0]}",
                          "filter given both here and in params.measure.where")
        # Filters on an experiment apply to the measured population: move them inside,
        # where the nested metric checks that they apply to it.
        if filters:
            allowed = _allowed_filters(METRICS[inner.metric].filters)
            for name in filters:
                if name not in allowed:
                    raise w.error(f"{prefix}where.{name}", f"filter does not apply to metric {inner.metric}")
            parsed["measure"] = replace(inner, where={**filters, **inner.where})
        filters = {}
    return Measure(metric=metric, where=filters, params=parsed)


def _parse_param(name: str, spec: ParamSpec, value: Any, parsed: dict, w: _Where, key: str) -> Any:
    kind = spec.kind
    if kind == "date":
        return _parse_date(value, w, key)
    if kind == "years":
        years = value if isinstance(value, list) else [value]
        if not years:
            raise w.error(key, "needs at least one year")
        out = []
        for y in years:
            if isinstance(y, bool) or not isinstance(y, int) or not 1900 <= y <= 2200:
                raise w.error(key, f"must be a calendar year or a list of years, got {y!r}")
            if y in out:
                raise w.error(key, f"year {y} listed twice")
            out.append(y)
        return tuple(out)
    if kind in ("positive", "non_negative"):
        if not _is_number(value) or value < 0 or (kind == "positive" and value == 0):
            raise w.error(key, f"must be a number {'above' if kind == 'positive' else 'of at least'} 0, "
                          f"got {value!r}")
        return float(value)
    if kind == "whole_positive":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise w.error(key, f"must be a whole number of at least 1, got {value!r}")
        return value
    if kind == "name":
        if not isinstance(value, str) or value not in spec.choices:
            raise w.error(key, f"unknown value {value!r}; expected one of {', '.join(spec.choices)}")
        return value
    if kind == "category":
        attribute = parsed.get("attribute")
        choices = ATTRIBUTES.get(attribute, ()) if isinstance(attribute, str) else ()
        if not isinstance(value, str) or value not in choices:
            raise w.error(key, f"unknown category {value!r} of {attribute}; "
                          f"expected one of {', '.join(choices)}")
        return value
    if kind == "band":
        if not isinstance(value, list) or len(value) != 2:
            raise w.error(key, f"must be [lo, hi] in months (hi may be null), got {value!r}")
        lo, hi = value
        if not _is_number(lo) or lo < 0:
            raise w.error(key, f"lower bound must be a number >= 0, got {lo!r}")
        if hi is not None and (not _is_number(hi) or hi < lo):
            raise w.error(key, f"upper bound must be null or a number >= the lower bound, got {hi!r}")
        return (float(lo), None if hi is None else float(hi))
    if kind == "mapping":
        if not isinstance(value, Mapping) or not value:
            raise w.error(key, "must be a non-empty mapping of scenario overrides "
                          "(same keys as a scenario file)")
        return _plain(value)
    if kind == "measure":
        return _parse_nested(value, w, key)
    raise AssertionError(kind)


def _plain(value: Any) -> Any:
    """A deep copy made of plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _parse_nested(value: Any, w: _Where, key: str) -> Measure:
    if not isinstance(value, Mapping):
        raise w.error(key, "must be a mapping with metric, where (optional) and params")
    for k in value:
        if k not in MEASURE_KEYS:
            why = "a nested measure has no value or tolerance" if k in ("value", "tolerance") else \
                f"allowed: {', '.join(MEASURE_KEYS)}"
            raise w.error(f"{key}.{k}", f"unknown key ({why})")
    metric = value.get("metric")
    if metric is None:
        raise w.error(f"{key}.metric", "required key is missing")
    if metric == EXPERIMENT:
        raise w.error(f"{key}.metric", "an experiment cannot measure another experiment")
    if not isinstance(metric, str) or metric not in METRICS:
        choices = [m for m in METRICS if m != EXPERIMENT]
        raise w.error(f"{key}.metric", f"unknown metric {metric!r}; expected one of {', '.join(choices)}")
    if "params" not in value:
        raise w.error(f"{key}.params", "required key is missing")
    return _parse_measure(metric, value.get("where"), value["params"], w, f"{key}.")


def _parse_date(value: Any, w: _Where, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise w.error(key, f"must be a date YYYY-MM-DD without a time, got {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise w.error(key, f"must be an ISO date YYYY-MM-DD, got {value!r}")


def _allowed_filters(groups: Iterable[str]) -> dict[str, tuple[str, ...] | str]:
    allowed: dict[str, tuple[str, ...] | str] = {}
    for g in groups:
        allowed.update(YOUTH_FILTERS if g == "youth" else ADVISOR_FILTERS)
    return allowed


def _parse_where(where: Any, groups: Iterable[str], metric: str, w: _Where, key: str) -> dict[str, tuple]:
    if where is None:
        return {}
    if not isinstance(where, Mapping):
        raise w.error(key, "must be a mapping of filters")
    allowed = _allowed_filters(groups)
    out: dict[str, tuple] = {}
    for name, value in where.items():
        fkey = f"{key}.{name}"
        if name not in YOUTH_FILTERS and name not in ADVISOR_FILTERS:
            names = ", ".join([*YOUTH_FILTERS, *ADVISOR_FILTERS])
            raise w.error(fkey, f"unknown filter; expected one of {names}")
        if name not in allowed:
            raise w.error(fkey, f"filter does not apply to metric {metric} (it takes {', '.join(allowed)})")
        out[name] = _parse_filter_value(name, allowed[name], value, w, fkey)
    return out


def _parse_filter_value(name: str, kind: tuple[str, ...] | str, value: Any, w: _Where, key: str) -> tuple:
    if kind == "range":
        ranges = value if isinstance(value, list) and value and isinstance(value[0], list) else [value]
        out = []
        for r in ranges:
            if (not isinstance(r, list) or len(r) != 2
                    or not all(isinstance(x, int) and not isinstance(x, bool) for x in r) or r[0] > r[1]):
                raise w.error(key, "must be [lo, hi] in whole years with lo <= hi "
                              f"(or a list of such), got {r!r}")
            out.append((int(r[0]), int(r[1])))
        return tuple(out)
    values = value if isinstance(value, list) else [value]
    if not values:
        raise w.error(key, "an empty list matches nobody")
    for v in values:
        if kind == "bool":
            if not isinstance(v, bool):
                raise w.error(key, f"must be true or false, got {v!r}")
        elif not isinstance(v, str) or v not in kind:
            raise w.error(key, f"unknown value {v!r}; expected one of {', '.join(kind)}")
    return tuple(dict.fromkeys(values))


def _parse_value(value: Any, measure: Measure, w: _Where) -> float | dict[str, float]:
    metric = measure.metric
    spec = METRICS[metric]
    inner = measure.params.get("measure") if metric == EXPERIMENT else measure
    inner_spec = METRICS[inner.metric]
    cat_param = inner_spec.category_param
    share = spec.share if metric != EXPERIMENT else False

    def number(v: Any, key: str) -> float:
        if not _is_number(v):
            raise w.error(key, f"must be a finite number, got {v!r}")
        if share and not 0 <= v <= 1:
            raise w.error(key, f"{metric} is a share: a fraction in [0, 1], not percent (got {v!r})")
        if metric == "stock_count" and v < 0:
            raise w.error(key, f"a count cannot be negative (got {v!r})")
        return float(v)

    if isinstance(value, Mapping):
        where_param = "params.measure.params" if metric == EXPERIMENT else "params"
        if cat_param is None:
            raise w.error("value", f"{inner.metric} has no categories: value must be a number")
        if cat_param in inner.params:
            raise w.error(f"{where_param}.{cat_param}", "value is a distribution, so its keys are the "
                          f"{cat_param} values: remove this param")
        if not value:
            raise w.error("value", "an empty distribution compares nothing")
        choices = _category_choices(inner)
        out: dict[str, float] = {}
        for cat, v in value.items():
            if str(cat) not in choices:
                raise w.error(f"value.{cat}",
                              f"unknown {cat_param} {cat!r}; expected one of {', '.join(choices)}")
            out[str(cat)] = number(v, f"value.{cat}")
        return out
    if cat_param is not None and cat_param not in inner.params:
        where_param = "params.measure.params" if metric == EXPERIMENT else "params"
        raise w.error(f"{where_param}.{cat_param}", "required param is missing (or give value as a "
                      f"mapping {{{cat_param}: value}} for a distribution)")
    return number(value, "value")


def _category_choices(measure: Measure) -> tuple[str, ...]:
    """The names a distribution's keys may take: the category param's choices."""
    spec = METRICS[measure.metric]
    if measure.metric == "stock_share":
        return ATTRIBUTES[measure.params["attribute"]]
    assert spec.category_param is not None
    return spec.params[spec.category_param].choices


def _parse_tolerance(value: Any, w: _Where) -> Tolerance:
    if value is None:
        return Tolerance(*DEFAULT_TOLERANCE)
    if not isinstance(value, Mapping) or len(value) != 1:
        raise w.error("tolerance", f"must be one of {{abs: x}}, {{rel: r}}, {{se: s}}, got {value!r}")
    (kind, amount), = value.items()
    if kind not in ("abs", "rel", "se"):
        raise w.error(f"tolerance.{kind}", "unknown tolerance kind; expected abs, rel or se")
    # An exact-zero abs tolerance is a real need (a policy that never binds changes nothing).
    if not _is_number(amount) or amount < 0 or (amount == 0 and kind != "abs"):
        least = "0 or more" if kind == "abs" else "above 0"
        raise w.error(f"tolerance.{kind}", f"must be a number {least}, got {amount!r}")
    return Tolerance(kind, float(amount))


def evidence_ids(targets: TargetSet) -> set[str]:
    """Ids of the evidence entries (parameters and priors may cite them)."""
    return {e.id for e in targets.evidence}
