"""Keep numba's on-disk cache of compiled kernels in step with the sources.

numba caches each compiled function beside its source file and discards the cache when that
file changes, but not when a file it depends on changes: the kernels of
``sim.engine.kernels`` inline the decision rules of ``sim.rules``, the random streams of
``sim.rng`` and the codes of ``sim.codes``. After an edit to one of those alone, the
kernels loaded from the cache would still run the old rules, and the two engines would
silently disagree. So this module fingerprints every source the compiled code depends on,
and when the fingerprint differs from the one the cache was built with, it discards the
package's cached kernels before any is loaded (``sim/__init__.py`` calls :func:`refresh`).

numba keeps the cache beside the sources, or in ``NUMBA_CACHE_DIR`` when that is set, or
under the user's cache folder (``~/.cache/numba``) when the package cannot be written to:
the guard covers all three (:func:`external_cache_dirs`). A cache file that cannot be read
(cut short by a full disk or a kill, or damaged) made every run fail while loading it;
:func:`heal` finds such files before the kernels are loaded, discards them with a one-line
notice, and numba compiles afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
#: Sources the compiled code is built from (files, or folders of them), relative to the package.
SOURCES = ("codes.py", "rng.py", "rules.py", "plan.py", "state.py", "processes", "engine")
STAMP = "numba-sources.sha256"


def fingerprint(root: Path = PACKAGE, sources: tuple[str, ...] = SOURCES) -> str:
    """SHA-256 over the names and contents of the sources, in a fixed order."""
    h = hashlib.sha256()
    for name in sources:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            if f.is_file():
                h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def refresh(root: Path = PACKAGE, sources: tuple[str, ...] = SOURCES) -> bool:
    """Discard cached kernels under ``root`` if the sources changed since they were built.

    Returns True if the cache was discarded. A package that cannot be written to (an
    installed copy, whose sources do not change in place) is left alone.
    """
    current = fingerprint(root, sources)
    discarded = _refresh_external(root, current)
    stamp = root / "__pycache__" / STAMP
    try:
        if stamp.read_text() == current:
            return discarded
    except OSError:
        pass
    try:
        for cached in root.rglob("__pycache__/*.nb[ic]"):
            cached.unlink(missing_ok=True)
        stamp.parent.mkdir(exist_ok=True)
        tmp = stamp.with_name(f"{STAMP}.{os.getpid()}.tmp")
        tmp.write_text(current)
        os.replace(tmp, stamp)
    except OSError:
        return discarded
    return True


def external_cache_dirs(root: Path = PACKAGE) -> list[Path]:
    """Existing folders outside the package where numba keeps kernels compiled from it.

    numba names them ``<folder>_<sha1 of the folder's absolute path>`` under
    ``NUMBA_CACHE_DIR`` or under the user's cache folder (``$XDG_CACHE_HOME/numba``,
    by default ``~/.cache/numba``); the same rule is followed here.
    """
    bases = [Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "numba"]
    if os.environ.get("NUMBA_CACHE_DIR"):
        bases.insert(0, Path(os.environ["NUMBA_CACHE_DIR"]))
    folders = {root} | {p.parent for p in root.rglob("*.py")}
    found = []
    for folder in sorted(folders):
        name = f"{folder.name}_{hashlib.sha1(os.path.abspath(folder).encode()).hexdigest()}"
        found += [base / name for base in bases if (base / name).is_dir()]
    return found


def _write_stamp(folder: Path, current: str) -> None:
    tmp = folder / f"{STAMP}.{os.getpid()}.tmp"
    tmp.write_text(current)
    os.replace(tmp, folder / STAMP)


def _refresh_external(root: Path, current: str) -> bool:
    """Discard the kernels of each external cache folder whose stamp is not ``current``
    (kernels there without a stamp are of unknown sources, and go too)."""
    discarded = False
    for folder in external_cache_dirs(root):
        try:
            if (folder / STAMP).read_text() == current:
                continue
        except OSError:
            pass
        try:
            cached = list(folder.glob("*.nb[ic]"))
            for f in cached:
                f.unlink(missing_ok=True)
            discarded = discarded or bool(cached)
            _write_stamp(folder, current)
        except OSError:
            continue
    return discarded


def stamp_external(root: Path = PACKAGE, sources: tuple[str, ...] = SOURCES) -> None:
    """After compiling: stamp the external cache folders numba has just created, so that the
    next start keeps what was compiled from the current sources."""
    current = fingerprint(root, sources)
    for folder in external_cache_dirs(root):
        if not (folder / STAMP).exists():
            with contextlib.suppress(OSError):
                _write_stamp(folder, current)


def heal(dispatchers: Iterable[Any]) -> bool:
    """Discard the cache of every kernel whose cached files cannot be read; True if any.

    Reads each kernel's index and compiled data the way numba will, before numba does: a
    file cut short or damaged raises there (an ``UnpicklingError``, an ``EOFError``) and
    would end the run. Its folder's kernels are removed, with one line on stderr, and numba
    compiles them again on first use.
    """
    broken: dict[Path, str] = {}
    for dispatcher in dispatchers:
        cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
        if cache_file is None or not hasattr(cache_file, "_load_index"):
            continue
        try:
            for name in cache_file._load_index().values():
                cache_file._load_data(name)
        except FileNotFoundError:
            continue  # numba compiles what is missing
        except Exception as exc:  # noqa: BLE001 - any failure to read is a broken cache
            index = Path(cache_file._index_path).name
            broken[Path(cache_file._cache_path)] = f"{index}: {type(exc).__name__}"
    for folder in broken:
        for f in folder.glob("*.nb[ic]"):
            f.unlink(missing_ok=True)
    if broken:
        where = ", ".join(f"{folder} ({why})" for folder, why in broken.items())
        print(f"navsim: numba's cache of compiled kernels could not be read, discarded and "
              f"compiled again: {where}", file=sys.stderr, flush=True)
    return bool(broken)


def dispatchers_of(*modules: Any) -> list[Any]:
    """The caching numba kernels defined in ``modules``."""
    return [v for m in modules for v in vars(m).values() if hasattr(v, "_cache") and hasattr(v, "py_func")]


def is_cached(dispatcher: Any) -> bool | None:
    """Whether numba holds a compiled copy of ``dispatcher`` on disk (None if it cannot tell).

    Lets a command warn that the first run after installing or changing the engine will
    spend a minute or two compiling before its progress bar moves.
    """
    try:
        return Path(dispatcher._cache._cache_file._index_path).is_file()
    except AttributeError:  # not a caching dispatcher, or numba's layout changed
        return None
