"""Where the project's own files are found when a command is given none.

Commands default to the project's files (``scenarios/baseline.yaml``,
``calibration/targets.yaml``) by their path in the project. Run from the project root,
that path is found in the working directory. An editable install also finds them beside
the package, from any directory. A regular install (``pip install .``) holds only the
package, so a default path that is found in neither place is returned as given, and the
error names the path the user would look for.
"""

from __future__ import annotations

from pathlib import Path

#: The project root of a source checkout: the folder that holds the ``sim`` package.
_CHECKOUT = Path(__file__).resolve().parents[1]

#: The project's files that commands use when given none.
BASELINE = "scenarios/baseline.yaml"
TARGETS = "calibration/targets.yaml"
#: The targets ``validate`` and ``calibrate`` compare with when given none: the first and
#: second round, and the experiments' targets when that file exists.
TARGETS_FILES = ("calibration/targets.yaml", "calibration/targets_dynamics.yaml")
TARGETS_OPTIONAL = ("calibration/targets_experiments.yaml",)


def project_file(relative: str | Path, *, to_write: bool = False) -> Path:
    """``relative`` from the working directory, else from the source checkout, else as given.

    A file ``to_write`` need not exist yet: its folder is looked for instead.
    """
    path = Path(relative)

    def found(candidate: Path) -> bool:
        return candidate.parent.is_dir() if to_write else candidate.exists()

    if found(path):
        return path
    beside_package = _CHECKOUT / path
    return beside_package if found(beside_package) else path


def default_targets() -> list[Path]:
    """The project's targets files (:data:`TARGETS_FILES`, and any of :data:`TARGETS_OPTIONAL`
    that exists), found as :func:`project_file` finds them."""
    files = [project_file(f) for f in TARGETS_FILES]
    files += [path for path in (project_file(f) for f in TARGETS_OPTIONAL) if path.exists()]
    return files
