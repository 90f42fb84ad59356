"""``navsim show``: which file and line set each value of a scenario, and the note written there.

The notes are what makes "no hidden constants" checkable: every key a scenario file sets
must carry its source or the word assumption, and no behavioural number may come from a
default in the schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.changes import scenario_changes
from sim.scenario.loader import read_yaml
from sim.scenario.show import SCHEMA_DEFAULT, Stack
from sim.scenario.sources import read_layer

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LIBRARY = sorted(SCENARIOS.glob("*.yaml"))

COMMENTED = """\
# the file's header
name: t

params:
  a: 1            # note of a
  # note of the group
  b: 2
  c: {x: 1,
      y: 2}   # note of c
  d: 3
  nested:
    # note of deep
    deep: 1
  e: 4
  f: [1, 2]

other: 5
"""


def test_notes_follow_the_comment_conventions(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(COMMENTED)
    layer = read_layer(path, read_yaml(path))
    notes = {k: s.note for k, s in layer.sites.items()}
    lines = {k: s.line for k, s in layer.sites.items()}
    assert notes == {
        "name": "the file's header",
        "params.a": "note of a",
        "params.b": "note of the group",
        "params.c.x": "note of c",           # the comment ending its flow mapping
        "params.c.y": "note of c",
        "params.d": "note of the group",     # the group's comment, past the siblings above
        "params.nested.deep": "note of deep",
        "params.e": "note of the group",     # a comment inside a sibling is not the group's
        "params.f": "note of the group",
        "other": None,                       # a blank line ends the group
    }
    assert lines == {"name": 2, "params.a": 5, "params.b": 7, "params.c.x": 8, "params.c.y": 9,
                     "params.d": 10, "params.nested.deep": 13, "params.e": 14, "params.f": 15,
                     "other": 17}


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_value_of_the_library_has_a_source(path: Path) -> None:
    """No hidden constants: each key comes from a file that gives a source or says
    assumption, and only the levers' empty start dates come from the schema."""
    stack = Stack(path)
    for key, value in stack.leaves.items():
        sites = stack.sites(key)
        if not sites:
            assert key.endswith(".start") and value is None, f"{key} = {value} is a schema default"
            continue
        assert any(s.note for s in sites), f"{key} has no note in {[s.file for s in sites]}"


def test_each_site_is_the_line_that_sets_the_value() -> None:
    stack = Stack(SCENARIOS / "cap50_hard.yaml")
    checked = 0
    for key, value in stack.leaves.items():
        sites = stack.sites(key)
        if not sites:
            continue
        assert sites[0].value == value, key
        for site in sites:
            text = Path(site.file).read_text().splitlines()[site.line - 1]
            names = key.split(".")
            assert any(re.search(rf"\b{re.escape(n)}\s*:", text) for n in names), (key, site)
            checked += 1
    assert checked > 250
    assert [s.file for s in stack.sites("parameters.contacts.youth_time_weight")] == [
        str(SCENARIOS.parent / "calibration" / "calibrated.yaml"), str(SCENARIOS / "priors.yaml")]


def test_overview_names_what_the_scenario_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(SCENARIOS / "cap50_hire.yaml")]) == 0
    out = capsys.readouterr().out
    own = [line.split()[0] for line in out.split(" sets:\n")[1].split("\n\n")[0].splitlines()]
    keys = ("youth", "counts", "over", "mode", "on_start", "start")
    assert own == [f"policy.portfolio_cap.{k}" for k in keys]
    layer_row = r"^(?:\S+|schema default \(sim/scenario/schema\.py\))\s+(\d+)$"
    counts = [int(m) for m in re.findall(layer_row, out, re.M)]
    assert sum(counts) == len(Stack(SCENARIOS / "cap50_hire.yaml").leaves)
    assert "over hard (" in out and "priors.yaml:" in out


def test_a_key_shows_every_layer_that_sets_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(SCENARIOS / "baseline.yaml"), "youth_time_weight"]) == 0
    out = capsys.readouterr().out
    stack = Stack(SCENARIOS / "baseline.yaml")
    value = stack.scenario.parameters.contacts.youth_time_weight
    assert out.splitlines()[0] == f"parameters.contacts.youth_time_weight = {value}"
    assert "calibrated.yaml:" in out and "priors.yaml:" in out and "assumption" in out
    assert main(["show", str(SCENARIOS / "baseline.yaml"), "policy.portfolio_cap.start"]) == 0
    assert SCHEMA_DEFAULT in capsys.readouterr().out


def test_diff_lists_the_changed_keys_with_their_files(capsys: pytest.CaptureFixture[str]) -> None:
    base, scen = SCENARIOS / "baseline.yaml", SCENARIOS / "tiltak_plus25.yaml"
    assert main(["show", str(scen), "--diff", str(base)]) == 0
    out = capsys.readouterr().out
    expected = [c.key for c in scenario_changes(Stack(base).resolved, Stack(scen).resolved)]
    assert expected
    assert f"{len(expected)} key" in out.splitlines()[0]
    for key in expected:
        assert f"\n{key}\n" in out
    assert "tiltak_plus25.yaml:" in out
    assert main(["show", str(SCENARIOS / "cap_never_binds.yaml"), "tiltak", "--diff", str(base)]) == 0
    assert "0 keys differ" in capsys.readouterr().out


def test_bad_keys_and_files_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(SCENARIOS / "baseline.yaml"), "polcy.portfolio_cap"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean policy.portfolio_cap?" in err
    assert main(["show", str(SCENARIOS / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "file not found" in err
    assert main(["show", str(SCENARIOS / "baseline.yaml"), "--diff", str(SCENARIOS / "nope.yaml")]) == 2


def test_a_parameter_of_the_shipped_posterior_shows_its_label(capsys, monkeypatch) -> None:
    """The label of docs/CALIBRATION.md's table, with the intervals it rests on, where the
    analyst looks a value up: a key of the posterior has it, a key outside has not."""
    import sim.posterior_draws
    from sim.calibration.posterior import shipped_summaries

    shipped = SCENARIOS.parent / "calibration" / "posterior.parquet"
    monkeypatch.setattr(sim.posterior_draws, "posterior_file", lambda: shipped)

    summaries = shipped_summaries()
    assert "parameters.contact_effect.work" in summaries
    assert main(["show", str(SCENARIOS / "baseline.yaml"), "contact_effect.work"]) == 0
    out = capsys.readouterr().out
    label = summaries["parameters.contact_effect.work"].label
    assert re.search(rf"posterior: {label}\b.*90 % interval", out.replace("\n      ", " "))
    assert main(["show", str(SCENARIOS / "baseline.yaml"), "exits.both_share"]) == 0
    assert "posterior:" not in capsys.readouterr().out
