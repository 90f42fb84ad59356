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

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Step:
    """One step of the week: its name, the process module that decides, what happens."""

    name: str
    module: str
    does: str


ENTRY = "sim.processes.entry"
SPELLS = "sim.processes.spells"
ADVISORS = "sim.processes.advisors"
CONTACTS = "sim.processes.contacts"
TRANSITIONS = "sim.processes.transitions"
PLACES = "sim.processes.places"

STEPS: tuple[Step, ...] = (
    Step("inflow", ENTRY,
         "youths scheduled for this week register: a §14a assessment and the spell's starting state"),
    Step("ageing", SPELLS,
         "everyone reaching 30 leaves the model, ending a spell in follow-up"),
    Step("returns", SPELLS,
         "some who left for work, education or nothing come back and start a new spell"),
    Step("staffing", ADVISORS,
         "advisor slots filled this week (staffing levers); youths of an advisor who leaves wait"),
    Step("churn", ADVISORS,
         "advisor changes, rarer with a fixed contact person (its own lever or the ungdomsgaranti's)"),
    Step("cap", ADVISORS,
         "youth advisors above a portfolio cap in force hand over their newest youths"),
    Step("assign", ADVISORS,
         "youths without an advisor get one in their office, longest waiting first"),
    Step("contacts", CONTACTS,
         "advisors spend their contact budgets by priority; youths write in the activity plan"),
    Step("transitions", TRANSITIONS,
         "reassessment, benefits, treatment, IPS, tiltak referral and end, job search, "
         "labour attachment, exits"),
    Step("tiltak_places", PLACES,
         "free tiltak places go to the waiting list in order; no-shows lose their place"),
    Step("ips_places", PLACES,
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


def plan_table() -> str:
    """The plan as a table: index, step, module, what happens."""
    width = max(len(step.name) for step in STEPS)
    module_width = max(len(step.module) for step in STEPS)
    return "\n".join(f"{k:2d}  {step.name:<{width}}  {step.module:<{module_width}}  {step.does}"
                     for k, step in enumerate(STEPS))
