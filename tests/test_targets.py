"""Reading targets files: every form the format allows, and a clear error for everything else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from sim.scenario.loader import InputError
from sim.targets import Measure, Tolerance, evidence_ids, load_targets

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


def test_reads_every_metric_of_the_format():
    targets = load_targets(DATA / "all_metrics.yaml")
    by_id = {t.id: t for t in targets}
    assert len(by_id) == 14
    assert {t.metric for t in targets} == {
        "stock_share", "stock_count", "panel_ever_share", "panel_pattern_share", "transition_share",
        "return_share", "cohort_share", "duration_share", "days_in_state", "portfolio_mean",
        "portfolio_share_above", "contacts_per_advisor_week", "first_contact_share", "experiment_effect"}
    assert evidence_ids(targets) == {"evidence_table"}
    assert targets.evidence[0].value == {"const": 1.0, "slope": [0.1, 0.2]}
    assert targets.description == "hand-made targets for the tests"


def test_values_are_normalised():
    by_id = {t.id: t for t in load_targets(DATA / "all_metrics.yaml")}
    share = by_id["share_by_group"]
    assert share.measure.where == {"age": ((18, 29),), "innsatsgruppe": ("standard", "situasjonsbestemt")}
    assert share.measure.params["date"] == dt.date(2021, 2, 15)
    assert by_id["count_aap"].measure.params["date"] == dt.date(2021, 2, 15)  # quoted date
    assert by_id["transition"].measure.params["year"] == (2018, 2019)
    assert by_id["transition"].weight == 2.0
    assert by_id["aap_long"].measure.params["band_months"] == (24.0, None)
    assert by_id["tiltak_ever"].measure.where["new_entrant"] == (False,)


def test_distribution_gives_one_comparison_per_category():
    share = {t.id: t for t in load_targets(DATA / "all_metrics.yaml")}["share_by_group"]
    comparisons = share.comparisons()
    assert [(c, obs) for c, obs, _ in comparisons] == [("standard", 0.6), ("situasjonsbestemt", 0.4)]
    assert [m.params["category"] for _, _, m in comparisons] == ["standard", "situasjonsbestemt"]


def test_tolerance_forms_and_default():
    by_id = {t.id: t for t in load_targets(DATA / "all_metrics.yaml")}
    assert by_id["share_by_group"].tolerance.allowed(0.6) == 0.05
    assert by_id["count_aap"].tolerance.allowed(25000) == pytest.approx(2500)
    assert by_id["tiltak_ever"].tolerance.allowed(0.43) == pytest.approx(0.04)  # 2 se
    assert by_id["pattern"].tolerance == Tolerance("rel", 0.1)  # missing: rel 0.1
    assert by_id["pattern"].tolerance.allowed(-0.5) == pytest.approx(0.05)


def test_experiment_keeps_intervention_and_nested_measure():
    cap = {t.id: t for t in load_targets(DATA / "all_metrics.yaml")}["cap_effect"]
    assert cap.measure.params["intervention"] == {"policy": {"portfolio_cap": {"youth": 50}}}
    inner = cap.measure.params["measure"]
    assert isinstance(inner, Measure)
    assert inner.metric == "transition_share"
    assert inner.where == {"innsatsgruppe": ("situasjonsbestemt",)}


def test_the_project_targets_file_reads():
    targets = load_targets(ROOT / "calibration" / "targets.yaml")
    assert len(targets) > 50
    assert len(targets.evidence) >= 1
    assert len({t.id for t in targets}) == len(targets)


def test_several_files_must_not_share_ids(tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_text((DATA / "all_metrics.yaml").read_text())
    with pytest.raises(InputError, match="duplicate id"):
        load_targets([DATA / "all_metrics.yaml", copy])


def test_duplicate_yaml_keys_are_errors():
    with pytest.raises(InputError, match="duplicate key 'value'"):
        load_targets(DATA / "bad_duplicate_key.yaml")


def test_error_names_file_entry_and_field():
    with pytest.raises(InputError) as err:
        load_targets(DATA / "bad_metric.yaml")
    assert err.value.file.endswith("bad_metric.yaml")
    assert err.value.key == "targets[1] (typo).metric"
    assert "unknown metric 'stock_shares'" in str(err.value)
    assert "\n" not in str(err.value)


GOOD = {"id": "x", "metric": "panel_ever_share", "where": {"innsatsgruppe": "standard"},
        "params": {"start": "2021-02-01", "months": 3, "activity": "tiltak"}, "value": 0.4}


def _with(**changes) -> dict:
    entry = {k: (dict(v) if isinstance(v, dict) else v) for k, v in GOOD.items()}
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            if value is _DROP:
                entry[section].pop(name)
            else:
                entry[section][name] = value
        elif value is _DROP:
            entry.pop(section)
        else:
            entry[section] = value
    return entry


_DROP = object()


@pytest.mark.parametrize("entry, key, message", [
    (_with(colour="red"), "targets[0] (x).colour", "unknown key"),
    (_with(metric="panel_share"), "targets[0] (x).metric", "unknown metric"),
    (_with(id="Bad Id"), "targets[0].id", "snake_case"),
    (_with(id=_DROP), "targets[0].id", "required"),
    (_with(params__start=_DROP), "targets[0] (x).params.start", "required param"),
    (_with(params__start="2021-02-30"), "targets[0] (x).params.start", "ISO date"),
    (_with(params__start="1 Feb 2021"), "targets[0] (x).params.start", "ISO date"),
    (_with(params__months=0), "targets[0] (x).params.months", "above 0"),
    (_with(params__months="three"), "targets[0] (x).params.months", "above 0"),
    (_with(params__activity="walking"), "targets[0] (x).params.activity", "unknown value 'walking'"),
    (_with(params__window=3), "targets[0] (x).params.window", "unknown key"),
    (_with(params=_DROP), "targets[0] (x).params", "required"),
    (_with(where__county="oslo"), "targets[0] (x).where.county", "unknown filter"),
    (_with(where__innsatsgruppe="medium"), "targets[0] (x).where.innsatsgruppe", "unknown value 'medium'"),
    (_with(where__innsatsgruppe=[]), "targets[0] (x).where.innsatsgruppe", "empty list"),
    (_with(where__age=[29, 18]), "targets[0] (x).where.age", "lo <= hi"),
    (_with(where__age=[18.5, 29]), "targets[0] (x).where.age", "whole years"),
    (_with(where__mental_health="yes"), "targets[0] (x).where.mental_health", "true or false"),
    (_with(where__role="youth"), "targets[0] (x).where.role", "does not apply"),
    (_with(value=43), "targets[0] (x).value", "not percent"),
    (_with(value="0.4"), "targets[0] (x).value", "finite number"),
    (_with(value=float("nan")), "targets[0] (x).value", "finite"),
    (_with(value=_DROP), "targets[0] (x).value", "required"),
    (_with(value={"tiltak": 0.4}), "targets[0] (x).params.activity", "remove this param"),
    (_with(tolerance={"abs": -1}), "targets[0] (x).tolerance.abs", "0 or more"),
    (_with(tolerance={"sd": 0.1}), "targets[0] (x).tolerance.sd", "abs, rel or se"),
    (_with(tolerance={"abs": 0.1, "rel": 0.1}), "targets[0] (x).tolerance", "one of"),
    (_with(weight=-1), "targets[0] (x).weight", ">= 0"),
    (_with(source=3), "targets[0] (x).source", "text"),
])
def test_malformed_entries(tmp_path, entry, key, message):
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump({"targets": [entry]}))
    with pytest.raises(InputError) as err:
        load_targets(path)
    assert err.value.key == key
    assert message in err.value.message
    assert err.value.file == str(path)


@pytest.mark.parametrize("entry, key, message", [
    ({"id": "d", "metric": "stock_share", "params": {"date": "2021-02-15", "attribute": "sex"},
      "value": {"female": 0.5, "other": 0.5}}, "targets[0] (d).value.other", "unknown category"),
    ({"id": "d", "metric": "stock_share", "params": {"date": "2021-02-15", "attribute": "sex"},
      "value": 0.5}, "targets[0] (d).params.category", "required param"),
    ({"id": "d", "metric": "stock_share", "params": {"date": "2021-02-15", "attribute": "sex",
                                                     "category": "x"}, "value": 0.5},
     "targets[0] (d).params.category", "unknown category"),
    ({"id": "d", "metric": "stock_count", "params": {"date": "2021-02-15"}, "value": {"a": 1}},
     "targets[0] (d).value", "no categories"),
    ({"id": "d", "metric": "duration_share", "value": 0.1, "params": {
        "cohort_year": 2019, "horizon_months": 12, "state": "aap", "band_months": [12, 6]}},
     "targets[0] (d).params.band_months", "upper bound"),
    ({"id": "d", "metric": "return_share", "params": {"year": [2019, 2019], "horizon_months": 6},
      "value": 0.1}, "targets[0] (d).params.year", "twice"),
    ({"id": "d", "metric": "first_contact_share", "params": {"year": 2022, "within_weeks": 1.5},
      "value": 0.1}, "targets[0] (d).params.within_weeks", "whole number"),
    ({"id": "d", "metric": "experiment_effect", "value": 0.0, "params": {
        "intervention": {"seed": 1},
        "measure": {"metric": "return_share", "params": {"year": 2021, "horizon_months": 6}, "value": 0.1}}},
     "targets[0] (d).params.measure.value", "no value or tolerance"),
    ({"id": "d", "metric": "experiment_effect", "params": {"intervention": {}, "measure": {
        "metric": "return_share", "params": {"year": 2021, "horizon_months": 6}}}, "value": 0.0},
     "targets[0] (d).params.intervention", "non-empty mapping"),
    ({"id": "d", "metric": "experiment_effect", "params": {"intervention": {"seed": 1}, "measure": {
        "metric": "return_share", "params": {"year": 2021, "horizon": 6}}}, "value": 0.0},
     "targets[0] (d).params.measure.params.horizon", "unknown key"),
    ({"id": "d", "metric": "evidence", "value": 1, "tolerance": {"abs": 1}},
     "targets[0] (d).tolerance", "unknown key"),
])
def test_malformed_metric_specific_entries(tmp_path, entry, key, message):
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump({"targets": [entry]}))
    with pytest.raises(InputError) as err:
        load_targets(path)
    assert err.value.key == key
    assert message in err.value.message


def test_duplicate_ids_in_one_file(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump({"targets": [GOOD, GOOD]}))
    with pytest.raises(InputError, match=r"targets\[1\] \(x\)\.id: duplicate id"):
        load_targets(path)


@pytest.mark.parametrize("text, message", [
    ("targets: 3\n", "must be a list"),
    ("- id: x\n", "top level must be a mapping"),
    ("meta: {}\n", "required key is missing"),
    ("targets: []\nextra: 1\n", "unknown key"),
    ("", "empty"),
    ("targets: [\n", "invalid YAML"),
])
def test_malformed_files(tmp_path, text, message):
    path = tmp_path / "targets.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_targets(path)


def test_missing_file():
    with pytest.raises(InputError, match="file not found"):
        load_targets(DATA / "no_such_file.yaml")


def test_experiment_filters_move_into_the_measure(tmp_path):
    entry = {"id": "e", "metric": "experiment_effect", "where": {"innsatsgruppe": "standard"},
             "params": {"intervention": {"seed": 1},
                        "measure": {"metric": "panel_ever_share",
                                    "params": {"start": "2021-02-01", "months": 3}}},
             "value": {"tiltak": 0.01, "meeting": 0.02}}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({"targets": [entry]}, sort_keys=False))
    (target,) = load_targets(path)
    comparisons = target.comparisons()
    assert [c for c, _, _ in comparisons] == ["tiltak", "meeting"]
    inner = comparisons[1][2].params["measure"]
    assert inner.params["activity"] == "meeting"
    assert inner.where == {"innsatsgruppe": ("standard",)}


def test_the_project_compares_with_both_rounds_of_targets_by_default():
    from sim.paths import default_targets

    files = default_targets()
    assert [f.as_posix().split("calibration/")[-1] for f in files[:2]] == [
        "targets.yaml", "targets_dynamics.yaml"]
    loaded = load_targets(files)
    assert {"ig_persons_2018", "portfolio_older_2024", "cohort2018_tiltak_count_dist"} <= {
        t.id for t in loaded.targets}


def test_the_experiments_targets_join_the_defaults_when_present(tmp_path, monkeypatch):
    from sim.paths import default_targets

    (tmp_path / "calibration").mkdir()
    for name in ("targets.yaml", "targets_dynamics.yaml", "targets_experiments.yaml"):
        (tmp_path / "calibration" / name).write_text("targets: []\n")
    monkeypatch.chdir(tmp_path)
    assert [f.name for f in default_targets()] == [
        "targets.yaml", "targets_dynamics.yaml", "targets_experiments.yaml"]
