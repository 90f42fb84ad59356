"""Worker processes that die with their parent.

A worker process outlives a parent killed with ``kill -9`` (or the out-of-memory killer):
it goes on computing for nobody and holds what the parent held, such as the calibration's
directory lock, so a rerun is refused. :func:`die_with_parent` makes a worker end when its
parent does. Call it first thing in the worker (``ProcessPoolExecutor(initializer=...)``,
or at the top of a ``multiprocessing.Process`` target).

On Linux the kernel does it: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` kills the worker the
moment the parent ends. Elsewhere, or if that call fails, a daemon thread checks every
:data:`WATCH_SECONDS` whether the parent is still there and ends the worker if not.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

#: Linux's ``PR_SET_PDEATHSIG`` (from <linux/prctl.h>).
PR_SET_PDEATHSIG = 1
#: How often the fallback watchdog looks for the parent, in seconds.
WATCH_SECONDS = 1.0


def _pdeathsig(sig: int) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent ends; True on success."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int | None = None) -> None:
    """End this (worker) process when ``parent`` (default: the current parent) ends.

    A parent already gone by the time this runs (it died while the worker started) ends
    the worker at once: the kernel signal would never come.
    """
    parent = os.getppid() if parent is None else parent
    if not _pdeathsig(signal.SIGKILL):
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:
        os._exit(1)


def initializer_for_parent() -> tuple:
    """``(initializer, initargs)`` for a process pool whose workers die with this process."""
    return die_with_parent, (os.getpid(),)
