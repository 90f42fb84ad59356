"""``navsim init DIR``: a copy of the scenario library to edit.

The library installed with navsim is read-only in practice (it lives inside the package). An
analyst who wants to change a number, or to write scenarios beside the shipped ones that
extend them, gets an editable copy with the same layout: ``scenarios/``,
``scenarios/sweeps/`` and ``calibration/``, so every ``extends`` between them still holds.
Inside that folder a library name (``navsim run baseline``) and the default targets mean
the copy (see :mod:`sim.paths`).
"""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

from sim.paths import library_root
from sim.results import write_dir_atomically
from sim.scenario.loader import InputError

log = logging.getLogger(__name__)

#: The library's folders and the files of each that are copied.
FOLDERS = ("scenarios", "scenarios/sweeps", "calibration")

README = """\
# navsim scenarios

This folder is an editable copy of the scenario library installed with navsim, made by
`navsim init`. From inside it, a name means the file here:

```bash
navsim show baseline                     # what the baseline sets, and where each value comes from
navsim run baseline --scale 0.01 --out runs/first
navsim compare baseline cap50_hard --reps 5
navsim sweep cap_levels --workers 2
navsim validate                          # against calibration/targets.yaml here
```

A name is looked up in `scenarios/` (scenarios) or `scenarios/sweeps/` (sweeps) of the
folder you stand in, and then in the installed library; a path (`scenarios/mine.yaml`) is
read from where you stand. Results go where `--out` says, or to `results/` here.

- `scenarios/priors.yaml`: every behavioural number, each with its source or the word
  *assumption*.
- `calibration/calibrated.yaml`: the fitted values, laid over the priors;
  `calibration/config.yaml` says which parameters `navsim calibrate` fits;
  `calibration/targets.yaml` the statistics the reports observed.
- `scenarios/baseline.yaml` extends the calibrated layer; each policy scenario extends the
  baseline and changes one lever. To write your own, copy one of them, give it a new
  `name:` and change its lever; `navsim show mine.yaml --diff baseline` shows what differs.
- `scenarios/sweeps/`: sweep files (`navsim sweep --help`).

Every key a scenario may set is listed in the project's docs/SCENARIO_KEYS.md, every
outcome in docs/OUTCOMES.md.
"""


def copy_library(out: Path) -> list[Path]:
    """Write the library and the README into the new folder ``out``; return the files written."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(out, None, "exists and is not empty; navsim init makes a new folder")
    root = library_root()
    written: list[Path] = []

    def fill(tmp: Path) -> None:
        for folder in FOLDERS:
            (tmp / folder).mkdir(parents=True, exist_ok=True)
            for source in sorted((root / folder).glob("*.yaml")):
                shutil.copyfile(source, tmp / folder / source.name)
                written.append(out / folder / source.name)
                log.debug("copied %s", source)
        (tmp / "README.md").write_text(README, encoding="utf-8")
        written.append(out / "README.md")

    log.info("copying the library from %s", root)
    write_dir_atomically(out, fill)
    return written


def init_command(args: argparse.Namespace) -> int:
    written = copy_library(args.dir)
    scenarios = sum(1 for p in written if p.parent.name == "scenarios")
    print(f"wrote {args.dir.resolve()}: {len(written)} files ({scenarios} scenarios, sweeps, "
          "calibration and a README)")
    return 0
