"""Figures of a run and of a comparison, as PNG files (matplotlib's Agg canvas, no display).

A reader should see the shape of a run without opening the tables: the stocks over time,
what the youths do, where they go, how full portfolios are and how contacts per user fall
as portfolios grow. Every figure shows the period only, national counts (simulated ÷ scale)
unless it says otherwise, the mean over replications and, where there are several, the
band between their 5th and 95th percentiles; a run of one replication says that it has no
band. The date a policy lever starts is marked on every time axis, and a portfolio cap is
drawn at the value the scenario sets.

Labels are English, except Nav's own terms, which stay Norwegian as in the rest of the
output: innsatsgruppe and its groups, tiltak, veileder, portefølje, AAP, uføretrygd,
dagpenger, tiltakspenger, sosialhjelp, ungdomsgaranti (:data:`LABELS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim import codes
from sim.calendar import WEEKS_PER_MONTH, Calendar
from sim.results import RunResult
from sim.scenario.schema import AssessmentPolicy, Scenario

#: The 2024 steering letter's goal of about 50 users per youth veileder (Nav's
#: tildelingsbrev 2024), drawn as a reference when the scenario sets no cap.
PORTFOLIO_GOAL = 50
BAND = (0.05, 0.95)
DPI = 110

#: How a code is written on a figure (other codes: underscores become spaces).
LABELS: dict[str, str] = {
    "aap": "AAP", "ufore": "uføretrygd", "ips": "IPS", "email_sms": "e-mail/SMS",
}
#: Veileder roles as panel titles.
ROLE_LABELS = {"youth": "youth veiledere (young users)", "older": "veiledere for older users",
               "both": "veiledere for all ages"}


def label(code: str) -> str:
    """A category code as a reader sees it (``ufore`` -> ``uføretrygd``)."""
    return LABELS.get(code, code.replace("_", " "))


def _assessment_mark(lever: AssessmentPolicy) -> str:
    """The assessment lever's parts that change: accuracy (both shares, as before) and speed."""
    parts = []
    if lever.under_assessment_multiplier != 1.0 or lever.over_assessment_multiplier != 1.0:
        parts.append(f"first §14a too low ×{lever.under_assessment_multiplier:g}, "
                     f"too high ×{lever.over_assessment_multiplier:g}")
    if lever.speed_multiplier != 1.0:
        parts.append(f"group too low raised ×{lever.speed_multiplier:g} as fast")
    return "; ".join(parts)


def lever_starts(scenario: Scenario | None) -> list[tuple[dt.date, str]]:
    """The dated policy levers the scenario sets away from their neutral value, each with a
    short label: the dates a reader should see marked on a time axis.

    A lever without a start date acts from the first week and is not marked. The
    ungdomsgaranti is marked whenever it is on (its start is a date in the history).
    """
    if scenario is None:
        return []
    out: list[tuple[dt.date, str]] = []
    cap = scenario.policy.portfolio_cap
    if cap.youth is not None and cap.start is not None:
        out.append((cap.start, f"cap {cap.youth} ({cap.mode})"))
    levers = ((scenario.staffing.youth_advisors, "youth veiledere ×{0.multiplier:g}"),
              (scenario.staffing.both_advisors, "all-age veiledere ×{0.multiplier:g}"),
              (scenario.tiltak, "tiltak places ×{0.places_multiplier:g}"),
              (scenario.ips, "IPS places ×{0.capacity_multiplier:g}"),
              (scenario.health, "treatment policy"),
              (scenario.contacts, "digital contacts to meetings"),
              (scenario.assessment, _assessment_mark),
              (scenario.contact_person, "advisor changes ×{0.churn_multiplier:g} ({0.applies_to})"))
    for block, text in levers:
        neutral = type(block)(start=block.start)  # the block's defaults are its neutral values
        if block.start is not None and block != neutral:
            out.append((block.start, text(block) if callable(text) else text.format(block)))
    if scenario.ungdomsgaranti.enabled:
        parts = scenario.ungdomsgaranti.parts
        off = [name for name, on in parts.model_dump().items() if not on]
        text = "ungdomsgaranti" if not off else f"ungdomsgaranti without {', '.join(off)}"
        out.append((scenario.ungdomsgaranti.start, text))
    return sorted(out)


def _mark_levers(ax, levers: Sequence[tuple[dt.date, str]], first: np.datetime64,  # noqa: ANN001
                 last: np.datetime64) -> None:
    """Dotted vertical lines at the levers' starts inside the shown period, labelled at the top."""
    for when, text in levers:
        x = np.datetime64(when, "D")
        if not first <= x <= last:
            continue
        ax.axvline(x, color="dimgrey", linestyle=":", linewidth=1.2)
        ax.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", fontsize=7, color="dimgrey", va="top", rotation=90,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})


def replication_note(reps: int) -> str:
    """What the lines and bands of a figure are, for a subtitle."""
    if reps > 1:
        return f"mean of {reps} replications, band: 5th-95th percentile"
    return "one replication, so no band (--reps N draws one)"


def display_unit(unit: str) -> tuple[str, float]:
    """The unit a reader sees and the factor values are divided by (NOK per year -> MNOK)."""
    if unit == "NOK per year":
        return "MNOK per year", 1e6
    return unit, 1.0


def effect_unit(unit: str) -> str:
    """Unit of an effect: a difference of percentages is in percentage points."""
    shown, _ = display_unit(unit)
    return "percentage points" if shown == "percent" else shown


def new_figure(nrows: int = 1, ncols: int = 1,
               size: tuple[float, float] = (9, 5)) -> tuple[Figure, np.ndarray]:
    """A figure on the Agg canvas (no display needed) and its axes as a flat array."""
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    return fig, axes


def save_figure(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as a PNG at the project's resolution, making the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    return path


def _date_axis(ax) -> None:  # noqa: ANN001 - a matplotlib Axes
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("date")


def _dates(calendar: Calendar, weeks: np.ndarray) -> np.ndarray:
    start = np.datetime64(calendar.sim_start, "D")
    return start + np.asarray(weeks, dtype=np.int64) * np.timedelta64(7, "D")


def band(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 5-95 % band over the columns (replications) of a week × rep table."""
    arr = values.to_numpy(dtype=np.float64)
    mean = np.nanmean(arr, axis=1) if arr.size else np.zeros(len(values))
    if arr.shape[1] > 1:
        lo, hi = np.nanquantile(arr, BAND, axis=1)
    else:
        lo = hi = mean
    return mean, lo, hi


def weekly_series(weekly: pd.DataFrame, variable: str, first_week: int) -> dict[str, pd.DataFrame]:
    """Per category of ``variable``: a week × rep table of values (period only, 0 where absent)."""
    rows = weekly[(weekly["variable"].astype(str) == variable) & (weekly["week"] >= first_week)]
    if rows.empty:
        return {}
    rows = rows.assign(category=rows["category"].astype(str))
    reps = sorted(weekly["rep"].unique())
    weeks = np.sort(rows["week"].unique())
    out: dict[str, pd.DataFrame] = {}
    for category, part in rows.groupby("category", sort=False):
        table = part.pivot_table(index="week", columns="rep", values="value", aggfunc="sum")
        out[str(category)] = table.reindex(index=weeks, columns=reps).fillna(0.0)
    return out


def _plot_band(ax, x: np.ndarray, table: pd.DataFrame, label: str, scale: float = 1.0,  # noqa: ANN001
               color: str | None = None, linewidth: float = 1.4) -> None:
    mean, lo, hi = band(table / scale)
    line = ax.plot(x, mean, label=label, color=color, linewidth=linewidth)[0]
    if table.shape[1] > 1:
        ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)


def _ordered(series: Mapping[str, pd.DataFrame], order: Sequence[str]) -> list[str]:
    return [c for c in order if c in series] + [c for c in series if c not in order]


def _stock_plot(result: RunResult, variable: str, order: Sequence[str], title: str, ylabel: str,
                path: Path, levers: Sequence[tuple[dt.date, str]] = ()) -> Path:
    cal = result.calendar
    series = weekly_series(result.weekly, variable, cal.first_week)
    fig, (ax,) = new_figure()
    for category in _ordered(series, order):
        table = series[category]
        _plot_band(ax, _dates(cal, table.index.to_numpy()), table, label(category), result.scale)
    return _finish_time_plot(fig, ax, result, title, ylabel, bool(series), path, levers)


def _finish_time_plot(fig, ax, result: RunResult, title: str, ylabel: str, legend: bool,  # noqa: ANN001
                      path: Path, levers: Sequence[tuple[dt.date, str]] = ()) -> Path:
    """Title, labels, date axis, lever starts and legend of a time-series figure; saves it."""
    cal = result.calendar
    period = _dates(cal, np.array([cal.first_week, cal.n_weeks - 1]))
    ax.set_xlim(period[0], period[1])
    ax.set_title(f"{title}\n{replication_note(result.replications)}", fontsize=11)
    ax.set_ylabel(ylabel)
    _date_axis(ax)
    if legend:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside, not over, the lines
    ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.08)  # room for the lever labels
    _mark_levers(ax, levers, period[0], period[1])
    return save_figure(fig, path)


def _exits_plot(result: RunResult, path: Path, levers: Sequence[tuple[dt.date, str]] = ()) -> Path:
    """Exits per month by type, from each calendar month's mean weekly count × 52/12.

    Weekly counts are too noisy to read, and plain monthly sums jump with the number of
    weeks a month happens to hold, so each month shows its mean weekly rate as a monthly one.
    """
    cal = result.calendar
    series = weekly_series(result.weekly, "exits", cal.first_week)
    fig, (ax,) = new_figure()
    for category in _ordered(series, codes.EXIT_TYPES):
        table = series[category]
        months = pd.DatetimeIndex(_dates(cal, table.index.to_numpy())).to_period("M")
        monthly = table.groupby(months).mean() * WEEKS_PER_MONTH
        x = monthly.index.to_timestamp().to_numpy()
        _plot_band(ax, x, monthly, label(category), result.scale)
    return _finish_time_plot(fig, ax, result, "Exits from follow-up per month by type",
                             "exits per month (national)", bool(series), path, levers)


def _portfolio_plot(result: RunResult, path: Path, scenario: Scenario | None = None) -> Path:
    """Histogram of portefølje sizes by veileder role in the last week, with the cap the
    scenario sets (on the youth veiledere it binds), or else the 2024 goal for reference."""
    adv = result.advisors
    fig, axes = new_figure(1, len(codes.ROLE), size=(12, 4.2))
    last = adv[adv["week"] == adv["week"].max()] if len(adv) else adv
    role = last["role"].astype(str).to_numpy() if len(last) else np.array([])
    when = result.calendar.date_of(int(last["week"].max())) if len(last) else None
    cap = scenario.policy.portfolio_cap if scenario is not None else None
    line = cap.youth if cap is not None and cap.youth is not None else PORTFOLIO_GOAL
    top = float(last["portfolio"].max()) if len(last) else 100.0
    # Portfolios are whole numbers: edges at k*5 + 0.5 put a portfolio at the cap left of it.
    bins = np.arange(0, max(top, line) + 10, 5) + 0.5
    for ax, r in zip(axes, codes.ROLE, strict=True):
        values = last["portfolio"].to_numpy()[role == r] if len(last) else np.array([])
        ax.hist(values, bins=bins, color="tab:blue", alpha=0.8)
        if cap is not None and cap.youth is not None:
            if r == "youth":
                since = f", from {cap.start.isoformat()}" if cap.start else ""
                ax.axvline(cap.youth, color="tab:red", linewidth=1.6,
                           label=f"cap: {cap.youth} users ({cap.mode}{since})")
        else:
            ax.axvline(PORTFOLIO_GOAL, color="grey", linestyle="--",
                       label=f"2024 goal: about {PORTFOLIO_GOAL} users")
        mean = f", mean {values.mean():.0f}" if len(values) else ""
        ax.set_title(f"{ROLE_LABELS.get(r, r)}\n(n = {len(values)}{mean})", fontsize=10)
        ax.set_xlabel("portefølje (users: youths and older)")
        ax.set_ylabel("veiledere (simulated, all replications)")
        if ax.get_legend_handles_labels()[0]:
            ax.set_ylim(top=ax.get_ylim()[1] * 1.15)  # room for the legend above the bars
            ax.legend(fontsize=8, loc="upper right")
    suffix = f" in the week of {when.isoformat()}" if when is not None else ""
    fig.suptitle(f"Portefølje size by veileder role{suffix}")
    return save_figure(fig, path)


def _contacts_plot(result: RunResult, path: Path) -> Path:
    """Contacts per user per month against portfolio size, per advisor-week, by channel.

    Binned means show the shape; the dashed curves are k/N with k fixed at each channel's
    mean weekly total, i.e. what a budget that did not grow with N would give.
    """
    adv = result.advisors
    adv = adv[(adv["week"] >= result.calendar.first_week) & (adv["portfolio"] > 0)]
    fig, (ax,) = new_figure()
    if len(adv):
        n = adv["portfolio"].to_numpy(dtype=np.float64)
        hi = np.quantile(n, 0.99)
        edges = np.arange(0, hi + 10, 10)
        centre = (edges[:-1] + edges[1:]) / 2
        which = np.digitize(n, edges) - 1
        counts = np.bincount(which, minlength=len(centre))[: len(centre)]
        shown = counts >= 5
        grid = np.linspace(max(edges[1] / 2, 5), hi, 100)
        for channel in codes.CHANNEL:
            if channel not in adv:
                continue
            weekly_contacts = adv[channel].to_numpy(dtype=np.float64)
            per_user = weekly_contacts / n * WEEKS_PER_MONTH
            sums = np.bincount(which, weights=per_user, minlength=len(centre))[: len(centre)]
            means = np.divide(sums, counts, out=np.full(len(centre), np.nan), where=counts > 0)
            line = ax.plot(centre[shown], means[shown], marker="o", markersize=3,
                           label=label(channel))[0]
            k = weekly_contacts.mean() * WEEKS_PER_MONTH
            ax.plot(grid, k / grid, linestyle="--", linewidth=0.8, color=line.get_color())
        ax.set_yscale("log")
        ax.legend(fontsize=8, title="channel (dashed: k / N)", title_fontsize=8)
    ax.set_title("Contacts per user per month against portefølje size (veileder-weeks)")
    ax.set_xlabel("portefølje N (users)")
    ax.set_ylabel("contacts per user per month (log scale)")
    return save_figure(fig, path)


def plot_run(result: RunResult, directory: Path, scenario: Scenario | None = None) -> list[Path]:
    """Write the run's figures into ``directory`` and return their paths.

    With the ``scenario`` that was run, its levers' start dates are marked and its
    portfolio cap is drawn at its value.
    """
    directory = Path(directory)
    levers = lever_starts(scenario)
    return [
        _stock_plot(result, "stock_innsatsgruppe", codes.INNSATSGRUPPE,
                    "Youths in follow-up by innsatsgruppe", "youths (national)",
                    directory / "stocks_by_innsatsgruppe.png", levers),
        _stock_plot(result, "stock_activity", codes.ACTIVITY, "Youths in follow-up by primary activity",
                    "youths (national)", directory / "activities.png", levers),
        _exits_plot(result, directory / "exits_by_type.png", levers),
        _portfolio_plot(result, directory / "portfolio_by_role.png", scenario),
        _contacts_plot(result, directory / "contacts_per_user_vs_portfolio.png"),
        _stock_plot(result, "stock_benefit", codes.BENEFIT, "Youths by benefit (uføretrygd: all on it)",
                    "youths (national)", directory / "benefits.png", levers),
    ]


# --------------------------------------------------------------------------- comparisons

#: Stocks shown in a comparison: (variable, category, title, national?).
COMPARE_STOCKS: tuple[tuple[str, str, str, bool], ...] = (
    ("stock_status", "follow_up", "Youths in follow-up", True),
    ("tiltak_in", "", "Youths in tiltak", True),
    ("stock_benefit", "aap", "Youths on AAP", True),
    ("advisor_waiting", "", "Youths waiting for a veileder", True),
    ("portfolio_mean", "youth", "Portefølje mean, youth veiledere (users)", False),
    ("tiltak_waiting", "", "Youths waiting for tiltak", True),
)


def plot_stock_comparison(weeklies: Mapping[str, pd.DataFrame], calendar: Calendar, scale: float,
                          path: Path, starts: Sequence[dt.date] = ()) -> Path:
    """Key weekly stocks of several runs, one panel per stock, one line (and band) per run.

    ``starts`` are the dates policies take effect, drawn as dotted vertical lines.
    """
    fig, axes = new_figure(3, 2, size=(12, 11))
    period = _dates(calendar, np.array([calendar.first_week, calendar.n_weeks - 1]))
    for ax, (variable, category, title, national) in zip(axes, COMPARE_STOCKS, strict=True):
        drawn = 0
        for i, (name, weekly) in enumerate(weeklies.items()):
            table = weekly_series(weekly, variable, calendar.first_week).get(category)
            if table is None:
                continue
            # The baseline is drawn first, wide and black, so a scenario equal to it shows on top.
            _plot_band(ax, _dates(calendar, table.index.to_numpy()), table, name,
                       scale if national else 1.0, color="black" if i == 0 else f"C{i - 1}",
                       linewidth=2.6 if i == 0 else 1.2)
            drawn += 1
        if not drawn:
            ax.text(0.5, 0.5, "not in these runs", transform=ax.transAxes, ha="center", color="grey")
        ax.set_xlim(period[0], period[1])
        for start in sorted(set(starts)):
            ax.axvline(np.datetime64(start, "D"), color="grey", linestyle=":", linewidth=1)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("users per veileder" if not national else "youths (national)")
        _date_axis(ax)
    axes[0].legend(fontsize=8)
    fig.suptitle("Key stocks by scenario (mean and 5-95 % band over replications; dotted: policy start)")
    return save_figure(fig, path)


def effect_colour(outcome: str, effect: float) -> str:
    """Green for an effect that is better for the young users, red for worse, blue where
    neither direction is theirs (``sim.outcomes.for_users``), grey for none."""
    from sim.outcomes import for_users

    if effect == 0 or not np.isfinite(effect):
        return "grey"
    return {1: "tab:green", -1: "tab:red", 0: "tab:blue"}[for_users(outcome, effect)]


def plot_effects(effects: pd.DataFrame, outcomes: Sequence[str], labels: Mapping[str, str],
                 path: Path) -> Path:
    """Effect (scenario − baseline) of each scenario on each outcome, with 90 % whiskers,
    coloured by whether it is better for the young users (:func:`effect_colour`).

    Panels in the same unit share one scale, centred on zero, so that a longer bar is a
    larger effect wherever it is drawn: with a scale per panel, +0.1 and +2 percentage
    points looked alike.
    """
    outcomes = [o for o in outcomes if o in set(effects["outcome"])]
    ncols = 2
    nrows = max(1, -(-len(outcomes) // ncols))
    scenarios = list(dict.fromkeys(effects["scenario"]))
    fig, axes = new_figure(nrows, ncols, size=(12, 1.2 + nrows * (0.5 + 0.35 * len(scenarios))))
    for ax in axes[len(outcomes):]:
        ax.set_visible(False)
    reach: dict[str, list] = {}  # unit -> (panel, largest distance of a bar or whisker from 0)
    for ax, outcome in zip(axes, outcomes, strict=False):
        part = effects[effects["outcome"] == outcome].set_index("scenario").reindex(scenarios)
        unit = str(part["unit"].dropna().iloc[0]) if part["unit"].notna().any() else ""
        _, factor = display_unit(unit)
        y = np.arange(len(scenarios))
        mean = part["effect_mean"].to_numpy(dtype=np.float64) / factor
        err = np.vstack([mean - part["effect_low"].to_numpy(dtype=np.float64) / factor,
                         part["effect_high"].to_numpy(dtype=np.float64) / factor - mean])
        colors = [effect_colour(outcome, m) for m in mean]
        ax.barh(y, mean, xerr=np.abs(err), color=colors, alpha=0.7, capsize=3)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, scenarios, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(labels.get(outcome, outcome), fontsize=9)
        ax.set_xlabel(f"effect ({effect_unit(unit)})", fontsize=8)
        ends = np.abs(np.concatenate([mean - err[0], mean + err[1]]))
        reach.setdefault(unit, []).append((ax, float(np.nanmax(ends, initial=0.0))))
    for panels in reach.values():
        lim = max(r for _, r in panels) * 1.1 or 1.0
        for ax, _ in panels:
            ax.set_xlim(-lim, lim)
            ax.locator_params(axis="x", nbins=6)  # few enough labels not to run together
    fig.suptitle("Effects: scenario − baseline, mean with 90 % interval of paired replications; "
                 "panels in the same unit share one scale")
    return save_figure(fig, path)
