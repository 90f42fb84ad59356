"""The report's "By county" section: the headline share's effect in each county, from a
hand-made effects table and effects-by-county table (no simulation runs)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from sim.comparison import Comparison, ScenarioRun
from sim.effects import EFFECT_COLUMNS
from sim.report import COUNTY_OUTCOME, write_report

NAN = math.nan


def _row(**values: object) -> dict[str, object]:
    return {"baseline_mean": 40.0, "scenario_mean": 41.0, "replications": 4, "draws": 1,
            "parameter_share": 0.0, **values}


def _run(label: str) -> ScenarioRun:
    # the report reads a scenario's period and description only
    scenario = SimpleNamespace(name=label, description=f"The {label} scenario.",
                               period=SimpleNamespace(start=dt.date(2024, 1, 1), end=dt.date(2026, 12, 31)))
    return ScenarioRun(label=label, path=Path(f"scenarios/{label}.yaml"), scenario=scenario, resolved={},
                       table=pd.DataFrame(), weekly=pd.DataFrame())


def _comparison(by_county: pd.DataFrame | None) -> Comparison:
    labels = ("cap50", "no_rows")
    effects = pd.DataFrame([
        _row(scenario=label, outcome=outcome, effect_mean=1.0, effect_low=0.5, effect_high=1.5, unit=unit,
             excludes_zero=True)
        for label in labels
        for outcome, unit in (("work_or_education_12m", "percent"), ("days_in_work_2y", "days"))])
    return Comparison(base=_run("baseline"), scenarios=[_run(label) for label in labels],
                      effects=effects[EFFECT_COLUMNS], changes={label: [] for label in labels},
                      cost_per_person=dict.fromkeys(labels), payback_months=dict.fromkeys(labels),
                      reps=4, seed=1, scale=0.01, effects_by_county=by_county)


def _by_county() -> pd.DataFrame:
    """Rows for ``cap50`` only, in the file's county order (not alphabetical)."""
    rows = [
        _row(county="oslo", effect_mean=2.5, effect_low=1.2, effect_high=3.8, excludes_zero=True),
        _row(county="rogaland", effect_mean=-0.4, effect_low=-1.9, effect_high=1.1, excludes_zero=False),
        _row(county="more_og_romsdal", effect_mean=-3.0, effect_low=-5.5, effect_high=-1.25,
             excludes_zero=True),
        # none of the county's youths in the cohort in any run: empty shares, difference 0
        _row(county="finnmark", baseline_mean=NAN, scenario_mean=NAN, effect_mean=0.0, effect_low=0.0,
             effect_high=0.0, excludes_zero=False),
    ]
    frame = pd.DataFrame([{**r, "scenario": "cap50", "outcome": COUNTY_OUTCOME, "unit": "percent"}
                          for r in rows])
    other = _row(scenario="cap50", county="oslo", outcome="entrants_per_year", effect_mean=123.0,
                 effect_low=100.0, effect_high=150.0, unit="persons per year (national)", excludes_zero=True)
    frame = pd.concat([frame, pd.DataFrame([other])], ignore_index=True)
    frame.insert(1, "county", frame.pop("county"))
    return frame[["scenario", "county", *[c for c in EFFECT_COLUMNS if c != "scenario"]]]


def _section(text: str, scenario: str) -> str:
    """The "By county" section of a scenario, in report.md or (``<code>``) report.html."""
    name = f"`{scenario}`" if f"Scenario `{scenario}`" in text else f"<code>{scenario}</code>"
    part = text.split(f"Scenario {name}", 1)[1]
    return part.split("By county", 1)[1].split("When the lever started")[0].split("Cost")[0]


def test_the_report_shows_the_headline_effect_county_by_county(tmp_path: Path) -> None:
    assert COUNTY_OUTCOME == "work_or_education_12m"
    write_report(_comparison(_by_county()), tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert md.count("### By county") == 2  # one per scenario

    section = _section(md, "cap50")
    assert "| County | Effect (percentage points) | 90 % interval | Sure? |" in section
    oslo = "| `oslo` | +2.50 | +1.20 to +3.80 | yes: excludes 0 |"
    rogaland = "| `rogaland` | -0.400 | -1.90 to +1.10 | no: includes 0 |"
    more = "| `more_og_romsdal` | -3.00 | -5.50 to -1.25 | yes: excludes 0 |"
    finnmark = "| `finnmark` | n/a | n/a | none of its youths in the cohort |"
    for line in (oslo, rogaland, more, finnmark):
        assert line in section, line
    # the file's county order, not sorted by name; only the headline outcome
    assert section.index(oslo) < section.index(rogaland) < section.index(more) < section.index(finnmark)
    assert section.count("| `") == 4 and "123" not in section

    # a scenario without rows says so instead of showing zeros
    missing = _section(md, "no_rows")
    assert "not available" in missing and "no rows on `work_or_education_12m` for this scenario" in missing
    assert "| `" not in missing

    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    html_section = _section(page, "cap50")
    assert "<h3>By county</h3>" in page
    # a clear rise in the share is better for the users, a clear fall worse
    assert '<td><code>oslo</code></td><td class="good">+2.50</td><td>+1.20 to +3.80</td>' in html_section
    assert '<td><code>more_og_romsdal</code></td><td class="bad">-3.00</td>' in html_section
    assert "<td><code>rogaland</code></td><td>-0.400</td>" in html_section
    assert "none of its youths in the cohort" in html_section
    assert "not available" in _section(page, "no_rows")


def test_a_comparison_without_results_by_county_says_so(tmp_path: Path) -> None:
    write_report(_comparison(None), tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    for scenario in ("cap50", "no_rows"):
        section = _section(md, scenario)
        assert "not available" in section and "no results by county" in section
        assert "| `" not in section and "+0" not in section
