"""The reference pages generated from the code: every scenario key and every outcome.

``python -m sim.reference`` rewrites ``docs/SCENARIO_KEYS.md`` (from the scenario schema,
:mod:`sim.scenario.keys`) and ``docs/OUTCOMES.md`` (from :data:`sim.outcomes.OUTCOMES`);
tests check that the committed pages equal what this writes, so they cannot drift from the
code they describe.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.scenario.keys import markdown as scenario_keys_markdown

#: The pages, by file name under docs/, and the function that writes each.
PAGES = ("SCENARIO_KEYS.md", "OUTCOMES.md")


def outcomes_markdown() -> str:
    """Every outcome name with its label, unit and definition, in the order of the registry."""
    from sim.outcomes import OUTCOMES

    lines = [
        "# Outcomes",
        "",
        "Every outcome navsim computes for a run, generated from `sim/outcomes.py` by",
        "`python -m sim.reference`; a test checks that this page is current. `navsim run` writes",
        "them to `summary.json` (mean and per-replication values) and prints a few; `navsim",
        "compare` reports each as an effect (scenario − baseline) with a 90 % interval over paired",
        "replications; a sweep file names the ones it reports under `outcomes:`. The name is what",
        "files and sweep files use; an unknown name is an error with the closest name suggested.",
        "Outcomes are measured over the period (or a comparison's window), national figures are",
        "simulated counts divided by the scale, and a month is 52/12 weeks.",
        "",
        "| name | label | unit | definition |",
        "|---|---|---|---|",
    ]
    for name, outcome in OUTCOMES.items():
        cells = [f"`{name}`", outcome.label, outcome.unit, " ".join(outcome.definition.split())]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    return "\n".join(lines)


def page(name: str) -> str:
    """The text of the generated page ``name`` (one of :data:`PAGES`)."""
    return scenario_keys_markdown() if name == "SCENARIO_KEYS.md" else outcomes_markdown()


def write_pages(docs: Path) -> list[Path]:
    """Write every generated page into ``docs``; return their paths."""
    written = []
    for name in PAGES:
        path = docs / name
        path.write_text(page(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - regenerates the pages in a source checkout
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs"
    for path in write_pages(target):
        print(f"wrote {path}")
