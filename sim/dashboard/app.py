"""The dashboard page: choose, change, run or compare, read and download.

State lives in Solara reactive variables (one set per browser session). Everything the page
knows about navsim comes through ``sim.dashboard.api``.
"""

from __future__ import annotations

import html
import os
import time
from pathlib import Path

import solara
import solara.lab

from sim.dashboard import api
from sim.scenario.loader import InputError

#: The results folder; ``navsim dashboard --results DIR`` sets it for the server process.
RESULTS_ENV = "NAVSIM_DASHBOARD_RESULTS"


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV, "results"))


scenario_name = solara.reactive("")
scenario_file = solara.reactive("")
texts: solara.Reactive[dict[str, str]] = solara.reactive({})
scale = solara.reactive(str(api.Settings.scale))
reps = solara.reactive(str(api.Settings.reps))
end = solara.reactive(api.Settings.end)
message = solara.reactive("")
progress = solara.reactive(0.0)
status = solara.reactive("")
opened = solara.reactive("")


def scenario_path() -> Path | None:
    if scenario_file.value.strip():
        return Path(scenario_file.value.strip())
    lib = api.library()
    return lib.get(scenario_name.value) or lib.get("baseline")


def reset_levers() -> None:
    """Show the levers of the chosen scenario as its file sets them."""
    path = scenario_path()
    try:
        texts.set(api.lever_texts(api.load(path)) if path else {})
        message.set("")
    except InputError as exc:
        texts.set({})
        message.set(str(exc))


def settings() -> api.Settings:
    return api.Settings(scale=api.parse_text(scale.value), reps=api.parse_text(reps.value),
                        end=end.value)


def check() -> None:
    """Validate the levers now, so a bad value shows its message before anything runs."""
    path = scenario_path()
    if path is None:
        return
    try:
        api.build(path, texts.value, settings())
        message.set("")
    except InputError as exc:
        message.set(str(exc))


def _report(fraction: float, text: str) -> None:
    progress.set(fraction)
    status.set(text)


@solara.lab.task
def start(kind: str) -> None:
    path = scenario_path()
    began = time.monotonic()
    try:
        if kind == "compare":
            out = api.run_compare(api.baseline_path(), path, texts.value, settings(), results_dir(), _report)
        else:
            out = api.run_single(path, texts.value, settings(), results_dir(), _report)
    except InputError as exc:
        message.set(str(exc))
        status.set("")
        return
    status.set(f"finished in {time.monotonic() - began:.0f} s: {out}")
    opened.set(str(out))


def heading(text: str, tag: str = "h4") -> None:
    """A heading as plain HTML (solara's Markdown would load a maths renderer from the web)."""
    solara.HTML(tag=tag, unsafe_innerHTML=html.escape(text))


@solara.component
def LeverField(key: str, label: str) -> None:
    def change(value: str) -> None:
        texts.set({**texts.value, key: value})
        check()

    solara.InputText(label, value=texts.value.get(key, ""), on_value=change, continuous_update=False)


@solara.component
def Controls() -> None:
    lib = list(api.library())
    solara.Select("scenario from the library", values=lib, value=scenario_name.value or "baseline",
                  on_value=lambda v: (scenario_name.set(v), scenario_file.set(""), reset_levers()))
    solara.InputText("or a scenario file (path)", value=scenario_file.value, continuous_update=False,
                     on_value=lambda v: (scenario_file.set(v), reset_levers()))
    heading("Levers (checked by the scenario schema)")
    for key, label in api.LEVERS:
        LeverField(key, label)
    heading("Size of the run")
    solara.InputText("scale (share of the national population)", value=scale.value,
                     on_value=lambda v: (scale.set(v), check()), continuous_update=False)
    solara.InputText("replications", value=reps.value, on_value=lambda v: (reps.set(v), check()),
                     continuous_update=False)
    solara.InputText("period end (YYYY-MM-DD)", value=end.value, on_value=lambda v: (end.set(v), check()),
                     continuous_update=False)
    if message.value:
        solara.Error(message.value, classes=["navsim-error"])
    busy = start.pending
    with solara.Row():
        solara.Button("Compare with baseline", color="primary", disabled=busy or bool(message.value),
                      on_click=lambda: start("compare"))
        solara.Button("Run", disabled=busy or bool(message.value), on_click=lambda: start("run"))
    if busy or status.value:
        solara.ProgressLinear(value=progress.value * 100 if busy else 100)
        solara.Text(status.value, classes=["navsim-status"])
    if start.error:
        solara.Error(f"the run failed: {start.exception}")


@solara.component
def Browse() -> None:
    folders = [str(p) for p in api.list_results(results_dir())]
    solara.Select("earlier results", values=folders, value=opened.value if opened.value in folders else None,
                  on_value=opened.set)


@solara.component
def ResultView(folder: str) -> None:
    try:
        result = api.open_result(folder)
    except InputError as exc:
        solara.Error(str(exc))
        return
    heading(result.title, "h3")
    for note in result.notes:
        solara.Text(note)
    main = result.tables.get("effects", result.tables.get("outcomes"))
    with solara.Row():
        name = "effects" if result.kind == "compare" else "outcomes"
        solara.FileDownload(api.to_csv(main), filename=f"{result.title}-{name}.csv", label=f"{name} (CSV)")
        solara.FileDownload(api.to_xlsx(result.tables), filename=f"{result.title}.xlsx",
                            label="all tables (XLSX)")
    if result.kind == "compare":
        shown = main[main["outcome"].isin(api.KEY_OUTCOMES)]
        heading("Effects (scenario − baseline, mean and 90 % interval of paired replications)")
        solara.DataFrame(api.shown_effects(shown), items_per_page=20)
    else:
        solara.DataFrame(main.round(4), items_per_page=20)
    if "by_county" in result.tables:
        heading("By county (means over replications, national counts)")
        solara.DataFrame(result.tables["by_county"].round(2), items_per_page=15)
    if "effects_by_county" in result.tables:
        heading("Effects by county (scenario − baseline, mean and 90 % interval)")
        solara.DataFrame(result.tables["effects_by_county"].round(4), items_per_page=15)
    for key, image in result.images.items():
        solara.Image(str(image), width="100%", classes=[f"navsim-plot-{key}"])


@solara.component
def Page() -> None:
    solara.Title("navsim dashboard")
    solara.use_effect(reset_levers, [])
    with solara.Columns([1, 3]):
        with solara.Column():
            heading("navsim", "h2")
            Controls()
        with solara.Column():
            Browse()
            if opened.value:
                ResultView(opened.value)
            else:
                solara.Info("Choose a scenario, change a lever and compare it with the baseline; "
                            "or reopen an earlier result above.")
