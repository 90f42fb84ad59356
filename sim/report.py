"""The comparison report, as Markdown and as one self-contained HTML file.

The report is for readers who will not open the code: for each scenario, what was changed
and from when, the effect on each outcome with its 90 % interval (the headline share also
county by county), how sure we are, and what it costs. Both formats come from one list of
blocks, so they never disagree; the HTML embeds its figures as base64 PNGs and can be mailed
as a single file. The Markdown refers to the same figures in ``plots/``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.effects import GROSS, NET, NET_PER_PERSON, PERSONS_OUTCOME, PRICE_ROWS, SAVINGS, label_of
from sim.outcomes import OUTCOMES, for_users
from sim.plots import display_unit, effect_unit, plot_effects, plot_stock_comparison

if TYPE_CHECKING:
    from sim.comparison import Comparison
    from sim.scenario.changes import Change

#: Outcomes shown in each scenario's headline sentence.
HEADLINE = ("work_or_education_12m", "days_in_work_2y")
#: The headline outcome each scenario's section also shows by county: the share that
#: ``sim.counties`` counts county by county (``effects_by_county.csv``).
COUNTY_OUTCOME = HEADLINE[0]


# --------------------------------------------------------------------------- document model

@dataclass(frozen=True)
class Block:
    """One piece of the report: heading, paragraph, bullet list, table or image."""

    kind: str
    content: Any
    level: int = 2


class Document:
    """Blocks in reading order, rendered to Markdown or HTML."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(Block("heading", text, level))

    def para(self, text: str) -> None:
        self.blocks.append(Block("para", text))

    def bullets(self, items: list[str]) -> None:
        self.blocks.append(Block("bullets", items))

    def table(self, header: list[str], rows: list[list[str]], tones: list[list[str]] | None = None) -> None:
        """A table; ``tones`` (as ``rows``) marks cells ``good`` or ``bad`` for the users,
        coloured in HTML."""
        self.blocks.append(Block("table", (header, rows, tones)))

    def image(self, path: Path, alt: str) -> None:
        self.blocks.append(Block("image", (path, alt)))

    def markdown(self, base: Path) -> str:
        out: list[str] = []
        for b in self.blocks:
            if b.kind == "heading":
                out.append(f"{'#' * b.level} {b.content}")
            elif b.kind == "para":
                out.append(b.content)
            elif b.kind == "bullets":
                out.append("\n".join(f"- {item}" for item in b.content))
            elif b.kind == "table":
                header, rows, _ = b.content
                lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
                out.append("\n".join(lines))
            elif b.kind == "image":
                path, alt = b.content
                out.append(f"![{alt}]({path.relative_to(base).as_posix()})")
            out.append("")
        return "\n".join(out)

    def html(self, title: str) -> str:
        body: list[str] = []
        for b in self.blocks:
            if b.kind == "heading":
                body.append(f"<h{b.level}>{_inline(b.content)}</h{b.level}>")
            elif b.kind == "para":
                body.append(f"<p>{_inline(b.content)}</p>")
            elif b.kind == "bullets":
                body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b.content) + "</ul>")
            elif b.kind == "table":
                header, rows, tones = b.content
                tones = tones or [[""] * len(row) for row in rows]
                head = "".join(f"<th>{_inline(h)}</th>" for h in header)
                cells = "".join(
                    "<tr>" + "".join(f'<td class="{t}">{_inline(c)}</td>' if t else f"<td>{_inline(c)}</td>"
                                     for c, t in zip(row, marks, strict=True)) + "</tr>"
                    for row, marks in zip(rows, tones, strict=True))
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")
            elif b.kind == "image":
                path, alt = b.content
                data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
                body.append(f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
                            f"<figcaption>{html.escape(alt)}</figcaption></figure>")
        return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n<body>\n"
                + "\n".join(body) + "\n</body></html>\n")


_CSS = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
        "line-height:1.45;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
        "th,td{border:1px solid #ccc;padding:3px 7px;text-align:left}th{background:#f0f0f0}"
        "td:nth-child(n+3){text-align:right;white-space:nowrap}img{max-width:100%}"
        "code{background:#f4f4f4;padding:0 3px}figcaption{font-size:0.85em;color:#555}"
        "td.good{background:#dff2df}td.bad{background:#f8dede}")


def _inline(text: str) -> str:
    """Escape text and turn Markdown's `code` and **bold** into HTML."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


# --------------------------------------------------------------------------- formatting

def fmt_number(value: float, signed: bool = False) -> str:
    """A number for people: thousands separated, three significant digits below 1000."""
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{sign}{value:,.0f}".replace(",", " ")
    digits = max(0, 2 - int(math.floor(math.log10(abs(value)))))
    return f"{sign}{value:.{digits}f}"


def percent(share: float) -> str:
    """A share (of targets passing) as a percentage with one decimal, cut rather than rounded, so that a
    share just under a goal (160 of 189 against 85 %) never reads as the goal."""
    return f"{math.floor(round(share * 1000, 6)) / 10:.1f} %"


def fmt_value(value: Any) -> str:
    """A scenario value for the 'what changed' list."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def change_line(change: Change) -> str:
    """``key``: before → after, from <date>."""
    if change.start is not None:
        when = f"from {change.start}"
    elif change.has_start:
        when = "from the start of the simulation (no start date set)"
    else:
        when = "throughout the run (not a dated lever)"
    return f"`{change.key}`: {fmt_value(change.before)} → {fmt_value(change.after)}, {when}"


def _bound(value: float, factor: float) -> str:
    if value == math.inf:
        return "unbounded"
    return fmt_number(value / factor, True)


def _interval(row: pd.Series, factor: float) -> str:
    return f"{_bound(row['effect_low'], factor)} to {_bound(row['effect_high'], factor)}"


def interval_sources(comparison: Comparison) -> str:
    """What an interval holds, for every label."""
    return "chance and parameters" if comparison.draws else "chance only"


def runs_text(comparison: Comparison) -> str:
    if comparison.draws:
        return (f"{comparison.draws} posterior draws x {comparison.reps} paired replications each "
                f"({comparison.draws * comparison.reps} runs per scenario)")
    return f"{comparison.reps} paired replications at the central parameter values"


def _share_text(comparison: Comparison, row: pd.Series) -> str:
    """How much of the effect's variance is parameter uncertainty and how much chance."""
    if not comparison.draws:
        return "parameter uncertainty not included"
    share = row.get("parameter_share", math.nan)
    if not math.isfinite(share):
        return "the split between parameters and chance is unknown (one replication per draw)"
    return (f"{100 * share:.0f} % of its variance from parameter uncertainty, "
            f"{100 * (1 - share):.0f} % from chance")


def _months(months: float | None) -> str:
    return "not within the measured window" if months is None else f"{months:.0f} months"


def _sure(row: pd.Series) -> str:
    if row["effect_low"] == 0 and row["effect_high"] == 0 and row["effect_mean"] == 0:
        return "no effect"
    return "yes: excludes 0" if row["excludes_zero"] else "no: includes 0"


# --------------------------------------------------------------------------- content

def _window_text(comparison: Comparison) -> str:
    period = comparison.base.scenario.period
    start = comparison.window_start or period.start.isoformat()
    return f"{start} to {period.end}"


def _window(comparison: Comparison, period) -> str:
    if comparison.window_start:
        return (f"Outcomes are measured from {comparison.window_start} (when the first changed lever "
                f"starts) to {period.end}")
    return f"Outcomes cover the period {period.start} to {period.end}"


def _intro(doc: Document, comparison: Comparison) -> None:
    from sim.comparison import shown_path

    cal = comparison.calendar
    base = comparison.base
    period = base.scenario.period
    doc.heading(f"Policy comparison against {base.label}", 1)
    doc.para(f"Baseline `{base.label}` ({shown_path(base.path)}) against "
             f"{', '.join(f'`{s.label}`' for s in comparison.scenarios)}. {runs_text(comparison)} "
             f"at scale {comparison.scale:g} "
             f"(the simulated share of the national population), seed {comparison.seed}. "
             f"{_window(comparison, period)}; national figures are "
             "simulated counts divided by the scale.")
    doc.para(f"**What the intervals hold.** {interval_sources(comparison).capitalize()}. " + (
        "Each scenario ran at the same parameter sets drawn from the calibration's posterior, so "
        "the interval spans both what chance does in one run and what the evidence leaves "
        "uncertain about the parameters; per headline effect the report says how much of its "
        "variance comes from the parameters. An effect is called clear only when this combined "
        "interval excludes 0." if comparison.draws else
        "Every run used the central parameter values: the interval is chance only and says "
        "nothing about how uncertain the parameters are (`--draws K` adds that)."))
    doc.para("**How to read the effects.** Every scenario runs with the baseline's seeds, so "
             "replication r of a scenario and of the baseline meet the same youths and the same "
             "chance events until the policy makes them differ (common random numbers). The effect "
             "is the difference scenario − baseline in each replication; the report gives its mean "
             "and a 90 % interval (the 5th to 95th percentiles of the paired differences). When "
             "the interval excludes 0 the sign of the effect is clear at these replications; when "
             "it includes 0 the run cannot tell the effect from chance. Shares are in percent, so "
             "their effects are in percentage points. Outcomes are measured from when the first "
             "changed lever starts, so the unchanged years before it do not dilute the effect "
             "(`navsim compare --from DATE` sets another start).")
    if comparison.reps < 20:
        doc.para(f"With {comparison.reps} replications the 5 % and 95 % points lie between the "
                 "smallest and largest paired differences, so treat the intervals as rough; more "
                 "replications (`--reps`) narrow them.")
    if cal is not None:
        doc.para(f"Simulated weeks: {cal.n_weeks} from {cal.sim_start} (burn-in before the period "
                 "included in the event log, not in the outcomes).")


def _overview(doc: Document, comparison: Comparison) -> None:
    """One line per scenario: its lever, the headline effects and the price."""
    doc.heading("Overview", 2)
    header = ["Scenario", "Changed", *[f"{OUTCOMES[o].label} ({effect_unit(OUTCOMES[o].unit)})"
                                       for o in HEADLINE],
              "Extra persons in work or education (per year)", "Gross cost (MNOK per year)",
              "Savings (MNOK per year)", "Net cost (MNOK per year)",
              "Net cost per extra person in work or education (NOK)", "Savings repay the cost after"]
    rows, tones = [], []
    for run in comparison.scenarios:
        effects = comparison.effects[comparison.effects["scenario"] == run.label].set_index("outcome")
        changed = ", ".join(f"`{c.key}`" for c in comparison.changes[run.label]) or "nothing"
        cells = [f"`{run.label}`", changed]
        tones.append(["", ""])
        for outcome in (*HEADLINE, PERSONS_OUTCOME, GROSS, SAVINGS, NET, NET_PER_PERSON):
            if outcome not in effects.index:
                cells.append("n/a")
                tones[-1].append("")
                continue
            row = effects.loc[outcome]
            tones[-1].append(tone(outcome, row))
            _, factor = display_unit(row["unit"])
            mark = " *" if row["excludes_zero"] else ""
            relative = _relative(row) if outcome in HEADLINE else ""
            cells.append(f"{fmt_number(row['effect_mean'] / factor, True)}{relative} "
                         f"({_interval(row, factor)}){mark}")
        cells.append(_months(comparison.payback_months[run.label]))
        tones[-1].append("")
        rows.append(cells)
    doc.table(header, rows, tones)
    doc.para("Effects are means of scenario − baseline over paired runs, with the 90 % "
             "interval in brackets; * marks an interval that excludes 0; [x %] is the effect in "
             "percent of the baseline's mean. In report.html a clear effect is green where it is "
             "better for the young users and red where it is worse. Costs are national, per "
             "year of the measured window; savings are benefits no longer paid.")


#: Weekly stocks shown around a lever's start: (variable, category, what it is).
START_STOCKS = (("advisor_waiting", "", "youths waiting for a veileder"),
                ("hired_advisors", "", "youth veiledere hired under a cap"),
                ("portfolio_mean", "youth", "mean portefølje of youth veiledere (users)"))
#: Weeks after the start at which the stocks are shown (0: the start week itself).
START_WEEKS = (0, 4, 13, 52)


def _lever_start(doc: Document, comparison: Comparison, run) -> None:  # noqa: ANN001
    """What happened when the first changed lever started: the stocks that show a lever's
    shock (youths waiting, advisors hired, portfolios) in the week before and after, in the
    scenario and the baseline (national figures, means over runs)."""
    from sim.plots import weekly_series

    cal = comparison.calendar
    starts = sorted(c.start for c in comparison.changes[run.label] if c.start is not None)
    if cal is None or not starts:
        return
    start = cal.first_week_from(starts[0])  # the week the lever first acts
    weeks = [start - 1, *(start + k for k in START_WEEKS)]
    weeks = [w for w in weeks if cal.first_week <= w < cal.n_weeks]
    rows = []
    for variable, category, what in START_STOCKS:
        national = variable != "portfolio_mean"
        for name, weekly in (("baseline", comparison.base.weekly), (run.label, run.weekly)):
            table = weekly_series(weekly, variable, cal.first_week).get(category)
            if table is None:
                continue
            means = table.mean(axis=1) / (comparison.scale if national else 1.0)
            rows.append([what, f"`{name}`", *(fmt_number(float(means.get(w, math.nan))) for w in weeks)])
    if not rows:
        return
    doc.heading("When the lever started", 3)
    doc.para(f"The first lever starts on {starts[0]} and acts from the week of {cal.date_of(start)}. "
             "Stocks in the week before it and in the weeks "
             "after (national figures for youths and veiledere, means over the runs):")
    header = ["Stock", "Run", *("week before" if w < start else f"week {w - start}" for w in weeks)]
    doc.table(header, rows)


def tone(outcome: str, row: pd.Series) -> str:
    """``good`` or ``bad`` for the young users when the effect on ``outcome`` is clear (its
    interval excludes 0) and one direction is theirs (``sim.outcomes.for_users``), else ``""``."""
    if not row["excludes_zero"]:
        return ""
    return {1: "good", -1: "bad", 0: ""}[for_users(outcome, row["effect_mean"])]


def _relative(row: pd.Series) -> str:
    """The effect as a percentage of the baseline's mean, `` [+1.2 %]``; empty where the
    baseline is 0 (a percentage of nothing means nothing)."""
    base = row["baseline_mean"]
    if not math.isfinite(base) or base == 0:
        return ""
    return f" [{fmt_number(100.0 * row['effect_mean'] / abs(base), True)} %]"


def _scenario_section(doc: Document, comparison: Comparison, label: str) -> None:
    from sim.comparison import shown_path

    run = next(r for r in comparison.scenarios if r.label == label)
    effects = comparison.effects[comparison.effects["scenario"] == label].set_index("outcome")
    doc.heading(f"Scenario `{label}`", 2)
    if run.scenario.description.strip():
        doc.para(" ".join(run.scenario.description.split()))
    doc.para(f"File: `{shown_path(run.path)}`.")
    changes = comparison.changes[label]
    doc.heading("What was changed", 3)
    if changes:
        doc.bullets([change_line(c) for c in changes])
    else:
        doc.para("Nothing: the resolved scenario equals the baseline apart from its name.")

    doc.heading("Effect", 3)
    measured = effects.drop(index=NET_PER_PERSON, errors="ignore")  # a ratio: n/a when nothing changes
    all_zero = bool(((measured["effect_low"] == 0) & (measured["effect_high"] == 0)
                     & (measured["effect_mean"] == 0)).all())
    if all_zero:
        doc.para(f"Every outcome is identical to the baseline in all {comparison.reps} replications: "
                 "in this model the change has no effect (for example a cap that never binds).")
    sentences = []
    for outcome in HEADLINE:
        if outcome not in effects.index:
            continue
        row = effects.loc[outcome]
        unit, factor = display_unit(row["unit"])
        sure = ("clear: the interval excludes 0" if row["excludes_zero"]
                else "not clear: the interval includes 0")
        sentences.append(f"{OUTCOMES[outcome].label}: {fmt_number(row['effect_mean'] / factor, True)} "
                         f"{effect_unit(row['unit'])} (90 % interval, {interval_sources(comparison)}, "
                         f"{_interval(row, factor)}; {sure}; {_share_text(comparison, row)}).")
    if sentences and not all_zero:
        doc.para(" ".join(sentences))
    doc.para(f"How sure: {runs_text(comparison)}; "
             f"{int(effects['excludes_zero'].sum())} of {len(effects)} outcomes have an interval "
             "that excludes 0.")
    rows, tones = [], []
    for outcome, row in effects.iterrows():
        unit, factor = display_unit(row["unit"])
        verdict = tone(outcome, row)
        rows.append([label_of(outcome), unit,
                     fmt_number(row["baseline_mean"] / factor), fmt_number(row["scenario_mean"] / factor),
                     fmt_number(row["effect_mean"] / factor, True), _interval(row, factor), _sure(row),
                     {"good": "better", "bad": "worse"}.get(verdict, "")])
        tones.append(["", "", "", "", verdict, "", "", verdict])
    doc.table(["Outcome", "Unit", "Baseline", "Scenario", "Effect", "90 % interval", "Sure?",
               "For the users"], rows, tones)

    _by_county(doc, comparison, label)
    _lever_start(doc, comparison, run)

    doc.heading("Cost", 3)
    _cost_section(doc, comparison, label, effects)


def _by_county(doc: Document, comparison: Comparison, label: str) -> None:
    """The effect on :data:`COUNTY_OUTCOME` in each county (fylke), in the order of
    ``effects_by_county.csv``; where the comparison has no such rows for the scenario the
    section says so rather than showing zeros."""
    doc.heading("By county", 3)
    name = OUTCOMES[COUNTY_OUTCOME].label
    table = comparison.effects_by_county
    if table is None:
        doc.para(f"{name} by county: not available. This comparison has no results by county "
                 "(`effects_by_county.csv` is left out, for example when the baseline's runs come "
                 "from a comparison made before it existed, `--baseline-from`).")
        return
    chosen = table[(table["scenario"] == label) & (table["outcome"] == COUNTY_OUTCOME)]
    if chosen.empty:
        doc.para(f"{name} by county: not available. `effects_by_county.csv` has no rows on "
                 f"`{COUNTY_OUTCOME}` for this scenario.")
        return
    rows, tones = [], []
    for _, row in chosen.iterrows():
        county = f"`{row['county']}`"
        if not (math.isfinite(row["baseline_mean"]) or math.isfinite(row["scenario_mean"])) \
                or not math.isfinite(row["effect_mean"]):
            rows.append([county, "n/a", "n/a", "none of its youths in the cohort"])
            tones.append(["", "", "", ""])
            continue
        _, factor = display_unit(row["unit"])
        rows.append([county, fmt_number(row["effect_mean"] / factor, True), _interval(row, factor),
                     _sure(row)])
        tones.append(["", tone(COUNTY_OUTCOME, row), "", ""])
    doc.para(f"{name}, scenario − baseline in each county (fylke; a youth's county is their "
             f"office's), with the 90 % interval ({interval_sources(comparison)}). A county has "
             "fewer youths than the country, so its interval is wider: a clear national effect "
             "need not be clear in every county.")
    doc.table(["County", f"Effect ({effect_unit(chosen['unit'].iloc[0])})", "90 % interval", "Sure?"],
              rows, tones)


def _cost_section(doc: Document, comparison: Comparison, label: str, effects: pd.DataFrame) -> None:
    """Gross cost, savings, net cost and its price per extra person, each with its interval."""
    lines = []
    for name in (GROSS, SAVINGS, NET):
        if name in effects.index:
            row = effects.loc[name]
            lines.append(f"{PRICE_ROWS[name][0]}: {fmt_number(row['effect_mean'] / 1e6, True)} MNOK per "
                         f"year (90 % interval {_interval(row, 1e6)} MNOK)")
    if lines:
        doc.bullets(lines)
        doc.para(f"National, per year of the measured window ({_window_text(comparison)}). "
                 f"Savings repay the cost after: **{_months(comparison.payback_months[label])}** "
                 "(counted from the window's start, on the mean cost and savings week by week).")
    cpp = comparison.cost_per_person[label]
    if cpp is None:
        doc.para("Net cost per extra person in work or education 12 months after registration: **n/a** "
                 "(the scenario does not raise the number of persons in work or education).")
        return
    saving = " (the scenario saves money while raising the number)" if cpp < 0 else ""
    persons = effects.loc["work_or_education_12m_persons"]
    interval = (f" (90 % interval {_interval(effects.loc[NET_PER_PERSON], 1.0)})"
                if NET_PER_PERSON in effects.index else "")
    caveat = ("" if persons["excludes_zero"] else
              " The effect on the number of persons has an interval that includes 0, so this "
              "price is uncertain: it may be far higher, or there may be no gain to buy.")
    doc.para(f"Net cost per extra person in work or education 12 months after registration: "
             f"**NOK {fmt_number(cpp)}**{interval}{saving}. This is the net cost per year divided by "
             f"the extra persons per year (national); the interval is that of the ratio run by run, "
             f"unbounded where a run has no extra person.{caveat}")


def _definitions(doc: Document, effects: pd.DataFrame) -> None:
    doc.heading("Definitions", 2)
    present = set(effects["outcome"])
    doc.bullets([f"**{o.label}** ({o.unit}): {o.definition}" for name, o in OUTCOMES.items()
                 if name in present])
    doc.bullets([
        f"**{PRICE_ROWS[GROSS][0]}**: (scenario − baseline) `cost_services` per year.",
        f"**{PRICE_ROWS[SAVINGS][0]}**: (baseline − scenario) `cost_benefits` per year.",
        f"**{PRICE_ROWS[NET][0]}**: (scenario − baseline) `cost_total` per year, gross cost − savings.",
        f"**{PRICE_ROWS[NET_PER_PERSON][0]}**: net cost per year ÷ (scenario − baseline) persons in "
        "work or education 12 months after registration per year; n/a when the denominator is not "
        "positive.",
        "**Savings repay the cost after**: the months from the window's start after which the "
        "cumulative savings stay at or above the cumulative gross cost to the window's end."])
    doc.para("All costs are national, per year of the measured window (the same window as the "
             "outcomes). Unit costs come from each scenario's `costs` block, with their sources in "
             "`scenarios/priors.yaml`.")


def build_document(comparison: Comparison, directory: Path) -> Document:
    """The report's blocks; writes its figures into ``directory / 'plots'``."""
    from sim.comparison import KEY_OUTCOMES

    plots = directory / "plots"
    doc = Document()
    _intro(doc, comparison)
    _overview(doc, comparison)
    starts = sorted({dt.date.fromisoformat(c.start) for changes in comparison.changes.values()
                     for c in changes if c.start is not None})
    if comparison.calendar is not None:
        weeklies = {comparison.base.label: comparison.base.weekly}
        weeklies.update({r.label: r.weekly for r in comparison.scenarios})
        stocks = plot_stock_comparison(weeklies, comparison.calendar, comparison.scale,
                                       plots / "stocks.png", starts=starts)
        doc.image(stocks, "Key stocks over time by scenario (mean and 5-95 % band; dotted lines: policy "
                          "start dates)")
    labels = {k: v.label for k, v in OUTCOMES.items()} | {k: v[0] for k, v in PRICE_ROWS.items()}
    effects_png = plot_effects(comparison.effects, KEY_OUTCOMES, labels, plots / "effects.png")
    doc.image(effects_png, "Effects on key outcomes with 90 % intervals (scenario − baseline)")
    for run in comparison.scenarios:
        _scenario_section(doc, comparison, run.label)
    _definitions(doc, comparison.effects)
    return doc


def write_report(comparison: Comparison, directory: Path) -> list[Path]:
    """Write ``report.md``, ``report.html`` and their figures into ``directory``."""
    directory = Path(directory)
    doc = build_document(comparison, directory)
    md = directory / "report.md"
    md.write_text(doc.markdown(directory), encoding="utf-8")
    page = directory / "report.html"
    page.write_text(doc.html(f"Policy comparison against {comparison.base.label}"), encoding="utf-8")
    return [md, page]
