"""Where the project's files are found: the scenario library, the calibration and the targets.

The library (``scenarios/``, ``scenarios/sweeps/`` and ``calibration/``) is edited at the top
of the source tree and installed with the package as data (``sim/library/``, mapped in
pyproject.toml), so every command works from any folder:

- a **file the user names** is read from where the user stands, as any command-line tool
  reads its arguments;
- a **library name** (``baseline``, ``cap50_hard``, ``cap_levels``) is a scenario or sweep of
  the library: the working folder's own library (``./scenarios/NAME.yaml``: a source
  checkout, or a folder made by ``navsim init``) if it has one, else the installed one;
- a **default** (``calibration/targets.yaml`` when ``--targets`` is not given) is found the
  same way: the working folder's library first, else the installed one.

In a source checkout the library is the checkout's own top-level folders, so an edit there
takes effect without reinstalling.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sim.names import did_you_mean
from sim.scenario.loader import InputError

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent
#: The project root of a source checkout: the folder that holds the ``sim`` package.
_CHECKOUT = _PACKAGE.parent
#: Where pyproject.toml installs the library with the package.
_INSTALLED = _PACKAGE / "library"

#: The project's files that commands use when given none.
BASELINE = "scenarios/baseline.yaml"
TARGETS = "calibration/targets.yaml"
CALIBRATION_CONFIG = "calibration/config.yaml"
PRIORS = "scenarios/priors.yaml"
#: The targets ``validate`` and ``calibrate`` compare with when given none: the first and
#: second round, and the experiments' targets when that file exists.
TARGETS_FILES = ("calibration/targets.yaml", "calibration/targets_dynamics.yaml")
TARGETS_OPTIONAL = ("calibration/targets_experiments.yaml",)

SCENARIOS = "scenarios"
SWEEPS = "scenarios/sweeps"


def library_root() -> Path:
    """The folder that holds the library's ``scenarios/`` and ``calibration/``.

    A source checkout's own folders come first, so that they win over an installed copy (and
    over an editable install of another checkout); otherwise the installed package data.
    """
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / BASELINE).is_file():
        return _CHECKOUT
    return _INSTALLED


def project_file(relative: str | Path, *, to_write: bool = False) -> Path:
    """A default file: ``relative`` in the working folder, else in the library, else as given.

    A file ``to_write`` need not exist yet: its folder is looked for instead. A file found
    nowhere is returned as given, so the error names the path the user would look for.
    """
    path = Path(relative)

    def found(candidate: Path) -> bool:
        return candidate.parent.is_dir() if to_write else candidate.exists()

    for candidate in (path, library_root() / path):
        if found(candidate):
            log.info("%s: using %s", relative, candidate)
            return candidate
    return path


def library_names(folder: str = SCENARIOS) -> list[str]:
    """The names of the YAML files of a library folder (``scenarios`` or ``scenarios/sweeps``),
    the working folder's and the installed ones together."""
    names: set[str] = set()
    for root in (Path("."), library_root()):
        directory = root / folder
        if directory.is_dir():
            names.update(p.stem for p in directory.glob("*.yaml"))
    return sorted(names)


def _is_name(text: str) -> bool:
    path = Path(text)
    return len(path.parts) == 1 and path.suffix in ("", ".yaml", ".yml")


def library_file(text: str | Path, folder: str = SCENARIOS, what: str = "scenario") -> Path:
    """The file a command-line argument names: a path from the working folder, or the name of
    a library scenario (``folder`` ``scenarios``) or sweep (``scenarios/sweeps``).

    An argument that is neither is a one-line :class:`InputError` listing the library and the
    closest name.
    """
    path = Path(text)
    if path.is_file():
        log.info("%s %s: the file %s", what, text, path)
        return path
    if _is_name(str(text)):
        name = path.stem
        for root in (Path("."), library_root()):
            candidate = root / folder / f"{name}.yaml"
            if candidate.is_file():
                log.info("%s %s: library file %s", what, text, candidate.resolve())
                return candidate
        names = library_names(folder)
        raise InputError(text, None, f"not found: no such file, nor a library {what} of that name"
                         f"{did_you_mean(name, names)}; the library has: {', '.join(names)}")
    return path  # not a file: reading it says what is wrong (not found, a directory)


def scenario_file(text: str | Path) -> Path:
    """A scenario argument: a file, or a library scenario's name (``baseline``)."""
    return library_file(text, SCENARIOS, "scenario")


def sweep_file(text: str | Path) -> Path:
    """A sweep argument: a file, or a library sweep's name (``cap_levels``)."""
    return library_file(text, SWEEPS, "sweep")


def default_targets() -> list[Path]:
    """The project's targets files (:data:`TARGETS_FILES`, and any of :data:`TARGETS_OPTIONAL`
    that exists), found as :func:`project_file` finds them."""
    files = [project_file(f) for f in TARGETS_FILES]
    files += [path for path in (project_file(f) for f in TARGETS_OPTIONAL) if path.exists()]
    return files
