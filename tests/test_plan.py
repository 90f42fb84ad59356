"""Both engines run exactly the week's plan (``sim.plan``), and ``navsim plan`` prints it."""

from __future__ import annotations

import importlib
import json

from sim.cli import main
from sim.engine.kernels import TIMED_STEPS
from sim.model import NavModel
from sim.plan import PHASE_NAMES, STEPS

WEEKS = 3


def test_both_engines_run_the_plan_in_order(tiny_with) -> None:
    scenario = tiny_with({"scale": 0.002})
    for engine in ("numba", "mesa"):
        model = NavModel(scenario, 1, engine=engine)
        model.engine.trace_steps()
        for _ in range(WEEKS):
            model.step()
        ran = [s for s in model.engine.steps_run() if s in PHASE_NAMES]
        assert ran == list(PHASE_NAMES) * WEEKS, engine
        assert model.phases == PHASE_NAMES


def test_compiled_week_adds_only_its_own_bookkeeping(tiny_with) -> None:
    """Besides the plan, the compiled week runs its pass over the present youths (after
    inflow) and the weekly statistics (last), nothing else."""
    model = NavModel(tiny_with({"scale": 0.002}), 1, engine="numba")
    model.engine.trace_steps()
    model.step()
    assert model.engine.steps_run() == list(TIMED_STEPS)
    assert [s for s in TIMED_STEPS if s not in PHASE_NAMES] == ["scan_present", "record_week"]


def test_every_step_names_the_process_module_of_its_decisions() -> None:
    for step in STEPS:
        module = importlib.import_module(step.module)
        assert step.module.startswith("sim.processes.") and module.__doc__ and step.does, step.name
        own = [f for f in vars(module).values()
               if getattr(f, "is_decision", False) and f.py_func.__module__ == step.module]
        assert own, f"{step.module} holds no decision"


def test_navsim_plan_prints_and_writes_the_plan(tmp_path, capsys) -> None:
    out = tmp_path / "plan.json"
    assert main(["plan", "--json", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in printed] == list(PHASE_NAMES)
    steps = json.loads(out.read_text())["steps"]
    assert [(s["name"], s["module"]) for s in steps] == [(s.name, s.module) for s in STEPS]
