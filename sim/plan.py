"""The week's plan: the steps of one simulated week, declared once, in order.

Both engines execute exactly this list. The numba engine's compiled week
(``sim.engine.kernels.step_weeks``) calls one kernel per step, and the Mesa engine
(``sim.engine.mesa_engine``) one method per step, named after it; each engine can report the
sequence of steps it ran (``tests/test_plan.py`` holds both to this list). The index of a
step is written with every event (the event log's ``phase``), so the log can be put back in
the order things happened: steps are appended, never reordered, or old logs change meaning.

Each step names the module whose decisions it applies. ``navsim plan`` prints the plan.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    """One step of the week: its name, the process module that decides, what happens."""

    name: str
    module: str
    does: str


#: Where the steps' decisions are written today: the compiled kernels (one ``phase_<step>``
#: function per step, with the formulas of ``sim.rules``); the Mesa engine restates them
#: agent by agent (``sim.agents``). Moving each process into a module of its own, shared by
#: both engines, is the next stage of the layout (docs/ARCHITECTURE.md).
KERNELS = "sim.engine.kernels"

STEPS: tuple[Step, ...] = (
    Step("inflow", KERNELS,
         "youths scheduled for this week register: a §14a assessment and the spell's starting state"),
    Step("ageing", KERNELS,
         "everyone reaching 30 leaves the model, ending a spell in follow-up"),
    Step("returns", KERNELS,
         "some who left for work, education or nothing come back and start a new spell"),
    Step("staffing", KERNELS,
         "advisor slots filled this week (staffing levers); youths of an advisor who leaves wait"),
    Step("churn", KERNELS,
         "advisor changes, rarer under the ungdomsgaranti's fixed contact person"),
    Step("cap", KERNELS,
         "youth advisors above a portfolio cap in force hand over their newest youths"),
    Step("assign", KERNELS,
         "youths without an advisor get one in their office, longest waiting first"),
    Step("contacts", KERNELS,
         "advisors spend their contact budgets by priority; youths write in the activity plan"),
    Step("transitions", KERNELS,
         "reassessment, benefits, treatment, IPS, tiltak referral and end, job search, "
         "labour attachment, exits"),
    Step("tiltak_places", KERNELS,
         "free tiltak places go to the waiting list in order; no-shows lose their place"),
    Step("ips_places", KERNELS,
         "free IPS places go to referred youths in order"),
)

#: Names of the steps, in order (the event log's ``phase`` is the index into it).
PHASE_NAMES: tuple[str, ...] = tuple(step.name for step in STEPS)


def phase(name: str) -> int:
    """The index of step ``name`` (what events of that step carry as their ``phase``)."""
    return PHASE_NAMES.index(name)


def plan_json() -> dict[str, list[dict[str, str]]]:
    """The plan as ``{"steps": [{"name": ..., "module": ..., "does": ...}, ...]}``."""
    return {"steps": [asdict(step) for step in STEPS]}


def print_plan(json_path: str | Path | None = None) -> None:
    """Print the plan as a table; with ``json_path``, also write it there as JSON."""
    width = max(len(step.name) for step in STEPS)
    module_width = max(len(step.module) for step in STEPS)
    for k, step in enumerate(STEPS):
        print(f"{k:2d}  {step.name:<{width}}  {step.module:<{module_width}}  {step.does}")
    if json_path is not None:
        from sim.results import atomic_write_bytes

        atomic_write_bytes(Path(json_path), (json.dumps(plan_json(), indent=2) + "\n").encode())
