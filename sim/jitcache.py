"""Keep numba's on-disk cache of compiled kernels in step with the sources.

numba caches each compiled function beside its source file and discards the cache when that
file changes, but not when a file it depends on changes: the kernels of
``sim.engine.kernels`` inline the decision rules of ``sim.rules``, the random streams of
``sim.rng`` and the codes of ``sim.codes``. After an edit to one of those alone, the
kernels loaded from the cache would still run the old rules, and the two engines would
silently disagree. So this module fingerprints every source the compiled code depends on,
and when the fingerprint differs from the one the cache was built with, it discards the
package's cached kernels before any is loaded (``sim/__init__.py`` calls :func:`refresh`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
#: Sources the compiled code is built from (files, or folders of them), relative to the package.
SOURCES = ("codes.py", "rng.py", "rules.py", "engine")
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
    stamp = root / "__pycache__" / STAMP
    current = fingerprint(root, sources)
    try:
        if stamp.read_text() == current:
            return False
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
        return False
    return True


def is_cached(dispatcher: Any) -> bool | None:
    """Whether numba holds a compiled copy of ``dispatcher`` on disk (None if it cannot tell).

    Lets a command warn that the first run after installing or changing the engine will
    spend a minute or two compiling before its progress bar moves.
    """
    try:
        return Path(dispatcher._cache._cache_file._index_path).is_file()
    except AttributeError:  # not a caching dispatcher, or numba's layout changed
        return None
