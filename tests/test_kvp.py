"""The kvalifiseringsprogram (``benefits.kvp``): who starts it, how long it runs, what it
replaces, and that leaving it out changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from sim.codes import (
    B_KVP,
    B_SOSIALHJELP,
    B_TILTAKSPENGER,
    EV_ASSESSMENT,
    EV_BENEFIT,
    EV_REASSESSMENT,
    STANDARD,
)
from sim.run import run_replication

GROUPS = ("standard", "situasjonsbestemt", "spesielt_tilpasset", "varig_tilpasset")


def _kvp(start: float, weeks: float = 20.0, standard: float = 0.0) -> dict:
    rates = {g: start for g in GROUPS} | {"standard": standard}
    return {"parameters": {"benefits": {"kvp": {"start_weekly": rates, "mean_duration_weeks": weeks}}}}


def _benefit_histories(out) -> list[tuple[int, list[tuple[int, int, int]]]]:
    """Per youth, the (week, new benefit, innsatsgruppe at the time) of each benefit event,
    in log order."""
    ev = out.events
    order = np.lexsort((np.arange(len(ev["week"])), ev["youth"]))
    histories: dict[int, list[tuple[int, int, int]]] = {}
    group: dict[int, int] = {}
    for k in order:
        y, kind, value, week = int(ev["youth"][k]), ev["kind"][k], int(ev["value"][k]), int(ev["week"][k])
        if kind in (EV_ASSESSMENT, EV_REASSESSMENT):
            group[y] = value
        elif kind == EV_BENEFIT:
            histories.setdefault(y, []).append((week, value, group.get(y, -1)))
    return list(histories.items())


@pytest.fixture(scope="module")
def with_kvp(tiny_with):
    scenario = tiny_with(_kvp(0.02))
    return run_replication(scenario, scenario.seed)[0]


def test_the_programme_starts_from_sosialhjelp_outside_the_standard_group(with_kvp):
    starts = 0
    for _, history in _benefit_histories(with_kvp):
        for (_, before, _), (_, after, group) in zip(history, history[1:], strict=False):
            if after == B_KVP:
                starts += 1
                assert before == B_SOSIALHJELP
                assert group != STANDARD
    assert starts > 50


def test_it_ends_back_on_sosialhjelp_and_pays_no_tiltakspenger_meanwhile(with_kvp):
    ends = total = 0
    for _, history in _benefit_histories(with_kvp):
        for (week0, before, _), (week1, after, _) in zip(history, history[1:], strict=False):
            if before == B_KVP:
                assert after != B_TILTAKSPENGER
                if after == B_SOSIALHJELP:
                    ends += 1
                    total += week1 - week0
    assert ends > 30
    # Geometric programme length with a mean of 20 weeks (spells cut short by an exit are
    # left out, which shortens the mean of the rest a little).
    assert 14 < total / ends < 24


def test_without_the_programme_or_with_no_starts_the_run_is_unchanged(tiny_scenario, tiny_with):
    """Left out, or with start rates of 0, the programme changes no byte of the run."""
    data = tiny_scenario.model_dump()
    data["parameters"]["benefits"]["kvp"] = None
    from sim.scenario.schema import Scenario

    absent = Scenario.model_validate(data)
    idle = tiny_with(_kvp(0.0, weeks=5.0))
    a, b = run_replication(absent, absent.seed)[0].events, run_replication(idle, idle.seed)[0].events
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.any((a["kind"] == EV_BENEFIT) & (a["value"] == B_KVP))
