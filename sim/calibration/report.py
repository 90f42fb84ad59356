"""The fit report: before/after per target, the parameters, pass shares, plots.

Works on plain tables (no Optuna), saved next to the report as CSV and JSON, so the report
can be rendered again from a finished study directory with :func:`render` without running
anything.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.calibration import plots
from sim.report import fmt_number, percent
from sim.results import atomic_write_bytes, atomic_write_json

REPORT = "fit_report.md"
_FILES = {"before": "fit_before.csv", "after": "fit_after.csv", "parameters": "parameters.csv",
          "history": "trials.csv", "meta": "report_meta.json"}
PARAMETER_COLUMNS = ["path", "prior", "calibrated", "low", "high", "log", "prior_dist", "evidence", "note"]


@dataclass
class ReportData:
    """Everything the report shows.

    ``before``/``after``: comparison tables (one row per compared value, as from
    ``sim.validate.evaluate``) for the prior and the calibrated parameters. ``parameters``:
    :data:`PARAMETER_COLUMNS`. ``history``: one row per trial (``number``, ``state``,
    ``objective``, ``loss``, ``pass_share``, ...). ``meta``: settings and the summary
    figures ``fit_before`` and ``fit_after`` (loss, penalty, objective, pass_share, ...).
    """

    before: pd.DataFrame
    after: pd.DataFrame
    parameters: pd.DataFrame
    history: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)


def save(data: ReportData, out: Path) -> None:
    for name in ("before", "after", "parameters", "history"):
        frame: pd.DataFrame = getattr(data, name)
        atomic_write_bytes(out / _FILES[name], frame.to_csv(index=False).encode())
    atomic_write_json(out / _FILES["meta"], data.meta)


def load(out: Path) -> ReportData:
    text = {"path": str, "prior_dist": str, "evidence": str, "note": str}
    frames = {name: pd.read_csv(out / _FILES[name], dtype=text if name == "parameters" else None)
              for name in ("before", "after", "parameters", "history")}
    for column in ("evidence", "note"):
        frames["parameters"][column] = frames["parameters"][column].fillna("")
    meta = json.loads((out / _FILES["meta"]).read_text())
    return ReportData(meta=meta, **frames)


def write(data: ReportData, out: Path) -> Path:
    """Save the inputs, the markdown report and the three plots into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    save(data, out)
    plots.fit_before_after(data.before, data.after, out / "fit_before_after.png")
    plots.convergence(data.history, out / "convergence.png")
    plots.parameters(data.parameters, out / "parameters.png")
    atomic_write_bytes(out / REPORT, markdown(data).encode("utf-8"))
    return out / REPORT


def render(out: Path) -> Path:
    """Rewrite the report and plots from the tables a previous calibration saved in ``out``."""
    return write(load(Path(out)), Path(out))


def _num(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return fmt_number(float(x))


def _pct(x: Any) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else percent(float(x))


def _verdict(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return "pass" if bool(x) else "**FAIL**"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return out


def compare_tables(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """One row per compared value with the prior and the calibrated simulation side by side."""
    keep = ["id", "target_id", "category", "metric", "family", "observed", "tol_abs", "simulated", "pass"]
    b = before[[c for c in keep if c in before]]
    a = after[[c for c in ("id", "simulated", "pass") if c in after]]
    # A left join keeps the targets file's order (an outer join would sort the ids).
    return b.merge(a, on="id", how="left", suffixes=("_before", "_after"), sort=False)


def _summary(meta: dict[str, Any]) -> list[str]:
    b, a = meta.get("fit_before", {}), meta.get("fit_after", {})
    rows = [
        ["targets passing", f"{_pct(b.get('pass_share'))} ({b.get('n_pass', '–')}/{b.get('n_targets', '–')})",
         f"{_pct(a.get('pass_share'))} ({a.get('n_pass', '–')}/{a.get('n_targets', '–')})"],
        ["compared values passing", _pct(b.get("value_pass_share")), _pct(a.get("value_pass_share"))],
        ["loss", _num(b.get("loss")), _num(a.get("loss"))],
        ["prior penalty", _num(b.get("penalty")), _num(a.get("penalty"))],
        ["objective", _num(b.get("objective")), _num(a.get("objective"))],
    ]
    first = "prior parameters" if not meta.get("start") else f"start ({meta['start']})"
    return _table(["", first, "calibrated"], rows)


def markdown(data: ReportData) -> str:
    m = data.meta
    finished = int((data.history["state"] == "complete").sum()) if not data.history.empty else 0
    failed = int(((data.history["state"] == "fail") & ~data.history["interrupted"].astype(bool)).sum()) \
        if not data.history.empty else 0
    lines = [
        "# Calibration fit report", "",
        f"Written {m.get('date', '')}. Targets: `{m.get('targets', '')}`; scenario: "
        f"`{m.get('scenario', '')}`; config: `{m.get('config', '')}`; calibrated layer: "
        f"`{m.get('write', '')}`.", "",
        f"Each trial ran at scale {m.get('scale')} with {m.get('replications')} replication(s), seed "
        f"{m.get('seed')} (the same for every trial), period end "
        f"{m.get('period_end') or 'as in the scenario'}.",
        f"{finished} trials completed, {failed} failed; the best is trial {m.get('best_trial')}. "
        "The prior-parameter column is the scenario as given; both columns use the same seed.", "",
        "Objective = loss + prior_weight × prior penalty, with loss the weighted mean of capped "
        "squared normalised errors over all compared values (`sim.validate.loss`) and the prior "
        f"penalty the mean of z²/2 over the free parameters (prior_weight = {m.get('prior_weight')}).",
        "", "## Summary", "", *_summary(m), "",
        "Figures: `fit_before_after.png` (normalised error per target), `convergence.png` "
        "(best objective so far by trial), `parameters.png` (calibrated values within their bounds).",
        "", "## Parameters", "",
    ]
    rows = []
    for r in data.parameters.to_dict("records"):
        rows.append([f"`{r['path']}`", _num(r["prior"]), _num(r["calibrated"]),
                     f"[{_num(r['low'])}, {_num(r['high'])}]{' log' if bool(r['log']) else ''}",
                     str(r["prior_dist"]), f"`{r['evidence']}`" if r["evidence"] else "assumption",
                     str(r["note"] or "")])
    lines += _table(["parameter", "prior value", "calibrated", "bounds", "prior", "evidence", "note"], rows)
    lines += ["", "## Targets", "",
              "Tolerance is the largest |simulated − observed| that passes.", ""]
    merged = compare_tables(data.before, data.after)
    families = merged["family"].fillna("other") if "family" in merged else pd.Series("all", merged.index)
    for family in dict.fromkeys(families):
        part = merged[families == family]
        lines += [f"### {family}", ""]
        rows = []
        for r in part.to_dict("records"):
            label = str(r.get("target_id", r["id"]))
            cat = r.get("category")
            if isinstance(cat, str) and cat:
                label += f" [{cat}]"
            rows.append([label, _num(r.get("observed")), _num(r.get("simulated_before")),
                         _num(r.get("simulated_after")), "±" + _num(r.get("tol_abs")),
                         _verdict(r.get("pass_before")), _verdict(r.get("pass_after"))])
        lines += _table(["target", "observed", "prior sim.", "calibrated sim.", "tolerance",
                         "before", "after"], rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
