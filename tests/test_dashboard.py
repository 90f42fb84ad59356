"""``navsim dashboard``: the adapter's checks and downloads, and the page end to end in a browser.

The browser test starts ``navsim dashboard`` as a user would, drives the system's Chromium
with playwright (no browser is downloaded), changes a lever, runs a small comparison and
reads an effect from the page.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from sim.dashboard import api
from sim.scenario.loader import InputError

ROOT = Path(__file__).resolve().parents[1]
SMALL = api.Settings(scale=0.002, reps=2, end="2026-06-30")


def test_library_lists_runnable_scenarios_baseline_first():
    lib = api.library()
    assert next(iter(lib)) == "baseline"
    assert "cap50_hard" in lib and "priors" not in lib


def test_a_bad_lever_value_gives_the_schemas_message():
    texts = {"policy.portfolio_cap.youth": "0"}
    with pytest.raises(InputError) as err:
        api.build(api.baseline_path(), texts, SMALL)
    assert "policy.portfolio_cap.youth" in str(err.value)
    assert "greater than or equal to 1" in str(err.value)


def test_changed_levers_and_size_reach_the_scenario():
    texts = {**api.lever_texts(api.load(api.baseline_path())), "policy.portfolio_cap.youth": "45",
             "tiltak.places_multiplier": "1.5"}
    scenario, overrides = api.build(api.baseline_path(), texts, SMALL)
    assert scenario.policy.portfolio_cap.youth == 45
    assert scenario.tiltak.places_multiplier == 1.5
    assert scenario.scale == 0.002 and scenario.replications == 2
    assert "ips" not in overrides  # unchanged levers stay the file's


def test_xlsx_download_holds_every_table():
    tables = {"effects": pd.DataFrame({"outcome": ["a"], "effect_mean": [1.5]}),
              "outcomes_by_replication": pd.DataFrame({"rep": [0, 1]})}
    book = pd.read_excel(io.BytesIO(api.to_xlsx(tables)), sheet_name=None)
    assert set(book) == set(tables)
    assert book["effects"]["effect_mean"].tolist() == [1.5]


def test_shown_effects_put_costs_in_mnok_and_percent_in_points():
    effects = pd.DataFrame({"scenario": ["s", "s"], "label": ["Cost", "Share"], "effect_mean": [2e6, 1.5],
                            "effect_low": [1e6, 1.0], "effect_high": [3e6, 2.0],
                            "unit": ["NOK per year", "percent"], "baseline_mean": [5e6, 40.0]})
    shown = api.shown_effects(effects)
    assert shown["effect"].tolist() == [2.0, 1.5]
    assert shown["unit"].tolist() == ["MNOK per year", "percentage points"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"navsim dashboard exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no page at {url} after {seconds} s")


def test_browser_changes_a_lever_and_reads_an_effect(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    browser_path = _chromium()
    if browser_path is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port),
                             "--results", str(tmp_path / "results")],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/", proc, 60)
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            cap = page.get_by_label("portfolio cap, youth advisors (users; empty: no cap)")
            cap.wait_for(timeout=60_000)
            # A value the schema refuses shows its message and blocks the run.
            cap.fill("0")
            cap.press("Enter")
            page.get_by_text("greater than or equal to 1").wait_for(timeout=20_000)
            cap.fill("30")
            cap.press("Enter")
            page.get_by_text("greater than or equal to 1").wait_for(state="detached", timeout=20_000)
            for label, value in (("scale (share of the national population)", "0.002"),
                                 ("replications", "2"), ("period end (YYYY-MM-DD)", "2026-06-30")):
                field = page.get_by_label(label)
                field.fill(value)
                field.press("Enter")
            page.get_by_role("button", name="Compare with baseline").click()
            page.get_by_text("cost per extra person").first.wait_for(timeout=300_000)
            label = "Portefølje, mean (youth advisors)"
            cells = page.locator("tr", has_text=label).first.locator("td").all_inner_texts()
            effect = cells[[c.strip() for c in cells].index(label) + 1]
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
            browser.close()
        assert "policy.portfolio_cap.youth" in "\n".join(
            (tmp_path / "results").glob("compare-*/comparison.json").__next__().read_text().splitlines())
        assert float(effect) < 0, cells  # a cap of 30 lowers the mean portfolio of youth advisors
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.poll() is not None


def test_a_port_in_use_is_one_line_and_status_2(capsys):
    from sim.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"127.0.0.1:{port}" in err and "in use" in err


def test_earlier_comparisons_are_listed_newest_first_and_reopen(tmp_path):
    effects = pd.DataFrame({"scenario": ["cap"], "outcome": ["portefolje_mean_youth"],
                            "baseline_mean": [60.0], "scenario_mean": [50.0],
                            "effect_mean": [-10.0], "effect_low": [-12.0],
                            "effect_high": [-8.0], "unit": ["users"], "excludes_zero": [True],
                            "replications": [2]})
    for i, name in enumerate(("compare-old", "compare-new")):
        folder = tmp_path / name
        folder.mkdir()
        effects.to_csv(folder / "effects.csv", index=False)
        (folder / "comparison.json").write_text(
            '{"replications": 2, "scale": 0.002, "baseline": {"name": "baseline"}, "scenarios": '
            '[{"name": "cap", "changes": [{"key": "policy.portfolio_cap.youth", "baseline": null, '
            '"scenario": 30, "start": null}], "cost_per_extra_person_nok": 1234567.0}]}')
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "not-a-result").mkdir()
    assert [p.name for p in api.list_results(tmp_path)] == ["compare-new", "compare-old"]
    result = api.open_result(tmp_path / "compare-new")
    assert result.kind == "compare"
    assert result.tables["effects"]["effect_mean"].tolist() == [-10.0]
    assert any("policy.portfolio_cap.youth None → 30" in n for n in result.notes)
    assert any("NOK 1 234 567" in n for n in result.notes)
    with pytest.raises(InputError):
        api.open_result(tmp_path / "not-a-result")


def test_results_by_county_are_shown_when_a_folder_has_them(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "summary.json").write_text('{"outcomes": {}}')
    table = pd.DataFrame({"county": ["oslo"], "youths_in_follow_up": [10.0]})
    table.to_csv(run / "by_county.csv", index=False)
    assert api.open_result(run).tables["by_county"]["county"].tolist() == ["oslo"]
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "summary.json").write_text('{"outcomes": {}}')
    assert "by_county" not in api.open_result(plain).tables
