"""What the dashboard needs from navsim, in one place.

The page (``sim.dashboard.app``) calls only these functions, so when the engine, ``compare``
or the result files change, this module is the one to follow them. Every result is written
as a folder under the results directory, exactly as ``navsim run`` and ``navsim compare``
write it, and the page always reads what it shows back from such a folder: a fresh result
and one reopened later look the same.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.paths import project_file
from sim.scenario.loader import InputError, apply_overrides, load_scenario, scenario_to_jsonable
from sim.scenario.schema import Scenario

#: Where the page says overridden values come from (it names them in error messages).
SOURCE = "dashboard"
#: Scenario library folder, found as the other commands find the project's files.
LIBRARY = "scenarios"
#: Files of the library that are layers, not scenarios to run.
NOT_RUNNABLE = ("priors.yaml",)

#: The policy levers the page offers, by their scenario key (docs: README "The levers").
LEVERS: tuple[tuple[str, str], ...] = (
    ("policy.portfolio_cap.youth", "portfolio cap, youth advisors (users; empty: no cap)"),
    ("policy.portfolio_cap.counts", "cap counts (all, young, target_group)"),
    ("policy.portfolio_cap.over", "cap over (advisor: a ceiling; office, national: an average)"),
    ("policy.portfolio_cap.mode", "cap mode (hard, overflow, hire)"),
    ("policy.portfolio_cap.on_start", "current users when the cap starts (move, keep)"),
    ("policy.portfolio_cap.start", "cap start (YYYY-MM-DD)"),
    ("staffing.youth_advisors.multiplier", "youth advisors, multiplier"),
    ("staffing.both_advisors.multiplier", "both-age advisors, multiplier"),
    ("staffing.youth_advisors.start", "youth advisors, start"),
    ("tiltak.places_multiplier", "tiltak places, multiplier"),
    ("tiltak.start", "tiltak, start"),
    ("ips.capacity_multiplier", "IPS capacity, multiplier"),
    ("ips.start", "IPS, start"),
    ("health.treatment_wait_multiplier", "treatment wait, multiplier"),
    ("health.concurrent_treatment_and_work", "treatment and work at once (true/false)"),
    ("contacts.digital_to_meeting_share", "share of digital contact time turned into meetings"),
    ("contacts.start", "contacts, start"),
    ("assessment.under_assessment_multiplier", "first §14a one group too low, multiplier"),
    ("assessment.over_assessment_multiplier", "first §14a one group too high, multiplier"),
    ("assessment.speed_multiplier", "group too low raised sooner, multiplier"),
    ("assessment.start", "assessment, start"),
    ("contact_person.churn_multiplier", "fixed contact person: advisor changes, multiplier"),
    ("contact_person.applies_to", "fixed contact person for (all, target_group)"),
    ("contact_person.start", "fixed contact person, start"),
    ("ungdomsgaranti.enabled", "ungdomsgaranti (true/false)"),
    ("ungdomsgaranti.parts.fixed_contact_person", "ungdomsgaranti: fixed contact person (true/false)"),
    ("ungdomsgaranti.parts.youth_advisors", "ungdomsgaranti: placed with youth advisors (true/false)"),
    ("ungdomsgaranti.parts.priority", "ungdomsgaranti: priority for meetings (true/false)"),
)

#: Outcomes shown first in the effects table (the rest follow in the downloads).
KEY_OUTCOMES = (
    "work_or_education_12m", "work_or_education_6m", "days_in_work_2y", "tiltak_share_of_weeks",
    "contacts_per_month_scheduled_meeting", "weeks_to_first_contact", "weeks_waiting_veileder",
    "portefolje_mean_youth", "aap_stock_end", "cost_total",
)


def library() -> dict[str, Path]:
    """Runnable scenarios of the library by name (file stem), baseline first."""
    folder = project_file(LIBRARY)
    files = sorted(p for p in Path(folder).glob("*.yaml") if p.name not in NOT_RUNNABLE)
    files.sort(key=lambda p: p.stem != "baseline")
    return {p.stem: p for p in files}


def baseline_path() -> Path:
    return project_file(f"{LIBRARY}/baseline.yaml")


def _get(data: Mapping[str, Any], key: str) -> Any:
    for part in key.split("."):
        data = data[part]
    return data


def _nest(key: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    return out


def _merge(a: dict[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    for k, v in b.items():
        a[k] = _merge(dict(a.get(k, {})), v) if isinstance(v, Mapping) else v
    return a


def lever_texts(scenario: Scenario) -> dict[str, str]:
    """The current value of every lever as the page shows it in a text field."""
    data = scenario_to_jsonable(scenario)
    out = {}
    for key, _ in LEVERS:
        value = _get(data, key)
        out[key] = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return out


def parse_text(text: str) -> Any:
    """A field's text as the YAML scalar a scenario file would hold (empty: none)."""
    text = text.strip()
    if not text:
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


@dataclass
class Settings:
    """How big a run the page starts: kept small so an answer comes in seconds."""

    scale: float = 0.01
    reps: int = 3
    end: str = "2027-12-31"


def load(path: str | Path) -> Scenario:
    """A library or user scenario file, validated (an :class:`InputError` names what is wrong)."""
    scenario, _ = load_scenario(path)
    return scenario


def build(path: str | Path, texts: Mapping[str, str], settings: Settings) -> tuple[Scenario, dict[str, Any]]:
    """The scenario at ``path`` with the changed levers and the run size laid over it.

    Returns the scenario and the overrides (what differs from the file). Every value is
    checked by the scenario schema: a bad one raises :class:`InputError` with its message.
    """
    scenario = load(path)
    current = lever_texts(scenario)
    overrides: dict[str, Any] = {}
    for key, text in texts.items():
        if text.strip() != current.get(key, "").strip():
            _merge(overrides, _nest(key, parse_text(text)))
    _merge(overrides, size_overrides(settings))
    return apply_overrides(scenario, overrides, SOURCE), overrides


def size_overrides(settings: Settings) -> dict[str, Any]:
    return {"scale": parse_text(str(settings.scale)), "replications": parse_text(str(settings.reps)),
            "period": {"end": str(settings.end).strip()}}


def _leaves(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        keys += _leaves(v, key) if isinstance(v, Mapping) and v else [key]
    return keys


def _provenance(path: str | Path, overrides: Mapping[str, Any]) -> dict[str, str]:
    """Which file set each key, as a run's manifest records it; the page's changes are its own."""
    _, prov = load_scenario(path)
    for key in _leaves(overrides):
        prov[key] = SOURCE
    return prov


def _write_scenario_file(folder: Path, name: str, path: Path, overrides: Mapping[str, Any]) -> Path:
    """A scenario file that extends ``path`` with ``overrides``: what the page ran, rerunnable."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"extends": str(Path(path).resolve()), "name": name, **overrides}
    out = folder / f"{name}.yaml"
    out.write_text(yaml.safe_dump(json.loads(json.dumps(data, default=str)), sort_keys=False))
    return out


Progress = Callable[[float, str], None]


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _free(results: Path, stem: str) -> Path:
    out = Path(results) / stem
    n = 1
    while out.exists():
        n += 1
        out = Path(results) / f"{stem}-{n}"
    return out


def run_compare(base: str | Path, scen: str | Path, texts: Mapping[str, str], settings: Settings,
                results: Path, progress: Progress) -> Path:
    """Compare the baseline with the scenario (levers applied), paired; returns the result folder."""
    from sim.compare import compare, default_runner, write_comparison
    from sim.run import warm_up

    base_scenario, base_over = build(base, {}, settings)
    scenario, scen_over = build(scen, texts, settings)
    name = scenario.name if Path(scen) != Path(base) or not texts else f"{scenario.name}_changed"
    if name == base_scenario.name:
        name = f"{name}_changed"
    out = _free(results, f"compare-{name}-{_stamp()}")
    inputs = Path(results) / ".dashboard-inputs" / out.name
    base_file = _write_scenario_file(inputs, base_scenario.name, Path(base), base_over)
    scen_file = _write_scenario_file(inputs, name, Path(scen), scen_over)
    done = {"runs": 0}
    total = 2 * settings.reps
    one_replication = default_runner()

    def runner(s: Scenario, seed: int):
        """One replication, counted on the page's progress bar."""
        progress(0.1 + 0.8 * done["runs"] / total,
                 f"running {s.name}: replication {done['runs'] % settings.reps + 1} of {settings.reps}")
        result = one_replication(s, seed)
        done["runs"] += 1
        return result

    progress(0.02, "compiling the engine if needed (first run only)")
    warm_up(base_scenario, notice=False)
    comparison = compare(base_file, [scen_file], reps=settings.reps, progress=False, runner=runner)
    progress(0.92, "writing the report")
    write_comparison(comparison, out)
    progress(1.0, "done")
    return out


def run_single(path: str | Path, texts: Mapping[str, str], settings: Settings, results: Path,
               progress: Progress) -> Path:
    """Run one scenario (levers applied) and write it as ``navsim run`` does; returns the folder."""
    from sim.run import run_scenario, warm_up, write_run

    scenario, overrides = build(path, texts, settings)
    out = _free(results, f"{scenario.name}-{_stamp()}")
    progress(0.02, "compiling the engine if needed (first run only)")
    warm_up(scenario, notice=False)
    progress(0.1, f"running {scenario.name} ({scenario.replications} replications)")
    result = run_scenario(scenario, workers=min(scenario.replications, 2))
    progress(0.9, "writing the results")
    write_run(result, scenario, _provenance(path, overrides), out)
    progress(1.0, "done")
    return out


# --------------------------------------------------------------------------- result folders

@dataclass
class Result:
    """A result folder as the page shows it."""

    folder: Path
    kind: str  # "compare" or "run"
    title: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    images: dict[str, Path] = field(default_factory=dict)


def list_results(results: Path) -> list[Path]:
    """Result folders of ``navsim run`` or ``compare`` under ``results``, newest first."""
    root = Path(results)
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
             and ((p / "effects.csv").exists() or (p / "summary.json").exists())]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def _effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    from sim.outcomes import OUTCOMES

    order = {o: i for i, o in enumerate(KEY_OUTCOMES)}
    table = effects.assign(label=[OUTCOMES[o].label if o in OUTCOMES else o for o in effects["outcome"]])
    table = table.assign(_o=[order.get(o, len(order)) for o in table["outcome"]]).sort_values(
        ["scenario", "_o"], kind="stable").drop(columns="_o")
    cols = ["scenario", "outcome", "label", "baseline_mean", "scenario_mean", "effect_mean", "effect_low",
            "effect_high", "unit", "excludes_zero", "replications"]
    return table[[c for c in cols if c in table.columns]].reset_index(drop=True)


def shown_effects(effects: pd.DataFrame) -> pd.DataFrame:
    """Effects as a reader takes them in: costs in MNOK, percent differences in points, 4 digits."""
    from sim.plots import display_unit, effect_unit

    rows = []
    for _, row in effects.iterrows():
        _, factor = display_unit(str(row["unit"]))
        rows.append({"scenario": row["scenario"], "outcome": row["label"],
                     "effect": row["effect_mean"] / factor, "low (5 %)": row["effect_low"] / factor,
                     "high (95 %)": row["effect_high"] / factor, "unit": effect_unit(str(row["unit"])),
                     "baseline": row["baseline_mean"] / factor})
    return pd.DataFrame(rows).round(4)


def open_result(folder: str | Path) -> Result:
    """Read a result folder; an :class:`InputError` if it is not one navsim wrote."""
    folder = Path(folder)
    if (folder / "effects.csv").exists():
        effects = _effects_table(pd.read_csv(folder / "effects.csv"))
        meta = json.loads((folder / "comparison.json").read_text()) if (folder / "comparison.json").exists() \
            else {}
        notes = [f"{meta.get('replications', '?')} paired replications, scale {meta.get('scale', '?')}, "
                 f"baseline {meta.get('baseline', {}).get('name', '?')}"]
        for s in meta.get("scenarios", []):
            for c in s.get("changes", []):
                start = f" from {c['start']}" if c.get("start") else ""
                notes.append(f"{s['name']}: {c['key']} {c['baseline']} → {c['scenario']}{start}")
            cpp = s.get("cost_per_extra_person_nok")
            notes.append(f"{s['name']}: cost per extra person in work or education: "
                         + ("n/a (no extra persons)" if cpp is None else f"NOK {cpp:,.0f}".replace(",", " ")))
        tables = {"effects": effects}
        if (folder / "outcomes_by_replication.csv").exists():
            tables["outcomes_by_replication"] = pd.read_csv(folder / "outcomes_by_replication.csv")
        if (folder / "effects_by_county.csv").exists():
            tables["effects_by_county"] = pd.read_csv(folder / "effects_by_county.csv")
        images = {k: folder / "plots" / f"{k}.png" for k in ("stocks", "effects")
                  if (folder / "plots" / f"{k}.png").exists()}
        return Result(folder, "compare", folder.name, tables, notes, images)
    if (folder / "summary.json").exists():
        summary = json.loads((folder / "summary.json").read_text())
        rows = [{"outcome": k, **{c: v.get(c) for c in ("label", "mean", "low", "high", "unit") if c in v}}
                for k, v in summary.get("outcomes", {}).items() if isinstance(v, Mapping)]
        images = {p.stem: p for p in sorted((folder / "plots").glob("*.png"))}
        tables = {"outcomes": pd.DataFrame(rows)}
        if (folder / "by_county.csv").exists():
            tables["by_county"] = pd.read_csv(folder / "by_county.csv")
        return Result(folder, "run", folder.name, tables, [], images)
    raise InputError(folder, None, "not a result folder of navsim run or compare")


def to_csv(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode()


def to_xlsx(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """All tables of a result in one workbook, a sheet each (openpyxl)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in tables.items():
            table.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
