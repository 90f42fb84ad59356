"""Reading targets files: observed statistics with the exact way they were measured.

The format is a contract (docs/TARGETS.md): ``validate`` and ``calibrate``
must accept *any* file written in it, so this reader knows the format, not our file. It is
strict because a silently skipped or misread target would make a fit look better or worse
than it is: unknown keys, metrics, filters and filter values, missing or malformed params,
values and tolerances, duplicate ids, bad dates and NaN are all errors, each reported as one
line naming the file, the entry (``targets[<index>] (<id>)``) and the field
(:class:`sim.scenario.loader.InputError`).

The file's layout and each entry's keys and plain fields are pydantic models on the strict
base of every input file (:class:`TargetsFile`, :class:`TargetEntry`,
:class:`EvidenceEntry`, on :class:`sim.strict.Strict`); the metric-dependent parts
(``where``, ``params``, ``value``, ``tolerance``) are read against the metric's spec below,
since which keys and values are allowed depends on the metric.

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
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from sim import codes
from sim.scenario.loader import InputError, plain, read_yaml
from sim.strict import Strict

# --- the format's vocabulary --------------------------------------------------------------

ACTIVITIES: tuple[str, ...] = (
    "job_search", "tiltak", "treatment", "treatment_and_work_activity", "partial_work",
    "no_activity", "digital_dialogue", "meeting", "ips",
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
#: Benefit values of the format: the model's benefits, ``kvp`` (kvalifiseringsprogram) among them.
BENEFITS: tuple[str, ...] = codes.BENEFIT
#: Names of a boolean attribute's categories (``mental_health``).
BOOL_NAMES: tuple[str, ...] = ("false", "true")
#: Usual-delay bands of ``advisor_first_contact_share``.
DELAY_BANDS: tuple[str, ...] = ("le_1w", "w2", "ge_3w")
#: Number of distinct tiltak spells of ``cohort_tiltak_count_share``.
SPELL_COUNTS: tuple[str, ...] = ("one", "two", "three_plus")

#: Attributes (``stock_share``, ``period_share``, and the counts' ``attribute``) and their categories.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "innsatsgruppe": codes.INNSATSGRUPPE,
    "benefit": BENEFITS,
    "age_band": codes.AGE_BAND,
    "sex": codes.SEX,
    "education": codes.EDUCATION,
    "registered_months_band": REGISTERED_MONTHS_BAND,
    "labour_attachment": codes.LABOUR_ATTACHMENT,
    "mental_health": BOOL_NAMES,
}

#: Filters on youths (``age`` is a range, the booleans take true/false, the rest names).
YOUTH_FILTERS: dict[str, tuple[str, ...] | str] = {
    "age": "range",
    "innsatsgruppe": codes.INNSATSGRUPPE,
    "age_band": codes.AGE_BAND,
    "sex": codes.SEX,
    "benefit": BENEFITS,
    "education": codes.EDUCATION,
    "mental_health": "bool",
    "new_entrant": "bool",
    "registered_months_band": REGISTERED_MONTHS_BAND,
    "labour_attachment": codes.LABOUR_ATTACHMENT,
    "fully_unemployed": "bool",
    "ips": "bool",
}
#: Filters on advisors.
ADVISOR_FILTERS: dict[str, tuple[str, ...] | str] = {"role": codes.ROLE, "employer": codes.EMPLOYER}

EVIDENCE = "evidence"
EXPERIMENT = "experiment_effect"


@dataclass(frozen=True)
class ParamSpec:
    """One metric param: its kind (how it is parsed) and, for names, the allowed values."""

    kind: str  # date | years | positive | non_negative | whole_positive | name | band | window
    #            | month_range | mapping | measure | category | count_key
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricSpec:
    """What a metric takes: its params, which filters apply, and how its value reads.

    ``category_param`` is the param that a distribution (a mapping ``value``) replaces: each
    key of the mapping is one value of that param, compared on its own. ``internal`` params
    are never written in a file: they only carry a distribution's category (a count per
    attribute category, a months or spells distribution), so such a value must be a mapping.
    """

    params: dict[str, ParamSpec]
    filters: tuple[str, ...]  # "youth", "advisor"
    category_param: str | None = None
    share: bool = True  # value is a fraction in [0, 1]
    optional: tuple[str, ...] = ()
    count: bool = False  # value is a count: never negative
    internal: tuple[str, ...] = ()


_DATE = ParamSpec("date")
_YEARS = ParamSpec("years")
_MONTHS = ParamSpec("positive")
_ATTRIBUTE = ParamSpec("name", tuple(ATTRIBUTES))
_CATEGORY = ParamSpec("category")

METRICS: dict[str, MetricSpec] = {
    "stock_share": MetricSpec(
        {"date": _DATE, "attribute": _ATTRIBUTE, "category": _CATEGORY}, ("youth",), "category"),
    "stock_count": MetricSpec({"date": _DATE}, ("youth",), share=False, count=True),
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
    # --- second round ---
    "annual_count": MetricSpec(
        {"year": _YEARS, "attribute": _ATTRIBUTE, "category": _CATEGORY}, ("youth",), "category",
        share=False, optional=("attribute",), count=True, internal=("category",)),
    "vedtak_person_count": MetricSpec({"year": _YEARS}, ("youth",), share=False, count=True),
    "vedtak_count": MetricSpec(
        {"year": _YEARS, "attribute": ParamSpec("name", ("innsatsgruppe",)), "category": _CATEGORY},
        ("youth",), "category", share=False, optional=("attribute",), count=True, internal=("category",)),
    "population_share": MetricSpec({"date": _DATE}, ("youth",)),
    "mean_stock_count": MetricSpec(
        {"year": _YEARS, "months": ParamSpec("month_range")}, ("youth",), share=False, optional=("months",),
        count=True),
    "period_share": MetricSpec(
        {"start": _DATE, "end": _DATE, "attribute": _ATTRIBUTE, "category": _CATEGORY}, ("youth",),
        "category"),
    "advisor_first_contact_share": MetricSpec(
        {"year": _YEARS, "band": ParamSpec("name", DELAY_BANDS)}, ("advisor",), "band"),
    "panel_count": MetricSpec(
        {"start": _DATE, "months": _MONTHS, "attribute": _ATTRIBUTE, "category": _CATEGORY}, ("youth",),
        "category", share=False, optional=("attribute",), count=True, internal=("category",)),
    "panel_months_share": MetricSpec(
        {"start": _DATE, "months": ParamSpec("whole_positive"), "activity": ParamSpec("name", ACTIVITIES),
         "count": ParamSpec("count_key")}, ("youth",), "count", internal=("count",)),
    "cohort_count": MetricSpec({"cohort_year": _YEARS}, ("youth",), share=False, count=True),
    "cohort_tiltak_count_share": MetricSpec(
        {"cohort_year": _YEARS, "horizon_months": _MONTHS, "count": ParamSpec("name", SPELL_COUNTS)},
        ("youth",), "count", internal=("count",)),
    "ips_outcome_share": MetricSpec(
        {"year": _YEARS, "window_months": ParamSpec("window"), "outcome": ParamSpec("name", OUTCOMES)},
        ("youth",), "outcome"),
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
    """How far the simulated value may be from the observed one (docs/TARGETS.md)."""

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
    _check_finite(data.get("meta"), file, "meta")
    try:
        layout = TargetsFile.model_validate(dict(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"][:2])
        kind = error["type"]
        if kind == "extra_forbidden":
            raise InputError(file, key, "unknown key (a targets file has 'meta' and 'targets')") from None
        if kind == "missing":
            raise InputError(file, key, "required key is missing") from None
        if key == "targets":
            raise InputError(file, key, f"must be a list of targets, not {type(data['targets']).__name__}") \
                from None
        if key == "meta":
            raise InputError(file, key, "must be a mapping") from None
        raise InputError(file, key, "must be text") from None
    description = layout.meta.description if layout.meta is not None else None
    entries = layout.targets
    targets: list[Target] = []
    evidence: list[Evidence] = []
    ids: set[str] = set()
    for index, entry in enumerate(entries):
        parsed = _parse_entry(entry, index, file)
        if parsed.id in ids:
            raise _Where(file, index, parsed.id).error("id", "duplicate id")
        ids.add(parsed.id)
        (evidence if isinstance(parsed, Evidence) else targets).append(parsed)
    return TargetSet(tuple(targets), tuple(evidence), (file,), description or "")


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
    envelope = _validated(TargetEntry, entry, w, f"allowed: {', '.join(TARGET_KEYS)}")
    measure = _parse_measure(metric, envelope.where, envelope.params, w, "")
    value = _parse_value(envelope.value, measure, w)
    tolerance = _parse_tolerance(envelope.tolerance, w)
    return Target(
        id=raw_id, index=index, measure=measure, value=value, tolerance=tolerance, weight=envelope.weight,
        source=envelope.source or "", note=envelope.note or "", file=file)


def _parse_evidence(entry: Mapping, index: int, file: str, w: _Where) -> Evidence:
    envelope = _validated(EvidenceEntry, entry, w, "evidence entries have id, metric, source, note, value")
    return Evidence(id=envelope.id, index=index, value=envelope.value, source=envelope.source or "",
                    note=envelope.note or "", file=file)


# --- the entries' keys and plain fields, on the strict base of every input file ------------

class Meta(Strict):
    """A file's ``meta``: a description, and any other notes its authors keep."""

    model_config = ConfigDict(extra="allow")
    description: str | None = None


class TargetsFile(Strict):
    """A targets file: ``meta`` (optional) and the list of ``targets`` (each entry is read by
    :class:`TargetEntry` or :class:`EvidenceEntry` with its position in the list)."""

    meta: Meta | None = None
    targets: list[Any]


class TargetEntry(Strict):
    """One target's keys and its plain fields. ``where``, ``params``, ``value`` and
    ``tolerance`` depend on the metric: :func:`_parse_measure` and friends read them."""

    id: str
    metric: str
    where: Any = None
    params: Any
    value: Any
    tolerance: Any = None
    weight: Annotated[float, Field(ge=0.0)] = 1.0
    source: str | None = None
    note: str | None = None


class EvidenceEntry(Strict):
    """An evidence entry: published coefficients, carried and never compared."""

    id: str
    metric: Literal["evidence"]
    value: Any
    source: str | None = None
    note: str | None = None


def _validated(model: type[Strict], entry: Mapping, w: _Where, allowed: str) -> Any:
    """``model`` validated from ``entry``; the first problem as one line naming its key."""
    try:
        return model.model_validate(dict(entry))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            raise w.error(key, f"unknown key ({allowed})") from None
        if kind == "missing":
            raise w.error(key, "required key is missing") from None
        got = entry.get(key)
        if key == "weight":
            raise w.error(key, f"must be a number >= 0, got {got!r}") from None
        if key in ("source", "note"):
            raise w.error(key, f"must be text, got {got!r}") from None
        raise w.error(key, error["msg"]) from None


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
    written = [n for n in spec.params if n not in spec.internal]
    _no_unknown_keys(params, written, w, f"{prefix}params.", f"{metric} takes {', '.join(written)}")
    parsed: dict[str, Any] = {}
    for name, pspec in spec.params.items():
        if name not in params:
            continue
        parsed[name] = _parse_param(name, pspec, params[name], parsed, w, f"{prefix}params.{name}")
    missing = [n for n in written
               if n not in parsed and n != spec.category_param and n not in spec.optional]
    if missing:
        raise w.error(f"{prefix}params.{missing[0]}", f"required param is missing ({metric} takes "
                      f"{', '.join(written)})")
    if "start" in parsed and "end" in parsed and parsed["end"] <= parsed["start"]:
        raise w.error(f"{prefix}params.end", f"must be after start ({parsed['start'].isoformat()})")
    filters = _parse_where(where, spec.filters if metric != EXPERIMENT else ("youth", "advisor"), metric, w,
                           f"{prefix}where")
    if metric == "population_share" and "age" not in filters:
        raise w.error(f"{prefix}where.age", "population_share divides by the population of the ages in "
                      "where.age: give them (e.g. age: [18, 29])")
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
        name = category_name(value)
        if name not in choices:
            raise w.error(key, f"unknown category {value!r} of {attribute}; "
                          f"expected one of {', '.join(choices)}")
        return name
    if kind == "month_range":
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 12 for x in value)
                or value[0] > value[1]):
            raise w.error(key, f"must be [first, last] calendar months (1-12, first <= last), got {value!r}")
        return (int(value[0]), int(value[1]))
    if kind == "band":
        if not isinstance(value, list) or len(value) != 2:
            raise w.error(key, f"must be [lo, hi] in months (hi may be null), got {value!r}")
        lo, hi = value
        if not _is_number(lo) or lo < 0:
            raise w.error(key, f"lower bound must be a number >= 0, got {lo!r}")
        if hi is not None and (not _is_number(hi) or hi < lo):
            raise w.error(key, f"upper bound must be null or a number >= the lower bound, got {hi!r}")
        return (float(lo), None if hi is None else float(hi))
    if kind == "window":
        if (not isinstance(value, list) or len(value) != 2 or not all(_is_number(x) for x in value)
                or not 0 <= value[0] < value[1]):
            raise w.error(key, f"must be [from, to] in months after the start (0 <= from < to), "
                          f"got {value!r}")
        return (float(value[0]), float(value[1]))
    if kind == "mapping":
        if not isinstance(value, Mapping) or not value:
            raise w.error(key, "must be a non-empty mapping of scenario overrides "
                          "(same keys as a scenario file)")
        return _plain(value)
    if kind == "measure":
        return _parse_nested(value, w, key)
    raise AssertionError(kind)


def category_name(value: Any) -> str | None:
    """A category as written in a file, as its name: ``true``/``false`` for a boolean
    attribute (YAML reads them as booleans), digits for a whole number, text as is."""
    if isinstance(value, bool):
        return BOOL_NAMES[int(value)]
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) else None


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
        if spec.count and v < 0:
            raise w.error(key, f"a count cannot be negative (got {v!r})")
        return float(v)

    where_param = "params.measure.params" if metric == EXPERIMENT else "params"
    internal = cat_param is not None and cat_param in inner_spec.internal
    # Counts per category need the attribute that names the categories.
    by_attribute = internal and "attribute" in inner_spec.params
    if isinstance(value, Mapping):
        if cat_param is None or (by_attribute and "attribute" not in inner.params):
            why = " without params.attribute" if cat_param is not None else ""
            raise w.error("value", f"{inner.metric} has no categories{why}: value must be a number")
        if cat_param in inner.params:
            raise w.error(f"{where_param}.{cat_param}", "value is a distribution, so its keys are the "
                          f"{cat_param} values: remove this param")
        if not value:
            raise w.error("value", "an empty distribution compares nothing")
        choices = _category_choices(inner)
        out: dict[str, float] = {}
        for cat, v in value.items():
            name = category_name(cat)
            if name not in choices:
                raise w.error(f"value.{cat}",
                              f"unknown {cat_param} {cat!r}; expected one of {', '.join(choices)}")
            out[name] = number(v, f"value.{name}")
        return out
    if internal and (not by_attribute or "attribute" in inner.params):
        what = (f"a count per {inner.params['attribute']}" if by_attribute
                else f"a distribution over {cat_param}")
        raise w.error("value", f"{inner.metric} gives {what}: value must be a mapping "
                      f"{{{cat_param}: value}} of the categories to compare")
    if cat_param is not None and not internal and cat_param not in inner.params:
        raise w.error(f"{where_param}.{cat_param}", "required param is missing (or give value as a "
                      f"mapping {{{cat_param}: value}} for a distribution)")
    return number(value, "value")


def _category_choices(measure: Measure) -> tuple[str, ...]:
    """The names a distribution's keys may take: the category param's choices."""
    spec = METRICS[measure.metric]
    assert spec.category_param is not None
    kind = spec.params[spec.category_param].kind
    if kind == "category":
        return ATTRIBUTES[measure.params["attribute"]]
    if kind == "count_key":
        return tuple(str(m) for m in range(1, int(measure.params["months"]) + 1))
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
