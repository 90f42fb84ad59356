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


def project_file(relative: str | Path) -> Path:
    """``relative`` from the working directory, else from the source checkout, else as given."""
    path = Path(relative)
    if path.exists():
        return path
    beside_package = _CHECKOUT / path
    return beside_package if beside_package.exists() else path
